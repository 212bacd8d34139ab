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


def redact(uri: str) -> str:
    """`uri` as it may be shown: the password of any userinfo replaced by `***`
    (`bolt://neo4j:***@host:7687`). Every message that names a store shows this form.

    The userinfo ends at the last `@` before the host, so a password holding `@`, `:` or `/`
    is hidden whole; a local store's URI has none and is returned as it is."""
    name, colon, rest = uri.partition(":")
    if not colon or not rest.startswith("//"):
        return uri
    authority_end = len(rest)
    for mark in "?#":
        at = rest.find(mark, 2)
        if at >= 0:
            authority_end = min(authority_end, at)
    head = rest[:authority_end]
    at = head.rfind("@")
    if at < 0:
        return uri
    userinfo = head[2:at]
    user, has_password, _ = userinfo.partition(":")
    shown = f"{user}:***" if has_password else user
    return f"{name}://{shown}{rest[at:]}"


def secret_of(uri: str) -> str | None:
    """The password in `uri`'s userinfo, if it has one (what `redact` hides)."""
    _, colon, rest = uri.partition(":")
    if not colon or not rest.startswith("//"):
        return None
    head = re.split(r"[?#]", rest[2:], maxsplit=1)[0]
    at = head.rfind("@")
    if at < 0:
        return None
    _, has_password, password = head[:at].partition(":")
    return password if has_password and password else None


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
