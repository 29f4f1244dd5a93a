"""A small, fast SHACL-Core engine: the shapes compiled to SPARQL, run on a pyoxigraph store.

pySHACL needs minutes on a graph of a few hundred thousand triples; this engine reads the
shapes graph (``ontology/shapes.ttl``), compiles every constraint into one SPARQL ``SELECT``
that returns the violating focus nodes (and values) — run only when a cheaper *count screen*
of the constraint does not clear it, see :func:`validate_store` — and runs the queries on a
:class:`pyoxigraph.Store` — over the union of all its graphs, so a store loaded from
N-Triples (default graph) and one loaded from TriG (a graph per document) validate alike
(a store with named graphs is first merged into one graph, each triple once: about a
second per 200k quads).

Only the SHACL constructs the project's shapes use are supported; a shapes graph that uses
anything else raises :class:`~kg.errors.KGError` naming the construct, so that no check is
lost silently:

* targets: ``sh:targetClass`` (instances of subclasses too), ``sh:targetSubjectsOf``;
* paths: a predicate IRI or ``[ sh:inversePath IRI ]``;
* ``sh:property``, ``sh:minCount``, ``sh:maxCount``, ``sh:uniqueLang``, ``sh:lessThan``,
  ``sh:qualifiedValueShape`` + ``sh:qualifiedMinCount`` / ``sh:qualifiedMaxCount``;
* value constraints (also inside ``sh:or`` and qualified value shapes): ``sh:class``,
  ``sh:datatype`` (``rdf:langString`` too), ``sh:nodeKind``, ``sh:in``, ``sh:pattern``
  (+ ``sh:flags``), ``sh:minLength``, ``sh:or``;
* ``sh:message``, ``sh:severity``, ``sh:deactivated`` and the non-validating ``sh:name``,
  ``sh:description``, ``sh:order``, ``sh:group``.

Besides the shapes, :func:`validate_store` runs the project's relation-evidence check
(``cysh:RelationEvidenceShape``): every core relation triple has an ``rdf:Statement`` that an
``oa:Annotation`` has as body.

One caveat, from Oxigraph itself: a store keeps literals in canonical form, so
``"5"^^xsd:nonNegativeInteger`` is stored as ``"5"^^xsd:integer`` (all derived integer types
are).  ``sh:datatype`` with a derived integer type is therefore checked in value space: an
``xsd:integer`` literal in the type's range conforms (pySHACL would reject a literal typed
``xsd:integer``); a literal out of range or ill-formed does not.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.load(b"<https://w3id.org/chuanyu-kg/id/x> a <https://w3id.org/chuanyu-kg/ontology#Agreement> .",
...            format=ox.RdfFormat.TURTLE)
>>> report = validate_store(store)
>>> report.conforms, sorted({v.path for v in report.violations})[:2]
(False, ['^oa:hasBody', 'cy:mentionedIn'])
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from kg.errors import KGError, ValidationError
from kg.serialize import escape_string
from kg.validate import SHAPES_FILE, ValidationReport, Violation, load_shapes
from kg.vocab import PREFIXES, curie

__all__ = ["CompiledShapes", "check_store", "compile_shapes", "validate_store"]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_SH = str(SH)
_CY = PREFIXES["cy"]
_OA = PREFIXES["oa"]
_TYPE = f"<{_RDF}type>"
_SHAPE_PREFIXES = {**PREFIXES, "cysh": "https://w3id.org/chuanyu-kg/shapes#", "sh": _SH}

#: The core relations whose triples need an evidence annotation (``cysh:RelationEvidenceShape``).
EVIDENCED_RELATIONS = ("signedBy", "issuedBy", "concerns", "participant")

# ---------------------------------------------------------------- what is supported

_TARGETS = {SH.targetClass, SH.targetSubjectsOf}
_VALUE_PARAMS = {SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.pattern, SH.flags, SH.minLength, SH["or"]}
_PROPERTY_PARAMS = {SH.minCount, SH.maxCount, SH.uniqueLang, SH.lessThan, SH.qualifiedValueShape,
                    SH.qualifiedMinCount, SH.qualifiedMaxCount}
_ANNOTATIONS = {SH.message, SH.severity, SH.deactivated, SH.name, SH.description, SH.order, SH.group}
_SUPPORTED = _TARGETS | _VALUE_PARAMS | _PROPERTY_PARAMS | _ANNOTATIONS | {SH.property, SH.path, SH.inversePath}
_SHAPE_TYPES = {SH.NodeShape, SH.PropertyShape}
_NODE_KINDS = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBlank({v})",
    "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))",
    "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}
# Oxigraph stores these as xsd:integer: checked as integers within the type's range.
_INTEGER_RANGES = {
    "nonNegativeInteger": (0, None), "positiveInteger": (1, None), "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1), "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1),
    "short": (-2**15, 2**15 - 1), "byte": (-128, 127), "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1), "unsignedByte": (0, 255),
}
# Datatypes whose lexical form SPARQL can check with a cast (ill-formed literals fail the cast).
_CASTABLE = {"integer", "decimal", "float", "double", "boolean", "date", "dateTime", "time",
             "duration", "dayTimeDuration", "yearMonthDuration"}


def _unsupported(what: str, where) -> KGError:
    return KGError(f"SHACL construct not supported by the fast engine (kg.shacl): {what} (in {_show(where)}); "
                   "extend kg/shacl.py or validate with engine='pyshacl'")


def _show(term) -> str:
    if isinstance(term, URIRef):
        return curie(str(term), _SHAPE_PREFIXES)
    if isinstance(term, BNode):
        return "a blank-node shape"
    return str(term)


# ---------------------------------------------------------------- the compiled form


@dataclass(frozen=True)
class _Path:
    iri: str
    inverse: bool = False

    @property
    def sparql(self) -> str:
        return ("^" if self.inverse else "") + f"<{self.iri}>"

    @property
    def n3(self) -> str:
        return ("^" if self.inverse else "") + curie(self.iri)


@dataclass(frozen=True)
class _Cond:
    """A value constraint: ``kind`` is class, datatype, nodeKind, in, pattern, minLength or or."""

    kind: str
    arg: object
    extra: object = None


@dataclass(frozen=True)
class _Check:
    """One constraint of one shape, evaluated on the focus nodes of the shape's targets."""

    shape: str
    targets: tuple[tuple[str, str], ...]
    path: _Path | None
    component: str
    arg: object
    messages: tuple[str, ...]
    severity: str
    extra: object = None
    group: str = ""  # the node or property shape: its checks are screened together


@dataclass(frozen=True)
class CompiledShapes:
    """The checks of a shapes graph, ready to be turned into SPARQL."""

    checks: tuple[_Check, ...]

    @property
    def classes(self) -> frozenset[str]:
        """Every class the checks mention (targets and ``sh:class``)."""
        out: set[str] = set()
        for c in self.checks:
            out |= {iri for kind, iri in c.targets if kind == "class"}
            for cond in _conds_of(c):
                out |= _cond_classes(cond)
        return frozenset(out)


def _conds_of(check: _Check) -> list[_Cond]:
    if check.component in ("value", "qualifiedMin", "qualifiedMax"):
        return list(check.arg if check.component != "value" else [check.arg])
    return []


def _cond_classes(cond: _Cond) -> set[str]:
    if cond.kind == "class":
        return {cond.arg}
    if cond.kind == "or":
        return {c for conj in cond.arg for x in conj for c in _cond_classes(x)}
    return set()


# ---------------------------------------------------------------- compiling the shapes graph


def compile_shapes(shapes: str | Path | Graph | CompiledShapes | None = None) -> CompiledShapes:
    """Compile a shapes graph (default: ``ontology/shapes.ttl``); raise on unsupported SHACL.

    >>> len(compile_shapes().checks) > 50
    True
    """
    if isinstance(shapes, CompiledShapes):
        return shapes
    if isinstance(shapes, Graph):
        return _compile(shapes)
    p = Path(shapes) if shapes is not None else SHAPES_FILE
    try:
        st = p.stat()
    except OSError:
        load_shapes(p)  # raises the project's "not found" error
        raise
    return _compile_file(str(p.resolve()), st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=8)
def _compile_file(path: str, _mtime: int, _size: int) -> CompiledShapes:
    return _compile(load_shapes(path))


def _compile(g: Graph) -> CompiledShapes:
    unknown: dict[str, object] = {}
    for s, p, o in g:
        if isinstance(p, URIRef) and str(p).startswith(_SH) and p not in _SUPPORTED:
            unknown.setdefault(_show(p), s)
        if p == RDF.type and isinstance(o, URIRef) and str(o).startswith(_SH) and o not in _SHAPE_TYPES:
            unknown.setdefault(f"rdf:type {_show(o)}", s)
    if unknown:
        first = min(unknown)
        raise _unsupported(", ".join(sorted(unknown)), unknown[first])
    node_shapes = set(g.subjects(RDF.type, SH.NodeShape)) | {s for t in _TARGETS for s in g.subjects(t, None)}
    property_shapes = set(g.objects(None, SH.property))
    for s in g.subjects(SH.path, None):
        if s not in property_shapes:
            raise _unsupported("a property shape that is not the sh:property of a node shape", s)
    for s in property_shapes:
        if any(True for t in _TARGETS if (s, t, None) in g):
            raise _unsupported("targets on a property shape", s)
    checks: list[_Check] = []
    for shape in sorted(node_shapes, key=str):
        if _deactivated(g, shape):
            continue
        if (shape, SH.path, None) in g:
            raise _unsupported("a node shape with sh:path", shape)
        raw = [("class", c) for c in g.objects(shape, SH.targetClass)]
        raw += [("subjectsOf", c) for c in g.objects(shape, SH.targetSubjectsOf)]
        for _kind, t in raw:
            if not isinstance(t, URIRef):
                raise _unsupported("a target that is not an IRI", shape)
        targets = tuple(sorted((kind, str(t)) for kind, t in raw))
        name = _show(shape) if isinstance(shape, URIRef) else "[]"
        for p in set(g.predicates(shape, None)) & _PROPERTY_PARAMS:
            raise _unsupported(f"{_show(p)} on a node shape", shape)
        severity = _severity(g, shape)
        messages = _messages(g, shape)
        for cond in _value_conds(g, shape):
            checks.append(_Check(name, targets, None, "value", cond, messages, severity, group=str(shape)))
        for ps in sorted(g.objects(shape, SH.property), key=str):
            if _deactivated(g, ps):
                continue
            checks += _property_checks(g, ps, name, targets)
    return CompiledShapes(tuple(checks))


def _deactivated(g: Graph, shape) -> bool:
    return any(bool(getattr(v, "value", False)) is True for v in g.objects(shape, SH.deactivated))


def _severity(g: Graph, shape) -> str:
    sev = g.value(shape, SH.severity)
    return str(sev).rsplit("#", 1)[-1] if sev is not None else "Violation"


def _messages(g: Graph, shape) -> tuple[str, ...]:
    return tuple(sorted(str(m) for m in g.objects(shape, SH.message)))


def _one_int(g: Graph, shape, param) -> int:
    values = list(g.objects(shape, param))
    if len(values) != 1 or not isinstance(values[0], Literal) or not isinstance(values[0].value, int):
        raise _unsupported(f"{_show(param)} that is not exactly one integer", shape)
    return values[0].value


def _path(g: Graph, ps) -> _Path:
    paths = list(g.objects(ps, SH.path))
    if len(paths) != 1:
        raise _unsupported("a property shape without exactly one sh:path", ps)
    p = paths[0]
    if isinstance(p, URIRef):
        return _Path(str(p))
    inv = list(g.objects(p, SH.inversePath))
    if len(inv) == 1 and isinstance(inv[0], URIRef) and len(list(g.predicate_objects(p))) == 1:
        return _Path(str(inv[0]), inverse=True)
    raise _unsupported("a property path other than an IRI or [ sh:inversePath IRI ] (sequence, alternative, …)", ps)


def _property_checks(g: Graph, ps, shape_name: str, targets) -> list[_Check]:
    if set(g.objects(ps, SH.property)):
        raise _unsupported("sh:property on a property shape", ps)
    path = _path(g, ps)
    name = _show(ps) if isinstance(ps, URIRef) else shape_name
    severity, messages = _severity(g, ps), _messages(g, ps)

    def check(component: str, arg, extra=None) -> _Check:
        return _Check(name, targets, path, component, arg, messages, severity, extra, group=str(ps))

    out = [check("value", c) for c in _value_conds(g, ps)]
    for n in g.objects(ps, SH.minCount):
        out.append(check("minCount", _int(n, ps, SH.minCount)))
    for n in g.objects(ps, SH.maxCount):
        out.append(check("maxCount", _int(n, ps, SH.maxCount)))
    for u in g.objects(ps, SH.uniqueLang):
        if not isinstance(u, Literal) or not isinstance(u.value, bool):
            raise _unsupported("sh:uniqueLang that is not a boolean", ps)
        if u.value:
            out.append(check("uniqueLang", True))
    for q in g.objects(ps, SH.lessThan):
        if not isinstance(q, URIRef):
            raise _unsupported("sh:lessThan that is not an IRI", ps)
        out.append(check("lessThan", str(q)))
    qvs = list(g.objects(ps, SH.qualifiedValueShape))
    if qvs:
        if len(qvs) != 1:
            raise _unsupported("more than one sh:qualifiedValueShape on one property shape", ps)
        if any(True for _ in g.objects(ps, SH.qualifiedValueShapesDisjoint)):
            raise _unsupported("sh:qualifiedValueShapesDisjoint", ps)
        q = qvs[0]
        extra = set(g.predicates(q, None)) - _VALUE_PARAMS - {RDF.type}
        if extra:
            raise _unsupported(f"{', '.join(sorted(_show(p) for p in extra))} in a qualified value shape", ps)
        conds = tuple(_value_conds(g, q))
        if (ps, SH.qualifiedMinCount, None) in g:
            out.append(check("qualifiedMin", conds, _one_int(g, ps, SH.qualifiedMinCount)))
        if (ps, SH.qualifiedMaxCount, None) in g:
            out.append(check("qualifiedMax", conds, _one_int(g, ps, SH.qualifiedMaxCount)))
    elif (ps, SH.qualifiedMinCount, None) in g or (ps, SH.qualifiedMaxCount, None) in g:
        raise _unsupported("sh:qualifiedMinCount/MaxCount without sh:qualifiedValueShape", ps)
    return out


def _int(n, shape, param) -> int:
    if not isinstance(n, Literal) or not isinstance(n.value, int):
        raise _unsupported(f"{_show(param)} that is not an integer", shape)
    return n.value


def _value_conds(g: Graph, shape) -> list[_Cond]:
    """The value constraints of ``shape``, each true of a conforming value."""
    out: list[_Cond] = []
    for c in g.objects(shape, SH["class"]):
        if not isinstance(c, URIRef):
            raise _unsupported("sh:class that is not an IRI", shape)
        out.append(_Cond("class", str(c)))
    for d in g.objects(shape, SH.datatype):
        if not isinstance(d, URIRef):
            raise _unsupported("sh:datatype that is not an IRI", shape)
        out.append(_Cond("datatype", str(d)))
    for k in g.objects(shape, SH.nodeKind):
        kind = str(k)[len(_SH):] if str(k).startswith(_SH) else ""
        if kind not in _NODE_KINDS:
            raise _unsupported(f"sh:nodeKind {_show(k)}", shape)
        out.append(_Cond("nodeKind", kind))
    for lst in g.objects(shape, SH["in"]):
        members = list(Collection(g, lst))
        if any(isinstance(m, BNode) for m in members):
            raise _unsupported("a blank node in sh:in", shape)
        out.append(_Cond("in", tuple(members)))
    flags = [str(f) for f in g.objects(shape, SH.flags)]
    if len(flags) > 1:
        raise _unsupported("more than one sh:flags", shape)
    for pat in g.objects(shape, SH.pattern):
        out.append(_Cond("pattern", str(pat), flags[0] if flags else ""))
    for n in g.objects(shape, SH.minLength):
        out.append(_Cond("minLength", _int(n, shape, SH.minLength)))
    for lst in g.objects(shape, SH["or"]):
        members = []
        for m in Collection(g, lst):
            extra = set(g.predicates(m, None)) - _VALUE_PARAMS - {RDF.type, SH.message}
            if extra:
                raise _unsupported(f"{', '.join(sorted(_show(p) for p in extra))} in a member of sh:or", shape)
            members.append(tuple(_value_conds(g, m)))
        out.append(_Cond("or", tuple(members)))
    return out


# ---------------------------------------------------------------- SPARQL


def _sparql_term(t) -> str:
    if isinstance(t, URIRef):
        return f"<{t}>"
    if isinstance(t, Literal):
        if t.language:
            return f'"{escape_string(str(t))}"@{t.language}'
        return f'"{escape_string(str(t))}"^^<{t.datatype or _XSD + "string"}>'
    raise KGError(f"cannot write {t!r} in SPARQL")


class _Writer:
    """Writes the SPARQL of the checks, with the data's subclass closure and fresh variables."""

    def __init__(self, subclasses: dict[str, frozenset[str]]):
        self.subclasses = subclasses
        self.n = 0

    def var(self) -> str:
        self.n += 1
        return f"?_{self.n}"

    def classes(self, cls: str) -> list[str]:
        return sorted(self.subclasses.get(cls, frozenset()) | {cls})

    def instance_of(self, v: str, cls: str) -> str:
        """A group pattern: ``v`` is an instance of ``cls`` or one of its subclasses."""
        classes = self.classes(cls)
        if len(classes) == 1:
            return f"{v} {_TYPE} <{classes[0]}> ."
        t = self.var()
        return f"VALUES {t} {{ {' '.join(f'<{c}>' for c in classes)} }} {v} {_TYPE} {t} ."

    def cond(self, c: _Cond, v: str) -> str:
        """A SPARQL expression, true (never an error) when the value ``v`` satisfies ``c``."""
        if c.kind == "class":
            return f"EXISTS {{ {self.instance_of(v, c.arg)} }}"
        if c.kind == "nodeKind":
            return _NODE_KINDS[c.arg].format(v=v)
        if c.kind == "in":
            return "(" + " || ".join(f"sameTerm({v}, {_sparql_term(m)})" for m in c.arg) + ")" if c.arg else "false"
        if c.kind == "pattern":
            flags = f', "{escape_string(c.extra)}"' if c.extra else ""
            return f'COALESCE(!isBlank({v}) && regex(str({v}), "{escape_string(c.arg)}"{flags}), false)'
        if c.kind == "minLength":
            return f"COALESCE(!isBlank({v}) && strlen(str({v})) >= {int(c.arg)}, false)"
        if c.kind == "or":
            return "(" + " || ".join(self.conj(conj, v) for conj in c.arg) + ")" if c.arg else "false"
        if c.kind == "datatype":
            return self.datatype(c.arg, v)
        raise KGError(f"unknown value constraint {c.kind}")  # pragma: no cover

    def conj(self, conds, v: str) -> str:
        return "(" + " && ".join(self.cond(c, v) for c in conds) + ")" if conds else "true"

    @staticmethod
    def datatype(dt: str, v: str) -> str:
        if dt == _RDF + "langString":
            test = f'isLiteral({v}) && lang({v}) != ""'
        elif dt.startswith(_XSD) and dt[len(_XSD):] in _INTEGER_RANGES:
            lo, hi = _INTEGER_RANGES[dt[len(_XSD):]]
            test = f"isLiteral({v}) && sameTerm(datatype({v}), <{_XSD}integer>)"
            test += (f" && {v} >= {lo}" if lo is not None else "") + (f" && {v} <= {hi}" if hi is not None else "")
        elif dt.startswith(_XSD) and dt[len(_XSD):] in _CASTABLE:
            test = f"isLiteral({v}) && sameTerm(datatype({v}), <{dt}>) && isLiteral(<{dt}>(str({v})))"
        else:
            test = f"isLiteral({v}) && sameTerm(datatype({v}), <{dt}>)"
        return f"COALESCE({test}, false)"

    def focus(self, targets, f: str = "?f") -> str:
        """A group pattern binding ``f`` to each focus node of ``targets`` once (``""``: no targets)."""
        parts = []
        classes = sorted({c for kind, iri in targets if kind == "class" for c in self.classes(iri)})
        if len(classes) == 1:
            parts.append(f"{f} {_TYPE} <{classes[0]}> .")
        elif classes:
            parts.append(f"VALUES ?_tc {{ {' '.join(f'<{c}>' for c in classes)} }} {f} {_TYPE} ?_tc .")
        parts += [f"{f} <{iri}> ?_to ." for kind, iri in targets if kind == "subjectsOf"]
        if not parts:
            return ""
        if len(classes) == 1 and len(parts) == 1:
            return parts[0]  # each focus node once: no need for DISTINCT (much faster)
        body = " UNION ".join(f"{{ {p} }}" for p in parts) if len(parts) > 1 else parts[0]
        return f"{{ SELECT DISTINCT {f} WHERE {{ {body} }} }}"

    def query(self, c: _Check) -> str | None:
        """The SELECT returning ``?f`` (and ``?v`` when there is a value) of every violation."""
        focus = self.focus(c.targets)
        if not focus:
            return None
        if c.path is None:  # a node-shape constraint: the value node is the focus node
            return f"SELECT ?f WHERE {{ {focus} FILTER(!{self.cond(c.arg, '?f')}) }}"
        p = c.path.sparql
        if c.component == "value":
            return f"SELECT DISTINCT ?f ?v WHERE {{ {focus} ?f {p} ?v . FILTER(!{self.cond(c.arg, '?v')}) }}"
        if c.component == "minCount":
            if c.arg <= 0:
                return None
            if c.arg == 1:
                return f"SELECT ?f WHERE {{ {focus} FILTER NOT EXISTS {{ ?f {p} ?v }} }}"
            return (f"SELECT ?f WHERE {{ {focus} OPTIONAL {{ ?f {p} ?v }} }} "
                    f"GROUP BY ?f HAVING (COUNT(DISTINCT ?v) < {c.arg})")
        if c.component == "maxCount":
            return f"SELECT ?f WHERE {{ {focus} ?f {p} ?v }} GROUP BY ?f HAVING (COUNT(DISTINCT ?v) > {c.arg})"
        if c.component == "uniqueLang":
            return (f'SELECT ?f ?lang WHERE {{ {focus} ?f {p} ?v . FILTER(isLiteral(?v) && lang(?v) != "") '
                    f"BIND(LCASE(LANG(?v)) AS ?lang) }} GROUP BY ?f ?lang HAVING (COUNT(DISTINCT ?v) > 1)")
        if c.component == "lessThan":
            return (f"SELECT DISTINCT ?f ?v WHERE {{ {focus} ?f {p} ?v . ?f <{c.arg}> ?w . "
                    f"FILTER(!COALESCE(?v < ?w, false)) }}")
        if c.component == "qualifiedMin":
            if c.extra <= 0:
                return None
            return (f"SELECT ?f WHERE {{ {focus} OPTIONAL {{ ?f {p} ?v . FILTER({self.conj(c.arg, '?v')}) }} }} "
                    f"GROUP BY ?f HAVING (COUNT(DISTINCT ?v) < {c.extra})")
        if c.component == "qualifiedMax":
            return (f"SELECT ?f WHERE {{ {focus} ?f {p} ?v . FILTER({self.conj(c.arg, '?v')}) }} "
                    f"GROUP BY ?f HAVING (COUNT(DISTINCT ?v) > {c.extra})")
        raise KGError(f"unknown constraint component {c.component}")  # pragma: no cover

    def node_query(self, checks: list[_Check]) -> str | None:
        """One SELECT for the node-level value constraints of a shape: ``?f`` and ``?ok0``, ``?ok1``…"""
        focus = self.focus(checks[0].targets)
        if not focus:
            return None
        conds = [self.cond(c.arg, "?f") for c in checks]
        oks = " ".join(f"({cond} AS ?ok{i})" for i, cond in enumerate(conds))
        return f"SELECT ?f {oks} WHERE {{ {focus} FILTER(!({' && '.join(conds)})) }}"

    def screen_query(self, checks: list[_Check]) -> str | None:
        """One grouped SELECT screening the counts and value constraints of a property shape.

        It returns the focus nodes violating any of ``checks`` (value, minCount, maxCount,
        qualifiedMin, qualifiedMax) with ``?n`` (the number of values), ``?bad<i>`` (values
        failing check i, a value constraint) and ``?q<i>`` (values conforming to the
        qualified value shape of check i).
        """
        focus = self.focus(checks[0].targets)
        if not focus:
            return None
        p = checks[0].path.sparql
        optional = any(c.component == "minCount" and c.arg > 0 or c.component == "qualifiedMin" and c.extra > 0
                       for c in checks)
        count = "COUNT(?v)"  # the graph is a set: a (focus, value) pair matches once
        aggregates, having = [f"({count} AS ?n)"], []
        for i, c in enumerate(checks):
            if c.component == "value":
                expr = f"SUM(IF(!BOUND(?v) || {self.cond(c.arg, '?v')}, 0, 1))"
                aggregates.append(f"({expr} AS ?bad{i})")
                having.append(f"{expr} > 0")
            elif c.component == "minCount":
                having.append(f"{count} < {c.arg}")
            elif c.component == "maxCount":
                having.append(f"{count} > {c.arg}")
            else:
                expr = f"SUM(IF(BOUND(?v) && {self.conj(c.arg, '?v')}, 1, 0))"
                aggregates.append(f"({expr} AS ?q{i})")
                having.append(f"{expr} {'<' if c.component == 'qualifiedMin' else '>'} {c.extra}")
        values = f"OPTIONAL {{ ?f {p} ?v }}" if optional else f"?f {p} ?v ."
        return (f"SELECT ?f {' '.join(aggregates)} WHERE {{ {focus} {values} }} "
                f"GROUP BY ?f HAVING ({' || '.join(having)})")

    # ------------------------------------------------------------ the count screens

    def class_only(self, c: _Cond) -> list[str] | None:
        """The classes (with their subclasses) one of which a value must be an instance of, when
        ``c`` is nothing but that (``sh:class``, or ``sh:or`` of single ``sh:class`` shapes)."""
        if c.kind == "class":
            return self.classes(c.arg)
        if c.kind == "or" and c.arg and all(len(conj) == 1 and conj[0].kind == "class" for conj in c.arg):
            return sorted({cls for conj in c.arg for cls in self.classes(conj[0].arg)})
        return None

    def screen(self, c: _Check, counts: _Counts, *, few: bool) -> list[_Test] | None:
        """Count comparisons that all hold when ``c`` has no violation (``None``: no such screen).

        The triple of the path is ``?a <p> ?b``, its focus side ``?a`` (``?b`` for an inverse
        path).  With ``few`` focus nodes the counts follow the path from the focus nodes and
        are exact; otherwise they are of the whole predicate or class, not per focus node (a
        scan of the predicate, no lookups), and the comparisons are sufficient, not
        necessary.  When one fails, the check runs exactly.
        """
        here, there = ("?b", "?a") if c.path is not None and c.path.inverse else ("?a", "?b")
        focus = self.focus(c.targets, here)
        if not focus:
            return []  # no focus nodes, no violations
        if c.path is None or c.component == "uniqueLang":
            return None
        triple = f"?a <{c.path.iri}> ?b ."

        def from_focus(pattern: str) -> str:
            return f"{focus} {pattern}" if few else pattern

        def covers(pattern: str) -> _Test:
            """Every focus node is the focus side of a match of ``pattern``."""
            if few:  # F ∩ S = F (a join; FILTER NOT EXISTS would scan the pattern once per focus node)
                return counts.test(counts.quantity(True, (f"{focus} {pattern}", here)), counts.quantity(True, (focus, here)))
            # F ∪ S = S
            return counts.test(counts.quantity(True, (focus, here), (pattern, here)),
                               counts.quantity(True, (pattern, here)))

        def at_most(n: int, pattern: str) -> _Test | None:
            """No focus node (without ``few``: no node) is the focus side of more than n matches."""
            matches = counts.quantity(False, (from_focus(pattern), here))
            if n == 0:
                return counts.test(matches, 0)
            return counts.test(matches, counts.quantity(True, (from_focus(pattern), here))) if n == 1 else None

        pair = None if few else counts.pairs.get(c.path)
        if pair is not None and (c.component != "lessThan" or pair[2] == (c.path, _Path(c.arg))):
            # the path is one of two exactly-one paths joined for sh:lessThan
            pattern, value, _joined = pair
            cover = covers(pattern)  # each focus node has both paths: all its values are in the join
            if c.component == "minCount" and c.arg <= 1:
                return [cover] if c.arg == 1 else []
            if c.component == "maxCount" and c.arg >= 1:  # one row per node in the join: one value each
                return [cover, at_most(1, pattern)]
            if c.component == "value":
                bad = f"IF({self.cond(c.arg, value)}, ?_none, 1)"
                return [cover, counts.test(counts.quantity(False, (pattern, bad)), 0)]
            if c.component == "lessThan":
                return [counts.test(counts.quantity(False, (pattern, "IF(COALESCE(?b < ?w, false), ?_none, 1)")), 0)]
        if c.component == "minCount":
            return [] if c.arg <= 0 else [covers(triple)] if c.arg == 1 else None
        if c.component == "maxCount":
            test = at_most(c.arg, triple)
            return [test] if test else None
        if c.component == "value":
            classes = self.class_only(c.arg)
            if classes is not None:  # every value of the predicate is an instance: V ∪ I = I
                instances = [(f"?a {_TYPE} <{cls}> .", "?a") for cls in classes]
                holder = counts.holder(triple, *(p for p, _ in instances)) if few else counts
                if holder is not None:
                    return [holder.test(holder.quantity(True, (triple, there), *instances),
                                        holder.quantity(len(instances) > 1, *instances))]
            bad = f"IF({self.cond(c.arg, there)}, ?_none, 1)"
            return [counts.test(counts.quantity(False, (from_focus(triple), bad)), 0)]
        if c.component == "lessThan":
            pattern = from_focus(f"{triple} {here} <{c.arg}> ?w . FILTER(!COALESCE({there} < ?w, false))")
            return [counts.test(counts.quantity(False, (pattern, here)), 0)]
        # qualifiedMin, qualifiedMax: the matches whose value conforms to the qualified shape
        key = (c.path, c.arg)
        if key not in counts.plan.patterns:
            only = c.arg[0].arg if len(c.arg) == 1 and c.arg[0].kind == "class" else None
            if only is not None and self.classes(only) == [only]:
                # the path first: after a focus pattern, the class first would join every focus node
                # with every instance of the class (no shared variable) before the path relates them
                counts.plan.patterns[key] = f"{triple} {there} {_TYPE} <{only}> ."
            else:
                counts.plan.patterns[key] = f"{triple} FILTER({self.conj(c.arg, there)})"
        qualified = counts.plan.patterns[key]
        if c.component == "qualifiedMin":
            return [] if c.extra <= 0 else [covers(qualified)] if c.extra == 1 else None
        test = at_most(c.extra, qualified)
        return [test] if test else None


#: A comparison of two counts (or a count and a number): (counts, name, name or number).
_Test = tuple


class _Plan:
    """The count queries screening the checks, and what they share."""

    def __init__(self) -> None:
        self.ids = itertools.count()
        self.queries: list[_Counts] = []
        self.patterns: dict[tuple, str] = {}  # one pattern text per key, for sharing

    def counts(self, checks: list[_Check], *, few: bool) -> _Counts:
        """A new query for ``checks`` (of one focus set)."""
        counts = _Counts(self, few)
        self.queries.append(counts)
        # sh:lessThan between two paths of which every focus node has exactly one value: the
        # join of the two paths (needed anyway) replaces a scan of each
        exactly_one = ({c.path for c in checks if c.component == "minCount" and c.arg == 1}
                       & {c.path for c in checks if c.component == "maxCount" and c.arg == 1})
        for c in checks:
            other = _Path(c.arg) if c.component == "lessThan" else None
            if (other is not None and c.path in exactly_one and other in exactly_one and not c.path.inverse
                    and c.path != other and not ({c.path, other} & set(counts.pairs))):
                pattern = f"?a <{c.path.iri}> ?b . ?a <{other.iri}> ?w ."
                counts.pairs[c.path] = (pattern, "?b", (c.path, other))
                counts.pairs[other] = (pattern, "?w", (c.path, other))
        return counts


class _Counts:
    """One SELECT of counts over a UNION of scans (a predicate, a class, a focus pattern…).

    A count is ``COUNT([DISTINCT] ?q)`` where ``?q`` is bound, by a ``BIND``, in the rows of
    one or more branches; branches with the same pattern are scanned once for all counts.
    """

    def __init__(self, plan: _Plan, few: bool) -> None:
        self.plan, self.few = plan, few
        self.branches: dict[str, list[str]] = {}  # pattern -> its BINDs
        self.vars: dict[frozenset, str] = {}  # members -> the variable they bind
        self.names: dict[tuple[bool, str], str] = {}  # (distinct, variable) -> the result variable
        self.aggregates: list[str] = []
        self.pairs: dict[_Path, tuple] = {}  # path -> (the join of two paths, its value, the two paths)

    def quantity(self, distinct: bool, *members: tuple[str, str]) -> str:
        """The count of the (distinct) values of ``expr`` over the rows of each ``(pattern, expr)``."""
        key = frozenset(members)
        if key not in self.vars:
            self.vars[key] = var = f"?_q{len(self.vars)}"
            for pattern, expr in members:
                self.branches.setdefault(pattern, []).append(f"BIND({expr} AS {var})")
        var = self.vars[key]
        if (distinct, var) not in self.names:
            self.names[distinct, var] = name = f"n{next(self.plan.ids)}"
            self.aggregates.append(f"(COUNT({'DISTINCT ' if distinct else ''}{var}) AS ?{name})")
        return self.names[distinct, var]

    def test(self, name: str, other: str | int) -> _Test:
        return (self, name, other)

    def holder(self, *patterns: str) -> _Counts | None:
        """A query of the plan (without few focus nodes) that scans all ``patterns`` already."""
        return next((q for q in self.plan.queries if not q.few and all(p in q.branches for p in patterns)), None)

    def sparql(self) -> str | None:
        if not self.aggregates:
            return None
        body = " UNION ".join(f"{{ {pattern} {' '.join(binds)} }}" for pattern, binds in self.branches.items())
        return f"SELECT {' '.join(self.aggregates)} WHERE {{ {body} }}"

_SCREENED = ("value", "minCount", "maxCount", "qualifiedMin", "qualifiedMax")
#: Fewer focus nodes than this: the count screens follow the paths from the focus nodes.
_FEW = 2000


def _int_of(term) -> int:
    return int(term.value) if term is not None else 0


def _default_message(c: _Check) -> str:
    path = c.path.n3 if c.path else ""
    if c.component == "value":
        cond = c.arg
        if cond.kind == "class":
            return f"value is not an instance of {curie(cond.arg)}"
        if cond.kind == "datatype":
            return f"value is not a literal of datatype {curie(cond.arg)}"
        if cond.kind == "nodeKind":
            return f"value is not of node kind sh:{cond.arg}"
        if cond.kind == "in":
            return "value is not one of " + ", ".join(curie(str(m)) if isinstance(m, URIRef) else m.n3()
                                                       for m in cond.arg)
        if cond.kind == "pattern":
            return f'value does not match the pattern "{cond.arg}"'
        if cond.kind == "minLength":
            return f"value is shorter than {cond.arg} characters"
        return "value conforms to none of the sh:or shapes"
    if c.component == "minCount":
        return f"fewer than {c.arg} values of {path}"
    if c.component == "maxCount":
        return f"more than {c.arg} values of {path}"
    if c.component == "uniqueLang":
        return f"more than one value of {path} shares a language tag"
    if c.component == "lessThan":
        return f"value is not less than the value of {curie(c.arg)}"
    if c.component == "qualifiedMin":
        return f"fewer than {c.extra} values of {path} conform to the qualified value shape"
    return f"more than {c.extra} values of {path} conform to the qualified value shape"


_EVIDENCE_QUERY = f"""
SELECT DISTINCT ?s ?p ?o WHERE {{
  VALUES ?p {{ {' '.join(f'<{_CY}{r}>' for r in EVIDENCED_RELATIONS)} }}
  ?s ?p ?o .
  MINUS {{  # (MINUS, not FILTER NOT EXISTS: Oxigraph plans the join far better)
    ?st <{_RDF}subject> ?s ; <{_RDF}predicate> ?p ; <{_RDF}object> ?o ; {_TYPE} <{_RDF}Statement> .
    ?a <{_OA}hasBody> ?st ; {_TYPE} <{_OA}Annotation> .
  }}
}}"""


# ---------------------------------------------------------------- running


def _n3(term) -> str:
    """A term as :func:`kg.validate._n3` renders it (prefixed IRIs, rdflib-style literals)."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return curie(term.value)
    if isinstance(term, ox.Literal):
        lex = f'"{escape_string(term.value)}"'
        if term.language:
            return f"{lex}@{term.language}"
        if term.datatype.value == _XSD + "string":
            return lex
        return f"{lex}^^<{term.datatype.value}>"
    if isinstance(term, ox.BlankNode):
        return "[]"
    return str(term)


def _merged(store: ox.Store) -> ox.Store:
    """The union of the graphs of ``store`` as the default graph of a new store, each triple once.

    Querying the union of a store's graphs directly sees a triple once per graph holding it:
    counts would be wrong and joins blow up (a relation reified in 80 document graphs).
    """
    merged = ox.Store()
    merged.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in store)
    return merged


def _query_kwargs(graph) -> dict:
    if graph is None:
        return {}
    if isinstance(graph, str):
        graph = ox.NamedNode(graph)
    return {"default_graph": graph}


def _count_triples(store: ox.Store, graph, kw: dict) -> int:
    if graph is None:
        return len(store)
    return int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **kw)))["n"].value)


def _subclasses(store: ox.Store, classes, kw: dict) -> dict[str, frozenset[str]]:
    """For every class, its (transitive, proper) subclasses in the data."""
    direct: dict[str, set[str]] = {}
    for row in store.query(f"SELECT DISTINCT ?sub ?sup WHERE {{ ?sub <{_RDFS}subClassOf> ?sup }}", **kw):
        sub, sup = row["sub"], row["sup"]
        if isinstance(sub, ox.NamedNode) and isinstance(sup, ox.NamedNode):
            direct.setdefault(sup.value, set()).add(sub.value)
    out = {}
    for cls in classes:
        seen: set[str] = set()
        todo = [cls]
        while todo:
            for sub in direct.get(todo.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        out[cls] = frozenset(seen - {cls})
    return out


def queries(store: ox.Store, *, shapes: str | Path | Graph | None = None, graph=None) -> list[tuple[_Check, str]]:
    """The SPARQL of every check (for inspection and benchmarks)."""
    compiled = compile_shapes(shapes)
    writer = _Writer(_subclasses(store, compiled.classes, _query_kwargs(graph)))
    return [(c, q) for c in compiled.checks if (q := writer.query(c)) is not None]


def validate_store(store: ox.Store, *, shapes: str | Path | Graph | CompiledShapes | None = None, graph=None,
                   evidence: bool = True, threads: int = 2) -> ValidationReport:
    """Validate the union of the graphs of ``store`` (or only ``graph``) against the shapes.

    ``shapes`` is a shapes file (default ``ontology/shapes.ttl``), an rdflib graph or
    :func:`compile_shapes`' result; with
    ``evidence`` (default) the relation-evidence check runs too.  The queries run on
    ``threads`` threads (the report does not depend on it).  The report lists the
    violations sorted by focus node, path, value and message.

    Every check is first screened by counts, one query per focus set (a conforming graph
    needs little more than these queries): with many focus nodes (``_FEW`` or more) the
    counts are of whole predicates and classes, one scan each, and compared as sets — every
    focus node has a value when ``|F ∪ S| = |S|`` (``S`` the subjects of the predicate), no
    node has two when the predicate has as many triples as subjects, every value is an
    instance of the class when ``|V ∪ I| = |I|``, and so on; with few focus nodes they follow
    the paths from the focus nodes.  A screen is sufficient, not necessary: a check it does
    not clear (or that has none: ``sh:uniqueLang``, node-level constraints, counts other
    than 0 and 1) runs exactly, by the grouped queries that list the violations.
    """
    if graph is None and next(iter(store.named_graphs()), None) is not None:
        store = _merged(store)
    kw = _query_kwargs(graph)
    compiled = compile_shapes(shapes)
    writer = _Writer(_subclasses(store, compiled.classes, kw))

    def run(check: _Check | None, sparql: str | None):
        if sparql is None:
            return []
        try:
            return list(store.query(sparql, **kw))
        except (SyntaxError, OSError) as exc:  # a bug of this module, not of the data
            where = f"{check.shape} ({check.component})" if check else "a screening query"
            raise KGError(f"SHACL query of {where} failed: {exc}\n{sparql}") from exc

    def found(check: _Check, focus, value) -> Violation:
        return Violation(focus=_n3(focus), path=check.path.n3 if check.path else "", value=_n3(value),
                         message="; ".join(check.messages) or _default_message(check),
                         shape=check.shape, severity=check.severity)

    def detail(check: _Check) -> list[Violation]:
        out = []
        for row in run(check, writer.query(check)):
            value = row["v"] if check.component in ("value", "lessThan") else None
            out.append(found(check, row["f"], value))
        return out

    def group(checks: list[_Check]) -> list[Violation]:
        out: list[Violation] = []
        if checks[0].path is None:  # node-level value constraints: the value node is the focus node
            for row in run(checks[0], writer.node_query(checks)):
                for i, check in enumerate(checks):
                    if row[f"ok{i}"] is None or row[f"ok{i}"].value != "true":
                        out.append(found(check, row["f"], row["f"]))
            return out
        screened = [c for c in checks if c.component in _SCREENED]
        for check in (c for c in checks if c.component not in _SCREENED):
            out += detail(check)
        if len(screened) <= 1:
            for check in screened:
                out += detail(check)
            return out
        failing_values: set[int] = set()
        for row in run(None, writer.screen_query(screened)):
            n = _int_of(row["n"])
            for i, check in enumerate(screened):
                if check.component == "value":
                    if _int_of(row[f"bad{i}"]) > 0:
                        failing_values.add(i)
                elif (check.component == "minCount" and n < check.arg
                      or check.component == "maxCount" and n > check.arg
                      or check.component == "qualifiedMin" and _int_of(row[f"q{i}"]) < check.extra
                      or check.component == "qualifiedMax" and _int_of(row[f"q{i}"]) > check.extra):
                    out.append(found(check, row["f"], None))
        for i in sorted(failing_values):
            out += detail(screened[i])
        return out

    def evidence_check() -> list[Violation]:
        out = []
        for row in run(None, _EVIDENCE_QUERY):
            p, o = _n3(row["p"]), _n3(row["o"])
            out.append(Violation(focus=_n3(row["s"]), path=p, value=o,
                                 message=f"relation {p} to {o} has no evidence annotation",
                                 shape="cysh:RelationEvidenceShape"))
        return out

    def few(targets) -> bool:
        """Whether ``targets`` have fewer than ``_FEW`` focus nodes (counted up to ``_FEW``)."""
        focus = writer.focus(targets)
        if not focus:
            return True
        rows = run(None, f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT ?f WHERE {{ {focus} }} LIMIT {_FEW} }} }}")
        return _int_of(rows[0]["n"]) < _FEW

    def counted(counts: _Counts) -> dict[str, int]:
        rows = run(None, counts.sparql())
        return {name: _int_of(rows[0][name]) for name in counts.names.values()} if rows else {}

    def by_groups(checks) -> list:
        return [partial(group, list(items)) for _group, items in itertools.groupby(checks, key=lambda c: c.group)]

    # Every check with a count screen is screened by one query of counts per focus set (those
    # of few focus nodes first look for their counts in the queries of the others); the checks
    # without a screen, and those their screen does not clear, run exactly, by groups.
    by_targets: dict[tuple, list[_Check]] = {}
    exact: list[_Check] = []
    for check in compiled.checks:
        if writer.screen(check, _Plan().counts([], few=False), few=False) is None:
            exact.append(check)
        else:
            by_targets.setdefault(check.targets, []).append(check)
    plan = _Plan()
    tests: list[tuple[_Check, list[_Test]]] = []
    for is_few, _i, checks in sorted((few(targets), i, checks) for i, (targets, checks) in enumerate(by_targets.items())):
        counts = plan.counts(checks, few=is_few)
        tests += [(c, writer.screen(c, counts, few=is_few)) for c in checks]
    # the likely longest first (more scans), for the threads to finish together
    screens = [partial(counted, counts) for counts in sorted(plan.queries, key=lambda q: (q.few, -len(q.branches)))
               if counts.aggregates]
    others = by_groups(exact) + ([evidence_check] if evidence else [])
    results = _run_all([*screens, *others, partial(_count_triples, store, graph, kw)], threads)
    values = {name: n for found_ in results[:len(screens)] for name, n in found_.items()}
    failing = {id(c) for c, comparisons in tests
               if any(values[a] != (b if isinstance(b, int) else values[b]) for _counts, a, b in comparisons)}
    reported = results[len(screens):-1] + _run_all(by_groups(c for c in compiled.checks if id(c) in failing), threads)
    violations: set[Violation] = {v for found_ in reported for v in found_}
    ordered = tuple(sorted(violations, key=lambda v: (v.focus, v.path, v.value, v.message)))
    conforms = not any(v.severity == "Violation" for v in ordered)
    return ValidationReport(conforms, ordered, results[-1])

def _run_all(tasks: list, threads: int) -> list:
    """The results of ``tasks``, run on ``threads`` threads (Oxigraph evaluates without Python's lock)."""
    if threads > 1 and len(tasks) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=threads) as pool:
            return list(pool.map(lambda task: task(), tasks))
    return [task() for task in tasks]


def check_store(store: ox.Store, *, shapes: str | Path | Graph | CompiledShapes | None = None, graph=None,
                what: str | Path | None = None) -> ValidationReport:
    """:func:`validate_store`, raising :class:`~kg.errors.ValidationError` (with the report) on a violation.

    >>> check_store(ox.Store()).conforms
    True
    """
    report = validate_store(store, shapes=shapes, graph=graph)
    if not report.conforms:
        raise ValidationError("the graph does not conform to the SHACL shapes:\n" + report.to_text(limit=20), path=what)
    return report
