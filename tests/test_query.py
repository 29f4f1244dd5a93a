from __future__ import annotations

import pytest

from kg.errors import QueryError
from kg.query import bundled_queries, describe, load_query, load_store, run_query


def test_query_bundled_are_commented_and_answer(seed_build):
    _result, out = seed_build
    store = load_store(out / "kg.ttl")
    queries = bundled_queries()
    assert len(queries) >= 5
    for name, text in queries.items():
        assert describe(text), name
        assert run_query(text, store).rows, f"{name} returns no rows on the seed graph"


def test_query_entities_per_class_matches_build(seed_build):
    result, out = seed_build
    rows = dict(run_query(load_query("entities_per_class"), load_store(out / "kg.ttl")).rows)
    assert {k: int(v) for k, v in rows.items()} == {k: v for k, v in result.entity_counts.items() if v}


def test_query_bad_sparql_is_query_error(seed_build):
    _result, out = seed_build
    with pytest.raises(QueryError, match="invalid SPARQL"):
        run_query("SELECT WHERE {", load_store(out / "kg.ttl"))
