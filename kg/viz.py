"""Viz: a self-contained interactive network view (``graph.html``).

vis-network (shipped inside the ``pyvis`` package) is inlined and a Content-Security-Policy
forbids every fetch, so the page makes no network request.  Graph data travels as JSON
inside a ``<script type="application/json">`` element with ``<``, ``>`` and ``&`` escaped,
and the page inserts document text with ``textContent`` only, so text from documents can
never run as markup.

The layout is computed here (networkx, fixed seed, integer coordinates), so the page draws
at once with physics off and the same graph always gives the same bytes; a checkbox runs
physics on demand and it stops again once the network is stable.

>>> html = render_html([], [], title="t")
>>> "<script src=" in html
False
"""

from __future__ import annotations

import html as html_lib
import json
import math
import re
from collections import deque
from functools import lru_cache
from importlib import resources
from pathlib import Path

import networkx as nx

from kg.errors import KGError
from kg.export import atomic_write_bytes, atomic_write_text
from kg.model import ENTITY_TYPES, RELATION_TYPES, Entity, Evidence, Relation

COLOURS = {
    "Agency": "#1f77b4", "Region": "#2ca02c", "River": "#17becf", "Agreement": "#d62728",
    "Programme": "#ff7f0e", "Standard": "#9467bd", "Regulation": "#8c564b", "Meeting": "#e377c2",
}
SHAPES = {
    "Agency": "dot", "Region": "triangle", "River": "diamond", "Agreement": "square",
    "Programme": "dot", "Standard": "star", "Regulation": "hexagon", "Meeting": "triangleDown",
}
CLASS_LABELS = {
    "Agency": "机构 Agency", "Region": "行政区 Region", "River": "河流 River", "Agreement": "协议 Agreement",
    "Programme": "规划方案 Programme", "Standard": "标准 Standard", "Regulation": "法规 Regulation",
    "Meeting": "会议 Meeting",
}
RELATION_LABELS = {
    "signedBy": "签署 signedBy", "issuedBy": "发布 issuedBy", "concerns": "涉及 concerns", "participant": "参与 participant",
}
#: Graphs up to this many nodes (per connected component) get a force-directed layout.
SPRING_LIMIT = 400
#: Evidence quotes kept per node and per edge in the page.
MAX_MENTIONS = 20
MAX_EDGE_QUOTES = 10
MAX_CONTEXT_QUOTES = 10
#: Browser flags for headless Chromium (tests and :func:`screenshot`): no sandbox, nothing phones home.
CHROMIUM_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
)


def _vis_js() -> str:
    import pyvis

    path = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
    return path.read_text(encoding="utf-8")


def json_for_script(data: object) -> str:
    """JSON safe to embed in a <script> element.

    >>> json_for_script({"a": "</script><img src=x onerror=alert(1)>"})
    '{"a":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    s = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def highlight_spans(text: str, names: list[str] | tuple[str, ...]) -> list[list[int]]:
    """Non-overlapping ``[start, end)`` spans of ``names`` in ``text``, longest name first.

    >>> highlight_spans("重庆市和四川省签订协议，四川省", ["四川省", "四川", "重庆市"])
    [[0, 3], [4, 7], [12, 15]]
    """
    taken = [False] * len(text)
    spans: list[list[int]] = []
    for name in sorted({n for n in names if n}, key=lambda n: (-len(n), n)):
        start = text.find(name)
        while start != -1:
            end = start + len(name)
            if not any(taken[start:end]):
                spans.append([start, end])
                for i in range(start, end):
                    taken[i] = True
            start = text.find(name, start + 1)
    return sorted(spans)


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t.json")


def search_variants(names: list[str]) -> list[str]:
    """Traditional-character forms of ``names`` that differ from them, so a search typed in
    traditional characters finds the simplified canonical names.

    >>> search_variants(["长江", "四川", "长江"])
    ['長江']
    """
    conv = _s2t()
    return sorted({t for t in (conv.convert(n) for n in names) if t not in names})


def _quote(ev: Evidence, names: list[str]) -> list:
    return [ev.doc, ev.start, ev.end, ev.exact, highlight_spans(ev.exact, names)]


def _spring(g: nx.Graph, nodes: list[str]) -> dict[str, tuple[float, float]]:
    # a fresh graph in sorted order: subgraph views iterate a set, which depends on the hash seed
    sub = nx.Graph()
    sub.add_nodes_from(nodes)
    sub.add_edges_from(sorted(tuple(sorted(e)) for e in g.subgraph(nodes).edges()))
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    pos = nx.spring_layout(sub, seed=7, iterations=100, k=2.0 / math.sqrt(len(nodes)))
    scale = 110 * math.sqrt(len(nodes))
    return {n: (float(pos[n][0]) * scale, float(pos[n][1]) * scale) for n in nodes}


def _radial(g: nx.Graph, nodes: list[str]) -> dict[str, tuple[float, float]]:
    """Rings of breadth-first levels around the best-connected node; children sit near their parent."""
    root = min(nodes, key=lambda n: (-g.degree(n), n))
    angle = {root: 0.0}
    levels = [[root]]
    seen = {root}
    queue = deque([root])
    parent: dict[str, str] = {}
    depth = {root: 0}
    while queue:
        u = queue.popleft()
        for v in sorted(g.neighbors(u)):
            if v not in seen:
                seen.add(v)
                parent[v] = u
                depth[v] = depth[u] + 1
                if depth[v] == len(levels):
                    levels.append([])
                levels[depth[v]].append(v)
                queue.append(v)
    pos = {root: (0.0, 0.0)}
    radius = 0.0
    for level in levels[1:]:
        level.sort(key=lambda n: (angle[parent[n]], n))
        radius = max(radius + 160.0, len(level) * 26.0 / (2 * math.pi))
        for i, n in enumerate(level):
            a = 2 * math.pi * i / len(level)
            angle[n] = a
            pos[n] = (radius * math.cos(a), radius * math.sin(a))
    return pos


def layout(g: nx.Graph) -> dict[str, tuple[int, int]]:
    """Integer canvas coordinates for every node: deterministic, fast on thousands of nodes.

    Components of up to :data:`SPRING_LIMIT` nodes get a seeded spring layout, larger ones
    concentric breadth-first rings; components are packed in rows, largest first.

    >>> g = nx.path_graph(["a", "b", "c"])
    >>> pos = layout(g); sorted(pos) == ["a", "b", "c"] and all(isinstance(v, int) for p in pos.values() for v in p)
    True
    """
    comps = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c[0]))
    placed: dict[str, tuple[int, int]] = {}
    row_width = 0.0
    boxes: list[tuple[list[str], dict[str, tuple[float, float]], float, float]] = []
    for comp in comps:
        pos = _spring(g, comp) if len(comp) <= SPRING_LIMIT else _radial(g, comp)
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        boxes.append((comp, pos, max(xs) - min(xs) + 240, max(ys) - min(ys) + 160))
        row_width = max(row_width, boxes[-1][2])
    row_width = max(row_width, 1.6 * math.sqrt(sum(w * h for _, _, w, h in boxes)))
    x = y = row_h = 0.0
    for comp, pos, w, h in boxes:
        if x and x + w > row_width:
            x, y, row_h = 0.0, y + row_h, 0.0
        minx = min(p[0] for p in pos.values())
        miny = min(p[1] for p in pos.values())
        for n in comp:
            placed[n] = (round(x + pos[n][0] - minx + 60), round(y + pos[n][1] - miny + 60))
        x += w
        row_h = max(row_h, h)
    return placed


def graph_data(entities: list[Entity], relations: list[Relation]) -> dict:
    """The page's data: nodes with layout, size, names and quotes; edges with their evidence.

    >>> from kg.model import Evidence
    >>> ev = Evidence("a.txt", 0, 9, "甲局和乙局签订《协议》")
    >>> es = [Entity("Agency:甲局", "Agency", "甲局", (), ("a.txt",), (Evidence("a.txt", 0, 2, "甲局"),)),
    ...       Entity("Agreement:协议", "Agreement", "协议", (), ("a.txt",), (Evidence("a.txt", 8, 10, "协议"),))]
    >>> d = graph_data(es, [Relation("Agreement:协议", "signedBy", "Agency:甲局", (ev,))])
    >>> [n["degree"] for n in d["nodes"]], d["edges"][0]["quotes"][0][4]
    ([1, 1], [[0, 2], [8, 10]])
    """
    entities = sorted(entities, key=lambda e: e.key)
    relations = sorted(relations, key=lambda r: (r.subject, r.predicate, r.object))
    names = {e.key: [e.label, *e.aliases] for e in entities}
    g = nx.Graph()
    g.add_nodes_from(names)
    for r in relations:
        if r.subject in names and r.object in names:
            g.add_edge(r.subject, r.object)
    degree = dict(g.degree())
    top = max(degree.values(), default=0) or 1
    pos = layout(g)
    context: dict[str, list[Evidence]] = {}
    for r in relations:
        for key in (r.subject, r.object):
            context.setdefault(key, []).extend(r.evidence)
    nodes = []
    for e in entities:
        sentences = sorted(set(context.get(e.key, ())))[:MAX_CONTEXT_QUOTES]
        nodes.append({
            "id": e.key, "label": e.label, "type": e.type, "aliases": list(e.aliases), "docs": list(e.documents),
            "variants": search_variants(names[e.key]),
            "mentions": [_quote(ev, names[e.key]) for ev in e.mentions[:MAX_MENTIONS]],
            "mentionCount": len(e.mentions),
            "quotes": [_quote(ev, names[e.key]) for ev in sentences],
            "degree": degree.get(e.key, 0),
            "size": round(10 + 22 * math.sqrt(degree.get(e.key, 0) / top), 1),
            "x": pos[e.key][0], "y": pos[e.key][1],
        })
    edges = [
        {
            "id": f"{r.subject}|{r.predicate}|{r.object}", "from": r.subject, "to": r.object, "predicate": r.predicate,
            "label": RELATION_LABELS.get(r.predicate, r.predicate),
            "docs": sorted({ev.doc for ev in r.evidence}),
            "quotes": [_quote(ev, names[r.subject] + names[r.object]) for ev in r.evidence[:MAX_EDGE_QUOTES]],
            "quoteCount": len(r.evidence),
        }
        for r in relations
        if r.subject in names and r.object in names
    ]
    return {
        "nodes": nodes, "edges": edges,
        "classes": [{"id": t, "label": CLASS_LABELS[t], "colour": COLOURS[t], "shape": SHAPES[t]} for t in ENTITY_TYPES],
        "relations": [{"id": p, "label": RELATION_LABELS[p]} for p in RELATION_TYPES],
    }


_SLOT = re.compile(r"/\*VIS_JS\*/|__GRAPH_JSON__|__TITLE_JSON__|__TITLE__")


def render_html(entities: list[Entity], relations: list[Relation], *, title: str) -> str:
    """The whole page as one string: every script and style inline.

    >>> page = render_html([], [], title="<script>x</script>")
    >>> "<script>x" in page, "&lt;script&gt;x" in page
    (False, True)
    """
    template = resources.files("kg").joinpath("viz/template.html").read_text(encoding="utf-8")
    values = {
        "/*VIS_JS*/": _vis_js().replace("</script", "<\\/script"),
        "__GRAPH_JSON__": json_for_script(graph_data(entities, relations)),
        "__TITLE_JSON__": json_for_script(title),
        "__TITLE__": html_lib.escape(title),
    }
    return _SLOT.sub(lambda m: values[m.group(0)], template)


def write_html(entities: list[Entity], relations: list[Relation], path: str | Path, *, title: str = "chuanyu-kg") -> None:
    """Write the network view to ``path``.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "g.html"
    >>> write_html([], [], p, title="空图")
    >>> "<title>空图</title>" in p.read_text(encoding="utf-8")
    True
    """
    atomic_write_text(path, render_html(entities, relations, title=title))


def screenshot(html_path: str | Path, png_path: str | Path, *, width: int = 1400, height: int = 900,
               focus: str | None = None, scale: float = 0.75, chromium: str = "/usr/bin/chromium") -> None:
    """Render ``html_path`` in headless Chromium (Playwright) and save a PNG of the page.

    With ``focus``, the best search hit for that name is selected, its panel opened and the
    view centred on it at zoom ``scale``.

    Needs the ``[test]`` extra (Playwright) and Chromium; raises :class:`KGError` otherwise.

    >>> screenshot("missing.html", "x.png", chromium="/nonexistent")
    Traceback (most recent call last):
    ...
    kg.errors.KGError: /nonexistent: Chromium not found
    """
    if not Path(chromium).exists():
        raise KGError("Chromium not found", path=chromium)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise KGError("Playwright is not installed (pip install -e '.[test]')") from exc
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(Path(html_path).resolve().as_uri())
            page.wait_for_function("() => window.kgView && window.kgView.ready", timeout=30000)
            if focus:
                page.evaluate(
                    """([q, scale]) => { const hit = kgView.search(q)[0]; if (!hit) return;
                        kgView.focusNode(hit.id);
                        kgView.network.moveTo({position: kgView.network.getPosition(hit.id), scale, animation: false}); }""",
                    [focus, scale],
                )
                page.wait_for_timeout(300)
            data = page.screenshot(full_page=False)
        finally:
            browser.close()
    atomic_write_bytes(png_path, data)
