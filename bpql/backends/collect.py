"""A read statement rewritten so that Neo4j sends its rows as one list.

The Python driver turns each record into objects one by one: 24,000 one-column rows took
340 ms on the client against 12 ms on the server, where the same rows as one `collect()`ed
list took 12 ms in all. So a read is run as

    CALL () { <the statement, every RETURN item aliased> } RETURN collect([<columns>]) AS rows

and unpacked. The subquery keeps its ORDER BY (rows reach `collect` in order). Only our own
statements' shape is understood: anything this scanner is unsure of (`RETURN *`, a clause
after the last RETURN, EXPLAIN) is run as written.
"""

from __future__ import annotations

import functools
import itertools
import re

_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_ALIAS = re.compile(r"\s+AS\s+(`(?:[^`]|``)+`|[A-Za-z_][A-Za-z_0-9]*)\s*$", re.IGNORECASE)
_CLOSE = {")": "(", "]": "[", "}": "{"}
#: words after which a RETURN's items end
_TAIL = ("ORDER", "SKIP", "LIMIT", "OFFSET")


def _top_level(text: str) -> list[tuple[int, str]] | None:
    """(position, token) of the words and commas outside brackets, strings and comments;
    None when the brackets do not balance."""
    out: list[tuple[int, str]] = []
    stack: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "'\"":
            i += 1
            while i < n and text[i] != c:
                i += 2 if text[i] == "\\" else 1
            i += 1
        elif c == "`":
            end = text.find("`", i + 1)
            if end < 0:
                return None
            i = end + 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                return None
            i = end + 2
        elif c in "([{":
            stack.append(c)
            i += 1
        elif c in _CLOSE:
            if not stack or stack.pop() != _CLOSE[c]:
                return None
            i += 1
        elif not stack and c == ",":
            out.append((i, ","))
            i += 1
        elif (m := _WORD.match(text, i)) is not None:
            if not stack and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_$.")):
                out.append((i, m[0].upper()))
            i = m.end()
        else:
            i += 1
    return None if stack else out


def _part(text: str, tokens: list[tuple[int, str]]) -> tuple[str, list[str]] | None:
    """One query of a UNION: its last RETURN's items aliased, and their column names."""
    returns = [k for k, (_, t) in enumerate(tokens) if t == "RETURN"]
    if not returns:
        return None
    k = returns[-1]
    start = tokens[k][0] + len("RETURN")
    rest = tokens[k + 1 :]
    if rest and rest[0][1] == "DISTINCT":
        start = rest[0][0] + len("DISTINCT")
        rest = rest[1:]
    end = len(text)
    commas = []
    for pos, t in rest:
        if t in _TAIL:
            end = pos
            break
        if t == ",":
            commas.append(pos)
        elif t in ("MATCH", "WITH", "UNWIND", "CALL", "RETURN", "CREATE", "MERGE", "SET"):
            return None
    cuts = [start, *(c + 1 for c in commas), end + 1]
    items = [text[a : b - 1] for a, b in itertools.pairwise(cuts)]
    names, aliased = [], []
    for item in items:
        expr = item.strip()
        if not expr or expr == "*":
            return None
        m = _ALIAS.search(expr)
        if m is not None:
            name = m[1][1:-1].replace("``", "`") if m[1].startswith("`") else m[1]
            aliased.append(expr)
        else:
            name = expr
            aliased.append(f"{expr} AS {quote(name)}")
        names.append(name)
    return text[:start] + " " + ", ".join(aliased) + " " + text[end:], names


def quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


@functools.lru_cache(maxsize=1024)
def collected(cypher: str) -> tuple[str, list[str]] | None:
    """The statement as one collected list and its column names; None: run it as written."""
    tokens = _top_level(cypher)
    if tokens is None or not tokens or tokens[0][1] in ("EXPLAIN", "PROFILE", "SHOW", "USE"):
        return None
    # the queries of a UNION, each with its own RETURN
    bounds = [0]
    cut_tokens: list[list[tuple[int, str]]] = [[]]
    skip_all = False
    for pos, t in tokens:
        if t == "UNION":
            bounds.append(pos)
            cut_tokens.append([])
            skip_all = True
            continue
        if skip_all:
            skip_all = False
            if t == "ALL":
                continue
        cut_tokens[-1].append((pos, t))
    pieces = []
    names: list[str] | None = None
    joints = []
    for i, toks in enumerate(cut_tokens):
        lo = bounds[i]
        hi = bounds[i + 1] if i + 1 < len(bounds) else len(cypher)
        if i:
            # keep `UNION` / `UNION ALL` as written
            m = re.match(r"UNION(\s+ALL)?", cypher[lo:], re.IGNORECASE)
            assert m is not None
            joints.append(m[0])
            lo += m.end()
        piece = cypher[lo:hi]
        done = _part(piece, [(p - lo, t) for p, t in toks])
        if done is None or (names is not None and done[1] != names):
            return None
        pieces.append(done[0])
        names = done[1]
    assert names is not None
    body = pieces[0] + "".join(f" {j} {p}" for j, p in zip(joints, pieces[1:], strict=True))
    columns = ", ".join(quote(c) for c in names)
    return f"CALL () {{\n{body}\n}}\nRETURN collect([{columns}]) AS rows", names
