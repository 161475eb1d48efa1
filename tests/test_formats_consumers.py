"""Outputs checked by real consumers (seqeval, spaCy) and against the published format
descriptions (ANERcorp's 9 tags, WebAnno TSV 3.3 layout, Label Studio task shape, brat)."""

from __future__ import annotations

import io
import itertools
import json
import re

import pytest
from formats_seed_fixture import seed_docs
from seqeval.metrics import f1_score
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import IOB2, Entities

from store.formats import brat, conll, labelstudio, spacy_docbin, webanno
from store.formats.common import ExportOptions, GoldDoc, Utf16Map, tokenize, utf16_len
from store.records import ArticleAnnotations, EntitySpan


def _conll_sentences(text: str) -> list[list[list[str]]]:
    """Sentences as rows of columns, DOCSTART lines dropped."""
    out, cur = [], []
    for line in text.split("\n"):
        if not line.strip():
            if cur:
                out.append(cur)
            cur = []
            continue
        if line.startswith("-DOCSTART-"):
            continue
        cur.append(line.split(" "))
    if cur:
        out.append(cur)
    return out


def _export(module, options, docs=None, **kw) -> str:
    buf = io.StringIO()
    module.export(docs or seed_docs(), buf, options, **kw)
    return buf.getvalue()


def test_anercorp_tagset_is_exactly_the_nine_tags_and_valid_iob2():
    out = _export(conll, ExportOptions(tagset="anercorp"))
    sents = _conll_sentences(out)
    tags = [[row[1] for row in s] for s in sents]
    assert all(len(row) == 2 for s in sents for row in s), "ANERcorp is `word TAG`"
    used = {t for s in tags for t in s}
    assert used <= {"O", *(f"{p}-{c}" for p in "BI" for c in ("PERS", "LOC", "ORG", "MISC"))}
    assert {"B-PERS", "I-PERS", "B-LOC", "B-MISC"} <= used
    # seqeval in strict IOB2 mode accepts every sequence and finds the same entities
    Entities(tags, scheme=IOB2)  # raises on a malformed sequence
    assert f1_score(tags, tags, mode="strict", scheme=IOB2) == 1.0
    n_b = sum(t.startswith("B-") for s in tags for t in s)
    assert len(get_entities(tags)) == n_b


def test_nested_columns_each_valid_iob2_and_count_matches():
    out = _export(conll, ExportOptions())
    sents = _conll_sentences(out)
    width = {len(row) for s in sents for row in s}
    assert len(width) == 1 and width.pop() >= 3, "nested entity needs a second tag column"
    total = 0
    for col in range(1, len(sents[0][0])):
        tags = [[row[col] for row in s] for s in sents]
        Entities(tags, scheme=IOB2)
        total += len(get_entities(tags))
    docs = seed_docs()
    gold = sum(1 for d in docs for e in d.annotations.entities if e.status == "accepted")
    assert total == gold  # every accepted span, nested ones included, is in some column


def test_conll_tokens_keep_clitics_and_split_punctuation():
    toks = [t.text for t in tokenize("قال: «بلبنان» وللأمم، 15/03/2023.")]
    assert toks == ["قال", ":", "«", "بلبنان", "»", "وللأمم", "،", "15/03/2023", "."]


def test_stem_only_span_tags_the_whole_token():
    text = "زار بلبنان أمس"
    doc = GoldDoc("x", text, annotations=ArticleAnnotations(entities=[
        EntitySpan(start=5, end=10, text="لبنان", label="GPE")]))
    out = _export(conll, ExportOptions(), [doc])
    assert "بلبنان B-GPE" in out.split("\n")


@pytest.mark.skipif(not spacy_docbin.available(), reason="spaCy not installed")
def test_spacy_reads_docbin_with_ents_and_span_group(tmp_path):
    import spacy
    from spacy.tokens import DocBin

    path = tmp_path / "x.spacy"
    docs = seed_docs()
    spacy_docbin.export(docs, path, ExportOptions())
    got = list(DocBin().from_disk(path).get_docs(spacy.blank("xx").vocab))
    for sdoc, seed in zip(got, docs, strict=True):
        assert sdoc.text == seed.text
        gold = {(e.start, e.end, e.label) for e in seed.annotations.entities
                if e.status == "accepted"}
        assert {(s.start_char, s.end_char, s.label_) for s in sdoc.spans["sc"]} == gold
        ents = [(e.start_char, e.end_char) for e in sdoc.ents]
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(ents))  # no overlap


def test_spacy_absent_gives_one_line(monkeypatch, tmp_path):
    import sys

    from store.errors import WarraqError

    monkeypatch.setitem(sys.modules, "spacy", None)
    with pytest.raises(WarraqError) as info:
        spacy_docbin.export(seed_docs(), tmp_path / "x.spacy", ExportOptions())
    assert "\n" not in str(info.value) and "pip install" in str(info.value)


def test_webanno_layout_follows_tsv_3_3(tmp_path):
    text = "قال 😀 بوتين [في] موسكو_اليوم.\nثم غادر."
    b = text.index("بوتين")
    m = text.index("موسكو")
    doc = GoldDoc("w", text, annotations=ArticleAnnotations(entities=[
        EntitySpan(start=b, end=b + 5, text="بوتين", label="PERS"),
        EntitySpan(start=b, end=m + 5, text=text[b:m + 5], label="MISC"),
        EntitySpan(start=m, end=m + 5, text="موسكو", label="GPE")]))
    tsv = webanno.doc_to_tsv(doc)
    lines = tsv.split("\n")
    assert lines[:4] == ["#FORMAT=WebAnno TSV 3.3",
                         "#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value",
                         "", ""]
    assert lines[4].startswith("#Text=") and "\\[في\\]" in lines[4]
    u16 = Utf16Map(text)
    rows = [ln.split("\t") for ln in lines if re.match(r"^\d+-\d+\t", ln)]
    for row in rows:
        begin, end = map(int, row[1].split("-"))
        assert len(row) == 5 and row[4] == ""  # sent-tok, offsets, token, value, (end)
        # offsets are UTF-16: the token text sits there in the JS-indexed text
        cp_b, cp_e = u16.to_codepoint(begin), u16.to_codepoint(end)
        assert webanno.unescape(row[2]) == text[cp_b:cp_e]
    b16 = u16.to_utf16(b)
    assert b16 == b + 1  # one emoji before: two code units
    by_tok = {r[2]: r[3] for r in rows}
    assert by_tok["بوتين"] in ("PERS[1]|MISC[2]", "MISC[1]|PERS[2]", "MISC[2]|PERS[1]",
                               "PERS[2]|MISC[1]")
    assert re.fullmatch(r"MISC\[\d+\]", by_tok["\\["])
    assert re.fullmatch(r"(GPE\[\d+\]\|MISC\[\d+\]|MISC\[\d+\]\|GPE\[\d+\])", by_tok["موسكو"])
    assert utf16_len(text) == len(text) + 1


def test_labelstudio_task_shape():
    tasks = json.loads(_export(labelstudio, ExportOptions(statuses=frozenset(
        {"accepted", "pending", "rejected"}))))
    assert len(tasks) == 5
    t = tasks[0]
    assert set(t) >= {"data", "annotations", "predictions"}
    assert isinstance(t["data"]["text"], str)
    result = t["annotations"][0]["result"]
    spans = [r for r in result if r["type"] == "labels"]
    for r in spans:
        v = r["value"]
        assert r["to_name"] == "text" and r["from_name"] in ("label", "trigger", "highlight")
        assert t["data"]["text"][v["start"]:v["end"]] == v["text"]
        assert isinstance(v["labels"], list) and len(v["labels"]) == 1
    rels = [r for r in result if r["type"] == "relation"]
    ids = {r["id"] for r in spans}
    assert rels and all(r["from_id"] in ids and r["to_id"] in ids for r in rels)
    versions = {p["model_version"] for p in t["predictions"]}
    assert versions == {"gazetteer", "rejected:gazetteer"}


def test_brat_ann_lines_follow_standoff_syntax(tmp_path):
    brat.export(seed_docs(), tmp_path, ExportOptions())
    for ann in tmp_path.glob("*.ann"):
        text = ann.with_suffix(".txt").read_text(encoding="utf-8")
        for line in ann.read_text(encoding="utf-8").splitlines():
            kind = line[0]
            assert kind in "TEA#"
            if kind == "T":
                _tid, mid, shown = line.split("\t")
                _label, *offs = mid.split(" ", 1)
                frags = [tuple(map(int, f.split())) for f in offs[0].split(";")]
                assert " ".join(text[a:b] for a, b in frags) == shown
    conf = (tmp_path / "annotation.conf").read_text(encoding="utf-8")
    for section in ("[entities]", "[relations]", "[events]", "[attributes]"):
        assert section in conf
