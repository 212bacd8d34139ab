"""Statements that read a part of the store back as `GraphData` rows, for the analyses that run
over the in-memory graph (bpql/analysis): the blueprints reached, whole, and the shared
relationships the method needs. `risk of` and what-if locate in Cypher, read these, and analyse
in Python; the same reads serve any statement that needs the graph around what it found.

A read is a statement and the part of a graph its rows hold (`Part`): a relationship (its
two ends' columns) and a node (its label, the column of its id and its properties' columns).
`graph_of` turns the rows of a plan's reads into one `GraphData`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bpql.graphdata import GraphData
from bpql.plan import Answer, Source, Statement
from bpql.render.base import Dialect
from bpql.schema import RELS


@dataclass(frozen=True)
class Part:
    """What a read's rows are: a relationship `rel` from column `src` to column `dst`, and a
    node of `label` whose id is column `key` and whose properties are `props` (columns of the
    same names)."""

    rel: str | None = None
    src: str = "source"
    dst: str = "target"
    label: str | None = None
    key: str = "target"
    props: tuple[str, ...] = ()


#: a step's properties the analyses read
STEP_PROPS = ("name", "lane", "seq", "moment_of_truth")
#: the properties read of the shared things a step reaches, by label
SHARED_PROPS: dict[str, tuple[str, ...]] = {
    "Touchpoint": ("name", "channel"),
    "Role": ("name",),
    "Department": ("name",),
    "System": ("name",),
}
#: every read there is, by statement name
PARTS: dict[str, Part] = {
    "blueprint.steps": Part("HAS_STEP", "blueprint", "id", "Step", "id", STEP_PROPS),
    "blueprint.services": Part("HAS_BLUEPRINT", "id", "blueprint", "Service", "id", ("name",)),
    **{
        f"blueprint.{rel.lower()}": Part(
            rel, label=RELS[rel].dst, props=SHARED_PROPS.get(RELS[rel].dst, ())
        )
        for rel in ("SUPPORTS", "AT_TOUCHPOINT", "PERFORMED_BY", "USES")
    },
    "memberships": Part("MEMBER_OF", label="Department", props=("name",)),
    "touchpoint.steps": Part("AT_TOUCHPOINT"),
    "dependencies": Part("DEPENDS_ON"),
}


def _blueprints(
    d: Dialect, name: str, match: str, returns: list[tuple[str, str]], blueprints: Sequence[Source]
) -> Statement:
    """A read of the blueprints named by `blueprints`, matched through their ids: a list of
    hundreds of blueprints is much quicker to test than one of thousands of steps (LadybugDB,
    1,000 services)."""
    return d.statement(
        name,
        f"UNWIND $blueprints AS b_id\nMATCH {match}",
        returns,
        inputs={"blueprints": blueprints},
    )


def blueprint_reads(
    d: Dialect, blueprints: Sequence[Source], rels: Sequence[str]
) -> list[Statement]:
    """The blueprints `blueprints`, whole: their steps, their services, and each of their
    steps' relationships of the types `rels` with the things at their other end."""
    out = [
        _blueprints(
            d,
            "blueprint.steps",
            "(b:Blueprint {id: b_id})-[:HAS_STEP]->(s:Step)",
            [("blueprint", "b.id"), ("id", "s.id"), *((p, f"s.{p}") for p in STEP_PROPS)],
            blueprints,
        ),
        _blueprints(
            d,
            "blueprint.services",
            "(sv:Service)-[:HAS_BLUEPRINT]->(b:Blueprint {id: b_id})",
            [("id", "sv.id"), ("name", "sv.name"), ("blueprint", "b.id")],
            blueprints,
        ),
    ]
    for rel in rels:
        part = PARTS[f"blueprint.{rel.lower()}"]
        label = RELS[rel].dst
        out.append(
            _blueprints(
                d,
                f"blueprint.{rel.lower()}",
                f"(b:Blueprint {{id: b_id}})-[:HAS_STEP]->(s:Step)-[:{rel}]->(n:{label})",
                [("source", "s.id"), ("target", "n.id"), *((p, f"n.{p}") for p in part.props)],
                blueprints,
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


def graph_of(answer: Answer, graph: GraphData | None = None) -> GraphData:
    """The rows of every read the plan has, as graph data: nodes once each (by label and id),
    relationships as read."""
    g = graph if graph is not None else GraphData()
    seen: dict[str, set[str]] = {}
    for st in answer.plan.statements:
        part = PARTS.get(st.name)
        if part is None:
            continue
        rows = answer[st.name]
        if part.rel is not None:
            g.rels[part.rel].extend(rows.select(part.src, part.dst))
        if part.label is not None:
            mine = seen.setdefault(part.label, set())
            for values in rows.select(part.key, *part.props):
                if values[0] not in mine:
                    mine.add(values[0])
                    g.add_node(
                        part.label, id=values[0], **dict(zip(part.props, values[1:], strict=True))
                    )
    return g
