"""Issue 14 items 7, 8, 9, 14: where the cursor is and what is under it, the pickers
(visible filter, RTL examples, one row per entity in the role picker with a type check),
trims that show and stay, and the schema's guidelines in the app."""

from __future__ import annotations

from rich.cells import cell_len
from rich.color import Color
from rich.console import Console
from textual.widgets import Input, OptionList

from store.records import EntitySpan, SpanStatus
from store.schema import Schema
from tui.rtl.layout import BaseDirection
from tui.rtl.visual_text import visual_lines
from tui.screens.event_screens import ChoicePicker, EventEditor, _event_prompt
from tui.screens.guidelines_screen import GuidelineScreen
from tui.screens.help_screen import HelpScreen, _bindings_of
from tui.widgets.reader import Reader
from tui.widgets.side_pane import TagList, TargetCard

FIRST = "000_016fc75d937698ad"
SIZE = (140, 40)


async def open_first(pilot) -> Reader:
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    return pilot.app.screen.query_one(Reader)


async def settle(pilot) -> None:
    """The side pane follows the cursor after a short timer."""
    await pilot.pause(0.15)
    await pilot.pause()


def style_at(reader: Reader, offset: int):
    """The style the reader draws the glyph of article ``offset`` with."""
    doc = reader.doc
    row = doc.row_of_offset(offset)
    line = doc.line(row)
    p_start = doc.paragraphs[doc.rows[row].para][0]
    glyph = next(g for g, (s, e) in enumerate(line.spans) if p_start + s <= offset < p_start + e)
    column = doc.padding(row) + line._columns[glyph]
    strip = reader.render_line(row - reader.scroll_offset.y)
    x = 0
    for segment in strip:
        width = cell_len(segment.text)  # marks (tanween) take no cell
        if x <= column < x + width:
            return segment.style
        x += width
    raise AssertionError(f"no cell for offset {offset}")


def screen_text(app) -> str:
    """What the screen shows, as text, whitespace collapsed (wrapped lines joined)."""
    console = Console(width=app.size.width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(app.screen._compositor.render_update(full=True))
    return " ".join(console.export_text().split())


def messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


# ---------------------------------------------------------------- 7: the cursor on a span
async def test_cursor_on_an_entity_keeps_its_label_colour(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_first(pilot)
        await pilot.press("1")  # PERS on the first word, cursor still on it
        await pilot.pause()
        word = reader.word_span
        pers = Color.parse(app.store.schema.entity("PERS").colour)
        style = style_at(reader, word.start + 1)
        assert style.bgcolor == pers  # the label stays visible under the cursor
        assert style.underline and style.bold  # and the cursor is still seen
        await pilot.press("left")  # an unlabelled word: the cursor's own background
        await pilot.pause()
        plain = style_at(reader, reader.word_span.start)
        assert plain.bgcolor is not None and plain.bgcolor != pers


async def test_side_pane_lists_every_span_under_the_cursor(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = app.corpus.load(FIRST).text
        app.store.attach(FIRST, text, {})
        start = text.index("موسكو")
        app.store.add_entity(FIRST, EntitySpan(start, start + 5, "موسكو", "GPE",
                                               origin="gazetteer", status=SpanStatus.PENDING))
        reader = await open_first(pilot)
        await pilot.press("1")  # PERS, by a person, on the first word
        await settle(pilot)
        card = app.screen.query_one(TargetCard)
        assert [(s.label, s.status, s.origin) for s in card.spans] == [
            ("PERS", "accepted", "human")]
        shown = "".join(strip.text for strip in card.render_lines(card.region.reset_offset))
        assert "PERS" in shown and "accepted" in shown and "by tester" in shown
        assert card.spans[0].annotator == "tester"
        reader.move_to_offset(start)
        await settle(pilot)
        assert [(s.label, s.status, s.origin) for s in card.spans] == [
            ("GPE", "pending", "gazetteer")]


async def test_tagging_pane_follows_the_cursor_off_a_span(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_first(pilot)
        await pilot.press("1")
        await settle(pilot)
        tags = app.screen.query_one(TagList)
        assert tags.highlighted == 0
        await pilot.press("left")  # the next word has no annotation
        await settle(pilot)
        assert tags.highlighted is None
        await pilot.press("right")
        await settle(pilot)
        assert tags.highlighted == 0


# ---------------------------------------------------------------- 8: pickers
async def test_label_picker_filter_box_shows_what_is_typed(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_first(pilot)
        await pilot.press("l", "G", "P")
        await pilot.pause()
        assert isinstance(app.screen, ChoicePicker)
        box = app.screen.query_one("#filter", Input)
        assert box.content_region.height >= 1
        assert "GP" in box.render_line(0).text
        assert app.screen.query_one(OptionList).option_count == 1


def test_event_examples_wrap_in_reading_order():
    kind = next(k for k in Schema.default().event_types if len(k.triggers) >= 3)
    width = 14
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(_event_prompt(kind))
    lines = [line.strip() for line in console.export_text().splitlines()]
    wanted = [line.strip() for line in visual_lines("، ".join(kind.triggers[:3]), width,
                                                     base=BaseDirection.RTL)]
    assert len(wanted) > 1
    assert lines[-len(wanted):] == wanted


async def _article_with_event(app, pilot):
    """Every بوتين in the first article is PERS, موسكو is GPE; an event on the first word."""
    text = app.corpus.load(FIRST).text
    app.store.attach(FIRST, text, {})
    spans = []
    at = text.find("بوتين")
    while at >= 0:
        spans.append(EntitySpan(at, at + 5, "بوتين", "PERS"))
        at = text.find("بوتين", at + 1)
    moscow = text.index("موسكو")
    spans.append(EntitySpan(moscow, moscow + 5, "موسكو", "GPE"))
    for span in spans:
        app.store.add_entity(FIRST, span)
    await open_first(pilot)
    await pilot.press("e", "enter")  # an event (first type) on the first word
    await pilot.pause()
    assert isinstance(app.screen, EventEditor)
    return spans


async def test_role_picker_one_row_per_entity_filter_and_type_warning(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        spans = await _article_with_event(app, pilot)
        putins = sum(1 for s in spans if s.label == "PERS")
        assert putins > 2
        editor = app.screen
        entities = editor.query_one("#entities", OptionList)
        assert entities.option_count == 2  # بوتين once, موسكو once
        first = str(entities.get_option_at_index(0).prompt)
        assert f"×{putins}" in first
        # PLACE (third role): enter goes to the filter box; typing filters.
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert app.focused is editor.query_one("#entity-filter", Input)
        await pilot.press(*"موس")
        await pilot.pause()
        assert entities.option_count == 1
        await pilot.press("backspace", "backspace", "backspace", *"بوت")
        await pilot.pause()
        assert entities.option_count == 1
        assert "PLACE takes GPE" in str(editor.query_one("#warning").render())
        await pilot.press("enter")  # filled anyway, and said
        await pilot.pause()
        event = app.store.annotations(FIRST).events[0]
        assert [a.role for a in event.arguments] == ["PLACE"]
        filler = next(e for e in app.store.annotations(FIRST).entities
                      if e.id == event.arguments[0].entity_id)
        assert filler.label == "PERS"
        assert any("PLACE takes GPE, LOC, FAC, not PERS" in m for m in messages(app))


async def test_role_picker_t_typed_in_the_filter_is_text(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _article_with_event(app, pilot)
        await pilot.press("enter", "t")  # SOURCE → filter box, then a letter
        await pilot.pause()
        assert isinstance(app.screen, EventEditor)
        assert app.screen.query_one("#entity-filter", Input).value == "t"


# ---------------------------------------------------------------- 9: trims
async def test_trim_is_shown_and_kept_when_the_selection_grows(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_first(pilot)
        word = reader.word_span
        await pilot.press("v", "left_square_bracket")
        await pilot.pause()
        assert reader.selection.start == word.start + 1
        trimmed, kept = style_at(reader, word.start), style_at(reader, word.start + 1)
        assert trimmed.bgcolor != kept.bgcolor  # the letter left out looks left out
        await pilot.press("shift+left")  # the next word read: the start edge stays
        await pilot.pause()
        assert reader.selection.start == word.start + 1
        assert reader.selection.end > word.end


async def test_dropping_a_trim_is_said(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_first(pilot)
        word = reader.word_span
        await pilot.press("v", "right_square_bracket")  # trim the end
        await pilot.pause()
        assert reader.selection.end == word.end - 1
        await pilot.press("shift+left")  # the end edge moves to the next word
        await pilot.pause()
        assert reader.selection.end == reader.word_span.end
        assert any("dropped" in m for m in messages(app))


async def test_grow_never_takes_a_leading_space(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_first(pilot)
        await pilot.press("left")  # the second word; a space before it
        await pilot.pause()
        word = reader.word_span
        assert reader.text[word.start - 1].isspace()
        await pilot.press("v", "left_curly_bracket")
        await pilot.pause()
        assert reader.selection.start == word.start
        assert any("space" in m for m in messages(app))
        await pilot.press("escape", "1", "left_curly_bracket")  # an entity: same rule
        await pilot.pause()
        entity = app.store.annotations(FIRST).entities[0]
        # Under the default whole-token policy `{` takes in the whole previous word (A's
        # span_boundary); either way no span starts or ends on a space.
        text = reader.text
        assert not text[entity.start].isspace() and not text[entity.end - 1].isspace()
        assert entity.end == word.end and entity.start in (word.start, 0)


# ---------------------------------------------------------------- 14: guidelines
async def test_label_picker_shows_the_label_guidelines(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_first(pilot)
        await pilot.press("l")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        shown = " ".join(" ".join(options.render_line(y).text for y in
                                  range(options.size.height)).split())
        assert "stay outside the span" in shown


async def test_guideline_view_from_the_reader_and_in_help(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_first(pilot)
        await pilot.press("G")
        await pilot.pause()
        assert isinstance(app.screen, GuidelineScreen)
        text = screen_text(app)
        assert "Entity labels" in text and "stay outside the span" in text
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        # The help lists the reader's keys (scrolled: look at its table, not the screen).
        assert any(b.key == "G" and b.description == "Guidelines"
                   for b in _bindings_of(type(app.screen.focused_widget)))


async def test_guideline_view_from_the_command_palette(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Guidelines")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, GuidelineScreen)
