"""Evaluate extraction against gold annotations (format of ``gold/GUIDELINES.md``).

Names are compared after traditional→simplified conversion, NFKC, removing whitespace
and the marks 《》〈〉“”‘’"'「」『』, and mapping （）to ().  A predicted entity matches
a gold entity of the same type when its label or any alias equals the gold name or any
gold alias; matching is one-to-one.  A predicted relation matches a gold relation with
the same predicate whose subject and object match in the same way.  Scores are micro
averages over documents.

>>> norm("《重慶市辐射污染防治办法（征求意见稿）》")
'重庆市辐射污染防治办法(征求意见稿)'
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import GoldError
from kg.ingest import to_simplified
from kg.model import ENTITY_TYPES, RELATION_TYPES, Entity, Relation
from kg.rules import clean_name


def norm(name: str) -> str:
    return clean_name(to_simplified(clean_name(name)))


@dataclass(frozen=True)
class GoldEntity:
    type: str
    name: str
    names: frozenset[str]


@dataclass(frozen=True)
class GoldDoc:
    doc: str
    entities: tuple[GoldEntity, ...]
    relations: tuple[tuple[str, str, str], ...]


def load_gold(folder: str | Path) -> list[GoldDoc]:
    """Every ``*.json`` gold file of ``folder``, checked."""
    folder = Path(folder)
    if not folder.is_dir():
        raise GoldError("gold folder not found", path=folder)
    out = []
    for p in sorted(folder.glob("*.json")):
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
            ents = tuple(
                GoldEntity(e["type"], e["name"], frozenset(norm(n) for n in [e["name"], *e.get("aliases", [])]))
                for e in data["entities"]
            )
            rels = tuple((r["s"], r["p"], r["o"]) for r in data["relations"])
            doc = data["doc"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise GoldError(f"not a gold file in the GUIDELINES.md format: {exc}", path=p) from exc
        bad = [e.type for e in ents if e.type not in ENTITY_TYPES] + [r[1] for r in rels if r[1] not in RELATION_TYPES]
        if bad:
            raise GoldError(f"unknown type(s) {sorted(set(bad))}", path=p)
        out.append(GoldDoc(doc, ents, rels))
    if not out:
        raise GoldError("no *.json gold files", path=folder)
    return out


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    entities: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    relations: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    def total(self, which: str) -> Counts:
        c = Counts()
        for v in getattr(self, which).values():
            c.tp, c.fp, c.fn = c.tp + v.tp, c.fp + v.fp, c.fn + v.fn
        return c

    def to_dict(self) -> dict:
        def row(c: Counts) -> dict:
            return {"tp": c.tp, "fp": c.fp, "fn": c.fn, "precision": round(c.precision, 4), "recall": round(c.recall, 4), "f1": round(c.f1, 4)}

        return {
            "entities": {t: row(self.entities[t]) for t in ENTITY_TYPES if t in self.entities},
            "relations": {p: row(self.relations[p]) for p in RELATION_TYPES if p in self.relations},
            "entity_micro": row(self.total("entities")),
            "relation_micro": row(self.total("relations")),
        }

    def to_text(self, *, verbose: bool = False) -> str:
        lines = [f"{'':14}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}"]

        def fmt(name: str, c: Counts) -> str:
            return f"{name:14}{c.precision:7.3f}{c.recall:7.3f}{c.f1:7.3f}{c.tp:6}{c.fp:6}{c.fn:6}"

        for t in ENTITY_TYPES:
            if t in self.entities:
                lines.append(fmt(t, self.entities[t]))
        lines.append(fmt("ENTITIES", self.total("entities")))
        for p in RELATION_TYPES:
            if p in self.relations:
                lines.append(fmt(p, self.relations[p]))
        lines.append(fmt("RELATIONS", self.total("relations")))
        if verbose:
            lines += ["", "misses (in gold, not found):", *sorted(self.misses), "", "extras (found, not in gold):", *sorted(self.extras)]
        return "\n".join(lines) + "\n"


def _names(e: Entity) -> frozenset[str]:
    return frozenset(norm(n) for n in (e.label, *e.aliases))


def evaluate(gold: list[GoldDoc], entities: list[Entity], relations: list[Relation]) -> Report:
    """Score predicted entities and relations against gold, document by document."""
    report = Report()
    by_key = {e.key: e for e in entities}
    for gd in gold:
        pred = [e for e in entities if gd.doc in e.documents]
        matched: dict[str, GoldEntity] = {}  # predicted key → gold entity
        used: set[int] = set()
        for gi, g in sorted(enumerate(gd.entities), key=lambda x: -len(x[1].name)):
            cands = [p for p in pred if p.type == g.type and p.key not in matched and _names(p) & g.names]
            if not cands:
                continue
            best = min(cands, key=lambda p: (norm(p.label) != norm(g.name), p.key))
            matched[best.key] = g
            used.add(gi)
        for gi, g in enumerate(gd.entities):
            c = report.entities[g.type]
            if gi in used:
                c.tp += 1
            else:
                c.fn += 1
                report.misses.append(f"{gd.doc}\t{g.type}\t{g.name}")
        for p in pred:
            if p.key not in matched:
                report.entities[p.type].fp += 1
                report.extras.append(f"{gd.doc}\t{p.type}\t{p.label}")
        gold_by_name = {g.name: g for g in gd.entities}
        pred_rels = [r for r in relations if any(ev.doc == gd.doc for ev in r.evidence)]
        taken: set[int] = set()
        for s, p, o in gd.relations:
            gs, go = gold_by_name.get(s), gold_by_name.get(o)
            hit = None
            for i, r in enumerate(pred_rels):
                if i in taken or r.predicate != p:
                    continue
                ps, po = by_key.get(r.subject), by_key.get(r.object)
                if ps and po and gs and go and (_names(ps) & gs.names) and (_names(po) & go.names):
                    hit = i
                    break
            if hit is None:
                report.relations[p].fn += 1
                report.misses.append(f"{gd.doc}\t{p}\t{s} → {o}")
            else:
                taken.add(hit)
                report.relations[p].tp += 1
        for i, r in enumerate(pred_rels):
            if i not in taken:
                report.relations[r.predicate].fp += 1
                report.extras.append(f"{gd.doc}\t{r.predicate}\t{by_key[r.subject].label} → {by_key[r.object].label}")
    return report
