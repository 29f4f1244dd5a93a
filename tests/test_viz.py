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
    MAX_EDGE_QUOTES,
    MAX_NODES,
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
    assert {e["predicate"] for e in d["edges"]} <= set(RELATION_TYPES)
    assert [r["label"] for r in d["relations"]] == [RELATION_LABELS[p] for p in RELATION_TYPES]
    for r in d["relations"]:
        assert re.search(r"[\u4e00-\u9fff]", r["label"]) and re.search(r"[a-z]", r["label"])
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


def tangled_graph(n: int, *, seed: int = 3) -> tuple[list[Entity], list[Relation]]:
    """Many components of every size (one big, many small, singletons), cycles and degree ties:
    the shapes where set or dict order could leak into the layout or the page."""
    import random

    rng = random.Random(seed)
    es = [entity(f"{ENTITY_TYPES[i % len(ENTITY_TYPES)]}:团{i}", f"团{i}", aliases=(f"别{i}", f"另{i}"), doc=f"d{i % 7}.txt")
          for i in range(n)]
    rels: dict[tuple[str, str, str], Relation] = {}
    start = 0
    sizes = [n // 3, n // 6, n // 12, 40, 25, 25, 12, 12, 7, 5, 5, 4, 3, 3, 3, 2, 2, 2, 2]
    while start < n:
        size = min(sizes.pop(0) if sizes else rng.choice([1, 1, 2, 3, 6]), n - start)
        members = list(range(start, start + size))
        for a in members[1:]:
            for b in {rng.choice(members[: a - start]) for _ in range(rng.choice([1, 1, 2, 3]))}:
                p = RELATION_TYPES[(a * 7 + b) % len(RELATION_TYPES)]
                evs = tuple(Evidence(f"d{(a + k) % 7}.txt", 10 * k, 10 * k + 9, f"团{a}与团{b}第{k}句。") for k in range(1 + (a + b) % 4))
                rels[(es[a].key, p, es[b].key)] = Relation(es[a].key, p, es[b].key, evs)
        start += size
    return es, list(rels.values())


_SEED_SCRIPT = """
import sys
from tests.test_viz import tangled_graph
from kg.viz import write_html
es, rs = tangled_graph(int(sys.argv[2]))
if sys.argv[3] == "shuffled":
    import random
    rng = random.Random(5)
    rng.shuffle(es); rng.shuffle(rs)
    rs = [r.__class__(r.subject, r.predicate, r.object, tuple(reversed(r.evidence))) for r in rs]
write_html(es, rs, sys.argv[1], title="t")
"""


@pytest.mark.parametrize("n", [700, 3000])
def test_viz_output_does_not_depend_on_the_hash_seed(tmp_path, n):
    """Two interpreters with different PYTHONHASHSEED (and input in another order) write the same bytes."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    pages = []
    for seed, order in (("1", "sorted"), ("2", "shuffled"), ("3", "sorted")):
        page = tmp_path / f"g{seed}.html"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", _SEED_SCRIPT, str(page), str(n), order], check=True, env=env, cwd=root)
        pages.append(page.read_bytes())
    assert pages[0] == pages[2], "same input, different hash seed"
    assert pages[0] == pages[1], "same graph in another order"


def big_graph(n: int, m: int, *, seed: int = 1) -> tuple[list[Entity], list[Relation]]:
    """``n`` entities, ``m`` relations: heavy-tailed degrees (hubs), several evidence sentences each."""
    import random

    rng = random.Random(seed)
    es = [Entity(f"{ENTITY_TYPES[i % 8]}:实体{i}", ENTITY_TYPES[i % 8], f"实体{i}号", (f"别名{i}",), (f"d{i % 500}.txt",),
                 tuple(Evidence(f"d{i % 500}.txt", 10 * k, 10 * k + 4, f"实体{i}号") for k in range(i % 3)))
          for i in range(n)]
    rels: dict[tuple[str, str, str], Relation] = {}
    while len(rels) < m:
        i = rng.randrange(1, n)
        j = int(rng.paretovariate(1.2)) % i if rng.random() < 0.5 else rng.randrange(i)
        p = RELATION_TYPES[(i + j) % len(RELATION_TYPES)]
        s = f"实体{i}号与实体{j}号签订协议，共同推进长江上游生态环境保护。"
        evs = tuple(Evidence(f"d{(i + k) % 500}.txt", k, k + len(s), s) for k in range(1 + (i * j) % 3))
        rels[(es[i].key, p, es[j].key)] = Relation(es[i].key, p, es[j].key, evs)
    return es, list(rels.values())


def _page_data(page: str) -> dict:
    return json.loads(page.split('id="graph-data">', 1)[1].split("</script>", 1)[0])


def test_viz_links_the_ontology_page_next_to_it():
    es, rs = small_graph()
    page = render_html(es, rs, title="t")
    link = re.search(r'<a id="ontology-link" href="([^"]+)"[^>]*>([^<]+)</a>', page)
    assert link and link.group(1) == "ontology.html"  # relative: the build writes it into the same folder
    assert "Ontology" in link.group(2) and "本体" in link.group(2)


def test_viz_big_graph_is_fast_bounded_and_says_what_is_hidden(tmp_path):
    es, rs = big_graph(20_000, 40_000)
    started = time.perf_counter()
    write_html(es, rs, tmp_path / "g.html", title="t")
    seconds = time.perf_counter() - started
    size = (tmp_path / "g.html").stat().st_size
    page = (tmp_path / "g.html").read_text(encoding="utf-8")
    data = _page_data(page)
    print(f"\n20k entities / 40k relations: write_html {seconds:.2f} s, {size / 1e6:.1f} MB")
    assert seconds < 10  # about 1 s on a quiet machine
    assert size < 12_000_000
    assert len(data["nodes"]) == MAX_NODES and data["total"] == {"nodes": 20_000, "edges": 40_000}
    shown = {n["id"] for n in data["nodes"]}
    assert all(e["from"] in shown and e["to"] in shown for e in data["edges"])
    degree = {n["id"]: n["degree"] for n in data["nodes"]}
    assert min(degree.values()) >= max(d for k, d in _degrees(rs).items() if k not in shown)  # the most connected
    note = re.search(r'<p id="hidden-note" class="note">([^<]+)</p>', page)
    assert note, "the page says that entities are hidden"
    text = note.group(1)
    assert f"{20_000 - MAX_NODES:,}" in text and f"{40_000 - len(data['edges']):,}" in text
    assert "kg.ttl" in text and "kg query" in text
    assert all(len(e["quotes"]) <= MAX_EDGE_QUOTES for e in data["edges"])


def _degrees(rs: list[Relation]) -> dict[str, int]:
    nbrs: dict[str, set[str]] = {}
    for r in rs:
        if r.subject != r.object:
            nbrs.setdefault(r.subject, set()).add(r.object)
            nbrs.setdefault(r.object, set()).add(r.subject)
    return {k: len(v) for k, v in nbrs.items()}


def test_viz_small_graph_has_no_hidden_note():
    es, rs = synthetic_graph(50)
    page = render_html(es, rs, title="t")
    assert 'id="hidden-note"' not in page
    assert _page_data(page)["total"] == {"nodes": 50, "edges": len(rs)}


def test_viz_max_nodes_draws_the_most_connected():
    es, rs = synthetic_graph(200)
    d = graph_data(es, rs, max_nodes=20)
    degree = _degrees(rs)
    ranked = sorted(degree, key=lambda k: (-degree[k], k))[:20]
    assert sorted(n["id"] for n in d["nodes"]) == sorted(ranked)


def test_viz_entities_without_mentions_still_show_their_evidence():
    es, rs = small_graph()
    bare = [Entity(e.key, e.type, e.label, e.aliases, e.documents, ()) for e in es]
    d = graph_data(bare, rs)
    for n in d["nodes"]:
        assert n["mentions"] == [] and n["mentionCount"] == 0
        assert [d["texts"][i][3] for i in n["quotes"]] == [rs[0].evidence[0].exact]
    assert render_html(bare, rs, title="t")


def test_viz_duplicate_relations_are_merged_and_dangling_ones_dropped():
    es, rs = small_graph()
    extra = Evidence("b.txt", 5, 9, "另一句话")
    dup = Relation(rs[0].subject, rs[0].predicate, rs[0].object, (extra,))
    dangling = Relation(rs[0].subject, "concerns", "River:不存在", (extra,))
    d = graph_data(es, [*rs, dup, dangling])
    assert len(d["edges"]) == len(rs) and d["total"]["edges"] == len(rs)
    merged = next(e for e in d["edges"] if (e["from"], e["predicate"], e["to"]) == (rs[0].subject, rs[0].predicate, rs[0].object))
    assert merged["quoteCount"] == 2 and merged["docs"] == ["a.txt", "b.txt"]


def test_viz_t2s_table_is_current():
    """kg/viz/t2s.txt is what the installed OpenCC gives (regenerate with the two functions below)."""
    from importlib import resources

    from kg.viz import T2S_FILE, render_t2s_file, t2s_pairs_from_opencc

    shipped = resources.files("kg").joinpath(T2S_FILE).read_text(encoding="utf-8")
    assert shipped == render_t2s_file(t2s_pairs_from_opencc())


def test_viz_page_carries_only_the_characters_its_names_need():
    es, rs = small_graph()
    d = graph_data(es, rs)
    used = {c for e in es for n in (e.label, *e.aliases) for c in n}
    assert d["t2s"] and set(d["t2s"].values()) <= used
    assert d["t2s"]["慶"] == "庆" and d["t2s"]["環"] == "环"


def test_viz_quotes_from_web_pages_show_text_not_markup(tmp_path):
    from kg.pipeline import build

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "p.html").write_text(
        '<html><body><p><a href="https://example.org/a">四川省生态环境厅</a>与<strong>重庆市生态环境局</strong>'
        "签订《琼江流域联合执法协议》&amp;备忘录。</p></body></html>", encoding="utf-8")
    build([docs], out=tmp_path / "out", quiet=True, queries=False)
    texts = [t[3] for t in _page_data((tmp_path / "out" / "graph.html").read_text(encoding="utf-8"))["texts"]]
    assert any("四川省生态环境厅与重庆市生态环境局签订《琼江流域联合执法协议》&备忘录" in t for t in texts), texts
    assert not any("<" in t or "&amp;" in t for t in texts), texts
    ttl = (tmp_path / "out" / "kg.ttl").read_text(encoding="utf-8")
    assert "</a>" in ttl  # the graph's quote keeps the file's characters, so its offsets hold
