"""The reader's trims (``[ ] { }``): their keys, which trims survive a selection growing,
and which boundaries a selection may have. Pure functions, so the rules are tested without
a screen.
"""

from __future__ import annotations

from textual.binding import Binding

# ``[ ] { }`` move a span's edges by a character (the span policy's trims): the reader's
# selection and the adjudication screen's edited version answer the same keys.
TRIM_BINDINGS = [
    Binding("left_square_bracket", "trim(1,0)", "Trim start", show=False),
    Binding("right_square_bracket", "trim(0,-1)", "Trim end", show=False),
    Binding("left_curly_bracket", "trim(-1,0)", "Grow start", show=False),
    Binding("right_curly_bracket", "trim(0,1)", "Grow end", show=False),
]


Trim = tuple[int, int]  # characters added to the selection's start and end
Edges = tuple[int, int]  # word indexes at the selection's start and end


def kept_trims(trim: Trim, old: Edges | None, new: Edges | None) -> tuple[Trim, list[str]]:
    """A trim stays on its edge while that edge's word stays (extending a ``v [``
    selection keeps the clitic out); a trim whose word is no longer the edge is dropped.
    Returns the trims now and the edges dropped ("start", "end") for the reader to say."""
    if trim == (0, 0):
        return trim, []
    if old is None or new is None:
        return (0, 0), []
    start, end = trim
    dropped: list[str] = []
    if start and new[0] != old[0]:
        start = 0
        dropped.append("start")
    if end and new[1] != old[1]:
        end = 0
        dropped.append("end")
    return (start, end), dropped


def bad_bounds(text: str, start: int, end: int) -> str | None:
    """Why [start, end) cannot be a selection, or None: never empty, never outside the
    text, never starting or ending on a space (``{`` must not grow over one)."""
    if start >= end or start < 0 or end > len(text):
        return "a span cannot be empty or leave the text"
    if text[start].isspace() or text[end - 1].isspace():
        return "a span cannot start or end with a space"
    return None
