"""Time `bpql lint` on 1,000 service files (the synthetic enterprise): the issue asks <= 5 s.

    python bench/lint.py [--services 1000] [--runs 5]

Prints each run and the median, for the whole lint (read, validate, every rule of
`bpql:all`) and, for comparison, for reading the files with ruamel alone, as `bpql validate`
does.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bpql.lint import lint_paths
from bpql.lint.config import PRESETS, Config
from bpql.model.validate import collect_files
from bpql.model.yamlpos import read_yaml
from bpql.testing.synthetic import write_enterprise


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    config = Config(PRESETS["bpql:all"]())
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_enterprise(Path(tmp) / "synthetic", services=args.services)
        files = collect_files([folder])
        lines = sum(len(f.read_text(encoding="utf-8").splitlines()) for f in files)
        print(f"synthetic enterprise: {len(files)} files, {lines:,} lines")
        times, findings = [], 0
        for run in range(args.runs):
            started = time.perf_counter()
            report = lint_paths([folder], config)
            times.append(time.perf_counter() - started)
            findings = len(report.findings)
            print(f"run {run + 1}: {times[-1]:.2f} s ({findings:,} findings)")
        print(f"lint, median of {args.runs}: {statistics.median(times):.2f} s")
        started = time.perf_counter()
        for f in files:
            read_yaml(f)
        print(
            f"for comparison, reading the files with ruamel (as validate): "
            f"{time.perf_counter() - started:.2f} s"
        )


if __name__ == "__main__":
    main()
