"""CoNLL as its consumers read it (issue 14, item 5): spaCy's own ``spacy convert -c ner``
takes the last column, which must be the outermost layer; an emoji glued to a word is a
token of its own, so it never widens a span on import."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest

from store.formats import conll
from store.formats.common import ExportOptions, GoldDoc, parse_statuses
from store.records import ArticleAnnotations, EntitySpan

TEXT = "قال وزير خارجية روسيا لافروف إن وزارة الخارجية الروسية تدعم الحل 🇷🇺.\nوزار بوتين😀 موسكو."


def _at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def _doc() -> GoldDoc:
    outer = EntitySpan(*_at("وزارة الخارجية الروسية"), "وزارة الخارجية الروسية", "ORG")
    inner = EntitySpan(*_at("الروسية"), "الروسية", "NORP")
    putin = EntitySpan(*_at("بوتين"), "بوتين", "PERS")
    moscow = EntitySpan(*_at("موسكو"), "موسكو", "GPE")
    return GoldDoc(id="a", text=TEXT, meta={},
                   annotations=ArticleAnnotations(entities=[outer, inner, putin, moscow]))


def _export() -> str:
    out = StringIO()
    conll.export([_doc()], out, ExportOptions(statuses=parse_statuses("accepted")))
    return out.getvalue()


def test_emoji_is_its_own_token_and_spans_come_back_unwidened(tmp_path: Path) -> None:
    text = _export()
    assert "بوتين O B-PERS" in text and "😀 O O" in text
    path = tmp_path / "a.conll"
    path.write_text(text, encoding="utf-8")
    report = conll.read(path)
    (doc,) = report.docs
    got = {doc.text[e.start:e.end] for e in doc.annotations.entities}
    assert "بوتين" in got and not any("😀" in g for g in got)


def test_spacy_convert_reads_the_outermost_layer(tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    src = tmp_path / "gold.conll"
    # spaCy's converter takes "token ... TAG" lines; -DOCSTART- lines are its doc separators.
    src.write_text(_export(), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run([sys.executable, "-m", "spacy", "convert", str(src), str(out),
                           "-c", "ner", "-l", "ar"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("ar")
    docs = list(DocBin().from_disk(next(out.glob("*.spacy"))).get_docs(nlp.vocab))
    ents = {(e.text, e.label_) for d in docs for e in d.ents}
    assert ("وزارة الخارجية الروسية", "ORG") in ents  # the whole name, not NORP inside it
    assert ("الروسية", "NORP") not in ents
    assert ("بوتين", "PERS") in ents and ("موسكو", "GPE") in ents
