"""An article laid out for a given width: the rows the reader scrolls and `render` prints.

Pure (no Textual): the reader widget and the ``warraq render`` command share it, so what the
command prints is what the reader shows. Building the rows only needs the fast line-break
pass; bidi and shaping run per paragraph when one of its rows is first drawn (and are cached
by the layout engine), which keeps opening a 50,000-character article cheap.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

from tui.rtl.layout import BaseDirection, VisualLine, layout_paragraph, line_breaks

# A word is what the cursor stops on and what a keypress labels: a run of letters, marks and
# digits (with inner dots/slashes of numbers and dates), never bare punctuation, so that
# "بوتين،" targets "بوتين". Combining marks (harakat) and tatweel belong to their word.
_WORD_RE = re.compile(
    r"[\w\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]+"
    r"(?:[./:٫٬%٪@'’\-][\w\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]+)*"
)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the "\\n"-separated lines; blank ones kept so a blank row separates
    paragraphs exactly where the canonical text has its blank line."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in re.finditer("\n", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def word_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _WORD_RE.finditer(text)]


SPACER = -1


@dataclass(frozen=True, slots=True)
class Row:
    """One visual line: paragraph index, line index within it, article offsets."""

    para: int
    line: int
    start: int
    end: int


class DocumentLayout:
    """Rows of an article at one width; offsets are code points into the article text."""

    def __init__(
        self,
        text: str,
        width: int,
        base: BaseDirection = BaseDirection.RTL,
        mode: str = "app",
    ) -> None:
        self.text = text
        self.width = max(1, width)
        self.base = base
        self.mode = mode
        self.paragraphs = paragraph_spans(text)
        rows: list[Row] = []
        for index, (p_start, p_end) in enumerate(self.paragraphs):
            breaks = (
                line_breaks(text[p_start:p_end], self.width, mode)
                if p_end > p_start
                else []
            )
            if not breaks:
                rows.append(Row(index, 0, p_start, p_end))
                continue
            if rows and rows[-1].para >= 0 and rows[-1].end > rows[-1].start:
                # Paragraphs split by a single newline still get the blank row between
                # them that §9 asks for; it maps to no text.
                rows.append(Row(SPACER, 0, p_start, p_start))
            for k, (s, e) in enumerate(breaks):
                rows.append(Row(index, k, p_start + s, p_start + e))
        self.rows = rows
        self._row_starts = [row.start for row in rows]
        self._para_text: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.rows)

    @cached_property
    def words(self) -> list[tuple[int, int]]:
        return word_spans(self.text)

    @cached_property
    def _word_starts(self) -> list[int]:
        return [start for start, _ in self.words]

    def paragraph_text(self, para: int) -> str:
        # One string object per paragraph, so the layout cache hashes it once instead of on
        # every row drawn (each row of a 10 MB paragraph cost a 20 MB copy and hash).
        text = self._para_text.get(para)
        if text is None:
            start, end = self.paragraphs[para]
            text = self._para_text[para] = self.text[start:end]
        return text

    def line(self, row_index: int) -> VisualLine:
        row = self.rows[row_index]
        text = "" if row.para == SPACER else self.paragraph_text(row.para)
        lines = layout_paragraph(text, self.width, self.base, self.mode)
        return lines[min(row.line, len(lines) - 1)]

    def padding(self, row_index: int) -> int:
        """Left padding that right-aligns an RTL line, as a browser does with dir=rtl."""
        line = self.line(row_index)
        return max(0, self.width - line.cell_width) if line.rtl else 0

    def row_of_offset(self, offset: int) -> int:
        """The row showing ``offset`` (a row's end belongs to the next row, except at the
        paragraph's end, which stays on its last row)."""
        index = bisect_right(self._row_starts, offset) - 1
        index = max(0, min(index, len(self.rows) - 1))
        # Several empty rows can share a start; bisect picks the last, which is right for
        # the start of the next paragraph. An offset at a paragraph's end goes to that row.
        return index

    def word_at(self, offset: int) -> int | None:
        """Index of the word containing ``offset``, or the nearest word after it."""
        if not self.words:
            return None
        index = bisect_right(self._word_starts, offset) - 1
        if index >= 0 and self.words[index][0] <= offset < self.words[index][1]:
            return index
        return min(index + 1, len(self.words) - 1)

    def row_words(self, row_index: int) -> list[tuple[int, int, int]]:
        """Words drawn on a row as (word index, leftmost glyph, rightmost glyph), left to
        right on screen. A word split by a wrap appears on each of its rows."""
        row = self.rows[row_index]
        if row.para == SPACER:
            return []
        line = self.line(row_index)
        p_start = self.paragraphs[row.para][0]
        found: dict[int, list[int]] = {}
        order: list[int] = []
        for g, (s, e) in enumerate(line.spans):
            if e <= s:
                continue
            word = self.word_at(p_start + s)
            if word is None:
                continue
            ws, we = self.words[word]
            if not (ws < p_start + e and p_start + s < we):
                continue
            if word not in found:
                found[word] = [g, g]
                order.append(word)
            else:
                found[word][1] = g
        result = [(w, found[w][0], found[w][1]) for w in order]
        result.sort(key=lambda item: item[1])
        return result

    def glyph_columns(self, row_index: int, start: int, end: int) -> tuple[int, int] | None:
        """Screen columns [x0, x1) covered on a row by the article span [start, end)."""
        row = self.rows[row_index]
        if row.para == SPACER:
            return None
        line = self.line(row_index)
        p_start = self.paragraphs[row.para][0]
        pad = self.padding(row_index)
        x0: int | None = None
        x1 = 0
        x = pad
        for (s, e), w in zip(line.spans, line.widths, strict=True):
            if p_start + s < end and start < p_start + e:
                if x0 is None:
                    x0 = x
                x1 = x + w
            x += w
        return None if x0 is None else (x0, x1)

    def visual_lines(self) -> list[str]:
        """Every row as the string a terminal shows (RTL rows right-aligned)."""
        out = []
        for index in range(len(self.rows)):
            line = self.line(index)
            out.append(" " * self.padding(index) + line.text)
        return out
