"""benchmarks/: the synthetic corpus and a small-size run of the benchmark (sanity only)."""

from __future__ import annotations

import pytest

from benchmarks.bench import report, run
from benchmarks.corpus import FILE_BYTES, write_corpus


@pytest.mark.parametrize("megabytes", [0.01, 0.06])
def test_benchmark_corpus_is_deterministic_sized_and_varied(tmp_path, megabytes):
    names = write_corpus(tmp_path / "a", megabytes=megabytes)
    assert names == write_corpus(tmp_path / "b", megabytes=megabytes)
    data = [(tmp_path / "a" / n).read_bytes() for n in names]
    assert data == [(tmp_path / "b" / n).read_bytes() for n in names]
    total = sum(map(len, data))
    assert megabytes * 1e6 <= total < megabytes * 1e6 + 2 * FILE_BYTES
    assert len(set(data)) == len(data)
    text = data[0].decode("utf-8")
    assert "。" in text and ("四川" in text or "重庆" in text)


def test_benchmark_small_run_measures_build_anchor_and_incremental(tmp_path):
    rows = run([0.03], jobs=[1], anchors=True, incremental=True, workdir=tmp_path)
    kinds = {r["kind"]: r for r in rows}
    assert {"build", "regex", "incremental"} <= set(kinds)
    build = kinds["build"]
    assert build["documents"] >= 2 and build["triples"] > 0 and build["peak_mb"] > 0
    assert {"extract", "resolve", "export", "load", "validate", "queries", "html", "publish"} <= set(build["stages"])
    inc = kinds["incremental"]
    assert inc["cached"] == inc["documents"] - 1
    text = report(rows)
    assert text.startswith("| what |") and "incremental rebuild" in text


@pytest.mark.parametrize(("seconds_at_4mb", "expected"), [(4.0, "1.00×"), (8.0, "2.00×"), (2.0, "0.50×")])
def test_benchmark_report_growth_ratio(seconds_at_4mb, expected):
    def row(mb, seconds):
        return {"kind": "build", "size_mb": mb, "jobs": 1, "bytes": mb * 1e6, "documents": 1, "seconds": seconds,
                "peak_mb": 100.0, "mb_per_s": mb / seconds, "stages": {}}

    text = report([row(1.0, 1.0), row(4.0, seconds_at_4mb)])
    assert f"is {expected} that at 1 MB" in text
