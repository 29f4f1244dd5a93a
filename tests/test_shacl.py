"""The fast SHACL engine (kg/shacl.py): parity with pySHACL, unsupported shapes, speed."""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, RDFS, SKOS, Literal, URIRef

import kg.shacl
from kg.errors import KGError, ValidationError
from kg.shacl import check_store, compile_shapes, validate_store
from kg.validate import SHAPES_FILE, check_file, validate_file, validate_graph
from kg.vocab import CY, OA
from tests.test_validate import (
    _bad_date,
    _bad_domain,
    _bad_signer,
    _copy,
    _drop_label,
    _first,
    _no_evidence,
    _second_class,
    _string_offset,
)

XSD_DATE = rdflib.XSD.date
NON_NEGATIVE = rdflib.XSD.nonNegativeInteger
DCT_DATE = URIRef("http://purl.org/dc/terms/date")


@pytest.fixture(scope="module")
def seed_graph(seed_build):
    _result, out = seed_build
    return rdflib.Graph().parse(out / "kg.ttl", format="turtle")


def _store(g: rdflib.Graph, *, graphs: int = 0) -> ox.Store:
    """``g`` in a store: in the default graph, and also in ``graphs`` named graphs (duplicates)."""
    data = g.serialize(format="nt", encoding="utf-8")
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_TRIPLES)
    for i in range(graphs):
        store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(f"https://e.org/graph/{i}"))
    return store


def _keys(report) -> set[tuple[str, str]]:
    return {(v.focus, v.path) for v in report.violations}


# ---------------------------------------------------------------- more breakages, one per construct


def _negative_offset(g):
    ps = _first(g, OA.TextPositionSelector)
    g.remove((ps, OA.start, None))
    g.add((ps, OA.start, Literal("-3", datatype=NON_NEGATIVE)))
    return "oa:start"


def _start_after_end(g):
    ps = _first(g, OA.TextPositionSelector)
    end = g.value(ps, OA.end)
    g.remove((ps, OA.start, None))
    g.add((ps, OA.start, Literal(int(end) + 5, datatype=NON_NEGATIVE)))
    return "oa:start"


def _two_pref_labels(g):
    e = _first(g, CY.Region)
    g.add((e, SKOS.prefLabel, Literal("另一个名字", lang="zh")))
    return "skos:prefLabel"


def _empty_label(g):
    e = _first(g, CY.River)
    g.remove((e, RDFS.label, None))
    g.add((e, RDFS.label, Literal("", lang="zh")))
    return "rdfs:label"


def _plain_label(g):
    e = _first(g, CY.Meeting) if (None, RDF.type, CY.Meeting) in g else _first(g, CY.Agency)
    g.add((e, SKOS.altLabel, Literal("no language")))
    return "skos:altLabel"


def _bad_admin_code(g):
    r = _first(g, CY.Region)
    g.add((r, CY.adminCode, Literal("51-000")))
    g.add((r, CY.adminCode, Literal("510000")))
    return "cy:adminCode"


def _bad_motivation(g):
    a = _first(g, OA.Annotation)
    g.remove((a, OA.motivatedBy, None))
    g.add((a, OA.motivatedBy, URIRef("http://www.w3.org/ns/oa#commenting")))
    return "oa:motivatedBy"


def _second_quote(g):
    t = _first(g, OA.SpecificResource)
    q = URIRef("https://w3id.org/chuanyu-kg/id/annotation/extra-quote")
    g.add((t, OA.hasSelector, q))
    g.add((q, RDF.type, OA.TextQuoteSelector))
    g.add((q, OA.exact, Literal("extra")))
    return "oa:hasSelector"


def _no_selector(g):
    t = _first(g, OA.SpecificResource)
    g.remove((t, OA.hasSelector, None))
    return "oa:hasSelector"


def _author_not_agency(g):
    d = _first(g, CY.SourceDocument)
    g.add((d, CY.author, _first(g, CY.River)))
    return "cy:author"


def _not_mentioned(g):
    e = _first(g, CY.Agency)
    g.remove((e, CY.mentionedIn, None))
    return "cy:mentionedIn"


def _two_file_names(g):
    d = _first(g, CY.SourceDocument)
    g.add((d, CY.fileName, Literal("other.txt")))
    return "cy:fileName"


def _impossible_date(g):
    d = _first(g, CY.SourceDocument)
    g.remove((d, DCT_DATE, None))
    g.add((d, DCT_DATE, Literal("2021-02-30", datatype=XSD_DATE)))
    return "dcterms:date"


def _issued_by_river(g):
    g.add((_first(g, CY.River), CY.issuedBy, _first(g, CY.Agency)))
    return ""  # the node-level sh:or on the subject


def _blank_document(g):
    b = rdflib.BNode()
    g.add((b, RDF.type, CY.SourceDocument))
    return "cy:fileName"


def _literal_statement_subject(g):
    st = _first(g, RDF.Statement)
    g.remove((st, RDF.subject, None))
    g.add((st, RDF.subject, Literal("not a node")))
    return "rdf:subject"


def _orphan_statement(g):
    st = _first(g, RDF.Statement)
    for ann in list(g.subjects(OA.hasBody, st)):
        g.remove((ann, OA.hasBody, st))
    return "^oa:hasBody"


def _second_start(g):
    ps = _first(g, OA.TextPositionSelector)
    g.add((ps, OA.start, Literal(0, datatype=NON_NEGATIVE)))
    return "oa:start"


def _no_end(g):
    ps = _first(g, OA.TextPositionSelector)
    g.remove((ps, OA.end, None))
    return "oa:end"


def _two_quotes_no_position(g):
    t = _first(g, OA.SpecificResource)
    for sel in list(g.objects(t, OA.hasSelector)):
        if (sel, RDF.type, OA.TextPositionSelector) in g:
            g.remove((sel, RDF.type, OA.TextPositionSelector))
            g.add((sel, RDF.type, OA.TextQuoteSelector))
            g.add((sel, OA.exact, Literal("quote")))
    return "oa:hasSelector"


def _target_not_specific_resource(g):
    a = _first(g, OA.Annotation)
    t = g.value(a, OA.hasTarget)
    g.remove((t, RDF.type, OA.SpecificResource))
    return "oa:hasTarget"


BREAKERS = [
    _drop_label, _second_class, _bad_signer, _bad_domain, _string_offset, _bad_date, _no_evidence,
    _negative_offset, _start_after_end, _two_pref_labels, _empty_label, _plain_label, _bad_admin_code,
    _bad_motivation, _second_quote, _no_selector, _author_not_agency, _not_mentioned, _two_file_names,
    _impossible_date, _issued_by_river, _blank_document, _literal_statement_subject, _orphan_statement,
    _second_start, _no_end, _two_quotes_no_position, _target_not_specific_resource,
]


# ---------------------------------------------------------------- parity with pySHACL


def test_shacl_seed_graph_conforms_in_both_engines(seed_graph):
    fast = validate_store(_store(seed_graph))
    assert fast.conforms, fast.to_text()
    assert fast.triples == len(seed_graph)
    assert validate_graph(seed_graph).conforms


@pytest.mark.parametrize("breaker", BREAKERS, ids=lambda f: f.__name__.lstrip("_"))
def test_shacl_broken_graph_matches_pyshacl(seed_graph, breaker, monkeypatch):
    g = _copy(seed_graph)
    path = breaker(g)
    reference = validate_graph(g)
    fast = validate_store(_store(g))
    assert not reference.conforms and not fast.conforms
    assert _keys(fast) == _keys(reference), (fast.to_text(), reference.to_text())
    assert any(v.path == path for v in fast.violations), fast.to_text()
    # the same store with every triple also in two named graphs: the union, same report
    assert validate_store(_store(g, graphs=2)).violations == fast.violations
    # the count screens, per focus node (few focus nodes) or per predicate (many): same report
    for few in (0, 10**9):
        monkeypatch.setattr(kg.shacl, "_FEW", few)
        assert validate_store(_store(g)).violations == fast.violations, few
    with pytest.raises(ValidationError, match="does not conform"):
        check_store(_store(g))


@pytest.mark.parametrize("few", [0, 10**9])
def test_shacl_screens_failing_on_other_nodes_still_conform(seed_graph, monkeypatch, few):
    """Triples of the shapes' predicates on nodes no shape targets: a count screen may fail, the exact check clears."""
    g = _copy(seed_graph)
    x, y = URIRef("https://e.org/x"), URIRef("https://e.org/y")
    g.add((x, OA.hasBody, y))
    g.add((x, OA.hasBody, Literal("not a node")))
    g.add((x, OA.hasTarget, y))
    g.add((x, OA.start, Literal(9)))
    g.add((x, OA.start, Literal("nine")))
    g.add((x, OA.end, Literal(1)))
    g.add((x, OA.exact, Literal(5)))
    g.add((x, OA.hasSelector, y))
    g.add((x, OA.hasSelector, _first(g, OA.TextQuoteSelector)))
    g.add((y, OA.hasSelector, _first(g, OA.TextPositionSelector)))
    g.add((x, CY.mentionedIn, y))
    monkeypatch.setattr(kg.shacl, "_FEW", few)
    assert validate_store(_store(g)).conforms
    assert validate_graph(g).conforms


def test_shacl_reports_messages_and_values_readably(seed_graph):
    g = _copy(seed_graph)
    _bad_signer(g)
    _string_offset(g)
    text = validate_store(_store(g)).to_text()
    assert "cy:signedBy must point to an Agency or a Region" in text
    assert 'oa:start = "12": oa:start is one xsd:nonNegativeInteger' in text
    assert text.startswith("does not conform: ")


def test_shacl_known_difference_integer_subtypes(seed_graph):
    """Oxigraph stores "5"^^xsd:nonNegativeInteger as "5"^^xsd:integer: the fast engine checks the value."""
    g = _copy(seed_graph)
    ps = _first(g, OA.TextPositionSelector)
    start = int(g.value(ps, OA.start))
    g.remove((ps, OA.start, None))
    g.add((ps, OA.start, Literal(start)))  # xsd:integer, in range
    assert {path for _focus, path in _keys(validate_graph(g))} == {"oa:start"}  # pySHACL: wrong datatype
    assert validate_store(_store(g)).conforms


@pytest.mark.parametrize("name", ["kg.ttl", "kg.nt", "kg.jsonld", "kg.trig"])
def test_shacl_validate_file_every_export(seed_build, name):
    _result, out = seed_build
    report = validate_file(out / name)
    assert report.conforms, report.to_text()
    assert report.triples >= 14000
    assert check_file(out / name).conforms


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_shacl_validate_file_engines_agree(seed_graph, tmp_path, engine):
    g = _copy(seed_graph)
    _bad_domain(g)
    _no_evidence(g)
    path = tmp_path / "g.nt"
    g.serialize(path, format="nt", encoding="utf-8")
    report = validate_file(path, engine=engine)
    assert _keys(report) == _keys(validate_graph(g))
    with pytest.raises(ValidationError, match="does not conform"):
        check_file(path, engine=engine)


def test_shacl_unknown_engine_raises(tmp_path):
    with pytest.raises(KGError, match="unknown SHACL engine"):
        validate_file(tmp_path / "x.ttl", engine="jena")


def test_shacl_validates_one_named_graph(seed_graph):
    store = ox.Store()
    store.load(seed_graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
               to_graph=ox.NamedNode("https://e.org/g"))
    store.add(ox.Quad(ox.NamedNode("https://e.org/x"), ox.NamedNode(str(RDF.type)), ox.NamedNode(str(CY.Agency))))
    assert not validate_store(store).conforms  # the union holds the label-less agency
    assert validate_store(store, graph=ox.NamedNode("https://e.org/g")).conforms
    assert validate_store(store, graph="https://e.org/g").triples == len(seed_graph)


# ---------------------------------------------------------------- unsupported SHACL


_HEAD = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://e.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


@pytest.mark.parametrize(("body", "construct"), [
    ("ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:nodeKind sh:IRI .", "sh:targetNode"),
    ("ex:S a sh:NodeShape ; sh:targetObjectsOf ex:p ; sh:nodeKind sh:IRI .", "sh:targetObjectsOf"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:hasValue ex:a ] .", "sh:hasValue"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:T ] .", "sh:node"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .", "sh:closed"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:maxInclusive 3 ] .", "sh:maxInclusive"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path [ sh:alternativePath ( ex:p ex:q ) ] ; sh:minCount 1 ] .",
     "sh:alternativePath"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ] .", "sequence"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:not [ sh:class ex:D ] .", "sh:not"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:or ( [ sh:property [ sh:path ex:p ; sh:minCount 1 ] ] ) .",
     "sh:property in a member of sh:or"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select \"SELECT $this {}\" ] .", "sh:sparql"),
    ("ex:P a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:minCount 1 .", "property shape"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:D ] ; "
     "sh:qualifiedMinCount 1 ; sh:qualifiedValueShapesDisjoint true ] .", "sh:qualifiedValueShapesDisjoint"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:minCount 1 .", "sh:minCount on a node shape"),
    ("ex:S a sh:SPARQLConstraint .", "rdf:type sh:SPARQLConstraint"),
])
def test_shacl_unsupported_construct_raises(tmp_path, body, construct):
    path = tmp_path / "shapes.ttl"
    path.write_text(_HEAD + body, encoding="utf-8")
    with pytest.raises(KGError, match="not supported") as exc:
        validate_store(ox.Store(), shapes=path)
    assert construct in str(exc.value)


_PAIR_SHAPES = _HEAD + """
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    sh:property [ sh:path ex:start ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:integer ; sh:lessThan ex:end ] ,
                [ sh:path ex:end ; sh:minCount 1 ; sh:maxCount 1 ] ,
                [ sh:path ex:start ; sh:lessThan ex:limit ] ,
                [ sh:path ex:end ; sh:minCount 2 ] ,
                [ sh:path ex:end ; sh:maxCount 3 ] .
"""


@pytest.mark.parametrize("few", [0, 10**9])
def test_shacl_joined_paths_match_pyshacl(tmp_path, monkeypatch, few):
    """sh:lessThan between two exactly-one paths: their checks share the join (many focus nodes)."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(_PAIR_SHAPES, encoding="utf-8")
    ex = rdflib.Namespace("https://e.org/")
    g = rdflib.Graph()
    for i in range(6):
        g.add((ex[f"n{i}"], RDF.type, ex.C))
        g.add((ex[f"n{i}"], ex.start, Literal(i)))
        g.add((ex[f"n{i}"], ex.end, Literal(10 + i)))
        g.add((ex[f"n{i}"], ex.limit, Literal(4)))
    g.add((ex.n1, ex.start, Literal(2)))  # two starts
    g.remove((ex.n2, ex.end, None))  # no end
    g.add((ex.n3, ex.end, Literal("x")))  # two ends, "x" not after the start
    g.add((ex.other, ex.start, Literal(50)))  # not a focus node: no end, start after its limit
    g.add((ex.other, ex.limit, Literal(1)))
    monkeypatch.setattr(kg.shacl, "_FEW", few)
    fast = validate_store(_store(g), shapes=shapes)
    reference = validate_graph(g, shapes=rdflib.Graph().parse(shapes))
    assert _keys(fast) == _keys(reference), (fast.to_text(), reference.to_text())
    assert len(_keys(fast)) >= 6
    checks = list(compile_shapes(shapes).checks)
    assert len(kg.shacl._Plan().counts(checks, few=False).pairs) == 2  # ex:start and ex:end are joined


def test_shacl_project_shapes_compile_to_checks_of_every_shape():
    checks = compile_shapes(SHAPES_FILE).checks
    shapes = {c.shape for c in checks}
    assert {"cysh:EntityShape", "cysh:SignedByShape", "cysh:StatementShape", "cysh:TargetShape",
            "cysh:PositionSelectorShape", "cysh:SourceDocumentShape", "cysh:RegionShape"} <= shapes
    assert {c.component for c in checks} == {"value", "minCount", "maxCount", "uniqueLang", "lessThan",
                                             "qualifiedMin", "qualifiedMax"}


# ---------------------------------------------------------------- speed


def _replicated(nt: bytes, copies: int) -> bytes:
    """``copies`` copies of the graph, every copy with its own entity, document and annotation IRIs."""
    base = b"<https://w3id.org/chuanyu-kg/id/"
    return b"".join(nt.replace(base, base + b"c%d/" % i) for i in range(copies))


@pytest.mark.parametrize("copies", [14])
def test_shacl_validates_200k_triples_in_seconds(seed_build, copies):
    _result, out = seed_build
    data = _replicated((out / "kg.nt").read_bytes(), copies)
    store = ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    assert len(store) > 200_000
    started = time.perf_counter()
    report = validate_store(store)
    seconds = time.perf_counter() - started
    print(f"\nvalidate_store: {len(store)} triples in {seconds:.2f} s")
    assert report.conforms, report.to_text()
    assert seconds < 10
    # one broken annotation among 200k triples is found
    store.remove(next(iter(store.quads_for_pattern(None, ox.NamedNode(str(OA.hasTarget)), None))))
    assert [v.path for v in validate_store(store).violations] == ["oa:hasTarget"]


@pytest.mark.parametrize("module", ["kg.shacl", "kg.validate"])
def test_shacl_doctests(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize("breaker", BREAKERS[:6], ids=lambda f: f.__name__.lstrip("_"))
def test_shacl_threads_do_not_change_the_report(seed_graph, breaker):
    g = rdflib.Graph()
    for t in seed_graph:
        g.add(t)
    breaker(g)
    store = _store(g)
    one = validate_store(store, threads=1)
    two = validate_store(store, threads=2)
    assert not one.conforms
    assert one == two
