"""Crash stress (DESIGN §12): hundreds of kill -9 at random instants, then a short fuzz run.

1. ``warraq import`` in a loop (the real CLI in a child process), SIGKILLed at random
   instants: no torn file, every import logged as done is on disk, at most the one in flight
   is lost (tests/test_crash_cli_kill.py has the invariants; the default suite runs 6 kills).
2. The Store-API writer of tests/test_store_crash.py (entities, highlights added and removed),
   SIGKILLed at random instants: files validate and hold a prefix of the actions.
3. With atheris installed (``pip install atheris``): a short coverage-guided run over the
   corpus reader, the cleaner and the layout engine (a crash there becomes a regression
   test in tests/test_fuzz_*.py).

Run: ``python tests/benchmarks/stress_crash.py [--cli N] [--api N] [--fuzz SECONDS]``
(defaults 200, 300, 30) or ``pytest tests/benchmarks/stress_crash.py``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the tests folder, for the shared drivers

from test_crash_cli_kill import run_cycles  # noqa: E402
from test_store_crash import run_crash_cycles  # noqa: E402


def stress_cli(kills: int, seed: int = 11) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        figures = run_cycles(Path(tmp), cycles=kills, seed=seed, max_wait=1.2)
        figures["seconds"] = round(time.perf_counter() - started, 1)
    return figures


def stress_api(kills: int, seed: int = 12) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        saved = run_crash_cycles(Path(tmp) / "store", cycles=kills, seed=seed)
        return {"kills": kills, "actions_saved": saved,
                "seconds": round(time.perf_counter() - started, 1)}


def fuzz(seconds: float) -> dict:
    """Coverage-guided fuzzing with atheris for ``seconds``; skipped when not installed."""
    try:
        import atheris  # noqa: F401
    except ImportError:
        return {"skipped": "atheris not installed"}
    import subprocess

    done = subprocess.run(
        [sys.executable, __file__, "atheris", f"-max_total_time={int(seconds)}",
         "-rss_limit_mb=2048"],
        capture_output=True, text=True,
    )
    runs = [line for line in done.stderr.splitlines() if line.startswith("#") and "cov:" in line]
    return {"exit": done.returncode, "last": runs[-1][:120] if runs else done.stderr[-300:]}


def fuzz_one_input(data: bytes) -> None:
    """One atheris input: bytes as a page, then every paragraph through the layout engine.

    Allowed outcomes: a ``CorpusError`` (refused with one line) or a laid-out page with no
    raw control character in any glyph and maps that stay inside the text.
    """
    from store.cleaning import clean_page
    from store.errors import CorpusError
    from store.text import canonical_text
    from tui.rtl.glyphs import is_control
    from tui.rtl.layout import BaseDirection, layout_paragraph

    try:
        text = canonical_text(data, "fuzz.txt")
    except CorpusError as exc:
        assert "\n" not in str(exc)
        return
    page = clean_page(text)
    width = 1 + (data[0] % 40 if data else 0)
    for paragraph in page.text.split("\n"):
        for base in (BaseDirection.RTL, BaseDirection.AUTO):
            for line in layout_paragraph(paragraph, width, base):
                assert not any(is_control(ch) for glyph in line.glyphs for ch in glyph)
                assert all(0 <= a <= b <= len(paragraph) for a, b in line.spans)


def run_atheris(argv: list[str]) -> None:
    import atheris

    with atheris.instrument_imports():
        import store.cleaning
        import store.text  # noqa: F401
        import tui.rtl.bidi
        import tui.rtl.layout
        import tui.rtl.shaping  # noqa: F401
    atheris.Setup([sys.argv[0], *argv], fuzz_one_input)
    atheris.Fuzz()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cli", type=int, default=200, help="kills of the CLI import loop")
    parser.add_argument("--api", type=int, default=300, help="kills of the Store-API writer")
    parser.add_argument("--fuzz", type=float, default=30, help="seconds of atheris fuzzing")
    args = parser.parse_args(argv)
    if args.cli:
        print(f"CLI import loop : {stress_cli(args.cli)}  (target: no torn file, "
              "nothing saved lost)", flush=True)
    if args.api:
        print(f"Store-API writer: {stress_api(args.api)}  (target: same)", flush=True)
    if args.fuzz:
        print(f"atheris fuzz    : {fuzz(args.fuzz)}", flush=True)
    return 0


def test_stress_cli_200_kills() -> None:
    figures = stress_cli(200)
    assert figures["kills"] == 200 and figures["imports_done"] > 0


def test_stress_api_300_kills() -> None:
    assert stress_api(300)["actions_saved"] >= 300


if __name__ == "__main__":
    if sys.argv[1:2] == ["atheris"]:
        run_atheris(sys.argv[2:])
    sys.exit(main())
