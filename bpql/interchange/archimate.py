"""ArchiMate out: the Open Group Model Exchange File Format 3.1, and Archi's CSV.

What maps to what (docs/interchange.md has the table): departments are business actors,
roles business roles (assigned from their department, assigned to the steps they perform),
customer actions business events and every other step a business process (the time order
within a lane a triggering, a lower lane supporting a higher one serving), systems
application components (serving the steps that use them; a dependency is the depended-on
system serving the other), touchpoints business interfaces serving their steps, physical
evidence representations the steps access, fail points assessments, services business
services (realised by their frontstage steps, serving the customer's), personas business
roles assigned to the customer's steps. The as-is and each to-be are plateaus aggregating
their blueprints' steps, with a gap between; one view per blueprint, laid out as BPQL lays a
blueprint out (`bpql viz --blueprint`). Every relationship is checked against the ArchiMate
3.2 relationship table (`archimate_rules`).

Identifiers are BPQL's ids, escaped into XML names (`claims:to-be.submit-claim` is
`id-step-claims_cto-be.submit-claim`), relationships and view parts a hash of what they
join: the same files give the same identifiers, so a re-import into Archi updates the
model instead of adding a copy, and two exports are byte-identical.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bpql.durations import format_minutes
from bpql.graphdata import Enterprise, GraphData
from bpql.interchange.archimate_rules import allowed
from bpql.interchange.source import (
    LANE_TITLES,
    BlueprintInfo,
    Index,
    blueprints,
    gc_paused,
    graph_of,
)
from bpql.schema import LANES

NAMESPACE = "http://www.opengroup.org/xsd/archimate/3.0/"
SCHEMA = "http://www.opengroup.org/xsd/archimate/3.1/archimate3_Diagram.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

#: the element type of a step, by lane: what the customer does is an event to the enterprise
STEP_TYPES = {lane.key: "BusinessProcess" for lane in LANES} | {"customer": "BusinessEvent"}

#: a view's boxes (px): an element, and the margin round the drawing
BOX_W, BOX_H = 140, 60
MARGIN = 30

#: the colours Archi gives each layer, as view styles (r, g, b)
FILLS = {
    "BusinessEvent": (255, 255, 181),
    "BusinessProcess": (255, 255, 181),
    "BusinessInterface": (255, 255, 181),
    "Representation": (255, 255, 181),
    "ApplicationComponent": (181, 255, 255),
}


def xml_id(kind: str, bpql_id: str) -> str:
    """An XML identifier for a BPQL id: `_` doubled, `:` as `_c`, `/` as `_s`, so two BPQL
    ids never give one identifier."""
    escaped = bpql_id.replace("_", "__").replace(":", "_c").replace("/", "_s")
    escaped = re.sub(r"[^A-Za-z0-9._-]", lambda m: f"_u{ord(m.group()):04x}", escaped)
    return f"id-{kind}-{escaped}"


def hashed(kind: str, *parts: str) -> str:
    return f"id-{kind}-" + hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:20]


@dataclass
class Concept:
    id: str
    type: str
    name: str
    documentation: str | None = None
    properties: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Relation:
    id: str
    type: str
    source: str
    target: str
    name: str | None = None


@dataclass
class Node:
    id: str
    element: str | None
    x: float
    y: float
    w: float
    h: float
    label: str | None = None
    children: list[Node] = field(default_factory=list)


@dataclass
class View:
    id: str
    name: str
    nodes: list[Node]
    connections: list[tuple[str, str, str, str]]  # (id, relationship, source node, target)


class Model:
    """Elements, relationships and views, each once, in the order they were made."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.id = hashed("model", name)
        self.elements: dict[str, Concept] = {}
        self.relations: dict[str, Relation] = {}
        #: relationship ids by either end, for a view's connections
        self.touching: dict[str, list[str]] = {}
        self.views: list[View] = []

    def element(
        self,
        kind: str,
        bpql_id: str,
        type_: str,
        name: str,
        documentation: str | None = None,
        properties: Iterable[tuple[str, Any]] = (),
    ) -> str:
        eid = xml_id(kind, bpql_id)
        if eid not in self.elements:
            props = [("bpql id", bpql_id)]
            props += [(k, _prop(v)) for k, v in properties if v is not None and v != ""]
            self.elements[eid] = Concept(eid, type_, name, documentation, props)
        return eid

    def relate(self, type_: str, source: str, target: str, name: str | None = None) -> str:
        """A relationship the ArchiMate 3.2 table allows between the two elements' types."""
        a, b = self.elements[source].type, self.elements[target].type
        if not allowed(type_, a, b):
            raise ValueError(f"ArchiMate 3.2 allows no {type_} from {a} to {b}")
        rid = hashed("rel", type_, source, target)
        if rid not in self.relations:
            self.relations[rid] = Relation(rid, type_, source, target, name)
            self.touching.setdefault(source, []).append(rid)
            self.touching.setdefault(target, []).append(rid)
        return rid


def _prop(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _shared(ix: Index, bps: list[BlueprintInfo], everything: bool) -> dict[str, list[str]]:
    """The shared things an export holds: all of them for the whole enterprise, else those
    the chosen blueprints reach (with the systems those depend on, and their owners)."""
    g = ix.graph
    if everything:
        return {
            k: [str(n["id"]) for n in g.nodes[k]]
            for k in ("Department", "Role", "System", "Touchpoint", "Persona")
        }
    roles = {r for b in bps for s in b.steps for r in s.roles}
    systems = {x for b in bps for s in b.steps for x in s.systems}
    todo = list(systems)
    while todo:
        for dep in ix.out["DEPENDS_ON"].get(todo.pop(), ()):
            if dep not in systems:
                systems.add(dep)
                todo.append(dep)
    touchpoints = {s.touchpoint for b in bps for s in b.steps if s.touchpoint}
    personas = {p for b in bps for p in b.personas}
    depts = {d for r in roles for d in ix.out["MEMBER_OF"].get(r, ())}
    depts |= {d for x in systems for d in ix.out["OWNED_BY"].get(x, ())}
    keep = {
        "Department": depts,
        "Role": roles,
        "System": systems,
        "Touchpoint": touchpoints,
        "Persona": personas,
    }
    return {k: [str(n["id"]) for n in g.nodes[k] if n["id"] in keep[k]] for k in keep}


def build(
    source: GraphData | Enterprise,
    services: Iterable[str] | None = None,
    scenario: str | None = None,
    *,
    views: bool = True,
) -> Model:
    """The ArchiMate model of the blueprints asked for."""
    _, name = graph_of(source)
    ix, bps = blueprints(source, services, scenario)
    m = Model(name)
    shared = _shared(ix, bps, services is None)
    nodes = ix.nodes
    for d in shared["Department"]:
        m.element("department", d, "BusinessActor", ix.name("Department", d))
    for r in shared["Role"]:
        rid = m.element("role", r, "BusinessRole", ix.name("Role", r))
        for d in ix.out["MEMBER_OF"].get(r, ()):
            m.relate("Assignment", xml_id("department", d), rid)
    for s in shared["System"]:
        m.element(
            "system",
            s,
            "ApplicationComponent",
            ix.name("System", s),
            properties=[("kind", nodes["System"][s].get("kind"))],
        )
    for s in shared["System"]:
        sid = xml_id("system", s)
        for dep in ix.out["DEPENDS_ON"].get(s, ()):
            m.relate("Serving", xml_id("system", dep), sid)
        for d in ix.out["OWNED_BY"].get(s, ()):
            m.relate("Association", sid, xml_id("department", d), "owned by")
        for f in ix.out["CAN_FAIL"].get(s, ()):
            m.relate("Association", _fail_point(m, ix, f), sid)
    for t in shared["Touchpoint"]:
        m.element(
            "touchpoint",
            t,
            "BusinessInterface",
            ix.name("Touchpoint", t),
            properties=[("channel", nodes["Touchpoint"][t].get("channel"))],
        )
    for p in shared["Persona"]:
        m.element(
            "persona",
            p,
            "BusinessRole",
            ix.name("Persona", p),
            nodes["Persona"][p].get("description"),
            [("kind", "persona")],
        )
    plateaus: dict[str, str] = {}
    for b in bps:
        key = b.scenario + (f" ({b.variant})" if b.variant else "")
        if key not in plateaus:
            plateaus[key] = m.element("plateau", key, "Plateau", key.capitalize())
    asis = plateaus.get("as-is")
    for key, pid in plateaus.items():
        if asis is not None and pid != asis:
            m.relate("Triggering", asis, pid)
            gap = m.element("gap", f"as-is..{key}", "Gap", f"As-is to {key}")
            m.relate("Association", gap, asis)
            m.relate("Association", gap, pid)
    for b in bps:
        _blueprint(m, ix, b, plateaus[b.scenario + (f" ({b.variant})" if b.variant else "")])
        if views:
            m.views.append(_view(m, ix, b))
    return m


def _fail_point(m: Model, ix: Index, fid: str) -> str:
    f = ix.nodes["FailPoint"][fid]
    return m.element(
        "failpoint",
        fid,
        "Assessment",
        str(f["name"]),
        f.get("action"),
        [
            ("severity", f.get("severity")),
            ("occurrence", f.get("occurrence")),
            ("detection", f.get("detection")),
            ("rpn", f.get("rpn")),
            ("action priority", f.get("ap")),
        ],
    )


def _blueprint(m: Model, ix: Index, b: BlueprintInfo, plateau: str) -> None:
    svc = m.element(
        "service",
        b.service,
        "BusinessService",
        b.service_name,
        ix.nodes["Service"][b.service].get("description"),
    )
    phase_names = dict(b.phases)
    for s in b.steps:
        p = s.props
        sid = m.element(
            "step",
            s.id,
            STEP_TYPES[s.lane],
            s.name,
            p.get("description"),
            [
                ("blueprint", b.id),
                ("lane", s.lane),
                ("phase", phase_names.get(s.phase or "", s.phase)),
                ("time order", s.seq),
                ("target time", format_minutes(p["target_time"]) if p.get("target_time") else None),
                ("max wait", format_minutes(p["max_wait"]) if p.get("max_wait") else None),
                ("moment of truth", True if p.get("moment_of_truth") else None),
                ("script", p.get("script")),
            ],
        )
        m.relate("Aggregation", plateau, sid)
        if s.lane == "frontstage":
            m.relate("Realization", sid, svc)
        elif s.lane == "customer":
            m.relate("Serving", svc, sid)
            for persona in b.personas:
                if xml_id("persona", persona) in m.elements:
                    m.relate("Assignment", xml_id("persona", persona), sid)
    for s in b.steps:
        sid = xml_id("step", s.id)
        for nxt in ix.out["NEXT"].get(s.id, ()):
            m.relate("Triggering", sid, xml_id("step", nxt))
        for up in s.supports:
            m.relate("Serving", sid, xml_id("step", up))
        for r in s.roles:
            m.relate("Assignment", xml_id("role", r), sid)
        for x in s.systems:
            m.relate("Serving", xml_id("system", x), sid)
        if s.touchpoint:
            m.relate("Serving", xml_id("touchpoint", s.touchpoint), sid)
        for e in s.evidence:
            ev = ix.nodes["Evidence"][e]
            eid = m.element(
                "evidence",
                e,
                "Representation",
                str(ev["name"]),
                properties=[("kind", ev.get("kind"))],
            )
            m.relate("Access", sid, eid)
        for f in s.failpoints:
            m.relate("Association", _fail_point(m, ix, f), sid)


def _view(m: Model, ix: Index, b: BlueprintInfo) -> View:
    """The blueprint in BPQL's layout: a container per band (evidence, touchpoints, each
    lane, systems) holding its things where the layout puts them across, in the rows it
    puts them in; the phases named above their columns."""
    plan = b.layout
    xs = [x for x, _ in plan.positions.values()]
    left = min([*xs, 0.0]) - BOX_W / 2
    width = round(max([*xs, 0.0]) - left + BOX_W / 2 + MARGIN + 150)

    def x_of(px: float) -> int:
        return round(px - left - BOX_W / 2 + MARGIN + 150)

    vid = xml_id("view", b.id)
    nodes: list[Node] = []
    where: dict[str, str] = {}
    for title, lo, hi in plan.phases:
        x0, x1 = x_of(lo + BOX_W / 2), x_of(hi + BOX_W / 2)
        nodes.append(
            Node(
                hashed("node", vid, "phase", title, str(lo)),
                None,
                x0,
                MARGIN,
                max(x1 - x0, 40),
                30,
                title,
            )
        )
    kinds = {
        "touchpoints": ("Touchpoint", "touchpoint"),
        "systems": ("System", "system"),
        "evidence": ("Evidence", "evidence"),
    }
    y = MARGIN + 40
    for band in plan.bands:
        members: list[tuple[str, float, float]] = []
        if band.key in LANE_TITLES:
            for s in b.steps:
                if s.lane == band.key:
                    members.append((xml_id("step", s.id), *plan.positions[f"Step:{s.id}"]))
        elif band.key in kinds:
            label, kind = kinds[band.key]
            for key, (px, py) in sorted(plan.positions.items()):
                eid = xml_id(kind, key.split(":", 1)[1])
                if key.startswith(label + ":") and eid in m.elements:
                    members.append((eid, px, py))
        if not members:
            continue
        rows = sorted({round(py) for _, _, py in members})
        height = len(rows) * (BOX_H + 20) + 20
        container = Node(
            hashed("node", vid, "band", band.key), None, MARGIN, y, width, height, band.title
        )
        nodes.append(container)
        for eid, px, py in members:
            row = rows.index(round(py))
            n = Node(
                hashed("node", vid, eid), eid, x_of(px), y + 20 + row * (BOX_H + 20), BOX_W, BOX_H
            )
            container.children.append(n)
            where[eid] = n.id
        y += height + 10
    # the relationships between two things on the view: each touches one of its steps (a
    # shared system touches thousands of steps across the enterprise; a step, a few things)
    connections = []
    seen: set[str] = set()
    for s in b.steps:
        for rid in m.touching.get(xml_id("step", s.id), ()):
            rel = m.relations[rid]
            if rid not in seen and rel.source in where and rel.target in where:
                seen.add(rid)
                connections.append(
                    (hashed("conn", vid, rid), rid, where[rel.source], where[rel.target])
                )
    return View(vid, b.title, nodes, connections)


# --- the exchange file ----------------------------------------------------------------------


def to_xml(m: Model) -> str:
    """The model as an Open Group exchange file (3.1), valid against archimate3_Diagram.xsd.
    Identifiers, types and numbers are BPQL's own (XML names already); names, documentation
    and property values are escaped."""
    from bpql.interchange.xmltext import text

    out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    w = out.append
    w(
        f'<model xmlns="{NAMESPACE}" xmlns:xsi="{XSI}" '
        f'xsi:schemaLocation="{NAMESPACE} {SCHEMA}" identifier="{m.id}">\n'
    )
    w(f'  <name xml:lang="en">{text(m.name)}</name>\n')
    keys = sorted({k for e in m.elements.values() for k, _ in e.properties})
    prop_ids = {k: "propid-" + re.sub(r"[^a-z0-9]+", "-", k) for k in keys}
    w("  <elements>\n")
    for e in m.elements.values():
        w(f'    <element identifier="{e.id}" xsi:type="{e.type}">\n')
        w(f'      <name xml:lang="en">{text(e.name)}</name>\n')
        if e.documentation:
            w(f'      <documentation xml:lang="en">{text(e.documentation)}</documentation>\n')
        if e.properties:
            w("      <properties>\n")
            for k, v in e.properties:
                w(
                    f'        <property propertyDefinitionRef="{prop_ids[k]}">'
                    f'<value xml:lang="en">{text(v)}</value></property>\n'
                )
            w("      </properties>\n")
        w("    </element>\n")
    w("  </elements>\n")
    if m.relations:
        w("  <relationships>\n")
        for r in m.relations.values():
            head = (
                f'    <relationship identifier="{r.id}" source="{r.source}" '
                f'target="{r.target}" xsi:type="{r.type}"'
            )
            if r.name:
                w(f'{head}><name xml:lang="en">{text(r.name)}</name></relationship>\n')
            else:
                w(head + "/>\n")
        w("  </relationships>\n")
    if keys:
        w("  <propertyDefinitions>\n")
        for k in keys:
            w(
                f'    <propertyDefinition identifier="{prop_ids[k]}" type="string">'
                f'<name xml:lang="en">{text(k)}</name></propertyDefinition>\n'
            )
        w("  </propertyDefinitions>\n")
    if m.views:
        w("  <views>\n    <diagrams>\n")
        for view in m.views:
            w(f'      <view identifier="{view.id}" xsi:type="Diagram">\n')
            w(f'        <name xml:lang="en">{text(view.name)}</name>\n')
            for n in view.nodes:
                _node(w, m, n, 8)
            for cid, rid, src, dst in view.connections:
                w(
                    f'        <connection identifier="{cid}" relationshipRef="{rid}" '
                    f'xsi:type="Relationship" source="{src}" target="{dst}"/>\n'
                )
            w("      </view>\n")
        w("    </diagrams>\n  </views>\n")
    w("</model>\n")
    return "".join(out)


def _node(w: Any, m: Model, n: Node, depth: int) -> None:
    from bpql.interchange.xmltext import text

    pad = " " * depth
    box = f'x="{n.x}" y="{n.y}" w="{n.w}" h="{n.h}"'
    if n.element is not None:
        w(f'{pad}<node identifier="{n.id}" elementRef="{n.element}" xsi:type="Element" {box}>\n')
        fill = FILLS.get(m.elements[n.element].type)
        if fill is not None:
            w(f'{pad}  <style><fillColor r="{fill[0]}" g="{fill[1]}" b="{fill[2]}"/></style>\n')
    else:
        kind = "Container" if n.children or n.h > 30 else "Label"
        w(f'{pad}<node identifier="{n.id}" xsi:type="{kind}" {box}>\n')
        w(f'{pad}  <label xml:lang="en">{text(n.label or "")}</label>\n')
    for child in n.children:
        _node(w, m, child, depth + 2)
    w(f"{pad}</node>\n")


@gc_paused
def export_archimate(
    source: GraphData | Enterprise,
    out: Path | None = None,
    services: Iterable[str] | None = None,
    scenario: str | None = None,
) -> str:
    """The blueprints as an ArchiMate Model Exchange File (3.1): both scenarios unless one
    is asked for. Written to `out` when given; the text either way."""
    text = to_xml(build(source, services, scenario))
    if out is not None:
        out.write_text(text, encoding="utf-8")
    return text


# --- Archi's CSV ---------------------------------------------------------------------------


#: the relationship type as Archi's CSV names it
def _archi_type(relationship: str) -> str:
    return relationship + "Relationship"


def to_archi_csv(m: Model) -> dict[str, str]:
    """elements.csv, relations.csv and properties.csv as Archi reads them (File > Import >
    CSV), every cell through `bpql.safe.csv_text`: no cell is a formula to a spreadsheet."""
    from bpql.safe import csv_text

    elements = [[m.id, "ArchimateModel", m.name, "", ""]]
    elements += [[e.id, e.type, e.name, e.documentation or "", ""] for e in m.elements.values()]
    relations = [
        [r.id, _archi_type(r.type), r.name or "", "", r.source, r.target, ""]
        for r in m.relations.values()
    ]
    properties = [[e.id, k, v] for e in m.elements.values() for k, v in e.properties]
    return {
        "elements.csv": csv_text(
            ["ID", "Type", "Name", "Documentation", "Specialization"], elements
        ),
        "relations.csv": csv_text(
            ["ID", "Type", "Name", "Documentation", "Source", "Target", "Specialization"],
            relations,
        ),
        "properties.csv": csv_text(["ID", "Key", "Value"], properties),
    }


@gc_paused
def export_archi_csv(
    source: GraphData | Enterprise,
    out: Path | None = None,
    services: Iterable[str] | None = None,
    scenario: str | None = None,
) -> dict[str, str]:
    """Archi's CSV form of the same model (no views: Archi's CSV holds none), written into
    the folder `out` when given; the texts by file name either way."""
    files = to_archi_csv(build(source, services, scenario, views=False))
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (out / name).write_text(text, encoding="utf-8")
    return files
