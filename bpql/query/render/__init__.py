"""Cypher rendering: the statement builder and hooks, and one small file per dialect (as
sqlglot keeps them). The plans themselves are the statement modules' (bpql/statements)."""

from bpql.query.render.base import Dialect
from bpql.query.render.ladybug import LadybugDialect
from bpql.query.render.neo4j import Neo4jDialect

DIALECTS: dict[str, type[Dialect]] = {"neo4j": Neo4jDialect, "ladybug": LadybugDialect}

__all__ = ["DIALECTS", "Dialect"]
