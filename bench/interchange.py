"""Time the interchange formats at 1,000 services: every export, and the import of the
workbook, beside writing the same YAML with hand-written code, in one run.

    python bench/interchange.py [--services 1000] [--runs 3]

The synthetic enterprise (`bpql.testing.synthetic`, 24 steps a service) is written, then
read and validated once (as models and as a graph, not timed). Each export is the Python
function on that graph or those files (median of `--runs`), and once as the whole command a
user runs (`bpql export FORMAT FOLDER -o OUT` in a process of its own: interpreter start,
reading and validating 1,000 files, writing). The import is `import_xlsx` on the exported
workbook into an empty folder (read every sheet, check everything at its cell, write the
files to a folder beside it, validate that folder as `bpql validate` would, move them into
place), and once as `bpql import xlsx` in its own process; the files it writes validate to
the same graph as the files the workbook came from (checked, printed). The baseline writes
the same enterprise's files with hand-written code (f-strings, JSON-quoted text: no YAML
library, no checks), which validate to the same graph too (checked).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bpql.interchange.archimate import export_archi_csv, export_archimate  # noqa: E402
from bpql.interchange.bpmn import export_bpmn  # noqa: E402
from bpql.interchange.drawio import export_drawio  # noqa: E402
from bpql.interchange.mermaid import export_mermaid  # noqa: E402
from bpql.interchange.source import FileSet, read_files  # noqa: E402
from bpql.interchange.tables import export_csv  # noqa: E402
from bpql.interchange.xlsx import export_xlsx, import_xlsx  # noqa: E402
from bpql.interchange.yamlout import duration_text  # noqa: E402
from bpql.model.validate import validate_paths  # noqa: E402
from bpql.testing.synthetic import write_enterprise  # noqa: E402

Timing = tuple[float, float]  # wall, cpu


def median(fn: Callable[[], Any], runs: int) -> Timing:
    """Median wall time and median CPU time (this process's user + system) of `runs` calls:
    the machine is shared, and CPU time moves less with the load of others."""
    walls, cpus = [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def command(*args: str) -> Timing:
    """One `bpql` command in its own process: wall time and its CPU time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-m", "bpql.cli", *args], cwd=ROOT, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise SystemExit(f"bpql {' '.join(args)} failed:\n{r.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


# --- the baseline: the same files, by hand --------------------------------------------------


def _q(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _ids(values: list[str]) -> str:
    return "[" + ", ".join(values) + "]"


def handwritten(files: FileSet, out: Path) -> None:
    """The enterprise's files written with f-strings: what any script writing blueprints by
    hand does (text JSON-quoted, which YAML reads; lists and mappings in flow style)."""
    ent = files.enterprise
    lines = [f"enterprise: {_q(ent.enterprise)}", "departments:"]
    lines += [f"  - {{id: {d.id}, name: {_q(d.name)}}}" for d in ent.departments]
    lines.append("roles:")
    for r in ent.roles:
        dept = f", department: {r.department}" if r.department else ""
        lines.append(f"  - {{id: {r.id}, name: {_q(r.name)}{dept}}}")
    lines.append("systems:")
    for s in ent.systems:
        extra = f", kind: {_q(s.kind)}" if s.kind else ""
        extra += f", owner: {s.owner}" if s.owner else ""
        extra += f", depends_on: {_ids(s.depends_on)}" if s.depends_on else ""
        lines.append(f"  - {{id: {s.id}, name: {_q(s.name)}{extra}}}")
    lines.append("touchpoints:")
    lines += [
        f"  - {{id: {t.id}, name: {_q(t.name)}, channel: {t.channel}}}" for t in ent.touchpoints
    ]
    lines.append("personas:")
    lines += [f"  - {{id: {p.id}, name: {_q(p.name)}}}" for p in ent.personas]
    (out / files.enterprise_path).parent.mkdir(parents=True, exist_ok=True)
    (out / files.enterprise_path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    for rel, bp in files.blueprints:
        lines = [
            f"service: {{id: {bp.service.id}, name: {_q(bp.service.name)}}}",
            f"scenario: {bp.scenario}",
        ]
        if bp.personas:
            lines.append(f"personas: {_ids(bp.personas)}")
        lines.append("phases:")
        lines += [f"  - {{id: {p.id}, name: {_q(p.name)}}}" for p in bp.phases]
        lines.append("steps:")
        for s in bp.steps:
            lines += [
                f"  - id: {s.id}",
                f"    name: {_q(s.name)}",
                f"    lane: {s.lane}",
                f"    phase: {s.phase}",
            ]
            if s.touchpoint:
                lines.append(f"    touchpoint: {s.touchpoint}")
            for key in ("performed_by", "uses", "supports", "shows"):
                if getattr(s, key):
                    lines.append(f"    {key}: {_ids(getattr(s, key))}")
            for key in ("target_time", "max_wait"):
                if getattr(s, key):
                    lines.append(f"    {key}: {duration_text(getattr(s, key))}")
            if s.moment_of_truth:
                lines.append("    moment_of_truth: true")
            if s.fail_points:
                lines.append("    fail_points:")
                for f in s.fail_points:
                    lines.append(
                        f"      - {{id: {f.id}, name: {_q(f.name)}, severity: {f.severity}, "
                        f"occurrence: {f.occurrence}, detection: {f.detection}}}"
                    )
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bpql-bench-interchange-"))
    try:
        src = write_enterprise(work / "src", services=args.services)
        ent, files = read_files([src])
        graph = validate_paths([src]).graph
        steps = len(graph.nodes["Step"])
        print(f"synthetic enterprise: {args.services} services, {steps} steps")

        def by_hand() -> None:
            out = work / "hand"
            shutil.rmtree(out, ignore_errors=True)
            handwritten(files, out)

        base, base_cpu = median(by_hand, args.runs)
        same = validate_paths([work / "hand"]).graph == graph
        print(
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; medians of "
            f"{args.runs}, wall / cpu"
        )
        print(
            f"baseline, the same YAML written by hand-written code: {base:.2f} / "
            f"{base_cpu:.2f} s (validates to the same graph: {same})"
        )
        out = work / "out"
        out.mkdir()
        exports: list[tuple[str, Callable[[], Any], str]] = [
            ("xlsx", lambda: export_xlsx(files, out / "b.xlsx"), "b.xlsx"),
            ("csv", lambda: export_csv(files, out / "csv"), "csv"),
            ("archimate", lambda: export_archimate(ent, out / "m.xml"), "m.xml"),
            ("archi-csv", lambda: export_archi_csv(ent, out / "archi"), "archi"),
            ("bpmn", lambda: export_bpmn(ent, out / "p.bpmn"), "p.bpmn"),
            ("mermaid", lambda: export_mermaid(ent, out / "f.md"), "f.md"),
            ("drawio", lambda: export_drawio(ent, out / "d.drawio"), "d.drawio"),
        ]
        print(
            f"\n{'export':<10} {'function wall/cpu':>18} {'cpu ratio':>10} "
            f"{'command wall/cpu':>17}  size"
        )
        for name, fn, target in exports:
            t, cpu = median(fn, args.runs)
            path = out / target
            size = (
                sum(p.stat().st_size for p in path.iterdir())
                if path.is_dir()
                else path.stat().st_size
            )
            cwall, ccpu = command(
                "export", name, str(src), "--scenario", "both", "-o", str(work / f"cmd-{target}")
            )
            print(
                f"{name:<10} {t:>8.2f} / {cpu:>5.2f} s {cpu / base_cpu:>9.2f}x "
                f"{cwall:>7.2f} / {ccpu:>5.2f} s  {size / 1e6:.1f} MB"
            )

        def imported() -> None:
            shutil.rmtree(work / "imported", ignore_errors=True)
            import_xlsx(out / "b.xlsx", work / "imported")

        t, cpu = median(imported, args.runs)
        same = validate_paths([work / "imported"]).graph == graph
        shutil.rmtree(work / "cmd-import", ignore_errors=True)
        cwall, ccpu = command("import", "xlsx", str(out / "b.xlsx"), "-o", str(work / "cmd-import"))
        print(
            f"\nimport xlsx into an empty folder: {t:.2f} / {cpu:.2f} s, cpu ratio "
            f"{cpu / base_cpu:.2f}x the baseline; as a command {cwall:.2f} / {ccpu:.2f} s; "
            f"the same graph as the files it came from: {same}"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
