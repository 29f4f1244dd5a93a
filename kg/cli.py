"""Command-line interface: parses options, calls the stages, reports.

Results go to stdout, messages and progress to stderr.  Domain errors become one
sentence (no traceback unless ``--debug``).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

import click

from kg import __version__, recache
from kg.errors import KGError

recache.install()  # compiled regular expressions kept between runs of the command (before any stage is imported)

EXIT_SKIPPED = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


class KGGroup(click.Group):
    """Turns :class:`KGError` and OS errors into a one-line error unless ``--debug``, and Ctrl-C
    into exit status 130."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # Ctrl-C: the build's staging folder is already discarded
            click.echo("kg: interrupted; nothing was published", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except (KGError, OSError) as exc:
            if ctx.params.get("debug"):
                raise
            if isinstance(exc, OSError) and not isinstance(exc, KGError):
                where = f"{exc.filename}: " if exc.filename else ""
                message = f"{where}{exc.strerror or exc} (rerun with `kg --debug` for details)"
            else:
                message = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise click.ClickException(message) from exc


@click.group(cls=KGGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kg")
@click.option("--debug", is_flag=True, help="Show full tracebacks.")
def main(debug: bool) -> None:
    """chuanyu-kg: the knowledge graph of Sichuan–Chongqing (川渝) environmental cooperation.

    Reads Chinese government letters, reports, press conferences and news pages, finds the
    agencies, regions, rivers, agreements, programmes, standards, regulations and meetings
    in them and how they connect, and publishes an RDF graph with evidence for every fact.

    \b
    Example:
      kg build seeds --out exports
      kg query agreements_signers
    """
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="kg: %(message)s", stream=sys.stderr)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out", default="exports", show_default=True, type=click.Path(path_type=Path), help="Output folder.")
@click.option("--strict", is_flag=True, help="Fail (exit 1, nothing written) if any file cannot be read.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
@click.option("--jobs", "-j", "jobs", default=1, show_default=True, type=click.IntRange(min=0),
              help="Processes analysing documents in parallel (0: one per CPU). Output is the same for any N.")
@click.option("--no-cache", "no_cache", is_flag=True, help="Re-analyse every document (ignore and do not update OUT/.cache).")
@click.option("--base-iri", "base_iri", default=None, metavar="IRI",
              help="Mint the graph's resources under IRI instead of https://w3id.org/chuanyu-kg/id/ "
                   "(the ontology's terms stay cy:).")
def build(paths: tuple[Path, ...], out: Path, strict: bool, quiet: bool, jobs: int, no_cache: bool,
          base_iri: str | None) -> None:
    """Build the graph from documents (.txt, .md, .html) into OUT.

    PATHS are files or folders (default: seeds/). Writes OUT/kg.ttl (Turtle),
    OUT/graph.html (interactive view), OUT/ontology.html (ontology documentation)
    and OUT/queries/<name>.csv (bundled query results).

    \b
    Exit status: 0 all files built; 3 built, but some files were skipped
    (each named on stderr with the reason); 1 error (with --strict: any skipped file).

    \b
    Example:
      kg build seeds --out exports
      kg build my_docs/ more.html --out /tmp/kg --strict
      kg build my_docs/ --out /tmp/kg --base-iri https://example.org/kg/
    """
    from kg.pipeline import build as run_build

    jobs = jobs or (os.cpu_count() or 1)
    options = {"base_iri": base_iri} if base_iri is not None else {}
    result = run_build(list(paths) or [Path("seeds")], out=out, quiet=quiet, strict=strict, jobs=jobs,
                       cache=not no_cache, **options)
    for w in result.warnings:
        click.echo(f"warning: {w}", err=True)
    for e in result.skipped:
        click.echo(f"skipped: {e}", err=True)
    if not quiet:
        click.echo(result.summary())
    if result.skipped:
        sys.exit(EXIT_SKIPPED)


@main.command()
@click.argument("query", required=False)
@click.option("--graph", "graph", default="exports/kg.ttl", show_default=True, type=click.Path(path_type=Path), help="Graph file to query.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--list", "list_only", is_flag=True, help="List the bundled queries and what they answer.")
def query(query: str | None, graph: Path, fmt: str, list_only: bool) -> None:
    """Run a bundled query by NAME, your own FILE.rq, or a query given as text, on the graph.

    Runs on an embedded Oxigraph store: no server needed.
    Use `kg query --list` to see the bundled queries.

    \b
    Example:
      kg query agreements_signers
      kg query my_question.rq --graph exports/kg.ttl --format csv
      kg query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
    """
    from kg.query import bundled_queries, describe, load_query, load_store, run_query

    if list_only:
        for name, text in sorted(bundled_queries().items()):
            click.echo(f"{name}\t{describe(text)}")
        return
    if query is None:
        raise click.UsageError("give a bundled query's NAME or a FILE.rq (`kg query --list` lists the bundled ones)")
    res = run_query(load_query(query), load_store(graph))
    click.echo({"table": res.to_table, "csv": res.to_csv, "json": res.to_json}[fmt](), nl=False)


@main.command(name="eval")
@click.argument("gold_dir", type=click.Path(path_type=Path))
@click.option("--docs", "docs", default="seeds", show_default=True, type=click.Path(path_type=Path), help="Folder of the documents the gold annotates.")
@click.option("--verbose", "-v", is_flag=True, help="Also list the misses and the extras.")
@click.option("--json", "as_json", is_flag=True, help="Scores as JSON.")
def eval_(gold_dir: Path, docs: Path, verbose: bool, as_json: bool) -> None:
    """Score extraction against gold annotations (GUIDELINES.md format).

    Builds the documents in memory (nothing written), then prints precision, recall
    and F1 per entity type, per relation and overall (micro).  A document that cannot
    be read or analysed is named on stderr and scored as finding nothing (exit status 3).

    \b
    Example:
      kg eval gold --docs seeds --verbose
    """
    from kg.evaluate import evaluate, load_gold
    from kg.pipeline import extract_all
    from kg.resolve import resolve

    gold = load_gold(gold_dir)
    wanted = {g.doc for g in gold}
    files = [p for p in sorted(Path(docs).glob("*")) if p.name in wanted]
    missing = wanted - {p.name for p in files}
    if missing:
        raise KGError(f"gold annotates documents not found in {docs}: {', '.join(sorted(missing))}")
    extractions, result = extract_all(files)
    entities, relations = resolve(extractions)
    report = evaluate(gold, entities, relations)
    click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if as_json else report.to_text(verbose=verbose))
    for e in result.skipped:  # scored as if nothing was found in it: say so, and do not exit 0
        click.echo(f"skipped: {e} (scored as finding nothing)", err=True)
    if result.skipped:
        sys.exit(EXIT_SKIPPED)

from kg.cli_stats import stats_cmd  # noqa: E402

main.add_command(stats_cmd)

from kg.cli_store import push_cmd, serve_cmd, validate_cmd  # noqa: E402

for _cmd in (validate_cmd, serve_cmd, push_cmd):
    main.add_command(_cmd)
