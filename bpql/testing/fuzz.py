"""The query fuzzer's parts, shared by tests/test_fuzz.py (a short, seeded run) and
scripts/fuzz.py (a long one): corpus mutations and the oracles every query must pass.

The oracles: compiling any text raises nothing but a `BpqlError`; a query error's caret sits
on the line and column Lark reported, with lines counted one way only (LF, as
`bpql.errors.split_lines`); a query that compiles and runs on a real store answers or raises
a `BpqlError`, never a driver's exception.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from bpql.errors import CUT, SHOWN_CHARS, BpqlError, QueryError, split_lines
from bpql.query.parser import MAX_QUERY_CHARS, _parser

#: the bounds' codes (bpql/query/parser.py): a bound is refused where it is passed, which may
#: come before a syntax error further on, and the text's length where the text is too long
BOUND_CODES = frozenset({"BPQL-Q070", "BPQL-Q071", "BPQL-Q072", "BPQL-Q073", "BPQL-Q074"})

#: characters a mutation inserts: line breaks of every definition, controls, quotes, escapes,
#: brackets, a lone surrogate, wide and combining characters
ODD_CHARACTERS = (
    "\n",
    "\r",
    "\r\n",
    "\v",
    "\f",
    "\x1c",
    "\x85",
    "\u2028",
    "\u2029",
    "\t",
    " ",
    "\x00",
    "\x1b",
    '"',
    "'",
    "\\",
    "\\u",
    "\\udeff",
    "\\ud83d\\ude00",
    "\\x",
    "\udc80",
    "(",
    ")",
    "[",
    "]",
    ",",
    ";",
    "#",
    "=",
    "<>",
    ">=",
    "-",
    ".",
    "0",
    "9",
    "é",
    "e\u0301",
    "漢",
    "😀",
    "\ufeff",
    # format characters a terminal draws as nothing (or reorders the line by), a variation
    # selector and a soft hyphen
    "\u200b",
    "\u202e",
    "\u200d",
    "\u2060",
    "\ufe0f",
    "\u00ad",
    # unassigned in Python 3.11's Unicode 14, a mark in newer tables (rich's)
    "\u1ae2",
    "a",
    "Z",
    "_",
)
HUGE_NUMBERS = (
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "9007199254740993",
    "1" + "0" * 400,
    "1.0e400",
    "0.0000000000000000000000000000000001",
    "1" + "9" * 5000,
    "-0",
    "00000000000000000000001",
    "3.14159265358979323846264338327950288",
)
WORDS = (
    "find",
    "count",
    "impact of",
    "path from",
    "show",
    "explain",
    "where",
    "return",
    "order by",
    "limit",
    "scenario",
    "and",
    "or",
    "not",
    "in",
    "by",
    "within",
    "depth",
    "to",
    "steps",
    "services",
    "systems",
    "name",
    "lane",
    "rpn",
    "null",
    "is",
)


def corpus(root: Path, bad: bool = True) -> list[str]:
    """The good and (with `bad`) the bad query corpus, one query per line."""
    out = []
    for name in ("corpus.bpql", "bad.bpql") if bad else ("corpus.bpql",):
        for line in (root / "tests" / "queries" / name).read_text().split("\n"):
            if line.strip() and not line.startswith("#"):
                out.append(line)
    return out


def _tokens(text: str) -> list[str]:
    return re.findall(r'"(?:[^"\\\n]|\\.)*"|\s+|[^\s"]+', text)


def _insert(text: str, rng: random.Random) -> str:
    i = rng.randint(0, len(text))
    return text[:i] + rng.choice(ODD_CHARACTERS) + text[i:]


def _delete(text: str, rng: random.Random) -> str:
    if not text:
        return text
    i = rng.randrange(len(text))
    return text[:i] + text[i + rng.randint(1, 3) :]


def _replace(text: str, rng: random.Random) -> str:
    if not text:
        return text
    i = rng.randrange(len(text))
    return text[:i] + rng.choice(ODD_CHARACTERS) + text[i + 1 :]


def _swap(text: str, rng: random.Random) -> str:
    toks = _tokens(text)
    if len(toks) < 2:
        return text
    i, j = rng.randrange(len(toks)), rng.randrange(len(toks))
    toks[i], toks[j] = toks[j], toks[i]
    return "".join(toks)


def _word(text: str, rng: random.Random) -> str:
    toks = _tokens(text)
    i = rng.randint(0, len(toks))
    return "".join([*toks[:i], " ", rng.choice(WORDS), " ", *toks[i:]])


def _separators(text: str, rng: random.Random) -> str:
    """Every run of spaces becomes a line break of some definition."""
    return re.sub(r" +", lambda m: rng.choice(ODD_CHARACTERS[:10]), text)


def _huge(text: str, rng: random.Random) -> str:
    number = rng.choice(HUGE_NUMBERS)
    if re.search(r"\d", text) and rng.random() < 0.6:
        return re.sub(r"-?\d+(?:\.\d+)?", number, text, count=1)
    return f"{text} {rng.choice(('limit', 'within', 'depth', 'where rpn >'))} {number}"


def _nest(text: str, rng: random.Random) -> str:
    depth = rng.choice((3, 50, 400, 3000))
    match = re.search(r"\bwhere\b", text)
    if not match:
        return f"{text} where {'not ' * depth}lane = customer"
    head, cond = text[: match.end()], text[match.end() :]
    if rng.random() < 0.5:
        return f"{head} {'(' * depth}{cond}{')' * depth}"
    return f"{head} {'not ' * depth}{cond}"


def _long_string(text: str, rng: random.Random) -> str:
    body = rng.choice(("x", "é", "\\n", "\\u00e9", "\u2028", "ab")) * rng.choice((100, 10_000))
    if '"' in text and rng.random() < 0.7:
        return re.sub(r'"(?:[^"\\\n]|\\.)*"', lambda m: f'"{body}"', text, count=1)
    return f'{text} where name = "{body}"'


def _statements(text: str, rng: random.Random) -> str:
    glue = rng.choice((";", "; ", "\n", ";\n# note\n"))
    return f"{text}{glue}{text}"


def _blank(text: str, rng: random.Random) -> str:
    """Blanks or a comment between two tokens: the query still means the same."""
    toks = _tokens(text)
    i = rng.randint(0, len(toks))
    gap = rng.choice(("  ", "\t", "\n", "\r\n", " # note \u2028 here\n", "\n\n  "))
    return "".join([*toks[:i], gap, *toks[i:]])


def _case(text: str, rng: random.Random) -> str:
    """A word in another case: keywords do not care, names and values do."""
    toks = _tokens(text)
    words = [i for i, t in enumerate(toks) if t[:1].isalpha()]
    if not words:
        return text
    i = rng.choice(words)
    toks[i] = rng.choice((str.upper, str.title, str.swapcase))(toks[i])
    return "".join(toks)


def _repeat(text: str, rng: random.Random) -> str:
    """A word or a value said twice, as a list or side by side (`return id, id`)."""
    toks = _tokens(text)
    words = [i for i, t in enumerate(toks) if not t.isspace()]
    if not words:
        return text
    i = rng.choice(words)
    toks.insert(i + 1, rng.choice((", ", " ", ",")) + toks[i])
    return "".join(toks)


_REFERENCE = re.compile(r'[A-Za-z_]+\s+"(?:[^"\\\n]|\\.)*"')


def _echo(text: str, rng: random.Random) -> str:
    """A reference of the query in place of another (`path from system "crm" to system
    "crm"`): the same thing twice where two are meant."""
    refs = list(_REFERENCE.finditer(text))
    if len(refs) < 2:
        return text
    a, b = rng.sample(refs, 2)
    return text[: a.start()] + b.group() + text[a.end() :]


#: mutations after which a query that compiled still means the same (or nearly)
GENTLE = ("blank", "case", "separators", "statements")

MUTATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "blank": _blank,
    "case": _case,
    "insert": _insert,
    "delete": _delete,
    "replace": _replace,
    "swap": _swap,
    "word": _word,
    "separators": _separators,
    "huge": _huge,
    "nest": _nest,
    "long_string": _long_string,
    "statements": _statements,
    "repeat": _repeat,
    "echo": _echo,
}


def mutate(text: str, rng: random.Random) -> str:
    """One to three mutations of a query, picked and placed by `rng`; a third of the time
    only gentle ones, so that enough queries still compile and run."""
    names = list(GENTLE) if rng.random() < 1 / 3 else sorted(MUTATIONS)
    for _ in range(rng.randint(1, 3)):
        text = MUTATIONS[rng.choice(names)](text, rng)
    return text


# --- oracles --------------------------------------------------------------------------------


class FuzzFailure(AssertionError):
    """A query the project handles wrongly: an exception not its own, or a misplaced caret."""


def offset_of(text: str, line: int, column: int) -> int:
    """The offset of a 1-based line and column, lines ended by LF only."""
    lines = split_lines(text)
    start = sum(len(raw) + 1 for raw in text.split("\n")[: line - 1])
    if not 1 <= line <= len(lines) or not 1 <= column <= len(text.split("\n")[line - 1]) + 1:
        raise FuzzFailure(f"{line}:{column} is not in the query")
    return start + column - 1


def position_of(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of an offset, lines ended by LF only."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def lark_position(text: str) -> tuple[int, int] | None:
    """Where Lark itself says the query goes wrong, or None if it parses. Lark's own line
    and column are checked against its offset, so both count lines the same way."""
    try:
        _parser().parse(text)
    except UnexpectedCharacters as exc:
        where = (exc.line, exc.column)
        if position_of(text, exc.pos_in_stream or 0) != where:
            raise FuzzFailure(f"Lark says {where} for offset {exc.pos_in_stream}") from None
        return where
    except UnexpectedToken as exc:
        tok: Token = exc.token
        if tok.type != "$END":
            where = (tok.line or 0, tok.column or 0)
            if position_of(text, tok.start_pos or 0) != where:
                raise FuzzFailure(f"Lark says {where} for offset {tok.start_pos}") from None
            return where
        if tok.end_pos is None:  # nothing but blanks and comments
            return (1, 1)
        end = (tok.end_line or 0, tok.end_column or 0)
        if position_of(text, tok.end_pos) != end:
            raise FuzzFailure(f"Lark says {end} for offset {tok.end_pos}") from None
        return end
    except UnexpectedInput as exc:  # pragma: no cover - no other Lark error for LALR
        return (exc.line, exc.column)
    return None


def prefix_error(prefix: str) -> tuple[int, int] | None:
    """Where Lark finds an error in `prefix` other than its ending too early, or None when
    it is the start of a query."""
    try:
        _parser().parse(prefix)
    except UnexpectedToken as exc:
        if exc.token.type != "$END":
            return (exc.token.line or 0, exc.token.column or 0)
    except UnexpectedInput as exc:
        return (exc.line, exc.column)
    return None


_HEAD = re.compile(r"^error at line (\d+), column (\d+): ")


def check_caret(text: str, err: QueryError) -> bool:
    """Raise FuzzFailure unless the printed caret is where the parser meant, as a terminal
    draws the line; False when the error has no position to check."""
    if err.span is None:
        return False
    printed = err.for_terminal().split("\n")
    head = _HEAD.match(printed[0])
    if not head:
        raise FuzzFailure(f"no position in the message: {printed[0]!r}")
    line, column = int(head[1]), int(head[2])
    if (line, column) != (err.span.line, err.span.column):
        raise FuzzFailure(f"message says {line}:{column}, span says {err.span}")
    offset = offset_of(text, line, column)
    if err.code == "BPQL-Q071":  # too long to be read at all: refused at the bound
        if offset != MAX_QUERY_CHARS or len(text) <= MAX_QUERY_CHARS:
            raise FuzzFailure(f"a text of {len(text):,} characters refused at {line}:{column}")
    elif err.code in BOUND_CODES:
        # refused where the bound is passed, the text before it the start of a query (and
        # Lark is not asked to read the rest: it reads a long list slower than linearly)
        if (wrong := prefix_error(text[:offset])) is not None:
            raise FuzzFailure(f"a bound at {line}:{column}, after Lark's error at {wrong}")
    else:
        expected = lark_position(text)
        if expected is not None and (line, column) != expected:
            raise FuzzFailure(
                f"caret at {line}:{column}, Lark reported {expected[0]}:{expected[1]}"
            )
        if expected is None and (offset >= len(text) or text[offset].isspace()):
            raise FuzzFailure(f"caret at {line}:{column} points at no word of the query")
    gutter = f"{line} | "
    shown, caret = printed[1], printed[2]
    source_line = split_lines(text)[line - 1]
    if not shown.startswith(gutter):
        raise FuzzFailure(f"line {line} is shown as {shown!r}")
    start, window = _window(shown[len(gutter) :], source_line, column)
    if any(_breaks_a_line(ch) or unicodedata.category(ch) in ("Cf", "Cn") for ch in shown):
        raise FuzzFailure(
            f"the shown line {shown!r} moves a terminal's cursor or hides a character"
        )
    head_cut = CUT if start else ""
    at = column - 1 - start
    if at < len(window) and not _cells(window[at]):  # a mark: under its base character
        while at > 0 and not _cells(window[at - 1]):
            at -= 1
        at = max(0, at - 1)
    pad = " " * len(gutter) + "".join(_cells(ch) for ch in head_cut + window[:at])
    if not caret.startswith(pad + "^"):
        raise FuzzFailure(f"caret line {caret!r} does not start with {pad!r}^")
    return True


def _window(body: str, source_line: str, column: int) -> tuple[int, str]:
    """Where the shown part of a line starts in it, and that part: the whole line, or
    SHOWN_CHARS characters around the column between CUT marks; each character shown as
    itself or as one '\ufffd'. Raise FuzzFailure if the shown text is none of these."""
    start = 0
    if len(source_line) > SHOWN_CHARS:
        start = max(0, min(column - 1 - SHOWN_CHARS // 2, len(source_line) - SHOWN_CHARS))
    end = min(len(source_line), start + SHOWN_CHARS)
    head = CUT if start else ""
    tail = CUT if end < len(source_line) else ""
    window = body[len(head) : len(body) - len(tail)]
    part = source_line[start:end]
    if (
        not body.startswith(head)
        or not body.endswith(tail)
        or len(window) != len(part)
        or any(s != p and s != "\ufffd" for s, p in zip(window, part, strict=True))
    ):
        raise FuzzFailure(f"line {source_line[:80]!r}... is shown as {body[:120]!r}")
    return start, window


def _breaks_a_line(ch: str) -> bool:
    return ch != "\t" and unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp")


def _cells(ch: str) -> str:
    """The cells a terminal gives a character, as spaces (a tab as a tab), by Unicode's own
    tables rather than the measure bpql.errors uses: none for a format character or a mark
    that combines, two for a wide one."""
    if ch == "\t":
        return "\t"
    if unicodedata.category(ch) in ("Cf", "Mn", "Me") or unicodedata.combining(ch):
        return ""
    return "  " if unicodedata.east_asian_width(ch) in ("W", "F") else " "


@dataclass
class Counts:
    """What a fuzz run saw, by outcome."""

    generated: int = 0
    mutated: int = 0
    compiled: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    carets: int = 0
    ran: int = 0
    run_errors: dict[str, int] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)

    def report(self) -> str:
        def codes(d: dict[str, int]) -> str:
            return ", ".join(f"{k} {v:,}" for k, v in sorted(d.items())) or "none"

        return "\n".join(
            [
                f"cases:            {self.generated + self.mutated:,}",
                f"  generated:      {self.generated:,} (from the grammar)",
                f"  mutated:        {self.mutated:,} (from the corpus)",
                f"compiled ok:      {self.compiled:,}",
                f"project errors:   {sum(self.errors.values()):,} ({codes(self.errors)})",
                f"caret checks:     {self.carets:,} passed",
                f"run for real:     {self.ran:,} (errors: {codes(self.run_errors)})",
                f"failures:         {len(self.failures):,}",
            ]
        )


def check_query(
    text: str,
    compile_one: Callable[[str, str], Any],
    dialects: Iterable[str],
    counts: Counts,
    run: Callable[[str], Any] | None = None,
) -> None:
    """Compile `text` for every dialect (and run it if `run` is given); raise FuzzFailure for
    anything but an answer or a well-placed `BpqlError`."""
    for dialect in dialects:
        try:
            compile_one(text, dialect)
        except QueryError as exc:
            counts.errors[exc.code] = counts.errors.get(exc.code, 0) + 1
            if check_caret(text, exc):
                counts.carets += 1
            return
        except BpqlError as exc:
            counts.errors[exc.code] = counts.errors.get(exc.code, 0) + 1
            return
        except RecursionError:
            raise FuzzFailure("RecursionError while compiling") from None
        except Exception as exc:
            raise FuzzFailure(f"{type(exc).__name__} while compiling: {exc}") from None
    counts.compiled += 1
    if run is None:
        return
    counts.ran += 1
    try:
        run(text)
    except BpqlError as exc:
        counts.run_errors[exc.code] = counts.run_errors.get(exc.code, 0) + 1
    except Exception as exc:
        raise FuzzFailure(f"{type(exc).__name__} while running: {exc}") from None


# --- generation from the grammar (hypothesis; a test dependency) ---------------------------

#: what follows each generated token: mostly a space, sometimes a line break or a comment
SEPARATORS = (" ", " ", " ", " ", "  ", "\n", "\t", "\r\n", " # note\n", "\n\n")


def corpus_words(queries: Iterable[str]) -> tuple[list[str], list[str]]:
    """The bare words and the quoted values of the corpus, so that generated queries name
    real kinds, fields and things often enough to get past the resolver."""
    words: set[str] = set()
    strings: set[str] = set()
    for q in queries:
        strings.update(re.findall(r'"(?:[^"\\\n]|\\.)*"', q))
        words.update(re.findall(r"(?<![\"\w-])[A-Za-z_][A-Za-z0-9_\-]*", q))
    return sorted(words), sorted(strings)


def grammar_queries(queries: Iterable[str]) -> Any:
    """A hypothesis strategy for texts of BPQL's own grammar (the parser's Lark object, read
    from the package): every terminal drawn from its pattern or, for words and quoted values,
    often from the corpus, and followed by a separator so that keywords stay apart."""
    from hypothesis import strategies as st
    from hypothesis.extra.lark import from_lark

    parser = _parser()
    words, strings = corpus_words(queries)
    keywords = {t.pattern.value for t in parser.terminals if t.pattern.flags == frozenset("i")}
    sep = st.sampled_from(SEPARATORS)
    favoured = {
        "NAME": st.sampled_from([w for w in words if w.lower() not in keywords]),
        "STRING": st.sampled_from(strings),
        "INT": st.integers(-3, 120).map(str),
    }
    explicit = {"WS": sep, "COMMENT": st.just("# note\n")}
    # one statement at a time (the corpus mutations join several); its terminals only
    terminals, _, _ = parser.grammar.compile(["_statement"], ())
    for term in terminals:
        if term.name in explicit:
            continue
        if term.pattern.type == "str":  # a keyword or a bracket: as written, in any case
            value = term.pattern.value
            own = st.sampled_from(sorted({value, value.upper(), value.title()}))
        else:
            own = st.from_regex(term.pattern.to_regexp(), fullmatch=True)
        # corpus words four times in five: random ones rarely name anything that exists
        base = st.one_of(*[favoured[term.name]] * 4, own) if term.name in favoured else own
        explicit[term.name] = st.tuples(base, sep).map("".join)
    return from_lark(parser, start="_statement", explicit=explicit)


# --- one run: the cases and the oracle, for the test suite and scripts/fuzz.py alike --------

#: grammar examples per hypothesis run: one long run keeps every choice it made and grows
#: past a gigabyte
BATCH = 500


def fuzz_cases(
    n: int,
    seed: int,
    queries: list[str],
    visit: Callable[[str, bool], None],
    generated: float = 0.2,
    enough: Callable[[], bool] = lambda: False,
) -> None:
    """Give `visit(text, from_grammar)` `n` texts, seeded by `seed`: a `generated` share from
    the grammar (hypothesis, generation only, no shrinking: `visit` records a failure and the
    run goes on), the rest mutations of `queries` (random.Random(seed)), until `enough()`.
    The same seed gives the same texts, so a failure reproduces."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed

    from_grammar = round(n * generated)
    strategy = grammar_queries(queries)
    for batch in range(0, from_grammar, BATCH):
        if enough():
            return

        @settings(
            max_examples=min(BATCH, from_grammar - batch),
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @hseed(seed * 1_000_003 + batch)
        @given(strategy)
        def case(text: str) -> None:
            visit(text, True)

        case()
    rng = random.Random(seed)
    for _ in range(n - from_grammar):
        if enough():
            return
        visit(mutate(rng.choice(queries), rng), False)


def fuzz(
    n: int,
    seed: int,
    queries: list[str],
    compile_one: Callable[[str, str], Any],
    dialects: Iterable[str],
    *,
    run: Callable[[str], Any] | None = None,
    run_every: int = 1,
    generated: float = 0.2,
    runs: int | None = None,
    failed: Callable[[str, str], None] | None = None,
    progress: Callable[[Counts], None] | None = None,
) -> Counts:
    """Up to `n` cases (`fuzz_cases`) through `check_query`: each compiled for every dialect,
    every `run_every`-th query that compiles also run by `run` (an embedded store's or a
    Neo4j's `query_all`). With `runs`, the cases stop counting once that many have run. A
    failure is kept in the counts (and given to `failed`), and the run goes on."""
    counts = Counts()
    dialects = tuple(dialects)

    def visit(text: str, from_grammar: bool) -> None:
        if runs is not None and counts.ran >= runs:
            return  # the rest of a hypothesis batch, generated and left alone
        if from_grammar:
            counts.generated += 1
        else:
            counts.mutated += 1
        runner = run if run is not None and (counts.compiled + 1) % run_every == 0 else None
        try:
            check_query(text, compile_one, dialects, counts, runner)
        except FuzzFailure as exc:
            counts.failures.append((text, str(exc)))
            if failed is not None:
                failed(text, str(exc))
        if progress is not None:
            progress(counts)

    fuzz_cases(n, seed, queries, visit, generated, lambda: runs is not None and counts.ran >= runs)
    return counts
