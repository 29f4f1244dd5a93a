from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib import RDF, RDFS, XSD, Literal, URIRef

from kg.cli import main
from kg.errors import ValidationError
from kg.validate import check_graph, load_graph, validate_graph
from kg.vocab import CY, OA

ONTOLOGY = ox.NamedNode("https://w3id.org/chuanyu-kg/ontology")


@pytest.fixture(scope="module")
def seed_graph(seed_build):
    _result, out = seed_build
    return rdflib.Graph().parse(out / "kg.ttl", format="turtle")


def _first(g, cls):
    return sorted(g.subjects(RDF.type, cls))[0]


def _copy(g):
    c = rdflib.Graph()
    for t in g:
        c.add(t)
    return c


def test_validate_seed_graph_conforms(seed_graph):
    report = validate_graph(seed_graph)
    assert report.conforms, report.to_text()
    assert report.triples == len(seed_graph)


def _drop_label(g):
    e = _first(g, CY.Agency)
    g.remove((e, RDFS.label, None))
    return "rdfs:label"


def _second_class(g):
    e = _first(g, CY.Agency)
    g.add((e, RDF.type, CY.Region))
    return "rdf:type"


def _bad_signer(g):
    a = _first(g, CY.Agreement)
    g.add((a, CY.signedBy, _first(g, CY.River)))
    return "cy:signedBy"


def _bad_domain(g):
    g.add((_first(g, CY.River), CY.participant, _first(g, CY.Agency)))
    return "cy:participant"


def _string_offset(g):
    ps = _first(g, OA.TextPositionSelector)
    g.remove((ps, OA.start, None))
    g.add((ps, OA.start, Literal("12")))
    return "oa:start"


def _bad_date(g):
    d = _first(g, CY.SourceDocument)
    g.remove((d, URIRef("http://purl.org/dc/terms/date"), None))
    g.add((d, URIRef("http://purl.org/dc/terms/date"), Literal("2021-13", datatype=XSD.string)))
    return "dcterms:date"


def _no_evidence(g):
    a, s = next(iter(sorted(g.subject_objects(CY.signedBy))))
    for st in list(g.subjects(RDF.subject, a)):
        if (st, RDF.object, s) in g:
            for ann in list(g.subjects(OA.hasBody, st)):
                g.remove((ann, OA.hasBody, st))
    return "cy:signedBy"


@pytest.mark.parametrize("breaker", [_drop_label, _second_class, _bad_signer, _bad_domain, _string_offset, _bad_date, _no_evidence])
def test_validate_broken_graph_reports_the_violation(seed_graph, breaker):
    g = _copy(seed_graph)
    path = breaker(g)
    report = validate_graph(g)
    assert not report.conforms
    assert any(v.path == path for v in report.violations), report.to_text()
    with pytest.raises(ValidationError, match="does not conform"):
        check_graph(g)


@pytest.mark.parametrize("name", ["kg.nt", "kg.jsonld", "kg.trig"])
def test_validate_exports_hold_the_triples_of_turtle(seed_build, name):
    _result, out = seed_build
    ref = {q.triple for q in ox.parse(path=str(out / "kg.ttl"))}
    got = {q.triple for q in ox.parse(path=str(out / name)) if q.graph_name != ONTOLOGY}
    assert got == ref and len(ref) > 1000


def test_validate_trig_has_one_graph_per_document_and_the_ontology(seed_build):
    _result, out = seed_build
    quads = list(ox.parse(path=str(out / "kg.trig")))
    graphs = {q.graph_name for q in quads}
    store = ox.Store()
    store.bulk_load(path=str(out / "kg.ttl"), format=ox.RdfFormat.TURTLE)
    docs = {s for s in (r["d"] for r in store.query("SELECT ?d { ?d a <https://w3id.org/chuanyu-kg/ontology#SourceDocument> }"))}
    assert docs | {ONTOLOGY, ox.DefaultGraph()} == graphs
    onto = {q.triple for q in quads if q.graph_name == ONTOLOGY}
    assert ox.Triple(ox.NamedNode(str(CY.signedBy)), ox.NamedNode(str(RDF.type)),
                     ox.NamedNode("http://www.w3.org/2002/07/owl#ObjectProperty")) in onto
    # a relation lives in the graph of every document that gives evidence for it
    for q in quads:
        if q.predicate.value == str(CY.signedBy):
            ev = store.query(f"ASK {{ ?st <{RDF.subject}> {q.subject} ; <{RDF.predicate}> {q.predicate} ; <{RDF.object}> {q.object} . "
                             f"?a <{OA.hasBody}> ?st ; <{OA.hasTarget}>/<{OA.hasSource}> {q.graph_name} }}")
            assert ev, q


@pytest.mark.parametrize(("breaker", "code"), [(None, 0), (_bad_signer, 1)])
def test_validate_cli(seed_graph, tmp_path, breaker, code):
    g = _copy(seed_graph)
    if breaker:
        breaker(g)
    path = tmp_path / "g.nt"
    g.serialize(path, format="nt", encoding="utf-8")
    res = CliRunner().invoke(main, ["validate", str(path)])
    assert res.exit_code == code, res.output
    assert ("does not conform" in res.output) == bool(code)
    if code:
        assert "cy:signedBy must point to an Agency or a Region" in res.output


def test_validate_load_graph_reads_every_export(seed_build):
    _result, out = seed_build
    n = len(load_graph(out / "kg.ttl"))
    assert len(load_graph(out / "kg.nt")) == len(load_graph(out / "kg.jsonld")) == n
