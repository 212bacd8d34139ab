"""Test support that ships with the package: a real Neo4j server for tests."""
