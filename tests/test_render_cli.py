"""``warraq render`` from outside, as a pipeline user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from rich.cells import cell_len

from tui.rtl.document import DocumentLayout
from tui.rtl.layout import BaseDirection

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "sample_corpus" / "002_d2e71cb321c96b8c.txt"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
    )


def test_render_prints_the_reader_layout_line_by_line() -> None:
    from store.corpus import Corpus

    result = run("render", str(SEED), "--width", "60")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")[:-1]
    article = Corpus.open(SEED).load(SEED.stem)
    expected = DocumentLayout(article.text, 60, BaseDirection.RTL).visual_lines()
    assert lines == [line if line.strip() else "" for line in expected]
    assert all(cell_len(line) <= 60 for line in lines)
    # Title first, then a blank line, and blank lines between paragraphs.
    gap = lines.index("")
    assert gap >= 1 and all(line.strip() for line in lines[:gap])
    assert "" in lines[gap + 2 :]


def test_render_never_writes_control_bytes_or_colour_to_a_pipe(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        "عنوان الخبر\n\nنص \x1b[2J\x1b]0;owned\x07 فيه "
        "\u202eمعكوس\u202c و\u200bصفر\x7f\x85 نهاية\n",
        encoding="utf-8",
    )
    result = run("render", str(hostile), "--width", "50")
    assert result.returncode == 0, result.stderr
    for ch in result.stdout:
        if ch == "\n":
            continue
        assert unicodedata.category(ch) not in ("Cc", "Cf"), repr(ch)


def test_render_jsonl_prints_title_then_text(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    records = [
        {"id": "a", "title": "العنوان الأول", "text": "السطر الأول.\nالسطر الثاني."},
        {"id": "b", "title": "Second", "text": "Plain English text."},
    ]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n",
                      encoding="utf-8")
    result = run("render", str(corpus), "--width", "40", "--id", "a")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.rstrip("\n").split("\n")
    assert len(lines) == 5  # title, blank, line, blank (paragraph gap), line
    assert lines[1] == "" and lines[3] == ""
    assert "Second" not in result.stdout
    everything = run("render", str(corpus), "--width", "40")
    assert "Plain English text." in everything.stdout


def test_terminal_mode_leaves_text_logical_and_unshaped(tmp_path: Path) -> None:
    page = tmp_path / "p.txt"
    page.write_text("عنوان\n\nقال بوتين إن 90% من الأراضي\n", encoding="utf-8")
    result = run("render", str(page), "--bidi", "terminal", "--width", "80")
    assert "قال بوتين إن 90% من الأراضي" in result.stdout
    shaped = run("render", str(page), "--width", "80")
    assert "قال بوتين" not in shaped.stdout  # reordered and in presentation forms


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"\xff\xfe\x00bad", "binary"), (b"", "empty"), (b"abc \xe9 def", "UTF-8")],
)
def test_bad_file_is_one_line_naming_it(tmp_path: Path, content: bytes, reason: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = run("render", str(bad))
    assert result.returncode != 0
    err = result.stderr.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0]
    assert "Traceback" not in result.stderr


def test_missing_corpus_for_the_app_is_one_line() -> None:
    result = run("/no/such/corpus")
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0 and "/no/such/corpus" in result.stderr


def test_error_lines_never_echo_escapes_from_file_names(tmp_path: Path) -> None:
    bad = tmp_path / "bad\x1b[2J\x1b]0;PWNED\x07.txt"
    bad.write_bytes(b"")
    result = run("render", str(bad))
    assert result.returncode != 0
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "bad" in result.stderr and result.stderr.count("\n") == 1
