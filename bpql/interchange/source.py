"""What every export reads: an enterprise's graph, the blueprints chosen from it, and, for
the spreadsheet, the enterprise as its files.

Exports take a `GraphData` (validated files, or the graph read back from a store), an
`Enterprise` (its graph and name) or a `FileSet` (the files as models). `blueprints()` picks
the blueprints a command asked for (services by id or name, a scenario) and gives each with
its steps in time order and the positions of BPQL's own blueprint layout
(`bpql.viz.layout.blueprint_layout`), so BPMN, ArchiMate and draw.io draw what `bpql viz`
draws. `files_of()` turns a graph back into files (what a store export writes), and
`read_files()` reads files once for both.
"""

from __future__ import annotations

import functools
import gc
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from bpql.analysis.graph import Index as GraphIndex
from bpql.errors import BpqlError
from bpql.graphdata import Enterprise, GraphData
from bpql.ids import member_prefix, node_key, parse_blueprint_id
from bpql.schema import LANES, RELS

if TYPE_CHECKING:
    from bpql.model.format import BlueprintFile, EnterpriseFile, FailPoint
    from bpql.viz.layout import BlueprintLayout

P = ParamSpec("P")
R = TypeVar("R")


def gc_paused(fn: Callable[P, R]) -> Callable[P, R]:
    """Run `fn` with the cycle collector paused: an export of 1,000 services makes millions
    of small objects, none of them garbage until it returns, and the collector walking them
    again and again cost a quarter of its time."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return run


#: scenarios an export may be asked for; None is every blueprint
SCENARIOS = ("as-is", "to-be")
LANE_ORDER = [lane.key for lane in LANES]
LANE_TITLES = {lane.key: lane.title for lane in LANES}


@dataclass
class FileSet:
    """An enterprise as its files: the enterprise file and each blueprint file as models,
    with the path (relative to the enterprise folder) each is written to."""

    name: str
    enterprise: EnterpriseFile
    enterprise_path: str = "enterprise.yaml"
    blueprints: list[tuple[str, BlueprintFile]] = field(default_factory=list)


Source = GraphData | Enterprise | FileSet


def graph_of(source: GraphData | Enterprise) -> tuple[GraphData, str]:
    """The graph and the enterprise's name (a store keeps no name: its graph is unnamed)."""
    if isinstance(source, Enterprise):
        return source.graph, source.name
    return source, "BPQL enterprise"


def read_files(paths: Sequence[Path]) -> tuple[Enterprise, FileSet]:
    """Validate files (as `bpql validate` does; any problem raises) and keep them as models,
    with their paths relative to the enterprise folder."""
    from bpql.model.files import collect_files
    from bpql.model.format import BlueprintFile, EnterpriseFile
    from bpql.model.validate import check_parsed, parse_files, paused_gc

    files = collect_files(paths)
    parsed = parse_files(files)
    with paused_gc():
        ent = check_parsed(files, parsed, figures=False)
    if len(paths) == 1 and Path(paths[0]).is_dir():
        root = str(paths[0])
    else:
        root = os.path.commonpath([os.path.dirname(os.path.abspath(f)) for f in files])
    out = FileSet(ent.name, EnterpriseFile.model_construct(enterprise=ent.name))
    for f, p in zip(files, parsed, strict=True):
        rel = Path(os.path.relpath(os.path.abspath(f), os.path.abspath(root))).as_posix()
        if isinstance(p.model, EnterpriseFile):
            out.enterprise, out.enterprise_path = p.model, rel
        else:
            assert isinstance(p.model, BlueprintFile)
            out.blueprints.append((rel, p.model))
    return ent, out


def blueprint_file_name(service: str, scenario: str, variant: str | None) -> str:
    """Where a blueprint is written when nothing says otherwise: `services/claims.yaml`,
    `services/claims-to-be.yaml`, `services/claims-to-be-lean.yaml`."""
    tail = "" if scenario == "as-is" else f"-{scenario}" + (f"-{variant}" if variant else "")
    return f"services/{service}{tail}.yaml"


# --- choosing blueprints -------------------------------------------------------------------


def check_scenario(scenario: str | None) -> None:
    if scenario is not None and scenario not in SCENARIOS:
        raise BpqlError(
            f"scenario: expected as-is or to-be (or none for both), got {scenario!r}",
            code="BPQL-C200",
        )


def chosen_services(graph: GraphData, services: Iterable[str] | None) -> set[str] | None:
    """The ids of the services asked for, by id or exact name; None for every service."""
    if services is None:
        return None
    wanted = list(services)
    by_id = {s["id"]: s for s in graph.nodes["Service"]}
    by_name: defaultdict[str, list[str]] = defaultdict(list)
    for s in graph.nodes["Service"]:
        by_name[str(s["name"])].append(s["id"])
    out: set[str] = set()
    for ref in wanted:
        if ref in by_id:
            out.add(ref)
        elif len(by_name.get(ref, [])) == 1:
            out.add(by_name[ref][0])
        elif ref in by_name:
            raise BpqlError(
                f"service {ref!r}: {len(by_name[ref])} services have this name "
                f"({', '.join(sorted(by_name[ref]))}); name one by its id",
                code="BPQL-C201",
            )
        else:
            from bpql.model.validate import did_you_mean

            hint = did_you_mean(ref, [*by_id, *by_name])
            raise BpqlError(f"no service {ref!r}{hint}", code="BPQL-C202")
    return out


def _blueprint_order(b: dict[str, Any]) -> tuple[str, int, str]:
    ref = parse_blueprint_id(str(b["id"]))
    return (ref.service, SCENARIOS.index(ref.scenario), ref.variant or "")


# --- blueprints with their steps, for the diagram formats -----------------------------------


@dataclass
class StepInfo:
    """A step as the diagram formats need it."""

    id: str
    name: str
    lane: str
    seq: int
    phase: str | None
    props: dict[str, Any]
    touchpoint: str | None = None
    roles: list[str] = field(default_factory=list)
    systems: list[str] = field(default_factory=list)
    supports: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    failpoints: list[str] = field(default_factory=list)


@dataclass
class BlueprintInfo:
    """One blueprint: its steps in time order and BPQL's layout of it."""

    id: str
    service: str
    service_name: str
    scenario: str
    variant: str | None
    title: str
    phases: list[tuple[str, str]]
    steps: list[StepInfo]
    personas: list[str]
    graph: GraphData
    _layout: BlueprintLayout | None = None

    @property
    def layout(self) -> BlueprintLayout:
        """BPQL's blueprint layout (`bpql viz --blueprint`) with the names left out: a column
        per moment for each step, the phases' spans, each shared thing's place and row in its
        band; worked out once, when a format asks. Where things go across does not depend on
        their names, only how tall the drawing's boxes are, which each format sets itself
        (wrapping the names to measure them was 43% of an ArchiMate export,
        profiled at 200 services)."""
        if self._layout is None:
            from bpql.viz.layout import blueprint_layout

            self._layout = blueprint_layout(_drawn(self))
        return self._layout

    def position(self, label: str, id_: str) -> tuple[float, float]:
        return self.layout.positions[node_key(label, id_)]

    def lanes(self) -> list[str]:
        """The lanes that hold a step, top to bottom."""
        used = {s.lane for s in self.steps}
        return [lane for lane in LANE_ORDER if lane in used]


def _drawn(bp: BlueprintInfo) -> Any:
    """The blueprint as the blueprint view's graph, names left out: its steps (with their
    phase), phases, fail points and the shared things beside its steps."""
    from bpql.result import Graph, GraphEdge, GraphNode

    g = bp.graph
    out = Graph()
    phase_of = {s.id: s.phase for s in bp.steps}
    for label, rows in g.nodes.items():
        for props in rows:
            p = {**props, "name": ""}
            if label == "Step":
                p["phase"] = phase_of.get(p["id"])
            elif label == "Phase":
                p["name"] = props["name"]  # the phases' spans are keyed by their titles
            out.add_node(GraphNode(label, str(p["id"]), (label,), p))
    for t in ("NEXT", "SUPPORTS", "SHOWS", "AT_TOUCHPOINT", "USES", "HAS_FAIL_POINT"):
        rel = RELS[t]
        for s, d in g.rels[t]:
            a, b = node_key(rel.src, s), node_key(rel.dst, d)
            if a in out.nodes and b in out.nodes:
                out.add_edge(GraphEdge(a, b, t, {}))
    return out


class Index(GraphIndex):
    """The analyses' graph index (nodes by label and id, relationships by type, grouped when
    first asked for, in the order they were added: a blueprint's roles as its file lists
    them), and a blueprint's evidence and metrics by their id's prefix."""

    def __init__(self, graph: GraphData) -> None:
        super().__init__(graph)
        self.members: dict[str, defaultdict[str, list[dict[str, Any]]]] = {}
        for label in ("Evidence", "Metric"):
            grouped: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
            for n in graph.nodes[label]:
                grouped[str(n["id"]).rsplit(".", 1)[0]].append(n)
            self.members[label] = grouped

    def one(self, type_: str, src: str) -> str | None:
        found = self.out[type_].get(src)
        return found[0] if found else None

    def name(self, label: str, id_: str) -> str:
        node = self.nodes[label].get(id_)
        return str(node["name"]) if node is not None else id_


def blueprints(
    source: GraphData | Enterprise,
    services: Iterable[str] | None = None,
    scenario: str | None = None,
) -> tuple[Index, list[BlueprintInfo]]:
    """The blueprints of the services asked for (every service when None), of one scenario
    (both when None), each with its steps in time order; service by service, as-is first."""
    graph, _ = graph_of(source)
    check_scenario(scenario)
    wanted = chosen_services(graph, services)
    ix = Index(graph)
    service_of = {b: s for s, bs in ix.out["HAS_BLUEPRINT"].items() for b in bs}
    out = []
    for b in sorted(graph.nodes["Blueprint"], key=_blueprint_order):
        bid = str(b["id"])
        svc = service_of.get(bid, parse_blueprint_id(bid).service)
        if wanted is not None and svc not in wanted:
            continue
        if scenario is not None and b["scenario"] != scenario:
            continue
        out.append(_blueprint_info(ix, b, svc))
    if not out:
        raise BpqlError(
            "no blueprint to export"
            + (f" of scenario {scenario}" if scenario else "")
            + (f" for {', '.join(sorted(wanted))}" if wanted else ""),
            code="BPQL-C203",
        )
    return ix, out


def _blueprint_info(ix: Index, b: dict[str, Any], service: str) -> BlueprintInfo:
    bid = str(b["id"])
    out = ix.out
    step_ids = sorted(
        out["HAS_STEP"].get(bid, ()), key=lambda i: (ix.nodes["Step"][i].get("seq") or 0, i)
    )
    phase_ids = sorted(
        out["HAS_PHASE"].get(bid, ()), key=lambda i: (ix.nodes["Phase"][i].get("order") or 0, i)
    )
    steps = []
    for sid in step_ids:
        n = ix.nodes["Step"][sid]
        steps.append(
            StepInfo(
                id=sid,
                name=str(n["name"]),
                lane=str(n["lane"]),
                seq=int(n.get("seq") or 0),
                phase=ix.one("IN_PHASE", sid),
                props=n,
                touchpoint=ix.one("AT_TOUCHPOINT", sid),
                roles=list(out["PERFORMED_BY"].get(sid, ())),
                systems=list(out["USES"].get(sid, ())),
                supports=list(out["SUPPORTS"].get(sid, ())),
                evidence=list(out["SHOWS"].get(sid, ())),
                failpoints=list(out["HAS_FAIL_POINT"].get(sid, ())),
            )
        )
    own = GraphData()
    keep = {bid, *step_ids, *phase_ids}
    fps = [f for s in steps for f in s.failpoints]
    own.nodes["Step"] = [ix.nodes["Step"][i] for i in step_ids]
    own.nodes["Phase"] = [ix.nodes["Phase"][i] for i in phase_ids]
    own.nodes["FailPoint"] = [ix.nodes["FailPoint"][i] for i in fps if i in ix.nodes["FailPoint"]]
    keep |= set(fps)
    for t in ("NEXT", "SUPPORTS", "HAS_FAIL_POINT"):
        own.rels[t] = [(a, c) for a in step_ids for c in out[t].get(a, ()) if c in keep]
    for t, label in (("USES", "System"), ("AT_TOUCHPOINT", "Touchpoint"), ("SHOWS", "Evidence")):
        own.rels[t] = [(a, c) for a in step_ids for c in out[t].get(a, ())]
        ids = dict.fromkeys(c for _, c in own.rels[t])
        own.nodes[label] = [ix.nodes[label][i] for i in ids if i in ix.nodes[label]]
    ref = parse_blueprint_id(bid)
    return BlueprintInfo(
        id=bid,
        service=service,
        service_name=ix.name("Service", service),
        scenario=ref.scenario,
        variant=ref.variant,
        title=str(b.get("name") or bid),
        phases=[(p, ix.name("Phase", p)) for p in phase_ids],
        steps=steps,
        personas=list(out["FOR_PERSONA"].get(bid, ())),
        graph=own,
    )


# --- a graph back into files ---------------------------------------------------------------


def _local(prefix: str, id_: str | None) -> str | None:
    if id_ is None:
        return None
    return id_[len(prefix) + 1 :] if id_.startswith(prefix + ".") else id_


def _fail_point(n: dict[str, Any], local: str, cause: str | None, effect: str | None) -> Any:
    from bpql.model.format import Controls, FailPoint, Ratings

    controls = None
    if n.get("prevention") is not None or n.get("detection_control") is not None:
        controls = Controls(prevention=n.get("prevention"), detection=n.get("detection_control"))
    after = None
    if n.get("severity_after") is not None:
        after = Ratings(
            severity=n["severity_after"],
            occurrence=n["occurrence_after"],
            detection=n["detection_after"],
        )
    due = n.get("due")
    return FailPoint.model_construct(
        id=local,
        name=n["name"],
        severity=n["severity"],
        occurrence=n["occurrence"],
        detection=n["detection"],
        effect=effect,
        cause=cause,
        controls=controls,
        action=n.get("action"),
        owner=n.get("owner"),
        due=date.fromisoformat(due) if isinstance(due, str) else due,
        status=n.get("status"),
        after=after,
        lint=None,
    )


def files_of(source: GraphData | Enterprise) -> FileSet:
    """A graph as the files that validate to it: what an export from a store writes, and
    what `bpql import xlsx` reads back to the same graph. What no graph holds is not here
    (lint settings, the enterprise's description, an own action priority table)."""
    from bpql.model.format import (
        BlueprintFile,
        Department,
        EnterpriseFile,
        Evidence,
        Metric,
        Persona,
        Phase,
        Role,
        ServiceRef,
        Step,
        System,
        Touchpoint,
    )

    graph, name = graph_of(source)
    ix = Index(graph)
    out = ix.out
    systems = []
    for sys_node in graph.nodes["System"]:
        sid = str(sys_node["id"])
        fps = [
            _fail_point(
                ix.nodes["FailPoint"][f],
                f.split("/", 1)[1],
                ix.nodes["FailPoint"][f].get("cause"),
                ix.nodes["FailPoint"][f].get("effect"),
            )
            for f in out["CAN_FAIL"].get(sid, ())
        ]
        systems.append(
            System.model_construct(
                id=sid,
                name=sys_node["name"],
                kind=sys_node.get("kind"),
                owner=ix.one("OWNED_BY", sid),
                depends_on=list(out["DEPENDS_ON"].get(sid, ())),
                fail_points=fps,
                lint=None,
            )
        )
    ent = EnterpriseFile.model_construct(
        enterprise=name,
        description=None,
        departments=[
            Department.model_construct(id=d["id"], name=d["name"], lint=None)
            for d in graph.nodes["Department"]
        ],
        roles=[
            Role.model_construct(
                id=r["id"], name=r["name"], department=ix.one("MEMBER_OF", r["id"]), lint=None
            )
            for r in graph.nodes["Role"]
        ],
        systems=systems,
        touchpoints=[
            Touchpoint.model_construct(id=t["id"], name=t["name"], channel=t["channel"], lint=None)
            for t in graph.nodes["Touchpoint"]
        ],
        personas=[
            Persona.model_construct(
                id=p["id"], name=p["name"], description=p.get("description"), lint=None
            )
            for p in graph.nodes["Persona"]
        ],
        fmea=None,
        lint=None,
    )
    files = FileSet(name, ent)
    service_of = {b: s for s, bs in out["HAS_BLUEPRINT"].items() for b in bs}
    described: set[str] = set()
    for b in sorted(graph.nodes["Blueprint"], key=_blueprint_order):
        bid = str(b["id"])
        ref = parse_blueprint_id(bid)
        svc = ix.nodes["Service"][service_of.get(bid, ref.service)]
        prefix = member_prefix(ref.service, ref.scenario, ref.variant)
        info = _blueprint_info(ix, b, ref.service)
        steps = []
        for s in info.steps:
            p: dict[str, Any] = s.props
            fps = []
            for f in s.failpoints:
                n = ix.nodes["FailPoint"][f]
                fps.append(
                    _fail_point(
                        n,
                        _local(prefix, f) or f,
                        _local(prefix, n.get("cause")),
                        _local(prefix, n.get("effect")),
                    )
                )
            steps.append(
                Step.model_construct(
                    id=_local(prefix, s.id),
                    name=s.name,
                    lane=s.lane,
                    phase=_local(prefix, s.phase),
                    description=p.get("description"),
                    touchpoint=s.touchpoint,
                    performed_by=s.roles,
                    uses=s.systems,
                    supports=[_local(prefix, x) for x in s.supports],
                    shows=[_local(prefix, x) for x in s.evidence],
                    fail_points=fps,
                    target_time=p.get("target_time"),
                    max_wait=p.get("max_wait"),
                    script=p.get("script"),
                    moment_of_truth=bool(p.get("moment_of_truth")),
                    lint=None,
                )
            )
        # the service's description is the as-is blueprint's (or the first to-be's)
        description = svc.get("description") if svc["id"] not in described else None
        described.add(svc["id"])
        reviewed = b.get("reviewed")
        model = BlueprintFile.model_construct(
            service=ServiceRef.model_construct(
                id=svc["id"], name=svc["name"], description=description
            ),
            scenario=ref.scenario,
            variant=ref.variant,
            version=b.get("version"),
            owner=b.get("owner"),
            status=b.get("status"),
            reviewed=date.fromisoformat(reviewed) if isinstance(reviewed, str) else reviewed,
            review_every=b.get("review_every"),
            personas=info.personas,
            phases=[
                Phase.model_construct(id=_local(prefix, p), name=n, lint=None)
                for p, n in info.phases
            ],
            evidence=[
                Evidence.model_construct(
                    id=_local(prefix, e["id"]), name=e["name"], kind=e.get("kind"), lint=None
                )
                for e in ix.members["Evidence"].get(prefix, [])
            ],
            steps=steps,
            metrics=[
                Metric.model_construct(
                    id=_local(prefix, m["id"]),
                    name=m["name"],
                    target=m.get("target"),
                    unit=m.get("unit"),
                    measures=[_local(prefix, x) for x in out["MEASURES"].get(m["id"], ())],
                    lint=None,
                )
                for m in ix.members["Metric"].get(prefix, [])
            ],
            lint=None,
        )
        files.blueprints.append(
            (blueprint_file_name(ref.service, ref.scenario, ref.variant), model)
        )
    return files


def as_files(source: Source) -> FileSet:
    return source if isinstance(source, FileSet) else files_of(source)


def select_files(
    files: FileSet, services: Iterable[str] | None = None, scenario: str | None = None
) -> FileSet:
    """The files of the services asked for (by id or name) and of one scenario (both when
    None); the enterprise file always."""
    check_scenario(scenario)
    if services is None and scenario is None:
        return files
    names = GraphData()
    seen: set[str] = set()
    for _, bp in files.blueprints:
        if bp.service.id not in seen:
            seen.add(bp.service.id)
            names.add_node("Service", id=bp.service.id, name=bp.service.name)
    wanted = chosen_services(names, services)
    kept = [
        (path, bp)
        for path, bp in files.blueprints
        if (wanted is None or bp.service.id in wanted)
        and (scenario is None or bp.scenario == scenario)
    ]
    if not kept:
        raise BpqlError(
            "no blueprint to export" + (f" of scenario {scenario}" if scenario else ""),
            code="BPQL-C204",
        )
    return FileSet(files.name, files.enterprise, files.enterprise_path, kept)


def fail_point_rows(fp: FailPoint) -> dict[str, Any]:
    """A fail point's fields by column key, as the spreadsheet and CSV write them."""
    return {
        "id": fp.id,
        "name": fp.name,
        "severity": fp.severity,
        "occurrence": fp.occurrence,
        "detection": fp.detection,
        "effect": fp.effect,
        "cause": fp.cause,
        "prevention": fp.controls.prevention if fp.controls else None,
        "detection_control": fp.controls.detection if fp.controls else None,
        "action": fp.action,
        "owner": fp.owner,
        "due": fp.due,
        "status": fp.status,
        "severity_after": fp.after.severity if fp.after else None,
        "occurrence_after": fp.after.occurrence if fp.after else None,
        "detection_after": fp.after.detection if fp.after else None,
        "lint": fp.lint.ignore if fp.lint else None,
    }
