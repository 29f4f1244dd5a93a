"""End to end: the seeds build, deterministically, into a valid graph with evidence."""

from __future__ import annotations

import filecmp
import importlib
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, RDFS
from rdflib.namespace import SKOS

from kg.errors import ValidationError
from kg.pipeline import build
from kg.vocab import CY, OA

from .conftest import ROOT, SEEDS

CORE = [CY.Agency, CY.Region, CY.River, CY.Agreement, CY.Programme, CY.Standard, CY.Regulation, CY.Meeting]


def _files(folder: Path) -> list[Path]:
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file() and ".cache" not in p.parts)


def test_pipeline_build_is_deterministic(seed_build, tmp_path):
    _result, out = seed_build
    again = tmp_path / "again"
    build([SEEDS], out=again, quiet=True)
    assert _files(out) == _files(again)
    for rel in _files(out):
        assert (out / rel).read_bytes() == (again / rel).read_bytes(), rel


def test_pipeline_committed_exports_are_fresh(seed_build):
    _result, out = seed_build
    committed = ROOT / "exports"
    for rel in _files(out):
        assert (committed / rel).is_file(), f"exports/{rel} missing: run `kg build`"
        assert filecmp.cmp(out / rel, committed / rel, shallow=False), f"exports/{rel} is stale: run `kg build`"


def test_pipeline_turtle_parses_everywhere(seed_build, rapper):
    _result, out = seed_build
    ttl = out / "kg.ttl"
    g = rdflib.Graph().parse(ttl, format="turtle")
    store = ox.Store()
    store.load(path=str(ttl), format=ox.RdfFormat.TURTLE)
    assert len(store) == len(g) > 1000
    proc = subprocess.run([rapper, "-q", "-i", "turtle", "-c", str(ttl)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "warning" not in proc.stderr.lower()


def test_pipeline_contract_every_entity_and_document(seed_build):
    _result, out = seed_build
    g = rdflib.Graph().parse(out / "kg.ttl", format="turtle")
    entities = {s for c in CORE for s in g.subjects(RDF.type, c)}
    assert len(entities) > 100
    for e in entities:
        classes = [c for c in g.objects(e, RDF.type) if c in CORE]
        assert len(classes) == 1, e
        labels = list(g.objects(e, RDFS.label))
        assert len(labels) == 1 and labels[0].language == "zh"
        assert list(g.objects(e, SKOS.prefLabel)) == labels
        docs = list(g.objects(e, CY.mentionedIn))
        assert docs and all((d, RDF.type, CY.SourceDocument) in g for d in docs)
    names = {str(n) for d in g.subjects(RDF.type, CY.SourceDocument) for n in g.objects(d, CY.fileName)}
    assert names == {p.name for p in SEEDS.glob("*.txt")}


def test_pipeline_every_relation_has_sentence_evidence(seed_build):
    _result, out = seed_build
    g = rdflib.Graph().parse(out / "kg.ttl", format="turtle")
    originals = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.iterdir()}
    file_of = {d: str(n) for d, n in g.subject_objects(CY.fileName)}
    relations = [(s, p, o) for p in (CY.signedBy, CY.issuedBy, CY.concerns, CY.participant) for s, o in g.subject_objects(p)]
    assert len(relations) > 50
    for s, p, o in relations:
        statements = [st for st in g.subjects(RDF.subject, s) if (st, RDF.predicate, p) in g and (st, RDF.object, o) in g]
        assert len(statements) == 1
        anns = list(g.subjects(OA.hasBody, statements[0]))
        assert anns, (s, p, o)
        for a in anns:
            t = g.value(a, OA.hasTarget)
            text = originals[file_of[g.value(t, OA.hasSource)]]
            selectors = list(g.objects(t, OA.hasSelector))
            pos = next(x for x in selectors if (x, RDF.type, OA.TextPositionSelector) in g)
            quote = next(x for x in selectors if (x, RDF.type, OA.TextQuoteSelector) in g)
            start, end = int(g.value(pos, OA.start)), int(g.value(pos, OA.end))
            assert text[start:end] == str(g.value(quote, OA.exact))
            assert end - start >= 4


def test_pipeline_summary_counts(seed_build):
    result, _out = seed_build
    assert result.documents == 5 and not result.skipped
    assert all(result.entity_counts[t] > 0 for t in ("Agency", "Region", "River", "Agreement", "Programme", "Meeting"))
    text = result.summary()
    assert "documents: 5 built" in text and "kg.ttl" in text


def test_pipeline_output_does_not_depend_on_the_hash_seed(tmp_path):
    import os
    import sys

    outs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([str(Path(sys.executable).parent / "kg"), "build", str(SEEDS), "--out", str(out), "--quiet", "--no-cache"],
                       check=True, env=env, capture_output=True)
        outs.append(out)
    for rel in _files(outs[0]):
        assert (outs[0] / rel).read_bytes() == (outs[1] / rel).read_bytes(), rel


@pytest.mark.parametrize("stage", ["kg.pipeline:_validate", "kg.viz:write_html", "kg.export:GraphWriter.finish",
                                   "kg.pipeline:_answer_queries"])
def test_pipeline_failure_after_writing_publishes_nothing(tmp_path, monkeypatch, stage):
    """A build that fails once the query store is complete (a SHACL violation, a crash while
    the files or the view are written as validation and queries run on their threads, a query
    that fails) leaves every previous output byte-identical and no staging folder behind."""
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_text("两地签订《联合执法机制协议》。", encoding="utf-8")
    build([src], out=out, quiet=True)
    before = {p: (out / p).read_bytes() for p in _files(out)}
    (src / "b.txt").write_text("四川省生态环境厅与重庆市生态环境局签订《嘉陵江流域协议》。", encoding="utf-8")

    def fail(*_args, **_kwargs):
        raise ValidationError("broken on purpose")

    module, attribute = stage.split(":")
    *owners, name = attribute.split(".")
    target = importlib.import_module(module)
    for owner in owners:
        target = getattr(target, owner)
    monkeypatch.setattr(target, name, fail)
    with pytest.raises(ValidationError):
        build([src], out=out, quiet=True)
    assert {p: (out / p).read_bytes() for p in _files(out)} == before
    assert not list(out.glob(".staging-*"))


def test_pipeline_streams_documents_into_the_same_graph_as_build_graph(tmp_path):
    """The streamed files hold exactly the triples of :func:`kg.graph.build_graph` of the same extractions."""
    from kg.graph import build_graph
    from kg.pipeline import extract_all

    docs = sorted(SEEDS.glob("*.txt"))[:2]
    out = tmp_path / "out"
    result = build(docs, out=out, quiet=True, queries=False)
    extractions, _ = extract_all(docs)
    g = build_graph(extractions, base_iri="https://w3id.org/chuanyu-kg/id/")
    streamed = rdflib.Graph().parse(out / "kg.ttl", format="turtle")
    assert len(g) == len(streamed) == result.triples
    assert set(g) == set(streamed)


def test_pipeline_relation_in_every_documents_trig_graph_beyond_the_view_sample(tmp_path):
    """The view keeps a sample of evidence; the TriG graphs still hold a relation in every
    document that states it."""
    from kg.pipeline import VIEW_EVIDENCE

    src = tmp_path / "src"
    src.mkdir()
    n = VIEW_EVIDENCE + 5
    for i in range(n):
        (src / f"d{i:02d}.txt").write_text(f"第{i}号通知。四川省与重庆市签订《联合执法机制协议》。", encoding="utf-8")
    result = build([src], out=tmp_path / "out", quiet=True, queries=False)
    assert result.documents == n
    signed = [r for r in result.relations if r.predicate == "signedBy"]
    assert signed and all(len(r.evidence) == VIEW_EVIDENCE for r in signed)
    graphs: dict = {}
    for q in ox.parse(path=str(tmp_path / "out" / "kg.trig"), format=ox.RdfFormat.TRIG):
        if q.predicate.value == str(CY.signedBy):
            graphs.setdefault(q.triple, set()).add(q.graph_name)
    assert graphs and all(len(g) == n for g in graphs.values())


def test_pipeline_large_graph_goes_to_a_disk_store_with_the_same_answers(seed_build, tmp_path, monkeypatch):
    """Past the memory limit the query store moves to disk mid-build (what was loaded is
    spooled, the rest appended): validation passes and every query answers the same."""
    import kg.pipeline

    _result, out = seed_build
    monkeypatch.setattr(kg.pipeline, "MEMORY_STORE_TRIPLES", 2_000)  # passed during the second document
    seen = []
    real = kg.pipeline._disk_store
    monkeypatch.setattr(kg.pipeline, "_disk_store", lambda nt, **kw: seen.append(nt) or real(nt, **kw))
    disk = tmp_path / "disk"
    build([SEEDS], out=disk, quiet=True, cache=False)
    assert len(seen) == 1
    answers = sorted(p.name for p in (out / "queries").iterdir())
    assert answers == sorted(p.name for p in (disk / "queries").iterdir()) and len(answers) >= 10
    for name in answers:
        assert (disk / "queries" / name).read_bytes() == (out / "queries" / name).read_bytes(), name
    assert not list(disk.glob(".staging-*"))


def test_pipeline_store_loader_failure_is_raised_not_a_hang(tmp_path):
    """A chunk Oxigraph rejects (or a full disk while spooling) ends in an error from
    finish(), however many chunks follow: the queue keeps draining."""
    from kg.pipeline import StoreLoader

    loader = StoreLoader(limit=10**9, spool=tmp_path / "store.nt")
    loader.add(b"this is not N-Triples\n", 1)
    for _ in range(100):  # more than the queue holds
        loader.add(b"<http://e.org/a> <http://e.org/p> <http://e.org/b> .\n", 1)
    with pytest.raises(SyntaxError):
        loader.finish(b"")


def test_pipeline_cached_rebuild_does_not_import_spacy(tmp_path):
    """spaCy costs most of a build's start-up: a rebuild that analyses nothing must not load it."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("两地签订《川渝跨界河流联防联控合作协议》。", encoding="utf-8")
    script = ("import sys; from kg.pipeline import build; r = build([sys.argv[1]], out=sys.argv[2], quiet=True); "
              "print(r.cached, 'spacy' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", script, str(src), str(tmp_path / "out")], capture_output=True,
                           text=True, check=True, cwd=ROOT).stdout.split() for _ in range(2)]
    assert runs == [["0", "True"], ["1", "False"]]
