"""Which backend a database URI names: a table keyed by URI scheme.

Each entry names its backend class as "module:Class" and is imported only when a URI with that
scheme is opened, so `bpql --help` never pays for a database driver. A new store is one row
here plus a `Backend` subclass with a `from_uri` constructor.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from bpql.backends.base import default_db

if TYPE_CHECKING:
    from bpql.backends.base import Backend


@dataclass(frozen=True)
class Scheme:
    """A URI scheme and the backend class that serves it."""

    #: "module:Class", imported on first use
    factory: str
    #: True for `scheme://HOST...` (a server), False for `scheme:PATH` (a local store)
    server: bool


_NEO4J = Scheme("bpql.backends.neo4j:Neo4jBackend", server=True)
_LADYBUG = Scheme("bpql.backends.ladybug:LadybugBackend", server=False)

SCHEMES: dict[str, Scheme] = {
    "bolt": _NEO4J,
    "bolt+s": _NEO4J,
    "bolt+ssc": _NEO4J,
    "neo4j": _NEO4J,
    "neo4j+s": _NEO4J,
    "neo4j+ssc": _NEO4J,
    "embedded": _LADYBUG,
}


def lookup(uri: str) -> Scheme | None:
    """The scheme entry `uri` names, or None when it names none (or lacks `//` for a server)."""
    name, colon, rest = uri.partition(":")
    entry = SCHEMES.get(name) if colon else None
    if entry is None or (entry.server and not rest.startswith("//")):
        return None
    return entry


def backend_class(entry: Scheme) -> type[Backend]:
    module, _, cls = entry.factory.partition(":")
    return cast("type[Backend]", getattr(importlib.import_module(module), cls))


def connect(uri: str | None = None, *, create: bool = True, read_only: bool = False) -> Backend:
    """Open the store `uri` names (default: BPQL_DB, else the embedded store in .bpql/);
    `read_only` opens it for reading only (see `Backend.from_uri`)."""
    from bpql.errors import BackendError

    uri = uri or default_db()
    entry = lookup(uri)
    if entry is None:
        accepted = ", ".join(SCHEMES)
        raise BackendError(
            f"unknown database URI {uri!r}: expected bolt://HOST:PORT, neo4j://HOST:PORT "
            f"(also +s), or embedded:PATH (accepted schemes: {accepted})",
            code="BPQL-S001",
        )
    return backend_class(entry).from_uri(uri, create=create, read_only=read_only)
