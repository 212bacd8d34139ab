"""Departments x services: where the steps an impact or a change reaches are, by who performs
them. Part of an impact's and a what-if's answer (`Result.matrix`, and its JSON); the views
draw it as it is."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import compress
from typing import Any

from bpql.analysis.routes import Route
from bpql.schema import VISIBLE_LANES

#: the row of steps that count under no department
NOBODY = "(performed by no department)"
#: routes whose `via` is another step, whose departments a step no role performs takes
THROUGH_A_STEP = (Route.SUPPORTING_STEP, Route.HANDOFF)


#: a step placed in the matrix: (step id, its service, its lane)
Placed = tuple[str, str, str]


def performed(departments: Iterable[str]) -> tuple[str, ...]:
    """A step's departments as the matrix takes them: sorted, each once."""
    return tuple(sorted(set(departments)))


def department_matrix(
    steps: Iterable[Placed],
    performers: Mapping[str, tuple[str, ...]],
    reached: Mapping[str, Sequence[Any]],
    source_department: str | None = None,
) -> dict[str, Any]:
    """How many steps reached each department has in each service, and how many of them the
    customer sees. A step counts under the departments of the roles performing it
    (`performers`: step -> its departments' names, as `performed` makes them); a step no
    role performs, under those of the step it is reached through (`reached`: step ->
    (route, via, ...), as an answer's step rows say), when that is a supporting step or a
    handoff's other end; else under the changed department itself when a department is
    what changed, else in a row of its own. A step two departments perform counts in both
    rows; the total counts each step once.

    At 24,000 steps a Python statement per step is a millisecond: the steps are looked up
    and counted with C loops (`map`, `zip`, `Counter`), Python walks only the steps no role
    performs, and the cells are made per (departments, service) counted."""
    rows = steps if isinstance(steps, list) else list(steps)
    nobody = ("",) if source_department is None else (source_department,)
    through: dict[str, tuple[str, ...]] = {}  # a walk's answer, for every step it passed

    def departments(step: str) -> tuple[str, ...]:
        """The departments of the first step down its chain of vias that has some."""
        walked: list[str] = []
        found: tuple[str, ...] = nobody
        while True:
            known = through.get(step)
            if known is not None:
                found = known
                break
            performing = performers.get(step)
            if performing:
                found = performing
                break
            walked.append(step)
            r = reached.get(step)
            if r is None or r[0] not in THROUGH_A_STEP or r[1] in walked:
                break
            step = r[1]
        for w in walked:
            through[w] = found
        return found

    ids, services_of, lanes = zip(*rows, strict=True) if rows else ((), (), ())
    of_step: list[tuple[str, ...] | None] = list(map(performers.get, ids))
    for i, ds in enumerate(of_step):
        if not ds:
            of_step[i] = departments(ids[i])
    keys = list(zip(of_step, services_of, strict=True))
    counted = Counter(keys)
    seen = Counter(compress(keys, map(frozenset(VISIBLE_LANES).__contains__, lanes)))
    cells: defaultdict[str, dict[str, list[int]]] = defaultdict(dict)  # department, service
    totals: dict[str, list[int]] = {}
    for key, n in counted.items():
        v = seen.get(key, 0)
        ds, service = key
        assert ds is not None
        _add(totals, service, n, v)
        for d in ds:
            _add(cells[d], service, n, v)
    services = sorted(totals)
    depts = sorted(cells, key=lambda d: (d == "", d))
    return {
        "services": services,
        "rows": [
            {"department": d or NOBODY, "cells": list(map(cells[d].get, services))} for d in depts
        ],
        "total": [totals[s] for s in services],
        "steps": len(rows),
        "visible": sum(t[1] for t in totals.values()),
    }


def _add(row: dict[str, list[int]], service: str, n: int, visible: int) -> None:
    """`n` more steps in a service's cell, `visible` of them seen by the customer."""
    cell = row.get(service)
    if cell is None:
        row[service] = [n, visible]
    else:
        cell[0] += n
        cell[1] += visible
