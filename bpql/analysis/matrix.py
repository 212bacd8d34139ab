"""Departments x services: where the steps an impact or a change reaches are, by who performs
them. Part of an impact's and a what-if's answer (`Result.matrix`, and its JSON); the views
draw it as it is."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bpql.analysis.routes import Route
from bpql.schema import VISIBLE_LANES

#: the row of steps that count under no department
NOBODY = "(performed by no department)"
#: routes whose `via` is another step, whose departments a step no role performs takes
THROUGH_A_STEP = (Route.SUPPORTING_STEP, Route.HANDOFF)


@dataclass(frozen=True)
class Reached:
    """A step reached, as the matrix reads it."""

    step: str
    service: str
    lane: str
    route: Route
    via: str


def department_matrix(
    steps: Iterable[Reached],
    performers: Mapping[str, Iterable[str]],
    source_department: str | None = None,
) -> dict[str, Any]:
    """How many steps reached each department has in each service, and how many of them the
    customer sees. A step counts under the departments of the roles performing it
    (`performers`: step -> department names); a step no role performs, under those of the
    step it is reached through (a supporting step, a handoff's other end), else under the
    changed department itself when a department is what changed, else in a row of its own.
    A step two departments perform counts in both rows; the total counts each step once."""
    rows = list(steps)
    by_step = {r.step: r for r in rows}

    def departments(step: str, seen: frozenset[str] = frozenset()) -> set[str]:
        found = set(performers.get(step, ()))
        r = by_step.get(step)
        if not found and r is not None and r.route in THROUGH_A_STEP and r.via not in seen:
            found = departments(r.via, seen | {step})
        if not found and source_department is not None:
            found = {source_department}
        return found

    reached_services: set[str] = set()
    cells: defaultdict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    totals: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        reached_services.add(r.service)  # a list's `in` here was 24 million tests at 24,000 steps
        visible = int(r.lane in VISIBLE_LANES)
        totals[r.service][0] += 1
        totals[r.service][1] += visible
        for d in departments(r.step) or {""}:
            cells[(d, r.service)][0] += 1
            cells[(d, r.service)][1] += visible
    services = sorted(reached_services)
    depts = sorted({d for d, _ in cells}, key=lambda d: (d == "", d))
    return {
        "services": services,
        "rows": [
            {"department": d or NOBODY, "cells": [cells.get((d, s)) for s in services]}
            for d in depts
        ],
        "total": [totals[s] for s in services],
        "steps": len(rows),
        "visible": sum(t[1] for t in totals.values()),
    }
