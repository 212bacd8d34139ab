"""Which rules run, and at what severity.

Read from `bpql.toml` (a `[lint]` table) or from `[tool.bpql.lint]` in `pyproject.toml`, found
in the folder of the first file linted or the nearest folder above it, or from the file
`--config` names:

    [lint]
    extends = ["bpql:recommended"]
    store = true          # `bpql load` writes the findings into the store (`lint` property)
    [lint.rules]
    "lanes/frontstage-without-touchpoint" = "error"
    "shared/unused-persona" = "off"

With no file, `bpql:recommended` applies.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from bpql.errors import BpqlError
from bpql.lint.registry import LEVELS, RULES, Level
from bpql.model.validate import did_you_mean

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


@dataclass(frozen=True)
class Config:
    """The level of every rule, and the file it came from (None: the default)."""

    levels: Mapping[str, Level]
    source: str | None = None
    #: write findings into the store's `lint` property at `bpql load`
    store: bool = False

    def enabled(self) -> dict[str, Level]:
        return {rid: lvl for rid, lvl in self.levels.items() if lvl != "off"}


def default() -> Config:
    return Config(PRESETS["bpql:recommended"]())


def _lint_table(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("bpql", {}).get("lint")
    else:
        table = data.get("lint")
    if table is not None and not isinstance(table, dict):
        raise BpqlError(
            f"{path}: the lint settings must be a table ([lint] or [tool.bpql.lint])",
            code="BPQL-C045",
        )
    return table


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BpqlError(f"{path}: cannot read: {exc.strerror}", code="BPQL-C040") from None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BpqlError(f"{path}: invalid TOML: {exc}", code="BPQL-C041") from None
    return data


def from_table(table: Mapping[str, Any], where: str) -> Config:
    """Build a configuration from a `[lint]` table; every mistake names the key and file."""
    settings = ["extends", "rules", "store"]
    unknown = sorted(set(table) - set(settings))
    if unknown:
        raise BpqlError(
            f"{where}: unknown lint setting '{unknown[0]}'"
            f"{did_you_mean(unknown[0], settings)}; expected extends, rules or store",
            code="BPQL-C042",
        )
    store = table.get("store", False)
    if not isinstance(store, bool):
        raise BpqlError(f"{where}: store: expected true or false, got {store!r}", code="BPQL-C050")
    extends = table.get("extends", ["bpql:recommended"])
    if isinstance(extends, str):
        extends = [extends]
    levels: dict[str, Level] = dict.fromkeys(RULES, "off")
    for name in extends:
        preset = PRESETS.get(str(name))
        if preset is None:
            raise BpqlError(
                f"{where}: extends: unknown preset {name!r}{did_you_mean(str(name), PRESETS)}; "
                f"expected one of {', '.join(PRESETS)}",
                code="BPQL-C043",
            )
        levels.update({k: v for k, v in preset().items() if v != "off"})
    rules = table.get("rules", {})
    if not isinstance(rules, dict):
        raise BpqlError(f"{where}: rules: expected a table of rule = level", code="BPQL-C049")
    for rid, level in rules.items():
        if rid not in RULES:
            raise BpqlError(
                f"{where}: rules: unknown rule '{rid}'{did_you_mean(rid, RULES)}",
                code="BPQL-C044",
                hints=["`bpql lint --list-rules` prints every rule"],
            )
        if level not in LEVELS:
            raise BpqlError(
                f"{where}: rules: '{rid}' = {level!r}; expected one of off, warn, error",
                code="BPQL-C046",
            )
        levels[rid] = cast(Level, level)
    return Config(levels, where, store)


def load(path: Path | None = None, start: Path | None = None) -> Config:
    """The configuration `--config` names, else the nearest bpql.toml or pyproject.toml with
    lint settings from `start` upwards, else the recommended rules."""
    if path is not None:
        if not path.is_file():
            raise BpqlError(f"{path}: no such configuration file", code="BPQL-C048")
        table = _lint_table(path, _read(path))
        return from_table(table or {}, str(path))
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        for name in ("bpql.toml", "pyproject.toml"):
            file = candidate / name
            if file.is_file():
                table = _lint_table(file, _read(file))
                if table is not None or name == "bpql.toml":
                    return from_table(table or {}, str(file))
    return default()
