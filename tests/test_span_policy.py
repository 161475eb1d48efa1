"""One clitic policy (issue 14, item 4): the schema's ``span_boundary`` ("token", the
default, as ANERcorp and Wojood; or "stem", as ACE) is followed by every producer of spans —
the reader's labels and trims, accepting a suggestion, propagation in the article and across
the corpus, suggesters, and imports as suggestions."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from store.errors import SchemaError
from store.propagate import propagate_in_article, propagate_to_corpus
from store.records import EntitySpan, SpanStatus
from store.schema import Schema
from store.span_policy import STEM, TOKEN, SpanPolicy, same_stretch
from store.store import Store
from store.suggest import Candidate, SuggestCounts, add_pending
from tui.services.article_session import ArticleSession

TEXT = ("رحب الرئيس بالأسد في الكرملين. وقال الأسد إن الكرملين مهم. "
        "ثم غادر الأسد الكرملين.")
WHOLE = (TEXT.index("بالأسد"), TEXT.index("بالأسد") + len("بالأسد"))
STEM_SPAN = (WHOLE[0] + 1, WHOLE[1])


def _stem_schema() -> Schema:
    text = resources.files("store").joinpath("data/schema.toml").read_text(encoding="utf-8")
    return Schema.from_toml(text.replace('span_boundary = "token"', 'span_boundary = "stem"'))


def _store(tmp_path: Path, schema: Schema | None = None) -> Store:
    store = Store.open(tmp_path / "s", schema, annotator="ann")
    store.attach("a", TEXT, {"title": "a"})
    return store


def _live(store: Store) -> list[EntitySpan]:
    return [e for e in store.annotations("a").entities if e.status != SpanStatus.REJECTED]


def _no_two_on_same_words(store: Store) -> None:
    live = _live(store)
    for i, a in enumerate(live):
        for b in live[i + 1:]:
            assert not same_stretch(TEXT, (a.start, a.end), (b.start, b.end)), (a, b)


# ------------------------------------------------------------------ the schema setting


def test_schema_names_the_policy_default_token_and_hash_kept() -> None:
    default = Schema.default()
    assert default.span_boundary == TOKEN
    assert "span_boundary" not in default.to_dict()  # existing stores keep their hash
    stem = _stem_schema()
    assert stem.span_boundary == STEM and stem.to_dict()["span_boundary"] == STEM
    assert stem.hash != default.hash


def test_a_bad_policy_is_one_line_naming_file_and_line(tmp_path: Path) -> None:
    text = resources.files("store").joinpath("data/schema.toml").read_text(encoding="utf-8")
    path = tmp_path / "bad.toml"
    path.write_text(text.replace('span_boundary = "token"', 'span_boundary = "clitic"'),
                    encoding="utf-8")
    with pytest.raises(SchemaError) as info:
        Schema.load(path)
    message = str(info.value)
    assert "bad.toml" in message and "span_boundary" in message and "\n" not in message
    line = text.splitlines().index('span_boundary = "token"') + 1
    assert f":{line}" in message


# ------------------------------------------------------------------ the policy itself


def test_fit_and_step() -> None:
    token, stem = SpanPolicy(TOKEN), SpanPolicy(STEM)
    assert token.fit(TEXT, *STEM_SPAN) == WHOLE
    assert token.fit(TEXT, WHOLE[0] - 1, WHOLE[1]) == WHOLE  # a leading space is dropped
    assert stem.fit(TEXT, *WHOLE) == WHOLE  # nothing says what a name is: no cut
    assert stem.fit(TEXT, *WHOLE, lambda key: key == "الاسد") == STEM_SPAN
    assert stem.fit(TEXT, *WHOLE, lambda key: False) == WHOLE
    # بيروت keeps its ب: only a known name is left when a proclitic is cut.
    assert stem.fit("زار بيروت", 4, 9, lambda key: key == "بيروت") == (4, 9)
    # The article ال is never cut off, whatever is_name says.
    assert stem.fit(TEXT, STEM_SPAN[0], STEM_SPAN[1], lambda key: True) == STEM_SPAN
    # Token trims move by words and never empty a span; stem trims by characters.
    assert TEXT[slice(*token.step(TEXT, *WHOLE, -1, 0))] == "الرئيس بالأسد"
    assert token.step(TEXT, *WHOLE, 1, 0) == WHOLE
    assert stem.step(TEXT, *WHOLE, 1, 0) == STEM_SPAN
    assert stem.step(TEXT, *WHOLE, -1, 0) == WHOLE  # not over the space before it


# ------------------------------------------------------------------ the reader


def test_reader_label_follows_the_token_policy(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        session = ArticleSession(store, store.schema, "a", TEXT)
        said = session.label(*STEM_SPAN, "1", selection=True)  # v [ 1
        assert [(e.start, e.end) for e in _live(store)] == [WHOLE]
        assert "whole words" in said


def test_reader_label_under_stem_decides_the_suggestion_on_the_same_words(
        tmp_path: Path) -> None:
    with _store(tmp_path, _stem_schema()) as store:
        store.add_entity("a", EntitySpan(*WHOLE, "بالأسد", "ORG", origin="gazetteer",
                                         status=SpanStatus.PENDING))
        session = ArticleSession(store, store.schema, "a", TEXT)
        session.label(*STEM_SPAN, "1", selection=True)
        [span] = _live(store)
        assert ((span.start, span.end), span.label, span.status) == (
            STEM_SPAN, "PERS", SpanStatus.ACCEPTED)
        assert span.original is not None and span.original.label == "ORG"


def test_accepting_a_suggestion_puts_it_on_the_policy_boundaries(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        store.add_entity("a", EntitySpan(*STEM_SPAN, "الأسد", "PERS", origin="model",
                                         status=SpanStatus.PENDING))
        ArticleSession(store, store.schema, "a", TEXT).accept(*STEM_SPAN)
        [span] = _live(store)
        assert (span.start, span.end, span.status) == (*WHOLE, SpanStatus.ACCEPTED)
        assert span.original is not None and (span.original.start, span.original.end) == \
            STEM_SPAN


def test_accepting_a_suggestion_never_stacks_a_second_label(tmp_path: Path) -> None:
    from tui.services.article_session import AnnotationError

    with _store(tmp_path) as store:
        store.add_entity("a", EntitySpan(*WHOLE, "بالأسد", "PERS"))
        store.add_entity("a", EntitySpan(*STEM_SPAN, "الأسد", "ORG", origin="model",
                                         status=SpanStatus.PENDING))
        with pytest.raises(AnnotationError, match="already accepted"):
            ArticleSession(store, store.schema, "a", TEXT).accept(*STEM_SPAN)
        assert [e.label for e in store.annotations("a").entities
                if e.status == SpanStatus.ACCEPTED] == ["PERS"]


# ------------------------------------------------------------------ propagation


def test_propagation_under_token_gives_whole_tokens_never_stacked(tmp_path: Path) -> None:
    # token: the mention بالأسد becomes the whole token (and nothing is stacked).
    with _store(tmp_path) as store:
        later = store.add_entity("a", EntitySpan(*_nth("الأسد", 2), "الأسد", "PERS"))
        propagate_in_article(store, "a", TEXT, later, lexicon=None)
        assert WHOLE in {(e.start, e.end) for e in _live(store)}
        _no_two_on_same_words(store)


def test_propagation_under_stem_cuts_the_clitic(tmp_path: Path) -> None:
    with _store(tmp_path, _stem_schema()) as store:
        decided = store.add_entity("a", EntitySpan(*_nth("الأسد", 2), "الأسد", "PERS"))
        propagate_in_article(store, "a", TEXT, decided, lexicon=None)
        assert STEM_SPAN in {(e.start, e.end) for e in _live(store)}
        assert WHOLE not in {(e.start, e.end) for e in _live(store)}
        _no_two_on_same_words(store)


class _Corpus:
    ids = ["b"]

    class _Article:
        text = TEXT
        meta = None

    def load(self, article_id: str) -> object:
        return self._Article()


def test_corpus_propagation_under_stem_suggests_stems(tmp_path: Path) -> None:
    with _store(tmp_path, _stem_schema()) as store:
        decided = store.add_entity("a", EntitySpan(*_nth("الأسد", 2), "الأسد", "PERS"))
        assert propagate_to_corpus(store, _Corpus(), decided, lexicon=None) == 3
        spans = {(e.start, e.end) for e in store.annotations("b").entities}
        assert STEM_SPAN in spans and WHOLE not in spans


# ------------------------------------------------------------------ suggestions


def test_suggestions_follow_the_policy_and_skip_decided_words(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        kremlin = _nth("الكرملين", 0)
        store.add_entity("a", EntitySpan(*kremlin, "الكرملين", "ORG"))
        counts = SuggestCounts()
        added = add_pending(store, "a", TEXT, [
            Candidate(*STEM_SPAN, "PERS"),  # a model's stem span
            Candidate(*kremlin, "FAC"),  # another label on words a person decided
        ], "model", counts)
        assert [(e.start, e.end) for e in added] == [WHOLE]
        assert counts.already == 1
    with Store.open(tmp_path / "t", _stem_schema(), annotator="ann") as store:
        store.attach("a", TEXT)
        added = add_pending(store, "a", TEXT, [
            Candidate(*WHOLE, "PERS", 1.0, {"entry": "الأسد"})], "gazetteer")
        assert [(e.start, e.end) for e in added] == [STEM_SPAN]


def test_import_as_suggestions_follows_the_policy(tmp_path: Path) -> None:
    import json

    from tui.cli import main

    path = tmp_path / "in.jsonl"
    record = {"id": "x", "text": TEXT, "entities": [
        {"start": STEM_SPAN[0], "end": STEM_SPAN[1], "text": "الأسد", "label": "PERS"}]}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    store_dir = tmp_path / "store"
    assert main(["import", str(path), "--format", "jsonl", "--as", "suggestions",
                 "--store", str(store_dir)]) == 0
    with Store.open(store_dir) as store:
        [span] = store.annotations("x").entities
        assert (span.start, span.end, span.status) == (*WHOLE, SpanStatus.PENDING)
        store.update_entity("x", span.id, status=SpanStatus.ACCEPTED)
    # Another label on words a person labelled is not added as a suggestion.
    record["entities"][0]["label"] = "ORG"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["import", str(path), "--format", "jsonl", "--as", "suggestions",
                 "--store", str(store_dir)]) == 0
    with Store.open(store_dir) as store:
        assert [e.label for e in store.annotations("x").entities] == ["PERS"]


def _nth(word: str, nth: int) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    return start, start + len(word)


def test_export_converts_to_the_target_convention(tmp_path: Path) -> None:
    import json

    from tui.cli import main

    store_dir = tmp_path / "store"
    with Store.open(store_dir, annotator="ann") as store:
        store.attach("a", TEXT, {"title": "a"})
        store.add_entity("a", EntitySpan(*WHOLE, "بالأسد", "PERS"))
        store.add_entity("a", EntitySpan(*_nth("الأسد", 1), "الأسد", "PERS"))

    def exported(*extra: str) -> set[str]:
        out = tmp_path / "out.jsonl"
        assert main(["export", "--format", "jsonl", "--store", str(store_dir),
                     "--out", str(out), *extra]) == 0
        record = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
        return {TEXT[e["start"]:e["end"]] for e in record["entities"]}

    assert exported() == {"بالأسد", "الأسد"}  # as stored
    assert exported("--span-boundary", "stem") == {"الأسد"}  # two spans, one text each
    assert exported("--span-boundary", "token") == {"بالأسد", "الأسد"}
    with Store.open(store_dir) as store:  # the store itself is untouched
        assert {e.text for e in store.annotations("a").entities} == {"بالأسد", "الأسد"}
