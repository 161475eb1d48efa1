"""The app in a team store (issue 15): each annotator's own queue with its progress, and
the Agreement screen from the palette showing what ``warraq agree --format json`` says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from team_support import build_team_store

from tui.screens.agreement_screen import AgreementScreen
from tui.services.agreement_view import figure
from tui.widgets.article_list import ArticleList
from tui.widgets.status_bar import StatusBar

ROOT = Path(__file__).resolve().parents[2]
SIZE = (120, 40)


def _agree_json(store: Path, *extra: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "tui.cli", "agree", "--store", str(store),
                           "--format", "json", *extra], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _text(renderables: list) -> str:
    console = Console(width=120, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    for r in renderables:
        console.print(r)
    return console.export_text()


def _screen_text(app) -> str:
    console = Console(width=app.size.width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


async def _open_agreement(pilot):
    """The screen the palette's agreement action opens, once it is up."""
    await pilot.pause()
    pilot.app.screen.open_agreement()
    await pilot.pause()
    return pilot.app.screen


async def _computed(pilot, screen: AgreementScreen) -> None:
    for _ in range(200):
        await pilot.pause(0.05)
        if not screen.computing and screen.report is not None:
            return
    raise AssertionError("the agreement was never shown")


async def test_the_list_shows_my_queue_with_progress_and_shared_marks(tmp_path, make_app):
    root = tmp_path / "store"
    plan = build_team_store(root, ["amal", "badr"])
    mine = plan.queue("amal")
    assert 0 < len(mine) < len(plan.articles)  # else the queue would filter nothing
    app = make_app(store_dir=str(root), annotator="amal")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        articles = app.screen.query_one(ArticleList)
        status = app.screen.query_one(StatusBar)
        shown = [articles.entries.ids[row] for row in articles.shown]
        assert shown == mine  # own queue by default, in corpus order
        assert status.queue == f"queue 0/{len(mine)} done"
        assert app.screen.query_one("#list-pane").border_title == f"My queue ({len(mine)})"
        shared = [i for i in mine if i in plan.shared()]
        assert shared, "the plan shares some of amal's articles"
        row = articles.entries.position(shared[0])
        assert "⇄ badr" in articles._draw(row, 1, 60, False).text
        alone = [i for i in mine if i not in shared]
        if alone:
            assert "⇄" not in articles._draw(articles.entries.position(alone[0]), 1, 60,
                                             False).text
        # Done on the first article of the queue: the progress follows.
        await pilot.press("enter", "d")
        await pilot.pause()
        assert status.queue == f"queue 1/{len(mine)} done"
        await pilot.press("escape", "ctrl+b")  # back to the list (the reader had the focus)
        articles.focus()
        await pilot.press("M")  # every article
        await pilot.pause()
        assert len(articles.shown) == len(plan.articles) and not articles.scoped
        assert app.screen.query_one("#list-pane").border_title.startswith("Articles")
        await pilot.press("M")
        await pilot.pause()
        assert [articles.entries.ids[r] for r in articles.shown] == mine


async def test_no_plan_for_me_lists_every_article(tmp_path, make_app):
    root = tmp_path / "store"
    plan = build_team_store(root, ["amal", "badr"])
    app = make_app(store_dir=str(root), annotator="zaid")  # not in the plan
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        articles = app.screen.query_one(ArticleList)
        assert len(articles.shown) == len(plan.articles) and not articles.scoped
        assert app.screen.query_one(StatusBar).queue == ""
    (root / "assignments.json").write_text("{", encoding="utf-8")  # damaged: named, all shown
    app = make_app(store_dir=str(root), annotator="amal")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert len(app.screen.query_one(ArticleList).shown) == len(plan.articles)
        assert any("assignments.json" in n for n in app.workspace.startup_notices)


async def test_agreement_screen_from_the_palette_shows_warraq_agree_figures(tmp_path,
                                                                            make_app):
    root = tmp_path / "store"
    build_team_store(root, ["amal", "badr"])
    expected = _agree_json(root)
    app = make_app(store_dir=str(root), annotator="amal")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Agreement")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        await _computed(pilot, screen)
        assert screen.report == expected  # one source of numbers
        shown = _text(screen.shown)
        metrics = expected["metrics"]
        for value in (metrics["spans"]["exact"]["f1"], metrics["spans"]["overlap"]["f1"],
                      metrics["spans"]["clitic_tolerant"]["f1"], metrics["fleiss_kappa"],
                      metrics["krippendorff_alpha"], expected["pairs"][0]["token_kappa"]):
            assert figure(value) in shown
        lines = shown.splitlines()
        for label, counts in expected["labels"].items():
            at = next(i for i, line in enumerate(lines) if line.split()[:2] == [label, "exact"])
            assert lines[at].split()[-6] == figure(counts["f1"])
            assert lines[at + 1].split()[-6] == figure(counts["overlap"]["f1"])
            assert lines[at + 2].split()[-6] == figure(counts["clitic_tolerant"]["f1"])
        assert expected["metrics"]["spans"]["clitic_tolerant"]["matched"] > \
            expected["metrics"]["spans"]["exact"]["matched"]  # the fixture has clitic cases
        # On screen, as drawn: the figures and the bars.
        on_screen = _screen_text(app)
        assert "Fleiss' κ (tokens)" in on_screen and figure(metrics["fleiss_kappa"]) in on_screen
        assert "█" in on_screen
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AgreementScreen)


async def test_pair_selector_with_three_annotators(tmp_path, make_app):
    root = tmp_path / "store"
    build_team_store(root, ["amal", "badr", "cyra"])
    damaged = root / "layers" / "cyra" / "articles" / "damaged.json"
    damaged.write_text("{ not json", encoding="utf-8")
    app = make_app(store_dir=str(root), annotator="amal")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_agreement(pilot)
        assert isinstance(screen, AgreementScreen)
        await _computed(pilot, screen)
        assert screen.report["annotators"] == ["amal", "badr", "cyra"]
        assert screen.report["metrics"]["damaged_files"] == 1
        shown = _text(screen.shown)
        assert "Left out of agreement (1)" in shown and "damaged.json" in shown
        await pilot.press("right_square_bracket")
        await _computed(pilot, screen)
        assert screen.report == _agree_json(root, "--annotators", "amal,badr")
        assert "Left out of agreement" not in _text(screen.shown)  # cyra's file only
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert not screen.computing  # kept once made
        assert screen.report["annotators"] == ["amal", "badr", "cyra"]


async def test_keys_never_wait_for_the_computation(tmp_path, make_app, monkeypatch):
    """A slow report (a big store) runs in a worker: the screen says it is computing, the
    pair keys and Escape answer at once, and a result arriving after close is dropped."""
    import threading
    import time

    import store.team_agreement as team_agreement

    root = tmp_path / "store"
    build_team_store(root, ["amal", "badr", "cyra"])
    release = threading.Event()
    real = team_agreement.team_report

    def slow(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(team_agreement, "team_report", slow)
    app = make_app(store_dir=str(root), annotator="amal")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_agreement(pilot)
        assert isinstance(screen, AgreementScreen) and screen.computing
        assert "computing agreement over 3 layers" in _screen_text(app)
        started = time.perf_counter()
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert screen.choice == ("amal", "badr") and screen.computing
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AgreementScreen)
        assert time.perf_counter() - started < 2  # nothing waited for the report
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, AgreementScreen)
