"""The app in real terminal emulators under Xvfb, judged by Arabic OCR (issue 13).

tmux captures and our own round trips were green while Konsole, kitty and tmux inside GNOME
Terminal showed reversed Arabic: only a real terminal's pixels tell. Each case opens the
first sample article in one terminal with ``../shared/tools/terminals/run_terminal.sh``
(Xvfb, xdotool, a screenshot) and reads the reader pane back with tesseract's Arabic model
(``ocr_judge.py``): text in reading order scores 0.73–1.00 there, reversed or scrambled text
0.00, so 0.5 separates them. CI installs xterm and a VTE terminal (sakura) and requires
them; the other terminals run where installed. Slow (≈25 s a case): the screen is real.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tests_support import require_tool

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT.parent / "shared" / "tools" / "terminals"
# CI installs these from Debian; the others are checked where a developer has them.
REQUIRED_IN_CI = {"xterm", "sakura"}
CASES = [
    ("xterm", "app"),
    ("sakura", "app"),       # VTE: CSI 8 l
    ("sakura", "tmux"),      # VTE with tmux inside: passthrough set by Warraq itself
    ("sakura", "terminal"),  # --bidi terminal: panes isolated, VTE lays out
    ("kitty", "app"),        # shaper runs sent reversed
    ("alacritty", "app"),    # harakat attached one cell left
    ("konsole", "app"),      # OSC 50
    ("mlterm", "app"),       # OSC 5379
]


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from store.corpus import Corpus, sample_corpus_path

    corpus = Corpus.open(sample_corpus_path())
    meta = corpus.articles[0]
    body = corpus.load(meta.id).text.split("\n")
    path = tmp_path_factory.mktemp("ocr") / "expected.txt"
    # The headline and the first paragraphs: what rows 1–12 of the reader hold.
    path.write_text("\n".join([meta.title, *body[:6]]), encoding="utf-8")
    return path


def _tools() -> None:
    if not (TOOLS / "run_terminal.sh").exists():
        pytest.skip(f"{TOOLS} not found (../shared beside the checkout)")
    for tool in ("Xvfb", "xdotool", "import", "tesseract"):
        require_tool(tool)
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    if "ara" not in langs.stdout.split():
        if os.environ.get("WARRAQ_REQUIRE_TOOLS"):
            pytest.fail("tesseract's Arabic model (tesseract-ocr-ara) is required in CI")
        pytest.skip("tesseract has no Arabic model")


@pytest.mark.parametrize(("terminal", "step"), CASES, ids=[f"{t}-{s}" for t, s in CASES])
def test_first_article_reads_right_in_a_real_terminal(terminal: str, step: str,
                                                      expected: Path, tmp_path: Path) -> None:
    _tools()
    if terminal in REQUIRED_IN_CI:
        require_tool(terminal)
    elif shutil.which(terminal) is None:
        pytest.skip(f"{terminal} not installed")
    env = dict(os.environ)
    for name in ("TMUX", "TMUX_PANE", "WARRAQ_NO_BDSM", "WARRAQ_TERMINAL", "WARRAQ_BIDI"):
        env.pop(name, None)
    # The warraq under test: this interpreter's, first on PATH (run_terminal.sh runs it).
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("WARRAQ", None)
    env.update(OUT=str(tmp_path / "shots"), WORK=str(tmp_path / "work"), STARTUP="10")
    done = subprocess.run(["bash", str(TOOLS / "run_terminal.sh"), terminal, step], env=env,
                          capture_output=True, text=True, timeout=240)
    assert "NOWINDOW" not in done.stdout, done.stdout + done.stderr
    shot = tmp_path / "shots" / (f"{terminal}_{step}_app_reader.png" if step == "tmux"
                                 else f"{terminal}_{step}_reader.png")
    assert shot.exists(), done.stdout + done.stderr
    judged = subprocess.run(
        [sys.executable, str(TOOLS / "ocr_judge.py"), str(shot), str(expected),
         "--pane", "reader", "--rows", "1:12", "--quiet"],
        capture_output=True, text=True, timeout=120)
    assert judged.returncode == 0, f"{terminal} {step}: {judged.stdout}{judged.stderr}"
