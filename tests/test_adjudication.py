"""Adjudication into the curated layer (issue 15): agreed spans merged by policy, each
disagreement decided by one key, undo, and the curated layer exported."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.adjudication import CURATED, ORIGIN, Plan, parse_policy, plan, write_agreed
from store.agreement import Layer
from store.records import ArticleAnnotations, EntitySpan, Event, EventArgument, SpanStatus
from store.store import Store
from store.team import make_team_store
from tui.services.adjudicating import AdjudicationSession

ROOT = Path(__file__).resolve().parent.parent
TEXT = "استقبل الرئيس بوتين نظيره بشار الأسد في الكرملين بموسكو."


def _at(word: str) -> tuple[int, int, str]:
    start = TEXT.index(word)
    return start, start + len(word), word


def _layer(name: str, spans: list[tuple[str, str]]) -> Layer:
    ents = [EntitySpan(*_at(w), label) for w, label in spans]
    return Layer(name, {"a1": (TEXT, ArticleAnnotations(entities=ents))})


LAYERS = [
    _layer("amal", [("بوتين", "PERS"), ("بشار الأسد", "PERS"), ("الكرملين", "FAC")]),
    _layer("badr", [("بوتين", "PERS"), ("الأسد", "PERS"), ("الكرملين", "ORG")]),
    _layer("cyra", [("بوتين", "PERS"), ("بشار الأسد", "PERS"), ("الكرملين", "ORG")]),
]


def test_policies() -> None:
    assert parse_policy("majority") == ("majority", 0)
    assert parse_policy("threshold:2") == ("threshold", 2)
    with pytest.raises(ValueError):
        parse_policy("most")
    unanimous = plan(LAYERS, parse_policy("unanimous"))
    assert [s for s, _ in unanimous.agreed["a1"]] == [(*_at("بوتين")[:2], "PERS")]
    assert len(unanimous.disagreements) == 2
    majority = plan(LAYERS, parse_policy("majority"))
    agreed = {s: names for s, names in majority.agreed["a1"]}
    assert agreed[(*_at("الكرملين")[:2], "ORG")] == ["badr", "cyra"]
    assert agreed[(*_at("بشار الأسد")[:2], "PERS")] == ["amal", "cyra"]
    assert majority.disagreements == []


@pytest.fixture
def curated(tmp_path: Path) -> Iterator[tuple[Store, Plan]]:
    """A team store's curated layer, open, and the plan of amal's and badr's layers."""
    root = tmp_path / "store"
    make_team_store(root, "amal")
    result = plan(LAYERS[:2], parse_policy("unanimous"))
    with Store.open(root, annotator=CURATED) as store:
        yield store, result


def _adjudication_app(store: Store, result: Plan):
    """The adjudication screen over ``result``, its agreed spans written first."""
    from tui.app import AdjudicationApp

    write_agreed(store, result)
    return AdjudicationApp(AdjudicationSession(store, result))


def test_keys_decide_disagreements_with_undo(curated: tuple[Store, Plan]) -> None:
    store, result = curated
    assert write_agreed(store, result) == 1  # بوتين
    assert write_agreed(store, result) == 0  # idempotent
    session = AdjudicationSession(store, result)
    shown = session.shown(60)
    assert shown is not None and [v[1] for v in shown.versions] == ["amal", "badr"]
    assert "0 decided, 2 open" in shown.position
    said = session.take_key("2")  # badr's الأسد
    assert "badr" in said
    session.take_key("x")  # الكرملين: none of them
    assert session.open_items() == []
    ents = store.annotations("a1").entities
    accepted = {(e.text, e.label) for e in ents if e.status == SpanStatus.ACCEPTED}
    assert accepted == {("بوتين", "PERS"), ("الأسد", "PERS")}
    taken = next(e for e in ents if e.text == "الأسد")
    assert taken.origin == ORIGIN and taken.extra["agreed_by"] == ["badr"]
    assert "undone" in session.undo()
    assert len(session.open_items()) == 1
    session.take_key("b")  # both: FAC and ORG, nested on the same words
    labels = {e.label for e in store.annotations("a1").entities
              if e.text == "الكرملين" and e.status == SpanStatus.ACCEPTED}
    assert labels == {"FAC", "ORG"}


async def test_adjudication_screen_takes_a_version_with_one_key(
        curated: tuple[Store, Plan]) -> None:
    store, result = curated
    app = _adjudication_app(store, result)
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        head = str(app.screen.query_one("#adj-head").render())
        assert "2 open" in head
        await pilot.press("1")
        await pilot.pause()
        assert "1 decided, 1 open" in str(app.screen.query_one("#adj-head").render())
        await pilot.press("u")
        await pilot.pause()
        assert "0 decided, 2 open" in str(app.screen.query_one("#adj-head").render())


def test_cli_auto_merge_and_export_of_the_curated_layer(tmp_path: Path) -> None:
    root = tmp_path / "store"
    make_team_store(root, "amal")
    for layer in LAYERS:
        with Store.open(root, annotator=layer.name) as store:
            text, ann = layer.articles["a1"]
            store.attach("a1", text, {"title": "a1"})
            for e in ann.entities:
                store.add_entity("a1", EntitySpan(e.start, e.end, e.text, e.label))
    run = [sys.executable, "-m", "tui.cli"]
    done = subprocess.run([*run, "adjudicate", "--store", str(root), "--policy", "majority",
                           "--auto-only"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "3 agreed spans, events and document labels added; 0 disagreements" in done.stderr
    out = tmp_path / "gold.jsonl"
    done = subprocess.run([*run, "export", "--store", str(root), "--format", "jsonl",
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    record = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    spans = record.get("entities") or record.get("annotations", {}).get("entities")
    assert {(s["text"], s["label"]) for s in spans} == {
        ("بوتين", "PERS"), ("بشار الأسد", "PERS"), ("الكرملين", "ORG")}
    assert all(s.get("agreed_by") for s in spans)  # provenance kept (extra is flattened)


def test_edit_draws_a_version_of_ones_own(curated: tuple[Store, Plan]) -> None:
    # amal: بشار الأسد PERS; badr: الأسد PERS. The adjudicator starts from amal's, takes the
    # last word away with ] (whole words: the default policy), labels it 3 (GPE: wrong, on
    # purpose), then 1 (PERS) and saves: one accepted span marked edited, crediting badr,
    # who had exactly it, and amal's rejected. Undo reopens the disagreement.
    store, result = curated
    write_agreed(store, result)
    session = AdjudicationSession(store, result)
    assert session.current().start == _at("بشار الأسد")[0]
    assert "editing" in session.start_edit()
    assert session.editing == (*_at("بشار الأسد")[:2], "PERS")
    assert "«بشار»" in session.edit_trim(0, -1)
    session.edit_trim(0, 1)  # } grows it back over the next word
    session.edit_trim(1, 0)  # [ takes the first word away: الأسد
    assert session.editing == (*_at("الأسد")[:2], "PERS")
    session.edit_label("3")
    assert session.editing[2] == "GPE"
    session.edit_label("1")
    shown = session.shown(60)
    assert shown is not None and shown.editing is not None and "PERS" in shown.editing
    assert "saved your version" in session.commit_edit()
    ents = [e for e in store.annotations("a1").entities if e.origin == ORIGIN
            and e.start >= _at("بشار")[0] and e.end <= _at("الأسد")[1]]
    accepted = [e for e in ents if e.status == SpanStatus.ACCEPTED]
    assert [(e.text, e.label) for e in accepted] == [("الأسد", "PERS")]
    assert accepted[0].extra == {"agreed_by": ["badr"], "edited": True}
    assert [e.text for e in ents if e.status == SpanStatus.REJECTED] == ["بشار الأسد"]
    assert len(session.open_items()) == 1 and session.editing is None
    session.undo()
    assert len(session.open_items()) == 2


async def test_edit_keys_on_the_screen(curated: tuple[Store, Plan]) -> None:
    store, result = curated
    app = _adjudication_app(store, result)
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.press("e", "]")
        await pilot.pause()
        assert app.session.editing == (*_at("بشار")[:2], "PERS")
        drawn = str(app.screen.query_one("#adj-edit").render())
        assert app.session.shown(90).editing in drawn  # laid out right-to-left, shaped
        assert "ﺭﺎﺸﺑ" in drawn
        await pilot.press("escape")  # gives up the edit, does not quit
        await pilot.pause()
        assert app.is_running and app.session.editing is None
        await pilot.press("e", "left_square_bracket", "2", "enter")
        await pilot.pause()
        assert "1 decided, 1 open" in str(app.screen.query_one("#adj-head").render())
    taken = [e for e in store.annotations("a1").entities
             if e.status == SpanStatus.ACCEPTED and e.extra.get("edited")]
    assert [(e.text, e.label) for e in taken] == [("الأسد", "ORG")]


def _with_event(layer: Layer, target: str) -> Layer:
    """``layer`` plus a MEET event on استقبل: SOURCE بوتين, TARGET ``target`` (its spans)."""
    text, ann = layer.articles["a1"]
    by_text = {e.text: e for e in ann.entities}
    start, end, word = _at("استقبل")
    event = Event("MEET", start, end, word, arguments=[
        EventArgument("SOURCE", by_text["بوتين"].id), EventArgument("TARGET", by_text[target].id)],
        cameo="043")
    ents = list(ann.entities)
    return Layer(layer.name, {"a1": (text, ArticleAnnotations(entities=ents, events=[event]))})


def test_events_agreed_merge_and_disagreements_are_decided(tmp_path: Path) -> None:
    # amal and cyra: MEET with TARGET بشار الأسد; badr: TARGET الأسد. Unanimous over amal and
    # badr: the event is a disagreement; taking amal's writes it with both arguments on the
    # curated layer's own entities, adding بشار الأسد (the spans were not agreed either).
    amal = _with_event(LAYERS[0], "بشار الأسد")
    badr = _with_event(LAYERS[1], "الأسد")
    cyra = _with_event(LAYERS[2], "بشار الأسد")
    result = plan([amal, badr], parse_policy("unanimous"))
    kinds = [d.kind for d in result.disagreements]
    assert kinds == ["entity", "entity", "event"]
    root = tmp_path / "store"
    make_team_store(root, "amal")
    with Store.open(root, annotator=CURATED) as store:
        write_agreed(store, result)
        session = AdjudicationSession(store, result)
        session.index = 2  # the event
        shown = session.shown(80)
        assert shown is not None and shown.position.startswith("event · ")
        # Every version reads the way the article does (right to left), however much Latin
        # it holds: the type, said first, is drawn rightmost on each line.
        assert [said.rstrip().endswith("MEET") for _, _, said in shown.versions] == [True, True]
        assert "taken whole" in session.start_edit() and session.editing is None
        assert "1 event" in session.take_key("1")
        ann = store.annotations("a1")
        accepted = [e for e in ann.events if e.status == SpanStatus.ACCEPTED]
        assert len(accepted) == 1 and accepted[0].cameo == "043"
        entities = {e.id: e for e in ann.entities}
        args = {(a.role, entities[a.entity_id].text) for a in accepted[0].arguments}
        assert args == {("SOURCE", "بوتين"), ("TARGET", "بشار الأسد")}
        assert all(entities[a.entity_id].status == SpanStatus.ACCEPTED
                   for a in accepted[0].arguments)
        assert [e.extra["agreed_by"] for e in ann.events
                if e.status == SpanStatus.REJECTED] == [[]]
        assert session._closed[2]
        session.undo()
        assert not session._closed[2]
    majority = plan([amal, badr, cyra], parse_policy("majority"))
    assert [d.kind for d in majority.disagreements] == []
    with Store.open(tmp_path / "s2", annotator=CURATED) as store:
        assert write_agreed(store, majority) == 4  # three spans and the event
        assert write_agreed(store, majority) == 0  # idempotent
        (event,) = store.annotations("a1").events
        assert event.extra["agreed_by"] == ["amal", "cyra"] and len(event.arguments) == 2


def test_document_labels_agreed_merge_and_the_rest_are_listed(tmp_path: Path) -> None:
    def with_labels(layer: Layer, labels: list[str]) -> Layer:
        text, ann = layer.articles["a1"]
        return Layer(layer.name, {"a1": (text, ArticleAnnotations(
            entities=list(ann.entities), doc_labels=labels))})

    amal = with_labels(LAYERS[0], ["DIPLOMACY", "CONFLICT"])
    badr = with_labels(LAYERS[1], ["DIPLOMACY"])
    cyra = with_labels(LAYERS[2], ["DIPLOMACY", "CONFLICT"])
    unanimous = plan([amal, badr], parse_policy("unanimous"))
    assert unanimous.agreed_doc_labels == {"a1": ["DIPLOMACY"]}
    assert unanimous.doc_label_disagreements == [("a1", "CONFLICT", ["amal"], ["badr"])]
    majority = plan([amal, badr, cyra], parse_policy("majority"))
    assert majority.agreed_doc_labels == {"a1": ["CONFLICT", "DIPLOMACY"]}
    assert majority.doc_label_disagreements == []
    with Store.open(tmp_path / "s", annotator=CURATED) as store:
        write_agreed(store, majority)
        assert sorted(store.annotations("a1").doc_labels) == ["CONFLICT", "DIPLOMACY"]
        assert write_agreed(store, majority) == 0


def test_an_agreed_event_on_a_disputed_entity_waits_and_says_what_it_settles(
        tmp_path: Path) -> None:
    # amal and dana agree on the event (TARGET بشار الأسد) but dana also marked الأسد alone
    # as ORG inside it: the entity cluster is in dispute, so the event is not written at
    # once (that would settle the cluster silently) but shown; taking it says so.
    amal = _with_event(LAYERS[0], "بشار الأسد")
    text, ann = amal.articles["a1"]
    extra = EntitySpan(*_at("الأسد"), "ORG")
    dana = Layer("dana", {"a1": (text, ArticleAnnotations(
        entities=[*ann.entities, extra], events=list(ann.events)))})
    result = plan([amal, dana], parse_policy("unanimous"))
    assert result.agreed_events == {}
    assert [d.kind for d in result.disagreements] == ["entity", "event"]
    with Store.open(tmp_path / "s", annotator=CURATED) as store:
        write_agreed(store, result)
        assert store.annotations("a1").events == []
        session = AdjudicationSession(store, result)
        session.index = 1
        said = session.take_key("1")
        assert "also settles 1 span disagreement" in said
        assert session.open_items() == []
