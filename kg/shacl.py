"""A small, fast SHACL-Core engine: the shapes compiled to SPARQL, run on a pyoxigraph store.

pySHACL needs minutes on a graph of a few hundred thousand triples; this engine reads the
shapes graph (``ontology/shapes.ttl``), compiles every constraint into one SPARQL ``SELECT``
that returns the violating focus nodes (and values), and runs the queries on a
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


def compile_shapes(shapes: str | Path | Graph | None = None) -> CompiledShapes:
    """Compile a shapes graph (default: ``ontology/shapes.ttl``); raise on unsupported SHACL.

    >>> len(compile_shapes().checks) > 50
    True
    """
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

    def focus(self, targets) -> str:
        parts = []
        classes = sorted({c for kind, iri in targets if kind == "class" for c in self.classes(iri)})
        if len(classes) == 1:
            parts.append(f"?f {_TYPE} <{classes[0]}> .")
        elif classes:
            parts.append(f"VALUES ?_tc {{ {' '.join(f'<{c}>' for c in classes)} }} ?f {_TYPE} ?_tc .")
        parts += [f"?f <{iri}> ?_to ." for kind, iri in targets if kind == "subjectsOf"]
        if not parts:
            return ""
        if len(classes) == 1 and len(parts) == 1:
            return parts[0]  # each focus node once: no need for DISTINCT (much faster)
        body = " UNION ".join(f"{{ {p} }}" for p in parts) if len(parts) > 1 else parts[0]
        return f"{{ SELECT DISTINCT ?f WHERE {{ {body} }} }}"

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


_SCREENED = ("value", "minCount", "maxCount", "qualifiedMin", "qualifiedMax")


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


def validate_store(store: ox.Store, *, shapes: str | Path | Graph | None = None, graph=None,
                   evidence: bool = True, threads: int = 2) -> ValidationReport:
    """Validate the union of the graphs of ``store`` (or only ``graph``) against the shapes.

    ``shapes`` is a shapes file (default ``ontology/shapes.ttl``) or an rdflib graph; with
    ``evidence`` (default) the relation-evidence check runs too.  The queries run on
    ``threads`` threads (the report does not depend on it).  The report lists the
    violations sorted by focus node, path, value and message.

    The checks of one shape are screened by one query (a conforming graph needs about one
    query per property shape); a check that finds violations then runs on its own to list
    the offending values.
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

    # Oxigraph evaluates queries without Python's lock: the groups run on `threads` threads
    tasks = [partial(group, list(items)) for _group, items in itertools.groupby(compiled.checks, key=lambda c: c.group)]
    if evidence:
        tasks.append(evidence_check)
    if threads > 1 and len(tasks) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=threads) as pool:
            results = list(pool.map(lambda task: task(), tasks))
    else:
        results = [task() for task in tasks]
    violations: set[Violation] = {v for found_ in results for v in found_}
    ordered = tuple(sorted(violations, key=lambda v: (v.focus, v.path, v.value, v.message)))
    conforms = not any(v.severity == "Violation" for v in ordered)
    return ValidationReport(conforms, ordered, _count_triples(store, graph, kw))


def check_store(store: ox.Store, *, shapes: str | Path | Graph | None = None, graph=None,
                what: str | Path | None = None) -> ValidationReport:
    """:func:`validate_store`, raising :class:`~kg.errors.ValidationError` (with the report) on a violation.

    >>> check_store(ox.Store()).conforms
    True
    """
    report = validate_store(store, shapes=shapes, graph=graph)
    if not report.conforms:
        raise ValidationError("the graph does not conform to the SHACL shapes:\n" + report.to_text(limit=20), path=what)
    return report
