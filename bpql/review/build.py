"""`review()`: the semantic change between two revisions of an enterprise's files.

Both revisions are read (`bpql.review.git`), parsed, validated and linted as `bpql lint`
does; a file whose bytes are the same in both is parsed once. Blueprints are compared step by
step with the redesign diff (`bpql.analysis.compare`), only those a change can move: the blueprints
of the files that changed, or every one when the enterprise file changed (a role's department
moves the handoffs of every blueprint the role works in). Shared things are compared with
their links, fail points field by field, lint findings by rule, element and message (not by
line, which any edit above them moves), and what a changed shared thing reaches is `impact
of` run on a temporary store (`bpql.review.impact`).
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bpql.analysis import compare
from bpql.analysis.graph import Index
from bpql.durations import Duration
from bpql.errors import BlueprintError, BpqlError, Span
from bpql.graphdata import GraphData
from bpql.ids import SYSTEM_MEMBER, member_id, system_member_id
from bpql.lint.config import Config as LintConfig
from bpql.lint.config import load as load_lint_config
from bpql.lint.registry import Finding
from bpql.lint.run import check_ignores, enterprise_of, lint_enterprise
from bpql.model.files import FileRefused, read_regular, refused_file
from bpql.model.format import BlueprintFile, EnterpriseFile
from bpql.model.validate import Parsed, blueprint_key, check_doc, check_parsed, paused_gc
from bpql.model.yamlpos import SourceDoc, read_yaml_fast
from bpql.review import config as review_config
from bpql.review.git import INDEX, WORK, Git, Revision, resolve_range, snapshot
from bpql.review.impact import KINDS, reach, subgraph
from bpql.review.model import (
    At,
    BlueprintReview,
    FailChange,
    FailItem,
    Gate,
    GateHit,
    LintDelta,
    LintItem,
    OtherChange,
    Review,
    Risk,
    SharedChange,
    StepChange,
    StepItem,
)
from bpql.schema import SHARED, VISIBLE_LANES

#: the lists of the enterprise file and the label of their items
SHARED_LISTS = {
    "Department": "departments",
    "Role": "roles",
    "System": "systems",
    "Touchpoint": "touchpoints",
    "Persona": "personas",
}
#: a shared thing's own links, by the field a report names them with
SHARED_LINKS = {"department": "MEMBER_OF", "owner": "OWNED_BY", "depends_on": "DEPENDS_ON"}
#: fail point properties worked out from others, not compared
DERIVED = ("id", "ap_order", "ap_after_order", "lint")


def review(
    base_rev: str,
    head_rev: str | None = None,
    path: str | Path = ".",
    *,
    config: str | Path | None = None,
    today: date | None = None,
) -> Review:
    """The review of `path` (an enterprise folder, a folder inside one, or one of its files)
    between two revisions: `head_rev` None is the working files, `bpql.review.git.INDEX` the
    index. `config` names the settings file (else the nearest bpql.toml)."""
    where = Path(path)
    git = Git(where)
    base = Revision(base_rev, git.commit(base_rev))
    if head_rev is None or head_rev in (WORK, INDEX):
        head = Revision(head_rev or WORK, None)
    else:
        head = Revision(head_rev, git.commit(head_rev))
    return _review(git, base, head, where, config, today)


def review_range(
    spec: str | None,
    path: str | Path = ".",
    *,
    staged: bool = False,
    config: str | Path | None = None,
    today: date | None = None,
) -> Review:
    """`review` for what a user writes: `A..B`, `A...B` (from their merge base), `A` (A
    against the working files), nothing (HEAD against the working files); `staged`: against
    the index."""
    where = Path(path)
    git = Git(where)
    base, head = resolve_range(git, spec, staged)
    return _review(git, base, head, where, config, today)


# --- the enterprise and the scope -------------------------------------------------------------

_ENTERPRISE_KEY = re.compile(rb"^enterprise\s*:", re.M)


def enterprise_root(path: Path, top: Path) -> Path:
    """The enterprise folder `path` is part of: itself or the nearest folder above it (inside
    the repository) that holds the enterprise file; else `path` itself (or its folder)."""
    start = path if path.is_dir() or not path.suffix else path.parent
    folder = Path(start).absolute()
    top = top.absolute()
    for candidate in (folder, *folder.parents):
        if candidate.is_dir():
            for f in sorted(candidate.iterdir()):
                if f.suffix in (".yaml", ".yml") and f.is_file():
                    try:
                        if _ENTERPRISE_KEY.search(read_regular(f)):
                            return candidate
                    except FileRefused:
                        continue
        if candidate == top or top not in candidate.parents:
            break
    return folder


def _in(scope: str) -> Callable[[str | None], bool]:
    def inside(file: str | None) -> bool:
        return file is not None and (not scope or file == scope or file.startswith(scope + "/"))

    return inside


# --- one side ---------------------------------------------------------------------------------


class Parses:
    """Files parsed once per content: most files are the same bytes in both revisions."""

    def __init__(self) -> None:
        self.by_content: dict[str, Parsed] = {}

    def parse(self, files: list[Path]) -> tuple[list[Parsed], dict[str, str]]:
        """Every file parsed and checked against its model, and each file's content hash;
        every problem raised together."""
        parsed: list[Parsed] = []
        keys: dict[str, str] = {}
        problems: list[BpqlError] = []
        for f in files:
            try:
                raw = read_regular(f)
            except FileRefused as exc:
                problems.append(refused_file(exc, str(f)))
                continue
            key = hashlib.sha256(raw).hexdigest()
            keys[str(f)] = key
            hit = self.by_content.get(key)
            if hit is not None:
                doc = SourceDoc(str(f), hit.doc.data, hit.doc.positions, hit.doc.key_positions)
                parsed.append(Parsed(doc, hit.model))
                continue
            try:
                p = check_doc(read_yaml_fast(f))
                check_ignores([p])  # once per content: a misspelt rule id in `ignore`
            except BlueprintError as exc:
                problems.extend(exc.problems)
                continue
            except BpqlError as exc:
                problems.append(exc)
                continue
            self.by_content[key] = p
            parsed.append(p)
        if problems:
            raise BlueprintError(problems)
        return parsed, keys


@dataclass
class Side:
    """One revision of the enterprise, parsed, validated and linted."""

    revision: Revision
    #: the folder its files were read from, and what that folder is in the repository
    folder: Path | None
    rel: str
    graph: GraphData = field(default_factory=GraphData)
    name: str = ""
    findings: list[Finding] = field(default_factory=list)
    #: file (relative to the repository's top) -> content hash
    keys: dict[str, str] = field(default_factory=dict)
    #: path as read -> relative to the repository's top
    names: dict[str, str] = field(default_factory=dict)
    #: file (relative to the repository's top) -> what it parsed to
    parsed: dict[str, Parsed] = field(default_factory=dict)
    #: blueprint id -> its file
    blueprint_files: dict[str, str] = field(default_factory=dict)
    enterprise_file: str | None = None
    #: the part of the graph compared (the blueprints a change can move, and shared things)
    part: GraphData | None = None
    index: Index | None = None

    def __post_init__(self) -> None:
        self.spans = Locator(self)

    def shown(self, file: str | None) -> str:
        """A path as read (the work tree, or a temporary copy) as the repository names it."""
        if file is None:
            return ""
        return self.names.get(file, file)

    def at(self, span: Span) -> At:
        return At(self.shown(span.file), span.line, span.column)

    def file_of(self, label: str, id_: str) -> str | None:
        """The file a thing is written in, read from its id."""
        if label in SHARED_LISTS or (label == "FailPoint" and SYSTEM_MEMBER in id_):
            return self.enterprise_file
        if label == "Blueprint":
            return self.blueprint_files.get(id_)
        prefix = id_.rsplit(".", 1)[0]
        return self.blueprint_files.get(prefix if ":" in prefix else f"{prefix}:as-is")

    def ix(self) -> Index:
        if self.index is None:
            self.index = Index(self.part if self.part is not None else self.graph)
        return self.index


class Locator:
    """Where things are written, worked out a file at a time when first asked: a review of
    one changed service names things of a few files among a thousand."""

    def __init__(self, side: Side) -> None:
        self.side = side
        self.table: dict[tuple[str, str], At] = {}
        self.done: set[str] = set()

    def get(self, key: tuple[str, str]) -> At | None:
        found = self.table.get(key)
        if found is not None:
            return found
        file = self.side.file_of(*key)
        if file is None or file in self.done or file not in self.side.parsed:
            return None
        self.done.add(file)
        _locate(self.side, self.side.parsed[file], self.table)
        return self.table.get(key)


def _relabelled(exc: BpqlError, side: Side) -> BpqlError:
    """An error about a file read from a revision, naming the file as the repository does
    and the revision it is in (each problem keeps its code)."""
    problems = exc.problems if isinstance(exc, BlueprintError) else [exc]
    for p in problems:
        if p.span is not None:
            s = p.span
            p.span = Span(s.line, s.column, s.end_line, s.end_column, side.shown(s.file))
        else:
            for read, name in side.names.items():
                p.message = p.message.replace(read, name)
        p.message = f"{p.message} (in {side.revision.label})"
    return BlueprintError(problems)


def read_side(
    git: Git,
    revision: Revision,
    rel: str,
    into: Path,
    parses: Parses,
    lint: LintConfig,
    today: date,
) -> Side:
    """A revision's files under `rel`: validated and linted (an empty side when it has none,
    as the base of a pull request that adds the enterprise)."""
    if revision.spec == WORK and not (git.top / rel).exists():
        return Side(revision, None, rel)
    try:
        snap = snapshot(git, revision, rel, into)
    except BpqlError as exc:
        if exc.code == "BPQL-C310":
            return Side(revision, None, rel)
        raise
    side = Side(revision, snap.folder, rel)
    side.names = {str(read): name for read, name in snap.files}
    files = [read for read, _ in snap.files]
    try:
        with paused_gc():
            parsed, keys = parses.parse(files)
            validated = check_parsed(files, parsed, figures=False)
            side.findings = lint_enterprise(enterprise_of(parsed, today, validated.graph), lint)
    except BpqlError as exc:
        raise _relabelled(exc, side) from None
    side.graph, side.name = validated.graph, validated.name
    side.keys = {side.shown(f): k for f, k in keys.items()}
    for p in parsed:
        file = side.shown(p.doc.file)
        side.parsed[file] = p
        if isinstance(p.model, EnterpriseFile):
            side.enterprise_file = file
        else:
            assert isinstance(p.model, BlueprintFile)
            side.blueprint_files[blueprint_key(p.model)[0]] = file
    return side


def _locate(side: Side, p: Parsed, spans: dict[tuple[str, str], At]) -> None:
    """Where each thing of a file is written."""
    doc, model = p.doc, p.model
    if isinstance(model, EnterpriseFile):
        for label, key in SHARED_LISTS.items():
            for i, item in enumerate(getattr(model, key)):
                spans.setdefault((label, item.id), side.at(doc.span((key, i))))
        for i, s in enumerate(model.systems):
            for j, fp in enumerate(s.fail_points):
                at = side.at(doc.span(("systems", i, "fail_points", j)))
                spans.setdefault(("FailPoint", system_member_id(s.id, fp.id)), at)
        return
    assert isinstance(model, BlueprintFile)
    bid, prefix = blueprint_key(model)
    spans[("Blueprint", bid)] = side.at(doc.span(("service",), key=True))
    for key, label in (("phases", "Phase"), ("evidence", "Evidence"), ("metrics", "Metric")):
        for i, item in enumerate(getattr(model, key)):
            spans[(label, member_id(prefix, item.id))] = side.at(doc.span((key, i)))
    for i, st in enumerate(model.steps):
        spans[("Step", member_id(prefix, st.id))] = side.at(doc.span(("steps", i)))
        for j, fp in enumerate(st.fail_points):
            at = side.at(doc.span(("steps", i, "fail_points", j)))
            spans[("FailPoint", member_id(prefix, fp.id))] = at


# --- the review -------------------------------------------------------------------------------


def _review(
    git: Git,
    base: Revision,
    head: Revision,
    path: Path,
    config_file: str | Path | None,
    today: date | None,
) -> Review:
    root = enterprise_root(path, git.top)
    rel, scope = git.relative(root), git.relative(path)
    if scope and rel and not (scope == rel or scope.startswith(rel + "/")):
        scope = rel  # a folder above the enterprise: the whole enterprise
    settings = Path(config_file) if config_file is not None else None
    lint = load_lint_config(settings, root if root.exists() else git.top)
    gate_config = review_config.load(settings, root if root.exists() else git.top)
    day = today or date.today()
    parses = Parses()
    with tempfile.TemporaryDirectory(prefix="bpql-review-") as tmp:
        old = read_side(git, base, rel, Path(tmp) / "base", parses, lint, day)
        new = read_side(git, head, rel, Path(tmp) / "head", parses, lint, day)
    if old.folder is None and new.folder is None:
        raise BpqlError(
            f"no enterprise files under {rel or 'the top folder'} in {base.label} or in "
            f"{head.label}",
            code="BPQL-C317",
        )
    inside = _in(scope)
    changed_files = sorted(
        f for f in old.keys.keys() | new.keys.keys() if old.keys.get(f) != new.keys.get(f)
    )
    ent_changed = old.enterprise_file is None or old.enterprise_file in changed_files
    blueprints = _blueprints(old, new, changed_files, ent_changed, inside)
    shared = (
        _shared(old, new)
        if ent_changed and inside(new.enterprise_file or old.enterprise_file)
        else []
    )
    _reach(old, new, shared)
    risk = _risk(old, new, inside)
    lint_delta = _lint(old, new, inside)
    out = Review(
        base=base,
        head=head,
        enterprise=rel,
        scope=scope,
        enterprise_name=new.name or old.name,
        files_changed=[f for f in changed_files if inside(f)],
        blueprints=blueprints,
        shared=shared,
        risk=risk,
        lint=lint_delta,
        gate=Gate(list(gate_config.fail_on), source=gate_config.source),
    )
    out.gate.hits = _gate_hits(out, old, new, set(gate_config.fail_on))
    out.labels = labels(out)
    return out


def _blueprints(
    old: Side,
    new: Side,
    changed_files: list[str],
    everything: bool,
    inside: Callable[[str | None], bool],
) -> list[BlueprintReview]:
    changed = set(changed_files)
    candidates = {
        bid
        for side in (old, new)
        for bid, file in side.blueprint_files.items()
        if (everything or file in changed) and inside(file)
    }
    if not everything:  # only these blueprints are compared: index them, not everything
        for side in (old, new):
            side.part = subgraph(side.graph, candidates & side.blueprint_files.keys())
            side.index = None
    out = []
    for bid in sorted(candidates, key=lambda b: (b.split(":", 1)[0], b)):
        if bid in old.blueprint_files and bid in new.blueprint_files:
            found = _changed_blueprint(old, new, bid)
            if found is not None:
                out.append(found)
        elif bid in new.blueprint_files:
            out.append(_whole_blueprint(new, bid, "added"))
        else:
            out.append(_whole_blueprint(old, bid, "removed"))
    return out


def _step_item(side: Side, s: compare.StepFacts) -> StepItem:
    return StepItem.of(s, side.spans.get(("Step", s.id)))


def _path_figures(m: compare.Metrics) -> dict[str, float]:
    return {
        "target_time": m.target_time,
        "total_wait": m.total_wait,
        "longest_wait": m.longest_wait,
    }


def _service_name(side: Side, service: str) -> str:
    node = side.ix().nodes["Service"].get(service)
    return str(node.get("name") or service) if node else service


def _whole_blueprint(side: Side, bid: str, status: str) -> BlueprintReview:
    """A blueprint only one revision has: every step added (or removed)."""
    s = compare.side_of(side.part or side.graph, bid, side.ix())
    m = compare.metrics(s)
    items = [_step_item(side, f) for f in s.steps.values()]
    moments = [f.id for f in s.steps.values() if f.moment_of_truth]
    figures = _path_figures(m)
    zero = dict.fromkeys(figures, 0.0)
    added = status == "added"
    return BlueprintReview(
        service=s.service,
        service_name=_service_name(side, s.service),
        blueprint=bid,
        status=status,
        file=side.blueprint_files[bid],
        steps_added=items if added else [],
        steps_removed=[] if added else items,
        handoffs_before=[] if added else list(m.handoffs),
        handoffs_after=list(m.handoffs) if added else [],
        customer_path={k: (zero[k], v) if added else (v, zero[k]) for k, v in figures.items()},
        moments_added=moments if added else [],
        moments_removed=[] if added else moments,
        fail_added=sorted(f.id for f in s.failpoints.values()) if added else [],
        fail_removed=[] if added else sorted(f.id for f in s.failpoints.values()),
    )


def _changed_blueprint(old: Side, new: Side, bid: str) -> BlueprintReview | None:
    before = compare.side_of(old.part or old.graph, bid, old.ix())
    after = compare.side_of(new.part or new.graph, bid, new.ix())
    d = compare.compare(before, after)
    other = _other_changes(old, new, bid, before, after)
    if d.unchanged and not other:
        return None
    mb, ma = compare.metrics(before), compare.metrics(after)
    changes = []
    moments_added = [s.id for s in d.added if s.moment_of_truth]
    moments_removed = [s.id for s in d.removed if s.moment_of_truth]
    moments_changed = []
    for c in d.changed:
        mot = c.fields.get("moment_of_truth")
        if mot == (False, True):
            moments_added.append(c.after.id)
        elif mot == (True, False):
            moments_removed.append(c.before.id)
        elif c.after.moment_of_truth:
            moments_changed.append(c.after.id)
        changes.append(
            StepChange(
                c.after.id,
                c.before.id,
                c.after.name,
                c.after.lane,
                c.matched_by,
                dict(c.fields),
                c.before.moment_of_truth or c.after.moment_of_truth,
                new.spans.get(("Step", c.after.id)),
            )
        )
    fb, fa = _path_figures(mb), _path_figures(ma)
    return BlueprintReview(
        service=after.service,
        service_name=_service_name(new, after.service),
        blueprint=bid,
        status="changed",
        file=new.blueprint_files[bid],
        steps_added=[_step_item(new, s) for s in d.added],
        steps_removed=[_step_item(old, s) for s in d.removed],
        steps_changed=changes,
        handoffs_before=list(mb.handoffs),
        handoffs_after=list(ma.handoffs),
        customer_path={k: (fb[k], fa[k]) for k in fb},
        moments_added=moments_added,
        moments_removed=moments_removed,
        moments_changed=moments_changed,
        fail_added=[f.id for f in d.fail_added],
        fail_removed=[f.id for f in d.fail_removed],
        fail_changed=[c.after.id for c in d.fail_changed],
        uses={
            k: (v["added"], v["removed"])
            for k, v in d.shared_used().items()
            if k in ("departments", "channels") and (v["added"] or v["removed"])
        },
        other=other,
    )


def _differ(b: dict[str, Any], a: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Each field whose value differs, (before, after), in the order of their names."""
    return {k: (b.get(k), a.get(k)) for k in sorted(b.keys() | a.keys()) if b.get(k) != a.get(k)}


def _props(node: dict[str, Any] | None, skip: Iterable[str] = ("id",)) -> dict[str, Any]:
    if node is None:
        return {}
    return {k: v for k, v in node.items() if k not in skip}


def _other_changes(
    old: Side, new: Side, bid: str, before: compare.Side, after: compare.Side
) -> list[OtherChange]:
    """What the step and fail point comparison does not see: the blueprint's own fields,
    personas, phases, evidence and metrics, and steps' descriptions, scripts and evidence."""
    oi, ni = old.ix(), new.ix()
    out: list[OtherChange] = []

    def fields(label: str, id_: str, b: dict[str, Any], a: dict[str, Any]) -> None:
        out.extend(OtherChange(label, id_, k, x, y) for k, (x, y) in _differ(b, a).items())

    fields(
        "Blueprint",
        bid,
        _props(oi.nodes["Blueprint"].get(bid)),
        _props(ni.nodes["Blueprint"].get(bid)),
    )
    if bid.endswith(":as-is"):
        service = after.service
        b = _props(oi.nodes["Service"].get(service), ("id", "name"))
        a = _props(ni.nodes["Service"].get(service), ("id", "name"))
        fields("Service", service, b, a)
    personas = (
        sorted(oi.out["FOR_PERSONA"].get(bid, ())),
        sorted(ni.out["FOR_PERSONA"].get(bid, ())),
    )
    if personas[0] != personas[1]:
        out.append(
            OtherChange("Blueprint", bid, "personas", tuple(personas[0]), tuple(personas[1]))
        )
    prefix = bid.split(":", 1)[0] if bid.endswith(":as-is") else bid
    for label in ("Phase", "Evidence", "Metric"):
        b_nodes = {i: n for i, n in oi.nodes[label].items() if i.rsplit(".", 1)[0] == prefix}
        a_nodes = {i: n for i, n in ni.nodes[label].items() if i.rsplit(".", 1)[0] == prefix}
        for i in sorted(b_nodes.keys() | a_nodes.keys()):
            b, a = _props(b_nodes.get(i)), _props(a_nodes.get(i))
            if label == "Metric":
                b["measures"] = tuple(sorted(oi.out["MEASURES"].get(i, ()))) if b else None
                a["measures"] = tuple(sorted(ni.out["MEASURES"].get(i, ()))) if a else None
            if not b or not a:
                out.append(
                    OtherChange(label, i, "added" if a else "removed", b.get("name"), a.get("name"))
                )
            else:
                fields(label, i, b, a)
    for local, s in after.steps.items():
        if local not in before.steps:
            continue
        sb, sa = before.steps[local].id, s.id
        nb, na = oi.nodes["Step"][sb], ni.nodes["Step"][sa]
        for k in ("description", "script"):
            if nb.get(k) != na.get(k):
                out.append(OtherChange("Step", sa, k, nb.get(k), na.get(k)))
        shows = (
            tuple(sorted(oi.out["SHOWS"].get(sb, ()))),
            tuple(sorted(ni.out["SHOWS"].get(sa, ()))),
        )
        if shows[0] != shows[1]:
            out.append(OtherChange("Step", sa, "shows", *shows))
    return out


def _shared_facts(side: Side, label: str, id_: str) -> dict[str, Any]:
    ix = side.ix()
    facts = _props(ix.nodes[label].get(id_))
    for name, rel in SHARED_LINKS.items():
        targets = ix.out[rel].get(id_)
        if targets is None:
            continue
        facts[name] = tuple(sorted(targets)) if name == "depends_on" else targets[0]
    return facts


def _shared(old: Side, new: Side) -> list[SharedChange]:
    out: list[SharedChange] = []
    for label in SHARED:
        before = {n["id"]: n for n in old.graph.nodes[label]}
        after = {n["id"]: n for n in new.graph.nodes[label]}
        removed = sorted(before.keys() - after.keys())
        added = sorted(after.keys() - before.keys())
        facts_b = {i: _shared_facts(old, label, i) for i in removed}
        facts_a = {i: _shared_facts(new, label, i) for i in added}
        renamed: dict[str, str] = {}
        for r in removed:
            same = [a for a in added if facts_a[a] == facts_b[r]]
            if len(same) == 1 and [x for x in removed if facts_b[x] == facts_a[same[0]]] == [r]:
                renamed[same[0]] = r
        for i in sorted(before.keys() & after.keys()):
            diff = _differ(_shared_facts(old, label, i), _shared_facts(new, label, i))
            if diff:
                name = str(after[i].get("name") or i)
                out.append(SharedChange(label, i, name, "changed", diff, new.spans.get((label, i))))
        for i in added:
            was = renamed.get(i)
            out.append(
                SharedChange(
                    label,
                    i,
                    str(after[i].get("name") or i),
                    "added" if was is None else "renamed",
                    {} if was is None else {"id": (was, i)},
                    new.spans.get((label, i)),
                    renamed_from=was,
                )
            )
        for i in removed:
            if i not in renamed.values():
                name = str(before[i].get("name") or i)
                out.append(SharedChange(label, i, name, "removed", {}, old.spans.get((label, i))))
    order = {label: n for n, label in enumerate(SHARED)}
    out.sort(key=lambda s: (order[s.label], s.id))
    return out


def _reach(old: Side, new: Side, shared: list[SharedChange]) -> None:
    """What each changed shared thing reaches: in HEAD, or in BASE for a thing removed."""
    in_new = [(s.label, s.id) for s in shared if s.change != "removed" and s.label in KINDS]
    in_old = [(s.label, s.id) for s in shared if s.change == "removed" and s.label in KINDS]
    found = {**reach(old.graph, in_old, "base"), **reach(new.graph, in_new, "head")}
    for s in shared:
        s.reach = found.get((s.label, s.id))


def _fail_props(side: Side, inside: Callable[[str | None], bool]) -> dict[str, dict[str, Any]]:
    """Each fail point in scope, its fields as compared (and the step or system it is on)."""
    on: dict[str, str] = {}
    for rel in ("HAS_FAIL_POINT", "CAN_FAIL"):
        for a, b in side.graph.rels.get(rel, ()):
            on[b] = a
    out = {}
    for n in side.graph.nodes["FailPoint"]:
        if inside(side.file_of("FailPoint", n["id"])):
            out[n["id"]] = {**_props(n, DERIVED), "on": on.get(n["id"], "")}
    return out


def _fail_item(side: Side, id_: str, props: dict[str, Any]) -> FailItem:
    return FailItem(
        id_,
        str(props.get("name") or ""),
        props["on"],
        props.get("severity"),
        props.get("occurrence"),
        props.get("detection"),
        props.get("rpn"),
        props.get("ap"),
        props.get("action"),
        props.get("owner"),
        side.spans.get(("FailPoint", id_)),
    )


def _risk(old: Side, new: Side, inside: Callable[[str | None], bool]) -> Risk:
    before, after = _fail_props(old, inside), _fail_props(new, inside)
    risk = Risk()
    touched: set[str] = set()
    for i in sorted(after.keys() - before.keys()):
        risk.added.append(_fail_item(new, i, after[i]))
        touched.add(i)
    for i in sorted(before.keys() - after.keys()):
        risk.removed.append(_fail_item(old, i, before[i]))
    for i in sorted(before.keys() & after.keys()):
        pb, pa = before[i], after[i]
        diff = _differ(pb, pa)
        if not diff:
            continue
        change = FailChange(_fail_item(old, i, pb), _fail_item(new, i, pa), diff)
        (risk.rerated if change.rerated else risk.changed).append(change)
        if change.rerated or diff.keys() & {"ap", "action", "owner"}:
            touched.add(i)
    for i in sorted(touched):
        fa = _fail_item(new, i, after[i])
        if fa.ap != "high":
            continue
        if i not in before or before[i].get("ap") != "high":
            risk.new_high.append(fa)
        if not fa.action or not fa.owner:
            risk.attention.append(fa)
    return risk


def _lint_items(side: Side, inside: Callable[[str | None], bool]) -> list[LintItem]:
    out = []
    for f in side.findings:
        at = side.at(f.span)
        if inside(at.file):
            out.append(LintItem(f.rule, f.severity, f.message, f.element, at))
    return out


def _lint(old: Side, new: Side, inside: Callable[[str | None], bool]) -> LintDelta:
    """Findings matched by rule, element and message: an edit above a finding moves its line
    but does not make it new."""
    before, after = _lint_items(old, inside), _lint_items(new, inside)

    def key(f: LintItem) -> tuple[str, str, str]:
        return (f.rule, f.element, f.message)

    left = Counter(key(f) for f in before)
    right = Counter(key(f) for f in after)
    delta = LintDelta()
    for f in after:
        if left[key(f)] > 0:
            left[key(f)] -= 1
        else:
            delta.new.append(f)
    for f in before:
        if right[key(f)] > 0:
            right[key(f)] -= 1
        else:
            delta.fixed.append(f)
    return delta


# --- gate and labels --------------------------------------------------------------------------


def _gate_hits(r: Review, old: Side, new: Side, fail_on: set[str]) -> list[GateHit]:
    hits: list[GateHit] = []

    def hit(condition: str, message: str, at: At | None) -> None:
        hits.append(GateHit(condition, message, at, condition in fail_on))

    for f in r.risk.new_high:
        what = f'fail point {f.id} "{f.name}" on {f.on}: high action priority ({f.rating})'
        hit("high-priority-added", what, f.at)
        if not f.action:
            hit("high-priority-without-action", f"{what}, and no action", f.at)
        if not f.owner:
            hit("high-priority-without-owner", f"{what}, and no owner", f.at)
    for b in r.blueprints:
        # a thing gone is shown where its blueprint still is, else where it was
        here = new.spans.get(("Blueprint", b.blueprint))
        for step in b.moments_removed:
            at = new.spans.get(("Step", step)) or here or old.spans.get(("Step", step))
            why = "removed" if any(s.id == step for s in b.steps_removed) else "no longer one"
            hit("moment-of-truth-removed", f"moment of truth {step} {why} ({b.title})", at)
        for s in b.steps_removed:
            if s.lane in VISIBLE_LANES:
                at = here or s.at
                hit("customer-step-removed", f'{s.lane} step {s.id} "{s.name}" removed', at)
        if b.status == "removed":
            hit("blueprint-removed", f"blueprint {b.blueprint} removed ({b.file})", here)
        for x, y in b.handoffs_added:
            hit(
                "handoffs-added",
                f"handoff {x} -> {y} added ({b.title})",
                new.spans.get(("Step", _member(b.blueprint, y))) or here,
            )
        if b.status == "changed":
            for k in ("target_time", "total_wait"):
                was, now = b.customer_path[k]
                if now > was:
                    words = "target time" if k == "target_time" else "waits"
                    hit(
                        "customer-path-slower",
                        f"{words} along the customer path of {b.title}: "
                        f"{Duration(was)} -> {Duration(now)}",
                        here,
                    )
    for finding in r.lint.new:
        words = f"{finding.rule}: {finding.message}"
        if finding.severity == "error":
            hit("lint-error-added", words, finding.at)
        hit("lint-finding-added", words, finding.at)
    return hits


def _member(bid: str, local: str) -> str:
    service, _, scenario = bid.partition(":")
    return f"{service}.{local}" if scenario == "as-is" else f"{bid}.{local}"


def labels(r: Review) -> list[str]:
    """The labels the review suggests, in `bpql.review.model.LABELS` order."""
    out = []
    visible = any(
        s.lane in VISIBLE_LANES for b in r.blueprints for s in (*b.steps_added, *b.steps_removed)
    ) or any(
        s.lane in VISIBLE_LANES or (s.fields.get("lane", ("",))[0] in VISIBLE_LANES)
        for b in r.blueprints
        for s in b.steps_changed
    )
    visible = visible or any(s.reach and s.reach.customer_steps for s in r.shared)
    if visible:
        out.append("customer-visible")
    moments = any(b.moments_added or b.moments_removed or b.moments_changed for b in r.blueprints)
    if moments or any(s.reach and s.reach.moments_of_truth for s in r.shared):
        out.append("moment-of-truth")
    if r.risk.new_high:
        out.append("high-priority-added")
    if not r.semantic:
        out.append("no-semantic-change")
    return out
