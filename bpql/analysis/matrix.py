"""Departments x services: where the steps an impact or a change reaches are, by who performs
them. Part of an impact's and a what-if's answer (`Result.matrix`, and its JSON); the views
draw it as it is."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
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

    changed = set() if source_department is None else {source_department}

    def departments(step: str) -> set[str]:
        """The departments of the first step down its chain of vias that has some."""
        seen: set[str] = set()
        while True:
            found = performers.get(step)
            if found:
                return set(found)
            r = by_step.get(step)
            if r is None or r.route not in THROUGH_A_STEP or r.via in seen:
                return set(changed)
            seen.add(step)
            step = r.via

    # the (department, service) pair of each step's every department, counted at the end in
    # C (Counter): at 24,000 steps, arithmetic on a cell per step was a tenth of the answer
    placed: list[tuple[str, str]] = []
    seen: list[tuple[str, str]] = []  # those of the steps the customer sees
    all_services: list[str] = []
    seen_services: list[str] = []
    nobody = {""}
    for r in rows:
        service = r.service
        all_services.append(service)
        found = performers.get(r.step)  # most steps: the departments of the roles performing it
        pairs = [(d, service) for d in (set(found) if found else departments(r.step) or nobody)]
        placed.extend(pairs)
        if r.lane in VISIBLE_LANES:
            seen_services.append(service)
            seen.extend(pairs)
    steps_in, seen_in = Counter(placed), Counter(seen)
    cells = {k: [n, seen_in.get(k, 0)] for k, n in steps_in.items()}
    seen_per = Counter(seen_services)
    totals = {s: [n, seen_per.get(s, 0)] for s, n in Counter(all_services).items()}
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
