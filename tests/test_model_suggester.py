"""The learning suggester (issue 16): features, training from a store's human decisions,
suggestions with origin model@VERSION and a confidence, and the held-out F1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from store.model_crf import (
    _gazetteer,
    heldout,
    load_model,
    span_f1,
    spans_of,
    train_from_articles,
    training_articles,
)
from store.model_features import sentence_features, sentences
from store.records import EntitySpan, SpanStatus
from store.store import Store

pytest.importorskip("pycrfsuite")
ROOT = Path(__file__).resolve().parent.parent
CITIES = ["موسكو", "دمشق", "بغداد", "القاهرة", "بيروت", "عمان", "الرياض", "طهران"]
PEOPLE = ["بوتين", "ماكرون", "أردوغان", "السيسي", "بايدن", "شولتس"]


def _article(i: int) -> tuple[str, list[tuple[str, str]]]:
    person, city = PEOPLE[i % len(PEOPLE)], CITIES[i % len(CITIES)]
    other = CITIES[(i + 3) % len(CITIES)]
    text = (f"وصل الرئيس {person} إلى {city} اليوم. وقال المتحدث إن الزيارة مهمة. "
            f"ثم غادر {person} إلى ب{other} مساء.")
    return text, [(person, "PERS"), (city, "GPE"), (person, "PERS")]  # both mentions


def _store(root: Path, n: int = 40) -> None:
    with Store.open(root, annotator="amal") as store:
        for i in range(n):
            text, spans = _article(i)
            article_id = f"a{i}"
            store.attach(article_id, text, {"title": article_id})
            seen: set[int] = set()
            for word, label in spans:
                start = text.index(word)
                while start in seen:
                    start = text.index(word, start + 1)
                seen.add(start)
                store.add_entity(article_id, EntitySpan(start, start + len(word), word, label))
        # An article only a machine touched is not training data.
        store.attach("untouched", "زار بوتين موسكو.", {"title": "u"})
        store.add_entity("untouched", EntitySpan(4, 9, "بوتين", "ORG", origin="gazetteer",
                                                 status=SpanStatus.PENDING))


def test_features_describe_stem_clitics_shape_and_neighbours() -> None:
    feats = sentence_features(["وصل", "بموسكو", "2024"], ["O", "B-GPE", "O"])
    second = set(feats[1])
    assert {"stem=موسكو", "pre=ب", "gaz=B-GPE", "w-1=وصل", "w+1=2024"} <= second
    assert "shape=digit" in feats[2] and "EOS" in feats[2] and "BOS" in feats[0]
    assert [len(s) for s in sentences("جملة أولى. جملة ثانية\nثالثة")] == [3, 2, 1]


def test_spans_and_f1_are_strict() -> None:
    assert spans_of(["B-PERS", "I-PERS", "O", "I-GPE", "B-GPE"]) == [(0, 2, "PERS"),
                                                                      (4, 5, "GPE")]
    p, r, f = span_f1([["B-PERS", "I-PERS", "O"]], [["B-PERS", "O", "O"]])
    assert (p, r, f) == (0.0, 0.0, 0.0)
    assert span_f1([["B-GPE"]], [["B-GPE"]]) == (1.0, 1.0, 1.0)


def test_train_from_store_then_suggest_with_confidence(tmp_path: Path) -> None:
    root = tmp_path / "store"
    _store(root)
    with Store.open(root, annotator="amal") as store:
        articles = list(training_articles(store))
    assert "untouched" not in {a[0] for a in articles} and len(articles) == 40
    assert any(heldout(a[0]) for a in articles) and not all(heldout(a[0]) for a in articles)
    result = train_from_articles(articles, root, max_iterations=50)
    assert result.version == 1 and result.f1 is not None and result.f1 > 0.8
    model = load_model(root)
    assert model is not None and model.origin == "model@1"
    text = "وصل الرئيس ماكرون إلى بغداد اليوم."
    found = {(text[s:e], label) for s, e, label, _ in model.spans(text, _gazetteer())}
    assert ("ماكرون", "PERS") in found and ("بغداد", "GPE") in found
    assert all(0 < score <= 1 for *_, score in model.spans(text, _gazetteer()))
    assert train_from_articles(articles, root, max_iterations=10).version == 2


def test_cli_train_and_suggest_with_the_model(tmp_path: Path) -> None:
    root = tmp_path / "store"
    _store(root)
    run = [sys.executable, "-m", "tui.cli"]
    done = subprocess.run([*run, "train", "--store", str(root), "--iterations", "50"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "model@1" in done.stderr and "held-out F1" in done.stderr
    corpus = tmp_path / "new.jsonl"
    corpus.write_text('{"id": "n1", "title": "t", "text": "وصل الرئيس أردوغان إلى طهران '
                      'اليوم."}\n', encoding="utf-8")
    done = subprocess.run([*run, "suggest", str(corpus), "--store", str(root),
                           "--suggester", "model"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with Store.open(root, annotator="amal") as store:
        spans = store.get("n1").annotations.entities
    assert {s.origin for s in spans} == {"model@1"}
    assert all(s.status == SpanStatus.PENDING and s.score is not None for s in spans)
    assert {s.text for s in spans} >= {"أردوغان", "طهران"}


def test_suggest_without_a_trained_model_says_so(tmp_path: Path) -> None:
    run = [sys.executable, "-m", "tui.cli", "suggest", "--store", str(tmp_path / "s"),
           "--suggester", "model"]
    done = subprocess.run(run, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode != 0 and "warraq train" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


async def test_the_app_retrains_in_the_background_and_refreshes_unopened_articles(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from store.model_crf import load_model as load
    from tui.app import prepare_app
    from tui.widgets.status_bar import StatusBar

    root = tmp_path / "store"
    _store(root)
    with Store.open(root, annotator="amal") as store:
        result = train_from_articles(list(training_articles(store)), root, max_iterations=30)
        model = load(root)
        assert model is not None and result.version == 1
        text = "وصل الرئيس ماكرون إلى دمشق اليوم."  # unopened, an old model suggestion
        store.attach("fresh", text, {"title": "fresh"})
        store.add_entity("fresh", EntitySpan(11, 17, text[11:17], "ORG", origin="model@1",
                                             status=SpanStatus.PENDING, score=0.4))
    monkeypatch.setenv("WARRAQ_RETRAIN_EVERY", "2")
    app = prepare_app(None, store_dir=str(root), annotator="amal")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert "model@1" in str(app.screen.query_one(StatusBar).model)
        await pilot.press("enter")  # first sample article
        await pilot.pause()
        await pilot.press("1")  # two decisions: PERS on a word, then relabel it GPE
        await pilot.press("3")
        await pilot.pause()
        for _ in range(240):  # the training process runs apart; the app keeps answering
            await asyncio.sleep(0.25)
            await pilot.pause()
            if "model@2" in str(app.screen.query_one(StatusBar).model):
                break
        assert "model@2" in str(app.screen.query_one(StatusBar).model)
        for _ in range(20):  # the refreshed suggestions are applied a few per tick
            await asyncio.sleep(0.25)
            spans = app.store.get("fresh").annotations.entities
            if all(s.origin == "model@2" for s in spans):
                break
        spans = app.store.get("fresh").annotations.entities
        assert spans and all(s.origin == "model@2" for s in spans)
        # On disk too, once the tick after the swap placed its file (synced in a thread).
        path = app.store.get("fresh").path
        for _ in range(20):
            await asyncio.sleep(0.25)
            on_disk = json.loads(path.read_text(encoding="utf-8"))["entities"].values()
            if on_disk and all(e["origin"] == "model@2" for e in on_disk):
                break
        assert on_disk and all(e["origin"] == "model@2" for e in on_disk)
        # `u` still takes back the person's own last action, not the refresh.
        last = app.store.undo()
        assert last is not None and "fresh" not in (last.description or "")
        # Active learning: the palette action opens the unopened article the new model is
        # least sure of (its uncertainty came with the refreshed suggestions).
        retrainer = app.screen._retrainer
        assert 0.0 <= retrainer.uncertainty["fresh"] <= 1.0
        assert retrainer.most_uncertain() == "fresh"
        app.screen.open_most_uncertain()
        await pilot.pause()
        # "fresh" lives in the store only (no corpus file), so opening it reaches the
        # reader's "cannot read" path: what matters here is which article was asked for.
        assert app.screen.current_id == "fresh" or "fresh" in app.screen._unreadable
        # The background refresh is machine work: it left the article new, not gold.
        assert not app.store.get("fresh").annotations.decided_by_a_person()


def test_one_name_one_label_in_an_article() -> None:
    from store.model_crf import consistent

    words = [["قال", "فلاديمير", "بوتين", "اليوم"], ["ثم", "التقى", "بوتين", "وزيرا"],
             ["وفي", "ال", "بوتين", "عاد"], ["لا", "أحد"]]
    tags = [["O", "B-PERS", "I-PERS", "O"], ["O", "O", "O", "O"], ["O", "O", "B-ORG", "O"],
            ["O", "O"]]
    out = consistent(words, tags)
    # The untagged mention gets the label; a tagged one keeps its own; short words and
    # untouched sentences stay as they were; the input is not changed.
    assert out[2] == ["O", "O", "B-ORG", "O"] and out[3] == ["O", "O"]
    assert tags[1] == ["O", "O", "O", "O"]
    # "بوتين" alone was labelled once as ORG (sentence 3); the full name is another name.
    assert out[1] == ["O", "O", "B-ORG", "O"]


async def test_the_list_orders_by_the_models_uncertainty(tmp_path: Path) -> None:
    from tui.app import prepare_app
    from tui.widgets.article_list import ArticleList

    app = prepare_app(None, store_dir=str(tmp_path / "store"), annotator="amal")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        articles = screen.query_one(ArticleList)
        ids = list(articles.entries.ids)
        screen.sort_by_uncertainty()  # no model yet: said, nothing changes
        assert articles.sort_by == "corpus"
        # What a retraining leaves (tui/services/retraining.py): the unopened articles,
        # each with how unsure the new model is of it.
        screen._retrainer.uncertainty.update({ids[3]: 0.9, ids[1]: 0.4, ids[4]: 0.7})
        screen.sort_by_uncertainty()
        await pilot.pause()
        assert articles.sort_by == "uncertainty"
        order = [articles.entries.ids[row] for row in articles.shown]
        assert order == [ids[3], ids[4], ids[1], ids[0], ids[2]]
        await pilot.press("o")  # the cycle goes on from there to corpus order
        await pilot.pause()
        assert articles.sort_by == "corpus"
