"""Metric readings: a CSV of `metric,date,value` rows, held against each metric's target.

A metric's `target` says where it should be, not which way is better (14 days of cycle time,
a satisfaction score of 8), so the trend is said against the target: the least-squares line
through the readings is nearer the target at the last reading than at the first ("towards the
target"), farther ("away from the target"), or within 1% of the target's size either way
("steady").
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import TYPE_CHECKING

from bpql.errors import BpqlError, Span
from bpql.model.validate import did_you_mean
from bpql.observe.figures import MetricFigures, PeriodFigures
from bpql.observe.logs import MAX_READINGS_BYTES, open_log

if TYPE_CHECKING:
    from bpql.observe.mapping import Mapping

HEADER = ("metric", "date", "value")


def _day(text: str) -> date:
    text = text.strip()
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else date.fromisoformat(text)
    except ValueError:
        return datetime.fromisoformat(text).date()


def read_readings(mapping: Mapping, periods: list[PeriodFigures]) -> list[MetricFigures]:
    """Every metric of the observed blueprint with the readings the file gives it."""
    assert mapping.metrics_file is not None
    name = str(mapping.metrics_file)
    by_id = {**{m.local: m.id for m in mapping.metrics.values()}, **{m: m for m in mapping.metrics}}
    readings: dict[str, list[tuple[date, float]]] = {m: [] for m in mapping.metrics}
    raw = open_log(mapping.metrics_file, name, MAX_READINGS_BYTES)
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
    try:
        reader = csv.reader(text)
        header = [h.strip().lower() for h in next(reader, [])]
        if tuple(header[:3]) != HEADER:
            raise BpqlError(
                f"expected the header 'metric,date,value', got '{','.join(header)}'",
                Span(1, 1, file=name),
                code="BPQL-F426",
            )
        for row in reader:
            if not row or not any(c.strip() for c in row):
                continue
            line = reader.line_num
            if len(row) < 3:
                raise BpqlError(
                    f"expected 3 values (metric,date,value), got {len(row)}",
                    Span(line, 1, file=name),
                    code="BPQL-F427",
                )
            metric = row[0].strip()
            if metric not in by_id:
                raise BpqlError(
                    f"unknown metric '{metric}' of {mapping.blueprint}"
                    f"{did_you_mean(metric, [m.local for m in mapping.metrics.values()])}",
                    Span(line, 1, file=name),
                    code="BPQL-F428",
                )
            try:
                day = _day(row[1])
            except ValueError:
                raise BpqlError(
                    f"'{row[1]}' is not a date (YYYY-MM-DD)",
                    Span(line, len(row[0]) + 2, file=name),
                    code="BPQL-F429",
                ) from None
            try:
                value = float(row[2])
            except ValueError:
                value = float("nan")
            if value != value or value in (float("inf"), float("-inf")):
                raise BpqlError(
                    f"'{row[2]}' is not a number",
                    Span(line, len(row[0]) + len(row[1]) + 3, file=name),
                    code="BPQL-F430",
                )
            readings[by_id[metric]].append((day, value))
    except UnicodeDecodeError:
        raise BpqlError(
            "not UTF-8 text; save the readings as UTF-8", Span(1, 1, file=name), code="BPQL-F431"
        ) from None
    except csv.Error as exc:
        raise BpqlError(
            f"the CSV cannot be read here: {exc}", Span(1, 1, file=name), code="BPQL-F432"
        ) from None
    finally:
        text.close()
    out = []
    for mid, info in sorted(mapping.metrics.items()):
        values = sorted(readings[mid])
        slope = _slope(values)
        figures = MetricFigures(
            id=mid,
            local=info.local,
            name=info.name,
            target=info.target,
            unit=info.unit,
            readings=len(values),
            first=values[0][0].isoformat() if values else None,
            last=values[-1][0].isoformat() if values else None,
            latest=values[-1][1] if values else None,
            mean=sum(v for _, v in values) / len(values) if values else None,
            slope=slope * 30 if slope is not None else None,
            trend=_trend(values, slope, info.target),
        )
        for p in periods:
            start, end = date.fromisoformat(p.start), date.fromisoformat(p.end)
            inside = [v for d, v in values if start <= d <= end]
            if inside:
                figures.periods[p.period] = sum(inside) / len(inside)
        out.append(figures)
    return out


def _slope(values: list[tuple[date, float]]) -> float | None:
    """Change per day of the least-squares line through the readings."""
    if len(values) < 2:
        return None
    xs = [d.toordinal() for d, _ in values]
    ys = [v for _, v in values]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


def _trend(
    values: list[tuple[date, float]], slope: float | None, target: float | None
) -> str | None:
    if slope is None or target is None:
        return None
    xs = [d.toordinal() for d, _ in values]
    mx = sum(xs) / len(xs)
    my = sum(v for _, v in values) / len(values)
    at_first = my + slope * (xs[0] - mx)
    at_last = my + slope * (xs[-1] - mx)
    change = abs(at_last - target) - abs(at_first - target)
    if abs(change) <= 0.01 * max(abs(target), 1e-9):
        return "steady"
    return "towards the target" if change < 0 else "away from the target"
