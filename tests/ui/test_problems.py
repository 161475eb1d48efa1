"""Load problems stay listed (issue 14, item 12): `!` shows every problem since start, not
only a 10-second toast."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from store.records import EntitySpan
from store.store import Store
from tui.screens.problems_screen import ProblemsScreen
from tui.widgets.status_bar import StatusBar


async def test_problems_view_lists_a_damaged_store_file(make_app, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    with Store.open(store_dir, annotator="t") as store:
        store.attach("000_016fc75d937698ad", "نص", {"title": "x"})
        store.add_entity("000_016fc75d937698ad", EntitySpan(0, 2, "نص", "PERS"))
    damaged = next((store_dir / "articles").glob("*.json"))
    damaged.write_text("{ broken", encoding="utf-8")
    app = make_app(store_dir=str(store_dir))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert "! lists them" in app.screen.query_one(StatusBar).info
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        text = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert damaged.name in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ProblemsScreen)
