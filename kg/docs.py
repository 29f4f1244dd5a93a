"""Docs: human-readable HTML documentation of the ontology (``ontology/chuanyu.ttl``).

A small, dependency-free generator (rdflib only) in the spirit of pyLODE: one
self-contained page — no scripts, no CDN — listing the ontology's metadata, classes,
object properties and datatype properties with their labels (中文 and English), comments,
super-classes, domains and ranges.  Output is deterministic: same ontology → same bytes.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "ontology.html"
>>> _ = write_ontology_html(out)
>>> 'id="Agency"' in out.read_text(encoding="utf-8")
True
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS

from kg.errors import KGError
from kg.vocab import CY, PREFIXES

#: The ontology file of the source tree (the build falls back to the packaged copy).
ONTOLOGY_FILE = Path(__file__).resolve().parent.parent / "ontology" / "chuanyu.ttl"

_EXTRA_PREFIXES = {
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "eli": "http://data.europa.eu/eli/ontology#",
}

_CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;
max-width:62rem;margin:2rem auto;padding:0 1rem;line-height:1.55;color:#1d2733}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{border-bottom:2px solid #d5dde6;padding-bottom:.2rem;margin-top:2.2rem}
section.term{border:1px solid #d5dde6;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
section.term h3{margin:.2rem 0 .4rem}code{background:#f1f4f7;padding:0 .25rem;border-radius:3px}
table{border-collapse:collapse}td,th{text-align:left;vertical-align:top;padding:.15rem .8rem .15rem 0}
th{color:#51606f;font-weight:600;white-space:nowrap}nav ul{columns:3}.muted{color:#51606f}
"""


def _ontology_text(path: str | Path | None) -> tuple[str, str]:
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise KGError("ontology file not found", path=p)
        return p.read_text(encoding="utf-8"), p.name
    if ONTOLOGY_FILE.is_file():
        return ONTOLOGY_FILE.read_text(encoding="utf-8"), ONTOLOGY_FILE.name
    raise KGError("ontology file not found", path=ONTOLOGY_FILE)


def load_ontology(path: str | Path | None = None) -> Graph:
    """Parse the ontology (default: ``ontology/chuanyu.ttl``) into an rdflib graph.

    >>> (CY.Agency, RDF.type, OWL.Class) in load_ontology()
    True
    """
    text, name = _ontology_text(path)
    g = Graph()
    try:
        g.parse(data=text, format="turtle")
    except Exception as exc:  # rdflib raises many types on bad Turtle
        raise KGError(f"cannot parse the ontology as Turtle ({type(exc).__name__})", path=name) from exc
    return g


def _curie(term: URIRef) -> str:
    s = str(term)
    for prefix, ns in sorted({**PREFIXES, **_EXTRA_PREFIXES}.items(), key=lambda kv: -len(kv[1])):
        if s.startswith(ns) and len(s) > len(ns):
            return f"{prefix}:{s[len(ns):]}"
    return s


def _local(term: URIRef) -> str:
    return str(term).removeprefix(str(CY._NS))


def _is_local(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(str(CY._NS))


def _ref(g: Graph, term) -> str:
    """HTML for a class/property reference: a link for our own terms, a CURIE otherwise."""
    if isinstance(term, BNode):
        members = g.value(term, OWL.unionOf)
        if members is not None:
            return " ∪ ".join(_ref(g, m) for m in Collection(g, members))
        return "(anonymous)"
    if _is_local(term):
        return f'<a href="#{escape(_local(term))}"><code>{escape(_curie(term))}</code></a>'
    return f'<a href="{escape(str(term))}"><code>{escape(_curie(term))}</code></a>'


def _labels(g: Graph, term, prop=RDFS.label) -> list[Literal]:
    return sorted((o for o in g.objects(term, prop) if isinstance(o, Literal)), key=lambda lit: (lit.language or "", str(lit)))


def _label_text(g: Graph, term) -> str:
    labels = _labels(g, term)
    return " / ".join(str(lit) for lit in sorted(labels, key=lambda lit: (lit.language != "zh", str(lit))))


def _rows(g: Graph, term, *, kind: str) -> list[tuple[str, str]]:
    rows = [("IRI", f"<code>{escape(str(term))}</code>")]
    for lit in sorted(_labels(g, term), key=lambda lit: (lit.language != "zh", str(lit))):
        rows.append((f"label ({escape(lit.language or '-')})", escape(str(lit))))
    for lit in _labels(g, term, RDFS.comment):
        rows.append(("description", escape(str(lit))))
    if kind == "class":
        supers = sorted(g.objects(term, RDFS.subClassOf), key=str)
        if supers:
            rows.append(("subclass of", ", ".join(_ref(g, s) for s in supers)))
        subs = sorted(g.subjects(RDFS.subClassOf, term), key=str)
        if subs:
            rows.append(("superclass of", ", ".join(_ref(g, s) for s in subs)))
        used_in = sorted({p for p in g.subjects(RDFS.domain, term)}, key=str)
        if used_in:
            rows.append(("properties", ", ".join(_ref(g, p) for p in used_in)))
    else:
        traits = sorted(_curie(t) for t in g.objects(term, RDF.type) if t not in (OWL.ObjectProperty, OWL.DatatypeProperty))
        if traits:
            rows.append(("characteristics", ", ".join(f"<code>{escape(t)}</code>" for t in traits)))
        for prop, name in ((RDFS.subPropertyOf, "subproperty of"), (RDFS.domain, "domain"), (RDFS.range, "range")):
            values = sorted(g.objects(term, prop), key=lambda v: (isinstance(v, BNode), str(v) if not isinstance(v, BNode) else ""))
            if values:
                rows.append((name, ", ".join(_ref(g, v) for v in values)))
    return rows


def _term_section(g: Graph, term, *, kind: str) -> str:
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in _rows(g, term, kind=kind))
    return (f'<section class="term" id="{escape(_local(term))}"><h3>{escape(_label_text(g, term) or _local(term))} '
            f'<span class="muted"><code>{escape(_curie(term))}</code></span></h3><table>{body}</table></section>\n')


def render_ontology_html(g: Graph) -> str:
    """The documentation page of an ontology graph, as a string.

    >>> html = render_ontology_html(load_ontology())
    >>> html.count('<section class="term"') > 10, "cy:signedBy" in html
    (True, True)
    """
    onto = next(iter(sorted(g.subjects(RDF.type, OWL.Ontology), key=str)), None)
    title = _label_text(g, onto) if onto is not None else "Ontology"
    groups = [
        ("classes", "Classes 类", "class", OWL.Class),
        ("object-properties", "Object properties 对象属性", "property", OWL.ObjectProperty),
        ("datatype-properties", "Datatype properties 数据属性", "property", OWL.DatatypeProperty),
    ]
    out = ["<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n",
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
           f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
           f"<h1>{escape(title)}</h1>\n"]
    if onto is not None:
        meta = [("IRI", f"<code>{escape(str(onto))}</code>"), ("prefix", f"<code>cy: &lt;{escape(str(CY._NS))}&gt;</code>")]
        for v in g.objects(onto, OWL.versionInfo):
            meta.append(("version", escape(str(v))))
        for v in sorted(g.objects(onto, DCTERMS.license), key=str):
            meta.append(("license", f'<a href="{escape(str(v))}">{escape(str(v))}</a>'))
        for lit in _labels(g, onto, RDFS.comment):
            meta.append(("description", escape(str(lit))))
        out.append("<table>" + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in meta) + "</table>\n")
    terms = {key: sorted((t for t in g.subjects(RDF.type, cls) if _is_local(t)), key=str) for key, _, _, cls in groups}
    out.append('<p>See also: <a href="graph.html">the network view</a> · <a href="kg.ttl">the graph (Turtle)</a> · '
               '<a href="queries/">the bundled query results</a></p>\n')
    out.append("<nav><h2>Contents 目录</h2>\n")
    for key, heading, _, _ in groups:
        links = "".join(f'<li><a href="#{escape(_local(t))}">{escape(_curie(t))}</a></li>' for t in terms[key])
        out.append(f'<h4><a href="#{key}">{escape(heading)}</a></h4><ul>{links}</ul>\n')
    out.append("</nav>\n")
    for key, heading, kind, _ in groups:
        out.append(f'<h2 id="{key}">{escape(heading)}</h2>\n')
        out.extend(_term_section(g, t, kind=kind) for t in terms[key])
    disjoint = []
    for node in sorted(g.subjects(RDF.type, OWL.AllDisjointClasses), key=lambda n: ""):
        members = g.value(node, OWL.members)
        if members is not None:
            disjoint.append(", ".join(_ref(g, m) for m in Collection(g, members)))
    if disjoint:
        out.append('<h2 id="axioms">Axioms 公理</h2>\n')
        out.extend(f"<p>Pairwise disjoint: {d}</p>\n" for d in disjoint)
    out.append('<p class="muted">Generated by <code>kg build</code> (kg/docs.py) from '
               '<code>ontology/chuanyu.ttl</code>.</p>\n</body>\n</html>\n')
    return "".join(out)


def write_ontology_html(out: str | Path, *, ontology: str | Path | None = None) -> Path:
    """Write the ontology documentation page to ``out``; returns the path (see the module example)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_ontology_html(load_ontology(ontology)), encoding="utf-8", newline="\n")
    return out


__all__ = ["ONTOLOGY_FILE", "load_ontology", "render_ontology_html", "write_ontology_html"]


# ---------------------------------------------------------------- CLI reference (README)

README_START = "<!-- cli-reference:start (generated by `python -m kg.docs`; do not edit by hand) -->"
README_END = "<!-- cli-reference:end -->"


def cli_reference_markdown() -> str:
    """The README's CLI reference, generated from the click commands themselves.

    >>> "### `kg build`" in cli_reference_markdown()
    True
    """
    import click

    from kg.cli import main

    parts = []
    with click.Context(main, info_name="kg") as root:
        for name in sorted(main.list_commands(root)):
            cmd = main.get_command(root, name)
            if cmd is None or cmd.hidden:
                continue
            with click.Context(cmd, info_name=name, parent=root) as ctx:
                usage = " ".join(cmd.collect_usage_pieces(ctx))
                lines = [f"### `kg {name}`", "", f"`kg {name} {usage}`".replace("  ", " "), ""]
                lines.append(cmd.get_short_help_str(limit=200))
                lines.append("")
                for param in cmd.get_params(ctx):
                    record = param.get_help_record(ctx)
                    if record is None or not isinstance(param, click.Option) or "--help" in param.opts:
                        continue
                    opts, text = record
                    lines.append(f"- `{opts}`" + (f" — {text}" if text else ""))
                examples = _examples(cmd.help or "")
                if examples:
                    lines += ["", "```text", *examples, "```"]
                parts.append("\n".join(lines).rstrip() + "\n")
    return "\n".join(parts)


def _examples(help_text: str) -> list[str]:
    lines = help_text.splitlines()
    for i, line in enumerate(lines):
        if line.strip().lower().startswith("example"):
            out = []
            for more in lines[i + 1:]:
                if not more.strip() or more.strip() == "\b":
                    break
                out.append(more.strip())
            return out
    return []


def update_readme(path: str | Path) -> bool:
    """Rewrite the generated CLI reference between the markers of ``path``; True if it changed.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "README.md"
    >>> _ = p.write_text(f"# x\\n{README_START}\\nold\\n{README_END}\\n", encoding="utf-8")
    >>> update_readme(p), update_readme(p), "### `kg stats`" in p.read_text(encoding="utf-8")
    (True, False, True)
    """
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise KGError("README has no CLI reference markers", path=p)
    new = text[: start + len(README_START)] + "\n\n" + cli_reference_markdown() + "\n" + text[end:]
    if new != text:
        p.write_text(new, encoding="utf-8", newline="\n")
    return new != text


if __name__ == "__main__":  # python -m kg.docs: refresh README.md's CLI reference
    import sys

    changed = update_readme(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("README.md"))
    print("README.md: CLI reference " + ("updated" if changed else "already up to date"))
