"""Vocabulary terms: one place, typos raise (``_fail = True``).

>>> from kg.vocab import CY
>>> str(CY.Agency)
'https://w3id.org/chuanyu-kg/ontology#Agency'
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE_IRI = "https://w3id.org/chuanyu-kg/id/"
ONTOLOGY_IRI = "https://w3id.org/chuanyu-kg/ontology"


class CY(DefinedNamespace):
    _NS = Namespace("https://w3id.org/chuanyu-kg/ontology#")
    _fail = True

    # core classes
    Agency: URIRef
    Region: URIRef
    River: URIRef
    Agreement: URIRef
    Programme: URIRef
    Standard: URIRef
    Regulation: URIRef
    Meeting: URIRef
    SourceDocument: URIRef
    # core relations
    signedBy: URIRef
    issuedBy: URIRef
    concerns: URIRef
    participant: URIRef
    # document and entity properties
    mentionedIn: URIRef
    fileName: URIRef
    documentNumber: URIRef
    sha256: URIRef
    characterCount: URIRef
    encoding: URIRef
    author: URIRef
    addressee: URIRef
    adminCode: URIRef
    adminLevel: URIRef
    flowsInto: URIRef
    withinRegion: URIRef
    jurisdiction: URIRef


class OA(DefinedNamespace):
    """The W3C Web Annotation terms the graph uses."""

    _NS = Namespace("http://www.w3.org/ns/oa#")
    _fail = True

    Annotation: URIRef
    SpecificResource: URIRef
    TextPositionSelector: URIRef
    TextQuoteSelector: URIRef
    hasBody: URIRef
    hasTarget: URIRef
    hasSource: URIRef
    hasSelector: URIRef
    start: URIRef
    end: URIRef
    exact: URIRef
    prefix: URIRef
    suffix: URIRef
    motivatedBy: URIRef
    identifying: URIRef
    describing: URIRef


PREFIXES: dict[str, str] = {
    "cy": str(CY._NS),
    "id": BASE_IRI,
    "oa": str(OA._NS),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
}


def curie(iri: str, prefixes: dict[str, str] = PREFIXES) -> str:
    """``iri`` as ``prefix:local`` with the first of ``prefixes`` whose namespace starts it, else ``<iri>``.

    >>> curie("https://w3id.org/chuanyu-kg/ontology#signedBy"), curie("https://example.org/x")
    ('cy:signedBy', '<https://example.org/x>')
    """
    for prefix, ns in prefixes.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{iri}>"
