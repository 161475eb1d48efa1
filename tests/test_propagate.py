"""Propagation of a decision: clitic-aware mentions (every proclitic pattern, and names that
only look like they start with one), in-article accept and reject as one undo step,
corpus-wide pending suggestions, and decisions persisted with their provenance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.corpus import Corpus
from store.gazetteer import Gazetteer
from store.propagate import (
    ORIGIN_CORPUS,
    ORIGIN_IN_ARTICLE,
    apply_decision,
    decided_form,
    mentions_in_article,
    propagate_in_article,
    propagate_to_corpus,
    reject_in_article,
)
from store.records import EntitySpan, SpanStatus
from store.schema import Schema
from store.store import Store
from store.suggest import suggest_article

GAZ = Gazetteer.default()


def words(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[s:e] for s, e in spans]


# --------------------------------------------------------------------------- matcher

# Every proclitic combination of [و|ف]? [ب|ل|ك]? on موسكو.
CLITICS = ["", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك"]


@pytest.mark.parametrize("prefix", CLITICS)
def test_every_clitic_pattern_gives_the_whole_token(prefix: str) -> None:
    token = prefix + "موسكو"
    text = f"زار بوتين موسكو أمس، ثم قال إن {token} مهمة."
    got = mentions_in_article(text, "موسكو", exclude={(10, 15)})
    assert words(text, got) == [token]
    assert got == [(text.index(token, 16), text.index(token, 16) + len(token))]


@pytest.mark.parametrize(("decided", "others"), [
    ("الأمم المتحدة", ["للأمم المتحدة", "والأمم المتحدة", "وللأمم المتحدة", "بالأمم المتحدة"]),
    ("بشار الأسد", ["وبشار الأسد", "لبشار الأسد", "فبشار الأسد"]),
    ("الأسد", ["والأسد", "للأسد", "بالأسد", "فالأسد"]),
])
def test_definite_and_multi_token_names(decided: str, others: list[str]) -> None:
    text = f"{decided} في الخبر. " + " ثم ".join(others) + "."
    got = mentions_in_article(text, decided, exclude={(0, len(decided))})
    assert words(text, got) == others


@pytest.mark.parametrize(("name", "traps"), [
    ("بيروت", ["يروت"]),            # ب is part of the name
    ("لبنان", ["بنان"]),            # ل is part of the name
    ("واشنطن", ["اشنطن"]),          # و is part of the name
    ("وليد", ["ليد", "يد"]),        # و, ول look like clitics
    ("كندا", ["ندا"]),              # ك looks like the preposition
    ("فلسطين", ["لسطين", "سطين"]),  # ف, فل
])
def test_names_starting_with_clitic_letters_never_lose_a_letter(name: str,
                                                                 traps: list[str]) -> None:
    text = f"{name} و{name} ب{name} " + " ".join(traps) + f" {name}ي."
    for lexicon in (GAZ, None):
        got = words(text, mentions_in_article(text, name, lexicon=lexicon))
        assert got == [name, "و" + name, "ب" + name], (lexicon, got)
        # decided with a clitic of its own, the stem being a known name: the same
        # mentions, still whole tokens
        got2 = words(text, mentions_in_article(text, "و" + name, lexicon=lexicon,
                                               known=[name]))
        assert got2 == [name, "و" + name, "ب" + name]
        if GAZ.lookup(name) is None:  # وليد: unknown, so ووليد is only itself
            assert words(text, mentions_in_article(text, "و" + name)) == ["و" + name]


def test_decided_token_with_clitic_strips_only_known_stems() -> None:
    text = "بموسكو وموسكو موسكو. بكريم كريم ريم وريم."
    # موسكو is in the gazetteer: بموسكو decided finds the bare and other-clitic forms
    assert words(text, mentions_in_article(text, "بموسكو")) == ["بموسكو", "وموسكو", "موسكو"]
    # without a lexicon only the exact token — unless a human decided the stem already
    assert words(text, mentions_in_article(text, "بموسكو", lexicon=None)) == ["بموسكو"]
    assert words(text, mentions_in_article(text, "بموسكو", lexicon=None, known=["موسكو"])) \
        == ["بموسكو", "وموسكو", "موسكو"]
    # كريم is not ك + ريم, although ريم stands alone in the text
    assert words(text, mentions_in_article(text, "كريم")) == ["بكريم", "كريم"]


def test_article_is_never_stripped() -> None:
    text = "أسد والأسد الأسد وأسد"
    assert words(text, mentions_in_article(text, "أسد", lexicon=None)) == ["أسد", "وأسد"]


def test_normalized_spellings_match_and_spans_keep_their_marks() -> None:
    text = "مُوسْكُو ومـوسكو وأسامة واسامه سوريه وسورية"
    assert words(text, mentions_in_article(text, "موسكو")) == ["مُوسْكُو", "ومـوسكو"]
    assert words(text, mentions_in_article(text, "أسامة", lexicon=None)) == ["وأسامة",
                                                                             "واسامه"]
    assert words(text, mentions_in_article(text, "سورية")) == ["سوريه", "وسورية"]


def test_exclude_paragraphs_punctuation_and_empty() -> None:
    text = "بشار\nالأسد قال: «بشار الأسد»، (وبشار الأسد)."
    got = mentions_in_article(text, "بشار الأسد")
    assert words(text, got) == ["بشار الأسد", "وبشار الأسد"]  # not across the newline
    assert mentions_in_article(text, "بشار الأسد", exclude={got[0]}) == [got[1]]
    assert mentions_in_article(text, "  ،  ") == []
    assert words(text, mentions_in_article(text, "«بشار الأسد»،")) == words(text, got)
    assert decided_form("") is None


NAMES = ["موسكو", "بيروت", "لبنان", "واشنطن", "دمشق", "كندا"]
PREFIXES = ["", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فل", "وك"]


def _distractors(name: str) -> list[str]:
    return [name[1:], name[2:], "ال" + name, name + "ي", name + "ية", "وال" + name]


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from(NAMES),
    pieces=st.lists(st.tuples(st.booleans(), st.sampled_from(PREFIXES), st.integers(0, 5),
                              st.sampled_from([" ", "، ", ". ", "\n", " (", ") "])),
                    min_size=1, max_size=12),
)
def test_property_mentions_are_exactly_the_prefixed_names(
        name: str, pieces: list[tuple[bool, str, int, str]]) -> None:
    """Whatever the clitics and distractors around it, a name is found as exactly its
    prefixed whole tokens; a lost letter, the article or a suffix never match."""
    parts: list[str] = ["خبر"]
    expected: list[str] = []
    for is_name, prefix, which, sep in pieces:
        parts.append(sep)
        token = prefix + name if is_name else _distractors(name)[which]
        parts.append(token)
        if is_name:
            expected.append(token)
    text = "".join(parts)
    spans = mentions_in_article(text, name)
    assert words(text, spans) == expected
    for s, e in spans:  # whole tokens: nothing letter-like around the span
        assert s == 0 or not text[s - 1].isalpha()
        assert e == len(text) or not text[e].isalpha()


# --------------------------------------------------------------------------- with a store

TEXT = ("استقبل بوتين الأسد في موسكو. وقال بوتين إن موسكو تدعم دمشق، "
        "وأكد أن وموسكو ولبنان شريكان. بشار الأسد يشكر بوتين في بموسكو.")
ART = "art"


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = Store.open(tmp_path / "store", Schema.load(None), annotator="ann1", require_write=True)
    s.attach(ART, TEXT, {"title": "t"})
    yield s
    s.close()


def _nth(word: str, n: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(n + 1):
        i = TEXT.index(word, i + 1)
    return i, i + len(word)


def _add(store: Store, word: str, label: str, n: int = 0, **kw: object) -> EntitySpan:
    s, e = _nth(word, n)
    return store.add_entity(ART, EntitySpan(start=s, end=e, text=TEXT[s:e], label=label,
                                            **kw))  # type: ignore[arg-type]


def test_in_article_applies_the_decision_as_one_undo_step(store: Store) -> None:
    decided = _add(store, "موسكو", "GPE")
    pending = _add(store, "وموسكو", "GPE", origin="gazetteer", status=SpanStatus.PENDING)
    done = propagate_in_article(store, ART, TEXT, decided)
    by_text = {e.text: e for e in done}
    assert set(by_text) == {"موسكو", "وموسكو", "بموسكو"}
    # the pending suggestion was accepted, not duplicated; its provenance is kept
    assert by_text["وموسكو"].id == pending.id
    assert by_text["وموسكو"].origin == "gazetteer"
    for word in ("موسكو", "بموسكو"):
        span = by_text[word]
        assert span.status == SpanStatus.ACCEPTED and span.origin == ORIGIN_IN_ARTICLE
        assert span.extra["propagated_from"] == decided.id and span.annotator == "ann1"
    ents = store.annotations(ART).entities
    assert all(e.status == SpanStatus.ACCEPTED for e in ents)
    assert len(ents) == 4
    assert propagate_in_article(store, ART, TEXT, decided) == []  # nothing more to do
    store.undo()  # one step takes the whole propagation back
    after_undo = {(e.id, e.status) for e in store.annotations(ART).entities}
    assert after_undo == {(decided.id, SpanStatus.ACCEPTED), (pending.id, SpanStatus.PENDING)}


def test_in_article_respects_other_decisions(store: Store) -> None:
    decided = _add(store, "بوتين", "PERS")
    rejected = _add(store, "بوتين", "PERS", 1, origin="gazetteer", status=SpanStatus.REJECTED)
    other = _add(store, "بوتين", "ORG", 2)  # a human said something else right there
    s, e = _nth("بشار الأسد")
    _add(store, "بشار الأسد", "PERS")
    done = propagate_in_article(store, ART, TEXT, decided)
    assert done == []
    assert store.annotations(ART).entities[1].status == SpanStatus.REJECTED
    assert [x.label for x in store.annotations(ART).entities if x.id == other.id] == ["ORG"]
    assert rejected.status == SpanStatus.REJECTED
    # الأسد inside the accepted بشار الأسد is not added; the first الأسد is
    asad = _add(store, "الأسد", "PERS")
    done = propagate_in_article(store, ART, TEXT, asad)
    assert done == []  # the only other الأسد is inside بشار الأسد
    assert not any(x.start == s + 5 and x.end == e for x in store.annotations(ART).entities)


def test_corrected_suggestion_is_not_reapplied(store: Store) -> None:
    sugg = _add(store, "بموسكو", "GPE", origin="gazetteer", status=SpanStatus.PENDING)
    store.update_entity(ART, sugg.id, label="LOC")  # a human corrected it
    decided = _add(store, "موسكو", "GPE")
    done = propagate_in_article(store, ART, TEXT, decided)
    assert {x.text for x in done} == {"موسكو", "وموسكو"}
    labels = [(x.label, x.status) for x in store.annotations(ART).entities if x.text == "بموسكو"]
    assert labels == [("LOC", SpanStatus.ACCEPTED)]


def test_reject_in_article(store: Store) -> None:
    suggest_article(store, ART, TEXT, {}, GAZ)
    putins = [x for x in store.annotations(ART).entities if x.text == "بوتين"]
    assert len(putins) == 3 and all(x.status == SpanStatus.PENDING for x in putins)
    first = store.update_entity(ART, putins[0].id, status=SpanStatus.REJECTED)
    accepted = store.update_entity(ART, putins[2].id, status=SpanStatus.ACCEPTED)
    moscow_before = [x.status for x in store.annotations(ART).entities if "موسكو" in x.text]
    done = apply_decision(store, ART, TEXT, first)
    assert [x.id for x in done] == [putins[1].id]
    assert done[0].status == SpanStatus.REJECTED
    statuses = {x.id: x.status for x in store.annotations(ART).entities}
    assert statuses[accepted.id] == SpanStatus.ACCEPTED  # a human's accept is not undone
    assert [x.status for x in store.annotations(ART).entities if "موسكو" in x.text] \
        == moscow_before
    store.undo()
    assert {x.id: x.status for x in store.annotations(ART).entities}[putins[1].id] \
        == SpanStatus.PENDING
    assert reject_in_article(store, ART, TEXT, EntitySpan(0, 1, TEXT[0], "PERS")) == []


def test_apply_decision_pending_does_nothing(store: Store) -> None:
    sugg = _add(store, "موسكو", "GPE", origin="gazetteer", status=SpanStatus.PENDING)
    assert apply_decision(store, ART, TEXT, sugg) == []


def test_decisions_persist_with_provenance(tmp_path: Path) -> None:
    root = tmp_path / "store"
    st_ = Store.open(root, Schema.load(None), annotator="ann1", require_write=True)
    st_.attach(ART, TEXT, {})
    suggest_article(st_, ART, TEXT, {}, GAZ)
    ents = {x.text: x for x in st_.annotations(ART).entities}
    accepted = st_.update_entity(ART, ents["دمشق"].id, status=SpanStatus.ACCEPTED)
    rejected = st_.update_entity(ART, ents["ولبنان"].id, status=SpanStatus.REJECTED)
    relabelled = st_.update_entity(ART, ents["بموسكو"].id, label="LOC")
    trimmed = st_.update_entity(ART, ents["وموسكو"].id,
                                start=_nth("وموسكو")[0] + 1)  # stem-only span
    moscows = [x for x in st_.annotations(ART).entities if x.text == "موسكو"]
    decided = st_.update_entity(ART, moscows[0].id, status=SpanStatus.ACCEPTED)
    st_.remove_entity(ART, moscows[1].id)  # so that propagation adds a span of its own
    propagated = propagate_in_article(st_, ART, TEXT, decided)
    assert [x.start for x in propagated] == [moscows[1].start]
    st_.close()

    again = Store.open(root, Schema.load(None), annotator="ann2")
    try:
        got = {x.id: x for x in again.annotations(ART).entities}
    finally:
        again.close()
    a = got[accepted.id]
    assert (a.status, a.origin, a.original) == (SpanStatus.ACCEPTED, "gazetteer", None)
    assert got[rejected.id].status == SpanStatus.REJECTED
    r = got[relabelled.id]
    assert (r.label, r.status, r.origin) == ("LOC", SpanStatus.ACCEPTED, "gazetteer")
    assert r.original is not None and (r.original.label, r.original.origin) == ("GPE",
                                                                                "gazetteer")
    t = got[trimmed.id]
    assert t.text == "موسكو" and t.original is not None and t.original.text == "وموسكو"
    assert t.original.start == t.start - 1
    for p in propagated:
        q = got[p.id]
        assert (q.origin, q.status, q.extra["propagated_from"], q.annotator) == (
            ORIGIN_IN_ARTICLE, SpanStatus.ACCEPTED, decided.id, "ann1")
    # بموسكو (relabelled) and وموسكو (trimmed: its original is decided) were left alone
    assert (got[relabelled.id].label, got[trimmed.id].start) == ("LOC", t.start)
    assert len(got) == len({(x.start, x.end, x.label) for x in got.values()})


# --------------------------------------------------------------------------- corpus

CORPUS = {
    "c1": "زار بوتين موسكو ثم عاد إلى موسكو.",
    "c2": "في بموسكو اجتماع، ولموسكو موقف. وليد في بيروت.",
    "c3": "لا ذكر للعاصمة الروسية هنا.",
    "c4": "موسكو وموسكو",
}


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps({"id": k, "text": v, "title": k}, ensure_ascii=False)
                            + "\n" for k, v in CORPUS.items()), encoding="utf-8")
    return Corpus.open(path)


def test_corpus_propagation_adds_pending_suggestions(store: Store, corpus: Corpus) -> None:
    decided = EntitySpan(start=0, end=5, text="موسكو", label="GPE", id="Tdecided")
    calls: list[tuple[int, int]] = []
    n = propagate_to_corpus(store, corpus, decided, lambda d, t: calls.append((d, t)))
    assert n == 6
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    for art, expected in (("c1", ["موسكو", "موسكو"]), ("c2", ["بموسكو", "ولموسكو"]),
                          ("c4", ["موسكو", "وموسكو"])):
        ents = store.annotations(art).entities
        assert [x.text for x in ents] == expected
        assert all(x.status == SpanStatus.PENDING and x.origin == ORIGIN_CORPUS
                   and x.label == "GPE" and x.extra["propagated_from"] == "Tdecided"
                   for x in ents)
    assert "c3" not in store.article_ids()  # nothing to add: never attached or written
    # rejecting one and running again adds nothing and keeps the rejection
    victim = store.annotations("c4").entities[1]
    store.update_entity("c4", victim.id, status=SpanStatus.REJECTED)
    assert propagate_to_corpus(store, corpus, decided) == 0
    assert [x.status for x in store.annotations("c4").entities] == [SpanStatus.PENDING,
                                                                    SpanStatus.REJECTED]
    # the whole corpus run is one undo step
    store.undo()  # the rejection
    store.undo()  # the propagation
    assert all(store.annotations(a).entities == [] for a in CORPUS)
    store.redo()
    assert len(store.annotations("c2").entities) == 2


def test_corpus_progress_can_stop_and_ids_narrow(store: Store, corpus: Corpus) -> None:
    decided = EntitySpan(start=0, end=5, text="موسكو", label="GPE")
    assert propagate_to_corpus(store, corpus, decided, lambda d, t: False) == 2  # c1 only
    assert propagate_to_corpus(store, corpus, decided, ids=["c4"]) == 2
    assert store.annotations("c2").entities == []
    reader = Store.open(store.root, Schema.load(None))  # read-only: what is on disk
    try:
        assert reader.read_only
        assert [x.text for x in reader.annotations("c4").entities] == ["موسكو", "وموسكو"]
        assert len(reader.annotations("c1").entities) == 2
    finally:
        reader.close()
