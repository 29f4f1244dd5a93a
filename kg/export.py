"""Export: the graph to files, atomically and deterministically.

Every output is written to a temporary file in the target folder and renamed into
place, so a build killed at any moment leaves the previous export intact.  Triples
are written sorted (rdf:type first for each subject), so the same graph always gives
byte-identical files.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
>>> atomic_write_text(p, "重庆\\n")
>>> p.read_text(encoding="utf-8")
'重庆\\n'
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.vocab import PREFIXES


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


@contextmanager
def atomic_writer(path: str | Path, *, binary: bool = False) -> Iterator[io.IOBase]:
    """Open a temporary sibling of ``path``; on success fsync and rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs get the usual permissions
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8", "newline": ""})) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    with atomic_writer(path) as fh:
        fh.write(text)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_writer(path, binary=True) as fh:
        fh.write(data)


def to_oxigraph_term(term):
    """rdflib term → pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"unsupported RDF term {term!r}")


def _sort_key(triple) -> tuple:
    s, p, o = triple
    return (str(s), p != RDF.type, str(p), type(o).__name__, str(o), getattr(o, "language", None) or "", str(getattr(o, "datatype", None) or ""))


def sorted_triples(graph: Graph) -> list[ox.Triple]:
    """The graph's triples as pyoxigraph triples, in a stable order."""
    return [ox.Triple(*map(to_oxigraph_term, t)) for t in sorted(graph, key=_sort_key)]


def serialize(triples: Iterable[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    kwargs = {"prefixes": prefixes} if prefixes else {}
    return ox.serialize(triples, format=fmt, **kwargs)


def write_turtle(graph: Graph | Sequence[ox.Triple], path: str | Path) -> int:
    """Write ``graph`` (an rdflib graph, or triples already in export order, see
    :func:`kg.graph.graph_triples`) as Turtle with readable prefixes; returns the triple count.
    """
    triples = sorted_triples(graph) if isinstance(graph, Graph) else graph
    with atomic_writer(path, binary=True) as fh:  # streamed: no second copy of the file in memory
        ox.serialize(triples, fh, ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return len(triples)


def write_csv(path: str | Path, header: list[str], rows: Iterable[Iterable[object]]) -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    atomic_write_text(path, buf.getvalue())


def write_ntriples(graph: Graph | Sequence[ox.Triple], path: str | Path) -> int:
    """Write ``graph`` as N-Triples (one triple a line, sorted); returns the triple count.

    >>> import tempfile, pathlib
    >>> from rdflib import Graph, Literal, URIRef
    >>> g = Graph(); _ = g.add((URIRef("https://e.org/a"), URIRef("https://e.org/p"), Literal("重庆", lang="zh")))
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "kg.nt"
    >>> write_ntriples(g, p), p.read_text(encoding="utf-8")
    (1, '<https://e.org/a> <https://e.org/p> "重庆"@zh .\\n')
    """
    triples = _triples(graph)
    with atomic_writer(path, binary=True) as fh:
        ox.serialize(triples, fh, ox.RdfFormat.N_TRIPLES)
    return len(triples)


_RDF_TYPE = ox.NamedNode(str(RDF.type))
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _compact(iri: str) -> str:
    """An IRI as ``prefix:local`` when a project prefix covers it (and the local part is safe)."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _jsonld_node_id(term) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else _compact(term.value)


def jsonld_document(triples: Iterable[ox.Triple]) -> dict:
    """A JSON-LD document (compact ``@context`` of the project prefixes, flat ``@graph``).

    >>> t = ox.Triple(ox.NamedNode("https://w3id.org/chuanyu-kg/id/x"), _RDF_TYPE,
    ...               ox.NamedNode("https://w3id.org/chuanyu-kg/ontology#Region"))
    >>> jsonld_document([t])["@graph"]
    [{'@id': 'id:x', '@type': ['cy:Region']}]
    """
    nodes: dict[str, dict] = {}
    for t in triples:
        sid = _jsonld_node_id(t.subject)
        node = nodes.setdefault(sid, {"@id": sid})
        o = t.object
        if t.predicate == _RDF_TYPE and not isinstance(o, ox.Literal):
            node.setdefault("@type", []).append(_jsonld_node_id(o))
            continue
        if isinstance(o, ox.Literal):
            if o.language:
                value = {"@value": o.value, "@language": o.language}
            elif o.datatype.value != _XSD_STRING:
                value = {"@value": o.value, "@type": _compact(o.datatype.value)}
            else:
                value = {"@value": o.value}
        else:
            value = {"@id": _jsonld_node_id(o)}
        node.setdefault(_compact(t.predicate.value), []).append(value)
    return {"@context": dict(PREFIXES), "@graph": [nodes[k] for k in sorted(nodes)]}


def write_jsonld(graph: Graph | Sequence[ox.Triple], path: str | Path) -> int:
    """Write ``graph`` as JSON-LD with a compact context; returns the triple count."""
    import json

    triples = _triples(graph)
    text = json.dumps(jsonld_document(triples), ensure_ascii=False, indent=1, sort_keys=True)
    atomic_write_text(path, text + "\n")
    return len(triples)


def _triples(graph: Graph | Sequence[ox.Triple]) -> list[ox.Triple]:
    return sorted_triples(graph) if isinstance(graph, Graph) else list(graph)


def document_graphs(graph: Graph | Sequence[ox.Triple]) -> dict[ox.NamedNode | None, list[ox.Triple]]:
    """Split the graph by source document: document IRI → the triples extracted from it.

    A document's graph holds the document's own description, every entity mentioned in it
    (class, labels, ``cy:mentionedIn`` it), every annotation whose target is in it (with its
    target and selectors) and the relations and statements those annotations give evidence
    for.  Triples that no document gives evidence for (lexicon facts such as
    ``cy:adminCode`` or ``cy:withinRegion``) are under the key ``None`` (the default graph).
    A triple is in every document graph that gives evidence for it; each list keeps the
    input order.  Linear in the number of triples.

    >>> document_graphs([])
    {}
    """
    from kg.vocab import CY, OA

    def nn(term) -> ox.NamedNode:
        return ox.NamedNode(str(term))

    TYPE, DOC, STATEMENT, MENTIONED = _RDF_TYPE, nn(CY.SourceDocument), nn(RDF.Statement), nn(CY.mentionedIn)
    HAS_TARGET, HAS_SOURCE, HAS_SELECTOR, HAS_BODY = nn(OA.hasTarget), nn(OA.hasSource), nn(OA.hasSelector), nn(OA.hasBody)
    R_S, R_P, R_O = nn(RDF.subject), nn(RDF.predicate), nn(RDF.object)
    entity_preds = {TYPE, nn(RDFS.label), nn(SKOS.prefLabel), nn(SKOS.altLabel)}
    triples = _triples(graph)
    index: dict[tuple, list] = {}
    for t in triples:
        if t.predicate in (TYPE, MENTIONED, HAS_TARGET, HAS_SOURCE, HAS_SELECTOR, HAS_BODY, R_S, R_P, R_O):
            index.setdefault((t.subject, t.predicate), []).append(t.object)
    documents = {t.subject for t in triples if t.predicate == TYPE and t.object == DOC}
    statements = {t.subject for t in triples if t.predicate == TYPE and t.object == STATEMENT}
    docs_of: dict = {d: {d} for d in documents}
    relation_docs: dict = {}
    for (ann, p), targets in list(index.items()):
        if p != HAS_TARGET:
            continue
        for target in targets:
            for doc in index.get((target, HAS_SOURCE), ()):
                for node in [ann, target, *index.get((target, HAS_SELECTOR), ())]:
                    docs_of.setdefault(node, set()).add(doc)
                for body in index.get((ann, HAS_BODY), ()):
                    if body in statements:
                        docs_of.setdefault(body, set()).add(doc)
                        for s in index.get((body, R_S), ()):
                            for p2 in index.get((body, R_P), ()):
                                for o in index.get((body, R_O), ()):
                                    relation_docs.setdefault(ox.Triple(s, p2, o), set()).add(doc)
    out: dict = {}
    for t in triples:
        if t.predicate == MENTIONED:
            targets = {t.object}
        elif t in relation_docs:
            targets = relation_docs[t]
        elif t.subject in docs_of:
            targets = docs_of[t.subject]
        elif t.predicate in entity_preds:
            targets = set(index.get((t.subject, MENTIONED), ())) or {None}
        else:
            targets = {None}
        for g in targets:
            out.setdefault(g, {})[t] = None
    return {k: list(v) for k, v in out.items()}


ONTOLOGY_GRAPH = "https://w3id.org/chuanyu-kg/ontology"
CY_MENTIONED = "cy:mentionedIn"


def _canonical(graph: Graph) -> Graph:
    """``graph`` with blank nodes relabelled canonically, so the same graph sorts the same way."""
    from rdflib.compare import to_canonical_graph

    return to_canonical_graph(graph) if any(isinstance(x, BNode) for t in graph for x in t) else graph


def trig_quads(graph: Graph | Sequence[ox.Triple], *, ontology: Graph | None = None) -> list[ox.Quad]:
    """The quads of the TriG export: the default graph (facts no document gives evidence
    for), one named graph per source document (named by the document's IRI, see
    :func:`document_graphs`), and the ontology in the graph ``ONTOLOGY_GRAPH``.

    >>> trig_quads([])
    []
    """
    quads: list[ox.Quad] = []
    parts = document_graphs(graph)
    for name in sorted(parts, key=lambda n: "" if n is None else n.value):
        g = ox.DefaultGraph() if name is None else name
        quads += [ox.Quad(t.subject, t.predicate, t.object, g) for t in parts[name]]
    if ontology is not None and len(ontology):
        g = ox.NamedNode(ONTOLOGY_GRAPH)
        quads += [ox.Quad(*map(to_oxigraph_term, t), g) for t in sorted(_canonical(ontology), key=_sort_key)]
    return quads


def write_trig(graph: Graph | Sequence[ox.Triple], path: str | Path, *, ontology: Graph | None = None) -> int:
    """Write ``graph`` as TriG, one named graph per source document and the ontology in its
    own graph (see :func:`trig_quads`); returns the number of quads written."""
    quads = trig_quads(graph, ontology=ontology)
    with atomic_writer(path, binary=True) as fh:
        ox.serialize(quads, fh, ox.RdfFormat.TRIG, prefixes=PREFIXES)
    return len(quads)


def write_extra_exports(graph: Graph | Sequence[ox.Triple], out: str | Path) -> list[Path]:
    """Write ``kg.nt``, ``kg.jsonld`` and ``kg.trig`` (with the ontology graph) into ``out``.

    >>> import tempfile, pathlib
    >>> [p.name for p in write_extra_exports([], pathlib.Path(tempfile.mkdtemp()))]
    ['kg.nt', 'kg.jsonld', 'kg.trig']
    """
    from kg.docs import load_ontology

    out = Path(out)
    triples = _triples(graph)
    write_ntriples(triples, out / "kg.nt")
    write_jsonld(triples, out / "kg.jsonld")
    write_trig(triples, out / "kg.trig", ontology=load_ontology())
    return [out / "kg.nt", out / "kg.jsonld", out / "kg.trig"]


# ---------------------------------------------------------------------------- the build's writer


class Staging:
    """A private folder inside ``out`` where a build writes everything; :meth:`publish`
    renames each file into place, :meth:`discard` removes it all.  Until ``publish``,
    the previous outputs stay as they were (a failed or killed build changes nothing).

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> st = Staging(out)
    >>> _ = st.path("queries/a.csv").write_text("x")
    >>> st.publish(); (out / "queries" / "a.csv").read_text(), any(out.glob(".staging-*"))
    ('x', False)
    """

    def __init__(self, out: str | Path) -> None:
        self.out = Path(out)
        self._created = not self.out.exists()
        self.out.mkdir(parents=True, exist_ok=True)
        _remove_stale_staging(self.out)
        self.dir = Path(tempfile.mkdtemp(prefix=f".staging-{os.getpid()}-", dir=self.out))
        self._names: list[str] = []

    def path(self, name: str) -> Path:
        """Where to write the output ``name`` (a path relative to ``out``)."""
        p = self.dir / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if name not in self._names:
            self._names.append(name)
        return p

    def publish(self) -> list[Path]:
        """Move every staged output into ``out`` (each rename is atomic); returns their paths."""
        done = []
        for name in self._names:
            src, dst = self.dir / name, self.out / name
            if not src.exists():
                continue
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(src, 0o666 & ~_UMASK)
            os.replace(src, dst)
            done.append(dst)
        self._created = False
        self.discard()
        return done

    def discard(self) -> None:
        """Remove the staging folder (and ``out`` itself if this build created it and left it empty)."""
        import shutil

        shutil.rmtree(self.dir, ignore_errors=True)
        if self._created:
            try:
                self.out.rmdir()
            except OSError:
                pass


def _remove_stale_staging(out: Path) -> None:
    """Remove staging folders of builds that are no longer running (killed ones)."""
    import shutil

    for d in out.glob(".staging-*"):
        try:
            pid = int(d.name.split("-")[1])
        except (IndexError, ValueError):
            continue
        try:
            os.kill(pid, 0)
            alive = pid != os.getpid()
        except ProcessLookupError:
            alive = False
        except PermissionError:
            alive = True
        if not alive:
            shutil.rmtree(d, ignore_errors=True)


@lru_cache(maxsize=4)
def ontology_trig(ontology_path: str | None = None) -> str:
    """The ontology as a TriG block in the graph ``ONTOLOGY_GRAPH`` (blank nodes canonical)."""
    from kg.docs import load_ontology

    g = load_ontology(ontology_path)
    quads = [ox.Quad(*map(to_oxigraph_term, t), ox.NamedNode(ONTOLOGY_GRAPH)) for t in sorted(_canonical(g), key=_sort_key)]
    return ox.serialize(quads, format=ox.RdfFormat.TRIG).decode("utf-8") if quads else ""


class GraphWriter:
    """Writes ``kg.ttl``, ``kg.nt``, ``kg.jsonld`` and ``kg.trig`` as documents stream in.

    :meth:`add` appends a document's own triples (already written in each format, see
    :func:`kg.graph.document_part`) to scratch files, so memory does not grow with the
    corpus; :meth:`finish` writes each output once: the entity and statement blocks,
    then the documents' triples copied from the scratch files.  TriG: the lexicon facts in
    the default graph, one graph per document (its entities, relations and evidence), the
    ontology in ``ONTOLOGY_GRAPH``.
    """

    FORMATS = ("ttl", "nt", "jsonld")

    def __init__(self, staging: Staging, *, fmt) -> None:
        self.staging = staging
        self.fmt = fmt
        scratch = staging.dir / ".scratch"
        scratch.mkdir(exist_ok=True)
        self._spool = {f: open(scratch / f"documents.{f}", "w+b") for f in self.FORMATS}
        self._ranges: list[tuple[str, str, int, int]] = []  # file name, document IRI, ttl byte offset, length
        self._json_parts = 0
        self.triples = 0
        #: The entity and statement triples as N-Triples (set by :meth:`finish`).
        self.global_nt = b""

    def add(self, part) -> None:
        """Append one :class:`~kg.graph.DocumentPart`."""
        spool = self._spool["ttl"]
        self._ranges.append((part.source.file_name, part.iri, spool.tell(), len(part.ttl)))
        spool.write(part.ttl)
        self._spool["nt"].write(part.nt)
        if part.jsonld:
            if self._json_parts:
                self._spool["jsonld"].write(b",\n")
            self._spool["jsonld"].write(part.jsonld)
            self._json_parts += 1
        self.triples += part.triples

    def finish(self, view) -> dict[str, Path]:
        """Write the four files into the staging folder; returns format → path."""
        fmt = self.fmt
        for fh in self._spool.values():
            fh.flush()
        self.triples += sum(len(b.pairs) for b in view.blocks)
        paths = {f: self.staging.path(f"kg.{f}") for f in ("ttl", "nt", "jsonld", "trig")}
        with atomic_writer(paths["ttl"], binary=True) as fh:
            fh.write((fmt.ttl_header() + "".join(fmt.ttl(b) for b in view.blocks)).encode("utf-8"))
            self._copy("ttl", fh)
        self.global_nt = "".join(fmt.nt(b) for b in view.blocks).encode("utf-8")
        with atomic_writer(paths["nt"], binary=True) as fh:
            fh.write(self.global_nt)
            self._copy("nt", fh)
        with atomic_writer(paths["jsonld"], binary=True) as fh:
            head = fmt.jsonld_header() + ",\n".join(fmt.jsonld(b) for b in view.blocks)
            fh.write((head + (",\n" if view.blocks and self._json_parts else "")).encode("utf-8"))
            self._copy("jsonld", fh)
            fh.write(fmt.jsonld_footer().encode("utf-8"))
        with atomic_writer(paths["trig"], binary=True) as fh:
            fh.write((fmt.ttl_header() + "".join(fmt.ttl(b) for b in view.default_graph)).encode("utf-8"))
            spool = self._spool["ttl"]
            heads: dict[str, str] = {}  # entity IRI → its class and labels in Turtle, without the final " .\n"
            mentioned = CY_MENTIONED
            for name, iri, start, length in self._ranges:
                doc = fmt.ttl_iri(iri)
                local = [f"\n{doc} {{\n"]
                for node in view.mentioned.get(name, ()):
                    head = heads.get(node)
                    if head is None:
                        head = heads[node] = fmt.ttl(view.names[node])[:-3]
                    local.append(f"{head} ;\n\t{mentioned} {doc} .\n")
                local += [fmt.ttl(b) for b in view.relations.get(name, ())]
                fh.write("".join(local).encode("utf-8"))
                spool.seek(start)
                fh.write(spool.read(length))
                fh.write(b"}\n")
            fh.write(("\n" + ontology_trig()).encode("utf-8"))
        self.close()
        return paths

    def _copy(self, f: str, dst) -> None:
        import shutil

        src = self._spool[f]
        src.seek(0)
        shutil.copyfileobj(src, dst, 1 << 20)

    def close(self) -> None:
        for fh in self._spool.values():
            fh.close()
