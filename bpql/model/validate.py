"""Validate a whole enterprise and turn it into graph data.

Every file is parsed and checked, and every problem is collected, before anything can be
written: one bad file means nothing is loaded. The result is backend-neutral `GraphData`.
"""

from __future__ import annotations

import difflib
import gc
import hashlib
import os
import stat
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from bpql.analysis.criticality import (
    SYSTEM_FIGURES,
    Failing,
    figures_of,
    reach,
    system_figures,
)
from bpql.analysis.fmea import (
    AP_RANK,
    ActionPriorityTable,
    default_scales,
    default_table,
    read_table,
    rpn,
)
from bpql.durations import EXAMPLES as DURATION_EXAMPLES
from bpql.errors import BlueprintError, BpqlError, Span
from bpql.graphdata import (
    FILE_KEYS,
    SETTLED_NS,
    Enterprise,
    GraphData,
    Kept,
    Part,
    Previous,
    Seen,
    spans_of,
)
from bpql.ids import blueprint_id, member_id, member_prefix, system_member_id
from bpql.model.files import FileRefused, check_regular, collect_files, read_regular
from bpql.model.format import BlueprintFile, EnterpriseFile, FailPoint
from bpql.model.yamlpos import PathKey, SourceDoc, read_yaml_fast
from bpql.schema import LANE_BY_KEY


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


_FRIENDLY = {
    "list_type": "expected a list",
    "dict_type": "expected a mapping of fields (key: value lines)",
    "model_type": "expected a mapping of fields (key: value lines)",
    "model_attributes_type": "expected a mapping of fields (key: value lines)",
    "string_type": "expected text",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "too_short": "expected at least one item",
    "string_too_short": "expected non-empty text",
}


def _kind_of(value: Any) -> str:
    """What a value is, in the words of the file format rather than Python's."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping (key: value lines)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # a duration read as minutes: 0, not 0.0
    text = repr(value)
    # one line stays one line: a 5,000-digit value is shown by its start and its length
    return text if len(text) <= 40 else f"{text[:30]}... ({len(text)} characters)"


_DURATION_FIELDS = ("target_time", "max_wait")
_RATING_FIELDS = ("severity", "occurrence", "detection")
_BOUNDS = {
    "greater_than": ("gt", "greater than"),
    "greater_than_equal": ("ge", "at least"),
    "less_than": ("lt", "less than"),
    "less_than_equal": ("le", "at most"),
}


def _dotted(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _pydantic_problems(
    exc: ValidationError, doc: SourceDoc, model: type[BaseModel]
) -> list[BpqlError]:
    problems = []
    for err in exc.errors(include_url=False):
        loc: PathKey = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
        kind = err["type"]
        got = err.get("input")
        ctx = err.get("ctx", {})
        where = _dotted(loc)
        field_name = loc[-1] if loc else ""
        span = doc.span(loc)
        if kind == "missing":
            parent = _dotted(loc[:-1])
            msg = f"{parent + ': ' if parent else ''}missing required field '{field_name}'"
            span = doc.span(loc[:-1], key=True)
        elif kind == "extra_forbidden":
            allowed = _fields_at(model, loc[:-1])
            msg = f"{where}: unknown field '{field_name}'{did_you_mean(str(field_name), allowed)}"
            trap = _comma_trap(doc, loc)
            if trap:
                msg += trap
            elif allowed:
                msg += f"; expected one of: {', '.join(allowed)}"
            span = doc.span(loc, key=True)
        elif kind == "string_pattern_mismatch":
            msg = (
                f"{where}: expected an id (lowercase letters, digits, '-' or '_', "
                f"e.g. claims-handler), got {got!r}"
            )
        elif kind == "string_too_long":
            msg = f"{where}: expected at most {ctx.get('max_length')} characters, got {len(got)}"
        elif kind == "literal_error":
            expected = ctx.get("expected", "")
            options = [o.strip().strip("'") for o in expected.replace(" or ", ", ").split(",")]
            hint = did_you_mean(str(got), options) if isinstance(got, str) else ""
            msg = f"{where}: expected one of {', '.join(options)}; got {_kind_of(got)}{hint}"
        elif field_name in _RATING_FIELDS and (kind in _BOUNDS or kind in _FRIENDLY):
            suffix = "" if kind in _BOUNDS else " (a whole number)"
            msg = f"{where}: expected a rating from 1 to 10{suffix}, got {_kind_of(got)}"
        elif kind in _BOUNDS:
            key, words = _BOUNDS[kind]
            bound = ctx.get(key)
            what = "a duration" if field_name in _DURATION_FIELDS else "a number"
            msg = f"{where}: expected {what} {words} {_kind_of(bound)}, got {_kind_of(got)}"
        elif field_name in _DURATION_FIELDS and kind in ("float_type", "float_parsing"):
            example = f"a duration such as {DURATION_EXAMPLES}"
            msg = f"{where}: expected {example}, got {_kind_of(got)}"
        elif kind == "value_error":
            msg = f"{where}: expected {ctx.get('error', err['msg'])}, got {_kind_of(got)}"
        elif kind == "string_type" and isinstance(got, (int, float)):
            msg = f'{where}: expected text, got {_kind_of(got)}; put it in quotes: "{got}"'
        elif kind == "too_short":
            msg = f"{where}: expected at least one item, got none"
        elif kind in _FRIENDLY:
            msg = f"{where}: {_FRIENDLY[kind]}, got {_kind_of(got)}"
        else:
            msg = f"{where}: {err['msg']}"
        problems.append(BpqlError(msg, span, code="BPQL-F003"))
    return problems


def _comma_trap(doc: SourceDoc, loc: PathKey) -> str:
    """The hint for YAML's comma trap: in `{description: a, b}` the comma ends the value, and
    `b` becomes a key with no value. Recognised as a key written with no ':' (its value
    starts where the key ends) after a key whose value is text, with maybe more such keys
    in between (`{description: a, b, c}`)."""
    parent: Any = doc.data
    for part in loc[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return ""
    if not isinstance(parent, dict) or loc[-1] not in parent:
        return ""

    def bare(key: str) -> bool:
        written, value_at = (
            doc.key_positions.get((*loc[:-1], key)),
            doc.positions.get((*loc[:-1], key)),
        )
        return (
            parent[key] is None
            and written is not None
            and value_at == (written[0], written[1] + len(key))
        )

    keys = list(parent)
    at = keys.index(loc[-1])
    if not bare(keys[at]):
        return ""
    first = at
    while first > 0 and bare(keys[first - 1]):
        first -= 1
    if first == 0 or not isinstance(parent[keys[first - 1]], str):
        return ""
    last = at
    while last + 1 < len(keys) and bare(keys[last + 1]):
        last += 1
    owner = keys[first - 1]
    text = ", ".join([parent[owner], *keys[first : last + 1]])
    return (
        f"; the ',' before it ends the value of '{owner}' inside {{...}}: if '{loc[-1]}' is "
        f'part of that text, put it in quotes: {owner}: "{text}"'
    )


def _fields_at(model: type[BaseModel], path: PathKey) -> list[str]:
    """The field names allowed at `path`, for did-you-mean on unknown fields."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        fields: dict[str, Any] = getattr(current, "model_fields", {})
        info = fields.get(part)
        if info is None:
            return []
        ann = info.annotation
        inner = getattr(ann, "__args__", (ann,))
        current = next((a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if current is None:
            return []
    return list(current.model_fields) if current is not None else []


@dataclass
class Parsed:
    doc: SourceDoc
    model: EnterpriseFile | BlueprintFile


_TOP = "'enterprise:' (shared things) or 'service:' (one service blueprint)"


def _top_problem(doc: SourceDoc) -> BpqlError | None:
    """A file that is not a mapping with `enterprise:` or `service:` at the top."""
    data = doc.data
    if data is None:
        return BpqlError(f"empty file: expected {_TOP} at the top", doc.span(()), code="BPQL-F004")
    if isinstance(data, list):
        return BpqlError(
            f"the file is a list ('- ' items); expected a mapping with {_TOP} at the top",
            doc.span(()),
            code="BPQL-F005",
        )
    if not isinstance(data, dict):
        return BpqlError(
            f"the file is only {_kind_of(data)}; expected a mapping with {_TOP} at the top",
            doc.span(()),
            code="BPQL-F006",
        )
    if "enterprise" in data or "service" in data:
        return None
    fields = set(EnterpriseFile.model_fields) | set(BlueprintFile.model_fields)
    for key in data:
        close = difflib.get_close_matches(key, ("enterprise", "service"), n=1, cutoff=0.75)
        if key not in fields and close:
            return BpqlError(
                f"unknown field '{key}' (did you mean '{close[0]}'?); expected {_TOP} at the "
                "top of the file",
                doc.span((key,), key=True),
                code="BPQL-F007",
            )
    found = ", ".join(data) or "nothing"
    return BpqlError(
        f"expected {_TOP} at the top of the file; found only: {found}",
        doc.span(()),
        code="BPQL-F008",
    )


def check_doc(doc: SourceDoc) -> Parsed:
    """A file as read, checked against its model (enterprise or blueprint)."""
    problem = _top_problem(doc)
    if problem is not None:
        raise BlueprintError([problem])
    data = doc.data
    model_cls: type[EnterpriseFile] | type[BlueprintFile]
    model_cls = EnterpriseFile if "enterprise" in data else BlueprintFile
    try:
        return Parsed(doc, model_cls.model_validate(data))
    except ValidationError as exc:
        raise BlueprintError(_pydantic_problems(exc, doc, model_cls)) from None


class _Checker:
    """Cross-file checks: references, duplicates, lanes; builds the graph as it goes."""

    def __init__(self, ap_table: ActionPriorityTable | None = None) -> None:
        self.problems: list[BpqlError] = []
        self.graph = GraphData()
        self.ap_table = ap_table or default_table()
        #: effects of systems' own fail points, checked once every step is known
        self.system_effects: list[tuple[SourceDoc, PathKey, str, str]] = []
        #: the enterprise file's rows per label and pairs per type (`spans_of`)
        self.counts: list[int] = []

    def fail(self, msg: str, span: Span) -> None:
        self.problems.append(BpqlError(msg, span, code="BPQL-F009"))

    def unique(
        self, doc: SourceDoc, items: Sequence[Any], path: PathKey, what: str
    ) -> dict[str, int]:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in seen:
                first = doc.span((*path, seen[item.id], "id"))
                self.fail(
                    f"{_dotted((*path, i, 'id'))}: duplicate {what} id '{item.id}' "
                    f"(first declared at line {first.line})",
                    doc.span((*path, i, "id")),
                )
            else:
                seen[item.id] = i
        return seen

    def ref(
        self, doc: SourceDoc, path: PathKey, value: str, what: str, known: Collection[str]
    ) -> bool:
        """Whether `value` is known; a set or dict answers at once (sorting the known ids on
        every reference made validation grow with references times ids)."""
        if value in known:
            return True
        known = sorted(known)
        hint = did_you_mean(value, known)
        if not hint and not known:
            hint = f"; no {what} is declared"
        elif not hint and len(known) <= 12:
            hint = f"; known: {', '.join(known)}"
        self.fail(f"{_dotted(path)}: unknown {what} '{value}'{hint}", doc.span(path))
        return False


def _check_enterprise(ck: _Checker, doc: SourceDoc, ent: EnterpriseFile) -> None:
    g = ck.graph
    depts = ck.unique(doc, ent.departments, ("departments",), "department")
    roles = ck.unique(doc, ent.roles, ("roles",), "role")
    systems = ck.unique(doc, ent.systems, ("systems",), "system")
    ck.unique(doc, ent.touchpoints, ("touchpoints",), "touchpoint")
    ck.unique(doc, ent.personas, ("personas",), "persona")
    del roles
    for d in ent.departments:
        g.add_node("Department", id=d.id, name=d.name)
    for i, r in enumerate(ent.roles):
        g.add_node("Role", id=r.id, name=r.name)
        if r.department is not None and ck.ref(
            doc, ("roles", i, "department"), r.department, "department", depts
        ):
            g.add_rel("MEMBER_OF", r.id, r.department)
    for i, s in enumerate(ent.systems):
        g.add_node("System", id=s.id, name=s.name, kind=s.kind)
        if s.owner is not None and ck.ref(
            doc, ("systems", i, "owner"), s.owner, "department", depts
        ):
            g.add_rel("OWNED_BY", s.id, s.owner)
        for j, dep in enumerate(s.depends_on):
            path = ("systems", i, "depends_on", j)
            if dep == s.id:
                ck.fail(f"{_dotted(path)}: system '{s.id}' cannot depend on itself", doc.span(path))
            elif ck.ref(doc, path, dep, "system", systems):
                g.add_rel("DEPENDS_ON", s.id, dep)
    _check_cycles(ck, doc, ent)
    shared = {
        "systems": set(systems),
        "roles": {r.id for r in ent.roles},
        "departments": set(depts),
    }
    seen: dict[str, PathKey] = {}
    for i, s in enumerate(ent.systems):
        for j, fp in enumerate(s.fail_points):
            at: PathKey = ("systems", i, "fail_points", j)
            fid = system_member_id(s.id, fp.id)
            if fid in seen:
                ck.fail(
                    f"{_dotted((*at, 'id'))}: duplicate fail point id '{fp.id}' on system "
                    f"'{s.id}' (first declared at line {doc.span(seen[fid]).line})",
                    doc.span((*at, "id")),
                )
                continue
            seen[fid] = (*at, "id")
            props = _fail_point_props(ck, doc, at, fp, {}, shared, lambda x: x)
            g.add_node("FailPoint", id=fid, name=fp.name, **props)
            g.add_rel("CAN_FAIL", s.id, fid)
            if fp.effect is not None:
                ck.system_effects.append((doc, (*at, "effect"), fid, fp.effect))
    for t in ent.touchpoints:
        g.add_node("Touchpoint", id=t.id, name=t.name, channel=t.channel)
    for p in ent.personas:
        g.add_node("Persona", id=p.id, name=p.name, description=p.description)


def _check_cycles(ck: _Checker, doc: SourceDoc, ent: EnterpriseFile) -> None:
    deps = {s.id: [d for d in s.depends_on if d != s.id] for s in ent.systems}
    index = {s.id: i for i, s in enumerate(ent.systems)}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in deps.get(node, []):
            if nxt not in deps:
                continue
            if state.get(nxt) == 1:
                cycle = [*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt]
                path = ("systems", index[node], "depends_on")
                ck.fail(
                    f"{_dotted(path)}: systems depend on each other in a cycle: "
                    f"{' -> '.join(cycle)}",
                    doc.span(path),
                )
            elif state.get(nxt) is None:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for sid in deps:
        if sid not in state:
            visit(sid, [sid])


def _fail_point_props(
    ck: _Checker,
    doc: SourceDoc,
    path: PathKey,
    fp: FailPoint,
    steps: dict[str, int],
    shared: dict[str, set[str]],
    gid: Callable[[str], str],
) -> dict[str, Any]:
    """Ratings, action priority (before and after the action) and the action's fields."""
    table = ck.ap_table
    ap = table.ap(fp.severity, fp.occurrence, fp.detection)
    before = rpn(fp.severity, fp.occurrence, fp.detection)
    props: dict[str, Any] = {
        "severity": fp.severity,
        "occurrence": fp.occurrence,
        "detection": fp.detection,
        "rpn": before,
        "ap": ap,
        "ap_order": AP_RANK[ap] * 1000 + before,
        "action": fp.action,
        "due": fp.due.isoformat() if fp.due else None,
        "status": fp.status,
    }
    if fp.controls is not None:
        props["prevention"] = fp.controls.prevention
        props["detection_control"] = fp.controls.detection
    if fp.effect is not None and steps and ck.ref(doc, (*path, "effect"), fp.effect, "step", steps):
        props["effect"] = gid(fp.effect)
    if fp.cause is not None:
        if fp.cause in steps:
            props["cause"] = gid(fp.cause)
        # a known system answers before the set of steps and systems is made for the message
        elif fp.cause in shared["systems"] or ck.ref(
            doc, (*path, "cause"), fp.cause, "step or system", {*steps, *shared["systems"]}
        ):
            props["cause"] = fp.cause
    if fp.owner is not None and ck.ref(
        doc,
        (*path, "owner"),
        fp.owner,
        "role or department",
        {*shared["roles"], *shared["departments"]},
    ):
        props["owner"] = fp.owner
    if fp.after is not None:
        a = fp.after
        props.update(
            severity_after=a.severity,
            occurrence_after=a.occurrence,
            detection_after=a.detection,
            rpn_after=rpn(a.severity, a.occurrence, a.detection),
            ap_after=table.ap(a.severity, a.occurrence, a.detection),
        )
        props["ap_after_order"] = AP_RANK[props["ap_after"]] * 1000 + props["rpn_after"]
    return props


def blueprint_key(bp: BlueprintFile) -> tuple[str, str]:
    """(blueprint id, id prefix of its steps): as-is steps are `claims.submit-claim`."""
    return (
        blueprint_id(bp.service.id, bp.scenario, bp.variant),
        member_prefix(bp.service.id, bp.scenario, bp.variant),
    )


def _check_blueprint(
    ck: _Checker,
    doc: SourceDoc,
    bp: BlueprintFile,
    shared: dict[str, set[str]],
) -> None:
    g = ck.graph
    bid, prefix = blueprint_key(bp)
    if bp.variant and bp.scenario == "as-is":
        ck.fail("variant: only to-be blueprints have variants", doc.span(("variant",)))
    phases = ck.unique(doc, bp.phases, ("phases",), "phase")
    evidence = ck.unique(doc, bp.evidence, ("evidence",), "evidence")
    steps = ck.unique(doc, bp.steps, ("steps",), "step")
    ck.unique(doc, bp.metrics, ("metrics",), "metric")
    fp_seen: dict[str, PathKey] = {}

    made: dict[str, str] = {}

    def gid(local: str) -> str:
        """One string per id of the blueprint: a step's id stands in its node and in every
        pair naming it (IN_PHASE, NEXT, SUPPORTS, ...), held once, not once per pair."""
        found = made.get(local)
        if found is None:
            found = made[local] = member_id(prefix, local)
        return found

    title = bp.service.name + (
        ""
        if bp.scenario == "as-is"
        else f" ({bp.scenario}" + (f", {bp.variant})" if bp.variant else ")")
    )
    g.add_node(
        "Blueprint",
        id=bid,
        name=title,
        scenario=bp.scenario,
        variant=bp.variant,
        version=bp.version,
        owner=bp.owner,
        status=bp.status,
        reviewed=bp.reviewed.isoformat() if bp.reviewed else None,
        review_every=bp.review_every,
    )
    if bp.owner is not None:
        ck.ref(doc, ("owner",), bp.owner, "role or department", shared["owners"])
    g.add_rel("HAS_BLUEPRINT", bp.service.id, bid)
    for i, pid in enumerate(bp.personas):
        if ck.ref(doc, ("personas", i), pid, "persona", shared["personas"]):
            g.add_rel("FOR_PERSONA", bid, pid)
    for order, ph in enumerate(bp.phases, start=1):
        g.add_node("Phase", id=gid(ph.id), name=ph.name, order=order)
        g.add_rel("HAS_PHASE", bid, gid(ph.id))
    for ev in bp.evidence:
        g.add_node("Evidence", id=gid(ev.id), name=ev.name, kind=ev.kind)
    last_in_lane: dict[str, str] = {}
    for i, st in enumerate(bp.steps):
        sid = gid(st.id)
        base: PathKey = ("steps", i)
        g.add_node(
            "Step",
            id=sid,
            name=st.name,
            lane=st.lane,
            seq=i + 1,
            description=st.description,
            target_time=st.target_time,
            max_wait=st.max_wait,
            script=st.script,
            moment_of_truth=st.moment_of_truth,
            optional=st.optional,
        )
        g.add_rel("HAS_STEP", bid, sid)
        if ck.ref(doc, (*base, "phase"), st.phase, "phase", phases):
            g.add_rel("IN_PHASE", sid, gid(st.phase))
        if st.lane in last_in_lane:
            g.add_rel("NEXT", last_in_lane[st.lane], sid)
        last_in_lane[st.lane] = sid
        if st.touchpoint is not None and ck.ref(
            doc, (*base, "touchpoint"), st.touchpoint, "touchpoint", shared["touchpoints"]
        ):
            g.add_rel("AT_TOUCHPOINT", sid, st.touchpoint)
        for j, role in enumerate(st.performed_by):
            if ck.ref(doc, (*base, "performed_by", j), role, "role", shared["roles"]):
                g.add_rel("PERFORMED_BY", sid, role)
        for j, sys_id in enumerate(st.uses):
            if ck.ref(doc, (*base, "uses", j), sys_id, "system", shared["systems"]):
                g.add_rel("USES", sid, sys_id)
        for j, ev_id in enumerate(st.shows):
            if ck.ref(doc, (*base, "shows", j), ev_id, "evidence", evidence):
                g.add_rel("SHOWS", sid, gid(ev_id))
        for j, fp in enumerate(st.fail_points):
            fpath: PathKey = (*base, "fail_points", j, "id")
            if fp.id in fp_seen:
                ck.fail(
                    f"{_dotted(fpath)}: duplicate fail point id '{fp.id}' (first declared at "
                    f"line {doc.span(fp_seen[fp.id]).line})",
                    doc.span(fpath),
                )
                continue
            fp_seen[fp.id] = fpath
            g.add_node(
                "FailPoint",
                id=gid(fp.id),
                name=fp.name,
                **_fail_point_props(ck, doc, (*base, "fail_points", j), fp, steps, shared, gid),
            )
            g.add_rel("HAS_FAIL_POINT", sid, gid(fp.id))
        for j, target in enumerate(st.supports):
            path = (*base, "supports", j)
            if "." in target or ":" in target:
                ck.fail(
                    f"{_dotted(path)}: '{target}' is in another blueprint; a step supports "
                    f"only steps of its own blueprint",
                    doc.span(path),
                )
                continue
            if not ck.ref(doc, path, target, "step", steps):
                continue
            other = bp.steps[steps[target]]
            if LANE_BY_KEY[other.lane].rank >= LANE_BY_KEY[st.lane].rank:
                ck.fail(
                    f"{_dotted(path)}: a {st.lane} step cannot support '{target}', a "
                    f"{other.lane} step: SUPPORTS goes from a lower lane to a higher one "
                    f"(support -> backstage -> frontstage -> customer)",
                    doc.span(path),
                )
                continue
            g.add_rel("SUPPORTS", sid, gid(target))
    for i, m in enumerate(bp.metrics):
        g.add_node("Metric", id=gid(m.id), name=m.name, target=m.target, unit=m.unit)
        for j, step_id in enumerate(m.measures):
            if ck.ref(doc, ("metrics", i, "measures", j), step_id, "step", steps):
                g.add_rel("MEASURES", gid(m.id), gid(step_id))


#: the largest action priority table read: the AIAG-VDA table is 1,000 rows of a few bytes
MAX_TABLE_BYTES = 1024 * 1024


def _ap_table(doc: SourceDoc, ent: EnterpriseFile) -> ActionPriorityTable:
    """The enterprise's own action priority table, if its file names one: a regular file of
    at most 1 MB in the enterprise file's folder (or below it), read as files in a folder
    are (docs/format.md)."""
    name = ent.fmea.action_priority if ent.fmea else None
    if name is None:
        return default_table()
    folder = Path(doc.file).parent
    where = folder / name
    span = doc.span(("fmea", "action_priority"))
    if not os.path.lexists(where):
        raise BlueprintError(
            [
                BpqlError(
                    f"fmea.action_priority: no file '{where}'; expected a CSV table beside the "
                    "enterprise file",
                    span,
                    code="BPQL-F088",
                )
            ]
        )
    try:
        check_regular(where, MAX_TABLE_BYTES)
        inside = where.resolve().is_relative_to(folder.resolve())
        problem = None if inside else "outside the enterprise file's folder"
    except FileRefused as exc:
        problem = exc.reason
    if problem is not None:
        raise BlueprintError(
            [
                BpqlError(
                    f"fmea.action_priority: '{where}': {problem}; expected a CSV table beside "
                    "the enterprise file",
                    span,
                    code="BPQL-F039",
                )
            ]
        )
    return read_table(where)


def validate_paths(paths: Sequence[Path]) -> Enterprise:
    """Parse and check every file; raise one BlueprintError listing every problem (a load
    validates through `validate_for_load`, which reads only the files that changed)."""
    return stream(collect_files(paths)).enterprise


@contextmanager
def paused_gc() -> Iterator[None]:
    """Reading a thousand files makes millions of small objects, none of them garbage; the
    cycle collector walking them over and over took half the time of a 1,000-file lint."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_files(
    files: Sequence[Path], reader: Callable[..., SourceDoc] = read_yaml_fast
) -> list[Parsed]:
    """Every file read and checked against its model; every problem raised together."""
    problems: list[BpqlError] = []
    parsed: list[Parsed] = []
    with paused_gc():
        for f in files:
            try:
                parsed.append(check_doc(reader(f, None)))
            except BlueprintError as exc:
                problems.extend(exc.problems)
            except BpqlError as exc:
                problems.append(exc)
    if problems:
        raise BlueprintError(problems)
    return parsed


def shared_ids(ent: EnterpriseFile) -> dict[str, set[str]]:
    """The ids of the enterprise's shared things a blueprint may name, by kind ("owners":
    roles and departments)."""
    return {
        "roles": {r.id for r in ent.roles},
        "systems": {s.id for s in ent.systems},
        "touchpoints": {t.id for t in ent.touchpoints},
        "personas": {p.id for p in ent.personas},
        "owners": {r.id for r in ent.roles} | {d.id for d in ent.departments},
        "departments": {d.id for d in ent.departments},
    }


def check_parsed(
    files: Sequence[Path], parsed: Sequence[Parsed], *, figures: bool = True
) -> Enterprise:
    """The cross-file checks over parsed files (lint reuses the parsed files after them).

    `figures=False` skips the systems' blast radius, which only the store needs (lint works
    it out itself for the one rule that asks)."""
    return _check_all(files, parsed, figures)[0]


def _entry(files: Sequence[Path], parsed: Sequence[Parsed]) -> Parsed:
    """The one enterprise file among `parsed` (none, or a second one, is an error)."""
    ents = [p for p in parsed if isinstance(p.model, EnterpriseFile)]
    first = Span(1, 1, file=str(files[0])) if files else None
    if not ents:
        raise BlueprintError(
            [
                BpqlError(
                    "no enterprise file: expected one file with 'enterprise:' declaring the "
                    "shared departments, roles, systems and touchpoints",
                    first,
                    code="BPQL-F010",
                )
            ]
        )
    if len(ents) > 1:
        raise BlueprintError(
            [
                BpqlError(
                    f"a second enterprise file (the first is {ents[0].doc.file}); expected "
                    "exactly one",
                    ents[1].doc.span(("enterprise",), key=True),
                    code="BPQL-F011",
                )
            ]
        )
    return ents[0]


def blueprint_part(
    ck: _Checker, doc: SourceDoc, bp: BlueprintFile, shared: dict[str, set[str]]
) -> Part:
    """`_check_blueprint` into a graph of the file's own (its problems go to `ck`)."""
    whole, ck.graph = ck.graph, GraphData()
    try:
        _check_blueprint(ck, doc, bp, shared)
        part = ck.graph
    finally:
        ck.graph = whole
    service = bp.service
    return Part(doc.file, service.id, service.name, service.description, bp.scenario, part)


class _Blueprints:
    """The checks between blueprint files, one file at a time in the files' order: a second
    blueprint of a service, a service named twice differently, each file's part. What it keeps
    of a file once checked is its part and a few names, never the parse, so a caller can drop
    the file's data and positions as soon as `add` returns."""

    def __init__(
        self, ck: _Checker, shared: dict[str, set[str]], parts: bool = True, figures: bool = False
    ) -> None:
        self.ck = ck
        self.shared = shared
        #: whether each file's part is kept; else its steps' ids (which the systems' fail
        #: points may name), its fail points' rows and, with `figures`, its share of the
        #: systems' figures (`reach`: they add up file by file)
        self.keep_parts = parts
        self.steps: set[str] = set()
        self.fail_points: list[dict[str, Any]] = []
        self.systems = [s["id"] for s in ck.graph.nodes["System"]]
        self.depends = list(dict.fromkeys(ck.graph.rels["DEPENDS_ON"]))
        self.counts: list[list[int]] | None = None
        self.failing = Failing(self.systems, self.depends)
        if figures and not parts:
            self.counts = [[0] * len(SYSTEM_FIGURES) for _ in self.systems]
        #: service id -> (the file of its first blueprint, the name given there)
        self.services: dict[str, tuple[str, str]] = {}
        #: blueprint id -> its file
        self.blueprints: dict[str, str] = {}
        self.parts: list[Part] = []

    def add(self, doc: SourceDoc, bp: BlueprintFile) -> None:
        ck = self.ck
        bid, _ = blueprint_key(bp)
        if bid in self.blueprints:
            advice = (
                "a service has one as-is blueprint; mark a redesign 'scenario: to-be'"
                if bp.scenario == "as-is"
                else "give to-be blueprints distinct 'variant:' names"
            )
            ck.fail(
                f"service.id: a second {bp.scenario} blueprint of service '{bp.service.id}'"
                f"{' variant ' + repr(bp.variant) if bp.variant else ''} (the first is in "
                f"{self.blueprints[bid]}); {advice}",
                doc.span(("service", "id")),
            )
            return
        self.blueprints[bid] = doc.file
        if bp.service.id in self.services:
            first_file, first_name = self.services[bp.service.id]
            if first_name != bp.service.name:
                ck.fail(
                    f"service.name: service '{bp.service.id}' is named {first_name!r} "
                    f"in {first_file}; expected the same name here",
                    doc.span(("service", "name")),
                )
        else:
            self.services[bp.service.id] = (doc.file, bp.service.name)
        part = blueprint_part(ck, doc, bp, self.shared)
        if self.keep_parts:
            self.parts.append(part)
        else:
            self.steps.update(s["id"] for s in part.graph.nodes["Step"])
            self.fail_points.extend(part.graph.nodes["FailPoint"])
            if self.counts is not None:
                self.counts = [
                    [a + b for a, b in zip(c, o, strict=True)]
                    for c, o in zip(
                        self.counts,
                        reach(part.graph, self.systems, self.depends, self.failing),
                        strict=True,
                    )
                ]


def _start(entry: Parsed, parts: bool = True, figures: bool = False) -> _Blueprints:
    """The enterprise file checked (its action priority table read), ready for the
    blueprint files."""
    ent_doc, ent = entry.doc, entry.model
    assert isinstance(ent, EnterpriseFile)
    ck = _Checker(_ap_table(ent_doc, ent))
    _check_enterprise(ck, ent_doc, ent)
    return _Blueprints(ck, shared_ids(ent), parts, figures)


def _check_all(
    files: Sequence[Path], parsed: Sequence[Parsed], figures: bool
) -> tuple[Enterprise, list[Part], list[int]]:
    """`check_parsed`, the part of each blueprint file (in the files' order) and the
    enterprise file's own counts (`spans_of`)."""
    entry = _entry(files, parsed)
    bps = _start(entry)
    for p in parsed:
        if isinstance(p.model, BlueprintFile):
            bps.add(p.doc, p.model)
    assert isinstance(entry.model, EnterpriseFile)
    done = _assemble(bps.ck, entry.model, [str(f) for f in files], bps.parts, figures)
    return done, bps.parts, bps.ck.counts


@dataclass
class Streamed:
    """An enterprise validated a file at a time (`stream`): the enterprise, each blueprint
    file's part, the enterprise file's own counts, and the enterprise file as parsed."""

    enterprise: Enterprise
    parts: list[Part]
    counts: list[int]
    entry: Parsed


def stream(
    files: Sequence[Path],
    *,
    figures: bool = True,
    keep: Callable[[Parsed], None] | None = None,
    graph: bool = True,
) -> Streamed:
    """`check_parsed(files, parse_files(files))`, the same problems in the same order, with
    the memory of one file's parse at a time rather than of every file's: each blueprint
    file is read, checked against its model and checked against the enterprise file at once
    (its part made), and its data, positions and model dropped. Only the blueprint files
    read before the enterprise file wait for it whole. `keep` sees every file that reads and
    fits its model, in the files' order, before it is dropped (lint keeps its models).

    As before, a file that does not read or does not fit its model is reported with every
    other such file and alone: the cross-file problems found until then are dropped, and no
    more are looked for.

    `graph=False` keeps no file's part (`parts` is empty): the enterprise's graph holds the
    enterprise file's rows, every blueprint's fail points (their rows alone, no service, no
    step) and, with `figures`, the systems' figures, summed file by file (lint: what its
    rules read of the graph, without the graph)."""
    problems: list[BpqlError] = []
    ents: list[Parsed] = []
    pending: list[Parsed] = []
    bps: _Blueprints | None = None
    refused: BpqlError | None = None  # the enterprise file's action priority table
    with paused_gc():
        for f in files:
            try:
                p = check_doc(read_yaml_fast(f, None))
            except BlueprintError as exc:
                problems.extend(exc.problems)
                pending, bps = [], None
                continue
            except BpqlError as exc:
                problems.append(exc)
                pending, bps = [], None
                continue
            if keep is not None:
                keep(p)
            if problems:
                continue
            if isinstance(p.model, EnterpriseFile):
                ents.append(p)
                if len(ents) > 1:  # reported below, before anything else
                    pending, bps = [], None
                elif refused is None:
                    try:
                        bps = _start(p, graph, figures)
                    except BpqlError as exc:
                        refused, pending = exc, []
                        continue
                    for q in pending:
                        assert isinstance(q.model, BlueprintFile)
                        bps.add(q.doc, q.model)
                    pending = []
            elif len(ents) > 1 or refused is not None:
                continue
            elif bps is None:
                pending.append(p)
            else:
                assert isinstance(p.model, BlueprintFile)
                bps.add(p.doc, p.model)
        if problems:
            raise BlueprintError(problems)
        entry = _entry(files, ents)
        if refused is not None:
            raise refused
        assert bps is not None and isinstance(entry.model, EnterpriseFile)
        files_read = [str(f) for f in files]
        steps = per_system = None
        if not graph:
            steps = bps.steps
            if bps.counts is not None:
                per_system = figures_of(bps.systems, bps.counts)
        done = _assemble(bps.ck, entry.model, files_read, bps.parts, figures, steps, per_system)
        if not graph:
            done.graph.nodes["FailPoint"].extend(bps.fail_points)
    return Streamed(done, bps.parts, bps.ck.counts, entry)


def _assemble(
    ck: _Checker,
    ent: EnterpriseFile,
    files: list[str],
    parts: Sequence[Part],
    figures: bool,
    steps: set[str] | None = None,
    per_system: dict[str, dict[str, int]] | None = None,
) -> Enterprise:
    """The enterprise's graph: the enterprise file's part (in `ck.graph`), each blueprint
    file's part in the files' order, one node per service, the systems' fail point effects
    (steps of any file) and, with `figures`, the systems' blast radius. Raises every problem
    `ck` holds. `steps`: every step's id, and `per_system`: the systems' figures, when
    `parts` are not kept (`stream`)."""
    g = ck.graph
    ck.counts = spans_of(g)  # the enterprise file's own rows come first
    for part in parts:
        for label, rows in part.graph.nodes.items():
            if rows:
                g.nodes[label].extend(rows)
        for type_, pairs in part.graph.rels.items():
            if pairs:
                g.rels[type_].extend(pairs)
    firsts: dict[str, Part] = {}
    described: dict[str, list[Part]] = {}
    for part in parts:
        firsts.setdefault(part.service, part)
        described.setdefault(part.service, [])
        if part.description:
            described[part.service].append(part)
    for sid, first in firsts.items():
        # the as-is blueprint describes its service; else the first to-be that does
        texts = sorted(described[sid], key=lambda b: b.scenario != "as-is")
        g.add_node(
            "Service",
            id=sid,
            name=first.name,
            description=texts[0].description if texts else None,
        )
    if ck.system_effects:
        if steps is None:
            steps = {s["id"] for s in g.nodes["Step"]}
        fps = {f["id"]: f for f in g.nodes["FailPoint"]}
        for doc, path, fid, effect in ck.system_effects:
            if ck.ref(doc, path, effect, "step", steps):
                fps[fid]["effect"] = effect
    if ck.problems:
        raise BlueprintError(ck.problems)
    if figures:
        if per_system is None:
            per_system = system_figures(g)
        for system in g.nodes["System"]:
            system.update(per_system[system["id"]])
    return Enterprise(ent.enterprise, files, g, _scales(ent), ck.ap_table.source)


def seen(path: Path, before: Seen | None = None) -> Seen | None:
    """`path` as it is now (None: it cannot be read; reading it again says why). When the
    file's status is still the settled one `before` recorded (see `Seen`), it is `before`
    and the file is not read: a reload at 10,000 services read and hashed 10,000 files
    (0.4 s) to find one changed."""
    try:
        info = os.stat(path)
        if (
            before is not None
            and before.ctime  # recorded on POSIX only, once settled
            and stat.S_ISREG(info.st_mode)
            and info.st_ctime_ns == before.ctime
            and info.st_ino == before.inode
            and info.st_size == before.size
            and info.st_mtime_ns == before.mtime
        ):
            return before
        data = read_regular(path)
    except (OSError, FileRefused):
        return None
    settled = time.time_ns() - info.st_ctime_ns > SETTLED_NS
    digest = hashlib.sha256(data).hexdigest()
    if not settled or os.name != "posix":  # elsewhere st_ctime may be the creation time
        return Seen(info.st_size, info.st_mtime_ns, digest)
    return Seen(info.st_size, info.st_mtime_ns, digest, info.st_ctime_ns, info.st_ino)


@dataclass
class Validated:
    """An enterprise validated for a load: the enterprise, each blueprint file's part, the
    enterprise file and its own rows' counts, how each file was seen (what the next load's
    state keeps), and how many files were read and checked this time (the others' parts
    came from the last load's graph)."""

    enterprise: Enterprise
    parts: list[Part]
    entry: str
    counts: list[int]
    seen: dict[str, Seen]
    read: int


def validate_for_load(paths: Sequence[Path], previous: Previous | None = None) -> Validated:
    """Every file validated, as `validate_paths` does, for a load: with `previous` (what the
    last load saved of its files) a blueprint file seen exactly as then is not read again,
    its part is taken from the graph that load wrote, and what it refers to in the enterprise
    file is checked by index; the systems' figures are worked out for the files that changed
    only. The enterprise file is always read (every part refers to it). Anything the index
    cannot settle (a problem anywhere, an own action priority table) is settled by checking
    every file, so the problems reported and the graph made are always a full validation's."""
    files = collect_files(paths)
    before: dict[str, Seen] = {}
    if previous is not None:
        before = {name: kept.seen for name, kept in previous.files.items()}
        before[previous.enterprise[0]] = previous.enterprise[1]
    sightings = {str(f): s for f in files if (s := seen(f, before.get(str(f)))) is not None}
    if previous is not None:
        with paused_gc():
            again = _revalidate(files, sightings, previous)
        if again is not None:
            return again
    done = stream(files)
    return Validated(
        done.enterprise, done.parts, done.entry.doc.file, done.counts, sightings, len(files)
    )


#: what a part refers to in the enterprise file, by relationship type: the shared ids it
#: must find there (`shared_ids`' kinds)
_SHARED_RELS = {
    "FOR_PERSONA": "personas",
    "AT_TOUCHPOINT": "touchpoints",
    "PERFORMED_BY": "roles",
    "USES": "systems",
}


def _still_refers(part: GraphData, shared: dict[str, set[str]]) -> bool:
    """Whether every id a saved part names in the enterprise file is still declared there
    (a part holds a reference only when it was found, so these are all it makes)."""
    for type_, kind in _SHARED_RELS.items():
        known = shared[kind]
        if any(d not in known for _, d in part.rels[type_]):
            return False
    owners = shared["owners"]
    if any(b["owner"] is not None and b["owner"] not in owners for b in part.nodes["Blueprint"]):
        return False
    steps = {s["id"] for s in part.nodes["Step"]}
    for fp in part.nodes["FailPoint"]:
        if fp["owner"] is not None and fp["owner"] not in owners:
            return False
        cause = fp["cause"]
        if cause is not None and cause not in steps and cause not in shared["systems"]:
            return False
    return True


def _unstated() -> dict[str, dict[str, None]]:
    """Per label, the properties no file states and a load adds to what it writes (lint
    findings, observed figures): cleared on a row taken from the last load's graph, which
    the load then sets again as it does on a row just read."""
    from bpql.schema import NODES, OBSERVED_PROPS

    return {
        label: dict.fromkeys(
            [p for p in ("lint", *OBSERVED_PROPS.get(label, ())) if p in NODES[label].prop_names]
        )
        for label in NODES
    }


def _slice(graph: GraphData, kept: Kept, clear: dict[str, dict[str, None]]) -> GraphData:
    """A file's part, taken from the graph the last load wrote: its rows themselves where
    their label holds no lint finding and no observed figure (what a load adds to what it
    writes makes new rows, `bpql.lint.store.annotate`, `bpql.observe.store.carry`), else
    copies with those cleared, as a file read now has them."""
    part = GraphData()
    for key, (start, end) in zip(FILE_KEYS, kept.spans, strict=True):
        if start == end:
            continue
        if key in graph.nodes:
            unset = clear.get(key)
            rows = graph.nodes[key][start:end]
            part.nodes[key] = [{**row, **unset} for row in rows] if unset else rows
        else:
            part.rels[key] = graph.rels[key][start:end]
    return part


def _dirty(graph: GraphData) -> dict[str, dict[str, None]]:
    """Per label of `graph` whose rows hold a lint finding or an observed figure, those
    properties (`_unstated`); the other labels' rows can be taken as they are."""
    import operator

    out = {}
    for label, unset in _unstated().items():
        rows = graph.nodes.get(label, [])
        if not unset or not rows:
            continue
        values = set(map(operator.itemgetter(*unset), rows))
        if values - {None, (None,) * len(unset)}:
            out[label] = unset
    return out


def _revalidate(
    files: Sequence[Path], sightings: dict[str, Seen], previous: Previous
) -> Validated | None:
    """`validate_for_load` from the last load's graph, or None when only a full check can
    tell."""
    kept: dict[str, Kept] = {}
    fresh: list[Path] = []
    for f in files:
        name = str(f)
        old = previous.files.get(name)
        if old is not None and old.seen == sightings.get(name):
            kept[name] = old
        else:
            fresh.append(f)
    parsed = {p.doc.file: p for p in parse_files(fresh)}  # its problems are a full run's
    ents = [p for p in parsed.values() if isinstance(p.model, EnterpriseFile)]
    if len(ents) != 1:
        return None
    ent_doc, ent = ents[0].doc, ents[0].model
    assert isinstance(ent, EnterpriseFile)
    if ent.fmea is not None and ent.fmea.action_priority is not None:
        return None  # the saved parts' action priorities came from the packaged table
    ck = _Checker(default_table())
    _check_enterprise(ck, ent_doc, ent)
    shared = shared_ids(ent)
    same_ids = previous.enterprise == (ent_doc.file, sightings.get(ent_doc.file))
    clear = _dirty(previous.graph)
    blueprints: set[str] = set()
    names: dict[str, str] = {}
    parts: list[Part] = []
    made: list[Part] = []
    for f in files:
        name = str(f)
        k = kept.get(name)
        if k is None:
            p = parsed[name]
            if not isinstance(p.model, BlueprintFile):
                continue
            part = blueprint_part(ck, p.doc, p.model, shared)
            made.append(part)
        else:
            graph = _slice(previous.graph, k, clear)
            if not same_ids and not _still_refers(graph, shared):
                return None
            part = Part(name, k.service, k.name, k.description, k.scenario, graph)
            part.known = [end - start for start, end in k.spans]
        bids = part.graph.nodes["Blueprint"]
        if len(bids) != 1 or bids[0]["id"] in blueprints:
            return None
        blueprints.add(bids[0]["id"])
        if names.setdefault(part.service, part.name) != part.name:
            return None
        parts.append(part)
    if ck.problems:
        return None
    try:
        done = _assemble(ck, ent, [str(f) for f in files], parts, False)
    except BlueprintError:
        return None
    gone = [k for name, k in previous.files.items() if name not in kept]
    _figures(done.graph, previous, gone, made)
    return Validated(done, parts, ent_doc.file, ck.counts, sightings, len(fresh))


def _figures(g: GraphData, previous: Previous, gone: list[Kept], made: list[Part]) -> None:
    """The systems' figures: the last load's, less those of the files changed or gone, plus
    those of the files read now (they add up, `reach`), when the systems and what they
    depend on are the same as then; otherwise worked out over the whole graph."""
    systems = [s["id"] for s in g.nodes["System"]]
    depends = list(dict.fromkeys(g.rels["DEPENDS_ON"]))
    before = previous.graph.nodes["System"]
    figured = [[row.get(f) for f in SYSTEM_FIGURES] for row in before]
    counts = [[n if type(n) is int else 0 for n in row] for row in figured]
    if (
        [s["id"] for s in before] != systems
        or previous.graph.rels["DEPENDS_ON"] != depends
        or not all(type(n) is int for row in figured for n in row)
    ):
        per_system = system_figures(g)
    else:
        failing = Failing(systems, depends)
        for sign, graphs in (
            (-1, [_slice(previous.graph, k, {}) for k in gone]),
            (1, [part.graph for part in made]),
        ):
            for graph in graphs:
                figures = reach(graph, systems, depends, failing)
                counts = [
                    [a + sign * b for a, b in zip(c, o, strict=True)]
                    for c, o in zip(counts, figures, strict=True)
                ]
        per_system = figures_of(systems, counts)
    for system in g.nodes["System"]:
        system.update(per_system[system["id"]])


def _scales(ent: EnterpriseFile) -> dict[str, dict[int, str]]:
    """The packaged wording, with whatever ratings the enterprise words its own way."""
    scales = {name: dict(words) for name, words in default_scales().items()}
    if ent.fmea is not None:
        for name in scales:
            scales[name].update(getattr(ent.fmea, name) or {})
    return scales
