"""Screens as a user sees them, on the sample corpus (pytest-textual-snapshot).

Update after an intended change with ``pytest tests/ui/test_snapshots.py --snapshot-update``
and look at the report before committing the new SVGs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tui.app import prepare_app

SIZE = (120, 36)
# The status bar shows the store path, so snapshots use one fixed path.
STORE = Path("/tmp/warraq-snapshot-store")


@pytest.fixture
def app(monkeypatch):
    monkeypatch.setattr("tui.screens.annotating.clock", lambda: "12:00:00")
    shutil.rmtree(STORE, ignore_errors=True)
    yield prepare_app(None, store_dir=str(STORE), annotator="tester")
    shutil.rmtree(STORE, ignore_errors=True)


class TestArticleList:
    def test_list_on_sample_corpus(self, snap_compare, app) -> None:
        assert snap_compare(app, terminal_size=SIZE)

    def test_list_search(self, snap_compare, app) -> None:
        async def search(pilot) -> None:
            await pilot.press("slash")
            search = pilot.app.screen.query_one("#search")
            search.cursor_blink = False  # a blinking cursor would make the screen random
            search.value = "الأسد"
            await pilot.pause()

        assert snap_compare(app, terminal_size=SIZE, run_before=search)


class TestReader:
    def test_reader_first_article(self, snap_compare, app) -> None:
        assert snap_compare(app, terminal_size=SIZE, press=["enter"])

    def test_reader_selection_across_words(self, snap_compare, app) -> None:
        keys = ["down", "down", "enter", "down", "v", "left", "left", "left"]
        assert snap_compare(app, terminal_size=SIZE, press=keys)

    def test_reader_at_200_columns(self, snap_compare, app) -> None:
        assert snap_compare(app, terminal_size=(200, 50), press=["j", "j", "j", "enter"])


class TestHelp:
    def test_help_for_reader(self, snap_compare, app) -> None:
        assert snap_compare(app, terminal_size=SIZE, press=["enter", "question_mark"])


@pytest.fixture
def stem_app(monkeypatch, tmp_path):
    """The app on the default schema with ``span_boundary = "stem"``, so a trimmed
    selection (``v [``) makes a stem-only span inside a word."""
    from importlib import resources

    text = resources.files("store").joinpath("data/schema.toml").read_text(encoding="utf-8")
    schema = tmp_path / "stem.toml"
    schema.write_text(text.replace('span_boundary = "token"', 'span_boundary = "stem"'),
                      encoding="utf-8")
    monkeypatch.setattr("tui.screens.annotating.clock", lambda: "12:00:00")
    shutil.rmtree(STORE, ignore_errors=True)
    yield prepare_app(None, store_dir=str(STORE), annotator="tester", schema_path=str(schema))
    shutil.rmtree(STORE, ignore_errors=True)


class TestAnnotatedReader:
    def test_annotated_article(self, snap_compare, stem_app) -> None:
        """Accepted spans (label colours), a nested span (underlined), a stem-only span
        inside a word, a pending suggestion (italic, underlined, no background), a highlight
        and the tagging pane."""
        app = stem_app

        async def annotate(pilot) -> None:
            from store.records import EntitySpan, SpanStatus

            text = pilot.app.corpus.load("000_016fc75d937698ad").text
            store = pilot.app.store
            store.attach("000_016fc75d937698ad", text, {})
            start = text.index("موسكو")
            store.add_entity("000_016fc75d937698ad", EntitySpan(
                start, start + 5, "موسكو", "GPE", origin="gazetteer", status=SpanStatus.PENDING))
            await pilot.press("enter", "1", "v", "left", "left", "2", "v", "left_square_bracket",
                              "1")
            await pilot.press("down", "down", "h")
            await pilot.pause()

        assert snap_compare(app, terminal_size=(140, 36), run_before=annotate)


class TestPickers:
    def test_label_picker_with_guidelines(self, snap_compare, app) -> None:
        """`l`: each label with its schema guideline, the filter box showing its text."""
        assert snap_compare(app, terminal_size=SIZE, press=["enter", "l", "P"])

    def test_event_role_picker_type_warning(self, snap_compare, app) -> None:
        """The event editor on PLACE: one row per entity, the filter box, a ⚠ on PERS."""
        assert snap_compare(app, terminal_size=SIZE,
                            press=["enter", "1", "e", "enter", "down", "down", "enter"])


class TestGuidelines:
    def test_guideline_view(self, snap_compare, app) -> None:
        assert snap_compare(app, terminal_size=SIZE, press=["enter", "G"])


class TestNarrow:
    """The reader keeps the width on small terminals (issue 14, item 13)."""

    def test_reader_at_100_by_30(self, snap_compare, app) -> None:
        assert snap_compare(app, terminal_size=(100, 30), press=["enter"])

    def test_reader_at_80_by_24(self, snap_compare, app) -> None:
        assert snap_compare(app, terminal_size=(80, 24), press=["enter"])


# A team store of its own (its path is in the status bar): three annotators, amal's queue.
TEAM_STORE = Path("/tmp/warraq-snapshot-team-store")


@pytest.fixture
def team_app(monkeypatch):
    from team_support import build_team_store

    shutil.rmtree(TEAM_STORE, ignore_errors=True)
    build_team_store(TEAM_STORE, ["amal", "badr", "cyra"])
    yield prepare_app(None, store_dir=str(TEAM_STORE), annotator="amal")
    shutil.rmtree(TEAM_STORE, ignore_errors=True)


class TestTeam:
    def test_own_queue_with_progress_and_shared_marks(self, snap_compare, team_app) -> None:
        assert snap_compare(team_app, terminal_size=SIZE)

    def test_agreement_screen(self, snap_compare, team_app) -> None:
        """Bars per label and rule, kappas and alpha, the pairs (three annotators)."""
        async def open_agreement(pilot) -> None:
            pilot.app.screen.open_agreement()
            await pilot.pause()
            screen = pilot.app.screen
            for _ in range(200):
                if screen.report is not None:
                    break
                await pilot.pause(0.05)
            await pilot.pause()

        assert snap_compare(team_app, terminal_size=(120, 40), run_before=open_agreement)

    def test_agreement_patterns_shaped_right_to_left(self, snap_compare, team_app) -> None:
        """The bottom of the screen: the confusion matrix and the disagreements with
        their Arabic examples laid out by the project's engine."""
        async def open_agreement(pilot) -> None:
            pilot.app.screen.open_agreement()
            await pilot.pause()
            screen = pilot.app.screen
            for _ in range(200):
                if screen.report is not None:
                    break
                await pilot.pause(0.05)
            await pilot.press("end")
            await pilot.pause()

        assert snap_compare(team_app, terminal_size=(120, 40), run_before=open_agreement)


class TestCommandPalette:
    def test_arabic_query_shaped_right_to_left(self, snap_compare, app) -> None:
        async def query(pilot) -> None:
            await pilot.press("ctrl+p")
            await pilot.pause()
            field = pilot.app.screen.query_one("CommandInput")
            field.cursor_blink = False  # a blinking cursor would make the screen random
            field.value = "قمة بوتين"
            await pilot.pause(0.6)  # the providers search in the background

        assert snap_compare(app, terminal_size=SIZE, run_before=query)
