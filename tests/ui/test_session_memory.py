"""Session memory (issue 14, item 12): reopening resumes the last article and the cursor;
``s`` skips and goes on; ``n`` passes over skipped articles."""

from __future__ import annotations

from tui.widgets.reader import Reader

FIRST = "000_016fc75d937698ad"


async def test_reopening_resumes_the_article_and_the_cursor(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")  # the second article
        await pilot.pause()
        second = app.screen.current_id
        await pilot.press("down", "left", "left")
        await pilot.pause()
        reader = app.screen.query_one(Reader)
        where = reader.word_span.start
    assert second != FIRST
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert app.screen.current_id == second
        assert app.screen.query_one(Reader).word_span.start == where


async def test_s_skips_and_goes_on_and_n_passes_skipped(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        first = app.screen.current_id
        await pilot.press("s")
        await pilot.pause()
        assert str(app.store.annotations(first).status) == "skipped"
        second = app.screen.current_id
        assert second != first
        await pilot.press("p")  # back to the skipped one, then n passes it over
        await pilot.pause()
        assert app.screen.current_id == first
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.current_id == second
