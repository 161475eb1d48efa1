"""README's two commands are what a new user runs and what CI runs: keep them true."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```\n(.*?)```", text, re.S)
    assert block, "README has no command block"
    return [line[2:] for line in block.group(1).splitlines() if line.startswith("$ ")]


def test_readme_starts_with_install_and_test_commands() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    install, tests = commands
    assert "pip install ." in install and install.rstrip().endswith("warraq")
    assert "'.[test]'" in tests and "pytest" in tests


def test_ci_runs_readme_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    # .ci/run extracts the second "$ " line of the README's first block and runs it verbatim.
    assert "sed -n 2p" in script and "README.md" in script
    lines = [
        line[2:]
        for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("$ ")
    ]
    assert lines[1] == readme_commands()[1]
