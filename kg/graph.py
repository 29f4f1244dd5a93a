"""Graph: entities, relations and documents → RDF triples.

Follows the public contract: one core class per entity, ``rdfs:label`` and
``skos:prefLabel`` (@zh), ``skos:altLabel`` for other names, ``cy:mentionedIn`` per
source document; relations as ``cy:signedBy`` … with an ``rdf:Statement`` and one
W3C Web Annotation per sentence stating them; one annotation per entity mention.
No blank nodes: every node has an IRI derived from its content, so output is stable.

Triples are built as plain tuples of strings (no rdflib store in between), deduplicated
and sorted once: :func:`graph_triples` gives the export order directly, and
:func:`build_graph` wraps the same triples in an rdflib :class:`~rdflib.Graph`.

>>> g = build_graph([], base_iri="https://w3id.org/chuanyu-kg/id/")
>>> len(g)
0
"""

from __future__ import annotations

import gc
import hashlib
import re
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

from kg.lexicon import load_lexicon
from kg.model import Entity, Evidence, Relation, SourceDocument
from kg.resolve import mint_iri
from kg.vocab import CY, OA, ONTOLOGY_IRI, PREFIXES

#: One triple: ``(subject, predicate is not rdf:type, predicate, object is an IRI,
#: object, language, datatype)`` — all strings but the two flags, so that the natural tuple
#: order is the export order (per subject: rdf:type first, then by predicate and object).
Row = tuple[str, bool, str, bool, str, str, str]

_TYPE = str(RDF.type)
_XSD_STRING = str(XSD.string)
_BAD = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _h(*parts: object) -> str:
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def document_iri(file_name: str, *, base_iri: str) -> URIRef:
    return URIRef(f"{base_iri.rstrip('/')}/document/{_h(file_name)}")


def clean_literal(text: str) -> str:
    """Text safe for every RDF serialisation: lone surrogates and C0 controls become U+FFFD.

    >>> clean_literal("a\\ud800b\\x00c\\n")
    'a\\ufffdb\\ufffdc\\n'
    """
    return _BAD.sub("\ufffd", text)


class _Triples:
    """Collects triples as :data:`Row` tuples (a set: duplicates vanish as in a graph)."""

    def __init__(self) -> None:
        self.rows: set[Row] = set()

    def iri(self, s: str, p: str, o: str) -> None:
        self.rows.add((s, p != _TYPE, p, True, o, "", ""))

    def lit(self, s: str, p: str, value: str, *, lang: str = "", datatype: str = "") -> None:
        self.rows.add((s, p != _TYPE, p, False, value, lang, datatype))

    def zh(self, s: str, p: str, value: str) -> None:
        self.lit(s, p, clean_literal(value), lang="zh")


def graph_triples(
    entities: Iterable[Entity],
    *,
    base_iri: str,
    relations: Iterable[Relation] = (),
    documents: Iterable[SourceDocument] = (),
) -> list[ox.Triple]:
    """The graph's triples, deduplicated, in the stable export order.

    >>> graph_triples([], base_iri="https://w3id.org/chuanyu-kg/id/")
    []
    """
    enabled = gc.isenabled()
    gc.disable()  # hundreds of thousands of acyclic tuples: the cyclic collector only rescans them
    try:
        return _ox_triples(sorted(_rows(entities, base_iri=base_iri, relations=relations, documents=documents)))
    finally:
        if enabled:
            gc.enable()


def _ox_triples(rows: list[Row]) -> list[ox.Triple]:
    out: list[ox.Triple] = []
    predicates: dict[str, ox.NamedNode] = {}
    last, subject = None, None
    triple = ox.Triple
    for row in rows:  # rows of one subject are adjacent: make its node once
        if row[0] != last:
            last, subject = row[0], ox.NamedNode(row[0])
        p = predicates.get(row[2])
        if p is None:
            p = predicates[row[2]] = ox.NamedNode(row[2])
        out.append(triple(subject, p, _object(row)))
    return out


def build_graph(
    entities: Iterable[Entity],
    *,
    base_iri: str,
    relations: Iterable[Relation] = (),
    documents: Iterable[SourceDocument] = (),
) -> Graph:
    """The same triples as :func:`graph_triples`, as an rdflib graph with the project prefixes."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    for s, _, p, is_iri, o, lang, dt in _rows(entities, base_iri=base_iri, relations=relations, documents=documents):
        obj = URIRef(o) if is_iri else Literal(o, lang=lang or None, datatype=URIRef(dt) if dt else None)
        g.add((URIRef(s), URIRef(p), obj))
    return g


_NAMED: dict[str, ox.NamedNode] = {}


def _node(iri: str) -> ox.NamedNode:
    n = _NAMED.get(iri)
    if n is None:
        n = ox.NamedNode(iri)
        if len(_NAMED) < 10_000:
            _NAMED[iri] = n
    return n


def _object(row: Row) -> ox.NamedNode | ox.Literal:
    _, _, _, is_iri, o, lang, dt = row
    if is_iri:
        return ox.NamedNode(o)
    if lang:
        return ox.Literal(o, language=lang)
    if dt and dt != _XSD_STRING:
        return ox.Literal(o, datatype=_node(dt))
    return ox.Literal(o)


def _rows(
    entities: Iterable[Entity],
    *,
    base_iri: str,
    relations: Iterable[Relation] = (),
    documents: Iterable[SourceDocument] = (),
) -> set[Row]:
    t = _Triples()
    lex = load_lexicon()
    base = base_iri.rstrip("/")
    doc_iri: dict[str, str] = {}

    def doc_node(name: str) -> str:
        if name not in doc_iri:
            doc_iri[name] = f"{base}/document/{_h(name)}"
        return doc_iri[name]

    entities = list(entities)
    iri_of = {e.key: mint_iri(e.key, base_iri=base_iri) for e in entities}
    docs = {d.file_name: d for d in documents}
    for d in docs.values():
        _add_document(t, d, doc_node(d.file_name), base_iri=base_iri, known=iri_of)
    label_of = {e.label: e.key for e in entities}
    identifying, describing = str(OA.identifying), str(OA.describing)
    for e in entities:
        node = iri_of[e.key]
        t.iri(node, _TYPE, str(CY[e.type]))
        t.zh(node, str(RDFS.label), e.label)
        t.zh(node, str(SKOS.prefLabel), e.label)
        for alias in e.aliases:
            t.zh(node, str(SKOS.altLabel), alias)
        for doc in e.documents:
            t.iri(node, str(CY.mentionedIn), doc_node(doc))
        for ev in e.mentions:
            _annotate(t, node, ev, base=base, source=doc_node(ev.doc), motivation=identifying)
        _add_lexicon_facts(t, e, node, lex, iri_of, label_of)
    for r in relations:
        s, o = iri_of.get(r.subject), iri_of.get(r.object)
        if s is None or o is None:
            continue
        p = str(CY[r.predicate])
        t.iri(s, p, o)
        st = f"{base}/statement/{_h(s, p, o)}"
        t.iri(st, _TYPE, str(RDF.Statement))
        t.iri(st, str(RDF.subject), s)
        t.iri(st, str(RDF.predicate), p)
        t.iri(st, str(RDF.object), o)
        for ev in r.evidence:
            _annotate(t, st, ev, base=base, source=doc_node(ev.doc), motivation=describing)
    return t.rows


def _add_document(t: _Triples, d: SourceDocument, node: str, *, base_iri: str, known: dict[str, str]) -> None:
    t.iri(node, _TYPE, str(CY.SourceDocument))
    t.lit(node, str(CY.fileName), clean_literal(d.file_name))
    t.lit(node, str(RDFS.label), clean_literal(d.meta.title or d.file_name), lang="zh")
    t.lit(node, str(CY.sha256), d.sha256)
    t.lit(node, str(CY.characterCount), str(int(d.characters)), datatype=str(XSD.integer))
    t.lit(node, str(CY.encoding), d.encoding)
    if d.meta.title:
        t.zh(node, str(DCTERMS.title), d.meta.title)
    if d.meta.date:
        t.lit(node, str(DCTERMS.date), d.meta.date, datatype=str(XSD.date))
    if d.meta.number:
        t.lit(node, str(CY.documentNumber), clean_literal(d.meta.number))
    if d.meta.addressee:
        t.zh(node, str(CY.addressee), d.meta.addressee)
    author = known.get(f"Agency:{d.meta.author}") if d.meta.author else None
    if author:  # only an author that is an entity of the graph
        t.iri(node, str(CY.author), author)
    if d.meta.jurisdiction:
        t.zh(node, str(CY.jurisdiction), d.meta.jurisdiction)


_OA = {name: str(getattr(OA, name)) for name in (
    "Annotation", "motivatedBy", "hasBody", "hasTarget", "SpecificResource", "hasSource", "hasSelector",
    "TextPositionSelector", "start", "end", "TextQuoteSelector", "exact")}
_NNI = str(XSD.nonNegativeInteger)


def _annotate(t: _Triples, body: str, ev: Evidence, *, base: str, source: str, motivation: str) -> None:
    a = f"{base}/annotation/{_h(body, ev.doc, ev.start, ev.end)}"
    tg, ps, qs = f"{a}-target", f"{a}-position", f"{a}-quote"
    oa = _OA
    t.iri(a, _TYPE, oa["Annotation"])
    t.iri(a, oa["motivatedBy"], motivation)
    t.iri(a, oa["hasBody"], body)
    t.iri(a, oa["hasTarget"], tg)
    t.iri(tg, _TYPE, oa["SpecificResource"])
    t.iri(tg, oa["hasSource"], source)
    t.iri(tg, oa["hasSelector"], ps)
    t.iri(tg, oa["hasSelector"], qs)
    t.iri(ps, _TYPE, oa["TextPositionSelector"])
    t.lit(ps, oa["start"], str(int(ev.start)), datatype=_NNI)
    t.lit(ps, oa["end"], str(int(ev.end)), datatype=_NNI)
    t.iri(qs, _TYPE, oa["TextQuoteSelector"])
    t.lit(qs, oa["exact"], clean_literal(ev.exact))


def _add_lexicon_facts(t: _Triples, e: Entity, node: str, lex, iri_of, label_of) -> None:
    place = lex.places.get(e.label)
    if place is None:
        return
    if place.code:
        t.lit(node, str(SKOS.notation), place.code, datatype=_XSD_STRING)
        t.lit(node, str(CY.adminCode), place.code)
    if place.level:
        t.lit(node, str(CY.adminLevel), place.level)
    if place.english:
        t.lit(node, str(SKOS.altLabel), place.english, lang="en")
    if place.parent:
        parent_key = label_of.get(place.parent)
        if parent_key:
            t.iri(node, str(CY.flowsInto if e.type == "River" else CY.withinRegion), iri_of[parent_key])


__all__ = ["build_graph", "graph_triples", "clean_literal", "document_iri", "OWL", "PROV", "ONTOLOGY_IRI"]
