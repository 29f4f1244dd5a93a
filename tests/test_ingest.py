from __future__ import annotations

import codecs

import pytest

from kg.errors import IngestError
from kg.ingest import (
    decode,
    document_from_bytes,
    find_sources,
    normalize_punctuation,
    read_meta,
    to_simplified,
)

TEXT = "川渝兩地生態環境部門簽訂了《聯合執法機制協議》，共同保護嘉陵江。\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("big5"), "big5"),
    ],
)
def test_ingest_decodes_every_encoding(data, encoding):
    text, enc, warnings = decode(data)
    assert text == TEXT
    assert enc == encoding
    assert warnings == ()


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty"), (b"   \n\t", "empty"), (bytes(range(256)) * 20, "binary")],
)
def test_ingest_rejects_bad_files_naming_them(data, reason):
    with pytest.raises(IngestError) as info:
        decode(data, path="bad.txt")
    assert "bad.txt" in str(info.value) and reason in str(info.value)


def test_ingest_replaces_invalid_bytes_and_reports():
    data = "重庆市生态环境局".encode() + b"\xff\xfe\xfa" + "与四川省生态环境厅".encode()
    text, _enc, warnings = decode(data, path="x.txt")
    assert "重庆市生态环境局" in text and "四川省生态环境厅" in text
    assert warnings and "x.txt" in warnings[0]


def test_ingest_analysis_text_is_simplified_and_maps_back():
    doc = document_from_bytes(TEXT.encode(), path="t.txt")
    assert "签订了《联合执法机制协议》" in doc.text
    i = doc.text.index("嘉陵江")
    s, e = doc.offsets.span_to_original(i, i + 3)
    assert doc.original[s:e] == "嘉陵江"


def test_ingest_spam_removed_from_analysis_text_but_offsets_hold():
    raw = "为成渝地区大发体育开户,手机赌博官网持续改善做出了重要的科技支撑，嘉陵江水质持续向好。"
    doc = document_from_bytes(raw.encode(), path="s.txt")
    assert "赌博" not in doc.text and "体育开户" not in doc.text
    i = doc.text.index("嘉陵江")
    s, e = doc.offsets.span_to_original(i, i + 3)
    assert raw[s:e] == "嘉陵江"


def test_ingest_html_article_text_without_scripts():
    html = (
        "<html><head><title>t</title><script>var x='四川省';</script><style>p{}</style></head>"
        "<body><nav>首页 &gt; 新闻</nav><p>重庆市&amp;四川省签订《联合执法机制协议》</p></body></html>"
    )
    doc = document_from_bytes(html.encode(), path="p.html")
    assert "var x" not in doc.text and "首页" not in doc.text
    assert "重庆市&四川省签订《联合执法机制协议》" in doc.text
    i = doc.text.index("联合执法")
    s, e = doc.offsets.span_to_original(i, i + 4)
    assert doc.original[s:e] == "联合执法"


def test_ingest_to_simplified_keeps_length():
    s = "乾隆年間，頭髮著名於是岷沱江"
    assert len(to_simplified(s)) == len(s)


def test_ingest_normalize_punctuation_keeps_numbers():
    assert normalize_punctuation("a,b(c):1,800") == "a，b（c）：1,800"


def test_ingest_reads_letter_metadata():
    meta = read_meta("重庆市生态环境局\n渝环函〔2021〕313号\n重庆市生态环境局\n关于第0869号建议办理情况的答复函\n李松辽代表：\n正文。\n2021年6月3日")
    assert meta.number == "渝环函〔2021〕313号"
    assert meta.title == "重庆市生态环境局关于第0869号建议办理情况的答复函"
    assert meta.date == "2021-06-03"
    assert meta.addressee == "李松辽代表"


def test_ingest_find_sources_filters_suffixes(tmp_path):
    for name in ("a.txt", "b.md", "c.html", "d.pdf", "e.json"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in find_sources([tmp_path])] == ["a.txt", "b.md", "c.html"]


def test_ingest_missing_path_is_an_error(tmp_path):
    with pytest.raises(IngestError, match="no such file"):
        find_sources([tmp_path / "nope"])


PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>川渝合作</title>"
    "<script>document.write('<div>四川省脚本</div>');</script><style>.nav{color:red}</style></head><body>"
    "<div class=\"top-nav\"><ul><li><a href=/>首页</a></li><li><div>菜单项</div></li></ul></div>"
    "<div id='breadcrumb'>位置：首页 » 新闻</div><img class='share-icon' src=x.png>"
    "<div class=\"article\"><h1>重庆市与四川省签订协议</h1><div><p>两地签订《联合执法协议》&nbsp;共同推进。<br/>第二行。</p></div></div>"
    "<div class='footer'>地址：重庆市渝北区</div><div role=\"navigation\">导航链接</div></body></html>"
)


@pytest.mark.parametrize(
    ("kept", "dropped"),
    [("两地签订《联合执法协议》 共同推进。", "首页"), ("重庆市与四川省签订协议", "菜单项"), ("第二行。", "脚本"), ("共同推进", "渝北区"), ("共同推进", "导航链接")],
)
def test_ingest_html_drops_navigation_by_tag_class_and_role(kept, dropped):
    doc = document_from_bytes(PAGE.encode(), path="page.html")
    assert kept in doc.text
    assert dropped not in doc.text
    i = doc.text.index("联合执法")
    s, e = doc.offsets.span_to_original(i, i + 4)
    assert doc.original[s:e] == "联合执法"


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_ingest_line_endings_give_the_same_lines(ending):
    raw = ending.join(["重庆市生态环境局", "渝环函〔2021〕313号", "关于建议的答复函", "正文。", "2021年5月6日"])
    doc = document_from_bytes(raw.encode(), path="l.txt")
    assert doc.text.splitlines() == raw.splitlines()
    assert doc.meta.number == "渝环函〔2021〕313号" and doc.meta.date == "2021-05-06"
    i = doc.text.index("正文")
    s, e = doc.offsets.span_to_original(i, i + 2)
    assert doc.original[s:e] == "正文"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16"])
def test_ingest_lone_surrogates_are_replaced_and_reported(encoding):
    raw = "重庆市生态环境局\ud800与四川省生态环境厅\udfff签订协议。"
    data = raw.encode(encoding, "surrogatepass")
    doc = document_from_bytes(data, path="s.txt")
    assert "\ud800" not in doc.original and "\udfff" not in doc.original
    assert "重庆市生态环境局" in doc.text and "四川省生态环境厅" in doc.text
    doc.original.encode("utf-8")  # strict: no surrogate survives
    assert doc.warnings and "s.txt" in doc.warnings[0]


def test_ingest_falls_back_to_charset_detection():
    raw = "Protection de l'environnement à Chongqing : coopération régionale, qualité de l'air. " * 4
    text, enc, warnings = decode(raw.encode("cp1252"), path="fr.txt")
    assert enc not in ("utf-8", "gb18030")
    assert "Chongqing" in text and "\ufffd" not in text and warnings == ()


@pytest.mark.parametrize(("nuls", "binary"), [(1, False), (3, False), (400, True)])
def test_ingest_stray_nul_bytes_are_not_binary(nuls, binary):
    data = ("重庆市生态环境局与四川省生态环境厅签订协议。" * 20).encode()
    data = data[:30] + b"\x00" * nuls + data[30:]
    if binary:
        with pytest.raises(IngestError, match="binary"):
            decode(data, path="n.txt")
    else:
        assert "四川省" in decode(data, path="n.txt")[0]


def test_ingest_too_long_document_is_skipped_with_reason():
    from kg.ingest import MAX_CHARACTERS

    with pytest.raises(IngestError, match="too long"):
        document_from_bytes(("江" * (MAX_CHARACTERS + 1)).encode(), path="big.txt")


@pytest.mark.parametrize("module", ["kg.ingest"])
def test_ingest_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "gb18030"])
@pytest.mark.parametrize("junk", [b"\xff", b"\xff\xfe\x80", b"\x80\x80"])
def test_ingest_stray_bytes_keep_the_files_encoding(encoding, junk):
    raw = "重庆市生态环境局与四川省生态环境厅签订《联合执法机制协议》，共同保护嘉陵江流域水质。\n" * 5
    data = raw.encode(encoding)
    at = len(raw[:13].encode(encoding))  # between two characters
    data = data[:at] + junk + data[at:]
    text, enc, warnings = decode(data, path="j.txt")
    assert enc == ("utf-8" if encoding == "utf-8" else "gb18030")
    assert text.count("嘉陵江流域") == 5 and text.count("\ufffd") <= len(junk)
    assert warnings and "j.txt" in warnings[0] and "invalid byte" in warnings[0]


@pytest.mark.parametrize(
    ("variant", "simplified"),
    [("四川省衞生健康委員會", "四川省卫生健康委员会"), ("大氣汚染物排放標準", "大气污染物排放标准"), ("違法行爲處罸", "违法行为处罚")],
)
def test_ingest_variant_characters_are_simplified_too(variant, simplified):
    from kg.ingest import to_simplified

    assert to_simplified(variant) == simplified


@pytest.mark.parametrize(
    "hidden",
    ['<span style="display:none">某某小说最新章节免费阅读</span>', "<div hidden>隐藏的推广文字</div>",
     '<div style="visibility: hidden">隐藏的推广文字</div>'],
)
def test_ingest_hidden_elements_are_not_article_text(hidden):
    page = f"<html><body><p>两地签订协议。{hidden}水质持续改善。</p><p>结束。</p></body></html>"
    text = document_from_bytes(page.encode(), path="p.html").text
    assert "两地签订协议。" in text and "水质持续改善" in text
    assert "小说" not in text and "推广" not in text


@pytest.mark.parametrize(
    "furniture",
    ['<div class="comments"><ul><li>网友甲：建议把沱江也纳进来。</li></ul></div>',
     '<div id="reply-box"><p>评论：岷江那段也该管管。</p></div>',
     '<div class="hot-list"><h3>热榜</h3><ol><li><a href="/a">《沱江流域保护方案》印发</a></li></ol></div>',
     '<section class="recommend"><a href="/b">岷江流域联防联治会议召开</a></section>'],
)
def test_ingest_comment_sections_and_hot_lists_are_not_article_text(furniture):
    page = f"<html><body><div class=\"article\"><p>两地联合巡河。</p></div>{furniture}<p>结束。</p></body></html>"
    text = document_from_bytes(page.encode(), path="p.html").text
    assert "两地联合巡河。" in text and "结束。" in text
    assert "沱江" not in text and "岷江" not in text
