"""Re-anchoring spans when an article's corpus text no longer matches the store's snapshot.

A re-scrape or a better cleaner shifts offsets. Each span is looked for by the text it covers
and, when that text occurs more than once, by the characters around it in the old text. A
span moves only to a position that is the single candidate; anything else is marked stale for
a person to fix. Nothing is ever silently moved to a guess (DESIGN §2).
"""

from __future__ import annotations

from dataclasses import dataclass, field

CONTEXT = 24


@dataclass
class DriftReport:
    """What a reconcile did to one article's annotations."""

    article_id: str
    old_sha256: str
    new_sha256: str
    unchanged: int = 0
    moved: int = 0
    stale: int = 0
    stale_ids: list[str] = field(default_factory=list)

    @property
    def drifted(self) -> bool:
        return self.old_sha256 != self.new_sha256

    def to_dict(self) -> dict[str, object]:
        return {
            "previous_sha256": self.old_sha256,
            "moved": self.moved,
            "stale": self.stale,
            "unchanged": self.unchanged,
        }

    def summary(self) -> str:
        return (f"{self.article_id}: text changed since annotation; {self.moved} span(s)"
                f" re-anchored, {self.stale} stale")


def _occurrences(text: str, needle: str) -> list[int]:
    out: list[int] = []
    if not needle:
        return out
    pos = text.find(needle)
    while pos != -1:
        out.append(pos)
        pos = text.find(needle, pos + 1)
    return out


def reanchor(old_text: str | None, new_text: str, start: int, end: int,
             span_text: str) -> int | None:
    """New start offset for a span, or ``None`` when it cannot be placed unambiguously.

    ``old_text`` is the snapshot the offsets refer to; ``None`` when they are not trusted
    (a span already stale), in which case only a unique occurrence of its text counts.
    """
    if not span_text:
        return None
    candidates = _occurrences(new_text, span_text)
    if len(candidates) == 1:
        return candidates[0]
    if not candidates or old_text is None:
        return None
    if old_text[start:end] != span_text:
        return None
    # Widen the context step by step; the first width that leaves one candidate wins, and
    # the widest context that still fits decides nothing if several keep matching.
    best: list[int] = candidates
    for width in (4, 8, 16, CONTEXT, 64):
        before = old_text[max(0, start - width):start]
        after = old_text[end:end + width]
        kept = [
            c for c in best
            if new_text[max(0, c - len(before)):c] == before
            and new_text[c + len(span_text):c + len(span_text) + len(after)] == after
        ]
        if len(kept) == 1:
            return kept[0]
        if not kept:
            break
        best = kept
    return None
