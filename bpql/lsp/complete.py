"""Completion in blueprint files: which field is being written, or which value of which field.

The text before the cursor says it: `performed_by: cl`, `uses: [crm, cl`, `- {id: x,
department: cl`, a list item `- cl` under `uses:`, or a key being typed. The fields a mapping
may have come from the file format's models (the key path found by indentation), the values
from the workspace: shared things from the enterprise file, a blueprint's own phases, steps
and evidence from the file itself, and the format's fixed words (lanes, channels, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from bpql.model.format import STATUSES, BlueprintFile, EnterpriseFile
from bpql.schema import BLUEPRINT_STATUSES, CHANNELS, LANE_BY_KEY, SCENARIOS

_VALUE = re.compile(
    r"([A-Za-z_][A-Za-z0-9_]*):[ \t]*(?:\[(?:[^\[\]]*,[ \t]*)?)?([^\s,\[\]{}:'\"]*)$"
)
_ITEM = re.compile(r"^([ \t]*)-[ \t]+([^\s,\[\]{}:'\"]*)$")
_KEY = re.compile(r"(?:^[ \t]*(?:-[ \t]+)?|[{,][ \t]*)([A-Za-z_]*)$")
_LINE_KEY = re.compile(r"^([ \t]*)(-[ \t]+)?([A-Za-z_][A-Za-z0-9_]*):(.*)$")

#: a field's value: the label of what it names, and whether it is the blueprint's own
SHARED_FIELDS = {
    "touchpoint": ("Touchpoint",),
    "performed_by": ("Role",),
    "uses": ("System",),
    "depends_on": ("System",),
    "department": ("Department",),
    "personas": ("Persona",),
    "owner": ("Role", "Department"),
    "cause": ("System",),
}
OWN_FIELDS = {
    "phase": "Phase",
    "supports": "Step",
    "shows": "Evidence",
    "measures": "Step",
    "effect": "Step",
    "cause": "Step",
}
WORDS: dict[str, tuple[str, ...]] = {
    "lane": tuple(LANE_BY_KEY),
    "channel": CHANNELS,
    "scenario": SCENARIOS,
    "moment_of_truth": ("true", "false"),
}


@dataclass(frozen=True)
class Context:
    #: "value" or "key"
    kind: str
    #: the field whose value is written ("value"), or the keys above the mapping ("key")
    field: str
    path: tuple[str, ...]
    #: what is typed so far, and the column it starts at (0-based)
    typed: str
    start: int


def _key_path(lines: list[str], row: int, column: int) -> tuple[str, ...]:
    """The keys of the block mappings around a position, outermost first (list items are
    passed through: `steps` for a step's field)."""
    path: list[str] = []
    limit = column
    for r in range(row - 1, -1, -1):
        text = lines[r]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        m = _LINE_KEY.match(text)
        if m is None:
            if len(text) - len(text.lstrip()) < limit and text.lstrip().startswith("- "):
                limit = len(text) - len(text.lstrip())
            continue
        key_col = len(m.group(1)) + len(m.group(2) or "")
        if key_col < limit and not m.group(4).strip():
            path.insert(0, m.group(3))
            limit = key_col
        elif m.group(2) and len(m.group(1)) < limit:
            limit = len(m.group(1))  # a list item's dash: the list's key is further left
        if limit == 0:
            break
    return tuple(path)


def context(lines: list[str], row: int, column: int) -> Context | None:
    """What is being written at a 0-based position."""
    if row >= len(lines):
        return None
    before = lines[row][:column]
    if before.lstrip().startswith("#"):
        return None
    m = _VALUE.search(before)
    if m is not None:
        if "{" in before[: m.start(1)]:
            path = _key_path(lines, row, len(before) - len(before.lstrip()) + 1)
        else:
            path = _key_path(lines, row, m.start(1))
        return Context("value", m.group(1), path, m.group(2), column - len(m.group(2)))
    m = _ITEM.match(before)
    if m is not None:
        path = _key_path(lines, row, len(m.group(1)) + 1)
        if path:
            return Context("value", path[-1], path[:-1], m.group(2), column - len(m.group(2)))
    m = _KEY.search(before)
    if m is not None:
        start = column - len(m.group(1))
        flow = "{" in before
        if flow:
            # `- {id: x, de`: the mapping is a list item of the key above the line
            indent = len(before) - len(before.lstrip())
            path = _key_path(lines, row, indent + 1)
        else:
            path = _key_path(lines, row, start)
        return Context("key", "", path, m.group(1), start)
    return None


def _model_at(top: type[BaseModel], path: tuple[str, ...]) -> type[BaseModel] | None:
    current: Any = top
    for part in path:
        fields: dict[str, Any] = getattr(current, "model_fields", {})
        info = fields.get(part)
        if info is None:
            return None
        found = None
        todo = [info.annotation]
        while todo and found is None:
            ann = todo.pop()
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                found = ann
            todo.extend(getattr(ann, "__args__", ()))
        if found is None:
            return None
        current = found
    return current if isinstance(current, type) else None


def field_names(enterprise_file: bool, path: tuple[str, ...]) -> list[tuple[str, str]]:
    """(field, description) allowed in the mapping at `path`."""
    model = _model_at(EnterpriseFile if enterprise_file else BlueprintFile, path)
    if model is None:
        return []
    return [(name, info.description or "") for name, info in model.model_fields.items()]


def fixed_words(ctx: Context) -> tuple[str, ...]:
    if ctx.field == "status":
        return STATUSES if "fail_points" in ctx.path else BLUEPRINT_STATUSES
    return WORDS.get(ctx.field, ())
