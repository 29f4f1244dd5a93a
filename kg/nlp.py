"""NLP stage: a blank spaCy ``zh`` pipeline with two rule components.

``kg_entities`` finds entity mentions (lexicons + patterns, see :mod:`kg.rules`) and
stores them as ``doc.spans["kg_mentions"]`` (label = type, kb_id = canonical name);
``kg_relations`` finds the relations each sentence states (``doc._.kg_relations``).

>>> from kg.ingest import document_from_bytes
>>> doc = document_from_bytes("两地签订《联合执法机制协议》。".encode(), path="x.txt")
>>> ex = extract(doc)
>>> sorted({(r.subject, r.predicate, r.object) for r in ex.relations})[:1]
[('联合执法机制协议', 'signedBy', '四川省')]
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.lexicon import Lexicon, load_lexicon
from kg.model import (
    Document,
    DocumentMeta,
    Evidence,
    Extraction,
    Mention,
    RelationMention,
    SourceDocument,
)
from kg.rules import Cand, Context, Rel, document_context, find_mentions, find_relations, sentences

for _attr in ("kg_candidates", "kg_context", "kg_relations"):
    if not Doc.has_extension(_attr):
        Doc.set_extension(_attr, default=None)


def doc_text(doc: Doc) -> str:
    """``doc.text`` without rebuilding it from the tokens on every call (it costs a pass over them).

    :func:`extract` stores the text it tokenised as ``doc.user_data["kg_text"]``.

    >>> nlp = make_pipeline()
    >>> doc_text(nlp.make_doc("川渝"))
    '川渝'
    """
    text = doc.user_data.get("kg_text")
    return doc.text if text is None else text


class EntityFinder:
    """Finds entity mentions of the eight types with lexicons and patterns."""

    def __init__(self, *, spans_key: str, lexicon: Lexicon | None = None) -> None:
        self.spans_key = spans_key
        self.lexicon = lexicon

    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        self.lexicon = load_lexicon()

    def __call__(self, doc: Doc) -> Doc:
        lex = self.lexicon or load_lexicon()
        ctx = self._context(doc, lex)
        cands = find_mentions(doc_text(doc), lex, ctx)
        doc._.kg_context = ctx
        doc._.kg_candidates = cands
        doc.spans[self.spans_key] = self._spans(doc, cands)
        return doc

    def _context(self, doc: Doc, lex: Lexicon) -> Context:
        return document_context(doc_text(doc), doc.user_data.get("kg_title", ""), lex)

    @staticmethod
    def _spans(doc: Doc, cands: list[Cand]):
        spans = []
        for c in cands:
            span = doc.char_span(c.start, c.end, label=c.type, kb_id=c.name, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        return spans


@Language.factory("kg_entities", assigns=["doc.spans", "doc._.kg_candidates", "doc._.kg_context"], default_config={"spans_key": "kg_mentions"})
def make_entity_finder(nlp: Language, name: str, spans_key: str) -> EntityFinder:
    return EntityFinder(spans_key=spans_key)


class RelationFinder:
    """Finds signedBy / issuedBy / participant / concerns, sentence by sentence."""

    def __init__(self, *, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon

    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        self.lexicon = load_lexicon()

    def __call__(self, doc: Doc) -> Doc:
        lex = self.lexicon or load_lexicon()
        doc._.kg_relations = find_relations(doc_text(doc), doc._.kg_candidates or [], lex, doc._.kg_context or Context())
        return doc


@Language.factory("kg_relations", assigns=["doc._.kg_relations"], requires=["doc._.kg_candidates"], default_config={})
def make_relation_finder(nlp: Language, name: str) -> RelationFinder:
    return RelationFinder()


@lru_cache(maxsize=1)
def make_pipeline() -> Language:
    """The blank ``zh`` pipeline (character segmentation, no model download).

    >>> make_pipeline().pipe_names
    ['kg_entities', 'kg_relations']
    """
    nlp = spacy.blank("zh")
    nlp.add_pipe("kg_entities")
    nlp.add_pipe("kg_relations")
    nlp.initialize()
    return nlp


def _evidence(document: Document, start: int, end: int) -> Evidence:
    text = document.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    o_start, o_end = document.offsets.span_to_original(start, end)
    return Evidence(document.file_name, o_start, o_end, document.original[o_start:o_end])


_WHITESPACE = re.compile(r"(\s+)")


def char_words(text: str) -> tuple[list[str], list[bool]]:
    """Words and spaces of the ``zh`` character segmentation.

    The same tokens as spaCy's ``ChineseTokenizer`` with ``segmenter="char"`` (every
    non-space character a token; a single following space becomes its trailing space;
    other whitespace runs are tokens), whose alignment step slices the text once per
    character and so grows with the square of a document's length.  The text is split
    at whitespace runs; the characters in between are taken over in bulk.

    >>> char_words("川渝 两地\\n\\n协议 ")
    (['川', '渝', '两', '地', '\\n\\n', '协', '议'], [False, True, False, False, False, False, True])
    """
    words: list[str] = []
    spaces: list[bool] = []
    for k, piece in enumerate(_WHITESPACE.split(text)):
        if not k % 2:  # characters (empty only before leading or after trailing whitespace)
            words += piece
            spaces += [False] * len(piece)
            continue
        if piece[0] == " " and words:  # a character's single trailing space
            spaces[-1] = True
            piece = piece[1:]
        if piece:
            words.append(piece)
            spaces.append(False)
    return words, spaces


class _OrthCache:
    """Lexeme ids (orth hashes) of words, for one vocabulary at a time.

    The strings are added to the vocabulary's string store for good, so every id can be
    turned back into its lexeme (spaCy creates the lexeme on first use, as for a string).
    """

    def __init__(self) -> None:
        self.vocab = None
        self.ids: dict[str, int] = {}

    def __call__(self, vocab, words: set[str]) -> dict[str, int]:
        if vocab is not self.vocab:
            self.vocab, self.ids = vocab, {}
        ids, add = self.ids, vocab.strings.add
        for w in words:
            if w not in ids:
                ids[w] = add(w, allow_transient=False)
        return ids


_orth_ids = _OrthCache()


def make_doc(nlp: Language, text: str) -> Doc:
    """``nlp.make_doc(text)``, without the quadratic alignment for the character segmenter.

    The words go to :class:`~spacy.tokens.Doc` as lexeme ids, which spares spaCy a string
    hash per token.

    >>> [t.text for t in make_doc(make_pipeline(), "两地 协议")]
    ['两', '地', '协', '议']
    """
    if getattr(nlp.tokenizer, "segmenter", None) == "char":
        words, spaces = char_words(text)
        ids = _orth_ids(nlp.vocab, set(words))
        return Doc(nlp.vocab, words=list(map(ids.__getitem__, words)), spaces=spaces)
    return nlp.make_doc(text)


def extract(document: Document, *, nlp: Language | None = None) -> Extraction:
    """Run the pipeline on one document: mentions and relation mentions with evidence."""
    nlp = nlp or make_pipeline()
    doc = make_doc(nlp, document.text)
    doc.user_data["kg_title"] = document.meta.title
    doc.user_data["kg_text"] = document.text
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    ctx: Context = doc._.kg_context
    cands: list[Cand] = doc._.kg_candidates
    evidence: dict[tuple[int, int], Evidence] = {}  # (start, end) → its evidence, each computed once

    def evidence_of(start: int, end: int) -> Evidence:
        ev = evidence.get((start, end))
        if ev is None:
            ev = evidence[start, end] = _evidence(document, start, end)
        return ev

    spans = sentences(document.text)
    starts = [s for s, _ in spans]
    mentions = []
    for c in cands:
        k = bisect_right(starts, c.start) - 1
        s, e = spans[k] if k >= 0 else (c.start, c.end)
        sent = evidence_of(s, e)
        ev = evidence_of(c.start, c.end)
        if c.kind == "collective":
            # 两省市生态环境部门 mentions both departments; 两地 / 双方 stand for the two sides
            mentions.extend(Mention(c.type, member, member, ev, sent, "collective") for member in c.members)
            continue
        surface = document.text[c.start : c.end]
        for name in (c.members if c.members and c.kind == "compound" else (c.name,)):
            mentions.append(Mention(c.type, name, surface, ev, sent, c.kind))
    relations = []
    rel: Rel
    for rel in doc._.kg_relations:
        r = rel
        relations.append(RelationMention(r.subject, r.subject_type, r.predicate, r.object, r.object_type, evidence_of(*r.sentence)))
    # relation endpoints that are not mentions of their own (collective members, default authors)
    named = {(m.type, m.name) for m in mentions}
    for r in relations:
        for typ, name in ((r.subject_type, r.subject), (r.object_type, r.object)):
            if (typ, name) not in named:
                mentions.append(Mention(typ, name, name, r.evidence, r.evidence, "implied"))
                named.add((typ, name))
    meta = document.meta
    meta = DocumentMeta(
        title=meta.title, date=meta.date, number=meta.number, author=ctx.author,
        addressee=meta.addressee, jurisdiction=ctx.jurisdiction, city=ctx.city,
    )
    source = SourceDocument(
        file_name=document.file_name,
        sha256=hashlib.sha256(document.original.encode("utf-8", "surrogatepass")).hexdigest(),
        characters=len(document.original),
        encoding=document.encoding,
        meta=meta,
    )
    return Extraction(source, tuple(sorted(set(mentions), key=_mention_order)), tuple(sorted(set(relations), key=_relation_order)))


def _mention_order(m: Mention) -> tuple:
    """The order of :class:`Mention` (fields in turn, evidence fields flattened) as a sort key."""
    ev, sent = m.evidence, m.sentence
    return (m.type, m.name, m.surface, ev.doc, ev.start, ev.end, ev.exact, sent.doc, sent.start, sent.end, sent.exact, m.source)


def _relation_order(r: RelationMention) -> tuple:
    """The order of :class:`RelationMention` as a sort key."""
    ev = r.evidence
    return (r.subject, r.subject_type, r.predicate, r.object, r.object_type, ev.doc, ev.start, ev.end, ev.exact)
