"""Helpers importable from any test module (pytest puts tests/ on sys.path)."""

from __future__ import annotations

import os
import shutil

import pytest


def require_tool(name: str) -> str:
    """Path of an external tool; skip without it, unless CI demands it (WARRAQ_REQUIRE_TOOLS)."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("WARRAQ_REQUIRE_TOOLS"):
            pytest.fail(f"{name} is required in CI but not installed")
        pytest.skip(f"{name} not installed")
    return path


class TmuxSession:
    """A program in a real terminal: its own tmux server (nothing else running in tmux
    can resize or disturb it), started a moment after the pane has its final size."""

    def __init__(self, command: str, *, env: dict[str, str], cwd: str,
                 width: int = 120, height: int = 36) -> None:
        import shlex
        import subprocess
        import uuid

        self.name = f"warraq-test-{uuid.uuid4().hex[:8]}"
        assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        subprocess.run(
            ["tmux", "-L", self.name, "new-session", "-d", "-s", self.name,
             "-x", str(width), "-y", str(height),
             f"sleep 0.3; cd {shlex.quote(cwd)} && env {assignments} {command}; sleep 30"],
            check=True,
        )

    def _tmux(self, *args: str) -> str:
        import subprocess

        return subprocess.run(["tmux", "-L", self.name, *args], capture_output=True,
                              text=True, check=True).stdout

    def screen(self, escapes: bool = False) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.name, *(["-e"] if escapes else []))

    def title(self) -> str:
        return self._tmux("display-message", "-p", "-t", self.name, "#{pane_title}")

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", self.name, *keys)

    def wait_for(self, needle: str, timeout: float = 20.0) -> str:
        import time

        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if needle in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{needle!r} never appeared on screen:\n{screen}")

    def close(self) -> None:
        import subprocess

        subprocess.run(["tmux", "-L", self.name, "kill-server"], capture_output=True)
