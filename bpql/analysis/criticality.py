"""What a failing system or back-office step can break, worked out from the graph.

No blueprint tool knows this without a graph: a system fails, the systems that depend on it
follow, the steps that use any of them are hit, and the steps those steps support lose their
support, up to the customer. Two answers, both per customer step:

- reach ("can break"): the step lies on a route through the failure;
- single point of failure ("does break"): the step is left with no working route.

A step works when none of the systems it uses has failed and, if other steps support it, at
least one of them works: steps supporting the same step are read as alternative routes (a
claim can be registered from the portal or by the call centre). Supports run from a lower lane
to a higher one (the validator checks it), so the walk always ends.

It runs over the in-memory graph (bpql/analysis/graph.py): built from validated files for the
per-system figures stored at load (`from_graph`), or from the blueprints a `risk of` or what-if
plan reads back (`SupportGraph(index, steps)`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property

from bpql.analysis.graph import Index
from bpql.analysis.supports import supported
from bpql.analysis.systems import failing_systems
from bpql.graphdata import GraphData
from bpql.schema import VISIBLE_LANES


class SupportGraph:
    """Steps (of one scenario), who supports them and what they use, over a graph. The walk's
    own maps (lanes, moments, supports) are made at once, relationship type by relationship
    type (a blueprint read back at 1,000 services holds 15,000 steps, and a lookup per step and
    type cost half a second); names, touchpoints, services and uses when first read."""

    def __init__(self, index: Index, steps: Iterable[str]) -> None:
        self.index = index
        self.steps = keep = set(steps)
        nodes = index.nodes.get("Step", {})
        found = [nodes.get(s) or {"id": s} for s in keep]
        self.lane: dict[str, str] = {n["id"]: str(n.get("lane")) for n in found}
        self.moment: set[str] = {n["id"] for n in found if n.get("moment_of_truth")}
        self.supporters: dict[str, set[str]] = {}
        self.supported: dict[str, set[str]] = {}
        for lower, higher in index.graph.rels.get("SUPPORTS", ()):
            if lower in keep and higher in keep:
                self.supporters.setdefault(higher, set()).add(lower)
                self.supported.setdefault(lower, set()).add(higher)

    @classmethod
    def of(cls, index: Index, steps: Iterable[str]) -> SupportGraph:
        """The steps given, of the graph; supports between two of them."""
        return cls(index, steps)

    @cached_property
    def name(self) -> dict[str, str]:
        nodes = self.index.nodes.get("Step", {})
        return {s: str(nodes.get(s, {}).get("name") or "") for s in self.steps}

    @cached_property
    def touchpoint(self) -> dict[str, str]:
        """A step's touchpoint (a step has one)."""
        out: dict[str, str] = {}
        for step, tp in self.index.graph.rels.get("AT_TOUCHPOINT", ()):
            if step in self.steps:
                out.setdefault(step, tp)
        return out

    @cached_property
    def service(self) -> dict[str, str]:
        """A step's service, through its blueprint."""
        rels = self.index.graph.rels
        service_of = {bp: service for service, bp in rels.get("HAS_BLUEPRINT", ())}
        return {
            step: service_of[bp]
            for bp, step in rels.get("HAS_STEP", ())
            if step in self.steps and bp in service_of
        }

    @cached_property
    def uses(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for step, system in self.index.graph.rels.get("USES", ()):
            if step in self.steps:
                out.setdefault(step, set()).add(system)
        return out

    @classmethod
    def from_graph(cls, g: GraphData, scenario: str = "as-is") -> SupportGraph:
        """The blueprints of one scenario (as-is by default) of a validated enterprise."""
        index = Index(g)
        steps = [
            st
            for b in g.nodes["Blueprint"]
            if b["scenario"] == scenario
            for st in index.targets("HAS_STEP", b["id"])
        ]
        return cls.of(index, steps)

    # --- the walk ---------------------------------------------------------------------------
    def failing_systems(self, system: str) -> set[str]:
        """The system and every system that depends on it, directly or not."""
        return set(failing_systems(self.index, [system]))

    @cached_property
    def users(self) -> dict[str, set[str]]:
        """System -> the steps that use it."""
        return _invert(self.uses)

    def above(self, step: str) -> set[str]:
        """The steps `step` supports."""
        return self.supported.get(step, set())

    def of_system(self, system: str) -> Blast:
        failed = self.failing_systems(system)
        users = self.users
        hit = set().union(*(users.get(s, set()) for s in failed))
        return self.blast(hit, failed)

    def of_step(self, step: str) -> Blast:
        return self.blast({step}, set())

    def blast(self, hit: set[str], failed_systems: set[str]) -> Blast:
        reach = supported(hit, self.above)

        @cache
        def works(step: str) -> bool:
            if step in hit:
                return False
            routes = self.supporters.get(step)
            return not routes or any(works(r) for r in routes)

        broken = {s for s in reach if not works(s)}
        return Blast(self, hit, reach, broken, failed_systems)


def _invert(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for a, bs in edges.items():
        for b in bs:
            out.setdefault(b, set()).add(a)
    return out


@dataclass(frozen=True)
class Blast:
    """What one failure hits, can break and does break."""

    graph: SupportGraph
    hit: set[str]
    reach: set[str]
    broken: set[str]
    failed_systems: set[str]

    def _lane(self, steps: Iterable[str], lanes: Iterable[str]) -> list[str]:
        wanted = set(lanes)
        return sorted(s for s in steps if self.graph.lane.get(s) in wanted)

    @property
    def customer_steps(self) -> list[str]:
        return self._lane(self.reach, ("customer",))

    @property
    def single_point_for(self) -> list[str]:
        """Customer steps left with no working route."""
        return self._lane(self.broken, ("customer",))

    @property
    def moments_of_truth(self) -> list[str]:
        """The customer steps it can break that are moments of truth: like every figure of a
        failure, counted over customer steps (a frontstage moment of truth is not counted)."""
        return sorted(s for s in self.customer_steps if s in self.graph.moment)

    @property
    def touchpoints(self) -> list[str]:
        visible = self._lane(self.reach, VISIBLE_LANES)
        return sorted({self.graph.touchpoint[s] for s in visible if s in self.graph.touchpoint})

    @property
    def services(self) -> list[str]:
        return sorted(
            {self.graph.service[s] for s in self.customer_steps if s in self.graph.service}
        )


#: the figures stored on each system at load, so `find systems order by customer_reach desc`
#: ranks by blast radius on any store without walking the graph per query
SYSTEM_FIGURES = ("customer_reach", "moments_reach", "services_reach", "single_point_for")


def system_figures(g: GraphData) -> dict[str, dict[str, int]]:
    """Per system, over the as-is blueprints: customer steps it can break, how many of those
    are moments of truth and in how many services, and customer steps for which it is a
    single point of failure.

    Worked out once per step rather than once per system (the same rules as `blast`, as sets
    of systems): the systems that can break a step are those whose failure hits it, plus those
    that can break any of its supporters; the systems that surely break it are those whose
    failure hits it, plus those that surely break every one of its supporters. Linear in the
    steps, so a 1,000-service enterprise costs well under a second at load.
    """
    systems = [s["id"] for s in g.nodes["System"]]
    return figures_of(systems, reach(g, systems, g.rels["DEPENDS_ON"]))


def figures_of(systems: list[str], counts: list[list[int]]) -> dict[str, dict[str, int]]:
    """`reach`'s counts as the figures of each system."""
    return {sys: dict(zip(SYSTEM_FIGURES, counts[n], strict=True)) for n, sys in enumerate(systems)}


class Failing:
    """Which systems' failure takes each system down (itself and all it depends on), as bit
    masks over `systems`: sets as ints, so union and intersection are one machine operation
    each. Worked out once for an enterprise and shared by every file's `reach`."""

    def __init__(self, systems: list[str], depends: Iterable[tuple[str, str]]) -> None:
        self.bit = {sys: 1 << n for n, sys in enumerate(systems)}
        self.on: dict[str, list[str]] = {}
        for a, b in depends:
            self.on.setdefault(a, []).append(b)
        self.closure: dict[str, int] = {}

    def mask(self, system: str) -> int:
        found = self.closure.get(system)
        if found is None:
            self.closure[system] = 0  # cycles are refused at validation; guard anyway
            found = self.bit.get(system, 0)
            for dep in self.on.get(system, ()):
                found |= self.mask(dep)
            self.closure[system] = found
        return found


def reach(
    g: GraphData,
    systems: list[str],
    depends: Iterable[tuple[str, str]],
    failing: Failing | None = None,
) -> list[list[int]]:
    """Per system (in `systems`' order), its figures (`SYSTEM_FIGURES`' order) over the
    as-is blueprints of `g`, the systems depending on each other as `depends` says (or as
    `failing`, made from the same two, has them). They add up: an enterprise's figures are
    the sum of its blueprint files' (a service has one as-is blueprint, in one file), so a
    reload works out only those of the files that changed. No closures or recursive inner
    functions: a reference cycle would hold each file's graph until the cycle collector ran."""
    sg = SupportGraph.from_graph(g)
    failing = failing or Failing(systems, depends)
    can: dict[str, int] = {}
    sure: dict[str, int] = {}
    customer = [0] * len(systems)
    moments = [0] * len(systems)
    single = [0] * len(systems)
    services: list[set[str]] = [set() for _ in systems]
    members: dict[int, list[int]] = {0: []}  # a mask's systems, by mask (steps share masks)
    uses, supporters, service = sg.uses, sg.supporters, sg.service
    for step, lane in sg.lane.items():
        if lane != "customer":  # every figure counts customer steps (`Blast`)
            continue
        is_moment = step in sg.moment
        _walk(step, uses, supporters, failing, can, sure)
        mask = can[step]
        hit = members.get(mask)
        if hit is None:
            hit = members[mask] = _members(mask)
        of = service.get(step)
        for n in hit:
            if is_moment:
                moments[n] += 1
            customer[n] += 1
            if of is not None:
                services[n].add(of)
        mask = sure[step]
        hit = members.get(mask)
        if hit is None:
            hit = members[mask] = _members(mask)
        for n in hit:
            single[n] += 1
    return [[customer[n], moments[n], len(services[n]), single[n]] for n in range(len(systems))]


def _walk(
    step: str,
    uses: dict[str, set[str]],
    supporters: dict[str, set[str]],
    failing: Failing,
    can: dict[str, int],
    sure: dict[str, int],
) -> None:
    """`can[step]`: the systems whose failure can break `step`; `sure[step]`: those whose
    failure surely does (it and every supporter it has)."""
    if step in can:
        return
    own = 0
    for y in uses.get(step, ()):
        own |= failing.mask(y)
    below = supporters.get(step)
    if not below:
        can[step] = sure[step] = own
        return
    reach, every = own, -1
    for sup in below:
        _walk(sup, uses, supporters, failing, can, sure)
        reach |= can[sup]
        every &= sure[sup]
    can[step] = reach
    sure[step] = own | every


def _members(mask: int) -> list[int]:
    """The positions of a mask's set bits."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out
