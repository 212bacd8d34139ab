"""Run `bpql review` on a pull request and keep one comment on it up to date.

The GitHub Action in this folder runs this script (the Python standard library only, so it
needs nothing but the bpql it reviews with). It:

1. runs `bpql review BASE...HEAD PATH`, which writes the review as JSON, Markdown and SARIF;
2. appends the Markdown to the job summary;
3. finds the one comment the review wrote before (by the hidden marker `<!-- bpql-review -->`)
   and creates it, or updates it in place; when the review's digest is the one the comment
   already shows (a push that changed nothing semantic since), it writes nothing. With no
   semantic change and no comment yet, no comment is made; a comment from an earlier push is
   updated to say nothing semantic is left, rather than deleted, so replies to it keep their
   context;
4. sets the labels the review suggests and removes the ones it set that no longer apply;
5. writes the step's outputs (gate, semantic, labels, sarif-file, comment).

Settings come from the environment GitHub Actions sets (GITHUB_REPOSITORY, GITHUB_EVENT_PATH,
GITHUB_API_URL, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT) and GITHUB_TOKEN; nothing it prints shows
the token. Exit status: 0 when the review ran (the gate is an output; the action fails the job
after SARIF is uploaded), 2 when it could not.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

MARKER = "<!-- bpql-review -->"
DIGEST = re.compile(r"<!-- bpql-review digest: ([0-9a-f]+) -->")
#: the labels a review may set; only these are ever removed
MANAGED = ("customer-visible", "moment-of-truth", "high-priority-added", "no-semantic-change")
TIMEOUT = 30
MAX_PAGES = 50


class GitHub:
    """The few REST calls the action makes, with the token in a header and nowhere else."""

    def __init__(self, api: str, repo: str, token: str) -> None:
        self.api = api.rstrip("/")
        self.repo = repo
        self.token = token

    def call(self, method: str, path: str, body: Any = None) -> Any:
        url = f"{self.api}/repos/{self.repo}{path}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Accept", "application/vnd.github+json")
        request.add_header("X-GitHub-Api-Version", "2022-11-28")
        request.add_header("User-Agent", "bpql-review-action")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode("utf-8", "replace")
            raise ApiError(
                f"{method} {path}: HTTP {exc.code}: {_one_line(detail)}", exc.code
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise ApiError(f"{method} {path}: {exc}", 0) from None
        return json.loads(raw) if raw.strip() else None

    def comments(self, number: int) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for page in range(1, MAX_PAGES + 1):
            batch = self.call("GET", f"/issues/{number}/comments?per_page=100&page={page}")
            out.extend(batch or [])
            if not batch or len(batch) < 100:
                break
        return out


class ApiError(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


def _event() -> dict[str, Any]:
    path = os.environ.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    with open(path, encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def _output(name: str, value: str) -> None:
    file = os.environ.get("GITHUB_OUTPUT")
    if file:
        with open(file, "a", encoding="utf-8") as f:
            f.write(f"{name}={value}\n")


def _summary(text: str) -> None:
    file = os.environ.get("GITHUB_STEP_SUMMARY")
    if file:
        with open(file, "a", encoding="utf-8") as f:
            f.write(text + "\n")


def no_change_body(digest: str, head: str) -> str:
    return (
        f"{MARKER}\n<!-- bpql-review digest: {digest} -->\n"
        "### BPQL review\n\n"
        f"Nothing semantic is changed any more as of {head[:7]}: the files differ from the base "
        "in layout or comments only, or not at all.\n"
    )


def run_review(
    args: argparse.Namespace, base: str, head: str, out: Path
) -> tuple[int, dict[str, Any]]:
    """`bpql review` with JSON on standard output and the other formats into `out`."""
    command = shlex.split(os.environ.get("BPQL_COMMAND", "")) or [sys.executable, "-m", "bpql.cli"]
    argv = [
        *command,
        "review",
        f"{base}...{head}",
        args.path,
        "--format",
        "json",
        "--output",
        f"markdown={out / 'review.md'}",
        "--output",
        f"sarif={out / 'review.sarif'}",
    ]
    if args.config:
        argv += ["--config", args.config]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    try:
        doc = json.loads(done.stdout) if done.stdout.strip() else {}
    except json.JSONDecodeError:
        doc = {}
    if done.returncode not in (0, 1) or "error" in doc or not doc:
        message = doc.get("error", {}).get("message") or _one_line(done.stderr) or "no output"
        print(f"::error::bpql review failed: {message}")
        _summary(f"### BPQL review failed\n\n```\n{message}\n```")
        return 2, {}
    return done.returncode, doc


def sync_comment(gh: GitHub, number: int, body: str, digest: str, semantic: bool, head: str) -> str:
    """Create, update or leave the one review comment; says which it did."""
    mine = [c for c in gh.comments(number) if MARKER in (c.get("body") or "")]
    found = mine[0] if mine else None
    if found is not None:
        match = DIGEST.search(found.get("body") or "")
        if match and match.group(1) == digest:
            return "unchanged"
        text = body if semantic else no_change_body(digest, head)
        gh.call("PATCH", f"/issues/comments/{found['id']}", {"body": text})
        return "updated"
    if not semantic:
        return "skipped"
    gh.call("POST", f"/issues/{number}/comments", {"body": body})
    return "created"


def sync_labels(gh: GitHub, number: int, wanted: list[str]) -> tuple[list[str], list[str]]:
    current = {
        label["name"] for label in gh.call("GET", f"/issues/{number}/labels?per_page=100") or []
    }
    add = [name for name in wanted if name not in current]
    remove = [name for name in MANAGED if name in current and name not in wanted]
    if add:
        gh.call("POST", f"/issues/{number}/labels", {"labels": add})
    for name in remove:
        gh.call("DELETE", f"/issues/{number}/labels/{urllib.parse.quote(name, safe='')}")
    return add, remove


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--path", required=True, help="the enterprise folder, or a part of it")
    parser.add_argument("--base", default="", help="default: the pull request's base commit")
    parser.add_argument("--head", default="", help="default: the pull request's head commit")
    parser.add_argument("--config", default="", help="bpql.toml to read the gate from")
    parser.add_argument("--comment", default="true")
    parser.add_argument("--labels", default="true")
    parser.add_argument("--output-dir", default="", help="where the review files go")
    args = parser.parse_args(argv)
    event = _event()
    pr = event.get("pull_request") or {}
    base = args.base or (pr.get("base") or {}).get("sha", "")
    head = args.head or (pr.get("head") or {}).get("sha", "") or "HEAD"
    if not base:
        print("::error::no base commit: run on pull_request events, or set the base input")
        return 2
    out = Path(args.output_dir or tempfile.mkdtemp(prefix="bpql-review-"))
    out.mkdir(parents=True, exist_ok=True)
    status, doc = run_review(args, base, head, out)
    if status == 2:
        return 2
    markdown = (out / "review.md").read_text(encoding="utf-8")
    _summary(markdown)
    semantic = bool(doc.get("semantic"))
    labels = list(doc.get("labels") or [])
    gate = "failed" if doc.get("gate", {}).get("failed") else "passed"
    _output("gate", gate)
    _output("semantic", str(semantic).lower())
    _output("labels", ",".join(labels))
    _output("sarif-file", str(out / "review.sarif"))
    comment = "off"
    number = pr.get("number")
    token = os.environ.get("GITHUB_TOKEN", "")
    repo = os.environ.get("GITHUB_REPOSITORY", "")
    if number and repo and (args.comment == "true" or args.labels == "true"):
        gh = GitHub(os.environ.get("GITHUB_API_URL", "https://api.github.com"), repo, token)
        try:
            if args.comment == "true":
                comment = sync_comment(
                    gh, int(number), markdown, str(doc.get("digest")), semantic, head
                )
            if args.labels == "true":
                add, remove = sync_labels(gh, int(number), labels)
                print(f"labels: added {add or 'none'}, removed {remove or 'none'}")
        except ApiError as exc:
            # a pull request from a fork gets a read-only token: the review still stands
            print(f"::warning::could not comment or label: {exc}")
            comment = "failed"
    _output("comment", comment)
    print(f"bpql review: gate {gate}, semantic change: {semantic}, comment {comment}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
