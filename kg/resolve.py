"""Resolve: mentions from every document → one :class:`Entity` per real-world entity.

Identity is ``type`` + a resolution key: the simplified, mark-free name, and for
titles the name without a trailing parenthetical (年份, 试行, 征求意见稿 …), so
``《…方案（2023—2025年）》`` and ``…方案`` are one node.  Keys do not depend on the
corpus, so the same entity gets the same IRI in every build.

>>> from kg.model import Evidence, Mention
>>> ev = Evidence("a.txt", 0, 2, "川渝")
>>> ents, _ = resolve([], mentions=[Mention("Region", "重庆市", "重庆", ev, ev)])
>>> ents[0].label, ents[0].aliases
('重庆市', ('重庆',))
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable

from kg.ingest import to_simplified
from kg.model import TITLED_TYPES, Entity, Evidence, Extraction, Mention, Relation, RelationMention
from kg.rules import base_title, clean_name


def resolution_key(type_: str, name: str) -> str:
    """The identity of an entity of ``type_`` called ``name``.

    >>> resolution_key("Programme", "《川渝大氣污染防治聯動工作方案（2023—2025年）》")
    'Programme:川渝大气污染防治联动工作方案'
    """
    n = clean_name(to_simplified(name))
    if type_ in TITLED_TYPES:
        n = base_title(n)
    return f"{type_}:{n}"


def mint_iri(key: str, *, base_iri: str) -> str:
    """The one place IRIs are made: ``<base>/<type>/<16 hex digits of the key's hash>``.

    >>> mint_iri("Region:重庆市", base_iri="https://w3id.org/chuanyu-kg/id/")
    'https://w3id.org/chuanyu-kg/id/region/95ac21291e4f9175'
    """
    type_, _, _name = key.partition(":")
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()
    return f"{base_iri.rstrip('/')}/{type_.lower()}/{digest}"


def _label(names: Counter[str]) -> str:
    # the most used full name; ties: the longest, then code-point order
    return sorted(names.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]


def resolve(
    extractions: Iterable[Extraction], *, mentions: Iterable[Mention] = ()
) -> tuple[list[Entity], list[Relation]]:
    """Merge mentions into entities and relation mentions into relations (sorted)."""
    names: dict[str, Counter[str]] = defaultdict(Counter)
    surfaces: dict[str, set[str]] = defaultdict(set)
    docs: dict[str, set[str]] = defaultdict(set)
    evid: dict[str, set[Evidence]] = defaultdict(set)
    implied: dict[str, set[Evidence]] = defaultdict(set)  # sentences naming an entity only by implication
    types: dict[str, str] = {}
    rel_evidence: dict[tuple[str, str, str], set[Evidence]] = defaultdict(set)
    all_mentions = list(mentions)
    rel_mentions: list[RelationMention] = []
    for ex in extractions:
        all_mentions.extend(ex.mentions)
        rel_mentions.extend(ex.relations)
    for m in all_mentions:
        key = resolution_key(m.type, m.name)
        types[key] = m.type
        names[key][clean_name(to_simplified(m.name))] += 1
        surface = clean_name(m.surface)
        if surface:
            surfaces[key].add(surface)
        docs[key].add(m.evidence.doc)
        if m.source != "implied":
            evid[key].add(m.evidence)
        else:
            implied[key].add(m.evidence)
    for r in rel_mentions:
        s = resolution_key(r.subject_type, r.subject)
        o = resolution_key(r.object_type, r.object)
        if s in types and o in types:
            rel_evidence[(s, r.predicate, o)].add(r.evidence)
    entities = []
    for key in sorted(types):
        label = _label(names[key])
        aliases = (set(names[key]) | {to_simplified(s) for s in surfaces[key]} | surfaces[key]) - {label}
        entities.append(
            Entity(
                key=key,
                type=types[key],
                label=label,
                aliases=tuple(sorted(a for a in aliases if a)),
                documents=tuple(sorted(docs[key])),
                mentions=tuple(sorted(evid[key] or implied[key])),
            )
        )
    relations = [Relation(s, p, o, tuple(sorted(ev))) for (s, p, o), ev in sorted(rel_evidence.items())]
    return entities, relations
