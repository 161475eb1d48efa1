"""List titles follow --bidi: shaped and reordered by us, or left logical for a terminal
that does its own bidi (else the terminal would reorder them a second time)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.app import prepare_app
from tui.rtl.layout import BaseDirection, layout_paragraph
from tui.widgets.article_list import ArticleList


@pytest.mark.parametrize("bidi", ["app", "terminal"])
async def test_list_titles_follow_the_bidi_mode(tmp_path: Path, bidi: str):
    app = prepare_app(None, store_dir=str(tmp_path / "store"), annotator="t", bidi=bidi)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        articles = app.screen.query_one(ArticleList)
        title = articles.entries.titles[0]
        shown = articles.render_line(0).text.strip().strip("…").strip()
        assert len(shown) > 5
        if bidi == "terminal":
            assert title.startswith(shown)  # logical order, letters as stored
        else:  # the first words, shaped and reordered: the right end of the whole title
            assert layout_paragraph(title, 10_000, BaseDirection.RTL)[0].text.endswith(shown)
            assert shown not in title
