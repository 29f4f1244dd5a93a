"""Extraction rules on sentences that are not in the seeds (generalisation, not gold)."""

from __future__ import annotations

import pytest

from kg.ingest import document_from_bytes
from kg.lexicon import load_lexicon
from kg.nlp import extract, make_pipeline
from kg.rules import Context, classify_title, find_mentions, places_in_name, resolve_agency


def _extract(text: str, name: str = "t.txt"):
    return extract(document_from_bytes(text.encode("utf-8"), path=name))


def _ents(text: str) -> set[tuple[str, str]]:
    return {(m.type, m.name) for m in _extract(text).mentions}


def _rels(text: str) -> set[tuple[str, str, str]]:
    return {(r.subject, r.predicate, r.object) for r in _extract(text).relations}


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("嘉陵江流域生态环境保护条例", "Regulation"),
        ("川渝地区矿山生态修复技术规范", "Standard"),
        ("赤水河流域横向生态保护补偿协议", "Agreement"),
        ("成渝地区双城经济圈生态环境保护规划", "Programme"),
        ("川南经济区大气污染联防联控工作会议", "Meeting"),
        ("长江上游生态环境研究报告", None),
        ("关于建议办理情况的答复函", None),
        ("联合执法方法", None),
        ("摩托车和轻便摩托车排气污染物排放限值及测量方法（双怠速法）", "Standard"),
        ("土壤和沉积物中多环芳烃的测定方法", "Standard"),
        ("城市噪声监测方法", "Standard"),
    ],
)
def test_nlp_classify_title_by_head(title, expected):
    assert classify_title(title, load_lexicon()) == expected


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("泸州市与永川区签订《赤水河流域横向生态保护补偿协议》。", ("Agreement", "赤水河流域横向生态保护补偿协议")),
        ("两地协作开展“清废”行动。", ("Programme", "清废行动")),
        ("宜宾市生态环境局印发方案。", ("Agency", "宜宾市生态环境局")),
        ("綦江区与江津区召开川黔生态环境保护联席会议。", ("Meeting", "川黔生态环境保护联席会议")),
        ("深化御临河、大洪河流域联防联治。", ("River", "御临河")),
        ("推动万达开川渝统筹发展示范区建设。", ("Region", "万达开川渝统筹发展示范区")),
        ("全面推行河长制。", ("Programme", "河长制")),
    ],
)
def test_nlp_finds_entities_in_unseen_sentences(text, entity):
    assert entity in _ents(text)


@pytest.mark.parametrize(
    "text",
    ["河长制深入推进，河道整治成效明显。", "通过官网、官微发布空气质量信息。", "签订合作协议20余项。"],
)
def test_nlp_no_false_rivers_or_generic_agreements(text):
    ents = _ents(text)
    assert not {e for e in ents if e[0] in ("River", "Agreement")}, ents


def test_nlp_collective_subject_resolves_to_both_departments():
    rels = _rels("两省市生态环境部门签订了《跨界河流联防联控合作协议》。")
    assert ("跨界河流联防联控合作协议", "signedBy", "四川省生态环境厅") in rels
    assert ("跨界河流联防联控合作协议", "signedBy", "重庆市生态环境局") in rels


def test_nlp_short_forms_follow_the_documents_jurisdiction():
    lex = load_lexicon()
    assert resolve_agency("市生态环境局", lex, Context(jurisdiction="重庆市", city="重庆市")) == "重庆市生态环境局"
    assert resolve_agency("市生态环境局", lex, Context(jurisdiction="四川省", province="四川省", city="宜宾市")) == "宜宾市生态环境局"


@pytest.mark.parametrize("rest", ["。", "，明确推动永川区建设川渝大气污染联防联控区域中心。", "，并与四川省共同开展联合执法。"])
def test_nlp_letter_author_speaks_for_subjectless_sentences(rest):
    """A joint word after the document's clause is about other work: the letter's author issued it."""
    text = f"重庆市生态环境局关于第1号建议办理情况的答复函\n张三代表：\n组织编制《重庆市大气环境保护“十四五”规划》{rest}\n"
    rels = _rels(text)
    assert {o for s, p, o in rels if p == "issuedBy"} == {"重庆市生态环境局"}, rels


def test_nlp_concerns_from_names_in_title():
    assert places_in_name("岷沱江流域水污染联防联控联治机制", load_lexicon()) == (("岷江", "River"), ("沱江", "River"))
    rels = _rels("双方签订《嘉陵江流域川渝横向生态保护补偿协议》。")
    for obj in ("嘉陵江", "四川省", "重庆市"):
        assert ("嘉陵江流域川渝横向生态保护补偿协议", "concerns", obj) in rels


def test_nlp_participants_of_a_meeting():
    rels = _rels("7月1日，重庆市生态环境局与四川省生态环境厅在广安召开2024年川渝生态环境保护联席会议。")
    assert ("2024年川渝生态环境保护联席会议", "participant", "重庆市生态环境局") in rels
    assert ("2024年川渝生态环境保护联席会议", "participant", "四川省生态环境厅") in rels


def test_nlp_traditional_text_gives_simplified_names_and_original_quotes():
    text = "四川省生態環境廳與重慶市生態環境局簽訂《長江流域橫向生態保護補償協議》。"
    ex = _extract(text)
    agreement = next(m for m in ex.mentions if m.type == "Agreement")
    assert agreement.name == "长江流域横向生态保护补偿协议"
    assert agreement.evidence.exact == "長江流域橫向生態保護補償協議"
    assert text[agreement.evidence.start : agreement.evidence.end] == agreement.evidence.exact


def test_nlp_spam_never_becomes_an_entity():
    ents = _ents("两地联合开展的国家重点研发计划项目顺利通过科技部综合绩效评估，为成渝地区大发体育开户,手机赌博官网持续改善大气环境质量做出了重要的科技支撑，澳门新葡京娱乐官网。")
    assert all("赌" not in n and "葡京" not in n and "体育" not in n for _t, n in ents)


def test_nlp_pipeline_is_a_spacy_pipeline_with_spans():
    nlp = make_pipeline()
    assert nlp.pipe_names == ["kg_entities", "kg_relations"]
    doc = nlp("重庆市生态环境局印发《重庆市噪声污染防治办法》。")
    labels = {(s.label_, s.kb_id_) for s in doc.spans["kg_mentions"]}
    assert ("Regulation", "重庆市噪声污染防治办法") in labels
    assert ("Agency", "重庆市生态环境局") in labels


def test_nlp_mentions_without_lexicon_hits_are_sorted_and_in_range():
    text = "成都市联合德阳、绵阳召开成都平原经济区生态环境保护联席会议。"
    cands = find_mentions(text, load_lexicon(), Context())
    assert cands == sorted(cands)
    assert all(0 <= c.start < c.end <= len(text) for c in cands)


def test_nlp_shuangfang_means_the_two_named_bodies():
    rels = _rels("四川省生态环境厅与重庆市生态环境局召开联席会议，双方签署《赤水河流域横向生态保护补偿协议》。")
    assert ("赤水河流域横向生态保护补偿协议", "signedBy", "四川省生态环境厅") in rels
    assert ("赤水河流域横向生态保护补偿协议", "signedBy", "重庆市生态环境局") in rels
    assert ("赤水河流域横向生态保护补偿协议", "signedBy", "四川省") not in rels


def test_nlp_make_doc_tokens_are_spacys_character_tokens():
    from kg.nlp import char_orths, char_words, make_doc

    nlp = make_pipeline()
    for text in ("", " ", "川渝 两地\n\n协议 ", "  重庆\t\u3000市 \n  四川  ", "a b\xa0c\u2028d  e"):
        ours, spacys = make_doc(nlp, text), nlp.make_doc(text)
        assert [(t.text, t.whitespace_) for t in ours] == [(t.text, t.whitespace_) for t in spacys]
        orths, spaces = char_orths(nlp.vocab, text)
        assert ([nlp.vocab.strings[o] for o in orths], spaces) == char_words(text)


def test_nlp_evidence_maps_through_the_offset_map():
    text = "重庆市  生态环境局印发《重庆市噪声污染防治办法》。" * 3
    doc = document_from_bytes(("<p>" + text + "</p>").encode(), path="p.html")
    for m in extract(doc).mentions:
        assert doc.original[m.evidence.start : m.evidence.end] == m.evidence.exact
        assert m.evidence.exact == m.evidence.exact.strip()


def test_nlp_report_author_from_title_opening_is_the_other_party():
    text = "泸州市生态环境局2023年工作总结\n一是与永川区生态环境局共同签订《塘河流域水环境联防联治协议》。\n泸州市生态环境局\n"
    ex = _extract(text)
    assert ex.document.meta.author == "泸州市生态环境局"
    rels = {(r.subject, r.predicate, r.object) for r in ex.relations}
    assert ("塘河流域水环境联防联治协议", "signedBy", "泸州市生态环境局") in rels
    assert ("塘河流域水环境联防联治协议", "signedBy", "永川区生态环境局") in rels


def test_nlp_district_document_short_forms_are_the_municipalitys():
    text = "荣昌区生态环境局2023年工作总结\n配合市生态环境局编制《濑溪河流域水生态环境保护规划》。\n"
    rels = _rels(text)
    assert ("濑溪河流域水生态环境保护规划", "issuedBy", "重庆市生态环境局") in rels
    assert "荣昌区生态环境局" not in {m.name for m in _extract(text).mentions if m.surface == "市生态环境局"}


def test_nlp_list_items_do_not_share_their_agents():
    text = "一是与自贡市共同召开沱江流域联防联治联席会议；二是配合省生态环境厅编制《沱江流域水环境综合治理规划》。"
    rels = _rels(text)
    assert ("沱江流域水环境综合治理规划", "issuedBy", "自贡市") not in rels


@pytest.mark.parametrize(
    ("text", "rel"),
    [
        ("四川省生态环境厅与重庆市生态环境局共同制定《川渝地区砖瓦工业大气污染物排放标准》。", ("川渝地区砖瓦工业大气污染物排放标准", "issuedBy", "重庆市生态环境局")),
        ("两省市联合制定《川渝危险废物跨省转移管理办法》。", ("川渝危险废物跨省转移管理办法", "issuedBy", "四川省")),
        ("双方共同制定《琼江流域联合执法协议》。", ("琼江流域联合执法协议", "signedBy", "重庆市")),
    ],
)
def test_nlp_jointly_drawn_up_is_issued_unless_an_agreement(text, rel):
    assert rel in _rels(text)


def test_nlp_place_chain_after_a_preposition_is_where_not_who():
    rels = _rels("6月8日，达州市生态环境局在四川省达州市宣汉县召开铜钵河流域联防联治联席会议。")
    assert ("铜钵河流域联防联治联席会议", "participant", "达州市生态环境局") in rels
    assert not {o for s, p, o in rels if p == "participant"} & {"宣汉县", "达州市", "四川省"}


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("督促江津、綦江等区县加快整改。", ("Region", "江津区")),
        ("指导合川、铜梁、潼南等区县建立合作机制。", ("Region", "铜梁区")),
        ("广安渝北联合召开御临河流域联防联治联席会议。", ("Region", "渝北区")),
    ],
)
def test_nlp_county_short_forms_in_lists_and_pairs(text, entity):
    assert entity in _ents(text)


def test_nlp_two_glued_places_of_both_sides_are_both_agents():
    rels = _rels("广安渝北联合召开御临河流域联防联治联席会议。")
    assert ("御临河流域联防联治联席会议", "participant", "广安市") in rels
    assert ("御临河流域联防联治联席会议", "participant", "渝北区") in rels
    assert ("御临河流域联防联治联席会议", "participant", "四川省") not in _rels("四川省广安市召开御临河流域联防联治联席会议。")


@pytest.mark.parametrize(
    ("text", "rel"),
    [
        ("云南省第十四届人民代表大会常务委员会第二次会议表决通过《云南省赤水河流域保护条例》。",
         ("云南省赤水河流域保护条例", "issuedBy", "云南省人民代表大会常务委员会")),
        ("重庆市人民政府第十次常务会议审议并通过《重庆市环境噪声污染防治办法》。", ("重庆市环境噪声污染防治办法", "issuedBy", "重庆市人民政府")),
    ],
)
def test_nlp_adopted_by_vote_is_issued(text, rel):
    assert rel in _rels(text)


def test_nlp_standing_committee_session_is_a_meeting_and_its_body_the_issuer():
    ex = _extract("贵州省第十四届人民代表大会常务委员会第八次会议审议通过了《贵州省赤水河流域保护条例》。")
    ents = {(m.type, m.name) for m in ex.mentions}
    assert ("Meeting", "贵州省第十四届人民代表大会常务委员会第八次会议") in ents
    assert ("Agency", "贵州省人民代表大会常务委员会") in ents
    rels = {(r.subject, r.predicate, r.object) for r in ex.relations}
    assert ("贵州省赤水河流域保护条例", "issuedBy", "贵州省人民代表大会常务委员会") in rels


def test_nlp_two_meetings_joined_by_ji_are_two_names():
    ents = _ents("7月5日，川南经济区生态环境保护联席会议第三次会议暨2024年沱江流域联防联治工作会议在自贡召开。")
    assert ("Meeting", "2024年沱江流域联防联治工作会议") in ents
    assert ("Meeting", "川南经济区生态环境保护联席会议第三次会议") in ents


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("泸州市人民政府新闻办公室举行赤水河流域保护新闻发布会。", "泸州市人民政府新闻办公室"),
        ("市政府新闻办举行2024年重庆市生态环境状况新闻发布会。", "重庆市人民政府新闻办公室"),
    ],
)
def test_nlp_government_information_offices_hold_press_conferences(text, agency):
    rels = _rels(text)
    assert any(p == "participant" and o == agency for _s, p, o in rels), rels


@pytest.mark.parametrize(
    ("text", "parties"),
    [
        ("6月3日，宜宾市生态环境局与江津区生态环境局在江津召开联席会议。会议通报了水质情况。\n会上，双方签订了《长江干流跨界水污染联防联治协议》。",
         {"宜宾市生态环境局", "江津区生态环境局"}),
        ("达州市生态环境局、广安市生态环境局与开州区生态环境局召开座谈会。三方共同签署了《州河流域联合执法协议》。",
         {"达州市生态环境局", "广安市生态环境局", "开州区生态环境局"}),
    ],
)
def test_nlp_parties_named_in_an_earlier_sentence(text, parties):
    rels = _rels(text)
    signers = {o for s, p, o in rels if p == "signedBy"}
    assert signers == parties, rels


def test_nlp_enumeration_goes_on_after_a_titled_mechanism_agreement():
    rels = _rels("广安市生态环境局与长寿区生态环境局签署了《御临河跨界河流联防联治机制》协议、《大洪河流域联合执法框架协议》。")
    assert ("大洪河流域联合执法框架协议", "signedBy", "广安市生态环境局") in rels
    assert ("御临河跨界河流联防联治机制", "signedBy", "长寿区生态环境局") in rels


@pytest.mark.parametrize(
    "text",
    ["两地生态环境质量持续改善，共同推进长江上游生态屏障建设。", "推动川渝生态环境共建共保取得新成效。", "两省市生态环境标准差异较大。"],
)
def test_nlp_a_field_after_the_two_sides_is_no_department(text):
    ents = _ents(text)
    assert ("Agency", "四川省生态环境厅") not in ents and ("Agency", "重庆市生态环境局") not in ents, ents


def test_nlp_meeting_without_its_year_is_the_dated_meeting():
    ents = _ents("泸州永川召开濑溪河流域联防联治联席会议\n5月8日，两地在永川召开2024年濑溪河流域联防联治联席会议。")
    meetings = {n for t, n in ents if t == "Meeting"}
    assert meetings == {"2024年濑溪河流域联防联治联席会议"}
    two_years = _ents("2023年濑溪河流域联防联治联席会议在泸州召开，2024年濑溪河流域联防联治联席会议在永川召开，濑溪河流域联防联治联席会议已成为常态。")
    assert ("Meeting", "濑溪河流域联防联治联席会议") in two_years


@pytest.mark.parametrize(
    ("text", "rel"),
    [
        ("重庆市生态环境局、重庆市市场监督管理局联合发布《水泥工业大气污染物排放标准》（DB50/ 656—2023）、《砖瓦工业大气污染物排放标准》（DB50/ 657—2023）两项地方标准。",
         ("砖瓦工业大气污染物排放标准", "issuedBy", "重庆市市场监督管理局")),
        ("四川省生态环境厅印发《沱江流域水生态环境保护规划》（2021—2025年）和《岷江流域水生态环境保护规划》。",
         ("岷江流域水生态环境保护规划", "issuedBy", "四川省生态环境厅")),
    ],
)
def test_nlp_enumeration_goes_on_after_a_document_number(text, rel):
    assert rel in _rels(text)


@pytest.mark.parametrize(
    ("text", "predicate", "agents"),
    [
        ("湖北、湖南、重庆三省市人民政府签署了《酉水流域横向生态保护补偿协议》。", "signedBy",
         {"湖北省人民政府", "湖南省人民政府", "重庆市人民政府"}),
        ("5月6日，宜宾市、泸州市与重庆市江津区在江津召开长江干流联防联治联席会议。会上，三地生态环境局共同签订了《长江干流跨界水污染联防联治协议》。",
         "signedBy", {"宜宾市生态环境局", "泸州市生态环境局", "江津区生态环境局"}),
        ("两省市生态环境、公安部门联合签署《川渝危险废物环境违法犯罪联合打击协作协议》。", "signedBy",
         {"四川省生态环境厅", "重庆市生态环境局", "四川省公安厅", "重庆市公安局"}),
        ("广安、渝北两地联合制定《御临河流域联合执法办法》。", "issuedBy", {"广安市", "渝北区"}),
        ("达州市、开州区、万州区三地河长办联合印发《铜钵河流域联合巡河工作方案》。", "issuedBy",
         {"达州市河长制办公室", "开州区河长制办公室", "万州区河长制办公室"}),
    ],
)
def test_nlp_counted_group_means_the_places_listed_or_named_before(text, predicate, agents):
    rels = _rels(text)
    assert {o for _s, p, o in rels if p == predicate} == agents, rels


@pytest.mark.parametrize(
    ("text", "name", "author"),
    [
        ("重庆市生态环境局关于印发《重庆市川渝毗邻地区联防联治2024年工作要点》的通知\n各区县生态环境局：\n现印发给你们，请认真贯彻落实。\n",
         "重庆市川渝毗邻地区联防联治2024年工作要点", "重庆市生态环境局"),
        ("泸州市生态环境局关于印发《泸州市川渝跨界河流水质提升方案》的通知\n各区县生态环境局：\n现印发给你们。\n",
         "泸州市川渝跨界河流水质提升方案", "泸州市生态环境局"),
    ],
)
def test_nlp_one_sides_own_plan_naming_chuanyu_is_not_joint(text, name, author):
    rels = _rels(text)
    assert {o for s, p, o in rels if s == name and p == "issuedBy"} == {author}, rels


@pytest.mark.parametrize(
    "text",
    ["四川省生态环境厅编制《四川省“十四五”生态环境保护规划》配套实施方案。",
     "重庆市司法局起草了《重庆市生态环境保护条例》的实施细则。"],
)
def test_nlp_a_document_made_for_a_title_does_not_issue_the_title(text):
    assert not {r for r in _rels(text) if r[1] == "issuedBy"}, _rels(text)


@pytest.mark.parametrize(
    ("text", "name", "signers"),
    [
        ("川渝两地签订濑溪河流域水生态环境保护协议\n5月6日，四川省生态环境厅与重庆市生态环境局签订《濑溪河流域川渝水生态环境保护协议》。",
         "濑溪河流域川渝水生态环境保护协议", {"四川省生态环境厅", "重庆市生态环境局"}),
        ("宜宾江津签订长江跨界河流联防联治协议\n9月3日，宜宾市生态环境局与江津区生态环境局签署了《宜宾江津长江跨界河流水污染联防联治合作协议》。",
         "宜宾江津长江跨界河流水污染联防联治合作协议", {"宜宾市生态环境局", "江津区生态环境局"}),
    ],
)
def test_nlp_headline_short_name_is_the_titled_agreement(text, name, signers):
    ex = _extract(text)
    assert {m.name for m in ex.mentions if m.type == "Agreement"} == {name}
    rels = {(r.subject, r.predicate, r.object) for r in ex.relations}
    assert {o for s, p, o in rels if p == "signedBy" and s == name} == signers, rels


@pytest.mark.parametrize(
    ("text", "meeting"),
    [
        ("下一步，两地将继续办好成渝地区双城经济圈生态环境保护联席会议。", "成渝地区双城经济圈生态环境保护联席会议"),
        ("泸州市生态环境局正在筹备2024年赤水河流域联防联治工作会议。", "2024年赤水河流域联防联治工作会议"),
    ],
)
def test_nlp_meeting_name_starts_after_the_verb_that_runs_it(text, meeting):
    assert ("Meeting", meeting) in _ents(text)


@pytest.mark.parametrize(
    "text",
    ["会议要求，各相关区县和市政府要进一步压实责任。", "有关区、市生态环境局要加强联合执法。"],
)
def test_nlp_bodies_of_every_district_and_city_are_no_one_body(text):
    ex = _extract("重庆市生态环境局\n" + text)
    assert ex.document.meta.jurisdiction == "重庆市"
    assert not [m for m in ex.mentions if m.type == "Agency" and m.evidence.start > 8], ex.mentions


@pytest.mark.parametrize(
    ("text", "jurisdiction", "agency"),
    [
        ("泸州、宜宾两市加强长江联防联治\n近日，泸州市与宜宾市在泸州召开长江干流联防联治会议，重庆市江津区派员参加。会上，市生态环境局通报了水质情况。",
         "四川省", "泸州市生态环境局"),
        ("永川荣昌共护濑溪河\n近日，永川区、荣昌区与四川省内江市召开濑溪河联防联治会议。会上，市生态环境局通报了水质情况。",
         "重庆市", "重庆市生态环境局"),
    ],
)
def test_nlp_cities_and_districts_count_toward_their_province(text, jurisdiction, agency):
    ex = _extract(text)
    assert ex.document.meta.jurisdiction == jurisdiction
    assert agency in {m.name for m in ex.mentions if m.type == "Agency"}


@pytest.mark.parametrize(
    "text",
    ["嘉陵江保护有了新规\n《重庆市人民代表大会常务委员会关于加强嘉陵江流域水生态环境协同保护的决定》自2022年1月1日起施行。",
     "川渝协同治水再出实招\n近日，《四川省人民政府关于加强跨界河流水污染联防联控的意见》正式印发。"],
)
def test_nlp_a_body_named_in_a_title_is_not_the_pages_author(text):
    assert _extract(text).document.meta.author == ""


@pytest.mark.parametrize(
    ("text", "name", "pred", "agents"),
    [
        ("水利部支持湖北省人民政府和重庆市人民政府签署《长江三峡库区水生态保护合作协议》。", "长江三峡库区水生态保护合作协议", "signedBy",
         {"湖北省人民政府", "重庆市人民政府"}),
        ("生态环境部将指导川渝两地编制《成渝地区臭氧污染协同防控方案》。", "成渝地区臭氧污染协同防控方案", "issuedBy", {"四川省", "重庆市"}),
        ("四川省生态环境厅与重庆市生态环境局在生态环境部指导下签订了《川渝危险废物联合监管协议》。", "川渝危险废物联合监管协议", "signedBy",
         {"四川省生态环境厅", "重庆市生态环境局"}),
    ],
)
def test_nlp_a_body_guiding_others_is_not_their_fellow_agent(text, name, pred, agents):
    rels = _rels(text)
    assert {o for s, p, o in rels if s == name and p == pred} == agents, rels


@pytest.mark.parametrize(
    ("text", "programme"),
    [
        ("两地将持续深化川南渝西大气污染联防联控机制。", "川南渝西大气污染联防联控机制"),
        ("广安市与合川区建立了嘉陵江流域水污染联防联治机制，水质明显改善。", "嘉陵江流域水污染联防联治机制"),
        ("完善成渝地区双城经济圈生态环境执法协作机制。", "成渝地区双城经济圈生态环境执法协作机制"),
    ],
)
def test_nlp_a_mechanism_named_after_its_area_or_river(text, programme):
    assert ("Programme", programme) in _ents(text)


@pytest.mark.parametrize("text", ["深化跨界河流联防联控机制。", "建立健全上下游联防联治机制。"])
def test_nlp_a_mechanism_without_a_place_is_generic(text):
    assert not {e for e in _ents(text) if e[0] == "Programme"}


@pytest.mark.parametrize(
    ("text", "programme"),
    [
        ("泸州市将落实“三线一单”生态环境分区管控方案，推动赤水河流域分区管控。", "三线一单生态环境分区管控方案"),
        ("两地联合制定“无废城市”建设实施方案。", "无废城市建设实施方案"),
    ],
)
def test_nlp_a_quoted_word_with_a_plan_after_it_is_the_plan(text, programme):
    assert ("Programme", programme) in _ents(text)


@pytest.mark.parametrize("text", ["两地在濑溪河交界断面开展联合巡河行动。", "三地联合开展联合执法行动5次。", "深入推进联合监测行动。"])
def test_nlp_a_joint_patrol_or_inspection_is_no_named_action(text):
    assert not {e for e in _ents(text) if e[0] == "Programme"}, _ents(text)


@pytest.mark.parametrize(
    ("text", "agencies"),
    [
        ("江津区委、区政府高度重视赤水河保护。", {"中国共产党重庆市江津区委员会", "江津区人民政府"}),
        ("合江县委、县政府召开专题会议。", {"中国共产党合江县委员会", "合江县人民政府"}),
        ("荣昌区生态环境局2023年工作总结\n在区委、区政府的坚强领导下，我局扎实推进各项工作。", {"中国共产党重庆市荣昌区委员会", "荣昌区人民政府"}),
    ],
)
def test_nlp_district_party_committee_and_government(text, agencies):
    ents = _ents(text)
    assert {("Agency", a) for a in agencies} <= ents, ents


@pytest.mark.parametrize(
    ("text", "rel", "not_rel"),
    [
        ("四川省人大常委会与贵州省人大常委会协同审议通过了《四川省赤水河流域保护条例》和《贵州省赤水河流域保护条例》。",
         ("贵州省赤水河流域保护条例", "issuedBy", "贵州省人民代表大会常务委员会"),
         ("贵州省赤水河流域保护条例", "issuedBy", "四川省人民代表大会常务委员会")),
        ("四川省生态环境厅、重庆市生态环境局分别印发《四川省臭氧污染防治攻坚方案》《重庆市臭氧污染防治攻坚方案》。",
         ("重庆市臭氧污染防治攻坚方案", "issuedBy", "重庆市生态环境局"),
         ("重庆市臭氧污染防治攻坚方案", "issuedBy", "四川省生态环境厅")),
    ],
)
def test_nlp_each_side_adopts_its_own_document(text, rel, not_rel):
    rels = _rels(text)
    assert rel in rels and not_rel not in rels, rels


def test_nlp_jointly_issued_documents_go_to_every_issuer():
    rels = _rels("四川省生态环境厅、重庆市生态环境局联合印发《四川省臭氧污染防治攻坚方案》《重庆市臭氧污染防治攻坚方案》。")
    assert ("重庆市臭氧污染防治攻坚方案", "issuedBy", "四川省生态环境厅") in rels


def test_nlp_what_the_meeting_adopts_is_issued_by_those_who_held_it():
    rels = _rels("7月5日，遂宁市生态环境局与潼南区生态环境局在遂宁召开琼江流域联防联治联席会议。会议审议通过了《琼江流域联合执法工作方案》。")
    assert {o for s, p, o in rels if s == "琼江流域联合执法工作方案" and p == "issuedBy"} == {"遂宁市生态环境局", "潼南区生态环境局"}, rels


def test_nlp_attending_the_meeting_just_named():
    rels = _rels("9月3日，川南渝西大气污染联防联控工作会议在宜宾召开。宜宾市人民政府、江津区人民政府有关负责同志出席会议并讲话。")
    assert {o for s, p, o in rels if p == "participant"} == {"宜宾市人民政府", "江津区人民政府"}, rels


@pytest.mark.parametrize(
    ("text", "rel"),
    [
        ("两省市河长办联合印发《嘉陵江流域联合巡河工作方案》。", ("嘉陵江流域联合巡河工作方案", "issuedBy", "四川省河长制办公室")),
        ("两省市河长办联合印发《嘉陵江流域联合巡河工作方案》。", ("嘉陵江流域联合巡河工作方案", "issuedBy", "重庆市河长办公室")),
    ],
)
def test_nlp_both_river_chief_offices(text, rel):
    assert rel in _rels(text)


def test_nlp_the_economic_circle_plan_is_named_without_marks():
    assert ("Programme", "成渝地区双城经济圈建设规划纲要") in _ents("成渝地区双城经济圈建设规划纲要实施以来，川渝生态环境合作不断深化。")


def test_nlp_an_untitled_name_in_the_text_keeps_its_name():
    ents = _ents("川渝两地协同修订重污染天气应急预案。\n成都市印发《成都市重污染天气应急预案》。")
    assert ("Programme", "重污染天气应急预案") in ents and ("Programme", "成都市重污染天气应急预案") in ents, ents


def test_nlp_a_listed_cross_border_river_after_a_verb():
    rels = _rels("广安市与长寿区共同实施大洪河流域水环境综合治理工程。")
    assert ("大洪河流域水环境综合治理工程", "concerns", "大洪河") in rels, rels


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("城口县河长办与万源市河长办签订《任河跨界河流联合河长制合作协议》。", "万源市河长制办公室"),
        ("城口县河长办与万源市河长办签订《任河跨界河流联合河长制合作协议》。", "城口县河长制办公室"),
        ("邻水县发改委牵头编制规划。", "邻水县发展和改革委员会"),
        ("江油市卫健委组织开展检查。", "江油市卫生健康委员会"),
    ],
)
def test_nlp_a_body_by_its_short_form_with_a_word_after_it(text, agency):
    assert ("Agency", agency) in _ents(text)


@pytest.mark.parametrize(
    ("text", "not_agency"),
    [
        ("两地政府在泸县共同签署《濑溪河流域横向生态保护补偿协议》。", "泸县共同签署"),
        ("城口县与万源市在万源市签署《任河流域合作协议》。", "万源市签署"),
        ("论坛由泸州市承办，重庆市永川区主办。", "泸州市承办"),
        ("论坛由泸州市承办，重庆市永川区主办。", "重庆市永川区主办"),
        ("项目覆盖四川省东部。", "四川省东部"),
    ],
)
def test_nlp_a_verb_ending_in_a_suffix_character_is_no_body(text, not_agency):
    assert ("Agency", not_agency) not in _ents(text)


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("会议表决通过《重庆市赤水河流域保护条例》（以下简称《条例》）。此前，四川省人大常委会已通过《四川省赤水河流域保护条例》。",
         ("Regulation", "四川省赤水河流域保护条例")),
        ("两地签订《琼江流域横向生态保护补偿协议》（以下简称《协议》）。两地生态环境局还签订了《琼江跨界水污染联防联控合作协议》。",
         ("Agreement", "琼江跨界水污染联防联控合作协议")),
    ],
)
def test_nlp_an_abbreviation_is_not_the_end_of_another_title(text, entity):
    assert entity in _ents(text)


@pytest.mark.parametrize(
    ("text", "body", "place"),
    [
        ("城口万源签订任河流域生态补偿协议\n重庆市城口县人民政府与四川省万源市人民政府签订《任河流域横向生态保护补偿协议》。",
         "万源市人民政府", "万源市"),
        ("城口万源签订任河流域生态补偿协议\n重庆市城口县人民政府与四川省万源市人民政府签订《任河流域横向生态保护补偿协议》。",
         "重庆市城口县人民政府", "城口县"),
    ],
)
def test_nlp_a_headline_place_gives_way_to_its_body_named_with_the_province(text, body, place):
    rels = _rels(text)
    assert ("任河流域横向生态保护补偿协议", "signedBy", body) in rels
    assert ("任河流域横向生态保护补偿协议", "signedBy", place) not in rels


@pytest.mark.parametrize(
    ("text", "rel"),
    [
        ("四川省人大常委会通过《四川省沱江流域水环境保护条例》。",
         ("四川省沱江流域水环境保护条例", "issuedBy", "四川省人民代表大会常务委员会")),
        ("重庆市人大常委会作出《关于加强嘉陵江流域协同保护的决定》。",
         ("关于加强嘉陵江流域协同保护的决定", "issuedBy", "重庆市人民代表大会常务委员会")),
        ("重庆市人民政府公布了《重庆市生态环境行政处罚裁量办法》。",
         ("重庆市生态环境行政处罚裁量办法", "issuedBy", "重庆市人民政府")),
    ],
)
def test_nlp_adopting_deciding_or_promulgating_issues(text, rel):
    assert rel in _rels(text)


def test_nlp_by_means_of_is_not_adopting():
    assert not any(p == "issuedBy" for _s, p, _o in _rels("泸州市生态环境局通过实施《赤水河流域保护方案》改善水质。"))


@pytest.mark.parametrize("text", ["两地对执法程序作出统一规定。", "生态环境局公布了监测结果和处理办法。"])
def test_nlp_deciding_or_promulgating_names_nothing_without_marks(text):
    assert not any(t in ("Regulation", "Programme") for t, _n in _ents(text))


def test_nlp_each_body_issues_its_own_listed_title():
    rels = _rels("此前，泸州市人民政府印发《泸州市赤水河流域保护方案》、宜宾市人民政府印发《宜宾市长江流域保护方案》。")
    assert ("宜宾市长江流域保护方案", "issuedBy", "宜宾市人民政府") in rels
    assert ("宜宾市长江流域保护方案", "issuedBy", "泸州市人民政府") not in rels


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("四川省生态环境厅与贵州省生态环境厅签订了《赤水河流域生态环境保护协作备忘录》。", "贵州省生态环境厅"),
        ("云南省水利厅与四川省水利厅共同开展金沙江联合巡河。", "云南省水利厅"),
        ("陕西省自然资源厅牵头编制规划。", "陕西省自然资源厅"),
    ],
)
def test_nlp_a_neighbouring_provinces_department(text, agency):
    assert ("Agency", agency) in _ents(text)


_REPORT = ("5月8日，四川省生态环境厅与重庆市生态环境局在泸州市召开赤水河流域生态环境保护联席会议。"
           "会议通报了流域水质。会议指出，要加强协作。会议要求，要落实责任。{middle}"
           "泸州市生态环境局、江津区生态环境局有关负责同志参加会议。")


@pytest.mark.parametrize(
    ("text", "rel"),
    [
        ("重庆市人民政府新闻办公室举行“长江保护”新闻发布会，重庆市水利局有关负责同志出席发布会。",
         ("长江保护新闻发布会", "participant", "重庆市水利局")),
        (_REPORT.format(middle=""), ("赤水河流域生态环境保护联席会议", "participant", "江津区生态环境局")),
        (_REPORT.format(middle="赤水河是长江上游支流。近年来水质持续改善。两地还开展了联合巡河。据介绍，流域内已建成污水厂。"),
         ("赤水河流域生态环境保护联席会议", "participant", "泸州市生态环境局")),
    ],
)
def test_nlp_attending_the_meeting_the_report_is_about(text, rel):
    assert rel in _rels(text)


def test_nlp_holding_a_press_conference_is_not_the_meeting_named_before():
    rels = _rels("6月19日，重庆召开美丽重庆建设大会，重庆市生态环境局专门召开了新闻发布会。")
    assert ("美丽重庆建设大会", "participant", "重庆市生态环境局") not in rels


@pytest.mark.parametrize(
    ("text", "rels"),
    [
        ("安居区、乐至县、潼南区生态环境局签订了《琼江流域突发水污染事件联合应急处置协议》。",
         {("琼江流域突发水污染事件联合应急处置协议", "signedBy", a) for a in ("安居区生态环境局", "乐至县生态环境局", "潼南区生态环境局")}),
        ("成都、自贡、泸州等市生态环境局和重庆市永川、荣昌等区生态环境局参加了川渝大气污染联防联控工作会议。",
         {("川渝大气污染联防联控工作会议", "participant", a) for a in ("自贡市生态环境局", "泸州市生态环境局", "荣昌区生态环境局")}),
    ],
)
def test_nlp_a_department_shared_by_listed_places(text, rels):
    found = _rels(text)
    assert rels <= found
    assert not {r for r in found if r[1] != "concerns" and r[2] in ("乐至县", "安居区", "重庆市", "泸州市")}


@pytest.mark.parametrize(
    ("text", "parties"),
    [
        ("推动渝黔两地签订《乌江流域横向生态保护补偿协议》。", {"重庆市", "贵州省"}),
        ("川陕两省生态环境部门签署《嘉陵江上游水污染联防联控合作协议》。", {"四川省生态环境厅", "陕西省生态环境厅"}),
        ("云贵川三省签署《赤水河流域横向生态保护补偿协议》。", {"云南省", "贵州省", "四川省"}),
        ("川渝两地签订《琼江流域横向生态保护补偿协议》。", {"四川省", "重庆市"}),
    ],
)
def test_nlp_two_or_three_provinces_by_their_abbreviations(text, parties):
    assert {o for _s, p, o in _rels(text) if p == "signedBy"} == parties


@pytest.mark.parametrize(
    "text",
    ["四川重庆联合发布两项地方标准。", "两地共同制定两个技术规范。", "两省市联合印发数项工作方案。", "两地生态环境部门联合编制几份技术指南。"],
)
def test_nlp_a_count_of_documents_is_no_name(text):
    assert not {t for t, _n in _ents(text)} & {"Standard", "Programme"}


def test_nlp_listed_standards_each_with_two_local_numbers():
    rels = _rels("四川省生态环境厅与重庆市生态环境局联合发布《川渝地区制药工业大气污染物排放标准》（DB51/ 3001-2025、DB50/ 1601-2025）"
                 "和《川渝地区餐饮业油烟排放标准》（DB51/ 3002-2025、DB50/ 1602-2025）。")
    assert ("川渝地区餐饮业油烟排放标准", "issuedBy", "重庆市生态环境局") in rels


def test_nlp_a_shorter_title_with_its_own_standard_number_is_another_standard():
    ents = _ents("两地发布《川渝地区陶瓷工业大气污染物排放标准》，限值严于国家《陶瓷工业大气污染物排放标准》（GB 25464-2010）。")
    assert ("Standard", "陶瓷工业大气污染物排放标准") in ents


@pytest.mark.parametrize(
    ("text", "meeting"),
    [
        ("条例明确建立川黔渝赤水河流域联席会议制度。", None),
        ("两地建立嘉陵江流域生态环境保护联席会议机制。", None),
        ("双方建立成德眉资生态环境联席会议，每年轮流召开。", "成德眉资生态环境联席会议"),
    ],
)
def test_nlp_a_meeting_arrangement_is_no_meeting(text, meeting):
    assert {n for t, n in _ents(text) if t == "Meeting"} == ({meeting} if meeting else set())


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("四川省达州生态环境监测中心站与重庆市万州区生态环境监测站共享数据。", "四川省达州生态环境监测中心站"),
        ("宜宾市环境监测中心站负责采样。", "宜宾市环境监测中心站"),
    ],
)
def test_nlp_a_monitoring_centre_station(text, agency):
    assert ("Agency", agency) in _ents(text)


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("重庆市人大城乡建设环境保护委员会赴綦江区开展调研。", "重庆市人民代表大会城乡建设环境保护委员会"),
        ("四川省人大常委会法工委牵头起草条例草案。", "四川省人民代表大会常务委员会法制工作委员会"),
        ("泸州市人大常委会法制工作委员会征求意见。", "泸州市人民代表大会常务委员会法制工作委员会"),
    ],
)
def test_nlp_a_committee_of_the_peoples_congress(text, agency):
    assert ("Agency", agency) in _ents(text)


@pytest.mark.parametrize(
    "text",
    [
        "7月2日，川渝大气污染联防联控专题会议以视频方式召开。",
        "2024年川渝生态环境保护合作第一次联席会议在重庆举行。",
        "川渝跨界河流联防联治工作会议在广安召开，会议通报了水质情况。",
    ],
)
def test_nlp_a_meeting_named_after_both_sides_is_not_held_by_them(text):
    rels = _rels(text)
    assert not {o for _s, p, o in rels if p == "participant"} & {"四川省", "重庆市"}, rels
    meeting = next(m.name for m in _extract(text).mentions if m.type == "Meeting")
    assert (meeting, "concerns", "四川省") in rels and (meeting, "concerns", "重庆市") in rels, rels


@pytest.mark.parametrize(
    ("text", "meeting", "bodies"),
    [
        ("9月8日，2024年琼江流域联防联治推进会在潼南召开。会议由遂宁市生态环境局、潼南区生态环境局共同主办，安居区生态环境局承办。",
         "2024年琼江流域联防联治推进会", {"遂宁市生态环境局", "潼南区生态环境局", "安居区生态环境局"}),
        ("嘉陵江流域联防联治座谈会在合川召开，会议由合川区生态环境局主持。", "嘉陵江流域联防联治座谈会", {"合川区生态环境局"}),
        ("7月2日，渝西川东大气污染联防联控视频会议召开。广安市生态环境局、合川区生态环境局有关负责同志参会。",
         "渝西川东大气污染联防联控视频会议", {"广安市生态环境局", "合川区生态环境局"}),
        ("10月9日，达州、开州两地召开明月江流域联防联治联席会议。达州市水务局、开州区水利局有关负责同志与会。",
         "明月江流域联防联治联席会议", {"达州市", "开州区", "达州市水务局", "开州区水利局"}),
        ("铜钵河流域水污染联防联控第二次联席会议在梁平召开。四川省生态环境厅、重庆市生态环境局列席会议。",
         "铜钵河流域水污染联防联控第二次联席会议", {"四川省生态环境厅", "重庆市生态环境局"}),
        ("11月5日，长江生态保护新闻发布会在宜宾举行。宜宾市生态环境局、宜宾市水利局负责人作为发布人出席发布会。",
         "长江生态保护新闻发布会", {"宜宾市生态环境局", "宜宾市水利局"}),
        ("8月18日，濑溪河流域生态环境联防联治视频会议召开，泸州市生态环境局、荣昌区生态环境局参加。",
         "濑溪河流域生态环境联防联治视频会议", {"泸州市生态环境局", "荣昌区生态环境局"}),
    ],
)
def test_nlp_bodies_attending_or_hosting_the_meeting_just_named(text, meeting, bodies):
    rels = _rels(text)
    assert {o for s, p, o in rels if p == "participant" and s == meeting} == bodies, rels
    assert not any(t == "Meeting" and n != meeting for t, n in _ents(text))


@pytest.mark.parametrize(
    ("text", "bodies", "not_bodies"),
    [
        ("沱江流域横向生态保护补偿工作推进会在内江召开。泸州市、内江市、资阳市人民政府，重庆市大足区、永川区人民政府参加会议。",
         {"泸州市人民政府", "内江市人民政府", "资阳市人民政府", "重庆市大足区人民政府", "重庆市永川区人民政府"},
         {"重庆市", "大足区", "泸州市", "大足区人民政府", "永川区人民政府"}),
        ("9月2日，达州、广安市生态环境局和开州区生态环境局召开大气污染联防联控联席会议。",
         {"达州市生态环境局", "广安市生态环境局", "开州区生态环境局"}, {"达州市"}),
        ("遂宁市、潼南区生态环境局签订《琼江流域跨界水污染联防联控协议》。", {"遂宁市生态环境局", "潼南区生态环境局"}, {"遂宁市"}),
        ("宜宾、泸州和重庆市江津区人民政府共同签署《长江干流川南渝西段联防联治协议》。",
         {"宜宾市人民政府", "泸州市人民政府"}, {"宜宾市", "泸州市", "重庆市"}),
    ],
)
def test_nlp_listed_places_share_the_body_word_after_them(text, bodies, not_bodies):
    rels = _rels(text)
    agents = {o for _s, p, o in rels if p in ("participant", "signedBy")}
    assert bodies <= agents and not agents & not_bodies, rels
    assert {("Agency", b) for b in bodies} <= _ents(text)


@pytest.mark.parametrize(
    ("text", "rel", "not_rel"),
    [
        ("3月2日，四川省生态环境厅与重庆市生态环境局召开川渝危险废物联防联控工作会议。会议总结了2024年川渝固体废物协同治理成效，"
         "审议通过了《2025年川渝固体废物联防联控工作要点》。",
         ("2025年川渝固体废物联防联控工作要点", "issuedBy", "四川省生态环境厅"),
         ("2025年川渝固体废物联防联控工作要点", "issuedBy", "四川省")),
        ("川渝联合印发《川渝地区噪声污染防治工作方案》。", ("川渝地区噪声污染防治工作方案", "issuedBy", "重庆市"), None),
    ],
)
def test_nlp_sichuan_chongqing_before_a_noun_is_no_agent(text, rel, not_rel):
    rels = _rels(text)
    assert rel in rels
    assert not_rel not in rels


def test_nlp_a_headline_after_a_cry_gives_way_to_the_bodies_named_in_the_text():
    rels = _rels("好消息！川渝联合发布《川渝地区餐饮油烟污染防治技术指南》\n"
                 "近日，四川省生态环境厅与重庆市生态环境局联合发布《川渝地区餐饮油烟污染防治技术指南》。")
    assert ("川渝地区餐饮油烟污染防治技术指南", "issuedBy", "重庆市生态环境局") in rels
    assert ("川渝地区餐饮油烟污染防治技术指南", "issuedBy", "重庆市") not in rels


def test_nlp_an_abbreviation_after_the_standard_numbers_in_the_same_brackets():
    ents = _ents("两地联合发布《川渝地区地下水污染防治技术指南》（DB50/T 1801-2025、DB51/T 3301-2025，以下简称《指南》）。"
                 "《指南》自2026年1月1日起实施。")
    assert ("Standard", "指南") not in ents


@pytest.mark.parametrize(
    ("text", "rel"),
    [
        ("重庆市人民代表大会常务委员会关于加强乌江流域生态环境保护的决定\n（2025年3月27日重庆市第六届人民代表大会常务委员会第十五次会议通过）\n一、本决定适用于乌江流域。",
         ("重庆市人民代表大会常务委员会关于加强乌江流域生态环境保护的决定", "issuedBy", "重庆市人民代表大会常务委员会")),
        ("四川省人民政府关于推进沱江流域水生态环境保护的实施意见\n各市（州）人民政府：现提出如下意见。",
         ("四川省人民政府关于推进沱江流域水生态环境保护的实施意见", "issuedBy", "四川省人民政府")),
    ],
)
def test_nlp_a_decision_titled_by_its_first_line(text, rel):
    assert rel in _rels(text)


@pytest.mark.parametrize(
    "text", ["应当与重庆市有关区县人民政府建立协同保护机制。", "成都市各区县生态环境局开展联合检查。", "四川省相关市州人民政府负责落实。"]
)
def test_nlp_the_bodies_of_every_or_some_districts_are_no_one_body(text):
    assert not {n for t, n in _ents(text) if t == "Agency"}


def test_nlp_a_verb_inside_a_title_is_no_trigger():
    rels = _rels("《川渝地区固体废物协同制定工作规则》（以下简称《规则》）自2025年起施行。")
    assert not {r for r in rels if r[1] == "issuedBy"}


@pytest.mark.parametrize(
    ("text", "rel"),
    [
        ("近日，《川渝地区噪声污染联防联治工作方案》由四川省生态环境厅、重庆市生态环境局联合印发。",
         ("川渝地区噪声污染联防联治工作方案", "issuedBy", "重庆市生态环境局")),
        ("《琼江流域横向生态保护补偿协议》由遂宁市人民政府与潼南区人民政府共同签署。",
         ("琼江流域横向生态保护补偿协议", "signedBy", "潼南区人民政府")),
    ],
)
def test_nlp_a_title_issued_by_the_bodies_after_you(text, rel):
    rels = _rels(text)
    assert rel in rels
    assert not {r for r in rels if r[1] != "concerns" and r[2] in ("四川省", "重庆市")}


def test_nlp_taking_part_at_the_end_of_a_sentence_is_in_the_meeting_just_named():
    rels = _rels("5月9日，第二届川渝生态环境保护论坛在大足区举行。内江市、遂宁市生态环境局负责同志参会。")
    assert ("第二届川渝生态环境保护论坛", "participant", "遂宁市生态环境局") in rels


@pytest.mark.parametrize(
    ("text", "rel"),
    [
        ("四川省生态环境厅负责起草《川渝地区砖瓦工业大气污染物排放标准》。",
         ("川渝地区砖瓦工业大气污染物排放标准", "issuedBy", "四川省生态环境厅")),
        ("重庆市人民政府办公厅签发《重庆市突发环境事件应急预案》。", ("重庆市突发环境事件应急预案", "issuedBy", "重庆市人民政府办公厅")),
    ],
)
def test_nlp_drafting_or_signing_off_issues(text, rel):
    assert rel in _rels(text)


@pytest.mark.parametrize(
    ("text", "town"),
    [("两地在荣昌区清升镇开展联合巡河。", "清升镇"), ("监测断面位于泸县毗卢镇。", "毗卢镇"), ("渝北区两路街道完成整治。", "两路街道")],
)
def test_nlp_a_town_named_after_its_county(text, town):
    assert ("Region", town) in _ents(text)


@pytest.mark.parametrize(
    "text", ["大足区各乡镇开展排查。", "永川区农村乡镇污水处理率提高。", "荣昌区镇长会议召开。", "大足区加快乡镇污水处理设施建设。",
             "永川区推进乡村振兴。", "江津区实现镇街全覆盖。"]
)
def test_nlp_towns_in_general_are_no_town(text):
    assert {n for t, n in _ents(text) if t == "Region"} <= {"大足区", "永川区", "荣昌区", "江津区"}


def test_nlp_a_river_section_is_no_member_of_a_counted_group():
    rels = _rels("武隆区、彭水县与酉阳县三地共同召开乌江流域保护推进会。会议通报了乌江流域（重庆段）水质状况，"
                 "三区县生态环境局联合发布了《乌江流域（重庆段）生态环境保护协作行动计划》。")
    assert ("乌江流域(重庆段)生态环境保护协作行动计划", "issuedBy", "武隆区生态环境局") in rels


def test_nlp_a_headline_meeting_is_the_meeting_the_text_spells_out():
    ents = _ents("川渝两地召开2025年水污染联防联控工作会议\n4月9日，四川省生态环境厅、重庆市生态环境局共同召开2025年川渝水污染联防联控工作会议。")
    assert {n for t, n in ents if t == "Meeting"} == {"2025年川渝水污染联防联控工作会议"}


def test_nlp_an_abbreviated_head_is_not_the_end_of_an_untitled_name():
    rels = _rels("3月1日，永川区人民政府与泸州市人民政府签署《临江河流域横向生态保护补偿协议》（以下简称《协议》）。"
                 "此前，荣昌区与隆昌市已签订清流河流域生态补偿协议。")
    assert ("临江河流域横向生态保护补偿协议", "signedBy", "隆昌市") not in rels


@pytest.mark.parametrize(
    ("text", "party", "not_party"),
    [
        ("5月6日，重庆市綦江区人民政府与四川省泸州市人民政府召开推进会，会上两地共同签订了《笋溪河流域横向生态保护补偿协议》。",
         "重庆市綦江区人民政府", "重庆市"),
        ("四川省生态环境厅与重庆市生态环境局召开联席会议，会上川渝两地共同签订了《川渝固体废物联防联治协议》。",
         "重庆市", "重庆市生态环境局"),
    ],
)
def test_nlp_two_places_after_two_named_local_governments_are_those_governments(text, party, not_party):
    signers = {o for _s, p, o in _rels(text) if p == "signedBy"}
    assert party in signers and not_party not in signers


def test_nlp_two_places_do_not_reach_back_to_national_bodies():
    rels = _rels("生态环境部、司法部出台了指导意见。两地多次组织召开大气污染联防联控工作会议。")
    assert not {r for r in rels if r[1] == "participant" and r[2] in ("生态环境部", "司法部")}


@pytest.mark.parametrize("verb", ["共签", "互签了"])
def test_nlp_signing_together(verb):
    rels = _rels(f"广安市与长寿区、垫江县{verb}《明月山生态环境共建共享合作框架协议》。")
    assert ("明月山生态环境共建共享合作框架协议", "signedBy", "垫江县") in rels


@pytest.mark.parametrize(
    ("text", "rel"),
    [
        ("重慶市人大常委會通過「重慶市河長制條例」。", ("重庆市河长制条例", "issuedBy", "重庆市人民代表大会常务委员会")),
        ("四川省生態環境廳發佈〈川渝地區大氣污染物排放標準〉。", ("川渝地区大气污染物排放标准", "issuedBy", "四川省生态环境厅")),
        ("兩地簽署『瀨溪河流域橫向生態保護補償協議』。", ("濑溪河流域横向生态保护补偿协议", "signedBy", "重庆市")),
    ],
)
def test_nlp_titles_in_corner_brackets(text, rel):
    assert rel in _rels(text)


def test_nlp_a_quotation_in_corner_brackets_is_no_title():
    assert not {t for t, _n in _ents("兩地堅持「共抓大保護、不搞大開發」。")} - {"Region"}


@pytest.mark.parametrize(
    ("text", "rel", "not_rel"),
    [
        ("4月20日，大足、安岳两地在安岳召开濑溪河上游联防联控工作会议。两地生态环境局负责人出席会议。",
         ("濑溪河上游联防联控工作会议", "participant", "安岳县生态环境局"),
         ("濑溪河上游联防联控工作会议", "participant", "四川省生态环境厅")),
        ("6月5日，泸州市与永川区召开濑溪河流域联席会议。会上，两地共同签署了《濑溪河流域联合执法协议》。",
         ("濑溪河流域联合执法协议", "signedBy", "永川区"), ("濑溪河流域联合执法协议", "signedBy", "重庆市")),
        ("遂宁市与潼南区在遂宁召开琼江流域联席会议。两地河长办负责同志参加会议。",
         ("琼江流域联席会议", "participant", "潼南区河长制办公室"), ("琼江流域联席会议", "participant", "重庆市河长办公室")),
        ("川渝两地共同召开2024年长江流域联防联治工作会议。", ("2024年长江流域联防联治工作会议", "participant", "重庆市"), None),
        ("四川省与贵州省签订《赤水河流域横向补偿协议》。同日，两省还召开了赤水河流域联席会议。",
         ("赤水河流域联席会议", "participant", "贵州省"), ("赤水河流域联席会议", "participant", "重庆市")),
    ],
)
def test_nlp_two_places_named_before_are_the_pair(text, rel, not_rel):
    rels = _rels(text)
    assert rel in rels and not_rel not in rels, rels


@pytest.mark.parametrize(
    ("text", "parties"),
    [
        ("6月5日，泸州市与永川区在泸州召开濑溪河流域联席会议，双方签署了《濑溪河流域联合执法协议》。", {"泸州市", "永川区"}),
        ("4月20日，大足、安岳两地召开濑溪河上游联防联控工作会议。两地生态环境局负责人出席会议。会上，双方签订了《濑溪河上游联合巡河协议》。",
         {"大足区生态环境局", "安岳县生态环境局"}),
    ],
)
def test_nlp_shuangfang_means_the_two_places_or_bodies_named_before(text, parties):
    rels = _rels(text)
    assert {o for _s, p, o in rels if p == "signedBy"} == parties, rels


@pytest.mark.parametrize(
    ("text", "meeting", "bodies"),
    [
        ("3月15日，在广安召开的2024年川渝跨界河流联防联控工作会议上，两省市河长办共同确定了年度重点任务。",
         "2024年川渝跨界河流联防联控工作会议", {"四川省河长制办公室", "重庆市河长办公室"}),
        ("9月3日，渝西川南大气污染联防联控联席会议在江津召开。会上，江津区生态环境局与合江县生态环境局交流了工作经验。",
         "渝西川南大气污染联防联控联席会议", {"江津区生态环境局", "合江县生态环境局"}),
        ("嘉陵江流域生态环境保护推进会在南充召开。此次会议是为贯彻落实2023年嘉陵江流域联防联治工作会议精神而召开。"
         "南充市生态环境局在会上通报了水质情况。",
         "嘉陵江流域生态环境保护推进会", {"南充市生态环境局"}),
        ("在2024年成渝地区生态环境联席会议上，成都市生态环境局、重庆市生态环境局分别介绍了工作进展。",
         "2024年成渝地区生态环境联席会议", {"成都市生态环境局", "重庆市生态环境局"}),
    ],
)
def test_nlp_bodies_acting_at_the_meeting_take_part_in_it(text, meeting, bodies):
    rels = _rels(text)
    assert {o for s, p, o in rels if p == "participant" and s == meeting} == bodies, rels
    assert not any(p == "participant" and s != meeting for s, p, _o in rels), rels


@pytest.mark.parametrize(
    ("text", "meeting", "bodies"),
    [
        ("长江上游生态保护论坛在宜宾举行。本次论坛由宜宾市人民政府、江津区人民政府联合主办，宜宾市生态环境局协办。",
         "长江上游生态保护论坛", {"宜宾市人民政府", "江津区人民政府", "宜宾市生态环境局"}),
        ("10月12日，涪江流域联防联治座谈会在遂宁召开，遂宁市、绵阳市、潼南区生态环境局相关负责人参加座谈。",
         "涪江流域联防联治座谈会", {"遂宁市生态环境局", "绵阳市生态环境局", "潼南区生态环境局"}),
        ("塘河流域联席会议在合江召开。出席会议的有合江县人民政府、江津区人民政府和江津区水利局负责同志。",
         "塘河流域联席会议", {"合江县人民政府", "江津区人民政府", "江津区水利局"}),
        ("7月3日，琼江流域联防联治第五次联席会议在遂宁召开。遂宁市生态环境局党组书记、局长张三，潼南区生态环境局局长李四出席会议并讲话。",
         "琼江流域联防联治第五次联席会议", {"遂宁市生态环境局", "潼南区生态环境局"}),
    ],
)
def test_nlp_more_ways_of_attending_or_co_hosting_a_meeting(text, meeting, bodies):
    rels = _rels(text)
    assert {o for s, p, o in rels if p == "participant" and s == meeting} == bodies, rels


@pytest.mark.parametrize(
    ("text", "meeting", "body"),
    [
        ("泸州市生态环境局召开赤水河流域联合执法启动会。", "赤水河流域联合执法启动会", "泸州市生态环境局"),
        ("宜宾市与江津区召开长江生态保护工作对接会。", "长江生态保护工作对接会", "江津区"),
        ("遂宁市生态环境局召开琼江流域水质会商会。", "琼江流域水质会商会", "遂宁市生态环境局"),
        ("重庆市生态环境局召开2024年大气污染防治工作部署会。", "2024年大气污染防治工作部署会", "重庆市生态环境局"),
        ("达州市生态环境局召开州河流域生态保护现场观摩会。", "州河流域生态保护现场观摩会", "达州市生态环境局"),
        ("四川省生态环境厅组织召开川渝生态环境标准协同工作专题会。", "川渝生态环境标准协同工作专题会", "四川省生态环境厅"),
    ],
)
def test_nlp_meetings_named_by_more_kinds_of_meeting(text, meeting, body):
    assert ("Meeting", meeting) in _ents(text)
    assert (meeting, "participant", body) in _rels(text)


@pytest.mark.parametrize(
    ("text", "meeting", "bodies"),
    [
        ("由四川省生态环境厅、重庆市生态环境局联合主办的2024年川渝生态环境科技论坛在成都开幕。",
         "2024年川渝生态环境科技论坛", {"四川省生态环境厅", "重庆市生态环境局"}),
        ("长江流域生态保护推进会在宜宾召开，会议由宜宾市人民政府和泸州市人民政府联合举办。",
         "长江流域生态保护推进会", {"宜宾市人民政府", "泸州市人民政府"}),
        ("近日，荣昌区生态环境局赴泸州参加濑溪河流域联防联治联席会议。", "濑溪河流域联防联治联席会议", {"荣昌区生态环境局"}),
        ("6月1日，川渝跨界河流联防联治工作会议以视频形式召开，两省市生态环境部门负责同志在主会场参会。",
         "川渝跨界河流联防联治工作会议", {"四川省生态环境厅", "重庆市生态环境局"}),
        ("南充市与合川区召开嘉陵江流域联防联治联席会议，两市区生态环境局负责同志参加会议。",
         "嘉陵江流域联防联治联席会议", {"南充市", "合川区", "南充市生态环境局", "合川区生态环境局"}),
    ],
)
def test_nlp_hosts_before_the_verb_and_where_they_went(text, meeting, bodies):
    rels = _rels(text)
    assert {o for s, p, o in rels if p == "participant" and s == meeting} == bodies, rels


@pytest.mark.parametrize(
    ("text", "meeting", "bodies"),
    [
        ("2024年川渝生态环境执法联席会议在成都召开。四川省生态环境厅副厅长张三主持会议，重庆市生态环境局副局长李四出席并讲话。",
         "2024年川渝生态环境执法联席会议", {"四川省生态环境厅", "重庆市生态环境局"}),
        ("嘉陵江流域联防联治联席会议在南充召开。出席会议的领导有南充市人民政府副市长张三、合川区人民政府副区长李四。",
         "嘉陵江流域联防联治联席会议", {"南充市人民政府", "合川区人民政府"}),
        ("琼江流域联防联治联席会议在潼南召开。参加会议的还有遂宁市水利局、潼南区水利局相关负责同志。",
         "琼江流域联防联治联席会议", {"遂宁市水利局", "潼南区水利局"}),
        ("濑溪河流域联席会议在荣昌召开。泸州市生态环境局、荣昌区生态环境局相关负责同志，以及泸县人民政府代表参加会议。",
         "濑溪河流域联席会议", {"泸州市生态环境局", "荣昌区生态环境局", "泸县人民政府"}),
        ("7月9日，2024年川南渝西大气污染联防联控工作调度会以视频会议形式召开。会议由自贡市生态环境局主持，内江市、荣昌区生态环境局作交流发言。",
         "2024年川南渝西大气污染联防联控工作调度会", {"自贡市生态环境局", "内江市生态环境局", "荣昌区生态环境局"}),
    ],
)
def test_nlp_attendees_with_their_posts_and_speakers(text, meeting, bodies):
    rels = _rels(text)
    assert {o for s, p, o in rels if p == "participant" and s == meeting} == bodies, rels


@pytest.mark.parametrize(
    ("text", "bodies", "not_agents"),
    [
        ("濑溪河流域联席会议在泸州召开。泸州市、永川区生态环境部门负责同志参加会议。",
         {"泸州市生态环境局", "永川区生态环境局"}, {"泸州市", "永川区"}),
        ("琼江流域联席会议在遂宁召开。遂宁市、潼南区生态环境、水利部门相关负责同志参加会议。",
         {"遂宁市生态环境局", "潼南区生态环境局", "遂宁市水利局", "潼南区水利局"}, {"遂宁市"}),
        ("四川省、重庆市生态环境部门联合印发《川渝危险废物跨省转移工作方案》。", {"四川省生态环境厅", "重庆市生态环境局"}, {"四川省"}),
    ],
)
def test_nlp_places_with_a_kind_of_department_are_those_departments(text, bodies, not_agents):
    rels = _rels(text)
    agents = {o for _s, p, o in rels if p in ("participant", "issuedBy")}
    assert bodies <= agents and not agents & not_agents, rels


@pytest.mark.parametrize(
    "text",
    [
        "嘉陵江流域联防联治联席会议在合川召开。广安市生态环境局今后将参与会商。",
        "琼江流域联席会议在遂宁召开。此次会议是为落实四川省人民政府的部署而召开。",
        "沱江流域联席会议在内江召开。对此，重庆市生态环境局召开了新闻发布会。",
        "泸州市生态环境局新闻发言人介绍了赤水河流域联防联治联席会议情况。",
    ],
)
def test_nlp_no_participant_from_words_that_only_look_like_attending(text):
    assert not any(p == "participant" for _s, p, _o in _rels(text)), _rels(text)


@pytest.mark.parametrize(
    ("text", "absent", "present"),
    [
        ("现将《推动长江经济带发展工作要点》（川长江办发〔2023〕5号）印发给你们。", ("River", "长江"), None),
        ("根据渝府办发（2024）12号文件要求，重庆市生态环境局牵头落实。", ("Region", "重庆市"), ("Agency", "重庆市生态环境局")),
        ("嘉陵江流域水质持续改善（见川环函〔2022〕118号）。", None, ("River", "嘉陵江")),
    ],
)
def test_nlp_nothing_inside_a_document_number(text, absent, present):
    ents = _ents(text)
    if absent:
        assert absent not in ents
    if present:
        assert present in ents


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("遂潼川渝毗邻地区一体化发展先行区管理委员会印发《先行区生态环境保护规划》。", "遂潼川渝毗邻地区一体化发展先行区管理委员会"),
        ("泸永江融合发展示范区管委会牵头编制方案。", "泸永江融合发展示范区管理委员会"),
    ],
)
def test_nlp_the_administration_of_a_zone(text, agency):
    assert ("Agency", agency) in _ents(text)


def test_nlp_the_financial_court_of_the_two_sides():
    assert ("Agency", "成渝金融法院") in _ents("成渝金融法院与重庆市人民检察院签署协作意见。")


def test_nlp_a_short_name_for_two_bodies_named_together():
    rels = _rels("四川省生态环境厅与重庆市生态环境局（以下简称“两厅局”）深化合作。"
                 "两厅局共同签署了《川渝环境应急联动协议》。")
    assert {o for _s, p, o in rels if p == "signedBy"} == {"四川省生态环境厅", "重庆市生态环境局"}


def test_nlp_and_with_a_body_joins_the_bodies_of_the_clause_before():
    rels = _rels("重庆市人大常委会法制工作委员会赴江津区开展调研，并与四川省人大常委会法制工作委员会召开赤水河立法协作座谈会。")
    assert ("赤水河立法协作座谈会", "participant", "重庆市人民代表大会常务委员会法制工作委员会") in rels
    assert ("赤水河立法协作座谈会", "participant", "江津区") not in rels


def test_nlp_every_place_listed_after_in_is_where_not_who():
    rels = _rels("四川省生态环境厅、重庆市生态环境局在永川区、荣昌区联合召开濑溪河流域联防联治工作会议。")
    assert ("濑溪河流域联防联治工作会议", "participant", "荣昌区") not in rels
    assert ("濑溪河流域联防联治工作会议", "participant", "重庆市生态环境局") in rels


@pytest.mark.parametrize("text", ["重庆市生态环境局与四川省生态环境厅签署《协议》。", "会议审议通过了《方案》和《办法》。"])
def test_nlp_a_bare_head_in_title_marks_is_no_name(text):
    assert not {t for t, _n in _ents(text)} - {"Agency", "Region"}


def test_nlp_taking_part_ending_a_clause_attends_the_meeting_just_named():
    rels = _rels("8月，两地在德阳市举办了第二届川渝大气污染防治技术交流会，成都、德阳、绵阳等市参加。")
    assert ("第二届川渝大气污染防治技术交流会", "participant", "绵阳市") in rels


def test_nlp_a_headline_meeting_with_its_words_in_another_order():
    ents = _ents("2025年第一季度重庆市生态环境局例行新闻发布会实录\n欢迎参加重庆市生态环境局2025年第一季度例行新闻发布会。")
    assert {n for t, n in ents if t == "Meeting"} == {"重庆市生态环境局2025年第一季度例行新闻发布会"}


def test_nlp_a_notice_title_is_issued_by_the_bodies_on_the_line_above():
    rels = _rels("四川省生态环境厅办公室 重庆市生态环境局办公室\n关于联合印发《川渝地区噪声污染联防联治工作方案》的通知\n各市（州）生态环境局：")
    assert ("川渝地区噪声污染联防联治工作方案", "issuedBy", "重庆市生态环境局办公室") in rels
    assert ("川渝地区噪声污染联防联治工作方案", "issuedBy", "重庆市") not in rels


def test_nlp_a_headline_about_a_decision_names_it_from_about():
    ents = _ents("四川出台关于加强沱江流域保护的意见\n近日，四川省人民政府印发意见。")
    assert ("Programme", "关于加强沱江流域保护的意见") in ents
    assert not any(n.startswith("四川出台") for _t, n in ents)


@pytest.mark.parametrize(
    ("text", "meeting", "bodies"),
    [
        ("嘉陵江流域联防联治联席会议在南充召开。本次联席会议由南充市生态环境局和合川区生态环境局联合举办。",
         "嘉陵江流域联防联治联席会议", {"南充市生态环境局", "合川区生态环境局"}),
        ("2024年川渝环保产业论坛在重庆开幕。本次论坛由重庆市生态环境局、四川省生态环境厅共同举办。",
         "2024年川渝环保产业论坛", {"重庆市生态环境局", "四川省生态环境厅"}),
    ],
)
def test_nlp_this_meeting_held_by(text, meeting, bodies):
    rels = _rels(text)
    assert {o for s, p, o in rels if p == "participant" and s == meeting} == bodies, rels


def test_nlp_cities_listed_before_their_counted_bureaus_are_not_agents_of_their_own():
    text = "9月5日，成德眉资生态环境保护联席会议在德阳召开。成都、德阳、眉山、资阳四市生态环境局负责同志参加会议。"
    parts = {o for s, p, o in _rels(text) if p == "participant"}
    assert parts == {"成都市生态环境局", "德阳市生态环境局", "眉山市生态环境局", "资阳市生态环境局"}, parts


def test_nlp_a_zone_before_a_body_acting_at_the_meeting_only_qualifies_it():
    text = "川南经济区大气污染联防联控联席会议在自贡召开。会上，川南经济区自贡市生态环境局介绍了工作经验。"
    parts = {o for s, p, o in _rels(text) if p == "participant"}
    assert parts == {"自贡市生态环境局"}, parts


@pytest.mark.parametrize(
    ("text", "bodies", "not_bodies"),
    [
        ("綦江区、江津区、合江县生态环境局参加会议。", {"綦江区生态环境局", "江津区生态环境局", "合江县生态环境局"},
         {"重庆市江津区生态环境局"}),
        ("重庆市璧山区、铜梁区、武隆区水利局负责同志出席会议。",
         {"重庆市璧山区水利局", "重庆市铜梁区水利局", "重庆市武隆区水利局"}, {"铜梁区水利局", "武隆区水利局"}),
        ("重庆市巫山县、奉节县人民政府签订协议。", {"重庆市巫山县人民政府", "重庆市奉节县人民政府"}, {"奉节县人民政府"}),
        ("4月，重庆市綦江区生态环境局牵头召开座谈会。会上，綦江区生态环境局介绍了经验。",
         {"重庆市綦江区生态环境局"}, {"綦江区生态环境局"}),
        ("四川省泸州市、宜宾市生态环境局参加会议。", {"泸州市生态环境局", "宜宾市生态环境局"}, {"四川省宜宾市生态环境局"}),
    ],
)
def test_nlp_a_municipality_before_listed_districts_names_each_body(text, bodies, not_bodies):
    agencies = {name for typ, name in _ents(text) if typ == "Agency"}
    assert bodies <= agencies
    assert not (not_bodies & agencies)


@pytest.mark.parametrize(
    ("text", "meeting"),
    [
        ("2月3日，长江上游生态保护联席会议第二次会议暨重点项目集中签约仪式在宜宾举行。",
         "长江上游生态保护联席会议第二次会议暨重点项目集中签约仪式"),
        ("赤水河流域保护推进会暨联合巡河活动在合江举行。", "赤水河流域保护推进会暨联合巡河活动"),
    ],
)
def test_nlp_a_meeting_held_together_with_a_ceremony_is_one_event(text, meeting):
    meetings = {name for typ, name in _ents(text) if typ == "Meeting"}
    assert meetings == {meeting}


@pytest.mark.parametrize("text", ["川南片区协作组召开2024年第二次会议。", "专项工作组召开2023年度第一次全体会议，部署工作。"])
def test_nlp_a_years_session_alone_is_no_named_meeting(text):
    assert not {name for typ, name in _ents(text) if typ == "Meeting"}


@pytest.mark.parametrize(
    ("text", "rel", "not_rel"),
    [
        ("会议原则通过两份文件。一是《沱江流域水质提升2024年工作要点》，由内江市生态环境局、荣昌区生态环境局共同起草，明确了重点任务。",
         ("沱江流域水质提升2024年工作要点", "issuedBy", "内江市生态环境局"), None),
        ("《赤水河流域联合巡河方案》，由泸州市河长制办公室印发实施。",
         ("赤水河流域联合巡河方案", "issuedBy", "泸州市河长制办公室"), None),
        ("对照《赤水河流域联合巡河方案》要求，由泸州市生态环境局负责督办。", None,
         ("赤水河流域联合巡河方案", "issuedBy", "泸州市生态环境局")),
    ],
)
def test_nlp_a_title_then_by_whom_in_the_next_clause(text, rel, not_rel):
    rels = _rels(text)
    assert rel is None or rel in rels
    assert not_rel is None or not_rel not in rels


@pytest.mark.parametrize(
    ("text", "notice", "issuers"),
    [
        ("四川省生态环境厅　四川省林业和草原局\n关于印发《长江上游珍稀鱼类保护行动方案》的通知\n\n川环发〔2024〕3号\n\n"
         "各市（州）生态环境局：\n现将方案印发给你们，请认真贯彻执行。\n",
         "关于印发长江上游珍稀鱼类保护行动方案的通知", {"四川省生态环境厅", "四川省林业和草原局"}),
        ("重庆市水利局 重庆市生态环境局 重庆市农业农村委员会\n关于开展2024年河湖“清四乱”专项行动的通知\n\n各区县水利局：\n请按要求做好工作。\n",
         "关于开展2024年河湖清四乱专项行动的通知", {"重庆市水利局", "重庆市生态环境局", "重庆市农业农村委员会"}),
    ],
)
def test_nlp_a_notice_under_a_line_of_its_issuers_is_issued_by_them(text, notice, issuers):
    assert ("Programme", notice) in _ents(text)
    assert {o for s, p, o in _rels(text) if s == notice and p == "issuedBy"} == issuers


def test_nlp_a_first_line_of_news_is_no_issuers_line():
    text = "川渝两地召开联席会议\n关于加强琼江流域保护的通知已印发。\n"
    assert not {s for s, p, o in _rels(text) if p == "issuedBy"}


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("据四川省生态环境厅水生态环境处负责人介绍，监测网络已覆盖全部断面。", "四川省生态环境厅水生态环境处"),
        ("如有疑问，请与重庆市生态环境局土壤生态环境处联系。", "重庆市生态环境局土壤生态环境处"),
        ("（重庆市生态环境局宣传教育处供稿）", "重庆市生态环境局宣传教育处"),
        ("执行中的问题请向四川省生态环境厅环境影响评价与排放管理处反馈。", "四川省生态环境厅环境影响评价与排放管理处"),
    ],
)
def test_nlp_a_division_of_a_body_before_its_head_or_a_verb(text, unit):
    assert ("Agency", unit) in _ents(text)


@pytest.mark.parametrize("text", ["重庆市生态环境局有关处室负责同志参加会议。", "四川省生态环境厅相关处室负责人出席。"])
def test_nlp_some_divisions_of_a_body_are_the_body(text):
    agencies = {n for t, n in _ents(text) if t == "Agency"}
    assert len(agencies) == 1 and not any(n.endswith("处室") for n in agencies)


@pytest.mark.parametrize(
    ("text", "meetings"),
    [
        ("两地约定每年轮流召开一次沱江流域水生态保护联席会议。", {"沱江流域水生态保护联席会议"}),
        ("下一次联合巡河工作会议将于明年在泸州召开。", set()),
        ("9月，合江县承办赤水河流域生态环境保护联席会议第二次会议。", {"赤水河流域生态环境保护联席会议第二次会议"}),
        ("泸州市主办了长江上游生态保护论坛。", {"长江上游生态保护论坛"}),
    ],
)
def test_nlp_a_meetings_name_starts_after_how_often_and_who_hosts(text, meetings):
    assert {n for t, n in _ents(text) if t == "Meeting"} == meetings


@pytest.mark.parametrize(
    ("name", "places"),
    [
        ("川渝高竹新区水环境保护方案", {"川渝高竹新区"}),
        ("万达开川渝统筹发展示范区大气污染防治规划", {"万达开川渝统筹发展示范区"}),
        ("川渝高竹新区与川渝毗邻地区生态合作协议", {"川渝高竹新区", "四川省", "重庆市"}),
        ("川渝固体废物联防联治工作方案", {"四川省", "重庆市"}),
    ],
)
def test_nlp_both_sides_in_a_zones_own_name_are_not_what_a_title_concerns(name, places):
    assert {n for n, _ in places_in_name(name, load_lexicon())} == places


@pytest.mark.parametrize(
    "text",
    [
        "濑溪河发源于大足区，流经荣昌区、泸县，最终汇入沱江。近年来两地生态环境局共同编制了《濑溪河流域水质提升方案》。",
        "该河途经江津区、合江县后注入长江。两地生态环境局联合印发了《塘河流域保护方案》。",
    ],
)
def test_nlp_places_a_river_flows_through_are_not_the_pair(text):
    agents = {o for s, p, o in _rels(text) if p == "issuedBy"}
    assert not agents & {"荣昌区生态环境局", "泸县生态环境局", "江津区生态环境局", "合江县生态环境局"}


@pytest.mark.parametrize(
    ("text", "rel"),
    [
        ("两地将共同实施《赤水河流域水生态修复试点实施方案》。据了解，该试点实施方案由泸州市人民政府、宜宾市人民政府于2023年联合编制。",
         ("赤水河流域水生态修复试点实施方案", "issuedBy", "宜宾市人民政府")),
        ("会议通报了《沱江流域联合执法方案（2024—2025年）》。该方案由内江市生态环境局牵头起草。",
         ("沱江流域联合执法方案(2024—2025年)", "issuedBy", "内江市生态环境局")),
        ("《长江上游珍稀鱼类监测技术规范》已正式实施。上述标准经四川省市场监督管理局批准发布。", None),
    ],
)
def test_nlp_a_title_taken_up_again_by_gai(text, rel):
    rels = _rels(text)
    if rel is not None:
        assert rel in rels
    else:  # 上述标准 is no 技术规范: nothing named so before it
        assert not {r for r in rels if r[1] == "issuedBy"}


@pytest.mark.parametrize(
    ("text", "agents", "not_agents"),
    [
        ("6月5日，泸州市生态环境局与重庆市江津区生态环境局签订了《塘河流域联合监测协议》。\n签约后，两地召开了塘河流域联防联治座谈会。",
         {"泸州市", "江津区"}, {"四川省", "重庆市"}),
        ("宜宾市河长制办公室与永川区河长办公室在宜宾会商。会后，两地生态环境局联合印发了《长江宜宾永川段巡河方案》。",
         {"宜宾市生态环境局", "永川区生态环境局"}, {"四川省生态环境厅", "重庆市生态环境局"}),
    ],
)
def test_nlp_two_places_are_those_of_the_bodies_named_before(text, agents, not_agents):
    objects = {o for s, p, o in _rels(text) if p in ("participant", "issuedBy")}
    assert agents <= objects
    assert not (not_agents & objects)


@pytest.mark.parametrize(
    ("text", "bodies"),
    [
        ("大英县生态环境分局与潼南区生态环境局签订了《琼江支流联合巡河协议》。", {"大英县生态环境分局", "潼南区生态环境局"}),
        ("蓬溪县、射洪市生态环境分局负责人参加会议。", {"蓬溪县生态环境分局", "射洪市生态环境分局"}),
    ],
)
def test_nlp_a_county_sub_bureau_of_ecology_is_a_body(text, bodies):
    assert bodies <= {n for t, n in _ents(text) if t == "Agency"}


@pytest.mark.parametrize(
    ("name", "places"),
    [
        ("泸永江生态环境联防联治2024年工作要点", {"泸州市", "永川区", "江津区"}),
        ("2025年合广长大气污染联防联控协议", {"合川区", "广安市", "长寿区"}),
        ("内荣跨界河流联合巡河方案", {"内江市", "荣昌区"}),
        ("万达开川渝统筹发展示范区生态环境保护规划", {"万达开川渝统筹发展示范区"}),
        ("重庆市内荣工作方案", {"重庆市"}),
    ],
)
def test_nlp_a_cooperation_areas_short_name_opening_a_title_names_its_places(name, places):
    assert {n for n, _ in places_in_name(name, load_lexicon())} == places


def test_nlp_wansheng_development_zone_is_a_region():
    text = "请万盛经开区生态环境主管部门做好标准宣贯。"
    assert any(t == "Region" and "万盛" in n for t, n in _ents(text))


@pytest.mark.parametrize(
    ("text", "rel"),
    [
        ("2024年，内江市生态环境局（以下简称“市局”）扎实推进各项工作。3月，市局与重庆市荣昌区生态环境局签订《濑溪河流域联合执法协议》。",
         ("濑溪河流域联合执法协议", "signedBy", "内江市生态环境局")),
        ("6月，重庆市江津区河长办公室（以下简称“区河长办”）牵头开展巡河。区河长办印发了《塘河流域巡河工作方案》。",
         ("塘河流域巡河工作方案", "issuedBy", "重庆市江津区河长办公室")),
    ],
)
def test_nlp_a_bodys_abbreviation_stands_for_it(text, rel):
    assert rel in _rels(text)


def test_nlp_a_bodys_abbreviation_inside_a_longer_word_is_not_it():
    text = "泸州市生态环境局（以下简称“市局”）召开会议。超市局部区域油烟扰民问题得到整改。"
    assert sum(1 for m in _extract(text).mentions if m.surface == "市局") == 1


def test_nlp_respectively_pairs_each_party_with_its_document():
    rels = _rels("泸州市人民政府、宜宾市人民政府分别与重庆市江津区人民政府、永川区人民政府签署"
                 "《赤水河流域横向生态保护补偿协议》和《长江干流联防联治协议》。")
    signers = {(s, o) for s, p, o in rels if p == "signedBy"}
    assert ("赤水河流域横向生态保护补偿协议", "泸州市人民政府") in signers
    assert ("长江干流联防联治协议", "宜宾市人民政府") in signers
    assert ("赤水河流域横向生态保护补偿协议", "宜宾市人民政府") not in signers
    assert ("长江干流联防联治协议", "泸州市人民政府") not in signers


@pytest.mark.parametrize(
    ("text", "meeting"),
    [
        ("12月5日，沱江流域联防联治第四次联席会议在内江召开。会议通报了第三次联席会议以来的工作进展。", "沱江流域联防联治第三次联席会议"),
        ("赤水河流域保护第二次工作会议在合江召开。与会代表回顾了第一次工作会议确定的任务。", "赤水河流域保护第一次工作会议"),
    ],
)
def test_nlp_a_bare_session_is_one_of_the_series_named_in_the_text(text, meeting):
    assert ("Meeting", meeting) in _ents(text)


def test_nlp_a_bare_session_without_its_series_is_no_meeting():
    assert not {n for t, n in _ents("会议通报了第三次联席会议以来的工作进展。") if t == "Meeting"}


@pytest.mark.parametrize(
    "text",
    [
        "发布会还介绍了《川渝岷江流域水污染联防联治方案》的实施进展。",
        "在新闻发布厅，记者询问了《川渝沱江流域联防联控方案》的落实情况。",
    ],
)
def test_nlp_a_press_conference_is_no_issuing(text):
    assert not {r for r in _rels(text) if r[1] == "issuedBy"}


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("四川省宜宾市生态环境局与重庆市江津区生态环境局签订《长江跨界断面联合监测协议》。", "宜宾市生态环境局"),
        ("四川省泸州市合江县河长制办公室与江津区河长办公室召开联席会议。", "合江县河长制办公室"),
        ("四川省达州市人民政府印发《州河流域水质提升方案》。", "达州市人民政府"),
    ],
)
def test_nlp_a_sichuan_body_written_with_its_province_is_the_citys_or_countys(text, body):
    agencies = {n for t, n in _ents(text) if t == "Agency"}
    assert body in agencies and not any(n.startswith("四川省" + body[:2]) for n in agencies)


@pytest.mark.parametrize(
    ("text", "meeting", "bodies"),
    [
        ("川南渝西生态环境保护第三次联席会议近日在泸州市召开。会上，四川省泸州市、宜宾市与重庆市永川区、江津区四地生态环境部门共同签署"
         "《长江上游跨界水污染联防联控合作协议》。", "川南渝西生态环境保护第三次联席会议",
         {"泸州市生态环境局", "宜宾市生态环境局", "永川区生态环境局", "江津区生态环境局"}),
        ("遂潼生态环境保护联席会议在遂宁市召开。会上，四川省遂宁市与重庆市潼南区两地生态环境部门签订《琼江流域联合执法协议》。",
         "遂潼生态环境保护联席会议", {"遂宁市生态环境局", "潼南区生态环境局"}),
    ],
)
def test_nlp_a_counted_group_of_bodies_at_a_meeting_takes_part_and_signs_as_bodies(text, meeting, bodies):
    rels = _rels(text)
    assert {o for s, p, o in rels if p == "participant" and s == meeting} == bodies
    assert {o for s, p, o in rels if p == "signedBy"} == bodies  # not 四川省, which only qualifies the list


@pytest.mark.parametrize(
    "text",
    [
        "记者王明内江报道：2024年川渝土壤污染防治工作会议5月8日在永川区召开。",
        "新华社成都5月8日电 2024年川渝土壤污染防治工作会议在永川区召开。",
    ],
)
def test_nlp_a_dateline_place_is_no_agent(text):
    assert not {r for r in _rels(text) if r[1] == "participant"}


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("抄送：自然资源部国土空间生态修复司，水利部河湖管理司。", "自然资源部国土空间生态修复司"),
        ("抄送：自然资源部国土空间生态修复司，水利部河湖管理司。", "水利部河湖管理司"),
        ("生态环境部西南督察局、四川省生态环境厅参加会议。", "生态环境部西南督察局"),
    ],
)
def test_nlp_a_ministrys_department_glued_to_it_is_one_body(text, unit):
    agencies = {n for t, n in _ents(text) if t == "Agency"}
    assert unit in agencies and unit[: unit.index("部") + 1] not in agencies


def test_nlp_a_ministry_before_a_verb_is_no_department():
    assert ("Agency", "生态环境部") in _ents("此次行动由生态环境部指导重庆市生态环境局。")


@pytest.mark.parametrize(
    "text",
    [
        "两地对监测数据发布作了统一规范。",
        "会议对信息发布提出了明确要求和工作方案。",
        "双方就执法结果发布进行了统一规定。",
    ],
)
def test_nlp_a_clause_with_an_aspect_marker_after_a_trigger_is_no_name(text):
    assert not {n for t, n in _ents(text) if t in ("Standard", "Programme", "Regulation")}


@pytest.mark.parametrize(
    ("text", "doc", "pred", "parties"),
    [
        ("6月3日，宜宾市生态环境局与江津区生态环境局签署《长江跨界断面联合监测协议》。两地山水相连。签约前，双方召开了宜宾江津跨界河流保护座谈会。",
         "宜宾江津跨界河流保护座谈会", "participant", {"宜宾市生态环境局", "江津区生态环境局"}),
        ("泸州市与永川区签订《濑溪河流域横向生态保护补偿协议》。根据协议，双方联合印发《濑溪河流域联合巡河方案》。",
         "濑溪河流域联合巡河方案", "issuedBy", {"泸州市", "永川区"}),
        ("双方联合印发《川渝跨界河流联合巡河方案》。", "川渝跨界河流联合巡河方案", "issuedBy", {"四川省", "重庆市"}),
    ],
)
def test_nlp_shuangfang_is_the_pair_that_signed_last(text, doc, pred, parties):
    assert {o for s, p, o in _rels(text) if s == doc and p == pred} == parties


_TRANSCRIPT = (
    "川渝土壤污染防治新闻发布会实录\n\n"
    "主持人：四川省生态环境厅新闻发言人　王强\n"
    "发布人：四川省生态环境厅土壤生态环境处处长　李明\n"
    "　　　　重庆市生态环境局副局长　张华\n\n"
    "主持人：\n"
    "　　欢迎参加本次发布会。四川省自然资源厅也十分关心这项工作。\n\n"
    "刘洋（四川省农业农村厅副厅长）：\n"
    "　　谢谢主持人。\n"
)


@pytest.mark.parametrize("body", ["四川省生态环境厅", "四川省生态环境厅土壤生态环境处", "重庆市生态环境局", "四川省农业农村厅"])
def test_nlp_the_bodies_on_a_press_conference_podium_take_part(body):
    assert ("川渝土壤污染防治新闻发布会", "participant", body) in _rels(_TRANSCRIPT)


def test_nlp_a_body_named_in_what_the_host_says_does_not_take_part():
    assert ("川渝土壤污染防治新闻发布会", "participant", "四川省自然资源厅") not in _rels(_TRANSCRIPT)


def test_nlp_a_division_before_its_heads_title_is_one_body():
    assert ("Agency", "重庆市生态环境局大气环境处") in _ents("重庆市生态环境局大气环境处副处长刘强介绍了有关情况。")


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("2024年川渝土壤污染防治工作座谈会在重庆召开。会议由重庆市生态环境局土壤生态环境处主持，四川省生态环境厅相关负责同志参加会议。",
         "重庆市生态环境局土壤生态环境处"),
        ("2024年川渝土壤污染防治工作座谈会在重庆召开。四川省生态环境厅相关负责同志参加会议。生态环境部环境规划院派员到会指导。",
         "生态环境部环境规划院"),
    ],
)
def test_nlp_a_division_that_chairs_and_a_body_that_comes_to_guide_take_part(text, body):
    rels = _rels(text)
    assert ("2024年川渝土壤污染防治工作座谈会", "participant", body) in rels
    if "处主持" in text:
        assert ("2024年川渝土壤污染防治工作座谈会", "participant", "重庆市生态环境局") not in rels


def test_nlp_a_received_meeting_notice_is_no_attending():
    assert not {r for r in _rels("重庆市生态环境局收到会议通知后，及时印发了《土壤污染防治工作要点》。") if r[1] == "participant"}


@pytest.mark.parametrize(
    ("text", "meeting"),
    [
        ("3月8日，川南经济区碳达峰碳中和协同推进会在泸州召开。", "川南经济区碳达峰碳中和协同推进会"),
        ("2025年长江上游碳中和技术交流会在宜宾举行。", "2025年长江上游碳中和技术交流会"),
        ("川渝两地召开了2025年川渝气候变化应对工作座谈会。", "2025年川渝气候变化应对工作座谈会"),
    ],
)
def test_nlp_a_word_holding_he_or_dui_does_not_cut_a_meeting_name(text, meeting):
    assert ("Meeting", meeting) in _ents(text)


def test_nlp_the_fields_before_a_department_word_are_each_sides_departments():
    rels = _rels("2025年川渝气候变化应对工作座谈会在成都召开。两省市生态环境、气象部门有关负责同志参加会议。")
    for body in ("四川省生态环境厅", "重庆市生态环境局", "四川省气象局", "重庆市气象局"):
        assert ("2025年川渝气候变化应对工作座谈会", "participant", body) in rels


@pytest.mark.parametrize("pair", ["两省市", "两地", "川渝两省市"])
def test_nlp_the_two_governments_general_offices(pair):
    rels = _rels(f"{pair}政府办公厅联合印发《川渝氢能产业协同发展行动方案》。")
    for body in ("四川省人民政府办公厅", "重庆市人民政府办公厅"):
        assert ("川渝氢能产业协同发展行动方案", "issuedBy", body) in rels
    assert ("川渝氢能产业协同发展行动方案", "issuedBy", "四川省人民政府") not in rels


@pytest.mark.parametrize(
    ("text", "document", "rivers"),
    [
        ("两省市生态环境部门联合印发《川渝大气污染联防联控工作方案》。《工作方案》明确，将沱江、岷江纳入联合监测范围。",
         "川渝大气污染联防联控工作方案", ("沱江", "岷江")),
        ("两地联合印发了《川渝跨界河流突发水污染事件应急预案》。预案覆盖濑溪河、大清流河等跨界河流。",
         "川渝跨界河流突发水污染事件应急预案", ("濑溪河", "大清流河")),
        ("四川省生态环境厅与重庆市生态环境局签署《川渝跨界河流水质联合监测合作备忘录》。根据备忘录，双方将共享御临河、大洪河交界断面的监测数据。",
         "川渝跨界河流水质联合监测合作备忘录", ("御临河", "大洪河")),
        ("泸州市与荣昌区签署《濑溪河流域横向生态保护补偿协议（2025—2027年）》。按照新协议，两地每年各出资1亿元。补偿范围覆盖濑溪河干流及大清流河等支流。",
         "濑溪河流域横向生态保护补偿协议(2025—2027年)", ("大清流河",)),
        ("今年，两地将在铜钵河干流联合开展“护岸清障”专项行动。", "护岸清障专项行动", ("铜钵河",)),
    ],
)
def test_nlp_a_documents_stated_scope_is_what_it_concerns(text, document, rivers):
    rels = _rels(text)
    for river in rivers:
        assert (document, "concerns", river) in rels


@pytest.mark.parametrize(
    "text",
    [
        "泸州市与荣昌区联合印发《濑溪河联合河长制工作方案》。方案明确，荣昌区与泸县结对开展联合巡河。",
        "两地联合印发《濑溪河联合河长制工作方案》。会议要求，在大清流河、濑溪河流域和湖库周边深入实施联合巡河。",
        "两地联合印发了《川渝跨界河流突发水污染事件应急预案》。两地还在大清流河开展了联合监测。",
    ],
)
def test_nlp_places_that_act_or_merely_follow_are_not_a_documents_scope(text):
    rels = _rels(text)
    assert not {r for r in rels if r[1] == "concerns" and r[2] in ("荣昌区", "泸县", "大清流河")}, rels


@pytest.mark.parametrize("note", ["（节选）", "（摘要）", "(摘编)", ""])
def test_nlp_an_editors_note_after_the_title_keeps_its_author(note):
    rels = _rels(f"泸县生态环境局2024年工作总结{note}\n\n7月，我局与重庆市荣昌区生态环境局签订《濑溪河跨界断面水质联合监测协议》。")
    assert ("濑溪河跨界断面水质联合监测协议", "signedBy", "泸县生态环境局") in rels


@pytest.mark.parametrize(
    ("text", "bodies"),
    [
        ("我局与泸州市泸县、重庆市荣昌区、永川区生态环境局签订《濑溪河联合巡河协议》。",
         ("泸州市泸县生态环境局", "重庆市荣昌区生态环境局", "重庆市永川区生态环境局")),
        ("重庆市大足区、永川区人民政府签订《跨界河流联合治理协议》。", ("重庆市大足区人民政府", "重庆市永川区人民政府")),
    ],
)
def test_nlp_each_listed_county_keeps_the_city_written_before_it(text, bodies):
    ents = _ents(text)
    for body in bodies:
        assert ("Agency", body) in ents, ents


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("四川省环境监测与评估中心派员参加了调查。", "四川省环境监测与评估中心"),
        ("重庆市生态环境应急与事故调查中心专家赶赴现场。", "重庆市生态环境应急与事故调查中心"),
    ],
)
def test_nlp_an_institute_named_for_two_fields_joined_by_yu(text, body):
    assert ("Agency", body) in _ents(text)


def test_nlp_two_bodies_joined_by_yu_stay_two():
    ents = _ents("四川省生态环境厅与重庆市生态环境监测中心开展比对监测。")
    assert {("Agency", "四川省生态环境厅"), ("Agency", "重庆市生态环境监测中心")} <= ents
    assert not {e for e in ents if "与" in e[1]}


@pytest.mark.parametrize(
    ("title", "places"),
    [
        ("濑溪河流域荣昌—泸县段联防联治方案", ("荣昌区", "泸县")),
        ("大清流河流域荣昌－隆昌段水质联合监测方案", ("荣昌区", "隆昌市")),
    ],
)
def test_nlp_a_county_short_form_before_a_dash_is_a_sections_end(title, places):
    found = {p for p, _t in places_in_name(title, load_lexicon())}
    assert set(places) <= found, found


@pytest.mark.parametrize(
    ("text", "doc", "issuers"),
    [
        # 三省 counts provinces: not the three cities whose governments were named just before
        ("湖南省生态环境厅、湖北省生态环境厅、贵州省生态环境厅及宜昌市人民政府、岳阳市人民政府、铜仁市人民政府负责同志参加座谈。"
         "三省人大常委会分别审议通过的《湖南省清江流域保护条例》《湖北省清江流域保护条例》《贵州省清江流域保护条例》已经施行。",
         "湖北省清江流域保护条例", {"湖北省人民代表大会常务委员会"}),
        # …与《C》一起: C goes along with what was adopted, it is not adopted in that clause
        ("重庆市人大常委会、四川省人大常委会分别审议通过的《重庆市琼江流域保护条例》《四川省琼江流域保护条例》与《川渝琼江联合保护决定》一起，构成流域共同立法。",
         "川渝琼江联合保护决定", set()),
    ],
)
def test_nlp_counted_provinces_and_what_goes_along(text, doc, issuers):
    assert {o for s, p, o in _rels(text) if s == doc and p == "issuedBy"} == issuers


def test_nlp_a_joint_body_named_by_the_pair_and_its_yearly_session():
    rels = _rels("三是联防联控。川渝噪声污染联合防治工作领导小组召开2025年度会议，审议通过《川渝城市噪声联合治理行动方案》。")
    assert ("川渝城市噪声联合治理行动方案", "issuedBy", "川渝噪声污染联合防治工作领导小组") in rels
    assert ("川渝噪声污染联合防治工作领导小组2025年度会议", "participant", "川渝噪声污染联合防治工作领导小组") in rels
    assert not {r for r in rels if r[0] == "2025年度会议"}


def test_nlp_a_pair_short_form_of_a_body_named_in_full():
    text = ("推动成渝地区双城经济圈建设联合办公室噪声共治专项工作组在重庆成立。"
            "川渝噪声共治专项工作组召开2025年第一次会议暨项目签约仪式。")
    assert ("Agency", "川渝噪声共治专项工作组") not in _ents(text)
    assert ("Meeting", "推动成渝地区双城经济圈建设联合办公室噪声共治专项工作组2025年第一次会议暨项目签约仪式") in _ents(text)


@pytest.mark.parametrize(
    ("text", "meeting"),
    [
        ("3月5日，嘉陵江南充—广安—合川段水生态保护与修复第一次联席会议在合川区召开。", "嘉陵江南充—广安—合川段水生态保护与修复第一次联席会议"),
        ("年终综述——2024年川渝噪声污染联防联控工作会议在成都召开。", "2024年川渝噪声污染联防联控工作会议"),
    ],
)
def test_nlp_meeting_names_with_a_range_and_two_activities(text, meeting):
    ents = _ents(text)
    assert ("Meeting", meeting) in ents
    assert len([e for e in ents if e[0] == "Meeting"]) == 1, ents


def test_nlp_this_meeting_as_a_starting_point_is_no_name():
    assert not {e for e in _ents("会议指出，要以此次联席会议为起点，推动岸线保护。") if e[0] == "Meeting"}


def test_nlp_a_count_looks_back_past_a_sentence_naming_fewer_to_its_group():
    text = ("会上，南充市、广安市、合川区、武胜县四地人民政府共同签署《嘉陵江岸线合作协议》。"
            "南充市水务局与合川区水利局还签订了《嘉陵江采砂管理合作备忘录》。"
            "会议审议通过了由四地联合编制的《嘉陵江岸线生态修复实施方案》。")
    assert {o for s, p, o in _rels(text) if s == "嘉陵江岸线生态修复实施方案" and p == "issuedBy"} == {"南充市", "广安市", "合川区", "武胜县"}


def test_nlp_counted_congresses_are_the_standing_committees_named():
    text = ("湖南省人大常委会、湖北省人大常委会、贵州省人大常委会近日组成联合检查组。"
            "湖南省生态环境厅、湖北省生态环境厅、贵州省生态环境厅负责同志参加座谈。"
            "据介绍，三省人大分别审议通过的《湖南省清江流域保护条例》《湖北省清江流域保护条例》《贵州省清江流域保护条例》已经施行。")
    rels = _rels(text)
    assert ("湖北省清江流域保护条例", "issuedBy", "湖北省人民代表大会常务委员会") in rels
    assert ("Agency", "湖北省人民代表大会") not in _ents(text)


def test_nlp_a_recommendation_that_others_draw_up_is_no_issuing():
    text = "检查组建议，由两省生态环境部门共同编制《清江流域联合执法工作规程》。"
    assert not {r for r in _rels(text) if r[1] == "issuedBy"}
    assert ("Regulation", "清江流域联合执法工作规程") in _ents(text)
    assert classify_title("水质自动监测站运行维护技术规程", load_lexicon()) == "Standard"


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("湖北省公安厅交通警察总队与湖南省公安厅交通警察总队签署《跨省机动车排放联合监管协议》。", "湖北省公安厅交通警察总队"),
        ("贵州省生态环境厅与重庆市公安局交通管理局在遵义签署《跨省机动车排放联合监管协议》。", "重庆市公安局交通管理局"),
    ],
)
def test_nlp_traffic_police_of_a_public_security_department_sign(text, body):
    assert ("跨省机动车排放联合监管协议", "signedBy", body) in _rels(text)


_BRACKET_TRANSCRIPT = (
    "川渝噪声污染防治新闻发布会实录\n\n"
    "【发布人】\n"
    "四川省生态环境厅副厅长 王强\n"
    "重庆市生态环境监测中心主任 李明\n\n"
    "【主持人】\n"
    "重庆市人民政府新闻办公室副主任 张华\n\n"
    "主持人：\n"
    "欢迎参加本次发布会。四川省自然资源厅也十分关心这项工作。\n\n"
    "王强：\n"
    "谢谢主持人。我补充介绍一下技术规范统一方面的工作。\n"
)


@pytest.mark.parametrize("body", ["四川省生态环境厅", "重庆市生态环境监测中心", "重庆市人民政府新闻办公室"])
def test_nlp_bodies_under_a_bracketed_podium_label_take_part(body):
    assert ("川渝噪声污染防治新闻发布会", "participant", body) in _rels(_BRACKET_TRANSCRIPT)


def test_nlp_bracketed_podium_and_a_speakers_words():
    assert ("川渝噪声污染防治新闻发布会", "participant", "四川省自然资源厅") not in _rels(_BRACKET_TRANSCRIPT)
    assert not {e for e in _ents(_BRACKET_TRANSCRIPT) if e[0] == "Standard"}


def test_nlp_a_body_sharing_the_word_after_a_list_is_not_written_as_its_place():
    # the place alone is the Region's form, not the bureau's (an alias 永川区 of 永川区生态环境局 mixes them up)
    mentions = _extract("泸州市、永川区生态环境部门负责同志参加会议。").mentions
    bodies = {m.name: m.surface for m in mentions if m.type == "Agency"}
    assert set(bodies) == {"泸州市生态环境局", "永川区生态环境局"}, bodies
    assert all(surface == name for name, surface in bodies.items()), bodies


@pytest.mark.parametrize(
    ("text", "meeting"),
    [
        ("三部门召开了川南大气污染治理和臭氧污染防控工作座谈会。", "川南大气污染治理和臭氧污染防控工作座谈会"),
        ("5月9日，成都平原经济区与川南经济区生态环境保护联席会议在自贡召开。", "成都平原经济区与川南经济区生态环境保护联席会议"),
        ("两地联合召开了泸州市与永川区生态环境保护联席会议。", "泸州市与永川区生态环境保护联席会议"),
    ],
)
def test_nlp_meeting_names_joining_two_activities_or_two_places(text, meeting):
    assert ("Meeting", meeting) in _ents(text)


@pytest.mark.parametrize(
    ("text", "meeting"),
    [
        ("推动泸州市与永川区生态环境保护联席会议常态化。", "永川区生态环境保护联席会议"),  # 推动… is no word of the name
        ("两地加强大气污染治理和召开调度会议。", None),
    ],
)
def test_nlp_meeting_names_do_not_take_the_words_before_a_join(text, meeting):
    found = {n for t, n in _ents(text) if t == "Meeting"}
    assert found == ({meeting} if meeting else set()), found


def test_nlp_a_count_of_departments_is_the_bodies_listed_before():
    text = ("四川省水利厅、四川省生态环境厅、重庆市水利局和重庆市生态环境局在泸州签署《赤水河流域水资源保护合作协议》。"
            "根据协议，四部门将共同开展监测。协议还明确了分工。双方将定期会商。各地要抓好落实。今年以来成效明显。"
            "签约前，四部门召开了赤水河流域水资源保护工作座谈会。")
    rels = _rels(text)
    meeting = "赤水河流域水资源保护工作座谈会"
    assert {o for s, p, o in rels if p == "participant" and s == meeting} == {
        "四川省水利厅", "四川省生态环境厅", "重庆市水利局", "重庆市生态环境局"}, rels


@pytest.mark.parametrize(
    "text",
    [
        # as many bodies are not listed: nobody
        "四川省生态环境厅与重庆市生态环境局签署《大气污染联防联控合作协议》。会前，三部门召开了大气污染防治工作座谈会。",
        # a list of other bodies comes between, far back: not the four
        "四川省水利厅、四川省生态环境厅、重庆市水利局和重庆市生态环境局签署《X流域保护合作协议》。一是监测。二是执法。三是应急。"
        "四是宣传。五是考核。泸州市生态环境局和宜宾市生态环境局介绍了经验。六是保障。七是督查。会前，四部门召开了长江保护工作座谈会。",
    ],
)
def test_nlp_a_count_of_departments_without_its_list_names_nobody(text):
    rels = _rels(text)
    assert not {o for s, p, o in rels if p == "participant" and s.endswith("座谈会")} & {
        "四川省生态环境厅", "重庆市生态环境局", "四川省水利厅", "重庆市水利局"}, rels


def test_nlp_a_series_session_named_by_its_head_word_and_its_host():
    text = ("3月2日，泸州市与宜宾市大气污染联防联控联席会议第一次会议在泸州召开。"
            "会议确定，联席会议第二次会议将于明年在宜宾市召开，由宜宾市生态环境局承办。")
    ents, rels = _ents(text), _rels(text)
    second = "泸州市与宜宾市大气污染联防联控联席会议第二次会议"
    assert ("Meeting", second) in ents, ents
    assert (second, "participant", "宜宾市生态环境局") in rels, rels
    assert ("泸州市与宜宾市大气污染联防联控联席会议第一次会议", "participant", "宜宾市生态环境局") not in rels, rels


def test_nlp_a_series_session_of_two_series_is_no_name():
    text = ("甲流域联席会议第一次会议和乙流域联席会议第三次会议先后召开。会议商定，联席会议第二次会议将于明年召开。")
    assert not {n for t, n in _ents(text) if t == "Meeting" and n.endswith("第二次会议")}


def test_nlp_the_meeting_held_in_the_clause_before_a_host():
    text = "川南经济区生态环境保护联席会议于5月在自贡召开，由自贡市生态环境局承办。"
    assert ("川南经济区生态环境保护联席会议", "participant", "自贡市生态环境局") in _rels(text)


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("4月17日，川南经济区生态环境保护联席会议在自贡召开。会议审议通过了工作要点。其中，自贡、泸州两市将与重庆市永川区（列席）共同推进治理。",
         "永川区"),
        ("川南经济区大气污染联防联控工作会议在宜宾召开，宜宾市生态环境局、泸州市生态环境局和江津区生态环境局(列席)出席会议。",
         "江津区生态环境局"),
    ],
)
def test_nlp_a_body_marked_as_sitting_in_takes_part(text, body):
    rels = _rels(text)
    assert any(p == "participant" and o == body for _s, p, o in rels), rels


def test_nlp_sitting_in_without_a_meeting_names_nothing():
    assert not any(p == "participant" for _s, p, _o in _rels("重庆市永川区（列席）共同推进濑溪河治理。"))


def test_nlp_a_headline_split_by_a_cry_gives_no_vague_signers():
    text = ("# 守护清江！五区县签署合作协议\n\n"
            "3月2日，恩施市、利川市、宣恩县生态环境局和长阳县、宜都市生态环境局负责同志出席会议。\n\n"
            "会上，五区县生态环境部门共同签署了《清江流域生态共保合作协议》（以下简称“合作协议”）。")
    assert not {o for s, p, o in _rels(text) if p == "signedBy" and o in ("湖北省", "四川省", "重庆市")}


def test_nlp_the_agreement_an_earlier_signing_followed_is_not_signed_now():
    text = "川渝两地生态环境部门签署新协议。此次签约是继《川渝危险废物跨省转移合作协议》之后的又一次合作。"
    assert not {r for r in _rels(text) if r[1] == "signedBy" and r[0] == "川渝危险废物跨省转移合作协议"}


def test_nlp_a_body_reporting_its_plan_at_a_meeting_is_its_issuer():
    text = ("5月8日，2024年涪江流域联防联控联席会议在潼南区召开。遂宁市船山区生态环境局、重庆市潼南区生态环境局负责同志参加会议。"
            "会上，县水利局通报了其牵头编制的《涪江突发水污染事件应急预案》有关情况；潼南区生态环境局介绍了经验。")
    assert not {o for s, p, o in _rels(text) if p == "issuedBy"}


def test_nlp_a_county_short_form_is_the_one_county_body_named_before():
    text = ("达州市渠县生态环境局、重庆市合川区生态环境局负责同志参加会议。"
            "会上，县生态环境局通报了其牵头修订的《渠江突发水污染事件应急预案》。")
    assert ("渠江突发水污染事件应急预案", "issuedBy", "渠县生态环境局") in _rels(text)


def test_nlp_the_places_a_plan_says_it_covers_are_what_it_concerns():
    text = ("贵州省生态环境厅、重庆市生态环境局共同编制了《乌江流域入河排污口联合整治方案》。"
            "本方案覆盖乌江、芙蓉江等跨界河流，重点为遵义市、铜仁市和重庆市綦江区、武隆区等区域。")
    found = {o for s, p, o in _rels(text) if s == "乌江流域入河排污口联合整治方案" and p == "concerns"}
    assert {"芙蓉江", "遵义市", "铜仁市", "綦江区", "武隆区"} <= found


def test_nlp_a_plan_listing_zones_as_its_key_areas_concerns_them():
    text = "近日，两省市联合印发《川渝冬季臭氧污染协同防控方案》（以下简称《方案》）。《方案》将成都平原经济区、川南经济区列为联防联控重点区域。"
    found = {o for s, p, o in _rels(text) if p == "concerns"}
    assert {"成都平原经济区", "川南经济区"} <= found


def test_nlp_what_is_done_under_an_agreements_framework_is_its_scope():
    text = "在《长江流域横向生态保护补偿协议》框架下，两省市政府已将綦江纳入补偿范围。"
    assert ("长江流域横向生态保护补偿协议", "concerns", "綦江") in _rels(text)
    assert ("长江流域横向生态保护补偿协议", "concerns", "綦江") not in _rels("在《长江流域横向生态保护补偿协议》签订后，綦江水质改善。")


def test_nlp_a_notice_under_its_issuers_offices_and_the_plan_the_bodies_made():
    text = ("贵州省生态环境厅办公室　重庆市生态环境局办公室\n"
            "关于印发《乌江跨界河流排污口联合整治方案》的通知\n\n"
            "各有关单位：\n　　贵州省生态环境厅、重庆市生态环境局共同编制了《乌江跨界河流排污口联合整治方案》，现印发给你们。\n")
    rels = _rels(text)
    notice = "关于印发乌江跨界河流排污口联合整治方案的通知"
    assert (notice, "issuedBy", "重庆市生态环境局办公室") in rels
    assert {o for s, p, o in rels if s == "乌江跨界河流排污口联合整治方案" and p == "issuedBy"} == {"贵州省生态环境厅", "重庆市生态环境局"}


def test_nlp_a_joint_sharing_platform_named_in_full_is_a_programme_of_both_sides():
    rels = _rels("两省市将依托川渝固体废物管理信息共享平台，实现转移联单电子化。")
    assert {("川渝固体废物管理信息共享平台", "concerns", "四川省"), ("川渝固体废物管理信息共享平台", "concerns", "重庆市")} <= rels
    assert not {e for e in _ents("数据接入川渝两地生态环境监测数据共享平台，构建川渝合作交流平台。") if e[0] == "Programme"}


def test_nlp_a_chongqing_district_bodys_letter_reads_its_short_forms_as_the_districts():
    text = ("重庆市永川区生态环境局\n关于区二届人大二次会议第0012号建议办理情况的答复函\n\n王明代表：\n"
            "　　2023年6月，区政府与泸州市人民政府签订《濑溪河流域横向生态保护补偿协议》，我局会同区财政局做好资金核算。\n")
    rels = _rels(text)
    assert {o for s, p, o in rels if p == "signedBy"} == {"永川区人民政府", "泸州市人民政府"}
    assert ("Agency", "永川区财政局") in _ents(text)


def test_nlp_traditional_texts_quote_names_with_corner_brackets():
    found = _ents("兩地實行「雙河長」聯合巡查制度，開展「清四亂」專項行動。")
    assert {("Programme", "双河长联合巡查制度"), ("Programme", "清四乱专项行动")} <= found


def test_nlp_two_quoted_names_joined_by_and_are_two_names():
    found = {n for t, n in _ents("联合开展“蓝天”执法检查和“碧水”专项行动，依托“川渝通办”网站和川渝生态环境执法信息共享平台办理。")
             if t == "Programme"}
    assert found == {"蓝天执法检查", "碧水专项行动", "川渝生态环境执法信息共享平台"}


def test_nlp_a_quoted_proposal_or_cited_words_are_not_a_name():
    text = "针对关于“完善跨界补偿机制”的建议，我局认真落实《规划》关于“建立统一的监测体系”的部署。"
    assert not {e for e in _ents(text) if e[0] == "Programme"}


def test_nlp_a_plural_place_word_or_verb_before_a_quote_is_not_part_of_the_name():
    found = {n for t, n in _ents("全省15个地市“无废城市”建设取得进展，两地共同搭建川渝“无废城市”建设信息共享平台，"
                                 "加快建设川渝林长制信息共享平台。") if t == "Programme"}
    assert found == {"无废城市建设", "川渝无废城市建设信息共享平台", "川渝林长制信息共享平台"}


def test_nlp_a_river_name_does_not_take_the_end_of_the_word_before():
    found = {n for t, n in _ents("嘉陵江及其支流黄泥河、白石溪沿线设站。市人大常委会通过《巴中市恩阳河流域保护条例》。") if t == "River"}
    assert {"黄泥河", "恩阳河"} <= found and not {n for n in found if n[0] in "流市"}


def test_nlp_a_meeting_that_adopted_something_is_named_without_the_preposition():
    found = _ents("方案经遂潼一体化发展联席会议第二次会议审议通过后印发。论坛上双方共签署3项合作协议。")
    assert ("Meeting", "遂潼一体化发展联席会议第二次会议") in found
    assert not {e for e in found if e[0] == "Agreement"}


def test_nlp_a_cppcc_special_committee_and_an_academy_institute_are_named_after_their_parent():
    found = _ents("抄送：省政协提案委员会，省政府办公厅。中国科学院成都生物研究所与重庆市生态环境科学研究院签署科研合作协议。")
    assert {("Agency", "中国人民政治协商会议四川省委员会提案委员会"), ("Agency", "中国科学院成都生物研究所")} <= found
    assert ("Agency", "中国科学院") in _ents("中国科学院与重庆市生态环境科学研究院签署协议。")


def test_nlp_a_report_under_its_speakers_post_is_that_bodys_and_its_we_signs():
    text = ("政府工作报告\n——在广元市第八届人民代表大会第三次会议上\n广元市人民政府市长\n\n"
            "过去一年，我们与汉中市人民政府签署《嘉陵江上游生态环境联防联控合作协议》，两省市生态环境部门开展联合执法。\n")
    assert {o for s, p, o in _rels(text) if p == "signedBy"} == {"广元市人民政府", "汉中市人民政府"}


def test_nlp_a_reports_semicolon_items_naming_nobody_are_the_reporting_bodys():
    text = ("政府工作报告\n广元市人民政府市长\n\n"
            "过去一年，我们扎实推进生态环境共建：与汉中市人民政府签署《嘉陵江上游联防联控合作协议》；"
            "与汉中共同编制《嘉陵江上游生态保护规划》，由两省生态环境部门联合印发；牵头制定《嘉陵江上游入河排污口设置技术导则》。\n")
    assert {o for s, p, o in _rels(text) if p == "issuedBy" and s == "嘉陵江上游入河排污口设置技术导则"} == {"广元市人民政府"}


def test_nlp_the_bodies_helped_issue_not_the_helper():
    text = "2023年，遂宁市生态环境局配合潼南区生态环境局出台《琼江流域跨界水体应急处置预案》。"
    assert {o for s, p, o in _rels(text) if p == "issuedBy"} == {"潼南区生态环境局"}


def test_nlp_a_clause_that_goes_on_issues_the_document_of_the_clause_before():
    rels = _rels("双方已共同研究起草《川渝地方生态环境监测数据共享实施方案》，拟由两省市人民政府联合印发，重点推进三统一。")
    found = {o for s, p, o in rels if p == "issuedBy"}
    assert {"四川省人民政府", "重庆市人民政府"} <= found
    text = ("四川省生态环境厅关于省政协提案答复的函\n\n王委员：\n"
            "　　我厅已启动《川渝危险废物转移管理办法》起草工作，计划与重庆市生态环境局联合印发。\n")
    assert {o for s, p, o in _rels(text) if p == "issuedBy"} == {"四川省生态环境厅", "重庆市生态环境局"}
    text = "我们与万州共同编制《万州区生态保护规划》，经党政联席会议审议通过后由两省市生态环境部门联合印发。"
    assert ("万州区生态保护规划", "issuedBy", "重庆市生态环境局") in _rels(text)


def test_nlp_in_a_transcript_we_are_the_speakers_body_and_the_two_bureaus_those_named():
    text = ("川渝生态环境执法互认新闻发布会文字实录\n\n"
            "主持人（重庆市人民政府新闻办公室副主任 王五）：\n请张三先生作发布。\n\n"
            "发布人（重庆市生态环境局副局长 张三）：\n去年以来，我们与四川省生态环境厅推动执法互认。"
            "今天上午，两厅局正式签署了《川渝生态环境执法互认合作备忘录》。\n\n"
            "发布人（四川省生态环境厅副厅长 李四）：\n此次互认，我厅与重庆市生态环境局共同编制了《川渝生态环境执法互认技术规范》。\n")
    rels = _rels(text)
    assert {o for s, p, o in rels if p == "signedBy"} == {"重庆市生态环境局", "四川省生态环境厅"}
    assert {o for s, p, o in rels if p == "issuedBy"} == {"重庆市生态环境局", "四川省生态环境厅"}


def test_nlp_both_parties_after_a_letters_own_agreement_are_the_author_and_the_other():
    text = ("四川省生态环境厅关于省政协提案答复的函\n\n王委员：\n"
            "　　2022年9月，我厅与重庆市生态环境局签署《川渝生态环境执法合作协议》。2023年6月，双方联合印发《川渝生态环境执法互认工作方案》。\n")
    assert {o for s, p, o in _rels(text) if p == "issuedBy"} == {"四川省生态环境厅", "重庆市生态环境局"}


def test_nlp_a_ceremonys_agreement_signed_by_companies_has_no_public_signers():
    text = ("论坛期间举行了集中签约仪式。其中，遂宁市人民政府与重庆市潼南区人民政府签订《琼江流域水生态环境共治协议》；"
            "四川能源交易所与重庆排污权交易中心签署《川渝排污权交易合作备忘录》。")
    rels = _rels(text)
    assert not {o for s, p, o in rels if p == "signedBy" and s == "川渝排污权交易合作备忘录"}
    assert {o for s, p, o in rels if p == "signedBy" and s == "琼江流域水生态环境共治协议"} == {"遂宁市人民政府", "重庆市潼南区人民政府"}


def test_nlp_the_three_parties_under_an_agreement_are_those_who_signed_it():
    text = ("5月10日，泸州市人民政府与重庆市荣昌区人民政府、重庆市大足区人民政府共同签署《濑溪河流域生态保护合作协议》（以下简称《合作协议》）。"
            "泸州地处长江、沱江交汇处。根据《合作协议》，三方将联合开展执法巡查；共同编制《濑溪河流域水生态修复方案》。")
    found = {o for s, p, o in _rels(text) if p == "issuedBy" and s == "濑溪河流域水生态修复方案"}
    assert found == {"泸州市人民政府", "重庆市荣昌区人民政府", "重庆市大足区人民政府"}


@pytest.mark.parametrize(
    "credit",
    ["来源：四川省生态环境厅大气环境处", "*来源：重庆市生态环境局宣传教育处*", "（供稿：重庆市永川区人民政府办公室）",
     "编辑：李明　审核：遂宁市生态环境局", "2024-05-06 09:10　来源：江津区融媒体中心　作者：王芳"],
)
def test_nlp_a_credit_line_names_no_entity_of_the_story(credit):
    text = f"川渝联合开展沱江巡河\n\n5月6日，泸州市生态环境局组织开展沱江联合巡河。\n\n{credit}\n"
    ents = _ents(text)
    assert ("Agency", "泸州市生态环境局") in ents and ("River", "沱江") in ents
    assert not {n for t, n in ents if any(w in n for w in ("大气", "宣传", "永川", "遂宁", "江津"))}


def test_nlp_a_source_line_naming_the_publishing_body_keeps_it():
    text = "川渝联合开展沱江巡河\n\n5月6日，两地组织开展沱江联合巡河。\n\n来源：四川省生态环境厅 |\n"
    assert ("Agency", "四川省生态环境厅") in _ents(text)


def test_nlp_a_sentence_that_mentions_a_source_is_not_a_credit_line():
    text = "会议指出，数据来源：重庆市生态环境监测中心与四川省生态环境监测总站联合监测。\n"
    assert ("Agency", "重庆市生态环境监测中心") in _ents(text)


def test_nlp_a_series_year_session_is_one_meeting_name():
    text = "6月3日，成渝地区固体废物污染防治合作联席会议2025年会议在内江市召开，内江市生态环境局、重庆市荣昌区生态环境局负责人参加。"
    meetings = {n for t, n in _ents(text) if t == "Meeting"}
    assert meetings == {"成渝地区固体废物污染防治合作联席会议2025年会议"}


def test_nlp_next_years_session_named_by_its_year_alone_is_no_meeting():
    text = ("5月8日，川南经济区大气污染联防联控工作座谈会在自贡市召开。会议明确，2026年座谈会由宜宾市生态环境局承办。"
            "2025年度会议纪要已印发。")
    meetings = {n for t, n in _ents(text) if t == "Meeting"}
    assert meetings == {"川南经济区大气污染联防联控工作座谈会"}


def test_nlp_a_verb_agreeing_on_the_next_session_is_not_in_its_name():
    text = ("4月2日，沱江流域生态环境保护联席会议第一次会议在内江市召开。"
            "会议审议了年度工作安排，并商定第二次会议于明年在资阳市召开。评估报告将提交两省市人大常委会主任会议。")
    meetings = {n for t, n in _ents(text) if t == "Meeting"}
    assert "沱江流域生态环境保护联席会议第二次会议" in meetings
    assert not {n for n in meetings if "商定" in n or "提交" in n or "主任会议" in n}


@pytest.mark.parametrize(
    "sentence",
    ["今年将持续打好蓝天保卫战、碧水保卫战、净土保卫战，推动环境质量改善。", "两地将协同打赢蓝天、碧水、净土保卫战。"],
)
def test_nlp_battles_written_out_or_shared_are_each_named_once(sentence):
    progs = {n for t, n in _ents(sentence) if t == "Programme"}
    assert progs == {"蓝天保卫战", "碧水保卫战", "净土保卫战"}


def test_nlp_three_provinces_by_their_one_character_names_in_a_title():
    lex = load_lexicon()
    assert set(places_in_name("乌江流域渝黔川生态保护合作协议", lex)) >= {("四川省", "Region"), ("贵州省", "Region"), ("重庆市", "Region")}
    assert set(places_in_name("川滇黔交界地区大气污染联防联控方案", lex)) == {("四川省", "Region"), ("云南省", "Region"), ("贵州省", "Region")}
    assert ("青海省", "Region") not in places_in_name("青川县水污染防治方案", lex)


def test_nlp_scope_of_a_document_named_in_corner_brackets():
    text = ("甲市与乙区签署「岷江沱江跨界水体保护协作方案」（以下简称「方案」）。"
            "根据「方案」，其实施范围涵盖宜宾市、泸州市、江津区等地。")
    found = {o for s, p, o in _rels(text) if p == "concerns" and s == "岷江沱江跨界水体保护协作方案"}
    assert {"宜宾市", "泸州市", "江津区"} <= found


def test_nlp_a_later_clause_about_a_document_named_before_gives_its_rivers():
    text = ("两市生态环境部门联合印发《琼江流域2025年水环境联合治理工作要点》，工作要点聚焦琼江干流及姚市河、龙台河等支流，"
            "提出8项任务。")
    found = {o for s, p, o in _rels(text) if p == "concerns" and s == "琼江流域2025年水环境联合治理工作要点"}
    assert "琼江" in found and "姚市河" in found


def test_nlp_a_river_taken_into_a_documents_scope():
    text = "自2022年起，大清流河已纳入《沱江流域横向生态保护补偿协议》补偿范围，水质考核结果与补偿资金挂钩。"
    assert ("沱江流域横向生态保护补偿协议", "concerns", "大清流河") in _rels(text)
    # 纳入 without a scope word is something else
    text = "该项目已纳入《成渝地区双城经济圈生态环境保护规划》，将在涪江沿线实施。"
    assert ("成渝地区双城经济圈生态环境保护规划", "concerns", "涪江") not in _rels(text)


def test_nlp_a_title_opening_with_one_character_of_each_partys_place():
    text = ("6月，宜宾市生态环境局与重庆市江津区生态环境局、重庆市永川区生态环境局签订《宜江永跨界水污染联防联控合作协议》，"
            "三地约定联合巡河。")
    found = {o for s, p, o in _rels(text) if p == "concerns" and s == "宜江永跨界水污染联防联控合作协议"}
    assert {"宜宾市", "江津区", "永川区"} <= found
    # a title that starts with an ordinary word is no run of initials
    text = "宜宾市生态环境局与重庆市江津区生态环境局签订《宜居环境共建合作协议》。"
    assert not {o for s, p, o in _rels(text) if p == "concerns" and s == "宜居环境共建合作协议"}


def test_nlp_the_parties_of_a_cited_agreement_not_places_described_before():
    text = ("长江上游三地签署跨界水体共治协议\n\n3月5日，宜宾市人民政府、重庆市江津区人民政府与重庆市永川区人民政府共同签署《长江上游跨界水体共治协议》（以下简称《协议》）。\n\n"
            "该河段发源于重庆市永川区，流经江津区后进入四川省宜宾市，在宜宾市翠屏区汇入长江，全长约100公里，是川渝两地共饮一江水的典型跨界河流。近年来，三地虽已分别开展治理，但标准不一。\n\n"
            "根据《协议》，三方将共同编制《长江上游跨界水体保护实施方案》，统一治理目标。\n")
    found = {o for s, p, o in _rels(text) if p == "issuedBy" and s == "长江上游跨界水体保护实施方案"}
    assert found == {"宜宾市人民政府", "重庆市江津区人民政府", "重庆市永川区人民政府"}
