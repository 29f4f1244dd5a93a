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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.vocab import PREFIXES


@contextmanager
def atomic_writer(path: str | Path, *, binary: bool = False) -> Iterator[io.IOBase]:
    """Open a temporary sibling of ``path``; on success fsync and rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
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


def write_turtle(graph: Graph, path: str | Path) -> int:
    """Write ``graph`` as Turtle with readable prefixes; returns the triple count."""
    triples = sorted_triples(graph)
    atomic_write_bytes(path, serialize(triples, ox.RdfFormat.TURTLE))
    return len(triples)


def write_csv(path: str | Path, header: list[str], rows: Iterable[Iterable[object]]) -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    atomic_write_text(path, buf.getvalue())
