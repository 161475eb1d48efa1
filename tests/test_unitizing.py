"""Krippendorff's unitizing alpha (store/unitizing.py) against hand computation, the
published example's figure and an independent implementation's figures."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.agreement import Layer, agreement
from store.records import ArticleAnnotations, EntitySpan
from store.unitizing import GAP, alpha_of_partitions, outermost, partition, unitizing_alpha


def test_one_letter_off_by_hand() -> None:
    # L = 10; A: X [2, 5), B: X [3, 5). Overlaps both ways: gap-gap 14, X-X 4, X-gap 1,
    # gap-X 1 (l.. = 20). Self pairs: gaps 2+5+3+5 = 15, units 9+4 = 13; denominator
    # 400 - 28 = 372. e(gap,gap) = 20·(15² - 15)/372, e(X,X) = 20·(5² - 13)/372, so
    # De = 20 - 4440/372 and Do = 20 - 18 = 2: alpha = 1 - 2/De = 0.75200.
    report = unitizing_alpha([(10, [[("X", 2, 5)], [("X", 3, 5)]])])
    assert report.alpha == pytest.approx(1 - 2 / (20 - 4440 / 372))
    assert report.alpha == pytest.approx(0.752, abs=5e-4)
    assert report.characters == 20


def test_same_cuts_are_one_and_a_different_label_is_not() -> None:
    same = unitizing_alpha([(10, [[("X", 2, 5)], [("X", 2, 5)]])])
    assert same.alpha == pytest.approx(1.0)
    # Same cut, other label: the gaps agree (o = 14 of 20), the units never do. Self
    # pairs: gaps 14, X 9, Y 9 (denominator 368); e(gap, gap) = 20·(14² - 14)/368,
    # e(X, X) = e(Y, Y) = 0; Do = 6, so alpha = 1 - 6 / (20 - 3640/368) = 0.40645.
    other = unitizing_alpha([(10, [[("X", 2, 5)], [("Y", 2, 5)]])])
    assert other.alpha == pytest.approx(1 - 6 / (20 - 3640 / 368))


def test_the_example_of_three_coders() -> None:
    # Three coders of a 55-character text as segments (units and gaps as cut, 1-character
    # holes included); the implementation at github.com/zeljkobekcic/KrippendorffUnitizedAlpha
    # (after Krippendorff et al. 2016) gives 0.56 for it in its own test.
    coders = [
        [(GAP, 0, 2), ("k", 3, 14), (GAP, 15, 21), ("k", 22, 52), (GAP, 53, 55)],
        [(GAP, 0, 2), ("k", 3, 9), (GAP, 10, 21), ("k", 22, 52), (GAP, 53, 55)],
        [(GAP, 0, 21), ("k", 22, 45), (GAP, 46, 55)],
    ]
    assert alpha_of_partitions([coders]).alpha == pytest.approx(0.5672, abs=1e-4)


@pytest.mark.parametrize(("length", "coders", "expected"), [
    # Figures from that independent implementation, run on these partitions (2026-11-29).
    (45, [[("A", 1, 5), ("C", 9, 12), ("B", 20, 26), ("A", 30, 33)],
          [("A", 2, 5), ("C", 9, 14), ("A", 21, 26)],
          [("A", 0, 5), ("B", 20, 26), ("A", 30, 34), ("C", 40, 44)]], 0.430773),
    (40, [[("PERS", 3, 9), ("GPE", 12, 20)],
          [("PERS", 4, 9), ("ORG", 12, 20), ("GPE", 25, 30)]], 0.425895),
])
def test_against_the_independent_implementation(length, coders, expected) -> None:
    # The expected figure is recomputed here by the formula written out plainly (all
    # segment pairs, no sweep), the form of the independent implementation.
    parts = [partition(outermost(units)[0], length) for units in coders]
    values = sorted({v for p in parts for v, _, _ in p}, key=str)
    o = {(c, k): 0.0 for c in values for k in values}
    for i, pi in enumerate(parts):
        for j, pj in enumerate(parts):
            if i != j:
                for vc, sc, ec in pi:
                    for vk, sk, ek in pj:
                        o[(vc, vk)] += max(min(ec, ek) - max(sc, sk), 0) / (len(parts) - 1)
    total = sum(o.values())
    mc = {c: sum(o[(c, k)] for k in values) for c in values}
    sq = {c: sum((e - s) if v is GAP else (e - s) ** 2 for p in parts for v, s, e in p if v == c)
          for c in values}
    den = total ** 2 - sum(sq.values())
    e_same = sum(total * (mc[c] ** 2 - sq[c]) / den for c in values)
    plain = 1 - (total - sum(o[(c, c)] for c in values)) / (total - e_same)
    assert unitizing_alpha([(length, coders)]).alpha == pytest.approx(plain)
    assert plain == pytest.approx(expected, abs=1e-6)


def test_nested_spans_are_set_aside_and_counted() -> None:
    kept, dropped = outermost([("PERS", 0, 10), ("GPE", 3, 6), ("ORG", 8, 12)])
    assert kept == [("PERS", 0, 10)] and dropped == 2


_units = st.lists(st.tuples(st.sampled_from("ABC"), st.integers(0, 40), st.integers(1, 8)),
                  max_size=6).map(lambda xs: [(v, s, s + n) for v, s, n in xs])


@settings(max_examples=60, deadline=None)
@given(first=st.lists(_units, min_size=2, max_size=3),
       second=st.lists(_units, min_size=2, max_size=3))
def test_two_articles_are_one_continuum_laid_end_to_end(first, second) -> None:
    length = 50
    shifted = [[(v, s + length, e + length) for v, s, e in units] for units in second]
    apart = unitizing_alpha([(length, first), (length, second)])
    if len(first) != len(second):
        return  # one text laid end to end needs the same annotators on both
    joined = unitizing_alpha([(2 * length, [a + b for a, b in zip(first, shifted,
                                                                  strict=True)])])
    if apart.alpha is None:
        assert joined.alpha is None
    else:
        assert joined.alpha == pytest.approx(apart.alpha)


def test_agreement_reports_it_and_sees_a_clitic_the_token_view_cannot() -> None:
    text = "قال الرئيس بشار الأسد في دمشق إن بالأسد وروسيا اتفقا."
    start = text.index("بالأسد")

    def layer(name: str, s: int) -> Layer:
        ann = ArticleAnnotations(entities=[EntitySpan(s, start + 6, text[s:start + 6], "PERS")])
        return Layer(name, {"x": (text, ann)})
    report = agreement([layer("a", start), layer("b", start + 1)])
    metrics = report["metrics"]
    assert 0 < metrics["unitizing_alpha"] < 1
    # Both spans tag the same token, so the token view is blind to the proclitic; the
    # unitizing view counts the one letter.
    assert metrics["krippendorff_alpha"] == 1.0
