"""The Python API as the front ends use it: `Client.over` a store its caller holds open."""

from __future__ import annotations

import pytest

from bpql.api import Client
from bpql.errors import BpqlError
from bpql.result import Kind


def test_a_borrowed_store_is_left_to_its_owner(embedded_insurer: Client) -> None:
    owner = embedded_insurer.backend
    borrowed = Client.over(owner)
    (answer,) = borrowed.run('find services where depends on system "payments-gateway"')
    assert answer.table is not None and len(answer.table.rows) > 0
    borrowed.close()  # the command or request that opened the store closes it, not this
    assert borrowed.backend is owner
    # the owner's store still answers: close() left it open
    (again,) = Client.over(owner).run("find services")
    assert again.table is not None and len(again.table.rows) == 6


def test_run_answers_explain_as_its_own_kind(embedded_insurer: Client) -> None:
    client = Client.over(embedded_insurer.backend)
    kinds = [r.kind for r in client.run("explain find services; find services limit 1")]
    assert kinds == [Kind.EXPLAIN, Kind.TABLE]
    with pytest.raises(BpqlError, match="use explain"):
        client.query_all("explain find services")


def test_neighbours_and_observed_blueprint(embedded_insurer: Client) -> None:
    client = Client.over(embedded_insurer.backend)
    around = client.neighbours("System", "payments-gateway")
    assert around.graph is not None and "System:payments-gateway" in around.graph.nodes
    assert len(around.graph.nodes) > 1
    # nothing was observed in this store: one error, as `bpql viz --observed` says it
    with pytest.raises(BpqlError):
        client.observed_blueprint("claims")
