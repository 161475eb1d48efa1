"""The real `warraq` command in a real terminal (tmux): what a user sees on screen."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests_support import require_tool
from tui.layout import BaseDirection, layout_paragraph

ROOT = Path(__file__).resolve().parents[2]


def visual(text: str) -> str:
    return layout_paragraph(text, 500, BaseDirection.RTL)[0].text


class Tmux:
    def __init__(self, store: Path, width: int = 120, height: int = 36) -> None:
        self.name = f"warraq-test-{uuid.uuid4().hex[:8]}"
        warraq = Path(sys.executable).parent / "warraq"
        command = shlex.quote(str(warraq)) if warraq.exists() else (
            f"{shlex.quote(sys.executable)} -m tui.cli"
        )
        env = f"WARRAQ_STORE={shlex.quote(str(store))} WARRAQ_ANNOTATOR=tester TERM=xterm-256color"
        subprocess.run(
            ["tmux", "-L", self.name, "new-session", "-d", "-s", self.name,
             "-x", str(width), "-y", str(height),
             # The short sleep lets tmux settle the pane at its final size before the app
             # reads it.
             f"sleep 0.3; cd {shlex.quote(str(ROOT))} && env {env} {command}; sleep 30"],
            check=True,
        )

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "-L", self.name, "capture-pane", "-p", "-t", self.name],
            capture_output=True, text=True, check=True,
        ).stdout

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "-L", self.name, "send-keys", "-t", self.name, *keys],
                       check=True)

    def wait_for(self, needle: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if needle in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{needle!r} never appeared on screen:\n{screen}")

    def close(self) -> None:
        # Its own server (-L): nothing else running in tmux can resize or disturb it.
        subprocess.run(["tmux", "-L", self.name, "kill-server"], capture_output=True)


@pytest.fixture
def tmux(tmp_path):
    require_tool("tmux")
    session = Tmux(tmp_path / "store")
    yield session
    session.close()


def test_app_in_a_terminal_shows_shaped_rtl_arabic(tmux: Tmux) -> None:
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
