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
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from kg.lexicon import Lexicon, _char_table, _codepoints, _lookup, load_lexicon
from kg.model import (
    Document,
    DocumentMeta,
    Evidence,
    Extraction,
    Mention,
    RelationMention,
    SourceDocument,
)
from kg.rules import Cand, Context, document_context, find_mentions, find_relations, sentences
from kg.spacy_import import Doc, Language, Span, spacy  # spaCy without its command-line interface

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
        """``doc.char_span(c.start, c.end, …, alignment_mode="expand")`` of every candidate that has one."""
        bounds = doc.user_data.get("kg_token_bounds")
        if bounds is None or len(bounds[0]) != len(doc) or not cands:
            spans = []
            for c in cands:
                span = doc.char_span(c.start, c.end, label=c.type, kb_id=c.name, alignment_mode="expand")
                if span is not None:
                    spans.append(span)
            return spans
        # the tokens tile the text, so a character's token is the last one starting at or before it
        starts, ends = bounds
        n = len(doc_text(doc))
        first = np.array([c.start for c in cands], dtype=np.int64)
        last = np.array([c.end for c in cands], dtype=np.int64) - 1
        s_tok = np.searchsorted(starts, first, side="right") - 1
        e_tok = np.searchsorted(starts, last, side="right") - 1
        ok = (first >= 0) & (first < n) & (last >= 0) & (last < n)
        # a span starting at its first token's trailing space starts with the next token
        s_tok += ok & (first == ends[np.clip(s_tok, 0, None)])
        return [Span(doc, s, e + 1, label=c.type, kb_id=c.name)
                for c, s, e, good in zip(cands, s_tok.tolist(), e_tok.tolist(), ok.tolist(), strict=True) if good]


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


class _EvidenceOf:
    """The :class:`Evidence` of analysis-text spans of one document, each span mapped once.

    Spans are best added in bulk (:meth:`add`): their offsets are mapped to the original
    text together.  Equal evidence is one object.
    """

    def __init__(self, document: Document) -> None:
        self.document = document
        self.by_span: dict[tuple[int, int], Evidence] = {}
        self.by_original: dict[tuple[int, int], Evidence] = {}

    def __call__(self, start: int, end: int) -> Evidence:
        ev = self.by_span.get((start, end))
        if ev is None:
            self.add([(start, end)])
            ev = self.by_span[start, end]
        return ev

    def add(self, spans: Iterable[tuple[int, int]]) -> None:
        """Map the ``spans`` not mapped yet: each without its leading and trailing whitespace."""
        document = self.document
        new = [span for span in dict.fromkeys(spans) if span not in self.by_span]
        trimmed = [_strip_span(document.text, start, end) for start, end in new]
        # Document.offsets.span_to_original of every span: an empty span maps its start twice
        ends = document.offsets.to_original_all([p for start, end in trimmed for p in (start, max(start, end - 1))])
        for k, (span, (start, end)) in enumerate(zip(new, trimmed, strict=True)):
            o_start = ends[2 * k]
            o_end = ends[2 * k + 1] + 1 if end > start else o_start
            ev = self.by_original.get((o_start, o_end))
            if ev is None:
                ev = self.by_original[o_start, o_end] = Evidence(document.file_name, o_start, o_end, document.original[o_start:o_end])
            self.by_span[span] = ev


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without leading and trailing whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


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
        self.by_codepoint = np.zeros(0, dtype=np.uint64)  # the id of each one-character word, 0 if not yet known

    def __call__(self, vocab, words: Iterable[str]) -> dict[str, int]:
        self._use(vocab)
        ids, add = self.ids, vocab.strings.add
        for w in words:
            if w not in ids:
                ids[w] = add(w, allow_transient=False)
        return ids

    def of_codepoints(self, vocab, cps: np.ndarray) -> np.ndarray:
        """The ids of the one-character words with the code points ``cps``."""
        self._use(vocab)
        if len(cps) and cps.max() >= len(self.by_codepoint):
            grown = np.zeros(int(cps.max()) + 1, dtype=np.uint64)
            grown[: len(self.by_codepoint)] = self.by_codepoint
            self.by_codepoint = grown
        orths = self.by_codepoint[cps]
        new = sorted(set(cps[orths == 0].tolist()))  # not np.unique, which imports numpy.ma (10–20 ms)
        if new:
            ids = self(vocab, map(chr, new))
            self.by_codepoint[new] = [ids[chr(c)] for c in new]
            orths = self.by_codepoint[cps]
        return orths

    def _use(self, vocab) -> None:
        if vocab is not self.vocab:
            self.vocab, self.ids, self.by_codepoint = vocab, {}, np.zeros(0, dtype=np.uint64)


_orth_ids = _OrthCache()
#: True for the code points of whitespace (``str.isspace``; none lies above U+3000)
_SPACES = _char_table(c for c in range(0x3001) if chr(c).isspace())


def char_orths(vocab, text: str) -> tuple[list[int], list[bool]]:
    """The words of :func:`char_words` as lexeme ids of ``vocab``, and the spaces.

    Computed over arrays of code points: the characters' ids come from a table by code
    point, and only the (few) whitespace runs are handled one by one.

    >>> vocab = make_pipeline().vocab
    >>> orths, spaces = char_orths(vocab, "川渝 两地\\n\\n协议 ")
    >>> [vocab.strings[o] for o in orths], spaces
    (['川', '渝', '两', '地', '\\n\\n', '协', '议'], [False, True, False, False, False, False, True])
    """
    orths, trailing, _starts = _char_tokens(vocab, text)
    return orths.tolist(), trailing.tolist()


def _char_tokens(vocab, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`char_orths` as arrays, with the offset in ``text`` where each token starts."""
    cps = _codepoints(text)
    space = _lookup(_SPACES, cps)
    chars = np.flatnonzero(~space)  # every character outside whitespace is a token
    orths = _orth_ids.of_codepoints(vocab, cps[chars])
    trailing = np.zeros(len(chars), dtype=bool)
    edges = np.flatnonzero(np.diff(space, prepend=False, append=False))
    run_starts, run_ends = edges[0::2], edges[1::2]
    if not len(run_starts):
        return orths, trailing, chars
    # a single space after a character is the character's trailing space; the rest of a run is a token
    glued = (cps[run_starts] == ord(" ")) & (run_starts > 0)
    trailing[np.searchsorted(chars, run_starts[glued]) - 1] = True
    rest = run_starts + glued
    keep = rest < run_ends
    rest, rest_ends = rest[keep].tolist(), run_ends[keep].tolist()
    pieces = [text[a:b] for a, b in zip(rest, rest_ends, strict=True)]
    ids = _orth_ids(vocab, pieces)
    at = np.searchsorted(chars, rest)  # each run's token goes before the next character's
    orths = np.insert(orths, at, np.array([ids[p] for p in pieces], dtype=np.uint64))
    trailing = np.insert(trailing, at, False)
    return orths, trailing, np.insert(chars, at, rest)


def make_doc(nlp: Language, text: str) -> Doc:
    """``nlp.make_doc(text)``, without the quadratic alignment for the character segmenter.

    The words go to :class:`~spacy.tokens.Doc` as lexeme ids (:func:`char_orths`), which
    spares spaCy a string hash per token.

    >>> [t.text for t in make_doc(make_pipeline(), "两地 协议")]
    ['两', '地', '协', '议']
    """
    if getattr(nlp.tokenizer, "segmenter", None) == "char":
        orths, trailing, starts = _char_tokens(nlp.vocab, text)
        doc = Doc(nlp.vocab, words=orths.tolist(), spaces=trailing.tolist())
        # where each token's text starts and ends (its trailing space excluded), for EntityFinder._spans
        doc.user_data["kg_token_bounds"] = (starts, np.append(starts[1:], len(text)) - trailing)
        return doc
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
    evidence_of = _EvidenceOf(document)
    mentions = _mentions(document, doc._.kg_candidates, evidence_of)
    relations: dict[tuple, Evidence] = {}  # the order of RelationMention (evidence by its offsets) → its evidence
    for r in doc._.kg_relations:
        ev = evidence_of(*r.sentence)
        relations[r.subject, r.subject_type, r.predicate, r.object, r.object_type, ev.start, ev.end] = ev
        # relation endpoints that are not mentions of their own (collective members, default authors)
        for typ, name in ((r.subject_type, r.subject), (r.object_type, r.object)):
            if (typ, name) not in mentions.names:
                mentions.add(typ, name, name, ev, ev, "implied")
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
    return Extraction(
        source,
        tuple(Mention(typ, name, surface, ev, sent, kind) for (typ, name, surface, *_, kind), (ev, sent) in sorted(mentions.items())),
        tuple(RelationMention(*key[:5], ev) for key, ev in sorted(relations.items())),
    )


class _Mentions(dict):
    """Mentions, each once, in the order of :class:`Mention`: its fields as the key, its evidence the value.

    A mention's evidence stands in its key as offsets: evidence of one document is ordered
    by them (the file is the same, the quoted text follows from the offsets), so equal keys
    are equal mentions and sorted keys are sorted mentions.
    """

    def __init__(self) -> None:
        super().__init__()
        self.names: set[tuple[str, str]] = set()  # (type, name) of every mention

    def add(self, typ: str, name: str, surface: str, ev: Evidence, sent: Evidence, kind: str) -> None:
        self[typ, name, surface, ev.start, ev.end, sent.start, sent.end, kind] = (ev, sent)
        self.names.add((typ, name))


def _mentions(document: Document, cands: list[Cand], evidence_of: _EvidenceOf) -> _Mentions:
    """The mentions of the candidates, with their evidence and that of their sentences."""
    text = document.text
    spans = sentences(text)
    starts = [s for s, _ in spans]
    found = []  # (candidate, its sentence)
    for c in cands:
        k = bisect_right(starts, c.start) - 1
        found.append((c, spans[k] if k >= 0 else (c.start, c.end)))
    evidence_of.add(span for c, sentence in found for span in ((c.start, c.end), sentence))
    mentions = _Mentions()
    for c, sentence in found:
        sent = evidence_of(*sentence)
        ev = evidence_of(c.start, c.end)
        if c.kind == "collective":
            # 两省市生态环境部门 mentions both departments; 两地 / 双方 stand for the two sides
            for member in c.members:
                mentions.add(c.type, member, member, ev, sent, "collective")
            continue
        # 泸州市、永川区生态环境部门: a body that shares the word after the list is written as its place only
        surface = c.name if c.kind == "shared-word" else text[c.start : c.end]
        for name in (c.members if c.members and c.kind == "compound" else (c.name,)):
            mentions.add(c.type, name, surface, ev, sent, c.kind)
    return mentions
