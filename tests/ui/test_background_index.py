"""A large first open in the real app: the list is up before the index is built, fills in
as it goes (progress in the list title and the status bar), and ends complete."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import store.corpus_index as ci
from store import index_folder, index_jsonl, index_workers
from store.corpus import Corpus
from store.synthetic import seed_sentences, write_corpus
from tui.app import prepare_app
from tui.widgets.article_list import ArticleList
from tui.widgets.status_bar import StatusBar

SENTENCES = seed_sentences()


@pytest.fixture
def slow_background_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every corpus counts as large (indexed behind the app), chunks are small, the work
    runs in the indexing thread itself, and each chunk takes a little while."""
    monkeypatch.setattr(index_jsonl, "_PARALLEL_BYTES", 1)
    monkeypatch.setattr(index_folder, "_PARALLEL_PAGES", 1)
    monkeypatch.setattr(index_jsonl, "_CHUNK_BYTES", 30_000)
    monkeypatch.setattr(index_folder, "_CHUNK_PAGES", 6)
    monkeypatch.setattr(index_workers, "_cpus", lambda: 1)
    scan, pages = index_jsonl._scan_range, index_folder._index_pages

    def slow_scan(*args):
        time.sleep(0.1)
        return scan(*args)

    def slow_pages(*args):
        time.sleep(0.25)
        return pages(*args)

    monkeypatch.setattr(index_jsonl, "_scan_range", slow_scan)
    monkeypatch.setattr(index_folder, "_index_pages", slow_pages)


async def _until_indexed(app, pilot, seen: dict[str, set]) -> None:
    for _ in range(400):
        await pilot.pause(0.05)
        articles = app.screen.query_one(ArticleList)
        seen["counts"].add(len(articles.entries))
        seen["titles"].add(str(app.screen.query_one("#list-pane").border_title))
        seen["info"].add(str(app.screen.query_one(StatusBar).info))
        if app.indexing is None:
            return
    raise AssertionError("indexing never finished")


async def test_jsonl_first_open_lists_articles_while_indexing(tmp_path: Path,
                                                               slow_background_build: None):
    path = write_corpus(tmp_path / "c.jsonl", 300, "jsonl", seed=11, sentences=SENTENCES)
    app = prepare_app(path, store_dir=str(tmp_path / "store"), annotator="t")
    assert app.indexing is not None and len(app.corpus) == 0
    seen: dict[str, set] = {"counts": set(), "titles": set(), "info": set()}
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("slash", *"الأسد")  # a search typed while rows arrive
        await _until_indexed(app, pilot, seen)
        await pilot.pause()
        articles = app.screen.query_one(ArticleList)
        assert len(articles.entries) == 300
        # the list grew in steps, and said so
        assert len([c for c in seen["counts"] if 0 < c < 300]) >= 2
        assert any("%" in t for t in seen["titles"])
        assert any("of the file read" in i for i in seen["info"])
        title = str(app.screen.query_one("#list-pane").border_title)
        assert "%" not in title and app.screen.query_one(StatusBar).info == ""
        # the search typed during indexing covers every article now
        expected = [i for i, m in enumerate(Corpus.open(path).articles) if "الاسد" in
                    articles.entries.search_keys()[i]]
        assert sorted(articles.shown) == expected and expected
        notices = [n.message for n in app._notifications]
        assert any("Indexed 300 articles" in m for m in notices)
    assert not ci.start_index(path, tmp_path / "store" / ci.CACHE_DIR).pending


async def test_folder_first_open_shows_every_page_then_titles(tmp_path: Path,
                                                              slow_background_build: None):
    pages = write_corpus(tmp_path / "pages", 30, "txt", seed=12, sentences=SENTENCES)
    (pages / "zz_binary.txt").write_bytes(b"\x00\x01\x02\x03 not text \x00\x00")
    app = prepare_app(pages, store_dir=str(tmp_path / "store"), annotator="t")
    assert app.indexing is not None
    asked: list[int] = []
    prioritize = app.indexing.build.prioritize
    app.indexing.build.prioritize = lambda rows: (asked.extend(rows), prioritize(rows))
    # every page is listed at once, the unread ones by name
    assert app.corpus.articles[0].title == sorted(p.stem for p in pages.glob("*.txt"))[0]
    seen: dict[str, set] = {"counts": set(), "titles": set(), "info": set()}
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        articles = app.screen.query_one(ArticleList)
        assert len(articles.entries) == 31
        await pilot.press("end")  # the last pages on screen: read before those above
        await _until_indexed(app, pilot, seen)
        assert any("pages read" in i for i in seen["info"])
        assert 30 in asked  # the last row, on screen, was asked for
        await pilot.pause()
        full = Corpus.open(pages)
        assert list(articles.entries.ids) == [m.id for m in full.articles]  # binary page gone
        assert list(articles.entries.titles) == [m.title for m in full.articles]
        notices = [n.message for n in app._notifications]
        assert any("could not be read" in m and "zz_binary.txt" in m for m in notices)
