"""Where each id is declared and where it is named, in one parsed blueprint or enterprise file.

Keys are the graph's own (`Role:claims-handler`, `Step:claims.submit-claim`,
`Phase:claims:to-be.report`), so a reference in one file meets its declaration in another the
way the loader joins them. Positions come from the reader's tables (1-based line and column of
each value); a quoted value starts one column after its quote.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bpql.ids import member_id, member_prefix, system_member_id
from bpql.model.yamlpos import PathKey, SourceDoc

#: the shared lists of an enterprise file and the label of their items
SHARED_LISTS = {
    "departments": "Department",
    "roles": "Role",
    "systems": "System",
    "touchpoints": "Touchpoint",
    "personas": "Persona",
}
#: a blueprint's own lists and the label of their items
OWN_LISTS = {"phases": "Phase", "evidence": "Evidence", "steps": "Step", "metrics": "Metric"}
#: a step's fields that name a shared thing
STEP_SHARED = {"touchpoint": "Touchpoint", "performed_by": "Role", "uses": "System"}
#: a step's fields that name a thing of its own blueprint
STEP_OWN = {"phase": "Phase", "supports": "Step", "shows": "Evidence"}


@dataclass(frozen=True)
class Occurrence:
    """One place an id is written: its key, the file, where (1-based), and whether it is
    the declaration."""

    key: str
    file: str
    line: int
    column: int
    length: int
    declaration: bool
    #: the step (or shared thing) the occurrence sits in, for "where it is used"
    within: str | None = None

    @property
    def label(self) -> str:
        return self.key.split(":", 1)[0]

    @property
    def id(self) -> str:
        return self.key.split(":", 1)[1]


def key(label: str, id_: str) -> str:
    return f"{label}:{id_}"


def _items(value: Any) -> list[tuple[Any, int | None]]:
    """A field written as one value or a list: (value, index in the list or None)."""
    if isinstance(value, list):
        return [(v, i) for i, v in enumerate(value)]
    return [(value, None)]


class _Collector:
    def __init__(self, doc: SourceDoc, lines: list[str]) -> None:
        self.doc = doc
        self.lines = lines
        self.out: list[Occurrence] = []

    def add(
        self,
        label: str | None,
        id_: Any,
        path: PathKey,
        declaration: bool = False,
        within: str | None = None,
        global_id: str | None = None,
        written: str | None = None,
    ) -> None:
        if label is None or not isinstance(id_, str) or not id_:
            return
        pos = self.doc.positions.get(path)
        if pos is None:
            return
        line, column = pos
        text = written or id_
        if 0 < line <= len(self.lines):
            row = self.lines[line - 1]
            at = column - 1
            if row[at : at + 1] in ("'", '"'):
                column += 1
                at += 1
            if row[at : at + len(text)] != text:
                return  # written in a way positions do not map (a folded scalar, an escape)
        self.out.append(
            Occurrence(
                key(label, global_id or id_),
                self.doc.file,
                line,
                column,
                len(text),
                declaration,
                within,
            )
        )


def occurrences(doc: SourceDoc, text: str, roles: set[str] | None = None) -> list[Occurrence]:
    """Every declaration and reference in one file. `roles`: the enterprise's role ids, to
    tell an `owner` that is a role from one that is a department."""
    data = doc.data
    if not isinstance(data, dict):
        return []
    c = _Collector(doc, text.split("\n"))
    roles = roles or set()

    def owner_label(value: Any) -> str:
        return "Role" if value in roles else "Department"

    if "enterprise" in data:
        for field, label in SHARED_LISTS.items():
            items = data.get(field)
            for i, item in enumerate(items if isinstance(items, list) else []):
                if not isinstance(item, dict):
                    continue
                me: str | None = key(label, str(item.get("id")))
                c.add(label, item.get("id"), (field, i, "id"), True)
                if label == "Role":
                    c.add("Department", item.get("department"), (field, i, "department"), within=me)
                if label == "System":
                    c.add("Department", item.get("owner"), (field, i, "owner"), within=me)
                    for v, j in _items(item.get("depends_on")):
                        p: PathKey = (
                            (field, i, "depends_on") if j is None else (field, i, "depends_on", j)
                        )
                        c.add("System", v, p, within=me)
                    fps = item.get("fail_points")
                    for j, fp in enumerate(fps if isinstance(fps, list) else []):
                        if not isinstance(fp, dict):
                            continue
                        at: PathKey = (field, i, "fail_points", j)
                        fid = system_member_id(str(item.get("id")), str(fp.get("id")))
                        c.add("FailPoint", fp.get("id"), (*at, "id"), True, global_id=fid)
                        c.add(
                            owner_label(fp.get("owner")), fp.get("owner"), (*at, "owner"), within=me
                        )
                        c.add("System", fp.get("cause"), (*at, "cause"), within=me)
                        effect = fp.get("effect")
                        if isinstance(effect, str) and "." in effect:
                            c.add("Step", effect, (*at, "effect"), within=me)
        return c.out
    service = data.get("service")
    if not isinstance(service, dict) or not isinstance(service.get("id"), str):
        return c.out
    sid = service["id"]
    scenario = data.get("scenario") if data.get("scenario") in ("as-is", "to-be") else "as-is"
    variant = data.get("variant") if isinstance(data.get("variant"), str) else None
    prefix = member_prefix(sid, str(scenario), variant)

    def own(local: Any) -> str | None:
        return member_id(prefix, local) if isinstance(local, str) else None

    c.add("Service", sid, ("service", "id"), True)
    for v, j in _items(data.get("personas")):
        c.add("Persona", v, ("personas",) if j is None else ("personas", j))
    c.add(owner_label(data.get("owner")), data.get("owner"), ("owner",))
    for field, label in OWN_LISTS.items():
        items = data.get(field)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                c.add(label, item.get("id"), (field, i, "id"), True, global_id=own(item.get("id")))
    raw_steps = data.get("steps")
    steps: list[Any] = raw_steps if isinstance(raw_steps, list) else []
    steps_here = {s.get("id") for s in steps if isinstance(s, dict)}
    for i, step in enumerate(steps):
        if not isinstance(step, dict):
            continue
        local = own(step.get("id"))
        me = key("Step", local) if local else None
        for field, label in STEP_SHARED.items():
            for v, j in _items(step.get(field)):
                c.add(
                    label,
                    v,
                    ("steps", i, field) if j is None else ("steps", i, field, j),
                    within=me,
                )
        for field, label in STEP_OWN.items():
            for v, j in _items(step.get(field)):
                path: PathKey = ("steps", i, field) if j is None else ("steps", i, field, j)
                c.add(label, v, path, within=me, global_id=own(v))
        fps = step.get("fail_points")
        for j, fp in enumerate(fps if isinstance(fps, list) else []):
            if not isinstance(fp, dict):
                continue
            fat: PathKey = ("steps", i, "fail_points", j)
            c.add("FailPoint", fp.get("id"), (*fat, "id"), True, global_id=own(fp.get("id")))
            c.add(owner_label(fp.get("owner")), fp.get("owner"), (*fat, "owner"), within=me)
            c.add(
                "Step",
                fp.get("effect"),
                (*fat, "effect"),
                within=me,
                global_id=own(fp.get("effect")),
            )
            cause = fp.get("cause")
            if cause in steps_here:
                c.add("Step", cause, (*fat, "cause"), within=me, global_id=own(cause))
            else:
                c.add("System", cause, (*fat, "cause"), within=me)
    metrics = data.get("metrics")
    for i, m in enumerate(metrics if isinstance(metrics, list) else []):
        if isinstance(m, dict):
            for v, j in _items(m.get("measures")):
                path = ("metrics", i, "measures") if j is None else ("metrics", i, "measures", j)
                metric = own(m.get("id"))
                c.add(
                    "Step",
                    v,
                    path,
                    within=key("Metric", metric) if metric else None,
                    global_id=own(v),
                )
    return c.out


def names(doc: SourceDoc) -> Iterator[tuple[str, dict[str, Any]]]:
    """(key, the declared item's fields) for everything a file declares: what hover shows."""
    data = doc.data
    if not isinstance(data, dict):
        return
    if "enterprise" in data:
        for field, label in SHARED_LISTS.items():
            items = data.get(field)
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    yield key(label, item["id"]), item
        return
    service = data.get("service")
    if not isinstance(service, dict) or not isinstance(service.get("id"), str):
        return
    scenario = data.get("scenario") if data.get("scenario") in ("as-is", "to-be") else "as-is"
    variant = data.get("variant") if isinstance(data.get("variant"), str) else None
    prefix = member_prefix(service["id"], str(scenario), variant)
    yield key("Service", service["id"]), service
    for field, label in OWN_LISTS.items():
        items = data.get(field)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                yield key(label, member_id(prefix, item["id"])), item
                if label == "Step":
                    for fp in item.get("fail_points") or []:
                        if isinstance(fp, dict) and isinstance(fp.get("id"), str):
                            yield key("FailPoint", member_id(prefix, fp["id"])), fp
