"""Stats: what is in a built graph, and who cooperates with whom.

Reads a graph file (``exports/kg.ttl``) and answers the first questions a reader asks:
how many entities of each class and relations of each kind, which agencies are the most
connected, which agreements were signed across the provincial line (a Sichuan-side and a
Chongqing-side party), and which documents contribute the most facts.

>>> province_of("成都市生态环境局"), province_of("重庆市生态环境局"), province_of("生态环境部")
('四川省', '重庆市', '')
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import networkx as nx
from rdflib import RDF, RDFS, Dataset, Graph, URIRef

from kg.errors import KGError
from kg.lexicon import load_lexicon
from kg.model import ENTITY_TYPES, RELATION_TYPES
from kg.vocab import CY, OA

#: The two sides of the cooperation.
SIDES: tuple[str, ...] = ("四川省", "重庆市")
#: Relations whose object is a party (agency or region) taking part in an instrument.
PARTY_RELATIONS: tuple[str, ...] = ("signedBy", "issuedBy", "participant")


@dataclass(frozen=True)
class AgencyDegree:
    """An agency and how connected it is: distinct relations and instruments it takes part in."""

    label: str
    province: str
    relations: int
    partners: int


@dataclass(frozen=True)
class CrossAgreement:
    """An agreement with at least one party on each side of the provincial line."""

    label: str
    sichuan: tuple[str, ...]
    chongqing: tuple[str, ...]


@dataclass(frozen=True)
class DocumentFacts:
    """A source document and the facts it is evidence for."""

    file: str
    title: str
    entities: int
    relations: int

    @property
    def facts(self) -> int:
        return self.entities + self.relations


@dataclass(frozen=True)
class Stats:
    """Summary statistics of a graph; see :func:`compute_stats`."""

    triples: int
    documents: int
    classes: tuple[tuple[str, int], ...]
    relations: tuple[tuple[str, int], ...]
    agencies: tuple[AgencyDegree, ...]
    cross_agreements: tuple[CrossAgreement, ...]
    top_documents: tuple[DocumentFacts, ...]

    def to_dict(self) -> dict:
        return {
            "triples": self.triples,
            "documents": self.documents,
            "classes": dict(self.classes),
            "relations": dict(self.relations),
            "most_connected_agencies": [asdict(a) for a in self.agencies],
            "cross_provincial_agreements": [
                {"agreement": c.label, "sichuan": list(c.sichuan), "chongqing": list(c.chongqing)}
                for c in self.cross_agreements
            ],
            "documents_with_most_facts": [{**asdict(d), "facts": d.facts} for d in self.top_documents],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def to_table(self) -> str:
        from kg.query import QueryResult

        def table(title: str, variables: tuple[str, ...], rows) -> str:
            rows = tuple(tuple(str(c) for c in r) for r in rows)
            return f"{title}\n" + QueryResult(variables, rows).to_table()

        parts = [
            f"triples: {self.triples}   documents: {self.documents}\n",
            table("Entities per class", ("class", "entities"), self.classes),
            table("Relations", ("relation", "count"), self.relations),
            table("Most connected agencies", ("agency", "province", "relations", "partners"),
                  [(a.label, a.province or "-", a.relations, a.partners) for a in self.agencies]),
            table("Cross-provincial agreements", ("agreement", "sichuan", "chongqing"),
                  [(c.label, "、".join(c.sichuan), "、".join(c.chongqing)) for c in self.cross_agreements]),
            table("Documents with the most facts", ("file", "entities", "relations", "facts", "title"),
                  [(d.file, d.entities, d.relations, d.facts, d.title) for d in self.top_documents]),
        ]
        return "\n".join(parts)


def load_graph(path: str | Path) -> Graph:
    """Parse a graph file (Turtle, N-Triples, …, by extension); :class:`KGError` if it cannot.

    >>> load_graph("no/such/kg.ttl")
    Traceback (most recent call last):
    ...
    kg.errors.KGError: no/such/kg.ttl: graph file not found (run `kg build` first)
    """
    p = Path(path)
    if not p.is_file():
        raise KGError("graph file not found (run `kg build` first)", path=p)
    fmt = {".nt": "nt", ".trig": "trig", ".jsonld": "json-ld", ".rdf": "xml", ".xml": "xml"}.get(p.suffix, "turtle")
    g = Graph()
    try:
        if fmt == "trig":  # every named graph's triples: the TriG file answers as its Turtle twin does
            ds = Dataset()
            ds.parse(p, format=fmt)
            for s, pred, o, _ in ds.quads():
                g.add((s, pred, o))
        else:
            g.parse(p, format=fmt)
    except Exception as exc:  # rdflib raises many types for bad input
        raise KGError(f"cannot parse the graph ({type(exc).__name__}); is it {fmt}?", path=p) from exc
    return g


@lru_cache(maxsize=4096)
def province_of(label: str) -> str:
    """The side (四川省 or 重庆市) an agency or region belongs to, or "" (national, other)."""
    lex = load_lexicon()
    name = label
    entry = lex.agencies.get(label)
    if entry is not None and entry.jurisdiction:
        name = entry.jurisdiction
    place = lex.places.get(name)
    if place is None:
        for n in range(min(len(name), 12), 1, -1):
            canonical = lex.place_forms.get(name[:n])
            if canonical and lex.places[canonical].type == "Region":
                place = lex.places[canonical]
                break
    for _ in range(8):
        if place is None:
            break
        if place.name in SIDES:
            return place.name
        place = lex.places.get(place.parent) if place.parent else None
    hits = sorted((name.find(s[:2]), s) for s in SIDES if s[:2] in name)
    return hits[0][1] if hits else ""


def _labels(g: Graph) -> dict[URIRef, str]:
    return {s: str(o) for s, o in sorted(g.subject_objects(RDFS.label))}


def _type_of(g: Graph) -> dict[URIRef, str]:
    out = {}
    for t in ENTITY_TYPES:
        for s in g.subjects(RDF.type, CY[t]):
            out[s] = t
    return out


def party_edges(g: Graph) -> list[tuple[str, str, str, str]]:
    """``(instrument, instrument class, relation, party)`` labels of every party relation, sorted.

    >>> from rdflib import Literal
    >>> g = Graph(); a, b = URIRef("urn:a"), URIRef("urn:b")
    >>> for s, p, o in ((a, RDF.type, CY.Agreement), (a, RDFS.label, Literal("协议")), (b, RDFS.label, Literal("四川省")),
    ...                 (a, CY.signedBy, b)):
    ...     _ = g.add((s, p, o))
    >>> party_edges(g)
    [('协议', 'Agreement', 'signedBy', '四川省')]
    """
    labels, types = _labels(g), _type_of(g)
    rows = set()
    for rel in PARTY_RELATIONS:
        for s, o in g.subject_objects(CY[rel]):
            if s in labels and o in labels:
                rows.add((labels[s], types.get(s, ""), rel, labels[o]))
    return sorted(rows)


def cooperation_network(g: Graph) -> nx.Graph:
    """Agencies and regions, tied when they take part in the same instrument.

    Nodes carry ``province`` (四川省, 重庆市 or "") and ``kind`` (Agency/Region); edges
    carry ``weight`` (shared instruments) and ``instruments`` (their labels).

    >>> cooperation_network(Graph()).number_of_nodes()
    0
    """
    types = _type_of(g)
    labels = _labels(g)
    kind = {labels[n]: t for n, t in types.items() if n in labels}
    by_instrument: dict[str, set[str]] = defaultdict(set)
    for instrument, _, _, party in party_edges(g):
        by_instrument[instrument].add(party)
    net = nx.Graph()
    for instrument in sorted(by_instrument):
        parties = sorted(by_instrument[instrument])
        for p in parties:
            net.add_node(p, province=province_of(p), kind=kind.get(p, ""))
        for i, a in enumerate(parties):
            for b in parties[i + 1:]:
                if net.has_edge(a, b):
                    net[a][b]["weight"] += 1
                    net[a][b]["instruments"].append(instrument)
                else:
                    net.add_edge(a, b, weight=1, instruments=[instrument])
    return net


def cross_provincial_ties(net: nx.Graph) -> list[tuple[str, str, int]]:
    """Edges of the cooperation network between a Sichuan-side and a Chongqing-side party.

    >>> n = nx.Graph(); n.add_node("a", province="四川省"); n.add_node("b", province="重庆市")
    >>> n.add_edge("a", "b", weight=2); cross_provincial_ties(n)
    [('a', 'b', 2)]
    """
    ties = []
    for a, b, w in net.edges(data="weight"):
        if {net.nodes[a].get("province"), net.nodes[b].get("province")} == set(SIDES):
            a, b = (a, b) if net.nodes[a]["province"] == SIDES[0] else (b, a)
            ties.append((a, b, w or 1))
    return sorted(ties, key=lambda t: (-t[2], t[0], t[1]))


def compute_stats(g: Graph, *, top: int = 10) -> Stats:
    """Compute :class:`Stats` of a graph; lists are cut to the ``top`` entries.

    >>> s = compute_stats(Graph())
    >>> s.triples, dict(s.classes)["Agency"], s.agencies
    (0, 0, ())
    """
    labels, types = _labels(g), _type_of(g)
    class_counts = Counter(types.values())
    classes = tuple((t, class_counts.get(t, 0)) for t in ENTITY_TYPES)
    relations = tuple((r, len(set(g.subject_objects(CY[r])))) for r in RELATION_TYPES)

    degree: Counter[URIRef] = Counter()
    partners: dict[URIRef, set[URIRef]] = defaultdict(set)
    for r in RELATION_TYPES:
        for s, o in set(g.subject_objects(CY[r])):
            for node, other in ((s, o), (o, s)):
                if types.get(node) == "Agency":
                    degree[node] += 1
                    partners[node].add(other)
    ranked = sorted(degree, key=lambda n: (-degree[n], labels.get(n, str(n))))
    agencies = tuple(
        AgencyDegree(labels.get(n, str(n)), province_of(labels.get(n, "")), degree[n], len(partners[n]))
        for n in ranked[:top]
    )

    signers: dict[URIRef, set[str]] = defaultdict(set)
    for a, s in g.subject_objects(CY.signedBy):
        if types.get(a) == "Agreement" and s in labels:
            signers[a].add(labels[s])
    cross = []
    for a, parties in signers.items():
        sides = {p: province_of(p) for p in parties}
        sc = tuple(sorted(p for p, v in sides.items() if v == SIDES[0]))
        cq = tuple(sorted(p for p, v in sides.items() if v == SIDES[1]))
        if sc and cq:
            cross.append(CrossAgreement(labels.get(a, str(a)), sc, cq))
    cross.sort(key=lambda c: c.label)

    doc_entities: Counter[URIRef] = Counter(o for _, o in g.subject_objects(CY.mentionedIn))
    doc_relations: dict[URIRef, set[URIRef]] = defaultdict(set)
    for ann, body in g.subject_objects(OA.hasBody):
        if (body, RDF.type, RDF.Statement) in g:
            for target in g.objects(ann, OA.hasTarget):
                for doc in g.objects(target, OA.hasSource):
                    doc_relations[doc].add(body)
    docs = sorted(g.subjects(RDF.type, CY.SourceDocument))
    facts = [
        DocumentFacts(str(g.value(d, CY.fileName) or d), str(g.value(d, RDFS.label) or ""),
                      doc_entities.get(d, 0), len(doc_relations.get(d, ())))
        for d in docs
    ]
    facts.sort(key=lambda d: (-d.facts, d.file))
    return Stats(len(g), len(docs), classes, relations, agencies, tuple(cross), tuple(facts[:top]))


__all__ = [
    "AgencyDegree", "CrossAgreement", "DocumentFacts", "Stats", "SIDES", "compute_stats",
    "cooperation_network", "cross_provincial_ties", "load_graph", "party_edges", "province_of",
]
