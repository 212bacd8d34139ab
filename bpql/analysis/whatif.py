"""What a change would reach, worked out over the blueprints around it (a graph of them, from
files or read back from a store): which steps, by which route, and what each means.

The steps a change reaches directly come from outside (a plan's `impact of` route, or the
graph itself, `direct_users`); from them:

- retiring a system reaches every step those support, each by its nearest route, and breaks
  the steps left with no working route (`criticality`): a customer step has no way to be done,
  a touchpoint whose every step breaks is left with none;
- moving a role changes the handoffs along its blueprints' time lines (`handoffs`): both ends
  of a handoff created or removed carry it, and an end the role does not perform is reached
  through the other, one hop further;
- closing a touchpoint (or a channel) leaves a step at it with no touchpoint when it has no
  other, and a customer step so left with no way to be done.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bpql.analysis.criticality import SupportGraph
from bpql.analysis.graph import Index
from bpql.analysis.handoffs import handoffs
from bpql.analysis.routes import Route
from bpql.analysis.supports import Reach, nearest
from bpql.schema import VISIBLE_LANES

#: the classes a reached step can carry, in the order a table lists them
CUSTOMER_VISIBLE = "customer-visible"
MOMENT = "moment of truth"
NO_TOUCHPOINT = "no touchpoint left"
NO_WAY = "no way left to do it"
HANDOFF_CREATED = "handoff created"
HANDOFF_REMOVED = "handoff removed"
CLASSES = (CUSTOMER_VISIBLE, MOMENT, NO_TOUCHPOINT, NO_WAY, HANDOFF_CREATED, HANDOFF_REMOVED)


@dataclass
class Blueprints:
    """Blueprints over the graph API, as a change's analysis reads them: their steps (of one
    scenario), each step's service, and its time order."""

    index: Index
    #: step -> its blueprint
    blueprint: dict[str, str] = field(default_factory=dict)
    #: step -> (service id, service name)
    service: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, index: Index, blueprints: Iterable[str]) -> Blueprints:
        b = cls(index)
        for bp in blueprints:
            services = index.sources("HAS_BLUEPRINT", bp)
            node = index.node("Service", services[0]) if services else None
            service = (services[0], str(node["name"])) if node is not None else ("", "")
            for step in index.targets("HAS_STEP", bp):
                b.blueprint[step] = bp
                b.service[step] = service
        return b

    @classmethod
    def scenario(cls, index: Index, scenario: str) -> Blueprints:
        """Every blueprint of a scenario (of a graph from files)."""
        ids = [i for i, n in index.nodes["Blueprint"].items() if n.get("scenario") == scenario]
        return cls.of(index, sorted(ids))

    def step(self, step: str) -> dict[str, Any]:
        return self.index.node("Step", step) or {"id": step}

    @property
    def steps(self) -> list[str]:
        return sorted(self.blueprint)

    def departments(self, step: str, moved: tuple[str, str] | None = None) -> list[str]:
        """The departments of the roles that perform `step`; `moved` = (role, department)."""
        out = set()
        for role in self.index.targets("PERFORMED_BY", step):
            if moved is not None and role == moved[0]:
                out.add(moved[1])
            else:
                out.update(self.index.targets("MEMBER_OF", role))
        return sorted(out)

    def in_order(self, blueprint: str) -> list[str]:
        def seq(s: str) -> tuple[int, str]:
            return (int(self.step(s).get("seq") or 0), s)

        return sorted(self.index.targets("HAS_STEP", blueprint), key=seq)

    def department_names(self, step: str) -> list[str]:
        names = self.index.nodes.get("Department", {})
        return [str(names[d]["name"]) if d in names else d for d in self.departments(step)]


def direct_users(b: Blueprints, failing: Mapping[str, int]) -> dict[str, Reach]:
    """The steps of `b` that use a failing system (`failing`: system -> dependency hops),
    by the nearest: as `impact of system` names them (uses it: 1 hop; uses a system
    depending on it through k others: 1 + k)."""
    out: dict[str, Reach] = {}
    for system, k in failing.items():
        for step in b.index.sources("USES", system):
            if step not in b.blueprint:
                continue
            found = Reach(Route.DEPENDENT_SYSTEM if k else Route.SYSTEM, system, 1 + k)
            if step not in out or found.key < out[step].key:
                out[step] = found
    return out


def reach_retire(b: Blueprints, direct: Mapping[str, Reach]) -> dict[str, Reach]:
    """The steps using a failing system and every step they support, each by its nearest
    route (a step using a failing system is reached through a supporting step when that is
    nearer)."""
    return nearest(direct, lambda s: b.index.targets("SUPPORTS", s))


@dataclass(frozen=True)
class Handoffs:
    """A blueprint's handoffs before and after a move, and those it creates or removes."""

    service: str
    before: int
    after: int
    #: (from step, to step) and whether the move creates or removes it
    changed: list[tuple[tuple[str, str], str]]


def changed_handoffs(
    b: Blueprints, role: str, department: str, hit: Iterable[str]
) -> list[Handoffs]:
    """Per blueprint of a step the role performs, along its time line, the role in its
    department and in `department`."""
    moved = (role, department)
    out = []
    for bp in sorted({b.blueprint[s] for s in hit}):
        order = b.in_order(bp)
        before = set(handoffs((s, b.departments(s)) for s in order))
        after = set(handoffs((s, b.departments(s, moved)) for s in order))
        changed = [(p, HANDOFF_CREATED) for p in sorted(after - before)]
        changed += [(p, HANDOFF_REMOVED) for p in sorted(before - after)]
        out.append(Handoffs(b.service[order[0]][0], len(before), len(after), changed))
    return out


def reach_move(
    b: Blueprints, direct: Mapping[str, Reach], role: str, department: str
) -> dict[str, Reach]:
    """The role's steps, and both ends of every handoff the move creates or removes: an end
    the role does not perform is reached through the other, one hop further."""
    best = dict(direct)
    for h in changed_handoffs(b, role, department, list(direct)):
        for pair, _ in h.changed:
            for end, other in (pair, pair[::-1]):
                if other not in direct:
                    continue
                found = Reach(Route.HANDOFF, other, direct[other].hops + 1)
                if end not in best or found.key < best[end].key:
                    best[end] = found
    return best


#: what a change leaves per service, by its id
PerService = defaultdict[str, dict[str, Any]]
#: the classes of each step
Classes = defaultdict[str, set[str]]


def per_service() -> PerService:
    return defaultdict(
        lambda: {"touchpoints_left": set(), "no_way": set(), "before": 0, "after": 0}
    )


def classify_retire(b: Blueprints, hit: set[str], classes: Classes, per: PerService) -> None:
    """The steps left with no working route break: a customer one has no way to be done; a
    touchpoint whose every step (of the scenario) breaks is left with none."""
    blast = SupportGraph.of(b.index, b.steps).blast(hit, set())
    dead = set(blast.broken)
    for s in sorted(dead):
        if b.step(s).get("lane") == "customer":
            classes[s].add(NO_WAY)
            per[b.service[s][0]]["no_way"].add(s)
    left: dict[str, bool] = {}
    for s in blast.reach:
        for tp in b.index.targets("AT_TOUCHPOINT", s):
            if tp not in left:
                at = b.index.sources("AT_TOUCHPOINT", tp)
                left[tp] = bool(at) and all(x in dead for x in at)
            if left[tp]:
                per[b.service[s][0]]["touchpoints_left"].add(tp)


def classify_move(
    b: Blueprints, hit: set[str], role: str, department: str, classes: Classes, per: PerService
) -> None:
    """Both ends of a handoff created or removed carry it; each service counts its handoffs
    before and after."""
    for h in changed_handoffs(b, role, department, hit):
        per[h.service]["before"] += h.before
        per[h.service]["after"] += h.after
        for pair, mark in h.changed:
            for end in pair:
                classes[end].add(mark)


def classify_close(
    b: Blueprints, hit: set[str], closed: set[str], classes: Classes, per: PerService
) -> None:
    """A step at a closed touchpoint keeps its other touchpoints; with none left, a customer
    step has no way to be done."""
    for s in hit:
        if not set(b.index.targets("AT_TOUCHPOINT", s)) - closed:
            classes[s].add(NO_TOUCHPOINT)
            if b.step(s).get("lane") == "customer":
                classes[s].add(NO_WAY)
                per[b.service[s][0]]["no_way"].add(s)


def classify_all(b: Blueprints, reached: Iterable[str], classes: Classes) -> None:
    """What every step reached is, whatever the change: customer-visible, a moment of truth."""
    for step in reached:
        node = b.step(step)
        if node.get("lane") in VISIBLE_LANES:
            classes[step].add(CUSTOMER_VISIBLE)
        if node.get("moment_of_truth"):
            classes[step].add(MOMENT)
