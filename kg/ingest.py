"""Ingest: bytes on disk → :class:`~kg.model.Document`.

Decodes (UTF-8 with or without BOM, UTF-16, GB18030/GBK, others via
charset-normalizer), keeps the decoded text untouched as ``original``, and builds
the analysis text: article text of HTML pages, converted to simplified Chinese with
OpenCC, spam and boilerplate removed, with an offset map back to ``original``.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> _ = p.write_text("成都平原經濟區", encoding="utf-8")
>>> read_document(p).text
'成都平原经济区'
"""

from __future__ import annotations

import codecs
import html
import os
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np

from kg.errors import IngestError
from kg.model import Document, DocumentMeta, OffsetMap
from kg.noise import find_noise

SUFFIXES: tuple[str, ...] = (".txt", ".md", ".html", ".htm")
_BINARY_SHARE = 0.10
_BIG5_MIN_BYTES = 32


def find_sources(paths: Iterable[str | Path], *, exclude: Iterable[str | Path] = ()) -> list[Path]:
    """Every readable-looking document under ``paths`` (files or folders), sorted.

    In a folder, hidden files and folders (``.venv``, ``.git``, ``.cache``) and the folders
    in ``exclude`` (the build's own output) are passed over; a file named on its own is
    always taken.

    >>> find_sources([]) == []
    True
    """
    skip = {Path(x).resolve() for x in exclude}
    found: set[Path] = set()
    for p in map(Path, paths):
        if p.is_dir():
            found.update(_documents_in(p, skip))
        elif p.exists():
            found.add(p)
        else:
            raise IngestError("no such file or folder", path=p)
    return sorted(found, key=lambda f: (f.name, str(f)))


def _documents_in(folder: Path, skip: set[Path]) -> Iterator[Path]:
    """The documents under ``folder``, not descending into hidden or skipped folders."""
    if folder.resolve() in skip:
        return
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (Path(root) / d).resolve() not in skip)
        for name in files:
            f = Path(root) / name
            if not name.startswith(".") and f.suffix.lower() in SUFFIXES and f.is_file():
                yield f


# --------------------------------------------------------------------------- decoding


def decode(data: bytes, *, path: str | Path = "<bytes>") -> tuple[str, str, tuple[str, ...]]:
    """Decode bytes to text; returns ``(text, encoding, warnings)``. BOMs are dropped.

    >>> decode("重庆".encode("gb18030"))[:2]
    ('重庆', 'gb18030')
    >>> decode(codecs.BOM_UTF8 + "重庆".encode())[:2]
    ('重庆', 'utf-8-sig')
    >>> decode("四川省生態環境廳與重慶市生態環境局簽訂協議".encode("big5"))[:2]
    ('四川省生態環境廳與重慶市生態環境局簽訂協議', 'big5')
    """
    if not data.strip():
        raise IngestError("empty file", path=path)
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            text, warnings = _decode_with(data, enc, path)
            return _check_text(text, path), enc, warnings
    enc = _utf16_without_bom(data)
    if enc:
        text, warnings = _decode_with(data, enc, path)
        return _check_text(text, path), enc, warnings
    if data.count(b"\x00") > max(8, len(data) // 1000):
        raise IngestError("binary file (NUL bytes), not a text document", path=path)
    try:
        return _check_text(data.decode("utf-8"), path), "utf-8", ()
    except UnicodeDecodeError:
        pass
    chinese = [enc for enc in ("gb18030", "big5") if _decodes(data, enc)]
    if chinese:
        enc = chinese[0]
        if len(chinese) > 1 and len(data) >= _BIG5_MIN_BYTES:  # shorter: too little to tell, GB wins
            enc = _guess(data, among=chinese) or "gb18030"
        return _check_text(data.decode(enc), path), enc, ()
    # a few broken bytes in an otherwise UTF-8 or GB file: keep that encoding, replace and report
    # (UTF-8 first: GB18030 accepts most byte pairs, so its count of bad bytes flatters it)
    tolerated = max(8, len(data) // 100)
    def damage(enc: str) -> int:
        return data.decode(enc, errors="replace").count("\ufffd")

    if damage("utf-8") <= tolerated:
        enc = "utf-8"
    else:
        guess = _guess(data)
        chinese = guess is None or guess.replace("_", "").lower() in ("gb18030", "gbk", "gb2312", "big5", "hz")
        enc = "gb18030" if chinese and damage("gb18030") <= tolerated else (guess or "utf-8")
    text, warnings = _decode_with(data, enc, path)
    return _check_text(text, path), enc, warnings


def _plausible_share(text: str) -> float:
    ok = sum(1 for ch in text if ch.isprintable() or ch in "\t\n\r")
    cjk_or_ascii = sum(1 for ch in text if ord(ch) < 0x80 or 0x3000 <= ord(ch) <= 0x9FFF or 0xFF00 <= ord(ch) <= 0xFFEF)
    return min(ok, cjk_or_ascii) / max(len(text), 1)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: only considered when NUL bytes are present."""
    if b"\x00" not in data[:4000] or len(data) % 2:
        return None
    best, share = None, 0.0
    for enc in ("utf-16-le", "utf-16-be"):
        text = data[:4000].decode(enc, errors="replace")  # a lone surrogate is one bad unit, not a verdict
        sh = _plausible_share(text)
        if sh > share:
            best, share = enc, sh
    return best if share >= 0.9 else None


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _guess(data: bytes, *, among: list[str] | None = None) -> str | None:
    """charset-normalizer's best guess, optionally restricted to ``among``."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000], cp_isolation=among).best()
    return best.encoding if best else None


def _decode_with(data: bytes, encoding: str, path: str | Path) -> tuple[str, tuple[str, ...]]:
    try:
        return data.decode(encoding), ()
    except UnicodeDecodeError:
        text = data.decode(encoding, errors="replace")
        bad = text.count("\ufffd")
        return text, (f"{path}: {bad} invalid byte sequence(s) in {encoding} replaced by U+FFFD",)


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")  # control characters other than \t \n \v \f \r


def _check_text(text: str, path: str | Path) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise IngestError("empty file", path=path)
    sample = text[:20000]
    controls = len(_CONTROL.findall(sample))
    if controls > _BINARY_SHARE * len(sample):
        raise IngestError("binary file (control characters), not a text document", path=path)
    if sample.count("\ufffd") > 0.3 * len(sample):
        raise IngestError("binary or undecodable file: most bytes are invalid in every known encoding", path=path)
    return text


# --------------------------------------------------------------------------- analysis text


class _Builder:
    """Accumulates analysis text with, per character, its offset in the original.

    Pieces are recorded as (length, original offset, copied?) and expanded to one offset
    per character only once, in :meth:`origin`.
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.lengths: list[int] = []
        self.offsets: list[int] = []
        self.copied: list[bool] = []

    def add(self, text: str, original_start: int) -> None:
        """Text copied from ``original[original_start:original_start + len(text)]``."""
        self.parts.append(text)
        self.lengths.append(len(text))
        self.offsets.append(original_start)
        self.copied.append(True)

    def add_at(self, text: str, original_offset: int) -> None:
        """Text with no counterpart of its own (decoded entities, inserted breaks)."""
        self.parts.append(text)
        self.lengths.append(len(text))
        self.offsets.append(original_offset)
        self.copied.append(False)

    def origin(self) -> np.ndarray:
        """The original offset of every character added, in order."""
        lengths = np.array(self.lengths, dtype=np.int64)
        total = int(lengths.sum())
        firsts = np.cumsum(lengths) - lengths  # position of each piece's first character
        origin = np.repeat(np.array(self.offsets, dtype=np.int64), lengths)
        steps = np.arange(total, dtype=np.int64) - np.repeat(firsts, lengths)  # position inside its piece
        return origin + steps * np.repeat(np.array(self.copied, dtype=np.int64), lengths)


def _compress(origin: np.ndarray, original_length: int) -> OffsetMap:
    """Runs of ``origin``: a new run wherever an offset is not its predecessor's plus one."""
    starts = np.flatnonzero(np.diff(origin) != 1) + 1
    if len(origin):
        starts = np.concatenate((np.zeros(1, dtype=np.int64), starts))
    runs = tuple(zip(starts.tolist(), origin[starts].tolist(), strict=True))
    return OffsetMap(runs=runs or ((0, 0),), text_length=len(origin), original_length=original_length)


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>|<!--.*?-->|<![^>]*>|<\?[^>]*>", re.S)
_SKIP_TAGS = frozenset({"script", "style", "nav", "header", "footer", "aside", "noscript", "iframe", "svg", "form", "select", "button", "template", "head"})
_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table", "ul", "ol", "title", "dd", "dt", "blockquote", "pre", "hr"})
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);?")


def looks_like_html(text: str, suffix: str) -> bool:
    head = text[:1000].lstrip().lower()
    return suffix.lower() in (".html", ".htm") or head.startswith(("<!doctype html", "<html"))


_VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"})
#: page furniture named by class/id/role; comments, replies, 热榜/排行 lists and recommendations are
#: readers' words and other articles' headlines, not the article
_NOISE_ATTR = re.compile(
    r"""\b(?:class|id|role)\s*=\s*["']?[^"'>]*?\b(?:nav|navbar|navigation|menu|breadcrumbs?|crumbs?|footer|sidebar|"""
    r"""share|copyright|toolbar|pagination|pager|related|banner|ad|ads|"""
    r"""comments?|comment-list|replies|reply|hot|hotlist|hot-list|rank|ranking|recommend)\b""",
    re.I,
)


#: an element the page hides (style display:none / visibility:hidden, the hidden attribute): injected spam, not article text
_HIDDEN_ATTR = re.compile(r"""\bstyle\s*=\s*["']?[^"'>]*?(?:display\s*:\s*none|visibility\s*:\s*hidden)|\shidden(?=[\s>/=])""", re.I)


def _html_text(original: str, builder: _Builder) -> None:
    """Article text: scripts, styles, navigation (tags, or class/id/role naming it) dropped."""
    skip: list[str] = []
    pos = 0
    for m in _TAG.finditer(original):
        if not skip:
            _html_chunk(original, pos, m.start(), builder)
        pos = m.end()
        name = (m.group(2) or "").lower()
        if not name:
            continue
        if m.group(1) == "/":
            if name in skip:
                del skip[len(skip) - 1 - skip[::-1].index(name) :]
            elif name in _BLOCK_TAGS and not skip:
                builder.add_at("\n", m.start())
            continue
        if name in _VOID_TAGS or m.group(0).endswith("/>"):
            if name in _BLOCK_TAGS and not skip:
                builder.add_at("\n", m.start())
            continue
        if name in skip or name in _SKIP_TAGS or _NOISE_ATTR.search(m.group(0)) or _HIDDEN_ATTR.search(m.group(0)):
            skip.append(name)
        elif name in _BLOCK_TAGS and not skip:
            builder.add_at("\n", m.start())
    if not skip:
        _html_chunk(original, pos, len(original), builder)


def _html_chunk(original: str, start: int, end: int, builder: _Builder) -> None:
    pos = start
    for m in _ENTITY.finditer(original, start, end):
        if m.start() > pos:
            _add_ws(original, pos, m.start(), builder)
        decoded = html.unescape(m.group(0))
        builder.add_at(" " if decoded.isspace() else decoded, m.start())
        pos = m.end()
    if end > pos:
        _add_ws(original, pos, end, builder)


def _add_ws(original: str, start: int, end: int, builder: _Builder) -> None:
    """Copy a text run; runs of whitespace in HTML become one space."""
    chunk = original[start:end]
    pos = 0
    for m in re.finditer(r"\s+", chunk):
        if m.start() > pos:
            builder.add(chunk[pos : m.start()], start + pos)
        builder.add_at(" ", start + m.start())
        pos = m.end()
    if pos < len(chunk):
        builder.add(chunk[pos:], start + pos)


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s.json")


#: variant forms OpenCC's t2s leaves as they are (Hong Kong 衞, Japanese 汚 …), each one character
_VARIANTS = {"衞": "卫", "汚": "污", "罸": "罚", "畧": "略", "隄": "堤", "衹": "只", "悪": "恶", "敍": "叙", "囘": "回",
             "鬭": "斗", "讃": "赞", "粧": "妆"}
_VARIANT_RE = re.compile("[" + "".join(_VARIANTS) + "]")
_VARIANT_TABLE = str.maketrans(_VARIANTS)


def _variants(text: str) -> str:
    return text.translate(_VARIANT_TABLE) if _VARIANT_RE.search(text) else text


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese, always the same length as ``text``.

    >>> to_simplified("聯席會議")
    '联席会议'
    >>> to_simplified("衞生健康委員會")
    '卫生健康委员会'
    """
    conv = _converter()
    out = _variants(conv.convert(text))
    if len(out) == len(text):
        return out
    lines = text.splitlines(keepends=True)
    pieces = []
    for line in lines:
        c = conv.convert(line)
        if len(c) != len(line):
            c = "".join(ch2 if len(ch2 := conv.convert(ch)) == 1 else ch for ch in line)
        pieces.append(_variants(c))
    return "".join(pieces)


_HALF_TO_FULL: tuple[tuple[str, str], ...] = ((",", "，"), (";", "；"), (":", "："), ("(", "（"), (")", "）"), ("!", "！"), ("?", "？"))
_NUMERIC_PUNCT = re.compile(r"\d([,:])(?=\d)")  # group 1: a separator between two digits


def normalize_punctuation(text: str) -> str:
    """Half-width clause punctuation → full-width (same length; digits' separators kept).

    >>> normalize_punctuation("两地签订协议,共同(试行):1,800")
    '两地签订协议，共同（试行）：1,800'
    """
    out = text
    for half, full in _HALF_TO_FULL:
        if half in out:
            out = out.replace(half, full)
    if "," not in text and ":" not in text:
        return out
    pieces: list[str] = []
    pos = 0
    for m in _NUMERIC_PUNCT.finditer(text):  # a digits' separator stays half-width
        i = m.start(1)
        pieces += (out[pos:i], text[i])
        pos = i + 1
    if not pieces:
        return out
    pieces.append(out[pos:])
    return "".join(pieces)


def analysis_text(original: str, *, is_html: bool) -> tuple[str, OffsetMap]:
    """Build the analysis text of ``original`` and its offset map.

    >>> t, m = analysis_text("川渝兩地聯合執法，為成渝地區大发体育开户,手机赌博官网持續改善空氣質量做出了重要貢獻。", is_html=False)
    >>> t
    '川渝两地联合执法，为成渝地区持续改善空气质量做出了重要贡献。'
    >>> m.to_original(t.index("持续"))
    27
    """
    builder = _Builder()
    if is_html:
        _html_text(original, builder)
    else:
        builder.add(original, 0)
    text = normalize_punctuation(to_simplified("".join(builder.parts)))
    origin = builder.origin()
    drop = find_noise(text)
    if drop:
        keep_text: list[str] = []
        keep_origin: list[np.ndarray] = []
        pos = 0
        for s, e in drop:
            keep_text.append(text[pos:s])
            keep_origin.append(origin[pos:s])
            pos = e
        keep_text.append(text[pos:])
        keep_origin.append(origin[pos:])
        text, origin = "".join(keep_text), np.concatenate(keep_origin)
    return text, _compress(origin, len(original))


# --------------------------------------------------------------------------- metadata

_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,8}[〔\[［(（]\d{4}[〕\]］)）]\d{1,5}号")
_DATE_CN = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_DATE_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_TITLE_MAX = 120


def read_meta(text: str) -> DocumentMeta:
    """Title, date and document number stated in the analysis text.

    >>> m = read_meta("重庆市生态环境局\\n渝环函〔2021〕313号\\n关于建议的答复函\\n2021年5月6日")
    >>> m.number, m.date, m.title
    ('渝环函〔2021〕313号', '2021-05-06', '重庆市生态环境局关于建议的答复函')
    """
    lines = [ln.strip(" \t\u3000?？") for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    number = ""
    for ln in lines[:15]:
        m = _DOC_NUMBER.search(ln) if "号" in ln else None
        if m and len(m.group(0)) >= 0.6 * len(ln):
            number = m.group(0)
            break
    title = _title(lines, number)
    date = ""
    # the last date of the last 15 lines, else the first of the first 8 (or ISO, first 15);
    # dates hold no line break, so line by line finds the same dates as the joined lines
    found = _date_in(reversed(lines[-15:]), _DATE_CN, "年", last=True) or _date_in(lines[:8], _DATE_CN, "年") \
        or _date_in(lines[:15], _DATE_ISO, "-")
    if found:
        y, mo, d = found
        date = f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"
    addressee = ""
    for ln in lines[1:10]:
        if re.fullmatch(r"[\u4e00-\u9fff、，,]{2,30}[:：]", ln):
            addressee = ln[:-1]
            break
    return DocumentMeta(title=title, date=date, number=number, addressee=addressee)


def _date_in(lines: Iterable[str], pattern: re.Pattern[str], marker: str, *, last: bool = False) -> tuple[str, ...] | None:
    """(year, month, day) of the first date found going through ``lines`` (the line's last if ``last``)."""
    for ln in lines:
        if marker in ln and (found := pattern.findall(ln)):
            return found[-1] if last else found[0]
    return None


_TITLE_HEAD = re.compile(r"(函|报告|通知|意见|方案|规划|发布会|会议|实录|公告|决定|办法|条例|通报|公报|纲要|计划|总结|汇报)$")


#: an editor's note after a title line, not part of the title: 工作总结（节选）, 讲话（摘要）
_EDITORS_NOTE = re.compile(r"\s*[（(](?:节选|摘要|摘编|摘录|全文|有删节)[)）]$")


def _title(lines: list[str], number: str) -> str:
    """The title lines at the top (up to one ending in a head word: 函, 报告, 总结 …).

    >>> _title(["安岳县生态环境局2024年工作总结（节选）", "（2024年12月20日）", "三、…"], "")
    '安岳县生态环境局2024年工作总结'
    """
    parts: list[str] = []
    for ln in lines[:10]:
        ln = _EDITORS_NOTE.sub("", ln)
        if ln == number or _DATE_ISO.search(ln) or _DATE_CN.fullmatch(ln):
            continue
        if len(ln) > _TITLE_MAX or re.search(r"[。；;！!:：]$", ln):
            break
        if ln in parts:  # a letterhead repeated above the title
            parts = parts[: parts.index(ln)]
        parts.append(ln)
        if _TITLE_HEAD.search(ln) or len(parts) >= 4:
            break
    if len(parts) >= 2 and len(parts[0]) <= 6 and _TITLE_HEAD.search(parts[-1]) and len(parts[-1]) >= 10:
        parts = parts[1:]
    if not parts or not _TITLE_HEAD.search(parts[-1]):
        return ""
    return "".join(parts)[:_TITLE_MAX]


# --------------------------------------------------------------------------- entry points


def read_document(path: str | Path, *, max_bytes: int = 64 * 1024 * 1024) -> Document:
    """Read one source file. Raises :class:`IngestError` naming the file and the reason."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise IngestError(f"file too large ({size} bytes > {max_bytes})", path=p)
        data = p.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror or exc}", path=p) from exc
    return document_from_bytes(data, path=p)


MAX_CHARACTERS = 1_000_000
"""Longest analysis text accepted (spaCy's own limit); longer documents are skipped, named."""


def _too_long(n: int) -> str:
    return f"document too long ({n} characters > {MAX_CHARACTERS}); split it into smaller files"


def document_from_bytes(data: bytes, *, path: str | Path) -> Document:
    """Decode and prepare one document; raises :class:`IngestError` naming ``path`` and the reason.

    >>> document_from_bytes("两地签订协议。\\r\\n".encode("utf-16"), path="a.txt").encoding
    'utf-16'
    >>> document_from_bytes(bytes(range(4)) * 100, path="b.txt")
    Traceback (most recent call last):
    ...
    kg.errors.IngestError: b.txt: binary file (NUL bytes), not a text document
    """
    p = Path(path)
    original, encoding, warnings = decode(data, path=p)
    is_html = looks_like_html(original, p.suffix)
    if not is_html and len(original) > MAX_CHARACTERS:
        raise IngestError(_too_long(len(original)), path=p)
    text, offsets = analysis_text(original, is_html=is_html)
    if len(text) > MAX_CHARACTERS:
        raise IngestError(_too_long(len(text)), path=p)
    if not text.strip():
        raise IngestError("no article text left after removing markup and noise", path=p)
    return Document(
        path=str(p),
        file_name=p.name,
        original=original,
        text=text,
        offsets=offsets,
        encoding=encoding,
        warnings=warnings,
        meta=read_meta(text),
    )


def iter_documents(paths: Iterable[str | Path]) -> Iterator[Document | IngestError]:
    """Documents of every source under ``paths``; a bad file yields its error instead."""
    for p in find_sources(paths):
        try:
            yield read_document(p)
        except IngestError as exc:
            yield exc
