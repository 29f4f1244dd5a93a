"""Bad input never breaks the build, and nothing is ever lost (issue 7)."""

from __future__ import annotations

import codecs
import json
import os
import random
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from kg.cli import main
from kg.errors import KGError
from kg.ingest import MAX_CHARACTERS, document_from_bytes
from kg.nlp import extract
from kg.pipeline import build

from .conftest import ROOT, SEEDS

SENTENCE = "重庆市生态环境局与四川省生态环境厅签订《{x}联合执法协议》，共同保护嘉陵江。\n"
GOOD = "2021年，重庆市生态环境局与四川省生态环境厅签订《联合执法工作机制》，共同保护长江和嘉陵江。\r\n"


def _rapper_ok(rapper: str, ttl: Path) -> subprocess.CompletedProcess:
    syntax = {".nt": "ntriples", ".trig": "trig"}.get(ttl.suffix, "turtle")
    return subprocess.run([rapper, "-q", "-i", syntax, "-c", str(ttl)], capture_output=True, text=True, timeout=60)


class _WellFormed(HTMLParser):
    """Checks that every non-void element is closed in order."""

    VOID = frozenset({"meta", "link", "br", "img", "input", "hr", "col", "area", "base", "wbr", "source"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
        else:
            self.stack.pop()


def _check_html(page: str) -> None:
    parser = _WellFormed()
    parser.feed(page)
    parser.close()
    assert not parser.errors and not parser.stack, (parser.errors, parser.stack)


def _check_outputs(out: Path, rapper: str) -> Graph:
    ttl = out / "kg.ttl"
    g = Graph().parse(ttl, format="turtle")
    store = ox.Store()
    store.load(path=str(ttl), format=ox.RdfFormat.TURTLE)
    assert len(store) == len(g)
    proc = _rapper_ok(rapper, ttl)
    assert proc.returncode == 0, proc.stderr
    triples = {q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE)}
    for name, fmt in (("kg.nt", ox.RdfFormat.N_TRIPLES), ("kg.jsonld", ox.RdfFormat.JSON_LD), ("kg.trig", ox.RdfFormat.TRIG)):
        got = {q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(path=str(out / name), format=fmt)
               if not (isinstance(q, ox.Quad) and q.graph_name == ox.NamedNode("https://w3id.org/chuanyu-kg/ontology"))}
        assert got == triples, name
    for name in ("kg.nt", "kg.trig"):
        proc = _rapper_ok(rapper, out / name)
        assert proc.returncode == 0, (name, proc.stderr)
    _check_html((out / "graph.html").read_text(encoding="utf-8"))
    return g


# --------------------------------------------------------------------------- 5. property tests

NASTY = st.lists(
    st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from(['"', "'", '"""', "\\", "<", ">", "&", "</script>", "\x00", "\x01", "\x1b", "\x7f", "\u2028", "\ufeff", "\r", "\n", "《", "》"]),
    ),
    min_size=1,
    max_size=30,
).map("".join)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(x=NASTY, surrogate=st.booleans())
def test_robustness_arbitrary_text_builds_and_parses(tmp_path_factory, rapper, x, surrogate):
    d = tmp_path_factory.mktemp("prop")
    text = SENTENCE.format(x=x) + "双方签订《" + x + "》。\n" + x + "\n"
    data = text.encode("utf-8")
    if surrogate:  # a lone surrogate as the bytes a careless exporter writes
        data = data.replace("嘉陵江".encode(), "嘉陵江".encode() + "\ud800".encode("utf-8", "surrogatepass"), 1)
    (d / "docs").mkdir()
    (d / "docs" / "doc.txt").write_bytes(data)
    try:
        result = build([d / "docs"], out=d / "out", quiet=True, queries=False)
    except KGError as exc:  # the only document unreadable: an error naming it, nothing written
        assert "could be read" in str(exc) and "doc.txt" in str(exc)
        assert not (d / "out").exists()
        return
    assert result.documents == 1 and not result.skipped
    g = _check_outputs(d / "out", rapper)
    assert len(g) == result.triples
    page = (d / "out" / "graph.html").read_text(encoding="utf-8")
    data = page.split('id="graph-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and ">" not in data
    labels = json.dumps(json.loads(data), ensure_ascii=False)
    if result.documents and x.strip() and "》" not in x and "《" not in x and "\n" not in x and "\r" not in x:
        assert result.entities
        assert "嘉陵江" in labels


@pytest.mark.parametrize("x", ['"""', "\\", '\\"""\\', "<script>alert(1)</script>", "a&amp;b<", "\x00\x07\x1b", "'''x'''"])
def test_robustness_nasty_names_are_escaped_everywhere(corpus, tmp_path, rapper, x):
    (corpus / "doc.txt").write_text(SENTENCE.format(x=x), encoding="utf-8", errors="surrogatepass")
    result = build([corpus], out=tmp_path / "out", quiet=True, queries=False)
    assert result.documents == 1
    g = _check_outputs(tmp_path / "out", rapper)
    labels = {str(o) for o in g.objects()}
    printable = "".join(ch for ch in x if ch.isprintable() and ch != "\x00")
    if printable:
        assert any(printable in lab for lab in labels)
    page = (tmp_path / "out" / "graph.html").read_text(encoding="utf-8")
    if "<script>" in x:
        assert "<script>alert(1)" not in page


# --------------------------------------------------------------------------- 6. same result whatever the encoding


def _signature(data: bytes, name: str):
    doc = document_from_bytes(data, path=name)
    x = extract(doc)
    for m in x.mentions:  # evidence offsets follow each file's own text
        assert doc.original[m.evidence.start : m.evidence.end] == m.evidence.exact
    mentions = sorted((m.type, m.name, m.surface, m.sentence.exact.replace("\r", "")) for m in x.mentions)
    relations = sorted((r.subject, r.predicate, r.object) for r in x.relations)
    return mentions, relations


def _variants(text: str) -> dict[str, bytes]:
    crlf = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return {
        "utf-8": text.encode("utf-8"),
        "gbk": text.encode("gbk"),
        "gb18030": text.encode("gb18030"),
        "utf-16": text.encode("utf-16"),
        "utf-16-le": text.encode("utf-16-le"),
        "utf-8-bom": codecs.BOM_UTF8 + text.encode("utf-8"),
        "utf-8-crlf": crlf.encode("utf-8"),
        "utf-16-crlf": crlf.encode("utf-16"),
        "gbk-crlf": crlf.encode("gbk"),
    }


def _gbk_safe_seeds() -> list[Path]:
    out = []
    for f in sorted(SEEDS.iterdir()):
        try:
            f.read_text(encoding="utf-8").encode("gbk")
        except UnicodeEncodeError:
            continue
        out.append(f)
    return out[:2]


@pytest.mark.parametrize("seed", _gbk_safe_seeds(), ids=lambda p: p.name[:3])
def test_robustness_same_entities_whatever_the_encoding(seed):
    text = seed.read_text(encoding="utf-8")
    variants = _variants(text)
    reference = _signature(variants["utf-8"], seed.name)
    assert reference[0] and reference[1]
    for enc, data in variants.items():
        assert _signature(data, seed.name) == reference, enc


# --------------------------------------------------------------------------- 1, 2. a mixed folder


def _mixed_folder(d: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Files good and bad; returns (good name → a phrase it contributes, bad name → reason)."""
    good = {
        "gbk.txt": ("重庆市生态环境局与四川省生态环境厅签订《双城经济圈生态环境保护合作协议》。\n", "gbk", "双城经济圈生态环境保护合作协议"),
        "utf16.txt": ("重庆市人民政府与四川省人民政府签订《跨界河流联防联控合作协议》。\n", "utf-16", "跨界河流联防联控合作协议"),
        "bom.md": ("\ufeff重庆市生态环境局与四川省生态环境厅签订《危险废物跨省转移合作协议》。\n", "utf-8", "危险废物跨省转移合作协议"),
        "crlf.txt": ("第一段。\r\n重庆市生态环境局与四川省生态环境厅签订《琼江流域联合治理协议》。\r\n", "utf-8", "琼江流域联合治理协议"),
    }
    for name, (text, enc, _) in good.items():
        (d / name).write_bytes(text.encode(enc))
    (d / "page.html").write_text(
        "<!doctype html><html><head><title>新闻</title><script>var a='《脚本协议》';</script>"
        "<style>.x{}</style></head><body><nav>首页 &gt; 新闻 &gt; 正文</nav>"
        "<article><p>重庆市生态环境局与四川省生态环境厅签订《大气污染联防联控协议》&amp;共同推进。</p></article>"
        "<footer>版权所有 © 2021</footer></body></html>",
        encoding="utf-8",
    )
    (d / "broken.txt").write_bytes(
        "重庆市生态环境局与四川省生态环境厅签订《".encode() + b"\xff\xfe\x80" + "濑溪河联合治理协议》。\n".encode()
    )
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.txt").write_bytes(b" \r\n\t\n")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (d / "nul.md").write_bytes(b"PK\x03\x04\x00\x00\x00" + random.Random(7).randbytes(4096))
    (d / "spam.txt").write_text("大发体育开户,手机赌博官网\n", encoding="utf-8")
    # one 20 MB line with no line break
    (d / "huge.txt").write_bytes(("嘉陵江" * 2_300_000).encode())
    phrases = {name: phrase for name, (_t, _e, phrase) in good.items()}
    phrases["page.html"] = "大气污染联防联控协议"
    phrases["broken.txt"] = "濑溪河联合治理协议"
    bad = {"empty.txt": "empty", "blank.txt": "empty", "binary.txt": "binary", "nul.md": "binary",
           "spam.txt": "no article text", "huge.txt": "too long"}
    return phrases, bad


def test_robustness_mixed_folder_builds_every_readable_document(corpus, tmp_path):
    phrases, bad = _mixed_folder(corpus)
    assert (corpus / "huge.txt").stat().st_size >= 20_000_000 > 3 * MAX_CHARACTERS
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["build", str(corpus), "--out", str(out), "--quiet"])
    assert res.exit_code == 3, res.output
    stderr = res.stderr
    skipped = [ln for ln in stderr.splitlines() if ln.startswith("skipped: ")]
    assert len(skipped) == len(bad), stderr
    for name, reason in bad.items():
        assert any(name in ln and reason in ln for ln in skipped), (name, reason, stderr)
    assert any("broken.txt" in ln and "invalid byte" in ln for ln in stderr.splitlines() if ln.startswith("warning: "))
    ttl = (out / "kg.ttl").read_text(encoding="utf-8")
    for name, phrase in phrases.items():
        assert name in ttl, name
        assert phrase in ttl, (name, phrase)
    assert "脚本协议" not in ttl and "首页" not in ttl and "赌博" not in ttl


@pytest.mark.parametrize(("args", "code"), [([], 3), (["--strict"], 1)])
def test_robustness_exit_status_reports_skips(corpus, tmp_path, args, code):
    (corpus / "a.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["build", str(corpus), "--out", str(out), "--quiet", *args])
    assert res.exit_code == code, res.output
    assert "empty.txt" in res.output + (res.stderr or "")
    assert (out / "kg.ttl").exists() == (code == 3)


@pytest.mark.parametrize(("files", "code"), [({"a.txt": GOOD}, 0), ({"a.txt": GOOD, "b.txt": ""}, 3)])
def test_robustness_exit_status_zero_only_when_nothing_skipped(corpus, tmp_path, files, code):
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    res = CliRunner().invoke(main, ["build", str(corpus), "--out", str(tmp_path / "o"), "--quiet"])
    assert res.exit_code == code, res.output


def test_robustness_build_help_documents_exit_status():
    res = CliRunner().invoke(main, ["build", "--help"])
    assert res.exit_code == 0
    assert "Exit status" in res.output and "3" in res.output and "--strict" in res.output


def test_robustness_analysis_crash_skips_only_that_file(corpus, tmp_path, monkeypatch):
    import kg.nlp

    real = kg.nlp.extract

    def flaky(doc):
        if doc.file_name == "boom.txt":
            raise RuntimeError("kaboom")
        return real(doc)

    monkeypatch.setattr(kg.nlp, "extract", flaky)
    (corpus / "a.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "boom.txt").write_text(GOOD, encoding="utf-8")
    result = build([corpus], out=tmp_path / "out", quiet=True, queries=False)
    assert result.documents == 1
    assert [e.path for e in result.skipped] == [str(corpus / "boom.txt")]
    assert "kaboom" in str(result.skipped[0])


# --------------------------------------------------------------------------- 3. atomic exports


def _biggish_corpus(d: Path, n: int) -> None:
    texts = [f.read_text(encoding="utf-8") for f in sorted(SEEDS.iterdir())]
    for i in range(n):
        (d / f"doc_{i:04d}.txt").write_text(texts[i % len(texts)], encoding="utf-8")


@pytest.mark.parametrize("delay", [2.0])
def test_robustness_sigkill_midway_leaves_previous_exports(tmp_path, rapper, delay):
    src = tmp_path / "src"
    src.mkdir()
    out = tmp_path / "out"
    _biggish_corpus(src, 3)
    build([src], out=out, quiet=True, queries=False)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert "kg.ttl" in before and "graph.html" in before
    _biggish_corpus(src, 1500)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from kg.cli import main; main()", "build", str(src), "--out", str(out), "--quiet"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    time.sleep(delay)
    assert proc.poll() is None, "the build finished before it could be killed: make the corpus bigger"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.endswith(".tmp")}
    assert after == before
    _check_outputs(out, rapper)


@pytest.mark.parametrize("fail_at", ["graph.html", "kg.ttl"])
def test_robustness_failed_write_keeps_previous_file(tmp_path, monkeypatch, fail_at):
    import kg.export as export

    out = tmp_path / "out"
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.txt").write_text(GOOD, encoding="utf-8")
    build([tmp_path / "src"], out=out, quiet=True, queries=False)
    before = (out / fail_at).read_bytes()
    real = os.replace

    def boom(src, dst):
        if Path(dst).name == fail_at:
            raise OSError("disk full")
        return real(src, dst)

    monkeypatch.setattr(export.os, "replace", boom)
    (tmp_path / "src" / "b.txt").write_text(SENTENCE.format(x="新"), encoding="utf-8")
    with pytest.raises(OSError, match="disk full"):
        build([tmp_path / "src"], out=out, quiet=True, queries=False)
    assert (out / fail_at).read_bytes() == before
    assert not list(out.glob(".*.tmp"))


_KILLER = """
import os, signal, sys
from contextlib import contextmanager
from pathlib import Path
import kg.export as export
from kg.cli import main

target, moment = sys.argv[1], sys.argv[2]
real_writer, real_replace = export.atomic_writer, os.replace

@contextmanager
def writer(path, **kw):
    with real_writer(path, **kw) as fh:
        if moment == "mid-write" and Path(path).name == target:
            fh.write(b"@prefix half" if kw.get("binary") else "<!doctype html><p>half")
            fh.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        yield fh

def replace(src, dst):
    if moment == "before-rename" and Path(dst).name == target:
        os.kill(os.getpid(), signal.SIGKILL)
    return real_replace(src, dst)

export.atomic_writer = writer
os.replace = replace
main(sys.argv[3:])
"""


@pytest.mark.parametrize(("target", "moment"), [("kg.ttl", "mid-write"), ("kg.ttl", "before-rename"), ("graph.html", "mid-write")])
def test_robustness_sigkill_while_writing_keeps_previous_file(tmp_path, rapper, target, moment):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_text(GOOD, encoding="utf-8")
    build([src], out=out, quiet=True, queries=False)
    before = (out / target).read_bytes()
    (src / "b.txt").write_text(SENTENCE.format(x="新"), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", _KILLER, target, moment, "build", str(src), "--out", str(out), "--quiet"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, timeout=300,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert (out / target).read_bytes() == before
    _check_outputs(out, rapper)


@pytest.mark.parametrize("name", ["kg.ttl", "graph.html", "ontology.html"])
def test_robustness_atomic_outputs_get_normal_permissions(tmp_path, name):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.txt").write_text(GOOD, encoding="utf-8")
    mask = os.umask(0o022)
    try:
        build([tmp_path / "src"], out=tmp_path / "out", quiet=True, queries=False)
    finally:
        os.umask(mask)
    assert (tmp_path / "out" / name).stat().st_mode & 0o777 == 0o666 & ~0o022


def test_robustness_a_sentence_of_hundreds_of_clauses_is_not_cubic():
    """600 clauses joined by commas, each with two bodies, a title and a trigger: each trigger's
    agents were checked against every title of the sentence (about 40 s; a few seconds now)."""
    clause = "遂宁市生态环境局与潼南区生态环境局签订《琼江流域联合执法协议》"
    doc = document_from_bytes(("，".join([clause] * 600) + "。\n").encode(), path="long.txt")
    started = time.perf_counter()
    x = extract(doc)
    assert time.perf_counter() - started < 20
    assert {(r.predicate, r.object) for r in x.relations if r.predicate == "signedBy"} == {
        ("signedBy", "遂宁市生态环境局"), ("signedBy", "潼南区生态环境局")}


_INTERRUPTER = """
import sys
from kg import export
from kg.cli import main

real = export.atomic_writer

def writer(path, *a, **k):  # Ctrl-C arrives while the graph is being written
    if str(path).endswith("kg.ttl"):
        raise KeyboardInterrupt
    return real(path, *a, **k)

export.atomic_writer = writer
main(sys.argv[1:])
"""


def test_robustness_ctrl_c_exits_130_and_keeps_the_exports(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_text(GOOD, encoding="utf-8")
    build([src], out=out, quiet=True, queries=False)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (src / "b.txt").write_text(SENTENCE.format(x="新"), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", _INTERRUPTER, "build", str(src), "--out", str(out), "--quiet"],
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 130, proc.stderr
    assert "interrupted" in proc.stderr and "Traceback" not in proc.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]
