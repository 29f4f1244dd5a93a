"""The whole build: ingest → nlp → resolve → graph → export / viz / query results.

Documents stream through: each is read, analysed and turned into its own triples (in
worker processes with ``jobs > 1``, and in a rebuild that takes other documents from the
cache), written to scratch files and dropped, so memory holds only what resolution needs.
spaCy is loaded only where a document is analysed.  Everything is written into a staging folder inside ``out``,
validated against the SHACL shapes, queried, and only then moved into place: a build that
fails or is killed leaves the previous outputs as they were.

>>> import tempfile, pathlib
>>> src = pathlib.Path(tempfile.mkdtemp())
>>> _ = (src / "a.txt").write_text("两地签订《联合执法机制协议》。", encoding="utf-8")
>>> result = build([src], out=src / "out", quiet=True)
>>> result.documents, result.entity_counts["Agreement"]
(1, 1)
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import islice
from pathlib import Path

from tqdm import tqdm

from kg.cache import CACHE_DIR, ExtractionCache
from kg.errors import IngestError, KGError, ValidationError
from kg.export import GraphWriter, Staging, atomic_write_text, atomic_writer, ontology_trig
from kg.graph import document_part, entity_view
from kg.ingest import SUFFIXES, find_sources, read_document
from kg.model import ENTITY_TYPES, RELATION_TYPES, Entity, Extraction, Relation
from kg.resolve import Merger
from kg.serialize import Formats
from kg.vocab import BASE_IRI

log = logging.getLogger("kg")

#: Evidences per entity and per relation kept in memory for the view (the graph has all of them).
VIEW_EVIDENCE = 20
#: Above this many triples (documents' share; the entity view comes on top) the query store
#: lives on disk, so memory stays bounded.
MEMORY_STORE_TRIPLES = 1_500_000
_SHAPES_NS = "https://w3id.org/chuanyu-kg/shapes#"


@dataclass
class BuildResult:
    documents: int = 0
    skipped: list[IngestError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    triples: int = 0
    outputs: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    cached: int = 0  # documents taken from the cache
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage

    @property
    def entity_counts(self) -> Counter[str]:
        return Counter({t: 0 for t in ENTITY_TYPES}) + Counter(e.type for e in self.entities) or Counter({t: 0 for t in ENTITY_TYPES})

    @property
    def relation_counts(self) -> Counter[str]:
        return Counter(r.predicate for r in self.relations)

    def summary(self) -> str:
        ec, rc = self.entity_counts, self.relation_counts
        lines = [
            f"documents: {self.documents} built, {len(self.skipped)} skipped",
            "entities:  " + ", ".join(f"{t} {ec.get(t, 0)}" for t in ENTITY_TYPES) + f" (total {len(self.entities)})",
            "relations: " + ", ".join(f"{p} {rc.get(p, 0)}" for p in RELATION_TYPES) + f" (total {len(self.relations)})",
            f"triples:   {self.triples}",
            f"time:      {self.seconds:.2f} s",
        ]
        lines += [f"wrote:     {p}" for p in self.outputs]
        lines += [f"skipped:   {e}" for e in self.skipped]
        return "\n".join(lines)


def _analyse(path: Path, base_iri: str | None = None) -> tuple[object | None, tuple[str, ...], tuple[str, str] | None]:
    """Read and analyse one file: ``(value, warnings, None)`` or ``(None, (), (reason, path))``;
    the value is the :class:`Extraction`, or with ``base_iri`` its :class:`~kg.graph.DocumentPart`.

    Runs in worker processes (see :func:`analyse_sources`), so it takes and returns only
    picklable values.
    """
    # spaCy is imported only when a document needs analysis (a cached rebuild never loads it)
    from kg.nlp import extract

    try:
        doc = read_document(path)
    except IngestError as exc:
        return None, (), (exc.reason, str(path))
    try:
        x = extract(doc)
        return (x if base_iri is None else document_part(x, fmt=_formats(base_iri))), doc.warnings, None
    except ValidationError:
        raise  # a graph that breaks the shapes is a bug: the build fails, nothing is published
    except Exception as exc:  # one document must never end the batch
        return None, (), (f"analysis failed ({type(exc).__name__}: {exc})", str(path))


@lru_cache(maxsize=4)
def _formats(base_iri: str) -> Formats:
    """One :class:`Formats` per process and base, so its term caches serve every document."""
    return Formats(base_iri=base_iri)


def _analyse_many(paths: list[Path], *, jobs: int, work: Callable, processes: bool = False) -> Iterator[tuple]:
    """``work`` of every path, in order, on ``jobs`` processes (in this process if ``jobs``
    is 1, unless ``processes``).  Worker processes start when this is called, not when
    the first result is asked for, so the caller goes on while they load spaCy; close the
    iterator when done with it (see :class:`_Pool`)."""
    if not paths or (jobs <= 1 and not processes):
        return map(work, paths)
    return _Pool(paths, jobs=jobs, work=work)


class _Pool:
    """An iterator over ``work(path)`` for ``paths``, in order, computed by ``jobs`` worker
    processes.  At most a few chunks per process are under way at a time, so results never
    pile up when the caller is slower than the workers (memory stays flat).  :meth:`close`
    (also at the end of the results) cancels what is left and stops the workers."""

    def __init__(self, paths: list[Path], *, jobs: int, work: Callable) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        jobs = max(1, min(jobs, len(paths)))
        ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
        size = max(1, min(4, len(paths) // (jobs * 4)))
        self._work = work
        self._chunks = iter([paths[i:i + size] for i in range(0, len(paths), size)])
        self._pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx)
        self._pending: deque = deque()
        self._done: deque = deque()
        for chunk in islice(self._chunks, 4 * jobs):
            self._pending.append(self._pool.submit(_work_chunk, work, chunk))

    def __iter__(self) -> _Pool:
        return self

    def __next__(self) -> tuple:
        if not self._done:
            if not self._pending:
                self.close()
                raise StopIteration
            try:
                self._done.extend(self._pending.popleft().result())
            except BaseException:
                self.close()
                raise
            if (chunk := next(self._chunks, None)) is not None:
                self._pending.append(self._pool.submit(_work_chunk, self._work, chunk))
        return self._done.popleft()

    def close(self) -> None:
        for future in self._pending:
            future.cancel()
        self._pending.clear()
        self._pool.shutdown()


def _work_chunk(work: Callable, paths: list[Path]) -> list[tuple]:
    return [work(p) for p in paths]


def analyse_sources(
    sources: list[Path], *, fmt: Formats | None = None, jobs: int = 1, cache: ExtractionCache | None = None,
    result: BuildResult, progress=None, meanwhile: Callable[[], object] | None = None,
) -> Iterator[object]:
    """Analyse ``sources`` in order and yield each document's value (see :func:`_analyse`);
    unreadable files and second files of the same name are recorded in ``result.skipped``.
    With a ``cache``, unchanged documents come from it (each read when its turn comes) and
    new values are written to it.  ``meanwhile()`` is called once the analysis has started.

    When some documents come from the cache, the others are analysed in a worker process
    even with ``jobs=1``: loading spaCy there overlaps with the cached documents' work here.
    """
    first: dict[str, int] = {}
    keys: dict[int, str] = {}
    hits: set[int] = set()
    todo: list[int] = []
    for i, path in enumerate(sources):
        if path.name in first:
            continue
        first[path.name] = i
        if cache is not None:
            try:
                keys[i] = cache.key(path.read_bytes(), file_name=path.name)
            except OSError:
                pass  # read_document reports it
            else:
                cache.used.add(keys[i])
                if cache.has(keys[i]):
                    hits.add(i)
                    continue
        todo.append(i)
    work = partial(_analyse, base_iri=fmt.base if fmt is not None else None)
    fresh = _analyse_many([sources[i] for i in todo], jobs=jobs, work=work, processes=bool(hits))
    try:
        if meanwhile is not None:
            meanwhile()
        yield from _in_order(sources, first, keys, hits, fresh, work=work, cache=cache, result=result,
                             progress=progress)
    finally:
        if isinstance(fresh, _Pool):
            fresh.close()


def _in_order(sources, first, keys, hits, fresh, *, work, cache, result, progress) -> Iterator[object]:
    """The values of :func:`analyse_sources`, in source order (its second half)."""
    built: dict[str, Path] = {}
    for i, path in enumerate(sources):
        if first[path.name] != i:  # same file name as an earlier file: only if that one failed
            if path.name in built:
                outcome = (None, (), (f"another source file has the same name ({built[path.name]})", str(path)))
            else:
                outcome = work(path)
        elif i in hits and (hit := cache.get(keys[i])) is not None:
            outcome = (hit[0], hit[1], None)
            result.cached += 1
        else:
            outcome = next(fresh) if i not in hits else work(path)  # a hit unreadable by now: analysed here
            if outcome[0] is not None and i in keys and cache is not None:
                cache.put(keys[i], outcome[0], tuple(outcome[1]))
        if progress is not None:
            progress.update()
        value, warnings, error = outcome
        if error is not None:
            err = IngestError(error[0], path=error[1])
            log.info("skipped %s", err)  # the caller reports result.skipped (kg build: once, on stderr)
            result.skipped.append(err)
            continue
        built[path.name] = path
        result.warnings.extend(warnings)
        result.documents += 1
        yield value


def extract_all(
    paths: Iterable[str | Path], *, quiet: bool = True, result: BuildResult | None = None, jobs: int = 1,
) -> tuple[list[Extraction], BuildResult]:
    """Ingest and analyse every document under ``paths``; bad files are recorded, not fatal.

    ``jobs`` worker processes analyse documents in parallel; results come in source
    order, so the output does not depend on ``jobs``.

    >>> import tempfile, pathlib
    >>> src = pathlib.Path(tempfile.mkdtemp())
    >>> for i in range(3):
    ...     _ = (src / f"{i}.txt").write_text(f"第{i}次会议。两地签订《联合执法机制协议》。", encoding="utf-8")
    >>> one, _ = extract_all([src])
    >>> two, _ = extract_all([src], jobs=2)
    >>> one == two
    True
    """
    result = result or BuildResult()
    sources = find_sources(paths)
    with tqdm(total=len(sources), desc="documents", unit="doc", disable=quiet or len(sources) < 5, leave=False) as bar:
        extractions = list(analyse_sources(sources, jobs=jobs, result=result, progress=bar))
    return extractions, result  # type: ignore[return-value]


def build(
    paths: Iterable[str | Path],
    *,
    out: str | Path,
    base_iri: str = BASE_IRI,
    quiet: bool = False,
    strict: bool = False,
    queries: bool = True,
    jobs: int = 1,
    cache: bool = True,
    validate: bool = True,
) -> BuildResult:
    """Build the graph of the documents under ``paths`` into the folder ``out``.

    With ``strict``, any skipped file raises :class:`KGError` and nothing is written.
    ``jobs`` processes analyse documents in parallel (same output whatever ``jobs``);
    with ``cache``, unchanged documents are not re-analysed (see :mod:`kg.cache`,
    entries in ``OUT/.cache``).  With ``validate`` (the default) the graph is checked
    against the SHACL shapes before anything is published.  ``result.timings`` holds the
    seconds of every stage.
    """
    started = time.perf_counter()
    result = BuildResult()
    lap = _stopwatch(result.timings, started)
    fmt = Formats(base_iri=base_iri)
    out = Path(out)
    paths = list(paths)
    if out.exists() and not out.is_dir():
        raise KGError("the output must be a folder, and this is a file; nothing written", path=out)
    sources = find_sources(paths, exclude=[out])  # never the build's own output
    if not sources:
        raise KGError(f"no documents ({', '.join(sorted(SUFFIXES))}) in {', '.join(map(str, paths))}; "
                      f"nothing written, {out} is as it was")
    staging = Staging(out)
    checker = answers = loader = None
    try:
        store = ExtractionCache(out / CACHE_DIR, base_iri=fmt.base, pending=staging.dir / "cache") if cache else None
        writer = GraphWriter(staging, fmt=fmt)
        loader = (StoreLoader(limit=MEMORY_STORE_TRIPLES, spool=staging.dir / ".scratch" / "store.nt")
                  if validate or queries else None)
        merger = Merger(evidence_limit=VIEW_EVIDENCE)
        with tqdm(total=len(sources), desc="documents", unit="doc", disable=quiet or len(sources) < 5, leave=False) as bar:
            for part in analyse_sources(sources, fmt=fmt, jobs=jobs, cache=store, result=result, progress=bar,
                                        meanwhile=partial(_prepare, staging, validate=validate)):
                writer.add(part)
                if loader is not None:
                    loader.add(part.nt[:part.store_bytes], part.store_triples)
                merger.add(part.summary)
        lap("extract")
        if not result.documents:
            raise KGError(f"none of the {len(sources)} file(s) could be read; nothing written, {out} is as it was: "
                          + "; ".join(str(e) for e in result.skipped))
        if strict and result.skipped:
            raise KGError(f"{len(result.skipped)} file(s) could not be read; nothing written (--strict): "
                          + "; ".join(str(e) for e in result.skipped))
        entities, relations = merger.result()
        relation_documents = merger.rel_docs
        del merger
        result.entities, result.relations = entities, relations
        lap("resolve")
        view = entity_view(entities, relations, base_iri=fmt.base, relation_documents=relation_documents)
        del relation_documents
        graph_store = None
        if loader is not None:
            graph_store = loader.finish(writer.entity_nt(view))
            lap("load")
        # validation and queries run in Oxigraph on other threads while the files and the view are written
        checker = _Background(_validate, graph_store, "kg.ttl") if validate else None
        answers = _Background(_answer_queries, graph_store, staging) if queries else None
        writer.finish(view)
        del view
        result.triples = writer.triples
        lap("export")
        from kg.viz import write_html

        write_html(entities, relations, staging.path("graph.html"), title="川渝生态环境合作知识图谱 chuanyu-kg")
        lap("html")
        if answers is not None:
            answers.result()
            lap("queries")
        if checker is not None:
            checker.result()  # raises ValidationError: nothing is published
            lap("validate")
        del graph_store
        if store is not None:
            store.commit()
            store.prune(keep=store.used)
        published = staging.publish()
        lap("publish")
    except BaseException:
        if loader is not None:
            loader.close()
        for job in (checker, answers):  # let Oxigraph's threads finish before the folder goes
            if job is not None:
                job.wait()
        staging.discard()
        raise
    order = ["kg.ttl", "kg.nt", "kg.jsonld", "kg.trig", "graph.html", "ontology.html"]
    result.outputs = [out / n for n in order if out / n in published] + ([out / "queries"] if queries else [])
    result.seconds = time.perf_counter() - started
    return result


def _prepare(staging: Staging, *, validate: bool) -> None:
    """The build's work that no document changes, done while worker processes load spaCy:
    ``ontology.html``, the ontology's TriG block, the compiled shapes (both kept per process)."""
    from kg.docs import load_ontology, render_ontology_html

    atomic_write_text(staging.path("ontology.html"), render_ontology_html(load_ontology()))
    ontology_trig()
    if validate:
        store_shapes()


class _Background:
    """``fn(*args)`` on a thread; :meth:`result` waits and returns its value or raises its error.

    Used for work that runs in Oxigraph (Rust, without Python's lock), so that it overlaps
    with the Python work of the build."""

    def __init__(self, fn: Callable, *args) -> None:
        self._value: object = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn, args), daemon=True)
        self._thread.start()

    def _run(self, fn: Callable, args: tuple) -> None:
        try:
            self._value = fn(*args)
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def wait(self) -> None:
        """Wait for the thread to end, whatever its outcome."""
        self._thread.join()

    def result(self) -> object:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


class StoreLoader:
    """Loads N-Triples chunks into an in-memory Oxigraph store on a second thread while the
    build goes on (Oxigraph parses without holding Python's lock).  Past ``limit`` triples
    the store is written out to ``spool`` (by Oxigraph) and later chunks are appended there;
    :meth:`finish` then returns an on-disk store bulk-loaded from that file, so memory stays
    bounded whatever the size of the graph.

    >>> import tempfile, pathlib
    >>> spool = pathlib.Path(tempfile.mkdtemp()) / "store.nt"
    >>> loader = StoreLoader(limit=1, spool=spool)
    >>> loader.add(b"<http://e.org/a> <http://e.org/p> <http://e.org/b> .\\n", 1)
    >>> loader.add(b"<http://e.org/a> <http://e.org/p> <http://e.org/c> .\\n", 1)
    >>> len(loader.finish(b"")), loader.on_disk
    (2, True)
    """

    def __init__(self, *, limit: int, spool: Path) -> None:
        import queue

        import pyoxigraph as ox

        self.limit = limit
        self.spool = spool
        self.triples = 0
        self.on_disk = False
        self.store: ox.Store | None = ox.Store()
        self._file = None
        self._error: BaseException | None = None
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=32)
        self._worker = _Background(self._run)

    def _run(self) -> None:
        while (chunk := self._queue.get()) is not None:
            if self._error is not None:
                continue  # failed: drain the queue, so that add() never blocks; finish() raises
            try:
                self._take(chunk)
            except BaseException as exc:
                self._error = exc

    def _take(self, chunk: bytes) -> None:
        import pyoxigraph as ox

        store = self.store
        if self._file is not None:
            self._file.write(chunk)
        elif self.on_disk and store is not None:  # the limit was passed: spool from now on
            self.spool.parent.mkdir(parents=True, exist_ok=True)
            store.dump(str(self.spool), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
            self.store = None
            self._file = open(self.spool, "ab")
            self._file.write(chunk)
        elif store is not None:
            store.load(chunk, format=ox.RdfFormat.N_TRIPLES)

    def add(self, nt: bytes, triples: int) -> None:
        """Queue some triples (N-Triples bytes)."""
        self.triples += triples
        if self.triples > self.limit:
            self.on_disk = True
        self._queue.put(nt)

    def finish(self, rest: bytes):
        """Load ``rest`` too and return the store (in memory, or on disk past the limit)."""
        if rest:
            self._queue.put(rest)
        self._queue.put(None)
        self._worker.result()
        if self._error is not None:
            raise self._error
        if self._file is None:
            return self.store
        self._file.close()
        self._file = None
        return _disk_store(self.spool, scratch=self.spool.parent / "store")

    def close(self) -> None:
        """Stop loading (after a failure); the store is dropped."""
        self.store = None
        if self._worker.running:
            self._queue.put(None)
        self._worker.wait()
        if self._file is not None:
            self._file.close()


def _disk_store(nt: Path, *, scratch: Path, block: int = 1 << 26):
    """An on-disk Oxigraph store in ``scratch`` holding the N-Triples file ``nt`` (for graphs
    too large for memory), bulk-loaded ``block`` bytes at a time so that the loader's
    buffers stay small whatever the size of the graph."""
    import pyoxigraph as ox

    scratch.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(scratch))
    with open(nt, "rb") as fh:
        rest = b""
        while chunk := fh.read(block):
            data = rest + chunk
            cut = data.rfind(b"\n") + 1
            data, rest = data[:cut], data[cut:]
            if data:
                store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
        if rest.strip():
            store.bulk_load(rest, format=ox.RdfFormat.N_TRIPLES)
    return store


def _answer_queries(store, staging: Staging) -> None:
    """Every bundled query's results as SPARQL CSV (written by Oxigraph) in ``queries/``."""
    import pyoxigraph as ox

    from kg.query import bundled_queries

    for name, sparql in sorted(bundled_queries().items()):
        data = store.query(sparql).serialize(format=ox.QueryResultsFormat.CSV)
        with atomic_writer(staging.path(f"queries/{name}.csv"), binary=True, fsync=False) as fh:
            fh.write(data)


def _validate(store, what: str) -> None:
    """SHACL validation of the query store — the staged graph but the mention annotations,
    with :func:`store_shapes` (:mod:`kg.shacl`); raises :class:`~kg.errors.ValidationError`
    naming ``what``."""
    from kg.shacl import check_store

    check_store(store, shapes=store_shapes(), what=what)


@lru_cache(maxsize=1)
def store_shapes():
    """The shapes as the build checks its query store (compiled once per process).

    The store holds the whole graph but the entity mentions' annotations (each document's
    ``nt[store_bytes:]``, see :class:`~kg.graph.DocumentPart`), whose values are checked as
    they are made (:func:`kg.graph.check_annotations`), as is every entity's having one
    (:func:`kg.graph.document_part`).  So every shape applies as written except
    ``cysh:EntityShape``'s ``[ sh:inversePath oa:hasBody ]`` property, left out here.

    >>> from kg.shacl import compile_shapes
    >>> def ids(shapes): return {(c.shape, c.path, c.component) for c in shapes.checks}
    >>> [(shape, path.iri, path.inverse, kind) for shape, path, kind in sorted(ids(compile_shapes()) - ids(store_shapes()))]
    [('cysh:EntityShape', 'http://www.w3.org/ns/oa#hasBody', True, 'minCount'), ('cysh:EntityShape', 'http://www.w3.org/ns/oa#hasBody', True, 'value')]
    >>> ids(store_shapes()) < ids(compile_shapes())
    True
    """
    from rdflib import BNode, URIRef
    from rdflib.namespace import SH

    from kg.shacl import compile_shapes
    from kg.validate import load_shapes
    from kg.vocab import OA

    g = load_shapes()
    entity = URIRef(_SHAPES_NS + "EntityShape")
    dropped = [ps for ps in g.objects(entity, SH.property)
               if (path := g.value(ps, SH.path)) is not None and g.value(path, SH.inversePath) == OA.hasBody]
    if len(dropped) != 1:
        raise KGError("ontology/shapes.ttl: cysh:EntityShape should have one [ sh:inversePath oa:hasBody ] property")
    g.remove((entity, SH.property, dropped[0]))
    todo = [dropped[0]]
    while todo:  # the property shape and its blank nodes (the path)
        node = todo.pop()
        for _p, o in g.predicate_objects(node):
            if isinstance(o, BNode):
                todo.append(o)
        g.remove((node, None, None))
    return compile_shapes(g)


def _stopwatch(timings: dict[str, float], started: float):
    """``lap(stage)`` records the seconds since the previous lap under ``stage``."""
    last = [started]

    def lap(stage: str) -> None:
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - last[0]
        last[0] = now

    return lap
