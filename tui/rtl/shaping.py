"""Arabic contextual shaping, one glyph per cluster, in logical order.

Terminals print code points side by side and mostly do not join Arabic letters, so the reader
substitutes the presentation form (isolated, initial, medial, final) each letter takes in its
word. Harakat are kept on their letter (arabic-reshaper drops them by default), the lam-alef
ligature is the only one made (it is in every Arabic terminal font; word ligatures such as
ﷲ mostly are not), and a mark with no letter before it gets a dotted circle to sit on.

The presentation forms come from Unicode's own compatibility decompositions (``<initial>
0628`` …), so the table covers exactly the letters that have forms.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from rich.cells import cell_len, get_character_cell_size

from tui.rtl.glyphs import DOTTED_CIRCLE, is_control, visible_text

ISOLATED, INITIAL, MEDIAL, FINAL = 0, 1, 2, 3
_FORM_TAGS = {"<isolated>": ISOLATED, "<initial>": INITIAL, "<medial>": MEDIAL, "<final>": FINAL}
LAM = "\u0644"
ALEFS = frozenset("\u0622\u0623\u0625\u0627")
TATWEEL = "\u0640"

# Letters without presentation forms whose name says they join on the right only.
_RIGHT_JOINING_WORDS = (
    "ALEF", "DAL", "DDAL", "DUL", "THAL", "REH", "RREH", "ZAIN", "JEH", "WAW", "TEH MARBUTA",
    "YEH BARREE", "AE", "U", "OE", "YU", "VE", "KIRGHIZ OE", "KIRGHIZ YU",
)


def _build_forms() -> tuple[dict[str, list[str]], dict[str, tuple[str, str]]]:
    forms: dict[str, list[str]] = {}
    lam_alef: dict[str, tuple[str, str]] = {}  # alef -> (isolated, final) ligature
    for code in list(range(0xFB50, 0xFE00)) + list(range(0xFE70, 0xFF00)):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) < 2 or parts[0] not in _FORM_TAGS:
            continue
        form = _FORM_TAGS[parts[0]]
        letters = [chr(int(p, 16)) for p in parts[1:]]
        if len(letters) == 1:
            slot = forms.setdefault(letters[0], ["", "", "", ""])
            if not slot[form]:
                slot[form] = chr(code)
        elif len(letters) == 2 and letters[0] == LAM and letters[1] in ALEFS:
            iso, fin = lam_alef.get(letters[1], ("", ""))
            if form == ISOLATED:
                iso = chr(code)
            elif form == FINAL:
                fin = chr(code)
            lam_alef[letters[1]] = (iso, fin)
    return forms, lam_alef


FORMS, LAM_ALEF = _build_forms()


@lru_cache(maxsize=2048)
def joining_type(ch: str) -> str:
    """Unicode Joining_Type: D (both sides), R (right only), C (causing), T, or U (none)."""
    if ch == TATWEEL:
        return "C"
    category = unicodedata.category(ch)
    if category in ("Mn", "Me"):
        return "T"
    slot = FORMS.get(ch)
    if slot is not None:
        if slot[INITIAL] or slot[MEDIAL]:
            return "D"
        return "R" if slot[FINAL] else "U"
    code = ord(ch)
    arabic = 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0x08A0 <= code <= 0x08FF
    if not arabic or category != "Lo":
        return "U"
    name = unicodedata.name(ch, "").removeprefix("ARABIC LETTER ").removeprefix("HIGH HAMZA ")
    if name.startswith("HIGH HAMZA") or name == "HAMZA":
        return "U"
    first = name.split(" WITH ")[0]
    if first in _RIGHT_JOINING_WORDS and not name.startswith("ALEF MAKSURA"):
        return "R"
    return "D"


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M"


def _shaped(ch: str, joins_before: bool, joins_after: bool) -> str:
    slot = FORMS.get(ch)
    if slot is None or joining_type(ch) == "U":
        # Non-joining letters (hamza) keep their nominal code point, as FriBidi does.
        return ch
    if joins_before and joins_after:
        form = slot[MEDIAL]
    elif joins_before:
        form = slot[FINAL]
    elif joins_after:
        form = slot[INITIAL]
    else:
        form = slot[ISOLATED]
    return form or ch


# Per character: (kind, joining type, cells); kind 0 = base, 1 = combining mark, 2 = control.
_INFO: dict[str, tuple[int, str, int]] = {}


def _info(ch: str) -> tuple[int, str, int]:
    info = _INFO.get(ch)
    if info is None:
        if is_control(ch):
            info = (2, "U", 1)
        elif unicodedata.category(ch)[0] == "M":
            info = (1, "T", get_character_cell_size(ch))
        else:
            info = (0, joining_type(ch), get_character_cell_size(ch))
        _INFO[ch] = info
    return info


@lru_cache(maxsize=65536)
def shape_word(
    word: str, shape: bool = True
) -> tuple[tuple[int, ...], tuple[str, ...], tuple[int, ...]]:
    """Clusters of a run of non-breaking characters: (start offsets, glyphs, cell widths).

    A cluster is a base character and the combining marks after it, or lam + alef when
    ``shape`` makes the ligature; controls are their own one-cell clusters. With ``shape``
    false (terminal bidi mode) glyphs are the stored text, only controls made visible.
    The run is assumed to begin after a break (space or paragraph start), which makes the
    result depend on the word alone and so cacheable.
    """
    starts: list[int] = []
    bases: list[str] = []
    types: list[str] = []
    marks: list[str] = []
    widths: list[int] = []
    n = len(word)
    i = 0
    while i < n:
        ch = word[i]
        kind, jt, cells = _info(ch)
        starts.append(i)
        if kind == 2:
            bases.append(visible_text(ch))
            types.append("U")
            marks.append("")
            widths.append(1)
            i += 1
            continue
        if kind == 1:
            base, jt, cells = DOTTED_CIRCLE, "U", 1
            j = i
        else:
            base = ch
            j = i + 1
            if shape and ch == LAM and j < n and word[j] in ALEFS:
                base = ch + word[j]
                jt = "R"
                j += 1
        k = j
        while k < n:
            info = _info(word[k])
            if info[0] != 1:
                break
            cells += info[2]
            k += 1
        bases.append(base)
        types.append(jt)
        mark_text = word[j:k]
        marks.append(mark_text)
        if "\ufe0f" in mark_text:  # emoji presentation may widen a narrow symbol
            cells = cell_len(base + mark_text)
        widths.append(cells or 1)
        i = k
    if shape:
        glyphs = _join(bases, types, marks)
    else:
        glyphs = [b + m for b, m in zip(bases, marks, strict=True)]
    return tuple(starts), tuple(glyphs), tuple(widths)


def _join(bases: list[str], types: list[str], marks: list[str]) -> list[str]:
    glyphs: list[str] = []
    count = len(bases)
    for k in range(count):
        base = bases[k]
        jt = types[k]
        if jt == "U" or jt == "T":
            glyphs.append(base + marks[k])
            continue
        joins_before = k > 0 and types[k - 1] in ("D", "C")
        if len(base) == 2:  # lam-alef: the lam's joining decides the ligature's form
            iso, fin = LAM_ALEF[base[1]]
            glyphs.append((fin if joins_before else iso) + marks[k])
            continue
        joins_after = jt != "R" and k + 1 < count and types[k + 1] in ("D", "R", "C")
        glyphs.append(_shaped(base, joins_before, joins_after) + marks[k])
    return glyphs
