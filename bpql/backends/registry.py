"""Which backend a database URI names: a table keyed by URI scheme.

Each entry names its backend class as "module:Class" and is imported only when a URI with that
scheme is opened, so `bpql --help` never pays for a database driver. A new store is one row
here plus a `Backend` subclass with a `from_uri` constructor.
"""

from __future__ import annotations

import importlib
import re
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


def _userinfo(uri: str) -> tuple[str, str, str] | None:
    """`scheme://USERINFO@rest` split as (scheme, userinfo, "@rest"); None without userinfo.
    The userinfo ends at the last `@` before the query or fragment (a server URI of ours has
    no path), so a password holding `@`, `:` or `/` is taken whole."""
    name, colon, rest = uri.partition(":")
    if not colon or not rest.startswith("//"):
        return None
    authority = re.split(r"[?#]", rest[2:], maxsplit=1)[0]
    at = authority.rfind("@")
    if at < 0:
        return None
    return name, authority[:at], rest[2 + at :]


def has_userinfo(uri: str) -> bool:
    """Whether `uri` names a user (and maybe a password) before its host."""
    return _userinfo(uri) is not None


def redact(uri: str) -> str:
    """`uri` as it may be shown: the password of any userinfo replaced by `***`
    (`bolt://neo4j:***@host:7687`). Every message that names a store shows this form; a
    local store's URI has no userinfo and is returned as it is."""
    parts = _userinfo(uri)
    if parts is None:
        return uri
    name, userinfo, rest = parts
    user, has_password, _ = userinfo.partition(":")
    return f"{name}://{user}:***{rest}" if has_password else uri


def secret_of(uri: str) -> str | None:
    """The password in `uri`'s userinfo, if it has one (what `redact` hides)."""
    parts = _userinfo(uri)
    password = parts[1].partition(":")[2] if parts is not None else ""
    return password or None


def scrub(text: str, uri: str, *secrets: str | None) -> str:
    """`text` (a driver's message, say) with `uri` shown redacted, and its password and any of
    `secrets` replaced by `***`, also percent-encoded or decoded (secrets of four
    characters or more: a shorter one would cut ordinary words)."""
    from urllib.parse import quote, unquote

    if uri:
        text = text.replace(uri, redact(uri))
    for secret in (secret_of(uri), *secrets):
        if not secret or len(secret) < 4:
            continue
        for form in sorted({secret, quote(secret, safe=""), unquote(secret)}, key=len)[::-1]:
            text = text.replace(form, "***")
    return text


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
            f"unknown database URI {redact(uri)!r}: expected bolt://HOST:PORT, neo4j://HOST:PORT "
            f"(also +s), or embedded:PATH (accepted schemes: {accepted})",
            code="BPQL-S001",
        )
    return backend_class(entry).from_uri(uri, create=create, read_only=read_only)
