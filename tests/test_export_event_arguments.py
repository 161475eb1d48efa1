"""Events whose arguments are suggestions (issue 14, item 3): an accepted event's argument is
gold with it, so ``--status accepted`` keeps it; Label Studio relations always point at a
region of their own result list, and the export re-imports with the argument."""

from __future__ import annotations

import json
from pathlib import Path

from store.formats import labelstudio
from store.formats.common import ExportOptions, GoldDoc, parse_statuses, select
from store.records import ArticleAnnotations, EntitySpan, Event, EventArgument, SpanStatus
from store.store import Store
from tui.services.article_session import ArticleSession

TEXT = "التقى بوتين الأسد في موسكو."


def _doc(event_status: SpanStatus = SpanStatus.ACCEPTED) -> GoldDoc:
    putin = EntitySpan(6, 11, "بوتين", "PERS")
    moscow = EntitySpan(21, 26, "موسكو", "GPE", origin="gazetteer",
                        status=SpanStatus.PENDING)
    event = Event("MEET", 0, 5, "التقى", [EventArgument("ENTITY", putin.id),
                                         EventArgument("PLACE", moscow.id)],
                  status=event_status)
    return GoldDoc(id="a", text=TEXT, meta={},
                   annotations=ArticleAnnotations(entities=[putin, moscow], events=[event]))


def test_accepted_event_keeps_a_pending_argument_as_gold() -> None:
    chosen = select(_doc(), ExportOptions(statuses=parse_statuses("accepted")))
    ents = {e.text: e.status for e in chosen.annotations.entities}
    assert ents == {"بوتين": SpanStatus.ACCEPTED, "موسكو": SpanStatus.ACCEPTED}
    assert [a.role for a in chosen.annotations.events[0].arguments] == ["ENTITY", "PLACE"]


def _regions(result: list[dict]) -> set[str]:
    return {r["id"] for r in result if r.get("type") == "labels"}


def test_label_studio_relations_point_inside_their_own_result_list() -> None:
    for status in (SpanStatus.ACCEPTED, SpanStatus.PENDING):
        doc = _doc(status)
        task, _ = labelstudio.doc_to_task(doc, ExportOptions(
            statuses=parse_statuses("accepted,pending")))
        lists = [a["result"] for a in task["annotations"]] + [
            p["result"] for p in task["predictions"]]
        for result in lists:
            for rel in (r for r in result if r.get("type") == "relation"):
                assert {rel["from_id"], rel["to_id"]} <= _regions(result), (status, rel)


def test_label_studio_export_reimports_with_the_argument(tmp_path: Path) -> None:
    out = tmp_path / "tasks.json"
    with out.open("w", encoding="utf-8") as fh:
        labelstudio.export([_doc()], fh, ExportOptions(statuses=parse_statuses("accepted")))
    task = json.loads(out.read_text(encoding="utf-8"))[0]
    assert task["annotations"] and not task["predictions"]
    report = labelstudio.read(out)
    (doc,) = report.docs
    event = doc.annotations.events[0]
    by_id = {e.id: e.text for e in doc.annotations.entities}
    assert {a.role: by_id[a.entity_id] for a in event.arguments} == {
        "ENTITY": "بوتين", "PLACE": "موسكو"}


def test_naming_a_suggestion_as_an_argument_accepts_it(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s", annotator="amal") as store:
        store.attach("a", TEXT, {"title": "a"})
        moscow = store.add_entity("a", EntitySpan(21, 26, "موسكو", "GPE", origin="gazetteer",
                                                  status=SpanStatus.PENDING))
        session = ArticleSession(store, store.schema, "a", TEXT)
        event = session.add_event(0, 5, store.schema.event_types[0].name)
        role = store.schema.event_types[0].roles[0]
        session.set_argument(event.id, role, moscow.id)
        stored = store.annotations("a").entities[0]
        assert stored.status == SpanStatus.ACCEPTED and stored.annotator == "amal"
        store.undo()  # one step: the argument and the acceptance together
        assert store.annotations("a").entities[0].status == SpanStatus.PENDING


def test_a_region_repeated_for_a_predicted_relation_imports_once(tmp_path: Path) -> None:
    doc = _doc(SpanStatus.PENDING)  # a suggested event whose argument بوتين is accepted
    out = tmp_path / "tasks.json"
    with out.open("w", encoding="utf-8") as fh:
        labelstudio.export([doc], fh, ExportOptions(statuses=parse_statuses("accepted,pending")))
    (back,) = labelstudio.read(out).docs
    texts = sorted(e.text for e in back.annotations.entities)
    assert texts == ["بوتين", "موسكو"]  # no second بوتين from the prediction's copy
    (event,) = back.annotations.events
    by_id = {e.id: e for e in back.annotations.entities}
    assert {a.role: by_id[a.entity_id].text for a in event.arguments} == {
        "ENTITY": "بوتين", "PLACE": "موسكو"}
