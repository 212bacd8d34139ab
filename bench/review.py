"""`bpql review` of a pull request in the 1,000-service synthetic enterprise, end to end.

    python bench/review.py [--services 1000] [--runs 3]

A git repository holds the synthetic enterprise (bpql.testing.synthetic) on `main`, and a
branch `pr` edits one service file (a step re-assigned to another role, a step added at a
touchpoint, a fail point added). Each figure is a whole command in a process of its own, run
from the repository, median of `--runs`:

1. `bpql review main...pr enterprise --format json` (the issue's budget: 20 s);
2. beside it in the same run: `bpql diff --rev main enterprise` on the checked-out `pr` (the
   redesign diff of the two versions), and two plain loads, `bpql load` of `main`'s files and
   of `pr`'s into fresh embedded stores (what comparing the versions through stores would
   start with), and `bpql validate` of each as the floor of reading both;
3. a second pull request that moves a role to another department (the enterprise file): every
   blueprint is compared and what the role reaches is `impact of` on a temporary store.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bpql.testing.synthetic import write_enterprise

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, env=ENV, check=True, capture_output=True, text=True
    ).stdout.strip()


def timed(cmd: list[str], cwd: Path, runs: int, ok: tuple[int, ...] = (0,)) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - t)
        if done.returncode not in ok:
            raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return statistics.median(times)


def edit_one_service(folder: Path) -> None:
    path = folder / "services" / "svc-500.yaml"
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition("    performed_by: ")
    role, _, tail = rest.partition("\n")
    other = "role-001" if role != "role-001" else "role-002"
    text = f"{head}    performed_by: {other}\n{tail}"
    text = text.replace(
        "      - {id: fp02,",
        "      - {id: fp-new, name: New failure, severity: 9, occurrence: 6, detection: 7}\n"
        "      - {id: fp02,",
        1,
    )
    text += (
        "  - id: s-new\n    name: A new step\n    lane: customer\n    phase: ph3\n"
        "    touchpoint: tp-001\n"
    )
    path.write_text(text, encoding="utf-8")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--services", type=int, default=1000)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    bpql = [sys.executable, "-m", "bpql.cli"]
    with tempfile.TemporaryDirectory(prefix="bpql-bench-review-") as tmp:
        repo = Path(tmp) / "repo"
        repo.mkdir()
        git(repo, "init", "-q", "-b", "main")
        write_enterprise(repo / "enterprise", services=args.services)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "synthetic enterprise")
        git(repo, "checkout", "-q", "-b", "pr")
        edit_one_service(repo / "enterprise")
        git(repo, "commit", "-q", "-am", "edit one service")
        base_copy = Path(tmp) / "main-files"
        git(repo, "worktree", "add", "-q", str(base_copy), "main")
        print(f"synthetic enterprise: {args.services} services; pr edits services/svc-500.yaml")
        review = timed(
            [*bpql, "review", "main...pr", "enterprise", "--format", "json"],
            repo,
            args.runs,
            (0, 1),
        )
        diff = timed([*bpql, "diff", "--rev", "main", "enterprise"], repo, args.runs)
        stores = Path(tmp) / "stores"
        loads = []
        for _ in range(args.runs):
            shutil.rmtree(stores, ignore_errors=True)
            stores.mkdir()
            t = time.perf_counter()
            for name, folder in (("main", base_copy / "enterprise"), ("pr", repo / "enterprise")):
                subprocess.run(
                    [*bpql, "load", str(folder), "--db", f"embedded:{stores / name}.lbdb"],
                    cwd=repo,
                    check=True,
                    capture_output=True,
                )
            loads.append(time.perf_counter() - t)
        load = statistics.median(loads)
        validate = timed([*bpql, "validate", str(base_copy / "enterprise")], repo, args.runs)
        validate += timed([*bpql, "validate", "enterprise"], repo, args.runs)
        n = args.runs
        print(f"1. bpql review main...pr, median of {n}: {review:.2f} s (budget 20 s)")
        print(
            f"2. bpql diff --rev main, median of {n}: {diff:.2f} s; review/diff {review / diff:.2f}"
        )
        print(
            f"   two plain loads (bpql load of each version into a fresh embedded store), "
            f"median of {n}: {load:.2f} s; review/loads {review / load:.2f}"
        )
        print(
            f"   bpql validate of each version, medians added: {validate:.2f} s; "
            f"review/validates {review / validate:.2f}"
        )
        # 3. the enterprise file: a role moved
        git(repo, "checkout", "-q", "-b", "pr-role", "main")
        ent = repo / "enterprise" / "enterprise.yaml"
        text = ent.read_text(encoding="utf-8")
        ent.write_text(
            text.replace(
                "{id: role-007, name: Role 007, department: dept-07}",
                "{id: role-007, name: Role 007, department: dept-01}",
            ),
            encoding="utf-8",
        )
        git(repo, "commit", "-q", "-am", "move a role")
        role = timed(
            [*bpql, "review", "main...pr-role", "enterprise", "--format", "json"],
            repo,
            args.runs,
            (0, 1),
        )
        print(
            "3. bpql review of a role moved (every blueprint compared, impact of role on a "
            f"temporary store), median of {n}: {role:.2f} s"
        )
        git(repo, "worktree", "remove", "--force", str(base_copy))


if __name__ == "__main__":
    main()
