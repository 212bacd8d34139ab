"""The review gate's settings: the `[review]` table of `bpql.toml` (or `[tool.bpql.review]` of
`pyproject.toml`), found as the lint settings are (the file `--config` names, else the nearest
one from the enterprise folder upwards), and read as safely (bounded, UTF-8, TOML, a declared
shape):

    [review]
    fail_on = ["high-priority-without-action", "moment-of-truth-removed", "lint-error-added"]

`fail_on` lists the conditions that make `bpql review` exit 1; every condition found is
reported whether or not it fails the gate.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bpql.errors import BpqlError
from bpql.lint.config import _read, _Where, nearest
from bpql.model.validate import did_you_mean

#: every condition the gate knows, and what it means (docs/review.md lists them)
CONDITIONS: dict[str, str] = {
    "high-priority-without-action": "a fail point of high action priority added (or raised to "
    "high) with no recommended action",
    "high-priority-without-owner": "a fail point of high action priority added (or raised to "
    "high) with no owner",
    "high-priority-added": "a fail point of high action priority added, or raised to high",
    "moment-of-truth-removed": "a moment of truth removed, or a step no longer one",
    "customer-step-removed": "a customer or frontstage step removed",
    "blueprint-removed": "a blueprint removed (a service deleted, or one of its scenarios)",
    "handoffs-added": "a handoff between departments added along a blueprint's time line",
    "customer-path-slower": "the target time or the waits along a customer path grew",
    "lint-error-added": "a lint finding at error level that the base did not have",
    "lint-finding-added": "any lint finding that the base did not have",
}
DEFAULT_FAIL_ON = ("high-priority-without-action", "moment-of-truth-removed")


@dataclass(frozen=True)
class ReviewConfig:
    fail_on: tuple[str, ...] = DEFAULT_FAIL_ON
    #: the file the settings came from (None: the defaults)
    source: str | None = None


class ReviewTable(BaseModel):
    """`[review]`: these keys, these types, nothing else."""

    model_config = ConfigDict(extra="forbid", strict=True)

    fail_on: list[str] = Field(default_factory=lambda: list(DEFAULT_FAIL_ON))


def _table(path: Path, data: dict[str, Any]) -> tuple[Any, str] | None:
    """The review table of a parsed settings file and its dotted name; None: it has none."""
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        bpql = tool.get("bpql") if isinstance(tool, dict) else None
        if not isinstance(bpql, dict) or "review" not in bpql:
            return None
        return bpql["review"], "tool.bpql.review"
    if "review" not in data:
        return None
    return data["review"], "review"


def from_file(path: Path) -> ReviewConfig | None:
    """The settings of one file; None when it has no review table."""
    data, text = _read(path)
    found = _table(path, data)
    if found is None:
        return None
    table, section = found
    where = _Where(str(path), text, section)
    if not isinstance(table, dict):
        raise BpqlError(
            *where.place("", section.rsplit(".", 1)[-1], f"{section}: expected a table"),
            code="BPQL-C312",
        )
    try:
        shape = ReviewTable.model_validate(table)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        name = str(err["loc"][0]) if err["loc"] else ""
        if err["type"] == "extra_forbidden":
            raise BpqlError(
                *where.place(
                    "",
                    name,
                    f"unknown review setting '{name}'"
                    f"{did_you_mean(name, ReviewTable.model_fields)}; expected fail_on",
                ),
                code="BPQL-C313",
            ) from None
        raise BpqlError(
            *where.place(
                "fail_on",
                "fail_on",
                'expected an array of condition names, as in fail_on = ["moment-of-truth-removed"]',
            ),
            code="BPQL-C314",
        ) from None
    for name in shape.fail_on:
        if name not in CONDITIONS:
            raise BpqlError(
                *where.place(
                    "fail_on",
                    "fail_on",
                    f"unknown condition '{name}'{did_you_mean(name, CONDITIONS)}; the "
                    f"conditions are: {', '.join(CONDITIONS)}",
                ),
                code="BPQL-C315",
            )
    return ReviewConfig(tuple(shape.fail_on), str(path))


def load(path: Path | None, start: Path) -> ReviewConfig:
    """The file `--config` names, else the nearest bpql.toml or pyproject.toml with a review
    table from `start` upwards, else the defaults."""
    if path is not None:
        if not os.path.lexists(path):
            raise BpqlError(f"{path}: no such configuration file", code="BPQL-C316")
        return from_file(path) or ReviewConfig(source=str(path))
    return nearest(start, from_file) or ReviewConfig()
