"""Export: the graph to files, atomically and deterministically.

A build writes into a :class:`Staging` folder and publishes by renaming, so a build that
fails or is killed at any moment leaves the previous exports intact; single files use
:func:`atomic_writer`.  :class:`GraphWriter` writes the four graph files from document
parts as they stream in (the text itself comes from :mod:`kg.serialize`), in a stable order,
so the same input always gives byte-identical files.

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
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.errors import KGError


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


@contextmanager
def atomic_writer(path: str | Path, *, binary: bool = False, fsync: bool = True) -> Iterator[io.IOBase]:
    """Open a temporary sibling of ``path``; on success fsync (unless ``fsync`` is false:
    files in a :class:`Staging` folder need not be) and rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs get the usual permissions
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8", "newline": ""})) as fh:
            yield fh
            fh.flush()
            if fsync:
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


def write_csv(path: str | Path, header: list[str], rows: Iterable[Iterable[object]], *, fsync: bool = True) -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    with atomic_writer(path, fsync=fsync) as fh:
        fh.write(buf.getvalue())


ONTOLOGY_GRAPH = "https://w3id.org/chuanyu-kg/ontology"
CY_MENTIONED = "cy:mentionedIn"


def _canonical(graph: Graph) -> Graph:
    """``graph`` with blank nodes relabelled canonically, so the same graph sorts the same way."""
    from rdflib.compare import to_canonical_graph

    return to_canonical_graph(graph) if any(isinstance(x, BNode) for t in graph for x in t) else graph


# ---------------------------------------------------------------------------- the build's writer


class Staging:
    """A private folder inside ``out`` where a build writes everything; :meth:`publish`
    renames each file into place, :meth:`discard` removes it all.  Until ``publish``,
    the previous outputs stay as they were (a failed or killed build changes nothing).

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> st = Staging(out)
    >>> _ = st.path("queries/a.csv").write_text("x")
    >>> [p.name for p in st.publish()], (out / "queries" / "a.csv").read_text(), any(out.glob(".staging-*"))
    (['a.csv'], 'x', False)
    """

    def __init__(self, out: str | Path) -> None:
        self.out = Path(out)
        self._created = not self.out.exists()
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            _remove_stale_staging(self.out)
            self.dir = Path(tempfile.mkdtemp(prefix=f".staging-{os.getpid()}-", dir=self.out))
        except OSError as exc:  # a read-only or full disk: name the folder the user gave, not our temporary one
            raise KGError(f"cannot write to the output folder ({exc.strerror or exc}); nothing written", path=self.out) from exc
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
        self._entity_nt: bytes | None = None

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

    def entity_nt(self, view) -> bytes:
        """The entity and statement triples of ``view`` (an :func:`~kg.graph.entity_view`) as
        N-Triples, as :meth:`finish` writes them (made once)."""
        if self._entity_nt is None:
            self._entity_nt = "".join(self.fmt.nt(b) for b in view.blocks).encode("utf-8")
        return self._entity_nt

    def finish(self, view) -> dict[str, Path]:
        """Write the four files into the staging folder; returns format → path."""
        fmt = self.fmt
        for fh in self._spool.values():
            fh.flush()
        self.triples += sum(len(b.pairs) for b in view.blocks)
        paths = {f: self.staging.path(f"kg.{f}") for f in ("ttl", "nt", "jsonld", "trig")}
        with atomic_writer(paths["ttl"], binary=True, fsync=False) as fh:
            fh.write((fmt.ttl_header() + "".join(fmt.ttl(b) for b in view.blocks)).encode("utf-8"))
            self._copy("ttl", fh)
        with atomic_writer(paths["nt"], binary=True, fsync=False) as fh:
            fh.write(self.entity_nt(view))
            self._copy("nt", fh)
        with atomic_writer(paths["jsonld"], binary=True, fsync=False) as fh:
            head = fmt.jsonld_header() + ",\n".join(fmt.jsonld(b) for b in view.blocks)
            fh.write((head + (",\n" if view.blocks and self._json_parts else "")).encode("utf-8"))
            self._copy("jsonld", fh)
            fh.write(fmt.jsonld_footer().encode("utf-8"))
        with atomic_writer(paths["trig"], binary=True, fsync=False) as fh:
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
