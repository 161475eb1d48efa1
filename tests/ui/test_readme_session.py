"""README's annotation session, key by key as written, leaves what README says it does
(issue 14: "README's annotation session runs as written")."""

from __future__ import annotations

import re
from pathlib import Path

from tui.screens.main_screen import MainScreen

ROOT = Path(__file__).resolve().parents[2]
FIRST = "000_016fc75d937698ad"
NAMES = {"←": "left", "→": "right", "↓": "down", "↑": "up", "esc": "escape",
         "enter": "enter", "tab": "tab", "ctrl+r": "ctrl+r"}


def session_keys() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## An annotation session", 1)[1].split("\n## ", 1)[0]
    keys: list[str] = []
    for line in block.splitlines():
        if not line.startswith("    "):  # the indented block only, not the prose around it
            continue
        line = line.strip()
        if not line or line.startswith("$"):
            continue
        typed = re.split(r"\s+#", line, maxsplit=1)[0].split()
        for word in typed:
            if word in NAMES:
                keys.append(NAMES[word])
            elif len(word) == 1:
                keys.append(word)
            else:  # typed text, e.g. "meet" in the event type filter
                keys.extend(word)
    return keys


async def test_readme_session_runs_as_written(make_app) -> None:
    keys = session_keys()
    assert keys[-1] == "q" and "D" in keys
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        for key in keys[:-1]:
            await pilot.press(key)
            await pilot.pause()
        ann = app.store.annotations(FIRST)
        ents = {e.id: (e.text, e.label) for e in ann.entities}
        assert set(ents.values()) == {("بوتين", "PERS"), ("بالأسد", "PERS")}
        (event,) = ann.events
        assert (event.type, event.trigger_text) == ("MEET", "المحادثات")
        assert {a.role: ents[a.entity_id][0] for a in event.arguments} == {
            "SOURCE": "بوتين", "TARGET": "بالأسد"}
        assert set(ann.doc_labels) == {"POLITICS", "DIPLOMACY"}
        assert str(ann.status) == "done"
        assert isinstance(app.screen, MainScreen)
        assert app.screen.current_id != FIRST  # `n` went on to the next article not done
        await pilot.press("q")
