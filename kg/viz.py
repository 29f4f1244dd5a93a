"""Viz: a self-contained interactive network view (``graph.html``).

vis-network (shipped inside the ``pyvis`` package) is inlined and a Content-Security-Policy
forbids every fetch, so the page makes no network request.  Graph data travels as JSON
inside a ``<script type="application/json">`` element with ``<``, ``>`` and ``&`` escaped,
and the page inserts document text with ``textContent`` only, so text from documents can
never run as markup.  The page header links to ``ontology.html`` (written by the build into
the same folder) with a relative link.

The layout is computed here (a seeded Fruchterman–Reingold in numpy for components of up to
:data:`SPRING_LIMIT` nodes, breadth-first rings for bigger ones, integer coordinates), so the
page draws at once with physics off.  Everything is ordered by entity key and evidence, never
by set or dict iteration, so the same graph always gives the same bytes, whatever the input
order or ``PYTHONHASHSEED``; a checkbox runs physics on demand and it stops again once the
network is stable.

Size stays bounded on big graphs: the page shows at most :data:`MAX_NODES` entities — the
most connected ones (ties by key) — and at most :data:`MAX_EDGES` relations among them, and
says so in a visible note that gives how many entities and relations are hidden and where to
see them all (``kg.ttl`` in the same folder, ``kg query`` / ``kg stats``; ``write_html(...,
max_nodes=...)`` draws more).  Each node and edge carries at most a few evidence quotes
(:data:`MAX_MENTIONS`, :data:`MAX_CONTEXT_QUOTES`, :data:`MAX_EDGE_QUOTES`) from a shared,
deduplicated table of sentences; names are highlighted in them by the page.  Entity mentions
are optional: nodes without any still show their relations' evidence.  Search (and
highlighting) also matches names written in traditional characters: the page maps them to
simplified ones with the part of a shipped OpenCC character table (``kg/viz/t2s.txt``) its
names need, so building the view does not load OpenCC.

>>> html = render_html([], [], title="t")
>>> "<script src=" in html, 'href="ontology.html"' in html
(False, True)
"""

from __future__ import annotations

import gc
import heapq
import html as html_lib
import json
import math
import re
from collections import deque
from functools import lru_cache
from importlib import resources
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kg.errors import KGError
from kg.export import atomic_write_bytes, atomic_write_text
from kg.model import ENTITY_TYPES, RELATION_TYPES, Entity, Evidence, Relation

if TYPE_CHECKING:
    import networkx as nx

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
#: Components of up to this many nodes get a force-directed layout, bigger ones breadth-first rings.
SPRING_LIMIT = 500
#: The page shows at most this many entities (the most connected) and relations among them.
MAX_NODES = 3000
MAX_EDGES = 6000
#: Evidence quotes kept per node (its own mentions; one sentence from each of its first relations)
#: and per edge (the page gives the full counts).
MAX_MENTIONS = 5
MAX_CONTEXT_QUOTES = 5
MAX_EDGE_QUOTES = 5
#: Document names listed per node and per edge (the page gives the full count).
MAX_DOCS = 40
#: Browser flags for headless Chromium (tests and :func:`screenshot`): no sandbox, nothing phones home.
CHROMIUM_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
)


@lru_cache(maxsize=1)
def _vis_js() -> str:
    from importlib.util import find_spec

    spec = find_spec("pyvis")  # its folder only: importing pyvis costs a good part of a second
    if spec is None or not spec.submodule_search_locations:
        raise KGError("pyvis is not installed (it ships vis-network)")
    path = Path(list(spec.submodule_search_locations)[0]) / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
    return path.read_text(encoding="utf-8").replace("</script", "<\\/script")


def json_for_script(data: object) -> str:
    """JSON safe to embed in a <script> element.

    >>> json_for_script({"a": "</script><img src=x onerror=alert(1)>"})
    '{"a":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    s = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def highlight_spans(text: str, names: list[str] | tuple[str, ...]) -> list[list[int]]:
    """Non-overlapping ``[start, end)`` spans of ``names`` in ``text``, longest name first.

    The page computes the same spans in JavaScript (``kgView.highlight``) when it shows a quote,
    on the text and names with traditional characters mapped to simplified (:func:`search_table`).

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


#: Traditional → simplified characters (OpenCC's ``t2s`` one character at a time), shipped with
#: the page template so that building a view never loads OpenCC's phrase dictionaries;
#: :func:`t2s_pairs_from_opencc` regenerates it (``tests/test_viz.py`` checks it is current).
T2S_FILE = "viz/t2s.txt"
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF), (0x2A700, 0x2EBEF))


def t2s_pairs_from_opencc() -> dict[str, str]:
    """Every CJK character that OpenCC's ``t2s`` changes on its own, and what it becomes.

    Only pairs of the same UTF-16 length are kept, so a string and its simplified form have
    the same offsets in the page's JavaScript.
    """
    import opencc

    chars = [chr(u) for a, b in _CJK_RANGES for u in range(a, b + 1)]
    out = opencc.OpenCC("t2s.json").convert("\n".join(chars)).split("\n")
    return {t: s for t, s in zip(chars, out, strict=True)
            if t != s and len(s) == 1 and (ord(t) > 0xFFFF) == (ord(s) > 0xFFFF)}


def render_t2s_file(pairs: dict[str, str]) -> str:
    lines = ["# traditional<TAB>simplified: OpenCC t2s per character (kg.viz.t2s_pairs_from_opencc)"]
    lines += [f"{t}\t{pairs[t]}" for t in sorted(pairs)]
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=1)
def t2s_table() -> dict[str, str]:
    """The shipped traditional → simplified character table.

    >>> t2s_table()["長"], t2s_table()["幹"], "长" in t2s_table()
    ('长', '干', False)
    """
    text = resources.files("kg").joinpath(T2S_FILE).read_text(encoding="utf-8")
    return dict(line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))


def search_table(names) -> dict[str, str]:
    """The part of :func:`t2s_table` the page needs: characters that simplify to one in ``names``.
    The page maps a query (and names, and quotes when it highlights) through it, so a name typed
    in traditional characters finds the simplified canonical one.

    >>> t = search_table(["长江", "干流"]); t["長"], t["幹"], t["乾"], "發" in t
    ('长', '干', '干', False)
    """
    used = {c for n in names for c in n}
    return {t: s for t, s in t2s_table().items() if s in used}


# ---- layout ------------------------------------------------------------------------------


def _components(n: int, adj: list[list[int]]) -> list[list[int]]:
    """Connected components as sorted index lists, largest first (ties: smallest index first)."""
    comp_of = [-1] * n
    comps: list[list[int]] = []
    for s in range(n):
        if comp_of[s] != -1:
            continue
        comp_of[s] = len(comps)
        members = [s]
        queue = deque([s])
        while queue:
            u = queue.popleft()
            for v in adj[u]:
                if comp_of[v] == -1:
                    comp_of[v] = len(comps)
                    members.append(v)
                    queue.append(v)
        members.sort()
        comps.append(members)
    comps.sort(key=lambda c: (-len(c), c[0]))
    return comps


def _force(nodes: list[int], adj: list[list[int]]) -> list[tuple[float, float]]:
    """Fruchterman–Reingold (as networkx's ``spring_layout``, seeded) with dense numpy arrays.

    Iterations shrink as components grow, from 80 down to 30; coordinates are centred and
    scaled to ``110 * sqrt(len(nodes))`` like the rings of :func:`_radial`.
    """
    n = len(nodes)
    if n == 1:
        return [(0.0, 0.0)]
    if n == 2:
        return [(-80.0, 0.0), (80.0, 0.0)]
    local = {v: i for i, v in enumerate(nodes)}
    pairs = [(local[u], local[v]) for u in nodes for v in adj[u] if u < v]
    src = np.array([p[0] for p in pairs], dtype=np.intp)
    dst = np.array([p[1] for p in pairs], dtype=np.intp)
    rng = np.random.default_rng(7)
    x, y = rng.random(n), rng.random(n)
    k = 2.0 / math.sqrt(n)
    k2 = k * k
    iterations = max(30, min(80, 12000 // n))
    t = 0.1 * max(np.ptp(x), np.ptp(y))
    dt = t / (iterations + 1)
    for _ in range(iterations):
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        f = dx * dx
        f += dy * dy
        np.maximum(f, 1e-4, out=f)
        np.divide(k2, f, out=f)  # repulsion k²/d, over d to scale the unit vector
        disp_x = (dx * f).sum(axis=1)
        disp_y = (dy * f).sum(axis=1)
        ex, ey = x[src] - x[dst], y[src] - y[dst]
        pull = np.maximum(np.hypot(ex, ey), 0.01) / k  # attraction d²/k, over d
        ax, ay = ex * pull, ey * pull
        disp_x -= np.bincount(src, ax, n) - np.bincount(dst, ax, n)
        disp_y -= np.bincount(src, ay, n) - np.bincount(dst, ay, n)
        length = np.hypot(disp_x, disp_y)
        length[length < 0.01] = 0.1
        x += disp_x * (t / length)
        y += disp_y * (t / length)
        t -= dt
    x -= x.mean()
    y -= y.mean()
    scale = 110 * math.sqrt(n) / max(float(np.abs(x).max()), float(np.abs(y).max()), 1e-9)
    return list(zip((x * scale).tolist(), (y * scale).tolist(), strict=True))


def _radial(nodes: list[int], adj: list[list[int]], degree: list[int]) -> list[tuple[float, float]]:
    """Rings of breadth-first levels around the best-connected node; children sit near their parent."""
    root = min(nodes, key=lambda v: (-degree[v], v))
    angle = {root: 0.0}
    levels = [[root]]
    parent: dict[int, int] = {}
    depth = {root: 0}
    queue = deque([root])
    while queue:
        u = queue.popleft()
        for v in adj[u]:
            if v not in depth:
                parent[v] = u
                depth[v] = depth[u] + 1
                if depth[v] == len(levels):
                    levels.append([])
                levels[depth[v]].append(v)
                queue.append(v)
    pos = {root: (0.0, 0.0)}
    radius = 0.0
    for level in levels[1:]:
        level.sort(key=lambda v: (angle[parent[v]], v))
        radius = max(radius + 160.0, len(level) * 26.0 / (2 * math.pi))
        for i, v in enumerate(level):
            a = 2 * math.pi * i / len(level)
            angle[v] = a
            pos[v] = (radius * math.cos(a), radius * math.sin(a))
    return [pos[v] for v in nodes]


def _layout(n: int, pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Integer positions of nodes ``0..n-1`` joined by ``pairs``; a pure function of its arguments."""
    nbrs: list[set[int]] = [set() for _ in range(n)]
    for u, v in pairs:
        if u != v:
            nbrs[u].add(v)
            nbrs[v].add(u)
    adj = [sorted(s) for s in nbrs]
    degree = [len(a) for a in adj]
    boxes = []
    row_width = 0.0
    for comp in _components(n, adj):
        pos = _force(comp, adj) if len(comp) <= SPRING_LIMIT else _radial(comp, adj, degree)
        xs = [p[0] for p in pos]
        ys = [p[1] for p in pos]
        minx, miny = min(xs), min(ys)
        boxes.append((comp, pos, minx, miny, max(xs) - minx + 240, max(ys) - miny + 160))
        row_width = max(row_width, boxes[-1][4])
    row_width = max(row_width, 1.6 * math.sqrt(sum(b[4] * b[5] for b in boxes)))
    placed: list[tuple[int, int]] = [(0, 0)] * n
    x = y = row_h = 0.0
    for comp, pos, minx, miny, w, h in boxes:
        if x and x + w > row_width:
            x, y, row_h = 0.0, y + row_h, 0.0
        for v, (px, py) in zip(comp, pos, strict=True):
            placed[v] = (round(x + px - minx + 60), round(y + py - miny + 60))
        x += w
        row_h = max(row_h, h)
    return placed


def layout(g: nx.Graph) -> dict[str, tuple[int, int]]:
    """Integer canvas coordinates for every node: deterministic, fast on thousands of nodes.

    Components of up to :data:`SPRING_LIMIT` nodes get a seeded force-directed layout, larger
    ones concentric breadth-first rings; components are packed in rows, largest first.  Nodes
    are taken in sorted order, so neither insertion order nor the hash seed matters.

    >>> import networkx as nx
    >>> g = nx.path_graph(["a", "b", "c"])
    >>> pos = layout(g); sorted(pos) == ["a", "b", "c"] and all(isinstance(v, int) for p in pos.values() for v in p)
    True
    """
    keys = sorted(g.nodes)
    index = {k: i for i, k in enumerate(keys)}
    pos = _layout(len(keys), [(index[u], index[v]) for u, v in g.edges()])
    return dict(zip(keys, pos, strict=True))


# ---- page data ---------------------------------------------------------------------------


_MARKUP = re.compile(r"<[^<>]*>")


@lru_cache(maxsize=1 << 14)
def readable_quote(doc: str, exact: str) -> str:
    """A quote as the page shows it: from a web page, its text without the markup inside the
    sentence (the graph's ``oa:exact`` keeps the characters of the file, so its offsets hold).

    >>> readable_quote("a.html", '<a href="x">四川省生态环境厅</a>与重庆市生态环境局签订协议&amp;备忘录')
    '四川省生态环境厅与重庆市生态环境局签订协议&备忘录'
    >>> readable_quote("a.txt", "a<b")
    'a<b'
    """
    if not doc.lower().endswith((".html", ".htm")) or ("<" not in exact and "&" not in exact):
        return exact
    return html_lib.unescape(_MARKUP.sub("", exact))


def graph_data(entities: list[Entity], relations: list[Relation], *, max_nodes: int = MAX_NODES,
               max_edges: int = MAX_EDGES) -> dict:
    """The page's data: nodes with layout, size, names and quotes; edges with their evidence.

    Quotes are indices into ``texts`` (``[doc, start, end, exact]``, each sentence once).
    Only the ``max_nodes`` most connected entities and ``max_edges`` relations among them
    are kept; ``total`` counts everything.  Entity keys are unique; relations with the same
    subject, predicate and object are merged.

    >>> ev = Evidence("a.txt", 0, 9, "甲局和乙局签订《协议》")
    >>> es = [Entity("Agency:甲局", "Agency", "甲局", (), ("a.txt",), (Evidence("a.txt", 0, 2, "甲局"),)),
    ...       Entity("Agreement:协议", "Agreement", "协议", (), ("a.txt",), ())]
    >>> d = graph_data(es, [Relation("Agreement:协议", "signedBy", "Agency:甲局", (ev,))])
    >>> [n["degree"] for n in d["nodes"]], [d["texts"][i] for i in d["edges"][0]["quotes"]], d["total"]
    ([1, 1], [['a.txt', 0, 9, '甲局和乙局签订《协议》']], {'nodes': 2, 'edges': 1})
    """
    by_key: dict[str, Entity] = {}
    for e in entities:
        by_key.setdefault(e.key, e)
    keys = sorted(by_key)
    index = {k: i for i, k in enumerate(keys)}
    evidence: dict[tuple[str, str, str], list[Evidence]] = {}
    for r in relations:
        if r.subject in index and r.object in index:
            evidence.setdefault((r.subject, r.predicate, r.object), []).extend(r.evidence)
    rel_keys = sorted(evidence)
    rel_ends = [(index[s], index[o]) for s, _, o in rel_keys]
    n = len(keys)
    nbrs: list[set[int]] = [set() for _ in range(n)]
    incident: list[list[int]] = [[] for _ in range(n)]
    for j, (u, v) in enumerate(rel_ends):
        incident[u].append(j)
        if u != v:
            incident[v].append(j)
            nbrs[u].add(v)
            nbrs[v].add(u)
    degree = [len(s) for s in nbrs]

    # the most connected entities (ties by key), then the relations among them
    shown = list(range(n))
    if n > max_nodes:
        shown = sorted(sorted(range(n), key=lambda i: (-degree[i], i))[:max_nodes])
    rank = {i: r for r, i in enumerate(sorted(shown, key=lambda i: (-degree[i], i)))}
    edges_shown = [j for j, (u, v) in enumerate(rel_ends) if u in rank and v in rank]
    if len(edges_shown) > max_edges:
        edges_shown = sorted(sorted(edges_shown, key=lambda j: (max(rank[rel_ends[j][0]], rank[rel_ends[j][1]]), j))[:max_edges])
    local = {i: p for p, i in enumerate(shown)}
    pos = _layout(len(shown), [(local[rel_ends[j][0]], local[rel_ends[j][1]]) for j in edges_shown])
    top = max((degree[i] for i in shown), default=0) or 1

    texts: dict[tuple[str, int, int, str], int] = {}

    def text_ids(quotes) -> list[int]:
        return [texts.setdefault(q, len(texts)) for q in quotes]

    def as_tuples(evs) -> set[tuple[str, int, int, str]]:
        return {(ev.doc, ev.start, ev.end, readable_quote(ev.doc, ev.exact)) for ev in evs}

    edges = []
    edge_quotes: dict[int, list[tuple[str, int, int, str]]] = {}
    for j in edges_shown:
        s, pred, o = rel_keys[j]
        quotes = edge_quotes[j] = sorted(as_tuples(evidence[rel_keys[j]]))
        docs = sorted({q[0] for q in quotes})
        edges.append({
            "from": s, "to": o, "predicate": pred, "docs": docs[:MAX_DOCS], "docCount": len(docs),
            "quotes": text_ids(quotes[:MAX_EDGE_QUOTES]), "quoteCount": len(quotes),
        })

    def context(i: int) -> list[tuple[str, int, int, str]]:
        """The first sentence of each of a node's first relations, drawn ones first."""
        picked: set[tuple[str, int, int, str]] = set()
        drawn = (j for j in incident[i] if j in edge_quotes)
        hidden = (j for j in incident[i] if j not in edge_quotes)
        for j in chain(drawn, hidden):
            quotes = edge_quotes.get(j) or as_tuples(evidence[rel_keys[j]])
            if quotes:
                picked.add(min(quotes))
                if len(picked) == MAX_CONTEXT_QUOTES:
                    break
        return sorted(picked)

    shown_entities = [by_key[keys[i]] for i in shown]
    nodes = []
    for p, (i, e) in enumerate(zip(shown, shown_entities, strict=True)):
        docs = sorted(set(e.documents))
        nodes.append({
            "id": e.key, "label": e.label, "type": e.type, "aliases": list(e.aliases),
            "docs": docs[:MAX_DOCS], "docCount": len(docs),
            "mentions": text_ids(heapq.nsmallest(MAX_MENTIONS, as_tuples(e.mentions))),
            "mentionCount": len(e.mentions),
            "quotes": text_ids(context(i)),
            "degree": degree[i],
            "size": round(10 + 22 * math.sqrt(degree[i] / top), 1),
            "x": pos[p][0], "y": pos[p][1],
        })
    return {
        "nodes": nodes, "edges": edges, "texts": [list(t) for t in texts],
        "t2s": search_table([n for e in shown_entities for n in (e.label, *e.aliases)]),
        "total": {"nodes": n, "edges": len(rel_keys)},
        "classes": [{"id": t, "label": CLASS_LABELS[t], "colour": COLOURS[t], "shape": SHAPES[t]} for t in ENTITY_TYPES],
        "relations": [{"id": p, "label": RELATION_LABELS[p]} for p in RELATION_TYPES],
    }


def hidden_note(data: dict) -> str:
    """The page's note on entities and relations left out of the view ("" when none are).

    >>> hidden_note({"nodes": [{}], "edges": [], "total": {"nodes": 3, "edges": 2}})[:12]
    '只显示连接最多的 1 个'
    """
    nodes, edges = len(data["nodes"]), len(data["edges"])
    total_nodes, total_edges = data["total"]["nodes"], data["total"]["edges"]
    if nodes == total_nodes and edges == total_edges:
        return ""
    return (
        f"只显示连接最多的 {nodes:,} 个实体（共 {total_nodes:,} 个）及其间 {edges:,} 条关系（共 {total_edges:,} 条）；"
        f"另有 {total_nodes - nodes:,} 个实体、{total_edges - edges:,} 条关系未画出，搜索也找不到它们。"
        f"全部数据在本页同一文件夹的 kg.ttl 里，可用 kg query / kg stats 查询。 "
        f"Showing the {nodes:,} most-connected of {total_nodes:,} entities and {edges:,} of {total_edges:,} relations; "
        f"{total_nodes - nodes:,} entities and {total_edges - edges:,} relations are hidden (search does not find them). "
        f"Everything is in kg.ttl next to this page: query it with kg query NAME (or your own .rq) and kg stats."
    )


_SLOT = re.compile(r"/\*VIS_JS\*/|__GRAPH_JSON__|__TITLE_JSON__|__TITLE__|__HIDDEN_NOTE__")


def render_html(entities: list[Entity], relations: list[Relation], *, title: str, max_nodes: int = MAX_NODES) -> str:
    """The whole page as one string: every script and style inline.

    >>> page = render_html([], [], title="<script>x</script>")
    >>> "<script>x" in page, "&lt;script&gt;x" in page
    (False, True)
    """
    template = resources.files("kg").joinpath("viz/template.html").read_text(encoding="utf-8")
    enabled = gc.isenabled()
    gc.disable()  # many small acyclic tuples and dicts: the cyclic collector would only rescan them
    try:
        data = graph_data(entities, relations, max_nodes=max_nodes, max_edges=max(MAX_EDGES, 2 * max_nodes))
        data_json = json_for_script(data)
    finally:
        if enabled:
            gc.enable()
    note = hidden_note(data)
    values = {
        "/*VIS_JS*/": _vis_js(),
        "__GRAPH_JSON__": data_json,
        "__TITLE_JSON__": json_for_script(title),
        "__TITLE__": html_lib.escape(title),
        "__HIDDEN_NOTE__": f'<p id="hidden-note" class="note">{html_lib.escape(note)}</p>' if note else "",
    }
    return _SLOT.sub(lambda m: values[m.group(0)], template)


def write_html(entities: list[Entity], relations: list[Relation], path: str | Path, *, title: str = "chuanyu-kg",
               max_nodes: int = MAX_NODES) -> None:
    """Write the network view to ``path`` (at most ``max_nodes`` entities drawn, the most connected).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "g.html"
    >>> write_html([], [], p, title="空图")
    >>> "<title>空图</title>" in p.read_text(encoding="utf-8")
    True
    """
    atomic_write_text(path, render_html(entities, relations, title=title, max_nodes=max_nodes))


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
