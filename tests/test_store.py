from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.store import StoreError, free_port, graph_store_url, push, start_server

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _select(server, sparql: str) -> list[dict]:
    url = f"{server.query_url}?query={urllib.parse.quote(sparql)}"
    req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())["results"]["bindings"]


def _count(server, graph: str | None = None) -> int:
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}" if graph else COUNT
    return int(_select(server, q)[0]["n"]["value"])


def _triples(path) -> int:
    return sum(1 for _ in ox.parse(path=str(path)))


@pytest.fixture
def server(tmp_path):
    with start_server(None, port=free_port(), read_only=False, location=tmp_path / "db") as s:
        yield s
    assert s.process.poll() is not None


@pytest.mark.parametrize("name", ["kg.ttl", "kg.nt", "kg.jsonld"])
def test_store_push_default_graph_count_equals_turtle(seed_build, server, name):
    _result, out = seed_build
    res = CliRunner().invoke(main, ["push", str(out / name), "--endpoint", server.store_url])
    assert res.exit_code == 0, res.output
    assert _count(server) == _triples(out / "kg.ttl") > 1000
    assert f"pushed {_triples(out / 'kg.ttl')} triples" in res.output


@pytest.mark.parametrize("replace", [False, True])
def test_store_push_named_graph(seed_build, server, replace):
    _result, out = seed_build
    iri = "https://w3id.org/chuanyu-kg/graph/seeds"
    push(out / "kg.ttl", endpoint=server.store_url, graph=iri)
    push(out / "kg.nt", endpoint=server.store_url, graph=iri, replace=replace)
    assert _count(server, iri) == _triples(out / "kg.ttl")
    assert not _select(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 1") or _count(server) == _triples(out / "kg.ttl")


@pytest.mark.parametrize(("endpoint", "match"), [
    ("ftp://example.org/store", "http"),
    (None, "cannot reach"),
])
def test_store_push_errors(seed_build, endpoint, match):
    _result, out = seed_build
    endpoint = endpoint or f"http://127.0.0.1:{free_port()}/store"
    with pytest.raises(StoreError, match=match):
        push(out / "kg.ttl", endpoint=endpoint)


def test_store_push_refused_is_store_error(seed_build, tmp_path):
    _result, out = seed_build
    with start_server(out / "kg.ttl", port=free_port(), read_only=True) as s:
        with pytest.raises(StoreError, match="refused"):
            push(out / "kg.ttl", endpoint=s.store_url)


def test_store_push_rejects_datasets(seed_build):
    _result, out = seed_build
    with pytest.raises(StoreError, match="cannot push .trig"):
        push(out / "kg.trig", endpoint="http://127.0.0.1:1/store")


@pytest.mark.parametrize(("graph", "url"), [
    (None, "http://h/store?default"),
    ("https://e.org/g#1", "http://h/store?graph=https%3A%2F%2Fe.org%2Fg%231"),
])
def test_store_graph_store_url(graph, url):
    assert graph_store_url("http://h/store", graph=graph) == url


def test_store_server_is_read_only_with_the_graph(seed_build):
    _result, out = seed_build
    with start_server(out / "kg.ttl", port=free_port()) as s:
        assert s.query_url.startswith("http://127.0.0.1:")
        assert _count(s) == _triples(out / "kg.ttl")
        rows = _select(s, 'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> '
                          'SELECT ?a WHERE { ?a rdfs:label "长江流域川渝横向生态保护补偿协议"@zh }')
        assert rows
    assert s.process.poll() is not None and not s.location.exists()


def test_store_a_busy_port_is_an_error_not_the_other_server(seed_build, tmp_path):
    """A second server on a port already serving another graph fails; it must not pass the
    other one off as its own (its readiness check would be answered by the first)."""
    _result, out = seed_build
    port = free_port()
    with start_server(out / "kg.ttl", port=port) as first:
        small = tmp_path / "small.ttl"
        small.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n", encoding="utf-8")
        with pytest.raises(StoreError, match=f"port {port}.*in use"):
            start_server(small, port=port)
        res = CliRunner().invoke(main, ["serve", str(small), "--port", str(port)])
        assert res.exit_code == 1 and "in use" in res.output
        assert _count(first) == _triples(out / "kg.ttl")


def test_store_kg_serve_prints_url_and_stops_on_interrupt(seed_build):
    _result, out = seed_build
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli_store", str(out / "kg.ttl"), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.strip() == f"SPARQL endpoint: http://127.0.0.1:{port}/query"
        url = f"http://127.0.0.1:{port}/query?query={urllib.parse.quote(COUNT)}"
        with urllib.request.urlopen(url, timeout=30) as resp:
            assert resp.status == 200
        proc.send_signal(__import__("signal").SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=5)


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT"])
def test_store_serve_stops_server_and_removes_its_database_on_signal(tmp_path, sig):
    """`kg serve` under a service manager (SIGTERM) or Ctrl-C (SIGINT): the Oxigraph server
    goes with it, and so does its temporary database."""
    import os
    import signal
    import time

    graph = tmp_path / "g.nt"
    graph.write_text("<http://e.org/a> <http://e.org/p> <http://e.org/b> .\n", encoding="utf-8")
    port = free_port()
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli_store", str(graph), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert "SPARQL endpoint" in proc.stdout.readline()
        url = f"http://127.0.0.1:{port}/query?query={urllib.parse.quote(COUNT)}"
        with urllib.request.urlopen(url, timeout=10) as resp:
            assert resp.status == 200
        assert list(tmp_path.glob("kg-oxigraph-*"))
        proc.send_signal(getattr(signal, sig))
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert not list(tmp_path.glob("kg-oxigraph-*"))
    deadline = time.monotonic() + 10
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
        except OSError:
            break  # nobody listens on the port any more
        assert time.monotonic() < deadline, "the oxigraph server outlived `kg serve`"
        time.sleep(0.2)
