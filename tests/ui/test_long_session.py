"""Issue 14, "Done when": a four-hour-style session through the real app leaves clean gold.

``warraq suggest`` on the sample corpus, then a seeded-random session of real keys
(tests/ui/long_session.py: moves, selections, labels, trims, accept/reject/relabel, ``P``,
``A``, events, document labels, statuses, undo/redo; two articles never opened). Then:

* the store holds no two live spans on the same words (clitics aside) and no two accepted
  ones there, every offset quotes its text, every event argument is an accepted entity;
* ``u`` until there is nothing to undo gives back exactly the post-suggest store, and
  ``ctrl+r`` until there is nothing to redo the session's end state;
* every export format leaves out the never-opened articles (and every article no person
  decided on), and ``warraq import`` of each file gives back the same accepted spans.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from long_session import Driver, live_spans

from store.formats.common import skeleton, tokenize
from store.records import SpanStatus
from store.schema import Schema
from store.span_policy import same_stretch
from store.store import Store
from tui.cli import main
from tui.cli.import_ import read_file
from tui.screens.main_screen import MainScreen

# Seeds and session lengths (steps; a step is one key, or a few to open an article).
# (seed, steps, the schema's span_boundary): ~350 keys each, undo/redo all included, about
# 20 s a session here. More, e.g. overnight: WARRAQ_LONG_SESSIONS="1:2000:token,2:2000:stem".
SESSIONS = [(14, 250, "token"), (3, 210, "stem")]
if os.environ.get("WARRAQ_LONG_SESSIONS"):
    SESSIONS = [(int(seed), int(steps), boundary) for seed, steps, boundary in
                (item.split(":") for item in os.environ["WARRAQ_LONG_SESSIONS"].split(","))]
FORMATS = ["jsonl", "doccano", "labelstudio", "conll", "brat", "webanno", "spacy"]
# Formats of whole tokens (FORMATS.md): a stem span comes back as its token.
WHOLE_TOKENS = {"conll"}


def quick_keys(monkeypatch) -> None:
    """Each key waits for the app to go idle (``HeldKeys``, Textual's idle check) in 20 ms
    slices; 5 ms slices keep the order and make a session of hundreds of keys 2× quicker."""
    import textual._wait

    from tui.app import HeldKeys

    monkeypatch.setattr(textual._wait, "SLEEP_GRANULARITY", 0.005)
    monkeypatch.setattr(textual._wait, "SLEEP_IDLE", 0.005 / 20)
    monkeypatch.setattr(HeldKeys, "SETTLE_SECONDS", 0.005)


def state_of(store: Any) -> dict[str, Any]:
    """Everything an undo step restores, per article (``annotators`` only grows)."""
    out: dict[str, Any] = {}
    for article_id in sorted(store.article_ids()):
        data = store.annotations(article_id).to_dict()
        data.pop("annotators", None)
        out[article_id] = data
    return out


def check_store(store: Any) -> None:
    for article_id in store.article_ids():
        art = store.get(article_id)
        text, ann = art.text, art.annotations
        live = live_spans(ann)
        for e in ann.entities:
            assert text[e.start:e.end] == e.text, (article_id, e)
        for i, a in enumerate(live):
            for b in live[i + 1:]:
                assert not same_stretch(text, (a.start, a.end), (b.start, b.end)), (
                    f"{article_id}: two spans on the same words", a, b)
        for mark in ann.highlights:
            assert text[mark.start:mark.end] == mark.text, (article_id, mark)
        by_id = {e.id: e for e in ann.entities}
        for event in ann.events:
            assert text[event.trigger_start:event.trigger_end] == event.trigger_text
            for arg in event.arguments:
                filler = by_id.get(arg.entity_id)
                assert filler is not None and filler.status == SpanStatus.ACCEPTED, (
                    f"{article_id}: {event.type} {arg.role} points at", filler)


def accepted(store: Any, article_ids: set[str]) -> dict[str, set[tuple[int, int, str]]]:
    return {a: {(e.start, e.end, e.label) for e in store.annotations(a).entities
                if e.status == SpanStatus.ACCEPTED} for a in sorted(article_ids)}


def tokens(spans: dict[str, set[tuple[int, int, str]]], texts: dict[str, str]
           ) -> dict[str, set[tuple[int, int, str]]]:
    """Spans widened to the whole tokens a token format writes (its own tokenizer's):
    what it can say of stem spans."""
    out: dict[str, set[tuple[int, int, str]]] = {}
    for a, found in spans.items():
        toks = tokenize(texts[a])
        out[a] = set()
        for s, e, label in found:
            inside = [t for t in toks if t.start < e and s < t.end]
            out[a].add((inside[0].start, inside[-1].end, label))
    return out


# What else a format carries (store/formats/FORMATS.md), compared after the round trip.
CARRIES = {"jsonl": {"events", "highlights", "doc_labels"},
           "labelstudio": {"events", "highlights", "doc_labels"},
           "brat": {"events", "highlights"}}


def the_rest(store: Any, article_ids: set[str], kinds: set[str]) -> dict[str, Any]:
    """Events (type, trigger, attributes, arguments by their spans), highlights and
    document labels of each article, for the kinds a format carries."""
    out: dict[str, Any] = {}
    for a in sorted(article_ids):
        ann = store.annotations(a)
        spans = {e.id: (e.start, e.end, e.label) for e in ann.entities}
        found: dict[str, Any] = {}
        if "events" in kinds:
            found["events"] = sorted(
                (v.type, v.trigger_start, v.trigger_end, sorted(v.attributes.items()),
                 sorted((g.role, spans[g.entity_id]) for g in v.arguments))
                for v in ann.events if v.status == SpanStatus.ACCEPTED)
        if "highlights" in kinds:
            found["highlights"] = sorted((h.start, h.end, h.category) for h in ann.highlights)
        if "doc_labels" in kinds:
            found["doc_labels"] = sorted(ann.doc_labels)
        out[a] = found
    return out


async def run_session(make_app, seed: int, steps: int, allowed: list[str], schema: str | None
                      ) -> tuple[Driver, dict[str, Any], dict[str, Any]]:
    """The session, its end state, and the state after undoing everything by keys."""
    app = make_app(schema_path=schema)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        driver = Driver(pilot, seed, allowed)
        for _ in range(steps):
            await driver.step()
        while not isinstance(app.screen, MainScreen):  # close what is open, keep its work
            await driver.press("escape")
        store = app.store
        check_store(store)
        while store.can_redo:  # what the session left undone at its end, redone first
            await driver.press("ctrl+r")
        check_store(store)
        final = state_of(store)
        while store.can_undo:
            await driver.press("u")
        undone = state_of(store)
        while store.can_redo:
            await driver.press("ctrl+r")
        assert state_of(store) == final, "redo all did not give back the session's end"
        check_store(store)
    return driver, final, undone


def export_import(store_dir: Path, post_suggest: Path, tmp: Path, fmt: str,
                  texts: dict[str, str], schema_args: list[str]
                  ) -> tuple[set[str], dict[str, Any], dict[str, Any]]:
    """Export ``fmt`` from the session's store; which corpus articles the file holds (by
    their text, whitespace aside: CoNLL keeps no ids); and the accepted spans after
    ``warraq import --as gold`` of the file into a copy of the post-suggest store."""
    out = tmp / f"gold-{fmt}"
    assert main(["export", "--store", str(store_dir), "--format", fmt, *schema_args,
                 "--out", str(out)]) == 0
    report = read_file(fmt, out, None)
    assert report.problems == [], [str(p) for p in report.problems]
    by_skeleton = {skeleton(text): article_id for article_id, text in texts.items()}
    exported = [by_skeleton.get(skeleton(doc.text)) for doc in report.docs]
    assert None not in exported, f"{fmt}: a document that is no corpus article"
    assert len(exported) == len(set(exported)), f"{fmt}: an article written twice"
    back = tmp / f"back-{fmt}"
    shutil.copytree(post_suggest, back)
    assert main(["import", str(out), "--format", fmt, "--as", "gold", *schema_args,
                 "--store", str(back)]) == 0
    with Store.open(back, annotator="reader") as store:
        check_store(store)  # gold over the suggestions: decided, never stacked
        ids = set(exported)
        return ids, accepted(store, ids), the_rest(store, ids, CARRIES.get(fmt, set()))


def schema_file(tmp_path: Path, boundary: str) -> str | None:
    """The default schema, or it with ``span_boundary = "stem"`` (ACE's convention)."""
    if boundary == "token":
        return None
    from importlib import resources

    text = resources.files("store").joinpath("data/schema.toml").read_text(encoding="utf-8")
    path = tmp_path / "stem.toml"
    path.write_text(text.replace('span_boundary = "token"', f'span_boundary = "{boundary}"'),
                    encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(("seed", "steps", "boundary"), SESSIONS)
async def test_long_session_leaves_clean_gold(make_app, tmp_path, monkeypatch, capsys,
                                              seed, steps, boundary):
    monkeypatch.setenv("WARRAQ_RETRAIN_EVERY", "0")  # no background model in the store
    quick_keys(monkeypatch)
    store_dir = tmp_path / "store"
    schema = schema_file(tmp_path, boundary)
    schema_args = ["--schema", schema] if schema else []
    assert main(["suggest", "--store", str(store_dir), "--annotator", "gazetteer",
                 *schema_args]) == 0
    post_suggest = tmp_path / "post-suggest"
    shutil.copytree(store_dir, post_suggest)
    with Store.open(store_dir, Schema.load(schema)) as store:
        after_suggest = state_of(store)
        ids = sorted(store.article_ids())
        texts = {a: store.get(a).text for a in ids}
        assert sum(len(store.annotations(a).entities) for a in ids) > 20
    allowed = ids[:3]

    driver, final, undone = await run_session(make_app, seed, steps, allowed, schema)

    assert undone == after_suggest, "undo all did not give back the post-suggest store"
    never_opened = set(ids) - driver.opened
    assert never_opened and driver.opened <= set(allowed)
    assert final != after_suggest
    # The session did the things it is meant to exercise, not just move the cursor.
    for key in ("v", "a", "x", "A", "P", "e", "u", "ctrl+r", "left_square_bracket"):
        assert key in driver.keys, key
    decisions = {a for a, data in final.items() if data["status"] in ("in_progress", "done")}
    assert decisions, "no article was worked on"

    with Store.open(store_dir, Schema.load(schema)) as store:
        gold_ids = {a for a in ids if store.annotations(a).decided_by_a_person()}
        want = accepted(store, gold_ids)
        rest = {fmt: the_rest(store, gold_ids, kinds) for fmt, kinds in CARRIES.items()}
    assert sum(len(spans) for spans in want.values()) >= 5  # gold to compare
    capsys.readouterr()
    for fmt in FORMATS:
        exported, back, back_rest = export_import(store_dir, post_suggest, tmp_path, fmt,
                                                  texts, schema_args)
        assert not exported & never_opened, (fmt, exported & never_opened)
        assert exported == gold_ids, (fmt, exported ^ gold_ids)
        if fmt in WHOLE_TOKENS:
            assert back == tokens(want, texts), fmt
        else:
            assert back == want, fmt
        if fmt in CARRIES:
            assert back_rest == rest[fmt], fmt
