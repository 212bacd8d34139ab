"""`bpql serve` against a hostile world (issue 19, item 3): foreign Host names, requests from
other sites, and what each route gives them (nothing). Against a real `bpql serve` process over
real HTTP, the embedded store holding the insurer; the refusals are checked beside the same
requests made rightly, which get the data, so each refusal is one that could have failed."""

from __future__ import annotations

import contextlib
import http.client
import http.server
import re
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from bpql.api import Client, connect
from bpql.cli.serve import allowed_hosts, make_app
from tests.conftest import insurer_in
from tests.test_load import bpql
from tests.test_serve import Server, start_server, stop


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Client]]:
    yield from insurer_in(tmp_path_factory, "trust")


@pytest.fixture(scope="module")
def server(store: tuple[str, Client]) -> Iterator[Server]:
    running = start_server(store[0], None, "127.0.0.1", "--allow-host", "explorer.test")
    yield running
    stop(running)


def port_of(server: Server) -> int:
    return int(server.base.rstrip("/").rsplit(":", 1)[1])


def ask(
    server: Server,
    path: str,
    host: str | None,
    headers: dict[str, str] | None = None,
    method: str = "GET",
) -> tuple[int, dict[str, str], bytes]:
    """One request over a fresh connection, with exactly the Host header given (None: none)."""
    conn = http.client.HTTPConnection("127.0.0.1", port_of(server), timeout=60)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", host)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        conn.endheaders()
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def token_of(server: Server) -> str:
    status, _, body = ask(server, "/", f"127.0.0.1:{port_of(server)}")
    assert status == 200
    found = re.search(rb'name="bpql-token" content="([^"]+)"', body)
    assert found
    return found.group(1).decode()


def ticket_of(server: Server, token: str, text: str) -> str:
    path = "/api/query?q=" + urllib.parse.quote(text)
    status, _, body = ask(server, path, f"127.0.0.1:{port_of(server)}", {"X-BPQL-Token": token})
    assert status == 200
    found = re.search(rb'"view": "(/view\?ticket=[^"]+)"', body)
    assert found, body[:300]
    return found.group(1).decode()


#: every route, asked as the explorer asks it; the data each holds when answered rightly
def routes(server: Server, token: str) -> dict[str, bytes]:
    ticket = ticket_of(server, token, 'show system "crm" depth 1')
    return {
        "/": token.encode(),
        "/favicon.ico": b"\x89PNG",
        "/static/explorer.js": b"bpqlExplorer",
        "/static/explorer.css": b"#welcome",
        ticket: b"crm",
        "/view?q=show%20service%20%22claims%22": b"Motor claims",
        "/view?blueprint=claims": b"Motor claims",
        "/api/query?q=find%20services": b"Motor claims",
        "/api/drawing?blueprint=claims": b"/view?ticket=",
        "/api/explain?q=find%20services": b"MATCH",
        "/api/complete?q=impact%20of%20system%20%22cr": b'\\"crm\\"',
        "/api/search?name=motor": b"Motor claims",
        "/api/home": b"Motor claims",
        "/api/expand?node=System:crm": b"crm",
    }


def test_every_route_is_tested(store: tuple[str, Client]) -> None:
    """The lists below cover every route the app has (a new route must join them)."""
    app = make_app(lambda: connect(store[0]).backend, store[0])
    paths = {getattr(r, "path", "") for r in app.routes}
    assert paths == {
        "/",
        "/favicon.ico",
        "/static/{name}",
        "/view",
        "/api/query",
        "/api/drawing",
        "/api/explain",
        "/api/complete",
        "/api/search",
        "/api/home",
        "/api/expand",
    }


def test_foreign_host_names_get_no_data_from_any_route(server: Server) -> None:
    port = port_of(server)
    token = token_of(server)
    every = routes(server, token)
    headers = {"X-BPQL-Token": token}
    # the explorer's own names (and the --allow-host one) get the data: the refusals below
    # are the Host header's doing alone
    for own in (f"127.0.0.1:{port}", f"localhost:{port}", f"explorer.test:{port}"):
        for path, data in every.items():
            status, _, body = ask(server, path, own, headers)
            assert status == 200 and data in body, (own, path, status, body[:200])
    foreign = [
        "evil.example",
        f"evil.example:{port}",
        f"192.0.2.7:{port}",  # an address that is not the bound one
        f"localhost.evil.example:{port}",
        f"127.0.0.1.evil.example:{port}",
        "",  # empty
        f"localhost:{port + 1 if port < 65535 else port - 1}",  # another port
        "localhost",  # no port, on a server that is not on port 80
        f"[::1]:{port}x",
        None,  # none at all
    ]
    for host in foreign:
        for path, data in every.items():
            status, got_headers, body = ask(server, path, host, headers)
            assert status in (400, 421), (host, path, status)
            assert data not in body and token.encode() not in body, (host, path, body[:200])
            assert b"Motor" not in body and b"crm" not in body
            assert "access-control-allow-origin" not in got_headers
    assert server.proc.poll() is None


def test_requests_without_the_token_get_403_and_no_data(server: Server) -> None:
    """Another site's page can make a browser send a GET, but not read the token: every route
    that reads the store refuses it, whatever Origin or Sec-Fetch headers come with it."""
    port = port_of(server)
    own = f"127.0.0.1:{port}"
    token = token_of(server)
    every = routes(server, token)
    reads = {p: d for p, d in every.items() if p.startswith("/api/") or p.startswith("/view?q")}
    reads["/view?blueprint=claims"] = every["/view?blueprint=claims"]
    cross_site = [
        {},
        {"X-BPQL-Token": "guess"},
        {"X-BPQL-Token": token[:-1]},
        {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"},
        {"Origin": f"http://{own}", "Sec-Fetch-Site": "same-origin"},  # forged: still no token
    ]
    for headers in cross_site:
        for path, data in reads.items():
            status, got, body = ask(server, path, own, headers)
            assert status == 403, (headers, path, status)
            assert data not in body and b"Motor" not in body
            assert "access-control-allow-origin" not in got
    # a CORS preflight is never granted
    status, got, _ = ask(
        server,
        "/api/query?q=find%20services",
        own,
        {"Origin": "http://evil.example", "Access-Control-Request-Method": "GET"},
        method="OPTIONS",
    )
    assert status in (403, 405) and "access-control-allow-origin" not in got
    # a ticket that was never given opens nothing
    status, _, body = ask(server, "/view?ticket=abcdefghijklmnop", own)
    assert status == 400 and b"Motor" not in body


def test_another_sites_page_reads_nothing_in_chromium(server: Server, browser: Any) -> None:
    """A page from another origin (a second server on this machine) tries what a hostile page
    can: fetches with and without a made-up token, a no-cors fetch, and the view in a frame.
    It learns nothing: the reads fail or are refused."""
    evil_page = """<!DOCTYPE html><meta charset=utf-8><title>evil</title><body><script>
    window.results = [];
    const base = BASE;
    async function attempt(name, fn) {
      try { const r = await fn(); window.results.push([name, String(r)]); }
      catch (e) { window.results.push([name, "blocked: " + e.name]); }
    }
    (async () => {
      await attempt("fetch", async () =>
        (await fetch(base + "api/query?q=find%20services")).text());
      await attempt("fetch-token", async () => (await fetch(base + "api/home",
        {headers: {"X-BPQL-Token": "guess"}})).text());
      await attempt("no-cors", async () => (await fetch(base + "api/search?name=motor",
        {mode: "no-cors"})).text());
      await attempt("index", async () => (await fetch(base)).text());
      const frame = document.createElement("iframe");
      frame.src = base + "view?q=show%20service%20%22claims%22";
      const loaded = new Promise((ok) => frame.addEventListener("load", ok));
      document.body.appendChild(frame);
      await loaded;
      await attempt("frame", async () => frame.contentDocument.body.innerText);
      window.done = true;
    })();
    </script>""".replace("BASE", repr(server.base))

    class Evil(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = evil_page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Evil)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{other.server_address[1]}/")
        page.wait_for_function("() => window.done === true", timeout=60_000)
        results = dict(page.evaluate("() => window.results"))
    finally:
        context.close()
        other.shutdown()
        other.server_close()
    assert set(results) == {"fetch", "fetch-token", "no-cors", "index", "frame"}
    for name, got in results.items():
        assert "Motor" not in got and "bpql-token" not in got, (name, got)
        assert got.startswith("blocked") or got == "", (name, got)


def test_allowed_hosts() -> None:
    assert allowed_hosts("127.0.0.1", 8765) == {
        "localhost:8765",
        "127.0.0.1:8765",
        "[::1]:8765",
    }
    # the bound address joins; an unspecified one does not; port 80 also stands bare
    assert "192.0.2.7:9000" in allowed_hosts("192.0.2.7", 9000)
    assert allowed_hosts("0.0.0.0", 9000) == allowed_hosts("127.0.0.1", 9000)
    assert allowed_hosts("::", 80) >= {"localhost", "localhost:80", "[::1]"}
    assert "[::1]:9000" in allowed_hosts("::1", 9000)
    hosts = allowed_hosts("127.0.0.1", 9000, ["Explorer.Example.org", "proxy.example:443"])
    assert {"explorer.example.org:9000", "proxy.example:443", "proxy.example"} <= hosts
    assert "explorer.example.org" not in hosts


@pytest.mark.parametrize(
    "bad", ["*.example.org", "evil.example/x", "a b", "", "host:99999", "[zz::1]", "x:y"]
)
def test_a_bad_allow_host_is_one_line(bad: str, store: tuple[str, Client]) -> None:
    done = bpql("serve", "--db", store[0], "--port", "0", "--allow-host", bad)
    assert done.returncode == 2
    assert done.stderr.startswith("error: --allow-host: expected a host name")
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr


@pytest.mark.parametrize("bad", ["-1", "nan", "inf", "100000"])
def test_a_bad_query_timeout_is_one_line(bad: str, store: tuple[str, Client]) -> None:
    done = bpql("serve", "--db", store[0], "--port", "0", "--query-timeout", bad)
    assert done.returncode == 2
    assert done.stderr.startswith("error: --query-timeout: expected seconds")
    assert len(done.stderr.splitlines()) == 1


def test_the_server_log_holds_no_traceback(server: Server) -> None:
    """After everything above and a few malformed requests on the wire, the server is up and
    its log is empty (it logs warnings only, and nothing here deserved one)."""
    port = port_of(server)
    for raw in [
        b"GET /api/complete?q=find&pos=%C2%B2 HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n",
        b"GET /%%%% HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n",
        b"NONSENSE\r\n\r\n",
        b"GET /api/query?q=" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n",
    ]:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            s.sendall(raw.replace(b"%d", str(port).encode()) if b"%d" in raw else raw)
            s.shutdown(socket.SHUT_WR)
            answer = b""
            # a server that refuses a request at once may close with the request's bytes
            # still unread, which the kernel answers with a reset: the answer so far counts
            with contextlib.suppress(ConnectionResetError):
                while chunk := s.recv(65536):
                    answer += chunk
        status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
        assert status == 0 or 400 <= status < 500, answer[:200]
    assert ask(server, "/", f"127.0.0.1:{port}")[0] == 200
    stop(server)
    log = server.log
    assert "Traceback" not in log and "Exception" not in log, log[-2000:]
