from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import main
from kg.model import ENTITY_TYPES, RELATION_TYPES
from kg.pipeline import build
from kg.stats import compute_stats, cooperation_network, cross_provincial_ties, load_graph, province_of


@pytest.mark.parametrize(("label", "province"), [
    ("成都市生态环境局", "四川省"),
    ("四川省生态环境厅", "四川省"),
    ("遂宁市", "四川省"),
    ("重庆市生态环境局", "重庆市"),
    ("铜梁区人民代表大会常务委员会", "重庆市"),
    ("中共四川省委办公厅", "四川省"),
    ("生态环境部", ""),
    ("湖北省生态环境厅", ""),
])
def test_stats_province_of_places_parties_on_their_side(label, province):
    assert province_of(label) == province


def test_stats_class_counts_agree_with_bundled_query(seed_build):
    _, out = seed_build
    with open(out / "queries" / "entities_per_class.csv", encoding="utf-8", newline="") as f:
        expected = {row["class"]: int(row["entities"]) for row in csv.DictReader(f)}
    stats = compute_stats(load_graph(out / "kg.ttl"))
    got = dict(stats.classes)
    assert set(got) == set(ENTITY_TYPES)
    assert {k: v for k, v in got.items() if v} == expected
    g = load_graph(out / "kg.ttl")
    assert stats.triples == len(g)


def test_stats_trig_counts_as_the_turtle_does(seed_build):
    _, out = seed_build
    ttl, trig = compute_stats(load_graph(out / "kg.ttl")), compute_stats(load_graph(out / "kg.trig"))
    assert trig.documents == ttl.documents > 0
    assert trig.classes == ttl.classes


@pytest.mark.parametrize("top", [1, 3])
def test_stats_rankings_are_sorted_and_cut(seed_build, top):
    _, out = seed_build
    stats = compute_stats(load_graph(out / "kg.ttl"), top=top)
    for ranked, key in ((stats.agencies, lambda a: a.relations), (stats.top_documents, lambda d: d.facts)):
        assert 0 < len(ranked) <= top
        assert [key(x) for x in ranked] == sorted((key(x) for x in ranked), reverse=True)


SMALL = {
    "a.txt": "四川省生态环境厅与重庆市生态环境局签订《联合执法机制协议》。",
    "b.txt": "成都市生态环境局与德阳市生态环境局签订《成德大气联防协议》。",
}


@pytest.fixture
def small_graph(corpus, tmp_path):
    for name, text in SMALL.items():
        (corpus / name).write_text(text, encoding="utf-8")
    build([corpus], out=tmp_path / "out", quiet=True, queries=False)
    return tmp_path / "out" / "kg.ttl"


def test_stats_cross_provincial_agreements_need_both_sides(small_graph):
    stats = compute_stats(load_graph(small_graph))
    cross = {c.label: (c.sichuan, c.chongqing) for c in stats.cross_agreements}
    assert cross == {"联合执法机制协议": (("四川省生态环境厅",), ("重庆市生态环境局",))}
    ties = cross_provincial_ties(cooperation_network(load_graph(small_graph)))
    assert ties == [("四川省生态环境厅", "重庆市生态环境局", 1)]


def test_stats_documents_count_their_facts(small_graph):
    stats = compute_stats(load_graph(small_graph))
    by_file = {d.file: d for d in stats.top_documents}
    assert set(by_file) == set(SMALL)
    for d in by_file.values():
        assert d.entities >= 3 and d.relations >= 1 and d.facts == d.entities + d.relations


def test_stats_empty_graph_is_all_zero(tmp_path):
    stats = compute_stats(Graph())
    assert all(n == 0 for _, n in stats.classes) and all(n == 0 for _, n in stats.relations)
    assert stats.agencies == () and stats.cross_agreements == () and stats.top_documents == ()


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_stats_cli_prints_table_or_json(small_graph, fmt):
    args = ["stats", "--graph", str(small_graph)] + (["--json"] if fmt == "json" else [])
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    if fmt == "json":
        data = json.loads(res.output)
        assert set(data["relations"]) == set(RELATION_TYPES)
        assert data["cross_provincial_agreements"][0]["agreement"] == "联合执法机制协议"
    else:
        for heading in ("Entities per class", "Most connected agencies", "Cross-provincial agreements",
                        "Documents with the most facts"):
            assert heading in res.output
        assert "联合执法机制协议" in res.output


def test_stats_cli_is_deterministic(small_graph):
    runs = {CliRunner().invoke(main, ["stats", "--graph", str(small_graph), "--json"]).output for _ in range(2)}
    assert len(runs) == 1


@pytest.mark.parametrize(("content", "needle"), [(None, "graph file not found"), ("@prefix broken", "cannot parse")])
def test_stats_cli_bad_graph_is_one_line_error(tmp_path, content, needle):
    path = tmp_path / "kg.ttl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    res = CliRunner().invoke(main, ["stats", "--graph", str(path)])
    assert res.exit_code == 1
    assert needle in res.output and "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1


@pytest.mark.parametrize("module", ["kg.stats", "kg.docs"])
def test_stats_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0
