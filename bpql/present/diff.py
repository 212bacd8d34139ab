"""`bpql diff` as text on a terminal, beside the presenters (`present.PRESENTERS["diff"]`
prints it, and so does `bpql diff`): a summary per blueprint pair first, then the details.

The comparison itself is `bpql/analysis/compare.py`; this module only words it. Every line goes out
through `bpql.safe.terminal_text`, so names and folders print as the characters they hold.
"""

from __future__ import annotations

from typing import Any

from bpql.analysis.compare import (
    FIELD_WORDS,
    FIGURE_WORDS,
    BlueprintDiff,
    Comparison,
    FailFacts,
    StepFacts,
    delta,
    metrics,
)
from bpql.durations import Duration
from bpql.safe import terminal_text
from bpql.words import counted


def _change(v: Any) -> str:
    if isinstance(v, Duration):
        return ("+" if v > 0 else "") + str(v) if v else "0"
    return f"{v:+d}" if isinstance(v, int) and v else "0" if not v else str(v)


def _words(v: Any) -> str:
    if isinstance(v, tuple):
        return ", ".join(v) if v else "none"
    if v is None:
        return "none"
    return str(v)


def _field_text(name: str, old: Any, new: Any) -> str:
    if name in ("target_time", "max_wait"):
        old = Duration(old) if old is not None else None
        new = Duration(new) if new is not None else None
    if name == "name":
        return f'renamed "{old}" -> "{new}"'
    return f"{FIELD_WORDS.get(name, name)} {_words(old)} -> {_words(new)}"


def _step_line(mark: str, s: StepFacts) -> str:
    where = f"{s.lane}, {s.phase}" if s.phase else s.lane
    return f'  {mark} step {s.local} "{s.name}" ({where})'


def to_text(comparison: Comparison) -> str:
    """A summary per blueprint pair first (counts, then the figures side by side), then the
    details: every step and fail point added, removed or changed. Each line through
    `bpql.safe.terminal_text`: names and folders print as the characters they hold."""
    out: list[str] = []
    c = comparison
    if c.unchanged:
        steps = sum(len(d.after.steps) for d in c.blueprints)
        return (
            terminal_text(
                f"{c.before_label} -> {c.after_label}: nothing changed "
                f"({counted(len(c.blueprints), 'blueprint')}, {counted(steps, 'step')})"
            )
            + "\n"
        )
    if c.mode == "versions":
        out.append(f"{c.before_label} -> {c.after_label}")
        for word, ids in (("added", c.blueprints_added), ("removed", c.blueprints_removed)):
            if ids:
                out.append(f"  blueprints {word}: {', '.join(ids)}")
        for s in c.shared:
            for word, ids in (("added", s.added), ("removed", s.removed)):
                if ids:
                    out.append(f"  {s.label.lower()}s {word}: {', '.join(ids)}")
            if s.changed:
                named = [f"{i} ({', '.join(s.fields.get(i, []))})" for i in s.changed]
                out.append(f"  {s.label.lower()}s changed: {', '.join(named)}")
    if not c.blueprints:
        out.append("no blueprint in both versions to compare")
    for d in c.blueprints:
        out.extend(_summary(d))
    details = [line for d in c.blueprints for line in _details(d)]
    if details:
        out.extend(["", "details", *details])
    return "".join(terminal_text(line) + "\n" for line in out)


def _summary(d: BlueprintDiff) -> list[str]:
    b, a = metrics(d.before), metrics(d.after)
    n = d.counts()
    if d.before.blueprint == d.after.blueprint:
        head = f"{d.after.blueprint}:"
        if d.unchanged:
            return [f"{head} unchanged ({len(d.after.steps)} steps)"]
    else:
        head = f"{d.after.service}: {d.before.blueprint} -> {d.after.blueprint}"
    lines = [
        "",
        head,
        f"  steps: {len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} changed, "
        f"{d.same} unchanged"
        + (f" ({len(d.by_name)} matched by name, their ids changed)" if d.by_name else ""),
        f"  fail points: {len(d.fail_added)} added, {len(d.fail_removed)} removed, "
        f"{len(d.fail_changed)} re-rated or changed",
        f"  elements: {n['added']} added, {n['removed']} removed, {n['changed']} changed",
    ]
    fb, fa = b.figures(), a.figures()
    moved = delta(fb, fa)
    width = max(len(w) for w in FIGURE_WORDS.values())
    left, right = d.heads
    w = max(10, len(left), len(right))
    lines.append(f"  {'':<{width}}  {left:>{w}}  {right:>{w}}  {'change':>8}")
    for k, words in FIGURE_WORDS.items():
        lines.append(f"  {words:<{width}}  {fb[k]!s:>{w}}  {fa[k]!s:>{w}}  {_change(moved[k]):>8}")
    return lines


def _details(d: BlueprintDiff) -> list[str]:
    if d.unchanged:
        return []
    b, a = metrics(d.before), metrics(d.after)
    out = [f"{d.after.service}: {d.before.blueprint} -> {d.after.blueprint}"]
    out.extend(_step_line("+", s) for s in d.added)
    out.extend(_step_line("-", s) for s in d.removed)
    for ch in d.changed:
        how = " (matched by name)" if ch.matched_by == "name" else ""
        parts = "; ".join(_field_text(k, *v) for k, v in ch.fields.items())
        out.append(f"  ~ step {ch.after.local}{how}: {parts}")
    for f in d.fail_added:
        out.append(f'  + fail point {f.local} "{f.name}" on {f.step}: {_rating(f)}')
    for f in d.fail_removed:
        out.append(f'  - fail point {f.local} "{f.name}" on {f.step}: {_rating(f)}')
    for fc in d.fail_changed:
        parts = "; ".join(f"{k} {old} -> {new}" for k, (old, new) in fc.fields.items())
        out.append(f"  ~ fail point {fc.after.local}: {parts}")
    for kind, change in d.shared_used().items():
        signed = (("+", change["added"]), ("-", change["removed"]))
        used = [f"{sign} {', '.join(ids)}" for sign, ids in signed if ids]
        if used:
            out.append(f"  {kind} used: {'; '.join(used)}")
    for side, m in zip(d.heads, (b, a), strict=True):
        hand = ", ".join(f"{x} -> {y}" for x, y in m.handoffs) or "none"
        out.append(f"  handoffs {side}: {hand}")
        fps = ", ".join(f"{f.local} ({_rating(f)})" for f in m.failpoints) or "none"
        out.append(f"  fail points {side}, by priority then RPN: {fps}")
        out.append(f"  moments of truth {side}: {', '.join(m.moments_of_truth) or 'none'}")
        out.append(f"  channels {side}: {', '.join(m.channels) or 'none'}")
    return out


def _rating(f: FailFacts) -> str:
    return f"S{f.severity} O{f.occurrence} D{f.detection}, RPN {f.rpn}, AP {f.ap}"
