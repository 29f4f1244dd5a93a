"""Serialise: triples → Turtle, N-Triples, JSON-LD and TriG text, without an RDF library.

The build writes hundreds of thousands of triples per megabyte of source text, most of them
evidence annotations of one fixed shape.  Going through a generic RDF API costs microseconds
per triple and format; here a :class:`Block` (one subject and its predicate–object pairs)
is rendered straight to text, and an :class:`Annotation` (13 triples) through one template
per format.  Every literal is escaped for the format it goes into; IRIs are either the
project's own (minted from hashes under a validated base) or vocabulary terms.

>>> fmt = Formats(base_iri="https://w3id.org/chuanyu-kg/id/")
>>> b = Block(fmt.node("region/1"), ((RDF_TYPE, Iri(CY + "Region")), (RDFS + "label", Lit('川"渝', lang="zh"))))
>>> print(fmt.ttl(b).replace("\\t", "    "), end="")
id:region\\/1 a cy:Region ;
    rdfs:label "川\\"渝"@zh .
>>> print(fmt.nt(b), end="")
<https://w3id.org/chuanyu-kg/id/region/1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/chuanyu-kg/ontology#Region> .
<https://w3id.org/chuanyu-kg/id/region/1> <http://www.w3.org/2000/01/rdf-schema#label> "川\\"渝"@zh .
>>> fmt.jsonld(b)
'{"@id": "id:region/1", "@type": ["cy:Region"], "rdfs:label": [{"@language": "zh", "@value": "川\\\\"渝"}]}'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import NamedTuple

from kg.errors import KGError
from kg.vocab import CY as _CY
from kg.vocab import OA as _OA
from kg.vocab import PREFIXES

CY = str(_CY._NS)
OA = str(_OA._NS)
RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
XSD = PREFIXES["xsd"]
DCTERMS = PREFIXES["dcterms"]
RDF_TYPE = RDF + "type"
XSD_STRING = XSD + "string"
NON_NEGATIVE = XSD + "nonNegativeInteger"

_BAD = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r]')
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)  # json.dumps(…, ensure_ascii=False, sort_keys=True)
# characters no IRI may contain (RFC 3987 / Turtle IRIREF)
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def clean_literal(text: str) -> str:
    """Text safe for every RDF serialisation: lone surrogates and C0 controls become U+FFFD.

    >>> clean_literal("a\\ud800b\\x00c\\n")
    'a\\ufffdb\\ufffdc\\n'
    """
    return _BAD.sub("\ufffd", text)


def escape_string(text: str) -> str:
    """``text`` (already :func:`clean_literal`) as the inside of a Turtle / N-Triples string.

    >>> print(escape_string('a"b\\\\c\\n'))
    a\\"b\\\\c\\n
    """
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    return _NEEDS_ESCAPE.sub(lambda m: _ESCAPES[m.group()], text)


def check_base_iri(base_iri: str) -> str:
    """``base_iri`` without its trailing slash, or :class:`KGError` if it cannot be an IRI base.

    >>> check_base_iri("https://example.org/kg/")
    'https://example.org/kg'
    >>> check_base_iri("not an iri")
    Traceback (most recent call last):
    kg.errors.KGError: the base IRI must be an absolute http(s) IRI without spaces or <>"{}|^`\\ (got 'not an iri')
    """
    base = base_iri.rstrip("/")
    if not re.match(r"^https?://[^/]", base) or _IRI_BAD.search(base) or "#" in base or "?" in base:
        raise KGError(f"the base IRI must be an absolute http(s) IRI without spaces or <>\"{{}}|^`\\ (got {base_iri!r})")
    return base


class Iri(str):
    """An IRI object (a ``str`` subclass so that blocks sort and compare as text)."""

    __slots__ = ()


class Lit(NamedTuple):
    """A literal: its text, and a language tag or a datatype IRI (neither: ``xsd:string``)."""

    value: str
    lang: str = ""
    datatype: str = ""


Object = Iri | Lit


@dataclass(frozen=True)
class Block:
    """One subject and its ``(predicate, object)`` pairs, in the order they are written."""

    subject: str
    pairs: tuple[tuple[str, Object], ...]


class Annotation(NamedTuple):
    """One W3C Web Annotation: ``body`` is identified (an entity, ``identifying``) or
    described (an ``rdf:Statement``, ``describing``) by the text ``exact`` at
    ``[start, end)`` of ``source``.  Written as 13 triples under the IRI
    ``<base>/annotation/<key>`` (and ``…-target``, ``…-position``, ``…-quote``)."""

    start: int
    end: int
    motivation: str  # "identifying" | "describing"
    body: str
    key: str  # hex digits, unique per body, document and span
    source: str
    exact: str


#: The fields of an :class:`Annotation` as a plain tuple (an ``Annotation`` is one; a plain tuple
#: is made much faster and sorts, compares and hashes alike).
AnnotationFields = tuple[int, int, str, str, str, str, str]


class Formats:
    """Renders blocks and annotations in the four formats, for one base IRI."""

    def __init__(self, *, base_iri: str) -> None:
        self.base = check_base_iri(base_iri)
        self.prefixes = dict(PREFIXES, id=self.base + "/")
        # longest namespace first, so that a prefix never shadows a longer one
        self._spaces = sorted(((ns, p) for p, ns in self.prefixes.items()), key=lambda x: -len(x[0]))
        self._ttl_cache: dict[str, str] = {}
        self._json_cache: dict[str, str] = {}
        self._terms: dict[str, _Term] = {}

    # ------------------------------------------------------------------ terms
    def node(self, local: str) -> Iri:
        """The IRI of a resource of the graph: ``<base>/<local>``."""
        return Iri(f"{self.base}/{local}")

    def ttl_iri(self, iri: str) -> str:
        """An IRI in Turtle: ``prefix:local`` when a prefix covers it, else ``<iri>``."""
        out = self._ttl_cache.get(iri)
        if out is None:
            out = f"<{iri}>"
            for ns, prefix in self._spaces:
                if iri.startswith(ns):
                    local = iri[len(ns):]
                    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_/-]*", local) and not local.endswith("/"):
                        out = f"{prefix}:{local.replace('/', chr(92) + '/')}"
                    break
            if iri.startswith(self.base + "/") and len(self._ttl_cache) > 200_000:
                return out  # do not cache every resource of a huge graph
            self._ttl_cache[iri] = out
        return out

    def json_iri(self, iri: str) -> str:
        """An IRI as a JSON-LD compact IRI (``prefix:local``) or absolute IRI."""
        out = self._json_cache.get(iri)
        if out is None:
            out = iri
            for ns, prefix in self._spaces:
                if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
                    out = f"{prefix}:{iri[len(ns):]}"
                    break
            if iri.startswith(self.base + "/") and len(self._json_cache) > 200_000:
                return out
            self._json_cache[iri] = out
        return out

    def _term(self, iri: str) -> _Term:
        """``iri`` in the three formats, as byte text (for :meth:`annotations_encoded`)."""
        term = self._terms.get(iri)
        if term is None:
            term = _Term(byte_text(iri), byte_text(self.ttl_iri(iri)), byte_text(self.json_iri(iri)))
            if len(self._terms) < _CACHED_TERMS:
                self._terms[iri] = term
        return term

    @staticmethod
    def _literal(o: Lit, datatype: str) -> str:
        """``o`` in Turtle / N-Triples, its datatype (if any) already rendered as ``datatype``."""
        text = f'"{escape_string(clean_literal(o.value))}"'
        if o.lang:
            return f"{text}@{o.lang}"
        if o.datatype and o.datatype != XSD_STRING:
            return f"{text}^^{datatype}"
        return text

    def _ttl_object(self, o: Object) -> str:
        if isinstance(o, Iri):
            return self.ttl_iri(o)
        return self._literal(o, self.ttl_iri(o.datatype) if o.datatype else "")

    def _nt_object(self, o: Object) -> str:
        if isinstance(o, Iri):
            return f"<{o}>"
        return self._literal(o, f"<{o.datatype}>")

    def _json_object(self, o: Object) -> dict:
        if isinstance(o, Iri):
            return {"@id": self.json_iri(o)}
        if o.lang:
            return {"@language": o.lang, "@value": clean_literal(o.value)}
        if o.datatype and o.datatype != XSD_STRING:
            return {"@type": self.json_iri(o.datatype), "@value": clean_literal(o.value)}
        return {"@value": clean_literal(o.value)}

    # ------------------------------------------------------------------ blocks
    def ttl(self, block: Block, *, indent: str = "") -> str:
        """A block as Turtle (``a`` for rdf:type, ``;`` between predicates, ``,`` between objects)."""
        if not block.pairs:
            return ""
        parts: list[str] = []
        last = None
        for p, o in block.pairs:
            obj = self._ttl_object(o)
            if p == last:
                parts[-1] += f" , {obj}"
            else:
                parts.append(f"{'a' if p == RDF_TYPE else self.ttl_iri(p)} {obj}")
                last = p
        sep = f" ;\n{indent}\t"
        return f"{indent}{self.ttl_iri(block.subject)} {sep.join(parts)} .\n"

    def nt(self, block: Block) -> str:
        s = f"<{block.subject}>"
        return "".join(f"{s} <{p}> {self._nt_object(o)} .\n" for p, o in block.pairs)

    def jsonld(self, block: Block) -> str:
        """A block as one JSON-LD node object on one line (keys sorted)."""
        node: dict[str, object] = {"@id": self.json_iri(block.subject)}
        for p, o in block.pairs:
            if p == RDF_TYPE and isinstance(o, Iri):
                node.setdefault("@type", []).append(self.json_iri(o))  # type: ignore[union-attr]
            else:
                node.setdefault(self.json_iri(p), []).append(self._json_object(o))  # type: ignore[union-attr]
        return _JSON.encode(node)

    # ------------------------------------------------------------------ annotations
    def annotations(self, items: Iterable[AnnotationFields]) -> tuple[str, str, str]:
        """``items`` as Turtle, N-Triples and JSON-LD (node objects joined by ``,\\n``) text.

        >>> fmt = Formats(base_iri="https://w3id.org/chuanyu-kg/id/")
        >>> a = Annotation(0, 2, "identifying", fmt.node("region/1"), "ab12", fmt.node("document/1"), "川渝")
        >>> ttl, nt, js = fmt.annotations([a])
        >>> print(ttl.splitlines()[-1].replace("\\t", "    "))
            oa:exact "川渝" .
        >>> len(nt.splitlines()), len(js.splitlines())  # 13 triples, 4 node objects
        (13, 4)
        """
        return tuple(b.decode("utf-8") for b in self.annotations_encoded(items))  # type: ignore[return-value]

    def annotations_encoded(self, items: Iterable[AnnotationFields], *, heads: tuple[str, str, str] = ("", "", "")
                            ) -> tuple[bytes, bytes, bytes]:
        """``items`` as UTF-8 Turtle, N-Triples and JSON-LD, each after its text in ``heads``
        (JSON-LD: node objects, the head's included, joined by ``,\\n``).

        The same text as :meth:`annotations`, encoded; built as byte text (see :func:`byte_text`)
        so that the templates are filled and joined one byte per character.

        >>> fmt = Formats(base_iri="https://w3id.org/chuanyu-kg/id/")
        >>> a = Annotation(0, 2, "describing", fmt.node("statement/1"), "ab12", fmt.node("document/1"), '川"渝')
        >>> ttl, nt, js = fmt.annotations_encoded([a], heads=("# doc\\n", "", '{"@id": "id:document/1"}'))
        >>> ttl.startswith(b"# doc\\nid:annotation\\\\/ab12 a oa:Annotation"), nt.decode().endswith('"川\\\\"渝" .\\n')
        (True, True)
        >>> js.decode().endswith('"oa:exact": [{"@value": "川\\\\"渝"}]}')
        True
        """
        terms, term = self._terms, self._term
        quotes, motivations = _Quotes(), _ByteTexts()
        base = byte_text(self.base)
        ttl_head, nt_head, json_head = map(byte_text, heads)
        ttl, nt, js = [ttl_head], [nt_head], ([json_head] if json_head else [])
        for start, end, motivation, body, key, source, exact in items:
            k = key if key.isascii() else byte_text(key)  # keys are hex digits
            body_iri, body_ttl, body_json = terms.get(body) or term(body)
            source_iri, source_ttl, source_json = terms.get(source) or term(source)
            m, (quote, json_quote), s, e = motivations[motivation], quotes[exact], str(start), str(end)
            ttl.append(_ttl_annotation(k, m, body_ttl, source_ttl, s, e, quote))
            nt.append(_nt_annotation(base, k, m, body_iri, source_iri, s, e, quote))
            js.append(_json_annotation(k, m, body_json, source_json, s, e, json_quote))
        return "".join(ttl).encode("latin-1"), "".join(nt).encode("latin-1"), ",\n".join(js).encode("latin-1")

    # ------------------------------------------------------------------ file framing
    def ttl_header(self) -> str:
        return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in self.prefixes.items()) + "\n"

    def jsonld_header(self) -> str:
        context = json.dumps(self.prefixes, ensure_ascii=False, sort_keys=True)
        return f'{{"@context": {context},\n"@graph": [\n'

    @staticmethod
    def jsonld_footer() -> str:
        return "\n]}\n"


#: Triples per :class:`Annotation`.
ANNOTATION_TRIPLES = 13


def byte_text(text: str) -> str:
    """``text``'s UTF-8 bytes as a Latin-1 string: one character per byte, so that templates
    filled with it stay in Python's one-byte string form and ``.encode("latin-1")`` gives
    the UTF-8 of the whole.  ASCII text is returned as it is.

    >>> byte_text("a川")
    'aå·\\x9d'
    >>> (byte_text("a") + byte_text("川")).encode("latin-1").decode("utf-8")
    'a川'
    """
    return text if text.isascii() else text.encode("utf-8").decode("latin-1")


class _ByteTexts(dict[str, str]):
    """Text → :func:`byte_text` of it, made on first use."""

    def __missing__(self, text: str) -> str:
        out = self[text] = byte_text(text)
        return out


#: At most this many IRIs' :class:`_Term` are kept by a :class:`Formats` (resources recur across documents;
#: an ASCII IRI's term shares its strings with the ``ttl_iri`` / ``json_iri`` caches, so each costs ~120 bytes).
_CACHED_TERMS = 100_000


class _Term(NamedTuple):
    """An IRI as byte text: as is (N-Triples writes ``<iri>``), in Turtle, in JSON-LD."""

    iri: str
    ttl: str
    json: str


# a character that clean_literal replaces, or that Turtle, N-Triples or JSON escapes
_PLAIN_NOT = re.compile('[\ud800-\udfff\x00-\x1f\\\\"\ufffe\uffff]')


class _Quotes(dict[str, tuple[str, str]]):
    """Quoted text → its escaped Turtle / N-Triples string body and its JSON string, as byte
    text (one per rendering: a sentence is the evidence of several annotations).

    >>> q = _Quotes()
    >>> q['a"\\tb'], q["川"] == (byte_text("川"), byte_text('"川"'))
    (('a\\\\"\\tb', '"a\\\\"\\\\tb"'), True)
    """

    def __missing__(self, exact: str) -> tuple[str, str]:
        if _PLAIN_NOT.search(exact) is None:  # most text: nothing to clean or escape
            text = byte_text(exact)
            quoted = self[exact] = (text, f'"{text}"')
            return quoted
        text = clean_literal(exact)
        # encode_basestring: the C function json.dumps(text, ensure_ascii=False) calls
        quoted = self[exact] = (byte_text(escape_string(text)), byte_text(encode_basestring(text)))
        return quoted


def _ttl_annotation(k: str, motivation: str, body: str, source: str, start: str, end: str, quote: str) -> str:
    """One annotation in Turtle (``body`` and ``source`` as Turtle terms, ``quote`` escaped)."""
    i = f"id:annotation\\/{k}"
    return (
        f"{i} a oa:Annotation ;\n\toa:hasBody {body} ;\n\toa:hasTarget {i}-target ;\n"
        f"\toa:motivatedBy oa:{motivation} .\n"
        f"{i}-target a oa:SpecificResource ;\n\toa:hasSelector {i}-position , {i}-quote ;\n"
        f"\toa:hasSource {source} .\n"
        f'{i}-position a oa:TextPositionSelector ;\n\toa:end "{end}"^^xsd:nonNegativeInteger ;\n'
        f'\toa:start "{start}"^^xsd:nonNegativeInteger .\n'
        f'{i}-quote a oa:TextQuoteSelector ;\n\toa:exact "{quote}" .\n'
    )


# the constant middles of the N-Triples lines of an annotation
_IS_ANNOTATION = f"> <{RDF_TYPE}> <{OA}Annotation> .\n"
_HAS_BODY = f"> <{OA}hasBody> <"
_HAS_TARGET = f"> <{OA}hasTarget> "
_MOTIVATED_BY = f"> <{OA}motivatedBy> <{OA}"
_IS_TARGET = f" <{RDF_TYPE}> <{OA}SpecificResource> .\n"
_HAS_SELECTOR = f" <{OA}hasSelector> "
_HAS_SOURCE = f" <{OA}hasSource> <"
_IS_POSITION = f" <{RDF_TYPE}> <{OA}TextPositionSelector> .\n"
_END = f' <{OA}end> "'
_START = f' <{OA}start> "'
_NON_NEGATIVE = f'"^^<{NON_NEGATIVE}> .\n'
_IS_QUOTE = f" <{RDF_TYPE}> <{OA}TextQuoteSelector> .\n"
_EXACT = f' <{OA}exact> "'


def _nt_annotation(base: str, k: str, motivation: str, body: str, source: str, start: str, end: str, quote: str) -> str:
    """One annotation in N-Triples (``body`` and ``source`` as IRIs, ``quote`` escaped).

    >>> print(_nt_annotation("http://x.org", "1", "describing", "http://x.org/s", "http://x.org/d", 0, 2, "q").splitlines()[3])
    <http://x.org/annotation/1> <http://www.w3.org/ns/oa#motivatedBy> <http://www.w3.org/ns/oa#describing> .
    """
    n = f"<{base}/annotation/{k}"
    t, ps, qs = f"{n}-target>", f"{n}-position>", f"{n}-quote>"
    # two f-strings: with more than 30 parts, one would be compiled to a slower list and join
    annotation_and_target = (
        f"{n}{_IS_ANNOTATION}"
        f"{n}{_HAS_BODY}{body}> .\n"
        f"{n}{_HAS_TARGET}{t} .\n"
        f"{n}{_MOTIVATED_BY}{motivation}> .\n"
        f"{t}{_IS_TARGET}"
        f"{t}{_HAS_SELECTOR}{ps} .\n"
        f"{t}{_HAS_SELECTOR}{qs} .\n"
        f"{t}{_HAS_SOURCE}{source}> .\n"
    )
    return (
        f"{annotation_and_target}"
        f"{ps}{_IS_POSITION}"
        f"{ps}{_END}{end}{_NON_NEGATIVE}"
        f"{ps}{_START}{start}{_NON_NEGATIVE}"
        f"{qs}{_IS_QUOTE}"
        f'{qs}{_EXACT}{quote}" .\n'
    )


def _json_annotation(k: str, motivation: str, body: str, source: str, start: str, end: str, quote: str) -> str:
    """One annotation as four JSON-LD node objects (``body``, ``source`` compact IRIs, ``quote`` a JSON string)."""
    j = f"id:annotation/{k}"
    return (
        f'{{"@id": "{j}", "@type": ["oa:Annotation"], "oa:hasBody": [{{"@id": "{body}"}}], '
        f'"oa:hasTarget": [{{"@id": "{j}-target"}}], "oa:motivatedBy": [{{"@id": "oa:{motivation}"}}]}},\n'
        f'{{"@id": "{j}-target", "@type": ["oa:SpecificResource"], '
        f'"oa:hasSelector": [{{"@id": "{j}-position"}}, {{"@id": "{j}-quote"}}], '
        f'"oa:hasSource": [{{"@id": "{source}"}}]}},\n'
        f'{{"@id": "{j}-position", "@type": ["oa:TextPositionSelector"], '
        f'"oa:end": [{{"@type": "xsd:nonNegativeInteger", "@value": "{end}"}}], '
        f'"oa:start": [{{"@type": "xsd:nonNegativeInteger", "@value": "{start}"}}]}},\n'
        f'{{"@id": "{j}-quote", "@type": ["oa:TextQuoteSelector"], '
        f'"oa:exact": [{{"@value": {quote}}}]}}'
    )
