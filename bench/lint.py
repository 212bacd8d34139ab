"""`bpql validate` and `bpql lint` on the synthetic enterprise, each a whole process, beside
reading the same files with PyYAML's C loader in the same run (issue 25: validate and lint
within 2x of that read, and under 1 GB, at 10,000 services).

    python bench/lint.py [--services 1000 10000] [--runs 3] [--folder DIR] [--before CHECKOUT]

For each size: wall time, CPU time (user + system) and peak RSS of each process (from
`os.wait4`, the process's own figures), the median of `--runs`, and the ratios to the C read.
The enterprise is written once per size under `--folder` (kept and reused if there) or a
temporary folder. `--before` runs the same `bpql` commands from another checkout too (for
example `/work/main`), so figures before and after a change come from the same run.

"C YAML read": `yaml.load(bytes, Loader=yaml.CSafeLoader)` over every file the enterprise
has (found as `bpql` finds them), no checks: what a hand-written reader spends reading. The
lint runs are `bpql:recommended` (the default) and `bpql:all` (which runs the one rule that
reads the validated graph, so lint keeps it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bpql.testing.synthetic import write_enterprise  # noqa: E402

C_READ = """
import sys, yaml
from pathlib import Path
from bpql.model.files import collect_files
for f in collect_files([Path(sys.argv[1])]):
    yaml.load(f.read_bytes(), Loader=yaml.CSafeLoader)
"""

Figures = tuple[float, float, float]  # wall s, cpu s, peak RSS MB


def run(argv: list[str], root: Path) -> Figures:
    """One process: its wall time, its own CPU time and its own peak RSS."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if code not in (0, 1):  # lint exits 1 on an error finding; anything else is a failure
        sys.exit(f"{' '.join(argv)} failed ({code}):\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--folder", type=Path, help="where the enterprises are kept (reused)")
    parser.add_argument("--before", type=Path, help="another checkout to run bpql from too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bpql-bench-lint-") as tmp:
        base = args.folder or Path(tmp)
        config = Path(tmp) / "all.toml"
        config.write_text('[lint]\nextends = ["bpql:all"]\n', encoding="utf-8")
        roots = [("after", ROOT)] + ([("before", args.before.resolve())] if args.before else [])
        for services in args.services:
            folder = base / f"synthetic-{services}"
            if not (folder / "enterprise.yaml").exists():
                write_enterprise(folder, services=services)
            files = sum(1 for _ in folder.rglob("*.yaml"))
            print(f"\n{services:,} services ({files:,} files), {args.runs} runs each", flush=True)
            measures: dict[str, tuple[list[str], Path]] = {
                "C YAML read": ([sys.executable, "-c", C_READ, str(folder)], ROOT)
            }
            for name, root in roots:
                bpql = [sys.executable, "-m", "bpql.cli"]
                measures[f"validate ({name})"] = ([*bpql, "validate", str(folder)], root)
                measures[f"lint ({name})"] = ([*bpql, "lint", str(folder)], root)
                lint_all = [*bpql, "lint", str(folder), "--config", str(config)]
                measures[f"lint bpql:all ({name})"] = (lint_all, root)
            seen: dict[str, list[Figures]] = {name: [] for name in measures}
            for i in range(args.runs):
                for name, (argv, root) in measures.items():  # interleaved: the same load
                    seen[name].append(run(argv, root))
                    w, c, m = seen[name][-1]
                    print(f"  run {i + 1} {name}: {w:.1f} s wall, {c:.1f} s cpu, {m:,.0f} MB")
            med = {
                name: tuple(statistics.median(f[k] for f in got) for k in range(3))
                for name, got in seen.items()
            }
            print(f"medians at {services:,} services (wall s, cpu s, peak RSS MB; x the C read)")
            cw, cc, _ = med["C YAML read"]
            for name, (w, c, m) in med.items():
                print(f"  {name:<26} {w:7.1f} {w / cw:5.2f}x {c:7.1f} {c / cc:5.2f}x {m:8,.0f}")


if __name__ == "__main__":
    main()
