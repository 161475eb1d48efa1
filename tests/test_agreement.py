"""Agreement figures checked against hand computations and published examples (issue 15)."""

from __future__ import annotations

import pytest

from store.agreement import (
    Layer,
    agreement,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    span_counts,
    token_tags,
)
from store.records import ArticleAnnotations, EntitySpan, Event, EventArgument, SpanStatus

TEXT = "قال الرئيس بشار الأسد في دمشق إن بالأسد وروسيا اتفقا."


def _at(word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    return start, start + len(word)


def _ann(*spans: tuple[tuple[int, int], str], pending: tuple = ()) -> ArticleAnnotations:
    ents = [EntitySpan(s, e, TEXT[s:e], label) for (s, e), label in spans]
    ents += [EntitySpan(s, e, TEXT[s:e], label, origin="gazetteer", status=SpanStatus.PENDING)
             for (s, e), label in pending]
    return ArticleAnnotations(entities=ents)


def test_cohen_kappa_textbook_example() -> None:
    # 50 items: both yes 20, a yes b no 5, a no b yes 10, both no 15: po 0.7, pe 0.5.
    a = ["y"] * 25 + ["n"] * 25
    b = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa(a, a) == 1.0


def test_fleiss_kappa_matches_the_published_example() -> None:
    # Fleiss (1971) as worked in the literature: 10 subjects, 14 raters, 5 categories → 0.210.
    counts = [(0, 0, 0, 0, 14), (0, 2, 6, 4, 2), (0, 0, 3, 5, 6), (0, 3, 9, 2, 0),
              (2, 2, 8, 1, 1), (7, 7, 0, 0, 0), (3, 2, 6, 3, 0), (2, 5, 3, 2, 2),
              (6, 5, 2, 1, 0), (0, 2, 2, 3, 7)]
    table = [[str(c) for c, n in enumerate(row) for _ in range(n)] for row in counts]
    assert fleiss_kappa(table) == pytest.approx(0.210, abs=0.001)


def test_krippendorff_alpha_two_raters_no_missing_is_close_to_scott_pi() -> None:
    # With two raters and no missing values alpha = 1 - (n-1)/n * (1 - pi) (Scott's pi).
    a = ["y"] * 25 + ["n"] * 25
    b = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    n = 2 * len(a)
    pooled = {"y": a.count("y") + b.count("y"), "n": a.count("n") + b.count("n")}
    pe = sum((c / n) ** 2 for c in pooled.values())
    po = sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
    pi = (po - pe) / (1 - pe)
    expected = 1 - (n - 1) / n * (1 - pi)
    assert krippendorff_alpha([a, b]) == pytest.approx(expected, abs=1e-9)


def test_span_f1_exact_overlap_and_clitic_tolerant_by_hand() -> None:
    a = [(*_at("بشار الأسد"), "PERS"), (*_at("دمشق"), "GPE"), (*_at("بالأسد"), "PERS")]
    stem = _at("بالأسد")[0] + 1, _at("بالأسد")[1]
    b = [(*_at("الأسد"), "PERS"), (*_at("دمشق"), "GPE"), (*stem, "PERS"),
         (*_at("روسيا"), "GPE")]
    counts = span_counts(TEXT, a, b)
    # exact: only دمشق; F1 = 2*1 / (3 + 4)
    assert counts["exact"].both == 1 and counts["exact"].f1 == pytest.approx(2 / 7)
    # overlap: بشار الأسد~الأسد, دمشق, بالأسد~الأسد(stem): 3 matched; F1 = 6/7
    assert counts["overlap"].both == 3 and counts["overlap"].f1 == pytest.approx(6 / 7)
    # clitic-tolerant: دمشق and بالأسد~الأسد (a proclitic apart), not بشار الأسد~الأسد
    assert counts["clitic_tolerant"].both == 2


def test_token_tags_take_the_outermost_span() -> None:
    tags = token_tags(TEXT, [(*_at("بشار الأسد"), "PERS"), (*_at("الأسد"), "PERS")])
    assert tags[:5] == ["O", "O", "B-PERS", "I-PERS", "O"]


def test_report_pairs_labels_metrics_events_and_patterns() -> None:
    trigger = _at("اتفقا")
    ann_a = _ann((_at("بشار الأسد"), "PERS"), (_at("دمشق"), "GPE"), (_at("بالأسد"), "PERS"))
    ann_b = _ann((_at("بشار الأسد"), "PERS"), (_at("دمشق"), "LOC"),
                 ((_at("بالأسد")[0] + 1, _at("بالأسد")[1]), "PERS"),
                 pending=((_at("روسيا"), "GPE"),))  # pending: not a decision
    for ann, role in ((ann_a, "PARTICIPANT"), (ann_b, "PARTICIPANT")):
        person = ann.entities[0]
        ann.events.append(Event("MEET", *trigger, "اتفقا", [EventArgument(role, person.id)],
                                cameo="040"))
    ann_b.doc_labels.append("POLITICS")
    other = _ann()
    layers = [Layer("a", {"x": (TEXT, ann_a)}), Layer("b", {"x": (TEXT, ann_b)}),
              Layer("c", {"x": (TEXT + " ", other)})]  # text differs: left out, counted
    report = agreement(layers, ["POLITICS", "SPORT"])
    assert set(report) >= {"pairs", "labels", "metrics"}
    ab = report["pairs"][0]
    assert (ab["a"], ab["b"], ab["articles"]) == ("a", "b", 1)
    assert ab["spans"]["exact"]["matched"] == 1  # بشار الأسد
    assert ab["spans"]["clitic_tolerant"]["matched"] == 2
    assert ab["clitic_only_disagreements"] == 1
    assert ab["events"]["trigger"]["f1"] == 1.0 and ab["events"]["argument"]["f1"] == 1.0
    assert ab["events"]["type_agreement"] == 1.0
    assert report["metrics"]["excluded_articles"] == 2  # a–c and b–c
    assert report["labels"]["GPE"]["only_a"] == 1 and report["labels"]["LOC"]["only_b"] == 1
    assert {"labels": ["GPE", "LOC"], "tokens": 1, "examples": ["دمشق"]} in report["patterns"]
