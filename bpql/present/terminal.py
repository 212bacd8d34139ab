"""Results for people: rich tables on a terminal, JSON and CSV for other programs.

Every value reaches the terminal through `bpql.safe.terminal_text` and as rich `Text`, never as
markup: a name holding ESC or BEL, or `[link=...]`, prints as the characters it holds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bpql.errors import BpqlError
from bpql.result import Kind, Result, Table, cell_text
from bpql.safe import json_text, terminal_text
from bpql.words import counted

if TYPE_CHECKING:
    from rich.console import Console


def as_text(result: Result, fmt: str) -> str | None:
    """JSON or CSV text; None for `table`, which is drawn by `show`."""
    if fmt == "json":
        return json_text(result.to_json())
    if fmt == "csv":
        if result.table is not None:
            return result.table.to_csv().rstrip("\n")
        assert result.graph is not None
        nodes = Table(
            ["id", "label", "name"],
            [
                [n.key, n.label, n.name]
                for n in sorted(result.graph.nodes.values(), key=lambda n: n.key)
            ],
        )
        return nodes.to_csv().rstrip("\n")
    return None


def show(result: Result, console: Console) -> None:
    """Draw a result on a terminal with the presenter its kind names."""
    presenter = PRESENTERS.get(result.kind)
    if presenter is None:
        raise BpqlError(f"no terminal view of a {result.kind} result", code="BPQL-C009")
    if result.title:
        from rich.text import Text

        console.print(Text(terminal_text(result.title), style="bold"))
    presenter(result, console)


def _table(result: Result, console: Console) -> None:
    assert result.table is not None
    n = len(result.table.rows)
    if n > summary_rows() and not ALL_ROWS.get() and result.kind is Kind.TABLE:
        _table_summary(result.table, console)
        return
    fit_table(result.table.columns, result.table.rows, console)
    console.print(f"[dim]{counted(n, 'row')}[/dim]")


#: past this many rows (a find's rows, an impact's step rows), the text output of an answer is
#: its summary and one line saying how many rows were left out; `--all` prints them
SUMMARY_ROWS = 1000
#: the environment setting that sets SUMMARY_ROWS (a whole number)
SUMMARY_ROWS_ENV = "BPQL_SUMMARY_ROWS"


def summary_rows() -> int:
    """SUMMARY_ROWS, or the whole number BPQL_SUMMARY_ROWS gives."""
    import os

    text = os.environ.get(SUMMARY_ROWS_ENV)
    if text is None:
        return SUMMARY_ROWS
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise BpqlError(
            f"{SUMMARY_ROWS_ENV}: expected a whole number of rows (0 or more), got {text!r}",
            code="BPQL-C013",
        )
    return n


#: `bpql query --all`: every row printed, however many
ALL_ROWS: ContextVar[bool] = ContextVar("ALL_ROWS", default=False)
#: the columns a large find's rows are counted by, when it has them
SUMMARY_COLUMNS = ("service", "department", "owner", "lane", "kind")


def _left_out(n: int, what: str, console: Console, pages: bool = True) -> None:
    """How many `what` were left out and how to get them (a graph's nodes come whole, not
    by the page)."""
    h = HINTS.get()
    page = f" (`{h.page}` for a page)" if pages else ""
    console.print(
        f"[dim]{n:,} {what} left out (more than {summary_rows():,}): `{h.all_rows}` prints every "
        f"one; `{h.json}` holds them all{page}[/dim]"
    )


def _table_summary(table: Table, console: Console) -> None:
    """A find of more rows than a terminal is read by: its rows counted per service (and per
    department, owner, lane or kind: the columns it has; those most counted first), else, when
    no such column counts anything (every row its own service), its first rows; then the line
    saying what was left out."""
    from collections import Counter

    shown = min(STEPS_SHOWN, summary_rows())
    counted_any = False
    for column in SUMMARY_COLUMNS:
        if column not in table.columns:
            continue
        at = table.columns.index(column)
        counts = Counter(cell_text(r[at]) or "(none)" for r in table.rows)
        if len(counts) == len(table.rows):  # a value per row: nothing to count
            continue
        rows: list[list[Any]] = [
            [v, n] for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        fit_table([column, "rows"], rows[:shown], console)
        if len(rows) > shown:
            console.print(
                f"[dim]the {shown} {column} values with the most rows, of {len(rows):,}[/dim]"
            )
        counted_any = True
    if counted_any:
        _left_out(len(table.rows), "rows", console)
        return
    fit_table(table.columns, table.rows[:shown], console)
    console.print(f"[dim]the first {shown} of {len(table.rows):,} rows[/dim]")
    _left_out(len(table.rows) - shown, "more rows", console)


def _nodes(result: Result, console: Console) -> None:
    assert result.graph is not None
    if result.table is not None:  # a graph answer with its own table: a path, path by path
        fit_table(result.table.columns, result.table.rows, console)
        _graph_size(result, console)
        return
    rows: list[list[Any]] = []
    for node in result.node_order():
        kind = node.labels[-1] if len(node.labels) > 1 else node.label
        rows.append([node.key, kind, node.name])
    if len(rows) > summary_rows() and not ALL_ROWS.get():
        # a neighbourhood of thousands (a system every service uses): its nodes counted per
        # kind, then the first of them
        from collections import Counter

        kinds = Counter(r[1] for r in rows)
        shown = min(STEPS_SHOWN, summary_rows())
        fit_table(["kind", "nodes"], [[k, n] for k, n in sorted(kinds.items())], console)
        fit_table(["node", "kind", "name"], rows[:shown], console)
        console.print(f"[dim]the first {shown} of {len(rows):,} nodes[/dim]")
        _left_out(len(rows) - shown, "more nodes", console, pages=False)
    else:
        fit_table(["node", "kind", "name"], rows, console)
    _graph_size(result, console)


#: the most items a list in a table's cell shows on a terminal (`--all`: every one): a
#: touchpoint's services at 10,000 services made an inventory of 40 rows 100,000 lines long
LIST_SHOWN = 10


def first_items(items: Sequence[Any]) -> list[Any]:
    """A long list as a table cell shows it (on a terminal, in the explorer): its first
    LIST_SHOWN items, then how many more."""
    if len(items) <= LIST_SHOWN:
        return list(items)
    return [*items[:LIST_SHOWN], f"… {len(items) - LIST_SHOWN:,} more"]


def terminal_cell(v: Any) -> str:
    """A cell as a person reads it: a list one item per line, not run together, its first
    LIST_SHOWN items unless every row is asked for; nothing in it a terminal acts on
    (`bpql.safe.terminal_text`)."""
    if isinstance(v, (list, tuple)):
        shown = list(v) if ALL_ROWS.get() else first_items(v)
        return "\n".join(terminal_text(cell_text(x)) for x in shown)
    return terminal_text(cell_text(v), keep_newlines=True)


def fit_table(columns: list[str], rows: list[list[Any]], console: Console) -> None:
    """A table that fits the terminal with every header and every word whole (never cut to
    `ser…`): each column gets at least its longest word, and the room left goes to the
    columns that would wrap. When even the longest words do not fit side by side, one block per
    row instead: the first cell as its heading, then one line per column at full width."""
    from rich.table import Column
    from rich.table import Table as RichTable
    from rich.text import Text

    columns = [terminal_text(c) for c in columns]
    cells = [[terminal_cell(v) for v in row] for row in rows]
    widths = column_widths(columns, cells, console.width)
    if widths is None:
        _blocks(columns, rows, console)
    else:
        heads = [
            Column(Text(c), width=w, overflow="fold") for c, w in zip(columns, widths, strict=True)
        ]
        table = RichTable(*heads)
        for row in cells:  # as Text: a value's `[bold]` or `:smile:` is not rich markup
            table.add_row(*(Text(c) for c in row))
        console.print(table)
    if not ALL_ROWS.get() and any(
        isinstance(v, (list, tuple)) and len(v) > LIST_SHOWN for row in rows for v in row
    ):
        h = HINTS.get()
        console.print(
            f"[dim]lists of more than {LIST_SHOWN} items cut short: `{h.all_rows}` prints "
            f"them whole, `{h.json}` holds them[/dim]"
        )


def _frame(n: int) -> int:
    """A table's own width beyond its cells: a border and a space each side of each column."""
    return 3 * n + 1


def column_widths(columns: list[str], cells: list[list[str]], width: int) -> list[int] | None:
    """Each column's width for a terminal `width` wide, or None when the longest words alone
    are too wide: natural widths if they fit, else every column its longest word (or header),
    the first column whole if it can be, and the rest of the room shared out (`_share`)."""
    from rich.cells import cell_len

    natural = [cell_len(c) for c in columns]
    least = list(natural)
    for row in cells:
        for i, text in enumerate(row[: len(columns)]):
            for line in text.split("\n"):
                natural[i] = max(natural[i], cell_len(line))
                least[i] = max(least[i], *(cell_len(w) for w in line.split() or [""]))
    room = width - _frame(len(columns))
    if not columns or sum(natural) <= room:
        return natural
    if sum(least) > room:
        return None
    wants = [n - m for n, m in zip(natural, least, strict=True)]
    spare = room - sum(least)
    if wants[0] <= spare:  # the first column names the row: keep it on one line if it can be
        least[0], spare, wants[0] = natural[0], spare - wants[0], 0
    return _share(least, wants, spare)


def _share(widths: list[int], wants: list[int], spare: int) -> list[int]:
    """Give `spare` columns of room out fairly: a column that wants less than an equal share
    gets all it wants (so a short name stays on one line), the rest split what remains."""
    out = list(widths)
    open_ = [i for i, w in enumerate(wants) if w > 0]
    while open_ and spare > 0:
        share = spare // len(open_)
        done = [i for i in open_ if wants[i] <= share]
        if not done:
            for n, i in enumerate(open_):
                out[i] += share + (1 if n < spare % len(open_) else 0)
            return out
        for i in done:
            out[i] += wants[i]
            spare -= wants[i]
        open_ = [i for i in open_ if i not in done]
    return out


def _blocks(columns: list[str], rows: list[list[Any]], console: Console) -> None:
    """One block per row: the first cell as a bold heading, then a dim label and its value per
    column, wrapped at spaces to the terminal's width. Laid out here and printed at once: as a
    rich grid per row, 1,000 services took 2.7 s to print."""
    from rich.cells import cell_len
    from rich.text import Text

    label_width = max((cell_len(c) for c in columns[1:]), default=0)
    value_width = max(console.width - label_width - 4, 1)
    out = Text()
    for i, row in enumerate(rows):
        if i:
            out.append("\n")
        for line in _wrap(f"{columns[0]}: {terminal_text(cell_text(row[0]))}", console.width):
            out.append(line + "\n", style="bold")
        for column, value in zip(columns[1:], row[1:], strict=False):
            parts = terminal_cell(value).split("\n")
            lines = [w for part in parts for w in _wrap(part, value_width)] or [""]
            for j, text in enumerate(lines):
                label = column if j == 0 else ""
                out.append("  ")
                out.append(label + " " * (label_width - cell_len(label)), style="dim")
                out.append(f"  {text}".rstrip() + "\n")
    console.print(out, end="", soft_wrap=True, overflow="ignore", crop=False)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters, broken at spaces; a longer word is folded."""
    import textwrap

    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


@dataclass(frozen=True)
class Hints:
    """The commands the hints under an answer name: the CLI's flags, or, in the shell (which
    has none), its own `viz` and the CLI command that gives the rest."""

    draw: str = "bpql viz"
    all_rows: str = "--all"
    json: str = "--format json"
    page: str = "--limit N --offset M"


#: what the hints name under the CLI's answers, and the shell's while it prints one
CLI_HINTS = Hints()
SHELL_HINTS = Hints(
    draw="viz",
    all_rows="bpql query --all",
    json="bpql query --format json",
    page="bpql query --format json --limit N --offset M",
)
HINTS: ContextVar[Hints] = ContextVar("HINTS", default=CLI_HINTS)


def _graph_size(result: Result, console: Console) -> None:
    if result.graph is None:  # an answer fetched for its tables only
        h = HINTS.get()
        console.print(f"[dim](`{h.draw}` draws it; `{h.json}` holds its subgraph)[/dim]")
        return
    g, h = result.graph, HINTS.get()
    console.print(
        f"[dim]graph: {len(g.nodes)} nodes, {len(g.edges)} edges "
        f"(`{h.json}` for all of it; `{h.draw}` to draw it)[/dim]"
    )


#: the most steps an impact answer lists on a terminal: a department most of the enterprise
#: depends on reaches 24,000 steps at 1,000 services, 11 s of printing no one reads
STEPS_SHOWN = 40


def named_steps(steps: Table) -> Table:
    """The "how each step is reached" table as a designer reads it: the step's and the via's
    names in place of their ids (the JSON keeps both)."""
    cols = steps.columns
    if "step_name" not in cols:
        return steps
    names = {"step": "step_name", "via": "via_name"}
    shown = [c for c in cols if c not in names.values()]
    at = [cols.index(names.get(c, c)) for c in shown]
    return Table(shown, [[r[i] for i in at] for r in steps.rows], steps.units)


def _impact(result: Result, console: Console) -> None:
    steps = result.steps
    if steps is not None and len(steps.rows) > summary_rows() and not ALL_ROWS.get():
        # a question that reaches thousands of services: its summary, the counts per service
        # (one line each: the touchpoints and channels lists are left to --all and JSON) and
        # per department, and no step rows
        assert result.table is not None
        table = result.table
        at = [
            i
            for i in range(len(table.columns))
            if not any(isinstance(r[i], (list, tuple)) for r in table.rows)
        ]
        rows = table.rows
        many = len(rows) > summary_rows()
        most = many and "steps" in table.columns
        shown = min(STEPS_SHOWN, summary_rows())
        if most:  # thousands of services: those most reached (10,000 lines took 5 s to print)
            k = table.columns.index("steps")
            rows = sorted(rows, key=lambda r: (-(r[k] or 0), cell_text(r[0])))[:shown]
        elif many:  # thousands of rows of another kind (a risk's customer steps): the first
            rows = rows[:shown]
        fit_table([table.columns[i] for i in at], [[r[i] for i in at] for r in rows], console)
        h = HINTS.get()
        if most:
            console.print(
                f"[dim]the {len(rows)} services with the most steps reached, of "
                f"{len(table.rows):,}; `{h.all_rows}` prints every one, `{h.json}` lists "
                "them[/dim]"
            )
        elif many:
            console.print(
                f"[dim]the first {len(rows)} of {len(table.rows):,} rows; `{h.all_rows}` "
                f"prints every one, `{h.json}` lists them[/dim]"
            )
        else:
            console.print(f"[dim]{counted(len(table.rows), 'row')}[/dim]")
        if result.matrix is not None:
            console.print("[bold]per department[/bold]")
            fit_table(*department_rows(result.matrix), console)
        _left_out(len(steps.rows), "step rows (how each step is reached)", console)
        _graph_size(result, console)
        return
    _table(result, console)
    if steps is not None and steps.rows:
        steps = named_steps(steps)  # not for the summary: 240,000 rows renamed, 0.5 s
        console.print("[bold]how each step is reached[/bold]")
        if len(steps.rows) <= STEPS_SHOWN or ALL_ROWS.get():
            _table(Result(Kind.TABLE, table=steps), console)
        else:
            fit_table(steps.columns, steps.rows[:STEPS_SHOWN], console)
            h = HINTS.get()
            console.print(
                f"[dim]the first {STEPS_SHOWN} of {len(steps.rows):,} steps; "
                f"`{h.all_rows}` prints every one, `{h.json}` lists them[/dim]"
            )
    _graph_size(result, console)


def department_rows(matrix: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The department x service matrix summed per department: the services it has steps
    reached in, those steps, how many of them the customer sees."""
    rows = []
    for row in matrix["rows"]:
        cells = [c for c in row["cells"] if c]
        rows.append(
            [row["department"], len(cells), sum(c[0] for c in cells), sum(c[1] for c in cells)]
        )
    return ["department", "services", "steps", "visible"], rows


def _diff(result: Result, console: Console) -> None:
    """The redesign diff as `bpql diff` prints it: the summary first, then the details."""
    from bpql.present.diff import to_text

    comparison = getattr(result, "comparison", None)
    if comparison is None:
        raise BpqlError("this diff result holds no comparison", code="BPQL-C089")
    from rich.text import Text

    console.print(Text(to_text(comparison)), end="")  # escaped there


#: how each kind of result is drawn on a terminal
PRESENTERS: dict[str, Callable[[Result, Console], None]] = {
    "table": _table,
    "graph": _nodes,
    "impact": _impact,
    "blueprint": _graph_size,
    "observed": _graph_size,  # the observed blueprint (bpql/viz/observed.py)
    # the redesign: `bpql diff` results and what-if answers (bpql/analysis/compare.py,
    # bpql/analysis/whatif.py)
    "diff": _diff,
    "whatif": _impact,
}


def print_results(
    results: list[Any],
    fmt: str,
    *,
    all_rows: bool = False,
    limit: int | None = None,
    offset: int | None = None,
) -> None:
    """Print each result (or compiled plan, for `explain`) in `fmt`: table, json or csv.
    `all_rows` prints every row of a large answer where its summary would be; `limit` and
    `offset` page its rows (`Result.page`)."""

    if limit is not None or offset is not None:
        results = [_paged(r, limit, offset or 0) for r in results]
        all_rows = True  # a page asked for is printed whole
    token = ALL_ROWS.set(all_rows)
    try:
        _print_results(results, fmt)
    finally:
        ALL_ROWS.reset(token)


class _PageOf:
    """A page of an answer's rows, with where it is in them (for JSON's `page`)."""

    def __init__(self, result: Result, limit: int | None, offset: int) -> None:
        self.result = result.page(limit, offset)
        self.about = {"offset": offset, "limit": limit, "total": result.row_count()}

    def where(self) -> str:
        """`rows 2-3 of 6`, or that the page starts past the last row."""
        offset, total = self.about["offset"], self.about["total"]
        assert isinstance(offset, int) and isinstance(total, int)
        shown = self.result.row_count()
        if not shown:
            return f"no rows from {offset + 1:,} on: the answer has {counted(total, 'row')}"
        return f"rows {offset + 1:,}-{offset + shown:,} of {total:,}"


def _paged(result: Any, limit: int | None, offset: int) -> Any:
    from bpql.query.plan import ExplainResult

    if isinstance(result, ExplainResult) or not isinstance(result, Result):
        return result
    return _PageOf(result, limit, offset)


def _json(r: Any) -> Any:
    if isinstance(r, _PageOf):
        return {**r.result.to_json(), "page": r.about}
    return r.to_json()


def _print_results(results: list[Any], fmt: str) -> None:
    from rich.console import Console

    from bpql.api import explain_text
    from bpql.query.plan import ExplainResult

    if fmt == "json" and len(results) > 1:
        # one document per run, so any JSON reader takes the output of a file of queries
        docs = [_json(r) for r in results]
        print(json_text(docs))
        return
    if fmt == "csv" and len(results) > 1:
        raise BpqlError(
            f"CSV holds one table, and these queries give {len(results)} answers: run them one "
            "at a time, or use --format json for all of them in one document",
            code="BPQL-C010",
        )
    console = Console()
    for i, r in enumerate(results):
        if i and fmt == "table":
            console.print()
        if isinstance(r, ExplainResult):
            plan = explain_text(r.plans)
            print(
                json_text(r.to_json()) if fmt == "json" else terminal_text(plan, keep_newlines=True)
            )
            continue
        if fmt == "json":
            print(json_text(_json(r)))
            continue
        page = r if isinstance(r, _PageOf) else None
        if page is not None:
            r = page.result
        text = as_text(r, fmt)
        if text is None:
            show(r, console)
            if page is not None:  # where the page stands in the whole answer
                console.print(f"[dim]{page.where()}[/dim]")
        else:
            print(text)
