"""A review as text for a terminal, JSON, Markdown for a pull-request comment, SARIF 2.1.0
for code scanning, and GitLab's Code Quality report.

Every name a blueprint holds reaches these through an escape: `terminal_text` for a terminal,
`md` for Markdown (HTML and Markdown's own characters), `json_text` for JSON. The Markdown
starts with a hidden marker (`MARKER`), so the one comment a pull request gets can be found and
updated, and a digest of the review's content, so an update that would change nothing is
skipped; it fits GitHub's 65,536-character comment limit, cutting details last to first and
saying so.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from bpql.durations import Duration
from bpql.review.config import CONDITIONS
from bpql.review.model import At, BlueprintReview, GateHit, Review, SharedChange
from bpql.safe import json_text, terminal_text
from bpql.words import counted

#: finds the comment a review wrote; the digest line follows it
MARKER = "<!-- bpql-review -->"
#: GitHub refuses a comment over 65,536 characters; this leaves room for a note
MAX_MARKDOWN = 65_000
#: items the attention list shows before it counts the rest
MAX_ATTENTION = 30
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
#: a field's words where they are not its name
FIELD_WORDS = {
    "target_time": "target time",
    "max_wait": "max wait",
    "moment_of_truth": "moment of truth",
}
PATH_WORDS = {
    "target_time": "target time",
    "total_wait": "waits",
    "longest_wait": "longest wait",
}


def digest(review: Review) -> str:
    """A hash of what the review says, not of where: the commits compared, the files whose
    bytes differ and every line number are left out, so a push that only moves lines or
    changes layout gives the same digest, and the comment is left as it is."""

    def semantic(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: semantic(v) for k, v in value.items() if k not in _NOT_SEMANTIC}
        if isinstance(value, list):
            return [semantic(v) for v in value]
        return value

    doc = semantic(review.to_json())
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:16]


_NOT_SEMANTIC = frozenset({"base", "head", "files_changed", "at"})


# --- shared wording ---------------------------------------------------------------------------


def _value(name: str, v: Any) -> str:
    if v is None:
        return "none"
    if name in ("target_time", "max_wait", "review_every") and isinstance(v, (int, float)):
        return str(Duration(float(v)))
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v) if v else "none"
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def _field(name: str, before: Any, after: Any) -> str:
    return f"{FIELD_WORDS.get(name, name)} {_value(name, before)} -> {_value(name, after)}"


def blueprint_summary(b: BlueprintReview) -> str:
    """One line: what happened to a blueprint."""
    if b.status != "changed":
        steps = b.steps_added or b.steps_removed
        return f"blueprint {b.status} ({len(steps)} steps)"
    parts = []
    for word, n in (
        ("added", len(b.steps_added)),
        ("removed", len(b.steps_removed)),
        ("changed", len(b.steps_changed)),
    ):
        if n:
            parts.append(f"{n} step{'s' * (n != 1)} {word}")
    if b.handoffs_added or b.handoffs_removed:
        parts.append(f"handoffs +{len(b.handoffs_added)} -{len(b.handoffs_removed)}")
    for k, (was, now) in b.customer_path.items():
        if was != now and k != "longest_wait":
            parts.append(f"{PATH_WORDS[k]} {Duration(was)} -> {Duration(now)}")
    if b.moments_removed:
        parts.append(f"{counted(len(b.moments_removed), 'moment')} of truth removed")
    if b.moments_added:
        parts.append(f"{counted(len(b.moments_added), 'moment')} of truth added")
    for word, n in (
        ("added", len(b.fail_added)),
        ("removed", len(b.fail_removed)),
        ("changed", len(b.fail_changed)),
    ):
        if n and b.status == "changed":
            parts.append(f"{counted(n, 'fail point')} {word}")
    for kind, (plus, minus) in b.uses.items():
        if b.status == "changed":
            parts.append(f"{kind} used +{len(plus)} -{len(minus)}")
    if b.other and not parts:
        parts.append(f"{len(b.other)} other change{'s' * (len(b.other) != 1)}")
    return "; ".join(parts) or "changed"


def shared_line(s: SharedChange) -> str:
    what = f"{s.label.lower()} {s.id}"
    if s.change == "renamed":
        head = f"{s.label.lower()} {s.renamed_from} renamed {s.id}"
    elif s.change == "changed":
        head = f"{what}: " + "; ".join(_field(k, a, b) for k, (a, b) in s.fields.items())
    else:
        head = f"{what} {s.change}"
    return head


def reach_line(s: SharedChange) -> str | None:
    r = s.reach
    if r is None:
        return None
    where = "before it was removed" if r.revision == "base" else "now"
    moments = (
        f", {counted(len(r.moments_of_truth), 'moment')} of truth" if r.moments_of_truth else ""
    )
    return (
        f"reaches {where}: {counted(len(r.services), 'service')}, {counted(r.steps, 'step')}, "
        f"{len(r.customer_steps)} customer-visible{moments}"
    )


def _headline(review: Review) -> list[tuple[str, str]]:
    c = review.counts()
    return [
        ("services changed", str(c["services"])),
        (
            "blueprints added / removed / changed",
            f"{c['blueprints_added']} / {c['blueprints_removed']} / {c['blueprints_changed']}",
        ),
        (
            "steps added / removed / changed",
            f"{c['steps_added']} / {c['steps_removed']} / {c['steps_changed']}",
        ),
        ("handoffs added / removed", f"{c['handoffs_added']} / {c['handoffs_removed']}"),
        (
            "moments of truth added / removed",
            f"{c['moments_of_truth_added']} / {c['moments_of_truth_removed']}",
        ),
        ("shared things changed", str(c["shared_changed"])),
        (
            "fail points added / removed / re-rated",
            f"{c['failpoints_added']} / {c['failpoints_removed']} / {c['failpoints_rerated']}",
        ),
        ("action priority changes", str(c["priority_changes"])),
        ("lint findings new / fixed", f"{c['lint_new']} / {c['lint_fixed']}"),
    ]


def _gate_line(review: Review) -> str:
    failing = [h for h in review.gate.hits if h.fails]
    if not failing:
        return "gate passed"
    by: dict[str, int] = {}
    for h in failing:
        by[h.condition] = by.get(h.condition, 0) + 1
    return "gate failed: " + ", ".join(f"{c} ({n})" for c, n in by.items())


def _attention(review: Review) -> list[GateHit]:
    """Every gate hit but the lint ones (listed with the lint findings), failing ones first."""
    hits = [h for h in review.gate.hits if not h.condition.startswith("lint-")]
    seen: set[tuple[str, str]] = set()
    out = []
    for h in sorted(hits, key=lambda h: not h.fails):
        if (h.condition, h.message) not in seen:
            seen.add((h.condition, h.message))
            out.append(h)
    # the added high fail points say so once, by the most specific condition
    specific = {h.message.split(", and no ")[0] for h in out if ", and no " in h.message}
    return [h for h in out if not (h.condition == "high-priority-added" and h.message in specific)]


# --- text -------------------------------------------------------------------------------------


def text(review: Review) -> str:
    """For a terminal: the summary, the gate, then each change; every line escaped."""
    r = review
    out = [
        f"review of {r.scope or '.'} ({r.enterprise_name}): {r.base.label} -> {r.head.label}",
    ]
    if not r.semantic:
        out.append(
            "no semantic change"
            + (
                f" ({len(r.files_changed)} files differ in layout or comments only)"
                if r.files_changed
                else ""
            )
        )
    width = max(len(k) for k, _ in _headline(r))
    out += [f"  {k:<{width}}  {v}" for k, v in _headline(r)]
    out.append(_gate_line(r) + (f" (settings: {r.gate.source})" if r.gate.source else ""))
    if r.labels:
        out.append(f"labels: {', '.join(r.labels)}")
    attention = _attention(r)
    if attention:
        out.append("")
        out.append("needs attention")
        for h in attention:
            mark = "x" if h.fails else "!"
            out.append(f"  {mark} {h.at or ''}{': ' if h.at else ''}{h.message} [{h.condition}]")
    for b in r.blueprints:
        out.append("")
        out.append(f"{b.title} [{b.blueprint}, {b.file}]: {blueprint_summary(b)}")
        out.extend(f"  {line}" for line in _blueprint_lines(b))
    if r.shared:
        out.append("")
        out.append("shared things")
        for s in r.shared:
            out.append(f"  {s.at or ''}{': ' if s.at else ''}{shared_line(s)}")
            line = reach_line(s)
            if line and s.reach:
                out.append(f"    {line}")
                for st in s.reach.customer_steps[:20]:
                    mot = " (moment of truth)" if st.moment_of_truth else ""
                    out.append(f'      {st.id} "{st.name}" {st.lane}{mot}')
                if len(s.reach.customer_steps) > 20:
                    out.append(f"      ... and {len(s.reach.customer_steps) - 20} more")
    risk_lines = _risk_lines(r)
    if risk_lines:
        out.append("")
        out.append("fail points")
        out.extend(f"  {line}" for line in risk_lines)
    if r.lint.new or r.lint.fixed:
        out.append("")
        out.append(f"lint: {len(r.lint.new)} new, {len(r.lint.fixed)} fixed")
        for word, items in (("new", r.lint.new), ("fixed", r.lint.fixed)):
            for f in items:
                out.append(f"  {word} {f.at}: {f.severity} {f.rule}: {f.message}")
    return "".join(terminal_text(line) + "\n" for line in out)


def _step_words(s: Any) -> str:
    where = f"{s.lane}, {s.phase}" if s.phase else s.lane
    mot = ", moment of truth" if s.moment_of_truth else ""
    return f'{s.id} "{s.name}" ({where}{mot})'


def _blueprint_lines(b: BlueprintReview) -> list[str]:
    out = []
    if b.status == "changed":
        out += [f"+ step {_step_words(s)}" for s in b.steps_added]
        out += [f"- step {_step_words(s)}" for s in b.steps_removed]
        for c in b.steps_changed:  # a new id is among the fields (`id old -> new`)
            parts = "; ".join(_field(k, x, y) for k, (x, y) in c.fields.items())
            out.append(f"~ step {c.id}: {parts}")
    if b.handoffs_added or b.handoffs_removed:
        out += [f"+ handoff {x} -> {y}" for x, y in b.handoffs_added]
        out += [f"- handoff {x} -> {y}" for x, y in b.handoffs_removed]
    for k, (was, now) in b.customer_path.items():
        if was != now:
            out.append(f"customer path {PATH_WORDS[k]}: {Duration(was)} -> {Duration(now)}")
    if b.moments_added or b.moments_removed or b.moments_changed:
        for word, ids in (
            ("added", b.moments_added),
            ("removed", b.moments_removed),
            ("changed", b.moments_changed),
        ):
            if ids:
                out.append(f"moments of truth {word}: {', '.join(ids)}")
    for kind, (plus, minus) in b.uses.items():
        if b.status == "changed":
            signed = [
                f"+ {', '.join(plus)}" if plus else "",
                f"- {', '.join(minus)}" if minus else "",
            ]
            out.append(f"{kind} used: {'; '.join(x for x in signed if x)}")
    if b.status == "changed":
        out += [f"+ fail point {f}" for f in b.fail_added]
        out += [f"- fail point {f}" for f in b.fail_removed]
        out += [f"~ fail point {f}" for f in b.fail_changed]
    for o in b.other:
        if o.field in ("added", "removed"):
            out.append(f"{o.label.lower()} {o.id} {o.field}")
        else:
            out.append(f"{o.label.lower()} {o.id}: {_field(o.field, o.before, o.after)}")
    return out


def _risk_lines(r: Review) -> list[str]:
    k = r.risk
    out = [f'+ {f.id} "{f.name}" on {f.on}: {f.rating}' for f in k.added]
    out += [f'- {f.id} "{f.name}" on {f.on}: {f.rating}' for f in k.removed]
    for c in (*k.rerated, *k.changed):
        parts = "; ".join(f"{n} {_value(n, a)} -> {_value(n, b)}" for n, (a, b) in c.fields.items())
        out.append(f"~ {c.after.id}: {parts}")
    return out


# --- JSON -------------------------------------------------------------------------------------


def as_json(review: Review) -> str:
    return json_text({**review.to_json(), "digest": digest(review)}) + "\n"


# --- Markdown ---------------------------------------------------------------------------------

#: what Markdown or GitHub would act on inside a line: emphasis, code, links, tables,
#: strikethrough, an escape; `@` would mention someone and `#` link an issue
_MD_ESCAPES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "@": "&#64;",
    "#": "&#35;",
    **{ch: "\\" + ch for ch in "\\`*_[]|~"},
}


def md(value: object) -> str:
    """Text safe inside a line of Markdown and GitHub's HTML: `<`, `>`, `&`, `@` and `#` as
    entities, emphasis, code, link and table characters escaped, line breaks and controls
    written as escapes (one line stays one)."""
    return "".join(_MD_ESCAPES.get(ch, ch) for ch in terminal_text(value))


def _item(line: str) -> str:
    """A list item of plain text: a leading `+`, `-` or `~` of ours would start a list of
    its own inside the item."""
    text = md(line)
    return f"- \\{text}" if text[:1] in "+-~" and text[1:2] == " " else f"- {text}"


def _code(value: str) -> str:
    """An id in a code span (ids hold no backtick; anything else is escaped as text)."""
    return f"`{value}`" if value and "`" not in value and "\n" not in value else md(value)


def _where(at: At | None) -> str:
    return f"{md(at.file)}:{at.line}" if at else ""


def markdown(review: Review, limit: int = MAX_MARKDOWN) -> str:
    """The pull-request comment: marker, digest, gate, summary table, what needs attention,
    then the details folded per blueprint, shared things, fail points and lint findings. Cut
    to `limit` characters, details last to first, with a note saying what was left out."""
    r = review
    head = [
        MARKER,
        f"<!-- bpql-review digest: {digest(r)} -->",
        f"### BPQL review: {md(r.enterprise_name)}",
        "",
        f"{md(r.base.label)} → {md(r.head.label)}, {md(r.scope or '.')}",
        "",
    ]
    failing = [h for h in r.gate.hits if h.fails]
    if failing:
        conditions = sorted({h.condition for h in failing})
        head.append(f"**❌ Gate failed**: {', '.join(_code(c) for c in conditions)}")
    else:
        head.append("**✅ Gate passed**")
    head.append("")
    if not r.semantic:
        head.append(
            "**No semantic change**: "
            + (
                f"{len(r.files_changed)} file(s) differ only in layout or comments."
                if r.files_changed
                else "the files are the same."
            )
        )
        head.append("")
    if r.labels:
        head.append("Labels: " + " ".join(_code(label) for label in r.labels))
        head.append("")
    if r.semantic:
        head += ["| | |", "|---|---:|"]
        head += [f"| {k} | {v} |" for k, v in _headline(r)]
        head.append("")
    attention = _attention(r)
    if attention:
        head.append("**Needs attention**")
        head.append("")
        for h in attention[:MAX_ATTENTION]:
            mark = "❌" if h.fails else "⚠️"
            where = f"{_where(h.at)}: " if h.at else ""
            head.append(f"- {mark} {where}{md(h.message)} ({_code(h.condition)})")
        if len(attention) > MAX_ATTENTION:
            head.append(f"- … and {len(attention) - MAX_ATTENTION} more (see the details)")
        head.append("")
    sections = [_md_blueprint(b) for b in r.blueprints]
    if r.shared:
        sections.append(_md_shared(r))
    risk = _risk_lines(r)
    if risk:
        sections.append(
            _details(
                f"Fail points: {len(r.risk.added)} added, {len(r.risk.removed)} removed, "
                f"{len(r.risk.rerated)} re-rated, {len(r.risk.changed)} changed",
                [_item(line) for line in risk],
            )
        )
    if r.lint.new or r.lint.fixed:
        lines = []
        for word, items in (("new", r.lint.new), ("fixed", r.lint.fixed)):
            for f in items:
                lines.append(
                    f"- {word}: {_where(f.at)} {f.severity} {_code(f.rule)}: {md(f.message)}"
                )
        sections.append(_details(f"Lint: {len(r.lint.new)} new, {len(r.lint.fixed)} fixed", lines))
    foot = [
        "",
        "<sub>Posted by `bpql review`; it updates this comment on every push.</sub>",
    ]
    return _fit(head, sections, foot, limit)


def _details(summary: str, lines: list[str]) -> list[str]:
    return ["<details>", f"<summary>{summary}</summary>", "", *lines, "", "</details>", ""]


def _md_blueprint(b: BlueprintReview) -> list[str]:
    summary = f"<b>{md(b.title)}</b> ({_code(b.blueprint)}): {md(blueprint_summary(b))}"
    lines = [f"File: {md(b.file)}", ""]
    rows = []
    if b.status == "changed":
        for s in b.steps_added:
            rows.append(("added", s.id, s.lane, _md_step(s)))
        for s in b.steps_removed:
            rows.append(("removed", s.id, s.lane, _md_step(s)))
        for c in b.steps_changed:
            what = "; ".join(md(_field(k, x, y)) for k, (x, y) in c.fields.items())
            rows.append(("changed", c.id, c.lane, what))
    else:
        for s in b.steps_added or b.steps_removed:
            rows.append((b.status, s.id, s.lane, _md_step(s)))
    if rows:
        lines += ["| | step | lane | what |", "|---|---|---|---|"]
        lines += [f"| {w} | {_code(i)} | {lane} | {what} |" for w, i, lane, what in rows]
        lines.append("")
    extra = [
        line for line in _blueprint_lines(b) if not line.startswith(("+ step", "- step", "~ step"))
    ]
    lines += [_item(line) for line in extra]
    return _details(summary, lines)


def _md_step(s: Any) -> str:
    parts = [md(f'"{s.name}"')]
    if s.phase:
        parts.append(f"phase {_code(s.phase)}")
    for word, items in (("roles", s.roles), ("systems", s.systems), ("touchpoints", s.touchpoints)):
        if items:
            parts.append(f"{word} {', '.join(_code(x) for x in items)}")
    if s.moment_of_truth:
        parts.append("**moment of truth**")
    return "; ".join(parts)


def _md_shared(r: Review) -> list[str]:
    lines = []
    for s in r.shared:
        where = f" ({_where(s.at)})" if s.at else ""
        lines.append(f"- {md(shared_line(s))}{where}")
        reach = reach_line(s)
        if reach and s.reach:
            lines.append(f"  - {md(reach)}: {_code(s.reach.query)}")
            services = ", ".join(md(name) for _, name in s.reach.services[:20])
            more = f" and {len(s.reach.services) - 20} more" if len(s.reach.services) > 20 else ""
            if services:
                lines.append(f"  - services: {services}{more}")
            steps = s.reach.customer_steps
            if steps:
                shown = ", ".join(
                    _code(st.id) + (" (moment of truth)" if st.moment_of_truth else "")
                    for st in steps[:20]
                )
                more = f" and {len(steps) - 20} more" if len(steps) > 20 else ""
                lines.append(f"  - customer-visible steps: {shown}{more}")
    return _details(f"Shared things: {len(r.shared)} changed, and what they reach", lines)


def _fit(head: list[str], sections: list[list[str]], foot: list[str], limit: int) -> str:
    """Head, as many sections as fit, foot; a section that does not fit is cut by lines (its
    `<details>` closed), and a note says how much was left out."""

    def size(lines: Iterable[str]) -> int:
        return sum(len(x) + 1 for x in lines)

    note_room = 300
    budget = limit - size(head) - size(foot) - note_room
    kept: list[str] = []
    cut_sections = 0
    cut_lines = 0
    for i, sec in enumerate(sections):
        if size(sec) <= budget:
            kept += sec
            budget -= size(sec)
            continue
        # the first that does not fit is cut by lines; every one after it is left out
        part: list[str] = []
        body, tail = sec[:-2], sec[-2:]
        for line in body:
            if size(part) + len(line) + 1 + size(tail) > budget:
                break
            part.append(line)
        if len(part) > 3:
            kept += [*part, *tail]
            cut_lines += len(body) - len(part)
        else:
            cut_sections += 1
        cut_sections += len(sections) - i - 1
        cut_lines += sum(len(s) for s in sections[i + 1 :])
        break
    note = []
    if cut_sections or cut_lines:
        note = [
            "",
            f"> ✂️ Cut to fit a comment: {cut_sections} section(s) and {cut_lines} line(s) "
            "left out. The whole review is in this job's summary, and "
            "`bpql review --format markdown` prints it.",
        ]
    return "\n".join([*head, *kept, *note, *foot]) + "\n"


# --- SARIF and GitLab -------------------------------------------------------------------------


def _issues(review: Review) -> list[dict[str, Any]]:
    """What code-scanning tools show: each gate hit (but the lint ones) and each new lint
    finding, at its place in HEAD."""
    out = []
    for h in _attention(review):
        out.append(
            {
                "rule": f"review/{h.condition}",
                "level": "error" if h.fails else "warning",
                "message": h.message,
                "at": h.at,
                "element": h.condition,
                "summary": CONDITIONS[h.condition],
            }
        )
    for f in review.lint.new:
        out.append(
            {
                "rule": f.rule,
                "level": f.severity,
                "message": f.message,
                "at": f.at,
                "element": f.element,
                "summary": f.rule,
            }
        )
    return out


def sarif(review: Review) -> str:
    from bpql.lint.registry import RULES
    from bpql.version import __version__

    issues = _issues(review)
    rule_ids = sorted({i["rule"] for i in issues})
    index = {rid: n for n, rid in enumerate(rule_ids)}
    rules = []
    for rid in rule_ids:
        if rid.startswith("review/"):
            words = CONDITIONS[rid.split("/", 1)[1]]
            full = words
        else:
            words = RULES[rid].summary
            full = " ".join(RULES[rid].why.split())
        rules.append(
            {
                "id": rid,
                "name": rid.split("/", 1)[1],
                "shortDescription": {"text": words},
                "fullDescription": {"text": full},
                "help": {
                    "text": "docs/review.md in the bpql repository"
                    if rid.startswith("review/")
                    else f"docs/lint/{rid}.md in the bpql repository"
                },
            }
        )
    results = []
    for i in issues:
        at: At | None = i["at"]
        result: dict[str, Any] = {
            "ruleId": i["rule"],
            "ruleIndex": index[i["rule"]],
            "level": i["level"],
            "message": {"text": i["message"]},
        }
        if at is not None:
            result["locations"] = [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": at.file, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": at.line, "startColumn": at.column},
                    },
                    "logicalLocations": [{"fullyQualifiedName": i["element"]}],
                }
            ]
        result["partialFingerprints"] = {"bpqlReview/v1": _fingerprint(i)}
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "bpql review", "version": __version__, "rules": rules}},
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json_text(log) + "\n"


def _fingerprint(issue: dict[str, Any]) -> str:
    """Stable across pushes that move lines: the rule, the file, the element, the message."""
    at: At | None = issue["at"]
    key = "\0".join([issue["rule"], at.file if at else "", issue["element"], issue["message"]])
    return hashlib.sha256(key.encode()).hexdigest()


#: GitLab's severities for ours
GITLAB_SEVERITY = {"error": "major", "warning": "minor", "note": "info"}


def gitlab(review: Review) -> str:
    """GitLab's Code Quality report (a JSON array of issues), for merge request widgets."""
    out = []
    for i in _issues(review):
        at: At | None = i["at"]
        severity = GITLAB_SEVERITY.get(i["level"], "info")
        if i["rule"].startswith("review/") and i["level"] == "error":
            severity = "critical"
        out.append(
            {
                "description": f"{i['rule']}: {i['message']}",
                "check_name": i["rule"],
                "fingerprint": _fingerprint(i),
                "severity": severity,
                "location": {
                    "path": at.file if at else review.enterprise,
                    "lines": {"begin": at.line if at else 1},
                },
            }
        )
    return json_text(out) + "\n"


FORMATS: dict[str, Callable[[Review], str]] = {
    "text": text,
    "json": as_json,
    "markdown": markdown,
    "sarif": sarif,
    "gitlab": gitlab,
}
