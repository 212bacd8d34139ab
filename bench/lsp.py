"""`bpql lsp` at 1,000 services: the language server driven over stdio with real LSP messages.

    python bench/lsp.py [--services 1000] [--runs 10]

A synthetic enterprise (bpql.testing.synthetic) is written to a temporary folder, the server
started on it (`python -m bpql.cli lsp`, a process of its own) and initialised as an editor
does. Printed, as medians of `--runs`:

1. diagnostics after a save of one service file: from `didSave` (with its `didChange`) to the
   `publishDiagnostics` of that file, the edit alternating between a typo (an error with a
   did-you-mean) and its fix; beside the hand-written baseline in the same run: `bpql lint` of
   the whole enterprise in-process (what a server that checks everything on each save does);
2. completion of a role in `performed_by:`, request to answer;
3. rename of a role across every file that names it (request to WorkspaceEdit), checked
   against the files: every occurrence and nothing else.

The issue's budgets: diagnostics <= 300 ms after a save, completion <= 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import time
from pathlib import Path

from bpql.lint import lint_paths
from bpql.lsp.client import Session, apply_edits, uri
from bpql.testing.synthetic import write_enterprise


async def bench(root: Path, runs: int) -> None:
    started = time.perf_counter()
    async with Session(root) as s:
        target = root / "services" / "svc-500.yaml"
        text = target.read_text(encoding="utf-8")
        role = re.search(r"performed_by: (role-\d+)", text)
        assert role is not None
        opened = time.monotonic()
        s.open(target)
        await s.wait(target, lambda d: True, timeout=600)
        await s.quiet(opened)  # the check the opening scheduled
        ready = time.perf_counter() - started
        print(f"server ready (scan, parse and check of every file): {ready:.2f} s")
        # 1. diagnostics after a save: with the server quiet, and with saves 0.5 s apart (a
        # save lands while the background check of the one before runs)
        bad = text.replace(f"performed_by: {role[1]}", f"performed_by: {role[1]}x", 1)
        figures: dict[str, list[float]] = {"quiet": [], "busy": []}
        whole: list[float] = []
        for mode in ("quiet", "busy"):
            for i in range(runs):
                body = bad if i % 2 == 0 else text
                sent = time.monotonic()
                s.save(target, body)
                want_error = i % 2 == 0
                await s.wait(
                    target,
                    lambda d, e=want_error: any(x.severity == 1 for x in d) == e,  # type: ignore[misc]
                    after=sent,
                )
                figures[mode].append(s.published[uri(target)] - sent)
                if mode == "quiet":
                    whole.append(await s.quiet(sent) - sent)
                else:
                    await asyncio.sleep(0.5)
        await s.quiet(time.monotonic())  # the last busy save's check, before the baseline
        base = []
        for _ in range(max(1, runs // 3)):
            t0 = time.perf_counter()
            lint_paths([root])
            base.append(time.perf_counter() - t0)
        lint = statistics.median(base) * 1000
        for mode, times in figures.items():
            diag = statistics.median(times) * 1000
            print(
                f"1. diagnostics after a save of one file, {mode}, median of {runs}: {diag:.0f} ms "
                f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}); ratio to the "
                f"baseline {diag / lint:.3f}"
            )
        print(
            f"   baseline, bpql lint of the whole enterprise in-process, median of {len(base)}: "
            f"{lint:.0f} ms; the server's own check of the whole enterprise after a save, in "
            f"the background, median of {runs}: {statistics.median(whole) * 1000:.0f} ms"
        )
        # 2. completion
        lines = text.split("\n")
        row = next(i for i, line in enumerate(lines) if "performed_by: " in line)
        col = lines[row].index("performed_by: ") + len("performed_by: ")
        times = []
        count = 0
        for _ in range(runs):
            t0 = time.monotonic()
            items = await s.completion(target, row, col)
            times.append(time.monotonic() - t0)
            count = len(items)
        print(
            f"2. completion of a role ({count} candidates), median of {runs}: "
            f"{statistics.median(times) * 1000:.1f} ms (max {max(times) * 1000:.1f})"
        )
        # 3. rename across files
        t0 = time.monotonic()
        edit = await s.rename(target, row, col + 1, "renamed-role")
        took = time.monotonic() - t0
        assert edit is not None and edit.changes is not None
        name = lines[row][col:].split()[0]
        pattern = re.compile(rf"(?<![a-z0-9_-]){re.escape(name)}(?![a-z0-9_-])")
        expected = 0
        for f in sorted(root.rglob("*.yaml")):
            expected += len(pattern.findall(f.read_text(encoding="utf-8")))
        made = sum(len(v) for v in edit.changes.values())
        for u, edits in edit.changes.items():
            path = Path(u.removeprefix("file://"))
            after = apply_edits(path.read_text(encoding="utf-8"), edits)
            assert name not in pattern.findall(after), path
        print(
            f"3. rename of {name} across {len(edit.changes)} files: {made} edits "
            f"(the files name it {expected} times) in {took * 1000:.0f} ms"
        )
        assert made == expected


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--services", type=int, default=1000)
    p.add_argument("--runs", type=int, default=10)
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="bpql-bench-lsp-") as tmp:
        root = write_enterprise(Path(tmp) / "enterprise", services=args.services)
        print(f"synthetic enterprise: {args.services} services")
        asyncio.run(bench(root, args.runs))


if __name__ == "__main__":
    main()
