"""Arabic text helpers for matching and search: normalization keys, tokens, proclitics.

Normalization is for *finding* text, never for storing it (ARABIC.md): the canonical article
text is immutable, so every normalized key comes with an index map back to code point
offsets in the original, and a match found in the key becomes a span of the real text.

Choices made here, and why:

* ``ى`` (alef maqsura) becomes ``ي`` (ya), as CAMeL Tools does, not ``ا`` as pyarabic does.
  Egyptian and many scraped sources write final ya without dots (``علي``/``على``, ``مصطفى``),
  so folding ى into ي makes both spellings meet; folding it into ا would make ``على`` collide
  with ``علا`` and move a letter that users never see as alef.
* ``ة`` becomes ``ه`` because news writes ``سورية``/``سوريه`` interchangeably.
* Persian ``ی`` and ``ک`` fold into Arabic ``ي`` and ``ك``, and Arabic presentation forms
  (scraped PDFs) fold into their base letters (lam-alef ligatures become two letters), so a
  search typed on any keyboard finds text however it was encoded.
* Hamza seats (``ؤ``, ``ئ``) are kept: ``مسؤول``/``مسئول`` differ, but folding them would
  merge unrelated words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

# Harakat (fathatan … sukun), superscript alef, tatweel: removed, and a matched span is
# extended over them so a letter keeps its marks.
MARKS = frozenset(chr(c) for c in range(0x064B, 0x0653)) | {"\u0670", "\u0640"}

# Invisible controls: removed from keys, never part of a span's tail.
CONTROLS = (
    frozenset(chr(c) for c in range(0x200B, 0x2010))
    | frozenset(chr(c) for c in range(0x202A, 0x202F))
    | frozenset(chr(c) for c in range(0x2066, 0x206A))
    | {"\ufeff", "\u061c"}
)

_FOLD: dict[str, str] = {c: "" for c in MARKS | CONTROLS}
_FOLD.update({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ی": "ي", "ک": "ك"})
for _d in range(10):
    _FOLD[chr(0x0660 + _d)] = str(_d)  # Arabic-Indic digits
    _FOLD[chr(0x06F0 + _d)] = str(_d)  # Extended (Persian/Urdu) digits


def _fold_presentation_forms() -> None:
    """Map Arabic presentation forms A and B to their base letters via NFKC, then fold."""
    ranges = (range(0xFB50, 0xFDD0), range(0xFDF0, 0xFE00), range(0xFE70, 0xFEFF))
    for block in ranges:
        for cp in block:
            ch = chr(cp)
            decomposed = unicodedata.normalize("NFKC", ch)
            if decomposed != ch and " " not in decomposed:
                _FOLD[ch] = "".join(_FOLD.get(c, c) for c in decomposed)


_fold_presentation_forms()
_TABLE = str.maketrans(_FOLD)


def _fold_char(ch: str) -> str:
    folded = _FOLD.get(ch)
    if folded is not None:
        return folded
    return ch.casefold() if not ch.isascii() or ch.isupper() else ch


def normalize_key(text: str) -> tuple[str, list[int]]:
    """Key for matching plus ``index``: ``index[i]`` is the offset in ``text`` of ``key[i]``.

    ``index`` has one extra sentinel entry, ``index[len(key)] == len(text)``, so callers can
    map an empty match at the end. A character that folds to several key characters (a
    lam-alef ligature, German ß) gives each of them the same source offset.
    """
    key_parts: list[str] = []
    index: list[int] = []
    for offset, ch in enumerate(text):
        folded = _fold_char(ch)
        if folded:
            key_parts.append(folded)
            index.extend([offset] * len(folded))
    index.append(len(text))
    return "".join(key_parts), index


def normalize(text: str) -> str:
    """Just the key of :func:`normalize_key`, by the fast path (same result, no index)."""
    return text.translate(_TABLE).casefold()


def normalize_many(texts: Sequence[str | None]) -> list[str]:
    """``normalize`` of each text (None as ""), in one pass over all of them: one translate
    of the NUL-joined texts costs a fraction of one call per text (100,000 titles)."""
    if not texts:
        return []
    joined = "\x00".join(t or "" for t in texts)
    keys = joined.translate(_TABLE).casefold().split("\x00")
    if len(keys) != len(texts):  # a text held a NUL (or normalizing made one): one by one
        keys = [normalize(t or "") for t in texts]
    return keys


def key_span_to_text_span(index: list[int], a: int, b: int, text: str) -> tuple[int, int]:
    """Map key slice ``key[a:b]`` to ``(s, e)`` in ``text``.

    The end is extended over harakat and tatweel that follow the last matched letter: they
    belong to it, and a highlight that cut them off would leave a mark dangling.
    """
    if not 0 <= a <= b < len(index):
        raise ValueError(f"key span {a}:{b} out of range for index of length {len(index)}")
    if a == b:
        return index[a], index[a]
    start = index[a]
    end = index[b - 1] + 1
    while end < len(text) and text[end] in MARKS:
        end += 1
    return start, end


# ---------------------------------------------------------------------------- tokens

class Token(NamedTuple):
    """A token as code point offsets into the text it came from; ``text == src[start:end]``.

    A named tuple rather than a dataclass: tokenizing a long article makes tens of
    thousands of them, and tuples are several times cheaper to build.
    """

    start: int
    end: int
    text: str

    @property
    def is_punct(self) -> bool:
        return bool(self.text) and self.text[0] in PUNCTUATION


# Punctuation split off tokens. % and ٪ are not here (90٪ and %90 stay whole), nor are #, @
# and _ (hashtags, handles).
PUNCTUATION = frozenset(
    "!\"&'()*+,-./:;<=>?[\\]^`{|}~"
    "،؛؟۔«»“”‘’„‚‹›…–—•·﴾﴿"
) | frozenset(chr(c) for c in range(0x2010, 0x2028)) | frozenset(
    chr(c) for c in range(0x2030, 0x205F)
)
_PUNCT_CLASS = "".join(sorted(re.escape(c) for c in PUNCTUATION))
# Separators that stay inside a number: 3.5, 1,000, 15/03/2023, 12:30, 2015-2020, ٣٫٥.
_NUM_SEP = r"[.,/:\-٫٬]"
_TOKEN_RE = re.compile(
    rf"(?P<url>(?:https?://|www\.)[^\s<>\"«»“”]+)"
    rf"|(?P<word>[^\s{_PUNCT_CLASS}]+(?:(?<=\d){_NUM_SEP}(?=\d)[^\s{_PUNCT_CLASS}]+)*)"
    rf"|(?P<punct>([{_PUNCT_CLASS}])\4*)",
    re.IGNORECASE,
)
_URL_TAIL = frozenset(".,;:!?)]}'\"،؛؟»”…")


def tokenize(text: str) -> list[Token]:
    """Whitespace tokens with punctuation split off; numbers, dates and URLs stay whole.

    A run of one repeated punctuation character (``...``, ``!!``) is one token. Every
    non-space character of ``text`` belongs to exactly one token.
    """
    tokens: list[Token] = []
    for m in _TOKEN_RE.finditer(text):
        start, end = m.span()
        if m.lastgroup == "url":
            while end > start + 1 and text[end - 1] in _URL_TAIL:
                end -= 1
            tokens.append(Token(start, end, text[start:end]))
            # A trimmed tail is punctuation again: tokenize it on its own.
            tail = m.end()
            if end < tail:
                tokens.extend(
                    Token(t.start + end, t.end + end, t.text) for t in tokenize(text[end:tail])
                )
            continue
        tokens.append(Token(start, end, text[start:end]))
    return tokens


# ------------------------------------------------------------------------- proclitics

_CONJ = ("", "و", "ف")
_PREP = ("", "ب", "ل", "ك")
MIN_STEM = 2


def split_proclitics(token: str) -> list[tuple[str, str]]:
    """All readings of ``token`` as ``[و|ف]? [ب|ل|ك]? (ال)? STEM`` (ARABIC.md grammar).

    Order: shortest prefix first, starting with ``("", token)`` itself, so a caller that
    takes the first known stem keeps as many letters in the stem as possible (``لبنان`` is
    found before ``ل`` + ``بنان`` is tried). A stem is at least two letters.

    ``لل`` is ``ل`` + ``ال`` with the alef dropped in writing (``للأمم``): it yields the
    literal split ``("لل", "أمم")`` and also ``("ل", "الأمم")`` with the article restored, so
    a lookup of definite entries works. That restored pair is the one case where
    ``prefix + stem != token``. Works on raw text or on normalized keys alike.
    """
    seen: set[tuple[str, str]] = set()
    out: list[tuple[str, str]] = []

    def add(prefix: str, stem: str) -> None:
        if len(stem) >= MIN_STEM and (prefix, stem) not in seen:
            seen.add((prefix, stem))
            out.append((prefix, stem))

    for conj in _CONJ:
        if conj and not token.startswith(conj):
            continue
        rest1 = token[len(conj):]
        for prep in _PREP:
            if prep and not rest1.startswith(prep):
                continue
            rest2 = rest1[len(prep):]
            head = conj + prep
            add(head, rest2)
            if prep == "ل" and rest2.startswith("ل") and len(rest2) > 1:
                # لل = ل + ال: literal and article-restored readings.
                add(head + "ل", rest2[1:])
                add(head, "ال" + rest2[1:])
            elif rest2.startswith("ال"):
                add(head + "ال", rest2[2:])
    out.sort(key=lambda pair: len(pair[0]))
    return out
