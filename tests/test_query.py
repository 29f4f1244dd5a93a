from __future__ import annotations

import pytest
import rdflib
from rdflib import RDF, RDFS

from kg.errors import QueryError
from kg.query import bundled_queries, describe, load_query, load_store, run_query
from kg.vocab import CY

QUERIES = sorted(bundled_queries())


@pytest.fixture(scope="module")
def seed_graphs(seed_build):
    _result, out = seed_build
    return load_store(out / "kg.ttl"), rdflib.Graph().parse(out / "kg.ttl", format="turtle")


def _rdflib_rows(graph: rdflib.Graph, sparql: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple("" if v is None else str(v) for v in row) for row in graph.query(sparql))


def _label(g: rdflib.Graph, node) -> str:
    return str(g.value(node, RDFS.label))


def test_query_at_least_twelve_bundled():
    assert len(QUERIES) >= 12


@pytest.mark.parametrize("name", QUERIES)
def test_query_bundled_same_rows_in_rdflib_and_oxigraph(seed_graphs, name):
    store, graph = seed_graphs
    text = load_query(name)
    assert describe(text), f"{name} has no comment saying what it answers"
    rows = run_query(text, store).rows
    assert rows, f"{name} returns no rows on the seed graph"
    assert rows == _rdflib_rows(graph, text)


def _expected(name: str, g: rdflib.Graph) -> set[tuple[str, ...]]:
    """The rows each bundled query should give, computed from the graph in Python."""
    lab = lambda n: _label(g, n)  # noqa: E731
    core = {CY.Agency: "Agency", CY.Region: "Region", CY.River: "River", CY.Agreement: "Agreement",
            CY.Programme: "Programme", CY.Standard: "Standard", CY.Regulation: "Regulation", CY.Meeting: "Meeting"}
    cls = {s: core[o] for s, o in g.subject_objects(RDF.type) if o in core}
    if name == "agreements_signers":
        return {(lab(a), lab(s), cls[s]) for a, s in g.subject_objects(CY.signedBy) if cls.get(a) == "Agreement"}
    if name == "meeting_participants":
        return {(lab(m), lab(p)) for m, p in g.subject_objects(CY.participant) if cls.get(m) == "Meeting"}
    if name == "issued_programmes":
        return {(lab(i), cls[i], lab(b)) for i, b in g.subject_objects(CY.issuedBy)
                if cls.get(i) in ("Programme", "Standard", "Regulation")}
    if name == "rivers_and_instruments":
        return {(lab(r), lab(i), cls[i]) for i, r in g.subject_objects(CY.concerns) if cls.get(r) == "River" and i in cls}
    if name == "document_mentions":
        return {(str(g.value(d, CY.fileName)), cls[e], lab(e)) for e, d in g.subject_objects(CY.mentionedIn) if e in cls}
    if name == "river_chain":
        return {(lab(r), lab(d)) for r in g.subjects(RDF.type, CY.River)
                for d in g.transitive_objects(r, CY.flowsInto) if d != r}
    if name == "entities_per_class":
        from collections import Counter

        return {(k, str(v)) for k, v in Counter(cls.values()).items()}
    raise KeyError(name)


@pytest.mark.parametrize("name", ["agreements_signers", "meeting_participants", "issued_programmes",
                                  "rivers_and_instruments", "document_mentions", "river_chain", "entities_per_class"])
def test_query_rows_match_the_graph(seed_graphs, name):
    store, graph = seed_graphs
    assert set(run_query(load_query(name), store).rows) == _expected(name, graph)


@pytest.mark.parametrize(("name", "row"), [
    ("agreements_signers", ("长江流域川渝横向生态保护补偿协议", "四川省", "Region")),
    ("agreements_signers", ("长江流域川渝横向生态保护补偿协议", "重庆市", "Region")),
    ("cross_provincial_agreements", ("长江流域川渝横向生态保护补偿协议", "Sichuan", "四川省")),
    ("cross_provincial_agreements", ("长江流域川渝横向生态保护补偿协议", "Chongqing", "重庆市")),
])
def test_query_well_known_facts(seed_graphs, name, row):
    store, _graph = seed_graphs
    assert row in run_query(load_query(name), store).rows


def test_query_cross_provincial_have_both_sides(seed_graphs):
    store, _graph = seed_graphs
    sides: dict[str, set[str]] = {}
    for agreement, side, _signer in run_query(load_query("cross_provincial_agreements"), store).rows:
        sides.setdefault(agreement, set()).add(side)
    assert sides and all(s == {"Sichuan", "Chongqing"} for s in sides.values())


def test_query_joint_instruments_have_two_bodies(seed_graphs):
    store, _graph = seed_graphs
    issuers: dict[str, set[str]] = {}
    for instrument, _cls, bodies, issuer in run_query(load_query("joint_instruments"), store).rows:
        assert int(bodies) >= 2
        issuers.setdefault(instrument, set()).add(issuer)
    assert issuers and all(len(v) >= 2 for v in issuers.values())


def test_query_timeline_is_sorted_dates(seed_graphs):
    store, _graph = seed_graphs
    rows = run_query(load_query("timeline"), store).rows
    dates = [r[0] for r in rows]
    assert dates == sorted(dates) and all(len(d) == 10 and d[4] == "-" for d in dates)


def test_query_entities_per_class_matches_build(seed_build):
    result, out = seed_build
    rows = dict(run_query(load_query("entities_per_class"), load_store(out / "kg.ttl")).rows)
    assert {k: int(v) for k, v in rows.items()} == {k: v for k, v in result.entity_counts.items() if v}


def test_query_bad_sparql_is_query_error(seed_build):
    _result, out = seed_build
    with pytest.raises(QueryError, match="invalid SPARQL"):
        run_query("SELECT WHERE {", load_store(out / "kg.ttl"))


@pytest.mark.parametrize("name", QUERIES)
def test_query_build_results_equal_the_query_on_kg_ttl(seed_build, seed_graphs, name):
    """The CSV the build writes (from its own store) = the query run on the published kg.ttl."""
    import csv

    _result, out = seed_build
    store, _graph = seed_graphs
    with open(out / "queries" / f"{name}.csv", encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    res = run_query(load_query(name), store)
    assert tuple(header) == res.variables
    assert tuple(map(tuple, rows)) == res.rows


@pytest.mark.parametrize(("sparql", "rows"), [
    ("ASK { ?s a <https://w3id.org/chuanyu-kg/ontology#Agreement> }", (("true",),)),
    ("ASK { ?s a <https://example.org/Nothing> }", (("false",),)),
])
def test_query_ask_answers_true_or_false(seed_graphs, sparql, rows):
    store, _graph = seed_graphs
    res = run_query(sparql, store)
    assert (res.variables, res.rows) == (("ask",), rows)


@pytest.mark.parametrize("name", ["entities_per_class", "agreements_signers", "relation_evidence"])
def test_query_trig_answers_as_the_turtle_does(seed_build, seed_graphs, name):
    _result, out = seed_build
    store, _graph = seed_graphs
    expected = run_query(load_query(name), store).rows
    assert expected
    assert run_query(load_query(name), load_store(out / "kg.trig")).rows == expected


@pytest.mark.parametrize("update", [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "PREFIX ex: <http://example.org/>\n# a comment\nDELETE WHERE { ?s ?p ?o }",
])
def test_query_an_update_is_refused_by_name(seed_graphs, update):
    store, _graph = seed_graphs
    with pytest.raises(QueryError, match="updates"):
        run_query(update, store)
    assert len(store) > 0


def test_query_file_with_a_bom(tmp_path, seed_graphs):
    store, _graph = seed_graphs
    q = tmp_path / "q.rq"
    q.write_bytes("\ufeffSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }".encode())
    assert run_query(load_query(str(q)), store).rows == ((str(len(store)),),)
