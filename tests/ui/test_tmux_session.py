"""The real `warraq` command in a real terminal (tmux): what a user sees on screen."""

from __future__ import annotations

import os
import shlex
import sys
import time
from pathlib import Path

import pytest

from tests_support import TmuxSession, require_tool
from tui.rtl.layout import BaseDirection, layout_paragraph

ROOT = Path(__file__).resolve().parents[2]


def visual(text: str) -> str:
    return layout_paragraph(text, 500, BaseDirection.RTL)[0].text


def start_warraq(store: Path) -> TmuxSession:
    warraq = Path(sys.executable).parent / "warraq"
    command = shlex.quote(str(warraq)) if warraq.exists() else (
        f"{shlex.quote(sys.executable)} -m tui.cli"
    )
    env = {"WARRAQ_STORE": str(store), "WARRAQ_ANNOTATOR": "tester", "TERM": "xterm-256color"}
    return TmuxSession(command, env=env, cwd=str(ROOT))


@pytest.fixture
def tmux(tmp_path):
    require_tool("tmux")
    session = start_warraq(tmp_path / "store")
    yield session
    session.close()


def test_app_in_a_terminal_shows_shaped_rtl_arabic(tmux: TmuxSession) -> None:
    screen = tmux.wait_for("Articles (5)")
    # Titles are shaped and reordered: the visual form is on screen, the logical isn't.
    assert visual("بوتين مرحباً") in screen
    assert "بوتين مرحباً" not in screen
    tmux.keys("Enter")
    screen = tmux.wait_for("Reader · 000_016fc75d937698ad")
    assert visual("بدأت، اليوم الاربعاء،") in screen
    # The first body line is right-aligned against the reader's right border.
    line = next(row for row in screen.splitlines() if visual("بدأت،") in row)
    reader_part = line.split("││")[1] if "││" in line else line
    assert reader_part.rstrip("│ ").endswith(visual("بدأت،"))
    tmux.keys("q")
    time.sleep(1.0)
    assert "Articles (5)" not in tmux.screen()
    assert os.environ.get("WARRAQ_NO_BDSM")  # the test session never toggled BDSM
