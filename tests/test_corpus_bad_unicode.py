"""Names and ids that are not text: refused by name or FILE:LINE, the rest kept."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from store.corpus import Corpus
from store.corpus_index import open_corpus
from store.errors import CorpusError, StoreError
from store.records import EntitySpan, Event, Highlight

SAMPLE = Path(__file__).resolve().parent.parent / "sample_corpus"


@pytest.fixture
def folder_with_a_bad_name(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for page in sorted(SAMPLE.glob("*.txt"))[:2]:
        shutil.copy(page, folder / page.name)
    bad = os.fsencode(folder) + b"/bad\xff\xfename.txt"
    try:
        shutil.copy(sorted(SAMPLE.glob("*.txt"))[0], bad)
    except OSError:
        pytest.skip("this filesystem refuses names that are not UTF-8")
    return folder


@pytest.mark.parametrize("indexed", [False, True])
def test_a_page_whose_name_is_not_utf8_is_refused_by_name(folder_with_a_bad_name, tmp_path,
                                                          indexed):
    corpus = (open_corpus(folder_with_a_bad_name, tmp_path / "index") if indexed
              else Corpus.open(folder_with_a_bad_name))
    assert len(corpus) == 2
    assert all(meta.id.encode("utf-8") for meta in corpus)
    [error] = corpus.errors
    assert "file name is not valid UTF-8 (bad\\xff\\xfename.txt)" in str(error)


def test_a_lone_surrogate_id_is_refused_with_file_and_line(tmp_path):
    corpus_file = tmp_path / "c.jsonl"
    corpus_file.write_text(
        '{"id": "a", "text": "نص أول"}\n'
        '{"id": "bad\\ud800", "text": "نص"}\n'
        '{"id": "b", "title": "x\\udc00", "text": "نص"}\n'
        '{"id": "c", "text": "نص ثالث"}\n', encoding="utf-8")
    corpus = Corpus.open(corpus_file)
    assert corpus.ids == ["a", "c"]
    assert [str(e) for e in corpus.errors] == [
        f'{corpus_file}:2: "id" holds a lone surrogate (U+D800), not text',
        f'{corpus_file}:3: "title" holds a lone surrogate (U+DC00), not text',
    ]
    indexed = open_corpus(corpus_file, tmp_path / "index")
    assert indexed.ids == ["a", "c"] and len(indexed.errors) == 2


@pytest.mark.parametrize(("cls", "data"), [
    (EntitySpan, {"start": "0", "end": 5, "text": "x", "label": "PERS"}),
    (EntitySpan, {"start": 0, "end": 5.0, "text": "x", "label": "PERS"}),
    (Highlight, {"start": True, "end": 5, "text": "x"}),
    (Event, {"type": "MEET", "trigger_start": "0", "trigger_end": 5, "trigger_text": "x"}),
])
def test_records_with_offsets_that_are_not_integers_are_malformed(cls, data):
    with pytest.raises(TypeError, match="must be an integer"):
        cls.from_dict(data)


def test_a_store_file_whose_offsets_are_strings_is_reported_damaged(tmp_path):
    import json

    from store.store import Store

    store = Store.open(tmp_path / "store")
    store.attach("a", "بوتين في موسكو")
    store.add_entity("a", EntitySpan(0, 5, "بوتين", "PERS"))
    path = store.get("a").path
    store.close()
    data = json.loads(path.read_text(encoding="utf-8"))
    [record] = data["entities"].values()
    record["start"], record["end"] = "0", "5"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = path.read_bytes()
    store = Store.open(tmp_path / "store")
    with pytest.raises(StoreError, match="start must be an integer"):
        store.get("a")
    assert store.annotations("a").entities == []
    store.close()
    assert path.read_bytes() == before
    assert not isinstance(StoreError("x"), CorpusError)
