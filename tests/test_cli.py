from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg.cli import main

from .conftest import GOLD, SEEDS


@pytest.mark.parametrize("command", [[], ["build"], ["query"], ["eval"]])
def test_cli_help_explains_with_example(command):
    res = CliRunner().invoke(main, [*command, "--help"])
    assert res.exit_code == 0
    assert "Example" in res.output


def test_cli_build_query_roundtrip(tmp_path):
    runner = CliRunner()
    out = tmp_path / "out"
    res = runner.invoke(main, ["build", str(SEEDS), "--out", str(out), "--quiet"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["query", "agreements_signers", "--graph", str(out / "kg.ttl"), "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert {"agreement", "signer", "signerClass"} <= set(rows[0])
    assert any(r["agreement"] == "长江流域川渝横向生态保护补偿协议" for r in rows)


def test_cli_build_skips_bad_files_with_status(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text("两地签订《联合执法机制协议》。", encoding="utf-8")
    (docs / "empty.txt").write_bytes(b"")
    res = CliRunner().invoke(main, ["build", str(docs), "--out", str(tmp_path / "o"), "--quiet"])
    assert res.exit_code == 3
    assert "empty.txt" in res.output and "empty file" in res.output
    assert res.output.count("empty.txt") == 1, res.output  # reported once, not by the log as well
    assert (tmp_path / "o" / "kg.ttl").is_file()
    res = CliRunner().invoke(main, ["build", str(docs), "--out", str(tmp_path / "s"), "--quiet", "--strict"])
    assert res.exit_code == 1 and not (tmp_path / "s" / "kg.ttl").exists()


def test_cli_unknown_query_is_one_line_error(tmp_path):
    res = CliRunner().invoke(main, ["query", "no_such_query", "--graph", str(tmp_path / "x.ttl")])
    assert res.exit_code == 1
    assert "no bundled query" in res.output and "Traceback" not in res.output


def test_cli_eval_prints_scores():
    res = CliRunner().invoke(main, ["eval", str(GOLD), "--docs", str(SEEDS), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert 0 < data["entity_micro"]["f1"] <= 1 and "Agency" in data["entities"]


def test_cli_eval_names_a_document_it_could_not_analyse(tmp_path):
    docs, gold = tmp_path / "docs", tmp_path / "gold"
    docs.mkdir()
    gold.mkdir()
    (docs / "good.txt").write_text("四川省生态环境厅和重庆市生态环境局签订《联合执法机制协议》。", encoding="utf-8")
    (docs / "empty.txt").write_bytes(b"")
    for name in ("good.txt", "empty.txt"):
        entities = [{"type": "Agency", "name": "四川省生态环境厅", "aliases": []}]
        (gold / f"{name}.json").write_text(json.dumps({"doc": name, "entities": entities, "relations": []}), encoding="utf-8")
    res = CliRunner().invoke(main, ["eval", str(gold), "--docs", str(docs), "--json"])
    assert res.exit_code == 3, res.output
    assert "skipped: " in res.output and "empty.txt" in res.output and "good.txt" not in res.output.split("skipped:")[1]


@pytest.mark.parametrize(("base", "code"), [("https://example.org/kg/", 0), ("not an iri", 1)])
def test_cli_build_base_iri(tmp_path, base, code):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("四川省生态环境厅和重庆市生态环境局签订《联合执法机制协议》。", encoding="utf-8")
    out = tmp_path / "o"
    res = CliRunner().invoke(main, ["build", str(docs), "--out", str(out), "--quiet", "--base-iri", base])
    assert res.exit_code == code, res.output
    if code:
        assert "base IRI" in res.output and "Traceback" not in res.output and not (out / "kg.ttl").exists()
        return
    nt = (out / "kg.nt").read_text(encoding="utf-8")
    subjects = {line.split(" ", 1)[0] for line in nt.splitlines()}
    assert subjects and all(s.startswith(f"<{base}") for s in subjects)
    assert "w3id.org/chuanyu-kg/id/" not in nt
    assert f"@prefix id: <{base}> ." in (out / "kg.ttl").read_text(encoding="utf-8")
    signers = (out / "queries" / "agreements_signers.csv").read_text(encoding="utf-8")
    assert "联合执法机制协议" in signers


@pytest.mark.parametrize("content", [None, {"a.pdf": b"%PDF-1.4", "notes.docx": b"PK"}, {"empty.txt": b""}])
def test_cli_build_without_readable_documents_keeps_the_exports(tmp_path, content):
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["build", str(SEEDS), "--out", str(out), "--quiet"]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, data in (content or {}).items():
        (docs / name).write_bytes(data)
    res = CliRunner().invoke(main, ["build", str(docs), "--out", str(out), "--quiet"])
    assert res.exit_code == 1, res.output
    assert str(docs) in res.output or "empty.txt" in res.output
    assert "nothing written" in res.output
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_cli_build_skips_its_own_output_and_hidden_folders(tmp_path):
    docs = tmp_path / "docs"
    (docs / ".venv" / "lib").mkdir(parents=True)
    (docs / "a.txt").write_text("四川省生态环境厅与重庆市生态环境局签订《联合执法机制协议》。", encoding="utf-8")
    (docs / ".venv" / "lib" / "readme.txt").write_text("重庆市水利局发布《测试方案》。", encoding="utf-8")
    (docs / ".hidden.md").write_text("重庆市水利局发布《测试方案》。", encoding="utf-8")
    for _ in range(2):  # the second build finds the first one's graph.html under docs/kg
        res = CliRunner().invoke(main, ["build", str(docs), "--out", str(docs / "kg")])
        assert res.exit_code == 0, res.output
        assert "documents: 1 built, 0 skipped" in res.output
    assert "a.txt" in (docs / "kg" / "kg.ttl").read_text(encoding="utf-8")


def test_cli_query_list_needs_no_query_name():
    res = CliRunner().invoke(main, ["query", "--list"])
    assert res.exit_code == 0 and "agreements_signers" in res.output
    res = CliRunner().invoke(main, ["query"])
    assert res.exit_code == 2 and "kg query --list" in res.output


def test_cli_build_out_that_is_a_file_is_one_line_error(tmp_path):
    (tmp_path / "afile").write_text("keep me", encoding="utf-8")
    res = CliRunner().invoke(main, ["build", str(SEEDS), "--out", str(tmp_path / "afile"), "--quiet"])
    assert res.exit_code == 1 and "must be a folder" in res.output and "afile" in res.output
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "keep me"


def test_cli_build_out_that_cannot_be_made_names_it(tmp_path):
    (tmp_path / "afile").write_text("keep me", encoding="utf-8")
    out = tmp_path / "afile" / "exports"
    res = CliRunner().invoke(main, ["build", str(SEEDS), "--out", str(out), "--quiet"])
    assert res.exit_code == 1
    assert f"{out}: cannot write to the output folder" in res.output and ".staging" not in res.output, res.output


@pytest.mark.parametrize("text", [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/chuanyu-kg/ontology#Agreement> }",
    "# agreements\nPREFIX cy: <https://w3id.org/chuanyu-kg/ontology#>\nSELECT (COUNT(*) AS ?n) WHERE { ?s a cy:Agreement }",
])
def test_cli_query_given_as_text(seed_build, text):
    result, out = seed_build
    res = CliRunner().invoke(main, ["query", text, "--graph", str(out / "kg.ttl"), "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines() == ["n", str(result.entity_counts["Agreement"])]
