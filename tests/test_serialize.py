"""Serialisation without an RDF library: every format parses, and parses to the same triples."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import KGError
from kg.serialize import (
    OA,
    RDF_TYPE,
    RDFS,
    Annotation,
    Block,
    Formats,
    Iri,
    Lit,
    check_base_iri,
    clean_literal,
)

BASE = "https://w3id.org/chuanyu-kg/id/"
FMT = Formats(base_iri=BASE)


def _documents(fmt: Formats, blocks: list[Block], annotations: list[Annotation]) -> dict[str, bytes]:
    ttl, nt, js = fmt.annotations(annotations)
    body_ttl = "".join(fmt.ttl(b) for b in blocks) + ttl
    nodes = [fmt.jsonld(b) for b in blocks] + ([js] if js else [])
    return {
        "ttl": (fmt.ttl_header() + body_ttl).encode(),
        "nt": ("".join(fmt.nt(b) for b in blocks) + nt).encode(),
        "jsonld": (fmt.jsonld_header() + ",\n".join(nodes) + fmt.jsonld_footer()).encode(),
        "trig": (fmt.ttl_header() + f"<{fmt.base}/g> {{\n{body_ttl}}}\n").encode(),
    }


_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD, "trig": ox.RdfFormat.TRIG}


def _parse(name: str, data: bytes) -> set:
    return {q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(data, format=_FORMATS[name])}


def _sample(text: str) -> tuple[list[Block], list[Annotation]]:
    e = FMT.node("region/1")
    d = FMT.node("document/1")
    blocks = [Block(e, ((RDF_TYPE, Iri("https://w3id.org/chuanyu-kg/ontology#Region")), (RDFS + "label", Lit(text, lang="zh")),
                        (RDFS + "comment", Lit(text)), (RDFS + "seeAlso", Iri(d)))),
              Block(d, ((RDFS + "label", Lit(text, datatype="http://www.w3.org/2001/XMLSchema#string")),))]
    return blocks, [Annotation(0, max(1, len(text)), "identifying", e, "ab12", d, text)]


TEXTS = ['川渝', 'a"b', 'a\\b', 'line\nbreak', 'cr\rhere', '"""', "tab\tx", "nul\x00x", "esc\x1b", "lone\ud800surrogate",
         "</script><b>", "\u2028sep", "\ufeffbom", "quote'single", "ends with backslash\\"]


@pytest.mark.parametrize("text", TEXTS)
def test_serialize_every_format_parses_to_the_same_triples(text):
    blocks, anns = _sample(text)
    docs = _documents(FMT, blocks, anns)
    parsed = {name: _parse(name, data) for name, data in docs.items()}
    assert parsed["ttl"] == parsed["nt"] == parsed["jsonld"] == parsed["trig"]
    assert len(parsed["ttl"]) == sum(len(b.pairs) for b in blocks) + 13
    quotes = {t.object.value for t in parsed["ttl"] if t.predicate == ox.NamedNode(OA + "exact")}
    assert quotes == {clean_literal(text)}


@pytest.mark.parametrize("name", ["ttl", "nt", "jsonld"])
def test_serialize_rdflib_reads_what_oxigraph_reads(name):
    blocks, anns = _sample('混合"\\\n文本')
    data = _documents(FMT, blocks, anns)[name]
    g = rdflib.Graph().parse(data=data.decode(), format={"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[name])
    assert len(g) == len(_parse(name, data))


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_serialize_arbitrary_text_round_trips(text):
    blocks, anns = _sample(text)
    for name, data in _documents(FMT, blocks, anns).items():
        triples = _parse(name, data)
        labels = {t.object.value for t in triples if t.predicate == ox.NamedNode(RDFS + "comment")}
        assert labels == {clean_literal(text)}, name


@pytest.mark.parametrize("base", ["ftp://x.org/", "https://x.org/a b/", "https://x.org/<x>/", "relative/path", "https://x.org/#frag"])
def test_serialize_rejects_a_base_that_is_no_iri(base):
    with pytest.raises(KGError, match="base IRI"):
        check_base_iri(base)


def test_serialize_other_base_keeps_prefixes_valid():
    fmt = Formats(base_iri="http://example.org/kg-2024/")
    blocks, anns = _sample("x")
    blocks = [Block(fmt.node("region/1"), blocks[0].pairs)]
    anns = [anns[0]._replace(body=fmt.node("region/1"), source=fmt.node("document/1"))]
    docs = _documents(fmt, blocks, anns)
    subjects = {t.subject.value for t in _parse("ttl", docs["ttl"])}
    assert "http://example.org/kg-2024/annotation/ab12-quote" in subjects
    assert _parse("ttl", docs["ttl"]) == _parse("nt", docs["nt"]) == _parse("jsonld", docs["jsonld"])
