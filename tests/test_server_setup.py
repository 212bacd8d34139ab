"""The managed server's set-up, without starting one."""

from __future__ import annotations

from bpql.testing.neo4j_server import new_password


def test_password_is_never_read_as_an_option() -> None:
    # A CI run failed once because a URL-safe token began with "-" and neo4j-admin took it
    # for an option; 10,000 draws would have hit that about 150 times.
    for _ in range(10_000):
        password = new_password()
        assert password.isalnum(), password
        assert len(password) >= 24
