"""Graph: what each document and the resolved entities contribute, as RDF blocks.

Follows the public contract: one core class per entity, ``rdfs:label`` and
``skos:prefLabel`` (@zh), ``skos:altLabel`` for other names, ``cy:mentionedIn`` per
source document; relations as ``cy:signedBy`` … with an ``rdf:Statement`` and one
W3C Web Annotation per sentence stating them; one annotation per entity mention.
No blank nodes: every node has an IRI derived from its content, so output is stable.

The graph is made in two parts, so that a large corpus streams and an unchanged document
is never processed again:

* :func:`document_part` — one document alone: its ``cy:SourceDocument`` description and
  every evidence annotation (most of the graph), already written in every format, plus the
  :class:`~kg.resolve.Summary` that resolution needs.  Its text starts with what the
  build's query store needs (the description and the relations' evidence); the entity
  mentions' annotations — about 70 % of all triples, made by one template — follow, their
  values checked as they are made (:func:`check_annotations`);
* :func:`entity_blocks` / :func:`statement_blocks` — from the merged entities and
  relations: classes, labels, ``cy:mentionedIn``, relations, lexicon facts.

>>> from kg.model import DocumentMeta, Evidence, Extraction, Mention, SourceDocument
>>> from kg.serialize import Formats
>>> ev = Evidence("a.txt", 0, 2, "重庆")
>>> x = Extraction(SourceDocument("a.txt", "0" * 64, 2, "utf-8", DocumentMeta()), (Mention("Region", "重庆市", "重庆", ev, ev),), ())
>>> part = document_part(x, fmt=Formats(base_iri="https://w3id.org/chuanyu-kg/id/"))
>>> part.triples   # the document's 6 triples and one annotation of 13
19
>>> g = build_graph([x], base_iri="https://w3id.org/chuanyu-kg/id/")
>>> len(g)       # plus class, two labels, alt label, mentionedIn and four lexicon facts (code, level, English name)
28
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph

from kg.errors import ValidationError
from kg.lexicon import load_lexicon
from kg.model import Entity, Extraction, Relation, SourceDocument
from kg.resolve import Summary, merge, mint_iri, summarize_extraction
from kg.serialize import (
    ANNOTATION_TRIPLES,
    CY,
    DCTERMS,
    NON_NEGATIVE,
    RDF,
    RDF_TYPE,
    RDFS,
    SKOS,
    XSD,
    XSD_STRING,
    AnnotationFields,
    Block,
    Formats,
    Iri,
    Lit,
    Object,
)

#: Evidences per entity and document that a :class:`DocumentPart` keeps for the view.
SAMPLE_PER_DOCUMENT = 3


def _h(*parts: object) -> str:
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def document_iri(file_name: str, *, base_iri: str) -> str:
    """The IRI of the source document called ``file_name``."""
    return f"{base_iri.rstrip('/')}/document/{_h(file_name)}"


def statement_iri(s: str, p: str, o: str, *, base_iri: str) -> str:
    """The IRI of the ``rdf:Statement`` reifying ``s p o``."""
    return f"{base_iri.rstrip('/')}/statement/{_h(s, p, o)}"


def block(subject: str, pairs: Iterable[tuple[str, Object]]) -> Block:
    """A block with duplicates removed and pairs in the stable order (rdf:type first)."""
    return Block(subject, tuple(sorted(set(pairs), key=lambda po: (po[0] != RDF_TYPE, po[0], isinstance(po[1], Lit), po[1]))))


@dataclass(frozen=True)
class DocumentPart:
    """One document's contribution: its summary, and its own triples written as
    ``ttl`` (also the body of its TriG graph), ``nt`` and ``jsonld`` (node objects,
    comma-separated), UTF-8 encoded (ready to copy into the files, cheap to cache).

    In every format the document's description and its relation evidence come first and
    the entity mentions' annotations after: ``nt[:store_bytes]`` (``store_triples``
    triples) is the part of the document the build's query store loads."""

    source: SourceDocument
    iri: str
    summary: Summary
    triples: int
    ttl: bytes
    nt: bytes
    jsonld: bytes
    store_bytes: int
    store_triples: int


def document_block(d: SourceDocument, *, iri: str, base_iri: str, author_known: bool) -> Block:
    """The ``cy:SourceDocument`` description of ``d``."""
    m = d.meta
    pairs: list[tuple[str, Object]] = [
        (RDF_TYPE, Iri(CY + "SourceDocument")),
        (CY + "fileName", Lit(d.file_name)),
        (RDFS + "label", Lit(m.title or d.file_name, lang="zh")),
        (CY + "sha256", Lit(d.sha256)),
        (CY + "characterCount", Lit(str(int(d.characters)), datatype=XSD + "integer")),
        (CY + "encoding", Lit(d.encoding)),
    ]
    if m.title:
        pairs.append((DCTERMS + "title", Lit(m.title, lang="zh")))
    if m.date:
        pairs.append((DCTERMS + "date", Lit(m.date, datatype=XSD + "date")))
    if m.number:
        pairs.append((CY + "documentNumber", Lit(m.number)))
    if m.addressee:
        pairs.append((CY + "addressee", Lit(m.addressee, lang="zh")))
    if m.author and author_known:  # only an author that is an entity of the graph
        pairs.append((CY + "author", Iri(mint_iri(f"Agency:{m.author}", base_iri=base_iri))))
    if m.jurisdiction:
        pairs.append((CY + "jurisdiction", Lit(m.jurisdiction, lang="zh")))
    return block(iri, pairs)


class _Minted(dict[str, str]):
    """Resolution key → :func:`~kg.resolve.mint_iri` of it, for one document."""

    def __init__(self, base_iri: str) -> None:
        super().__init__()
        self.base = base_iri

    def __missing__(self, key: str) -> str:
        iri = self[key] = mint_iri(key, base_iri=self.base)
        return iri


_BLAKE2B_8 = hashlib.blake2b(digest_size=8)  # copied: cheaper than making one per annotation


def annotation_key(iri: str, doc: str, start: int, end: int) -> str:
    """The key of the annotation of ``iri`` by ``[start, end)`` of ``doc``: ``_h(iri, doc, start, end)``.

    >>> annotation_key("https://x.org/region/1", "a.txt", 3, 7) == _h("https://x.org/region/1", "a.txt", 3, 7)
    True
    """
    h = _BLAKE2B_8.copy()
    h.update(f"{iri}\x1f{doc}\x1f{start}\x1f{end}".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


@lru_cache(maxsize=1 << 16)
def _statement_of(subject_key: str, predicate: str, object_key: str, base_iri: str) -> str:
    """:func:`statement_iri` of a relation between resolution keys (relations recur across documents)."""
    s, o = mint_iri(subject_key, base_iri=base_iri), mint_iri(object_key, base_iri=base_iri)
    return statement_iri(s, CY + predicate, o, base_iri=base_iri)


def evidence_annotations(summary: Summary, *, source: str, base_iri: str) -> list[AnnotationFields]:
    """The annotations of ``summary`` in document ``source``: one per evidence of an entity
    (``identifying`` it) and one per sentence stating a relation (``describing`` its statement),
    as plain tuples of :class:`~kg.serialize.Annotation` fields (made far faster, sorted alike).

    >>> from kg.model import Evidence
    >>> from kg.serialize import Annotation
    >>> ev = Evidence("a.txt", 0, 2, "重庆")
    >>> [a] = evidence_annotations(Summary(evidence=(("Region:重庆市", ev),)), source="https://x.org/document/1", base_iri="https://x.org")
    >>> Annotation(*a)
    Annotation(start=0, end=2, motivation='identifying', body='https://x.org/region/95ac21291e4f9175', key='84690359a8b22c9f', source='https://x.org/document/1', exact='重庆')
    """
    iri = _Minted(base_iri)
    out = []
    for k, ev in summary.evidence:
        body = iri[k]
        start, end = ev.start, ev.end
        out.append((start, end, "identifying", body, annotation_key(body, ev.doc, start, end), source, ev.exact))
    for s, p, o, ev in summary.relations:
        st = _statement_of(s, p, o, base_iri)
        start, end = ev.start, ev.end
        out.append((start, end, "describing", st, annotation_key(st, ev.doc, start, end), source, ev.exact))
    return out


def check_annotations(items: Iterable[AnnotationFields], *, what: str) -> None:
    """Raise :class:`ValidationError` unless ``items`` meet the annotation shapes.

    Every annotation is written by one template (:meth:`~kg.serialize.Formats.annotations_encoded`):
    one body IRI, one target of class ``oa:SpecificResource`` whose source is the document,
    one position and one quote selector.  What the shapes can still find wrong lies in the
    values, checked here: ``0 <= start < end`` (``oa:start``, ``oa:end``:
    ``xsd:nonNegativeInteger``, ``sh:lessThan``), a non-empty quote (``oa:exact``,
    ``sh:minLength 1``), a motivation of ``sh:in (oa:identifying oa:describing)``, and one
    key per annotation (two annotations sharing a key would share their nodes and give
    them two values each; keys hash the body, file name and span, and file names are unique in
    a build).  ``tests/test_graph.py`` compares this check with the SHACL engine on the
    template's output, on chosen and on generated values.

    >>> check_annotations([(0, 2, "identifying", "https://x.org/a", "k1", "https://x.org/d", "重庆")], what="a.txt")
    >>> check_annotations([(2, 2, "identifying", "https://x.org/a", "k1", "https://x.org/d", "")], what="a.txt")
    Traceback (most recent call last):
    kg.errors.ValidationError: a.txt: annotation k1: oa:start 2 is not less than oa:end 2; oa:exact is empty
    """
    keys: set[str] = set()
    n = 0
    for start, end, motivation, _body, key, _source, exact in items:
        n += 1
        keys.add(key)
        if type(start) is int and type(end) is int and 0 <= start < end and exact and motivation in _MOTIVATIONS:
            continue
        problems = []
        if not (type(start) is int and type(end) is int and start >= 0 and end >= 0):
            problems.append(f"offsets {start!r}, {end!r} are not non-negative integers")
        elif start >= end:
            problems.append(f"oa:start {start} is not less than oa:end {end}")
        if not exact:
            problems.append("oa:exact is empty")
        if motivation not in _MOTIVATIONS:
            problems.append(f"motivation {motivation!r} is not oa:identifying or oa:describing")
        raise ValidationError(f"annotation {key}: " + "; ".join(problems), path=what)
    if len(keys) != n:
        raise ValidationError(f"{n - len(keys)} annotation key(s) used twice", path=what)


_MOTIVATIONS = frozenset({"identifying", "describing"})


def document_part(extraction: Extraction, *, fmt: Formats) -> DocumentPart:
    """Everything ``extraction``'s document adds on its own (see the module docstring).

    Raises :class:`ValidationError` if an annotation's values break the shapes
    (:func:`check_annotations`) or an entity of the document has no annotation."""
    base = fmt.base
    d = extraction.document
    iri = document_iri(d.file_name, base_iri=base)
    summary = summarize_extraction(extraction)
    keys = summary.keys
    doc = document_block(d, iri=iri, base_iri=base, author_known=f"Agency:{d.meta.author}" in keys)
    annotations = set(evidence_annotations(summary, source=iri, base_iri=base))
    check_annotations(annotations, what=d.file_name)
    described = sorted(a for a in annotations if a[2] == "describing")
    identified = sorted(a for a in annotations if a[2] != "describing")
    unannotated = {mint_iri(k, base_iri=base) for k in keys}.difference(a[3] for a in identified)
    if unannotated:  # cysh:EntityShape's ^oa:hasBody, which the query store cannot check
        raise ValidationError(f"entities without an evidence annotation: {', '.join(sorted(unannotated))}", path=d.file_name)
    ttl, nt, jsonld = fmt.annotations_encoded(described, heads=(fmt.ttl(doc), fmt.nt(doc), fmt.jsonld(doc)))
    ttl2, nt2, jsonld2 = fmt.annotations_encoded(identified)
    store_triples = len(doc.pairs) + ANNOTATION_TRIPLES * len(described)
    return DocumentPart(
        source=d,
        iri=iri,
        summary=summary.trimmed(per_key=SAMPLE_PER_DOCUMENT),
        triples=store_triples + ANNOTATION_TRIPLES * len(identified),
        ttl=ttl + ttl2,
        nt=nt + nt2,
        jsonld=jsonld + b",\n" + jsonld2 if jsonld2 else jsonld,
        store_bytes=len(nt),
        store_triples=store_triples,
    )


def _lexicon_pairs(e: Entity, iri_of: dict[str, str], label_key: dict[str, str]) -> tuple[list, list]:
    """Facts the lexicons know about ``e``: ``(document-independent pairs, English alt labels)``."""
    place = load_lexicon().places.get(e.label)
    facts: list[tuple[str, Object]] = []
    english: list[tuple[str, Object]] = []
    if place is None:
        return facts, english
    if place.code:
        facts.append((SKOS + "notation", Lit(place.code, datatype=XSD_STRING)))
        facts.append((CY + "adminCode", Lit(place.code)))
    if place.level:
        facts.append((CY + "adminLevel", Lit(place.level)))
    if place.english:
        english.append((SKOS + "altLabel", Lit(place.english, lang="en")))
    parent = label_key.get(place.parent) if place.parent else None
    if parent:
        facts.append((CY + ("flowsInto" if e.type == "River" else "withinRegion"), Iri(iri_of[parent])))
    return facts, english


@dataclass(frozen=True)
class EntityView:
    """The blocks of the merged entities and relations, for the single-graph formats and
    for TriG (document-independent facts in the default graph, the rest per document)."""

    blocks: tuple[Block, ...]  # entities, then statements: everything but the documents' own triples
    default_graph: tuple[Block, ...]  # lexicon facts no document states
    names: dict[str, Block]  # entity IRI → its class and labels (repeated in each document's graph)
    mentioned: dict[str, tuple[str, ...]]  # file name → IRIs of the entities it mentions
    relations: dict[str, tuple[Block, ...]]  # file name → the relations and statements it gives evidence for


def entity_view(entities: list[Entity], relations: list[Relation], *, base_iri: str,
                relation_documents: dict[tuple[str, str, str], set[str]] | None = None) -> EntityView:
    """Blocks of ``entities`` and ``relations`` (see :class:`EntityView`).  A relation goes into
    the TriG graph of every document in ``relation_documents[(s, p, o)]`` (default: the
    documents of its ``evidence``, which may be a sample)."""
    base = base_iri.rstrip("/")
    iri_of = {e.key: mint_iri(e.key, base_iri=base) for e in entities}
    label_key = {e.label: e.key for e in entities}
    doc_iri: dict[str, Iri] = {}

    def doc_node(name: str) -> Iri:
        if name not in doc_iri:
            doc_iri[name] = Iri(document_iri(name, base_iri=base))
        return doc_iri[name]

    out_rel: dict[str, list[tuple[str, Object]]] = {}
    statements: list[Block] = []
    local: dict[str, dict[str, list[tuple[str, Object]]]] = {}  # file → subject → relation / statement pairs
    for r in relations:
        s, o, p = iri_of[r.subject], iri_of[r.object], CY + r.predicate
        st = statement_iri(s, p, o, base_iri=base)
        st_pairs = [(RDF_TYPE, Iri(RDF + "Statement")), (RDF + "subject", Iri(s)), (RDF + "predicate", Iri(p)), (RDF + "object", Iri(o))]
        statements.append(block(st, st_pairs))
        out_rel.setdefault(s, []).append((p, Iri(o)))
        docs = relation_documents.get((r.subject, r.predicate, r.object)) if relation_documents is not None else None
        for doc in sorted(docs or {ev.doc for ev in r.evidence}):
            g = local.setdefault(doc, {})
            g.setdefault(s, []).append((p, Iri(o)))
            g.setdefault(st, []).extend(st_pairs)
    blocks, default = [], []
    names_of: dict[str, Block] = {}
    mentioned: dict[str, list[str]] = {}
    for e in entities:
        node = iri_of[e.key]
        names: list[tuple[str, Object]] = [(RDF_TYPE, Iri(CY + e.type)), (RDFS + "label", Lit(e.label, lang="zh")),
                                           (SKOS + "prefLabel", Lit(e.label, lang="zh"))]
        names += [(SKOS + "altLabel", Lit(a, lang="zh")) for a in e.aliases]
        facts, english = _lexicon_pairs(e, iri_of, label_key)
        names += english
        names_of[node] = block(node, names)
        mentioned_in = [(CY + "mentionedIn", doc_node(d)) for d in e.documents]
        blocks.append(block(node, names + mentioned_in + facts + out_rel.get(node, [])))
        if facts:
            default.append(block(node, facts))
        for d in e.documents:
            mentioned.setdefault(d, []).append(node)
    blocks.sort(key=lambda b: b.subject)
    statements.sort(key=lambda b: b.subject)
    default.sort(key=lambda b: b.subject)
    return EntityView(
        blocks=tuple(blocks + statements),
        default_graph=tuple(default),
        names=names_of,
        mentioned={d: tuple(sorted(nodes)) for d, nodes in mentioned.items()},
        relations={d: tuple(block(s, pairs) for s, pairs in sorted(g.items())) for d, g in local.items()},
    )


def graph_turtle(parts: Iterable[DocumentPart], *, fmt: Formats, evidence_limit: int | None = None) -> tuple[str, int, list[Entity], list[Relation]]:
    """The whole graph of ``parts`` as one Turtle text (for small graphs and tests), its
    triple count, and the merged entities and relations."""
    parts = list(parts)
    entities, relations = merge((p.summary for p in parts), evidence_limit=evidence_limit)
    view = entity_view(entities, relations, base_iri=fmt.base)
    text = fmt.ttl_header() + "".join(fmt.ttl(b) for b in view.blocks) + b"".join(p.ttl for p in parts).decode("utf-8")
    return text, sum(len(b.pairs) for b in view.blocks) + sum(p.triples for p in parts), entities, relations


def build_graph(extractions: Iterable[Extraction], *, base_iri: str) -> Graph:
    """The graph of ``extractions`` as an rdflib :class:`~rdflib.Graph` (the same triples as
    ``kg build`` writes), for use from Python."""
    fmt = Formats(base_iri=base_iri)
    text, _n, _e, _r = graph_turtle((document_part(x, fmt=fmt) for x in extractions), fmt=fmt)
    g = Graph()
    for prefix, ns in fmt.prefixes.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g.parse(data=text, format="turtle")


__all__ = ["DocumentPart", "EntityView", "block", "build_graph", "document_iri", "document_part", "entity_view",
           "graph_turtle", "statement_iri", "NON_NEGATIVE"]
