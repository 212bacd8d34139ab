"""Scripted edits on the example enterprises, for `bpql review`'s tests and docs/review.md.

Each edit changes the files of a git work tree the way a person would (text replaced in place,
so the rest of each file keeps its bytes), and the tests say what its review must show.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import EXAMPLES

#: fixed names and dates, so every run makes the same commits
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Blueprint Author",
    "GIT_AUTHOR_EMAIL": "author@example.invalid",
    "GIT_COMMITTER_NAME": "Blueprint Author",
    "GIT_COMMITTER_EMAIL": "author@example.invalid",
    "GIT_AUTHOR_DATE": "2026-06-01T12:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-06-01T12:00:00+00:00",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_SYSTEM": os.devnull,
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **GIT_ENV},
    )
    return done.stdout.strip()


def make_repo(where: Path) -> Path:
    """A git repository holding both example enterprises, committed and tagged `base`."""
    where.mkdir(parents=True, exist_ok=True)
    git(where, "init", "-q", "-b", "main")
    for name in ("insurer", "clinic"):
        shutil.copytree(EXAMPLES / name, where / name)
    git(where, "add", "-A")
    git(where, "commit", "-q", "-m", "the example enterprises")
    git(where, "tag", "base")
    return where


def replace(repo: Path, file: str, old: str, new: str, count: int = 1) -> None:
    path = repo / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{file}: {old!r} not found"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def replace_everywhere(repo: Path, folder: str, old: str, new: str) -> int:
    n = 0
    for path in sorted((repo / folder).rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if old in text:
            n += text.count(old)
            path.write_text(text.replace(old, new), encoding="utf-8")
    return n


@dataclass(frozen=True)
class Edit:
    name: str
    what: str
    apply: Callable[[Path], None]
    #: the enterprise folder reviewed
    path: str = "insurer"


def _move_role(repo: Path) -> None:
    replace(
        repo,
        "insurer/enterprise.yaml",
        "{id: claims-handler, name: Claims handler, department: claims}",
        "{id: claims-handler, name: Claims handler, department: customer-service}",
    )


def _retire_dependency(repo: Path) -> None:
    replace(
        repo,
        "insurer/enterprise.yaml",
        "depends_on: [rating-engine, crm]}",
        "depends_on: [rating-engine]}",
    )


def _add_step_with_touchpoint(repo: Path) -> None:
    replace(
        repo,
        "insurer/services/claims.yaml",
        "  - id: close-claim\n",
        "  - id: chat-about-payment\n"
        "    name: Ask about the payment in web chat\n"
        "    lane: customer\n"
        "    phase: close\n"
        "    touchpoint: web-chat\n"
        "  - id: close-claim\n",
    )


def _change_standard(repo: Path) -> None:
    replace(
        repo, "insurer/services/claims.yaml", "    target_time: 15m\n", "    target_time: 25m\n"
    )
    replace(repo, "insurer/services/claims.yaml", "    max_wait: 10m\n", "    max_wait: 30m\n")


def _add_high_fail_point(repo: Path) -> None:
    replace(
        repo,
        "insurer/services/claims.yaml",
        "      - {id: slow-decision, name: Decision waits on missing documents, severity: 6, "
        "occurrence: 7, detection: 3}\n",
        "      - {id: slow-decision, name: Decision waits on missing documents, severity: 6, "
        "occurrence: 7, detection: 3}\n"
        "      - {id: wrong-liability, name: Liability decided on the wrong party, severity: 9, "
        "occurrence: 6, detection: 7}\n",
    )


def _rename_id(repo: Path) -> None:
    n = replace_everywhere(repo, "insurer", "fnol-handler", "first-notice-handler")
    assert n == 3, n


def _whitespace_only(repo: Path) -> None:
    replace(repo, "insurer/enterprise.yaml", "\nroles:\n", "\n# who does the work\n\nroles:\n")
    replace(
        repo,
        "insurer/services/claims.yaml",
        "  - {id: report, name: Report}",
        "  - { id: report,  name: Report }",
    )
    replace(
        repo,
        "insurer/services/claims.yaml",
        "    uses: [claims-engine, telephony]",
        "    uses:\n      - claims-engine\n      - telephony",
    )


def _remove_moment_of_truth(repo: Path) -> None:
    replace(
        repo,
        "insurer/services/claims.yaml",
        "    touchpoint: home-visit\n    moment_of_truth: true\n",
        "    touchpoint: home-visit\n",
    )


def _rerate_fail_point(repo: Path) -> None:
    replace(
        repo,
        "insurer/services/claims.yaml",
        "{id: cover-misread, name: Cover wrongly confirmed on a lapsed policy, severity: 9, "
        "occurrence: 3, detection: 8,",
        "{id: cover-misread, name: Cover wrongly confirmed on a lapsed policy, severity: 9, "
        "occurrence: 2, detection: 3,",
    )


def _add_handoff(repo: Path) -> None:
    replace(
        repo,
        "insurer/services/claims.yaml",
        "    phase: settle\n    performed_by: claims-handler\n    uses: [claims-engine, document",
        "    phase: settle\n    performed_by: underwriter\n    uses: [claims-engine, document",
    )


def _change_channel(repo: Path) -> None:
    replace(
        repo,
        "insurer/enterprise.yaml",
        "{id: web-chat, name: Web chat, channel: chat}",
        "{id: web-chat, name: Web chat, channel: app}",
    )


def _delete_service(repo: Path) -> None:
    (repo / "insurer/services/complaints.yaml").unlink()


def _add_service(repo: Path) -> None:
    (repo / "clinic/services/flu-jab.yaml").write_text(
        "service: {id: flu-jab, name: Flu vaccination}\n"
        "phases:\n  - {id: book, name: Book}\n  - {id: visit, name: Visit}\n"
        "steps:\n"
        "  - {id: book-jab, name: Book a jab online, lane: customer, phase: book,\n"
        "     touchpoint: patient-web}\n"
        "  - {id: get-jab, name: Get the jab, lane: customer, phase: visit,\n"
        "     touchpoint: reception-desk, moment_of_truth: true}\n"
        "  - {id: give-jab, name: Give the jab, lane: frontstage, phase: visit,\n"
        "     touchpoint: reception-desk, performed_by: triage-nurse, supports: [get-jab]}\n",
        encoding="utf-8",
    )


def _describe(repo: Path) -> None:
    replace(
        repo,
        "insurer/services/claims.yaml",
        "with photos and the other party's details.\n",
        "with photos, the other party's details and a sketch.\n",
    )


EDITS: tuple[Edit, ...] = (
    Edit("move-role", "move a role to another department", _move_role),
    Edit("retire-dependency", "retire a system's dependency", _retire_dependency),
    Edit(
        "add-step-with-touchpoint", "add a customer step at a touchpoint", _add_step_with_touchpoint
    ),
    Edit("change-standard", "change a step's target time and a wait", _change_standard),
    Edit(
        "add-high-fail-point", "add a high-priority fail point with no action", _add_high_fail_point
    ),
    Edit("rename-id", "rename a role's id across files", _rename_id),
    Edit("whitespace-only", "layout and comments only", _whitespace_only),
    Edit(
        "remove-moment-of-truth", "a step is no longer a moment of truth", _remove_moment_of_truth
    ),
    Edit("rerate-fail-point", "re-rate a fail point", _rerate_fail_point),
    Edit("add-handoff", "underwriting decides liability", _add_handoff),
    Edit("change-channel", "change a touchpoint's channel", _change_channel),
    Edit("delete-service", "delete a service", _delete_service),
    Edit("add-service", "add a service", _add_service, path="clinic"),
    Edit("describe-step", "change a step's description", _describe),
)


def commit_edit(repo: Path, edit: Edit) -> str:
    """The edit on a branch of its own from `base`; returns the branch."""
    git(repo, "checkout", "-q", "-B", edit.name, "base")
    edit.apply(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", edit.what)
    return edit.name
