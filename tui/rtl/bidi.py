"""Unicode Bidirectional Algorithm (UAX #9): embedding levels, line reordering, mirroring.

Written in Python because python-bidi 0.6 neither exposes the resolved levels nor applies
L3/L4, and the reader needs levels per character to map the cursor both ways.

Explicit embeddings, overrides and isolates are deliberately *not* applied: the reader shows
them as visible signs (``tui.rtl.glyphs``) and they take part in resolution as neutral ON, so the
screen shows what is stored rather than what a hostile override wants to show. LRM, RLM and
ALM still act as the strong characters they are. With no explicit codes the X rules leave
every character at the paragraph level and the whole paragraph is one isolating run
sequence whose sos and eos are the paragraph direction; W1–W7, N0–N2 and I1–I2 run on it.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from tui.rtl.glyphs import STRONG_MARKS, is_control

# --- Bracket pairs (BD14–BD16) and mirroring glyphs (L4) -------------------------------------

# Brackets (Ps/Pe, Bidi_Mirrored) pair with the next code point, or the one after it for the
# ASCII and full-width [ ] { }. Two Unicode oddities pair crosswise.
_CROSSWISE = {0x298D: 0x2990, 0x298F: 0x298E}
# Mirrored characters that are not brackets, as pairs (each mirrors to the other).
_OTHER_MIRRORS = (
    "<>", "«»", "‹›", "≤≥", "≦≧", "≨≩", "≪≫", "≮≯", "≰≱", "≲≳", "≶≷", "≺≻", "≼≽",
    "⊂⊃", "⊄⊅", "⊆⊇", "⊊⊋", "⊏⊐", "⊑⊒", "∈∋", "∉∌", "∊∍", "⊢⊣", "⋐⋑", "⋖⋗", "⋘⋙",
    "⋚⋛", "⟨⟩", "﹤﹥", "＜＞", "⁅⁆", "∼∽", "≃⋍", "⊰⊱", "⊲⊳", "⊴⊵", "⟜⊸",
)


def _build_tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    openers: dict[str, str] = {}  # opening bracket -> its closing bracket
    closers: dict[str, str] = {}  # closing bracket -> its opening bracket
    mirrors: dict[str, str] = {}
    for code in range(0x20, 0x10000):
        ch = chr(code)
        if unicodedata.category(ch) != "Ps" or not unicodedata.mirrored(ch):
            continue
        pair = _CROSSWISE.get(code)
        if pair is None:
            for step in (1, 2):
                other = chr(code + step)
                if unicodedata.category(other) == "Pe" and unicodedata.mirrored(other):
                    pair = code + step
                    break
        if pair is None:
            continue
        close = chr(pair)
        openers[ch] = close
        closers[close] = ch
        mirrors[ch] = close
        mirrors[close] = ch
    for a, b in _OTHER_MIRRORS:
        mirrors.setdefault(a, b)
        mirrors.setdefault(b, a)
    return openers, closers, mirrors


OPENERS, CLOSERS, MIRRORS = _build_tables()
# BD16 compares brackets up to canonical equivalence: U+2329/U+232A are U+3008/U+3009.
_CANONICAL = {"\u2329": "\u3008", "\u232a": "\u3009"}

_STRONG = frozenset(("L", "R", "AL"))
_NEUTRAL = frozenset(("B", "S", "WS", "ON"))
_LTR_ONLY = frozenset(("L", "WS", "ON", "S", "B", "NSM", "EN", "ES", "ET", "CS"))


@lru_cache(maxsize=8192)
def char_class(ch: str) -> str:
    """Bidi class used for resolution: controls shown as signs are neutral ON."""
    if is_control(ch):
        return STRONG_MARKS.get(ch, "ON")
    return unicodedata.bidirectional(ch) or "L"


def bidi_classes(text: str) -> list[str]:
    return [char_class(ch) for ch in text]


def paragraph_level(classes: list[str], base: str) -> int:
    """P2/P3 for ``base`` "auto"; "rtl" → 1, "ltr" → 0. No strong letter → LTR."""
    if base == "rtl":
        return 1
    if base == "ltr":
        return 0
    for cls in classes:
        if cls == "L":
            return 0
        if cls == "R" or cls == "AL":
            return 1
    return 0


def _pair_brackets(text: str, types: list[str]) -> list[tuple[int, int]]:
    """BD16: bracket pairs among characters whose current type is ON, by opening position."""
    stack: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if types[i] != "ON":
            continue
        close = OPENERS.get(ch)
        if close is not None:
            if len(stack) == 63:
                break
            stack.append((_CANONICAL.get(close, close), i))
            continue
        if ch in CLOSERS:
            want = _CANONICAL.get(ch, ch)
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == want:
                    pairs.append((stack[depth][1], i))
                    del stack[depth:]
                    break
    pairs.sort()
    return pairs


def _resolve_brackets(
    text: str, types: list[str], original: list[str], sos: str, embedding: str
) -> None:
    """N0: brackets of a pair take the direction their content and context call for."""
    pairs = _pair_brackets(text, types)
    if not pairs:
        return
    opposite = "L" if embedding == "R" else "R"
    for opening, closing in pairs:
        found_embedding = found_opposite = False
        for t in types[opening + 1 : closing]:
            if t == "L":
                direction = "L"
            elif t in ("R", "EN", "AN"):
                direction = "R"
            else:
                continue
            if direction == embedding:
                found_embedding = True
                break
            found_opposite = True
        if found_embedding:
            new = embedding
        elif found_opposite:
            context = sos
            for j in range(opening - 1, -1, -1):
                t = types[j]
                if t == "L":
                    context = "L"
                    break
                if t in ("R", "EN", "AN"):
                    context = "R"
                    break
            new = opposite if context == opposite else embedding
        else:
            continue
        for pos in (opening, closing):
            types[pos] = new
            # Marks that followed the bracket (W1 made them ON) follow its new direction.
            k = pos + 1
            while k < len(types) and original[k] == "NSM":
                types[k] = new
                k += 1


def resolve_levels(text: str, base: str = "rtl") -> tuple[list[int], int, list[str]]:
    """Embedding level of every code point of one paragraph.

    Returns (levels, paragraph level, the bidi classes used), the classes being what
    line-level rule L1 needs.
    """
    original = bidi_classes(text)
    para = paragraph_level(original, base)
    n = len(text)
    if n == 0:
        return [], para, original
    embedding = "R" if para & 1 else "L"
    sos = eos = embedding
    if para == 0 and _LTR_ONLY.issuperset(original):
        # Fast case: nothing right-to-left, nothing Arabic-numeric: all of it stays at 0.
        return [0] * n, para, original

    types = list(original)
    # W1: marks take the type of what precedes them.
    prev = sos
    for i in range(n):
        if types[i] == "NSM":
            types[i] = prev
        else:
            prev = types[i]
    # W2 + W3: European digits after Arabic letters are Arabic numbers; AL becomes R.
    last_strong = sos
    for i in range(n):
        t = types[i]
        if t in _STRONG:
            last_strong = t
            if t == "AL":
                types[i] = "R"
        elif t == "EN" and last_strong == "AL":
            types[i] = "AN"
    # W4: one separator between two numbers of the same kind joins them.
    for i in range(1, n - 1):
        t = types[i]
        if t == "ES":
            if types[i - 1] == "EN" and types[i + 1] == "EN":
                types[i] = "EN"
        elif t == "CS":
            before = types[i - 1]
            if before in ("EN", "AN") and types[i + 1] == before:
                types[i] = before
    # W5: terminators next to European numbers are part of them.
    i = 0
    while i < n:
        if types[i] != "ET":
            i += 1
            continue
        j = i
        while j < n and types[j] == "ET":
            j += 1
        if (i > 0 and types[i - 1] == "EN") or (j < n and types[j] == "EN"):
            types[i:j] = ["EN"] * (j - i)
        i = j
    # W6: remaining separators and terminators are neutral.
    for i in range(n):
        if types[i] in ("ES", "ET", "CS"):
            types[i] = "ON"
    # W7: European numbers in a left-to-right context are L.
    last_strong = sos
    for i in range(n):
        t = types[i]
        if t == "L" or t == "R":
            last_strong = t
        elif t == "EN" and last_strong == "L":
            types[i] = "L"
    # N0: bracket pairs.
    _resolve_brackets(text, types, original, sos, embedding)
    # N1 + N2: neutrals between same-direction text take it, else the embedding direction.
    i = 0
    while i < n:
        if types[i] not in _NEUTRAL:
            i += 1
            continue
        j = i
        while j < n and types[j] in _NEUTRAL:
            j += 1
        before = sos if i == 0 else ("L" if types[i - 1] == "L" else "R")
        after = eos if j == n else ("L" if types[j] == "L" else "R")
        fill = before if before == after else embedding
        types[i:j] = [fill] * (j - i)
        i = j
    # I1 + I2.
    levels = [para] * n
    if para & 1:
        for i in range(n):
            if types[i] != "R":
                levels[i] = para + 1
    else:
        for i in range(n):
            t = types[i]
            if t == "R":
                levels[i] = para + 1
            elif t == "AN" or t == "EN":
                levels[i] = para + 2
    return levels, para, original


_TRAILING = frozenset(("WS",))


def line_levels(levels: list[int], classes: list[str], para: int) -> list[int]:
    """L1 on one line: separators, and whitespace before them or at the line end, go to the
    paragraph level. ``levels``/``classes`` are the line's slice; returns a new list."""
    out = list(levels)
    trailing = True
    for i in range(len(out) - 1, -1, -1):
        cls = classes[i]
        if cls in ("S", "B"):
            out[i] = para
            trailing = True
        elif cls in _TRAILING:
            if trailing:
                out[i] = para
        else:
            trailing = False
    return out


def visual_order(levels: list[int]) -> list[int]:
    """L2: indexes of ``levels`` in left-to-right display order."""
    n = len(levels)
    order = list(range(n))
    if n == 0:
        return order
    highest = max(levels)
    lowest_odd = min(levels) | 1
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < n:
            if levels[order[i]] < level:
                i += 1
                continue
            j = i + 1
            while j < n and levels[order[j]] >= level:
                j += 1
            order[i:j] = order[i:j][::-1]
            i = j
    return order


def mirror(ch: str) -> str:
    """L4: the mirrored glyph of ``ch`` (shown at odd levels), or ``ch``."""
    return MIRRORS.get(ch, ch)
