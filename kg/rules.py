"""Extraction rules over simplified analysis text: entity mentions and relations.

Pure functions of (text, lexicon, document context); the spaCy components in
:mod:`kg.nlp` call them and store the results on the ``Doc``.  Offsets here are
offsets into the analysis text.

>>> from kg.lexicon import load_lexicon
>>> ms = find_mentions("两地签订《长江流域川渝横向生态保护补偿协议》。", load_lexicon(), Context())
>>> sorted((m.type, m.name) for m in ms if m.type == "Agreement")
[('Agreement', '长江流域川渝横向生态保护补偿协议')]
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

from kg.lexicon import Lexicon, LiteralScanner, Place, literal_regex
from kg.model import TITLED_TYPES

CJK = r"\u4e00-\u9fff"
_MARKS = "《》〈〉“”‘’\"'「」『』"
_MARK_RE = re.compile(f"[{re.escape(_MARKS)}\\s]")
_CJK_CHAR = re.compile(f"[{CJK}]")


class Cand(NamedTuple):
    """A candidate mention (analysis-text offsets).

    A named tuple: made, hashed and compared in C, which matters for the ten thousand
    or so candidates of every megabyte.  Tuples order by their fields in turn.
    """

    start: int
    end: int
    type: str
    name: str  # canonical name
    priority: int = 0  # higher wins overlaps of equal extent
    kind: str = "pattern"
    members: tuple[str, ...] = ()  # for collective mentions: canonical names of the members


@dataclass
class Context:
    """What the document says about itself; filled before canonicalising short forms."""

    author: str = ""
    jurisdiction: str = ""  # 重庆市 / 四川省 / …
    province: str = ""  # the province 省… short forms refer to
    city: str = ""  # the city 市… short forms refer to
    county: str = ""  # the district or county 区…/县… short forms refer to (a district's own document)
    letter: bool = False  # a letter or report that speaks as its author
    both_sides: bool = False  # the document speaks of Sichuan and of Chongqing
    abbreviations: dict[str, tuple[str, str]] = field(default_factory=dict)  # alias → (type, canonical)
    speakers: tuple[tuple[int, str], ...] = ()  # a transcript's turns: (where the turn starts, the speaker's body or "")

    def self_at(self, pos: int) -> str:
        """The body 我们 / 我厅 / 我委 at ``pos`` stands for: the speaker's in a transcript's turn, else the author."""
        if self.speakers:
            k = bisect_right(self.speakers, (pos, "\uffff")) - 1
            if k >= 0:
                return self.speakers[k][1]
        return self.author


@lru_cache(maxsize=65536)  # a pure function of short strings that recur across documents
def clean_name(name: str) -> str:
    """Canonical form of a name: NFKC, no whitespace or quote/title marks, ASCII parentheses.

    >>> clean_name("《重庆市辐射污染防治办法（征求意见稿）》")
    '重庆市辐射污染防治办法(征求意见稿)'
    """
    s = unicodedata.normalize("NFKC", name)
    s = _MARK_RE.sub("", s)
    return s.replace("（", "(").replace("）", ")")


_TRAILING_PAREN = re.compile(r"\([^()]*\)$")


@lru_cache(maxsize=65536)  # a pure function of short strings that recur across documents
def base_title(name: str) -> str:
    """A title without its trailing parenthetical (year range, 试行, draft status, number).

    >>> base_title("川渝大气污染防治联动工作方案(2023—2025年)")
    '川渝大气污染防治联动工作方案'
    """
    s = clean_name(name)
    while True:
        t = _TRAILING_PAREN.sub("", s)
        if t == s or len(t) < 4:
            return s
        s = t


# --------------------------------------------------------------------------- compiled patterns


@dataclass(frozen=True)
class Patterns:
    # LiteralScanners: their match / fullmatch / search / finditer are those of the expression,
    # which is never compiled whole (only the branches of the characters met)
    place: LiteralScanner
    agency: re.Pattern[str]
    named: re.Pattern[str]
    heads: dict[str, re.Pattern[str]]
    head_any: re.Pattern[str]
    trigger: LiteralScanner
    trigger_pred: dict[str, str]
    agency_open: LiteralScanner
    collective: re.Pattern[str]
    place_scan: LiteralScanner  # ``place``, with a fast finditer
    agency_open_scan: LiteralScanner  # ``agency_open``, with a fast finditer
    known_suffixes: tuple[str, ...]  # the lexicon's department suffixes of more than one character
    trigger_scan: LiteralScanner  # ``trigger``, with a fast finditer
    counted: re.Pattern[str]  # 三地, 三省人民政府, 三地生态环境局, 两市生态环境部门: bodies of places named elsewhere
    dept_words: tuple[str, ...]  # the department words of the collectives (生态环境, 公安 …), longest first


_COUNT_WORDS = "两三四五六七八九十"
_AGENCY_GENERIC_SUFFIX = (
    "人民代表大会常务委员会|人大常委会|人民政府|政府|委员会|领导小组办公室|领导小组|办公室|工作组|协调小组|小组|"
    "研究院|科学院|研究所|研究中心|监测中心站|中心站|监测中心|预报中心|中心|总站|监测站|总队|支队|大队|常委会|法院|检察院|"
    "管理局|监督管理局|总局|局|厅|委|办|署|部"
)


def _tail_suffixes(full: set[str], generic: set[str]) -> set[str]:
    """The suffixes the open agency pattern needs: a department name that ends in a generic suffix
    (生态环境局 in 局, 水利厅 in 厅) and holds no suffix ending earlier is left out, since the lazy
    pattern then ends at the same place with the generic one (fewer branches to compile and try)."""
    every = full | generic
    out = set(generic)
    for f in full:
        ends_generic = any(f.endswith(g) and f != g for g in generic)
        inner = f[:-1]
        if not (ends_generic and not any(w in inner for w in every if w != f)):
            out.add(f)
    return out


@lru_cache(maxsize=4)
def compile_patterns(lex: Lexicon) -> Patterns:
    place_scan = LiteralScanner(set(lex.place_forms))
    place = place_scan
    agency_forms = set(lex.agency_forms) | {s for (_j, s) in lex.local_agency_forms}
    for full, shorts in lex.agency_suffixes:
        for pre in ("市", "省", "区", "县"):
            agency_forms.add(pre + full)
            agency_forms.update(pre + s for s in shorts)
    agency = re.compile(literal_regex(agency_forms))
    named = re.compile(literal_regex(set(lex.named)))
    heads = {t: re.compile("(?:" + "|".join(map(re.escape, sorted(hs, key=len, reverse=True))) + ")$") for t, hs in lex.heads.items()}
    all_heads = sorted({h for t, hs in lex.heads.items() if t != "Skip" for h in hs}, key=len, reverse=True)
    head_any = re.compile("|".join(map(re.escape, all_heads)))
    trigger_pred = {w: p for p, ws in lex.triggers.items() for w in ws}
    if any(ch in w for w in trigger_pred for ch in "。！？!?") or any(not w.strip() or w != "".join(w.split()) for w in trigger_pred):
        raise ValueError("a trigger word holds whitespace or a sentence end")  # _triggers_by_sentence relies on it
    trigger_scan = LiteralScanner(set(trigger_pred))
    trigger = trigger_scan
    suffixes = sorted(_tail_suffixes({f for f, _ in lex.agency_suffixes}, set(_AGENCY_GENERIC_SUFFIX.split("|"))), key=len, reverse=True)
    region_forms = sorted((f for f, n in lex.place_forms.items() if lex.places[n].type == "Region" and lex.places[n].level in ("province", "prefecture", "county") and f == n), key=len, reverse=True)
    # the suffixes as a trie, which tries them in the same order as their longest-first alternation
    agency_open_scan = LiteralScanner(region_forms, tail=f"(?:[{CJK}]{{0,14}}?)(?:{literal_regex(suffixes)})")
    agency_open = agency_open_scan
    depts = sorted({d for pat, _ in lex.departments for d in pat.split("|")}, key=len, reverse=True)
    pair = sorted(lex.pair, key=len, reverse=True)
    dept_alt = "|".join(map(re.escape, depts))
    collective = re.compile(
        "(?P<pair>" + "|".join(map(re.escape, pair)) + ")"
        + f"(?:的)?(?:(?P<dept>(?:{dept_alt})(?:、(?:{dept_alt}))*)"
        + "(?:部门|厅\\(局\\)|厅（局）|厅局|局|厅|系统|机关|主管部门)?)?"
    )
    # the bodies of a counted group of places: 三省人民政府, 三地河长办, 两市生态环境局, 三地生态环境、水利部门
    bodies = {f for f, shorts in lex.agency_suffixes for f in (f, *shorts)} | {d + h for d in depts for h in ("厅", "局")}
    units = ("省市", "省", "市区", "市县", "市", "区县", "区", "县", "地")
    # the look-behind after the count: a pattern opening with a character class is scanned for it fast
    counted = re.compile(
        rf"(?P<n>[{_COUNT_WORDS}])(?<![一二三四五六七八九十百第].)(?<!两(?=省|地))个?(?P<unit>{'|'.join(units)})(?![区县份场级长委])(?:的)?"
        + f"(?:(?P<dept>(?:{dept_alt})(?:、(?:{dept_alt}))*)等?(?:部门|厅\\(局\\)|厅（局）|厅局|主管部门|系统)|(?P<body>{literal_regex(bodies)}))?"
    )
    # a name ending in one of these is complete even when a word follows (城口县河长办与…, 万源市发改委牵头)
    known_suffixes = tuple(sorted({w for f, shorts in lex.agency_suffixes for w in (f, *shorts) if len(w) > 1}, key=len, reverse=True))
    return Patterns(place, agency, named, heads, head_any, trigger, trigger_pred, agency_open, collective, place_scan, agency_open_scan,
                    known_suffixes, trigger_scan, counted, tuple(depts))


# --------------------------------------------------------------------------- searching near anchors
#
# Python's ``re`` tries a pattern at every position of the text; a pattern that opens with a
# character class and a lazy or counted repeat costs tens of steps per character.  Every
# match of such a pattern holds a literal anchor (its head noun, say) and lies within a known
# distance of it, so the pattern is run only over windows around the anchor's occurrences.
# Matches never lie outside a window and no attempt inside a window can succeed differently
# (the patterns have no ``$`` or ``\b``; look-aheads fit in the window), so the matches are
# exactly those of ``pattern.finditer(text)``, in the same order.


def _near(pattern: re.Pattern[str], text: str, anchor: re.Pattern[str] | LiteralScanner, before: int, after: int,
          *, run: re.Pattern[str] | None = None, stops: str = "") -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, for a pattern each of whose matches holds an ``anchor`` match.

    A match starts at most ``before`` characters before the anchor's start (or, with ``stops``,
    after the last of those characters before it, which no match holds) and ends, look-ahead
    included, at most ``after`` characters after the anchor's end (or, with ``run``, after the
    anchor's end and the characters ``run`` matches from there).  ``before`` and ``after`` are
    at least a match's longest length, so an anchor overlapping a reported one is covered too.
    """
    windows: list[list[int]] = []
    n = len(text)
    for a in anchor.finditer(text):
        s = max(0, a.start() - before)
        for c in stops:  # after the last stop before the anchor: each search narrows the next
            p = text.rfind(c, s, a.start())
            if p >= 0:
                s = p + 1
        e = (run.match(text, a.end()).end() if run is not None else a.end()) + after
        if windows and s <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], min(n, e))
        else:
            windows.append([s, min(n, e)])
    for s, e in windows:
        yield from pattern.finditer(text, s, e)


def _anchor(*words: str) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))


# --------------------------------------------------------------------------- classification


@lru_cache(maxsize=65536)  # a pure function of short strings that recur across documents
def classify_title(name: str, lex: Lexicon) -> str | None:
    """Entity type of a title by its head noun, or None (reports, letters, unknown heads).

    >>> from kg.lexicon import load_lexicon
    >>> lex = load_lexicon()
    >>> [classify_title(t, lex) for t in ("联合执法机制协议", "水泥工业大气污染物排放标准", "企业环境管理问答")]
    ['Agreement', 'Standard', None]
    """
    core = base_title(name)
    core = re.sub(r"[(（][^()（）]*[)）]$", "", core)
    pats = compile_patterns(lex)
    if pats.heads["Skip"].search(core):
        return None
    for t in ("Agreement", "Meeting", "Regulation", "Standard", "Programme"):
        if pats.heads[t].search(core):
            if t == "Regulation" and core.endswith("法") and (
                len(core) < 4 or re.search(r"(执法|方法|做法|用法|说法|违法|守法|依法|司法|立法|想法|手法|看法|算法|技法|工法)$", core)
            ):
                continue
            return t
    return None


_GENERIC_QUALIFIERS = re.compile(
    r"^(?:相关|有关|各项|各类|各地|该|本|此|其|上述|这些|一批|一系列|年度|工作|重点|专项|具体|配套|各|多|新|总体|实施|"
    r"省级|市级|县级|区县|地方|国家|全国|全市|全省|我市|我省|两地|双方|联合|共同|有效|系列|若干|辖区|生态环境保护|环境保护|"
    r"生态保护|污染防治|生态环境|巡河|巡查|执法|监测|检查|\d+[项个条批])+$"
)


@lru_cache(maxsize=65536)  # a pure function of short strings that recur across documents
def is_generic(name: str, head: str) -> bool:
    """A head noun with no distinguishing qualifier: 工作方案, 合作协议, 相关规划 …"""
    qualifier = name[: len(name) - len(head)] if name.endswith(head) else name
    qualifier = re.sub(r"(?:工作|合作|实施|行动|建设|发展|管理)$", "", qualifier)
    return len(qualifier) < 2 or bool(_GENERIC_QUALIFIERS.match(qualifier))


# --------------------------------------------------------------------------- finders


_OPENING_MARKS = frozenset("《「『〈")
#: 《title》, and the marks Hong Kong and Taiwan texts also use for titles: 「title」, 『title』, 〈title〉
_TITLE_MARKS = re.compile(r"《([^《》\n]{2,80})》|「([^「」《》\n]{2,80})」|『([^『』《》\n]{2,80})』|〈([^〈〉《》\n]{2,80})〉")


def _titles(text: str, lex: Lexicon, cands: list[Cand]) -> None:
    """《title》 and nested 〈title〉; 「title」, 『title』 and 〈title〉 outside 《》."""
    for m in _TITLE_MARKS.finditer(text):
        k = m.lastindex
        inner = m.group(k)
        if k > 1 and classify_title(clean_name(inner), lex) is None:
            continue  # 「共抓大保护」: a quotation
        _title_cand(inner, m.start(k), lex, cands, outer=(m.start(), m.end()), text=text)
        if k > 1:
            continue
        for n in re.finditer(r"〈([^〈〉]{2,60})〉", inner):
            _title_cand(n.group(1), m.start(1) + n.start(1), lex, cands, outer=None, text=text)


def _title_cand(inner: str, start: int, lex: Lexicon, cands: list[Cand], *, outer, text: str) -> None:
    name = clean_name(inner)
    typ = classify_title(name, lex)
    after = text[outer[1] : outer[1] + 2] if outer else ""
    if typ in ("Programme", "Regulation", None) and after.startswith("协议") and re.search(r"(机制|制度)$", base_title(name)):
        typ = "Agreement"  # 签订《…合作机制》协议
    if typ in (None, "Programme") and after.startswith("项目") and typ is None and re.search(r"研究$", name):
        typ = "Programme"
    if typ == "Programme" and outer and re.search(r"(机制|制度)$", base_title(name)):
        before = text[max(0, outer[0] - 60) : outer[0]]
        clause = re.split(r"[。；！？]", before)[-1]
        if re.search(r"签订|签署", clause):
            typ = "Agreement"  # 签订了《…协议》《…联防联控机制》
    if typ is None or name in _BARE_HEADS:
        return  # 《协议》, 《方案》 alone: a reference to a document named elsewhere (or by 以下简称), not a name
    # titles with a document number in their parenthetical are kept whole; the number is not a name
    cands.append(Cand(start, start + len(inner), typ, name, priority=30, kind="title"))


_QUOTE = re.compile(r"“([^“”\n]{1,40})”|「([^「」“”《》\n]{1,40})」")  # 「」: the quotation marks of Taiwan and Hong Kong texts
_QUOTE_TAIL_HEADS = (
    "自然保护地强化监督行动|定向利用豁免管理|生态产品价值实现平台|共建指导意见|生态廊道建设规划|集团建设|工作体系|指标体系|"
    "专项行动|公益行动|采风活动|发展战略|分区管控方案|实施方案|工作方案|行动|建设|制度|机制|工程|计划|活动|试点|战略|体系|措施|平台|攻坚|项目|走廊|回头看"
)
_QUOTE_TAIL = re.compile(rf"(?![“「])[{CJK}“”「」·]{{0,16}}?(?:{_QUOTE_TAIL_HEADS})+")
_QUOTE_INNER_HEAD = re.compile(r"(?:走廊|工程|行动|计划|制度|机制|体系|平台|战略|措施|研究与应用|项目)$")
#: words that end a name's left edge: verbs, function words, ordinals
_LEFT_EDGE = re.compile(
    r".*(?:开展|推进|实施|启动|打造|建立|建成|深化|协同|协作|联动|用好|推动|印发|集成|提质|全面|加快|积极|构建|开放|推行|持续|"
    r"实现|实行|结合|强化|完成|发现|推广|深入|采取|首创|率先|营造|共建|落实|贯彻|围绕|依托|通过|加强|组织|参与|参加|纳入|列入|获评|荣获|"
    r"举办|主办|支持|形成|制定|健全|迭代|升级|上线|发布|出台|编制|搭建|关于|地市|市县|区县|各地|各市|全域|全市|全省|全区|"
    r"[一二三四五六七八九十]是|下一步|的|和|与|及|在|等|为|以|将|对|把|了|是|要|个|为)"
)
_QUOTE_INTRO = re.compile(r"(?:营造|打造|共建|开展|实施|推进|启动|推动|深化|提质共建)了?$")
_QUOTE_NOT_NAME = re.compile(r"^(?:等|主题|方针|理念|要求|目标|称号|精神|话题|的|字|一词|二字|期间)")


_GLUED_RUN = re.compile(rf"[{CJK}\d]{{1,14}}$")


def _glued_prefix(text: str, s: int, lex: Lexicon | None = None) -> int:
    """Start of a name whose quoted part begins at ``s``: 成渝“电走廊”, 夏秋季“治气”攻坚."""
    return s - _glued_length(text[max(0, s - 14) : s], lex)


@lru_cache(maxsize=65536)  # a pure function of short strings that recur across documents
def _glued_length(before: str, lex: Lexicon | None) -> int:
    """Length of the part of a name that ``before`` (the 14 characters before its quote) ends with."""
    run = _GLUED_RUN.search(before)
    if not run:
        return 0
    prefix = run.group(0)
    cut = _LEFT_EDGE.match(prefix)
    if cut:
        prefix = prefix[cut.end() :]
    if lex is not None and any(prefix.endswith(n) for n in lex.named):
        return 0  # 国家重点研发计划“…项目”: two names side by side
    return len(prefix) if 2 <= len(prefix) <= 12 else 0


_LIST_OR_SENTENCE_MARK = re.compile(r"[。；！？、]")
#: 和/及/与 in the words after a quote: the head that ends them belongs to a second name
_CONJUNCTION = re.compile(r"[和及与]")
#: a quoted proposal or a document's words cited: 关于“扩大结果运用”的建议, 《规划》关于“建立…体系”的部署
_CITED_PROPOSAL = re.compile(r"的(?:建议|提案|议案|意见建议|部署|要求|规定|重要指示)")
_SLOGAN_MARK = re.compile(r"[，。；！？、]")


def _quoted(text: str, lex: Lexicon, cands: list[Cand]) -> None:
    """Quoted programme names: “绿盾”行动, “无废城市”建设, 成渝“电走廊”, “清废”“绿盾”等专项行动."""
    # a list of quoted names sharing one head: “清废”“绿盾”等专项行动
    for m in re.finditer(r"((?:“[^“”\n]{1,10}”[、和及]?){2,})等(?:专项)?(行动|工程|活动|试点)", text):
        for q in _QUOTE.finditer(m.group(1)):
            s = m.start(1) + q.start()
            cands.append(Cand(s, m.start(1) + q.end(), "Programme", clean_name(q.group(0)) + m.group(2), priority=20, kind="quoted"))
    for m in _QUOTE.finditer(text):
        g = 1 if m.group(1) is not None else 2
        inner = m.group(g)
        s, e = m.start(), m.end()
        if _CITED_PROPOSAL.match(text, e):
            continue  # 关于“建立信用修复互认机制”的建议: a proposal quoted, not a name
        tail = _QUOTE_TAIL.match(text, e)  # matched in place: slicing off the rest of the text costs O(n)
        if tail and "等" in tail.group(0):
            tail = None
        if tail and not (len(inner) <= 2 and tail.group(0).startswith("工作")):
            if _LIST_OR_SENTENCE_MARK.search(inner) and not re.search(r"(研究与应用|项目)$", inner):
                continue
            start = _glued_prefix(text, s, lex)
            e2 = tail.end()
            if (conj := _CONJUNCTION.search(tail.group(0))) is not None:
                # “绿盾”自然保护地强化监督和“清四乱”专项行动: two names, the second found by its own quote;
                # “信用中国（四川）”网站和川渝…共享平台: the head is the second name's, the first has none
                if text[e + conj.end() : e + conj.end() + 1] in "“「" and conj.start() >= 2:
                    cands.append(Cand(start, e + conj.start(), "Programme", clean_name(text[start : e + conj.start()]),
                                      priority=20, kind="quoted"))
                continue
            name = clean_name(text[start:e2])
            typ = "Standard" if classify_title(name, lex) == "Standard" else "Programme"
            cands.append(Cand(start, e2, typ, name, priority=20, kind="quoted"))
            continue
        if _SLOGAN_MARK.search(inner):
            continue  # a slogan or a list, not a name
        head = _QUOTE_INNER_HEAD.search(inner)
        if head and len(inner) - len(head.group(0)) >= 2:
            start = _glued_prefix(text, s, lex)
            cands.append(Cand(start, e, "Programme", clean_name(text[start:e]), priority=20, kind="quoted"))
        elif _QUOTE_INTRO.search(text[max(0, s - 4) : s]) and 4 <= len(inner) <= 12 and not _QUOTE_NOT_NAME.match(text[e : e + 2]):
            cands.append(Cand(m.start(g), m.end(g), "Programme", clean_name(inner), priority=18, kind="quoted"))


_RIVER_PART = re.compile(r"(?:流域|干流|上游|中游|下游|干支流)")


def _places(text: str, lex: Lexicon, cands: list[Cand]) -> None:
    pats = compile_patterns(lex)
    last_region_end = -1
    for m in pats.place_scan.finditer(text):
        form = m.group(0)
        place = lex.place(form)
        if place is None:
            continue
        s, e = m.span()
        nxt = text[e : e + 1]
        if place.type == "Region" and form != place.name and nxt and nxt in "市省区县州":
            continue  # 重庆 in 重庆市 is matched by the full form; a short form glued to a suffix is another name
        if place.type == "Region" and form != place.name and place.level == "county" and s > 0 and _CJK_CHAR.match(text[s - 1]) \
                and not form.endswith(("县", "区", "市")) and nxt not in ("段", "—", "－", "-", "–") \
                and not re.match(r"[和与及在对赴至到的等是为将从由把向动进]", text[s - 1]) \
                and not (nxt == "、" or s == last_region_end or text[s - 1] == "、" and s - 1 == last_region_end):
            continue  # a county short form inside a word (成渝中线 is not 渝中), unless listed (永川、荣昌, 遂宁、潼南), paired (遂宁潼南) or a section's end (流域安岳—铜梁段)
        if place.type == "Region":
            last_region_end = e
        if place.type == "River":
            e2 = e
            if mm := _RIVER_PART.match(text, e):
                e2 = mm.end()
            cands.append(Cand(s, e2, "River", place.name, priority=10, kind="lexicon"))
        else:
            cands.append(Cand(s, e, "Region", place.name, priority=10 if form == place.name else 8, kind="lexicon"))
            if place.level == "zone" and (body := _ZONE_BODY.match(text, e)):
                # 遂潼川渝毗邻地区一体化发展先行区管理委员会: the zone's own administration
                full = _ZONE_BODIES.get(body.group(0), body.group(0))
                cands.append(Cand(s, body.end(), "Agency", place.name + full, priority=26, kind="zone-body"))
            if place.level == "county" and (town := _TOWN.match(text, e)) and not _NOT_TOWN.search(town.group(1)):
                cands.append(Cand(e, town.end(), "Region", town.group(0), priority=10, kind="town"))  # 泸县|毗卢镇
    # compound river abbreviations: 岷沱江 → 岷江, 沱江
    for m in _near(_COMPOUND_RIVER, text, _RIVER_HEAD, 3, 3):
        a, b = m.group(1) + m.group(3), m.group(2) + m.group(3)
        pa, pb = lex.place(a), lex.place(b)
        if pa and pb and pa.type == pb.type == "River" and lex.place(m.group(0)) is None:
            end = mm.end() if (mm := _RIVER_PART.match(text, m.end())) else m.end()
            cands.append(Cand(m.start(), end, "River", pa.name, priority=11, kind="compound", members=(pa.name, pb.name)))


_COMPOUND_RIVER = re.compile(rf"([{CJK}])([{CJK}])(江|河)")
#: the administration of a zone or new area named right after it, and their short forms
_ZONE_BODY = re.compile(r"党工委管委会|党工委|管理委员会|管委会|管理局|建设领导小组办公室")
_ZONE_BODIES = {"管委会": "管理委员会", "党工委管委会": "党工委管委会"}
#: a town or township named right after its county: 荣昌区清升镇, 泸县毗卢镇, 城口县高观镇
_TOWN = re.compile(rf"([{CJK}]{{2,3}}?)(?:镇(?![街乡])|乡(?![镇村])|街道)(?!长|政府|党委|人大|干部|级|村)")
_NOT_TOWN = re.compile(r"^(?:各|全|所|辖|该|本|部分|重点|沿线|沿岸|相关|有关|其他|多个|城|乡|农村|加快|推进|推动|实现|开展|完成|持续|深化)|乡镇|城镇|镇街|街镇|城乡|[的和与及在等将对把]")
_RIVER_HEAD = _anchor("江", "河", "溪")
_RIVER_LIST = re.compile(rf"([{CJK}]{{2,3}}(?:江|河|溪))(?=流域|干流|上游|下游|（|\()|([{CJK}]{{2,3}}(?:江|河|溪))(?=、)")
_RIVER_OPEN = re.compile(rf"(?<![{CJK}])([{CJK}]{{1,3}}(?:江|河|溪))(?=流域|干流|上游|下游|[、（(）)]|和[{CJK}]{{1,3}}(?:江|河|溪))")
_NOT_RIVER = re.compile(r"(河长|河湖|江河|河流|河道|河段|运河|内河|跨河|入河|沿江|长江经济|幸福河|美丽河|母亲河|护河|巡河|治河|界河|过江|跨江|大江)")


_PARK = re.compile(rf"[{CJK}]{{2,8}}?(?:化工园区|工业园区|高新区|经开区|经济技术开发区|高新技术产业开发区|园区)")
_PARK_HEAD = _anchor("园区", "高新区", "经开区", "开发区")


def _parks(text: str, lex: Lexicon, cands: list[Cand]) -> None:
    """Industrial parks named after a place: 长寿化工园区, 涪陵白涛园区."""
    pats = compile_patterns(lex)
    for m in _near(_PARK, text, _PARK_HEAD, 17, 17):
        surface = m.group(0)
        for k in range(len(surface) - 3):
            head = pats.place.match(surface, k)
            if head and lex.region(head.group(0)) is not None or re.match(r"长寿|江北|南岸", surface[k:]):
                name = surface[k:]
                cands.append(Cand(m.start() + k, m.end(), "Region", name, priority=12, kind="park"))
                break


def _rivers_open(text: str, lex: Lexicon, cands: list[Cand]) -> None:
    """Rivers not in the lexicon, in river context (X河流域, lists of rivers)."""
    for m in _near(_RIVER_LIST, text, _RIVER_HEAD, 4, 6):
        form = m.group(1) or m.group(2)
        s = m.start()
        # trim a leading function word
        while form and form[0] in "和与及对在将等是的、" and len(form) > 2:
            form, s = form[1:], s + 1
        if len(form) > 3 and s > 0 and (text[s - 1 : s + 1] in ("支流", "干流", "河流", "江流")
                                        or form[0] in "省市县区州" and _CJK_CHAR.match(text[s - 1])):
            form, s = form[1:], s + 1  # 支流|西充河, 达州市|明月江: the end of the word before
        if lex.place(form) is not None or _NOT_RIVER.search(form) or len(form) < 2:
            continue
        if any(lex.place(form[k:]) is not None for k in range(1, len(form) - 1)):
            continue  # 推动长江: a known river with a verb glued on
        if classify_title(form, lex) is not None:
            continue
        cands.append(Cand(s, s + len(form), "River", form, priority=5, kind="river-pattern"))


_SUBUNIT = re.compile(rf"[{CJK}]{{0,12}}?(?:人代工委|建议提案室|办公室|分院|分局|处|室|科|工委|总队|支队)"
                      rf"(?:(?![{CJK}])|(?=(?:主要|有关|相关)?负责(?:人|同志)|供稿|或|反馈|联系|主持|牵头|承办|副?(?:处长|主任|科长|队长)|[一二三四]级(?:调研员|巡视员)))"
                      rf"|[{CJK}]{{0,6}}?(?:人代工委|建议提案室|分院|综合处|总量处|监测处|法规处)"
                      r"|交通警察总队|交通管理局(?!局)")  # a public security department's traffic police (公安厅交通警察总队, 公安局交通管理局)
#: a department (司) or bureau (局) of a ministry glued to it: 生态环境部大气环境司, 公安部交通管理局
_MINISTRY_UNIT = re.compile(rf"(?![{CJK}]{{0,10}}?(?:会同|联合|指导|支持|委托|授权))[{CJK}]{{2,8}}?(?:司|局)(?![{CJK}])")
_ONE_CHAR_SUFFIX = tuple("局厅委办署部")
_FOUNDED = re.compile(
    rf"(?:成立|组建|设立|成立了|组建了)([{CJK}]{{4,30}}?(?:专项工作组|协调小组|领导小组|工作组|办公室|委员会|中心))(?![{CJK}])"
)
_JOINT_BODY = re.compile(
    rf"(?<![{CJK}])([{CJK}]{{2}})([{CJK}]{{4,20}}?)(?:工作领导小组办公室|领导小组办公室|工作领导小组|领导小组|专项工作组|协调小组|联席会议办公室)"
)
_NATIONAL_BODY = re.compile(rf"(?:中央|国家)(?:第[一二三四五六七八九十]+)?[{CJK}]{{2,10}}?(?:督察组|技术创新中心|工程研究中心|重点实验室)")


def _ends_with_cjk(text: str, end: int) -> bool:
    """``re.search(rf"[{CJK}]$", text[:end])`` without copying the text: ``$`` also matches before a final newline."""
    if end >= 1 and _CJK_CHAR.match(text, end - 1, end):
        return True
    return end >= 2 and text[end - 1] == "\n" and _CJK_CHAR.match(text, end - 2, end - 1) is not None


def _tail_place(text: str, pos: int, pats: Patterns) -> str:
    """The place name ending right at ``pos`` (宜宾 in 宜宾|市生态环境局), or ""."""
    for k in range(max(0, pos - 8), pos - 1):
        m = pats.place.fullmatch(text, k, pos)
        if m:
            return m.group(0)
    return ""


_NOT_SUBUNIT = re.compile(r"(召开|举行|印发|发布|领导|负责|党组|局长|处长|主任|书记|有关|相关|^各|处室|科室|^和|^与|^及|^或|[省市县厅]|局.)")
_NOT_IN_AGENCY_NAME = re.compile(
    r"(召开|举行|签订|印发|发布|开展|推进|实施|建设|完成|加强|按照|根据|提出|要求|以及|和|与|的|在|为|对|从|向|等|、|有关|相关|各|所属|"
    r"[两三四五六七八九十]个?(?:省市|省|市|区县|地))"  # 贵州省三省人民政府: a count of places, see _counted_collectives
)


#: an institute named for two fields joined by 与: 生态环境应急与事故调查中心, 环境监测与评估中心, 技术与信息研究院
_PAIRED_FIELDS = re.compile(rf"[{CJK}]{{2,9}}?[^厅局委办部与]与[^与和的、]{{2,10}}(?:中心|研究院|研究所|中心站)")


#: words whose last character is also a body's one-character suffix (署 部 办 厅): verbs, parts, halls
_VERB_NOT_SUFFIX = re.compile(r"(?:签署|部署|[承主举协督创开兴申查交转批]办|[东西南北中内全局]部|大厅)$")
_TERM = re.compile(r"第[一二三四五六七八九十]+届")
#: 各相关区县和|市政府: the list goes on over several places' bodies
_PLURAL_BEFORE = re.compile(r"(?:各|相关|有关)[^，。；：\n]{0,6}?(?:区县|市县|区|县|市)(?:和|及|、|与)$")


def _agencies(text: str, lex: Lexicon, ctx: Context, cands: list[Cand]) -> None:
    pats = compile_patterns(lex)
    pending: list[re.Match[str]] = []  # 区政府 / 县…: short forms of a district's body, no district known
    for m in pats.agency.finditer(text):
        if text[m.end() : m.end() + 1] == "门":
            continue  # 生态环境部门 is a kind of body, not 生态环境部
        if m.start() > 0 and text[m.start() - 1] == "等" and m.group(0)[0] in "市区县":
            # 成都、自贡等市生态环境局: the body of each place listed (_shared_department), of none if no list
            cands.append(Cand(m.start(), m.end(), "Agency", m.group(0), priority=25, kind="shared"))
            continue
        if m.group(0)[:1] in "市省区县" and m.start() > 0 and (
            text[m.start() - 1] in "省两各地" or pats.place.search(text[max(0, m.start() - 6) : m.start()] + "$") is not None
            and _ends_with_cjk(text, m.start()) and lex.region(_tail_place(text, m.start(), pats)) is not None
        ):
            continue  # 两省市人大, 各市生态环境局: not this city's body
        if m.group(0)[:1] in "市区县" and _PLURAL_BEFORE.search(text, max(0, m.start() - 12), m.start()):
            continue  # 各相关区县和市政府: every district's and city's, not one
        name = resolve_agency(m.group(0), lex, ctx)
        if not name:
            if m.group(0)[:1] in "区县":
                pending.append(m)
            continue
        end = m.end()
        # a sub-unit glued to the body: 市生态环境局综合处, 市人大常委会人代工委, 中国环科院西南分院
        sub = _SUBUNIT.match(text, end)
        if sub is None and name.endswith("部") and (sub := _MINISTRY_UNIT.match(text, end)) and _NOT_IN_AGENCY_NAME.search(sub.group(0)):
            sub = None
        if sub and not _NOT_SUBUNIT.search(sub.group(0)):
            cands.append(Cand(m.start(), sub.end(), "Agency", name + sub.group(0), priority=27, kind="subunit"))
        cands.append(Cand(m.start(), end, "Agency", name, priority=25, kind="lexicon"))
        _congress_committee(text, m.start(), end, name, cands)
    for m in pats.agency_open_scan.finditer(text):
        surface = m.group(0)
        if _NOT_IN_AGENCY_NAME.search(surface[2:-1]) and not _PAIRED_FIELDS.fullmatch(surface) \
                or "与" in surface and pats.place.search(surface, surface.index("与")):
            continue
        if _VERB_NOT_SUFFIX.search(surface, len(surface) - 2):
            continue  # 在泸县共同签署《…》, 由泸州市承办: the one-character suffix ends a verb
        known = surface.endswith(pats.known_suffixes)
        if surface.endswith(_ONE_CHAR_SUFFIX) and not known and _CJK_CHAR.match(text[m.end() : m.end() + 1]):
            continue  # 重庆市辐射污染防治办|法: the name goes on
        if "届" in surface:
            surface = _TERM.sub("", surface)  # 重庆市第六届人民代表大会常务委员会: the body, not its term
        name = resolve_agency(surface, lex, ctx) or _party_committee(surface, lex) or surface
        if (sub := _SUBUNIT.match(text, m.end())) and not _NOT_SUBUNIT.search(sub.group(0)):
            cands.append(Cand(m.start(), sub.end(), "Agency", name + sub.group(0), priority=23, kind="subunit"))
        cands.append(Cand(m.start(), m.end(), "Agency", name, priority=22, kind="agency-pattern"))
        _congress_committee(text, m.start(), m.end(), name, cands)
        if pending and surface.endswith(("委", "人民政府", "政府")):
            _listed_district_bodies(text, m, pending, lex, cands)
    if pending:
        _the_one_county_body(pending, lex, cands)
    for m in _FOUNDED.finditer(text):
        cands.append(Cand(m.start(1), m.end(1), "Agency", clean_name(m.group(1)), priority=21, kind="founded"))
    for m in _NATIONAL_BODY.finditer(text):
        cands.append(Cand(m.start(), m.end(), "Agency", m.group(0), priority=21, kind="agency-pattern"))
    # 市委 / 省委 / 区委: the party committee of the document's city / province / district
    for m in _PARTY.finditer(text):
        word = m.group(1)
        place = ctx.city if word == "市委" else ctx.province if word == "省委" else ctx.county if ctx.county.endswith(word[0]) else ""
        if place:
            cands.append(Cand(m.start(), m.end(), "Agency", _party_committee(place + "委", lex) or f"中国共产党{place}委员会",
                              priority=24, kind="party"))
    for m in re.finditer(r"(?:推动|推进)[\u4e00-\u9fff]{2,24}?(?:联合办公室[\u4e00-\u9fff]{0,14}?专项工作组|领导小组办公室)", text):
        surface = m.group(0)
        s = m.start()
        pre = re.search(r"(四川省|重庆市|四川|重庆|国家)(?:、[\u4e00-\u9fff]{2,3}(?:省|市))?$", text[max(0, s - 8) : s])
        if pre and not pre.group(0).count("、"):
            surface, s = pre.group(1) + surface, s - len(pre.group(1))
        name = resolve_agency(surface, lex, ctx) or surface
        if name.startswith("国家"):
            name = name[2:]
        cands.append(Cand(s, m.end(), "Agency", name, priority=26, kind="agency-pattern"))
        # 四川省、重庆市推动…领导小组办公室 → both offices
        if pre and pre.group(0).count("、"):
            for part in re.findall(r"(四川省|重庆市)", pre.group(0)):
                cands.append(Cand(s - len(pre.group(0)), m.end(), "Agency", part + surface, priority=26, kind="agency-distributive"))
    for m in _JOINT_BODY.finditer(text):
        # 川渝大气污染联防联控工作领导小组: a joint body of the two sides, named by their short form; the
        # body named in full elsewhere whose name ends the same (推动…联合办公室生态环境共建共享专项工作组)
        if m.group(1) in lex.pair and not _NOT_IN_AGENCY_NAME.search(m.group(2)):
            tail = m.group(0)[2:]
            name = max((c.name for c in cands if c.type == "Agency" and c.name.endswith(tail) and len(c.name) > len(m.group(0))),
                       key=len, default=m.group(0))
            cands.append(Cand(m.start(), m.end(), "Agency", name, priority=21, kind="agency-pattern"))


#: the special committees of a people's congress and the working committees of its standing committee
_CONGRESS_COMMITTEE = re.compile(
    r"(?:民族宗教|民族|法制|监察和司法|监察司法|财政经济|教育科学文化卫生|农业与农村|农业农村|环境与资源保护|环境资源保护|环境资源|"
    r"城乡建设环境保护|社会建设|华侨外事|外事|代表|预算|人事代表选举)(?:工作)?委员会|法工委|环资委|城环委|财经委|教科文卫委"
)
_COMMITTEE_SHORT = {"法工委": "法制工作委员会", "环资委": "环境与资源保护委员会", "城环委": "城乡建设环境保护委员会",
                    "财经委": "财政经济委员会", "教科文卫委": "教育科学文化卫生委员会"}


#: the special committees of a committee of the CPPCC: 省政协提案委员会, 市政协人口资源环境委员会
_CPPCC_COMMITTEE = re.compile(r"(?:提案|人口资源环境(?:和建设)?|城乡建设和生态环境|经济|农业和农村|社会和法制|教科卫体|民族和宗教|"
                              r"港澳台侨和外事|文化文史和学习)委员会")
#: an institute of an academy named right after it: 中国科学院成都生物研究所, 中国科学院水利部成都山地灾害与环境研究所
_ACADEMY_INSTITUTE = re.compile(rf"(?:(?![与和及、的在对将由同])[{CJK}]){{2,14}}?(?:研究所|研究中心)")


def _congress_committee(text: str, start: int, end: int, name: str, cands: list[Cand]) -> None:
    """重庆市人大城乡建设环境保护委员会, 四川省人大常委会法工委: a committee of the people's congress named just before;
    likewise a CPPCC committee's special committee and an academy's institute."""
    if name.startswith("中国人民政治协商会议") and name.endswith("委员会") and (m := _CPPCC_COMMITTEE.match(text, end)):
        cands.append(Cand(start, m.end(), "Agency", name + m.group(0), priority=28, kind="subunit"))
        return
    if name.endswith("科学院") and (m := _ACADEMY_INSTITUTE.match(text, end)) and not _NOT_IN_AGENCY_NAME.search(m.group(0)):
        cands.append(Cand(start, m.end(), "Agency", name + m.group(0), priority=28, kind="subunit"))
        return
    if not name.endswith(("人民代表大会", "人民代表大会常务委员会")):
        return
    m = _CONGRESS_COMMITTEE.match(text, end)
    if m:
        committee = _COMMITTEE_SHORT.get(m.group(0), m.group(0))
        cands.append(Cand(start, m.end(), "Agency", name + committee, priority=28, kind="subunit"))


_PARTY = re.compile(r"(市委|省委|区委|县委)(?![会员书])")


def _party_committee(surface: str, lex: Lexicon) -> str:
    """永川区委 → 中国共产党重庆市永川区委员会, 泸州市委 → 中国共产党泸州市委员会; else ""."""
    place = lex.places.get(surface[:-1]) if surface.endswith("委") else None
    if place is None or place.type != "Region" or place.level not in ("prefecture", "county"):
        return ""
    if place.level == "county" and place.parent in _MUNICIPALITIES:
        return f"中国共产党{place.parent}{place.name}委员会"
    return f"中国共产党{place.name}委员会"


def _listed_district_bodies(text: str, body: re.Match[str], pending: list[re.Match[str]], lex: Lexicon, cands: list[Cand]) -> None:
    """永川区委、区政府: a district's short form listed right after a body of that district is that district's."""
    place = lex.places.get(_region_prefix(body.group(0), lex))
    if place is None or place.level != "county":
        return
    for m in pending:
        if m.start() == body.end() + 1 and text[body.end()] in "、和及与" and place.name.endswith(m.group(0)[0]):
            name = _resolve_agency(m.group(0), lex, "", "", "", place.name)
            if name:
                cands.append(Cand(m.start(), m.end(), "Agency", name, priority=25, kind="lexicon"))


def _the_one_county_body(pending: list[re.Match[str]], lex: Lexicon, cands: list[Cand]) -> None:
    """县生态环境局 after 达州市渠县生态环境局, no other county's: that county's body (a 区 of another is no 县)."""
    taken = {c.start for c in cands if c.type == "Agency"}
    for m in pending:
        if m.start() in taken:
            continue
        unit, rest = m.group(0)[0], m.group(0)[1:]
        full = _resolve_agency("市" + rest, lex, "X", "", "")  # the department's full name, under a stand-in city
        if not full or not full.startswith("X"):
            continue
        full = full[1:]
        named = {c.name for c in cands if c.type == "Agency" and c.start < m.start() and c.name.endswith(full)
                 and (p := lex.places.get(c.name[: -len(full)])) is not None and p.level == "county" and p.name.endswith(unit)}
        if len(named) == 1:
            cands.append(Cand(m.start(), m.end(), "Agency", named.pop(), priority=25, kind="lexicon"))


def resolve_agency(surface: str, lex: Lexicon, ctx: Context) -> str | None:
    """Full official name of an agency mention, using the document's jurisdiction for short forms.

    >>> from kg.lexicon import load_lexicon
    >>> resolve_agency("市生态环境局", load_lexicon(), Context(jurisdiction="重庆市", city="重庆市"))
    '重庆市生态环境局'
    """
    return _resolve_agency(surface, lex, ctx.city, ctx.jurisdiction, ctx.province, ctx.county)


@lru_cache(maxsize=65536)  # a pure function of short strings that recur across documents
def _resolve_agency(surface: str, lex: Lexicon, city: str, jurisdiction: str, province: str, county: str = "") -> str | None:
    """:func:`resolve_agency` given the context's city, jurisdiction, province and county."""
    if surface in lex.agency_forms:
        return lex.agency_forms[surface]
    for juris in (city, jurisdiction, province):
        if juris and (juris, surface) in lex.local_agency_forms:
            return lex.local_agency_forms[(juris, surface)]
    # 市… / 省… short forms built from the standard department names
    if surface[:1] in "市省区县" and len(surface) > 2:
        place = city if surface[0] == "市" else province if surface[0] == "省" else county if county.endswith(surface[0]) else ""
        rest = surface[1:]
        for full, shorts in lex.agency_suffixes:
            if rest == full or rest in shorts:
                if place:
                    cand = place + full
                    return lex.agency_forms.get(cand, cand)
                return None
        if place and len(rest) >= 3:
            cand = place + rest
            return lex.agency_forms.get(cand, cand)
        return None
    # Region + department: 成都市生态环境局, 四川省委
    for full, shorts in lex.agency_suffixes:
        for form in (full, *shorts):
            if surface.endswith(form) and len(surface) > len(form):
                where = surface[: -len(form)]
                region = lex.region(where)
                if region and region.level in ("province", "prefecture", "county"):
                    cand = region.name + full
                    return lex.agency_forms.get(cand, cand)
                if (region := _municipal_county(where, lex)) is not None:
                    return region.parent + region.name + full  # 重庆市永川区政府: written with its municipality
                if (region := _qualified_place(where, lex)) is not None and region.level in ("prefecture", "county"):
                    cand = region.name + full  # 四川省遂宁市生态环境局, 四川省广安市邻水县河长制办公室: the city's, the county's
                    return lex.agency_forms.get(cand, cand)
    return None


def _qualified_place(where: str, lex: Lexicon) -> Place | None:
    """四川省遂宁市, 四川省广安市邻水县: the innermost place when each one names a division of the one before."""
    outer = lex.region(head := _region_prefix(where, lex)) if where else None
    if outer is None or head == where or outer.name in _MUNICIPALITIES:
        return None
    rest = where[len(head) :]
    inner = lex.region(rest) or _qualified_place(rest, lex)
    return inner if inner is not None and _within(inner.name, outer.name, lex) else None


def _municipal_county(where: str, lex: Lexicon) -> Place | None:
    """重庆市永川区: a district or county written after its municipality, else None."""
    city = where[:3]
    if city in _MUNICIPALITIES and (p := lex.region(where[3:])) is not None and p.level == "county" and p.parent == city:
        return p
    return None


_MEETING_HEADS = (
    "联席会议|工作会议|新闻发布会|座谈会议|座谈会|联席会|工作会|视频会议|视频会|培训会|推进大会|推进会|"
    "建设大会|大会|峰会|论坛|研讨会|现场会|调度会|交流会|协调会|年会|发布会|会议|"
    "启动会|对接会|会商会|部署会|观摩会|专题会|圆桌会|推介会|总结会|动员会|洽谈会|联络会|分析会|评审会|通报会|协商会|恳谈会"
)
#: the session of a body that follows its name: 第五次会议, 常务委员会第五次会议, 第三次全体会议
#: or a year's session of a series (联席会议2024年会议, 联席会议2025年度第一次会议)
_NTH = r"第[一二三四五六七八九十\d]+次"  # 第三次, 第12次: a numbered session
_MEETING_SESSION = rf"(?:(?:常务委员会|常委会)?{_NTH}(?:全体)?会议|\d{{4}}年度?(?:{_NTH})?(?:全体)?会议)?"
_MEETING = re.compile(rf"[{CJK}\d“”·—]{{4,50}}?(?:{_MEETING_HEADS}){_MEETING_SESSION}(?:座谈会)?")
_MEETING_ANCHOR = LiteralScanner(_MEETING_HEADS.split("|"))  # the heads, found fast (a plain alternation tries each)
_MEETING_RUN = re.compile(rf"[{CJK}\d“”·—]*")  # every character of a meeting name is one of these (宜宾—泸州—江津段)
_MEETING_HEAD_END = re.compile(f"(?:{_MEETING_HEADS}){_MEETING_SESSION}(?:座谈会)?$")
#: what a meeting's name says is done (保护, 治理 …): 和 / 与 between two of them is inside the name
_ACTIVITY = "保护|治理|修复|防治|防控|发展|利用|开发|管理|监管|监测|建设|执法"
_MEETING_LEFT_CUT = re.compile(
    r".*(?:(?<=[会议])暨|商定|议定|约定|提交|提请|报送|报请|联合召开了|联合召开|组织召开了|组织召开|召开了|召开|举行了|举行|举办了|举办|承办了|承办|主办了|主办|协办|办好|开好|筹备|筹办|出席|列席|参加|主持|参会|贯彻|落实|精神|围绕|"
    r"(?<![已曾神])经(?!济|开|信|贸|营|典|验|过|费|发)|丨|｜|开展|通过|认真|按照|根据|依托|获评|荣获|会上|多次|每两周|每周|每月|\d+场|建立|明确|在|于|赴|的|了|是|为|将|(?<![应面相核比])对|要以|以|、|\d+月\d+日|\d+日|"
    # 和/及/与 end the words before, except between two activities of the name (岸线保护与修复第一次联席会议)
    # (塑料污染治理和新污染物防控工作座谈会: two activities, each with its object)
    # and inside a word (碳达峰碳中和)
    rf"(?<!碳中)(?:(?<!{_ACTIVITY})[和及与]|[和及与](?!{_ACTIVITY}|[{CJK}]{{1,12}}?(?:{_ACTIVITY})(?:工作)?$)))"
)


def _meetings(text: str, lex: Lexicon, ctx: Context, cands: list[Cand]) -> None:
    # people's congress sessions: 市六届人大一次会议 → 重庆市第六届人民代表大会第一次会议
    for m in re.finditer(r"(市|省)([一二三四五六七八九十]+)届人大([一二三四五六七八九十]+)次会议", text):
        place = ctx.city if m.group(1) == "市" else ctx.province
        if place:
            name = f"{place}第{m.group(2)}届人民代表大会第{m.group(3)}次会议"
            cands.append(Cand(m.start(), m.end(), "Meeting", name, priority=40, kind="congress"))
    for m in re.finditer(r"党的([一二三四五六七八九十]+)大", text):
        name = f"中国共产党第{m.group(1)}次全国代表大会"
        cands.append(Cand(m.start(), m.end(), "Meeting", name, priority=40, kind="congress"))
    first = len(cands)
    bodies: dict[int, Cand] = {}  # where each body named ends, the longest
    for c in cands:
        if c.type == "Agency" and not c.members and ((b := bodies.get(c.end)) is None or b.end - b.start < c.end - c.start):
            bodies[c.end] = c
    sessions: list[tuple[int, int, str, str]] = []  # 第三次联席会议: a session of a series named elsewhere
    later: list[tuple[int, int, str, str]] = []  # 联席会议第四次会议: likewise, the series by its head word
    zone_end = {c.end: c for c in cands if c.type == "Region"}  # the places, by end and by start
    zone_at = {c.start for c in cands if c.type == "Region"}
    for m in _near(_MEETING, text, _MEETING_ANCHOR, 60, 2, run=_MEETING_RUN, stops="，。、；：\n（）《》"):
        s, e = m.span()
        surface = m.group(0)
        head = _MEETING_HEAD_END.search(surface)
        cut = _MEETING_LEFT_CUT.match(surface, 0, head.start() if head else len(surface) - 2)  # not inside the head (对接会)
        if cut and surface[cut.end() - 1] in "与和" and s + cut.end() in zone_at and (z := zone_end.get(s + cut.end() - 1)) is not None \
                and z.start >= s and ((before := _MEETING_LEFT_CUT.match(surface, 0, z.start - s)) is None and z.start == s
                                      or before is not None and before.end() == z.start - s):
            cut = before  # 川东北经济区与渝东北三峡库区城镇群…联席会议: the two places that meet are words of the name
        if cut:
            surface, s = surface[cut.end():], s + cut.end()
        if (dash := surface.rfind("——")) >= 0:
            surface, s = surface[dash + 2 :], s + dash + 2  # 综述——2024年…会议: a dash sets off the words before
        surface = surface.lstrip("“”·暨—")  # 第五次会议暨…联席会议: two meetings
        if (once := _ONCE.match(surface)) is not None:
            if once.group(1):
                continue  # 下一次联合执法工作会议: the next one, not named
            surface = surface[once.end() :]  # 每年召开一次…联席会议: the meeting, held once
        s = e - len(surface)
        head = _MEETING_HEAD_END.search(surface)
        if (ref := _SESSION_REF.fullmatch(surface)) is not None:
            sessions.append((s, e, ref.group(1), ref.group(2)))
            continue
        if (ref := _SERIES_SESSION_REF.fullmatch(surface)) is not None:
            later.append((s, e, ref.group(1), ref.group(2)))  # 联席会议第四次会议: the series' session
            continue
        if not head or is_generic(surface, head.group(0)) or len(surface) - len(head.group(0)) < 4:
            continue
        if _YEAR_ONLY.match(surface) and not _HELD_BY.search(text, max(0, s - 4), s):
            continue  # 2025年座谈会由…承办: next year's session of the series, named by its year alone
        if text.startswith(("制度", "机制"), e):
            continue  # 建立…联席会议制度: an arrangement for meeting, not a meeting
        if _SESSION_ONLY.match(surface) and (verb := _HELD_BY.search(text, max(0, s - 4), s)) is not None \
                and (owner := bodies.get(verb.start())) is not None:
            # 川渝…领导小组召开2024年度会议: the body's session, named after the body
            surface, e = _with_ceremony(text, surface, e)
            cands.append(Cand(s, e, "Meeting", owner.name + surface, priority=15, kind="meeting-pattern"))
            continue
        if _NOT_A_NAME_START.match(surface) or _SESSION_ONLY.match(surface):
            continue
        surface, e = _with_ceremony(text, surface, e)
        cands.append(Cand(s, e, "Meeting", clean_name(surface), priority=15, kind="meeting-pattern"))
    if sessions:
        # 会议通报了第三次联席会议以来…, in a report on the 川渝…第四次联席会议: the series' third session
        series: dict[str, set[str]] = {}
        for c in cands[first:]:
            if (m := _SESSION_OF.match(c.name)) is not None:
                series.setdefault(m.group(2), set()).add(m.group(1))
        for s, e, session, word in sessions:
            if len(names := series.get(word, ())) == 1:
                cands.append(Cand(s, e, "Meeting", next(iter(names)) + session + word, priority=15, kind="meeting-pattern"))
    if later:
        # 会议商定，联席会议第四次会议将于…召开, in a report on the A与B…联席会议第三次会议: that series' fourth session
        bases = {m.group(1) for c in cands[first:] if (m := _SERIES_OF.match(c.name)) is not None}
        for s, e, word, session in later:
            if len(names := [b for b in bases if b.endswith(word)]) == 1:
                cands.append(Cand(s, e, "Meeting", names[0] + session, priority=15, kind="meeting-pattern"))


def _with_ceremony(text: str, surface: str, e: int) -> tuple[str, int]:
    """…第一次会议暨重点项目集中签约仪式: a meeting held together with a ceremony is one event, named in full."""
    if text.startswith("暨", e) and (also := _ALSO_CEREMONY.match(text, e + 1)):
        return surface + "暨" + also.group(0), also.end()
    return surface, e


#: 第三次联席会议 alone, and a series' numbered session (川渝…联治第四次联席会议)
_SESSION_REF = re.compile(rf"({_NTH})({_MEETING_HEADS})")
_SESSION_OF = re.compile(rf"(.{{4,}}?){_NTH}({_MEETING_HEADS})$")
#: a series' session by the series' head word (联席会议第四次会议), and the series of a session's name
_SERIES_SESSION_REF = re.compile(rf"({_MEETING_HEADS})({_NTH}(?:全体)?会议)")
_SERIES_OF = re.compile(rf"(.{{4,}}?(?:{_MEETING_HEADS})){_NTH}(?:全体)?会议$")
#: 一次 / 下一次 before a meeting's name: how often it is held, or the next one
_ONCE = re.compile(r"(下|上)?[一两二三四五六七八九十]次(?!会议)")
#: a year's session and nothing else (2025年第一次会议): whose, the text says before it
_SESSION_ONLY = re.compile(rf"(?:\d{{4}}年度?(?:{_NTH})?|{_NTH})(?:全体)?会议$")
#: a run that starts with a session, a count or a pointer (第三次…, 多次, 本次, 会上) names no meeting
_NOT_A_NAME_START = re.compile(rf"^(?:{_NTH}|\d+次|多次|本次|此次|该|各|每|两|会上)")
#: a year and a head word, nothing else (2025年座谈会, 2024年年会): a session of a series, not a name
_YEAR_ONLY = re.compile(rf"\d{{4}}年度?(?:{_MEETING_HEADS})$")
#: the verb between a body and its session: A领导小组召开2024年度会议
_HELD_BY = re.compile(r"(?:召开了|召开|举行了|举行)$")
#: the ceremony or activity a meeting is held together with (…会议暨集中签约仪式, …推进会暨启动仪式)
_ALSO_CEREMONY = re.compile(rf"[{CJK}\d“”·]{{2,30}}?(?:仪式|活动)(?!中心|室|周|月)")


_NP_STOP = r"，。；：！？\n《》"
_NP = re.compile(rf"[^{_NP_STOP}]{{2,60}}")
_TRIGGER_VERBS = re.compile(r"(?:实施|完成|形成|出台|了|并|印发|发布)*")


_NEXT_CLAUSE_VERB = re.compile("(?:印发|签订|编制|制定|出台|开展)")
_NAME_ENDS_BEFORE = re.compile(r"(的|等|中|和|及|与|，|并|为|后|以|超|近|\d)")
_COUNTED_START = re.compile(r"^(?:\d(?!\d{3}年)|[一两二三四五六七八九十百数几多]+[项个条份部批]|超|近|多|各|相关|有关|一批)")
_COUNT_AFTER = re.compile(r"\d+(?:余|多)?[项个份条]")
_ABOUT_COUNT_AFTER = re.compile(r"超\d|近\d")
_NOT_IN_TRIGGERED_NAME = re.compile(r"(?:签订|印发|编制|制定|开展|召开|发布|的基础上|相互|征求|了|\d+个|[（(][^）)]*$|的|和相关|和有关)")
_FUNCTION_WORD_START = re.compile(r"^(?:的|了|和|与|及|在|对|等|将|为|中|是|以|把|被|向|从|过程|其|该|本|各|上述|有关|相关|辖区)")


#: triggers whose objects are named in title marks only (作出统一规定, 通过…途径, 公布了结果 name nothing)
_TITLE_ONLY_TRIGGERS = frozenset({"通过", "作出", "作出了", "公布", "公布了"})


def _triggered_titles(text: str, lex: Lexicon, cands: list[Cand]) -> None:
    """Untitled names after a trigger: 签订大气污染联合防治协议, 印发生态共建环境共保工作方案."""
    pats = compile_patterns(lex)
    for m in pats.trigger_scan.finditer(text):
        pred = pats.trigger_pred[m.group(0)]
        if pred == "participant" or m.group(0) in _TITLE_ONLY_TRIGGERS:
            continue
        s = m.end()
        if (longer := pats.trigger.match(text, s - 1)) is not None and longer.end() > s:
            s = longer.end()  # 共签|署: the scan took 共签 where 签署 goes on
        s = _TRIGGER_VERBS.match(text, s).end()  # in place: no copy of the rest of the text
        if text[s : s + 1] in "《“":
            if text[s : s + 1] == "“":
                pass
            else:
                continue
        seg = _NP.match(text, s)
        if not seg:
            continue
        segment = seg.group(0)
        # a list of clauses each with its own trigger: stop at 、+trigger
        for tm in re.finditer("、", segment):
            if pats.trigger.match(segment, tm.end()) or _NEXT_CLAUSE_VERB.match(segment[tm.end():]):
                segment = segment[: tm.start()]
                break
        best = None
        for hm in pats.head_any.finditer(segment):
            cand = segment[: hm.end()]
            typ = classify_title(cand, lex)
            if typ is None or typ == "Meeting":
                continue
            if pred == "signedBy" and typ != "Agreement":
                continue
            if pred == "issuedBy" and typ == "Agreement":
                continue
            rest = segment[hm.end():]
            if _CJK_CHAR.match(rest[:1]) and not _NAME_ENDS_BEFORE.match(rest[:1]):
                continue  # the name goes on (美丽建设规划省市 …) unless a function word follows
            best = (hm.end(), typ)
        if best is None:
            continue
        end, typ = best
        name = segment[:end]
        head = pats.heads[typ].search(base_title(name))
        if _COUNTED_START.match(name):
            continue
        if _COUNT_AFTER.search(text[s + end : s + end + 6]) or _ABOUT_COUNT_AFTER.search(text[s + end : s + end + 4]):
            continue  # a count of agreements, not a name
        if head and is_generic(base_title(name), head.group(0)):
            continue
        if _NOT_IN_TRIGGERED_NAME.search(name):
            continue
        if _FUNCTION_WORD_START.match(name):
            continue
        cands.append(Cand(s, s + end, typ, clean_name(name), priority=12, kind="triggered"))


_STANDARD = re.compile(rf"([{CJK}]{{2,16}}?(?:工业|行业|[^行工]业)(?:主要)?(?:大气|水)?污染物排放标准|[{CJK}]{{4,24}}?(?:技术规范|技术指南|裁量基准))")
_ACTION = re.compile(
    rf"(?:开展|实施|推进|启动|组织开展|加快推进|深化|集成实施|协作开展|协同推进|持续实施|联合开展|推动)(?:了)?"
    rf"([{CJK}“”·]{{4,28}}?(?:专项行动|联合行动|协同行动|清零行动|攻坚行动|行动|试点|工程|督察整改|采风活动|公益行动))(?=[，。；、和及与等\n]|$)"
)


_DISTRIBUTIVE_STANDARD = re.compile(rf"((?:[{CJK}]{{2,4}}、)+[{CJK}]{{2,4}})(工业(?:大气|水)?污染物排放标准)")
_BATTLES = re.compile(rf"((?:[{CJK}]{{2}}、)+[{CJK}]{{2}})(保卫战|攻坚战)")
_STANDARD_HEAD = _anchor("污染物排放标准")
_STANDARD_ANCHOR = _anchor("污染物排放标准", "技术规范", "技术指南", "裁量基准")
_BATTLE_HEAD = _anchor("保卫战", "攻坚战")
_NOT_CJK_OR_LIST = "，。；：\n"  # characters that end a run of names joined by 、


def _standards_and_actions(text: str, lex: Lexicon, cands: list[Cand]) -> None:
    # 水泥、玻璃、陶瓷工业大气污染物排放标准 → three standards
    for m in _near(_DISTRIBUTIVE_STANDARD, text, _STANDARD_HEAD, len(text), 1, stops=_NOT_CJK_OR_LIST):
        items = m.group(1).split("、")
        items[0] = re.sub(r"^.*(?:的|编制|制定|推进|开展)", "", items[0])
        if all(2 <= len(i) <= 4 and not re.search(r"标准|工业|规范|的|等", i) for i in items):
            for item in items:
                cands.append(Cand(m.start(), m.end(), "Standard", item + m.group(2), priority=13, kind="distributive", members=()))
    for m in _near(_STANDARD, text, _STANDARD_ANCHOR, 32, 32):
        s, e = m.span(1)
        name = m.group(1)
        cut = re.match(r".*(?:推进|开展|编制|制定|制修订|完成|修订|发布|实施|加强|实现|形成|统一|的|和|等|对|在|了|与|及|、)", name[:-4])
        if cut:
            name, s = name[cut.end():], s + cut.end()
        if len(name) < 6 or is_generic(name, "标准" if name.endswith("标准") else name[-4:]):
            continue
        if re.search(r"其中|领域|等|、|地方|国家|现行|一下", name) or _COUNTED_START.match(name):
            continue  # 两个技术规范: a count, not a name
        if re.match(r"(?:我|你|您|他|她|咱|大家)", name):
            continue  # 我补充介绍一下技术规范: a speaker's words, not a title
        cands.append(Cand(s, e, "Standard", clean_name(name), priority=11, kind="standard-pattern"))
    for m in _ACTION.finditer(text):
        s, e = m.span(1)
        name = m.group(1)
        if is_generic(name, re.search(r"(专项行动|联合行动|协同行动|清零行动|攻坚行动|行动|试点|工程|督察整改|采风活动|公益行动)$", name).group(0)):
            continue
        if re.match(r"^(?:[一二三四五六七八九十\d]+|相关|有关|各类|系列)", name) or "等" in name:
            continue
        if re.search(r"[和及与][“「]", name):
            continue  # “绿盾”…监督和“清四乱”专项行动: two names, each found by its quote
        cands.append(Cand(s, e, "Programme", clean_name(name), priority=9, kind="action-pattern"))
    # 打赢蓝天、碧水保卫战 → 蓝天保卫战, 碧水保卫战
    for m in _near(_BATTLES, text, _BATTLE_HEAD, len(text), 1, stops=_NOT_CJK_OR_LIST):
        if text.endswith(m.group(2), 0, m.start() + 2):
            continue  # 蓝天保卫战、碧水保卫战: the first "item" is the end of a name written out, each name found by itself
        for item in m.group(1).split("、"):
            cands.append(Cand(m.start(), m.end(), "Programme", item + m.group(2), priority=13, kind="distributive"))


_MECHANISM = re.compile(
    rf"(?:深化|建立健全|建立|健全|完善|落实|构建|用好|依托|运行)(?:了)?"
    rf"([{CJK}]{{4,24}}?(?:联防联控|联防联治|联建联治|联合执法|执法协作|协作|合作|会商|生态补偿|共享)机制)(?![{CJK}])"
)
_MECHANISM_ANCHOR = _anchor("机制")


def _mechanisms(text: str, lex: Lexicon, cands: list[Cand]) -> None:
    """A mechanism named after its area or river: 深化川南渝西大气污染联防联控机制 (not 深化跨界联防联控机制)."""
    pats = compile_patterns(lex)
    for m in _near(_MECHANISM, text, _MECHANISM_ANCHOR, 36, 1):
        name = m.group(1)
        head = pats.place.match(name)
        place = lex.place(head.group(0)) if head else None
        if place is None or place.level == "county" or len(name) - len(head.group(0)) < 6 or "、" in name:
            continue
        cands.append(Cand(m.start(1), m.end(1), "Programme", clean_name(name), priority=9, kind="mechanism-pattern"))


#: a joint information system of the two sides named in full: 川渝生态环境执法信息共享平台, 川渝突发环境事件信息共享平台
#: (not 川渝两地生态环境监测平台, 川渝合作交流平台: a description, no name); quotes may stand inside (川渝“无废城市”建设信息共享平台),
#: but not 和/与/及 or a 川渝 that begins a quoted name (“川渝通办”网站和…平台)
_PLATFORM = re.compile(rf"(?<![“「])川渝(?!两地|两省市|地区|毗邻)(?:(?![和与及])[{CJK}“”「」]){{3,16}}?(?:信息|数据)共享平台")
_PLATFORM_ANCHOR = _anchor("共享平台")


def _platforms(text: str, lex: Lexicon, cands: list[Cand]) -> None:
    for m in _near(_PLATFORM, text, _PLATFORM_ANCHOR, 20, 0):
        if not _NOT_IN_TRIGGERED_NAME.search(m.group(0)):
            cands.append(Cand(m.start(), m.end(), "Programme", clean_name(m.group(0)), priority=9, kind="platform-pattern"))


def _named(text: str, lex: Lexicon, cands: list[Cand]) -> None:
    pats = compile_patterns(lex)
    for m in pats.named.finditer(text):
        typ, name = lex.named[m.group(0)]
        cands.append(Cand(m.start(), m.end(), typ, name, priority=14, kind="lexicon"))


_TOPIC_AFTER = re.compile(r"共建|共保|保护|标准|政策|领域|质量|合作|治理|协同|问题|状况|建设|一体化|联防|联建|风险|数据")


def _collectives(text: str, lex: Lexicon, cands: list[Cand]) -> None:
    pats = compile_patterns(lex)
    for m in pats.collective.finditer(text):
        dept = m.group("dept")
        end = m.end()
        if dept and "、" in dept and end == m.end("dept"):
            dept = dept.split("、")[0]  # 两地生态环境、经济发展…: a list of fields, not of departments
            end = m.start("dept") + len(dept)
        if dept and end == m.start("dept") + len(dept) and _TOPIC_AFTER.match(text, end):
            # 川渝生态环境共建共保, 两地生态环境标准: the field, not the departments
            members = lex.pair_members
            cands.append(Cand(m.start(), m.end("pair"), "Region", "+".join(members), priority=24, kind="collective", members=members))
            continue
        start = m.start()
        sides = _abbreviated_provinces(text, start, 2) if m.group("pair") in _PAIR_OF_TWO else []
        if sides and set(sides) != set(lex.pair_members):
            # 渝黔两地, 川陕两省: the two provinces named by their one-character abbreviations
            start -= 2
            members = tuple(_body_of(p, d, None, lex, pats) for p in sides for d in dept.split("、")) if dept else tuple(sides)
            typ = "Agency" if dept else "Region"
        elif dept:
            # 两省市生态环境、公安部门: the departments of each field
            members = tuple(dict.fromkeys(n for d in dept.split("、") for pat, mem in lex.departments if d in pat.split("|") for n in mem))
            typ = "Agency"
        else:
            members, typ = lex.pair_members, "Region"
        if members:
            cands.append(Cand(start, end, typ, "+".join(members), priority=24, kind="collective", members=members))
    for m in pats.counted.finditer(text):
        if m.group("n") == "两" and m.group("unit") in ("地", "省", "省市"):
            continue  # 两地, 两省市: the pair above
        typ = "Agency" if m.group("dept") or m.group("body") else "Region"
        cands.append(Cand(m.start(), m.end(), typ, m.group(0), priority=23, kind="counted"))  # 八市生态环境局: _city_bureaus first


#: the one-character abbreviations of the provinces around Sichuan and Chongqing (川渝, 渝黔, 川陕, 川滇 …)
_PROVINCE_ABBREVIATIONS = {"川": "四川省", "蜀": "四川省", "渝": "重庆市", "黔": "贵州省", "滇": "云南省", "云": "云南省", "贵": "贵州省", "陕": "陕西省",
                           "鄂": "湖北省", "湘": "湖南省", "甘": "甘肃省", "青": "青海省", "藏": "西藏自治区"}


def _abbreviated_provinces(text: str, pos: int, n: int) -> list[str]:
    """The ``n`` provinces whose abbreviations stand right before ``pos`` (渝黔|两地), or []."""
    if pos < n or (pos > n and text[pos - n - 1] in _PROVINCE_ABBREVIATIONS):
        return []  # 川渝黔两地…: not two
    names = [_PROVINCE_ABBREVIATIONS.get(ch) for ch in text[pos - n : pos]]
    return names if None not in names and len(set(names)) == n else []


_CITY_BODIES = re.compile(r"(?:([一二三四五六七八九十]|\d{1,2})|各)(?:个)?市(生态环境局|人民政府|政府)")
_CITY_BODY_ANCHOR = _anchor("市生态环境局", "市人民政府", "市政府")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九十", start=0)}


def _city_bureaus(text: str, lex: Lexicon, cands: list[Cand]) -> None:
    """八市生态环境局 / 各市生态环境局: the bureaus of the cities the document enumerates."""
    cities: list[str] = []
    for c in cands:
        place = lex.places.get(c.name) if c.type == "Region" else None
        if place is not None and place.level == "prefecture" and c.name not in cities:
            cities.append(c.name)
    if len(cities) < 2:
        return
    for m in _near(_CITY_BODIES, text, _CITY_BODY_ANCHOR, 10, 10):
        n = m.group(1)
        count = None if n is None else int(n) if n.isdigit() else _CN_DIGITS[n]
        if count is not None and count != len(cities):
            continue
        suffix = "人民政府" if m.group(2) == "政府" else m.group(2)
        members = tuple(c + suffix for c in cities)
        cands.append(Cand(m.start(), m.end(), "Agency", "+".join(members), priority=24, kind="collective", members=members))


_ABBREVIATION = re.compile(r"[（(](?:[^（）()《》。\n]{1,60}?[，,；;]\s*)?以下简称[:：]?[《“]?([^》”)）]{2,20})[》”]?[)）]")


def _abbreviations(text: str, cands: list[Cand], ctx: Context) -> None:
    """（以下简称《成渝环保规划》） → an alias of the name just before it."""
    # （以下简称《指南》）, and after a number or date in the same brackets: （DB50/T 1722-2024，以下简称《指南》）
    for m in _ABBREVIATION.finditer(text):
        prev = [c for c in cands if c.end <= m.start() and m.start() - c.end <= 2 and c.type not in ("Region", "River")]
        if not prev:
            continue
        target = max(prev, key=lambda c: (c.end, c.end - c.start))
        alias = clean_name(m.group(1))
        ctx.abbreviations[alias] = (target.type, target.name)
        cands.append(Cand(m.start(1), m.end(1), target.type, target.name, priority=35, kind="abbreviation"))


#: abbreviations that are a bare head noun (以下简称《协议》): used as such only in marks or after 该/本/此
_BARE_HEADS = frozenset("协议 协议书 备忘录 条例 办法 规定 决定 规划 方案 纲要 意见 要点 计划 标准 规范 指南 导则 通知 细则 机制".split())


def _abbreviation_uses(text: str, cands: list[Cand], ctx: Context) -> None:
    if not ctx.abbreviations:
        return
    rx = re.compile(literal_regex(set(ctx.abbreviations)))
    for m in rx.finditer(text):
        s, e = m.start(), m.end()
        if text[s - 1 : s] != "《" or text[e : e + 1] != "》":
            opened = text.rfind("《", max(0, s - 60), s)
            if opened >= 0 and text.find("》", opened, s) < 0:
                continue  # 《条例》 stands for one title, not for the 条例 that ends 《四川省赤水河流域保护条例》
            if m.group(0) in _BARE_HEADS and _CJK_CHAR.match(text, s - 1, s) and text[s - 1] not in "该本此":
                continue  # 《协议》 is not the 协议 that ends another, untitled name (签订濑溪河流域生态补偿协议)
        typ, name = ctx.abbreviations[m.group(0)]
        cands.append(Cand(s, e, typ, name, priority=33, kind="abbreviation"))


#: what may come right before a body's abbreviation used on its own (，市局与…, 由区河长办牵头)
_BEFORE_SHORT_BODY = frozenset("与和及同由向对经在据将是等")


def _agency_abbreviations(text: str, cands: list[Cand], ctx: Context) -> None:
    """广安市生态环境局（以下简称“市局”）: 市局 stands for that body wherever it is used on its own."""
    if "以下简称" not in text:
        return
    by_end = {c.end: c for c in cands if c.type == "Agency" and not c.members}
    short: dict[str, str] = {}
    for m in _ABBREVIATION.finditer(text):
        alias = clean_name(m.group(1))
        target = by_end.get(m.start()) or by_end.get(m.start() - 1)
        if target is None or alias in ctx.abbreviations or len(alias) < 2 or alias[0] in "两双三四五":
            continue  # 两厅局: the bodies named together (_group_abbreviations)
        short[alias] = target.name
        cands.append(Cand(m.start(1), m.end(1), "Agency", target.name, priority=35, kind="abbreviation"))
    if not short:
        return
    defined = {c.start for c in cands if c.kind == "abbreviation"}
    for m in re.finditer(literal_regex(set(short)), text):
        s, e = m.span()
        if s in defined or (s and _CJK_CHAR.match(text, s - 1) and text[s - 1] not in _BEFORE_SHORT_BODY) \
                or text.startswith("长", e):
            continue  # part of a longer word (超市局部), or 市局长
        cands.append(Cand(s, e, "Agency", short[m.group(0)], priority=33, kind="abbreviation"))


# --------------------------------------------------------------------------- selection


_RANKED_FIRST = frozenset({"title", "abbreviation", "congress"})  # kinds whose priority comes before length


def _selection_order(c: Cand) -> tuple:
    """The order in which :func:`_select` considers candidates (the fields after ``name`` only break ties)."""
    return (-c.priority if c.kind in _RANKED_FIRST else 0, c.start - c.end, -c.priority, c.start, c.type, c.name, c.kind, c.members)


def _select(cands: list[Cand]) -> list[Cand]:
    """Resolve overlaps: longest/highest-priority outer spans win; places inside titles stay."""
    order = sorted(set(cands), key=_selection_order)
    chosen: list[Cand] = []
    occupied: list[tuple[int, int, str]] = []  # sorted by start: spans overlapping c start after c.start - longest
    longest = 0
    for c in order:
        clash = False
        lo = bisect_left(occupied, (c.start - longest,))
        hi = bisect_left(occupied, (c.end,), lo)
        for k in range(lo, hi):
            s, e, t = occupied[k]
            if c.start < e:  # and s < c.end, as every span before ``hi`` starts before c ends
                inside = s <= c.start and c.end <= e
                if inside and t in TITLED_TYPES and c.type in ("Region", "River", "Agency") and c.kind != "collective":
                    continue  # a place or body named inside a title
                if inside and (s, e) != (c.start, c.end) and t in TITLED_TYPES and c.type in TITLED_TYPES and c.kind == "title":
                    continue  # 〈nested title〉
                if s == c.start and e == c.end and c.kind in ("agency-distributive", "distributive"):
                    continue
                clash = True
                break
        if not clash:
            chosen.append(c)
            insort(occupied, (c.start, c.end, c.type), lo)
            if c.end - c.start > longest:
                longest = c.end - c.start
    return sorted(chosen)


@lru_cache(maxsize=4096)
def _region_prefix(name: str, lex: Lexicon) -> str:
    """The longest canonical region name that ``name`` starts with, or "".

    >>> from kg.lexicon import load_lexicon
    >>> _region_prefix("重庆市生态环境局", load_lexicon())
    '重庆市'
    """
    for k in range(len(name), 0, -1):
        place = lex.places.get(name[:k])
        if place is not None and place.type == "Region":
            return name[:k]
    return ""


def _last_nonblank(lines: list[str], count: int) -> list[str]:
    """The last ``count`` lines that are not blank, stripped, in order."""
    out: list[str] = []
    for ln in reversed(lines):
        ln = ln.strip()
        if ln:
            out.append(ln)
            if len(out) == count:
                break
    out.reverse()
    return out


def _opening_agency(title: str, lex: Lexicon, pats: Patterns) -> str:
    """The body a title opens with, as a region and a department (潼南区生态环境局2022年工作总结), or ""."""
    m = pats.agency_open.match(title) if title else None
    if m is None or _NOT_IN_AGENCY_NAME.search(m.group(0)[2:-1]):
        return ""
    return _resolve_agency(m.group(0), lex, "", "", "") or ""


#: a line naming a speaker by their post only: 达州市人民政府市长 (the body before the post)
_BYLINE = re.compile(r"(?:——)?([^\s，。；：]{4,30}?)(?:市长|省长|区长|县长|局长|厅长|主任|党组书记)")


def _in_title_marks(text: str, pos: int) -> bool:
    """``pos`` lies inside 《…》: a body named in a title (《重庆市人民代表大会常务委员会关于…的决定》) is not the author."""
    return text.rfind("《", 0, pos) > text.rfind("》", 0, pos)


def document_context(text: str, title: str, lex: Lexicon) -> Context:
    """Author, jurisdiction and the city that 市… refers to."""
    pats = compile_patterns(lex)
    ctx = Context()
    lines = text.splitlines()
    head = "\n".join(lines[:6])
    tail_lines = _last_nonblank(lines, 12)
    author = _opening_agency(title, lex, pats)  # 内江市生态环境局关于…的报告: a body no lexicon lists
    if not author:
        src = title or head
        for m in pats.agency.finditer(src):
            if m.group(0) in lex.agency_forms and not _in_title_marks(src, m.start()):
                author = lex.agency_forms[m.group(0)]
                break
    if not author:
        for ln in tail_lines:
            src = re.match(r"^(?:来源|信息来源|稿源)[:：]\s*(.+?)\s*[|｜]?$", ln)
            body = src.group(1) if src else ln
            if body in lex.agency_forms:
                author = lex.agency_forms[body]
            elif (m := pats.agency_open.fullmatch(body)) and (name := _resolve_agency(body, lex, "", "", "")):
                author = name  # the signature: 潼南区生态环境局
    ctx.author = author
    ctx.letter = bool(re.search(r"(函|报告|通知|意见|答复|发布会|实录|总结)$", title or ""))
    if not author and ctx.letter:
        for ln in lines[:8]:
            # the speaker's byline under a report's title: 达州市人民政府市长, 某某区生态环境局局长
            if (m := _BYLINE.fullmatch(ln.strip())) and (name := _opening_agency(m.group(1), lex, pats)):
                ctx.author = author = name
                break
    if not author and ctx.letter:
        src = "\n".join(lines[:8])
        for m in pats.agency.finditer(src):
            if m.group(0) in lex.agency_forms and not _in_title_marks(src, m.start()) and not src.startswith("门", m.end()):
                ctx.author = author = lex.agency_forms[m.group(0)]
                break
    counts: Counter[str] = Counter()
    tally: Counter[str] = Counter()  # places named, each counted toward its province (泸州 and 宜宾 are Sichuan)
    for m in pats.place_scan.finditer(text):
        place = lex.region(m.group(0))
        if place is None:
            continue
        if place.level in ("province", "prefecture"):
            counts[place.name] += 1
        province = next((a for a in _lineage(place, lex) if a.level == "province"), None)
        if province is not None:
            tally[province.name] += 1
    juris = ""
    if author:
        juris = _region_prefix(author, lex)
        if juris in _MUNICIPALITIES and (inner := _own_place(author, lex)) and _within(inner, juris, lex):
            juris = inner  # 重庆市潼南区生态环境局: the district's letter, 区政府 is 潼南区's
        if not juris and author in lex.agencies:
            juris = lex.agencies[author].jurisdiction
    if not juris:
        juris = max(tally.items(), key=lambda x: (x[1], x[0]))[0] if tally else ""
    ctx.jurisdiction = juris
    sides = {n for n in counts if n in lex.pair_members} | {lex.places[n].parent for n in counts if lex.places[n].parent in lex.pair_members}
    ctx.both_sides = len(sides) == len(lex.pair_members) or "川渝" in text or "两省市" in text
    jp = lex.places.get(juris)
    if jp and jp.level == "province" and juris != "重庆市":
        ctx.province = juris
        cities = [(n, c) for n, c in counts.items() if lex.places[n].level == "prefecture" and lex.places[n].parent == juris]
        ctx.city = max(cities, key=lambda x: (x[1], x[0]))[0] if cities else ""
    elif jp and jp.level == "prefecture":
        ctx.city = juris
        ctx.province = jp.parent
    elif jp and jp.level == "county" and (parent := lex.places.get(jp.parent)) is not None:
        # a county's or district's document: 市… is its prefecture's (重庆市 for a district of Chongqing)
        ctx.county = juris
        ctx.city = parent.name
        ctx.province = parent.parent if parent.level == "prefecture" else "四川省"
    else:
        ctx.city = juris or "重庆市"
        ctx.province = "四川省"
    return ctx


_COUNT = {c: k for k, c in enumerate("一两三四五六七八九十", start=1)}
_LIST_JOIN = frozenset("、和与及")
_MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})
_PAIR_OF_TWO = ("两省市", "两地", "两省")


def _counted_collectives(text: str, chosen: list[Cand], lex: Lexicon) -> list[Cand]:
    """三地 / 三省人民政府 / 遂宁、潼南两地: the places listed right before, else those named nearby.

    A counted group (三地河长办, 三省生态环境厅) stands for the places listed right before it
    (四川省、云南省、贵州省三省人民政府) or, failing that, for the places of its sentence or of
    the nearest of the three sentences before that names any, when there are as many.  The pair
    forms (两地, 两省市) likewise (大足、安岳两地…。两地生态环境局…), 两省市 and 两省 only from
    provinces; else they are the two sides.  An unresolved count names nobody.  A group that takes its places from a
    list right before it spans the list, so that the listed places are not agents of their own.
    """
    todo = [k for k, c in enumerate(chosen) if c.kind == "counted" or c.kind == "collective"
            and (text.startswith(_PAIR_OF_TWO, c.start) or _CITY_BODIES.match(text, c.start))]
    if not todo:
        return chosen
    by_end = {c.end: c for c in chosen if c.type == "Region" and not c.members}
    pats = compile_patterns(lex)
    regions = sorted(c for c in by_end.values() if (p := lex.places.get(c.name)) is not None and p.level in ("province", "prefecture", "county"))
    by_end = {c.end: c for c in regions}
    out = list(chosen)
    groups: list[tuple[int, list[str]]] = []  # (start, places) of the groups resolved so far
    near: _Nearby | None = None
    for k in todo:
        c = chosen[k]
        if c.kind == "collective" and c.members and _CITY_BODIES.match(text, c.start):
            # 成都、德阳、眉山、资阳四市生态环境局: the bureaus of the cities listed, which it spans
            listed = _listed_before(text, c.start, by_end, lex)
            if len(listed) == len(c.members) and all(any(m.startswith(p.name) for m in c.members) for p in listed):
                out[k] = c._replace(start=listed[0].start)
            continue
        if c.kind == "counted":
            m = pats.counted.match(text, c.start)
            n = _COUNT[m.group("n")]
        else:
            m = pats.collective.match(text, c.start)
            n = 2
            if m.group("pair") not in _PAIR_OF_TWO:
                continue
        listed = _listed_before(text, c.start, by_end, lex)
        start = listed[0].start if len(listed) == n else c.start
        while len(listed) == n and (q := by_end.get(start)) is not None and _contains(q.name, listed[0].name, lex):
            start = q.start  # 四川省达州市、广安市…四地: the province that qualifies the list is in it
        places = [p.name for p in listed] if len(listed) == n else []
        if not places and c.kind == "counted" and (places := _abbreviated_provinces(text, c.start, n)):
            start = c.start - n  # 川黔渝三省市: the provinces by their abbreviations
        if not places:
            if near is None:
                near = _Nearby(chosen, regions)
                actors = sorted(regions + _places_of_bodies(chosen, lex))
            unit = m.group("unit") if c.kind == "counted" else ""
            places = _places_nearby(text, c.start, actors, n, lex, groups, near, unit)
            if c.kind != "counted" and m.group("pair") != "两地" and any(lex.places[p].level != "province" for p in places):
                places = []  # 两省市: provinces (or municipalities), else the two sides
        if len(places) != n:
            if c.kind == "counted":
                out[k] = None  # an unresolved count names nobody
            continue
        groups.append((c.start, places))
        dept, body = m.group("dept"), m.groupdict().get("body")
        if not dept and not body:
            members, typ = tuple(places), "Region"
        else:
            fields = dept.split("、") if dept else [""]
            members, typ = tuple(dict.fromkeys(_body_of(p, d, body, lex, pats) for p in places for d in fields)), "Agency"
            if any(b.endswith("人民代表大会") for b in members):
                # 三省人大 where the text names the provinces' 人大常委会: their standing committees, which act between sessions
                named = {x.name for x in chosen if x.type == "Agency"}
                members = tuple(b + "常务委员会" if b.endswith("人民代表大会") and b + "常务委员会" in named else b for b in members)
        out[k] = Cand(start, c.end, typ, "+".join(members), priority=24, kind="collective", members=members)
    if all(out[k] is chosen[k] for k in todo):
        return chosen
    return sorted(c for c in out if c is not None)


_SHARED_JOIN = frozenset("、和及")


def _shared_body_word(text: str, chosen: list[Cand], lex: Lexicon) -> list[Cand]:
    """泸州市、内江市、资阳市人民政府; 重庆市大足区、永川区人民政府: the places listed right before a body share its word.

    Each listed place becomes the body of that place (a province or municipality that only
    qualifies the next place is part of its mention, not a place of its own).  Places followed
    by a kind of department (泸州市、永川区生态环境部门; 遂宁市生态环境、水利部门) become those
    departments.
    """
    listed_bodies = [c for c in chosen if c.type == "Agency" and not c.members and c.start > 1 and text[c.start - 1] in _SHARED_JOIN]
    depts = _dept_unit(lex) if "部门" in text else None
    if not listed_bodies and depts is None:
        return chosen
    by_end = {c.end: c for c in chosen if c.type == "Region" and not c.members}
    pats = compile_patterns(lex)
    replaced: dict[Cand, Cand | None] = {}
    for body in listed_bodies:
        r = by_end.get(body.start - 1)
        form = pats.place.match(text, body.start) if r is not None else None
        if form is None or (place := lex.place(form.group(0))) is None or place.type != "Region":
            continue
        while (inner := pats.place.match(text, form.end(), body.end)) and (p := lex.place(inner.group(0))) and p.type == "Region" \
                and _within(p.name, place.name, lex):
            form, place = inner, p  # 重庆市永川区人民政府: the district's body
        word = text[form.end() : body.end]
        if not word or place.level not in ("province", "prefecture", "county") or _resolve_agency(place.name + word, lex, "", "", "") is None:
            continue
        city = _bodies_of_listed(text, r, by_end, lex, replaced, lambda name, word=word: (_resolve_agency(name + word, lex, "", "", ""),))
        if city and place.parent == city and place.level == "county" and body.name.startswith(place.name):
            replaced[body] = body._replace(name=city + body.name)  # 重庆市大足区、永川区人民政府: the last one too
    if depts is not None:
        for r in list(by_end.values()):
            if (m := depts.match(text, r.end)) is not None and r not in replaced:
                fields = m.group("dept").split("、")
                _bodies_of_listed(text, r, by_end, lex, replaced,
                                  lambda name, fields=fields: tuple(dict.fromkeys(_body_of(name, d, None, lex, pats) for d in fields)))
    if not replaced:
        return chosen
    return sorted(replaced.get(c, c) for c in chosen if replaced.get(c, c) is not None)


def _bodies_of_listed(text: str, r: Cand | None, by_end: dict[int, Cand], lex: Lexicon, replaced: dict[Cand, Cand | None],
                      bodies) -> str:
    """Replace the place ``r`` and those listed right before it by their ``bodies(place)``.

    A county written with its city keeps it (遂宁市安居区、重庆市潼南区生态环境局: 遂宁市安居区生态环境局); a
    municipality that qualifies a place of the list qualifies every district or county of it
    listed after (重庆市大足区、永川区人民政府: 重庆市永川区人民政府 too); the one that qualifies the
    last is returned (or "").
    """
    listed: list[tuple[Cand, int, tuple[str, ...], str]] = []
    while r is not None and r not in replaced:
        p = lex.places.get(r.name)
        if p is None or p.level not in ("province", "prefecture", "county"):
            break
        start = r.start
        own = ""
        while (q := by_end.get(start)) is not None and _contains(q.name, r.name, lex):
            replaced[q] = None  # 重庆市大足区: the municipality qualifies the district
            start = q.start
            own = own or (q.name if q.name == p.parent else "")
        names = bodies(r.name)
        if not all(names):
            break
        listed.append((r, start, names, own))
        r = by_end.get(start - 1) if start > 1 and text[start - 1] in _SHARED_JOIN else None
    current = ""  # the municipality that qualified the last place listed before (in the text's order)
    for r, start, names, own in reversed(listed):
        p = lex.places[r.name]
        current = own if own in _MUNICIPALITIES else current if own == "" else ""
        if p.level == "county" and (own or p.parent == current):
            # 遂宁市安居区、重庆市潼南区、铜梁区生态环境局: each county's city as written, else the municipality before it
            names = tuple((own or current) + n if n.startswith(r.name) else n for n in names)
        if len(names) == 1:
            replaced[r] = Cand(start, r.end, "Agency", names[0], priority=22, kind="shared-word")
        else:
            replaced[r] = Cand(start, r.end, "Agency", "+".join(names), priority=22, kind="collective", members=names)
    return current  # the municipality of the body's own place, named after the list


@lru_cache(maxsize=4)
def _dept_unit(lex: Lexicon) -> re.Pattern[str]:
    """生态环境部门, 生态环境、水利部门, 生态环境等主管部门: a kind of department after a place."""
    alt = "|".join(map(re.escape, compile_patterns(lex).dept_words))
    return re.compile(f"(?P<dept>(?:{alt})(?:、(?:{alt}))*)等?(?:主管部门|部门)")


def _listed_before(text: str, pos: int, by_end: dict[int, Cand], lex: Lexicon) -> list[Cand]:
    """The regions listed right before ``pos`` (泸州市、永川区和江津区; 四川省泸州市: the city only)."""
    def before(r: Cand) -> Cand | None:  # the region right before r, glued or joined by 、和与及
        return by_end.get(r.start) or (by_end.get(r.start - 1) if text[r.start - 1 : r.start] in _LIST_JOIN else None)

    listed: list[Cand] = []
    r = by_end.get(pos)
    while r is not None:
        if not (listed and r.end == listed[0].start and _contains(r.name, listed[0].name, lex)):
            listed.insert(0, r)  # else 重庆市永川区: the municipality qualifies the district
        r = before(r)
    return listed


_SEARCH_BACK = 3  # sentences


class _Boxes:
    """Spans (titles, groups) of a sentence, asked which of them lie around a candidate.

    A sentence or a document may hold hundreds of clauses, each with a title and a trigger, so the question
    is answered from the spans' starts and their running furthest end, not by trying each.
    """

    def __init__(self, boxes: list[Cand]) -> None:
        self.boxes = sorted(boxes)
        self.starts = [b.start for b in self.boxes]
        self.reach = list(accumulate((b.end for b in self.boxes), max))

    def covers(self, c: Cand) -> bool:
        """Whether some span lies around ``c``."""
        k = bisect_right(self.starts, c.start)
        return k > 0 and self.reach[k - 1] >= c.end

    def around(self, c: Cand) -> Iterator[Cand]:
        """The spans with ``start <= c.start`` and ``c.end <= end``."""
        k = bisect_right(self.starts, c.start)
        while k and self.reach[k - 1] >= c.end:
            k -= 1
            if self.boxes[k].end >= c.end:
                yield self.boxes[k]


class _Nearby:
    """What :func:`_places_nearby` needs of a document's places and titles, worked out once."""

    def __init__(self, chosen: list[Cand], regions: list[Cand]) -> None:
        self.ends = {c.end: c for c in regions}
        self.starts = {c.start: c for c in regions}
        self.titles = _Boxes([t for t in chosen if t.type in TITLED_TYPES])
        self.names: dict[tuple[int, bool], list[str]] = {}  # (sentence, with provinces' bodies) → its acting places
        self.found: dict[tuple[int, int, int, int], list[str]] = {}  # the answers so far (many 两地 share one)

    def in_title(self, c: Cand) -> bool:
        return self.titles.covers(c)


def _places_of_bodies(chosen: list[Cand], lex: Lexicon) -> list[Cand]:
    """The city or district of each local body named (遂宁市生态环境局 → 遂宁市, 重庆市潼南区河长办公室 → 潼南区),
    where it is named: the bodies that acted stand for their places when 两地 looks back."""
    out = []
    for c in chosen:
        if c.type != "Agency" or c.members:
            continue
        where = _region_prefix(c.name, lex)
        if where in _MUNICIPALITIES and (inner := _region_prefix(c.name[len(where) :], lex)) \
                and lex.places[inner].parent == where:
            where = inner  # 重庆市潼南区生态环境局: the district's
        p = lex.places.get(where)
        if p is not None and p.level in ("prefecture", "county"):
            out.append(Cand(c.start, c.end, "Region", p.name, kind="body-place"))
        elif p is not None and p.level == "province":
            out.append(Cand(c.start, c.end, "Region", p.name, kind="body-province"))  # only for 三省 (_of_unit)
    return out


def _places_nearby(text: str, pos: int, regions: list[Cand], n: int, lex: Lexicon,
                   groups: list[tuple[int, list[str]]], near: _Nearby, unit: str = "") -> list[str]:
    """The places named before ``pos`` in its sentence, else in the nearest of the sentences before naming any.

    A group of as many places in that sentence (四川省、云南省、贵州省三省人民政府签订…) is taken first.
    ``regions`` are sorted by offset.  Only places of the count's unit are looked for: 三省 provinces,
    三市 cities, 三区县 districts and counties (三地 any).
    """
    spans = sentences(text)
    at = bisect_left(spans, (pos + 1,)) - 1
    key = (at, bisect_left(regions, (pos,)), n, len(groups), unit)  # the same places before pos, the same groups
    found = near.found.get(key)
    if found is None:
        found = near.found[key] = _places_nearby_of(text, pos, at, spans, regions, n, lex, groups, near, unit)
    return found


_UNIT_LEVELS = {"省": ("province",), "省市": ("province",), "市": ("prefecture", "province"), "区县": ("county",),
                "区": ("county",), "县": ("county",), "市区": ("prefecture", "county"), "市县": ("prefecture", "county")}


def _of_unit(name: str, unit: str, lex: Lexicon) -> bool:
    """Whether the place ``name`` is one a count of ``unit`` counts (三省: 四川省, not 泸州市; 三市: 重庆市 or 泸州市)."""
    levels = _UNIT_LEVELS.get(unit)
    if levels is None:
        return True
    p = lex.places.get(name)
    if p is None or p.level not in levels:
        return False
    return unit != "市" or p.level != "province" or name.endswith("市")


def _places_nearby_of(text: str, pos: int, at: int, spans: tuple[tuple[int, int], ...], regions: list[Cand], n: int,
                      lex: Lexicon, groups: list[tuple[int, list[str]]], near: _Nearby, unit: str = "") -> list[str]:
    for k in range(at, max(-1, at - _SEARCH_BACK - 1), -1):
        lo, hi = spans[k] if k >= 0 else (0, 0)
        whole = hi <= pos
        hi = min(hi, pos)
        group = next((g for s, g in reversed(groups) if lo <= s < hi and len(g) == n
                      and all(_of_unit(p, unit, lex) for p in g)), None)
        if group is not None:
            return group
        provinces = unit in ("省", "省市")  # the bodies of provinces count only toward 三省 (四川省生态环境厅、…三省)
        names = near.names.get((k, provinces)) if whole else None
        if names is None:
            names = []
            for c in regions[bisect_left(regions, (lo,)) : bisect_left(regions, (hi,))]:
                if near.in_title(c) or c.kind == "body-province" and (not provinces or k == at):
                    continue
                nxt = near.starts.get(c.end)
                if nxt is not None and _contains(c.name, nxt.name, lex):
                    continue  # 四川省泸州市: the province qualifies the city
                if c.kind == "body-place":
                    if k == at:
                        continue  # bodies of its own sentence are the parties themselves (_named_parties)
                elif _is_object_place(text, c, 0, near.ends) or c.start and text[c.start - 1] in "河江段" \
                        or text[c.end : c.end + 1] == "段":
                    continue  # 在永川区召开, 赤水河合江段, 乌江流域（重庆段）: where, not who
                if c.name not in names:
                    names.append(c.name)
            if whole:
                near.names[(k, provinces)] = names
        names = [p for p in names if _of_unit(p, unit, lex)]
        if names:
            if len(names) == n:
                return names
            # 四地 after a sentence naming two: the group of four counted before (…四地人民政府共同签署…)
            for j in range(k - 1, max(-1, at - _SEARCH_BACK - 1), -1):
                lo, hi = spans[j] if j >= 0 else (0, 0)
                group = next((g for s, g in reversed(groups) if lo <= s < hi and len(g) == n
                              and all(_of_unit(p, unit, lex) for p in g)), None)
                if group is not None:
                    return group
            return []
    return []


def _body_of(place: str, dept: str, body: str | None, lex: Lexicon, pats: Patterns) -> str:
    """The body ``body`` (河长办, 人民政府) or the department for ``dept`` (生态环境) of ``place``."""
    p = lex.places[place]
    province = p.level == "province" and place not in _MUNICIPALITIES
    if not body:
        if place in lex.pair_members:
            side = lex.pair_members.index(place)
            for pat, mem in lex.departments:
                if dept in pat.split("|") and len(mem) > side:
                    return mem[side]
        if any(dept == f or dept in shorts for f, shorts in lex.agency_suffixes):
            body = dept  # 两地河长办, 两地政府: the department word is the body's
        else:
            body = dept + ("厅" if province else "局")
    full = next((f for f, shorts in lex.agency_suffixes if body == f or body in shorts), body)
    if full.endswith("厅") and not province:
        full = full[:-1] + "局"  # 三地生态环境厅: a city's or district's department is a bureau
    elif full.endswith("局") and province and full[:-1] in pats.dept_words:
        full = full[:-1] + "厅"
    for name in (place + body, place + full):
        if name in lex.agency_forms:
            return lex.agency_forms[name]
    return _resolve_agency(place + full, lex, "", "", "") or place + full


def find_mentions(text: str, lex: Lexicon, ctx: Context) -> list[Cand]:
    """Every entity mention of ``text`` (overlaps resolved), sorted by offset."""
    cands: list[Cand] = []
    _titles(text, lex, cands)
    _headline_document(text, lex, cands)
    _abbreviations(text, cands, ctx)
    _abbreviation_uses(text, cands, ctx)
    _quoted(text, lex, cands)
    _named(text, lex, cands)
    _places(text, lex, cands)
    _rivers_open(text, lex, cands)
    _parks(text, lex, cands)
    _agencies(text, lex, ctx, cands)
    _agency_abbreviations(text, cands, ctx)
    _collectives(text, lex, cands)
    _city_bureaus(text, lex, cands)
    _meetings(text, lex, ctx, cands)
    _triggered_titles(text, lex, cands)
    _standards_and_actions(text, lex, cands)
    _mechanisms(text, lex, cands)
    _platforms(text, lex, cands)
    chosen = _shared_body_word(text, _select(_outside_credit_lines(text, _outside_document_numbers(text, cands))), lex)
    chosen = _group_abbreviations(text, _shared_department(text, _counted_collectives(text, chosen, lex), lex))
    chosen = _counted_bodies(text, _the_two_parties(text, chosen))
    return _anaphors(text, _short_titles(_with_municipality(chosen, lex), _headline_end(text), text))


_SIGNING = re.compile(r"签署|签订|签约")
_PAIR_JOIN = frozenset(("与", "和", "同"))


def _the_two_parties(text: str, chosen: list[Cand]) -> list[Cand]:
    """双方 after A与B签署《…》: the two who signed last before it, not the two sides of Sichuan–Chongqing.

    Only a bare 双方 (not 川渝双方, 双方生态环境部门) whose text names such a pair of bodies or places
    joined by 与/和/同 in a sentence that signs something.
    """
    todo = [k for k, c in enumerate(chosen) if c.kind == "collective" and c.end - c.start == 2 and text.startswith("双方", c.start)]
    if not todo:
        return chosen
    actors = [c for c in chosen if c.type in _SUBJECT_TYPES and c.kind != "collective"]
    by_start = {c.start: c for c in actors}
    pairs: list[tuple[int, Cand, Cand]] = []  # (end of the sentence, first party, second party)
    for a in actors:
        if text[a.end : a.end + 1] not in _PAIR_JOIN or (b := by_start.get(a.end + 1)) is None or b.type != a.type:
            continue
        if text[a.start - 1 : a.start] in _LIST_JOIN or text[b.end : b.end + 1] in _LIST_JOIN:
            continue  # A、B与C: more than two
        stop = _SENTENCE_MARKS.search(text, b.end)
        end = stop.start() if stop else len(text)
        if _SIGNING.search(text, b.end, end):
            pairs.append((end, a, b))
    if not pairs:
        return chosen
    ends = [p[0] for p in pairs]
    out = list(chosen)
    for k in todo:
        c = chosen[k]
        j = bisect_left(ends, c.start) - 1
        if j < 0:
            continue
        _end, a, b = pairs[j]
        members = tuple(dict.fromkeys(n for x in (a, b) for n in (x.members or (x.name,))))
        out[k] = c._replace(type=a.type, name="+".join(members), members=members)
    return out


#: 四部门, 三家单位: a count of bodies (not 两省市生态环境部门 or 三地部门, whose places are counted)
_COUNTED_BODIES = re.compile(r"(?<![省市区县地级第\d两三四五六七八九十])([两三四五六七八九十])(?:个|家)?(?:部门|单位)(?![\u4e00-\u9fff]{0,2}(?:之间|以外))")
_COUNTED_LOOKBACK = 3  # sentences


def _counted_bodies(text: str, chosen: list[Cand]) -> list[Cand]:
    """四部门召开…: the bodies listed last before it (A、B、C和D签署…), when the list has as many.

    The list (or an earlier count of the same group) is in its sentence, before it, or in one
    of the three sentences before; or further back (twelve sentences) when it is the last list
    of bodies before the count.  An unresolved count names nobody (it is no candidate).
    """
    if "部门" not in text and "单位" not in text:
        return chosen
    found = [m for m in _COUNTED_BODIES.finditer(text) if not any(c.start <= m.start() < c.end for c in chosen)]
    if not found:
        return chosen
    bodies = [c for c in chosen if c.type == "Agency"]
    lists: list[list[Cand]] = []  # runs of bodies joined by 、和与及, in the text's order
    for c in bodies:
        if lists and lists[-1][-1].end + 1 == c.start and text[c.start - 1] in _LIST_JOIN:
            lists[-1].append(c)
        else:
            lists.append([c])
    ends = [run[-1].end for run in lists]
    spans = sentences(text)
    out = list(chosen)
    for m in found:
        n = _COUNT[m.group(1)]
        at = bisect_left(spans, (m.start() + 1,)) - 1
        lo = spans[max(0, at - _COUNTED_LOOKBACK)][0] if at >= 0 else 0
        far = spans[max(0, at - _ONLY_MEETING_LOOKBACK)][0] if at >= 0 else 0
        listed_since = False  # whether a list of bodies comes between
        for k in range(bisect_left(ends, m.start() + 1) - 1, -1, -1):
            run = lists[k]
            if run[0].start < (lo if listed_since else far):
                break
            members = tuple(dict.fromkeys(x for c in run for x in (c.members or (c.name,))))
            listed_since = listed_since or len(members) > 1
            if len(members) == n and (run[0].start >= lo or len(members) > 1):
                group = Cand(m.start(), m.end(), "Agency", "+".join(members), priority=23, kind="collective", members=members)
                out.append(group)
                j = bisect_left(ends, group.end)
                lists.insert(j, [group])  # 四部门将…。…四部门召开: a later count takes up the group
                ends.insert(j, group.end)
                break
    return sorted(out) if len(out) > len(chosen) else chosen


#: 该试点实施方案由…, 上述标准经…: a title named before, taken up again as the subject of a clause
_ANAPHOR = re.compile(rf"(?:该|上述|此|这一|这项)([{CJK}]{{0,6}}?(?:实施方案|工作方案|方案|规划|标准|技术规范|规范|指南|协议|备忘录|条例|办法|"
                      rf"行动计划|计划|工作要点|要点|细则))(?=由|经|已由|系由)")


def _anaphors(text: str, chosen: list[Cand]) -> list[Cand]:
    """该试点实施方案由A、B联合编制: the last title before it that ends so (…试点实施方案) is meant."""
    if "由" not in text and "经" not in text:
        return chosen
    found = []
    starts = [c.start for c in chosen]
    for m in _ANAPHOR.finditer(text):
        k = bisect_left(starts, m.start())
        if k < len(chosen) and chosen[k].start < m.end() or k and chosen[k - 1].end > m.start():
            continue  # part of another name
        words = m.group(1)
        target = next((c for c in reversed(chosen[:k]) if c.type in TITLED_TYPES and c.type != "Meeting"
                       and base_title(c.name).endswith(words)), None)
        if target is not None:
            found.append(Cand(m.start(), m.end(), target.type, target.name, priority=30, kind="anaphor"))
    return sorted(chosen + found) if found else chosen


def _with_municipality(chosen: list[Cand], lex: Lexicon) -> list[Cand]:
    """A district's body the document also names with its municipality (重庆市渝北区生态环境局 …
    渝北区生态环境局) is that full name wherever it is mentioned."""
    full = {c.name[3:]: c.name for c in chosen if c.type == "Agency" and c.name[:3] in _MUNICIPALITIES and not c.members
            and (p := lex.places.get(_region_prefix(c.name[3:], lex))) is not None and p.level == "county" and p.parent == c.name[:3]}
    if not full:
        return chosen
    out = []
    for c in chosen:
        if c.type == "Agency" and c.members and any(m in full for m in c.members):
            members = tuple(full.get(m, m) for m in c.members)
            c = c._replace(name="+".join(members), members=members)
        elif c.type == "Agency" and c.name in full:
            c = c._replace(name=full[c.name])
        out.append(c)
    return out


#: a document number: the issuer's code, the year in brackets, the serial (川长江办发〔2022〕8号, 渝府办发（2024）12号)
_DOCUMENT_NUMBER = re.compile(rf"[{CJK}]{{1,6}}[发函办字文令复告][〔［\[（(]\s*(?:19|20)\d\d\s*[〕］\]）)]\s*第?\d+\s*号")
_DOCUMENT_NUMBER_OPEN = re.compile(r"[〔［\[（(]")
_DOCUMENT_NUMBER_REST = re.compile(r"[\s\d〕］\]）)第号]*")  # every character a number holds after its bracket


def _outside_document_numbers(text: str, cands: list[Cand]) -> list[Cand]:
    """``cands`` without those inside a document number (长江 in 川长江办发〔2022〕8号 is no river)."""
    if "号" not in text:
        return cands
    # searched only near an opening bracket: the code (at most 7 characters) before it, the rest after it
    numbers = [(m.start(), m.end()) for m in _near(_DOCUMENT_NUMBER, text, _DOCUMENT_NUMBER_OPEN, 7, 0, run=_DOCUMENT_NUMBER_REST)]
    if not numbers:
        return cands
    return [c for c in cands if not any(a <= c.start and c.end <= b for a, b in numbers)]


#: a page's credit line, not article text: 来源：某某局, （供稿：某某办公室）, 编辑：… 审核：…, 2024-09-13 来源：某报 作者：某某
#: (at most 80 characters, no sentence inside); the bodies it names are the page's, not the story's
_CREDIT_LINE = re.compile(
    r"^[^\S\n]*[*_【\[（(]?[^\n。；！？]{0,30}?(?<![一-鿿])(?:来源|信息来源|稿源|供稿|供图|作者|责任编辑|编辑|审核|审校|校对|通讯员)"
    r"[^\S\n]*[:：][^\n。；！？]{0,60}$",
    re.M,
)


#: an office inside a body (土壤生态环境处, 信访办公室, 政府办公室): on a credit line it is the desk that filed the page;
#: a media outlet there (融媒体中心, 日报) is the press, which is not annotated
_DESK = re.compile(r"(?:处|办公室|办|科|室|股|融媒体中心|新闻中心|报社|日报|晚报|电视台)$")


def _outside_credit_lines(text: str, cands: list[Cand]) -> list[Cand]:
    """``cands`` without those on a credit line, except the publishing body of a 来源 line.

    来源：四川省生态环境厅 names the body that published the page (kept); the desk that
    filed it (来源：某厅土壤生态环境处, 供稿：某区人民政府办公室), editors' lines and places
    or media named there (来源：潼南区融媒体中心) are page furniture.
    """
    if "：" not in text and ":" not in text:
        return cands
    lines = [(m.start(), m.end(), "来源" in m.group(0)) for m in _CREDIT_LINE.finditer(text)]
    if not lines:
        return cands
    out = []
    for c in cands:
        line = next((ln for ln in lines if ln[0] <= c.start and c.end <= ln[1]), None)
        if line is None or line[2] and c.type == "Agency" and not _DESK.search(c.name):
            out.append(c)
    return out


#: （以下简称“两厅局”）, （以下简称“双方”）: a short name for the bodies just named together
_GROUP_ALIAS = re.compile(r"[（(]以下简称[:：]?[“\"]?([两双三][^”\"）)\s]{1,6})[”\"]?[)）]")


def _group_abbreviations(text: str, chosen: list[Cand]) -> list[Cand]:
    """四川省生态环境厅与重庆市生态环境局（以下简称“两厅局”）: every later 两厅局 is both bodies."""
    if "以下简称" not in text:
        return chosen
    found = list(_GROUP_ALIAS.finditer(text))
    if not found:
        return chosen
    by_end = {c.end: c for c in chosen if c.type == "Agency" and not c.members}
    extra: list[Cand] = []
    for m in found:
        n = 3 if m.group(1).startswith("三") else 2
        members: list[str] = []
        c = by_end.get(m.start())
        while c is not None and len(members) < n:
            members.insert(0, c.name)
            c = by_end.get(c.start - 1) if c.start > 0 and text[c.start - 1] in "与和及、" else None
        if len(members) != n or len(set(members)) != n:
            continue
        alias = m.group(1)
        pos = m.end()
        while (k := text.find(alias, pos)) >= 0:
            extra.append(Cand(k, k + len(alias), "Agency", "+".join(members), priority=24, kind="collective", members=tuple(members)))
            pos = k + len(alias)
    if not extra:
        return chosen
    spans = [(c.start, c.end) for c in chosen]
    extra = [x for x in extra if not any(a < x.end and x.start < b for a, b in spans)]
    return sorted(chosen + extra)


def _shared_department(text: str, chosen: list[Cand], lex: Lexicon) -> list[Cand]:
    """安居区、乐至县、潼南区生态环境局 and 成都、自贡等市生态环境局: the department of every place listed.

    A body right after a list of places (joined by 、, or closed by 等市/等区/等县) is the body of each
    of them; one candidate spans the list and has the bodies as members, so the listed places are
    not agents of their own.
    """
    todo = [k for k, c in enumerate(chosen) if c.type == "Agency" and not c.members and c.start > 0 and text[c.start - 1] in "、等"
            or c.kind == "shared"]
    if not todo:
        return chosen
    by_end = {c.end: c for c in chosen if c.type == "Region" and not c.members
              and (p := lex.places.get(c.name)) is not None and p.level in ("province", "prefecture", "county")}
    pats = compile_patterns(lex)
    out = list(chosen)
    for k in todo:
        c = chosen[k]
        if c.kind != "shared":
            own = _own_place(c.name, lex)
            body = c.name[len(own):] if own and text.startswith(own, c.start) else ""
        else:  # 等市生态环境局: a place's short form of a body
            body = text[c.start + 1 : c.end]
        listed = _listed_before(text, c.start - 1, by_end, lex)
        if not body or not listed:
            if c.kind == "shared":
                out[k] = None  # 等市生态环境局 with no list: nobody in particular
            continue
        places = [r.name for r in listed]
        members = tuple(dict.fromkeys([_body_of(p, "", body, lex, pats) for p in places] + ([c.name] if c.kind != "shared" else [])))
        qualifier = by_end.get(listed[0].start)  # 重庆市|永川、荣昌等区生态环境局: the municipality is no agent either
        start = qualifier.start if qualifier is not None else listed[0].start
        out[k] = Cand(start, c.end, "Agency", "+".join(members), priority=24, kind="collective", members=members)
    if all(out[k] is chosen[k] for k in todo):
        return chosen
    return sorted(c for c in out if c is not None)


_HEADLINE = re.compile(r"\s*([^\n]{4,80})(?:\n|$)")
#: a document's own title as its first line: 四川省人民代表大会常务委员会关于加强…保护的决定
_HEADLINE_DOCUMENT = re.compile(r"(?:[^\n《》“”，。：]{2,40}?)关于[^\n《》“”，。：]{2,60}的(?:决定|实施意见|指导意见|意见|规定|办法)")


_BODY_END = re.compile(r"(?:厅|局|委员会|政府|常委会|办公室|办公厅|委|部|院|署|中心)$")


#: the issuers' line of an official notice: bodies apart by spaces (重庆市生态环境局　四川省生态环境厅)
_ISSUER_LINE = re.compile(r"[ \t\u3000]*([^\n]{4,120}?)[ \t\u3000]*\n")
_NOTICE_LINE = re.compile(r"\s*(关于[^\n。；]{2,120}的(?:通知|决定|实施意见|指导意见|意见|批复|通告|公告))[ \t\u3000]*(?:\n|$)")


def _office_of(surface: str, lex: Lexicon) -> str:
    """四川省生态环境厅办公室: the general office of a body named in full, which issues in its name; else ""."""
    if surface.endswith("办公室") and (body := _resolve_agency(surface[:-3], lex, "", "", "")):
        return body + "办公室"
    return ""


def _notice_under_issuers(text: str, lex: Lexicon) -> tuple[tuple[str, ...], int, int] | None:
    """An official notice's opening: a line of its issuers only, then its title (关于印发《…》的通知).

    Returns the issuers and the title's span, or None.
    """
    m = _ISSUER_LINE.match(text)
    if m is None or "关于" in m.group(1):
        return None
    parts = m.group(1).split()
    issuers = tuple(_resolve_agency(p, lex, "", "", "") or _office_of(p, lex) for p in parts)
    if not all(issuers):
        return None
    t = _NOTICE_LINE.match(text, m.end())
    return (tuple(dict.fromkeys(issuers)), t.start(1), t.end(1)) if t else None


def _headline_document(text: str, lex: Lexicon, cands: list[Cand]) -> None:
    """The title of a decision, rules or opinions that is the document's first line (no title marks),
    or the second line under a line of its issuers (重庆市生态环境局　四川省生态环境厅\n关于印发《…》的通知)."""
    if text[:1] != "关" and (notice := _notice_under_issuers(text, lex)) is not None:
        _, s, e = notice
        name = clean_name(text[s:e])
        if (typ := classify_title(name, lex)) in ("Regulation", "Programme"):
            cands.append(Cand(s, e, typ, name, priority=30, kind="title"))
        return
    m = _HEADLINE.match(text)
    if not m or not _HEADLINE_DOCUMENT.fullmatch(m.group(1).strip()):
        return
    line = m.group(1).strip()
    s = m.start(1) + len(m.group(1)) - len(m.group(1).lstrip())
    e = s + len(line)
    about = line.index("关于")
    if about and not _BODY_END.search(line, 0, about):
        s += about  # 四川出台关于…的意见: the title starts at 关于 when no body opens it
    name = clean_name(text[s:e])
    typ = classify_title(name, lex)
    if typ in ("Regulation", "Programme"):
        cands.append(Cand(s, e, typ, name, priority=30, kind="title"))


def _headline_end(text: str) -> int:
    """The end of the first line when it is a headline (no sentence end inside but a cry before it: 重磅！), else 0."""
    m = _HEADLINE.match(text)
    if not m:
        return 0
    cry = _HEADLINE_CRY.match(m.group(1))
    return m.end(1) if not _SENTENCE_MARKS.search(m.group(1), cry.end() if cry else 0) else 0


#: 重磅！, 好消息！, # 喜讯! before a headline
_HEADLINE_CRY = re.compile(r"[^。！？!?；\n]{1,6}[！!]+\s*")


_SENTENCE_MARKS = re.compile(r"[。！？!?；]")


#: a national standard's number after a title: 《畜禽养殖业污染物排放标准》（GB 18596-2001） is not the regional
#: 《川渝地区畜禽养殖业污染物排放标准》 (whose own number is a DB51/DB50 one)
_OWN_NUMBER = re.compile(r"》?\s*[（(]\s*(?:GB|HJ)(?![A-Za-z])", re.IGNORECASE)


def _short_titles(chosen: list[Cand], headline_end: int = 0, text: str = "") -> list[Cand]:
    """《行动计划》 after 《美丽重庆建设行动计划》: a short reference to the full title (not one with its own number)."""
    full = [c for c in chosen if c.kind in ("title", "quoted", "triggered") and c.type in TITLED_TYPES]
    endings = {f.name[k:] for f in full for k in range(len(f.name))}  # what a full title's name can end with
    titles: dict[tuple[str, str], set[str]] = {}  # (type, last two characters) → the names in 《》
    for f in full:
        if f.kind == "title":
            titles.setdefault((f.type, f.name[-2:]), set()).add(f.name)
    # 琼江流域联席会议 in a headline, 2023年琼江流域联席会议 in the text: one meeting
    dated: dict[str, set[str]] = {}
    for c in chosen:
        if c.type == "Meeting" and (m := _YEAR_PREFIX.match(c.name)):
            dated.setdefault(m.group(2), set()).add(c.name)
    meetings: dict[tuple[str, str], set[str]] = {}  # the meetings named after the headline, as ``titles``
    if headline_end:
        for c in chosen:
            if c.type == "Meeting" and c.start >= headline_end:
                meetings.setdefault((c.type, c.name[-2:]), set()).add(c.name)
    out = []
    for c in chosen:
        if c.kind in ("title", "triggered") and len(c.name) >= 4 and c.name in endings and not _OWN_NUMBER.match(text, c.end):
            longer = [f for f in full if f.start < c.start and f.name != c.name and f.name.endswith(c.name) and f.type == c.type]
            if longer:
                c = c._replace(name=longer[-1].name, kind="short-title")
            elif c.kind == "triggered" and c.end <= headline_end and (whole := _spelled_out(c, titles)):
                c = c._replace(name=whole, kind="short-title")
        elif c.kind == "triggered" and c.end <= headline_end and (whole := _spelled_out(c, titles)):
            c = c._replace(name=whole, kind="short-title")
        elif c.type == "Meeting" and c.kind == "meeting-pattern" and len(dated.get(c.name, ())) == 1:
            c = c._replace(name=next(iter(dated[c.name])), kind="short-title")  # not when two years hold it
        elif c.type == "Meeting" and c.end <= headline_end and (whole := _spelled_out(c, meetings) or _reordered(c, meetings)):
            c = c._replace(name=whole, kind="short-title")  # 2024年大气污染联防联控工作会议 in a headline: the text's 2024年川渝…
        out.append(c)
    return out


_YEAR_PREFIX = re.compile(r"((?:19|20)\d\d年(?:度)?)(.{6,})$")


def _spelled_out(c: Cand, titles: dict[tuple[str, str], set[str]]) -> str:
    """The one titled name that a headline's untitled name leaves words out of, or "".

    A headline's 签订赤水河流域横向生态保护补偿协议 is the 《赤水河流域川渝横向生态保护补偿协议》 of the
    text: same type and head, the short name's characters in the same order.  (In the text an
    untitled 重污染天气应急预案 need not be a 《…市重污染天气应急预案》 named elsewhere.)
    """
    same = titles.get((c.type, c.name[-2:])) if len(c.name) >= 6 else None
    if not same:
        return ""
    found = [name for name in same if len(name) > len(c.name) and _is_subsequence(c.name, name)]
    return found[0] if len(found) == 1 else ""


def _reordered(c: Cand, titles: dict[tuple[str, str], set[str]]) -> str:
    """The one name of the same type and head with the same characters in another order, or "":
    2024年第三季度四川省生态环境厅例行新闻发布会 in a headline, 四川省生态环境厅2024年第三季度例行新闻发布会 in the text."""
    key = sorted(c.name)
    found = [name for name in titles.get((c.type, c.name[-2:]), ()) if name != c.name and sorted(name) == key]
    return found[0] if len(found) == 1 else ""


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


# --------------------------------------------------------------------------- relations


class Rel(NamedTuple):
    """A relation stated by the sentence ``sentence`` (analysis-text offsets)."""

    subject: str
    subject_type: str
    predicate: str
    object: str
    object_type: str
    sentence: tuple[int, int]


_SENT = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_SUBJECT_TYPES = ("Agency", "Region")
_OBJECT_TYPES: dict[str, tuple[str, ...]] = {
    "signedBy": ("Agreement",),
    "issuedBy": ("Programme", "Standard", "Regulation"),
    "participant": ("Meeting",),
}


@lru_cache(maxsize=2)  # the extraction of one document asks twice
def sentences(text: str) -> tuple[tuple[int, int], ...]:
    """The spans of the sentences of ``text`` (runs ending at 。！？!? or a line end).

    >>> sentences("两地签订协议。\\n  \\n重庆")
    ((0, 7), (11, 13))
    """
    return tuple(m.span() for m in _SENT.finditer(text) if m.group(0).strip())


def _triggers_by_sentence(text: str, spans: tuple[tuple[int, int], ...], pats: Patterns) -> list[list[re.Match[str]]]:
    """The trigger words of each sentence (``pats.trigger.finditer`` of the sentence), found in one pass.

    No trigger word holds a character that ends a sentence, so every match of the whole
    text lies inside one sentence or between sentences, and the scan of a sentence
    starts as that of the text does there.
    """
    found = list(pats.trigger_scan.finditer(text))
    starts = [m.start() for m in found]
    out = []
    for s, e in spans:
        i, j = bisect_left(starts, s), bisect_left(starts, e)
        out.append([m for m in found[i:j] if m.end() <= e])
    return out


def _expand(c: Cand) -> list[tuple[str, str]]:
    if c.members:
        typ = c.type
        return [(m, typ) for m in c.members]
    return [(c.name, c.type)]


#: 由 before the agents of a clause-final trigger (《…》由…联合印发); not 由于, 理由, 经由
#: a recommendation that others act: 建议由A编制, 提议由A牵头制定
_PROPOSED = re.compile(r"(?:建议|提议|倡议)[，,]?由")
#: a party that is no public body (companies, exchanges, universities) signs or issues: not the two sides by default
_NOT_PUBLIC = "交易所|交易中心|有限公司|股份公司|公司|集团|银行|大学|学院|协会|商会"  # exchanges, companies, universities, associations
_ORG_AFTER_PLACE = re.compile(rf"[{CJK}]{{0,12}}?(?:{_NOT_PUBLIC})(?![{CJK}]{{0,2}}(?:局|厅|委|办))")
_UNLISTED_PARTY = re.compile(rf"[{CJK}]{{2,}}(?:{_NOT_PUBLIC})(?:[与和、]|(?:正式|共同|联合)?(?:签|印发|发布))")
_PASSIVE_BY = re.compile(r"(?<![理自经缘来])由(?!于|此|来|衷)")
_CLAUSE_FINAL_TRIGGER = re.compile(r"[，。；、\s]|$|工作|等")


def find_relations(text: str, mentions: list[Cand], lex: Lexicon, ctx: Context) -> list[Rel]:
    """signedBy / issuedBy / participant from triggers, concerns from names inside titles."""
    pats = compile_patterns(lex)
    rels: list[Rel] = []
    by_sentence: list[tuple[tuple[int, int], list[Cand]]] = []
    ms = sorted(mentions)
    starts = [c.start for c in ms]
    i = 0
    spans = sentences(text)
    for s, e in spans:
        i = bisect_left(starts, s, i)  # the first mention starting in the sentence
        j = bisect_left(starts, e, i)
        by_sentence.append(((s, e), ms[i:j]))
    pair = [(m, "Region") for m in lex.pair_members]
    end = _headline_end(text)
    headline = next((sp for sp in spans[:2] if sp[1] == end), None)  # the headline's sentence, if any (after 重磅！)
    # a first line without 。 is a headline even when a cry splits it (共筑生态屏障！六市区签署合作协议): its parts are vague too
    first_line = _HEADLINE.match(text)
    vague_until = first_line.end(1) if first_line and "。" not in first_line.group(1) else end
    vague_rels: set[Rel] = set()  # relations whose agents are just the two sides in the headline
    acts: list[Rel] = []  # signedBy, issuedBy, participant (rels: concerns)
    # the meetings held in the text, not those whose spirit is carried out (贯彻…会议精神)
    meetings = [c for c in ms if c.type == "Meeting" and not _PAST_MEETING.match(text, c.end)]
    meeting_at = [c.start for c in meetings]
    at_meeting = _at_meeting(text, ms, meetings, meeting_at, spans, lex) if meetings else {}
    if turns := _speaker_turns(text, ms):
        ctx = replace(ctx, speakers=turns)
    for n_sent, (((s, e), inside), found) in enumerate(zip(by_sentence, _triggers_by_sentence(text, spans, pats), strict=True)):
        _concerns(inside, (s, e), rels, lex)
        acts.extend(at_meeting.get(n_sent, ()))
        # 通过 alone adopts only what follows it in title marks (人大常委会通过《…条例》, not 通过开展…)
        triggers = [(m.start(), m.end(), pats.trigger_pred[m.group(0)]) for m in found
                    if m.group(0) != "通过" or text[m.end() : m.end() + 1] in _OPENING_MARKS]
        if any(m.group(0) == "发布" for m in found):  # not 新闻发布会, 发布厅: a press conference is no issuing
            triggers = [t for t in triggers if not text.startswith(("发布会", "发布厅"), t[0])]
        if any(m.group(0) in ("与会", "发言") for m in found):  # not 参与会商, not 新闻发言人
            triggers = [t for t in triggers if not (text.startswith("与会", t[0]) and text[t[0] - 1 : t[0]] == "参"
                                                    or text.startswith("发言人", t[0]))]
        titled = [(c.start, c.end) for c in inside if c.type in TITLED_TYPES and text[c.start - 1 : c.start] in _OPENING_MARKS] if triggers else ()
        for k, (ts, te, pred) in enumerate(triggers):
            if pred not in _OBJECT_TYPES:
                continue
            if titled and any(a < ts < b for a, b in titled):
                continue  # 《…协同制定工作规则》: a word of the title, not a verb of the sentence
            next_t = triggers[k + 1][0] if k + 1 < len(triggers) else e
            objects = _objects(text, inside, te, next_t, e, pred)
            if not objects and pred == "signedBy" and text.endswith("制定", ts, te):
                pred = "issuedBy"  # 共同制定《…排放标准》: jointly drawn up, not signed
                objects = _objects(text, inside, te, next_t, e, pred)
            first = ts
            agents_from = s  # where the agents' clause starts
            if not objects and _CLAUSE_FINAL_TRIGGER.match(text[te : te + 2]):
                objects = _objects_before(text, inside, s, ts, pred)
                first = min((o.start for o in objects), default=ts)
                if not objects and (objects := _objects_of_clause_before(text, inside, s, ts, pred)):
                    first = ts  # the agents are those of the trigger's clause (计划与A联合印发), else of the clauses before
                if objects and (by := _PASSIVE_BY.search(text, max(o.end for o in objects), ts)):
                    first, agents_from = ts, by.end()  # 《…》由四川省生态环境厅、重庆市生态环境局联合印发
            if not objects and pred == "participant" and meeting_at and (ref := _to_the_meeting(text, s, ts, te)) is not None \
                    and (last := _meeting_referred(meetings, meeting_at, spans, n_sent, ref, text)):
                # …人民政府有关负责同志出席会议, …参会。, 会议由…主办: the meeting just named
                objects = [Cand(te, te, "Meeting", name) for name in last]
            if not objects:
                continue
            if _PROPOSED.search(text, s, ts):
                continue  # 检查组建议，由三省生态环境部门共同编制《…》: proposed to them, not done
            if pred == "participant" and objects[0].start == te and (att := _ATTENDEES.match(text, te)):
                # 出席会议的有A、B和C: those listed after
                at = {c.start: c for c in inside if c.type in _SUBJECT_TYPES}
                subjects = list(dict.fromkeys(item for c in _listed_agents(text, att.end(), at, lex, forward=True) for item in _expand(c)))
            else:
                subjects = _subjects(text, inside, agents_from, first, pred, ctx, lex)
            if not subjects and pred != "participant" and meeting_at and (ma := _MEETING_AGENT.match(text, s)) \
                    and not _REPORTED_AT_MEETING.search(text, ma.end(), ts) \
                    and (last := _last_meetings(meetings, meeting_at, spans, n_sent, text)):
                # 会议审议通过了《…》: those who held the meeting just named
                subjects = [(r.object, r.object_type) for r in acts if r.predicate == "participant" and r.subject in last]
                subjects = list(dict.fromkeys(subjects))
            if not subjects and text.startswith("关于", s) and n_sent:
                subjects = _header_bodies(text, by_sentence[n_sent - 1])  # XX厅办公室 XX局办公室 / 关于印发《…》的通知
            unnamed = not subjects or subjects == pair
            subjects = _named_parties(text, inside, s, first, subjects, lex, (ms, starts), ctx)
            if unnamed and (not subjects or subjects == pair or _cites_agreement(text, inside, s, first)) \
                    and (signers := _parties_of_agreement(text, inside, s, first, acts)):
                # 根据《合作协议》，三方将共同编制《…》: the parties are those who signed it, not places named in the sentences before
                subjects = signers
            if not subjects:
                clause_start = max(max(text.rfind(p, s, ts) for p in "，,；") + 1, s)
                line_start = text.rfind("\n", 0, s) + 1
                joint_paragraph = re.match(r"\s*[一二三四五六七八九十]是共", text[line_start : line_start + 8])
                # 在…召开的X会议上，两省市河长办…; …会议以视频形式召开，两省市…参会: the meeting's words end
                # where others are named, who act on their own
                # a joint cue after the objects' clause is about other work (组织编制《重庆市…规划》，…建设川渝…中心)
                until = _clause_end(text, objects[-1].end, e) if pred != "participant" else next(
                    (c.start for c in inside if c.start >= te and c.type in _SUBJECT_TYPES and c.start >= objects[-1].end), e)
                window = _without(text, clause_start, until, objects) + ("共同" if joint_paragraph else "")
                if not _UNLISTED_PARTY.search(text, clause_start, ts):
                    subjects = _default_subjects(pred, ctx, lex, objects, window)
            vague = subjects == pair and ((s, e) == headline or e <= vague_until)
            own = _own_agents(subjects, objects, lex) if len(subjects) > 1 and len(objects) > 1 and _EACH.search(text, s, te) else None
            if own is None and len(objects) > 1 and len(subjects) == 2 * len(objects) and "分别与" in text[s:te]:
                # A、B分别与C、D签署《X》和《Y》: X by A and C, Y by B and D
                n = len(objects)
                own = {o: [subjects[i], subjects[n + i]] for i, o in enumerate(objects)}
            for o in objects:
                for sname, stype in (own[o] if own else subjects):
                    for oname, otype in _expand(o):
                        if sname != oname:
                            rel = Rel(oname, otype, pred, sname, stype, (s, e))
                            acts.append(rel)
                            if vague:
                                vague_rels.add(rel)
    if vague_rels:
        # 川渝两地签订 in a headline, 四川省生态环境厅与重庆市生态环境局签订 in the text: the bodies signed
        named = {(r.subject, r.predicate) for r in acts if r not in vague_rels and (r.object, r.object_type) not in pair}
        acts = [r for r in acts if r not in vague_rels or (r.subject, r.predicate) not in named]
    if headline is not None and by_sentence and by_sentence[0][0] == headline:
        # 四川省人民代表大会常务委员会关于…的决定 as the first line: the body that opens it made it
        inside = by_sentence[0][1]
        for c in inside:
            if c.kind == "title" and c.type in ("Regulation", "Programme") and "关于" in c.name:
                acts.extend(Rel(c.name, c.type, "issuedBy", a.name, "Agency", headline) for a in inside
                            if a.type == "Agency" and a.start == c.start and text.startswith("关于", a.end))
    if (notice := _notice_under_issuers(text, lex)) is not None:
        # 重庆市生态环境局　四川省生态环境厅\n关于印发《…》的通知: those of the first line issued it
        issuers, ns, ne = notice
        acts.extend(Rel(c.name, c.type, "issuedBy", a, "Agency", (ns, ne)) for c in ms
                    if c.start == ns and c.end == ne and c.kind == "title" for a in issuers)
    if meetings:
        acts.extend(_speaker_units(text, ms, meetings))
        acts.extend(_sitting_in(text, ms, meetings, meeting_at, spans))
    # 四川省生态环境厅、重庆市生态环境局共同编制了《方案》 under their offices' 关于印发《方案》的通知: the bodies made it,
    # their offices only sent it out
    issuers = {(r.subject, r.object) for r in acts if r.predicate == "issuedBy"}
    acts = [r for r in acts if r.predicate != "issuedBy" or not r.object.endswith("办公室") or (r.subject, r.object[:-3]) not in issuers]
    rels.extend(_stated_scope(text, by_sentence, lex))
    rels.extend(_parties_abbreviated(acts, lex))
    rels.extend(_bodies_for_places(acts, lex, headline))
    return sorted(set(rels))


#: a sentence about a document's content: 《X》明确，…; 预案覆盖…; 根据备忘录，…; 按照新协议，…
_DOCUMENT_TYPES = ("Agreement", "Programme", "Standard", "Regulation")
_ACCORDING = re.compile(r"[ \t\u3000]*(?:根据|按照|依据|依照|在)?[《「“『]?")
_SAYS_SCOPE = re.compile(r"[》」”』]?(?:[（(]以下简称[^（）()]{1,24}[）)])?(?:框架下|框架内)?(?:明确|提出|规定|要求|覆盖|涵盖|适用于|包括|指出|聚焦|将|，)")
#: verbs that give a document's scope itself: every place after them is what it covers (本方案覆盖…广安市、遂宁市…)
_SCOPE_VERB = re.compile(r"覆盖|涵盖|适用于|范围")
_BARE_DOCUMENT = re.compile(
    rf"[ \t\u3000]*(?:(根据|按照|依据|依照)《?)?(?:该|本|此|上述|新|新的)?([{CJK}]{{0,4}}?(?:协议书|协议|备忘录|预案|实施方案|工作方案|方案|规划|标准|条例|办法|工作要点|要点|计划))"
    r"[》」”』]?(?:(明确|提出|规定|要求|覆盖|涵盖|适用于|包括|指出|聚焦)|(，))")
#: 补偿范围覆盖…, 适用范围包括…: the scope of the document the sentence before was about
_SCOPE_NOUN = re.compile(rf"[ \t\u3000]*[{CJK}]{{0,4}}范围(?:覆盖|涵盖|包括|为|扩大到|扩大至|扩展到|扩展至)")
#: 在嘉陵江干流联合开展“…”专项行动: where an action is carried out is what it is about
_CARRIED_OUT = re.compile(r"(?:沿线|沿岸|干流|流域|等地|一带)?(?:率先|联合|共同|协同|全面|深入)?(?:开展|推进|实施|启动)(?:了|的)?[“《]?")
_SCOPE_LOOKBACK = 6  # sentences
#: 濑溪河已纳入《…补偿协议》补偿范围: the places before are in the document's scope
_TAKEN_INTO = re.compile(r"(?:已经|已|被|均|也|一并|一起|同时|全部|正式)*纳入[《「“]?$")
_ITS_SCOPE = re.compile(rf"[》」”]?(?:的)?[{CJK}]{{0,6}}范围")
_CLAUSE_BREAK = re.compile(r"[，；]")


def _document_of(text: str, s: int, inside: list[Cand], earlier: list[Cand]) -> Cand | None:
    """The document a sentence opens with as its topic (《X》明确, 根据《X》，, 协议明确 for the last X named)."""
    lead = _ACCORDING.match(text, s).end()
    for c in inside:
        if c.start > lead + 1:
            break
        if c.type in _DOCUMENT_TYPES and c.start >= lead - 1 and (says := _SAYS_SCOPE.match(text, c.end)) \
                and (not says.group(0).endswith("，") or text[s:lead].strip(" \t\u3000《「“『")) \
                and (text[s:lead].strip(" \t\u3000《「“『") != "在" or "框架" in says.group(0)):
            return c
    m = _BARE_DOCUMENT.match(text, s)
    if m is None or (m.group(4) and not m.group(1)) or m.group(1) == "在":
        return None  # 方案，…: a bare head then a comma is the topic only after 根据/按照
    if any(c.start < m.end(2) and c.end > m.start(2) for c in inside):
        return None  # part of a name (协议 of 《…协议》 is the case above)
    word = m.group(2)
    return next((c for c in reversed(earlier) if c.type in _DOCUMENT_TYPES and base_title(c.name).endswith(word)), None)


def _stated_scope(text: str, by_sentence: list[tuple[tuple[int, int], list[Cand]]], lex: Lexicon) -> list[Rel]:
    """Rivers and regions a text says a document is about, beyond those in its title.

    A sentence whose topic is the document (《工作方案》明确，将渠江、涪江纳入监测范围; 预案覆盖涪江、琼江; 根据备忘录，双方将共享
    琼江、涪江…的数据), and the next one that gives its 范围: each river and named zone in it.  Where an action named in
    the sentence is carried out (在嘉陵江干流开展“清漂护岸”专项行动), the place is that action's.
    """
    out: list[Rel] = []
    earlier: list[Cand] = []
    previous: Cand | None = None
    for (s, e), inside in by_sentence:
        doc = _document_of(text, s, inside, earlier[-40:]) if inside or earlier else None
        if doc is None and previous is not None and _SCOPE_NOUN.match(text, s):
            doc = previous
        places = [c for c in inside if c.type in ("River", "Region") and not c.members]
        documents = [c for c in inside if c.type in _DOCUMENT_TYPES]
        own: set[Cand] = set()
        for d in documents:
            # 在X、Y(沿线)开展“Z”: the places listed right after 在, in Z's clause
            clause = max(text.rfind(p, s, d.start) for p in "，；：,;") + 1 or s
            at = text.rfind("在", max(clause, s), d.start)
            if at < 0:
                continue
            listed = [c for c in places if at < c.start and c.end <= d.start]
            if not listed or listed[0].start != at + 1 or not _CARRIED_OUT.fullmatch(text, listed[-1].end, d.start):
                continue
            pos, ok = at + 1, True
            for c in listed:
                if text[pos : c.start].strip("、和及与"):
                    ok = False
                    break
                pos = c.end
            if ok:
                own.update(listed)
                out.extend(Rel(d.name, d.type, "concerns", c.name, c.type, (s, e)) for c in listed)
        if doc is not None:
            # rivers and named zones: a district or town in such a sentence is more often one who acts (安居区与潼南区结对),
            # unless a scope verb says the places are what the document covers (本方案覆盖…广安市、遂宁市等区域)
            lo = doc.end if doc.start >= s else s
            scope = _SCOPE_VERB.search(text, lo, min(lo + 12, e))
            out.extend(Rel(doc.name, doc.type, "concerns", c.name, c.type, (s, e)) for c in places
                       if c not in own and c.start > doc.end and not any(t.start <= c.start < t.end for t in documents)
                       and (c.type == "River" or getattr(lex.places.get(c.name), "level", "") == "zone"
                            or scope is not None and c.type == "Region" and not c.kind.startswith("body")))
        for d in documents:
            if _TAKEN_INTO.search(text, max(s, d.start - 12), d.start) and _ITS_SCOPE.match(text, d.end):
                clause = max(text.rfind(p, s, d.start) for p in "，；：,;") + 1 or s
                out.extend(Rel(d.name, d.type, "concerns", c.name, c.type, (s, e)) for c in places
                           if clause <= c.start and c.end <= d.start and not c.kind.startswith("body"))
        if doc is None:
            # …《X工作要点》，工作要点聚焦长江干流及濑溪河…: a later clause whose topic is a document named before
            for m in _CLAUSE_BREAK.finditer(text, s, e):
                bare = _BARE_DOCUMENT.match(text, m.end())
                if bare is None or not bare.group(3) or bare.group(1) or any(c.start < bare.end(2) and c.end > bare.start(2) for c in inside):
                    continue
                word = bare.group(2)
                before = earlier[-40:] + [d for d in documents if d.end <= m.start()]
                if (topic := next((c for c in reversed(before) if base_title(c.name).endswith(word)), None)) is not None:
                    out.extend(Rel(topic.name, topic.type, "concerns", c.name, c.type, (s, e)) for c in places
                               if c.start >= bare.end() and (c.type == "River" or getattr(lex.places.get(c.name), "level", "") == "zone"))
                    break
        previous = doc
        earlier.extend(documents)
        if len(earlier) > 80:
            del earlier[:40]
    return out


_PODIUM_ROLES = "主持人|发布人|出席人|发言人"
#: a transcript's label of those on the podium: 发布人：A局B处处长 张三 (and the lines under it), 主持人（A办公室副主任 李四）：
_PODIUM_LABEL = re.compile(rf"^[ \t\u3000]*(?:{_PODIUM_ROLES})(?:[（(][^（()）\n]{{2,40}}[）)])?[：:]", re.M)
#: a speaker's turn with the unit: 张三（A局副局长）：
_SPEAKER_TURN = re.compile(r"^[ \t\u3000]*[\u4e00-\u9fff·]{2,6}[（(]([^（()）\n]{4,40})[）)][：:][ \t\u3000]*$", re.M)
#: a bracketed label on a line of its own over the names: 【发布人】, [主持人]
_PODIUM_HEADER = re.compile(rf"^[ \t\u3000]*[【\[](?:{_PODIUM_ROLES})[】\]][ \t\u3000]*$", re.M)
_PODIUM_LINE = re.compile(r"[^\n：:，。；！？,;!?]{0,60}(?=\n|$)")
_PODIUM_MORE = re.compile(r"[ \t\u3000]+[^\s：:，。；！？,;!?][^：:，。；！？,;!?\n]{3,60}$", re.M)  # an indented line under the label


#: the label of a turn in a transcript: 发布人（重庆市生态环境局副局长 张三）：, 张三（A局副局长）：, 主持人：
_TURN = re.compile(rf"^[ \t\u3000]*(?:{_PODIUM_ROLES}|[\u4e00-\u9fff·]{{2,6}}(?=[（(]))(?:[（(]([^（()）\n]{{4,40}})[）)])?[：:]", re.M)


def _speaker_turns(text: str, ms: list[Cand]) -> tuple[tuple[int, str], ...]:
    """Where each turn of a transcript starts and the body of its speaker ("" when the label names none)."""
    if "：" not in text and ":" not in text:
        return ()
    bodies = [c for c in ms if c.type == "Agency" and not c.members]
    starts = [c.start for c in bodies]
    out: list[tuple[int, str]] = []
    for m in _TURN.finditer(text):
        body = ""
        if m.group(1) is not None:
            lo, hi = m.span(1)
            body = next((c.name for c in _bodies_within(bodies, starts, lo, hi)), "")
        out.append((m.start(), body))
    return tuple(out) if any(b for _p, b in out) else ()


def _speaker_units(text: str, ms: list[Cand], meetings: list[Cand]) -> list[Rel]:
    """The bodies of those on the podium of a press conference take part in it (主持人、发布人 lines, 张三（A局副局长）：).

    Only in a text whose first meeting is a press conference (…发布会), which is the one meant.
    """
    conf = meetings[0]
    if not conf.name.endswith("发布会"):
        return []
    spans: list[tuple[int, int]] = []
    for m in _PODIUM_LABEL.finditer(text):
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        if not text[m.end() : line_end].strip() and not m.group(0).rstrip("：: \t\u3000").endswith(("）", ")")):
            continue  # 主持人：\n then what they say
        spans.append((m.start(), line_end))
        while (more := _PODIUM_MORE.match(text, line_end + 1)) is not None:  # the further names under 发布人：
            spans.append(more.span())
            line_end = more.end()
    spans.extend(m.span(1) for m in _SPEAKER_TURN.finditer(text))
    for m in _PODIUM_HEADER.finditer(text):
        # 【发布人】 on a line of its own, then one name a line down to the first blank line
        pos = m.end() + 1
        while (line := _PODIUM_LINE.match(text, pos)) is not None and line.group(0).strip():
            spans.append(line.span())
            pos = line.end() + 1
    if not spans:
        return []
    bodies = [c for c in ms if c.type == "Agency"]
    starts = [c.start for c in bodies]
    out: list[Rel] = []
    for lo, hi in spans:
        for c in _bodies_within(bodies, starts, lo, hi):
            out.extend(Rel(conf.name, "Meeting", "participant", name, typ, (lo, hi)) for name, typ in _expand(c))
    return out


def _bodies_within(bodies: list[Cand], starts: list[int], lo: int, hi: int) -> list[Cand]:
    """The ``bodies`` (sorted, ``starts`` their starts) that lie wholly inside ``[lo, hi)``."""
    return [c for c in bodies[bisect_left(starts, lo) : bisect_left(starts, hi)] if c.end <= hi]


_SITTING_IN = re.compile(r"[（(]列席[）)]")


def _sitting_in(text: str, ms: list[Cand], meetings: list[Cand], meeting_at: list[int],
                spans: tuple[tuple[int, int], ...]) -> list[Rel]:
    """A body or place marked （列席） sat in on the meeting named before it (its sentence, else :func:`_last_meetings`)."""
    out: list[Rel] = []
    if "列席" not in text:
        return out
    by_end = {c.end: c for c in ms if c.type in _SUBJECT_TYPES}
    for m in _SITTING_IN.finditer(text):
        if (c := by_end.get(m.start())) is None:
            continue
        n_sent = bisect_left(spans, (m.start() + 1,)) - 1
        if n_sent < 0:
            continue
        for meeting in _meeting_referred(meetings, meeting_at, spans, n_sent, c.start, text):
            out.extend(Rel(meeting, "Meeting", "participant", name, typ, spans[n_sent]) for name, typ in _expand(c))
    return out


_MEETING_LOOKBACK = 3  # sentences
_ONLY_MEETING_LOOKBACK = 12  # sentences, when the text has named one meeting only
#: 出席|会议, 参加|了会议: the meeting itself, not a named one
_THE_MEETING = re.compile(r"(?:了)?(?:会议|本次会议|此次会议|上述会议)(?:并|。|，|$)")
#: 出席|发布会, 参加|了本次座谈会: attending the meeting just named (召开了新闻发布会 holds another one)
_THE_MEETING_ATTENDED = re.compile(r"(?:了)?(?:本次|此次|上述)?(?:新闻发布会|发布会|座谈会|联席会议|视频会议|推进会|现场会|论坛|大会|座谈)(?:并|。|，|；|$)")
#: words that say attending or running a meeting, which refer back to the meeting just named
_ATTEND = frozenset({"参加", "出席", "参会", "与会", "到会指导", "列席", "主持", "主办", "承办", "协办", "发言", "致辞"})
#: 出席|会议的有A、B…: the attendees follow
_ATTENDEES = re.compile(r"(?:了)?(?:本次|此次)?(?:会议|座谈会|发布会|论坛|大会)?的(?:单位|部门|人员|领导|嘉宾|代表)?还?(?:有|包括|为)[：:]?")
_CLAUSE_END_AFTER = re.compile(r"[，。；]|并(?=[\u4e00-\u9fff]{2}[，。；])|$")  # 出席并讲话
#: a sentence whose agent is the meeting: 会议审议通过了…, 会上印发了…
_MEETING_AGENT = re.compile(
    r"\s*(?:\d+月\d+日，)?(?P<the>会议|会上|此次会议|本次会议|会议期间|(?:本次|此次)(?:联席会议|联席会|座谈会|论坛|大会|发布会|推进会))")
#: 会上，县生态环境局通报了其牵头修订的《…》: one body reports on its own document, the meeting did not make it
_REPORTED_AT_MEETING = re.compile(r"通报|介绍|汇报|报告|其")
#: each side acts for itself (协同审议通过, 分别印发), not jointly (联合印发 gives every document to every body)
_EACH = re.compile(r"分别|协同|同步|各自")


def _header_bodies(text: str, sentence: tuple[tuple[int, int], list[Cand]]) -> list[tuple[str, str]]:
    """The bodies of a line that names nothing else (a document's issuers above its 关于… title), or []."""
    (lo, hi), inside = sentence
    bodies = [c for c in inside if c.type == "Agency"]
    if not bodies or any(c.type != "Agency" and not any(b.start <= c.start and c.end <= b.end for b in bodies) for c in inside):
        return []
    rest = text[lo:hi]
    for c in sorted(bodies, key=lambda c: c.start, reverse=True):
        rest = rest[: c.start - lo] + rest[c.end - lo :]
    if rest.strip(" \u3000、和与及"):
        return []
    return [item for c in bodies for item in _expand(c)]


def _last_meetings(meetings: list[Cand], meeting_at: list[int], spans: tuple[tuple[int, int], ...], n_sent: int,
                   text: str) -> list[str]:
    """The meetings of the last sentence before sentence ``n_sent`` that names any.

    That sentence is one of the three before, not counting those about the meeting (会议指出…, 会上…);
    or, when it is the only meeting the text has named so far, one of the twelve before.
    ``meetings`` are the meetings held in the text, sorted, and ``meeting_at`` their starts.
    """
    k = bisect_left(meeting_at, spans[n_sent][0]) - 1
    if k < 0:
        return []
    at = bisect_left(spans, (meeting_at[k] + 1,)) - 1  # the sentence of that meeting
    if n_sent - at > _MEETING_LOOKBACK:
        about = sum(1 for j in range(at + 1, n_sent) if _MEETING_AGENT.match(text, spans[j][0]))
        if n_sent - at - about > _MEETING_LOOKBACK and (
            n_sent - at > _ONLY_MEETING_LOOKBACK
            or len({c.name for c in meetings[: k + 1]}) > 1
        ):
            return []
    lo, hi = spans[at]
    return list(dict.fromkeys(c.name for c in meetings[bisect_left(meeting_at, lo) : bisect_left(meeting_at, hi)]))


def _to_the_meeting(text: str, s: int, ts: int, te: int) -> int | None:
    """Where the participant trigger at ``ts``–``te`` refers to a meeting named before, which it does not name; else None.

    出席会议 / 参加了本次座谈会 (the meeting named before the trigger); a clause-final 参会 / 与会 /
    列席 / 主持 (likewise); 会议由…共同主办，…承办 (the meeting named before the words 会议由).
    """
    word = text[ts:te]
    if _THE_MEETING.match(text, te) or word in _ATTEND and (_THE_MEETING_ATTENDED.match(text, te) or _ATTENDEES.match(text, te)):
        return ts
    if not _CLAUSE_END_AFTER.match(text, te):
        return None
    clause = max(text.rfind("，", s, ts), text.rfind("；", s, ts)) + 1
    for start in (clause, s) if clause else (s,):
        if (m := _MEETING_AGENT.match(text, start)) is not None and (word in _ATTEND or text.startswith("由", m.end())):
            return m.end() - len(m.group("the"))  # 会议由A、B联合举办 (not 此次会议是为…而召开)
    return ts if word in _ATTEND else None


def _meeting_referred(meetings: list[Cand], meeting_at: list[int], spans: tuple[tuple[int, int], ...],
                      n_sent: int, pos: int, text: str) -> list[str]:
    """The meetings named before ``pos`` in sentence ``n_sent``, else :func:`_last_meetings`."""
    k = bisect_left(meeting_at, spans[n_sent][0])
    if k < len(meeting_at) and meeting_at[k] < pos:
        return list(dict.fromkeys(c.name for c in meetings[k : bisect_left(meeting_at, pos)]))
    return _last_meetings(meetings, meeting_at, spans, n_sent, text)


#: 贯彻…会议精神: a meeting referred to, not the one the text reports
_PAST_MEETING = re.compile(r"(?:的)?精神")
#: 会上, 会议上, 会议期间: at the meeting just named (a literal first, for a fast scan; not 社会上, 晚会上: see below)
_AT_THE_MEETING = re.compile(r"会(?:议?上|议期间)")
_PARTY_WORDS = ("双方", "三方")


def _at_meeting(text: str, ms: list[Cand], meetings: list[Cand], meeting_at: list[int],
                spans: tuple[tuple[int, int], ...], lex: Lexicon) -> dict[int, list[Rel]]:
    """Bodies acting at a meeting take part in it, by sentence: 会上，A与B交流了…; A在会上通报…; 在X会议上，两省市河长办确定….

    The agents are the bodies or places listed right after 会上， (or X会议上，) or right before
    在会上.  会上 is the meeting named before it in its sentence, else in the last of the three
    sentences before naming one; X会议上 is X.
    """
    hits: list[tuple[int, int, list[str]]] = []  # (start, end of 上 / 期间, the meetings)
    for c in meetings:
        if text.startswith("上", c.end):
            hits.append((c.start, c.end + 1, [c.name]))
    inside = [(c.start, c.end) for c in meetings]
    for m in _AT_THE_MEETING.finditer(text):
        start, end = m.span()
        if text[end : end + 1] not in "，," and text[start - 1 : start] != "在" or text[start - 1 : start] in "社晚舞宴":
            continue  # no list of agents after or before it; 社会上
        k = bisect_left(inside, (start + 1,)) - 1
        if k >= 0 and inside[k][1] > start:
            continue  # X大会上: the meeting X, above
        hits.append((start, end, []))
    if not hits:
        return {}
    by_start: dict[int, Cand] = {}
    by_end: dict[int, Cand] = {}
    for c in ms:
        if c.type in _SUBJECT_TYPES:
            if c.start not in by_start or c.end > by_start[c.start].end:
                by_start[c.start] = c  # the group that spans a list (A、B两地生态环境部门), not its first place
            by_end[c.end] = c
    out: dict[int, list[Rel]] = {}
    for start, end, names in hits:
        n_sent = bisect_left(spans, (start + 1,)) - 1
        if n_sent < 0 or not spans[n_sent][0] <= start < spans[n_sent][1]:
            continue
        agents = _listed_agents(text, end + 1, by_start, lex, forward=True) if text[end : end + 1] in "，," else []
        if text[start - 1 : start] == "在":
            agents += _listed_agents(text, start - 1, by_end, lex, forward=False)
        if not agents:
            continue
        names = names or _meeting_referred(meetings, meeting_at, spans, n_sent, start, text)
        for meeting in names:
            for c in agents:
                for name, typ in _expand(c):
                    out.setdefault(n_sent, []).append(Rel(meeting, "Meeting", "participant", name, typ, spans[n_sent]))
    return out


def _listed_agents(text: str, pos: int, at: dict[int, Cand], lex: Lexicon, *, forward: bool) -> list[Cand]:
    """The bodies and places listed (joined by 、和与及) from ``pos`` on (``at``: by start) or up to it (``at``: by end)."""
    out: list[Cand] = []
    while (c := at.get(pos)) is not None:
        if text.startswith(_PARTY_WORDS, c.start):
            return []  # 双方: the parties, named elsewhere
        if c.type == "Region" and not c.members:
            place = lex.places.get(c.name)
            if place is None or place.level not in ("province", "prefecture", "county"):
                if forward and not out and (body := at.get(c.end)) is not None and body.type == "Agency":
                    pos = c.end  # 会上，川南经济区自贡市生态环境局…: the zone only qualifies the body
                    continue
                break
            if text[c.start : c.end] != c.name and _CJK_CHAR.match(text, c.end) and text[c.end] not in _LIST_JOIN:
                break  # 自贡平原经济区: a short form opening another name
        if forward and c.type == "Region" and (nxt := at.get(c.end)) is not None and nxt.type == "Region" and _contains(c.name, nxt.name, lex):
            c = nxt  # 四川省泸州市: the province qualifies the city
        out.append(c)
        if forward:
            after = m.end() if (m := _ROLE_BEFORE_JOIN.match(text, c.end)) else c.end  # A副市长张三、B…
            pos = after + 1 if text[after : after + 1] in _LIST_JOIN else -1
        else:
            pos = c.start - 1 if text[c.start - 1 : c.start] in _LIST_JOIN else -1
    return out


def _own_agents(subjects: list[tuple[str, str]], objects: list[Cand], lex: Lexicon) -> dict[Cand, list[tuple[str, str]]] | None:
    """Each side's own document: 四川省人大常委会与重庆市人大常委会协同审议通过了《四川省…条例》和《重庆市…决定》.

    When every object's name opens with the place of some agents, and every agent's place opens
    some object's name, each object goes with the agents of its place; else None (all with all).
    """
    def place_of(name: str, typ: str) -> str:
        return name if typ == "Region" else _region_prefix(name, lex)

    places = [place_of(n, t) for n, t in subjects]
    if not all(places) or len(set(places)) < 2:
        return None
    out: dict[Cand, list[tuple[str, str]]] = {}
    for o in objects:
        where = _region_prefix(o.name, lex)
        mine = [sub for sub, p in zip(subjects, places, strict=True) if p == where]
        if not mine:
            return None
        out[o] = mine
    covered = {sub for mine in out.values() for sub in mine}
    return out if len(covered) == len(set(subjects)) else None


def _bodies_for_places(rels: list[Rel], lex: Lexicon, headline: tuple[int, int] | None) -> list[Rel]:
    """A place that acts through its own body: 宜宾江津签订 in a headline, 宜宾市生态环境局与江津区生态环境局签订 in the text.

    ``rels`` are signedBy, issuedBy and participant relations; only the headline's places give way.
    """
    if headline is None:
        return rels
    regions: dict[tuple[str, str], list[Rel]] = {}  # (document, predicate) → its relations to places
    for r in rels:
        if r.object_type == "Region" and r.sentence == headline:
            regions.setdefault((r.subject, r.predicate), []).append(r)
    if not regions:
        return rels
    places: dict[tuple[str, str], set[str]] = {}  # (document, predicate) → the places of its agencies
    for r in rels:
        if r.object_type == "Agency" and (r.subject, r.predicate) in regions and (where := _own_place(r.object, lex)):
            places.setdefault((r.subject, r.predicate), set()).add(where)
    drop = {r for key, mine in places.items() for r in regions[key] if any(p == r.object or _within(p, r.object, lex) for p in mine)}
    return [r for r in rels if r not in drop] if drop else rels


def _parties_abbreviated(acts: list[Rel], lex: Lexicon) -> list[Rel]:
    """A title that opens with one character of each party's place: 《达梁开…备忘录》 signed by 达州市, 梁平区 and 开州区 bodies.

    The characters stand for those places (as 遂潼, 泸永江 do for theirs), so the document concerns each of them.
    """
    parties: dict[tuple[str, str], dict[str, Rel]] = {}  # (document, type) → the parties' places → a relation that names one
    for r in acts:
        if r.predicate in ("signedBy", "issuedBy"):
            where = r.object if r.object_type == "Region" else _own_place(r.object, lex)
            place = lex.places.get(where) if where else None
            if place is not None and place.level not in ("province", "zone"):
                parties.setdefault((r.subject, r.subject_type), {}).setdefault(where, r)
    out: list[Rel] = []
    for (name, typ), places in parties.items():
        if len(places) < 2:
            continue
        lead = _LEADING_YEAR.match(name).end()
        if _region_prefix(name[lead:], lex):
            continue  # 大足区…: a place's own name, not a run of initials
        initials: dict[str, list[str]] = {}
        for where in places:
            initials.setdefault(where[0], []).append(where)
        run: list[str] = []
        for ch in name[lead : lead + 5]:
            if len(initials.get(ch, ())) != 1 or initials[ch][0] in run:
                break
            run.append(initials[ch][0])
        if 2 <= len(run) <= 4 and len(name) > lead + len(run) and name[lead + len(run)] not in initials:
            out.extend(Rel(name, typ, "concerns", where, "Region", places[where].sentence) for where in run)
    return out


def _own_place(name: str, lex: Lexicon) -> str:
    """The place whose body ``name`` is: 泸州市 of 四川省泸州市人民政府, 达川区 of 四川省达州市达川区人民政府."""
    where = _region_prefix(name, lex)
    rest = name[len(where) :]
    while where and (inner := _region_prefix(rest, lex)) and _within(inner, where, lex):
        where, rest = inner, rest[len(inner) :]
    return where


def _within(inner: str, outer: str, lex: Lexicon) -> bool:
    """``inner`` is a division of the province, city or county ``outer``."""
    return any(a.parent == outer for a in _lineage(lex.places.get(inner), lex, steps=2) if a.parent)


def _lineage(place, lex: Lexicon, *, steps: int = 3):
    """``place`` and its parents, at most ``steps`` levels up (county → city → province)."""
    for _ in range(steps + 1):
        if place is None:
            return
        yield place
        place = lex.places.get(place.parent) if place.parent else None


def _concerns(inside: list[Cand], sent: tuple[int, int], rels: list[Rel], lex: Lexicon) -> None:
    """Every river or region named in a title (its canonical name, so 市六届人大… counts too)."""
    for t in inside:
        if t.type not in TITLED_TYPES:
            continue
        for name, typ in places_in_name(t.name, lex):
            rels.append(Rel(t.name, t.type, "concerns", name, typ, sent))


_BOTH_SIDES = re.compile(r"川渝|成渝两地|重庆四川|四川重庆")
#: three or more one-character province names in a row that include Sichuan or Chongqing (川黔渝, 川渝滇, 渝黔川)
_PROVINCE_RUN = re.compile(rf"(?<![{''.join(_PROVINCE_ABBREVIATIONS)}])(?=[{''.join(_PROVINCE_ABBREVIATIONS)}]{{0,3}}[川渝])"
                           rf"[{''.join(_PROVINCE_ABBREVIATIONS)}]{{3,4}}(?![{''.join(_PROVINCE_ABBREVIATIONS)}])")
_LEADING_YEAR = re.compile(r"(?:\d{4}年(?:度)?)?")


@lru_cache(maxsize=65536)
def places_in_name(name: str, lex: Lexicon) -> tuple[tuple[str, str], ...]:
    """Rivers and regions named inside a title, longest match first; 川渝 names both sides.

    >>> from kg.lexicon import load_lexicon
    >>> places_in_name("岷沱江流域水污染联防联控联治机制", load_lexicon())
    (('岷江', 'River'), ('沱江', 'River'))
    """
    found: list[Cand] = []
    _places(name, lex, found)
    chosen = _select([c for c in found if c.type in ("Region", "River")])
    out: list[tuple[str, str]] = []
    for c in chosen:
        for item in (_expand(c) if c.members else [(c.name, c.type)]):
            if item not in out:
                out.append(item)
    zones = [(c.start, c.end) for c in chosen if c.type == "Region" and not c.members]
    lead = _LEADING_YEAR.match(name).end()
    for short, members in lex.place_groups.items():
        if name.startswith(short, lead) and not any(a <= lead < b for a, b in zones):
            # 遂潼生态环境保护一体化发展联席会议, 成德眉资同城化…备忘录: the places the short name stands for
            out.extend(m for m in ((p, "Region") for p in members) if m not in out)
    for m in _PROVINCE_RUN.finditer(name):
        # 川黔渝, 川滇黔: three provinces by their one-character names, outside any place or zone name (青川县)
        provinces = [_PROVINCE_ABBREVIATIONS[ch] for ch in m.group(0)]
        if len(set(provinces)) == len(provinces) and not any(c.start < m.end() and m.start() < c.end for c in chosen):
            out.extend(p for p in ((q, "Region") for q in provinces) if p not in out)
    if any(not any(a <= m.start() and m.end() <= b for a, b in zones) for m in _BOTH_SIDES.finditer(name)):
        # not the 川渝 of a zone's own name (川渝高竹新区生态环境保护规划: the zone only)
        for m in lex.pair_members:
            if (m, "Region") not in out:
                out.append((m, "Region"))
    return tuple(out)


_GAP_COMMA = re.compile(r"[，,：:]")
_NO_COMMA = re.compile(r"[^，,]*")
#: 《…机制》协议、《…》; 《A》（DB50/ 1432—2023）、《B》: a document number or year range between the items
_ENUMERATION_GAP = re.compile(
    r"[》」\s]*(?:协议书?|备忘录)?(?:[（(][^（）()《》，。；\n]{1,60}[）)])?[》\s]*(?:、|和|及|以及|与|》《|》、《|”、“)?[《“\s]*"
)
_CLAUSE_END = re.compile(r"[，。；]")
_ALONG_WITH = re.compile(r"[》」”\s]*(?:[（(][^（）()]{1,30}[）)])?(?:一起|一道|一同)")


#: what follows a title that only qualifies an unnamed document: 编制《…规划》配套实施方案, 《…条例》实施细则
_DERIVED_DOCUMENT = re.compile(r"[》”]?(?:的)?(?:配套|实施方案|实施细则|实施意见|任务分工|分工方案|解读|宣传|征求意见)")


#: 继《X》之后 / 继X后: a document that came before the one the sentence is about
_EARLIER_ONE = re.compile(r"继[《“]?$")
_AFTER_IT = re.compile(r"[》”]?(?:之后|以后|后|以来)")


def _objects(text: str, inside: list[Cand], te: int, next_t: int, sent_end: int, pred: str) -> list[Cand]:
    wanted = _OBJECT_TYPES[pred]
    out = []
    for c in inside:
        if c.start < te or c.type not in wanted or c.start >= sent_end:
            continue
        if c.start >= next_t:
            break
        if c.kind == "title" and _DERIVED_DOCUMENT.match(text, c.end):
            continue  # the document issued is one made for it, not the title itself
        if _EARLIER_ONE.search(text, max(te, c.start - 3), c.start) and _AFTER_IT.match(text, c.end):
            continue  # 此次签约是继《X》之后…: X came before, what is signed now is another
        gap = text[te : c.start]
        if _GAP_COMMA.search(gap) and not _NO_COMMA.fullmatch(gap.split("，")[-1]) :
            continue
        listed = bool(out) and _ENUMERATION_GAP.fullmatch(text[out[-1].end : c.start].strip("》”")) is not None
        if listed and _ALONG_WITH.match(text, c.end) and re.search("[与同]", text[out[-1].end : c.start]):
            break  # 审议通过的《A》《B》与《C》一起，构成…: C goes along, it is not what was adopted
        if out and not listed:
            # only enumerations continue the object list
            if len(gap) > 4 and not re.fullmatch(rf"[{CJK}]{{0,4}}", gap):
                break
        if len(gap) > 40 and not listed:
            break  # far from the trigger, unless the list goes on right after the previous item
        if _CLAUSE_END.search(gap):
            break
        out.append(c)
    # keep titled objects nested inside another object only if the trigger names them directly
    return [c for c in out if not any(o is not c and o.start <= c.start and c.end <= o.end for o in out)]


_CLAUSE_MARK = re.compile("[，,：；]|》、")  # 》、: A通过《X》、B通过《Y》, each its own clause
_SELF = re.compile(r"我局|本局|我厅|本厅|我委|我们")
_DE_CLAUSE = re.compile(r"(?:联合|共同)?(?:印发|发布|出台|制定|编制|签订|签署|召开|举行|主办)(?:了)?的")


_ATTRIBUTIVE_DE = re.compile(r"[\u4e00-\u9fff]{0,4}?的")


def pats_trigger_de(ts: int, text: str) -> bool:
    """The trigger heads an attributive clause: X印发的《Y》."""
    m = _ATTRIBUTIVE_DE.match(text[ts : ts + 6])
    return bool(m) and not re.search(r"[，。；]", m.group(0))


_JOINTLY = re.compile(r"会同|协同|配合|联合")
_HELPS = re.compile(r"配合|协助")
#: …，并与X召开: X and the bodies of the clause before (not the places they went to)
_CO_WITH = re.compile(r"\s*(?:并|还|也|同时)?(?:与|同)(?!会)")
#: a body that makes others act: 生态环境部指导川渝两地编制…, 市生态环境局督促区县签订…
_GUIDES = re.compile(r"支持|指导|督促|帮助|鼓励|引导|要求|推动")
#: a body under whose guidance others act: 在生态环境部指导下签订
_SUPERVISING = re.compile(r"(?:的)?(?:指导|支持|见证|主持|牵头协调|协调)下")
_CO_PARTY = re.compile(r"\s*(?:[一二三四五六七八九十]是)?(?:主动|积极|继续|还|计划|拟|将)?(?:与|同|和)$")
_ITEM_START = re.compile(r"\s*(?:[一二三四五六七八九十]+是|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+[.．、])")


def _subjects(text: str, inside: list[Cand], sent_start: int, ts: int, pred: str, ctx: Context | None = None,
              lex: Lexicon | None = None) -> list[tuple[str, str]]:
    """Agents of the clause holding the trigger, else of the nearest earlier clause that names one."""
    titles = _Boxes([c for c in inside if c.type in TITLED_TYPES])
    starts = {c.start: c for c in inside}
    ends = {c.end: c for c in inside}
    before = []
    groups = _Boxes([c for c in inside if c.kind == "collective"])
    for c in inside:
        if c.end > ts or c.type not in _SUBJECT_TYPES or _is_object_place(text, c, ts, ends):
            continue
        if c.kind != "collective" and groups.covers(c):
            continue  # 泸州市、永川区两地生态环境局: the places stand for their bureaus
        if c.kind == "collective" and c.type == "Region" and c.end - c.start == 2 and not _PAIR_AS_AGENT.match(text, c.end):
            continue  # 总结了2023年川渝大气污染联防联控工作成效: 川渝 qualifies a noun
        if any(t is not c and not (t.type == "Meeting" and t.start == c.start and c.type == "Agency") for t in titles.around(c)):
            continue  # a body named inside a title is no agent, unless it opens a meeting's name (X常务委员会第五次会议审议通过)
        if c.type == "Region" and not c.members and _ORG_AFTER_PLACE.match(text, c.end):
            continue  # 四川联合环境交易所与重庆碳排放权交易中心签署: the places name companies, which are no parties here
        if c.type == "Region" and lex is not None and not c.members:
            place = lex.places.get(c.name)
            if place is not None and place.level not in ("province", "prefecture", "county"):
                continue  # 成渝地区, 长江经济带 …: where, not who
            nxt = starts.get(c.end)
            if nxt is not None and nxt.type == "Region" and _contains(c.name, nxt.name, lex):
                continue  # 四川省成都市: the province only qualifies the city (遂宁潼南 are two sides)
        before.append(c)
    if ctx is not None and ctx.speakers:
        ctx = replace(ctx, author=ctx.self_at(ts), speakers=())  # in a transcript, 我们 and 我厅 are the speaker's
    if ctx is not None and ctx.author:
        for m in _SELF.finditer(text, sent_start, ts):
            before.append(Cand(m.start(), m.end(), "Agency", ctx.author, kind="self"))
        before.sort()
    if not before:
        return []
    bounds = [sent_start] + [m.end() for m in _CLAUSE_MARK.finditer(text, sent_start, ts)] + [ts]
    if _UNLISTED_PARTY.search(text, bounds[-2], ts) and not any(c.start >= bounds[-2] for c in before):
        return []  # ；四川联合环境交易所与重庆碳排放权交易中心签署《…》: parties of their own, not those of the item before
    attributive = pats_trigger_de(ts, text)
    out: list[tuple[str, str]] = []
    letter_author = ctx is not None and ctx.letter and ctx.author
    bodies_only = False  # after …，并与X: only the bodies of the clauses before
    for k in range(len(bounds) - 2, -1, -1):
        lo, hi = bounds[k], bounds[k + 1]
        near = [c for c in before if lo <= c.start < hi and (not bodies_only or c.type == "Agency")]
        if attributive and near:
            # 领导小组办公室印发的《…》: only the body right before the verb, or the list it closes (由A、B联合主办的)
            j = len(near) - 1
            while j > 0 and near[j - 1].end + 1 == near[j].start and text[near[j - 1].end] in _LIST_JOIN:
                j -= 1
            near = near[j:]
        elif near:
            near = [c for c in near if not _DE_CLAUSE.match(text, c.end)] or near
        if near:
            near = [c for c in near if not _SUPERVISING.match(text, c.end)] or near
        if len(near) > 1:
            # 生态环境部支持/指导三省人民政府签署…: the bodies after the verb act
            guided = [c for c, nxt in zip(near, near[1:], strict=False) if _GUIDES.search(text, c.end, nxt.start)]
            if guided:
                near = [c for c in near if c.start > guided[-1].start]
        if near and (helps := _HELPS.search(text, lo, near[-1].start)) is not None:
            helped = [c for c in near if c.start >= helps.end()]
            if helped:
                # 配合广安市、渝北区出台《…》: those helped made it; the helper (and the clauses before) only assisted
                return list(dict.fromkeys(item for c in helped for item in _expand(c)))
        if not near and k == len(bounds) - 2 and k > 0 and text[lo - 1] == "；" and letter_author \
                and _SELF.search(text, sent_start, lo):
            # 我们…：与A签署《X》；与B共同编制《Y》；牵头制定《Z》: an item naming nobody is the reporting body's
            return [(ctx.author, "Agency")]
        if near:
            if letter_author and _CO_PARTY.fullmatch(text, lo, near[0].start):
                out.append((ctx.author, "Agency"))  # a report's 与遂宁市生态环境局签订…: the author is the other party
            while k > 0 and text[lo - 1] == "，" and text[lo : near[0].start] in ("", "以及", "及", "和") \
                    and (listed := _only_names(text, bounds[k - 1], lo - 1, before)):
                near, k, lo = listed + near, k - 1, bounds[k - 1]  # A、B人民政府，C、D人民政府参加会议: one list over commas
            for c in near:
                for item in _expand(c):
                    if item not in out:
                        out.append(item)
            if not _JOINTLY.search(text[lo : near[0].start]):
                if out and k > 0 and not bodies_only and _CO_WITH.fullmatch(text, lo, near[0].start) \
                        and all(t == "Agency" for _n, t in out):
                    bodies_only = True
                    continue
                return out
        if _ITEM_START.match(text, lo):
            break  # 一是…；二是…: the items of a list do not share their agents
    if out and ctx is not None and ctx.letter and ctx.author and (ctx.author, "Agency") not in out:
        out.insert(0, (ctx.author, "Agency"))
    return out


#: what follows a bare 川渝 that acts (川渝联合印发, 川渝签订, 川渝已…), rather than qualifying a noun (川渝大气污染…)
_PAIR_AS_AGENT = re.compile(
    r"联合|共同|携手|协同|签|印发|发布|出台|制定|编制|召开|举行|举办|审议|分别|各自|已|还|将|在|于|正式|先后|相继|又|也|累计|首次|"
    r"[《，,、和与及“\s]|$"
)


_ROLE = r"[\u4e00-\u9fff]{0,6}?(?:书记|局长|厅长|主任|负责人|负责同志|市长|区长|县长|处长|巡视员|总工程师|主席)"
#: a person's posts and name after the body: 党组书记、局长张三
_ROLE_TAIL = re.compile(rf"{_ROLE}(?:、{_ROLE})*[\u4e00-\u9fff·]{{0,4}}")


_ROLE_BEFORE_JOIN = re.compile(rf"{_ROLE}(?:、{_ROLE})*[\u4e00-\u9fff·]{{0,4}}?(?=[、和与及])")


def _only_names(text: str, lo: int, hi: int, cands: list[Cand]) -> list[Cand]:
    """The bodies and places of ``cands`` that ``text[lo:hi]`` consists of (joined by 、和及与), or [].

    A person's posts and name may follow the last (A党组书记、局长张三，B局长李四出席).
    """
    names = [c for c in cands if lo <= c.start and c.end <= hi]
    pos = lo
    for c in names:
        if c.start < pos or text[pos : c.start].strip(" 、和及与"):
            return []
        pos = c.end
    return names if names and (pos == hi or _ROLE_TAIL.fullmatch(text, pos, hi)) else []


def _contains(outer: str, inner: str, lex: Lexicon) -> bool:
    """``inner`` lies in the region ``outer`` (a zone or unknown name counts as inside)."""
    place = lex.places.get(inner)
    for _ in range(4):
        if place is None or place.level == "zone":
            return True
        if place.parent == outer:
            return True
        place = lex.places.get(place.parent) if place.parent else None
        if place is None:
            return False
    return False


_PLACE_PREPOSITION = re.compile(r"(在|于|围绕|针对|对|从|赴|前往|流经|途经|流入|汇入|穿越)$")
#: 赴四川联合召开: went there to hold it together, so the place acts too
_WENT_TO_JOIN = re.compile(r"联合|共同")


#: 成都报道：, 成都3月11日电: the dateline of a news report, where the reporter writes from
_DATELINE = re.compile(r"(?:\d{1,2}月\d{1,2}日)?(?:报道|电(?![网力视子站厂池动器话信气]))")


def _is_object_place(text: str, c: Cand, ts: int, ends: dict[int, Cand] | None = None) -> bool:
    """A place that is where or about, not who: 在嘉陵江合川段, 围绕长江, 对…, 在泸州市合江县, 赴泸州参加; 成都报道 (a dateline)."""
    if c.type != "Region" or c.kind == "collective":
        return False
    if _DATELINE.match(text, c.end):
        return True
    end = c.end
    for _ in range(4):  # 在四川省泸州市合江县: the places of a chain after the preposition
        if m := _PLACE_PREPOSITION.search(text, max(0, c.start - 2), c.start):
            return m.group(1) not in ("赴", "前往") or not _WENT_TO_JOIN.match(text, end)
        # 在四川省泸州市合江县, 赴江津区、綦江区和古蔺县: the places of a chain or list after the preposition
        prev = (ends.get(c.start) or (ends.get(c.start - 1) if text[c.start - 1 : c.start] in "、和及" else None)) if ends else None
        if prev is None or prev.type != "Region" or prev.kind == "collective":
            return False
        c = prev
    return False


_JOINT = re.compile(r"共同|联合|携手|两地|两省市|双方|川渝|互认")


_PARTIES = re.compile(r"双方|两地|三方|两厅局|两局|两厅")
_PARTIES_LOOKBACK = 3  # sentences


def _named_parties(text: str, inside: list[Cand], sent_start: int, ts: int, subjects: list[tuple[str, str]],
                   lex: Lexicon, earlier: tuple[list[Cand], list[int]] | None = None, ctx: Context | None = None) -> list[tuple[str, str]]:
    """双方 / 三方 after two / three named bodies means those bodies: 四川省生态环境厅与重庆市生态环境局…，双方签署…

    The bodies are looked for before 双方 in the sentence, else in the nearest of the three
    sentences before it that names any (遂宁市生态环境局与潼南区生态环境局召开…。会上，双方签订…);
    where no body is named, the places acting there (泸州市与永川区召开…，双方签署…).
    """
    pair = [(m, "Region") for m in lex.pair_members]
    if subjects and subjects != pair:
        return subjects
    found = _last_match(_PARTIES, text, sent_start, ts)  # the last before the trigger
    if found is None:
        return subjects
    n = 3 if found.group(0) == "三方" else 2
    named = _with_self(text, sent_start, found.start(), _parties_named(text, [c for c in inside if c.end <= found.start()], lex), ctx)
    if found.group(0) == "两地":
        # only two local governments' bodies named before it in the sentence (梁平区…与…达川区…召开…，会上两地…)
        local = all((p := lex.places.get(_own_place(a, lex))) is not None and p.level in ("prefecture", "county") for a, _t in named)
        return named if len(named) == 2 and local and text[found.start() - 2 : found.start()] not in ("川渝", "成渝") else subjects
    if not named and earlier is not None:
        ms, starts = earlier
        spans = sentences(text)
        at = bisect_left(spans, (sent_start,))  # this sentence
        for lo, hi in spans[max(0, at - _PARTIES_LOOKBACK) : at][::-1]:
            named = _with_self(text, lo, hi, _parties_named(text, ms[bisect_left(starts, lo) : bisect_left(starts, hi)], lex), ctx)
            if named:
                break
    return named if len(named) == n else subjects


def _with_self(text: str, lo: int, hi: int, named: list[tuple[str, str]], ctx: Context | None) -> list[tuple[str, str]]:
    """``named`` and the body that 我厅 / 我局 / 我们 between ``lo`` and ``hi`` stands for (我厅与重庆市生态环境局签署…。双方…)."""
    if ctx is None or not ctx.author and not ctx.speakers:
        return named
    for m in _SELF.finditer(text, lo, hi):
        if (who := ctx.self_at(m.start())) and (who, "Agency") not in named:
            named = [(who, "Agency"), *named]
    return named


_THE_PARTIES = re.compile(r"双方|三方|四方")


def _last_match(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> re.Match[str] | None:
    """The last match of ``pattern`` in ``text[lo:hi]``, or None."""
    return max(pattern.finditer(text, lo, hi), key=lambda m: m.start(), default=None)


def _cites_agreement(text: str, inside: list[Cand], s: int, ts: int) -> bool:
    """The sentence names an agreement before its 双方 / 三方 (根据《协议》，三方将…)."""
    found = _last_match(_THE_PARTIES, text, s, ts)
    return found is not None and any(c.type == "Agreement" and c.end <= found.start() for c in inside)


def _parties_of_agreement(text: str, inside: list[Cand], s: int, ts: int, acts: list[Rel]) -> list[tuple[str, str]]:
    """双方 / 三方 before the trigger: the signers of the agreement the sentence names before it, else of the last one signed.

    Only when they number as many as the word says.
    """
    found = _last_match(_THE_PARTIES, text, s, ts)
    if found is None:
        return []
    n = {"双方": 2, "三方": 3, "四方": 4}[found.group(0)]
    signers: dict[str, list[tuple[str, str]]] = {}
    for r in acts:
        if r.predicate == "signedBy" and (r.object, r.object_type) not in signers.setdefault(r.subject, []):
            signers[r.subject].append((r.object, r.object_type))
    if not signers:
        return []
    named = [c.name for c in inside if c.type == "Agreement" and c.end <= found.start() and c.name in signers]
    parties = signers[named[-1]] if named else list(signers.values())[-1]
    bodies = [p for p in parties if p[1] == "Agency"]
    if len(bodies) == n:
        return bodies  # the bodies that signed, not the places a headline names for them
    return parties if len(parties) == n else []


def _parties_named(text: str, cands: list[Cand], lex: Lexicon) -> list[tuple[str, str]]:
    """The bodies named among ``cands`` (those of a group resolved to its places too), else the places that act."""
    sides = tuple(lex.pair_members)
    named: list[tuple[str, str]] = []
    for c in cands:
        # 两地生态环境局 of two places named before, not of the two sides (those are only a default)
        if c.type == "Agency" and (not c.members or c.kind == "collective" and not all(m.startswith(sides) for m in c.members)):
            for item in _expand(c):
                if item not in named:
                    named.append(item)
    if named:
        return named
    titles = [(t.start, t.end) for t in cands if t.type in TITLED_TYPES]
    ends = {c.end: c for c in cands}
    starts = {c.start: c for c in cands}
    for c in cands:
        if c.type != "Region" or any(s <= c.start and c.end <= e for s, e in titles) or _is_object_place(text, c, 0, ends):
            continue
        if not c.members and ((p := lex.places.get(c.name)) is None or p.level not in ("province", "prefecture", "county")):
            continue
        if (nxt := starts.get(c.end)) is not None and nxt.type == "Region" and _contains(c.name, nxt.name, lex):
            continue  # 四川省泸州市: the province qualifies the city
        for item in _expand(c):
            if item not in named:
                named.append(item)
    return named


def _without(text: str, start: int, end: int, objects: list[Cand]) -> str:
    """``text[start:end]`` without the objects' names (川渝 in a name says nothing of who acts)."""
    if len(objects) == 1:
        o = objects[0]
        return text[start : o.start] + text[o.end : end] if start <= o.start and o.end <= end else text[start:end]
    pieces, pos = [], start
    for o in sorted(objects):
        if pos <= o.start and o.end <= end:
            pieces.append(text[pos : o.start])
            pos = o.end
    pieces.append(text[pos:end])
    return "".join(pieces)


def _own_region(name: str, lex: Lexicon) -> bool:
    """The name opens with one province, city or county: 重庆市川渝跨界河流联防联治工作方案 is Chongqing's own."""
    place = lex.places.get(_region_prefix(name, lex))
    return place is not None and place.level in ("province", "prefecture", "county")


_CLAUSE_STOP = re.compile(r"[，,；;。！？]")


def _clause_end(text: str, pos: int, end: int) -> int:
    """Where the clause holding ``pos`` ends (before ``end``)."""
    m = _CLAUSE_STOP.search(text, pos, end)
    return m.start() if m else end


def _default_subjects(pred: str, ctx: Context, lex: Lexicon, objects: list[Cand], sentence: str) -> list[tuple[str, str]]:
    """Who acts when the sentence names nobody: both sides for joint work, else the author."""
    # 川渝 in a document's name makes it joint work of the two sides; in a meeting's name it says what the
    # meeting is about (concerns), not who held it
    joint = _JOINT.search(sentence) or pred != "participant" and any("川渝" in o.name and not _own_region(o.name, lex) for o in objects)
    both_sides = ctx.both_sides
    if both_sides and (pred == "signedBy" or joint):
        return [(m, "Region") for m in lex.pair_members]
    if ctx.letter and ctx.author:
        # an environment bureau speaks for its own plans; a city-wide plan of another sector is the city's
        region = ctx.jurisdiction
        short = region[:-1] if region.endswith(("市", "省")) else region
        if pred == "issuedBy" and region and all(
            short in o.name and not re.search(r"生态环境|环境保护|大气|污染|环保|监测|联防|联治|流域|河流|水质", o.name) for o in objects
        ):
            return [(region, "Region")]
        return [(ctx.author, "Agency")]
    return []


#: a clause that goes on with what the clause before made: …起草《X》，计划与A联合印发 / 拟由A、B联合印发 / 经…审议通过后由A印发
_NEXT_STEP = re.compile(r"(?:计划|拟|并|随后|再|待|经[^，,；;。]{0,40}?后|后)(?:由|与|同|会同)?")


def _objects_of_clause_before(text: str, inside: list[Cand], sent_start: int, ts: int, pred: str) -> list[Cand]:
    """The documents of the clause before a clause-final trigger whose own clause names none and goes on from it."""
    clause_start = max(max(text.rfind(p, sent_start, ts) for p in "，,；") + 1, sent_start)
    if clause_start <= sent_start or text[clause_start - 1] not in "，," or not _NEXT_STEP.match(text, clause_start):
        return []
    before = max(max(text.rfind(p, sent_start, clause_start - 1) for p in "，,；") + 1, sent_start)
    wanted = _OBJECT_TYPES[pred]
    return [c for c in inside if before <= c.start and c.end < clause_start and c.type in wanted and c.kind == "title"]


def _objects_before(text: str, inside: list[Cand], sent_start: int, ts: int, pred: str) -> list[Cand]:
    """Objects named before a clause-final trigger: 加快《A》《B》研究制定."""
    clause_start = max(max(text.rfind(p, sent_start, ts) for p in "，,；") + 1, sent_start)
    wanted = _OBJECT_TYPES[pred]
    found = [c for c in inside if clause_start <= c.start and c.end <= ts and c.type in wanted]
    if not found and clause_start > sent_start and text[clause_start - 1] in "，," and _PASSIVE_BY.match(text, clause_start):
        # 《…工作要点》，由省生态环境厅、市生态环境局共同起草: the titles that end the clause before
        before = max(max(text.rfind(p, sent_start, clause_start - 1) for p in "，,；") + 1, sent_start)
        found = [c for c in inside if before <= c.start and c.end < clause_start and c.type in wanted]
        if found and text[max(c.end for c in found) : clause_start - 1].strip("》〉”\"'") != "":
            found = []
        if not found and pred == "participant" and _HELD_BY.search(text, before, clause_start - 1):
            # X会议将于…在万州区召开，由万州区生态环境局承办: the meeting the clause before holds
            found = [c for c in inside if before <= c.start and c.end < clause_start and c.type == "Meeting"][:1]
    return found


__all__ = [
    "Cand",
    "Context",
    "Rel",
    "base_title",
    "classify_title",
    "clean_name",
    "compile_patterns",
    "document_context",
    "find_mentions",
    "find_relations",
    "resolve_agency",
    "sentences",
]
