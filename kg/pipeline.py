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
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from kg.errors import IngestError, KGError
from kg.export import atomic_write_text, write_csv, write_turtle
from kg.graph import build_graph
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


def extract_all(paths: Iterable[str | Path], *, quiet: bool = True, result: BuildResult | None = None) -> tuple[list[Extraction], BuildResult]:
    """Ingest and analyse every document under ``paths``; bad files are recorded, not fatal."""
    result = result or BuildResult()
    sources = find_sources(paths)
    extractions: list[Extraction] = []
    names_seen: dict[str, Path] = {}
    for path in tqdm(sources, desc="documents", unit="doc", disable=quiet or len(sources) < 5, leave=False):
        try:
            if path.name in names_seen:
                raise IngestError(f"another source file has the same name ({names_seen[path.name]})", path=path)
            doc = read_document(path)
        except IngestError as exc:
            log.warning("skipped %s", exc)
            result.skipped.append(exc)
            continue
        try:
            extraction = extract(doc)
        except Exception as exc:  # one document must never end the batch
            err = IngestError(f"analysis failed ({type(exc).__name__}: {exc})", path=path)
            log.warning("skipped %s", err)
            result.skipped.append(err)
            continue
        names_seen[path.name] = path
        result.warnings.extend(doc.warnings)
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
) -> BuildResult:
    """Build the graph of the documents under ``paths`` into the folder ``out``.

    With ``strict``, any skipped file raises :class:`KGError` before anything is written.
    """
    started = time.perf_counter()
    extractions, result = extract_all(paths, quiet=quiet)
    if strict and result.skipped:
        raise KGError(f"{len(result.skipped)} file(s) could not be read; nothing written (--strict): "
                      + "; ".join(str(e) for e in result.skipped))
    entities, relations = resolve(extractions)
    graph = build_graph(entities, base_iri=base_iri, relations=relations, documents=[x.document for x in extractions])
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    result.entities, result.relations = entities, relations
    result.triples = write_turtle(graph, out / "kg.ttl")
    result.outputs.append(out / "kg.ttl")
    write_html(entities, relations, out / "graph.html", title="川渝生态环境合作知识图谱 chuanyu-kg")
    result.outputs.append(out / "graph.html")
    from kg.docs import load_ontology, render_ontology_html

    atomic_write_text(out / "ontology.html", render_ontology_html(load_ontology()))
    result.outputs.append(out / "ontology.html")
    if queries:
        store = load_store(out / "kg.ttl")
        for name, sparql in sorted(bundled_queries().items()):
            res = run_query(sparql, store)
            write_csv(out / "queries" / f"{name}.csv", list(res.variables), res.rows)
        result.outputs.append(out / "queries")
    result.seconds = time.perf_counter() - started
    return result
