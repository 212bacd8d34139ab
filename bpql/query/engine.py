"""The engine: parse, resolve, plan for the backend's dialect, run, shape the result.

It is the only stage that sees both a backend and the compiler; each step before it is pure.
It runs any plan the same way (`run_plan`: each step in order, by name, its inputs filled from
the earlier steps' columns it names) and hands the statement's shaper the `Answer`.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bpql.backends.base import Backend
from bpql.backends.reads import entries
from bpql.query import ir
from bpql.query.compiler import compile_ir, compile_text, resolve_text
from bpql.query.plan import Answer, ExplainResult, Plan
from bpql.query.resolve import Resolver
from bpql.query.statements import spec_of
from bpql.query.statements.blueprint import blueprint, choose
from bpql.result import Kind, Result

#: answers that show observed volumes beside them, where `bpql observe` counted cases
VOLUMES = frozenset({"impact", "risk", "whatif"})


class StoreCatalog:
    """Ids and names per label, read once per session, for resolving references."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._cache: dict[str, list[tuple[str, str]]] = {}

    def entries(self, label: str) -> list[tuple[str, str]]:
        if label not in self._cache:
            self._cache[label] = entries(self.backend, label)
        return self._cache[label]

    def clear(self) -> None:
        self._cache.clear()


@dataclass
class Prepared:
    """A statement of a query text, resolved."""

    query: ir.QueryIR | ir.ExplainIR


#: called after each step of a plan with its name and the answer so far; may stop the plan
Check = Callable[[str, Answer], None]


class Engine:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.catalog = StoreCatalog(backend)

    # --- compiling ----------------------------------------------------------------------
    def prepare(self, text: str) -> list[Prepared]:
        return [Prepared(q) for q in resolve_text(text, self.catalog)]

    def compile(self, query: ir.QueryIR, dialect: str | None = None) -> Plan:
        return compile_ir(query, dialect or self.backend.dialect)

    def explain(self, text: str, dialect: str | None = None) -> list[Plan]:
        return compile_text(text, self.catalog, dialect or self.backend.dialect)

    # --- running ------------------------------------------------------------------------
    def run(self, text: str, draw: bool = True, max_nodes: int | None = None) -> list[Result]:
        """Each statement's answer (`explain`: its plan, as an `ExplainResult`); without
        `draw`, an answer that is more than its drawing (`impact of`, `risk of`, what-if)
        comes with its tables and no subgraph, and so does one that reaches more than
        `max_nodes` steps (`Result.undrawn` says how many)."""
        tries = 0

        def answer() -> list[Result]:
            nonlocal tries
            if tries:  # read again after a load: its ids and names too
                self.catalog.clear()
            tries += 1
            results: list[Result] = []
            for p in self.prepare(text):
                if isinstance(p.query, ir.ExplainIR):
                    plans = [self.compile(p.query.query)]
                    results.append(ExplainResult(Kind.EXPLAIN, plans=plans))
                else:
                    results.append(self.execute(p.query, draw, max_nodes))
            return results

        # the catalog's reads (references resolved) and every plan's statements: one graph
        return self.backend.consistent(answer)

    def run_plan(
        self,
        plan: Plan,
        check: Check | None = None,
        draw: bool = True,
        bound: tuple[str, int] | None = None,
    ) -> Answer:
        """Every step in order, by name: a statement read from the store with its inputs
        filled from the earlier steps' columns it names (less its `without`), a computed
        step worked out over the answer so far. `check` sees the answer after each step and
        may stop the plan. Without `draw`, the drawing's steps are left out; with `bound`
        (a step's name, a number of nodes), so are they when that step, run before them,
        has more rows. All of them read one graph (`Backend.consistent`): a load committing
        meanwhile is seen by none or by all."""

        def run() -> Answer:
            answer = Answer(plan, drawn=draw)
            for step in plan.statements:
                if step.draws and answer.drawn and bound is not None:
                    n = len(answer[bound[0]])
                    if n > bound[1]:
                        answer.drawn, answer.undrawn = False, n
                if step.draws and not answer.drawn:
                    continue
                answer.put(step.name, step.run(self.backend.read, answer))
                if check is not None:
                    check(step.name, answer)
            return answer

        return self.backend.consistent(run)

    def execute(self, query: ir.QueryIR, draw: bool = True, max_nodes: int | None = None) -> Result:
        spec = spec_of(query)
        plan = self.compile(query)
        limit = spec.check
        check = None if limit is None else (lambda name, answer: limit(query, name, answer))
        bound = None
        if max_nodes is not None and spec.drawn_rows is not None:
            bound = (spec.drawn_rows, max_nodes)
        with _collector_paused():
            answer = self.run_plan(plan, check, draw, bound)
            result = spec.shape(query, answer)
        result.undrawn = answer.undrawn
        if query.kind in VOLUMES:  # how many observed cases it touches (bpql observe)
            from bpql.query.volumes import with_volumes

            result = with_volumes(self.backend, query, result)
        return result

    def blueprint(
        self, service: str, scenario: str = "as-is", variant: str | None = None
    ) -> Result:
        """One blueprint of a service, with what the classic diagram draws beside its steps
        (bpql/query/statements/blueprint.py)."""
        target, chosen = choose(
            lambda: Resolver(self.catalog).lookup("Service", service),
            self.catalog.entries("Blueprint"),
            scenario,
            variant,
        )
        return blueprint(target, chosen, scenario, self.execute)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while rows become a result: an answer of 24,000 rows
    allocates a few hundred thousand containers, which set the collector off again and
    again over everything alive (150 ms of 850 ms at 1,000 services). Nothing made here
    needs it; it runs again, as before, afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
