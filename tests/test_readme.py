"""The README is true: its commands run, its CLI reference matches the CLI, the docs it links exist."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import click
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.docs import README_END, README_START, cli_reference_markdown, load_ontology, render_ontology_html

from .conftest import ROOT

README = ROOT / "README.md"
FIRST_TWO = [
    "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/kg build seeds --out exports",
    "bash scripts/test.sh",
]


def sh_blocks(text: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"^```sh\n(.*?)^```", text, flags=re.S | re.M)]


BLOCKS = sh_blocks(README.read_text(encoding="utf-8"))
#: What each README block must print or leave behind (a substring of the block → checks).
EXPECT = {
    "kg stats\n": ["Most connected agencies", "Cross-provincial agreements", '"classes"'],
    "query --list": ["agreements_signers", "长江流域川渝横向生态保护补偿协议", "subject,predicate,object,file"],
    "my_question.rq --format csv": ["river,instruments", "长江,"],
    "oxigraph load": ["river,instruments", "长江,"],
    "FUSEKI": [],
    "kg serve": ["SPARQL endpoint"],
    "/query": ["triples"],
    "kg validate": ["conforms"],
    "my_docs": ["联合执法机制协议", "四川省生态环境厅"],
    "kg eval": ["Agency", "F1", "ENTITIES", "RELATIONS"],
}


def test_readme_starts_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert text.startswith("# chuanyu-kg")
    assert BLOCKS[0].splitlines() == FIRST_TWO
    assert text.index("```sh") < text.index("\n## ")


def test_readme_test_command_sets_up_and_runs_pytest():
    script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert "setup-test-env.sh" in script and "pytest" in script and "ruff check" in script
    assert subprocess.run(["bash", "-n", str(ROOT / "scripts" / "test.sh")]).returncode == 0


class _Fuseki(BaseHTTPRequestHandler):
    received: list[tuple[str, str, str, bytes]] = []

    def do_PUT(self):  # noqa: N802 (http.server API)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append(("PUT", self.path, self.headers["Content-Type"], body))
        self.send_response(201)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def readme_run(tmp_path_factory):
    """A copy of the project's inputs where every README block runs, in order, as shown."""
    work = tmp_path_factory.mktemp("readme")
    for folder in ("seeds", "gold"):
        shutil.copytree(ROOT / folder, work / folder)
    (work / ".venv").symlink_to(ROOT / ".venv")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Fuseki)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {**os.environ, "FUSEKI": f"http://127.0.0.1:{server.server_port}/ds", "PYTHONHASHSEED": "0"}
    port = str(_free_port())  # the README's 7878 may be taken on this machine
    # the first command's build (the venv and the install are the ones this test suite runs in)
    build = shlex.split(FIRST_TWO[0].split(" && ")[-1])
    results = {0: subprocess.run(build, cwd=work, env=env, capture_output=True, text=True, timeout=900)}
    servers = []
    try:
        for i, block in enumerate(BLOCKS[1:], 1):
            block = block.replace("7878", port)
            if block.lstrip().startswith(".venv/bin/kg serve"):  # runs until stopped: start it, wait until it answers
                proc = subprocess.Popen(["bash", "-c", block], cwd=work, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, start_new_session=True)
                servers.append((i, proc, _wait_for(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", proc)))
                continue
            results[i] = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=work, env=env,
                                        capture_output=True, text=True, timeout=900)
    finally:
        server.shutdown()
        for i, proc, ready in servers:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)  # the whole group: kg serve and its oxigraph
            out, err = proc.communicate(timeout=60)
            results[i] = subprocess.CompletedProcess(proc.args, 0 if ready else 1, out, err)
    return work, results, _Fuseki.received


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, seconds: float = 120) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except OSError:
            time.sleep(0.3)
    return False


def test_readme_first_command_builds_the_exports(readme_run):
    work, results, _ = readme_run
    assert results[0].returncode == 0, results[0].stderr
    for name in ("kg.ttl", "graph.html", "ontology.html", "queries/agreements_signers.csv"):
        assert (work / "exports" / name).is_file(), name


def test_readme_lists_every_file_the_build_writes(readme_run):
    work, _, _ = readme_run
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## What the build writes"):text.index("\n## ", text.index("## What the build writes") + 5)]
    written = sorted(p.name for p in (work / "exports").iterdir() if not p.name.startswith("."))
    assert written
    for name in written:
        shown = f"`exports/{name}`" if name != "queries" else "`exports/queries/<name>.csv`"
        assert shown in table, f"README's 'What the build writes' does not mention {shown}"


@pytest.mark.parametrize("index", range(1, len(BLOCKS)))
def test_readme_block_runs_as_shown(readme_run, index):
    work, results, received = readme_run
    block, res = BLOCKS[index], results[index]
    assert res.returncode == 0, f"README block failed:\n{block}\n--- stderr\n{res.stderr}"
    assert "Traceback" not in res.stderr
    keys = [k for k in EXPECT if k in block]
    assert keys, f"README block has no expectations in tests/test_readme.py:\n{block}"
    for key in keys:
        for needle in EXPECT[key]:
            assert needle in res.stdout, f"{needle!r} not in the output of:\n{block}"
    if "FUSEKI" in block:
        assert received, "curl sent nothing to the Graph Store endpoint"
        assert len(received) == block.count("$FUSEKI/data")
        for method, path, ctype, body in received:
            assert (method, path) == ("PUT", "/ds/data?default") and ctype.startswith("text/turtle")
            assert body == (work / "exports" / "kg.ttl").read_bytes()


def test_readme_cli_reference_matches_the_cli():
    text = README.read_text(encoding="utf-8")
    assert README_START in text and README_END in text
    section = text[text.index(README_START) + len(README_START):text.index(README_END)].strip()
    assert section == cli_reference_markdown().strip(), (
        "README's CLI reference is out of date: run `.venv/bin/python -m kg.docs`")


def _commands() -> list[str]:
    with click.Context(main) as ctx:
        return sorted(main.list_commands(ctx))


@pytest.mark.parametrize("name", ["build", "query", "eval", "stats"])
def test_readme_core_commands_are_registered(name):
    assert name in _commands()


@pytest.mark.parametrize("name", _commands())
def test_readme_every_command_help_has_a_runnable_example(name, monkeypatch):
    monkeypatch.chdir(ROOT)  # examples name paths relative to the project root
    res = CliRunner().invoke(main, [name, "--help"])
    assert res.exit_code == 0 and "Example" in res.output, res.output
    examples = re.findall(r"^\s+kg (\S.*)$", res.output.split("Example", 1)[1], flags=re.M)
    assert examples, f"kg {name} --help shows no example"
    cmd = main.get_command(click.Context(main), name)
    for line in examples:
        args = shlex.split(line)
        assert args[0] == name
        cmd.make_context(name, args[1:])  # the example's options parse


@pytest.mark.parametrize(("args", "needle"), [
    (["build", "no/such/folder", "--out", "{tmp}/o", "--quiet"], "no such file or folder"),
    (["query", "agreements_signers", "--graph", "{tmp}/none.ttl"], "graph file not found"),
    (["eval", "{tmp}/no_gold"], "gold folder not found"),
    (["stats", "--graph", "{tmp}/none.ttl"], "graph file not found"),
    (["build", "{seeds}/003_acbd63032d83fe6a.txt", "--out", "{tmp}/a_file", "--quiet"], "a_file"),
])
def test_readme_errors_are_one_sentence_unless_debug(tmp_path, args, needle):
    (tmp_path / "a_file").write_text("not a folder", encoding="utf-8")
    args = [a.replace("{tmp}", str(tmp_path)).replace("{seeds}", str(ROOT / "seeds")) for a in args]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 1
    assert needle in res.output and "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1
    debug = CliRunner().invoke(main, ["--debug", *args])
    assert debug.exit_code == 1 and debug.exception is not None and not isinstance(debug.exception, SystemExit)


def test_readme_invalid_sparql_is_one_line_error(seed_build, tmp_path):
    _, out = seed_build
    (tmp_path / "bad.rq").write_text("SELECT ?x WHERE {", encoding="utf-8")
    res = CliRunner().invoke(main, ["query", str(tmp_path / "bad.rq"), "--graph", str(out / "kg.ttl")])
    assert res.exit_code == 1 and "invalid SPARQL" in res.output
    assert len(res.output.strip().splitlines()) == 1


@pytest.mark.parametrize("quiet", [True, False])
def test_readme_quiet_silences_build_progress(tmp_path, quiet):
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(6):  # more than a few files: the progress bar would show
        (docs / f"{i}.txt").write_text(f"四川省与重庆市签订《第{i}号合作协议》。", encoding="utf-8")
    res = CliRunner().invoke(main, ["build", str(docs), "--out", str(tmp_path / "o"), *(["--quiet"] if quiet else [])])
    assert res.exit_code == 0, res.output
    assert (res.output == "") is quiet
    assert (tmp_path / "o" / "ontology.html").is_file()


def test_docs_ontology_page_documents_every_term():
    from rdflib import OWL, RDF

    g = load_ontology()
    html = render_ontology_html(g)
    terms = [t for cls in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty) for t in g.subjects(RDF.type, cls)
             if str(t).startswith("https://w3id.org/chuanyu-kg/ontology#")]
    assert len(terms) > 20
    for t in terms:
        assert f'id="{str(t).split("#")[1]}"' in html
    assert "<script" not in html and "http://" not in html.split("<body>")[0]  # no scripts, no CDN


def test_docs_ontology_page_is_built_and_deterministic(seed_build, tmp_path):
    from kg.pipeline import build

    _, out = seed_build
    first = (out / "ontology.html").read_bytes()
    assert first == render_ontology_html(load_ontology()).encode("utf-8")
    build([ROOT / "seeds" / "003_acbd63032d83fe6a.txt"], out=tmp_path, quiet=True, queries=False)
    assert (tmp_path / "ontology.html").read_bytes() == first


@pytest.mark.parametrize("evil", ["<script>alert(1)</script>", "a & b \"q\" 'x'"])
def test_docs_ontology_page_escapes_text(tmp_path, evil):
    from kg.docs import write_ontology_html

    src = ROOT / "ontology" / "chuanyu.ttl"
    text = src.read_text(encoding="utf-8").replace('"Meeting"@en', '"' + evil.replace('"', '\\"') + '"@en', 1)
    (tmp_path / "o.ttl").write_text(text, encoding="utf-8")
    html = write_ontology_html(tmp_path / "o.html", ontology=tmp_path / "o.ttl").read_text(encoding="utf-8")
    assert evil not in html
    assert "&lt;script&gt;" in html or "&amp; b &quot;q&quot;" in html
