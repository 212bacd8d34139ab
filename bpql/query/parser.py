"""Parse BPQL with Lark LALR into the AST, turning Lark's errors into plain words."""

from __future__ import annotations

import difflib
import functools
import json
from pathlib import Path
from typing import Any

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.parsers.lalr_interactive_parser import InteractiveParser
from lark.tree import Meta

from bpql.durations import EXAMPLES as DURATION_EXAMPLES
from bpql.durations import parse_duration
from bpql.errors import QueryError, Span
from bpql.query import ast

_GRAMMAR_CANDIDATES = (Path(__file__).resolve().parents[1] / "data" / "bpql.lark",)

#: how each terminal is named in an error message
TERMINAL_WORDS: dict[str, str] = {
    "STRING": 'a quoted value such as "claims"',
    "NAME": "a word",
    "INT": "a whole number",
    "NUMBER": "a number",
    "DURATION": "a duration such as 1h30m",
    "CMP": "a comparison such as = or >=",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
    "SEMI": "';'",
    "$END": "the end of the query",
}
STATEMENT_WORDS = (
    "find, count, impact of, risk of, path from, show, conformance of, dropoff of or explain"
)
#: the words a statement starts with, for a did-you-mean on a misspelt one
STATEMENTS = (
    "find",
    "count",
    "impact",
    "risk",
    "path",
    "show",
    "conformance",
    "dropoff",
    "explain",
)


class _Tree(Tree[Token]):
    """A parse tree node that knows its height as the parser builds it, so that nesting is
    bounded while parsing, before any recursive stage walks the tree."""

    def __init__(self, data: str, children: list[Any], meta: Meta | None = None) -> None:
        super().__init__(data, children, meta)
        self.height: int = 0
        if str(data).startswith("__"):
            # Lark's helper for a repetition (`(COMMA value)*`), made again at every item
            # and spliced into its rule: measured there, once, not at every item
            return
        self.height = 1 + max((c.height for c in children if isinstance(c, _Tree)), default=0)


@functools.lru_cache(maxsize=1)
def _parser() -> Lark:
    path = next(p for p in _GRAMMAR_CANDIDATES if p.exists())
    return Lark(
        path.read_text(),
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=False,
        tree_class=_Tree,
    )


def _span(meta: Meta | Token) -> Span:
    return Span(
        meta.line or 1,
        meta.column or 1,
        getattr(meta, "end_line", None),
        getattr(meta, "end_column", None),
    )


def _tok(token: Token) -> Span:
    return Span(token.line or 1, token.column or 1, token.end_line, token.end_column)


#: numbers both stores hold exactly as 64-bit integers and doubles; larger ones are mistakes
MAX_NUMBER = 2**53


# --- bounds: what no real query comes near, refused at once with the place that passes them --
#: conditions nested deeper than this (parentheses, `not`, `and`/`or` chains) are refused
#: before any recursive stage sees them; Python's stack would overflow near 300
MAX_NESTING = 100
#: characters in a query: nearly a thousand times the longest query of the corpus (108), and
#: room for a list of MAX_LIST ids at their longest (80 characters); checked first
MAX_QUERY_CHARS = 100_000
#: statements in one query text: a script of queries is a few dozen; each runs on the store
MAX_STATEMENTS = 100
#: values in one `in [...]` list: more ids or names than anyone types or pastes; past it a
#: condition on a field (lane, service, scenario) says the same in fewer words
MAX_LIST = 1_000
#: characters of one quoted value, as written: ids hold at most 80 and Neo4j refuses to index
#: a name past 8 KB, so a longer value can name nothing
MAX_STRING = 10_000
#: how deep the parser's stack may grow: each level of nesting (a parenthesis, a `not`, an
#: `and`/`or` with its left side) holds at most two entries, and a statement a dozen more, so
#: a query within MAX_NESTING never comes near it; a flood of `(` is refused at this depth
#: instead of after the parser has read all of it
MAX_STACK = 2 * MAX_NESTING + 30
#: terminals that start a statement (as the grammar reads them where a statement may start);
#: `explain` is followed by the statement it explains, which is the one counted
_STATEMENT_STARTS = frozenset(word.upper() for word in STATEMENTS if word != "explain")
#: terminals that are a value in a list
_VALUES = frozenset({"STRING", "DURATION", "NUMBER", "INT", "TRUE", "FALSE", "NAME"})


def _short(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:20]}... ({len(text)} digits)"


def unquote(text: str) -> str:
    """A double-quoted BPQL string with JSON-style escapes (\\" \\\\ \\n \\t \\uXXXX)."""
    try:
        value: str = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"bad escape in a quoted value ({exc.msg})") from None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # a lone surrogate escape such as \udeff: no store can hold it, and it means nothing
        raise ValueError(
            "a quoted value holds a \\u escape that is half of a surrogate pair, which is not "
            "text; write the character itself or both halves"
        ) from None
    return value


@v_args(meta=True)
class _ToAst(Transformer[Token, Any]):
    def start(self, meta: Meta, items: list[Any]) -> list[ast.Statement]:
        return [i for i in items if not isinstance(i, Token)]

    # --- leaves -----------------------------------------------------------------------
    def word(self, meta: Meta, items: list[Token]) -> ast.Word:
        return ast.Word(_tok(items[0]), str(items[0]))

    def field(self, meta: Meta, items: list[Any]) -> ast.Word:
        item = items[0]
        return item if isinstance(item, ast.Word) else ast.Word(_tok(item), str(item).lower())

    entity = field

    def string(self, meta: Meta, items: list[Token]) -> ast.Value:
        tok = items[0]
        try:
            return ast.Value(_tok(tok), unquote(str(tok)), "string")
        except ValueError as exc:
            raise QueryError(str(exc), _tok(tok), code="BPQL-Q030") from None

    def number(self, meta: Meta, items: list[Token]) -> ast.Value:
        text = str(items[0])
        # int() refuses more than 4,300 digits; anything over 20 is out of range anyway
        digits = len(text.lstrip("-").split(".")[0].lstrip("0"))
        value: int | float = 0 if digits > 20 else float(text) if "." in text else int(text)
        if digits > 20 or abs(value) > MAX_NUMBER or value != value:
            raise QueryError(
                f"the number {_short(text)} is out of range; numbers in a query are at most "
                f"{MAX_NUMBER:,} in size",
                _tok(items[0]),
                code="BPQL-Q104",
            )
        return ast.Value(_tok(items[0]), value, "number")

    def duration(self, meta: Meta, items: list[Token]) -> ast.Value:
        text = str(items[0])
        minutes = parse_duration(text)
        if minutes is None:
            raise QueryError(
                f"'{text}' is not a duration: write each unit once, largest first, as in "
                f"{DURATION_EXAMPLES}",
                _tok(items[0]),
                code="BPQL-Q040",
            )
        if minutes > MAX_NUMBER:
            raise QueryError(
                f"the duration {_short(text)} is out of range", _tok(items[0]), code="BPQL-Q044"
            )
        return ast.Value(_tok(items[0]), minutes, "duration")

    def true(self, meta: Meta, items: list[Token]) -> ast.Value:
        return ast.Value(_tok(items[0]), True, "bool")

    def false(self, meta: Meta, items: list[Token]) -> ast.Value:
        return ast.Value(_tok(items[0]), False, "bool")

    def bare(self, meta: Meta, items: list[ast.Word]) -> ast.Value:
        return ast.Value(items[0].span, items[0].text, "word")

    def value_list(self, meta: Meta, items: list[Any]) -> ast.ValueList:
        return ast.ValueList(_span(meta), tuple(i for i in items if isinstance(i, ast.Value)))

    def ref(self, meta: Meta, items: list[Any]) -> ast.Ref:
        tok = items[1]
        try:
            value = ast.Value(_tok(tok), unquote(str(tok)), "string")
        except ValueError as exc:
            raise QueryError(str(exc), _tok(tok), code="BPQL-Q031") from None
        return ast.Ref(_span(meta), items[0], value)

    # --- clauses ----------------------------------------------------------------------
    def where_clause(self, meta: Meta, items: list[Any]) -> Any:
        return ("where", items[1])

    def return_clause(self, meta: Meta, items: list[Any]) -> Any:
        return ("returns", tuple(i for i in items if isinstance(i, ast.Word)))

    def order_clause(self, meta: Meta, items: list[Any]) -> Any:
        desc = any(isinstance(i, str) and i == "desc" for i in items)
        return ("order", ast.Order(_span(meta), items[2], desc))

    def direction(self, meta: Meta, items: list[Token]) -> str:
        return str(items[0]).lower()

    def limit_clause(self, meta: Meta, items: list[Token]) -> Any:
        return ("limit", self.number(meta, [items[1]]))

    def within(self, meta: Meta, items: list[Token]) -> Any:
        return ("within", self.number(meta, [items[1]]))

    def depth(self, meta: Meta, items: list[Token]) -> Any:
        return ("depth", self.number(meta, [items[1]]))

    def scenario_clause(self, meta: Meta, items: list[Any]) -> Any:
        item = items[1]
        if isinstance(item, ast.Word):
            return ("scenario", ast.Value(item.span, item.text, "word"))
        return ("scenario", self.string(meta, [item]))

    @staticmethod
    def _clauses(items: list[Any]) -> dict[str, Any]:
        return dict(i for i in items if isinstance(i, tuple))

    # --- conditions -------------------------------------------------------------------
    def or_(self, meta: Meta, items: list[Any]) -> ast.Or:
        return ast.Or(_span(meta), items[0], items[2])

    def and_(self, meta: Meta, items: list[Any]) -> ast.And:
        return ast.And(_span(meta), items[0], items[2])

    def not_(self, meta: Meta, items: list[Any]) -> ast.Not:
        return ast.Not(_span(meta), items[1])

    def atom(self, meta: Meta, items: list[Any]) -> Any:
        return items[1]

    def compare(self, meta: Meta, items: list[Any]) -> ast.Compare:
        op = "!=" if str(items[1]) == "<>" else str(items[1])
        return ast.Compare(_span(meta), items[0], op, items[2])

    def contains(self, meta: Meta, items: list[Any]) -> ast.Compare:
        return ast.Compare(_span(meta), items[0], "contains", items[2])

    def starts_with(self, meta: Meta, items: list[Any]) -> ast.Compare:
        return ast.Compare(_span(meta), items[0], "starts_with", items[3])

    def in_list(self, meta: Meta, items: list[Any]) -> ast.Compare:
        return ast.Compare(_span(meta), items[0], "in", items[2])

    def not_in_list(self, meta: Meta, items: list[Any]) -> ast.Compare:
        return ast.Compare(_span(meta), items[0], "not_in", items[3])

    def is_null(self, meta: Meta, items: list[Any]) -> ast.IsNull:
        return ast.IsNull(_span(meta), items[0], False)

    def is_not_null(self, meta: Meta, items: list[Any]) -> ast.IsNull:
        return ast.IsNull(_span(meta), items[0], True)

    def _relation(self, meta: Meta, name: str, items: list[Any]) -> ast.Relation:
        ref = next(i for i in items if isinstance(i, ast.Ref))
        within = self._clauses(items).get("within")
        return ast.Relation(_span(meta), name, ref, within)

    def uses(self, meta: Meta, items: list[Any]) -> ast.Relation:
        return self._relation(meta, "uses", items)

    def depends_on(self, meta: Meta, items: list[Any]) -> ast.Relation:
        return self._relation(meta, "depends_on", items)

    def performed_by(self, meta: Meta, items: list[Any]) -> ast.Relation:
        return self._relation(meta, "performed_by", items)

    def in_(self, meta: Meta, items: list[Any]) -> ast.Relation:
        return self._relation(meta, "in", items)

    def at(self, meta: Meta, items: list[Any]) -> ast.Relation:
        return self._relation(meta, "at", items)

    def supports(self, meta: Meta, items: list[Any]) -> ast.Relation:
        return self._relation(meta, "supports", items)

    def owned_by(self, meta: Meta, items: list[Any]) -> ast.Relation:
        return self._relation(meta, "owned_by", items)

    # --- statements -------------------------------------------------------------------
    def find(self, meta: Meta, items: list[Any]) -> ast.Find:
        c = self._clauses(items)
        return ast.Find(
            _span(meta),
            items[1],
            c.get("where"),
            c.get("returns", ()),
            c.get("order"),
            c.get("limit"),
            c.get("scenario"),
        )

    def count(self, meta: Meta, items: list[Any]) -> ast.Count:
        c = self._clauses(items)
        by = next(i for i in items[2:] if isinstance(i, ast.Word))
        return ast.Count(_span(meta), items[1], c.get("where"), by, c.get("scenario"))

    def impact(self, meta: Meta, items: list[Any]) -> ast.Impact:
        c = self._clauses(items)
        return ast.Impact(_span(meta), items[2], c.get("within"), c.get("scenario"))

    def risk(self, meta: Meta, items: list[Any]) -> ast.Risk:
        c = self._clauses(items)
        return ast.Risk(_span(meta), items[2], c.get("scenario"))

    def _observed(self, meta: Meta, which: str, items: list[Any]) -> ast.Observed:
        c = self._clauses(items)
        return ast.Observed(_span(meta), which, items[2], c.get("scenario"))

    def conformance(self, meta: Meta, items: list[Any]) -> ast.Observed:
        return self._observed(meta, "conformance", items)

    def dropoff(self, meta: Meta, items: list[Any]) -> ast.Observed:
        return self._observed(meta, "dropoff", items)

    def _whatif(self, meta: Meta, change: str, items: list[Any]) -> ast.WhatIf:
        c = self._clauses(items)
        refs = [i for i in items if isinstance(i, ast.Ref)]
        to = refs[1] if len(refs) > 1 else None
        return ast.WhatIf(_span(meta), change, refs[0], to, c.get("scenario"))

    def whatif_retire(self, meta: Meta, items: list[Any]) -> ast.WhatIf:
        return self._whatif(meta, "retire", items)

    def whatif_move(self, meta: Meta, items: list[Any]) -> ast.WhatIf:
        return self._whatif(meta, "move", items)

    def whatif_close(self, meta: Meta, items: list[Any]) -> ast.WhatIf:
        return self._whatif(meta, "close", items)

    def path(self, meta: Meta, items: list[Any]) -> ast.PathQuery:
        c = self._clauses(items)
        refs = [i for i in items if isinstance(i, ast.Ref)]
        return ast.PathQuery(
            _span(meta), refs[0], refs[1], c.get("within"), c.get("scenario"), c.get("via", ())
        )

    def via_clause(self, meta: Meta, items: list[Any]) -> Any:
        return ("via", tuple(i for i in items if isinstance(i, ast.Word)))

    def via_word(self, meta: Meta, items: list[Any]) -> ast.Word:
        # a relation's keywords, as the condition's relation of the same words is named
        # (`depends on` -> depends_on)
        return ast.Word(_span(meta), "_".join(str(t).lower() for t in items))

    def via_other(self, meta: Meta, items: list[Any]) -> ast.Word:
        # `member of` is written as a designer says it; the resolver answers with the word
        # the language uses
        text = " ".join(str(i.text if isinstance(i, ast.Word) else i) for i in items)
        return ast.Word(_span(meta), text.lower())

    def show(self, meta: Meta, items: list[Any]) -> ast.Show:
        c = self._clauses(items)
        return ast.Show(_span(meta), items[1], c.get("depth"), c.get("scenario"))

    def explain(self, meta: Meta, items: list[Any]) -> ast.Explain:
        return ast.Explain(_span(meta), items[1])


def _expected_words(expected: set[str], before: str = "") -> str:
    names = sorted(expected - {"COMMENT", "WS"})
    if names == ["NAME"]:
        last = before.split()[-1].lower() if before.split() else ""
        if last in ("find", "count"):
            return "what to look for, such as services, steps, failpoints or touchpoints"
        return 'a kind of thing and its id or name, such as system "crm"'
    starts = {word.upper() for word in STATEMENTS}
    if starts <= set(names):
        rest = set(names) - starts - {"$END", "SEMI"}
        if not rest:
            return (
                f"the end of the query or a new statement ({STATEMENT_WORDS}); clauses go "
                "in this order: where, return, order by, limit, scenario"
            )
        return (
            _expected_words(rest) + " (clauses go in this order: where, return, order by, "
            "limit, scenario)"
        )
    if "NAME" in names and {"USES", "DEPENDS"} <= set(names):
        return (
            "a condition: a field such as name or lane, or uses, depends on, performed by, "
            "in, at, supports or owned by"
        )
    if "NAME" in names:
        names = [n for n in names if n not in ("ORDER", "COUNT", "PATH", "DEPTH", "SCENARIO")]
    words = []
    for n in names:
        if n in TERMINAL_WORDS:
            words.append(TERMINAL_WORDS[n])
        elif n.isupper() and n.isalpha():
            words.append(f"'{n.lower()}'")
        else:
            words.append(n.lower())
    words = sorted(set(words), key=lambda w: (not w.startswith("'"), w))
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _describe(token: Token) -> str:
    if token.type == "$END":
        return "the end of the query"
    if token.type == "STRING":
        return f"the quoted value {token}"
    return f"'{token}'"


def parse(text: str) -> list[ast.Statement]:
    """Parse one or more statements; raise QueryError pointing at the fault."""
    try:
        tree, _ = parse_tree(text)
    except UnexpectedEOF as exc:  # pragma: no cover - LALR reports the end as a $END token
        raise QueryError(
            f"the query ends too early; expected {_expected_words(set(exc.expected), text)}",
            Span(exc.line, exc.column),
            text,
            code="BPQL-Q032",
        ) from None
    except UnexpectedToken as exc:
        tok = exc.token
        span = _tok(tok) if tok.type != "$END" else _end_span(tok)
        expected = set(exc.accepts or exc.expected)
        if tok.start_pos == len(text) - len(text.lstrip()) and tok.type != "$END":
            msg = f"unexpected {_describe(tok)}; expected a statement: {STATEMENT_WORDS}"
            close = difflib.get_close_matches(str(tok).lower(), STATEMENTS, n=1, cutoff=0.7)
            if close and tok.type == "NAME":
                msg += f" (did you mean '{close[0]}'?)"
            raise QueryError(msg, span, text, code="BPQL-Q033") from None
        before = text[: tok.start_pos] if tok.type != "$END" else text
        if tok.type == "$END":
            msg = f"the query ends too early; expected {_expected_words(expected, before)}"
        else:
            msg = f"unexpected {_describe(tok)}; expected {_expected_words(expected, before)}"
            keywords = [e.lower() for e in expected if e.isalpha() and e.isupper()]
            close = difflib.get_close_matches(str(tok).lower(), keywords, n=1, cutoff=0.7)
            if close and tok.type == "NAME":
                msg += f" (did you mean '{close[0]}'?)"
        raise QueryError(msg, span, text, code="BPQL-Q034") from None
    except UnexpectedCharacters as exc:
        pos = exc.pos_in_stream or 0
        ch = text[pos] if pos < len(text) else ""
        span = Span(exc.line, exc.column, exc.line, exc.column + 1)
        if ch == '"':
            msg = 'this quoted value is not closed: add a " before the end of the line'
        elif ch == "'":
            msg = 'values are written in double quotes, as in "claims"'
        else:
            msg = f"unexpected character {ch!r}"
            if exc.allowed:
                msg += f"; expected {_expected_words(set(exc.allowed))}"
        raise QueryError(msg, span, text, code="BPQL-Q035") from None
    except UnexpectedInput as exc:  # pragma: no cover - other Lark errors
        raise QueryError(
            str(exc).splitlines()[0], Span(exc.line, exc.column), text, code="BPQL-Q036"
        ) from None
    try:
        statements: list[ast.Statement] = _ToAst().transform(tree)
    except QueryError as exc:
        raise exc.with_source(text) from None
    except Exception as exc:  # lark wraps errors raised in callbacks
        inner = getattr(exc, "orig_exc", None)
        if isinstance(inner, QueryError):
            raise inner.with_source(text) from None
        raise
    if not statements:
        raise QueryError(
            f"empty query; expected a statement: {STATEMENT_WORDS}",
            Span(1, 1),
            text,
            code="BPQL-Q037",
        )
    return statements


def _end_span(end: Token) -> Span:
    """Where a query ends, as Lark counts it: just after its last token (Lark lends the $END
    token that token's position), or 1:1 when it holds nothing but blanks and comments."""
    if end.end_line is None or end.end_column is None:
        return Span(1, 1)
    return Span(end.end_line, end.end_column)


def _position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of an offset, lines ended by LF only (as Lark counts)."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _too_deep(span: Span, text: str) -> QueryError:
    return QueryError(
        f"conditions are nested more than {MAX_NESTING} deep; write fewer parentheses, "
        "`not`s or chained `and`/`or`s, or split the query",
        span,
        text,
        code="BPQL-Q070",
    )


def parse_tree(text: str) -> tuple[Tree[Token], int]:
    """Lark's LALR loop (as `parse_from_state`), token by token, with every bound checked as
    the parser goes: the first one passed is refused at its token, before the rest of the
    text is read, so a megabyte of statements or a list of 262,000 values costs no more than
    the query up to the bound. A syntax error before that point is Lark's, as before.
    Returns the tree and the number of statements."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query is {len(text):,} characters long; a query holds at most "
            f"{MAX_QUERY_CHARS:,}: split it into several",
            Span(*_position(text, MAX_QUERY_CHARS)),
            text,
            code="BPQL-Q071",
        )
    ip = _parser().parse_interactive(text)
    state = ip.parser_state
    table = state.parse_conf.states
    stack = state.value_stack
    statements = values = 0
    in_list = False
    token: Token | None = None
    try:
        for token in ip.lexer_thread.lex(state):  # type: ignore[no-untyped-call]
            # a statement starts where the grammar would take `find`: `count` and `path`
            # elsewhere are fields, and `explain` is followed by the statement it explains
            starts = token.type in _STATEMENT_STARTS and "FIND" in table[state.position]
            state.feed_token(token)
            kind = token.type
            if starts:
                statements += 1
                if statements > MAX_STATEMENTS:
                    raise QueryError(
                        f"more than {MAX_STATEMENTS} statements in one query; run them in parts",
                        _tok(token),
                        text,
                        code="BPQL-Q072",
                    )
            elif kind == "LSQB":
                in_list, values = True, 0
            elif kind == "RSQB":
                in_list = False
            elif in_list and kind in _VALUES:
                values += 1
                if values > MAX_LIST:
                    raise QueryError(
                        f"a list holds at most {MAX_LIST:,} values; this is value "
                        f"{values:,}: narrow the query with another condition instead",
                        _tok(token),
                        text,
                        code="BPQL-Q073",
                    )
            if kind == "STRING" and len(token) - 2 > MAX_STRING:
                raise QueryError(
                    f"a quoted value holds at most {MAX_STRING:,} characters; this one holds "
                    f"{len(token) - 2:,}",
                    _tok(token),
                    text,
                    code="BPQL-Q074",
                )
            if len(stack) > MAX_STACK:
                raise _too_deep(_tok(token), text)
            # the tree the parser has just built, if any, sits under the token it read
            built = stack[-2] if len(stack) > 1 else None
            if isinstance(built, _Tree) and built.height > MAX_NESTING + 1:
                raise _too_deep(_span(_deepest(built).meta), text)
        end = (
            Token.new_borrow_pos("$END", "", token)
            if token is not None
            else Token("$END", "", 0, 1, 1)
        )
        tree = state.feed_token(end, True)
    except UnexpectedInput as exc:
        # as Lark's own loop does: the error knows the parser, so it can say what it expected
        exc.interactive_parser = InteractiveParser(ip.parser, state, ip.lexer_thread)
        raise
    # the whole tree, as the parser reads it: at most MAX_NESTING levels below the root
    if isinstance(tree, _Tree) and tree.height > MAX_NESTING + 1:
        raise _too_deep(_span(_deepest(tree).meta), text)
    return tree, statements


def _deepest(tree: _Tree) -> _Tree:
    """The node MAX_NESTING levels below the top of a tree taller than that, down its
    tallest children (no recursion): where the nesting passes the bound."""
    node = tree
    for _ in range(MAX_NESTING):
        node = max((c for c in node.children if isinstance(c, _Tree)), key=lambda c: c.height)
    return node
