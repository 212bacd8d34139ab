"""Departments x services: where the steps an impact or a change reaches are, by who performs
them. Part of an impact's and a what-if's answer (`Result.matrix`, and its JSON); the views
draw it as it is."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from bpql.analysis.routes import Route
from bpql.schema import VISIBLE_LANES

#: the row of steps that count under no department
NOBODY = "(performed by no department)"
#: routes whose `via` is another step, whose departments a step no role performs takes
THROUGH_A_STEP = (Route.SUPPORTING_STEP, Route.HANDOFF)


class Reached(NamedTuple):
    """A step reached, as the matrix reads it (a tuple: 24,000 of them are made per answer,
    and a frozen dataclass took four times as long to make)."""

    step: str
    service: str
    lane: str
    route: Route
    via: str


def department_matrix(
    steps: Iterable[Reached],
    performers: Mapping[str, Sequence[str]],
    source_department: str | None = None,
) -> dict[str, Any]:
    """How many steps reached each department has in each service, and how many of them the
    customer sees. A step counts under the departments of the roles performing it
    (`performers`: step -> department names); a step no role performs, under those of the
    step it is reached through (a supporting step, a handoff's other end), else under the
    changed department itself when a department is what changed, else in a row of its own.
    A step two departments perform counts in both rows; the total counts each step once."""
    rows = steps if isinstance(steps, list) else list(steps)
    by_step: dict[str, Reached] = {}
    nobody = ("",) if source_department is None else (source_department,)

    def departments(step: str) -> tuple[str, ...]:
        """The departments of the first step down its chain of vias that has some."""
        if not by_step:
            by_step.update((r.step, r) for r in rows)
        seen: set[str] = set()
        while True:
            found = performers.get(step)
            if found:
                return tuple(sorted(set(found)))
            r = by_step.get(step)
            if r is None or r.route not in THROUGH_A_STEP or r.via in seen:
                return nobody
            seen.add(step)
            step = r.via

    # each step as (service, seen by the customer, its departments), counted in C (Counter)
    # and spread over the cells after: at 24,000 steps, a cell's arithmetic per step and
    # department was a tenth of the answer
    alone: dict[str, tuple[str]] = {}  # one tuple per department, for the steps of one
    keys = []
    visible_lanes = frozenset(VISIBLE_LANES)
    for step, service, lane, _, _ in rows:
        found = performers.get(step)
        if found is not None and len(found) == 1:  # most steps: one performing department
            ds: tuple[str, ...] | None = alone.get(found[0])
            if ds is None:
                ds = alone[found[0]] = (found[0],)
        else:
            ds = departments(step)
        keys.append((service, lane in visible_lanes, ds))
    cells: dict[tuple[str, str], list[int]] = {}
    totals: dict[str, list[int]] = {}
    for (service, visible, found), n in Counter(keys).items():
        total = totals.setdefault(service, [0, 0])
        total[0] += n
        total[1] += n * visible
        for d in found:
            cell = cells.setdefault((d, service), [0, 0])
            cell[0] += n
            cell[1] += n * visible
    reached_services = totals.keys()
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
