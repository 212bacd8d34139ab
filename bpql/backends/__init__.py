"""Backends: one interface, a Neo4j server or the embedded LadybugDB store."""

from bpql.backends.base import Backend, connect, default_db

__all__ = ["Backend", "connect", "default_db"]
