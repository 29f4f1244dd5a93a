"""The whole build: ingest → nlp → resolve → graph → export / viz / query results.

>>> import tempfile, pathlib
>>> src = pathlib.Path(tempfile.mkdtemp())
>>> _ = (src / "a.txt").write_text("两地签订《联合执法机制协议》。", encoding="utf-8")
>>> result = build([src], out=src / "out", quiet=True)
>>> result.documents, result.entity_counts["Agreement"]
(1, 1)
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from kg.cache import CACHE_DIR, ExtractionCache
from kg.errors import IngestError, KGError
from kg.export import atomic_write_text, write_csv, write_turtle
from kg.graph import graph_triples
from kg.ingest import find_sources, read_document
from kg.model import ENTITY_TYPES, RELATION_TYPES, Entity, Extraction, Relation
from kg.nlp import extract
from kg.query import bundled_queries, load_store, run_query
from kg.resolve import resolve
from kg.viz import write_html
from kg.vocab import BASE_IRI

log = logging.getLogger("kg")


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
    cached: int = 0  # documents taken from the extraction cache
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


def _analyse(path: Path) -> tuple[Extraction | None, tuple[str, ...], tuple[str, str] | None]:
    """Read and analyse one file: ``(extraction, warnings, None)`` or ``(None, (), (reason, path))``.

    Runs in worker processes with ``jobs > 1``, so it returns only picklable values.
    """
    try:
        doc = read_document(path)
    except IngestError as exc:
        return None, (), (exc.reason, str(path))
    try:
        return extract(doc), doc.warnings, None
    except Exception as exc:  # one document must never end the batch
        return None, (), (f"analysis failed ({type(exc).__name__}: {exc})", str(path))


def _analyse_many(paths: list[Path], *, jobs: int, progress) -> Iterator[tuple]:
    """:func:`_analyse` of every path, in order, on ``jobs`` processes."""
    if jobs <= 1 or len(paths) < 2:
        for p in paths:
            yield _analyse(p)
            progress.update()
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    chunk = max(1, min(8, len(paths) // (jobs * 4)))
    with ProcessPoolExecutor(max_workers=min(jobs, len(paths)), mp_context=ctx) as pool:
        for outcome in pool.map(_analyse, paths, chunksize=chunk):
            yield outcome
            progress.update()


def extract_all(
    paths: Iterable[str | Path],
    *,
    quiet: bool = True,
    result: BuildResult | None = None,
    jobs: int = 1,
    cache: ExtractionCache | None = None,
    cache_writes: list | None = None,
) -> tuple[list[Extraction], BuildResult]:
    """Ingest and analyse every document under ``paths``; bad files are recorded, not fatal.

    ``jobs`` worker processes analyse documents in parallel; results are collected in
    source order, so the output does not depend on ``jobs``.  With a ``cache``, documents
    whose bytes (and pipeline) are unchanged come from it; new entries are written at once,
    or appended to ``cache_writes`` as ``(key, extraction, warnings)`` when it is given.

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
    keys: dict[int, str] = {}
    outcomes: dict[int, tuple] = {}
    first: dict[str, int] = {}
    todo: list[int] = []
    repeats: list[int] = []
    for i, path in enumerate(sources):
        if path.name in first:
            repeats.append(i)
            continue
        first[path.name] = i
        if cache is not None:
            try:
                keys[i] = cache.key(path.read_bytes(), file_name=path.name)
                cache.used.add(keys[i])
            except OSError:
                pass  # read_document reports it
            hit = cache.get(keys[i]) if i in keys else None
            if hit is not None:
                outcomes[i] = (hit[0], hit[1], None)
                result.cached += 1
                continue
        todo.append(i)
    with tqdm(total=len(sources), desc="documents", unit="doc", disable=quiet or len(sources) < 5, leave=False) as bar:
        bar.update(len(sources) - len(todo) - len(repeats))
        for i, outcome in zip(todo, _analyse_many([sources[i] for i in todo], jobs=jobs, progress=bar), strict=True):
            outcomes[i] = outcome
            if outcome[0] is not None and i in keys:
                entry = (keys[i], outcome[0], tuple(outcome[1]))
                if cache_writes is not None:
                    cache_writes.append(entry)
                elif cache is not None:
                    cache.put(*entry)
        built: dict[str, Path] = {sources[i].name: sources[i] for i, o in outcomes.items() if o[0] is not None}
        for i in repeats:  # same file name as an earlier file: only if that one failed
            path = sources[i]
            if path.name in built:
                outcomes[i] = (None, (), (f"another source file has the same name ({built[path.name]})", str(path)))
            else:
                outcomes[i] = _analyse(path)
                if outcomes[i][0] is not None:
                    built[path.name] = path
            bar.update()
    extractions: list[Extraction] = []
    for i in range(len(sources)):
        extraction, warnings, error = outcomes[i]
        if error is not None:
            err = IngestError(error[0], path=error[1])
            log.warning("skipped %s", err)
            result.skipped.append(err)
            continue
        result.warnings.extend(warnings)
        extractions.append(extraction)
        result.documents += 1
    return extractions, result


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

    With ``strict``, any skipped file raises :class:`KGError` before anything is written.
    ``jobs`` processes analyse documents in parallel (same output whatever ``jobs``);
    with ``cache``, unchanged documents are not re-analysed (see :mod:`kg.cache`,
    entries in ``OUT/.cache``).  ``result.timings`` holds the seconds of every stage.
    """
    started = time.perf_counter()
    out = Path(out)
    store = ExtractionCache(out / CACHE_DIR) if cache else None
    pending: list = []
    result = BuildResult()
    extractions, result = extract_all(paths, quiet=quiet, result=result, jobs=jobs, cache=store, cache_writes=pending)
    lap = _stopwatch(result.timings, started)
    lap("extract")
    if strict and result.skipped:
        raise KGError(f"{len(result.skipped)} file(s) could not be read; nothing written (--strict): "
                      + "; ".join(str(e) for e in result.skipped))
    if store is not None:
        for entry in pending:
            store.put(*entry)
        del pending
        store.prune(keep=store.used)
        lap("cache")
    entities, relations = resolve(extractions)
    lap("resolve")
    triples = graph_triples(entities, base_iri=base_iri, relations=relations, documents=[x.document for x in extractions])
    del extractions
    lap("graph")
    out.mkdir(parents=True, exist_ok=True)
    result.entities, result.relations = entities, relations
    result.triples = write_turtle(triples, out / "kg.ttl")
    result.outputs.append(out / "kg.ttl")
    lap("turtle")
    from kg.export import write_extra_exports
    from kg.validate import check_file

    result.outputs += write_extra_exports(triples, out)  # kg.nt, kg.jsonld, kg.trig
    del triples
    lap("exports")
    if validate:  # off only for benchmarks/bench.py, which times the SHACL gate on its own
        check_file(out / "kg.ttl")  # SHACL: raises ValidationError on a violation
        lap("validate")
    write_html(entities, relations, out / "graph.html", title="川渝生态环境合作知识图谱 chuanyu-kg")
    result.outputs.append(out / "graph.html")
    lap("html")
    from kg.docs import load_ontology, render_ontology_html

    atomic_write_text(out / "ontology.html", render_ontology_html(load_ontology()))
    result.outputs.append(out / "ontology.html")
    if queries:
        store = load_store(out / "kg.ttl")
        for name, sparql in sorted(bundled_queries().items()):
            res = run_query(sparql, store)
            write_csv(out / "queries" / f"{name}.csv", list(res.variables), res.rows)
        result.outputs.append(out / "queries")
        lap("queries")
    result.seconds = time.perf_counter() - started
    return result


def _stopwatch(timings: dict[str, float], started: float):
    """``lap(stage)`` records the seconds since the previous lap under ``stage``."""
    last = [started]

    def lap(stage: str) -> None:
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - last[0]
        last[0] = now

    return lap
