"""Query: bundled SPARQL queries (``kg/queries/*.rq``) or your own, on an embedded store.

>>> sorted(bundled_queries())[:2]
['agencies_by_agreements', 'agreements_signers']
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError, QueryError


@dataclass(frozen=True)
class QueryResult:
    variables: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def to_csv(self) -> str:
        buf = io.StringIO(newline="")
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(self.variables)
        w.writerows(self.rows)
        return buf.getvalue()

    def to_json(self) -> str:
        return json.dumps([dict(zip(self.variables, r, strict=True)) for r in self.rows], ensure_ascii=False, indent=2) + "\n"

    def to_table(self) -> str:
        widths = [max([_width(v)] + [_width(r[i]) for r in self.rows]) for i, v in enumerate(self.variables)]
        lines = ["  ".join(_pad(v, w) for v, w in zip(self.variables, widths, strict=True)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in self.rows]
        return "\n".join(lines) + "\n"


def _width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _pad(s: str, w: int) -> str:
    return s + " " * (w - _width(s))


def bundled_queries() -> dict[str, str]:
    """Bundled query names → SPARQL text."""
    folder = resources.files("kg").joinpath("queries")
    return {p.name[:-3]: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.name.endswith(".rq")}


def describe(sparql: str) -> str:
    """The first comment line of a query: what it answers."""
    for line in sparql.splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return ""


_SPARQL_TEXT = re.compile(r"(?is)\s*(?:#[^\n]*\n\s*)*(?:PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE)\b.*\{")


def load_query(name_or_path: str) -> str:
    """A bundled query by name, a ``.rq`` file, or the text of a query itself.

    >>> load_query("SELECT ?s WHERE { ?s ?p ?o }")
    'SELECT ?s WHERE { ?s ?p ?o }'
    """
    queries = bundled_queries()
    if name_or_path in queries:
        return queries[name_or_path]
    if _SPARQL_TEXT.match(name_or_path):
        return name_or_path
    p = Path(name_or_path)
    if p.is_file():
        try:
            return p.read_text(encoding="utf-8-sig")  # a BOM (Windows Notepad) is no part of the query
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"cannot read query file: {exc}", path=p) from exc
    raise QueryError(f"no bundled query or file named {name_or_path!r}; bundled: {', '.join(sorted(queries))}")


def load_store(graph_path: str | Path, *, error: type[KGError] = QueryError) -> ox.Store:
    """An in-memory Oxigraph store holding a graph file (Turtle, N-Triples, JSON-LD, TriG,
    N-Quads — by extension); a missing or bad file raises ``error``.  Quads keep their
    graphs, and the default graph also holds every triple of them (their RDF merge), so a
    TriG file answers as its Turtle twin does."""
    p = Path(graph_path)
    if not p.is_file():
        raise error("graph file not found (run `kg build` first)", path=p)
    fmt = ox.RdfFormat.from_extension(p.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
    store = ox.Store()
    try:
        store.bulk_load(path=str(p), format=fmt)
        if fmt.supports_datasets:
            store.bulk_extend([ox.Quad(q.subject, q.predicate, q.object) for q in store
                               if not isinstance(q.graph_name, ox.DefaultGraph)])
    except (SyntaxError, ValueError, OSError) as exc:
        raise error(f"cannot load the graph ({type(exc).__name__}: {exc})", path=p) from exc
    return store


def _term(t) -> str:
    if t is None:
        return ""
    return t.value


_UPDATE = re.compile(r"(?is)^(?:\s|#[^\n]*\n|(?:PREFIX|BASE)\s[^<]*<[^>]*>)*(?:INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)\b")


def run_query(sparql: str, store: ox.Store) -> QueryResult:
    """Run a SELECT (or ASK) query; every value as its lexical form.

    >>> s = ox.Store()
    >>> run_query("SELECT ?x WHERE { VALUES ?x { 1 2 } }", s).rows
    (('1',), ('2',))
    >>> run_query("ASK { }", s).rows
    (('true',),)
    """
    if _UPDATE.match(sparql):
        raise QueryError("SPARQL updates (INSERT, DELETE, LOAD …) are not run here: only SELECT and ASK queries")
    try:
        res = store.query(sparql)
    except SyntaxError as exc:
        raise QueryError(f"invalid SPARQL: {exc}") from exc
    if isinstance(res, ox.QueryBoolean):
        return QueryResult(("ask",), (("true" if res else "false",),))
    if isinstance(res, ox.QuerySolutions):
        variables = tuple(v.value for v in res.variables)
        rows = tuple(tuple(_term(sol[v]) for v in variables) for sol in res)
        return QueryResult(variables, rows)
    raise QueryError("only SELECT and ASK queries are supported here")
