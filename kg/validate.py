"""Validate: the graph against the project's SHACL shapes (``ontology/shapes.ttl``).

The shapes say what a valid graph looks like — labels, exactly one core class, the
domains and ranges of every relation, evidence for every entity and relation, the
datatypes of offsets and dates.  ``kg build`` validates what it wrote and fails on a
violation; ``kg validate FILE`` reports violations readably.

Two engines: files are validated by default with :mod:`kg.shacl`, which compiles the
shapes to SPARQL and runs them on an in-memory Oxigraph store (about a second for 200k
triples); ``engine="pyshacl"`` and :func:`validate_graph` (an rdflib graph) use pySHACL,
the reference, which needs minutes on such a graph.

>>> from rdflib import Graph, Literal, URIRef, RDF
>>> from kg.vocab import CY
>>> g = Graph()
>>> _ = g.add((URIRef("https://w3id.org/chuanyu-kg/id/x"), RDF.type, CY.Agreement))  # no label, no evidence
>>> report = validate_graph(g)
>>> report.conforms, sorted({v.path for v in report.violations})[:2]
(False, ['^oa:hasBody', 'cy:mentionedIn'])
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from kg.errors import KGError, ValidationError
from kg.vocab import curie

#: The shapes file of the source tree.
SHAPES_FILE = Path(__file__).resolve().parent.parent / "ontology" / "shapes.ttl"

_MAX_LISTED = 50


@dataclass(frozen=True)
class Violation:
    """One SHACL result: the node, the property path, the offending value and the message."""

    focus: str
    path: str
    value: str
    message: str
    shape: str
    severity: str = "Violation"

    def __str__(self) -> str:
        where = f"{self.focus} {self.path}".strip()
        value = f" = {self.value}" if self.value else ""
        return f"{self.severity}: {where}{value}: {self.message}"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of a validation: ``conforms`` and the violations, sorted."""

    conforms: bool
    violations: tuple[Violation, ...]
    triples: int = 0

    def to_text(self, *, limit: int = _MAX_LISTED) -> str:
        """A readable report.

        >>> print(ValidationReport(True, (), 3).to_text())
        conforms: 3 triples, 0 violations
        """
        head = f"{'conforms' if self.conforms else 'does not conform'}: {self.triples} triples, {len(self.violations)} violations"
        lines = [head] + [f"  {v}" for v in self.violations[:limit]]
        if len(self.violations) > limit:
            lines.append(f"  … and {len(self.violations) - limit} more")
        return "\n".join(lines)


def _n3(g: Graph, term) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return curie(str(term))
    if isinstance(term, Literal):
        return term.n3()
    if isinstance(term, BNode):
        inverse = g.value(term, SH.inversePath)
        if inverse is not None:
            return "^" + _n3(g, inverse)
        return "[]"
    return str(term)


def load_shapes(path: str | Path | None = None) -> Graph:
    """Parse the shapes (default: ``ontology/shapes.ttl``).

    >>> len(load_shapes()) > 100
    True
    """
    p = Path(path) if path is not None else SHAPES_FILE
    if not p.is_file():
        raise KGError("SHACL shapes file not found", path=p)
    try:
        return Graph().parse(p, format="turtle")
    except Exception as exc:  # rdflib raises many types on bad Turtle
        raise KGError(f"cannot parse the shapes as Turtle ({type(exc).__name__}: {exc})", path=p) from exc


def validate_graph(graph: Graph, *, shapes: Graph | None = None) -> ValidationReport:
    """Validate ``graph`` against ``shapes`` (default: the project's); see the module docstring."""
    import pyshacl

    shapes = load_shapes() if shapes is None else shapes
    conforms, results, text = pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, abort_on_first=False
    )
    if not isinstance(results, Graph):  # pySHACL could not run the shapes at all
        raise KGError(f"SHACL validation failed to run: {text}")
    violations = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(r, SH.resultSeverity)
        message = "; ".join(sorted(str(m) for m in results.objects(r, SH.resultMessage))) or "constraint violated"
        violations.append(Violation(
            focus=_n3(results, results.value(r, SH.focusNode)),
            path=_n3(results, results.value(r, SH.resultPath)),
            value=_n3(results, results.value(r, SH.value)),
            message=message,
            shape=_n3(results, results.value(r, SH.sourceShape)),
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
        ))
    violations += relation_evidence_violations(graph)
    conforms = conforms and not any(v.severity == "Violation" for v in violations)
    return ValidationReport(bool(conforms), tuple(sorted(set(violations), key=lambda v: (v.focus, v.path, v.value, v.message))), len(graph))


def relation_evidence_violations(graph: Graph) -> list[Violation]:
    """Core relation triples without an ``rdf:Statement`` that an ``oa:Annotation`` has as body.

    (The shapes file names this check ``cysh:RelationEvidenceShape``; it runs here because
    the SHACL-SPARQL form of the join is too slow on rdflib; :mod:`kg.shacl` runs it as
    one SPARQL query.)

    >>> from kg.vocab import CY
    >>> g = Graph(); _ = g.add((URIRef("https://e.org/a"), CY.signedBy, URIRef("https://e.org/b")))
    >>> [v.message for v in relation_evidence_violations(g)]
    ['relation cy:signedBy to <https://e.org/b> has no evidence annotation']
    """
    from kg.vocab import CY, OA

    evidenced = set()
    for st in graph.subjects(RDF.type, RDF.Statement):
        if any((ann, RDF.type, OA.Annotation) in graph for ann in graph.subjects(OA.hasBody, st)):
            evidenced.add((graph.value(st, RDF.subject), graph.value(st, RDF.predicate), graph.value(st, RDF.object)))
    out = []
    for p in (CY.signedBy, CY.issuedBy, CY.concerns, CY.participant):
        for s, o in graph.subject_objects(p):
            if (s, p, o) not in evidenced:
                out.append(Violation(focus=_n3(graph, s), path=_n3(graph, p), value=_n3(graph, o),
                                     message=f"relation {_n3(graph, p)} to {_n3(graph, o)} has no evidence annotation",
                                     shape="cysh:RelationEvidenceShape"))
    return out


def load_graph(path: str | Path) -> Graph:
    """Parse a graph file (Turtle, N-Triples, JSON-LD, TriG — by extension) into one rdflib graph."""
    p = Path(path)
    if not p.is_file():
        raise KGError("graph file not found (run `kg build` first)", path=p)
    fmt = {".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld", ".trig": "trig", ".nq": "nquads"}.get(p.suffix, "turtle")
    try:
        if fmt in ("trig", "nquads"):
            from rdflib import Dataset

            ds = Dataset()
            ds.parse(p, format=fmt)
            g = Graph()
            for s, pr, o, _ctx in ds.quads((None, None, None, None)):
                g.add((s, pr, o))
            return g
        return Graph().parse(p, format=fmt)
    except Exception as exc:  # rdflib raises many types on bad input
        raise KGError(f"cannot parse the graph ({type(exc).__name__}: {exc})", path=p) from exc


ENGINES = ("oxigraph", "pyshacl")


def load_store(path: str | Path):
    """A graph file in an in-memory Oxigraph store (:func:`kg.query.load_store`, errors as :class:`KGError`);
    :func:`kg.shacl.validate_store` validates the union of its graphs."""
    from kg.query import load_store as _load

    return _load(path, error=KGError)


def _engine(engine: str) -> str:
    if engine not in ENGINES:
        raise KGError(f"unknown SHACL engine {engine!r} (one of: {', '.join(ENGINES)})")
    return engine


def validate_file(path: str | Path, *, shapes: str | Path | None = None, engine: str = "oxigraph") -> ValidationReport:
    """Validate a graph file against the shapes (default: the project's).

    ``engine="oxigraph"`` (default): :func:`kg.shacl.validate_store` on an in-memory store;
    ``engine="pyshacl"``: :func:`validate_graph` on an rdflib graph (slow, the reference).
    """
    if _engine(engine) == "pyshacl":
        return validate_graph(load_graph(path), shapes=load_shapes(shapes))
    from kg.shacl import validate_store

    return validate_store(load_store(path), shapes=shapes)


def check_graph(graph: Graph, *, shapes: Graph | None = None, what: str | Path | None = None) -> ValidationReport:
    """Validate and raise :class:`~kg.errors.ValidationError` (with the report) on a violation.

    >>> check_graph(Graph()).conforms
    True
    """
    report = validate_graph(graph, shapes=shapes)
    if not report.conforms:
        raise ValidationError("the graph does not conform to the SHACL shapes:\n" + report.to_text(limit=20), path=what)
    return report


def check_file(path: str | Path, *, shapes: str | Path | None = None, engine: str = "oxigraph") -> ValidationReport:
    """Validate a graph file; raise :class:`~kg.errors.ValidationError` on a violation (see :func:`validate_file`)."""
    if _engine(engine) == "pyshacl":
        return check_graph(load_graph(path), shapes=load_shapes(shapes), what=path)
    from kg.shacl import check_store

    return check_store(load_store(path), shapes=shapes, what=path)
