"""`bpql serve`: a local web explorer over a store, read-only, built on Starlette and uvicorn.

Every answer is drawn by the page code `bpql viz` writes (`bpql.viz.render` and its `VIEWS`
table), so a result kind that has a view shows up here with no change. The store is opened
read-only per request, as the CLI does per command, and closed before the answer is sent: the
server never holds the embedded store's lock between requests, and a load made meanwhile is
what the next request sees. The explorer's own script and styles are files of this package,
served under a Content-Security-Policy that allows nothing but this server.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bpql.complete import StoreEntries, complete, search
from bpql.errors import BpqlError, QueryError
from bpql.result import Result

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from bpql.backends.base import Backend

TEMPLATES = Path(__file__).resolve().parent / "viz" / "templates"

#: the explorer page: its own files and its own server, nothing else
EXPLORER_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "frame-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'"
)
#: files the explorer page loads, by the name it asks for
STATIC = {
    "explorer.js": ("explorer.js", "text/javascript; charset=utf-8"),
    "explorer.css": ("explorer.css", "text/css; charset=utf-8"),
}
#: rows sent to the explorer's table; the answer's full count is sent beside them
TABLE_ROWS = 2000
#: how long, and how many, answers are kept for the view that follows their table
RECENT_SECONDS = 10.0
RECENT_ANSWERS = 4


def is_loopback(host: str) -> bool:
    """Whether binding `host` keeps the server to this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str | None:
    if is_loopback(host):
        return None
    return (
        f"warning: bpql serve on {host} can be reached from other machines and has no "
        "authentication: anyone who reaches it can read the whole store"
    )


class Explorer:
    """The application's state: how to open the store, and the completion entries."""

    def __init__(self, open_store: Callable[[], Backend], uri: str) -> None:
        self.open_store = open_store
        self.uri = uri
        # one request at a time touches the store: an embedded store opened read-only by
        # two threads of one process at once is not something LadybugDB promises to allow
        self.lock = threading.Lock()
        self.entries = StoreEntries(open_store, store_lock=self.lock)
        # the explorer asks for an answer's table, then for its view: the second request
        # reuses the first's answer if it comes within RECENT_SECONDS
        self.recent: OrderedDict[str, tuple[float, list[Any]]] = OrderedDict()

    # --- answers -----------------------------------------------------------------------
    def _run(self, text: str) -> list[Any]:
        from bpql.engine import Engine

        with self.lock:
            now = time.monotonic()
            for key in [k for k, (at, _) in self.recent.items() if now - at > RECENT_SECONDS]:
                del self.recent[key]
            if text in self.recent:
                return self.recent[text][1]
            with self.open_store() as backend:
                results = Engine(backend).run(text)
            self.recent[text] = (now, results)
            while len(self.recent) > RECENT_ANSWERS:
                self.recent.popitem(last=False)
            return results

    def result(self, text: str) -> Result:
        from bpql.ir import Compiled

        results = self._run(text)
        if len(results) != 1:
            raise QueryError(
                f"the explorer answers one statement at a time; got {len(results)}",
                code="BPQL-Q160",
            )
        if isinstance(results[0], Compiled):
            raise QueryError(
                "`explain` has no answer to draw: the Cypher of any answer is under its Cypher tab",
                code="BPQL-Q161",
            )
        answer = results[0]
        assert isinstance(answer, Result)
        return answer

    def blueprint(self, service: str, scenario: str, variant: str | None) -> Result:
        from bpql.engine import Engine

        with self.lock, self.open_store() as backend:
            return Engine(backend).blueprint(service, scenario, variant)

    def diff(self, service: str, variant: str | None) -> Result:
        """The as-is of `service` against its to-be (or `variant`), as `bpql diff` answers it."""
        from bpql import compare

        with self.lock, self.open_store() as backend:
            graph = compare.stored_graph(backend, service, redesigned=True)
        return compare.as_result(compare.compare_scenarios(graph, service, variant))

    def explain(self, text: str) -> str:
        from bpql.api import explain_text
        from bpql.engine import Engine

        with self.lock, self.open_store() as backend:
            return explain_text(Engine(backend).explain(text))

    def neighbours(self, key: str) -> Result:
        """`show <kind> "<id>"`, one step out, for a node the user asks to expand."""
        from bpql import ir
        from bpql.engine import Engine
        from bpql.schema import NODES

        label, _, id_ = key.partition(":")
        if label not in NODES or not id_:
            raise BpqlError(f"no node {key!r} to expand", code="BPQL-V020")
        with self.lock, self.open_store() as backend:
            engine = Engine(backend)
            return engine.execute(ir.ShowIR(ir.Target(label, id_, id_), depth=1))


def _answer(result: Result) -> dict[str, Any]:
    """What the explorer shows of an answer beside its view: a table and the counts."""
    from bpql.result import cell_text

    table = result.table
    if table is None and result.graph is not None:
        nodes = result.node_order()
        columns = ["kind", "id", "name"]
        rows: list[list[Any]] = [[n.label, n.id, n.name] for n in nodes]
    elif table is not None:
        columns = table.columns
        rows = [[cell_text(v) for v in r] for r in table.rows]
    else:
        columns, rows = [], []
    return {
        "kind": result.kind,
        "title": result.title,
        "columns": columns,
        "rows": rows[:TABLE_ROWS],
        "total": len(rows),
        "nodes": len(result.graph.nodes) if result.graph is not None else None,
        "edges": len(result.graph.edges) if result.graph is not None else None,
        "drawn": result.graph is not None,
    }


def _error(exc: BpqlError, text: str = "") -> dict[str, Any]:
    shown = exc
    if isinstance(exc, QueryError) and exc.source is None and text:
        shown = exc.with_source(text)
    pretty = shown.pretty() if isinstance(shown, QueryError) else f"error: {shown}"
    return {"error": {**shown.to_json(), "pretty": pretty}}


def make_app(open_store: Callable[[], Backend], uri: str) -> Starlette:
    """The explorer as an ASGI application (what uvicorn runs, and what tests may call)."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import HTMLResponse, Response
    from starlette.routing import Route

    from bpql import viz
    from bpql.viz.page import SERVED_CSP, served

    app_state = Explorer(open_store, uri)

    def json_response(body: dict[str, Any], status: int = 200) -> Response:
        text = json.dumps(body, ensure_ascii=False, default=str)
        return Response(text, status, media_type="application/json")

    async def guarded(fn: Callable[[], Response], text: str = "") -> Response:
        # a user's mistake is an answer (200, `{"error": ...}`), not a failed request: the
        # browser would log every typo as a console error
        try:
            return await run_in_threadpool(fn)
        except BpqlError as exc:
            return json_response(_error(exc, text))

    async def index(request: Request) -> Response:
        page = (TEMPLATES / "explorer.html").read_text(encoding="utf-8")
        return HTMLResponse(
            page.replace("{{ store }}", _html(uri)),
            headers={"Content-Security-Policy": EXPLORER_CSP},
        )

    async def static(request: Request) -> Response:
        found = STATIC.get(request.path_params["name"])
        if found is None:
            return Response("not found", 404)
        file, media = found
        return Response((TEMPLATES / file).read_text(encoding="utf-8"), media_type=media)

    async def query(request: Request) -> Response:
        text = request.query_params.get("q", "")
        return await guarded(lambda: json_response(_answer(app_state.result(text))), text)

    async def explain(request: Request) -> Response:
        text = request.query_params.get("q", "")
        return await guarded(lambda: json_response({"cypher": app_state.explain(text)}), text)

    async def completions(request: Request) -> Response:
        text = request.query_params.get("q", "")
        pos = request.query_params.get("pos")
        cursor = int(pos) if pos and pos.isdigit() else None
        return await guarded(
            lambda: json_response(complete(text, cursor, app_state.entries).to_json())
        )

    async def find(request: Request) -> Response:
        text = request.query_params.get("name", "")

        def run() -> Response:
            from bpql.resolve import BY_SINGULAR_OF

            found = search(app_state.entries, text)
            return json_response(
                {
                    "things": [
                        {
                            "label": label,
                            "kind": BY_SINGULAR_OF.get(label, label.lower()),
                            "id": id_,
                            "name": name,
                        }
                        for label, id_, name in found
                    ]
                }
            )

        return await guarded(run)

    async def expand(request: Request) -> Response:
        key = request.query_params.get("node", "")

        def run() -> Response:
            from bpql.viz.page import vis_items

            result = app_state.neighbours(key)
            assert result.graph is not None
            nodes, edges = vis_items(result.graph)
            return json_response({"nodes": nodes, "edges": edges})

        return await guarded(run)

    async def view(request: Request) -> Response:
        params = request.query_params
        text = params.get("q", "")

        def run() -> Response:
            if params.get("blueprint"):
                result = app_state.blueprint(
                    params["blueprint"], params.get("scenario") or "as-is", params.get("variant")
                )
                title = None
            elif params.get("diff"):
                result = app_state.diff(params["diff"], params.get("variant"))
                title = None
            else:
                result = app_state.result(text)
                title = result.title or " ".join(text.split())
            page = viz.render(result, title=title)
            return HTMLResponse(served(page), headers={"Content-Security-Policy": SERVED_CSP})

        try:
            return await run_in_threadpool(run)
        except BpqlError as exc:
            body = _error(exc, text)["error"]["pretty"]
            return HTMLResponse(
                f"<!DOCTYPE html><meta charset=utf-8><pre>{_html(body)}</pre>",
                400,
                headers={"Content-Security-Policy": "default-src 'none'"},
            )

    routes = [
        Route("/", index),
        Route("/static/{name}", static),
        Route("/view", view),
        Route("/api/query", query),
        Route("/api/explain", explain),
        Route("/api/complete", completions),
        Route("/api/search", find),
        Route("/api/expand", expand),
    ]
    return Starlette(routes=routes)


def _html(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound here so that a port in use is our one-line error (uvicorn
    would log it and exit), and port 0 picks a free one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise BpqlError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}", code="BPQL-C103"
        ) from None
    sock.listen(128)
    return sock


def run_server(
    open_store: Callable[[], Backend],
    uri: str,
    host: str,
    port: int,
    ready: Callable[[int], None] | None = None,
) -> None:
    """Serve until interrupted (uvicorn; one process, requests in its thread pool). `ready`
    is told the port once the socket listens."""
    import uvicorn

    sock = listen(host, port)
    port = sock.getsockname()[1]
    app = make_app(open_store, uri)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    shown = f"[{host}]" if ":" in host else host
    print(f"bpql serve: http://{shown}:{port}/ on {uri} (read-only); Ctrl-C stops it", flush=True)
    if ready is not None:
        ready(port)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
