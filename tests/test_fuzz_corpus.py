"""Fuzzing the corpus reader: any bytes give a ``CorpusError`` (one line naming the file) or
a canonical text, never another exception; and the NUL policy of store/text.py."""

from __future__ import annotations

import json
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.cleaning import clean_page
from store.corpus import Corpus, read_page
from store.errors import CorpusError
from store.text import canonical_text

AR = "استقبل الرئيس الروسي فلاديمير بوتين نظيره السوري بشار الأسد في الكرملين. "
# Byte pieces a hostile page is made of: text, line ends, BOMs, controls, escapes, bidi
# controls, broken UTF-8 (a lone continuation byte, a cut sequence, an overlong form).
PIECES = [
    AR.encode(), b"Reuters 2024 ", b"\n", b"\r\n", b"\r", b"\xef\xbb\xbf", b"\xff\xfe",
    b"\x00", b"\x1b[31m", b"\x1b]0;owned\x07", b"\x07", b"\x7f", "\x85".encode(),
    "\u202e\u2066\u2069".encode(), "\u200b\u200d".encode(), b"\x80", b"\xd8", b"\xc0\xaf",
    b"\t", b" ", "\u2028".encode(), "ﻻ\u0651".encode(),
]
pages = st.lists(st.sampled_from(PIECES), max_size=40).map(b"".join)
any_bytes = st.one_of(st.binary(max_size=400), pages)


def _check_canonical(text: str) -> None:
    assert "\r" not in text and "\x85" not in text and "\u2028" not in text
    assert not text.startswith("\ufeff")
    assert unicodedata.is_normalized("NFC", text)
    assert canonical_text(text) == text  # idempotent


def _check_error(exc: CorpusError, path: str) -> None:
    message = str(exc)
    assert message.startswith(f"{path}: ") and "\n" not in message and exc.reason


@settings(max_examples=300, deadline=None)
@given(any_bytes)
def test_canonical_text_of_any_bytes_is_text_or_one_line_error(raw: bytes) -> None:
    try:
        text = canonical_text(raw, "fuzz/page.txt")
    except CorpusError as exc:
        _check_error(exc, "fuzz/page.txt")
        return
    _check_canonical(text)


@settings(max_examples=150, deadline=None)
@given(pages)
def test_cleaning_any_page_never_raises_and_keeps_a_one_line_title(raw: bytes) -> None:
    try:
        text = canonical_text(raw, "p.txt")
    except CorpusError:
        return
    page = clean_page(text)
    assert "\n" not in page.title
    if not page.text:
        return
    try:
        _check_canonical(page.text)
    except CorpusError as exc:
        # Boilerplate gone, a few stray NULs can be too many: read_page refuses such a page.
        assert "binary" in exc.reason
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "p.txt"
            path.write_bytes(raw)
            with pytest.raises(CorpusError, match="binary"):
                read_page(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_bytes, min_size=1, max_size=5))
def test_folder_of_random_files_opens_with_per_file_errors(files: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n, raw in enumerate(files):
            (folder / f"f{n}.txt").write_bytes(raw)
        corpus = Corpus.open(folder)
        assert len(corpus) + len(corpus.errors) == len(files)
        for error in corpus.errors:
            assert error.path and Path(error.path).parent == folder and "\n" not in str(error)
        for meta in corpus:
            article = corpus.load(meta.id)
            assert "\n" not in meta.title
            assert article.text == read_page(folder / f"{meta.id}.txt").text


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=6,
)
records = st.one_of(
    st.fixed_dictionaries({"id": json_values, "text": json_values},
                          optional={"title": json_values, "date": json_values,
                                    "url": json_values}).map(
        lambda r: json.dumps(r, ensure_ascii=False).encode()),
    st.fixed_dictionaries({"id": st.text(min_size=1, max_size=8),
                           "text": st.lists(st.sampled_from(PIECES), min_size=1, max_size=8)
                           .map(lambda p: b"".join(p).decode("utf-8", "replace"))}).map(
        lambda r: json.dumps(r, ensure_ascii=False).encode()),
    st.binary(max_size=60).filter(lambda b: b"\n" not in b),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records, min_size=1, max_size=8))
def test_jsonl_corpus_of_random_records_reports_lines(lines: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.jsonl"
        path.write_bytes(b"\n".join(lines) + b"\n")
        try:
            corpus = Corpus.open(path)
        except CorpusError as exc:  # only a file without any record is refused whole
            assert "empty JSONL" in str(exc)
            return
        for error in corpus.errors:
            assert error.line is not None and 1 <= error.line <= len(lines)
            assert str(error).startswith(f"{path}:{error.line}: ") and "\n" not in str(error)
        for meta in corpus:
            article = corpus.load(meta.id)
            _check_canonical(article.text)


def test_regression_double_bom_is_dropped_whole() -> None:
    # Found by the fuzzer: one BOM was dropped, the second stayed, so canonicalizing the
    # canonical text again shortened it and would have shifted every offset.
    raw = b"\xef\xbb\xbf\xef\xbb\xbf" + AR.encode()
    text = canonical_text(raw, "p.txt")
    assert text == AR and canonical_text(text) == text


# --------------------------------------------------------------------------- NUL policy


def test_a_few_stray_nuls_load_and_stay_in_the_text() -> None:
    raw = (AR * 3 + "\x00" + AR * 3 + "\x00\x00" + AR).encode()
    text = canonical_text(raw, "p.txt")
    assert text.count("\x00") == 3
    assert text.index("\x00") == len(AR * 3)  # offsets refer to the stored text


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (AR.encode() + b"\x00" * 64, "NUL bytes"),  # a file padded with zeros
        ("بوتين والأسد في موسكو".encode("utf-16-le"), "binary"),  # UTF-16 without a BOM
        ("بوتين".encode("utf-16"), "UTF-16 text"),
        ("بوتين".encode("utf-32"), "UTF-32 text"),
        ("Putin met Assad".encode("utf-16-le"), "NUL bytes"),
        (bytes(range(256)) * 4, "binary"),
    ],
)
def test_binary_and_utf16_are_refused_in_one_line(raw: bytes, words: str) -> None:
    with pytest.raises(CorpusError) as info:
        canonical_text(raw, "x.txt")
    assert words in str(info.value) and str(info.value).startswith("x.txt: ")


def test_jsonl_text_with_many_nuls_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "ok", "text": AR * 3 + "\x00"}) + "\n"
                    + json.dumps({"id": "bad", "text": "\x00" * 20 + "ب"}) + "\n",
                    encoding="utf-8")
    corpus = Corpus.open(path)
    assert corpus.ids == ["ok"] and corpus.load("ok").text.endswith("\x00")
    [error] = corpus.errors
    assert error.line == 2 and "NUL" in str(error)


def test_regression_bom_opening_a_later_line_does_not_open_the_article() -> None:
    """Found by hypothesis: a BOM at the start of a line after blank lines became the first
    character of the cleaned text, so re-canonicalising it would shift every offset."""
    raw = "\n\ufeffاستقبل الرئيس الروسي فلاديمير بوتين نظيره السوري بشار الأسد في الكرملين. "
    page = clean_page(canonical_text(raw.encode("utf-8"), "p.txt"))
    assert not page.text.startswith("\ufeff")
    _check_canonical(page.text)


def test_regression_binary_verdict_does_not_depend_on_blank_lines() -> None:
    """Found by hypothesis: a control-heavy page passed thanks to its blank lines and its
    cleaned text (blank lines gone) then failed the same check."""
    raw = b"\n\n\n\n\n\x07\xef\xbb\xbb\xd9\x91\xef\xbb\xbb\xd9\x91"
    text = "\x07\ufefb\u0651\ufefb\u0651"
    for candidate in (raw, text.encode("utf-8")):
        with pytest.raises(CorpusError):
            canonical_text(candidate, "p.txt")
