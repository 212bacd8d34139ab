"""Screenshots of every view for docs/img/, taken in headless Chromium as the tests open them.

python scripts/screenshots.py            # rewrites docs/img/*.png; look at them before committing
python scripts/screenshots.py NAME.png   # only those named
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bpql import connect
from bpql.testing.browser import chromium, open_view
from bpql.testing.synthetic import write_enterprise

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img"

#: file name -> (enterprise, query, or (service, scenario) for a blueprint, or (service,
#: "diff") for its as-is against its to-be, and max_nodes)
SHOTS: dict[str, tuple[str, str | tuple[str, str], int | None]] = {
    "graph-view.png": ("insurer", 'show system "payments-gateway" depth 2', None),
    "path-view.png": (
        "insurer",
        'path from step "claims.submit-claim" to system "mainframe"',
        None,
    ),
    "impact-view.png": ("insurer", 'impact of department "billing"', None),
    "blueprint-view.png": ("insurer", ("claims", "as-is"), None),
    "blueprint-to-be-view.png": ("insurer", ("claims", "to-be"), None),
    "clinic-blueprint-view.png": ("clinic", ("check-in", "to-be"), None),
    "diff-view.png": ("insurer", ("claims", "diff"), None),
    "clinic-diff-view.png": ("clinic", ("check-in", "diff"), None),
    "clinic-impact-view.png": ("clinic", 'impact of system "ehr"', None),
    "large-view.png": ("synthetic", 'show system "core" depth 2', None),
    "aggregate-view.png": ("synthetic", 'show system "core" depth 2', 500),
}


def main() -> None:
    import sys

    only = set(sys.argv[1:])  # file names to retake; all of them when none is named
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp_name, chromium() as browser:
        tmp = Path(tmp_name)
        folders = {
            "insurer": ROOT / "examples" / "insurer",
            "clinic": ROOT / "examples" / "clinic",
        }
        if not only or {"large-view.png", "aggregate-view.png"} & only:
            folders["synthetic"] = write_enterprise(tmp / "synthetic", services=82)
        clients = {}
        for name, folder in folders.items():
            clients[name] = connect(f"embedded:{tmp / name / 'graph.lbdb'}")
            clients[name].load(folder)
        try:
            for file, (enterprise, what, max_nodes) in SHOTS.items():
                if only and file not in only:
                    continue
                client = clients[enterprise]
                if isinstance(what, tuple) and what[1] == "diff":
                    result = client.diff(what[0])
                elif isinstance(what, tuple):
                    result = client.blueprint(*what)
                else:
                    result = client.query(what)
                title = None if isinstance(what, tuple) else what
                view = client.viz(result, max_nodes=max_nodes, title=title)
                page = view.save(tmp / f"{file}.html")
                report = open_view(browser, page, screenshot=OUT / file, viewport=(1600, 900))
                assert not report.console_errors and not report.requests, report
                print(f"{file}: {view.kind} view, {report.nodes} nodes, {report.edges} edges")
        finally:
            for c in clients.values():
                c.close()


if __name__ == "__main__":
    main()
