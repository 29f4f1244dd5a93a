"""Graph: entities, relations and documents → an rdflib :class:`~rdflib.Graph`.

Follows the public contract: one core class per entity, ``rdfs:label`` and
``skos:prefLabel`` (@zh), ``skos:altLabel`` for other names, ``cy:mentionedIn`` per
source document; relations as ``cy:signedBy`` … with an ``rdf:Statement`` and one
W3C Web Annotation per sentence stating them; one annotation per entity mention.
No blank nodes: every node has an IRI derived from its content, so output is stable.

>>> g = build_graph([], base_iri="https://w3id.org/chuanyu-kg/id/")
>>> len(g)
0
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

from kg.lexicon import load_lexicon
from kg.model import Entity, Evidence, Relation, SourceDocument
from kg.resolve import mint_iri
from kg.vocab import CY, OA, ONTOLOGY_IRI, PREFIXES


def _h(*parts: object) -> str:
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def document_iri(file_name: str, *, base_iri: str) -> URIRef:
    return URIRef(f"{base_iri.rstrip('/')}/document/{_h(file_name)}")


def clean_literal(text: str) -> str:
    """Text safe for every RDF serialisation: lone surrogates and C0 controls become U+FFFD.

    >>> clean_literal("a\\ud800b\\x00c\\n")
    'a\\ufffdb\\ufffdc\\n'
    """
    return "".join(
        "\ufffd" if (0xD800 <= ord(ch) <= 0xDFFF or (ord(ch) < 32 and ch not in "\t\n\r") or ord(ch) in (0xFFFE, 0xFFFF)) else ch
        for ch in text
    )


def _zh(text: str) -> Literal:
    return Literal(clean_literal(text), lang="zh")


def build_graph(
    entities: Iterable[Entity],
    *,
    base_iri: str,
    relations: Iterable[Relation] = (),
    documents: Iterable[SourceDocument] = (),
) -> Graph:
    """Build the knowledge graph (see module docstring)."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    lex = load_lexicon()
    docs = {d.file_name: d for d in documents}
    for d in docs.values():
        _add_document(g, d, base_iri=base_iri)
    entities = list(entities)
    iri_of = {e.key: URIRef(mint_iri(e.key, base_iri=base_iri)) for e in entities}
    label_of = {e.label: e.key for e in entities}
    for e in entities:
        node = iri_of[e.key]
        g.add((node, RDF.type, CY[e.type]))
        g.add((node, RDFS.label, _zh(e.label)))
        g.add((node, SKOS.prefLabel, _zh(e.label)))
        for alias in e.aliases:
            g.add((node, SKOS.altLabel, _zh(alias)))
        for doc in e.documents:
            g.add((node, CY.mentionedIn, document_iri(doc, base_iri=base_iri)))
        for ev in e.mentions:
            _annotate(g, node, ev, base_iri=base_iri, motivation=OA.identifying)
        _add_lexicon_facts(g, e, node, lex, iri_of, label_of)
    for r in relations:
        s, o = iri_of.get(r.subject), iri_of.get(r.object)
        if s is None or o is None:
            continue
        p = CY[r.predicate]
        g.add((s, p, o))
        st = URIRef(f"{base_iri.rstrip('/')}/statement/{_h(s, p, o)}")
        g.add((st, RDF.type, RDF.Statement))
        g.add((st, RDF.subject, s))
        g.add((st, RDF.predicate, p))
        g.add((st, RDF.object, o))
        for ev in r.evidence:
            _annotate(g, st, ev, base_iri=base_iri, motivation=OA.describing)
    return g


def _add_document(g: Graph, d: SourceDocument, *, base_iri: str) -> None:
    node = document_iri(d.file_name, base_iri=base_iri)
    g.add((node, RDF.type, CY.SourceDocument))
    g.add((node, CY.fileName, Literal(clean_literal(d.file_name))))
    g.add((node, RDFS.label, Literal(clean_literal(d.meta.title or d.file_name), lang="zh")))
    g.add((node, CY.sha256, Literal(d.sha256)))
    g.add((node, CY.characterCount, Literal(d.characters, datatype=XSD.integer)))
    g.add((node, CY.encoding, Literal(d.encoding)))
    if d.meta.title:
        g.add((node, DCTERMS.title, _zh(d.meta.title)))
    if d.meta.date:
        g.add((node, DCTERMS.date, Literal(d.meta.date, datatype=XSD.date)))
    if d.meta.number:
        g.add((node, CY.documentNumber, Literal(clean_literal(d.meta.number))))
    if d.meta.addressee:
        g.add((node, CY.addressee, _zh(d.meta.addressee)))
    if d.meta.author:
        g.add((node, CY.author, URIRef(mint_iri(f"Agency:{d.meta.author}", base_iri=base_iri))))
    if d.meta.jurisdiction:
        g.add((node, CY.jurisdiction, _zh(d.meta.jurisdiction)))


def _annotate(g: Graph, body: URIRef, ev: Evidence, *, base_iri: str, motivation: URIRef) -> None:
    a = URIRef(f"{base_iri.rstrip('/')}/annotation/{_h(body, ev.doc, ev.start, ev.end)}")
    t, ps, qs = URIRef(f"{a}-target"), URIRef(f"{a}-position"), URIRef(f"{a}-quote")
    g.add((a, RDF.type, OA.Annotation))
    g.add((a, OA.motivatedBy, motivation))
    g.add((a, OA.hasBody, body))
    g.add((a, OA.hasTarget, t))
    g.add((t, RDF.type, OA.SpecificResource))
    g.add((t, OA.hasSource, document_iri(ev.doc, base_iri=base_iri)))
    g.add((t, OA.hasSelector, ps))
    g.add((t, OA.hasSelector, qs))
    g.add((ps, RDF.type, OA.TextPositionSelector))
    g.add((ps, OA.start, Literal(ev.start, datatype=XSD.nonNegativeInteger)))
    g.add((ps, OA.end, Literal(ev.end, datatype=XSD.nonNegativeInteger)))
    g.add((qs, RDF.type, OA.TextQuoteSelector))
    g.add((qs, OA.exact, Literal(clean_literal(ev.exact))))


def _add_lexicon_facts(g: Graph, e: Entity, node: URIRef, lex, iri_of, label_of) -> None:
    place = lex.places.get(e.label)
    if place is None:
        return
    if place.code:
        g.add((node, SKOS.notation, Literal(place.code, datatype=XSD.string)))
        g.add((node, CY.adminCode, Literal(place.code)))
    if place.level:
        g.add((node, CY.adminLevel, Literal(place.level)))
    if place.english:
        g.add((node, SKOS.altLabel, Literal(place.english, lang="en")))
    if place.parent:
        parent_key = label_of.get(place.parent)
        if parent_key:
            g.add((node, CY.flowsInto if e.type == "River" else CY.withinRegion, iri_of[parent_key]))


__all__ = ["build_graph", "clean_literal", "document_iri", "OWL", "PROV", "ONTOLOGY_IRI"]
