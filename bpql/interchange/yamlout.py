"""Blueprint files written from models: new files in the examples' style, and changed files
patched in place so their comments and field order survive.

A new file is written by libyaml (PyYAML's C emitter, thirty times quicker than ruamel's
pure-Python one at a thousand files) with YAML 1.2's rules deciding what needs quotes, the
rules `bpql validate` reads with: `0o17` and `1e3` are numbers to a YAML 1.2 reader, so a
version written so is quoted. A file that already exists and changes is read with ruamel's
round-trip loader and only what changed is replaced, item by item (steps by id), so a comment
above an untouched step, the order of its fields and their quoting stay as they were.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from bpql.durations import format_minutes, parse_duration
from bpql.model.format import BlueprintFile, EnterpriseFile

#: fields written as a duration with units (`1h`, `2d`) rather than minutes
DURATIONS = ("target_time", "max_wait", "review_every")
#: reference lists a person writes as one id when there is one (`performed_by: clerk`)
SINGLE = ("performed_by",)


def duration_text(minutes: float) -> str | float:
    """`60.0` as `1h`; a number of minutes no unit writes exactly stays a number."""
    text = format_minutes(minutes)
    if parse_duration(text) == minutes:
        return text
    return int(minutes) if float(minutes).is_integer() else minutes


def _number(value: float) -> int | float:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def plain(model: BaseModel) -> dict[str, Any]:
    """A model as a file holds it: fields in the model's order, nothing that is its default
    (no `moment_of_truth: false`, no `uses: []`), durations with units."""
    out: dict[str, Any] = {}
    fields = type(model).model_fields
    for name, info in fields.items():
        value = getattr(model, name)
        if value is None or value == [] or value == {}:
            continue
        if name == "moment_of_truth" and value is False:
            continue
        if name == "scenario" and value == "as-is" and isinstance(model, BlueprintFile):
            out[name] = value  # said even when it is the default: people read it first
            continue
        if not info.is_required() and info.default is not None and value == info.default:
            continue
        out[name] = _plain_value(name, value)
    if isinstance(model, EnterpriseFile) and "enterprise" in out:
        out = {"enterprise": out.pop("enterprise"), **out}
    return out


def _plain_value(name: str, value: Any) -> Any:
    if isinstance(value, BaseModel):
        return plain(value)
    if isinstance(value, list):
        items = [_plain_value(name, v) for v in value]
        return items[0] if name in SINGLE and len(items) == 1 else items
    if isinstance(value, dict):
        return {k: _plain_value(name, v) for k, v in value.items()}
    if name in DURATIONS and isinstance(value, (int, float)) and not isinstance(value, bool):
        return duration_text(float(value))
    if isinstance(value, float):
        return _number(value)
    return value


# --- new files: libyaml, YAML 1.2 quoting ---------------------------------------------------

_DUMPER: list[Any] = []


def _dumper() -> Any:
    """A PyYAML dumper on libyaml whose plain-or-quoted choice follows YAML 1.2 (ruamel's
    resolvers), so every text reads back as text in `bpql validate`."""
    if _DUMPER:
        return _DUMPER[0]
    from yaml.cyaml import CEmitter
    from yaml.representer import SafeRepresenter
    from yaml.serializer import Serializer

    from bpql.model.yamlpos import yaml12_resolver

    Resolver12 = yaml12_resolver()

    class Representer(SafeRepresenter):  # type: ignore[misc]
        pass

    def text(dumper: Any, value: str) -> Any:
        # a multi-line text as a `|` block, which keeps its lines as they read
        style = "|" if "\n" in value and value.strip() == value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Representer.add_representer(str, text)

    class Dumper(CEmitter, Serializer, Representer, Resolver12):  # type: ignore[misc,valid-type]
        def __init__(self, stream: Any, **kw: Any) -> None:
            CEmitter.__init__(
                self,
                stream,
                width=kw.get("width"),
                allow_unicode=kw.get("allow_unicode"),
                indent=kw.get("indent"),
            )
            Representer.__init__(  # type: ignore[call-arg]
                self, default_flow_style=kw.get("default_flow_style"), sort_keys=False
            )
            Resolver12.__init__(self)

    _DUMPER.append(Dumper)
    return Dumper


def _spaced(text: str) -> str:
    """A blank line before each top-level list or block, as the examples are written."""
    out: list[str] = []
    for line in text.splitlines():
        top = line[:1] not in ("", " ", "-")
        if out and top and (out[-1][:1] in (" ", "-") or line.endswith(":")):
            out.append("")
        out.append(line)
    return "\n".join(out) + "\n"


def dump_new(model: EnterpriseFile | BlueprintFile, header: str = "") -> str:
    """A new file for `model`: one `{id: ..., name: ...}` line per small item, steps as
    blocks, a comment `header` on top."""
    import yaml

    text = yaml.dump(
        plain(model),
        Dumper=_dumper(),
        default_flow_style=None,
        width=100_000,
        allow_unicode=True,
        indent=2,
    )
    top = "".join(f"# {line}\n" for line in header.splitlines())
    return top + _spaced(text)


# --- changed files: ruamel round trip, item by item -----------------------------------------


def _yaml() -> Any:
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 100_000
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _rt(value: Any) -> Any:
    """Plain data as ruamel nodes: a mapping or list of plain values on one line."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        m = CommentedMap((k, _rt(v)) for k, v in value.items())
        if all(not isinstance(v, (dict, list)) for v in value.values()):
            m.fa.set_flow_style()
        return m
    if isinstance(value, list):
        s = CommentedSeq(_rt(v) for v in value)
        if all(not isinstance(v, (dict, list)) for v in value):
            s.fa.set_flow_style()
        return s
    return value


def _keyed(items: Sequence[Any]) -> bool:
    return bool(items) and all(isinstance(i, BaseModel) and hasattr(i, "id") for i in items)


def _merge_map(node: Any, old: BaseModel, new: BaseModel) -> None:
    """Put into `node` (the old model as written) what differs in `new`, field by field."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    written = plain(new)
    order = list(type(new).model_fields)
    for name in order:
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
        if name not in written:
            if name in node:
                del node[name]
            continue
        if name in node:
            current = node[name]
            if isinstance(current, CommentedSeq) and _keyed(after) and _keyed(before):
                node[name] = _merge_list(current, before, after)
            elif isinstance(current, CommentedMap) and isinstance(after, BaseModel) and before:
                _merge_map(current, before, after)
            else:
                node[name] = _rt(written[name])
            continue
        # a new field goes after the fields that come before it in the model
        at = 0
        for i, key in enumerate(node):
            if key in order and order.index(key) < order.index(name):
                at = i + 1
        node.insert(at, name, _rt(written[name]))


def _merge_list(seq: Any, old: list[Any], new: list[Any]) -> Any:
    """A list of items with ids (steps, roles, ...): kept items keep their text and the
    comments above them, changed ones are patched, new ones added where they stand."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    by_id = {item.id: i for i, item in enumerate(old) if i < len(seq)}
    out = CommentedSeq()
    if seq.fa.flow_style():
        out.fa.set_flow_style()
    if getattr(seq.ca, "comment", None):
        out.ca.comment = seq.ca.comment
    if getattr(seq.ca, "end", None):
        out.ca.end = seq.ca.end  # the blank line or comment after the list
    for j, item in enumerate(new):
        i = by_id.pop(item.id, None)
        if i is None:
            out.append(_rt(plain(item)))
            continue
        node = seq[i]
        if old[i] != item:
            if isinstance(node, CommentedMap):
                _merge_map(node, old[i], item)
            else:
                node = _rt(plain(item))
        out.append(node)
        if i in seq.ca.items:
            out.ca.items[j] = seq.ca.items[i]
    return out


def dump_changed(text: str, old: EnterpriseFile | BlueprintFile, new: BaseModel) -> str:
    """`text` (a file that reads as `old`) with what differs in `new` put in, everything
    else as it was written."""
    y = _yaml()
    node = y.load(text)
    _merge_map(node, old, new)
    out = io.StringIO()
    y.dump(node, out)
    return out.getvalue()


def same(a: BaseModel, b: BaseModel) -> bool:
    """Whether two files say the same: equal models (durations in minutes, lists as lists)."""
    return a == b
