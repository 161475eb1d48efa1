"""Every format imports back to the annotations it exported (hypothesis over texts with
harakat, lam-alef, emoji and astral characters, mixed scripts, nested spans)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from formats_strategies import docs, key_set
from hypothesis import HealthCheck, given, settings

from store.formats import brat, conll, doccano, labelstudio, native, spacy_docbin, webanno
from store.formats.common import (
    ExportOptions,
    GoldDoc,
    align_by_skeleton,
    remap_doc,
    tokenize,
)
from store.records import SpanStatus

ALL = frozenset(SpanStatus)
GOLD = {SpanStatus.ACCEPTED}
FAST = settings(max_examples=80, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def _stream(module, doc: GoldDoc, tmp: Path, options: ExportOptions, **kw) -> list[GoldDoc]:
    buf = io.StringIO()
    module.export([doc], buf, options, **kw)
    path = tmp / "out"
    path.write_text(buf.getvalue(), encoding="utf-8")
    report = module.read(path)
    assert report.problems == [], [str(p) for p in report.problems]
    return report.docs


def _events(doc: GoldDoc) -> set[tuple]:
    ents = {e.id: (e.start, e.end, e.label) for e in doc.annotations.entities}
    return {(v.type, v.trigger_start, v.trigger_end, v.trigger_text,
             tuple(sorted((a.role, ents[a.entity_id]) for a in v.arguments)),
             tuple(sorted(v.attributes.items())))
            for v in doc.annotations.events}


@FAST
@given(doc=docs())
def test_native_is_lossless(doc, tmp_path):
    back = _stream(native, doc, tmp_path, ExportOptions(statuses=ALL))
    assert len(back) == 1
    assert back[0].id == doc.id and back[0].text == doc.text and back[0].meta == doc.meta
    assert back[0].annotations.to_dict() == doc.annotations.to_dict()


@FAST
@given(doc=docs())
def test_native_gold_only_by_default(doc, tmp_path):
    back = _stream(native, doc, tmp_path, ExportOptions())[0]
    assert {e.status for e in back.annotations.entities} <= GOLD
    assert key_set(back) == key_set(doc, GOLD)


@FAST
@given(doc=docs())
def test_doccano_label_variant(doc, tmp_path):
    back = _stream(doccano, doc, tmp_path, ExportOptions())[0]
    assert back.text == doc.text and back.id == doc.id
    assert key_set(back) == key_set(doc, GOLD)
    assert all(e.text == doc.text[e.start:e.end] for e in back.annotations.entities)


@FAST
@given(doc=docs())
def test_doccano_entities_variant_keeps_events(doc, tmp_path):
    back = _stream(doccano, doc, tmp_path, ExportOptions(), variant="entities")[0]
    gold = [v for v in doc.annotations.events if v.status in GOLD]
    # events without arguments come back as plain entities (no relation marks the trigger)
    bare = {(v.trigger_start, v.trigger_end, v.type) for v in gold if not v.arguments}
    assert key_set(back) == key_set(doc, GOLD) | bare
    # doccano has no event attributes: compare type, trigger and arguments
    assert {ev[:5] for ev in _events(back)} == {ev[:5] for ev in _events(doc) if ev[4]}


@FAST
@given(doc=docs())
@pytest.mark.parametrize("unit", ["codepoint", "utf16"])
def test_labelstudio_all_statuses(doc, unit, tmp_path):
    back = _stream(labelstudio, doc, tmp_path, ExportOptions(statuses=ALL), offsets=unit)[0]
    assert back.text == doc.text and back.id == doc.id
    for status in SpanStatus:
        assert key_set(back, {status}) == key_set(doc, {status})
    origins = {(e.start, e.end, e.label, e.origin) for e in back.annotations.entities}
    assert origins == {(e.start, e.end, e.label, e.origin) for e in doc.annotations.entities}
    assert _events(back) == _events(doc)
    assert sorted((h.start, h.end, h.category, h.note) for h in back.annotations.highlights) \
        == sorted((h.start, h.end, h.category, h.note) for h in doc.annotations.highlights)
    assert back.annotations.doc_labels == doc.annotations.doc_labels


@FAST
@given(doc=docs())
def test_brat(doc, tmp_path):
    out = tmp_path / "brat"
    brat.export([doc], out, ExportOptions(statuses=ALL))
    assert (out / "annotation.conf").exists()
    report = brat.read(out)
    assert report.problems == [], [str(p) for p in report.problems]
    (back,) = report.docs
    assert back.id == doc.id and back.text == doc.text
    for status in SpanStatus:
        assert key_set(back, {status}) == key_set(doc, {status})
    assert _events(back) == _events(doc)
    assert sorted((h.start, h.end, h.category, h.note) for h in back.annotations.highlights) \
        == sorted((h.start, h.end, h.category, (h.note or None)) for h in
                  doc.annotations.highlights)
    for f in out.iterdir():
        f.unlink()


@FAST
@given(doc=docs())
def test_webanno(doc, tmp_path):
    out = tmp_path / "tsv"
    webanno.export([doc], out, ExportOptions())
    report = webanno.read(out)
    assert report.problems == [], [str(p) for p in report.problems]
    (back,) = report.docs
    assert back.id == doc.id
    remap = align_by_skeleton(back.text, doc.text)
    assert remap is not None
    placed = remap_doc(back, doc.text, remap)
    assert key_set(placed) == key_set(doc, GOLD)
    for f in out.iterdir():
        f.unlink()


def _widened(doc: GoldDoc) -> set[tuple]:
    toks = tokenize(doc.text)
    out = set()
    for e in doc.annotations.entities:
        if e.status != SpanStatus.ACCEPTED:
            continue
        cover = [t for t in toks if t.end > e.start and t.start < e.end]
        out.add((cover[0].start, cover[-1].end, e.label))
    return out


@FAST
@given(doc=docs())
def test_conll_widens_to_tokens_and_realigns(doc, tmp_path):
    (back,) = _stream(conll, doc, tmp_path, ExportOptions())
    assert not back.offsets_exact
    remap = align_by_skeleton(back.text, doc.text)
    assert remap is not None, "CoNLL must keep every non-space character in order"
    placed = remap_doc(back, doc.text, remap)
    assert key_set(placed) == _widened(doc)


@pytest.mark.skipif(not spacy_docbin.available(), reason="spaCy not installed")
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(doc=docs())
def test_spacy_docbin(doc, tmp_path):
    path = tmp_path / "out.spacy"
    spacy_docbin.export([doc], path, ExportOptions())
    report = spacy_docbin.read(path)
    assert report.problems == []
    (back,) = report.docs
    assert back.text == doc.text and back.id == doc.id
    assert key_set(back) == key_set(doc, GOLD)
