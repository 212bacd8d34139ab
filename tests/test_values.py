"""Values are kept exactly or refused (issue 19, item 8).

Hostile values (controls, line and paragraph separators, NEL, byte order marks, outer
spaces, quotes, escapes, emoji, very long text) are written into a blueprint as quoted YAML
scalars, as ids, names, descriptions and scripts. Each is either refused by `bpql validate`
at its own line:col, for a reason the format states (an id outside the id alphabet, a name
with a space or line break at either end, a text too long), or it is loaded and comes back
from the store byte for byte: through the embedded store's bulk build (COPY FROM staged
CSV) and its patch of a copy (parameters), and through Neo4j in the full suite.

Names and ids are bounded to what both stores index (Neo4j's range index refuses keys from
about 8,160 bytes): a value just under a bound loads on both stores, one just over it is
refused by validate.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bpql.errors import BlueprintError
from bpql.model.format import MAX_ID, MAX_NAME, MAX_TEXT, SPACES
from bpql.model.validate import validate_paths
from tests.test_load import GOOD, ROOT, Store, bpql

ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
#: characters probes and people get wrong: controls, breaks of every kind, invisible and
#: bidirectional marks, YAML and CSV syntax, a terminal's escape
HOSTILE = (
    "\x00\x07\x08\t\n\x0b\x0c\r\x1b\x1c\x1f \x7f\x85\x9b\xa0\u1680\u2000\u200b\u200d"
    "\u2028\u2029\u202e\u3000\ufeff\ufffe\uffff\U0001f600\U0010ffff"
    "\"'\\{}[],:#&*!|>%@`-=+e\u0301"
)
#: values a probe found changed, and more of their kind; each as id, name, text
KNOWN = [
    "nel\x85",
    "ps\u2029",
    "ls\u2028",
    "nl\n",
    "sp  ",
    "  lead",
    "\ttab",
    "cr\r",
    "crlf\r\n",
    "a\rb",
    "a\r\nb",
    "two\nlines",
    "nul\x00inside",
    "\x1b]8;;http://x.invalid\x07link\x1b]8;;\x07",
    "\x1b[31mred\x1b[0m",
    "bell\x07",
    'say "hi"',
    "back\\slash",
    "\\x85",
    "emoji \U0001f600",
    "zero\u200bwidth",
    "bom\ufeff",
    "\ufeffbom",
    "rtl\u202eevil",
    "nbsp\xa0",
    "\u3000ideographic",
    "e\u0301 decomposed",
    '=HYPERLINK("http://x.invalid","x")',
    "'; MATCH (n) DETACH DELETE n //",
    "{a: b}, [c]",
    "# not a comment",
    "",
    " ",
    "claims",
    "ok-id_2",
    "Upper",
    "a.b",
    "x" * MAX_ID,
    "x" * (MAX_ID + 1),
]


def _printable(o: int) -> bool:
    """What YAML lets a double-quoted scalar hold as itself beyond ASCII (NEL aside: the
    readers take it for a line break, and bpql refuses it; see the test below)."""
    return 0xA0 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD or o >= 0x10000


def quoted(value: str, raw: bool) -> str:
    """`value` as a double-quoted YAML scalar: with escapes for everything but printable
    ASCII, or (`raw`) with every character YAML allows there written as itself."""
    out = ['"']
    for ch in value:
        o = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= o < 0x7F or (raw and _printable(o)):
            out.append(ch)
        elif o <= 0xFF:
            out.append(f"\\x{o:02x}")
        elif o <= 0xFFFF:
            out.append(f"\\u{o:04x}")
        else:
            out.append(f"\\U{o:08x}")
    return "".join(out) + '"'


def refused_as_id(v: str) -> bool:
    return not (ID.fullmatch(v) and len(v) <= MAX_ID)


def refused_as_name(v: str) -> bool:
    return not v or len(v) > MAX_NAME or v[0] in SPACES or v[-1] in SPACES


@dataclass
class Written:
    """A blueprint of hostile values, and the same with its refused values made valid."""

    text: str
    fixed: str
    #: (line, column) of every value validate must refuse in `text`
    refused: set[tuple[int, int]]
    #: step id -> the properties it must come back with once `fixed` is loaded
    kept: dict[str, dict[str, str]]


def blueprint(values: list[str], raw: bool) -> Written:
    """One step per value holding it as name, description and script, and one step per
    value with it as the id; where validate must refuse it, `fixed` has a valid one."""
    head = ["service: {id: hv, name: Hostile values}", "phases: [{id: p, name: P}]", "steps:"]
    lines, fixed = list(head), list(head)
    refused: set[tuple[int, int]] = set()
    kept: dict[str, dict[str, str]] = {}

    def add(line: str, instead: str | None = None, column: int = 0) -> None:
        lines.append(line)
        fixed.append(line if instead is None else instead)
        if instead is not None:
            refused.add((len(lines), column))

    for i, v in enumerate(values):
        sid = f"step-{i}-generated"
        add(f"  - id: {sid}")
        name = f"name {i}" if refused_as_name(v) else v
        add(f"    name: {quoted(v, raw)}", f"    name: {name}" if name != v else None, 11)
        add("    lane: support")
        add("    phase: p")
        add(f"    description: {quoted(v, raw)}")
        add(f"    script: {quoted(v, raw)}")
        kept[f"hv.{sid}"] = {"name": name, "description": v, "script": v}
        if v.endswith("-generated"):
            continue  # it could be one of the ids above
        bad = refused_as_id(v)
        add(f"  - id: {quoted(v, raw)}", f"  - id: id-{i}-fixed" if bad else None, 9)
        add(f"    name: id {i}")
        add("    lane: support")
        add("    phase: p")
        kept[f"hv.id-{i}-fixed" if bad else f"hv.{v}"] = {"name": f"id {i}"}
    return Written("\n".join(lines) + "\n", "\n".join(fixed) + "\n", refused, kept)


def refusals(folder: Path) -> set[tuple[int, int]]:
    """Where validate refuses the enterprise's values: every problem a value's form."""
    try:
        validate_paths([folder])
    except BlueprintError as exc:
        assert {p.code for p in exc.problems} == {"BPQL-F003"}, exc
        spans = [p.span for p in exc.problems]
        assert all(s and s.file == str(folder / "services" / "hv.yaml") for s in spans)
        return {(s.line, s.column) for s in spans if s}
    return set()


def stored(db: Store) -> dict[str, dict[str, Any]]:
    return {
        id_: dict(props)
        for label, id_, _, props in db.dump()["nodes"]
        if label == "Step" and id_.startswith("hv.")
    }


def check_round_trip(db: Store, folder: Path, values: list[str], raw: bool) -> None:
    """Refused exactly where expected; with those places made valid, loaded and read back
    byte for byte, every step and nothing else."""
    written = blueprint(values, raw)
    target = folder / "services" / "hv.yaml"
    target.write_text(written.text, encoding="utf-8")
    assert refusals(folder) == written.refused, written.text
    target.write_text(written.fixed, encoding="utf-8")
    db.load(folder)
    back = stored(db)
    assert set(back) == set(written.kept)
    for sid, props in written.kept.items():
        assert {k: back[sid].get(k) for k in props} == props, sid


def enterprise(tmp: Path) -> Path:
    folder = tmp / "ent"
    if not folder.exists():
        shutil.copytree(ROOT / GOOD, folder)
    return folder


@pytest.mark.parametrize("raw", [False, True], ids=["escaped", "raw"])
def test_known_hostile_values_are_kept_or_refused(store: Store, tmp_path: Path, raw: bool) -> None:
    """The probe's values and their kind: first into a new store (the bulk build), then
    again, changed, into the same store (a patch of only what changed)."""
    folder = enterprise(tmp_path)
    check_round_trip(store, folder, KNOWN, raw)
    check_round_trip(store, folder, [v + "!" for v in reversed(KNOWN)], raw)


VALUES = st.lists(
    st.text(
        alphabet=st.one_of(
            st.sampled_from(HOSTILE), st.characters(codec="utf-8", exclude_categories=["Cs"])
        ),
        max_size=12,
    ),
    min_size=1,
    max_size=40,
    unique=True,
)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(values=VALUES, raw=st.booleans())
@example(values=["nel\x85", "a\u2029", "\ufeff", " "], raw=True)
def test_any_value_is_kept_or_refused_at_its_place(
    store: Store,
    tmp_path: Path,
    values: list[str],
    raw: bool,
) -> None:
    check_round_trip(store, enterprise(tmp_path), values, raw)


def test_a_raw_nel_is_refused_where_it_stands(tmp_path: Path) -> None:
    """Written as itself, U+0085 is a line break to YAML readers (the value became 'a b'):
    refused at its line:col; written as \\N, it is kept (the tests above)."""
    folder = enterprise(tmp_path)
    text = (folder / "services" / "claims.yaml").read_text(encoding="utf-8")
    line = text.splitlines().index("    name: Submit a claim") + 1
    (folder / "services" / "claims.yaml").write_text(
        text.replace("    name: Submit a claim", '    name: "Submit\x85a claim"'),
        encoding="utf-8",
    )
    r = bpql("validate", str(folder))
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == (
        f"error: {folder}/services/claims.yaml:{line}:18: a NEL character (U+0085), which "
        "YAML reads as a line break: the value would change; remove it, or write it as \\N "
        'inside a "double-quoted" value\n'
    )


@pytest.mark.parametrize(
    ("written", "kept"),
    [("\\ud83d\\ude00 ok", "\U0001f600 ok"), ("\\U0001F600 ok", "\U0001f600 ok")],
)
def test_a_surrogate_pair_is_one_character(tmp_path: Path, written: str, kept: str) -> None:
    """A JSON encoder writes an emoji as two \\u escapes; YAML readers gave two halves no
    store can hold (UnicodeEncodeError at load). They are joined, as JSON joins them."""
    folder = enterprise(tmp_path)
    path = folder / "services" / "claims.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "    name: Submit a claim", f'    name: "{written}"'
        ),
        encoding="utf-8",
    )
    steps = validate_paths([folder]).graph.nodes["Step"]
    assert kept in {s["name"] for s in steps}


def test_a_lone_surrogate_is_refused_at_its_place(tmp_path: Path) -> None:
    folder = enterprise(tmp_path)
    path = folder / "services" / "claims.yaml"
    text = path.read_text(encoding="utf-8")
    line = text.splitlines().index("    name: Submit a claim") + 1
    path.write_text(
        text.replace("    name: Submit a claim", '    name: "half \\ud83d only"'),
        encoding="utf-8",
    )
    r = bpql("validate", str(folder))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.startswith(
        f"error: {folder}/services/claims.yaml:{line}:11: a lone surrogate (U+D83D)"
    ), r.stderr


# --- lengths both stores take ----------------------------------------------------------

WIDE = "\U0001f600"  # four bytes in UTF-8: the most a character costs an index key
VARIANT = "v" * MAX_ID


def _longest(folder: Path, name: str, text: str, sid: str, service: str | None = None) -> None:
    """The test enterprise with its service's name (`service`, else `name`), a step's name
    and description, a step id and the to-be variant at the given sizes."""
    for f in ("claims.yaml", "claims-to-be.yaml"):
        path = folder / "services" / f
        body = path.read_text(encoding="utf-8")
        title = quoted(name if service is None else service, True)
        body = body.replace("  name: Claims\n", f"  name: {title}\n", 1)
        body = body.replace("variant: digital", f"variant: {VARIANT}")
        if f == "claims.yaml":
            body = body.replace(
                "    name: Submit a claim\n",
                f"    name: {quoted(name, True)}\n    description: {quoted(text, True)}\n",
            )
            body = body.replace(
                "steps:\n",
                f"steps:\n  - id: {sid}\n    name: Long id\n    lane: support\n    phase: report\n",
            )
        path.write_text(body, encoding="utf-8")


def test_values_just_under_the_bounds_load(store: Store, tmp_path: Path) -> None:
    """A 1,000-character name of four-byte characters (4,000 bytes; the to-be blueprint's
    name adds its scenario and an 80-character variant), a 100,000-character description
    and an 80-character id: loaded on both stores and read back whole."""
    folder = enterprise(tmp_path)
    name, text, sid = WIDE * MAX_NAME, WIDE * MAX_TEXT, "i" * MAX_ID
    _longest(folder, name, text, sid)
    store.load(folder)
    nodes = {(label, id_): dict(p) for label, id_, _, p in store.dump()["nodes"]}
    assert nodes[("Service", "claims")]["name"] == name
    assert nodes[("Blueprint", f"claims:to-be:{VARIANT}")]["name"] == (f"{name} (to-be, {VARIANT})")
    step = nodes[("Step", "claims.submit-claim")]
    assert (step["name"], step["description"]) == (name, text)
    assert ("Step", f"claims.{sid}") in nodes


@pytest.mark.parametrize(
    ("what", "sizes", "column", "words"),
    [
        ("name", (MAX_NAME + 1, MAX_TEXT, MAX_ID), 11, "at most 1000 characters, got 1001"),
        ("text", (MAX_NAME, MAX_TEXT + 1, MAX_ID), 18, "at most 100000 characters, got 100001"),
        ("id", (MAX_NAME, MAX_TEXT, MAX_ID + 1), 9, "at most 80 characters, got 81"),
    ],
)
def test_values_just_over_the_bounds_are_refused_by_validate(
    tmp_path: Path, what: str, sizes: tuple[int, int, int], column: int, words: str
) -> None:
    """What a store would refuse (Neo4j: "Property value is too large to index") is
    refused before it, at the value's line:col."""
    folder = enterprise(tmp_path)
    n, t, i = sizes
    _longest(folder, WIDE * n, WIDE * t, "i" * i, service="Claims")
    r = bpql("validate", str(folder))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    (line,) = [ln for ln in r.stderr.splitlines() if words in ln]
    path = folder / "services" / "claims.yaml"
    assert re.match(rf"error: {re.escape(str(path))}:\d+:{column}: ", line), line


def test_the_spaces_a_name_may_not_start_or_end_with() -> None:
    """Every character Python calls whitespace, and the byte order mark."""
    assert set(SPACES) == {c for c in map(chr, range(0x110000)) if c.isspace()} | {"\ufeff"}
