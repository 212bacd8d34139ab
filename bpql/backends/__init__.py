"""Backends: one interface, a Neo4j server or the embedded LadybugDB store."""

from bpql.backends.base import Backend, default_db
from bpql.backends.registry import connect

__all__ = ["Backend", "connect", "default_db"]
