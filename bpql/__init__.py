"""BPQL: the service blueprints of an enterprise as one graph, and a small language to ask it.

The public API is a few names, imported lazily so that `bpql --help` stays instant:
`connect`, `Client`, `Result`, `BpqlError`, `QueryError`.
"""

from __future__ import annotations

from typing import Any

from bpql.version import __version__

__all__ = ["BpqlError", "Client", "QueryError", "Result", "__version__", "connect"]


def __getattr__(name: str) -> Any:
    if name in ("connect", "Client"):
        from bpql import api

        return getattr(api, name)
    if name == "Result":
        from bpql.result import Result

        return Result
    if name in ("BpqlError", "QueryError"):
        from bpql import errors

        return getattr(errors, name)
    raise AttributeError(name)
