"""Layout micro benchmark: a 50,000-character article (the sample corpus repeated) at 200 cells.

Figures: line_breaks over every paragraph (what opening an article costs to know its height),
the full layout of one screenful (60 visual lines) from cold caches (the first frame), and
one 500-character paragraph's bidi levels. Run: ``python tests/benchmarks/bench_layout.py``
(or through pytest: ``pytest tests/benchmarks/bench_layout.py -s``).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from tui.rtl import layout
from tui.rtl.bidi import resolve_levels
from tui.rtl.shaping import shape_word

ROOT = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT, SIZE = 200, 60, 50_000


def _article() -> list[str]:
    seed = "\n".join(
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "sample_corpus").glob("*.txt"))
    )
    text = (seed * (SIZE // len(seed) + 1))[:SIZE]
    return text.split("\n")


def _clear() -> None:
    layout.layout_paragraph.cache_clear()
    layout._analyse.cache_clear()
    layout._word_width.cache_clear()
    shape_word.cache_clear()


def _timed(fn, repeat: int = 15) -> tuple[float, float, float]:
    runs = []
    for _ in range(repeat):
        _clear()
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return min(runs), statistics.median(runs), max(runs)


def run() -> dict[str, float]:
    paragraphs = _article()

    def count_lines() -> int:
        return sum(len(layout.line_breaks(p, WIDTH)) for p in paragraphs)

    def screenful() -> int:
        lines = 0
        for p in paragraphs:
            lines += len(layout.layout_paragraph(p, WIDTH))
            if lines >= HEIGHT:
                break
        return lines

    paragraph = max(paragraphs, key=len)[:500]
    total_lines = count_lines()
    breaks_min, breaks_med, breaks_max = _timed(count_lines)
    screen_min, screen_med, screen_max = _timed(screenful)
    _, bidi_med, _ = _timed(lambda: resolve_levels(paragraph, "rtl"), repeat=50)
    full_min, full_med, _ = _timed(lambda: [layout.layout_paragraph(paragraph, WIDTH)], 50)
    print(f"article: {SIZE} chars, {len(paragraphs)} paragraphs, {total_lines} lines at {WIDTH}")
    print(f"line_breaks, whole article : min {breaks_min:6.2f}  median {breaks_med:6.2f}"
          f"  max {breaks_max:6.2f} ms  (target: well inside the 50 ms first-frame budget)")
    print(f"full layout, one screenful : min {screen_min:6.2f}  median {screen_med:6.2f}"
          f"  max {screen_max:6.2f} ms  ({HEIGHT} lines, cold caches)")
    print(f"bidi levels, 500 chars     : median {bidi_med:6.2f} ms  (target: a few ms)")
    print(f"layout_paragraph, 500 chars: min {full_min:6.2f}  median {full_med:6.2f} ms  (cold)")
    return {"line_breaks_ms": breaks_med, "screenful_ms": screen_med, "bidi_500_ms": bidi_med}


def test_bench_layout() -> None:
    figures = run()
    assert figures["line_breaks_ms"] > 0


if __name__ == "__main__":
    run()
