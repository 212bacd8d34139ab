"""`bpql demo`: the example enterprises in a fresh embedded store, and the four daily jobs
answered on them, with no server and nothing to set up."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bpql.result import Result

#: the example enterprises ship in the package; the top-level examples/ of a checkout links here
EXAMPLES_CANDIDATES = (Path(__file__).resolve().parents[1] / "examples",)

#: (enterprise, job, query): the four daily jobs of DESIGN.md on the examples
SHOWCASE: tuple[tuple[str, str, str], ...] = (
    (
        "insurer",
        "1. Which services depend on a support system?",
        'find services where depends on system "payments-gateway"',
    ),
    ("insurer", "2. What does a change to a department reach?", 'impact of department "billing"'),
    (
        "insurer",
        "3. Touchpoint inventory: every touchpoint, its channel, who uses it",
        "find touchpoints return id, name, channel, services order by channel",
    ),
    ("insurer", "3b. Touchpoints per channel", "count touchpoints by channel"),
    ("insurer", "4. Exploring around a system", 'show system "crm" depth 1'),
    (
        "insurer",
        "   ... and the riskiest fail points",
        "find failpoints where rpn >= 200 order by rpn desc limit 10",
    ),
    (
        "clinic",
        "1. Clinic: which services depend on the EHR?",
        'find services where depends on system "ehr"',
    ),
    ("clinic", "2. Clinic: touchpoints per channel", "count touchpoints by channel"),
)


def examples_dir() -> Path:
    for p in EXAMPLES_CANDIDATES:
        if p.is_dir():
            return p
    from bpql.errors import BpqlError

    raise BpqlError(
        "the example enterprises are not installed (examples/ is missing)", code="BPQL-C008"
    )


#: the jobs whose answers are drawn, and the file each view is written to
DRAWN = {
    'impact of department "billing"': "billing-impact.html",
    'show system "crm" depth 1': "crm.html",
}
#: rows of an answer shown on the first screen
TOP_ROWS = 4


def _fit(text: str, width: int) -> str:
    from bpql.errors import escape_breaks

    text = escape_breaks(text)
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def summary(result: Result, width: int = 80, rows: int = TOP_ROWS) -> list[str]:
    """An answer in a few lines: its headline figures, then its top rows."""
    from collections import Counter

    from bpql.result import cell_text

    out: list[str] = []
    table = result.table
    if result.kind in ("impact", "whatif") and table is not None and result.steps is not None:
        cols = table.columns
        visible = cols.index("visible") if "visible" in cols else None
        n_visible = sum(int(r[visible] or 0) for r in table.rows) if visible is not None else 0
        out.append(
            f"reaches {len(table.rows)} services, {len(result.steps.rows)} steps "
            f"({n_visible} customer-visible); most affected:"
        )
        steps = cols.index("steps")
        top = sorted(table.rows, key=lambda r: (-int(r[steps] or 0), str(r[0])))[:rows]
        for r in top:
            extra = f", {r[visible]} visible" if visible is not None else ""
            out.append(_fit(f"  {r[0]}: {r[steps]} steps{extra}", width))
        if "touchpoints" in cols:
            i = cols.index("touchpoints")
            seen = sorted({str(t) for r in table.rows for t in (r[i] or [])})
            out.append(_fit(f"touchpoints reached: {', '.join(seen)}", width))
    elif result.kind == "graph" and result.graph is not None:
        kinds = Counter(n.label for n in result.graph.nodes.values())
        parts = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
        out.append(
            _fit(
                f"graph: {len(result.graph.nodes)} nodes, {len(result.graph.edges)} edges "
                f"({parts})",
                width,
            )
        )
    elif table is not None:
        n = len(table.rows)
        dot = " \u00b7 "
        out.append(_fit(f"{n} row{'' if n == 1 else 's'} ({dot.join(table.columns)}):", width))
        for r in table.rows[:rows]:
            out.append(_fit("  " + dot.join(cell_text(v) for v in r), width))
        if n > rows:
            out.append(f"  ... {n - rows} more")
    return out


def _quoted(query: str) -> str:
    return "'" + query.replace("'", "'\\''") + "'"


def _observed(console: Any, client: Any, mapping: Path, views: Path, width: int) -> Path:
    """The claims log held against its blueprint (bpql observe): a few figures of the latest
    period, and the observed blueprint drawn."""
    from rich.markup import escape

    from bpql.backends import connect
    from bpql.observe.analyse import observe
    from bpql.observe.mapping import read_mapping
    from bpql.observe.store import write_observed

    read = read_mapping(mapping)
    found = observe(read)
    # the client reads; the store is opened for writing for this alone, as bpql observe does
    with connect(client.uri, create=False, read_only=False) as writer:
        write_observed(writer, found, read)
    console.print()
    console.rule("[bold]What the claims log says (bpql observe)", style="dim")
    console.print(f"[cyan]$[/cyan] bpql observe {escape(str(mapping))}", soft_wrap=True)
    # the latest period whose cases have all ended (the last one still has open cases)
    p = next((q for q in reversed(found.periods) if not q.open), found.periods[-1])

    def pct(x: float | None) -> str:
        return "-" if x is None else f"{100 * x:.0f}%"

    lines = [
        f"{p.period}: {p.cases} cases, conformance {pct(p.conformance)}, first-time-right "
        f"{pct(p.ftr)}, fall-out {pct(p.fallout)}",
    ]
    if p.deviations:
        d = p.deviations[0]
        what = (
            d.what
            if d.kind == "adhoc"
            else next((s.name for s in p.steps if s.step == d.step), d.step)
        )
        lines.append(f"most frequent deviation: {d.kind}, {what} ({d.cases} cases)")
    worst = max(p.steps, key=lambda s: s.breach or 0)
    if worst.breach:
        lines.append(f"most over its standard: {worst.name} ({pct(worst.breach)} of cases)")
    for line in lines:
        console.print(escape(_fit(line, width)))
    drawn = client.observed_blueprint("claims")
    path: Path = client.viz(drawn).save(views / "claims-observed.html")
    return path


def run_demo(store: Path | None = None) -> int:
    from rich.console import Console
    from rich.markup import escape

    from bpql.api import connect

    console = Console(highlight=False)
    width = max(40, console.width)
    root = examples_dir()
    views = store / "views" if store else Path(tempfile.mkdtemp(prefix="bpql-demo-views-"))
    views.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bpql-demo-") as tmp:
        base = store or Path(tmp)
        clients = {}
        for name in ("insurer", "clinic"):
            if not (root / name).is_dir():
                continue
            db_path = base / f"{name}.lbdb"
            for stale in (db_path, Path(f"{db_path}.wal")):
                if stale.exists():
                    stale.unlink()
            started = time.perf_counter()
            client = connect(f"embedded:{db_path}")
            ent = client.load(root / name)
            n = ent.graph.counts()["nodes"]
            console.print(
                f"[green]loaded[/green] {escape(ent.name)}: {n['Service']} services, "
                f"{n['Step']} steps in {time.perf_counter() - started:.1f} s"
            )
            clients[name] = client
        for enterprise, title, query in SHOWCASE:
            if enterprise not in clients:
                continue
            client = clients[enterprise]
            result = client.query(query)
            console.print()
            console.rule(f"[bold]{escape(title.strip())}", style="dim")
            console.print(f"[cyan]bpql>[/cyan] {escape(query)}")
            for line in summary(result, width):
                console.print(escape(line))
            db = f" --db embedded:{base / f'{enterprise}.lbdb'}" if store else ""
            more = f"bpql query {_quoted(query)}{db}"
            # a command to copy is never cut: the terminal wraps it
            console.print(f"[dim]whole answer:[/dim] {escape(more)}", soft_wrap=True)
            if query in DRAWN:
                path = client.viz(result, title=query).save(views / DRAWN[query])
                console.print(f"[dim]drawn:[/dim] {escape(str(path))}", soft_wrap=True)
        observed_path = None
        mapping = root / "observed" / "insurer-claims-mapping.yaml"
        if "insurer" in clients and mapping.is_file():
            observed_path = _observed(console, clients["insurer"], mapping, views, width)
        if "insurer" in clients:
            blueprint = clients["insurer"].blueprint("claims")
            path = clients["insurer"].viz(blueprint).save(views / "claims-blueprint.html")
            diff = clients["insurer"].diff("claims")
            diff_path = clients["insurer"].viz(diff).save(views / "claims-diff.html")
        for client in clients.values():
            client.close()
    console.print()
    console.rule("[bold]Further", style="dim")
    if "insurer" in clients:
        console.print(f"blueprint of Motor claims: {escape(str(path))}", soft_wrap=True)
        console.print(f"its as-is against its to-be: {escape(str(diff_path))}", soft_wrap=True)
    if observed_path is not None:
        console.print(f"as its log shows it: {escape(str(observed_path))}", soft_wrap=True)
    if not store:
        console.print(
            f"The demo's stores are gone; for your own: bpql load {escape(str(root / 'insurer'))}",
            soft_wrap=True,
        )
    console.print("Then bpql shell, bpql serve (the explorer), or the queries above.")
    return 0
