"""Frozen dataclasses passed between the stages.

Offsets are Unicode code points with an exclusive end.  ``Document.text`` is the
*analysis* text (simplified Chinese, noise removed); ``Document.original`` is the
file's text exactly as decoded; :meth:`Document.to_original` maps between them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

ENTITY_TYPES: tuple[str, ...] = (
    "Agency",
    "Region",
    "River",
    "Agreement",
    "Programme",
    "Standard",
    "Regulation",
    "Meeting",
)
RELATION_TYPES: tuple[str, ...] = ("signedBy", "issuedBy", "concerns", "participant")
#: Entity types whose names are titles of documents or events.
TITLED_TYPES: frozenset[str] = frozenset({"Agreement", "Programme", "Standard", "Regulation", "Meeting"})


@dataclass(frozen=True)
class OffsetMap:
    """Piecewise-linear map from analysis-text offsets to original-text offsets.

    ``runs`` holds ``(text_start, original_start)`` pairs sorted by ``text_start``;
    inside a run both texts advance together.

    >>> m = OffsetMap(runs=((0, 0), (3, 10)), text_length=5, original_length=12)
    >>> [m.to_original(i) for i in range(6)]
    [0, 1, 2, 10, 11, 12]
    """

    runs: tuple[tuple[int, int], ...]
    text_length: int
    original_length: int
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(r[0] for r in self.runs))

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        return cls(runs=((0, 0),), text_length=length, original_length=length)

    def to_original(self, offset: int) -> int:
        if offset >= self.text_length:
            return self.original_length if offset == self.text_length else self.original_length
        i = bisect_right(self._starts, offset) - 1
        t0, o0 = self.runs[max(i, 0)]
        return min(o0 + (offset - t0), self.original_length)

    def to_original_all(self, offsets: Sequence[int]) -> list[int]:
        """:meth:`to_original` of every one of ``offsets``, computed together.

        >>> m = OffsetMap(runs=((0, 0), (3, 10)), text_length=5, original_length=12)
        >>> offsets = [6, 0, 1, 2, 3, 4, 5, 2, 9]
        >>> m.to_original_all(offsets) == [m.to_original(i) for i in offsets]
        True
        """
        if not self.runs or len(offsets) < 8:
            return [self.to_original(o) for o in offsets]
        at = np.asarray(offsets, dtype=np.int64)
        run_text, run_original = np.asarray(self.runs, dtype=np.int64).T
        i = np.maximum(np.searchsorted(run_text, at, side="right") - 1, 0)
        mapped = np.minimum(run_original[i] + (at - run_text[i]), self.original_length)
        mapped[at >= self.text_length] = self.original_length
        return mapped.tolist()

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a non-empty ``[start, end)`` span; the end maps via its last character."""
        if end <= start:
            o = self.to_original(start)
            return o, o
        return self.to_original(start), self.to_original(end - 1) + 1


@dataclass(frozen=True)
class DocumentMeta:
    """What a document says about itself, where it says it."""

    title: str = ""
    date: str = ""  # ISO 8601 (YYYY-MM-DD) or ""
    number: str = ""  # document number, e.g. 渝环函〔2021〕313号
    author: str = ""  # canonical name of the issuing agency
    addressee: str = ""
    jurisdiction: str = ""  # canonical region name the document speaks for, e.g. 重庆市
    city: str = ""  # prefecture-level city that 市… short forms refer to


@dataclass(frozen=True)
class Document:
    """One source file, decoded.

    >>> d = Document(path="a.txt", file_name="a.txt", original="四川", text="四川",
    ...              offsets=OffsetMap.identity(2))
    >>> d.quote(0, 2)
    '四川'
    """

    path: str
    file_name: str
    original: str
    text: str
    offsets: OffsetMap
    encoding: str = "utf-8"
    warnings: tuple[str, ...] = ()
    meta: DocumentMeta = DocumentMeta()

    def quote(self, start: int, end: int) -> str:
        """The original text between two *original* offsets."""
        return self.original[start:end]


@dataclass(frozen=True, order=True)
class Evidence:
    """A span of a source file: code-point offsets into ``Document.original``."""

    doc: str  # file name
    start: int
    end: int
    exact: str


@dataclass(frozen=True, order=True)
class Mention:
    """An entity mention found in one document.

    ``name`` is the canonical name the mention resolves to (simplified Chinese, full
    official form where the document makes it clear); ``surface`` is the analysis-text
    form; ``evidence`` points into the original file.
    """

    type: str
    name: str
    surface: str
    evidence: Evidence
    sentence: Evidence
    source: str = "pattern"


@dataclass(frozen=True, order=True)
class RelationMention:
    """A relation stated by one sentence, between canonical entity names."""

    subject: str
    subject_type: str
    predicate: str
    object: str
    object_type: str
    evidence: Evidence  # the sentence that states it


@dataclass(frozen=True, order=True)
class Entity:
    """One real-world entity, merged over the corpus."""

    key: str  # stable identity: type + resolution key; the IRI derives from it
    type: str
    label: str
    aliases: tuple[str, ...]
    documents: tuple[str, ...]
    mentions: tuple[Evidence, ...]


@dataclass(frozen=True, order=True)
class Relation:
    """A relation between two entities, with every sentence that states it."""

    subject: str  # Entity.key
    predicate: str
    object: str  # Entity.key
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class SourceDocument:
    """Document-level facts kept in the graph."""

    file_name: str
    sha256: str
    characters: int
    encoding: str
    meta: DocumentMeta


@dataclass(frozen=True)
class Extraction:
    """Everything the nlp stage found in one document."""

    document: SourceDocument
    mentions: tuple[Mention, ...]
    relations: tuple[RelationMention, ...]
