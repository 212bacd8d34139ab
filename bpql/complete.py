"""Completion of BPQL text, one source for `bpql shell` and `bpql serve`.

What may come next is asked of the grammar itself (Lark's interactive LALR parser says which
terminals it accepts after the text before the cursor), so completion never offers a word the
parser would refuse. A reference's quoted value (`system "cr`) is completed from the store's ids
and names of the kind the word before it names.
"""

from __future__ import annotations

import contextlib
import math
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from bpql.language import DERIVED
from bpql.schema import BY_SINGULAR, CHANNELS, LANE_BY_KEY, NODE_KINDS

if TYPE_CHECKING:
    from bpql.backends.base import Backend

#: ids and names per schema label: `StoreCatalog.entries` or any function of that shape
Entries = Callable[[str], list[tuple[str, str]]]

#: how many candidates a completion returns at most
LIMIT = 50

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*$")
_OPEN_QUOTE = re.compile(r'"((?:[^"\\\n]|\\.)*)$')


@dataclass(frozen=True)
class Candidate:
    #: what replaces the text from `Completion.start` to the cursor
    text: str
    #: what a menu shows beside it: "keyword", "field", or a kind and name for a reference
    meta: str = ""


@dataclass(frozen=True)
class Completion:
    #: where the word being completed starts (0-based, in the text)
    start: int
    candidates: tuple[Candidate, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "start": self.start,
            "candidates": [{"text": c.text, "meta": c.meta} for c in self.candidates],
        }


def vocabulary() -> list[str]:
    """Every word the language knows: kinds, fields, lanes, channels (for a NAME)."""
    out = set(LANE_BY_KEY) | set(CHANNELS)
    for kind in NODE_KINDS:
        out |= {kind.plural, kind.singular, *kind.prop_names}
        out |= set(DERIVED.get(kind.label, {}))
    return sorted(out)


@cache
def keywords() -> dict[str, str]:
    """Keyword terminals of the grammar and their word (`IMPACT` -> `impact`)."""
    from bpql.syntax.parser import _parser

    return {
        t.name: str(t.pattern.value).lower()
        for t in _parser().terminals
        if t.pattern.type == "str" and str(t.pattern.value).isalpha()
    }


@dataclass(frozen=True)
class _Next:
    accepts: frozenset[str]
    #: the word just read, when it can be a reference's kind (`service` in `show service `)
    last: str | None
    #: a word here must be a reference's kind: the grammar wants a quoted value after it
    kind_only: bool
    #: the kinds a what-if change takes here (`retiring` takes a system), when it is one
    whatif: tuple[str, ...] | None = None


#: what-if changes and the kinds their reference may be (the resolver refuses any other):
#: keyed by the keyword just read, and whether the statement is a move (`to` a department)
WHATIF_KINDS: dict[tuple[str, bool], tuple[str, ...]] = {
    ("RETIRING", False): ("system",),
    ("MOVING", True): ("role",),
    ("TO", True): ("department",),
    ("CLOSING", False): ("channel", "touchpoint"),
}


def _accepted(before: str) -> _Next | None:
    """What the parser accepts after `before`; None when `before` does not parse as the start
    of a query."""
    from lark import Token
    from lark.exceptions import LarkError

    from bpql.syntax.parser import _parser

    try:
        ip = _parser().parse_interactive(before)
        last: str | None = None
        last_type = ""
        moving = False
        for token in ip.iter_parse():
            last = str(token).lower() if token.type == "NAME" else None
            last_type = token.type
            moving = moving or token.type == "MOVING"
        accepts = frozenset(ip.accepts())  # type: ignore[no-untyped-call]
        kind_only = False
        if "NAME" in accepts:
            probe = ip.copy()  # type: ignore[no-untyped-call]
            probe.feed_token(Token("NAME", "service"))
            kind_only = set(probe.accepts()) == {"STRING"}
        whatif = WHATIF_KINDS.get((last_type, moving)) if kind_only else None
        return _Next(accepts, last, kind_only, whatif)
    except LarkError:
        return None


def complete(text: str, cursor: int | None = None, entries: Entries | None = None) -> Completion:
    """What may be written at `cursor` in `text`: keywords and words the grammar accepts there,
    or, inside or at the start of a reference's quotes, the ids and names of that kind."""
    cursor = len(text) if cursor is None else max(0, min(cursor, len(text)))
    before = text[:cursor]
    quote = _OPEN_QUOTE.search(before)
    if before.count('"') % 2 == 0:
        quote = None  # the last quote closed a value: what follows it is words again
    if quote is not None:
        start = quote.start()
        head, typed = before[:start], quote.group(1)
    else:
        word = _WORD.search(before)
        start = word.start() if word else cursor
        head, typed = before[:start], before[start:]
    found = _accepted(head)
    if found is None:
        return Completion(start, ())
    out: list[Candidate] = []
    if "STRING" in found.accepts and found.last in BY_SINGULAR and entries is not None:
        out += _references(BY_SINGULAR[found.last].label, typed, entries)
    elif "STRING" in found.accepts and found.last == "channel":  # `closing channel "`
        out += [Candidate(f'"{c}"', "channel") for c in CHANNELS if c.startswith(typed.lower())]
    if quote is None:
        low = typed.lower()
        kw = keywords()
        words = sorted(kw[t] for t in found.accepts if t in kw)
        out += [Candidate(w, "keyword") for w in words if w.startswith(low) and w != low]
        if "NAME" in found.accepts:
            pool = (
                list(found.whatif)
                if found.whatif is not None
                else [k.singular for k in NODE_KINDS]
                if found.kind_only
                else vocabulary()
            )
            meta = "kind" if found.kind_only else "word"
            out += [Candidate(w, meta) for w in sorted(pool) if w.startswith(low) and w != low]
    return Completion(start, tuple(_unique(out))[:LIMIT])


def _references(label: str, typed: str, entries: Entries) -> list[Candidate]:
    """Quoted ids, then names, of one kind that start with (then contain) what is typed."""
    low = typed.lower()
    kind = BY_SINGULAR_OF.get(label, label.lower())
    first: list[Candidate] = []
    then: list[Candidate] = []
    for id_, name in entries(label):
        for value, meta in ((id_, f"{kind} {name}"), (name, f"{kind} {id_}")):
            if not value or '"' in value or "\\" in value:
                continue
            v = value.lower()
            if v.startswith(low):
                first.append(Candidate(f'"{value}"', meta))
            elif low and low in v:
                then.append(Candidate(f'"{value}"', meta))
    return first + then


def _unique(items: Iterable[Candidate]) -> Iterable[Candidate]:
    seen: set[str] = set()
    for c in items:
        if c.text not in seen:
            seen.add(c.text)
            yield c


BY_SINGULAR_OF: dict[str, str] = {k.label: k.singular for k in NODE_KINDS}


def search(entries: Entries, text: str, limit: int = 30) -> list[tuple[str, str, str]]:
    """Things whose id or name holds `text` (case-insensitive): (label, id, name), the ones
    that start with it first."""
    low = text.strip().lower()
    if not low:
        return []
    first: list[tuple[str, str, str]] = []
    then: list[tuple[str, str, str]] = []
    for kind in NODE_KINDS:
        for id_, name in entries(kind.label):
            i, n = id_.lower(), name.lower()
            if i.startswith(low) or n.startswith(low):
                first.append((kind.label, id_, name))
            elif low in i or low in n:
                then.append((kind.label, id_, name))
    return (first + then)[:limit]


def is_unfinished(text: str) -> bool:
    """True when `text` is the start of a statement that more text could finish: every token
    so far is one the grammar accepts, but it does not parse whole (a shell line that asks
    for the next)."""
    from lark.exceptions import LarkError

    from bpql.syntax.parser import _parser

    if text.count('"') % 2 == 1:
        return True
    try:
        _parser().parse(text)
        return False
    except LarkError:
        return _accepted(text) is not None and bool(text.strip())


class StoreEntries:
    """Ids and names per label read from a store opened for the purpose (read-only, closed at
    once) and kept for `ttl` seconds: completion on every keystroke must not hold the store
    nor read it each time, and a load made meanwhile shows up soon after."""

    def __init__(
        self,
        open_store: Callable[[], Backend],
        ttl: float = 30.0,
        store_lock: threading.Lock | None = None,
    ) -> None:
        self.open_store = open_store
        self.ttl = ttl
        #: held while the store is open, when its owner lets one thread at a time use it
        self.store_lock = store_lock
        self._read_at = -math.inf
        self._entries: dict[str, list[tuple[str, str]]] = {}
        self._lock = threading.Lock()

    def __call__(self, label: str) -> list[tuple[str, str]]:
        with self._lock:
            if time.monotonic() - self._read_at > self.ttl:
                self._entries = self._read()
                self._read_at = time.monotonic()
            return self._entries.get(label, [])

    def _read(self) -> dict[str, list[tuple[str, str]]]:
        from bpql.errors import BpqlError

        out: dict[str, list[tuple[str, str]]] = {}
        try:
            with self.store_lock or contextlib.nullcontext(), self.open_store() as backend:
                for kind in NODE_KINDS:
                    _, rows = backend.read(
                        f"MATCH (n:{kind.label}) RETURN n.id AS id, n.name AS name ORDER BY id",
                        {},
                    )
                    out[kind.label] = [(str(i), str(n or "")) for i, n in rows]
        except BpqlError:
            return {}  # completion without the store's names, rather than an error per key
        return out
