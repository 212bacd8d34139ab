"""The GitHub Action's script (.github/actions/bpql-review/review_comment.py) against a local
bare repository and a fake GitHub REST API on loopback that records every call.

A pull request is pushed three times: a high-priority fail point (the comment is created once,
labels set, the gate fails), a role moved (the same comment updated), a whitespace-only edit
(nothing written: the review's digest is the comment's). A pull request whose only change is
layout gets no comment and the `no-semantic-change` label; one that reverts its change has
its comment updated to say so.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import pytest
import yaml

from tests.conftest import ROOT
from tests.review_edits import EDITS, GIT_ENV, git, make_repo

SCRIPT = ROOT / ".github/actions/bpql-review/review_comment.py"
TOKEN = "ghs_test-token-never-printed"
REPO = "acme/blueprints"
#: comments already on the pull request, so the review's is found on the second page
OTHERS = 105


@dataclass
class FakeGitHub:
    """The issue comments and labels of one pull request, and every call made."""

    comments: list[dict[str, Any]] = field(default_factory=list)
    labels: list[str] = field(default_factory=lambda: ["needs-review"])
    calls: list[tuple[str, str, Any]] = field(default_factory=list)
    next_id: int = 1000

    def handle(self, method: str, url: str, body: Any, auth: str) -> tuple[int, Any]:
        parsed = urlparse(url)
        path, query = parsed.path, parse_qs(parsed.query)
        self.calls.append((method, path, body))
        if auth != f"Bearer {TOKEN}":
            return 401, {"message": "Bad credentials"}
        base = f"/repos/{REPO}/issues"
        if method == "GET" and path == f"{base}/7/comments":
            per, page = int(query["per_page"][0]), int(query.get("page", ["1"])[0])
            return 200, self.comments[(page - 1) * per : page * per]
        if method == "POST" and path == f"{base}/7/comments":
            self.next_id += 1
            self.comments.append({"id": self.next_id, "body": body["body"]})
            return 201, self.comments[-1]
        m = re.fullmatch(rf"{base}/comments/(\d+)", path)
        if method == "PATCH" and m:
            for c in self.comments:
                if c["id"] == int(m[1]):
                    c["body"] = body["body"]
                    return 200, c
            return 404, {"message": "Not Found"}
        if method == "GET" and path == f"{base}/7/labels":
            return 200, [{"name": n} for n in self.labels]
        if method == "POST" and path == f"{base}/7/labels":
            self.labels += [n for n in body["labels"] if n not in self.labels]
            return 200, [{"name": n} for n in self.labels]
        m = re.fullmatch(rf"{base}/7/labels/(.+)", path)
        if method == "DELETE" and m:
            self.labels.remove(unquote(m[1]))
            return 200, [{"name": n} for n in self.labels]
        return 404, {"message": "Not Found"}

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p, _ in self.calls if m != "GET"]


@pytest.fixture
def api() -> Iterator[tuple[FakeGitHub, str]]:
    fake = FakeGitHub(comments=[{"id": i, "body": f"comment {i}"} for i in range(1, OTHERS + 1)])

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            n = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(n)) if n else None
            status, out = fake.handle(
                self.command, self.path, body, self.headers.get("Authorization", "")
            )
            data = json.dumps(out).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_DELETE = _serve

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


@dataclass
class PullRequest:
    """An author's clone pushing to a bare repository, and CI's fresh clone of each push."""

    work: Path
    origin: Path
    tmp: Path

    def push(self, message: str, *edits: str) -> None:
        by_name = {e.name: e for e in EDITS}
        for name in edits:
            by_name[name].apply(self.work)
        git(self.work, "add", "-A")
        git(self.work, "commit", "-q", "--allow-empty", "-m", message)
        git(self.work, "push", "-q", "origin", "HEAD:pr")

    def run_action(
        self, api_url: str, n: int, token: str = TOKEN
    ) -> tuple[subprocess.CompletedProcess[str], dict[str, str], str]:
        """The action's review step, as a runner would run it after `actions/checkout` with
        `fetch-depth: 0` of the pull request's head."""
        ci = self.tmp / f"ci-{n}"
        git(self.tmp, "clone", "-q", str(self.origin), str(ci))
        head = git(ci, "rev-parse", "origin/pr")
        git(ci, "checkout", "-q", head)
        event = self.tmp / f"event-{n}.json"
        base = git(ci, "rev-parse", "origin/main")
        event.write_text(
            json.dumps(
                {"pull_request": {"number": 7, "base": {"sha": base}, "head": {"sha": head}}}
            ),
            encoding="utf-8",
        )
        outputs, summary = self.tmp / f"out-{n}.txt", self.tmp / f"summary-{n}.md"
        env = {
            **os.environ,
            **GIT_ENV,
            "GITHUB_API_URL": api_url,
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_TOKEN": token,
            "GITHUB_OUTPUT": str(outputs),
            "GITHUB_STEP_SUMMARY": str(summary),
            "PYTHONPATH": str(ROOT),
        }
        done = subprocess.run(
            [
                sys.executable,
                str(SCRIPT),
                "--path",
                "insurer",
                "--output-dir",
                str(self.tmp / f"r{n}"),
            ],
            cwd=ci,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        values = (
            dict(line.split("=", 1) for line in outputs.read_text(encoding="utf-8").splitlines())
            if outputs.exists()
            else {}
        )
        return done, values, summary.read_text(encoding="utf-8") if summary.exists() else ""


@pytest.fixture
def pull_request(tmp_path: Path) -> PullRequest:
    work = make_repo(tmp_path / "author")
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(work, "remote", "add", "origin", str(origin))
    git(work, "push", "-q", "origin", "main")
    git(work, "checkout", "-q", "-b", "pr")
    return PullRequest(work, origin, tmp_path)


def ours(fake: FakeGitHub) -> list[dict[str, Any]]:
    return [c for c in fake.comments if "<!-- bpql-review -->" in c["body"]]


def test_one_comment_created_updated_and_left_alone(
    api: tuple[FakeGitHub, str], pull_request: PullRequest
) -> None:
    fake, url = api
    pr = pull_request
    # push 1: a high-priority fail point with no action
    pr.push("a new fail point", "add-high-fail-point")
    done, out, summary = pr.run_action(url, 1)
    assert done.returncode == 0, done.stderr + done.stdout
    assert out["gate"] == "failed" and out["semantic"] == "true" and out["comment"] == "created"
    assert fake.writes() == [
        ("POST", f"/repos/{REPO}/issues/7/comments"),
        ("POST", f"/repos/{REPO}/issues/7/labels"),
    ]
    (comment,) = ours(fake)
    assert "Gate failed" in comment["body"] and "claims.wrong-liability" in comment["body"]
    assert fake.labels == ["needs-review", "high-priority-added"]
    assert summary.startswith("<!-- bpql-review -->") and "Gate failed" in summary
    sarif = json.loads(Path(out["sarif-file"]).read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"][0]["ruleId"] == "review/high-priority-without-action"
    # push 2: a role moved as well: the same comment updated in place
    fake.calls.clear()
    pr.push("move a role", "move-role")
    done, out, _ = pr.run_action(url, 2)
    assert done.returncode == 0, done.stderr + done.stdout
    assert out["comment"] == "updated"
    assert fake.writes() == [
        ("PATCH", f"/repos/{REPO}/issues/comments/{comment['id']}"),
        ("POST", f"/repos/{REPO}/issues/7/labels"),
    ]
    (again,) = ours(fake)
    assert again["id"] == comment["id"] and "claims-handler" in again["body"]
    assert fake.labels == [
        "needs-review",
        "high-priority-added",
        "customer-visible",
        "moment-of-truth",
    ]
    # push 3: whitespace only: nothing semantic changed since, nothing written
    fake.calls.clear()
    body = again["body"]
    pr.push("tidy the layout", "whitespace-only")
    done, out, _ = pr.run_action(url, 3)
    assert done.returncode == 0, done.stderr + done.stdout
    assert out["comment"] == "unchanged" and fake.writes() == []
    assert ours(fake)[0]["body"] == body
    # the token was sent as a header and never printed
    for run in (done.stdout, done.stderr):
        assert TOKEN not in run
    assert len(fake.comments) == OTHERS + 1


def test_no_semantic_change_no_comment_and_a_revert_says_so(
    api: tuple[FakeGitHub, str], pull_request: PullRequest
) -> None:
    fake, url = api
    pr = pull_request
    pr.push("tidy the layout", "whitespace-only")
    done, out, summary = pr.run_action(url, 1)
    assert done.returncode == 0, done.stderr + done.stdout
    assert out == {
        "gate": "passed",
        "semantic": "false",
        "labels": "no-semantic-change",
        "sarif-file": out["sarif-file"],
        "comment": "skipped",
    }
    assert ours(fake) == [] and fake.labels == ["needs-review", "no-semantic-change"]
    assert "No semantic change" in summary
    # a real change, then its revert: the comment made for the change says nothing is left
    pr.push("a channel", "change-channel")
    done, out, _ = pr.run_action(url, 2)
    assert out["comment"] == "created" and "no-semantic-change" not in fake.labels
    git(pr.work, "revert", "--no-edit", "HEAD")
    git(pr.work, "push", "-q", "origin", "HEAD:pr")
    fake.calls.clear()
    done, out, _ = pr.run_action(url, 3)
    assert done.returncode == 0, done.stderr + done.stdout
    assert out["comment"] == "updated" and out["semantic"] == "false"
    (comment,) = ours(fake)
    assert "Nothing semantic is changed any more" in comment["body"]
    assert fake.labels == ["needs-review", "no-semantic-change"]


def test_a_read_only_token_warns_and_keeps_the_review(
    api: tuple[FakeGitHub, str], pull_request: PullRequest
) -> None:
    """A pull request from a fork gets a read-only token: the comment fails, the review (its
    summary, SARIF, gate) stands."""
    fake, url = api
    pull_request.push("a new fail point", "add-high-fail-point")
    done, out, summary = pull_request.run_action(url, 1, token="ghs_read-only")
    assert done.returncode == 0, done.stderr
    assert out["comment"] == "failed" and out["gate"] == "failed"
    assert "::warning::could not comment or label" in done.stdout and "HTTP 401" in done.stdout
    assert "Gate failed" in summary and ours(fake) == []


def test_action_yml_runs_the_script_and_uploads_sarif() -> None:
    action = yaml.safe_load((ROOT / ".github/actions/bpql-review/action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert any("review_comment.py" in s.get("run", "") for s in steps)
    upload = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif")]
    assert len(upload) == 1 and "always()" in upload[0]["if"]
    assert set(action["outputs"]) == {"gate", "semantic", "labels", "sarif-file", "comment"}
    # every input the script reads is declared
    for name in ("path", "base", "head", "config", "comment", "labels"):
        assert name in action["inputs"]
