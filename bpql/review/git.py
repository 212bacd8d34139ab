"""Two versions of an enterprise's files read from git, without touching the work tree.

`bpql review` compares BASE with HEAD, where each side is a commit, the index (`--staged`) or
the working files. A commit's or the index's files are listed by `git ls-tree` or
`git ls-files -s` and their blobs read in one `git cat-file --batch`, then written into a
temporary folder laid out as the repository is, so every reader (`collect_files`, the file
checks, an enterprise's own action priority CSV) sees a plain enterprise folder. Blobs over
the file size limit are refused before they are read.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bpql.errors import BpqlError
from bpql.model.files import (
    MAX_FILE_BYTES,
    YAML_SUFFIXES,
    FileRefused,
    collect_files,
    read_regular,
)

#: the two sides that are not commits
WORK = ":work"
INDEX = ":index"
#: git's timeout for one command: a huge repository is slow, a hung one must not hang us
GIT_TIMEOUT = 120


@dataclass(frozen=True)
class Revision:
    """One side of a review: a commit, the index or the working files."""

    #: as given (`main`, `HEAD~2`), or WORK / INDEX
    spec: str
    #: the full commit id; None for the index and the working files
    commit: str | None

    @property
    def label(self) -> str:
        """How reports name it: `main (1a2b3c4)`, `the index`, `the working files`."""
        if self.spec == WORK:
            return "the working files"
        if self.spec == INDEX:
            return "the index (staged)"
        short = (self.commit or "")[:7]
        return self.spec if self.spec == short else f"{self.spec} ({short})"

    def to_json(self) -> dict[str, str | None]:
        return {"spec": self.spec, "commit": self.commit, "label": self.label}


class Git:
    """git run in one repository, every failure one line (`BPQL-C30x`)."""

    def __init__(self, where: Path) -> None:
        folder = where if where.is_dir() else where.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent  # a path deleted in the work tree: ask from its folder
        self.top = Path(self.run("rev-parse", "--show-toplevel", cwd=folder).decode().strip())

    def run(self, *args: str, cwd: Path | None = None, stdin: bytes | None = None) -> bytes:
        try:
            done = subprocess.run(
                ["git", *args],
                cwd=cwd or self.top,
                input=stdin,
                capture_output=True,
                check=False,
                timeout=GIT_TIMEOUT,
                env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
            )
        except FileNotFoundError:
            raise BpqlError(
                "bpql review needs git, which is not installed", code="BPQL-C300"
            ) from None
        except subprocess.TimeoutExpired:
            raise BpqlError(
                f"git {args[0]} took longer than {GIT_TIMEOUT} s; stopped", code="BPQL-C301"
            ) from None
        if done.returncode != 0:
            lines = done.stderr.decode(errors="replace").strip().splitlines()
            last = lines[-1] if lines else "no output"
            if args[0] == "rev-parse" and "--show-toplevel" in args:
                raise BpqlError(
                    f"{cwd}: not inside a git repository ({last}); bpql review compares "
                    "revisions of files kept in git",
                    code="BPQL-C302",
                )
            raise BpqlError(f"git {args[0]} failed: {last}", code="BPQL-C303")
        return done.stdout

    def commit(self, spec: str) -> str:
        """The commit `spec` names; refused when git would read it as an option."""
        if not spec.strip() or spec.startswith("-") or "\0" in spec:
            raise BpqlError(f"{spec!r} is not a git revision", code="BPQL-C304")
        try:
            out = self.run(
                "rev-parse", "--verify", "--quiet", "--end-of-options", spec + "^{commit}"
            )
        except BpqlError:
            raise BpqlError(
                f"{spec!r}: no such commit in {self.top} (a branch, tag or commit id; a shallow "
                "clone may not have it: fetch with more history)",
                code="BPQL-C305",
            ) from None
        return out.decode().strip()

    def merge_base(self, a: str, b: str) -> str:
        try:
            return self.run("merge-base", a, b).decode().strip()
        except BpqlError:
            raise BpqlError(
                f"{a[:12]} and {b[:12]} have no common ancestor (for A...B); a shallow clone "
                "may not have it: fetch with more history",
                code="BPQL-C306",
            ) from None

    def relative(self, path: Path) -> str:
        """`path` relative to the repository's top, with '/' ('' for the top itself)."""
        absolute = Path(os.path.abspath(path))
        try:
            rel = absolute.relative_to(self.top)
        except ValueError:
            rel = Path(os.path.realpath(absolute)).relative_to(Path(os.path.realpath(self.top)))
        return "" if str(rel) == "." else rel.as_posix()


#: `A..B`, `A...B`, either end may be left out (HEAD)
_RANGE = re.compile(r"^(?P<a>.*?)(?P<dots>\.{2,3})(?P<b>.*)$")


def resolve_range(git: Git, spec: str | None, staged: bool) -> tuple[Revision, Revision]:
    """(BASE, HEAD) from what the user wrote, as git reads a range:

    - nothing: HEAD against the working files (`--staged`: against the index);
    - `A`: A against the working files (`--staged`: against the index);
    - `A..B`: A against B; `A...B`: the merge base of A and B against B (a pull request's
      own changes); a missing end is HEAD."""
    if spec is None or not _RANGE.match(spec):
        base = spec or "HEAD"
        head = Revision(INDEX if staged else WORK, None)
        return Revision(base, git.commit(base)), head
    if staged:
        raise BpqlError(
            f"--staged compares the index with a commit; give one commit, not the range {spec!r}",
            code="BPQL-C307",
        )
    m = _RANGE.match(spec)
    assert m is not None
    if len(m["dots"]) == 2 and "." in m["b"][:1]:
        raise BpqlError(f"{spec!r}: expected A..B or A...B", code="BPQL-C308")
    a, b = m["a"] or "HEAD", m["b"] or "HEAD"
    head = Revision(b, git.commit(b))
    if len(m["dots"]) == 3:
        base_commit = git.merge_base(git.commit(a), head.commit or "")
        return Revision(f"merge-base of {a} and {b}", base_commit), head
    return Revision(a, git.commit(a)), head


@dataclass(frozen=True)
class Entry:
    path: str
    blob: str


def _entries(git: Git, rev: Revision, rel: str) -> list[Entry]:
    """The regular files under `rel` at a commit or in the index (links and submodules are
    left out: a working folder would refuse a link out of the enterprise anyway)."""
    where = rel or "."
    out: list[Entry] = []
    if rev.spec == INDEX:
        raw = git.run("ls-files", "-s", "-z", "--", where)
        for item in raw.decode("utf-8", "surrogateescape").split("\0"):
            if not item:
                continue
            meta, path = item.split("\t", 1)
            mode, blob, stage = meta.split()
            if stage != "0":
                raise BpqlError(
                    f"{path}: the index holds a merge conflict; resolve it first",
                    code="BPQL-C309",
                )
            if mode in ("100644", "100755"):
                out.append(Entry(path, blob))
        return out
    raw = git.run("ls-tree", "-r", "-z", "--full-tree", rev.commit or "", "--", where)
    for item in raw.decode("utf-8", "surrogateescape").split("\0"):
        if not item:
            continue
        meta, path = item.split("\t", 1)
        mode, kind, blob = meta.split()
        if kind == "blob" and mode in ("100644", "100755"):
            out.append(Entry(path, blob))
    return out


def _sizes(git: Git, blobs: list[str]) -> dict[str, int]:
    raw = git.run("cat-file", "--batch-check", stdin="".join(b + "\n" for b in blobs).encode())
    sizes = {}
    for line in raw.decode().splitlines():
        blob, _, size = line.split()
        sizes[blob] = int(size)
    return sizes


def _contents(git: Git, blobs: list[str]) -> dict[str, bytes]:
    """Every blob's bytes, from one `git cat-file --batch`."""
    raw = git.run("cat-file", "--batch", stdin="".join(b + "\n" for b in blobs).encode())
    out: dict[str, bytes] = {}
    at = 0
    while at < len(raw):
        end = raw.index(b"\n", at)
        blob, _, size = raw[at:end].decode().split()
        start = end + 1
        out[blob] = raw[start : start + int(size)]
        at = start + int(size) + 1
    return out


@dataclass(frozen=True)
class Snapshot:
    """A revision's YAML files: where each is read from (the work tree when its bytes are
    the revision's, else a temporary copy) and what the repository calls it."""

    #: (path to read, path relative to the repository's top), sorted by the latter
    files: list[tuple[Path, str]]
    #: the folder holding the enterprise, as read (for files named relative to it)
    folder: Path


def _blob_id(content: bytes, length: int) -> str:
    """git's id of a blob with these bytes (SHA-1, or SHA-256 in a repository that uses it)."""
    digest = hashlib.sha256 if length == 64 else hashlib.sha1
    return digest(b"blob %d\0" % len(content) + content).hexdigest()


def _same_in_work_tree(git: Git, e: Entry) -> Path | None:
    """The work tree's file when it holds exactly the blob's bytes."""
    path = git.top / e.path
    try:
        if not path.is_file() or path.is_symlink():
            return None
        content = read_regular(path)
    except (OSError, FileRefused):
        return None
    return path if _blob_id(content, len(e.blob)) == e.blob else None


def snapshot(git: Git, rev: Revision, rel: str, into: Path) -> Snapshot:
    """The YAML files under `rel` at `rev`. Most files of a review are the same bytes in the
    revision and in the work tree (a pull request's checkout is its head, and its base
    differs in a few files): those are read where they are; the others are written under
    `into`, laid out as in the repository. When a file other than YAML differs (an action
    priority CSV, read relative to the enterprise file), every file is written, so that each
    revision reads its own."""
    if rev.spec == WORK:
        folder = git.top / rel if rel else git.top
        files = collect_files([folder])
        return Snapshot(sorted((f, git.relative(f)) for f in files), folder)
    entries = [e for e in _entries(git, rev, rel) if ".." not in Path(e.path).parts]
    if not entries:
        raise BpqlError(
            f"{rev.label} holds no files under {rel or 'the top folder'}", code="BPQL-C310"
        )
    unique = sorted({e.blob for e in entries})
    sizes = _sizes(git, unique)
    for e in entries:
        if sizes[e.blob] > MAX_FILE_BYTES:
            raise BpqlError(
                f"{e.path} at {rev.label}: {sizes[e.blob] / (1024 * 1024):,.1f} MB, over the "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB an enterprise file may have",
                code="BPQL-C311",
            )
    found = {e.path: _same_in_work_tree(git, e) for e in entries}
    others_differ = any(
        found[e.path] is None for e in entries if not e.path.endswith(YAML_SUFFIXES)
    )
    if others_differ:
        found = dict.fromkeys(found)
    missing = sorted({e.blob for e in entries if found[e.path] is None})
    blobs = _contents(git, missing) if missing else {}
    out: list[tuple[Path, str]] = []
    for e in entries:
        where = found[e.path]
        if where is None:
            where = into / e.path
            where.parent.mkdir(parents=True, exist_ok=True)
            where.write_bytes(blobs[e.blob])
        if e.path.endswith(YAML_SUFFIXES):
            out.append((where, e.path))
    base = into if others_differ else git.top
    return Snapshot(sorted(out, key=lambda f: f[1]), base / rel if rel else base)
