"""Shared helpers for benchmarks: a 50,000-character article, timing summaries, and the
keypress → repainted-frame harness.

Benchmarks report figures beside their targets (DESIGN §11) instead of asserting them:
machines here are shared and noisy, so comparisons are ratios within one run.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_corpus"


def seed_paragraphs() -> list[str]:
    from store.corpus import Corpus

    corpus = Corpus.open(SAMPLE)
    paragraphs: list[str] = []
    for meta in corpus.articles:
        text = corpus.load(meta.id).text
        paragraphs.extend(p for p in text.split("\n\n") if p.strip())
    return paragraphs


def long_article(chars: int = 50_000) -> str:
    """Real seed paragraphs repeated until the text reaches ``chars`` characters."""
    paragraphs = seed_paragraphs()
    out: list[str] = []
    total = 0
    i = 0
    while total < chars:
        p = paragraphs[i % len(paragraphs)]
        out.append(p)
        total += len(p) + 2
        i += 1
    return "\n\n".join(out)[:chars]


def write_long_corpus(folder: Path, chars: int = 50_000) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "long.jsonl"
    record = {"id": "long", "title": "مقال طويل للاختبار", "text": long_article(chars)}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def summary(samples_s: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples_s)
    p = lambda q: ms[min(len(ms) - 1, round(q * (len(ms) - 1)))]  # noqa: E731
    return {"median": statistics.median(ms), "p95": p(0.95), "p99": p(0.99), "n": len(ms)}


def fmt(stats: dict[str, float]) -> str:
    return f"median {stats['median']:.2f} ms, p95 {stats['p95']:.2f} ms (n={int(stats['n'])})"


async def press_and_paint(pilot, key: str) -> float:
    """CPU seconds the app spends on one key: handling it and rendering the update.

    ``pilot.press`` returns once the key's handlers (and the messages they post) have run;
    the screen's update step (what Textual's frame timer does next) is then run at once, so
    the figure covers handling plus the compositor rendering every dirty line. Process CPU
    time, not wall time, is used: the pilot's own waits sleep, and other processes on a
    shared machine do not count. Subtract ``baseline`` (a key nobody binds) for the
    harness's own cost.
    """
    screen = pilot.app.screen
    c0 = time.process_time()
    await pilot.press(key)
    screen._on_timer_update()
    return time.process_time() - c0


async def key_costs(pilot, keys: list[str], rounds: int = 3) -> tuple[list[float], list[float]]:
    """(net CPU per key, harness baseline per key) over ``rounds`` passes of ``keys``."""
    baseline = [await press_and_paint(pilot, "f19") for _ in range(40)]
    base = statistics.median(baseline)
    samples: list[float] = []
    for _ in range(rounds):
        for key in keys:
            samples.append(max(0.0, await press_and_paint(pilot, key) - base))
    return samples, baseline


async def dispatch_and_paint(pilot, key: str) -> float:
    """Wall seconds for Textual's own binding lookup and action for ``key`` (what the app
    does with a key event from the terminal), the handler's work, and the repaint of the
    screen update it causes. Work that handlers post as messages for later (the side pane
    following the cursor) lands in later frames and is not in this figure; the CPU figure
    of ``key_costs`` includes it."""
    app = pilot.app
    screen = app.screen
    t0 = time.perf_counter()
    await app._check_bindings(key)
    screen._on_timer_update()
    elapsed = time.perf_counter() - t0
    await pilot.pause()
    return elapsed


async def dispatch_costs(pilot, keys: list[str], rounds: int = 2) -> list[float]:
    return [await dispatch_and_paint(pilot, key) for _ in range(rounds) for key in keys]
