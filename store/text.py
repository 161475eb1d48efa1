"""Canonical article text: the one form every offset, hash and annotation refers to.

DESIGN §2: bytes are decoded as UTF-8 (a BOM is dropped), every newline becomes ``\\n`` and
NFC is applied once. After that the text never changes, so a code point offset into it is
stable and its SHA-256 names the exact text an annotation was made on. Input that is not an
article (invalid UTF-8, UTF-16, binary, empty) is refused here with a one-line ``CorpusError``
rather than shown as mojibake or an empty page.

NUL policy: a NUL is a control character like the others. A page with a few stray NULs among
real text (a scraper's glitch) loads, the NULs stay in the canonical text (so offsets keep
referring to what is stored) and the reader shows each as a visible sign. A file where NULs
make up more than 1% of the characters, or controls of any kind more than 10%, is binary (or
UTF-16 without a byte order mark) and is refused.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from store.errors import CorpusError

BOM = "\ufeff"

# CRLF, lone CR, NEL and the Unicode line/paragraph separators all end a paragraph for the
# reader; folding them into "\n" keeps split_paragraphs, bidi paragraphs and exports agreeing.
_NEWLINES = re.compile("\r\n|[\r\x85\u2028\u2029]")

# Share of control code points (other than tab/newline/form feed) above which decoded text
# is called binary: real articles have none, a binary blob decoded by luck has many.
_BINARY_CONTROL_SHARE = 0.10
# Share of NUL characters above which a file is binary: UTF-16 text has one every other
# byte, executables and images many; a scraped page with a stray NUL has a handful.
_BINARY_NUL_SHARE = 0.01
# Byte order marks of encodings that are not UTF-8: named, so the fix is obvious.
_OTHER_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
# Share of undecodable bytes above which invalid UTF-8 is reported as binary, not as a
# single stray byte in an otherwise good text.
_BINARY_INVALID_SHARE = 0.30

# Anything but whitespace and invisible format characters makes a file non-empty.
_VISIBLE = re.compile("[^\\s\u200b-\u200f\u2060\ufeff\u061c]")
# C0/C1 controls (NUL included) other than tab, newline, vertical tab, form feed and ESC
# (ANSI escapes are hostile but textual; the reader shows them visibly).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f]")


def _where(path: str | Path | None) -> str | None:
    return str(path) if path is not None else None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _too_many_nuls(nuls: int, length: int) -> bool:
    return nuls > 0 and nuls / max(length, 1) > _BINARY_NUL_SHARE


def _decode(raw: bytes, path: str | Path | None) -> str:
    for bom, name in _OTHER_BOMS:
        if raw.startswith(bom):
            raise CorpusError(f"{name} text (byte order mark {bom.hex(' ').upper()}), not UTF-8;"
                              " re-save the file as UTF-8", _where(path))
    nuls = raw.count(b"\x00")
    if _too_many_nuls(nuls, len(raw)):
        raise CorpusError(f"binary file ({nuls} NUL bytes), not a text article", _where(path))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        replaced = raw.decode("utf-8", errors="replace")
        bad = replaced.count("\ufffd")
        if bad / max(len(replaced), 1) > _BINARY_INVALID_SHARE:
            raise CorpusError("binary file, not a UTF-8 text article", _where(path)) from None
        byte = raw[exc.start]
        raise CorpusError(
            f"not valid UTF-8 (byte 0x{byte:02x} at offset {exc.start}); "
            "re-save the file as UTF-8",
            _where(path),
        ) from None


def _check_text(text: str, path: str | Path | None) -> None:
    surrogate = _SURROGATE.search(text)
    if surrogate is not None:
        # Only a JSON string can carry one (an escaped "\\ud800"): it is not a character,
        # cannot be saved as UTF-8 and has no shape to draw.
        raise CorpusError(f"lone surrogate U+{ord(surrogate.group()):04X} at character "
                          f"{surrogate.start()}; not valid Unicode text", _where(path))
    if "\x00" in text:
        nuls = text.count("\x00")
        if _too_many_nuls(nuls, len(text)):
            raise CorpusError(f"binary file ({nuls} NUL characters), not a text article",
                              _where(path))
    if not text:
        raise CorpusError("empty file, no article text", _where(path))
    if not _VISIBLE.search(text):
        raise CorpusError("whitespace-only file, no article text", _where(path))
    if _CONTROL.search(text) is None:
        return
    controls = sum(1 for _ in _CONTROL.finditer(text))
    # Share among the non-whitespace characters, so blank lines neither hide nor reveal
    # binary content (a cleaned page, its blank lines gone, gets the same verdict).
    visible = len("".join(text.split()))
    if controls / max(1, visible) > _BINARY_CONTROL_SHARE:
        raise CorpusError("binary file (mostly control characters), not text", _where(path))


def canonical_text(raw: bytes | str, path: str | Path | None = None) -> str:
    """Decode and normalize an article once, at ingest; raise ``CorpusError`` naming ``path``.

    A ``str`` (a JSONL record's text) skips decoding but gets the same newline, BOM and NFC
    treatment and the same refusal of empty or binary content.
    """
    text = _decode(raw, path) if isinstance(raw, bytes | bytearray) else raw
    if text.startswith(BOM):
        # Every leading BOM (a page saved twice by a BOM-adding editor has two): dropping
        # just one would leave a text that canonicalizes again to something shorter.
        text = text.lstrip(BOM)
    if "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:
        text = _NEWLINES.sub("\n", text)
    _check_text(text, path)
    return unicodedata.normalize("NFC", text)


def text_sha256(text: str) -> str:
    """Hex SHA-256 of the UTF-8 bytes: the identity of one exact canonical text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` code point offsets of every ``\\n``-separated line, empty ones too.

    Keeping the empty lines means the list mirrors ``text.split("\\n")`` one to one, so the
    reader can lay out each line as a paragraph while every offset stays article-relative.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            spans.append((start, len(text)))
            return spans
        spans.append((start, end))
        start = end + 1
