"""``kg stats``: counts, the most connected agencies, cross-provincial agreements, busiest documents."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="stats")
@click.option("--graph", "graph", default="exports/kg.ttl", show_default=True, type=click.Path(path_type=Path),
              help="Graph file to summarise.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1), help="Rows per ranked list.")
@click.option("--quiet", "-q", is_flag=True, help="Accepted for symmetry with the other commands (stats prints no progress).")
def stats_cmd(graph: Path, as_json: bool, top: int, quiet: bool) -> None:
    """Summarise a graph: counts, hubs, cross-provincial ties.

    Prints entities per class, relations per kind, the most connected agencies,
    the agreements signed by both a Sichuan-side and a Chongqing-side party, and the
    documents that contribute the most facts; as tables, or JSON with --json.

    \b
    Example:
      kg stats
      kg stats --graph exports/kg.ttl --json --top 5
    """
    from kg.stats import compute_stats, load_graph

    result = compute_stats(load_graph(graph), top=top)
    click.echo(result.to_json() if as_json else result.to_table(), nl=False)
