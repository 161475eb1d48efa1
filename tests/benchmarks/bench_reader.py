"""Reader benchmarks (DESIGN §11, issue 2):

* keypress → repainted frame on a 50,000-character article at 200×60: median ≤ 5 ms,
  p95 ≤ 16 ms, and ≤ 0.3× Textual's read-only TextArea for a cursor key on the same text;
* open a 50,000-character article → first frame ≤ 50 ms;
* startup with the sample corpus ≤ 1.5× a bare Textual app, same run.

Run: ``python tests/benchmarks/bench_reader.py`` (or ``pytest tests/benchmarks``).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    dispatch_costs,
    fmt,
    key_costs,
    long_article,
    summary,
    write_long_corpus,
)

SIZE = (200, 60)
KEYS = ["left"] * 60 + ["down"] * 20 + ["right"] * 30 + ["up"] * 10 + ["pagedown"] * 5


def seed_annotations(app, count: int) -> None:
    """``count`` annotations spread over the long article: accepted and pending entities
    (a tenth nested inside another), highlights and event triggers — what a finished
    article looks like."""
    from store.records import EntitySpan, Event, Highlight, SpanStatus
    from tui.rtl.document import word_spans

    store = app.store
    text = app.corpus.load("long").text
    store.attach("long", text, {})
    words = word_spans(text)
    step = max(1, len(words) // count)
    labels = [e.name for e in store.schema.entity_types]
    with store.batch("seed"):
        for n, index in enumerate(range(0, step * count, step)):
            s, e = words[index]
            if n % 10 == 9 and index + 2 < len(words):
                e = words[index + 2][1]  # a longer span around the next ones: nesting
            kind = n % 20
            if kind < 14:
                status = SpanStatus.PENDING if kind % 4 == 0 else SpanStatus.ACCEPTED
                store.add_entity("long", EntitySpan(s, e, text[s:e], labels[n % len(labels)],
                                                    status=status, origin="bench"))
            elif kind < 17:
                store.add_highlight("long", Highlight(s, e, text[s:e]))
            else:
                store.add_event("long", Event("MEET", s, e, text[s:e]))


async def reader_keys(
    store: Path, corpus: Path, annotations: int = 0
) -> tuple[list[float], list[float]]:
    from tui.app import prepare_app
    from tui.widgets.reader import Reader

    app = prepare_app(corpus, store_dir=str(store), annotator="bench")
    if annotations:
        seed_annotations(app, annotations)
    opens: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        for _ in range(5):
            t0 = time.perf_counter()
            screen.open_article("long")
            screen._on_timer_update()
            opens.append(time.perf_counter() - t0)
            await pilot.pause()
        screen.query_one(Reader).focus()
        await pilot.pause()
        keys, _baseline = await key_costs(pilot, KEYS)
        keys_direct = await dispatch_costs(pilot, KEYS)
    return opens, keys, keys_direct


async def textarea_keys(text: str) -> list[float]:
    from textual.app import App, ComposeResult
    from textual.widgets import TextArea

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield TextArea(text, read_only=True)

    app = Bare()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query_one(TextArea).focus()
        await pilot.pause()
        samples, _baseline = await key_costs(pilot, KEYS)
        direct = await dispatch_costs(pilot, KEYS)
    return samples, direct


STARTUP = r"""
import sys, time
t0 = time.perf_counter()
if sys.argv[1] == "bare":
    from textual.app import App
    from textual.widgets import Static
    class Bare(App):
        def compose(self):
            yield Static("hello")
        def on_mount(self):
            self.call_after_refresh(self.exit)
    app = Bare()
else:
    from tui.app import prepare_app
    app = prepare_app(None, store_dir=sys.argv[2], annotator="bench")
    app.call_after_refresh(lambda: app.call_after_refresh(app.exit))
app.run(headless=True, size=(120, 40))
print(time.perf_counter() - t0)
"""


def startup(kind: str, store: Path, runs: int = 7) -> list[float]:
    """Wall times of ``runs`` fresh interpreters starting ``kind`` ("bare" or "warraq")."""
    return startups([kind], store, runs)[kind]


def startups(kinds: list[str], store: Path, runs: int = 7) -> dict[str, list[float]]:
    """Wall times of fresh interpreters that start each kind, show the first frame and
    exit, the kinds taking turns so that a change in the machine's load hits them alike.

    Both load compiled bytecode, as an installed package does: where
    PYTHONDONTWRITEBYTECODE is set (some containers) a checkout would otherwise be compiled
    from source on every run while Textual's installed bytecode is not, charging Warraq's
    side about 0.15 s of compiling. A first, untimed round writes the bytecode (to a
    temporary cache) and the store's corpus index."""
    samples: dict[str, list[float]] = {kind: [] for kind in kinds}
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "WARRAQ_NO_BDSM": "1", "PYTHONPYCACHEPREFIX": cache}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for round_ in range(runs + 1):
            for kind in kinds:
                t0 = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-c", STARTUP, kind, str(store)],
                    check=True,
                    capture_output=True,
                    env=env,
                )
                if round_:
                    samples[kind].append(time.perf_counter() - t0)
    return samples


def main() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        corpus = write_long_corpus(tmp_path / "corpus")
        opens, keys, keys_direct = asyncio.run(reader_keys(tmp_path / "store", corpus))
        opens_ann, keys_ann, direct_ann = asyncio.run(
            reader_keys(tmp_path / "store-ann", corpus, 500)
        )
        area, area_direct = asyncio.run(textarea_keys(long_article()))
        started = startups(["bare", "warraq"], tmp_path / "store2")
        bare, ours = started["bare"], started["warraq"]
    k, a, o = summary(keys), summary(area), summary(opens)
    ka, oa = summary(keys_ann), summary(opens_ann)
    kd, ad, kda = summary(keys_direct), summary(area_direct), summary(direct_ann)
    ratio_keys = k["median"] / a["median"]
    ratio_start = statistics.median(ours) / statistics.median(bare)
    print("Reader benchmarks (50,000-character article, 200x60)")
    print(f"  key dispatch -> repaint (wall) {fmt(kd)}   target median <= 5 ms, p95 <= 16 ms")
    print(f"  TextArea, same measure         {fmt(ad)}   ratio {kd['median'] / ad['median']:.2f}x"
          "   target <= 0.3x")
    print(f"  with 500 annotations           {fmt(kda)}   ratio "
          f"{kda['median'] / ad['median']:.2f}x")
    print(f"  keypress -> frame (net CPU) {fmt(k)}   target median <= 5 ms, p95 <= 16 ms")
    print(f"  TextArea same keys  {fmt(a)}")
    print(f"  ratio to TextArea   {ratio_keys:.2f}x   target <= 0.3x")
    print(f"  open -> first frame median {o['median']:.1f} ms (n={int(o['n'])})   target <= 50 ms")
    print(f"  with 500 annotations: keypress {fmt(ka)}, ratio to TextArea "
          f"{ka['median'] / a['median']:.2f}x; open median {oa['median']:.1f} ms")
    print(
        f"  startup (sample)    {statistics.median(ours) * 1000:.0f} ms vs bare Textual "
        f"{statistics.median(bare) * 1000:.0f} ms = {ratio_start:.2f}x   target <= 1.5x"
    )
    return {
        "key_median": k["median"],
        "key_p95": k["p95"],
        "ratio_keys": ratio_keys,
        "open_median": o["median"],
        "ratio_start": ratio_start,
        "key_ann_median": ka["median"],
        "direct_median": kd["median"],
        "direct_ratio": kd["median"] / ad["median"],
    }


def test_reader_benchmarks() -> None:
    figures = main()
    assert figures["key_median"] > 0


if __name__ == "__main__":
    main()
