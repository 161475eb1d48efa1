"""The running app follows a store changed on disk (git pull, another tool): the open
article's annotations and the list's statuses update, and nothing is overwritten."""

from __future__ import annotations

import json
import os
import shutil

from store.records import EntitySpan
from store.store import Store
from tui.screens.main_screen import MainScreen
from tui.services.store_watch import STORE_WATCH_SECONDS
from tui.widgets.article_list import ArticleList
from tui.widgets.reader import Reader

FIRST = "000_016fc75d937698ad"


def colleague_adds(root, tmp_path, article_id: str, text: str, word: str) -> None:
    """A colleague's clone of the store gets an annotation; their file then replaces
    ours the way git writes it (a new file renamed over the old one)."""
    other = tmp_path / "colleague"
    shutil.rmtree(other, ignore_errors=True)
    shutil.copytree(root, other, ignore=shutil.ignore_patterns(".lock", ".warraq-cache"))
    with Store.open(other, annotator="colleague") as store:
        store.attach(article_id, text)
        start = text.index(word)
        store.add_entity(article_id, EntitySpan(start, start + len(word), word, "LOC"))
        theirs = store.get(article_id).path  # type: ignore[union-attr]
        incoming = root / "articles" / ".incoming"
        shutil.copy(theirs, incoming)
        os.replace(incoming, root / "articles" / theirs.name)


async def test_open_article_follows_a_change_on_disk(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        reader = app.screen.query_one(Reader)
        await pilot.press("1")  # PERS on the first word
        store = app.store
        path = store.get(FIRST).path
        colleague_adds(store.root, tmp_path, FIRST, reader.text, "بالأسد")
        await pilot.pause(STORE_WATCH_SECONDS * 1.6)
        kinds = sorted((reader.text[d.start:d.end], d.label) for d in reader._decorations)
        assert ("بالأسد", "LOC") in kinds and ("بوتين", "PERS") in kinds
        notices = [n.message for n in app._notifications]
        assert any("changed on disk" in message for message in notices)
        # The next annotation goes on top of the colleague's, not over it.
        await pilot.press("left", "2")  # the next word (RTL)
        data = json.loads(path.read_text(encoding="utf-8"))
        labels = sorted(e["label"] for e in data["entities"].values())
        assert labels == ["LOC", "ORG", "PERS"]


async def test_list_status_follows_another_article_changed_on_disk(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        articles = screen.query_one(ArticleList)
        second = articles.entries.ids[1]
        assert articles.entries.statuses[1] == "new"
        text = app.corpus.load(second).text
        word = text.split()[0]
        colleague_adds(app.store.root, tmp_path, second, text, word)
        await pilot.pause(STORE_WATCH_SECONDS * 1.6)
        row = articles.entries.position(second)
        assert articles.entries.statuses[row] == "in_progress"
