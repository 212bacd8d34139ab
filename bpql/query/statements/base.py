"""What every statement module is made of, and the parts several of them share.

A statement module (`find`, `show`, `path`, `impact`, `risk`, `whatif`) holds its plan, written
through the `Dialect`'s helpers and hooks, its shaper (an `Answer` to a `Result`), the
signature of its reference slots, and, where a plan may have to stop early, a check run after
each step. It registers them as one `Spec` in `bpql.query.statements.STATEMENTS`, keyed by its IR
class.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from bpql.errors import QueryError
from bpql.ids import node_key, scenario_marker
from bpql.query import ir
from bpql.query.plan import Answer, Role, Source, Statement, Step
from bpql.query.render.base import LINK_COLUMNS, Dialect, link
from bpql.result import Graph, GraphEdge, Mark, Result

Q = TypeVar("Q")


@dataclass(frozen=True)
class Slot:
    """A reference slot of a statement: the keywords that lead to it (token names of the
    grammar, as completion reads them: `("IMPACT", "OF")`), the kinds of thing it takes (None:
    any), the words it takes instead of a thing (`closing channel "letter"`), and how error
    messages name it."""

    keywords: tuple[str, ...]
    labels: tuple[str, ...] | None
    context: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Spec(Generic[Q]):
    """One statement: its plan (None: only a dialect's `TRANSFORMS` entry plans it), its
    shaper, the kinds its reference slots take, and a check run after each step."""

    plan: Callable[[Dialect, Q], list[Step]] | None
    shape: Callable[[Q, Answer], Result]
    signature: tuple[Slot, ...] = ()
    check: Callable[[Q, str, Answer], None] | None = None
    #: a step run before the drawing each of whose rows is a node the drawing will hold (the
    #: steps reached): past the most nodes a caller draws, the drawing is not read at all
    #: (`Engine.run`'s `max_nodes`; 310,000 nodes and 26 s at 10,000 services for a view
    #: that then showed them collapsed)
    drawn_rows: str | None = None


def cannot_run(kind: str, title: str) -> QueryError:
    """A statement no plan renders for this store."""
    return QueryError(f"`{kind}` statements cannot run on {title}", code="BPQL-Q101")


def source_statement(d: Dialect, label: str, id_: str) -> Statement:
    """The thing a query is about, as a node (`source`): what views ring."""
    return d.statement(
        "source", f"MATCH (n:{label}) WHERE n.id = {d.param(id_, 'source')}", [("n", "n")]
    )


#: a set of steps by id, as a join on the primary key: `s.id IN $steps` tests the whole list
#: against every step on LadybugDB (24,000 x 24,000 ids: 5 s a statement)
_STEPS = "UNWIND $steps AS s_id"


def scenario_by_id(d: Dialect, var: str, scenario: str) -> str:
    """A test that the blueprint thing `var` is of `scenario`, on its id (bpql/ids.py): no
    walk to its blueprint (at 1,000 services most of a small `find`'s time on Neo4j, and a
    fifth of an impact route's)."""
    contains, marker = scenario_marker(scenario)
    return f"{'' if contains else 'NOT '}{var}.id CONTAINS {d.param(marker, 'marker')}"


def step_parts(d: Dialect, steps: Sequence[Source], failpoints: bool = True) -> list[Statement]:
    """The parts of the subgraph around a set of steps that impact and what-if views draw:
    nodes once (`graph.*`), relationships as keys (`links.*`, see `link`)."""
    inputs = {"steps": steps}
    one = "MATCH (s:Step {id: s_id})"

    def part(name: str, body: str, returns: list[tuple[str, str]]) -> Statement:
        return d.statement(name, f"{_STEPS} {body}", returns, role=Role.DRAWING, inputs=inputs)

    out = [
        part("graph.steps", one, [("s", "s")]),
        # a supported step outside `$steps` has no node, and the drawing leaves its link out
        part(
            "links.supports",
            "MATCH (a:Step {id: s_id})-[:SUPPORTS]->(c:Step)",
            link("a", "Step", "SUPPORTS", "c", "Step"),
        ),
        part(
            "graph.services",
            "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})\n"
            "WITH DISTINCT b MATCH p = (:Service)-[:HAS_BLUEPRINT]->(b)",
            [("p", "p")],
        ),
        part(
            "links.has_step",
            "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})",
            link("b", "Blueprint", "HAS_STEP", "s", "Step"),
        ),
        part(
            "graph.touchpoints",
            f"{one}-[:AT_TOUCHPOINT]->(tp:Touchpoint)\nWITH DISTINCT tp",
            [("tp", "tp")],
        ),
        part(
            "links.touchpoints",
            f"{one}-[:AT_TOUCHPOINT]->(tp:Touchpoint)",
            link("s", "Step", "AT_TOUCHPOINT", "tp", "Touchpoint"),
        ),
    ]
    if failpoints:
        out.append(
            part(
                "links.failpoints",
                f"{one}-[:HAS_FAIL_POINT]->(f:FailPoint)",
                [*link("s", "Step", "HAS_FAIL_POINT", "f", "FailPoint"), ("f", "f")],
            )
        )
    return out


def drawing(answer: Answer, names: Iterable[str] | None = None) -> Graph:
    """The nodes, relationships and paths in the rows of `names` (every drawing step and the
    source, when None). A statement whose columns start with a relationship as keys
    (`link`) adds it when both its ends are nodes of the graph."""
    if names is None:
        steps = answer.plan.statements
        names = [s.name for s in steps if s.name == "source" or s.role is Role.DRAWING]
    graph = Graph()
    links: list[GraphEdge] = []
    for name in names:
        rows = answer[name]
        rest = rows.columns
        if rows.columns[:3] == LINK_COLUMNS:
            links.extend(
                GraphEdge(source, target, type_)
                for source, type_, target in rows.select(*LINK_COLUMNS)
            )
            rest = rows.columns[3:]
        if rest:
            for values in rows.select(*rest):
                graph.absorb(values)
    for edge in links:  # a link to a thing outside the subgraph is no part of it
        if edge.source in graph.nodes and edge.target in graph.nodes:
            graph.add_edge(edge)
    return graph


def marked(graph: Graph, ends: list[ir.Target]) -> dict[str, list[str]]:
    """What the query was about, for views to mark; only the nodes the graph holds."""
    keys = [node_key(t.label, t.id) for t in ends]
    return {Mark.SOURCE: [k for k in keys if k in graph.nodes]}
