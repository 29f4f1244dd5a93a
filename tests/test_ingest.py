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
