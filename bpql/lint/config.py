"""Which rules run, and at what severity.

Read from `bpql.toml` (a `[lint]` table) or from `[tool.bpql.lint]` in `pyproject.toml`, found
in the folder of the first file linted or the nearest folder above it, or from the file
`--config` names:

    [lint]
    extends = ["bpql:recommended"]
    store = true          # `bpql load` writes the findings into the store (`lint` property)
    observe = ["observed/claims.yaml"]   # mapping files the `observed/` rules read
    [lint.rules]
    "lanes/frontstage-without-touchpoint" = "error"
    "shared/unused-persona" = "off"

With no file, `bpql:recommended` applies.

Settings files come from wherever a blueprint repository was cloned from, so they are read as
data: a bounded regular file, UTF-8, TOML, then checked against the declared shape
(`LintTable`, pydantic); every mistake is one line with a code, at file:line:col where the
position is known.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from bpql.errors import BpqlError, Span
from bpql.lint.registry import LEVELS, RULES, Level
from bpql.model.files import FileRefused, read_regular
from bpql.model.validate import did_you_mean

T = TypeVar("T")

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


def _preset(recommended_only: bool) -> dict[str, Level]:
    return {
        r.id: (r.severity if r.recommended or not recommended_only else "off")
        for r in RULES.values()
    }


PRESETS = {
    "bpql:recommended": lambda: _preset(True),
    "bpql:all": lambda: _preset(False),
}
Preset = Literal["bpql:recommended", "bpql:all"]

#: the largest settings file read: a pyproject.toml of a large monorepo is tens of KB
MAX_SETTINGS_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Config:
    """The level of every rule, and the file it came from (None: the default)."""

    levels: Mapping[str, Level]
    source: str | None = None
    #: write findings into the store's `lint` property at `bpql load`
    store: bool = False
    #: mapping files of observed logs (bpql observe) the drift rules read, as paths
    observe: tuple[str, ...] = ()

    def enabled(self) -> dict[str, Level]:
        return {rid: lvl for rid, lvl in self.levels.items() if lvl != "off"}


def default() -> Config:
    return Config(PRESETS["bpql:recommended"]())


# --- the declared shape ------------------------------------------------------------------


def _one_or_many(value: Any) -> Any:
    """`extends = "bpql:all"` for `extends = ["bpql:all"]`."""
    return [value] if isinstance(value, str) else value


def _recommended() -> list[Preset]:
    return ["bpql:recommended"]


class LintTable(BaseModel):
    """The `[lint]` table (or `[tool.bpql.lint]`): these keys, these types, nothing else."""

    model_config = ConfigDict(extra="forbid", strict=True)

    extends: Annotated[list[Preset], BeforeValidator(_one_or_many)] = Field(
        default_factory=_recommended
    )
    rules: dict[str, Level] = Field(default_factory=dict)
    store: bool = False
    #: mapping files of observed logs, relative to the settings file (the `observed/` rules)
    observe: list[str] = Field(default_factory=list)


class _Tables(BaseModel):
    """A table some of whose keys are ours; the rest belongs to other tools."""

    model_config = ConfigDict(extra="allow", strict=True)


class BpqlToml(_Tables):
    lint: dict[str, Any] | None = None


class _BpqlTool(_Tables):
    lint: dict[str, Any] | None = None


class _Tools(_Tables):
    bpql: _BpqlTool | None = None


class PyProject(_Tables):
    tool: _Tools | None = None


# --- messages ----------------------------------------------------------------------------


def _shown(value: Any) -> str:
    """A TOML value as its writer would know it, on one short line."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:30]}... ({len(text)} characters)"


def _key_position(text: str | None, key: str) -> tuple[int, int] | None:
    """Where `key = ...` is written, when the file writes it exactly once: tomllib gives
    values without positions, and a guess between two places would point at the wrong one."""
    if not text or len(text) > MAX_SETTINGS_BYTES:
        return None
    k = re.escape(key)
    hits = list(re.finditer(rf"(?:^|[{{,.])[ \t]*(?P<key>\"{k}\"|'{k}'|{k})[ \t]*=", text, re.M))
    if len(hits) != 1:
        return None
    at = hits[0].start("key")
    before = text[:at]
    return before.count("\n") + 1, at - (before.rfind("\n") + 1) + 1


class _Where:
    """The file being read, its text (for positions) and the dotted name of the lint table."""

    def __init__(self, file: str, text: str | None, section: str) -> None:
        self.file, self.text, self.section = file, text, section

    def place(self, key_path: str, key: str, message: str) -> tuple[str, Span | None]:
        """A message and its span: at the key when the file shows where it is, else the
        message names the file."""
        shown = f"{self.section}.{key_path}: {message}" if key_path else message
        at = _key_position(self.text, key) if key else None
        if at is None:
            return f"{self.file}: {shown}", None
        return shown, Span(at[0], at[1], file=self.file)


def _table_problem(exc: ValidationError, where: _Where) -> BpqlError:
    """The first problem of a `[lint]` table, worded for its writer, with its code."""
    err = exc.errors(include_url=False)[0]
    loc = [str(p) for p in err["loc"]]
    kind, got = err["type"], err.get("input")
    name = loc[0] if loc else ""
    if kind == "extra_forbidden":
        return BpqlError(
            *where.place(
                "",
                name,
                f"unknown lint setting '{name}'{did_you_mean(name, LintTable.model_fields)}; "
                "expected extends, rules, store or observe",
            ),
            code="BPQL-C042",
        )
    if name == "extends":
        if kind == "literal_error" and isinstance(got, str):
            return BpqlError(
                *where.place(
                    "extends",
                    "extends",
                    f"unknown preset {got!r}{did_you_mean(got, PRESETS)}; expected one of "
                    f"{', '.join(PRESETS)}",
                ),
                code="BPQL-C043",
            )
        return BpqlError(
            *where.place(
                "extends",
                "extends",
                f"expected a preset name or an array of them ({', '.join(PRESETS)}), got "
                f"{_shown(got)}",
            ),
            code="BPQL-C055",
        )
    if name == "rules" and len(loc) == 1:
        return BpqlError(
            *where.place("rules", "rules", f"expected a table of rule = level, got {_shown(got)}"),
            code="BPQL-C049",
        )
    if name == "rules":
        rid = loc[1]
        return BpqlError(
            *where.place(
                "rules", rid, f"'{rid}' = {_shown(got)}; expected one of {', '.join(LEVELS)}"
            ),
            code="BPQL-C046",
        )
    return BpqlError(
        *where.place(name, name, f"expected true or false, got {_shown(got)}"), code="BPQL-C050"
    )


def _lint_table(path: Path, data: dict[str, Any], text: str | None = None) -> dict[str, Any] | None:
    """The lint settings of a parsed bpql.toml or pyproject.toml (None: it has none), the
    tables around them checked to be tables."""
    where = _Where(str(path), text, "")
    try:
        if path.name == "pyproject.toml":
            tool = PyProject.model_validate(data).tool
            return tool.bpql.lint if tool and tool.bpql else None
        return BpqlToml.model_validate(data).lint
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        key_path = ".".join(str(p) for p in err["loc"])
        key = str(err["loc"][-1]) if err["loc"] else ""
        raise BpqlError(
            *where.place(
                "",
                key,
                f"{key_path}: expected a table, got {_shown(err.get('input'))}; the lint "
                "settings are the table [lint] of bpql.toml or [tool.bpql.lint] of "
                "pyproject.toml",
            ),
            code="BPQL-C045",
        ) from None


# --- reading -----------------------------------------------------------------------------

_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def _read(path: Path) -> tuple[dict[str, Any], str]:
    """A settings file's TOML and its text; every way of failing is one line."""
    name = str(path)
    try:
        raw = read_regular(path, MAX_SETTINGS_BYTES)
    except FileRefused as exc:
        if exc.kind == "large":
            raise BpqlError(f"{name}: {exc.reason}", code="BPQL-C052") from None
        if exc.kind == "unreadable":
            raise BpqlError(f"{name}: cannot read: {exc.reason}", code="BPQL-C040") from None
        raise BpqlError(
            f"{name}: {exc.reason}; lint settings are read from a regular file",
            code="BPQL-C051",
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8")
        line, col = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        raise BpqlError(
            f"not UTF-8 text: byte 0x{raw[exc.start]:02X} cannot be read; save the file as UTF-8",
            Span(line, col, file=name),
            code="BPQL-C053",
        ) from None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        at = _TOML_AT.search(message)
        span = Span(int(at[1]), int(at[2]), file=name) if at else None
        shown = f"invalid TOML: {message[: at.start()] if at else message}"
        raise BpqlError(shown if span else f"{name}: {shown}", span, code="BPQL-C041") from None
    except RecursionError:
        raise BpqlError(
            f"{name}: invalid TOML: arrays or tables nested too deeply to read",
            code="BPQL-C054",
        ) from None
    return data, text


def from_table(
    table: Mapping[str, Any], where: str, text: str | None = None, section: str = "lint"
) -> Config:
    """Build a configuration from a `[lint]` table; every mistake names the key and file."""
    at = _Where(where, text, section)
    try:
        shape = LintTable.model_validate(dict(table))
    except ValidationError as exc:
        raise _table_problem(exc, at) from None
    levels: dict[str, Level] = dict.fromkeys(RULES, "off")
    for name in shape.extends:
        levels.update({k: v for k, v in PRESETS[name]().items() if v != "off"})
    for rid, level in shape.rules.items():
        if rid not in RULES:
            raise BpqlError(
                *at.place("rules", rid, f"unknown rule '{rid}'{did_you_mean(rid, RULES)}"),
                code="BPQL-C044",
                hints=["`bpql lint --list-rules` prints every rule"],
            )
        levels[rid] = level
    folder = Path(where).parent
    observe = tuple(str(folder / p) for p in shape.observe)
    return Config(levels, where, shape.store, observe)


def _from_file(path: Path) -> Config | None:
    data, text = _read(path)
    table = _lint_table(path, data, text)
    if table is None and path.name != "bpql.toml":
        return None
    section = "tool.bpql.lint" if path.name == "pyproject.toml" else "lint"
    return from_table(table or {}, str(path), text, section)


def nearest(start: Path, read: Callable[[Path], T | None]) -> T | None:
    """What `read` makes of the nearest bpql.toml or pyproject.toml from `start` upwards that
    it does not pass over (None from `read`: not this one); None when it passes over all.
    A file that is there but is no regular file is handed to `read` too, to refuse."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        for name in ("bpql.toml", "pyproject.toml"):
            file = candidate / name
            if os.path.lexists(file):
                found = read(file)
                if found is not None:
                    return found
    return None


def load(path: Path | None = None, start: Path | None = None) -> Config:
    """The configuration `--config` names, else the nearest bpql.toml or pyproject.toml with
    lint settings from `start` upwards, else the recommended rules.

    A bpql.toml or pyproject.toml that is there but is no regular file (a folder, a pipe, a
    link to nothing) is an error, not a file to pass over: the rules would silently change."""
    if path is not None:
        if not os.path.lexists(path):
            raise BpqlError(f"{path}: no such configuration file", code="BPQL-C048")
        data, text = _read(path)
        section = "tool.bpql.lint" if path.name == "pyproject.toml" else "lint"
        return from_table(_lint_table(path, data, text) or {}, str(path), text, section)
    return nearest(start or Path.cwd(), _from_file) or default()
