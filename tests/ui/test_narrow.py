"""Narrow terminals (issue 14, item 13): the reader keeps most of the width; at 80×24 the
side pane folds away (ctrl+o brings it back) and every pane stays usable."""

from __future__ import annotations

import pytest

from tui.widgets.reader import Reader
from tui.widgets.side_pane import SidePane


@pytest.mark.parametrize(("size", "reader_at_least"), [((100, 30), 44), ((80, 24), 50),
                                                       ((140, 40), 66)])
async def test_reader_gets_the_width(make_app, size, reader_at_least) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        reader = app.screen.query_one(Reader)
        assert reader.size.width >= reader_at_least, (size, reader.size.width)
        side = app.screen.query_one(SidePane)
        if size[0] < 100:
            assert not side.display or side.size.width == 0
            await pilot.press("ctrl+o")
            await pilot.pause()
            assert side.size.width > 0
            assert reader.size.width >= 24  # still a usable reader beside it
        else:
            assert side.size.width >= 22  # 26 columns less its border
        # The reader still annotates at this size.
        await pilot.press("1")
        await pilot.pause()
        assert app.store.annotations(app.screen.current_id).entities
