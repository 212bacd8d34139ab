"""Statements that read a part of the store back as `GraphData` rows, for the analyses that run
over the in-memory graph (bpql/analysis): the blueprints reached, whole, and the shared
relationships the method needs. `risk of` and what-if locate in Cypher, read these, and analyse
in Python; the same reads serve any statement that needs the graph around what it found.

A read is a statement and the parts of a graph its rows hold (`Part`): a relationship (its two
ends' columns) and a node (its label, the column of its id and the columns of its properties).
`graph_of` turns the rows of a plan's reads into one `GraphData`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from bpql.graphdata import GraphData
from bpql.query.plan import Answer, Source, Statement, Step
from bpql.query.render.base import Dialect
from bpql.schema import RELS


@dataclass(frozen=True)
class Part:
    """A part of a graph in a read's rows: a relationship `rel` from column `src` to column
    `dst`, and a node of `label` whose id is column `key` and whose properties are read from
    columns (`props`: (property, column) pairs). A row whose key or end is null holds none."""

    rel: str | None = None
    src: str = "source"
    dst: str = "target"
    label: str | None = None
    key: str = "target"
    props: tuple[tuple[str, str], ...] = ()
    #: the relationship repeats over the rows (a step's service on every step)
    repeats: bool = False
    #: the relationship may be missing on a row (an optional match), its end null
    optional: bool = False


def _same(*names: str) -> tuple[tuple[str, str], ...]:
    return tuple((n, n) for n in names)


#: a step's properties the analyses read
STEP_PROPS = ("name", "lane", "seq", "moment_of_truth")
#: the properties read of the shared things a step reaches, by label
SHARED_PROPS: dict[str, tuple[str, ...]] = {
    "Touchpoint": ("name", "channel"),
    "Role": ("name",),
    "Department": ("name",),
    "System": ("name",),
}
#: a step's relationships a read may fetch with the blueprints (its touchpoint comes with it)
STEP_RELS = ("SUPPORTS", "PERFORMED_BY", "USES")
#: every read there is, by statement name, and the parts of a graph it holds
PARTS: dict[str, tuple[Part, ...]] = {
    "blueprint.steps": (
        Part(
            "HAS_BLUEPRINT",
            "service",
            "blueprint",
            "Service",
            "service",
            (("name", "service_name"),),
        ),
        Part("HAS_STEP", "blueprint", "id", "Step", "id", _same(*STEP_PROPS)),
        Part(
            "AT_TOUCHPOINT",
            "id",
            "touchpoint",
            "Touchpoint",
            "touchpoint",
            (("name", "touchpoint_name"),),
            optional=True,
        ),
    ),
    **{
        f"blueprint.{rel.lower()}": (
            Part(
                rel,
                label=RELS[rel].dst if RELS[rel].dst in SHARED_PROPS else None,
                props=_same(*SHARED_PROPS.get(RELS[rel].dst, ())),
            ),
        )
        for rel in STEP_RELS
    },
    "memberships": (Part("MEMBER_OF", label="Department", props=_same("name")),),
    "touchpoint.steps": (Part("AT_TOUCHPOINT"),),
    "dependencies": (Part("DEPENDS_ON"),),
}


def blueprint_reads(
    d: Dialect, blueprints: Sequence[Source], rels: Sequence[str]
) -> list[Statement]:
    """The blueprints `blueprints`, whole: their steps with their service and touchpoint, and
    each step's relationships of the types `rels` with the things at their other end. Matched
    through the blueprints' ids: a list of hundreds of blueprints is much quicker to test than
    one of thousands of steps (LadybugDB, 1,000 services). The nodes around the blueprint
    carry no label: each relationship type joins one pair of labels (bpql/schema.py
    REL_KINDS), and on Neo4j a label test reads each node again."""
    inputs = {"blueprints": blueprints}
    head = "UNWIND $blueprints AS b_id\nMATCH "
    out = [
        d.statement(
            "blueprint.steps",
            f"{head}(sv)-[:HAS_BLUEPRINT]->(b:Blueprint {{id: b_id}})-[:HAS_STEP]->"
            "(s)\nOPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp)",
            [
                ("service", "sv.id"),
                ("service_name", "sv.name"),
                ("blueprint", "b.id"),
                ("id", "s.id"),
                *((p, f"s.{p}") for p in STEP_PROPS),
                ("touchpoint", "tp.id"),
                ("touchpoint_name", "tp.name"),
            ],
            inputs=inputs,
        )
    ]
    for rel in rels:
        (part,) = PARTS[f"blueprint.{rel.lower()}"]
        out.append(
            d.statement(
                f"blueprint.{rel.lower()}",
                f"{head}(b:Blueprint {{id: b_id}})-[:HAS_STEP]->(s)-[:{rel}]->(n)",
                [("source", "s.id"), ("target", "n.id"), *((p, f"n.{c}") for p, c in part.props)],
                inputs=inputs,
            )
        )
    return out


def memberships(d: Dialect) -> Statement:
    """Every role's department: a few hundred rows at most, read whole."""
    return d.statement(
        "memberships",
        "MATCH (r:Role)-[:MEMBER_OF]->(n:Department)",
        [("source", "r.id"), ("target", "n.id"), ("name", "n.name")],
    )


def dependencies(d: Dialect) -> Statement:
    """Every DEPENDS_ON between systems (a few hundred), for the systems that fail together
    (bpql/analysis/systems.py)."""
    return d.statement(
        "dependencies",
        "MATCH (a:System)-[:DEPENDS_ON]->(b:System)",
        [("source", "a.id"), ("target", "b.id")],
    )


def steps_at(d: Dialect, touchpoints: Source, scenario: str | None) -> Statement:
    """Every step (of the scenario, when one is given) at the touchpoints `touchpoints`."""
    scen = "" if scenario is None else f" AND b.scenario = {d.param(scenario, 'scenario')}"
    return d.statement(
        "touchpoint.steps",
        "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)-[:AT_TOUCHPOINT]->(t:Touchpoint)\n"
        f"WHERE t.id IN $touchpoints{scen}",
        [("source", "s.id"), ("target", "t.id")],
        inputs={"touchpoints": [touchpoints]},
    )


def _once(
    values: Iterable[tuple[Any, ...]], keys: tuple[str, ...], seen: set[Any]
) -> Iterator[dict[str, Any]]:
    """A node's properties from the first row of each id (none from a null one)."""
    for v in values:
        if v[0] is not None and v[0] not in seen:
            seen.add(v[0])
            yield dict(zip(keys, v, strict=True))


def graph_sources(steps: Iterable[Step]) -> tuple[Source, ...]:
    """What a step that reads `graph_of` the answer so far reads: a column of each of
    `steps` that is a part of the graph (so the engine has them all read before it runs)."""
    out = []
    for st in steps:
        for part in PARTS.get(st.name, ())[:1]:
            out.append(Source(st.name, part.src if part.rel is not None else part.key))
    return tuple(out)


def graph_of(answer: Answer, graph: GraphData | None = None) -> GraphData:
    """The rows of every read the plan has, as graph data: nodes once each (by label and id,
    with the properties read), relationships as read (a read of steps with their service
    repeats the service's, once each)."""
    g = graph if graph is not None else GraphData()
    seen: dict[str, set[Any]] = {}
    for st in answer.plan.statements:
        for part in PARTS.get(st.name, ()):
            rows = answer[st.name]
            if part.rel is not None:
                pairs = rows.select(part.src, part.dst)
                if part.repeats:
                    pairs = iter(dict.fromkeys(pairs))
                if part.optional:
                    pairs = (p for p in pairs if p[1] is not None)
                g.rels[part.rel].extend(pairs)
            if part.label is not None:
                values = rows.select(part.key, *(c for _, c in part.props))
                keys = ("id", *(p for p, _ in part.props))
                mine = seen.setdefault(part.label, set())
                g.nodes[part.label].extend(_once(values, keys, mine))
    return g
