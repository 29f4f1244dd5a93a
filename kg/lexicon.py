"""Domain lexicons, loaded once from the data files in ``kg/data`` (see ``SOURCES.md``).

>>> lex = load_lexicon()
>>> lex.region("重庆").name
'重庆市'
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np


@dataclass(frozen=True)
class Place:
    name: str
    type: str  # Region or River
    level: str = ""  # province / prefecture / county / zone / river
    code: str = ""
    parent: str = ""  # canonical name of the parent division, or the river flowed into
    english: str = ""


@dataclass(frozen=True)
class AgencyEntry:
    name: str
    jurisdiction: str
    english: str = ""


@dataclass(eq=False)
class Lexicon:
    places: dict[str, Place] = field(default_factory=dict)  # canonical name → place
    place_forms: dict[str, str] = field(default_factory=dict)  # surface → canonical
    agencies: dict[str, AgencyEntry] = field(default_factory=dict)
    agency_forms: dict[str, str] = field(default_factory=dict)  # global surface → canonical
    local_agency_forms: dict[tuple[str, str], str] = field(default_factory=dict)  # (jurisdiction, short) → canonical
    agency_suffixes: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # (full suffix, short forms)
    named: dict[str, tuple[str, str]] = field(default_factory=dict)  # surface → (type, canonical)
    heads: dict[str, tuple[str, ...]] = field(default_factory=dict)  # type → head nouns
    triggers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # predicate → trigger words
    pair: tuple[str, ...] = ()  # collective pair phrases (两地, 双方 …)
    pair_members: tuple[str, ...] = ()
    departments: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    place_groups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # 遂潼 → (遂宁市, 潼南区)

    def region(self, surface: str) -> Place | None:
        name = self.place_forms.get(surface)
        place = self.places.get(name) if name else None
        return place if place and place.type == "Region" else None

    def place(self, surface: str) -> Place | None:
        name = self.place_forms.get(surface)
        return self.places.get(name) if name else None


def _rows(name: str) -> list[dict[str, str]]:
    path = resources.files("kg").joinpath(f"data/{name}")
    if not path.is_file():
        return []
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    header = lines[0].split("\t")
    rows = []
    for ln in lines[1:]:
        cells = ln.split("\t")
        cells += [""] * (len(header) - len(cells))
        rows.append(dict(zip(header, (c.strip() for c in cells), strict=False)))
    return rows


def _split(cell: str) -> list[str]:
    return [c.strip() for c in cell.split("|") if c.strip()]


_GENERIC_SHORTS = frozenset(
    {"中国", "全国", "西部", "东部", "中部", "城区", "新区", "高新", "开发", "江北", "南岸", "北部", "南部", "主城",
     "长寿", "和平", "白云", "青山", "新华", "朝阳", "城中", "城北", "城南", "城东", "城西", "市中", "普陀", "东城", "西城",
     "合作", "安全", "永定", "江南", "河口", "兴隆", "太平", "富民", "民主", "平安", "新兴", "红旗", "长安", "大通",
     "通道", "石林", "文山", "宝山", "大方", "安宁", "吉利", "清河", "红河", "盘龙", "五华", "官渡", "西山", "东川",
     "龙泉", "新都", "温江", "金牛", "武侯", "青羊", "锦江", "成华", "天府", "双流", "郫都", "新津", "江油", "射洪"}
)


def _load_places(lex: Lexicon) -> None:
    rows = _rows("regions.tsv")
    by_code = {r["code"]: r["name"] for r in rows}
    # duplicate county names in different provinces: keep the Sichuan/Chongqing one
    ranked = sorted(rows, key=lambda r: (r["code"][:2] not in ("50", "51"), r["code"]))
    for r in ranked:
        name = r["name"]
        if name in lex.places:
            continue
        lex.places[name] = Place(name, "Region", r.get("level", ""), r["code"], by_code.get(r.get("parent", ""), ""), r.get("english", ""))
        lex.place_forms.setdefault(name, name)
    for r in ranked:
        for short in _split(r.get("short", "")):
            if r.get("level") == "county" and r["code"][:2] not in ("50", "51"):
                continue  # county short forms of neighbouring provinces collide with ordinary words (新建水站)
            if len(short) >= 2 and short not in _GENERIC_SHORTS:
                lex.place_forms.setdefault(short, r["name"])
    for r in _rows("zones.tsv"):
        name = r["name"]
        lex.places.setdefault(name, Place(name, "Region", "zone", "", r.get("parent", ""), r.get("english", "")))
        for form in [name, *_split(r.get("aliases", ""))]:
            lex.place_forms.setdefault(form, name)
    for r in _rows("rivers.tsv"):
        name = r["name"]
        if name in lex.places:
            continue
        lex.places[name] = Place(name, "River", "river", "", r.get("flows_into", ""), r.get("english", ""))
        for form in [name, *_split(r.get("aliases", ""))]:
            lex.place_forms.setdefault(form, name)


def _load_agencies(lex: Lexicon) -> None:
    for r in _rows("agencies.tsv"):
        name, juris = r["name"], r.get("jurisdiction", "")
        lex.agencies[name] = AgencyEntry(name, juris, r.get("english", ""))
        lex.agency_forms.setdefault(name, name)
        for short in _split(r.get("short_forms", "")):
            if juris in ("", "国家", "全国", "中央") or short.startswith(juris[:2]):
                lex.agency_forms.setdefault(short, name)
            else:
                lex.local_agency_forms.setdefault((juris, short), name)
    for r in _rows("agency_suffixes.tsv"):
        lex.agency_suffixes.append((r["suffix"], tuple(_split(r.get("short_forms", "")))))


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Load every lexicon file (cached)."""
    lex = Lexicon()
    _load_places(lex)
    _load_agencies(lex)
    for r in _rows("programmes.tsv"):
        for form in [r["name"], *_split(r.get("aliases", ""))]:
            lex.named.setdefault(form, (r["type"], r["name"]))
    lex.heads = {r["type"]: tuple(_split(r["heads"])) for r in _rows("heads.tsv")}
    lex.triggers = {r["predicate"]: tuple(_split(r["triggers"])) for r in _rows("triggers.tsv")}
    for r in _rows("collectives.tsv"):
        if r["kind"] == "pair":
            lex.pair = tuple(_split(r["pattern"]))
            lex.pair_members = tuple(_split(r["members"]))
        elif r["kind"] == "group":
            for form in _split(r["pattern"]):
                lex.place_groups[form] = tuple(_split(r["members"]))
        else:
            lex.departments.append((r["pattern"], tuple(_split(r["members"]))))
    return lex


def literal_regex(words: list[str] | set[str] | tuple[str, ...]) -> str:
    """A compact regex (a trie of alternations) matching any of ``words``, longest first.

    >>> re.fullmatch(literal_regex(["重庆", "重庆市", "四川"]), "重庆市") is not None
    True
    """
    trie: dict = {}
    for w in words:
        if not w:
            continue
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    return build(trie)


_SHORT_TEXT = 256  # below this length a plain loop over the characters is faster than the bulk search


def _codepoints(text: str) -> np.ndarray:
    """The code points of ``text`` (lone surrogates included), as an array."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _char_table(codepoints: Iterable[int]) -> np.ndarray:
    """A boolean table over code points, True for ``codepoints``; its last entry is always False."""
    cps = list(codepoints)
    table = np.zeros(max(cps, default=0) + 2, dtype=bool)
    table[cps] = True
    return table


def _lookup(table: np.ndarray, cps: np.ndarray) -> np.ndarray:
    """``table[cps]``, False beyond the table (whose last entry is False: code points past it are clipped to it)."""
    return table.take(cps, mode="clip")


class _Branches(dict):
    """First character → the compiled expression of the words starting with it, made on demand."""

    def __init__(self, by_first: dict[str, list[str]], tail: str) -> None:
        super().__init__()
        self._by_first, self._tail = by_first, tail

    def __missing__(self, ch: str) -> re.Pattern[str]:
        pattern = self[ch] = re.compile(f"(?:{literal_regex(self._by_first[ch])}){self._tail}")
        return pattern


class LiteralScanner:
    """``re.compile(literal_regex(words) + tail)`` with a much faster :meth:`finditer`.

    Python's ``re`` tries a large alternation branch by branch at every position whose
    character starts some word.  Here the positions where a word can start are found
    first, in bulk, by the word's first two characters; the expression is then tried
    only there, and only its branch for that position's first character (so each try
    sees the same alternatives, in the same order, as the whole expression would).

    >>> s = LiteralScanner(["重庆", "重庆市", "四川"], tail="(?:生态)?")
    >>> [m.group(0) for m in s.finditer("四川省与重庆市生态环境局")]
    ['四川', '重庆市生态']
    """

    def __init__(self, words: list[str] | set[str] | tuple[str, ...], *, tail: str = "") -> None:
        words = sorted({w for w in words if w})
        self._words, self._tail = words, tail
        self._regex: re.Pattern[str] | None = None
        by_first: dict[str, list[str]] = {}
        for w in words:
            by_first.setdefault(w[0], []).append(w)
        self._by_first = by_first
        self._branch = _Branches(by_first, tail)  # compiled on first use: start-up stays fast
        pairs = {(ord(w[0]) << 21) | ord(w[1]) for w in words if len(w) > 1}
        self._pairs = np.array(sorted(pairs), dtype=np.uint64)
        self._first = _char_table(p >> 21 for p in pairs)
        self._second = _char_table(p & 0x1FFFFF for p in pairs)
        self._single = _char_table(ord(w) for w in words if len(w) == 1)
        self._has_single = any(len(w) == 1 for w in words)
        self._last: tuple[str | None, list[re.Match[str]]] = (None, [])

    @property
    def regex(self) -> re.Pattern[str]:
        """The whole expression (compiled on first use)."""
        if self._regex is None:
            body = literal_regex(self._words)
            self._regex = re.compile(f"(?:{body}){self._tail}" if self._tail else body)
        return self._regex

    def starts(self, text: str) -> list[int]:
        """Every position where one of the words begins."""
        cps = _codepoints(text)
        if len(cps) == 0:
            return []
        # a cheap look-up of each character, then the exact pair of the few positions left
        at = np.flatnonzero(_lookup(self._first, cps[:-1]) & _lookup(self._second, cps[1:]))
        if len(self._pairs):
            keys = (cps[at].astype(np.uint64) << np.uint64(21)) | cps[at + 1]
            k = np.minimum(np.searchsorted(self._pairs, keys), len(self._pairs) - 1)
            hits = at[self._pairs[k] == keys]  # sorted, as ``at`` is
        else:
            hits = at[:0]
        if self._has_single:
            # np.union1d(hits, singles): sorted, each once (without np.unique, which imports numpy.ma)
            hits = np.concatenate((hits, np.flatnonzero(_lookup(self._single, cps))))
            hits.sort()
            hits = hits[np.concatenate(([True], hits[1:] != hits[:-1]))] if len(hits) else hits
        return hits.tolist()

    def _branch_at(self, text: str, pos: int, endpos: int) -> re.Pattern[str] | None:
        """The expression of the words starting with the character at ``pos`` (None: no word does)."""
        if 0 <= pos < min(len(text), endpos) and text[pos] in self._by_first:
            return self._branch[text[pos]]
        return None

    def _scan(self, text: str, pos: int, endpos: int) -> Iterator[re.Match[str]]:
        """The matches from ``pos`` on, one character at a time (for short texts and short spans)."""
        first, branch = self._by_first, self._branch
        i, n = max(pos, 0), min(endpos, len(text))
        while i < n:
            if text[i] in first and (m := branch[text[i]].match(text, i, endpos)):
                yield m
                i = m.end()  # every word has a character: never an empty match
            else:
                i += 1

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """``regex.match(text, pos, endpos)``: only the branch of the character at ``pos`` can match."""
        branch = self._branch_at(text, max(pos, 0), endpos)
        return branch.match(text, max(pos, 0), endpos) if branch is not None else None

    def fullmatch(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """``regex.fullmatch(text, pos, endpos)`` (see :meth:`match`)."""
        branch = self._branch_at(text, max(pos, 0), endpos)
        return branch.fullmatch(text, max(pos, 0), endpos) if branch is not None else None

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """``regex.search(text, pos, endpos)``."""
        if pos <= 0 and endpos >= len(text):
            return next(self.finditer(text), None)
        return next(self._scan(text, pos, endpos), None)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The matches of ``regex.finditer(text)``, the same, in order (the last text's are kept).

        The whole expression is never compiled for it (a large alternation takes tens of
        milliseconds to compile): only the branches of the characters met.
        """
        last = self._last
        if last[0] is text:
            return iter(last[1])
        if len(text) < _SHORT_TEXT:  # a plain loop is faster than the bulk search for so few characters
            return self._scan(text, 0, len(text))
        matches = []
        branch = self._branch
        end = 0
        for i in self.starts(text):
            if i < end:
                continue  # inside the previous match: finditer goes on after it
            m = branch[text[i]].match(text, i)
            if m:
                matches.append(m)
                end = m.end()
        self._last = (text, matches)
        return iter(matches)
