"""`bpql serve`: a local web explorer over a store, read-only, built on Starlette and uvicorn.

Every answer is drawn by the page code `bpql viz` writes (`bpql.viz.render` and its `VIEWS`
table), so a result kind that has a view shows up here with no change. The store is opened
read-only per request, as the CLI does per command, and closed before the answer is sent: the
server never holds the embedded store's lock between requests, and a load made meanwhile is
what the next request sees. The explorer's own script and styles are files of this package,
served under a Content-Security-Policy that allows nothing but this server.

What keeps other pages and other requests out (issue 19):

- **Host names.** Every route answers only a `Host` header that names this server: the loopback
  names (`localhost`, `127.0.0.1`, `[::1]`) and the bound address, each with the served port,
  and the names given with `--allow-host`. Anything else gets 421 and no data, so a page whose
  DNS name is rebound to 127.0.0.1 reads nothing. This is our own small middleware rather than
  Starlette's `TrustedHostMiddleware`, which compares the name only (it drops the port, and
  splits `[::1]:8765` at the wrong colon).
- **A token for everything that reads the store.** A random token is made at start and written
  into the explorer page (and into the views it serves); every `/api/...` request must send it
  back in the `X-BPQL-Token` header. Another site cannot read the page (the same-origin policy,
  and the Host check above against rebinding), cannot set the header without a CORS preflight
  this server never grants, and so gets 403 for anything it makes a browser ask.
- **Views by ticket.** An iframe cannot send a header, and a token in a URL would sit in the
  page's address and history, so `/view` is opened by a ticket instead: `/api/query` (and
  `/api/drawing` for a blueprint or a diff) answer with `/view?ticket=...`, a random name for
  that one answer, valid while this server runs. A ticket shows what its holder already had
  the right to ask, and nothing else; `/view?q=...` still works for programs that send the
  token header.
- **Work bounded per request.** The text is parsed, with its size bounded, and refused when it
  holds more than one statement before the store is opened; every read of a request stops on
  the store itself at `--query-timeout` (`Backend.set_time_limit`); the store is used by one
  worker thread at a time, so no request holds it for longer than that limit.
- **Bounded memory.** Work runs on a few threads of our own (the store's, the drawing's, and
  two for completion), not on the event loop's pool of 40: each thread that ever allocates
  keeps a malloc arena, and 20 concurrent clients grew the server from 419 MB to 1,362 MB that
  way; after each answer and drawing, the memory freed is given back (`malloc_trim`). Answers
  are kept for their view by count and by size, stamped when they are made, so a view never
  runs its query again because the answer took longer than the keeping time.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import math
import re
import secrets
import socket
import struct
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bpql.errors import BpqlError, QueryError
from bpql.present.terminal import LIST_SHOWN, first_items
from bpql.query.complete import StoreEntries, complete, search
from bpql.result import Result

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from bpql.backends.base import Backend

T = TypeVar("T")

TEMPLATES = Path(__file__).resolve().parents[1] / "viz" / "templates"

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
#: answers kept for the view that follows their table: how long after they were made or last
#: used, how many, and how big in all (nodes + edges + table cells: a department's impact at
#: 1,000 services weighs about 230,000; the newest is kept even alone past the bound, so its
#: own view never runs the query again)
RECENT_SECONDS = 60.0
RECENT_ANSWERS = 4
RECENT_WEIGHT = 400_000
#: tickets (`/view?ticket=`) remembered, newest first
TICKETS = 256
#: the header the explorer's script sends its token in
TOKEN_HEADER = "x-bpql-token"
#: the longest query text the explorer takes (the parser's work grows with it; a statement a
#: person writes is a few hundred characters, a long `in [...]` list a few thousand)
MAX_QUERY_TEXT = 8_000
#: the longest value of any other parameter (a name, an id, a node's key)
MAX_PARAMETER = 1_000
#: how long one request may use the store, in seconds, unless `--query-timeout` says
QUERY_TIMEOUT = 10.0
#: services listed on the home page; the rest are found by the search box
HOME_SERVICES = 100
#: where the store's answers go: one thread uses the store, one draws, two complete
STORE_THREADS, DRAW_THREADS, LIGHT_THREADS = 1, 1, 2

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
#: ports a browser leaves out of the Host header (http, https)
DEFAULT_PORTS = (80, 443)


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


# --- which Host headers are ours ---------------------------------------------------------

_HOST_NAME = re.compile(
    r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)


def host_entry(text: str) -> tuple[str, int | None]:
    """`name`, `name:port`, an IPv4 address or `[IPv6]`, with or without a port, as the
    lower-case name a Host header carries and the port (None: the served one); anything else
    (a wildcard, a path, spaces) is refused in one line."""
    raw = text.strip().lower()
    name, port = raw, None
    found = re.fullmatch(r"(\[[^\]]*\]|[^:\[\]]*)(?::(\d{1,5}))?", raw)
    if found is None:
        try:  # a bare IPv6 address, as --host takes it
            name = f"[{ipaddress.IPv6Address(raw).compressed}]"
        except ValueError:
            name = ""
    else:
        name, port = found.group(1), int(found.group(2)) if found.group(2) else None
        if name.startswith("["):
            try:
                name = f"[{ipaddress.IPv6Address(name[1:-1]).compressed}]"
            except ValueError:
                name = ""
        elif not _HOST_NAME.match(name):
            name = ""
    if not name or (port is not None and not 0 < port < 65536):
        raise BpqlError(
            f"--allow-host: expected a host name or address, optionally with a port "
            f"(explorer.example.org, 192.0.2.7:8765, [2001:db8::7]); got {text!r}",
            code="BPQL-C104",
        )
    return name, port


def allowed_hosts(host: str, port: int, extra: Iterable[str] = ()) -> frozenset[str]:
    """The Host headers this server answers: the loopback names and the bound address with the
    served port, and each `--allow-host` entry (with the served port unless it names one). A
    name on port 80 or 443 also stands without its port, as browsers send it there."""
    names: list[tuple[str, int | None]] = [(n, None) for n in LOOPBACK_NAMES]
    bound = host.strip().lower()
    unspecified = False
    with contextlib.suppress(ValueError):  # a name, not an address
        unspecified = ipaddress.ip_address(bound).is_unspecified
    if bound and not unspecified:
        names.append(host_entry(bound))
    names += [host_entry(e) for e in extra]
    out: set[str] = set()
    for name, own in names:
        p = port if own is None else own
        out.add(f"{name}:{p}")
        if p in DEFAULT_PORTS:
            out.add(name)
    return frozenset(out)


class HostCheck:
    """ASGI middleware: a request whose Host header is not one of `allowed` gets 421 and no
    data; every answer says not to sniff types and to send no referrer."""

    def __init__(self, app: ASGIApp, allowed: frozenset[str]) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":  # the explorer has none: closed before it opens
            await send({"type": "websocket.close", "code": 1008})
            return
        hosts = [v for k, v in scope.get("headers", ()) if k == b"host"]
        host = hosts[0].decode("latin-1").lower() if len(hosts) == 1 else ""
        if host not in self.allowed:
            body = (
                b"bpql serve answers requests for its own host names only "
                b"(bpql serve --allow-host NAME adds one)\n"
            )
            await send(
                {
                    "type": "http.response.start",
                    "status": 421,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(body)).encode()),
                        *_SAFE_HEADERS,
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return

        async def send_safely(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()), *_SAFE_HEADERS]}
            await send(message)

        await self.app(scope, receive, send_safely)


_SAFE_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]


# --- the explorer's state: the store, kept answers, tickets -------------------------------

#: what an answer is asked by: ("q", text) | ("blueprint", service, scenario, variant) |
#: ("observed", service, scenario, variant) | ("diff", service, variant)
Key = tuple[str, ...]


@dataclass
class _Kept:
    result: Result
    weight: int
    used: float


def _weight(result: Result) -> int:
    graph = len(result.graph.nodes) + len(result.graph.edges) if result.graph else 0
    table = len(result.table.rows) * len(result.table.columns) if result.table else 0
    return graph + table + 1


class Explorer:
    """The application's state: how to open the store, the completion entries, the answers
    kept for their views and the tickets that name them."""

    def __init__(
        self,
        open_store: Callable[[], Backend],
        uri: str,
        query_timeout: float | None,
        max_nodes: int | None = None,
    ) -> None:
        from bpql.viz import DEFAULT_MAX_NODES

        self._open = open_store
        self.uri = uri
        self.query_timeout = query_timeout
        #: above this many nodes a view is collapsed, and an answer reaching more steps is
        #: read without its subgraph (`bpql serve --max-nodes`)
        self.max_nodes = max_nodes or DEFAULT_MAX_NODES
        # one request at a time touches the store (the store's one worker thread, and the
        # completion entries read now and then): an embedded store opened read-only by two
        # threads of one process at once is not something LadybugDB promises to allow
        self.lock = threading.Lock()
        self.entries = StoreEntries(self.open_store, store_lock=self.lock)
        self._kept: OrderedDict[Key, _Kept] = OrderedDict()
        self._tickets: OrderedDict[str, Key] = OrderedDict()
        self._state = threading.Lock()
        #: how many answers were computed (not taken from those kept): for tests
        self.computed = 0

    def open_store(self) -> Backend:
        """The store, opened read-only, every read of it bounded by the time limit."""
        backend = self._open()
        if self.query_timeout is not None:
            backend.set_time_limit(self.query_timeout)
        return backend

    # --- kept answers and tickets --------------------------------------------------------
    def kept(self, key: Key) -> Result | None:
        with self._state:
            self._expire()
            found = self._kept.get(key)
            if found is None:
                return None
            found.used = time.monotonic()
            self._kept.move_to_end(key)
            return found.result

    def keep(self, key: Key, result: Result) -> None:
        """Keep `result`, stamped now that it is made, within the count and size bounds."""
        with self._state:
            self._kept[key] = _Kept(result, _weight(result), time.monotonic())
            self._kept.move_to_end(key)
            self._expire()
            total = sum(k.weight for k in self._kept.values())
            while len(self._kept) > 1 and (
                len(self._kept) > RECENT_ANSWERS or total > RECENT_WEIGHT
            ):
                _, gone = self._kept.popitem(last=False)
                total -= gone.weight

    def _expire(self) -> None:
        now = time.monotonic()
        for key in [k for k, v in self._kept.items() if now - v.used > RECENT_SECONDS]:
            del self._kept[key]

    def ticket(self, key: Key) -> str:
        """A random name for `key`'s answer, for its view's URL."""
        with self._state:
            for name, k in self._tickets.items():
                if k == key:
                    self._tickets.move_to_end(name)
                    return name
            name = secrets.token_urlsafe(16)
            self._tickets[name] = key
            while len(self._tickets) > TICKETS:
                self._tickets.popitem(last=False)
            return name

    def redeem(self, ticket: str) -> Key | None:
        with self._state:
            return self._tickets.get(ticket)

    # --- answers (on the store's thread) ------------------------------------------------
    def compute(self, key: Key) -> Result:
        """The answer `key` asks for: kept, or computed now and kept."""
        found = self.kept(key)
        if found is not None:
            return found
        kind = key[0]
        if kind == "q":
            result = self._query(key[1])
        elif kind == "blueprint":
            result = self._blueprint(key[1], key[2], key[3] or None)
        elif kind == "observed":
            result = self._blueprint(key[1], key[2], key[3] or None, observed=True)
        elif kind == "diff":
            result = self._diff(key[1], key[2] or None)
        else:  # pragma: no cover - keys are made in this module
            raise BpqlError(f"internal: no answer of kind {kind!r}", code="BPQL-V025")
        self.computed += 1
        self.keep(key, result)
        return result

    def _query(self, text: str) -> Result:
        from bpql.api import Client

        one_statement(text)
        with self.lock, self.open_store() as backend:
            # an answer too large to draw one node at a time is read without its subgraph,
            # and its view collapsed from its matrix
            results = Client.over(backend).run(text, max_nodes=self.max_nodes)
        answer = results[0]
        assert isinstance(answer, Result)  # `explain` was refused by one_statement
        return answer

    def _blueprint(
        self, service: str, scenario: str, variant: str | None, observed: bool = False
    ) -> Result:
        from bpql.api import Client

        with self.lock, self.open_store() as backend:
            client = Client.over(backend)
            # observed: with what bpql observe wrote on it (docs/observe.md)
            shown = client.observed_blueprint if observed else client.blueprint
            return shown(service, scenario, variant)

    def _diff(self, service: str, variant: str | None) -> Result:
        """The as-is of `service` against its to-be (or `variant`), as `bpql diff` answers it
        (Client.diff's two steps, with the store let go before the comparison runs)."""
        from bpql.analysis import compare
        from bpql.backends.reads import Scope, stored_graph

        with self.lock, self.open_store() as backend:
            graph = stored_graph(backend, Scope(service, redesigned=True))
        return compare.as_result(compare.compare_scenarios(graph, service, variant))

    def explain(self, text: str) -> str:
        from bpql.api import Client, explain_text

        one_statement(text, explain=True)
        with self.lock, self.open_store() as backend:
            return explain_text(Client.over(backend).explain(text))

    def neighbours(self, key: str) -> Result:
        """`show <kind> "<id>"`, one step out, for a node the user asks to expand."""
        from bpql.api import Client
        from bpql.schema import NODES

        label, _, id_ = key.partition(":")
        if label not in NODES or not id_:
            raise bad_parameter(
                "node", f"expected a node's key, a kind and an id (System:crm); got {key!r}"
            )
        with self.lock, self.open_store() as backend:
            return Client.over(backend).neighbours(label, id_)

    def home(self) -> dict[str, Any]:
        """What the home page offers: example queries made of what is loaded, and the
        services to open (those with a to-be also to compare)."""
        from bpql.ids import parse_blueprint_id

        services = self.entries("Service")
        redesigned = {
            ref.service
            for bid, _ in self.entries("Blueprint")
            if (ref := parse_blueprint_id(bid)).scenario != "as-is"
        }
        return {
            "examples": examples(self.entries),
            "services": [
                {"id": i, "name": n, "redesigned": i in redesigned}
                for i, n in services[:HOME_SERVICES]
            ],
            "total": len(services),
        }


_NOT_OURS = "this request did not come from the explorer's own page (no token)"
#: a route's handler
Handler = Callable[["Request"], Awaitable["Response"]]

_EXPLAIN_HAS_NO_VIEW = (
    "`explain` has no answer to draw: the Cypher of any answer is under its Cypher tab"
)


def one_statement(text: str, *, explain: bool = False) -> None:
    """Refuse, before anything runs, a text past MAX_QUERY_TEXT, one that does not parse, one
    of more than one statement, and (unless `explain`) an `explain`, which has no answer."""
    from bpql.errors import Span
    from bpql.query import ast
    from bpql.query.parser import parse

    if len(text) > MAX_QUERY_TEXT:
        raise QueryError(
            f"the explorer takes a query of up to {MAX_QUERY_TEXT:,} characters; this one has "
            f"{len(text):,}",
            Span(1, 1),
            code="BPQL-Q162",
        )
    statements = parse(text)
    if len(statements) != 1:
        raise QueryError(
            f"the explorer answers one statement at a time; got {len(statements)}",
            statements[1].span,
            text,
            code="BPQL-Q160",
        )
    if not explain and isinstance(statements[0], ast.Explain):
        raise QueryError(_EXPLAIN_HAS_NO_VIEW, statements[0].span, text, code="BPQL-Q161")


def examples(entries: Callable[[str], list[tuple[str, str]]]) -> list[str]:
    """Example queries for the home page, naming things the store holds."""

    def first(label: str) -> str | None:
        found = [i for i, _ in entries(label) if '"' not in i and "\\" not in i]
        return found[0] if found else None

    out = ["find services"]
    system, department, service = first("System"), first("Department"), first("Service")
    if department:
        out.append(f'impact of department "{department}"')
    if system:
        out += [f'impact of system "{system}"', f'risk of system "{system}"']
    if service:
        out.append(f'show service "{service}"')
    out += ["find failpoints where rpn >= 100 order by rpn desc limit 10", "count steps by lane"]
    return out


def bad_parameter(name: str, why: str) -> BpqlError:
    """A malformed request parameter: answered 400, never a traceback."""
    return BpqlError(f"{name}: {why}", code="BPQL-C110")


#: the codes answered 400 (a malformed request) rather than 200 (a user's mistake in a query)
BAD_REQUEST = frozenset({"BPQL-C110"})


#: the most items of a list a table cell shows, as on a terminal (a touchpoint's services at
#: 10,000 services: 2,600 names in one cell, an inventory of 40 touchpoints 1.5 MB); `bpql
#: query --format json` keeps them all
CELL_ITEMS = LIST_SHOWN


def _short(value: Any) -> Any:
    """A cell as the explorer's table shows it: a long list's first items and how many more."""
    return first_items(value) if isinstance(value, list) else value


def _answer(result: Result) -> dict[str, Any]:
    """What the explorer shows of an answer beside its view: a table and the counts. Values
    stay JSON values (numbers as numbers, durations as minutes with their unit per column)."""
    from bpql.result import Table

    table = result.table
    units: dict[str, str] = {}
    if table is None and result.graph is not None:
        nodes = result.node_order()
        columns = ["kind", "id", "name"]
        total = len(nodes)
        rows: list[list[Any]] = [[n.label, n.id, n.name] for n in nodes[:TABLE_ROWS]]
    elif table is not None:
        shown = Table(table.columns, table.rows[:TABLE_ROWS], table.units).to_json()
        columns, rows, units = shown["columns"], shown["rows"], shown.get("units", {})
        rows = [[_short(v) for v in row] for row in rows]
        total = len(table.rows)
    else:
        columns, rows, total = [], [], 0
    return {
        "kind": result.kind,
        "title": result.title,
        "columns": columns,
        "units": units,
        "rows": rows,
        "total": total,
        "nodes": len(result.graph.nodes) if result.graph is not None else None,
        "edges": len(result.graph.edges) if result.graph is not None else None,
        # an answer too large to draw is drawn collapsed from its matrix
        "drawn": result.graph is not None or result.undrawn is not None,
    }


def _error(exc: BpqlError, text: str = "") -> dict[str, Any]:
    shown = exc
    if isinstance(exc, QueryError) and exc.source is None and text:
        shown = exc.with_source(text)
    pretty = shown.pretty() if isinstance(shown, QueryError) else f"error: {shown}"
    return {"error": {**shown.to_json(), "pretty": pretty}}


def _finite(v: Any) -> Any:
    """JSON has no NaN or infinity: such a float is sent as null."""
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {k: _finite(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_finite(x) for x in v]
    return v


@cache
def favicon() -> bytes:
    """A 16x16 icon (the explorer's colour, a light bar across), as an ICO holding a PNG."""
    size = 16
    dark, light = b"\x26\x46\x53\xff", b"\xe9\xc4\x6a\xff"
    rows = b"".join(
        b"\x00" + b"".join(light if 6 <= y <= 9 and 3 <= x <= 12 else dark for x in range(size))
        for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    header = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(png), 6 + 16)
    return header + entry + png


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim`, where the C library has it (Linux with glibc), else None."""
    import ctypes

    try:
        found: Callable[[int], int] | None = getattr(ctypes.CDLL(None), "malloc_trim", None)
    except OSError:  # pragma: no cover - a platform without dlopen(NULL)
        return None
    return found


def _trimmed(fn: Callable[[], T]) -> Callable[[], T]:
    """`fn`, then the memory it freed given back to the system: an answer's objects are freed
    once sent, but the C allocator keeps the pages in its thread's arena, so a server that drew
    one big answer stayed 100-250 MB larger for good (bench/serve.py --memory, runs on one
    day: one client's median 505-517 MB without, 274-308 MB with)."""

    def run() -> T:
        try:
            return fn()
        finally:
            trim = _malloc_trim()
            if trim is not None:
                trim(0)

    return run


# --- the application ---------------------------------------------------------------------


def make_app(
    open_store: Callable[[], Backend],
    uri: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    allow_hosts: Iterable[str] = (),
    query_timeout: float | None = QUERY_TIMEOUT,
    token: str | None = None,
    max_nodes: int | None = None,
) -> Starlette:
    """The explorer as an ASGI application (what uvicorn runs, and what tests may call): it
    answers the Host names of `host:port` and `allow_hosts` only (see the module's notes)."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import HTMLResponse, Response
    from starlette.routing import Route

    from bpql import viz
    from bpql.viz.page import SERVED_CSP, served

    app_state = Explorer(open_store, uri, query_timeout, max_nodes)
    secret = token or secrets.token_urlsafe(32)
    pools = {
        "store": ThreadPoolExecutor(STORE_THREADS, thread_name_prefix="bpql-store"),
        "draw": ThreadPoolExecutor(DRAW_THREADS, thread_name_prefix="bpql-draw"),
        "light": ThreadPoolExecutor(LIGHT_THREADS, thread_name_prefix="bpql-light"),
    }

    async def on(pool: str, fn: Callable[[], T]) -> T:
        work = fn if pool == "light" else _trimmed(fn)
        return await asyncio.get_running_loop().run_in_executor(pools[pool], work)

    no_store = {"Cache-Control": "no-store"}

    def json_response(body: dict[str, Any], status: int = 200) -> Response:
        try:
            text = json.dumps(body, ensure_ascii=False, default=str, allow_nan=False)
        except ValueError:
            text = json.dumps(_finite(body), ensure_ascii=False, default=str)
        return Response(text, status, media_type="application/json", headers=no_store)

    def error_response(exc: BpqlError, text: str = "") -> Response:
        # a user's mistake is an answer (200, `{"error": ...}`), not a failed request: the
        # browser would log every typo as a console error; a malformed request is a 400
        return json_response(_error(exc, text), 400 if exc.code in BAD_REQUEST else 200)

    def param(
        request: Request, name: str, *, required: bool = True, limit: int = MAX_PARAMETER
    ) -> str | None:
        values = request.query_params.getlist(name)
        if len(values) > 1:
            raise bad_parameter(name, f"given {len(values)} times; give it once")
        if not values:
            if required:
                raise bad_parameter(name, "missing")
            return None
        value = values[0]
        if len(value) > limit:
            raise bad_parameter(name, f"longer than {limit:,} characters")
        return value

    def text_param(request: Request) -> str:
        """`q`, bounded by MAX_QUERY_TEXT in `one_statement` (a query error with its count)
        and here, far past it, as a malformed request."""
        value = param(request, "q", limit=MAX_QUERY_TEXT * 4)
        assert value is not None
        return value

    def trusted(request: Request) -> bool:
        given = request.headers.get(TOKEN_HEADER, "")
        return secrets.compare_digest(given.encode(), secret.encode())

    def refused() -> Response:
        # no data, and no hint of any: another site's page, or a program without the token
        return json_response(_error(BpqlError(_NOT_OURS, code="BPQL-C111")), 403)

    def api(fn: Handler) -> Handler:
        """A route that reads the store: the token first, then the handler, with malformed
        parameters and user mistakes answered as JSON."""

        async def route(request: Request) -> Response:
            if not trusted(request):
                return refused()
            try:
                return await fn(request)
            except BpqlError as exc:
                return error_response(exc, request.query_params.get("q", ""))

        return route

    async def index(request: Request) -> Response:
        page = (TEMPLATES / "explorer.html").read_text(encoding="utf-8")
        page = page.replace("{{ store }}", _html(uri)).replace("{{ token }}", _html(secret))
        return HTMLResponse(page, headers={"Content-Security-Policy": EXPLORER_CSP, **no_store})

    async def static(request: Request) -> Response:
        found = STATIC.get(request.path_params["name"])
        if found is None:
            return Response("not found", 404, media_type="text/plain")
        file, media = found
        return Response((TEMPLATES / file).read_text(encoding="utf-8"), media_type=media)

    async def icon(request: Request) -> Response:
        return Response(favicon(), media_type="image/x-icon")

    async def drawn(key: Key) -> tuple[Result, str]:
        """The answer `key` asks for (kept, or made on the store's thread) and its ticket."""
        result = app_state.kept(key)
        if result is None:
            result = await on("store", lambda: app_state.compute(key))
        return result, app_state.ticket(key)

    @api
    async def query(request: Request) -> Response:
        text = text_param(request)
        await on("light", lambda: one_statement(text))  # nothing runs for a text refused
        result, ticket = await drawn(("q", text))
        body = await on("light", lambda: _answer(result))
        if body["drawn"]:
            body["view"] = f"/view?ticket={ticket}"
        return json_response(body)

    def drawing_key(request: Request) -> Key:
        service = param(request, "blueprint", required=False)
        if service is not None:
            scenario = param(request, "scenario", required=False) or "as-is"
            kind = "observed" if param(request, "observed", required=False) else "blueprint"
            return (kind, service, scenario, param(request, "variant", required=False) or "")
        service = param(request, "diff", required=False)
        if service is not None:
            return ("diff", service, param(request, "variant", required=False) or "")
        raise bad_parameter("blueprint", "missing (or diff)")

    @api
    async def drawing(request: Request) -> Response:
        """A blueprint or a diff: its view's ticket and counts (no table, no Cypher)."""
        result, ticket = await drawn(drawing_key(request))
        assert result.graph is not None
        return json_response(
            {
                "kind": result.kind,
                "title": result.title,
                "nodes": len(result.graph.nodes),
                "edges": len(result.graph.edges),
                "view": f"/view?ticket={ticket}",
            }
        )

    @api
    async def explain(request: Request) -> Response:
        text = text_param(request)
        cypher = await on("store", lambda: app_state.explain(text))
        return json_response({"cypher": cypher})

    @api
    async def completions(request: Request) -> Response:
        text = param(request, "q", limit=MAX_QUERY_TEXT) or ""
        pos = param(request, "pos", required=False)
        cursor = None
        if pos is not None:
            if not re.fullmatch(r"[0-9]{1,7}", pos):
                raise bad_parameter("pos", f"expected a position in the text, 0 to {len(text)}")
            cursor = int(pos)
        done = await on("light", lambda: complete(text, cursor, app_state.entries))
        return json_response(done.to_json())

    @api
    async def find(request: Request) -> Response:
        text = param(request, "name") or ""

        def run() -> dict[str, Any]:
            from bpql.query.resolve import BY_SINGULAR_OF

            return {
                "things": [
                    {
                        "label": label,
                        "kind": BY_SINGULAR_OF.get(label, label.lower()),
                        "id": id_,
                        "name": name,
                    }
                    for label, id_, name in search(app_state.entries, text)
                ]
            }

        return json_response(await on("light", run))

    @api
    async def home(request: Request) -> Response:
        return json_response(await on("light", app_state.home))

    @api
    async def expand(request: Request) -> Response:
        key = param(request, "node") or ""

        def items(result: Result) -> dict[str, Any]:
            from bpql.viz.page import vis_items

            assert result.graph is not None
            nodes, edges = vis_items(result.graph)
            return {"nodes": nodes, "edges": edges}

        result = await on("store", lambda: app_state.neighbours(key))
        return json_response(await on("light", lambda: items(result)))

    async def view(request: Request) -> Response:
        text = request.query_params.get("q", "")
        try:
            ticket = param(request, "ticket", required=False)
            if ticket is not None:
                found = app_state.redeem(ticket)
                if found is None:
                    raise bad_parameter("ticket", "unknown: run the query again in the explorer")
                key = found
            elif not trusted(request):
                return refused()
            elif request.query_params.get("blueprint") or request.query_params.get("diff"):
                key = drawing_key(request)
            else:
                text = text_param(request)
                one_statement(text)
                key = ("q", text)
            result, _ = await drawn(key)
            if key[0] == "q":
                text = key[1]
                title = result.title or " ".join(text.split())
            else:
                title = None

            def page() -> str:
                view = viz.render(result, max_nodes=app_state.max_nodes, title=title)
                return _with_token(served(view), secret)

            html = await on("draw", page)
            return HTMLResponse(html, headers={"Content-Security-Policy": SERVED_CSP, **no_store})
        except BpqlError as exc:
            body = _error(exc, text)["error"]["pretty"]
            return HTMLResponse(
                f"<!DOCTYPE html><meta charset=utf-8><pre>{_html(body)}</pre>",
                400,
                headers={"Content-Security-Policy": "default-src 'none'", **no_store},
            )

    routes = [
        Route("/", index),
        Route("/favicon.ico", icon),
        Route("/static/{name}", static),
        Route("/view", view),
        Route("/api/query", query),
        Route("/api/drawing", drawing),
        Route("/api/explain", explain),
        Route("/api/complete", completions),
        Route("/api/search", find),
        Route("/api/home", home),
        Route("/api/expand", expand),
    ]
    hosts = allowed_hosts(host, port, allow_hosts)
    app = Starlette(routes=routes, middleware=[Middleware(HostCheck, allowed=hosts)])
    app.state.explorer = app_state
    app.state.token = secret
    app.state.hosts = hosts
    return app


def _with_token(page: str, token: str) -> str:
    """A served view, with the token its script sends when it asks for a node's neighbours."""
    return page.replace("<head>", f'<head>\n<meta name="bpql-token" content="{_html(token)}">', 1)


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
    *,
    allow_hosts: Iterable[str] = (),
    query_timeout: float | None = QUERY_TIMEOUT,
    max_nodes: int | None = None,
) -> None:
    """Serve until interrupted (uvicorn; one process, requests on a few threads of our own).
    `ready` is told the port once the socket listens."""
    import uvicorn

    extra = list(allow_hosts)
    for entry in extra:
        host_entry(entry)  # a bad name is refused before the socket is bound
    sock = listen(host, port)
    port = sock.getsockname()[1]
    app = make_app(
        open_store,
        uri,
        host=host,
        port=port,
        allow_hosts=extra,
        query_timeout=query_timeout,
        max_nodes=max_nodes,
    )
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
