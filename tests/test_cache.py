"""Extraction cache, incremental rebuilds and --jobs: same bytes out, less work done."""

from __future__ import annotations

import pickle

import pytest
from click.testing import CliRunner

import kg
from kg.cache import _FORMAT, CACHE_DIR, ExtractionCache
from kg.cli import main
from kg.errors import KGError
from kg.model import DocumentMeta, Extraction, SourceDocument
from kg.pipeline import build

from .conftest import SEEDS

DOCS = {
    "a.txt": "两地签订《联合执法机制协议》。四川省生态环境厅和重庆市生态环境局召开联席会议。",
    "b.txt": "重庆市生态环境局印发《嘉陵江流域水生态环境保护方案》。",
    "c.txt": "川渝两地共同制定《成渝地区大气污染物排放标准》，加强嘉陵江保护。",
}


def _write(folder, docs=DOCS):
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")


def _outputs(out):
    return {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and CACHE_DIR not in p.parts}


def _extraction(name="a.txt"):
    return Extraction(SourceDocument(name, "0" * 64, 1, "utf-8", DocumentMeta()), (), ())


@pytest.mark.parametrize("blob", [b"", b"garbage", _FORMAT + b"not a pickle", _FORMAT + pickle.dumps(("x", ())),
                                  b"other header\n" + pickle.dumps((_extraction(), ()))])
def test_cache_bad_entry_is_a_miss(tmp_path, blob):
    cache = ExtractionCache(tmp_path)
    key = cache.key(b"x", file_name="a.txt")
    cache.put(key, _extraction(), ("w",))
    assert cache.get(key) == (_extraction(), ("w",))
    (cache.folder / f"{key}.pickle").write_bytes(blob)
    assert cache.get(key) is None


@pytest.mark.parametrize(("data", "name", "version", "same"), [
    (b"x", "a.txt", None, True),
    (b"y", "a.txt", None, False),
    (b"x", "b.txt", None, False),
    (b"x", "a.txt", "another", False),
])
def test_cache_key_covers_content_name_and_pipeline_version(tmp_path, monkeypatch, data, name, version, same):
    cache = ExtractionCache(tmp_path)
    before = cache.key(b"x", file_name="a.txt")
    if version:
        monkeypatch.setattr(kg, "PIPELINE_VERSION", version)
    assert (cache.key(data, file_name=name) == before) is same


def test_cache_rebuild_reanalyses_only_changed_documents(corpus, tmp_path):
    _write(corpus)
    out = tmp_path / "out"
    first = build([corpus], out=out, quiet=True, queries=False)
    assert (first.cached, first.documents) == (0, 3)
    assert len(list((out / CACHE_DIR / "extractions").glob("*.pickle"))) == 3
    again = build([corpus], out=out, quiet=True, queries=False)
    assert (again.cached, again.documents) == (3, 3)
    (corpus / "b.txt").write_text(DOCS["b.txt"] + "两地签订《危险废物跨省市转移合作协议》。", encoding="utf-8")
    (corpus / "c.txt").unlink()
    changed = build([corpus], out=out, quiet=True, queries=False)
    assert (changed.cached, changed.documents) == (1, 2)
    assert len(list((out / CACHE_DIR / "extractions").glob("*.pickle"))) == 2  # c.txt and the old b.txt pruned
    fresh = tmp_path / "fresh"
    build([corpus], out=fresh, quiet=True, queries=False, cache=False)
    assert _outputs(out) == _outputs(fresh)
    assert "危险废物跨省市转移合作协议" in (out / "kg.ttl").read_text(encoding="utf-8")


@pytest.mark.parametrize("cache", [True, False])
def test_cache_strict_failure_and_no_cache_write_no_entries(corpus, tmp_path, cache):
    _write(corpus)
    out = tmp_path / "out"
    build([corpus], out=out, quiet=True, queries=False, cache=cache)
    assert (out / CACHE_DIR).exists() is cache
    (corpus / "empty.txt").write_bytes(b"")
    strict_out = tmp_path / "strict"
    with pytest.raises(KGError):
        build([corpus], out=strict_out, quiet=True, strict=True, cache=cache)
    assert not strict_out.exists()


@pytest.mark.parametrize("jobs", [2, 3])
def test_cache_jobs_give_byte_identical_output(tmp_path, jobs):
    one, many = tmp_path / "one", tmp_path / "many"
    r1 = build([SEEDS], out=one, quiet=True, jobs=1, cache=False)
    rn = build([SEEDS], out=many, quiet=True, jobs=jobs, cache=False)
    assert r1.documents == rn.documents == len(list(SEEDS.glob("*.txt")))
    assert _outputs(one) == _outputs(many)


def test_cache_jobs_keep_skips_and_duplicates_in_source_order(tmp_path):
    for sub in ("x", "y"):
        (tmp_path / sub).mkdir()
        _write(tmp_path / sub, {"a.txt": DOCS["a.txt"]})
    (tmp_path / "x" / "b.txt").write_bytes(b"")
    results = [build([tmp_path / "x", tmp_path / "y"], out=tmp_path / f"o{j}", quiet=True, queries=False, jobs=j)
               for j in (1, 2)]
    assert [[str(e) for e in r.skipped] for r in results][0] == [[str(e) for e in r.skipped] for r in results][1]
    reasons = " ".join(str(e) for e in results[0].skipped)
    assert "empty file" in reasons and "same name" in reasons and results[0].documents == 1


@pytest.mark.parametrize(("args", "code"), [(["--jobs", "2"], 0), (["--jobs", "0", "--no-cache"], 0), (["--jobs", "-1"], 2)])
def test_cache_cli_jobs_and_no_cache(corpus, tmp_path, args, code):
    _write(corpus)
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["build", str(corpus), "--out", str(out), "--quiet", *args])
    assert res.exit_code == code, res.output
    assert (out / "kg.ttl").is_file() is (code == 0)
    assert (out / CACHE_DIR).exists() is (code == 0 and "--no-cache" not in args)


def test_cache_hits_are_read_one_at_a_time(corpus, tmp_path, monkeypatch):
    """A cached rebuild reads each entry when its document's turn comes, never all at once
    (the entries of a large corpus are many times its size)."""
    from kg.pipeline import BuildResult, analyse_sources
    from kg.serialize import Formats
    from kg.vocab import BASE_IRI

    _write(corpus)
    out = tmp_path / "out"
    build([corpus], out=out, quiet=True, queries=False)
    fmt = Formats(base_iri=BASE_IRI)
    cache = ExtractionCache(out / CACHE_DIR, base_iri=fmt.base)
    reads = []
    real_get = ExtractionCache.get
    monkeypatch.setattr(ExtractionCache, "get", lambda self, key: reads.append(key) or real_get(self, key))
    values = analyse_sources(sorted(corpus.iterdir()), fmt=fmt, cache=cache, result=BuildResult())
    seen = []
    for value in values:
        seen.append(len(reads))
        assert value.source.file_name
    assert seen == [1, 2, 3]


def test_cache_changed_document_is_analysed_in_a_worker_process(corpus, tmp_path):
    """With cached documents to go on with, the changed one is analysed in a worker process
    (which loads spaCy) while this one copies the cached ones; the output is the same."""
    import subprocess
    import sys

    from .conftest import ROOT

    _write(corpus)
    out = tmp_path / "out"
    build([corpus], out=out, quiet=True, queries=False)
    (corpus / "b.txt").write_text(DOCS["b.txt"] + "两地签订《危险废物跨省市转移合作协议》。", encoding="utf-8")
    script = ("import sys; from kg.pipeline import build; r = build([sys.argv[1]], out=sys.argv[2], quiet=True, "
              "queries=False); print(r.cached, r.documents, 'spacy' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", script, str(corpus), str(out)], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert run.stdout.split() == ["2", "3", "False"]
    fresh = tmp_path / "fresh"
    build([corpus], out=fresh, quiet=True, queries=False, cache=False)
    assert _outputs(out) == _outputs(fresh)


def test_cache_entry_unreadable_at_its_turn_is_analysed_again(corpus, tmp_path):
    _write(corpus)
    out = tmp_path / "out"
    build([corpus], out=out, quiet=True, queries=False)
    entries = sorted((out / CACHE_DIR / "extractions").glob("*.pickle"))
    entries[0].write_bytes(b"truncated")
    again = build([corpus], out=out, quiet=True, queries=False)
    assert (again.cached, again.documents) == (2, 3)
    fresh = tmp_path / "fresh"
    build([corpus], out=fresh, quiet=True, queries=False, cache=False)
    assert _outputs(out) == _outputs(fresh)
