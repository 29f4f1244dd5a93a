"""Resolve: mentions from every document → one :class:`Entity` per real-world entity.

Identity is ``type`` + a resolution key: the simplified, mark-free name, and for
titles the name without a trailing parenthetical (年份, 试行, 征求意见稿 …), so
``《…方案（2023—2025年）》`` and ``…方案`` are one node.  Keys do not depend on the
corpus, so the same entity gets the same IRI in every build.

Resolution runs in two steps so that a large corpus streams: :func:`summarize` reduces one
document's mentions to what identity needs (keys, names, evidence), and :func:`merge`
combines the summaries of every document into entities and relations.

>>> from kg.model import Evidence, Mention
>>> ev = Evidence("a.txt", 0, 2, "川渝")
>>> ents, _ = resolve([], mentions=[Mention("Region", "重庆市", "重庆", ev, ev)])
>>> ents[0].label, ents[0].aliases
('重庆市', ('重庆',))
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from operator import attrgetter

from kg.ingest import to_simplified
from kg.model import TITLED_TYPES, Entity, Evidence, Extraction, Mention, Relation, RelationMention
from kg.rules import base_title, clean_name


@lru_cache(maxsize=1 << 16)
def resolution_key(type_: str, name: str) -> str:
    """The identity of an entity of ``type_`` called ``name``.

    >>> resolution_key("Programme", "《川渝大氣污染防治聯動工作方案（2023—2025年）》")
    'Programme:川渝大气污染防治联动工作方案'
    """
    n = simple_name(name)
    if type_ in TITLED_TYPES:
        n = base_title(n)
    return f"{type_}:{n}"


@lru_cache(maxsize=1 << 16)
def simple_name(name: str) -> str:
    """``name`` simplified and without marks (quotes, book-title marks, spaces)."""
    return clean_name(to_simplified(name))


@lru_cache(maxsize=1 << 16)
def mint_iri(key: str, *, base_iri: str) -> str:
    """The one place IRIs are made: ``<base>/<type>/<16 hex digits of the key's hash>``.

    >>> mint_iri("Region:重庆市", base_iri="https://w3id.org/chuanyu-kg/id/")
    'https://w3id.org/chuanyu-kg/id/region/95ac21291e4f9175'
    """
    type_, _, _name = key.partition(":")
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()
    return f"{base_iri.rstrip('/')}/{type_.lower()}/{digest}"


@dataclass(frozen=True)
class Summary:
    """What identity needs from some mentions (usually one document's), all sorted tuples.

    ``names``: ``(key, type, name, count)``; ``surfaces``: ``(key, surface)``;
    ``documents``: ``(key, file name)``; ``evidence``: ``(key, evidence)`` — per document, the
    entity's own mentions, or the sentences implying it when it has none there;
    ``relations``: ``(subject key, predicate, object key, evidence)``.
    """

    names: tuple[tuple[str, str, str, int], ...] = ()
    surfaces: tuple[tuple[str, str], ...] = ()
    documents: tuple[tuple[str, str], ...] = ()
    evidence: tuple[tuple[str, Evidence], ...] = ()
    relations: tuple[tuple[str, str, str, Evidence], ...] = ()

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(k for k, _ in self.documents)

    def trimmed(self, *, per_key: int) -> Summary:
        """The same summary keeping at most ``per_key`` evidences per entity (for memory)."""
        seen: dict[str, int] = {}
        kept = []
        for key_ev in self.evidence:
            n = seen.get(key_ev[0], 0)
            if n < per_key:
                seen[key_ev[0]] = n + 1
                kept.append(key_ev)
        return Summary(self.names, self.surfaces, self.documents, tuple(kept), self.relations)


_DISPLAY_DROP = re.compile(r"[\s《》〈〉']")
_DISPLAY_QUOTES = str.maketrans({"「": "“", "」": "”", "『": "‘", "』": "’"})
_CLOSE = {"”": "“", "’": "‘"}
_CJK_PUNCT = "，；：！？"
_CJK_PUNCT_SPLIT = re.compile(f"([{_CJK_PUNCT}])")


@lru_cache(maxsize=1 << 16)  # surfaces recur in and across documents
def display_name(surface: str) -> str:
    """A name as shown: without spaces or book-title marks, but with the quotation marks that
    set off a coined term (“无废城市”建设) when they pair up; otherwise without any marks.

    >>> display_name("《“无废城市”建设 成效评估指南》"), display_name("「利劍執法」行動")
    ('“无废城市”建设成效评估指南', '“利劍執法”行動')
    >>> display_name('"绿盾"行动'), display_name("无废城市”建设"), display_name("“重庆市生态环境局”")
    ('“绿盾”行动', '无废城市建设', '重庆市生态环境局')
    >>> display_name("“美丽中国，我是行动者”行动（ＧＢ ３８３８）")
    '“美丽中国，我是行动者”行动(GB3838)'

    """
    # NFKC (ＧＢ → GB) except the Chinese comma, colon … that a title keeps
    s = "".join(p if p in _CJK_PUNCT else unicodedata.normalize("NFKC", p) for p in _CJK_PUNCT_SPLIT.split(surface))
    s = _DISPLAY_DROP.sub("", s.translate(_DISPLAY_QUOTES))
    if '"' in s:  # ASCII quotes open and close in turn
        parts = s.split('"')
        s = "".join(p + ("“" if i % 2 == 0 else "”") for i, p in enumerate(parts[:-1])) + parts[-1]
    depth: list[str] = []
    for c in s:
        if c in "“‘":
            depth.append(c)
        elif c in _CLOSE and (not depth or depth.pop() != _CLOSE[c]):
            return clean_name(s)
    if depth:
        return clean_name(s)
    if s[:1] in ("“", "‘") and _closes_last(s):  # one pair around the whole name only quotes it
        s = s[1:-1]
    return s.replace("（", "(").replace("）", ")")


def _closes_last(s: str) -> bool:
    """Whether the quotation mark opening ``s`` closes at its last character."""
    depth = 0
    for i, c in enumerate(s):
        depth += c in "“‘"
        depth -= c in _CLOSE
        if depth == 0:
            return i == len(s) - 1
    return False


_clean_surface = lru_cache(maxsize=1 << 16)(clean_name)
#: An Evidence's fields, which compare, hash and sort as the Evidence does (without its Python methods).
_SPAN = attrgetter("doc", "start", "end", "exact")
_Span = tuple[str, int, int, str]


_RIVER_PART_END = re.compile(r"(?:流域|干流|干支流|上游|中游|下游)$")


@lru_cache(maxsize=1 << 16)
def _identity(type_: str, name: str, surface: str) -> tuple[str, tuple[str, str, str], tuple[tuple[str, str], ...]]:
    """What a mention of ``type_`` called ``name``, written ``surface``, adds to a summary: its
    resolution key, its ``(key, type, simple name)`` and its ``(key, shown surface)`` pairs (none
    for an empty surface; see :func:`display_name`).  A river written with its basin or a part
    (澎溪河流域, 长江干流) is also known by its bare name.

    >>> _identity("Region", "重庆市", "《重庆》")
    ('Region:重庆市', ('Region:重庆市', 'Region', '重庆市'), (('Region:重庆市', '重庆'),))
    >>> _identity("River", "小江", "澎溪河流域")[2]
    (('River:小江', '澎溪河流域'), ('River:小江', '澎溪河'))
    """
    key = resolution_key(type_, name)
    surface = display_name(surface)
    shown = [surface] if surface else []
    if type_ == "River" and (bare := _RIVER_PART_END.sub("", surface)) and bare != surface:
        shown.append(bare)
    return key, (key, type_, simple_name(name)), tuple((key, s) for s in shown)


def summarize(mentions: Iterable[Mention], relations: Iterable[RelationMention] = ()) -> Summary:
    """Reduce mentions (and relation mentions) to a :class:`Summary`.

    >>> ev = Evidence("a.txt", 0, 2, "川渝")
    >>> s = summarize([Mention("Region", "重庆市", "重庆", ev, ev)])
    >>> s.names, s.surfaces
    ((('Region:重庆市', 'Region', '重庆市', 1),), (('Region:重庆市', '重庆'),))
    """
    names: dict[tuple[str, str, str], int] = {}
    surfaces: set[tuple[str, str]] = set()
    # (key, file name) → the entity's evidences there, by span
    explicit: dict[tuple[str, str], dict[_Span, Evidence]] = {}
    implied: dict[tuple[str, str], dict[_Span, Evidence]] = {}  # sentences naming it only by implication
    for m in mentions:
        ev = m.evidence
        key, name, shown = _identity(m.type, m.name, m.surface)
        names[name] = names.get(name, 0) + 1
        surfaces.update(shown)
        span = _SPAN(ev)
        found = implied if m.source == "implied" else explicit
        bag = found.get((key, span[0]))
        if bag is None:
            found[(key, span[0])] = {span: ev}
        else:
            bag.setdefault(span, ev)
    docs = sorted(explicit.keys() | implied.keys())
    known = {k for k, _ in docs}
    rels: dict[tuple, tuple[str, str, str, Evidence]] = {}  # (s, p, o, *span) → (s, p, o, evidence)
    for r in relations:
        s, o = resolution_key(r.subject_type, r.subject), resolution_key(r.object_type, r.object)
        if s in known and o in known:
            rels.setdefault((s, r.predicate, o) + _SPAN(r.evidence), (s, r.predicate, o, r.evidence))
    return Summary(
        names=tuple(sorted((k, t, n, c) for (k, t, n), c in names.items())),
        surfaces=tuple(sorted(surfaces)),
        documents=tuple(docs),
        evidence=tuple(_evidence(docs, explicit, implied)),
        relations=tuple(rels[r] for r in sorted(rels)),
    )


def _evidence(docs: list[tuple[str, str]], explicit: dict[tuple[str, str], dict[_Span, Evidence]],
              implied: dict[tuple[str, str], dict[_Span, Evidence]]) -> list[tuple[str, Evidence]]:
    """``(key, evidence)`` sorted, for ``docs`` (sorted ``(key, file name)``): each entity's own
    mentions in the document, or the sentences implying it when it has none there.  (Every
    evidence of ``(key, doc)`` is in ``doc``, so sorting within each pair sorts the whole.)"""
    out: list[tuple[str, Evidence]] = []
    for doc in docs:
        bag = explicit.get(doc) or implied[doc]
        out += zip(repeat(doc[0]), map(bag.__getitem__, sorted(bag)))
    return out


def _label(names: Counter[str]) -> str:
    # the most used full name; ties: the longest, then code-point order
    return sorted(names.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]


def _shown(label: str, shown: set[str]) -> str:
    """``label`` as the text writes it, quotation marks kept (see :func:`display_name`), if
    some surface spells it so; ties: the longest, then code-point order.

    >>> _shown("无废城市建设", {"“无废城市”建设", "无废城市", "無廢城市建設"})
    '“无废城市”建设'
    """
    quoted = [t for t in map(to_simplified, shown) if t != label and simple_name(t) == label]
    return min(quoted, key=lambda t: (-len(t), t)) if quoted else label


class Merger:
    """Merges summaries one at a time (a corpus streams through it).

    With ``evidence_limit``, an entity or relation keeps only its ``evidence_limit``
    smallest evidences (first by file name and offset) — the same ones whatever the order of
    the summaries — so memory does not grow with the number of mentions.
    """

    def __init__(self, *, evidence_limit: int | None = None) -> None:
        self.limit = evidence_limit
        self.names: dict[str, Counter[str]] = defaultdict(Counter)
        self.surfaces: dict[str, set[str]] = defaultdict(set)
        self.docs: dict[str, set[str]] = defaultdict(set)
        self.evidence: dict[str, set[Evidence]] = defaultdict(set)
        self.types: dict[str, str] = {}
        self.rel_evidence: dict[tuple[str, str, str], set[Evidence]] = defaultdict(set)
        #: Every document giving evidence for each relation (not bounded).
        self.rel_docs: dict[tuple[str, str, str], set[str]] = defaultdict(set)

    def _bounded(self, bag: set[Evidence]) -> set[Evidence]:
        if self.limit is not None and len(bag) > 2 * self.limit:
            return set(sorted(bag, key=_SPAN)[: self.limit])
        return bag

    def add(self, s: Summary) -> None:
        for key, type_, name, count in s.names:
            self.types[key] = type_
            self.names[key][name] += count
        for key, surface in s.surfaces:
            self.surfaces[key].add(surface)
        for key, doc in s.documents:
            self.docs[key].add(doc)
        for key, ev in s.evidence:
            bag = self.evidence[key]
            bag.add(ev)
            self.evidence[key] = self._bounded(bag)
        for subj, pred, obj, ev in s.relations:
            bag = self.rel_evidence[(subj, pred, obj)]
            bag.add(ev)
            self.rel_evidence[(subj, pred, obj)] = self._bounded(bag)
            self.rel_docs[(subj, pred, obj)].add(ev.doc)

    def result(self) -> tuple[list[Entity], list[Relation]]:
        """The entities and relations so far, sorted."""
        cut = (lambda evs: evs) if self.limit is None else (lambda evs: evs[: self.limit])
        entities = []
        for key in sorted(self.types):
            names = self.names[key]
            shown = self.surfaces[key]
            surfaces = {_clean_surface(s) for s in shown}
            label = _shown(_label(names), shown)
            aliases = (set(names) | {to_simplified(s) for s in surfaces} | surfaces) - {label}
            entities.append(Entity(
                key=key,
                type=self.types[key],
                label=label,
                aliases=tuple(sorted(a for a in aliases if a)),
                documents=tuple(sorted(self.docs[key])),
                mentions=tuple(cut(sorted(self.evidence[key], key=_SPAN))),
            ))
        relations = [Relation(s, p, o, tuple(cut(sorted(ev, key=_SPAN)))) for (s, p, o), ev in sorted(self.rel_evidence.items())
                     if s in self.types and o in self.types]
        return entities, relations


def merge(summaries: Iterable[Summary], *, evidence_limit: int | None = None) -> tuple[list[Entity], list[Relation]]:
    """Entities and relations (sorted) of all ``summaries``; entities and relations keep their
    first ``evidence_limit`` evidences (all with ``None``).  See :class:`Merger`."""
    merger = Merger(evidence_limit=evidence_limit)
    for s in summaries:
        merger.add(s)
    return merger.result()


def summarize_extraction(extraction: Extraction) -> Summary:
    """:func:`summarize` of one document's extraction."""
    return summarize(extraction.mentions, extraction.relations)


def resolve(
    extractions: Iterable[Extraction], *, mentions: Iterable[Mention] = ()
) -> tuple[list[Entity], list[Relation]]:
    """Merge mentions into entities and relation mentions into relations (sorted)."""
    summaries = [summarize_extraction(x) for x in extractions]
    extra = list(mentions)
    if extra:
        summaries.append(summarize(extra))
    return merge(summaries)
