"""Read YAML into plain data while remembering where every key and value stood.

pydantic reports errors by path (`steps.3.uses.1`); ruamel's round-trip loader knows lines and
columns. Keeping a path -> position table joins the two, so every error names file:line:col.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from bpql.errors import BpqlError, Span
from bpql.model.files import ENTERPRISE_FILES, FileRefused, read_regular, refused_file

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


def _key_text(key: Any) -> str:
    """A mapping key as it reads in the file (`null`, `true`), for paths and messages."""
    if key is None:
        return "null"
    if isinstance(key, bool):
        return str(key).lower()
    return str(key)


def _plain(node: Any, path: PathKey, doc: SourceDoc) -> Any:
    if isinstance(node, CommentedMap):
        out: dict[str, Any] = {}
        for key in node:
            text = _key_text(key)
            child = (*path, text)
            try:
                kl, kc = node.lc.key(key)
                doc.key_positions[child] = (kl + 1, kc + 1)
                vl, vc = node.lc.value(key)
                doc.positions[child] = (vl + 1, vc + 1)
            except (KeyError, TypeError, AttributeError):
                pass
            out[text] = _plain(node[key], child, doc)
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


_DUPLICATE = re.compile(
    r'found duplicate key "(.*?)" with value "(.*)" \(original value: "(.*)"\)$', re.S
)
_BRACKETS = {"flow sequence": ("[", "list", "]"), "flow mapping": ("{", "mapping", "}")}


def _at(mark: Any) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _found(token: str) -> str:
    """A parser token (`'<stream end>'`, `':'`) as a person would name it."""
    bare = token.strip().strip("'")
    names = {
        "<stream end>": "the end of the file",
        "<block end>": "the end of a block",
        "<block mapping start>": "a new 'key: value' line",
        "<block sequence start>": "a new '- ' list",
        "<scalar>": "more text",
        "-": "a '- ' list item",
    }
    return names.get(bare, f"'{bare}'")


def yaml_problem(exc: MarkedYAMLError) -> tuple[str, Any]:
    """A YAML syntax error in words a blueprint author knows, and the mark to point at."""
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    context = (exc.context or "").strip()
    mark = exc.problem_mark or exc.context_mark
    opened = exc.context_mark
    if isinstance(exc, DuplicateKeyError) or problem.startswith("found duplicate key"):
        dup = _DUPLICATE.match(problem)
        if dup is None:
            return problem.removeprefix("found ").strip(), mark
        key, value, first = dup.groups()
        values = f' (values "{first}" and "{value}")' if len(value + first) < 60 else ""
        return f'duplicate key "{key}": it appears twice in the same mapping{values}', mark
    if problem == "found character '\\t' that cannot start any token":
        return "a tab character; indent with spaces, not tabs", mark
    if problem.startswith("found character") and problem.endswith("that cannot start any token"):
        char = problem.split("'")[1] if problem.count("'") >= 2 else "this character"
        return f"a value cannot start with '{char}'; put the value in quotes", mark
    if problem == "mapping values are not allowed here":
        return (
            "unexpected ':' here; check the indentation of this line, or put a value that "
            "contains ': ' in quotes",
            mark,
        )
    for kind, (open_, noun, close) in _BRACKETS.items():
        if context == f"while parsing a {kind}" and opened is not None:
            got = problem.rsplit("but got ", 1)[-1]
            if _found(got) == "the end of the file":
                return f"the '{open_}' of this {noun} is never closed with '{close}'", opened
            return (
                f"expected ',' or '{close}' in the {noun} opened with '{open_}' at "
                f"{_at(opened)}, but found {_found(got)}",
                mark,
            )
    if context.startswith("while scanning a quoted scalar") and opened is not None:
        return "this quoted value is never closed", opened
    if problem == "could not find expected ':'" and opened is not None:
        return "this line has no ':'; expected 'key: value'", opened
    if problem == "sequence entries are not allowed here":
        return "a '- ' list item is not allowed here; check the indentation", mark
    if problem.startswith("expected the node content, but found"):
        return f"expected a value, but found {_found(problem.rsplit('but found ', 1)[-1])}", mark
    if problem.startswith("expected <block end>, but found"):
        got = _found(problem.rsplit("but found ", 1)[-1])
        if got in ("']'", "'}'"):
            return f"a {got} with no opening bracket before it", mark
        if got == "more text":
            return (
                "unexpected text here; check the indentation, or put the whole value in quotes",
                mark,
            )
        return f"bad indentation: {got} does not line up with the lines above it", mark
    if problem.startswith("expected '<document start>'"):
        return "unexpected content after the end of the document", mark
    if problem.startswith("found undefined alias"):
        name = problem.split("'")[1] if problem.count("'") >= 2 else "?"
        return f"'*{name}' refers to no '&{name}' declared above it", mark
    if problem == "but found another document":
        return "a second YAML document ('---'); expected one document per file", mark
    return problem, mark


def _position(text: str, index: int) -> tuple[int, int]:
    """The line and column of `text[index]`, counting lines as an editor does (at LF)."""
    before = text[:index]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def decode(raw: bytes, name: str) -> str:
    """A file's bytes as text, or a one-line error at the first byte that is not UTF-8, or
    at a NEL character.

    YAML readers take a raw U+0085 (NEL) for a line break, so inside a value it silently
    becomes a space or ends the line; refuse it where it stands (written `\\N` inside a
    double-quoted value, it is kept)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8")
        line, col = _position(before, len(before))
        raise BpqlError(
            f"not UTF-8 text: byte 0x{raw[exc.start]:02X} cannot be read; save the file as UTF-8",
            Span(line, col, file=name),
            code="BPQL-F013",
        ) from None
    nel = text.find("\x85")
    if nel >= 0:
        line, col = _position(text, nel)
        raise BpqlError(
            "a NEL character (U+0085), which YAML reads as a line break: the value would "
            'change; remove it, or write it as \\N inside a "double-quoted" value',
            Span(line, col, file=name),
            code="BPQL-F037",
        )
    return text


def _text(path: Path, name: str, expected: str = ENTERPRISE_FILES) -> str:
    try:
        raw = read_regular(path)
    except FileRefused as exc:
        raise refused_file(exc, name, expected) from None
    return decode(raw, name)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _text_value(value: str, doc: SourceDoc, path: PathKey, key: bool) -> str:
    """A text with the surrogate pairs of `\\ud83d\\ude00` escapes joined into the one
    character they mean, as JSON reads them (YAML readers leave two halves that no store can
    hold); a half with no partner is refused where it is written."""
    if not _SURROGATE.search(value):
        return value
    joined = value.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")
    lone = _SURROGATE.search(joined)
    if lone is None:
        return joined
    raise BpqlError(
        f"a lone surrogate (U+{ord(lone.group()):04X}), half of a character written as two "
        "\\u escapes; no store can hold it: write the character itself, or one \\U escape "
        "(\\U0001F600)",
        doc.span(path, key=key),
        code="BPQL-F038",
    )


def _whole_characters(doc: SourceDoc, node: Any, path: PathKey) -> Any:
    """The data with every text checked by `_text_value` (keys too)."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            child = (*path, k)
            fixed = _text_value(k, doc, child, True)
            renamed: PathKey = (*path, fixed)
            if fixed != k:
                for table in (doc.positions, doc.key_positions):
                    if child in table:
                        table[renamed] = table[child]
            out[fixed] = _whole_characters(doc, v, renamed)
        return out
    if isinstance(node, list):
        return [_whole_characters(doc, v, (*path, i)) for i, v in enumerate(node)]
    if isinstance(node, str):
        return _text_value(node, doc, path, False)
    return node


def _escapes_checked(doc: SourceDoc, text: str) -> SourceDoc:
    """Only a `\\u` escape makes a surrogate (UTF-8 text cannot hold one): most files skip
    the walk."""
    if "\\u" in text or "\\U" in text:
        doc.data = _whole_characters(doc, doc.data, ())
    return doc


def _start(data: Any) -> tuple[int, int]:
    """Where the content of a file begins, after any leading comments."""
    try:
        if isinstance(data, CommentedMap) and data:
            line, col = data.lc.key(next(iter(data)))
            return line + 1, col + 1
        if isinstance(data, CommentedSeq) and data:
            line, col = data.lc.item(0)
            return line + 1, col + 1
    except (KeyError, TypeError, AttributeError):
        pass
    return 1, 1


def _refuse_aliases(yaml: YAML, text: str, name: str) -> None:
    """Blueprint files need no aliases, and an alias can expand a small file into gigabytes
    ("billion laughs", merge keys too): refuse the first one, before anything is built.
    Only parser events are read, so nothing expands; a file with no anchor has no alias."""
    if "&" not in text:
        return
    from ruamel.yaml.events import AliasEvent

    for event in yaml.parse(text):
        if isinstance(event, AliasEvent):
            mark = event.start_mark
            raise BpqlError(
                f"YAML alias '*{event.anchor}': blueprint files do not use anchors and "
                "aliases; write the value out where it is needed",
                Span(mark.line + 1, mark.column + 1, file=name),
                code="BPQL-F030",
            )


def read_yaml(
    path: Path, display: str | None = None, expected: str = ENTERPRISE_FILES
) -> SourceDoc:
    """Parse one file; a syntax error becomes a BpqlError at its line and column."""
    name = display or str(path)
    text = _text(path, name, expected)
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        _refuse_aliases(yaml, text, name)
        data = yaml.load(text)
    except BpqlError:
        raise
    except MarkedYAMLError as exc:
        problem, mark = yaml_problem(exc)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise BpqlError(
            f"invalid YAML: {problem}", Span(line, col, file=name), code="BPQL-F014"
        ) from None
    except ReaderError as exc:
        line, col = _position(text, exc.position)
        raise BpqlError(
            f"invalid YAML: a control character (U+{ord(text[exc.position]):04X}) that YAML "
            "files cannot hold",
            Span(line, col, file=name),
            code="BPQL-F015",
        ) from None
    except YAMLError as exc:
        raise BpqlError(f"invalid YAML: {exc}", Span(1, 1, file=name), code="BPQL-F016") from None
    except Exception as exc:
        # a constructor failing on a value, as in `!!int abc` or `1e`; ruamel gives no position
        raise BpqlError(
            f"invalid YAML: a value cannot be read ({type(exc).__name__}: {exc})",
            Span(1, 1, file=name),
            code="BPQL-F017",
        ) from None
    doc = SourceDoc(name, None)
    doc.positions[()] = _start(data)
    doc.data = _plain(data, (), doc)
    return _escapes_checked(doc, text)


# --- a faster reader for many files (lint) ---------------------------------------------------
#
# ruamel's round-trip loader is pure Python (about 30 ms for a 130-line blueprint). libyaml,
# through PyYAML's C parser, composes the same nodes with their marks ten times faster. Tags
# are resolved with ruamel's own YAML 1.2 rules and non-text scalars are built by ruamel's
# constructor, so the data is what `read_yaml` gives; anything unusual (anchors, tags,
# duplicate keys, any error) goes to `read_yaml`, whose messages are the reference.
# tests/test_lint.py checks both readers agree, data and positions, on every example file.


def yaml12_resolver() -> Any:
    """A PyYAML resolver class with ruamel's YAML 1.2 rules for plain scalars: what the fast
    reader resolves a value to, and what `bpql.interchange.yamlout` quotes so it reads back
    as text."""
    import yaml
    from ruamel.yaml.resolver import implicit_resolvers

    class Resolver12(yaml.resolver.BaseResolver):  # type: ignore[misc]
        yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012

    for versions, tag, regexp, first in implicit_resolvers:
        if (1, 2) in versions:
            Resolver12.add_implicit_resolver(tag, regexp, first)
    return Resolver12


def _fast_loader() -> Any:
    import yaml
    from yaml.cyaml import CParser

    Resolver12 = yaml12_resolver()

    resolved: dict[tuple[Any, ...], str] = {}

    class Loader(CParser, yaml.constructor.BaseConstructor, Resolver12):  # type: ignore[misc,valid-type]
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.constructor.BaseConstructor.__init__(self)
            Resolver12.__init__(self)

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            """The same answer for the same plain scalar: ids and lanes repeat thousands of
            times, and the regular expressions are the reader's slowest part. A quoted scalar
            (`implicit` is (False, True)) is a string whatever it holds: no lookup at all."""
            if implicit == (False, True):
                return _STR
            key = (kind, value, implicit)
            tag = resolved.get(key)
            if tag is None:
                tag = Resolver12.resolve(self, kind, value, implicit)
                if len(resolved) > 100_000:
                    resolved.clear()
                resolved[key] = tag
            return tag

    return Loader


_FAST: dict[str, Any] = {}
_OTHER_BREAKS = re.compile("[\u2028\u2029]")
_STR = "tag:yaml.org,2002:str"
_RT_TAGS = {"tag:yaml.org,2002:" + t for t in ("null", "bool", "int", "float", "timestamp", "str")}


_INT = "tag:yaml.org,2002:int"
_DECIMAL = re.compile(r"[-+]?[1-9][0-9]{0,15}\Z|0\Z")


class _Unusual(Exception):
    """Something the fast reader leaves to ruamel."""


#: the path tuples and (line, column) pairs of the files read, each made once: a path such as
#: ("steps", 3, "uses", 0) and a position such as (12, 9) stand in thousands of files' tables,
#: and holding one of each instead of one per file took the tables of 10,000 files from about
#: 850 MB to a fraction of it. A trie of paths (key -> (path, its children)) finds a child
#: without hashing the parent's tuple; both stop growing at `_SHARED_MAX` entries (an
#: enterprise's structure repeats, so they fill slowly; past it new ones are simply not shared).
_PATHS: dict[Any, tuple[PathKey, dict[Any, Any]]] = {}
_PAIRS: dict[tuple[int, int], tuple[int, int]] = {}
_SHARED_MAX = 1_000_000
#: texts up to this length are interned as they are read (`_fast_plain`)
_SHORT = 48
_SHARED = {"paths": 0}


def _child(kids: dict[Any, Any], path: PathKey, key: str | int) -> tuple[PathKey, dict[Any, Any]]:
    """The path one step below `path` and its children, shared while there is room."""
    found = kids.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    made: tuple[PathKey, dict[Any, Any]] = ((*path, key), {})
    if _SHARED["paths"] < _SHARED_MAX:
        _SHARED["paths"] += 1
        kids[key] = made
    return made


def _pair(mark: Any) -> tuple[int, int]:
    """A mark's 1-based (line, column), shared while there is room."""
    pair = (mark.line + 1, mark.column + 1)
    found = _PAIRS.get(pair)
    if found is not None:
        return found
    if len(_PAIRS) < _SHARED_MAX:
        _PAIRS[pair] = pair
    return pair


def _fast_plain(node: Any, path: PathKey, doc: SourceDoc, kids: dict[Any, Any]) -> Any:
    scalar, mapping, sequence = _FAST["nodes"]
    kind = type(node)
    if kind is scalar:
        if node.tag == _STR:
            value = node.value
            # a short text is most often an id, a lane or a kind, written in thousands of
            # files: one string for all of them in the graph (and in lint's models)
            return sys.intern(value) if len(value) <= _SHORT else value
        if node.tag not in _RT_TAGS:
            raise _Unusual(node.tag)
        if node.tag == _INT and _DECIMAL.match(node.value):
            return int(node.value)  # what ruamel makes of a plain decimal, sooner
        from ruamel.yaml.nodes import ScalarNode

        value = _FAST["rt"].constructor.construct_object(
            ScalarNode(node.tag, node.value, style=node.style), deep=True
        )
        return value if value is None or isinstance(value, (bool, int, float)) else str(value)
    if kind is mapping:
        if node.tag != "tag:yaml.org,2002:map":
            raise _Unusual(node.tag)
        out: dict[str, Any] = {}
        for knode, vnode in node.value:
            if type(knode) is not scalar:
                raise _Unusual("a complex key")
            text = _key_text(_fast_plain(knode, path, doc, kids))
            if text in out or text == "<<":
                raise _Unusual("a duplicate or merge key")
            child, below = _child(kids, path, text)
            doc.key_positions[child] = _pair(knode.start_mark)
            doc.positions[child] = _pair(vnode.start_mark)
            out[text] = _fast_plain(vnode, child, doc, below)
        return out
    if kind is sequence:
        if node.tag != "tag:yaml.org,2002:seq":
            raise _Unusual(node.tag)
        items = []
        for i, item in enumerate(node.value):
            item_path, below = _child(kids, path, i)
            doc.positions[item_path] = _pair(item.start_mark)
            items.append(_fast_plain(item, item_path, doc, below))
        return items
    raise _Unusual(str(kind))


def read_yaml_fast(path: Path, display: str | None = None) -> SourceDoc:
    """`read_yaml`, through libyaml when it is installed; the same SourceDoc either way."""
    name = display or str(path)
    try:
        if not _FAST:
            _FAST["loader"] = _fast_loader()
            _FAST["rt"] = YAML(typ="rt")
            import yaml

            _FAST["nodes"] = (yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode)
        text = decode(read_regular(path), name)
        if "&" in text or "\t" in text or _OTHER_BREAKS.search(text):
            # libyaml counts U+2028 and U+2029 as line breaks; editors and ruamel do not, so
            # every position after one would be a line off
            raise _Unusual("anchors, tabs or Unicode line separators")
        loader = _FAST["loader"](text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
        doc = SourceDoc(name, None)
        if root is None:
            raise _Unusual("an empty file")
        start = root.value[0][0] if root.tag.endswith(":map") and root.value else root
        if root.tag.endswith(":seq") and root.value:
            start = root.value[0]
        mark = start.start_mark
        doc.positions[()] = (mark.line + 1, mark.column + 1) if start is not root else (1, 1)
        doc.data = _fast_plain(root, (), doc, _PATHS)
    except Exception:
        return read_yaml(path, display)
    return _escapes_checked(doc, text)
