"""The public Python API: connect, load, query, explain. A few functions, as sqlglot keeps it.

import bpql
with bpql.connect("embedded:.bpql/graph.lbdb") as db:
    db.load("examples/insurer")
    result = db.query('find services where depends on system "payments-gateway"')
    print(result.table.dicts())
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from bpql.backends.base import Backend, Progress, default_db
from bpql.backends.registry import connect as _connect
from bpql.errors import QueryError
from bpql.graphdata import Enterprise
from bpql.load.protocol import load_files
from bpql.query.engine import Engine
from bpql.query.plan import Plan
from bpql.result import Kind, Result

if TYPE_CHECKING:
    from bpql.analysis.compare import DiffResult
    from bpql.viz import View


class Client:
    """One store, open for reading, and the compiler bound to its dialect.

    The store is opened read-only (a notebook holding a client never locks a load out, and a
    read cannot write); `load` opens it for writing for the load alone. An embedded store
    that a load elsewhere replaced is opened again before the next query, so the client
    reads what was loaded last.

    The CLI, the shell and the explorer ask through a client too (`Client.over`), on the store
    they opened for one command or request: one way from a text to its answers."""

    def __init__(
        self, backend: Backend | None, uri: str | None = None, *, borrowed: bool = False
    ) -> None:
        self.uri = uri or (backend.uri if backend is not None else default_db())
        self._backend = backend
        self._engine: Engine | None = None
        #: the store is its caller's, who opened it and closes it: never opened again here
        self._borrowed = borrowed and backend is not None

    @classmethod
    def over(cls, backend: Backend) -> Client:
        """A client on a store its caller holds open for one command or request (and closes):
        the caller decides when a store is opened, for how long, and under which lock."""
        return cls(backend, borrowed=True)

    @property
    def backend(self) -> Backend:
        """The store, open for reading (opened now if it did not exist at `connect`)."""
        if self._borrowed:
            assert self._backend is not None
            return self._backend
        if self._backend is not None and self._backend.replaced():
            self._backend.close()
            self._backend = None
        if self._backend is None:
            self._backend = _connect(self.uri, create=False, read_only=True)
        return self._backend

    @property
    def engine(self) -> Engine:
        """The engine on the store as it is open now (made again when it was opened again)."""
        backend = self.backend
        if self._engine is None or self._engine.backend is not backend:
            self._engine = Engine(backend)
        return self._engine

    @property
    def dialect(self) -> str:
        return self.backend.dialect

    def load(self, *paths: str | Path, progress: Progress | None = None) -> Enterprise:
        """Make the store hold exactly the enterprise in `paths`, as `bpql load` does (the
        same code: the saved load state, so a reload reads and writes what changed): the
        store is opened for writing for the load alone, then for reading again."""
        done = load_files(self.uri, [Path(p) for p in paths], progress=progress)
        self.close()
        return done.enterprise

    def query(self, text: str, draw: bool = True, max_nodes: int | None = None) -> Result:
        """Run one query (not `explain`) and return its result. `draw=False` leaves out the
        subgraph of an answer that has tables (`impact of`, `risk of`, what-if): at 1,000
        services it is most of the work. With `max_nodes`, so does an impact or what-if
        answer reaching more steps than that (`Result.undrawn`: how many); its view is then
        drawn collapsed from its department x service matrix."""
        results = self.query_all(text, draw, max_nodes)
        if len(results) != 1:
            raise QueryError(
                f"expected one query, got {len(results)}; use query_all()", code="BPQL-Q001"
            )
        return results[0]

    def run(self, text: str, draw: bool = True, max_nodes: int | None = None) -> list[Result]:
        """Every statement of `text` answered, `explain` included (as its own kind of
        result): what the CLI, the shell and the explorer print."""
        return self.engine.run(text, draw, max_nodes)

    def query_all(self, text: str, draw: bool = True, max_nodes: int | None = None) -> list[Result]:
        out = []
        for r in self.run(text, draw, max_nodes):
            if r.kind is Kind.EXPLAIN:
                raise QueryError("use explain() for `explain` queries", code="BPQL-Q002")
            out.append(r)
        return out

    def explain(self, text: str, dialect: str | None = None) -> list[Plan]:
        """The Cypher and parameters the query runs as, without running it."""
        return self.engine.explain(text, dialect)

    def blueprint(
        self, service: str, scenario: str = "as-is", variant: str | None = None
    ) -> Result:
        """One blueprint of a service (by id or name), shaped for the blueprint view."""
        return self.engine.blueprint(service, scenario, variant)

    def observed_blueprint(
        self, service: str, scenario: str = "as-is", variant: str | None = None
    ) -> Result:
        """One blueprint with what `bpql observe` wrote on it, shaped for the observed view;
        an error when nothing was observed of it."""
        from bpql.query.statements.observed import blueprint_figures
        from bpql.viz.observed import observed_result

        result = self.blueprint(service, scenario, variant)
        return observed_result(result, blueprint_figures(self.engine, result))

    def neighbours(self, label: str, id_: str) -> Result:
        """`show <kind> "<id>"`, one step out: what the explorer adds when a node is expanded."""
        from bpql.query import ir

        return self.engine.execute(ir.ShowIR(ir.Target(label, id_, id_), depth=1))

    def viz(
        self, query: str | Result, *, max_nodes: int | None = None, title: str | None = None
    ) -> View:
        """A query's answer (or a result) as a self-contained page; shows inline in Jupyter."""
        from bpql import viz

        most = max_nodes or viz.DEFAULT_MAX_NODES
        result = self.query(query, max_nodes=most) if isinstance(query, str) else query
        heading = title or result.title or (query.strip() if isinstance(query, str) else None)
        return viz.render(result, max_nodes=most, title=heading)

    def diff(self, service: str | None = None, variant: str | None = None) -> DiffResult:
        """The as-is of `service` (id or name; None: every service) compared with its to-be
        (or the `variant` named); `.comparison` holds it all, `viz()` draws the diff view."""
        from bpql.analysis import compare
        from bpql.backends.reads import Scope, stored_graph

        graph = stored_graph(self.backend, Scope(service, redesigned=True))
        return compare.as_result(compare.compare_scenarios(graph, service, variant))

    def stats(self) -> dict[str, dict[str, int]]:
        return self.backend.counts()

    def close(self) -> None:
        if self._backend is not None and not self._borrowed:
            self._backend.close()
            self._backend = None

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(db: str | None = None) -> Client:
    """Open a store for reading: `bolt://…`/`neo4j://…` (NEO4J_USER/NEO4J_PASSWORD) or
    `embedded:PATH`. An embedded store that does not exist yet is made by the first
    `Client.load`; a query before that says there is none."""
    from bpql.errors import BackendError

    uri = db or default_db()
    try:
        return Client(_connect(uri, create=False, read_only=True), uri)
    except BackendError as exc:
        if exc.code != "BPQL-S020":  # no embedded store there yet
            raise
        return Client(None, uri)


def diff_scenarios(
    *paths: str | Path, service: str | None = None, variant: str | None = None
) -> DiffResult:
    """`Client.diff` over blueprint files instead of a store."""
    from bpql.analysis import compare
    from bpql.model.validate import validate_paths

    graph = validate_paths([Path(p) for p in paths]).graph
    return compare.as_result(compare.compare_scenarios(graph, service, variant))


def diff_paths(old: str | Path, new: str | Path) -> DiffResult:
    """Two versions of an enterprise's files (two folders), compared blueprint by blueprint."""
    from bpql.analysis import compare
    from bpql.model.validate import validate_paths

    before, after = validate_paths([Path(old)]), validate_paths([Path(new)])
    return compare.as_result(
        compare.compare_versions(before.graph, after.graph, str(old), str(new))
    )


def diff_revision(rev: str, path: str | Path) -> DiffResult:
    """The enterprise at or above `path` (its folder, a sub-folder or a file) at git revision
    `rev` compared with its files now; git reads the old files into a temporary folder, the
    work tree is not touched."""
    from bpql.analysis import compare
    from bpql.model.revision import versions

    old, new = versions(rev, path)
    return compare.as_result(compare.compare_versions(old, new, rev, "working files"))


def explain_text(compiled: Iterable[Plan]) -> str:
    """Cypher with its parameters, as `bpql explain` prints it: one block per named statement,
    with the earlier statements that fill its list parameters."""
    blocks = []
    for c in compiled:
        n = len(c.statements)
        for i, st in enumerate(c.statements, start=1):
            head = f"// {c.dialect}" + (f", statement {i} of {n}: {st.name}" if n > 1 else "")
            inputs = "".join(
                f"\n// ${k} <- {' + '.join(str(s) for s in v)}"
                + "".join(f" - {w}" for w in st.without.get(k, ()))
                for k, v in st.inputs.items()
            )
            params = json.dumps(st.params, ensure_ascii=False)
            blocks.append(f"{head}\n{st.cypher}\n// params: {params}{inputs}")
    return "\n\n".join(blocks)
