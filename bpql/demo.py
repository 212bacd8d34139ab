"""`bpql demo`: the example enterprises in a fresh embedded store, and the four daily jobs
answered on them, with no server and nothing to set up."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

#: the example enterprises ship in the package; the top-level examples/ of a checkout links here
EXAMPLES_CANDIDATES = (Path(__file__).resolve().parent / "examples",)

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


def run_demo(store: Path | None = None) -> int:
    from rich.console import Console

    from bpql.api import connect
    from bpql.present import show

    console = Console()
    root = examples_dir()
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
                f"[green]loaded[/green] {ent.name}: {n['Service']} services, {n['Step']} steps, "
                f"{n['System']} systems in {time.perf_counter() - started:.2f} s"
            )
            clients[name] = client
        for enterprise, title, query in SHOWCASE:
            if enterprise not in clients:
                continue
            console.print()
            console.rule(f"[bold]{title}")
            console.print(f"[cyan]bpql>[/cyan] {query}", highlight=False)
            show(clients[enterprise].query(query), console)
        for client in clients.values():
            client.close()
    console.print()
    console.print('Next: bpql load examples/insurer, then bpql shell, or bpql query "..."')
    console.print(
        "Draw it: bpql viz --blueprint claims -o claims.html, or "
        "bpql viz 'impact of department \"billing\"' -o impact.html"
    )
    return 0
