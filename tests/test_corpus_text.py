"""Canonical text: decoding, newline/BOM/NFC normalization, refusal of non-articles."""

from __future__ import annotations

import hashlib
import itertools
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.errors import CorpusError, WarraqError
from store.text import canonical_text, split_paragraphs, text_sha256


def test_bom_dropped_and_newlines_unified():
    raw = "\ufeffسطر أول\r\nسطر ثان\rسطر ثالث\u2029رابع\n".encode()
    assert canonical_text(raw) == "سطر أول\nسطر ثان\nسطر ثالث\nرابع\n"


def test_decomposed_alef_hamza_becomes_composed():
    decomposed = "\u0627\u0654\u0633\u062f"  # ا + hamza above, then سد
    assert unicodedata.normalize("NFC", decomposed) != decomposed  # the fixture is really NFD
    text = canonical_text(decomposed.encode())
    assert text == "أسد"
    assert text[0] == "\u0623"


def test_str_input_gets_the_same_treatment():
    assert canonical_text("\ufeffا\u0654\r\nب") == "أ\nب"


def test_canonical_text_is_idempotent_and_keeps_harakat():
    text = "بِسْمِ اللَّهِ\nمُحَمَّدٌ"
    once = canonical_text(text)
    assert canonical_text(once) == once
    assert "ِ" in once and "ّ" in once


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        (b"", "empty"),
        (b" \n\t\r\n\xc2\xa0\xe2\x80\x8b", "whitespace-only"),
        (b"abc\x00def", "binary"),
        (bytes(range(1, 32)) * 4, "binary"),
        (bytes(range(0x80, 0x100)), "binary"),
        ("عنوان".encode() + b"\xff rest", "not valid UTF-8"),
    ],
)
def test_bad_input_names_the_file_in_one_line(raw, needle):
    with pytest.raises(CorpusError) as info:
        canonical_text(raw, "corpus/bad.txt")
    message = str(info.value)
    assert message.startswith("corpus/bad.txt: ")
    assert needle in message
    assert "\n" not in message
    assert isinstance(info.value, WarraqError)
    assert info.value.path == "corpus/bad.txt"


def test_invalid_utf8_reports_the_offset():
    raw = "عنوان".encode() + b"\xc3\x28"
    with pytest.raises(CorpusError, match=r"offset 10"):
        canonical_text(raw, "x.txt")


def test_ansi_escapes_are_text_not_binary():
    # Hostile but textual: kept for the reader to show visibly, never refused.
    assert canonical_text("\x1b[31mأحمر\x1b[0m".encode()) == "\x1b[31mأحمر\x1b[0m"


def test_sha256_is_of_utf8_bytes():
    text = "بوتين والأسد"
    assert text_sha256(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert text_sha256(text) != text_sha256(text + " ")
    assert len(text_sha256("")) == 64


def test_split_paragraphs_keeps_empty_lines():
    text = "عنوان\n\nفقرة أولى\nفقرة"
    assert split_paragraphs(text) == [(0, 5), (6, 6), (7, 16), (17, 21)]
    assert split_paragraphs("") == [(0, 0)]
    assert split_paragraphs("a\n") == [(0, 1), (2, 2)]


@settings(max_examples=200)
@given(st.text(alphabet=st.sampled_from("اب ت\nثج\u064e😀"), max_size=60))
def test_split_paragraphs_mirrors_split(text):
    spans = split_paragraphs(text)
    assert [text[a:b] for a, b in spans] == text.split("\n")
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert text[end] == "\n" and start == end + 1
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
