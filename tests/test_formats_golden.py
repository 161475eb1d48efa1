"""The annotated seed articles exported to every format, compared byte for byte with
tests/golden/. Regenerate after an intended change with WARRAQ_REGEN_GOLDEN=1 and review
the diff like code."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from formats_seed_fixture import seed_docs

from store.formats import brat, conll, doccano, labelstudio, native, spacy_docbin, webanno
from store.formats.common import ExportOptions
from store.records import SpanStatus

GOLDEN = Path(__file__).resolve().parent / "golden"
REGEN = os.environ.get("WARRAQ_REGEN_GOLDEN") == "1"
ALL = frozenset(SpanStatus)


def _check(name: str, produced: str) -> None:
    path = GOLDEN / name
    if REGEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(produced, encoding="utf-8", newline="")
        return
    assert path.exists(), f"{path} missing: run with WARRAQ_REGEN_GOLDEN=1"
    expected = _read(path)
    assert produced == expected, f"{name} differs from the golden file"


def _read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


STREAMS = [
    ("native.jsonl", native, ExportOptions(), {}),
    ("native_all_statuses.jsonl", native, ExportOptions(statuses=ALL), {}),
    ("doccano.jsonl", doccano, ExportOptions(), {}),
    ("doccano_entities.jsonl", doccano, ExportOptions(), {"variant": "entities"}),
    ("labelstudio.json", labelstudio, ExportOptions(statuses=ALL), {}),
    ("conll_full.conll", conll, ExportOptions(), {}),
    ("conll_anercorp.conll", conll, ExportOptions(tagset="anercorp"), {}),
    ("conll_ace.conll", conll, ExportOptions(tagset="ace"), {}),
]


@pytest.mark.parametrize(("name", "module", "options", "kw"), STREAMS,
                         ids=[s[0] for s in STREAMS])
def test_stream_formats_match_golden(name, module, options, kw):
    buf = io.StringIO()
    module.export(seed_docs(), buf, options, **kw)
    _check(name, buf.getvalue())


@pytest.mark.parametrize(("folder", "module", "options"), [
    ("brat", brat, ExportOptions(statuses=ALL)),
    ("webanno", webanno, ExportOptions()),
])
def test_folder_formats_match_golden(folder, module, options, tmp_path):
    module.export(seed_docs(), tmp_path, options)
    names = sorted(p.name for p in tmp_path.iterdir())
    if not REGEN:
        assert names == sorted(p.name for p in (GOLDEN / folder).iterdir())
    for name in names:
        _check(f"{folder}/{name}", _read(tmp_path / name))


@pytest.mark.skipif(not spacy_docbin.available(), reason="spaCy not installed")
def test_spacy_matches_golden(tmp_path):
    """DocBin bytes depend on spaCy's version; the golden file is what spaCy reads back."""
    import spacy
    from spacy.tokens import DocBin

    path = tmp_path / "seeds.spacy"
    spacy_docbin.export(seed_docs(), path, ExportOptions())
    nlp = spacy.blank("xx")
    decoded = []
    for doc in DocBin().from_disk(path).get_docs(nlp.vocab):
        decoded.append({
            "id": doc.user_data["id"],
            "text_length": len(doc.text),
            "ents": [[e.start_char, e.end_char, e.label_, e.text] for e in doc.ents],
            "spans_sc": [[s.start_char, s.end_char, s.label_, s.text]
                         for s in doc.spans["sc"]],
        })
    _check("spacy_decoded.jsonl",
           "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in decoded))
    for doc, seed in zip(DocBin().from_disk(path).get_docs(nlp.vocab), seed_docs(),
                         strict=True):
        assert doc.text == seed.text
