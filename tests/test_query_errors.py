"""Bad queries: each message names line and column, shows the query with a caret under the
fault, and says what was expected. Kept in tests/queries/bad_expected.txt (--update-goldens)."""

from __future__ import annotations

import re

from bpql.api import Client
from bpql.errors import QueryError
from tests.conftest import ROOT

BAD = ROOT / "tests" / "queries" / "bad.bpql"
GOLDEN = ROOT / "tests" / "queries" / "bad_expected.txt"
QUERIES = [q for q in BAD.read_text().splitlines() if q.strip() and not q.startswith("#")]
HEAD = re.compile(r"^error at line \d+, column (\d+): (.+)$")


def test_bad_queries(insurer: dict[str, Client], update_goldens: bool) -> None:
    assert len(QUERIES) >= 30
    got = []
    for q in QUERIES:
        messages = set()
        for client in insurer.values():
            try:
                client.engine.prepare(q)
            except QueryError as exc:
                messages.add(exc.pretty())
            else:
                raise AssertionError(f"no error for: {q}")
        assert len(messages) == 1, messages  # the same words on both backends
        text = messages.pop()
        head, shown, caret = text.splitlines()
        m = HEAD.match(head)
        assert m, head
        assert shown == f"1 | {q}"
        assert caret.index("^") == len("1 | ") + int(m[1]) - 1, text
        assert "__ANON" not in text and "Token(" not in text
        got.append(f"== {q}\n{text}\n")
    if update_goldens:
        GOLDEN.write_text("".join(got))
    assert "".join(got) == GOLDEN.read_text()
