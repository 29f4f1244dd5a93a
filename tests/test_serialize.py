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


# --------------------------------------------------------------------------- annotations = the plain templates
def _reference_annotations(fmt: Formats, items: list[Annotation]) -> tuple[str, str, str]:
    """The plain definition of :meth:`Formats.annotations`: one template per annotation and format."""
    import json

    from kg.serialize import NON_NEGATIVE, escape_string

    ttl, nt, js = [], [], []
    ty = f"<{RDF_TYPE}>"
    o = OA
    for a in items:
        exact = clean_literal(a.exact)
        quote = escape_string(exact)
        i = f"id:annotation\\/{a.key}"
        ttl.append(
            f"{i} a oa:Annotation ;\n\toa:hasBody {fmt.ttl_iri(a.body)} ;\n\toa:hasTarget {i}-target ;\n"
            f"\toa:motivatedBy oa:{a.motivation} .\n"
            f"{i}-target a oa:SpecificResource ;\n\toa:hasSelector {i}-position , {i}-quote ;\n"
            f"\toa:hasSource {fmt.ttl_iri(a.source)} .\n"
            f'{i}-position a oa:TextPositionSelector ;\n\toa:end "{a.end}"^^xsd:nonNegativeInteger ;\n'
            f'\toa:start "{a.start}"^^xsd:nonNegativeInteger .\n'
            f'{i}-quote a oa:TextQuoteSelector ;\n\toa:exact "{quote}" .\n'
        )
        n = f"<{fmt.base}/annotation/{a.key}"
        t, ps, qs = f"{n}-target>", f"{n}-position>", f"{n}-quote>"
        nt.append(
            f"{n}> {ty} <{o}Annotation> .\n{n}> <{o}hasBody> <{a.body}> .\n{n}> <{o}hasTarget> {t} .\n"
            f"{n}> <{o}motivatedBy> <{o}{a.motivation}> .\n{t} {ty} <{o}SpecificResource> .\n"
            f"{t} <{o}hasSelector> {ps} .\n{t} <{o}hasSelector> {qs} .\n{t} <{o}hasSource> <{a.source}> .\n"
            f"{ps} {ty} <{o}TextPositionSelector> .\n"
            f'{ps} <{o}end> "{a.end}"^^<{NON_NEGATIVE}> .\n{ps} <{o}start> "{a.start}"^^<{NON_NEGATIVE}> .\n'
            f'{qs} {ty} <{o}TextQuoteSelector> .\n{qs} <{o}exact> "{quote}" .\n'
        )
        j = f"id:annotation/{a.key}"
        js.append(
            f'{{"@id": "{j}", "@type": ["oa:Annotation"], "oa:hasBody": [{{"@id": "{fmt.json_iri(a.body)}"}}], '
            f'"oa:hasTarget": [{{"@id": "{j}-target"}}], "oa:motivatedBy": [{{"@id": "oa:{a.motivation}"}}]}},\n'
            f'{{"@id": "{j}-target", "@type": ["oa:SpecificResource"], '
            f'"oa:hasSelector": [{{"@id": "{j}-position"}}, {{"@id": "{j}-quote"}}], '
            f'"oa:hasSource": [{{"@id": "{fmt.json_iri(a.source)}"}}]}},\n'
            f'{{"@id": "{j}-position", "@type": ["oa:TextPositionSelector"], '
            f'"oa:end": [{{"@type": "xsd:nonNegativeInteger", "@value": "{a.end}"}}], '
            f'"oa:start": [{{"@type": "xsd:nonNegativeInteger", "@value": "{a.start}"}}]}},\n'
            f'{{"@id": "{j}-quote", "@type": ["oa:TextQuoteSelector"], '
            f'"oa:exact": [{{"@value": {json.dumps(exact, ensure_ascii=False)}}}]}}'
        )
    return "".join(ttl), "".join(nt), ",\n".join(js)


@pytest.mark.parametrize("base", [BASE, "http://example.org/kg-2024/", "https://例子.org/图谱/"])
@settings(max_examples=40, deadline=None)
@given(texts=st.lists(st.text(max_size=12) | st.sampled_from(TEXTS), min_size=0, max_size=4))
def test_serialize_annotations_equal_the_plain_templates(base, texts):
    fmt = Formats(base_iri=base)
    items = [Annotation(i, i + len(t), ("identifying", "describing")[i % 2], fmt.node(f"region/{i % 2}"), f"{i:04x}",
                        fmt.node("document/文"), t) for i, t in enumerate(texts)]
    expected = _reference_annotations(fmt, items)
    assert fmt.annotations(items) == expected
    heads = ("# 文\n", "<a> <b> <c> .\n", '{"@id": "id:文"}')
    ttl, nt, js = fmt.annotations_encoded(items, heads=heads)
    assert ttl == (heads[0] + expected[0]).encode()
    assert nt == (heads[1] + expected[1]).encode()
    assert js == ",\n".join([heads[2]] + ([expected[2]] if items else [])).encode()
