"""Visible stand-ins for characters that must never reach the terminal raw.

Scraped news carries escape sequences, bidi overrides and zero-width characters. Written
raw they would recolour the screen, reorder text behind the layout engine's back or vanish,
so the reader could no longer trust that what it sees is what is stored. Each such character
is shown as one narrow (one-cell) visible sign instead; the layout engine dims them.

The signs are all of East Asian width N/Na, so terminals agree on their width.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from rich.cells import get_character_cell_size

#: Bidi controls: embeddings, overrides, isolates and the three marks.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
#: Invisible joiners and spaces.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
#: The marks that keep acting as strong characters in bidi resolution although shown as signs,
#: so a text that uses them to fix a number's direction still reads as its author meant.
STRONG_MARKS = {"\u200e": "L", "\u200f": "R", "\u061c": "AL"}

DEL_SIGN = "\u2421"  # ␡
C1_SIGN = "\u2426"  # ␦
BIDI_SIGN = "\u21cc"  # ⇌
ZERO_WIDTH_SIGN = "\u2e31"  # ⸱ word separator middle dot
LINE_SEP_SIGN = "\u2424"  # ␤ for U+2028 / U+2029
UNKNOWN_SIGN = "\ufffd"  # unassigned code points, lone surrogates, other invisible formats
DOTTED_CIRCLE = "\u25cc"  # base for a combining mark that has none


@lru_cache(maxsize=4096)
def _placeholder(ch: str) -> str | None:
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return DEL_SIGN
    if 0x80 <= code <= 0x9F:
        return C1_SIGN
    if ch in BIDI_CONTROLS:
        return BIDI_SIGN
    if ch in ZERO_WIDTH:
        return ZERO_WIDTH_SIGN
    if code in (0x2028, 0x2029):
        return LINE_SEP_SIGN
    category = unicodedata.category(ch)
    if category in ("Cc", "Cf", "Cs", "Cn"):
        return UNKNOWN_SIGN
    if category[0] != "M" and get_character_cell_size(ch) == 0:
        # A non-mark the terminal gives no cell (Hangul fillers, …): it would silently
        # shift every column after it.
        return UNKNOWN_SIGN
    return None


def is_control(ch: str) -> bool:
    """True when ``ch`` is shown as a placeholder sign rather than as itself."""
    return _placeholder(ch) is not None


def visible_text(ch: str) -> str:
    """The one-cell sign shown for a control character, or ``ch`` itself."""
    sign = _placeholder(ch)
    return ch if sign is None else sign


def printable(text: str) -> str:
    """``text`` with every control shown as its sign: for one-line strings that come from
    outside and are printed as they are (file names in error lines, article ids in titles),
    where an ESC in a file name would otherwise clear the user's screen."""
    if text.isprintable():
        return text
    return "".join(visible_text(ch) for ch in text)


def warn(message: object) -> None:
    """One ``warraq: …`` line on stderr, with any control in it shown as its sign: error
    lines echo file names and record ids, which can carry escape sequences."""
    import sys

    print(f"warraq: {printable(str(message))}", file=sys.stderr)
