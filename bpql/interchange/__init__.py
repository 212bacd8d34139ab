"""Interchange: an enterprise's blueprints to and from the tools people already use.

One module per format, each a Python function first and a `bpql export`/`bpql import`
command second (docs/interchange.md):

- `xlsx`: the blueprint grid as a workbook, both ways (`export_xlsx`, `import_xlsx`);
- `tables`: the enterprise's shared things as CSV, one file per kind (`export_csv`);
- `archimate`: the Open Group Model Exchange File Format 3.1 and Archi's CSV
  (`export_archimate`, `export_archi_csv`), every relation checked against
  `archimate_rules`, the ArchiMate 3.2 relationship table;
- `bpmn`: a BPMN 2.0 collaboration with diagram interchange (`export_bpmn`);
- `mermaid` and `drawio`: for wikis (`export_mermaid`, `export_drawio`).

Every export reads one `GraphData` (validated files, or the graph read back from a store)
through `bpql.interchange.source`; the spreadsheet also reads the files themselves when it
has them (`source.read_files`), so settings the graph does not hold (lint, descriptions,
file names) round-trip too. Nothing here is imported until a command asks for it.
"""

from __future__ import annotations

#: the formats `bpql export` writes: name -> (module, function, what it writes)
FORMATS: dict[str, tuple[str, str, str]] = {
    "xlsx": ("bpql.interchange.xlsx", "export_xlsx", "a workbook: the blueprint grid"),
    "csv": ("bpql.interchange.tables", "export_csv", "a folder of CSV files, one per kind"),
    "archimate": (
        "bpql.interchange.archimate",
        "export_archimate",
        "an ArchiMate Model Exchange File (3.1)",
    ),
    "archi-csv": (
        "bpql.interchange.archimate",
        "export_archi_csv",
        "a folder with Archi's elements.csv, relations.csv and properties.csv",
    ),
    "bpmn": ("bpql.interchange.bpmn", "export_bpmn", "a BPMN 2.0 collaboration with diagram"),
    "mermaid": ("bpql.interchange.mermaid", "export_mermaid", "Mermaid flowcharts"),
    "drawio": ("bpql.interchange.drawio", "export_drawio", "a draw.io file, a page a blueprint"),
}
