"""Hostile file names and ids: they load, store under a safe file name, and can be shown."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from store.corpus import Corpus
from store.records import EntitySpan
from store.store import Store
from tui.rtl.glyphs import printable

AR = "استقبل الرئيس الروسي فلاديمير بوتين نظيره السوري بشار الأسد في الكرملين بموسكو."
NASTY = "good\x1b]0;PWNED\x07\u202e\x00\u200b"


def test_printable_shows_every_control_as_a_sign() -> None:
    shown = printable("a\x1b[2J\x07\u202eب\x00\x85\u2066")
    assert shown == "a\u241b[2J\u2407\u21ccب\u2400\u2426\u21cc"
    assert all(unicodedata.category(ch)[0] != "C" for ch in shown)
    plain = "بوتين والأسد / Putin.txt"
    assert printable(plain) is plain  # the common case costs nothing


def test_corpus_file_with_escapes_in_its_name_loads(tmp_path: Path) -> None:
    name = NASTY.replace("\x00", "")  # NUL cannot be in a file name
    (tmp_path / f"{name}.txt").write_text("عنوان\n\n" + AR, encoding="utf-8")
    corpus = Corpus.open(tmp_path)
    assert corpus.ids == [name]
    assert corpus.load(name).text.endswith(AR)


def test_store_file_name_of_a_hostile_id_is_plain(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store") as store:
        store.attach(NASTY, AR, {"title": NASTY})
        start = AR.index("بوتين")
        store.add_entity(NASTY, EntitySpan(start, start + 5, "بوتين", "PERS"))
        [path] = list((tmp_path / "store" / "articles").iterdir())
        assert path.name.isprintable() and "/" not in path.name
    with Store.open(tmp_path / "store") as again:
        assert again.article_ids() == [NASTY]
        assert again.annotations(NASTY).entities[0].text == "بوتين"


def test_hostile_names_never_reach_the_terminal(tmp_path: Path) -> None:
    """CLI error lines and the app's titles show a hostile file name with signs."""
    import asyncio
    import subprocess
    import sys

    from test_hostile_app import assert_frame_is_clean

    from tui.app import prepare_app

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "good\x1b]0;PWNED\x07\u202e.txt").write_text("عنوان\n\n" + AR, encoding="utf-8")
    (corpus / "bad\x1b[2J.txt").write_bytes(b"")
    done = subprocess.run([sys.executable, "-m", "tui.cli", "render", str(corpus)],
                          capture_output=True, text=True, encoding="utf-8",
                          cwd=Path(__file__).resolve().parent.parent)
    assert "bad\u241b[2J.txt: empty file" in done.stderr and "\x1b" not in done.stderr
    assert "\x1b" not in done.stdout

    async def run() -> None:
        app = prepare_app(corpus, store_dir=str(tmp_path / "store"), annotator="t")
        async with app.run_test(size=(110, 36)) as pilot:
            await pilot.pause()
            assert_frame_is_clean(app)
            await pilot.press("enter")
            await pilot.pause()
            assert_frame_is_clean(app)

    asyncio.run(run())
