"""Corpus sources: folder of pages, JSONL, single page; bad files reported, others open."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from store.cleaning import CLEANING_VERSION
from store.corpus import Article, ArticleMeta, Corpus, UnknownArticleError, sample_corpus_path
from store.errors import CorpusError
from store.text import text_sha256

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"


def test_sample_corpus_opens_in_name_order():
    path = sample_corpus_path()
    assert path.is_dir() and (path / "000_016fc75d937698ad.txt").is_file()
    corpus = Corpus.open(path)
    assert corpus.errors == []
    assert len(corpus) == 5
    ids = [meta.id for meta in corpus.articles]
    assert ids == sorted(ids) and ids[0] == "000_016fc75d937698ad"
    assert corpus.index_of("002_d2e71cb321c96b8c") == 2
    meta = corpus.meta("004_aefd97f5f178b05d")
    assert (meta.date, meta.time, meta.author) == ("2024-10-18", "08:44", "حبيبة وائل")
    assert meta.extra["cleaning_version"] == CLEANING_VERSION
    assert meta.line is None and meta.byte_offset is None


def test_load_gives_cleaned_canonical_text_and_hash():
    corpus = Corpus.open(sample_corpus_path())
    article = corpus.load("002_d2e71cb321c96b8c")
    assert isinstance(article, Article)
    assert article.id == "002_d2e71cb321c96b8c"
    assert article.text.startswith(article.meta.title + "\n\n")
    assert article.sha256 == text_sha256(article.text)
    assert "المصدر:" not in article.text and article.meta.source == "النهضة نيوز - وكالات"
    assert corpus.load("002_d2e71cb321c96b8c") == article  # same file, same text, same hash
    with pytest.raises(AttributeError):
        article.text = "x"  # type: ignore[misc]


def test_unknown_id():
    corpus = Corpus.open(sample_corpus_path())
    with pytest.raises(UnknownArticleError) as info:
        corpus.load("nope")
    assert isinstance(info.value, KeyError) and isinstance(info.value, CorpusError)
    assert "nope" in str(info.value)
    assert "nope" not in corpus


def test_bad_files_in_a_folder_are_reported_and_others_open():
    corpus = Corpus.open(FIXTURES / "mixed")
    assert [m.id for m in corpus.articles] == ["a_good", "f_crlf_bom"]
    by_file = {Path(e.path).name: str(e) for e in corpus.errors}
    assert set(by_file) == {"b_invalid_utf8.txt", "c_binary.txt", "d_empty.txt", "e_blank.txt"}
    assert "not valid UTF-8" in by_file["b_invalid_utf8.txt"]
    assert "binary" in by_file["c_binary.txt"]
    assert "empty" in by_file["d_empty.txt"]
    assert "whitespace-only" in by_file["e_blank.txt"]
    for message in by_file.values():
        assert "\n" not in message and message.startswith(str(FIXTURES / "mixed"))


def test_crlf_bom_and_nfc_in_a_page():
    raw = (FIXTURES / "mixed" / "f_crlf_bom.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and "\u0627\u0654".encode() in raw
    article = Corpus.open(FIXTURES / "mixed").load("f_crlf_bom")
    assert "\r" not in article.text and "\ufeff" not in article.text
    assert "\u0654" not in article.text
    assert article.meta.title == "الرئيس السوري يصل إلى موسكوأ"
    assert (FIXTURES / "mixed" / "f_crlf_bom.txt").read_bytes() == raw  # raw never modified


def test_jsonl_good_and_bad_lines():
    path = FIXTURES / "records.jsonl"
    corpus = Corpus.open(path)
    ids = [m.id for m in corpus.articles]
    assert ids[0] == "r1" and ids[-1] == "6" and len(ids) == 3
    errors = {e.line: str(e) for e in corpus.errors}
    assert set(errors) == {2, 5, 6, 7, 8}
    assert errors[2].startswith(f"{path}:2: invalid JSON")
    assert "JSON object" in errors[5]
    assert '"text"' in errors[6]
    assert "duplicate id 'r1' (first at line 1)" in errors[7]
    assert "whitespace-only" in errors[8]

    r1 = corpus.meta("r1")
    assert (r1.title, r1.date) == ("قمة في موسكو", "2024-10-18")
    assert r1.date_raw == "الجمعة، 18 أكتوبر 2024"
    assert r1.url == "https://example.com/1" and r1.extra == {"lang": "ar"}
    assert r1.line == 1 and r1.byte_offset == 0

    hashed = corpus.articles[1]
    text = "نص بلا معرّف ولا عنوان\nسطر ثان"
    assert hashed.id == text_sha256(text)[:16]
    assert hashed.title == "نص بلا معرّف ولا عنوان"
    assert hashed.line == 3

    numeric = corpus.meta("6")
    assert numeric.date is None and numeric.date_raw == "غير معروف"
    assert numeric.source == "سانا"


def test_jsonl_load_rereads_the_line_and_does_not_clean():
    corpus = Corpus.open(FIXTURES / "records.jsonl")
    article = corpus.load("r1")
    assert article.text == "التقى بوتين الأسد.\nوناقشا العلاقات."
    hashed = corpus.articles[1]
    loaded = corpus.load(hashed.id)
    assert loaded.text == "نص بلا معرّف ولا عنوان\nسطر ثان"  # CRLF canonicalized
    assert loaded.sha256 == text_sha256(loaded.text)
    assert loaded.meta == hashed


def test_jsonl_text_is_taken_as_given(tmp_path):
    text = "مقالات ذات صلة\nhttps://example.com\nقال الوزير."
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "x", "title": "ع", "text": text}, ensure_ascii=False))
    assert Corpus.open(path).load("x").text == text


def test_jsonl_changed_after_open(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "a", "text": "أ"}\n{"id": "b", "text": "ب"}\n')
    corpus = Corpus.open(path)
    path.write_text('{"id": "z", "text": "ز"}\n{"id": "b", "text": "ب"}\n')
    with pytest.raises(CorpusError, match=r"c\.jsonl:1: file changed"):
        corpus.load("a")


def test_single_page(tmp_path):
    page = tmp_path / "خبر.txt"
    shutil.copy(sample_corpus_path() / "004_aefd97f5f178b05d.txt", page)
    corpus = Corpus.open(page)
    assert [m.id for m in corpus.articles] == ["خبر"]
    assert corpus.load("خبر").meta.date == "2024-10-18"


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda d: d / "missing", "no such file or folder"),
        (lambda d: d, "no .txt articles"),
        (lambda d: _write(d / "x.json", b"[]"), ".json file is not a corpus"),
        (lambda d: _write(d / "x.jsonl", b"\n\n"), "empty JSONL"),
        (lambda d: _write(d / "x.txt", b"\x00\x01"), "binary"),
    ],
)
def test_unusable_paths_raise_one_line(tmp_path, make, needle):
    target = make(tmp_path)
    with pytest.raises(CorpusError) as info:
        Corpus.open(target)
    assert needle in str(info.value) and "\n" not in str(info.value)
    assert str(info.value).startswith(str(target))


def test_folder_where_every_file_is_bad_opens_empty_with_errors(tmp_path):
    _write(tmp_path / "a.txt", b"")
    corpus = Corpus.open(tmp_path)
    assert len(corpus) == 0 and len(corpus.errors) == 1


def test_meta_fields_are_the_documented_ones():
    names = list(ArticleMeta.__dataclass_fields__)
    assert names == [
        "id", "title", "date", "time", "date_raw", "url", "source", "author",
        "path", "line", "byte_offset", "extra",
    ]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
