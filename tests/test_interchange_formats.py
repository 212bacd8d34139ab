"""ArchiMate, BPMN, Mermaid, draw.io and CSV out (bpql/interchange/, issue 22 items 2-5).

Every ArchiMate file validates against the Open Group's 3.1 XSDs and every relationship in
it is one the ArchiMate 3.2 table allows; identifiers are the same from one export to the
next; every BPMN file validates against the OMG's BPMN 2.0 XSDs; Mermaid and draw.io files
hold every step in its lane; exports read files or a store, one service, a list or all,
either scenario. (bpmnlint and the drawings in a browser: tests/test_interchange_render.py.)
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from lxml import etree

from bpql.errors import BpqlError
from bpql.graphdata import Enterprise
from bpql.interchange.archimate import export_archi_csv, export_archimate
from bpql.interchange.archimate_rules import LETTERS, TABLE, allowed
from bpql.interchange.bpmn import export_bpmn
from bpql.interchange.drawio import export_drawio
from bpql.interchange.mermaid import export_mermaid
from bpql.interchange.tables import export_csv
from bpql.model.validate import validate_paths
from bpql.testing.synthetic import write_enterprise
from tests.conftest import EXAMPLES, ROOT
from tests.test_load import bpql

if TYPE_CHECKING:
    from tests.neo4j_fixture import Neo4jInfo


DATA = ROOT / "tests" / "data"
FOLDERS = [EXAMPLES / "insurer", EXAMPLES / "clinic", ROOT / "tests/blueprints/good"]
IDS = ["insurer", "clinic", "good"]
AM = "{http://www.opengroup.org/xsd/archimate/3.0/}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
BPMNDI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
DC = "{http://www.omg.org/spec/DD/20100524/DC}"


@pytest.fixture(scope="module")
def enterprises() -> dict[str, Enterprise]:
    return {name: validate_paths([f]) for name, f in zip(IDS, FOLDERS, strict=True)}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Enterprise:
    return validate_paths([write_enterprise(tmp_path_factory.mktemp("syn"), services=60)])


class _LocalXmlXsd(etree.Resolver):  # type: ignore[misc]
    """The Model schema imports xml.xsd from w3.org: read the copy in tests/data."""

    def resolve(self, url: str, pubid: Any, context: Any) -> Any:
        if url.endswith("xml.xsd"):
            return self.resolve_filename(str(DATA / "archimate" / "xml.xsd"), context)
        return None


@pytest.fixture(scope="module")
def archimate_schema() -> Any:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalXmlXsd())
    return etree.XMLSchema(etree.parse(str(DATA / "archimate/archimate3_Diagram.xsd"), parser))


@pytest.fixture(scope="module")
def bpmn_schema() -> Any:
    parser = etree.XMLParser(no_network=True)
    return etree.XMLSchema(etree.parse(str(DATA / "bpmn/BPMN20.xsd"), parser))


def valid(schema: Any, text: str) -> Any:
    doc = etree.fromstring(text.encode("utf-8"))
    assert schema.validate(doc), [f"{e.line}: {e.message}" for e in schema.error_log][:5]
    return doc


# --- ArchiMate ----------------------------------------------------------------------------


def relations_checked(doc: Any) -> int:
    """Every relationship in an exchange file checked against the 3.2 table, read from the
    file itself (not from the exporter's own check)."""
    types = {e.get("identifier"): e.get(XSI_TYPE) for e in doc.iter(f"{AM}element")}
    bad = []
    n = 0
    for r in doc.iter(f"{AM}relationship"):
        n += 1
        rel, src, dst = r.get(XSI_TYPE), types[r.get("source")], types[r.get("target")]
        if not allowed(rel, src, dst):
            bad.append(f"{rel} {src} -> {dst}")
    assert bad == []
    return n


@pytest.mark.parametrize("name", IDS)
@pytest.mark.parametrize("scenario", [None, "as-is", "to-be"])
def test_archimate_validates_and_every_relation_is_allowed(
    enterprises: dict[str, Enterprise], archimate_schema: Any, name: str, scenario: str | None
) -> None:
    ent = enterprises[name]
    try:
        text = export_archimate(ent, scenario=scenario)
    except BpqlError as exc:  # an enterprise with no to-be
        assert exc.code == "BPQL-C203" and scenario == "to-be"
        return
    doc = valid(archimate_schema, text)
    assert relations_checked(doc) > 0
    kinds = {e.get(XSI_TYPE) for e in doc.iter(f"{AM}element")}
    assert {"BusinessActor", "BusinessRole", "ApplicationComponent", "Plateau"} <= kinds
    # a view per blueprint, a node per step in it
    views = list(doc.iter(f"{AM}view"))
    blueprints = [
        b for b in ent.graph.nodes["Blueprint"] if scenario is None or b["scenario"] == scenario
    ]
    assert len(views) == len(blueprints)
    refs = {n.get("elementRef") for n in doc.iter(f"{AM}node")}
    steps = [
        s
        for s in ent.graph.nodes["Step"]
        if scenario is None or (":to-be" in s["id"]) == (scenario == "to-be")
    ]
    assert all(f"id-step-{s['id'].replace(':', '_c')}" in refs for s in steps)
    # in each band (a container) its things are inside it and do not overlap
    for view in views:
        for band in view.findall(f"{AM}node"):
            bx, by, bw, bh = (int(band.get(k)) for k in ("x", "y", "w", "h"))
            boxes = [
                tuple(int(n.get(k)) for k in ("x", "y", "w", "h"))
                for n in band.findall(f"{AM}node")
            ]
            for x, y, w, h in boxes:
                assert bx <= x and x + w <= bx + bw and by <= y and y + h <= by + bh
            for i, (x, y, w, h) in enumerate(boxes):
                for x2, y2, w2, h2 in boxes[i + 1 :]:
                    assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y


def test_archimate_of_the_synthetic_enterprise(
    synthetic: Enterprise, archimate_schema: Any
) -> None:
    doc = valid(archimate_schema, export_archimate(synthetic))
    assert relations_checked(doc) > 5_000


def test_the_relationship_table_says_what_the_specification_says() -> None:
    """Cells of ArchiMate 3.2's Appendix B, read off the specification: the copy is the
    table, not a table that allows everything."""
    assert allowed("Assignment", "BusinessRole", "BusinessProcess")
    assert allowed("Serving", "ApplicationComponent", "BusinessProcess")
    assert allowed("Aggregation", "Plateau", "BusinessEvent")
    assert allowed("Association", "Gap", "Plateau")
    assert not allowed("Composition", "BusinessProcess", "BusinessEvent")
    assert not allowed("Assignment", "BusinessActor", "ApplicationComponent")
    assert not allowed("Realization", "BusinessEvent", "BusinessService")
    assert not allowed("Triggering", "Plateau", "Gap")
    assert set(LETTERS.values()) == set("acfginorstv")
    assert all(
        set(cell) <= set(LETTERS.values()) for row in TABLE.values() for cell in row.values()
    )
    assert all(set(row) == set(TABLE) for row in TABLE.values())


def _ids(text: str) -> set[str]:
    doc = etree.fromstring(text.encode("utf-8"))
    return {e.get("identifier") for e in doc.iter() if e.get("identifier")}


def test_archimate_identifiers_are_stable(tmp_path: Path) -> None:
    """The same files give the same bytes; a step renamed keeps every identifier (Archi
    updates the element on re-import instead of adding one)."""
    first = export_archimate(validate_paths([EXAMPLES / "insurer"]))
    assert first == export_archimate(validate_paths([EXAMPLES / "insurer"]))
    shutil.copytree(EXAMPLES / "insurer", tmp_path / "ins")
    claims = tmp_path / "ins/services/claims.yaml"
    claims.write_text(claims.read_text().replace("name: Submit claim\n", "name: Report a claim\n"))
    renamed = export_archimate(validate_paths([tmp_path / "ins"]))
    assert renamed != first and "Report a claim" in renamed
    assert _ids(renamed) == _ids(first)


def test_archi_csv_is_the_same_model(enterprises: dict[str, Enterprise]) -> None:
    files = export_archi_csv(enterprises["insurer"])
    assert sorted(files) == ["elements.csv", "properties.csv", "relations.csv"]
    rows = {n: list(csv.reader(io.StringIO(t))) for n, t in files.items()}
    assert rows["elements.csv"][0] == ["ID", "Type", "Name", "Documentation", "Specialization"]
    assert rows["relations.csv"][0] == [
        "ID",
        "Type",
        "Name",
        "Documentation",
        "Source",
        "Target",
        "Specialization",
    ]
    assert rows["elements.csv"][1][1] == "ArchimateModel"
    elements = {r[0]: r[1] for r in rows["elements.csv"][2:]}
    for r in rows["relations.csv"][1:]:
        assert r[1].endswith("Relationship") and r[4] in elements and r[5] in elements
        assert allowed(r[1].removesuffix("Relationship"), elements[r[4]], elements[r[5]])
    xml_ids = _ids(export_archimate(enterprises["insurer"]))
    assert set(elements) <= xml_ids


# --- BPMN ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", IDS)
@pytest.mark.parametrize("scenario", ["as-is", "to-be", None])
@pytest.mark.parametrize("by_role", [False, True], ids=["lanes", "roles"])
def test_bpmn_validates_with_every_task_in_its_lane(
    enterprises: dict[str, Enterprise],
    bpmn_schema: Any,
    name: str,
    scenario: str | None,
    by_role: bool,
) -> None:
    ent = enterprises[name]
    doc = valid(bpmn_schema, export_bpmn(ent, scenario=scenario, by_role=by_role))
    bounds = {s.get("bpmnElement"): s.find(f"{DC}Bounds") for s in doc.iter(f"{BPMNDI}BPMNShape")}

    def box(element: str) -> tuple[float, float, float, float]:
        b = bounds[element]
        return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))  # type: ignore[return-value]

    tasks = [
        t
        for t in doc.iter()
        if isinstance(t.tag, str) and t.tag.endswith("ask") and t.tag.startswith(BPMN)
    ]
    steps = [
        s
        for s in ent.graph.nodes["Step"]
        if scenario is None or (":to-be" in s["id"]) == (scenario == "to-be")
    ]
    assert len(tasks) == len(steps)
    for lane in doc.iter(f"{BPMN}lane"):
        lx, ly, lw, lh = box(lane.get("id"))
        for ref in lane.findall(f"{BPMN}flowNodeRef"):
            x, y, w, h = box(ref.text)
            assert lx <= x and x + w <= lx + lw and ly <= y and y + h <= ly + lh, ref.text
    # one chain in time order: every task has one way in and one way out
    for t in tasks:
        assert len(t.findall(f"{BPMN}incoming")) == 1 == len(t.findall(f"{BPMN}outgoing"))
    touchpoints = sum(
        1 for s in steps if any(a == s["id"] for a, _ in ent.graph.rels["AT_TOUCHPOINT"])
    )
    assert len(list(doc.iter(f"{BPMN}messageFlow"))) == touchpoints


def test_bpmn_of_the_synthetic_enterprise(synthetic: Enterprise, bpmn_schema: Any) -> None:
    doc = valid(bpmn_schema, export_bpmn(synthetic, by_role=True))
    assert len(list(doc.iter(f"{BPMN}participant"))) == 61


# --- Mermaid and draw.io --------------------------------------------------------------------


def test_mermaid_a_subgraph_per_lane_and_every_step(enterprises: dict[str, Enterprise]) -> None:
    text = export_mermaid(enterprises["insurer"], services=["claims"])
    assert text.startswith("flowchart TB\n")
    for lane in ("customer", "frontstage", "backstage", "support"):
        assert f'  subgraph {lane}["' in text
    names = [
        s["name"]
        for s in enterprises["insurer"].graph.nodes["Step"]
        if s["id"].startswith("claims.")
    ]
    assert all(f'["{n}"]' in text for n in names)
    page = export_mermaid(enterprises["insurer"])  # several blueprints: Markdown
    as_is = [b for b in enterprises["insurer"].graph.nodes["Blueprint"] if b["scenario"] == "as-is"]
    assert page.count("```mermaid\n") == len(as_is) == 6 and page.startswith("## ")


def test_mermaid_labels_cannot_break_out() -> None:
    from bpql.interchange.mermaid import label

    assert label('Say "hi" <b>#1</b>') == "Say #quot;hi#quot; #lt;b#gt;#35;1#lt;/b#gt;"
    assert label("two\nlines\x1b") == "two<br>lines\\x1b"


def test_a_mmd_file_holds_one_flowchart(enterprises: dict[str, Enterprise], tmp_path: Path) -> None:
    with pytest.raises(BpqlError) as info:
        export_mermaid(enterprises["insurer"], tmp_path / "all.mmd")
    assert info.value.code == "BPQL-C215" and not (tmp_path / "all.mmd").exists()


@pytest.mark.parametrize("name", IDS)
def test_drawio_is_an_mxfile_with_every_step_in_its_lane(
    enterprises: dict[str, Enterprise], name: str
) -> None:
    ent = enterprises[name]
    doc = etree.fromstring(export_drawio(ent, scenario=None).encode("utf-8"))
    assert doc.tag == "mxfile"
    diagrams = doc.findall("diagram")
    assert len(diagrams) == len(ent.graph.nodes["Blueprint"])
    steps = 0
    for d in diagrams:
        assert d.get("id") and d.get("name")
        root = d.find("mxGraphModel/root")
        cells = {c.get("id"): c for c in root.iter("mxCell") if c.get("id")}
        objects = {o.get("id"): o.find("mxCell") for o in root.iter("object")}
        assert cells["0"].get("parent") is None and cells["1"].get("parent") == "0"
        every = {**cells, **objects}
        for cid, c in every.items():
            if cid not in ("0", "1"):
                assert c.get("parent") in every, cid
            if c.get("edge") == "1":
                assert c.get("source") in every and c.get("target") in every
            elif cid not in ("0", "1"):
                assert c.find("mxGeometry") is not None
        for oid, cell in objects.items():
            steps += 1
            lane = every[cell.get("parent")]
            g, lg = cell.find("mxGeometry"), lane.find("mxGeometry")
            assert float(g.get("x")) >= 0 and float(g.get("y")) >= 0
            assert float(g.get("x")) + float(g.get("width")) <= float(lg.get("width"))
            assert float(g.get("y")) + float(g.get("height")) <= float(lg.get("height"))
            assert "swimlane" in lane.get("style") and oid.startswith("step:")
    assert steps == len(ent.graph.nodes["Step"])


def test_drawio_labels_are_shown_not_run(tmp_path: Path) -> None:
    folder = tmp_path / "e"
    shutil.copytree(ROOT / "tests/blueprints/good", folder)
    f = next((folder / "services").glob("*.yaml"))
    text = f.read_text()
    first = text.split("    name: ", 1)[1].split("\n", 1)[0]
    f.write_text(
        text.replace(f"    name: {first}\n", "    name: '<img src=x onerror=alert(1)>'\n", 1)
    )
    out = export_drawio(validate_paths([folder]), scenario=None)
    assert "<img" not in out and "&amp;lt;img src=x onerror=alert(1)&amp;gt;" in out


# --- CSV ------------------------------------------------------------------------------------


def test_csv_one_file_per_kind(tmp_path: Path) -> None:
    ent = validate_paths([EXAMPLES / "insurer"])
    texts = export_csv(ent, tmp_path / "csv")
    assert (
        sorted(p.name for p in (tmp_path / "csv").iterdir())
        == sorted(texts)
        == [
            "departments.csv",
            "metrics.csv",
            "personas.csv",
            "roles.csv",
            "step-fail-points.csv",
            "steps.csv",
            "system-fail-points.csv",
            "systems.csv",
            "touchpoints.csv",
        ]
    )
    roles = list(csv.reader(io.StringIO(texts["roles.csv"])))
    assert roles[0] == ["Id", "Name", "Department", "Lint ignore"]
    assert ["claims-handler", "Claims handler", "claims", ""] in roles
    steps = list(csv.reader(io.StringIO(texts["steps.csv"])))
    assert len(steps) == 1 + len(ent.graph.nodes["Step"])


def test_formula_like_values_start_with_a_quote_in_every_csv(tmp_path: Path) -> None:
    folder = tmp_path / "e"
    shutil.copytree(ROOT / "tests/blueprints/good", folder)
    ent_file = folder / "enterprise.yaml"
    ent_file.write_text(
        ent_file.read_text().replace("    name: Claims agent\n", "    name: '=HYPERLINK(1)'\n", 1)
    )
    ent = validate_paths([folder])
    cells = [c for t in export_csv(ent).values() for row in csv.reader(io.StringIO(t)) for c in row]
    cells += [
        c for t in export_archi_csv(ent).values() for row in csv.reader(io.StringIO(t)) for c in row
    ]
    assert cells.count("'=HYPERLINK(1)") >= 2 and "=HYPERLINK(1)" not in cells


# --- choosing, and the commands -------------------------------------------------------------


def test_one_service_a_list_or_all(enterprises: dict[str, Enterprise]) -> None:
    ent = enterprises["insurer"]
    one = export_bpmn(ent, services=["Motor claims"])  # by name
    two = export_bpmn(ent, services=["claims", "quote"])
    every = export_bpmn(ent)
    assert one.count("<participant ") == 2 and two.count("<participant ") == 3
    assert every.count("<participant ") == 7  # the customer and six as-is services
    with pytest.raises(BpqlError) as info:
        export_bpmn(ent, services=["claim"])
    assert info.value.code == "BPQL-C202" and "did you mean 'claims'" in info.value.message


@pytest.mark.parametrize(
    ("fmt", "suffix"),
    [
        ("xlsx", ".xlsx"),
        ("archimate", ".xml"),
        ("bpmn", ".bpmn"),
        ("mermaid", ".md"),
        ("drawio", ".drawio"),
        ("csv", ""),
        ("archi-csv", ""),
    ],
)
def test_export_command_from_files_and_from_the_store(
    tmp_path: Path, fmt: str, suffix: str
) -> None:
    db = f"embedded:{tmp_path / 'g.lbdb'}"
    assert bpql("load", str(EXAMPLES / "clinic"), "--db", db).returncode == 0
    for name, args in (("files", [str(EXAMPLES / "clinic")]), ("store", ["--db", db])):
        out = tmp_path / f"{name}{suffix}"
        r = bpql("export", fmt, *args, "--scenario", "both", "-o", str(out))
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith(f"wrote {out}")
        assert out.exists() and (out.is_dir() or out.stat().st_size > 0)
    files, store = tmp_path / f"files{suffix}", tmp_path / f"store{suffix}"
    if fmt in ("bpmn", "mermaid"):  # the store's graph draws the same file
        assert files.read_bytes() == store.read_bytes()
    elif fmt in ("archimate", "drawio"):
        # the same things under the same identifiers (a store keeps no enterprise name, so
        # the model's own differs; a step's roles and systems may come back in another order)
        ids = re.compile(r' (?:identifier|id)="([^"]+)"')
        model = re.compile(r"^id-model-")
        a, b = (
            {i for i in ids.findall(f.read_text()) if not model.match(i)} for f in (files, store)
        )
        assert a == b and len(a) > 100


def test_export_from_neo4j_is_the_export_from_the_files(
    tmp_path: Path, neo4j_env: Neo4jInfo
) -> None:
    """Neo4j, the other store: the same BPMN, and the workbook reads back to the same graph."""
    from bpql.interchange.xlsx import import_xlsx

    assert bpql("load", str(EXAMPLES / "clinic"), "--db", neo4j_env.uri).returncode == 0
    for name, args in (("files", [str(EXAMPLES / "clinic")]), ("store", ["--db", neo4j_env.uri])):
        for fmt, suffix in (("bpmn", ".bpmn"), ("xlsx", ".xlsx")):
            out = tmp_path / f"{name}{suffix}"
            r = bpql("export", fmt, *args, "--scenario", "both", "-o", str(out))
            assert r.returncode == 0, r.stderr
    assert (tmp_path / "files.bpmn").read_bytes() == (tmp_path / "store.bpmn").read_bytes()
    import_xlsx(tmp_path / "store.xlsx", tmp_path / "back")
    back, files = (
        validate_paths([tmp_path / "back"]).graph,
        validate_paths([EXAMPLES / "clinic"]).graph,
    )

    # a store gives its things (and a step's roles and systems) back in its own order, which
    # depends on what the shared server held before: the same things and relationships
    def by_id(nodes: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
        return {label: sorted(v, key=lambda n: str(n["id"])) for label, v in nodes.items()}

    assert by_id(back.nodes) == by_id(files.nodes)
    assert {t: sorted(v) for t, v in back.rels.items()} == {
        t: sorted(v) for t, v in files.rels.items()
    }


def test_export_command_prints_text_formats_and_refuses_mistakes(tmp_path: Path) -> None:
    r = bpql("export", "mermaid", str(EXAMPLES / "insurer"), "--service", "claims")
    assert r.returncode == 0 and r.stdout.startswith("flowchart TB\n")
    # `-o -` is standard output, and no file named "-" is written
    dash = bpql("export", "mermaid", str(EXAMPLES / "insurer"), "--service", "claims", "-o", "-")
    assert dash.returncode == 0 and dash.stdout == r.stdout and not (ROOT / "-").exists()
    r = bpql("export", "xlsx", str(EXAMPLES / "insurer"))
    assert r.returncode == 2 and "expected -o FILE.xlsx" in r.stderr
    r = bpql("export", "xlsx", str(EXAMPLES / "insurer"), "-o", "-")
    assert r.returncode == 2 and "expected -o FILE.xlsx" in r.stderr and not (ROOT / "-").exists()
    r = bpql("export", "bpmn", str(EXAMPLES / "insurer"), "--service", "nope")
    assert r.returncode == 2 and r.stderr.startswith("error: no service 'nope'")
    r = bpql("export", "archimate", str(EXAMPLES / "insurer"), "--by-role")
    assert r.returncode == 2 and "--by-role goes with bpmn" in r.stderr
    r = bpql("export", "bpmn", "--db", f"embedded:{tmp_path / 'none.lbdb'}")
    assert r.returncode != 0 and "Traceback" not in r.stderr


@pytest.mark.slow
def test_archimate_and_bpmn_of_the_synthetic_thousand_services(
    tmp_path: Path, archimate_schema: Any, bpmn_schema: Any
) -> None:
    """The 1,000-service enterprise: the ArchiMate file validates against the 3.1 XSDs with
    every relationship allowed, the BPMN file against the BPMN 2.0 XSDs."""
    ent = validate_paths([write_enterprise(tmp_path, services=1000)])
    doc = valid(archimate_schema, export_archimate(ent))
    assert relations_checked(doc) > 100_000
    valid(bpmn_schema, export_bpmn(ent))
