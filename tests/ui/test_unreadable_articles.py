"""Articles that cannot be read are said to be so, passed over, and never saved over."""

from __future__ import annotations

import json

from tui.app import prepare_app
from tui.widgets.article_list import ArticleList
from tui.widgets.reader import Reader

FIRST = "000_016fc75d937698ad"


async def _annotate_first(store_dir: str) -> None:
    app = prepare_app(None, store_dir=store_dir, annotator="one")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "1")
        await pilot.pause()
    app.store.close()


def _damage(store_dir, entities: dict) -> bytes:
    [path] = list((store_dir / "articles").glob("*.json"))
    data = json.loads(path.read_text(encoding="utf-8"))
    data["entities"] = entities
    path.write_text(json.dumps(data), encoding="utf-8")
    return path.read_bytes()


def _messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def _open_damaged(tmp_path, entities: dict) -> None:
    store_dir = tmp_path / "store"
    await _annotate_first(str(store_dir))
    before = _damage(store_dir, entities)
    app = prepare_app(None, store_dir=str(store_dir), annotator="two")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert screen.query_one(Reader).article_id == FIRST
        assert screen._meta["status"] == "damaged"  # the card says so, not "new"
        articles = screen.query_one(ArticleList)
        assert articles.entries.statuses[articles.entries.position(FIRST)] == "damaged"
        assert any(m.startswith("Damaged store file") for m in _messages(app))
        await pilot.press("1", "h")  # refused, one line each, nothing written
        await pilot.pause()
        assert any(m.startswith("Not saved:") for m in _messages(app))
        assert all("\n" not in m for m in _messages(app))
        assert screen._meta["status"] == "damaged"
    app.store.close()
    [path] = list((store_dir / "articles").glob("*.json"))
    assert path.read_bytes() == before


async def test_a_store_file_with_one_malformed_record_shows_as_damaged(tmp_path):
    await _open_damaged(tmp_path, {"1": "not a record"})


async def test_a_store_file_whose_offsets_are_strings_shows_as_damaged(tmp_path):
    await _open_damaged(tmp_path, {"1": {"id": "T1", "start": "0", "end": "5",
                                         "text": "بوتين", "label": "PERS"}})


def _jsonl_with_a_refused_record(tmp_path):
    lines = [json.dumps({"id": f"a{i}", "title": f"عنوان {i}",
                         "text": f"نص المقال رقم {i} عن بوتين"}, ensure_ascii=False).encode()
             for i in range(4)]
    # Listed by the index (its text is checked only when opened), refused when opened.
    lines.insert(2, b'{"id": "bad", "title": "bad text", "text": "\xff\xfe broken"}')
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(b"\n".join(lines) + b"\n")
    return corpus


async def test_n_and_p_pass_over_a_refused_jsonl_record(make_app, tmp_path):
    app = make_app(str(_jsonl_with_a_refused_record(tmp_path)))
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        reader = app.screen.query_one(Reader)
        await pilot.press("enter")
        await pilot.pause()
        assert reader.article_id == "a0"
        seen = []
        for _ in range(3):
            await pilot.press("n")
            await pilot.pause()
            seen.append(reader.article_id)
        assert seen == ["a1", "a2", "a3"]
        assert any(m.startswith("Passed over 1 unreadable article") and ":3:" in m
                   for m in _messages(app))
        await pilot.press("p", "p")
        await pilot.pause()
        assert reader.article_id == "a1"


async def test_messages_about_the_article_open_before_are_dropped(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        reader = screen.query_one(Reader)
        old = Reader.Annotate(reader, "label", "1", reader.target, False)  # made on FIRST
        await pilot.press("n")
        await pilot.pause()
        assert reader.article_id != FIRST
        now = reader.article_id
        reader.post_message(old)
        await pilot.pause()
        await pilot.pause()
        assert app.store.annotations(now).entities == []
        assert app.store.annotations(FIRST).entities == []
        assert any("meant for the article open before" in m for m in _messages(app))
