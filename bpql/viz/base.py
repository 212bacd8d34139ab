"""What every view is made of: the `View` a page is returned as, the policy every page carries,
the hover facts of a node, and the page that shows an SVG drawing beside its side panel.

The graph and impact views (`bpql.viz.page`, vis-network) and the drawings (the blueprint and
diff views, SVG drawn in Python) both build on this module and on nothing of each other.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bpql.durations import format_minutes
from bpql.result import GraphNode
from bpql.schema import NODES

TEMPLATES = Path(__file__).resolve().parent / "templates"

#: the policy every saved page carries: nothing may be fetched
PAGE_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:"
)
#: a page served by `bpql serve` may also ask its own server (for a node's neighbours)
SERVED_CSP = PAGE_CSP + "; connect-src 'self'"


@dataclass(repr=False)
class View:
    """One rendered page: write it to a file, or show it inline in Jupyter.

    A notebook gets the page once, as HTML in an iframe (`_repr_html_`); its text form is one
    line, never the page (a view's page is up to a megabyte)."""

    kind: str
    title: str
    html: str
    nodes: int
    edges: int
    message: str | None = None
    #: the drawing behind the page, for views drawn as SVG (the blueprint and diff views)
    svg: str | None = None

    def save(self, path: str | Path) -> Path:
        out = Path(path)
        out.write_text(self.html, encoding="utf-8")
        return out

    def __repr__(self) -> str:
        from bpql.viz.text import shown

        return (
            f"<View {self.kind} {shown(self.title)!r}: {self.nodes} nodes, {self.edges} edges, "
            f"{len(self.html):,} characters of HTML>"
        )

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))

    def _repr_html_(self) -> str:
        # an iframe keeps the page's script and styles apart from the notebook's own; in a
        # single-quoted attribute only ' and & need escaping (the page holds few of either,
        # so the cell is about the page's size)
        doc = self.html.replace("&", "&amp;").replace("'", "&#39;")
        return (
            f"<iframe srcdoc='{doc}' "
            f'title="{html.escape(self.title, quote=True)}" '
            'style="width: 100%; height: 680px; border: 1px solid #dee2e6;"></iframe>'
        )


def served(view: View) -> str:
    """A view's page as `bpql serve` sends it: the same page, allowed to call its server."""
    return view.html.replace(f'content="{PAGE_CSP}"', f'content="{SERVED_CSP}"', 1)


@cache
def asset(name: str) -> str:
    """One of the page's own files (script or style), safe to write inline: a literal
    `</script` or `</style` would end the element early."""
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    return text.replace("</script", "<\\/script").replace("</style", "<\\/style")


def template(name: str) -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
    )
    return env.get_template(name)


#: properties a hover leaves out: sort keys and positions, not facts a designer reads
HOVER_HIDDEN = frozenset({"ap_order", "ap_after_order", "seq", "order", "id"})


def hover_facts(node: GraphNode) -> dict[str, Any]:
    """What a node's hover shows: durations with units (`2d`), as in tables; no sort keys
    (the page writes keys and yes/no in words)."""
    kind = NODES.get(node.label)
    out: dict[str, Any] = {}
    for k, v in sorted(node.properties.items()):
        if v is None or v == "" or k == "name" or k in HOVER_HIDDEN:
            continue
        prop = kind.prop(k) if kind is not None else None
        is_number = isinstance(v, (int, float)) and not isinstance(v, bool)
        out[k] = format_minutes(v) if prop and prop.unit == "minutes" and is_number else v
    return out


def jsonable(v: Any) -> Any:
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    return str(v)


def drawing_page(
    kind: str,
    title: str,
    svg: str,
    side: dict[str, Any],
    legend: list[dict[str, Any]],
    nodes: list[dict[str, Any]],
    edges: list[dict[str, Any]],
    message: str | None = None,
    picture: str | None = None,
) -> View:
    """A page showing an SVG drawing (made and escaped in Python) with a side panel: the
    blueprint and diff views. `side` is the panel's data (subtitle, kinds, tables); `legend`
    its keys (`svg`: a swatch made in Python, `words`, `count`); `nodes` and `edges` what the
    drawing holds, for the page's script and for tests; `picture` the drawing as a standalone
    SVG document (heading and legend included), for its SVG and PNG exports."""
    view = {"kind": kind, "title": title, "message": message, **side}
    text = template("drawing.html").render(
        view=view,
        nodes=nodes,
        edges=edges,
        legend=legend,
        svg=svg,
        css=asset("drawing.css"),
        js=asset("drawing.js"),
        csp=PAGE_CSP,
    )
    return View(kind, title, text, len(nodes), len(edges), message, picture)


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
