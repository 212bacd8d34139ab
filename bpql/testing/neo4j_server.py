"""A real Neo4j 5.26 Community server for tests, with no Docker.

Maven fetches `org.neo4j:neo4j` (the latest 5.26.x) and its dependencies into a cache folder;
the server runs `org.neo4j.server.CommunityEntryPoint` on the machine's Java 17, on loopback,
on a free port, with auth on and a generated password.

    python -m bpql.testing.neo4j_server fetch   # download only
    python -m bpql.testing.neo4j_server run     # start, print NEO4J_URI/USER/PASSWORD, wait
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

VERSION_RANGE = "[5.26.0,5.27.0)"
POM = f"""<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bpql</groupId>
  <artifactId>neo4j-test-server</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.neo4j</groupId>
      <artifactId>neo4j</artifactId>
      <version>{VERSION_RANGE}</version>
    </dependency>
  </dependencies>
</project>
"""
MARKER = ".complete"

#: the flags Neo4j's own launcher passes (less AlwaysPreTouch, which slows a test start)
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
)


def new_password() -> str:
    """Hex only: a URL-safe token may start with "-", which neo4j-admin reads as an option."""
    return "bpql" + secrets.token_hex(16)


class Neo4jServerError(RuntimeError):
    pass


def cache_dir() -> Path:
    env = os.environ.get("BPQL_CACHE_DIR")
    return Path(env) / "neo4j-5.26" if env else Path.home() / ".cache" / "bpql" / "neo4j-5.26"


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise Neo4jServerError(f"'{tool}' is not installed; the test Neo4j needs Java 17 and Maven")
    return path


def ensure_distribution(where: Path | None = None) -> Path:
    """The folder of Neo4j jars, fetched with Maven the first time (redone if interrupted)."""
    root = where or cache_dir()
    lib = root / "lib"
    if (root / MARKER).exists() and lib.is_dir():
        return lib
    mvn = _need("mvn")
    root.mkdir(parents=True, exist_ok=True)
    (root / "pom.xml").write_text(POM)
    if lib.exists():
        shutil.rmtree(lib)
    proc = subprocess.run(
        [mvn, "-q", "-B", "dependency:copy-dependencies", "-DoutputDirectory=lib"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise Neo4jServerError(f"Maven could not fetch Neo4j {VERSION_RANGE}:\n{tail}")
    if not any(lib.glob("neo4j-5.26.*.jar")):
        raise Neo4jServerError(f"Maven finished but {lib} holds no neo4j-5.26 jar")
    (root / MARKER).write_text("ok\n")
    return lib


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Neo4jServer:
    """One server in a temporary home; `kill()` and `restart()` are for crash tests."""

    user = "neo4j"

    def __init__(
        self,
        lib: Path | None = None,
        keep: bool = False,
        settings: dict[str, str] | None = None,
        heap: str = "1g",
    ) -> None:
        self.lib = lib or ensure_distribution()
        self.keep = keep
        #: neo4j.conf lines added to (or replacing) the defaults, e.g. a transaction memory
        #: limit (`db.memory.transaction.total.max`) for the tests of loads within it
        self.settings = dict(settings or {})
        #: the JVM's maximum heap (Neo4j's default install: 1 GB... of a machine's memory)
        self.heap = heap
        self.home = Path(tempfile.mkdtemp(prefix="bpql-neo4j-"))
        self.port = free_port()
        self.password = new_password()
        self.version = ""
        self._proc: subprocess.Popen[bytes] | None = None
        atexit.register(self.stop)

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def _env(self) -> dict[str, str]:
        return {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.home / "conf")}

    def _java(self) -> str:
        return _need("java")

    def _configure(self) -> None:
        for sub in ("conf", "data", "logs", "run", "plugins", "import"):
            (self.home / sub).mkdir(exist_ok=True)
        conf = {
            "server.default_listen_address": "127.0.0.1",
            "server.default_advertised_address": "127.0.0.1",
            "server.bolt.listen_address": f"127.0.0.1:{self.port}",
            # a routing table of one for `neo4j://` URIs: this server, as advertised
            "server.bolt.advertised_address": f"127.0.0.1:{self.port}",
            "server.http.enabled": "false",
            "server.https.enabled": "false",
            "dbms.security.auth_enabled": "true",
            # the tests of wrong credentials must not lock the right ones out (three
            # failures in a row lock a user for 5 s by default)
            "dbms.security.auth_max_failed_attempts": "0",
            "server.memory.heap.initial_size": "512m",
            "server.memory.heap.max_size": self.heap,
            "server.memory.pagecache.size": "256m",
            "dbms.usage_report.enabled": "false",
            "server.directories.data": str(self.home / "data"),
            "server.directories.logs": str(self.home / "logs"),
            "server.directories.run": str(self.home / "run"),
            **self.settings,
        }
        (self.home / "conf" / "neo4j.conf").write_text(
            "".join(f"{key}={value}\n" for key, value in conf.items())
        )
        proc = subprocess.run(
            [
                self._java(),
                "-cp",
                f"{self.lib}/*",
                "org.neo4j.cli.AdminTool",
                "dbms",
                "set-initial-password",
                self.password,
            ],
            env=self._env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise Neo4jServerError(f"set-initial-password failed: {proc.stderr.strip()}")

    def start(self, timeout: float = 120.0) -> Neo4jServer:
        self._configure()
        self._launch(timeout)
        return self

    def _launch(self, timeout: float) -> None:
        log = open(self.home / "console.log", "ab")  # noqa: SIM115 - owned by the child
        self._proc = subprocess.Popen(
            [
                self._java(),
                "-Xms512m",
                f"-Xmx{self.heap}",
                *JVM_FLAGS,
                "-cp",
                f"{self.lib}/*",
                "org.neo4j.server.CommunityEntryPoint",
                f"--home-dir={self.home}",
                f"--config-dir={self.home / 'conf'}",
                "--console-mode",
            ],
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self._wait(timeout)

    def _wait(self, timeout: float) -> None:
        import neo4j
        from neo4j.exceptions import ServiceUnavailable

        deadline = time.monotonic() + timeout
        while True:
            assert self._proc is not None
            if self._proc.poll() is not None:
                raise Neo4jServerError(
                    f"Neo4j exited with code {self._proc.returncode}:\n{self.log_tail()}"
                )
            try:
                with neo4j.GraphDatabase.driver(
                    self.uri, auth=(self.user, self.password), connection_timeout=2
                ) as driver:
                    driver.verify_connectivity()
                    self.version = driver.get_server_info().agent
                    return
            except (ServiceUnavailable, OSError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise Neo4jServerError(
                        f"Neo4j did not answer on {self.uri} in {timeout:.0f} s:\n{self.log_tail()}"
                    ) from None
                time.sleep(0.5)

    def log_tail(self, lines: int = 20) -> str:
        path = self.home / "console.log"
        if not path.exists():
            return "(no log)"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def _signal_group(self, sig: int) -> None:
        if self._proc and self._proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, sig)

    def kill(self) -> None:
        """SIGKILL the server, as a crash would; the data stays for `restart()`."""
        self._signal_group(signal.SIGKILL)
        if self._proc:
            self._proc.wait(timeout=30)

    def restart(self, timeout: float = 120.0) -> None:
        self._launch(timeout)

    def stop(self) -> None:
        if self._proc and self._proc.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self._proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self._proc.wait(timeout=30)
        self._proc = None
        if not self.keep and self.home.exists():
            shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self) -> Neo4jServer:
        return self.start()

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bpql.testing.neo4j_server")
    parser.add_argument("command", choices=["fetch", "run"])
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a neo4j.conf setting, e.g. db.memory.transaction.total.max=200m",
    )
    parser.add_argument("--heap", default="1g", help="the JVM's maximum heap (default 1g)")
    args = parser.parse_args(argv)
    settings = dict(item.partition("=")[::2] for item in args.set)
    try:
        if args.command == "fetch":
            print(ensure_distribution())
            return 0
        server = Neo4jServer(settings=settings, heap=args.heap).start()
    except Neo4jServerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"NEO4J_URI={server.uri}\nNEO4J_USER={server.user}\nNEO4J_PASSWORD={server.password}")
    print(f"# {server.version}; Ctrl-C stops it", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while True:
            time.sleep(3600)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
