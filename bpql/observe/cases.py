"""Rows of a log assembled into cases: each case's activities in time order.

Rows are kept compact while the log streams past (an activity and an outcome as small
integers, times as floats), so a log of a million events takes a few hundred megabytes at
most, never its text. Within a case, events are ordered by time, then by the sort column when
the mapping names one, then by the order of the file: equal timestamps keep the order the
system that wrote them gave, unless a sort column says otherwise (docs/observe.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from bpql.errors import BpqlError
from bpql.observe.logs import LogReader, Timestamps, reader
from bpql.observe.mapping import Mapping, month_period

_LIFECYCLE_START = frozenset({"start", "started", "begin"})
_LIFECYCLE_COMPLETE = frozenset({"complete", "completed", "end", "done", "finish", "finished"})


class Instance(NamedTuple):
    """One activity of a case: what, when it started (None when the log does not say) and
    ended, and its outcome. A tuple: a million of them are made, fast."""

    activity: int
    start: float | None
    end: float
    outcome: int


@dataclass
class Log:
    """Every case of a log, its activities and outcomes interned."""

    activities: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    #: case id -> rows (order key, sort key, file position, activity, start, end, outcome,
    #: lifecycle: 0 none, 1 start, 2 complete)
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    events: int = 0
    #: rows of other services (the mapping's service column and value)
    skipped: int = 0
    first: float = math.inf
    last: float = -math.inf
    has_start: bool = False

    def cases(self) -> Iterator[tuple[str, list[Instance]]]:
        """Each case's activities in time order (its rows sorted once, start and complete
        rows of a lifecycle log paired into one activity)."""
        for case, rows in self.rows.items():
            yield case, instances(rows)


_NO_SORT = (2, 0.0, "")


def _sort_key(value: Any) -> tuple[int, float, str]:
    """Sort values as numbers when they are numbers (`9` before `10`), else as text."""
    if value is None or value == "" or isinstance(value, bool):
        return _NO_SORT
    try:
        return (0, float(value), "")
    except (TypeError, ValueError):
        return (1, 0.0, str(value))


def instances(rows: list[tuple[Any, ...]]) -> list[Instance]:
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    out: list[Instance] = []
    pending: dict[int, list[float]] = {}
    paired = False
    for _, _, _, act, start, end, outcome, life in rows:
        if life == 1:
            pending.setdefault(act, []).append(end)
            paired = True
            continue
        if life == 2 and pending.get(act):
            start = pending[act].pop(0)
        out.append(Instance(act, start, end, outcome))
    for act, starts in pending.items():  # started, never completed (yet)
        for s in starts:
            out.append(Instance(act, s, s, 0))
    if paired:  # an activity is placed where it started
        out.sort(key=lambda i: i.start if i.start is not None else i.end)
    return out


def read_log(mapping: Mapping, log_reader: LogReader | None = None) -> Log:
    """Stream the mapping's log into a `Log`; the first problem is raised as one line."""
    spec = mapping.log
    rd = log_reader or reader(spec)
    when = Timestamps(spec.tz)
    log = Log()
    act_ids: dict[str, int] = {}
    out_ids: dict[str, int] = {"": 0}
    log.outcomes.append("")
    cases = log.rows
    lifecycle = "lifecycle" in spec.columns
    has_start = "start" in spec.columns
    has_sort = "sort" in spec.columns
    service = spec.service
    first, last = math.inf, -math.inf
    #: where the earliest and the latest moment stand: (row, role, value)
    first_at: tuple[int, str, Any] | None = None
    last_at: tuple[int, str, Any] | None = None
    n = 0
    bad_time = (ValueError, OverflowError, OSError)
    for where, row in rd.rows():
        case, activity, ts, start, life, sort, outcome, svc, _, _ = row
        if service is not None and (svc is None or str(svc) != service):
            log.skipped += 1
            continue
        if case is None or case == "":
            raise rd.problem(where, "case", "", "a case id")
        if activity is None or activity == "":
            raise rd.problem(where, "activity", "", "an activity")
        if type(case) is not str:
            case = str(case)
        if type(activity) is not str:
            activity = str(activity)
        if ts is None or ts == "":
            raise rd.problem(where, "timestamp", "", "a timestamp (ISO 8601)")
        try:
            end = when(ts)
        except bad_time:
            raise rd.problem(where, "timestamp", ts, "a timestamp (ISO 8601)") from None
        begin = None
        if has_start and start is not None and start != "":
            try:
                begin = when(start)
            except bad_time:
                raise rd.problem(where, "start", start, "a timestamp (ISO 8601)") from None
            if begin > end:
                raise rd.problem(where, "start", start, "a start at or before the timestamp")
        code = 0
        if lifecycle:
            text = "" if life is None else str(life).strip().lower()
            if text in _LIFECYCLE_START:
                code = 1
            elif text in _LIFECYCLE_COMPLETE or text == "":
                code = 2
            else:  # schedule, assign, suspend, resume...: not an activity's start or end
                continue
        a = act_ids.get(activity)
        if a is None:
            a = act_ids[activity] = len(log.activities)
            log.activities.append(activity)
        o = 0
        if outcome is not None and outcome != "":
            if type(outcome) is not str:
                outcome = str(outcome)
            o = out_ids.get(outcome, -1)
            if o < 0:
                o = out_ids[outcome] = len(log.outcomes)
                log.outcomes.append(outcome)
        if has_sort:
            try:  # the common case, a number, without a call
                key = (0, float(sort), "") if type(sort) is not bool else _NO_SORT
            except (TypeError, ValueError):
                key = _sort_key(sort)
        else:
            key = _NO_SORT
        order = end if begin is None else begin
        rows = cases.get(case)
        if rows is None:
            rows = cases[case] = []
        rows.append((order, key, n, a, begin, end, o, code))
        n += 1
        if order < first:
            first = order
            first_at = (where, "timestamp", ts) if begin is None else (where, "start", start)
        if end > last:
            last = end
            last_at = (where, "timestamp", ts)
    log.first, log.last = first, last
    log.events = n
    log.has_start = has_start or lifecycle
    if n == 0:
        raise BpqlError(
            f"{spec.name}: no events of service '{service}' in the log (the rows of other "
            f"services are left out: {log.skipped}); check log.service in {mapping.file}",
            code="BPQL-F424",
        )
    for moment, at in ((first, first_at), (last, last_at)):
        try:  # the month of the log's ends, in the mapping's zone, within the calendar
            month_period(moment, spec.tz)
        except (ValueError, OverflowError, OSError):
            assert at is not None
            expected = "a moment from year 1 to November 9999 in the log's time zone"
            raise rd.problem(*at, expected) from None
    return log
