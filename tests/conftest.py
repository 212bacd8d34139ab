"""Shared fixtures: a real Neo4j (tests/neo4j_fixture.py) and fresh stores on both backends."""

from __future__ import annotations

pytest_plugins = ["tests.neo4j_fixture"]
