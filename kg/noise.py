"""Spam and boilerplate filtering.

Compromised government and news sites carry gambling, porn and advertising phrases
inserted mid-sentence (``为成渝地区大发体育开户,手机赌博官网持续改善``) and pages come
with navigation, copyright and "scan the QR code" lines.  This module finds those spans
so that ingest can drop them from the analysis text; nothing found here can become an
entity.  The phrase lists are data (``kg/data/spam.tsv``).

>>> find_noise("两地联合执法，为成渝地区大发体育开户,手机赌博官网持续改善空气质量。")
[(12, 25)]
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _lists() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    text = resources.files("kg").joinpath("data/spam.tsv").read_text(encoding="utf-8")
    for line in text.splitlines()[1:]:
        if not line.strip():
            continue
        kind, pattern, _note = line.split("\t")
        out.setdefault(kind, []).extend(p for p in pattern.split("|") if p)
    return out


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


_GAMES = ("体育", "娱乐", "彩票", "棋牌", "真人", "电子")
#: an amount in an ad: 送38元, 返水1.5%, 100倍
_AMOUNT = r"\d+(?:\.\d+)?(?:%|元|倍)"
#: a web address (host names only: the spam's own landing pages)
_URL = r"(?:https?://)?(?:www\.)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|cc|vip|top|xyz|org|me|tv|co|app|io|cn)(?![a-z0-9-])(?:/[!-~]*)?"


@lru_cache(maxsize=1)
def _cores() -> list[str]:
    """The keywords: the core list, and every gambling brand with a game word (亚博体育, 开元棋牌)."""
    lists = _lists()
    return lists["core"] + [b + g for b in lists["brand"] for g in _GAMES]


@lru_cache(maxsize=1)
def _phrase_re() -> re.Pattern[str]:
    lists = _lists()
    core, prefix, suffix, brand, tail = (_alt(lists[k]) for k in ("core", "prefix", "suffix", "brand", "tail"))
    games = "|".join(_GAMES)
    unit = (
        rf"(?:(?:{prefix}|{_AMOUNT})*(?:(?:(?:{brand})(?={games}))?(?:{games})?(?:{core})|(?:{brand})(?:{games}))"
        rf"(?:{suffix}|{_AMOUNT})*)"
    )
    # after a keyword phrase only: a game word with the ad's words (线上娱乐官网), an offer (注册就送88元)
    decorated = rf"(?:(?:{prefix}|{_AMOUNT})*(?:{games})+(?:{suffix}|{_AMOUNT})*|(?:{prefix})+{_AMOUNT})"
    # after a keyword phrase: more phrases, the ad's web address, its call to action (点击进入)
    return re.compile(rf"{unit}(?:[,，、/|\s]{{0,2}}(?:{unit}|{_URL}|(?:{tail})+|{decorated}))*", re.IGNORECASE)


def _cased(word: str) -> bool:
    return any(ch.lower() != ch or ch.upper() != ch or ch.casefold() != ch for ch in word)


@lru_cache(maxsize=1)
def _keyword_res() -> tuple[re.Pattern[str], ...] | None:
    """The spam keywords alone (every phrase holds one, so a line without any has no phrase).

    Keywords without cased characters match only themselves even under IGNORECASE; they go
    into a case-sensitive pattern, which the ``re`` engine scans many times faster.  So do
    the case variants of keywords whose cased characters are ASCII letters with no other
    Unicode case form (AG体育 → AG体育, Ag体育, aG体育, ag体育); the rest need IGNORECASE.
    """
    core = _cores()
    if any(w.splitlines() != [w] for w in core):
        return None  # a keyword spanning lines: no prefilter, every line is searched
    plain = [w for w in core if not _cased(w)]
    cased = [w for w in core if _cased(w)]
    plain += [v for w in cased if _ascii_cased(w) for v in _case_variants(w)]
    cased = [w for w in cased if not _ascii_cased(w)]
    return tuple(re.compile(_alt(ws), flags) for ws, flags in ((plain, 0), (cased, re.IGNORECASE)) if ws)


def _ascii_cased(word: str) -> bool:
    """Every cased character of ``word`` is an ASCII letter that IGNORECASE matches only in its two cases."""
    cased = [ch for ch in word if _cased(ch)]
    return len(cased) <= 8 and all(ch.isascii() and ch.isalpha() and ch.lower() not in "iks" for ch in cased)


def _case_variants(word: str) -> list[str]:
    """Every spelling of ``word`` with its ASCII letters in either case."""
    out = [""]
    for ch in word:
        forms = {ch.lower(), ch.upper()} if ch.isascii() and ch.isalpha() else {ch}
        out = [o + f for o in out for f in sorted(forms)]
    return out


def _keyword_starts(text: str) -> list[int] | None:
    """Sorted start offsets of keyword matches (every line holding a keyword holds one), or None."""
    res = _keyword_res()
    if res is None:
        return None
    if len(res) == 1:
        return [m.start() for m in res[0].finditer(text)]
    return sorted(m.start() for rx in res for m in rx.finditer(text))


@lru_cache(maxsize=1)
def _boilerplate_re() -> re.Pattern[str]:
    return re.compile(_alt(_lists()["boilerplate"]))


@lru_cache(maxsize=1)
def _section_re() -> re.Pattern[str] | None:
    """The headings of a list of links to other articles (往期回顾, 推荐阅读), or None."""
    words = _lists().get("section", [])
    return re.compile(_alt(words)) if words else None


_BREADCRUMB = re.compile(r"[^>＞»›]{1,12}(?:[>＞»›][^>＞»›]{1,12}){2,}")  # 首页 > 新闻 > 正文: short segments only
#: a site's menu: four or more short words apart, one of them 首页 (首页 | 要闻 | 区县, 网站首页 政务公开 政务服务)
_MENU = re.compile(r"(?:[^\s|｜/·。，；]{1,6}[\s|｜/·]+){3,}[^\s|｜/·。，；]{1,6}")
_SPAM_LINE_SHARE = 0.4
_BOILERPLATE_MAX_LINE = 80
_LINK_MAX_LINE = 40  # a headline in a list of links
_SENTENCE_END = re.compile(r"[。！？!?；;]")
#: a line that is only a link to another page, as Markdown writes it (- [标题](https://…)): 往期推荐 without a heading
_LINK_LINE = re.compile(r"(?:[-*+•·]\s*|\d{1,2}[.、．]\s*)?\[[^\[\]\n]{1,100}\][(（]\s*(?:https?|ftp)[:：]//[^\s)）]*\s*[)）]")


def find_noise(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` (start, end) that are spam phrases or boilerplate lines, sorted.

    >>> find_noise("版权与免责声明：\\n长江")
    [(0, 9)]
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    phrase_re, boiler_re = _phrase_re(), _boilerplate_re()
    # one pass for the keywords over the whole text; only lines holding one can hold a phrase
    # (keywords hold no line break, so each keyword occurrence is found on its own line)
    found = _keyword_starts(text)
    search_all, keyword_at = found is None, found or []
    k, n_keywords = 0, len(keyword_at)
    section_re = _section_re()
    links = False  # in a list of links after a heading such as 往期回顾
    for line in text.splitlines(keepends=True):
        start, end = pos, pos + len(line)
        pos = end
        while k < n_keywords and keyword_at[k] < start:
            k += 1
        body = line.strip()
        if not body:
            continue
        if links:
            if len(body) <= _LINK_MAX_LINE and not _SENTENCE_END.search(body):
                spans.append((start, end))  # another article's headline
                continue
            links = False
        if "](" in body or "]（" in body:
            if _LINK_LINE.fullmatch(body):
                spans.append((start, end))  # another article, linked
                continue
        if search_all or k < n_keywords and keyword_at[k] < end:
            hits = [(start + m.start(), start + m.end()) for m in phrase_re.finditer(line)]
        else:
            hits = []
        spam_chars = sum(e - s for s, e in hits)
        if spam_chars and spam_chars >= _SPAM_LINE_SHARE * len(body):
            spans.append((start, end))
            continue
        heading = section_re is not None and section_re.search(body) is not None
        if len(body) <= _BOILERPLATE_MAX_LINE and (boiler_re.search(body) or _BREADCRUMB.fullmatch(body)
                                                   or "首页" in body and _MENU.fullmatch(body)
                                                   or heading and not _SENTENCE_END.search(body)):
            spans.append((start, end))
            links = heading  # 相关链接: a list of other articles' headlines follows (相关链接：…。 is a sentence of the text)
            continue
        spans.extend(hits)
    return spans


def is_noise(text: str) -> bool:
    """True when a short string is nothing but spam or boilerplate.

    >>> is_noise("手机赌博官网"), is_noise("嘉陵江")
    (True, False)
    """
    body = text.strip()
    return bool(body) and sum(e - s for s, e in find_noise(body)) >= len(body)
