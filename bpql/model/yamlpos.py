"""Read YAML into plain data while remembering where every key and value stood.

pydantic reports errors by path (`steps.3.uses.1`); ruamel's round-trip loader knows lines and
columns. Keeping a path -> position table joins the two, so every error names file:line:col.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from bpql.errors import BpqlError, Span

PathKey = tuple[str | int, ...]


@dataclass
class SourceDoc:
    """One parsed file: its data and the position of each path in it."""

    file: str
    data: Any
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def span(self, path: PathKey, *, key: bool = False) -> Span:
        """The closest known position for `path` (a missing field points at its parent)."""
        table = self.key_positions if key else self.positions
        p = tuple(path)
        while p:
            if p in table:
                line, col = table[p]
                return Span(line, col, file=self.file)
            if p in self.positions:
                line, col = self.positions[p]
                return Span(line, col, file=self.file)
            p = p[:-1]
        line, col = self.positions.get((), (1, 1))
        return Span(line, col, file=self.file)


def _plain(node: Any, path: PathKey, doc: SourceDoc) -> Any:
    if isinstance(node, CommentedMap):
        out: dict[str, Any] = {}
        for key in node:
            child = (*path, str(key))
            try:
                kl, kc = node.lc.key(key)
                doc.key_positions[child] = (kl + 1, kc + 1)
                vl, vc = node.lc.value(key)
                doc.positions[child] = (vl + 1, vc + 1)
            except (KeyError, TypeError, AttributeError):
                pass
            out[str(key)] = _plain(node[key], child, doc)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, item in enumerate(node):
            try:
                il, ic = node.lc.item(i)
                item_path: PathKey = (*path, i)
                doc.positions[item_path] = (il + 1, ic + 1)
            except (KeyError, TypeError, AttributeError):
                pass
            items.append(_plain(item, (*path, i), doc))
        return items
    if node is None or isinstance(node, (bool, int, float)):
        return node
    return str(node)


def read_yaml(path: Path, display: str | None = None) -> SourceDoc:
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BpqlError(f"not UTF-8 text ({exc.reason})", Span(1, 1, file=name)) from None
    except OSError as exc:
        raise BpqlError(f"cannot read file: {exc.strerror}", Span(1, 1, file=name)) from None
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if "duplicate key" in problem or "found duplicate key" in str(exc):
            problem = "duplicate key " + problem.split("key")[-1].strip()
        raise BpqlError(f"invalid YAML: {problem}", Span(line, col, file=name)) from None
    except YAMLError as exc:
        raise BpqlError(f"invalid YAML: {exc}", Span(1, 1, file=name)) from None
    doc = SourceDoc(name, None)
    doc.positions[()] = (1, 1)
    doc.data = _plain(data, (), doc)
    return doc
