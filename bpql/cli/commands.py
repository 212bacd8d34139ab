"""What the shell shares with the command line: the check that a store holds an enterprise,
and `bpql diff` (its arguments and its run), so both import them and neither imports the
other."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bpql.safe import json_text, terminal_text

if TYPE_CHECKING:
    from bpql.backends.base import Backend


def loaded(backend: Backend) -> Backend:
    """Refuse to answer from an empty store: `0 rows` would read as a real answer."""
    from bpql.backends.reads import services
    from bpql.errors import BackendError

    if not services(backend):
        backend.close()
        raise BackendError(
            f"the store {backend.uri} holds no enterprise: load one first, as in "
            f"`bpql load examples/insurer --db {backend.uri}`",
            code="BPQL-S021",
        )
    return backend


def diff_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of `bpql diff` (all but `--db`), shared with the shell's `diff`."""
    p.add_argument(
        "targets",
        nargs="*",
        metavar="SERVICE|PATH",
        help="a service (id or name; none: every service with a to-be), or two folders, or "
        "with --rev the enterprise folder, a sub-folder or a file of it",
    )
    p.add_argument("--variant", help='which to-be variant ("" for the one without a variant)')
    p.add_argument(
        "--files",
        action="append",
        metavar="PATH",
        help="read the blueprints from this enterprise folder or file instead of the store "
        "(repeat for more files)",
    )
    p.add_argument("--rev", help="a git revision: compare PATH's files then and now (no store)")
    p.add_argument(
        "--view", metavar="FILE", help="also write the diff view: .html (a page), .svg or .png"
    )
    p.add_argument("--format", choices=["text", "json"], default="text")


def run_diff(args: argparse.Namespace, open_store: Callable[[], Backend]) -> int:
    """`bpql diff`, with the store opened by `open_store`: the CLI's `--db`, or the shell's."""
    from bpql import api
    from bpql.analysis import compare
    from bpql.errors import BpqlError

    targets = list(args.targets)
    result: compare.DiffResult
    if args.rev is not None:
        if len(targets) != 1 or args.files:
            raise BpqlError(
                "--rev REV takes one PATH: the enterprise folder to compare with its files at "
                "REV, as in `bpql diff --rev HEAD~3 examples/insurer`",
                code="BPQL-C087",
            )
        result = api.diff_revision(args.rev, targets[0])
    elif len(targets) == 2 and all(Path(t).exists() for t in targets):
        result = api.diff_paths(targets[0], targets[1])
    elif len(targets) > 1:
        raise BpqlError(
            f"expected one SERVICE, or two existing folders to compare; got {len(targets)} "
            "arguments" + "".join(f"; no folder {t}" for t in targets if not Path(t).exists()),
            code="BPQL-C088",
        )
    else:
        service = targets[0] if targets else None
        if args.files:
            result = api.diff_scenarios(*args.files, service=service, variant=args.variant)
        else:
            with loaded(open_store()) as backend:
                result = api.Client.over(backend).diff(service, args.variant)
    assert result.comparison is not None
    if args.view:
        from bpql.viz.diffview import diff_view
        from bpql.viz.export import check_output, write

        check_output(Path(args.view))
        view = diff_view(result.comparison)
        try:
            write(result, view, Path(args.view))
        except OSError as exc:
            raise BpqlError(
                f"{args.view}: cannot write the view: {exc.strerror}", code="BPQL-C130"
            ) from None
        print(terminal_text(f"wrote {args.view}"), file=sys.stderr)
    if args.format == "json":
        print(json_text(result.to_json()))
    else:
        from bpql.present.diff import to_text

        sys.stdout.write(to_text(result.comparison))
    return 0
