"""graph.html in real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

scripts/setup-test-env.sh installs Chromium and Playwright; a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from kg.model import RELATION_TYPES, Entity, Evidence, Relation
from kg.viz import CHROMIUM_ARGS, MAX_NODES, highlight_spans, write_html
from tests.test_viz import MARKUP, big_graph, small_graph, synthetic_graph

CHROMIUM = "/usr/bin/chromium"
LARGE_NODES = 5000
LARGE_BUDGET_S = 10.0


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "Chromium is required: run scripts/setup-test-env.sh"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        yield b
        b.close()


class Page:
    """A page with everything it tried to fetch, logged as an error, or popped up."""

    def __init__(self, browser, path: Path, *, width: int = 1300, height: int = 850):
        self.url = path.resolve().as_uri()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("requestfailed", lambda r: self.errors.append(f"requestfailed: {r.url}"))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def load(self, *, timeout_ms: int = 30000) -> Page:
        self.page.goto(self.url)
        self.page.wait_for_function("() => window.kgView && window.kgView.ready", timeout=timeout_ms)
        return self

    def js(self, expr: str, arg=None):
        return self.page.evaluate(expr, arg)

    def visible_nodes(self) -> int:
        return self.js("kgView.nodes.get({filter: n => !n.hidden}).length")

    def visible_edges(self) -> int:
        return self.js("kgView.edges.get({filter: e => !e.hidden}).length")

    def node_xy(self, node_id: str) -> tuple[float, float]:
        """Centre the view on a node; its page coordinates."""
        self.js("id => kgView.network.focus(id, {scale: 1.5, animation: false})", node_id)
        self.page.wait_for_timeout(100)
        box = self.page.locator("#net canvas").bounding_box()
        xy = self.js("id => kgView.network.canvasToDOM(kgView.network.getPosition(id))", node_id)
        return box["x"] + xy["x"], box["y"] + xy["y"]

    def click_node(self, node_id: str) -> None:
        self.page.mouse.click(*self.node_xy(node_id))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_page(browser):
    pages: list[Page] = []

    def _open(path: Path, **kw) -> Page:
        pages.append(Page(browser, path, **kw))
        return pages[-1].load()

    yield _open
    for p in pages:
        p.close()


@pytest.fixture(scope="module")
def seed_page_path(seed_build):
    return seed_build[1] / "graph.html"


def test_browser_seed_page_loads_offline_without_errors(open_page, seed_build, seed_page_path):
    result, _ = seed_build
    page = open_page(seed_page_path)
    page.page.wait_for_timeout(500)
    assert page.requests == [page.url]  # the file itself, nothing else
    assert page.errors == []
    assert page.js("kgView.nodes.length") == len(result.entities)
    assert page.js("kgView.edges.length") == len(result.relations)
    assert page.visible_nodes() == len(result.entities)
    assert page.js("document.getElementById('title').textContent") == page.page.title()
    legend = page.js("document.getElementById('class-filters').innerText")
    for kind, count in Counter(e.type for e in result.entities).items():
        assert kind in legend and str(count) in legend


def test_browser_ontology_link_is_visible_and_opens_the_page_next_to_it(open_page, seed_build, seed_page_path):
    _, out = seed_build
    assert (out / "ontology.html").exists(), "the build writes ontology.html next to graph.html"
    page = open_page(seed_page_path)
    link = page.page.locator("#ontology-link")
    assert link.is_visible()
    assert link.get_attribute("href") == "ontology.html"
    assert "Ontology" in link.inner_text() and "本体" in link.inner_text()
    box = link.bounding_box()
    assert box and box["y"] < 100  # in the header, not below the fold
    link.click()
    page.page.wait_for_load_state()
    assert page.page.url == (out / "ontology.html").resolve().as_uri()
    assert all(u.startswith("file://") for u in page.requests)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("重庆市和四川省签订协议，四川省", ["四川省", "四川", "重庆市"]),
        ("四川省四川", ["四川", "四川省"]),
        ("无关文字", ["四川"]),
        ("<b>四川</b>", ["四川", ""]),
        ("长江长江长江上游", ["长江", "长江长江", "江上"]),
    ],
)
def test_browser_highlight_matches_python(open_page, tmp_path, text, names):
    es, rs = small_graph()
    write_html(es, rs, tmp_path / "g.html", title="t")
    page = open_page(tmp_path / "g.html")
    assert page.js("([t, n]) => kgView.highlight(t, n)", [text, names]) == highlight_spans(text, names)


def test_browser_entity_without_mentions_shows_relation_evidence(open_page, tmp_path):
    es, rs = small_graph()
    bare = [Entity(e.key, e.type, e.label, e.aliases, e.documents, ()) for e in es]
    write_html(bare, rs, tmp_path / "g.html", title="t")
    page = open_page(tmp_path / "g.html")
    page.js("id => kgView.showNode(id)", es[2].key)
    panel = page.js("document.getElementById('panel').innerText")
    assert "提及 mentions" not in panel and "证据句 evidence sentences" in panel
    assert es[2].label in page.js("[...document.querySelectorAll('#panel mark')].map(m => m.textContent)")
    assert page.errors == []


def _traditional(name: str) -> str:
    """``name`` in traditional characters, as OpenCC writes it (phrases included)."""
    import opencc

    return opencc.OpenCC("s2t.json").convert(name)


def test_browser_traditional_characters_find_and_highlight_simplified_names(open_page, tmp_path):
    es, _ = small_graph()
    es = [*es, Entity("Meeting:新闻发布会", "Meeting", "新闻发布会", ("长江干流联席会",), ("b.txt",), ())]
    quote = "長江幹流聯席會與重慶市生態環境局在新聞發佈會上說明。"  # traditional, as the document had it
    rs = [Relation("Meeting:新闻发布会", "participant", "Agency:重庆市生态环境局", (Evidence("b.txt", 0, len(quote), quote),))]
    write_html(es, rs, tmp_path / "g.html", title="t")
    page = open_page(tmp_path / "g.html")
    for query in ("新聞發佈會", "長江幹流", "重慶市生態環境局", _traditional("重庆市生态环境局")):
        page.page.fill("#search", query)
        page.page.press("#search", "Enter")
        assert page.js("kgView.network.getSelectedNodes()")[0] in {e.key for e in es}, query
    page.js("id => kgView.showEdge(id)", f"{rs[0].subject}|participant|{rs[0].object}")
    marks = page.js("[...document.querySelectorAll('#panel mark')].map(m => m.textContent)")
    assert marks == ["長江幹流聯席會", "重慶市生態環境局", "新聞發佈會"]
    assert page.errors == []


def _named_entities(result):
    """The best-connected entity with an alias, and a few others, from the graph itself."""
    degree = Counter()
    for r in result.relations:
        degree[r.subject] += 1
        degree[r.object] += 1
    with_alias = sorted((e for e in result.entities if e.aliases), key=lambda e: (-degree[e.key], e.key))
    return with_alias[:3]


@pytest.mark.parametrize("which", ["label", "alias", "label-prefix", "traditional"])
def test_browser_search_focuses_node_by_any_name(open_page, seed_build, seed_page_path, which):
    result, _ = seed_build
    picked = _named_entities(result)
    assert picked, "the seed graph has entities with aliases"
    if which == "traditional":
        assert any(_traditional(e.label) != e.label for e in picked), "some picked name has a traditional form"
    page = open_page(seed_page_path)
    for e in picked:
        query = {"label": e.label, "alias": e.aliases[0], "label-prefix": e.label[: max(2, len(e.label) - 1)],
                 "traditional": _traditional(e.label)}[which]
        page.page.fill("#search", query)
        hits = page.js("[...document.querySelectorAll('#results li')].map(li => li.dataset.id)")
        assert e.key in hits
        page.page.click(f"#results li[data-id='{e.key}']") if which == "label-prefix" else page.page.press("#search", "Enter")
        assert page.js("kgView.network.getSelectedNodes()") == [e.key]
        assert page.js("document.querySelector('#panel h2').textContent") == e.label
    assert page.errors == []


def test_browser_class_filters_hide_and_show(open_page, seed_build, seed_page_path):
    result, _ = seed_build
    page = open_page(seed_page_path)
    counts = Counter(e.type for e in result.entities)
    kind_of = {e.key: e.type for e in result.entities}
    total = len(result.entities)
    for kind, n in sorted(counts.items()):
        box = f"#class-filters input[data-filter='{kind}']"
        page.page.uncheck(box)
        assert page.visible_nodes() == total - n
        assert page.visible_edges() == sum(1 for r in result.relations if kind not in (kind_of[r.subject], kind_of[r.object]))
        page.page.check(box)
        assert page.visible_nodes() == total
    assert page.visible_edges() == len(result.relations)


@pytest.mark.parametrize("predicate", RELATION_TYPES)
def test_browser_relation_filter_hides_edges(open_page, seed_build, seed_page_path, predicate):
    result, _ = seed_build
    page = open_page(seed_page_path)
    page.page.uncheck(f"#relation-filters input[data-filter='{predicate}']")
    assert page.visible_edges() == sum(1 for r in result.relations if r.predicate != predicate)
    assert page.visible_nodes() == len(result.entities)
    assert str(len(result.relations) - sum(r.predicate == predicate for r in result.relations)) in page.js(
        "document.getElementById('status').textContent")


def test_browser_clicking_node_and_edge_shows_evidence(open_page, tmp_path):
    es, rs = small_graph()
    rs = rs[:1]
    write_html(es, rs, tmp_path / "g.html", title="t")
    page = open_page(tmp_path / "g.html")
    agreement = es[2]
    page.click_node(agreement.key)
    assert page.js("document.getElementById('panel').dataset.id") == agreement.key
    panel = page.js("document.getElementById('panel').innerText")
    assert agreement.label in panel and "协议 Agreement" in panel and "a.txt" in panel
    assert agreement.label in page.js("[...document.querySelectorAll('#panel mark')].map(m => m.textContent)")
    # the edge: centre the view on the middle of its two ends and click there
    edge = rs[0]
    mid = page.js(
        """([a, b]) => { const p = kgView.network.getPositions([a, b]);
            const m = {x: (p[a].x + p[b].x) / 2, y: (p[a].y + p[b].y) / 2};
            kgView.network.moveTo({position: m, scale: 1, animation: false});
            return kgView.network.canvasToDOM(m); }""",
        [edge.subject, edge.object],
    )
    page.page.wait_for_timeout(100)
    canvas = page.page.locator("#net canvas").bounding_box()
    page.page.mouse.click(canvas["x"] + mid["x"], canvas["y"] + mid["y"])
    assert page.js("document.getElementById('panel').dataset.kind") == "edge"
    marks = page.js("[...document.querySelectorAll('#panel mark')].map(m => m.textContent)")
    assert sorted(marks) == sorted([agreement.label, "重庆市生态环境局"])
    assert "签署 signedBy" in page.js("document.getElementById('panel').innerText")
    assert page.errors == []


@pytest.mark.parametrize("markup", MARKUP[:3])
def test_browser_planted_markup_never_runs(open_page, tmp_path, markup):
    es, rs = small_graph("协议" + markup, f"双方签订《协议{markup}》{markup}。")
    write_html(es, rs, tmp_path / "g.html", title=markup)
    page = open_page(tmp_path / "g.html")
    page.page.fill("#search", "协议")
    page.page.press("#search", "Enter")
    page.js("id => kgView.showEdge(id)", f"{rs[0].subject}|signedBy|{rs[0].object}")
    page.page.wait_for_timeout(200)
    assert markup in page.js("document.getElementById('panel').textContent")
    page.js("id => kgView.showNode(id)", es[2].key)
    assert markup in page.js("document.getElementById('panel').textContent")
    assert page.js("document.getElementById('title').textContent") == markup
    page.page.wait_for_timeout(200)
    x, y = page.node_xy(es[2].key)
    page.page.mouse.move(x - 40, y - 40)
    page.page.mouse.move(x, y, steps=5)
    page.page.wait_for_selector("#tip:not([hidden])", timeout=5000)
    assert markup in page.js("document.getElementById('tip').textContent")
    assert page.js("typeof window.__pwned") == "undefined"
    assert page.js("document.querySelectorAll('#side img, #side script, #tip img, #tip script, [onerror]').length") == 0
    assert page.dialogs == [] and page.errors == []


def test_browser_planted_markup_document_through_the_pipeline(open_page, corpus, tmp_path):
    from kg.pipeline import build

    (corpus / "evil.txt").write_text(
        "重庆市生态环境局和四川省生态环境厅签订《<img src=x onerror=alert(1)>联合执法机制协议》。"
        "<script>alert(2)</script>\n", encoding="utf-8")
    result = build([corpus], out=tmp_path / "out", quiet=True)
    texts = [e.label for e in result.entities] + [ev.exact for r in result.relations for ev in r.evidence]
    assert any("onerror" in t for t in texts), "the planted markup reaches the graph"
    page = open_page(tmp_path / "out" / "graph.html")
    assert page.js("kgView.nodes.length") == len(result.entities)
    for e in result.entities:
        page.js("id => kgView.focusNode(id)", e.key)
    for r in result.relations:
        page.js("id => kgView.showEdge(id)", f"{r.subject}|{r.predicate}|{r.object}")
    page.page.wait_for_timeout(300)
    assert "onerror" in page.js("document.getElementById('panel').textContent")
    assert page.dialogs == [] and page.errors == [] and page.requests == [page.url]


def test_browser_physics_toggle_stops_by_itself(open_page, tmp_path):
    es, rs = synthetic_graph(60)
    write_html(es, rs, tmp_path / "g.html", title="t")
    page = open_page(tmp_path / "g.html")
    assert page.js("kgView.network.physics.physicsEnabled") is False
    page.page.check("#physics")
    assert page.js("kgView.network.physics.physicsEnabled") is True
    page.page.wait_for_function("() => !document.getElementById('physics').checked", timeout=30000)
    assert page.js("kgView.network.physics.physicsEnabled") is False
    assert page.errors == []


def test_browser_large_graph_is_interactive_within_budget(open_page, tmp_path, record_property):
    es, rs = synthetic_graph(LARGE_NODES)
    started = time.perf_counter()
    write_html(es, rs, tmp_path / "large.html", title="large")
    write_s = time.perf_counter() - started
    started = time.perf_counter()
    page = open_page(tmp_path / "large.html", width=1300, height=850)
    ready_s = time.perf_counter() - started
    shown = min(LARGE_NODES, MAX_NODES)
    assert page.js("kgView.nodes.length") == shown
    ids = set(page.js("kgView.data.nodes.map(n => n.id)"))
    target = next(e for e in es[LARGE_NODES // 2:] if e.key in ids)
    page.page.fill("#search", target.aliases[0])
    page.page.press("#search", "Enter")
    assert page.js("kgView.network.getSelectedNodes()") == [target.key]
    agencies = sum(e.type == "Agency" and e.key in ids for e in es)
    page.page.uncheck("#class-filters input[data-filter='Agency']")
    assert page.visible_nodes() == shown - agencies
    interactive_s = time.perf_counter() - started
    record_property("large_graph_write_s", round(write_s, 2))
    record_property("large_graph_ready_s", round(ready_s, 2))
    record_property("large_graph_interactive_s", round(interactive_s, 2))
    print(f"\nlarge graph ({LARGE_NODES} entities, {len(rs)} relations; {shown} drawn): write_html {write_s:.2f} s, "
          f"page ready {ready_s:.2f} s, search + filter done {interactive_s:.2f} s")
    if LARGE_NODES > MAX_NODES:
        note = page.page.locator("#hidden-note")
        assert note.is_visible()
        assert f"{LARGE_NODES - shown:,}" in note.inner_text() and "kg.ttl" in note.inner_text()
        assert f"graph: {LARGE_NODES} nodes" in page.js("document.getElementById('status').textContent")
    assert interactive_s < LARGE_BUDGET_S
    assert page.errors == [] and page.requests == [page.url]


def test_browser_huge_graph_draws_the_most_connected(open_page, tmp_path):
    es, rs = big_graph(20_000, 40_000)
    write_html(es, rs, tmp_path / "huge.html", title="huge")
    page = open_page(tmp_path / "huge.html")
    assert page.js("kgView.nodes.length") == MAX_NODES
    assert page.page.locator("#hidden-note").is_visible()
    hub = page.js("kgView.data.nodes.reduce((a, b) => (b.degree > a.degree ? b : a)).id")
    page.js("id => kgView.focusNode(id)", hub)
    assert page.js("document.getElementById('panel').dataset.id") == hub
    assert "shown, degree" in page.js("document.getElementById('panel').innerText")
    assert page.errors == [] and page.requests == [page.url]
