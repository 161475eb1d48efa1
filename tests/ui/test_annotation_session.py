"""Whole annotation sessions through the real app: keys in, store files out, reopen."""

from __future__ import annotations

from store.records import ArticleStatus, SpanStatus
from store.store import Store
from tui.screens.event_screens import ChoicePicker, EventEditor, NoteDialog
from tui.widgets.article_list import ArticleList
from tui.widgets.reader import Reader
from tui.widgets.side_pane import TagList

FIRST = "000_016fc75d937698ad"


async def open_first(pilot) -> Reader:
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    return pilot.app.screen.query_one(Reader)


def store_at(tmp_path) -> Store:
    return Store.open(tmp_path / "store")


def texts(annotations, label=None):
    return sorted(e.text for e in annotations.entities if label is None or e.label == label)


async def test_label_relabel_nest_delete_undo_redo(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        reader = await open_first(pilot)
        store = app.store
        # 1 labels the word under the cursor (PERS is key 1).
        await pilot.press("1")
        ann = store.annotations(FIRST)
        assert [(e.text, e.label) for e in ann.entities] == [("بوتين", "PERS")]
        assert store.status_of(FIRST) == ArticleStatus.IN_PROGRESS
        # A digit on an existing span relabels it.
        await pilot.press("2")
        assert [(e.text, e.label) for e in store.annotations(FIRST).entities] == [
            ("بوتين", "ORG")
        ]
        # v + moves select several words; the digit labels the whole selection.
        await pilot.press("v", "left", "left", "3")
        assert reader.selection is None
        assert "بوتين مرحباً بالأسد" in texts(store.annotations(FIRST), "GPE")
        # A nested span: v on the single inner word (the cursor is on بالأسد) and a digit
        # make a new span inside the GPE one; without v the digit would relabel the GPE.
        await pilot.press("v", "1")
        labels = sorted((e.text, e.label) for e in store.annotations(FIRST).entities)
        assert labels == [("بالأسد", "PERS"), ("بوتين", "ORG"), ("بوتين مرحباً بالأسد", "GPE")]
        assert sorted(d.kind for d in reader._decorations) == ["entity"] * 3
        # delete removes the innermost span under the cursor.
        await pilot.press("delete")
        assert len(store.annotations(FIRST).entities) == 2
        # Undo brings it back, redo removes it again — each saved at once.
        await pilot.press("u")
        assert len(store_at(tmp_path).annotations(FIRST).entities) == 3
        await pilot.press("ctrl+r")
        assert len(store_at(tmp_path).annotations(FIRST).entities) == 2


def _stem_schema(tmp_path) -> str:
    """The default schema with ``span_boundary = "stem"`` (ACE's convention)."""
    from importlib import resources

    text = resources.files("store").joinpath("data/schema.toml").read_text(encoding="utf-8")
    path = tmp_path / "stem.toml"
    path.write_text(text.replace('span_boundary = "token"', 'span_boundary = "stem"'),
                    encoding="utf-8")
    return str(path)


async def test_trim_a_clitic_for_a_stem_only_span(make_app, tmp_path):
    app = make_app(schema_path=_stem_schema(tmp_path))
    async with app.run_test(size=(140, 40)) as pilot:
        reader = await open_first(pilot)
        # Third word of the title is بالأسد: select it and trim the proclitic ب and ال.
        await pilot.press("left", "left", "v")
        assert reader.text[reader.selection.start : reader.selection.end] == "بالأسد"
        await pilot.press("left_square_bracket")
        assert reader.text[reader.selection.start : reader.selection.end] == "الأسد"
        await pilot.press("1")
        spans = app.store.annotations(FIRST).entities
        assert [(s.text, s.label) for s in spans] == [("الأسد", "PERS")]
        # ] on the span (no selection) moves its end one character in, { grows it back.
        await pilot.press("left_curly_bracket")
        assert app.store.annotations(FIRST).entities[0].text == "بالأسد"


async def test_whole_token_policy_keeps_the_clitic_whatever_the_trim(make_app):
    """Default schema (span_boundary = "token", as ANERcorp and Wojood): a trimmed
    selection still gives the whole word, and trims on a span move by whole words."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        reader = await open_first(pilot)
        await pilot.press("left", "left", "v", "left_square_bracket", "1")
        spans = app.store.annotations(FIRST).entities
        assert [(s.text, s.label) for s in spans] == [("بالأسد", "PERS")]
        # { on the span grows it by the previous word, [ trims it back.
        await pilot.press("left_curly_bracket")
        assert app.store.annotations(FIRST).entities[0].text == "مرحباً بالأسد"
        await pilot.press("left_square_bracket")
        assert app.store.annotations(FIRST).entities[0].text == "بالأسد"
        await pilot.press("left_square_bracket")  # would empty it: refused, nothing changes
        assert app.store.annotations(FIRST).entities[0].text == "بالأسد"
        assert reader.selection is None


async def test_highlight_with_note_and_document_labels(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("h")
        marks = app.store.annotations(FIRST).highlights
        assert [m.text for m in marks] == ["بوتين"]
        await pilot.press("N")
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"key quote")
        await pilot.press("enter")
        await pilot.pause()
        assert app.store.annotations(FIRST).highlights[0].note == "key quote"
        # Document labels toggle with their keys while the tagging pane has focus.
        app.screen.query_one(TagList).focus()
        await pilot.press("p", "d")
        assert app.store.annotations(FIRST).doc_labels == ["POLITICS", "DIPLOMACY"]
        await pilot.press("p")
        assert app.store.annotations(FIRST).doc_labels == ["DIPLOMACY"]


async def test_event_with_arguments_from_the_keyboard(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        reader = await open_first(pilot)
        await pilot.press("1")  # بوتين PERS
        await pilot.press("left", "left", "1")  # بالأسد PERS: whole word (span_boundary)
        # The verb of the first body sentence: بدأت. Move to it and make an event.
        doc = reader.doc
        body = doc.paragraphs[2][0]
        reader.move_to_offset(body)
        await pilot.pause()
        assert reader.text[reader.word_span.start : reader.word_span.end] == "بدأت"
        await pilot.press("e")
        assert isinstance(app.screen, ChoicePicker)
        await pilot.press(*"meet")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EventEditor)
        # First role is SOURCE: enter → entities list; enter picks the first (بوتين).
        await pilot.press("enter", "enter")
        # Next role TARGET: down, enter → entities; down to الأسد, enter.
        await pilot.press("down", "enter", "down", "enter")
        await pilot.press("escape")
        events = app.store.annotations(FIRST).events
        assert len(events) == 1
        event = events[0]
        assert (event.type, event.trigger_text, event.ace, event.cameo) == (
            "MEET", "بدأت", "Contact:Meet", "040"
        )
        by_id = {e.id: e.text for e in app.store.annotations(FIRST).entities}
        roles = {a.role: by_id[a.entity_id] for a in event.arguments}
        assert roles == {"SOURCE": "بوتين", "TARGET": "بالأسد"}
        # The tagging pane lists the event with its codes and role links.
        items = app.screen.query_one(TagList).items
        assert any(i.kind == "event" and "CAMEO 040" in i.detail and "SOURCE=بوتين" in i.detail
                   for i in items)


async def test_suggestions_accept_reject_correct_and_accept_all(make_app):
    app = make_app()
    from store.records import EntitySpan

    store = app.store
    text = app.corpus.load(FIRST).text
    store.attach(FIRST, text, {})
    with store.batch("seed suggestions"):
        for word, label in (("بوتين", "PERS"), ("موسكو", "GPE"), ("اتصال", "ORG")):
            start = text.index(word)
            store.add_entity(FIRST, EntitySpan(start, start + len(word), word, label,
                                               origin="gazetteer",
                                               status=SpanStatus.PENDING))
    async with app.run_test(size=(140, 40)) as pilot:
        reader = await open_first(pilot)
        await pilot.press("a")  # accept بوتين under the cursor
        await pilot.press("full_stop")  # jump to the next pending suggestion
        assert reader.text[reader.word_span.start : reader.word_span.end] == "موسكو"
        await pilot.press("4")  # correct GPE → LOC: kept with the original
        await pilot.press("full_stop")
        await pilot.press("x")  # reject اتصال
        by_text = {e.text: e for e in store.annotations(FIRST).entities}
        assert by_text["بوتين"].status == SpanStatus.ACCEPTED
        assert by_text["موسكو"].label == "LOC" and by_text["موسكو"].original.label == "GPE"
        assert by_text["اتصال"].status == SpanStatus.REJECTED
        await pilot.press("u", "u", "u")
        assert all(e.status == SpanStatus.PENDING for e in store.annotations(FIRST).entities)
        await pilot.press("A")
        assert all(e.status == SpanStatus.ACCEPTED for e in store.annotations(FIRST).entities)


async def test_mark_done_next_skips_done_and_reopen_shows_everything(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("1", "h", "d")
        assert app.store.status_of(FIRST) == ArticleStatus.DONE
        entry = next(e for e in app.screen.query_one(ArticleList).entries if e.id == FIRST)
        assert entry.status == "done" and entry.counts == {"PERS": 1}
        # The label filter sees the new span at once.
        articles = app.screen.query_one(ArticleList)
        assert FIRST in [articles.entries[i].id
                         for i in articles.filtered("", None, "PERS", "corpus")]
        await pilot.press("n")
        assert app.screen.query_one(Reader).article_id == "001_924c621b7ea87b2a"
    # Quit and reopen the app on the same store: everything is where it was.
    again = make_app()
    async with again.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        articles = again.screen.query_one(ArticleList)
        entry = next(e for e in articles.entries if e.id == FIRST)
        assert entry.status == "done"
        # Reopening resumes where the annotator left off: the article `n` went on to.
        assert again.screen.current_id == "001_924c621b7ea87b2a"
        assert again.screen.open_article(FIRST)
        await pilot.pause()
        reader = again.screen.query_one(Reader)
        kinds = sorted(d.kind for d in reader._decorations)
        assert kinds == ["entity", "highlight"]
        assert len(again.screen.query_one(TagList).items) == 2


async def test_any_entity_type_from_the_label_picker(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("l")
        await pilot.press(*"money", "enter")
        await pilot.pause()
        assert [(e.text, e.label) for e in app.store.annotations(FIRST).entities] == [
            ("بوتين", "MONEY")
        ]


async def test_propagate_in_article_and_to_the_corpus(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        reader = await open_first(pilot)
        await pilot.press("1", "P")  # بوتين → PERS, then to its other mentions here
        spans = [e for e in app.store.annotations(FIRST).entities if e.label == "PERS"]
        assert len(spans) > 1 and all(s.status == SpanStatus.ACCEPTED for s in spans)
        assert {s.origin for s in spans} == {"human", "human-propagated"}
        reader.move_to_offset(0)
        app.screen.propagate_to_corpus()
        await app.workers.wait_for_complete()
        await pilot.pause()
        other = app.store.annotations("001_924c621b7ea87b2a").entities
        assert other and all(
            e.status == SpanStatus.PENDING and e.origin == "propagation" for e in other
        )
        assert app.screen._busy is None
