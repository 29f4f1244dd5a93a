"""kg.viz without a browser: self-contained page, escaping, determinism, layout, highlights."""

from __future__ import annotations

import json
import re
import time

import pytest

from kg.errors import KGError
from kg.model import ENTITY_TYPES, RELATION_TYPES, Entity, Evidence, Relation
from kg.viz import (
    CLASS_LABELS,
    RELATION_LABELS,
    graph_data,
    highlight_spans,
    layout,
    render_html,
    screenshot,
    write_html,
)

MARKUP = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "</script><script>alert(1)</script>",
    "<!--",
    "&lt;b&gt;",
]


def entity(key: str, label: str, *, aliases: tuple[str, ...] = (), doc: str = "a.txt") -> Entity:
    kind = key.split(":", 1)[0]
    return Entity(key, kind, label, aliases, (doc,), (Evidence(doc, 0, len(label), label),))


def small_graph(label: str = "联合执法协议", sentence: str | None = None) -> tuple[list[Entity], list[Relation]]:
    sentence = sentence or f"重庆市生态环境局和四川省生态环境厅签订《{label}》。"
    es = [
        entity("Agency:重庆市生态环境局", "重庆市生态环境局", aliases=("重庆市环境局",)),
        entity("Agency:四川省生态环境厅", "四川省生态环境厅"),
        entity(f"Agreement:{label}", label),
    ]
    ev = Evidence("a.txt", 0, len(sentence), sentence)
    rs = [
        Relation(f"Agreement:{label}", "signedBy", "Agency:重庆市生态环境局", (ev,)),
        Relation(f"Agreement:{label}", "signedBy", "Agency:四川省生态环境厅", (ev,)),
    ]
    return es, rs


def synthetic_graph(n: int, *, seed: int = 1) -> tuple[list[Entity], list[Relation]]:
    """A random graph of ``n`` entities over every class and about 1.5 n relations."""
    import random

    rng = random.Random(seed)
    es = [entity(f"{ENTITY_TYPES[i % len(ENTITY_TYPES)]}:实体{i}", f"实体{i}号", aliases=(f"别名{i}",)) for i in range(n)]
    rels: dict[tuple[str, str, str], Relation] = {}
    for i in range(1, n):
        for j in {rng.randrange(i), rng.randrange(i)} if i % 2 else {rng.randrange(i)}:
            p = RELATION_TYPES[(i + j) % len(RELATION_TYPES)]
            s = f"实体{i}号与实体{j}号有关。"
            rels[(es[i].key, p, es[j].key)] = Relation(es[i].key, p, es[j].key, (Evidence("a.txt", 0, len(s), s),))
    return es, list(rels.values())


@pytest.mark.parametrize(
    "pattern",
    [r"<script[^>]+src=", r"<link\b", r"https?://(?!www\.w3\.org)", r"@import", r"\bcdn\b", r"<iframe"],
)
def test_viz_page_is_self_contained(pattern):
    es, rs = small_graph()
    page = render_html(es, rs, title="t")
    # vis-network's own source mentions URLs in comments and licences; the page around it must not.
    without_lib = page.split("<script>", 1)[0] + page.split("</script>", 1)[1]
    assert not re.search(pattern, without_lib, re.I)
    assert "default-src 'none'" in page


@pytest.mark.parametrize("markup", MARKUP)
@pytest.mark.parametrize("where", ["title", "label", "quote"])
def test_viz_document_text_is_escaped(markup, where):
    label = "协议" + markup if where == "label" else "联合执法协议"
    sentence = f"双方签订《{label}》{markup}。" if where == "quote" else None
    es, rs = small_graph(label, sentence)
    page = render_html(es, rs, title=markup if where == "title" else "t")
    lib_end = page.index("</script>") + len("</script>")
    rest = page[lib_end:]
    assert markup not in rest
    data = rest.split('id="graph-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and ">" not in data
    parsed = json.loads(data)
    texts = json.dumps(parsed, ensure_ascii=False)
    if where != "title":
        assert json.dumps(markup, ensure_ascii=False)[1:-1] in texts


@pytest.mark.parametrize("shuffle", [False, True])
def test_viz_output_is_deterministic(tmp_path, shuffle):
    es, rs = synthetic_graph(300)
    write_html(es, rs, tmp_path / "a.html", title="t")
    if shuffle:
        es, rs = es[::-1], rs[::-1]
    write_html(es, rs, tmp_path / "b.html", title="t")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


@pytest.mark.parametrize(
    ("text", "names", "spans"),
    [
        ("重庆市和四川省签订协议", ["四川省", "重庆市"], [[0, 3], [4, 7]]),
        ("四川省四川", ["四川", "四川省"], [[0, 3], [3, 5]]),
        ("无关文字", ["四川"], []),
        ("<b>四川</b>", ["四川", ""], [[3, 5]]),
    ],
)
def test_viz_highlight_spans(text, names, spans):
    assert highlight_spans(text, names) == spans


@pytest.mark.parametrize("n", [0, 1, 50, 5000])
def test_viz_layout_places_every_node_quickly(n):
    import networkx as nx

    es, rs = synthetic_graph(n)
    g = nx.Graph()
    g.add_nodes_from(e.key for e in es)
    g.add_edges_from((r.subject, r.object) for r in rs)
    started = time.perf_counter()
    pos = layout(g)
    assert time.perf_counter() - started < 30
    assert set(pos) == set(g.nodes)
    assert all(isinstance(v, int) for p in pos.values() for v in p)
    assert len(set(pos.values())) == len(pos)  # no two nodes on the same spot


def test_viz_graph_data_has_every_entity_and_bilingual_labels():
    es, rs = synthetic_graph(120)
    d = graph_data(es, rs)
    assert sorted(n["id"] for n in d["nodes"]) == sorted(e.key for e in es)
    assert len(d["edges"]) == len(rs)
    for e in d["edges"]:
        assert e["label"] == RELATION_LABELS[e["predicate"]]
        assert re.search(r"[\u4e00-\u9fff]", e["label"]) and re.search(r"[a-z]", e["label"])
    assert [c["label"] for c in d["classes"]] == [CLASS_LABELS[t] for t in ENTITY_TYPES]
    degrees = {n["id"]: n["degree"] for n in d["nodes"]}
    sizes = {n["id"]: n["size"] for n in d["nodes"]}
    hub = max(degrees, key=degrees.get)
    assert sizes[hub] == max(sizes.values()) > min(sizes.values())


def test_viz_seed_page_node_count_matches_graph(seed_build):
    result, out = seed_build
    page = (out / "graph.html").read_text(encoding="utf-8")
    data = json.loads(page.split('id="graph-data">', 1)[1].split("</script>", 1)[0])
    assert len(data["nodes"]) == len(result.entities)
    assert len(data["edges"]) == len(result.relations)


def test_viz_screenshot_without_chromium_is_a_kgerror(tmp_path):
    with pytest.raises(KGError, match="Chromium not found"):
        screenshot(tmp_path / "g.html", tmp_path / "g.png", chromium=str(tmp_path / "no-chromium"))


def test_viz_screenshot_writes_png(seed_build, tmp_path):
    """Runs its own Playwright session, so it lives outside test_browser's shared browser."""
    png = tmp_path / "g.png"
    screenshot(seed_build[1] / "graph.html", png, width=800, height=500, focus="四川")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
