"""kg.graph: a document's part, and the annotation check that stands in for SHACL on the
mention annotations the build's query store leaves out."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import ValidationError
from kg.graph import check_annotations, document_block, document_iri, document_part
from kg.model import DocumentMeta, Evidence, Extraction, Mention, RelationMention, SourceDocument
from kg.serialize import Formats
from kg.shacl import validate_store

BASE = "https://w3id.org/chuanyu-kg/id/"
FMT = Formats(base_iri=BASE)
SOURCE = SourceDocument("a.txt", "0" * 64, 40, "utf-8", DocumentMeta(title="关于合作的函"))
DOC = document_iri("a.txt", base_iri=BASE)
BODY = FMT.node("region/1")


def _shacl_on(annotations: list[tuple]) -> set[tuple[str, str]]:
    """(shape, path) of every SHACL violation of the document block plus ``annotations``,
    rendered by the template the build uses."""
    head = FMT.nt(document_block(SOURCE, iri=DOC, base_iri=BASE, author_known=False))
    _ttl, nt, _js = FMT.annotations_encoded(annotations, heads=("", head, ""))
    store = ox.Store()
    store.load(nt, format=ox.RdfFormat.N_TRIPLES)
    return {(v.shape, v.path) for v in validate_store(store, evidence=False).violations}


def _ann(start, end, exact="重庆", key="k1", motivation="identifying"):
    return (start, end, motivation, BODY, key, DOC, exact)


@pytest.mark.parametrize("annotations", [
    [_ann(0, 2)],
    [_ann(0, 1, "川"), _ann(3, 40, "一整句话", key="k2", motivation="describing")],
    [_ann(7, 9, 'a"\\\n', key="k3")],
])
def test_graph_annotations_that_pass_the_check_conform_to_the_shapes(annotations):
    check_annotations(annotations, what="a.txt")
    assert _shacl_on(annotations) == set()


@pytest.mark.parametrize(("annotations", "path"), [
    ([_ann(2, 2)], "oa:start"),             # start not less than end
    ([_ann(5, 3)], "oa:start"),
    ([_ann(-1, 2)], "oa:start"),            # negative: not an xsd:nonNegativeInteger
    ([_ann(0, 2, "")], "oa:exact"),        # empty quote
    ([_ann(0, 2, motivation="tagging")], "oa:motivatedBy"),
    ([_ann(0, 2), _ann(4, 6, key="k1")], "oa:start"),  # one key for two annotations: two values each
])
def test_graph_annotations_the_check_rejects_break_the_shapes(annotations, path):
    with pytest.raises(ValidationError, match="a.txt"):
        check_annotations(annotations, what="a.txt")
    assert path in {p for _shape, p in _shacl_on(annotations)}


def _extraction(mentions=(), relations=()) -> Extraction:
    return Extraction(SOURCE, tuple(mentions), tuple(relations))


def test_graph_document_part_puts_the_query_stores_share_first():
    ev = Evidence("a.txt", 0, 2, "重庆")
    sentence = Evidence("a.txt", 0, 12, "重庆市与四川省签订《协议》")
    x = _extraction(
        [Mention("Region", "重庆市", "重庆", ev, sentence), Mention("Agreement", "《协议》", "《协议》", Evidence("a.txt", 8, 12, "《协议》"), sentence)],
        [RelationMention("《协议》", "Agreement", "signedBy", "重庆市", "Region", sentence)],
    )
    part = document_part(x, fmt=FMT)
    head, rest = part.nt[:part.store_bytes], part.nt[part.store_bytes:]
    assert head.count(b"\n") == part.store_triples and part.nt.count(b"\n") == part.triples
    assert b"#describing" in head and b"#identifying" not in head  # document + relation evidence
    assert rest.count(b"#identifying>") == 2 and b"#describing" not in rest
    assert b"SourceDocument" in head


def test_graph_document_part_refuses_an_entity_without_annotation(monkeypatch):
    """What the query store cannot check (every entity is some annotation's body) is checked
    on the annotations ``document_part`` actually makes."""
    import kg.graph

    ev = Evidence("a.txt", 0, 2, "重庆")
    x = _extraction([Mention("Region", "重庆市", "重庆", ev, ev)])
    document_part(x, fmt=FMT)  # fine as made
    real = kg.graph.evidence_annotations
    monkeypatch.setattr(kg.graph, "evidence_annotations",
                        lambda summary, **kw: [a for a in real(summary, **kw) if a[2] != "identifying"])
    with pytest.raises(ValidationError, match="without an evidence annotation"):
        document_part(x, fmt=FMT)


@settings(max_examples=60, deadline=None)
@given(
    start=st.integers(min_value=-3, max_value=2**40),
    length=st.integers(min_value=-3, max_value=50),
    exact=st.text(max_size=6),
    motivation=st.sampled_from(["identifying", "describing", "tagging"]),
    shared_key=st.booleans(),
)
def test_graph_check_annotations_agrees_with_the_shapes_on_generated_values(start, length, exact, motivation, shared_key):
    anns = [_ann(start, start + length, exact, motivation=motivation), _ann(0, 1, "川", key="k1" if shared_key else "k2")]
    try:
        check_annotations(anns, what="a.txt")
        passed = True
    except ValidationError:
        passed = False
    assert passed == (_shacl_on(anns) == set())


@pytest.mark.parametrize("jobs", [1, 2])
def test_graph_a_bad_mention_annotation_fails_the_build_and_publishes_nothing(tmp_path, monkeypatch, jobs):
    import kg.graph
    from kg.pipeline import build

    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    for name in ("a.txt", "b.txt"):
        (src / name).write_text("四川省与重庆市签订《联合执法机制协议》。", encoding="utf-8")
    real = kg.graph.evidence_annotations

    def broken(summary, **kw):
        return [(a[1], a[0]) + a[2:] if a[2] == "identifying" else a for a in real(summary, **kw)]

    monkeypatch.setattr(kg.graph, "evidence_annotations", broken)
    with pytest.raises(ValidationError, match="is not less than oa:end") as caught:
        build([src], out=out, quiet=True, cache=False, jobs=jobs)
    assert caught.value.path == "a.txt"  # the file is named, from a worker process too
    assert not (out / "kg.ttl").exists() and not list(out.glob(".staging-*"))
