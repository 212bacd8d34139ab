"""An enterprise's files as they were at a git revision, read without touching the work
tree (`git ls-tree` and `git show` into a temporary folder), for `bpql diff --rev`: the
enterprise folder at or above a path, the files at the revision, both versions validated.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from bpql.errors import BpqlError
from bpql.graphdata import GraphData

#: a line that opens an enterprise file (its top-level `enterprise:` key)
_ENTERPRISE_TOP = re.compile(rb"""^(?:enterprise|"enterprise"|'enterprise')\s*:""", re.M)


def _holds_enterprise_file(folder: Path) -> bool:
    """Whether a YAML file directly in `folder` opens with `enterprise:` (read bounded, and
    only regular files: the same refusals as a load's)."""
    from bpql.model.files import YAML_SUFFIXES, FileRefused, read_regular

    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return False
    for name in names:
        if not name.endswith(YAML_SUFFIXES):
            continue
        try:
            text = read_regular(folder / name)
        except (FileRefused, OSError):
            continue
        if _ENTERPRISE_TOP.search(text):
            return True
    return False


def enterprise_folder(path: Path, top: Path) -> Path:
    """The enterprise folder for `path`: itself when it is a folder whose files hold the
    enterprise file, else the nearest folder above it (not above `top`, the git work tree)
    that holds one. A file or a service sub-folder is not an enterprise on its own."""
    from bpql.model.files import collect_files

    if path.is_dir():
        try:
            files = collect_files([path])
        except BpqlError:
            files = []
        if any(_holds_enterprise_file(f.parent) for f in {f.parent: f for f in files}.values()):
            return path
    here = path if path.is_dir() else path.parent
    while True:
        if _holds_enterprise_file(here):
            return here
        if here == top or here.parent == here:
            break
        here = here.parent
    raise BpqlError(
        f"{path}: no enterprise file (one with 'enterprise:' at the top) in it or in a folder "
        "above it; give the enterprise folder, as in `bpql diff --rev HEAD~3 examples/insurer`",
        code="BPQL-C092",
    )


def _git(rev: str, cwd: Path, *args: str) -> bytes:
    """`git ARGS` in `cwd`; a failure is one line naming the revision."""
    import subprocess

    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60)
    except FileNotFoundError:
        raise BpqlError("--rev needs git, which is not installed", code="BPQL-C084") from None
    if done.returncode != 0:
        msg = done.stderr.decode(errors="replace").strip().splitlines()
        raise BpqlError(
            f"git {args[0]} failed for revision {rev!r}: {msg[-1] if msg else 'no output'}",
            code="BPQL-C085",
        )
    return done.stdout


def versions(rev: str, path: str | Path) -> tuple[GraphData, GraphData]:
    """The enterprise at or above `path` (a folder, a sub-folder or one of its files) as it
    was at git revision `rev` and as its files are now, each validated. The old files are
    written to a temporary folder, and a problem in them is reported as
    `REV:path/in/repo:line:col`, git's own name for the file, never the temporary path."""
    import tempfile

    from bpql.model.validate import validate_paths

    if rev.startswith("-") or not rev.strip():
        # git would read it as an option
        raise BpqlError(f"--rev: {rev!r} is not a git revision", code="BPQL-C090")
    target = Path(path).resolve()
    if not target.exists():
        raise BpqlError(f"--rev: no file or folder {path}", code="BPQL-C091")
    start = target if target.is_dir() else target.parent
    top = Path(_git(rev, start, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    folder = enterprise_folder(target, top)
    shown = Path(path) if folder == target else Path(os.path.relpath(folder))
    with tempfile.TemporaryDirectory(prefix="bpql-rev-") as tmp:
        files_at_revision(rev, str(folder), tmp, shown=str(shown))
        where = folder.relative_to(top).as_posix() if folder != top else ""
        try:
            old = validate_paths([Path(tmp)])
        except BpqlError as exc:
            raise _renamed(exc, tmp, f"{rev}:{where + '/' if where else ''}") from None
    new = validate_paths([folder])
    return old.graph, new.graph


def _renamed(exc: BpqlError, tmp: str, name: str) -> BpqlError:
    """`exc`, raised over the temporary folder, with that folder's name replaced by `name` in
    its spans and words (changed in place: its class, code and hints stay)."""
    from dataclasses import replace

    from bpql.errors import BlueprintError

    def one(e: BpqlError) -> None:
        if e.span is not None and e.span.file is not None:
            e.span = replace(
                e.span, file=e.span.file.replace(tmp + os.sep, name).replace(tmp, name)
            )
        e.message = e.message.replace(tmp + os.sep, name).replace(tmp, name)
        e.args = (e.message,)

    if isinstance(exc, BlueprintError):
        for problem in exc.problems:
            if problem is not exc:
                one(problem)
    one(exc)
    return exc


def files_at_revision(rev: str, path: str, into: str, shown: str | None = None) -> str:
    """The files under the folder `path` as they were at git revision `rev`, written under
    `into` (`git ls-tree` and `git show`; nothing in the work tree changes). Returns the
    folder; `shown` is how messages name `path`. `versions` checks `rev` and `path`
    first (git would read a revision starting with `-` as an option)."""
    target = Path(path).resolve()
    where = target

    def git(*args: str, cwd: Path = where) -> bytes:
        return _git(rev, cwd, *args)

    top = Path(git("rev-parse", "--show-toplevel").decode().strip()).resolve()
    rel = target.relative_to(top).as_posix() if target != top else ""
    listing = git("ls-tree", "-r", "--name-only", "-z", rev, "--", rel or ".", cwd=top)
    # every file, not only the YAML: an enterprise may name its own action priority CSV
    names = [n for n in listing.decode().split("\0") if n]
    if not any(n.endswith((".yaml", ".yml")) for n in names):
        raise BpqlError(
            f"revision {rev} holds no blueprint files under {shown or path}", code="BPQL-C086"
        )
    base = Path(into)
    for name in names:
        out = base / Path(name).relative_to(rel) if rel else base / name
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(git("show", f"{rev}:{name}", cwd=top))
    return str(base)
