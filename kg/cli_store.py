"""CLI commands ``kg validate``, ``kg serve`` and ``kg push`` (registered in :mod:`kg.cli`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command(name="validate")
@click.argument("file", required=False, default="exports/kg.ttl", type=click.Path(path_type=Path))
@click.option("--shapes", type=click.Path(path_type=Path), default=None, help="SHACL shapes (default: ontology/shapes.ttl).")
@click.option("--limit", type=int, default=50, show_default=True, help="List at most this many violations.")
def validate_cmd(file: Path, shapes: Path | None, limit: int) -> None:
    """Check FILE (default exports/kg.ttl) against the project's SHACL shapes.

    Prints `conforms` or every violation (node, property, value, message).

    \b
    Exit status: 0 conforms; 1 violations (or the file cannot be read).

    \b
    Example:
      kg validate exports/kg.ttl
      kg validate my_graph.nt --shapes ontology/shapes.ttl
    """
    from kg.validate import validate_file

    report = validate_file(file, shapes=shapes)
    click.echo(report.to_text(limit=limit))
    if not report.conforms:
        sys.exit(1)


@click.command(name="serve")
@click.argument("file", required=False, default="exports/kg.ttl", type=click.Path(path_type=Path))
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True, help="Port on 127.0.0.1.")
def serve_cmd(file: Path, port: int) -> None:
    """Serve FILE (default exports/kg.ttl) as a read-only SPARQL endpoint on 127.0.0.1.

    Runs the Oxigraph server on a temporary copy of the graph and prints the query URL;
    Ctrl-C or SIGTERM (kill, a service manager, docker stop) stops it and removes the copy.

    \b
    Example:
      kg serve --port 7878
      curl 'http://127.0.0.1:7878/query' --data-urlencode 'query=SELECT (COUNT(*) AS ?n) {?s ?p ?o}'
    """
    from kg.store import serve

    serve(file, port=port, announce=lambda m: click.echo(m, err=not m.startswith("SPARQL")))


@click.command(name="push")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--endpoint", required=True, help="Graph Store Protocol URL of a writable store, e.g. http://localhost:3030/ds/data (Fuseki) "
                   "or http://127.0.0.1:7879/store (`oxigraph serve`; `kg serve` is read-only).")
@click.option("--graph", "graph", default=None, help="Named graph IRI (default: the default graph).")
@click.option("--replace", is_flag=True, help="Replace the graph (HTTP PUT) instead of adding to it (POST).")
def push_cmd(file: Path, endpoint: str, graph: str | None, replace: bool) -> None:
    """Upload FILE to a triple store via the SPARQL 1.1 Graph Store HTTP Protocol.

    \b
    Example:
      kg push exports/kg.ttl --endpoint http://127.0.0.1:7879/store
      kg push exports/kg.nt --endpoint http://localhost:3030/ds/data --graph https://w3id.org/chuanyu-kg/graph --replace
    """
    from kg.store import push

    res = push(file, endpoint=endpoint, graph=graph, replace=replace)
    click.echo(f"pushed {res.triples} triples to {res.url} (HTTP {res.status})")


if __name__ == "__main__":  # ``python -m kg.cli_store FILE --port N``: the serve command alone
    serve_cmd()
