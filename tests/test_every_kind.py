"""Every kind of thing the schema holds can be found: `find observations` was a
KeyError traceback when bpql observe added a kind with no default columns."""

from __future__ import annotations

import pytest

from bpql.query.compiler import GraphCatalog, compile_text
from bpql.schema import NODE_KINDS
from tests.conftest import DIALECTS


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("kind", [k.plural for k in NODE_KINDS])
def test_find_every_kind(kind: str, dialect: str, catalog: GraphCatalog) -> None:
    plans = compile_text(f"find {kind}", catalog, dialect)
    assert len(plans) == 1 and plans[0].statements
