"""Viz: a self-contained interactive network view (``graph.html``).

vis-network (shipped inside the ``pyvis`` package) is inlined, so the page makes no
network request.  Graph data travels as JSON inside a ``<script type="application/json">``
element with ``<``, ``>`` and ``&`` escaped, and the page inserts document text with
``textContent`` only, so text from documents can never run as markup.

>>> html = render_html([], [], title="t")
>>> "<script src=" in html
False
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import networkx as nx

from kg.export import atomic_write_text
from kg.model import Entity, Relation

COLOURS = {
    "Agency": "#1f77b4", "Region": "#2ca02c", "River": "#17becf", "Agreement": "#d62728",
    "Programme": "#ff7f0e", "Standard": "#9467bd", "Regulation": "#8c564b", "Meeting": "#e377c2",
}
SHAPES = {
    "Agency": "dot", "Region": "triangle", "River": "diamond", "Agreement": "square",
    "Programme": "dot", "Standard": "star", "Regulation": "hexagon", "Meeting": "triangleDown",
}
RELATION_LABELS = {
    "signedBy": "签署 signedBy", "issuedBy": "发布 issuedBy", "concerns": "涉及 concerns", "participant": "参与 participant",
}


def _vis_js() -> str:
    import pyvis

    path = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
    return path.read_text(encoding="utf-8")


def json_for_script(data: object) -> str:
    """JSON safe to embed in a <script> element.

    >>> json_for_script({"a": "</script><img src=x onerror=alert(1)>"})
    '{"a": "\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    s = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def graph_data(entities: list[Entity], relations: list[Relation]) -> dict:
    g = nx.Graph()
    for e in entities:
        g.add_node(e.key)
    for r in relations:
        g.add_edge(r.subject, r.object)
    degree = dict(g.degree())
    nodes = [
        {
            "id": e.key, "label": e.label, "type": e.type, "aliases": list(e.aliases), "docs": list(e.documents),
            "quotes": [[ev.doc, ev.start, ev.end, ev.exact] for ev in e.mentions[:20]],
            "size": 8 + 4 * min(degree.get(e.key, 0), 12) ** 0.8,
            "color": COLOURS[e.type], "shape": SHAPES[e.type],
        }
        for e in entities
    ]
    edges = [
        {
            "id": f"{r.subject}|{r.predicate}|{r.object}", "from": r.subject, "to": r.object, "predicate": r.predicate,
            "label": RELATION_LABELS[r.predicate],
            "quotes": [[ev.doc, ev.start, ev.end, ev.exact] for ev in r.evidence[:10]],
        }
        for r in relations
    ]
    return {"nodes": nodes, "edges": edges, "colours": COLOURS, "relations": RELATION_LABELS}


def render_html(entities: list[Entity], relations: list[Relation], *, title: str) -> str:
    template = resources.files("kg").joinpath("viz/template.html").read_text(encoding="utf-8")
    data = json_for_script(graph_data(entities, relations))
    return (
        template.replace("/*VIS_JS*/", _vis_js().replace("</script", "<\\/script"))
        .replace("__GRAPH_JSON__", data)
        .replace("__TITLE__", json_for_script(title)[1:-1].replace('"', "&quot;"))
    )


def write_html(entities: list[Entity], relations: list[Relation], path: str | Path, *, title: str = "chuanyu-kg") -> None:
    atomic_write_text(path, render_html(entities, relations, title=title))
