"""The store's annotation API: durable mutations, files that validate, undo/redo, batches."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from tinydb import Query, TinyDB

from store.errors import StoreError
from store.records import (
    ArticleStatus,
    EntitySpan,
    Event,
    EventArgument,
    Highlight,
    SpanStatus,
)
from store.storage import AtomicJSONStorage
from store.store import Store, article_filename

TEXT = "استقبل بوتين الأسد في الكرملين بموسكو. وقال بوتين إن المحادثات كانت مثمرة 😀 جداً."
AID = "sana/2021/09/14 لقاء"
SCHEMA_PATH = Path(__file__).resolve().parents[1] / "store" / "data" / "article.schema.json"
ARTICLE_SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def span(text: str, label: str = "PERS", nth: int = 0, **kw: object) -> EntitySpan:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(text, start + 1)
    return EntitySpan(start, start + len(text), text, label, **kw)  # type: ignore[arg-type]


def file_of(store: Store, article_id: str) -> dict:
    art = store.get(article_id)
    assert art is not None
    data = json.loads(art.path.read_text(encoding="utf-8"))
    jsonschema.validate(data, ARTICLE_SCHEMA)
    return data


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "st", annotator="ann1")
    s.attach(AID, TEXT, {"title": "لقاء", "url": "https://example.org/a"})
    yield s
    s.close()


def test_attach_alone_writes_nothing(store: Store) -> None:
    art = store.get(AID)
    assert art is not None and not art.exists and not art.path.exists()
    assert store.status_of(AID) == ArticleStatus.NEW
    assert store.article_ids() == []


def test_add_entity_is_on_disk_before_return(store: Store) -> None:
    ent = store.add_entity(AID, span("بوتين"))
    data = file_of(store, AID)
    head = data["article"]["1"]
    assert head["id"] == AID and head["text"] == TEXT
    assert head["status"] == "in_progress"  # first annotation moves NEW forward
    assert head["meta"]["title"] == "لقاء"
    [stored] = data["entities"].values()
    assert stored["id"] == ent.id and stored["text"] == "بوتين"
    assert stored["annotator"] == "ann1" and stored["status"] == "accepted"
    # ensure_ascii=False, indented, sorted: Arabic readable in the file, one key a line.
    raw = store.get(AID).path.read_text(encoding="utf-8")
    assert "بوتين" in raw and '\n  "article": {' in raw
    assert store.last_saved_at is not None


def test_file_name_is_safe_and_distinct_for_any_id() -> None:
    ids = ["a/b", "a_b", "../../etc/passwd", "لقاء بوتين", "A", "a", "x" * 500, "", "..", "con"]
    names = [article_filename(i) for i in ids]
    assert len(set(names)) == len(names)
    for name in names:
        assert "/" not in name and "\\" not in name and not name.startswith(".")
        assert len(name.encode("utf-8")) < 120 and name.endswith(".json")
    assert article_filename("لقاء بوتين").startswith("لقاء_بوتين-")


def test_reopen_reads_everything_back(tmp_path: Path) -> None:
    root = tmp_path / "st"
    with Store.open(root) as s:
        s.attach(AID, TEXT, {})
        p = s.add_entity(AID, span("بوتين"))
        a = s.add_entity(AID, span("الأسد"))
        s.add_entity(AID, span("موسكو", "GPE"))
        s.add_highlight(AID, Highlight(0, 6, "استقبل", category="important", note="why"))
        s.add_event(AID, Event("MEET", 0, 6, "استقبل", arguments=[
            EventArgument("SOURCE", p.id), EventArgument("TARGET", a.id)]))
        s.toggle_doc_label(AID, "DIPLOMACY")
        s.set_status(AID, ArticleStatus.DONE)
        before = s.annotations(AID).to_dict()
    with Store.open(root) as s2:
        assert s2.article_ids() == [AID]
        assert s2.status_of(AID) == ArticleStatus.DONE
        assert s2.annotations(AID).to_dict() == before
        ev = s2.annotations(AID).events[0]
        assert ev.cameo == "040" and ev.ace == "Contact:Meet"
        assert ev.attributes == {}
        assert [x.id for x in s2.iter_articles()] == [AID]
        file_of(s2, AID)


def test_file_is_a_tinydb_database(store: Store) -> None:
    store.add_entity(AID, span("بوتين"))
    store.add_entity(AID, span("موسكو", "GPE"))
    path = store.get(AID).path
    db = TinyDB(path, storage=AtomicJSONStorage, read_only=True)
    assert [d["text"] for d in db.table("entities").search(Query().label == "GPE")] == ["موسكو"]
    db.close()
    stock = TinyDB(path, access_mode="r")
    assert stock.table("article").all()[0]["id"] == AID
    stock.close()


def test_atomic_storage_works_under_tinydb(tmp_path: Path) -> None:
    db = TinyDB(tmp_path / "x.json", storage=AtomicJSONStorage)
    db.insert({"a": "ب"})
    db.table("t").insert({"n": 1})
    assert json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))["_default"]["1"] == {
        "a": "ب"}
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_validation_refuses_bad_spans(store: Store) -> None:
    with pytest.raises(StoreError, match="outside"):
        store.add_entity(AID, EntitySpan(5, 500, "", "PERS"))
    with pytest.raises(StoreError, match="does not match"):
        store.add_entity(AID, EntitySpan(0, 3, "xyz", "PERS"))
    with pytest.raises(StoreError, match="unknown entity label"):
        store.add_entity(AID, span("بوتين", "PERSON"))
    with pytest.raises(StoreError, match="not attached"):
        store.add_entity("other", EntitySpan(0, 1, "", "PERS"))
    with pytest.raises(StoreError, match="unknown role"):
        e = store.add_entity(AID, span("بوتين"))
        store.add_event(AID, Event("MEET", 0, 6, "", arguments=[EventArgument("BOSS", e.id)]))
    with pytest.raises(StoreError, match="missing entity"):
        store.add_event(AID, Event("MEET", 0, 6, "", arguments=[EventArgument("SOURCE", "T0")]))
    with pytest.raises(StoreError, match="bad attribute"):
        store.add_event(AID, Event("MEET", 0, 6, "", attributes={"tense": "someday"}))
    with pytest.raises(StoreError, match="unknown document label"):
        store.toggle_doc_label(AID, "SPORTS")
    # Only the one valid entity made it.
    assert len(file_of(store, AID)["entities"]) == 1


def test_astral_offsets_are_code_points(store: Store) -> None:
    ent = store.add_entity(AID, span("جداً", "OCC"))
    assert TEXT[ent.start:ent.end] == "جداً"
    assert ent.start == TEXT.index("جداً")


def test_update_keeps_what_a_suggestion_said(store: Store) -> None:
    sug = store.add_entity(AID, span("بوتين", "ORG", origin="gazetteer",
                                     status=SpanStatus.PENDING, score=0.7))
    assert sug.annotator is None
    fixed = store.update_entity(AID, sug.id, label="PERS")
    assert fixed.label == "PERS" and fixed.status == SpanStatus.ACCEPTED
    assert fixed.original is not None and fixed.original.label == "ORG"
    assert fixed.original.origin == "gazetteer"
    moved = store.update_entity(AID, sug.id, start=sug.start + 1)
    assert moved.text == TEXT[sug.start + 1:sug.end]
    assert moved.original.start == sug.start  # the first correction is kept
    rejected = store.update_entity(AID, sug.id, status=SpanStatus.REJECTED)
    assert file_of(store, AID)["entities"]["1"]["status"] == "rejected"
    assert rejected.modified is not None


def test_remove_entity_drops_event_arguments_and_undo_restores(store: Store) -> None:
    p = store.add_entity(AID, span("بوتين"))
    a = store.add_entity(AID, span("الأسد"))
    ev = store.add_event(AID, Event("MEET", 0, 6, "", arguments=[
        EventArgument("SOURCE", p.id), EventArgument("TARGET", a.id)]))
    store.remove_entity(AID, p.id)
    data = file_of(store, AID)
    assert [x["role"] for x in data["events"]["1"]["arguments"]] == ["TARGET"]
    assert [x.id for x in store.annotations(AID).entities] == [a.id]
    action = store.undo()
    assert action is not None and action.kind == "remove_entity"
    assert [x.id for x in store.annotations(AID).entities] == [p.id, a.id]  # same order
    assert [x.entity_id for x in store.annotations(AID).events[0].arguments] == [p.id, a.id]
    data = file_of(store, AID)
    assert len(data["entities"]) == 2 and len(data["events"]["1"]["arguments"]) == 2
    assert ev.id == store.annotations(AID).events[0].id


def test_remove_entities_is_one_action_and_drops_their_arguments(store: Store) -> None:
    p = store.add_entity(AID, span("بوتين"))
    a = store.add_entity(AID, span("الأسد"))
    store.add_event(AID, Event("MEET", 0, 6, "", arguments=[
        EventArgument("SOURCE", p.id), EventArgument("TARGET", a.id)]))
    store.remove_entities(AID, [p.id, a.id])
    assert store.annotations(AID).entities == []
    assert file_of(store, AID)["events"]["1"]["arguments"] == []
    store.undo()  # one step brings both back, arguments included
    assert [x.id for x in store.annotations(AID).entities] == [p.id, a.id]
    assert len(store.annotations(AID).events[0].arguments) == 2


def test_undo_redo_every_action_kind_hits_the_file(store: Store) -> None:
    snapshots = [json.dumps(store.annotations(AID).to_dict(), sort_keys=True)]
    e = store.add_entity(AID, span("بوتين"))
    h = store.add_highlight(AID, Highlight(0, 6, ""))
    ev = store.add_event(AID, Event("VISIT", 0, 6, ""))
    steps = [
        lambda: store.update_entity(AID, e.id, label="ORG"),
        lambda: store.update_highlight(AID, h.id, note="ملاحظة"),
        lambda: store.update_event(AID, ev.id, attributes={"polarity": "negative"}),
        lambda: store.toggle_doc_label(AID, "POLITICS"),
        lambda: store.set_doc_labels(AID, ["CONFLICT", "ECONOMY"]),
        lambda: store.set_status(AID, ArticleStatus.DONE),
        lambda: store.remove_highlight(AID, h.id),
        lambda: store.remove_event(AID, ev.id),
        lambda: store.remove_entity(AID, e.id),
    ]
    for step in steps:
        snapshots.append(json.dumps(store.annotations(AID).to_dict(), sort_keys=True))
        step()
    final = json.dumps(store.annotations(AID).to_dict(), sort_keys=True)
    on_disk = []
    for expected in reversed(snapshots[1:]):
        assert store.undo() is not None
        assert json.dumps(store.annotations(AID).to_dict(), sort_keys=True) == expected
        on_disk.append(file_of(store, AID))
    assert on_disk[-1]["article"]["1"]["status"] == "in_progress"
    for _ in steps:
        assert store.redo() is not None
    assert json.dumps(store.annotations(AID).to_dict(), sort_keys=True) == final
    assert store.redo() is None


def test_first_annotation_status_is_part_of_the_undoable_action(store: Store) -> None:
    e = store.add_entity(AID, span("بوتين"))
    assert store.status_of(AID) == ArticleStatus.IN_PROGRESS
    store.undo()
    assert store.status_of(AID) == ArticleStatus.NEW
    assert file_of(store, AID)["article"]["1"]["status"] == "new"
    assert file_of(store, AID)["entities"] == {}
    store.redo()
    assert store.annotations(AID).entities[0].id == e.id
    assert store.status_of(AID) == ArticleStatus.IN_PROGRESS
    assert not store.can_redo and store.can_undo


def test_undo_then_reopen_shows_the_undo(tmp_path: Path) -> None:
    root = tmp_path / "st"
    with Store.open(root) as s:
        s.attach(AID, TEXT, {})
        keep = s.add_entity(AID, span("بوتين"))
        s.add_entity(AID, span("الأسد"))
        s.undo()
    with Store.open(root) as s2:
        assert [e.id for e in s2.annotations(AID).entities] == [keep.id]
        assert not s2.can_undo  # history is per session


def test_new_action_clears_redo(store: Store) -> None:
    store.add_entity(AID, span("بوتين"))
    store.undo()
    assert store.can_redo
    store.add_entity(AID, span("الأسد"))
    assert not store.can_redo


def test_batch_is_one_write_per_article_and_one_undo_step(store: Store, monkeypatch) -> None:
    import store.persistence as module

    writes: list[Path] = []
    real = module.atomic_write_text
    monkeypatch.setattr(module, "atomic_write_text",
                        lambda path, text, **kw: (writes.append(path), real(path, text, **kw)))
    store.attach("b", "بوتين والأسد", {})
    with store.batch("import"):
        for word, label in (("بوتين", "PERS"), ("الأسد", "PERS"), ("الكرملين", "FAC")):
            i = TEXT.index(word)
            store.add_entity(AID, EntitySpan(i, i + len(word), word, label))
        store.add_entity("b", EntitySpan(0, 5, "بوتين", "PERS"))
    assert sorted(p.name for p in writes) == sorted(
        [article_filename(AID), article_filename("b")])
    assert len(file_of(store, AID)["entities"]) == 3
    action = store.undo()
    assert action is not None and action.kind == "batch"
    assert store.annotations(AID).entities == [] and store.annotations("b").entities == []
    assert file_of(store, "b")["entities"] == {}
