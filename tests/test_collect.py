"""The Neo4j backend's collected form of a read (bpql/backends/collect.py): which statements it
rewrites, and that the rewrite keeps columns, aliases and UNION parts; the answers themselves
are compared with the plain form on a real server in test_backends."""

from __future__ import annotations

from typing import Any

import pytest

from bpql.backends.collect import collected


@pytest.mark.parametrize(
    ("cypher", "columns"),
    [
        ("MATCH (s:Step) RETURN s.id AS id, s.lane ORDER BY id LIMIT 3", ["id", "s.lane"]),
        ("MATCH (n) RETURN DISTINCT n.id AS id, {a: [x IN n.l | x]} AS m", ["id", "m"]),
        ("MATCH (a) RETURN a.id AS x\nUNION ALL\nMATCH (b) RETURN b.id AS x", ["x"]),
        ("MATCH (a) RETURN a.id AS x UNION MATCH (b) RETURN b.id AS x", ["x"]),
        ("MATCH (n) WHERE n.name = 'RETURN x, y' RETURN n", ["n"]),
        (
            "UNWIND $s AS i MATCH (s {id: i}) RETURN 'Step:' + s.id AS source, count(*)",
            ["source", "count(*)"],
        ),
        (
            "MATCH (n) WHERE EXISTS { MATCH (n)--(m) RETURN m } RETURN n.id AS `odd ``name`",
            ["odd `name"],
        ),
        (
            "MATCH (n) CALL (n) { MATCH (n)--(m) RETURN count(m) AS c } RETURN n.id AS id, c",
            ["id", "c"],
        ),
    ],
)
def test_rewrites_and_names_the_columns(cypher: str, columns: list[str]) -> None:
    form = collected(cypher)
    assert form is not None
    text, names = form
    assert names == columns
    assert text.startswith("CALL () {\n") and text.endswith("AS rows")
    # every item of the inner RETURN is aliased: a subquery refuses bare expressions
    assert "collect([" + ", ".join(f"`{c.replace('`', '``')}`" for c in columns) + "])" in text


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (n) RETURN *",
        "EXPLAIN MATCH (n) RETURN n",
        "PROFILE MATCH (n) RETURN n",
        "SHOW INDEXES",
        "MATCH (n) SET n.x = 1",
        "MATCH (n) RETURN n.id AS a UNION MATCH (m) RETURN m.id AS b",  # parts disagree
        "MATCH (n RETURN n",  # unbalanced: left to the server's own error
        "MATCH (n) RETURN n.id AS a, ",
    ],
)
def test_leaves_what_it_does_not_understand(cypher: str) -> None:
    assert collected(cypher) is None


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (s:Step) RETURN s.id AS id, s.lane ORDER BY s.seq DESC, id",
        "MATCH p = (s:Step)-[:USES]->(y:System) RETURN s, p ORDER BY s.id, y.id LIMIT 7",
        "MATCH (s:Step) RETURN s.lane AS lane, count(*) AS n ORDER BY n DESC, lane",
        "MATCH (s:System) RETURN s.id AS id UNION ALL MATCH (r:Role) RETURN r.id AS id",
        "MATCH (s:Step) WHERE s.id = 'no such step' RETURN s.id AS id",
        "MATCH (s:Step) WHERE s.id = 'no such step' RETURN count(*) AS n",
    ],
)
def test_neo4j_answers_the_same_collected_or_not(
    insurer: dict[str, Any], monkeypatch: pytest.MonkeyPatch, cypher: str
) -> None:
    """Same columns, same rows, same order: the collected form on a real server against the
    statement run as written."""
    import bpql.backends.neo4j as neo4j_backend

    backend = insurer["neo4j"].backend
    assert collected(cypher) is not None
    fast = backend.read(cypher, {})
    monkeypatch.setattr(neo4j_backend, "collected", lambda _: None)
    assert backend.read(cypher, {}) == fast
    assert fast[1] or "no such step" in cypher
