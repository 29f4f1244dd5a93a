from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.model import DocumentMeta, Evidence, Extraction, Mention, RelationMention, SourceDocument
from kg.resolve import mint_iri, resolution_key, resolve


def _m(type_, name, surface, doc="a.txt"):
    ev = Evidence(doc, 0, len(surface), surface)
    return Mention(type_, name, surface, ev, ev)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("川渝大气污染防治联动工作方案（2023—2025年）", "川渝大气污染防治联动工作方案"),
        ("長江經濟帶發展負面清單指南（試行）", "长江经济带发展负面清单指南(试行,2022年版)"),
        ("《重庆市辐射污染防治办法（征求意见稿）》", "重庆市辐射污染防治办法"),
    ],
)
def test_resolve_merges_title_variants(a, b):
    assert resolution_key("Programme", a) == resolution_key("Programme", b)


def test_resolve_keeps_types_apart():
    assert resolution_key("Region", "重庆市") != resolution_key("Agency", "重庆市")


def test_resolve_one_entity_across_documents_with_aliases():
    ms = [_m("Agency", "重庆市生态环境局", "市生态环境局", "a.txt"), _m("Agency", "重庆市生态环境局", "重庆市生态环境局", "b.txt")]
    ents, _ = resolve([], mentions=ms)
    assert len(ents) == 1
    assert ents[0].label == "重庆市生态环境局"
    assert ents[0].aliases == ("市生态环境局",)
    assert ents[0].documents == ("a.txt", "b.txt")


@pytest.mark.parametrize(
    ("surfaces", "label", "aliases"),
    [
        # the text's quotation marks around a coined term stay in the label; the plain form is an alias
        (["“清水绿岸”治理行动", "清水绿岸治理行动"], "“清水绿岸”治理行动", ("清水绿岸治理行动",)),
        # traditional quotes and characters: shown simplified with “”
        (["「清水綠岸」治理行動"], "“清水绿岸”治理行动", ("清水綠岸治理行動", "清水绿岸治理行动")),
        # marks that do not pair up (a span cut inside a quotation) are dropped
        (["清水绿岸”治理行动"], "清水绿岸治理行动", ()),
        # a pair around the whole name only quotes it
        (["“清水绿岸治理行动”"], "清水绿岸治理行动", ()),
    ],
)
def test_resolve_label_keeps_quotation_marks_of_the_text(surfaces, label, aliases):
    ms = [_m("Programme", s, s, f"{i}.txt") for i, s in enumerate(surfaces)]
    ents, _ = resolve([], mentions=ms)
    assert [(e.label, e.aliases) for e in ents] == [(label, aliases)]


@pytest.mark.parametrize(
    ("name", "surface", "aliases"),
    [
        ("小江", "澎溪河流域", ("澎溪河", "澎溪河流域")),  # a basin is its river: the bare name too, the written form kept
        ("长江", "长江干流", ("长江干流",)),  # the bare name is the label already
        ("小江", "小江", ()),
    ],
)
def test_resolve_river_written_with_its_basin_is_known_by_both_names(name, surface, aliases):
    ents, _ = resolve([], mentions=[_m("River", name, name, "a.txt"), _m("River", name, surface, "b.txt")])
    assert [(e.label, e.aliases) for e in ents] == [(name, aliases)]


def test_resolve_relations_need_both_ends():
    doc = SourceDocument("a.txt", "0", 1, "utf-8", DocumentMeta())
    ev = Evidence("a.txt", 0, 4, "两地签订")
    ex = Extraction(
        doc,
        (_m("Agreement", "联合执法机制协议", "联合执法机制协议"), _m("Region", "四川省", "四川")),
        (RelationMention("联合执法机制协议", "Agreement", "signedBy", "四川省", "Region", ev),
         RelationMention("联合执法机制协议", "Agreement", "signedBy", "重庆市", "Region", ev)),
    )
    _ents, rels = resolve([ex])
    assert [(r.predicate, r.object) for r in rels] == [("signedBy", "Region:四川省")]


def test_resolve_iris_are_stable_and_distinct():
    base = "https://w3id.org/chuanyu-kg/id/"
    a = mint_iri("Region:重庆市", base_iri=base)
    assert a == mint_iri("Region:重庆市", base_iri=base)
    assert a != mint_iri("Agency:重庆市", base_iri=base)
    assert a.startswith(base + "region/")


def test_resolve_implied_entities_keep_the_sentence_as_evidence():
    ev = Evidence("a.txt", 0, 8, "两地签订协议。")
    implied = Mention("Region", "四川省", "四川省", ev, ev, "implied")
    ents, _ = resolve([], mentions=[implied])
    assert ents[0].mentions == (ev,)


def test_resolve_build_with_implied_parties_passes_validation(tmp_path):
    from kg.pipeline import build

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("《生态环境保护规划》由重庆市生态环境局与四川省生态环境厅联合印发。两地签订《川渝联合执法协议》。", encoding="utf-8")
    result = build([docs], out=tmp_path / "out", quiet=True)
    assert result.documents == 1 and (tmp_path / "out" / "kg.ttl").is_file()


# --------------------------------------------------------------------------- summarize = the plain definition
def _reference_summarize(mentions, relations=()):
    """The straightforward definition :func:`kg.resolve.summarize` must equal (sets, then sorted)."""
    from collections import Counter, defaultdict

    from kg.resolve import Summary, simple_name
    from kg.rules import clean_name

    names, surfaces, docs = Counter(), set(), set()
    explicit, implied = defaultdict(set), defaultdict(set)
    for m in mentions:
        key = resolution_key(m.type, m.name)
        names[(key, m.type, simple_name(m.name))] += 1
        if clean_name(m.surface):
            surfaces.add((key, clean_name(m.surface)))
        docs.add((key, m.evidence.doc))
        (implied if m.source == "implied" else explicit)[(key, m.evidence.doc)].add(m.evidence)
    evidence = {(doc[0], ev) for doc, evs in (implied | explicit).items() for ev in evs}
    known = {k for k, _ in docs}
    rels = {(resolution_key(r.subject_type, r.subject), r.predicate, resolution_key(r.object_type, r.object), r.evidence)
            for r in relations}
    return Summary(
        names=tuple(sorted((k, t, n, c) for (k, t, n), c in names.items())),
        surfaces=tuple(sorted(surfaces)),
        documents=tuple(sorted(docs)),
        evidence=tuple(sorted(evidence)),
        relations=tuple(sorted(r for r in rels if r[0] in known and r[2] in known)),
    )


_NAMES = ["重庆市", "四川省", "《重庆》", "生态环境局", "重慶市", "长江", "  "]
_spans = st.builds(Evidence, st.sampled_from(["a.txt", "b.txt"]), st.integers(0, 3), st.integers(3, 5),
                   st.sampled_from(["重庆", "川渝", "x"]))
_mentions = st.builds(Mention, st.sampled_from(["Region", "Agency", "Programme"]), st.sampled_from(_NAMES),
                      st.sampled_from(_NAMES), _spans, _spans, st.sampled_from(["pattern", "implied", "lexicon"]))
_relations = st.builds(RelationMention, st.sampled_from(_NAMES), st.sampled_from(["Region", "Agency"]),
                       st.sampled_from(["signedBy", "concerns"]), st.sampled_from(_NAMES),
                       st.sampled_from(["Region", "Programme"]), _spans)


@settings(max_examples=300, deadline=None)
@given(st.lists(_mentions, max_size=25), st.lists(_relations, max_size=8))
def test_resolve_summarize_equals_its_plain_definition(mentions, relations):
    from kg.resolve import summarize

    s = summarize(mentions, relations)
    assert s == _reference_summarize(mentions, relations)
    # trimmed: the first evidences of each key, in order
    for per_key in (1, 2):
        kept = s.trimmed(per_key=per_key).evidence
        assert kept == tuple(kv for i, kv in enumerate(s.evidence)
                             if sum(1 for k, _ in s.evidence[:i] if k == kv[0]) < per_key)


def test_resolve_summarize_keeps_implied_sentences_only_where_nothing_is_explicit():
    from kg.resolve import summarize

    own, sentence, other = Evidence("a.txt", 0, 2, "四川"), Evidence("a.txt", 0, 8, "两地签订协议。"), Evidence("b.txt", 0, 8, "两地签订。")
    ms = [Mention("Region", "四川省", "四川", own, own), Mention("Region", "四川省", "四川省", sentence, sentence, "implied"),
          Mention("Region", "四川省", "四川省", other, other, "implied")]
    assert summarize(ms).evidence == (("Region:四川省", own), ("Region:四川省", other))
    assert summarize(ms) == _reference_summarize(ms)
