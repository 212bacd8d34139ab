"""The docs page of each rule, made from the registry: `python -m bpql.lint.docs` writes
docs/lint/<rule>.md, and a test fails when a page and its rule disagree."""

from __future__ import annotations

import sys
from pathlib import Path

from bpql.lint.registry import RULES, Rule
from bpql.lint.run import Report as _Report  # noqa: F401  (loads the catalogue)


def page(rule: Rule) -> str:
    level = "off (on in `bpql:all`)" if not rule.recommended else rule.severity
    return (
        f"# `{rule.id}`\n\n"
        f"{rule.summary[0].upper()}{rule.summary[1:]}.\n\n"
        f"Default level in `bpql:recommended`: **{level}**.\n\n"
        f"## Why it matters\n\n{rule.why}\n\n"
        f"## Wrong\n\n```yaml\n{rule.wrong}\n```\n\n"
        f"## Right\n\n```yaml\n{rule.right}\n```\n\n"
        "## Switching it off\n\n"
        "For the whole enterprise, in `bpql.toml`:\n\n"
        f'```toml\n[lint.rules]\n"{rule.id}" = "off"\n```\n\n'
        "For one element and everything inside it, in the YAML:\n\n"
        f"```yaml\nlint: {{ignore: [{rule.id}]}}\n```\n"
    )


def write(root: Path) -> list[Path]:
    written = []
    for rule in RULES.values():
        path = root / f"{rule.id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page(rule), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/lint")
    print(f"wrote {len(write(out))} pages under {out}")
