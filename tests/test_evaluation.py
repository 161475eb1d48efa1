"""``store.evaluation`` and ``warraq evaluate`` on small hand-made examples with known figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from seqeval.metrics import classification_report

from store.evaluation import OVERALL, Span, clitic_tolerant, evaluate, spans_of

ROOT = Path(__file__).resolve().parents[1]


def _span(text: str, words: str, label: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return Span(start, start + len(words), label)


TEXT = "قال بوتين في موسكو إن والصين وروسيا ستوقعان اتفاقا مع الأمم المتحدة"


def test_exact_tolerant_overlap_figures() -> None:
    gold = [_span(TEXT, "بوتين", "PERS"), _span(TEXT, "موسكو", "GPE"),
            _span(TEXT, "الصين", "GPE"), _span(TEXT, "روسيا", "GPE"),
            _span(TEXT, "الأمم المتحدة", "ORG")]
    pred = [_span(TEXT, "بوتين", "PERS"),          # exact
            _span(TEXT, "موسكو", "ORG"),           # wrong label: never counts
            _span(TEXT, "والصين", "GPE"),          # clitic و: tolerant
            _span(TEXT, "وروسيا", "GPE"),          # clitic و: tolerant
            _span(TEXT, "الأمم", "ORG"),           # half a name: overlap only
            _span(TEXT, "اتفاقا", "ORG")]          # false alarm
    result = evaluate([(TEXT, gold, pred)])
    assert result.labels == ["GPE", "ORG", "PERS"]
    exact, tol, ovl = (result.get(m) for m in ("exact", "tolerant", "overlap"))
    assert (exact.tp, exact.predicted, exact.gold) == (1, 6, 5)
    assert (tol.tp, ovl.tp) == (3, 4)
    assert tol.precision == pytest.approx(3 / 6) and tol.recall == pytest.approx(3 / 5)
    assert tol.f1 == pytest.approx(2 * 0.5 * 0.6 / 1.1)
    gpe = result.get("tolerant", "GPE")
    assert (gpe.tp, gpe.predicted, gpe.gold) == (2, 2, 3)
    assert result.get("exact", "ORG").precision == 0.0
    assert result.get("overlap", "ORG").tp == 1


def test_tolerant_only_for_clitics_inside_the_word() -> None:
    text = "وصل الرئيس إلى بغداد وكتابهم"
    gold = _span(text, "بغداد", "GPE")
    # "إلى " before the name is a word, not a clitic
    assert not clitic_tolerant(gold, Span(gold.start - 4, gold.end, "GPE"), text)
    assert not clitic_tolerant(gold, Span(gold.start + 2, gold.end, "GPE"), text)  # بغ
    book = _span(text, "كتاب", "ORG")
    assert clitic_tolerant(book, Span(book.start - 1, book.end + 2, "ORG"), text)  # و…هم
    assert not clitic_tolerant(book, Span(book.start - 1, book.end + 2, "GPE"), text)


def test_one_prediction_matches_one_gold() -> None:
    text = "الأمم المتحدة"
    gold = [Span(0, 5, "ORG"), Span(6, 13, "ORG")]
    pred = [Span(0, 13, "ORG")]
    ovl = evaluate([(text, gold, pred)]).get("overlap")
    assert (ovl.tp, ovl.predicted, ovl.gold) == (1, 1, 2)


def test_labels_filter_ignores_other_labels() -> None:
    gold = [_span(TEXT, "بوتين", "PERS"), _span(TEXT, "موسكو", "GPE")]
    pred = [_span(TEXT, "بوتين", "PERS"), _span(TEXT, "اتفاقا", "NORP")]
    c = evaluate([(TEXT, gold, pred)], labels=["PERS"]).get("exact", OVERALL)
    assert (c.tp, c.predicted, c.gold) == (1, 1, 1)


def _bio(tokens: list[tuple[int, int]], spans: list[Span]) -> list[str]:
    tags = ["O"] * len(tokens)
    for s in spans:
        inside = [i for i, (a, b) in enumerate(tokens) if a >= s.start and b <= s.end]
        for k, i in enumerate(inside):
            tags[i] = ("B-" if k == 0 else "I-") + s.label
    return tags


def test_exact_agrees_with_seqeval() -> None:
    texts = ["التقى بشار الأسد وزير الخارجية سيرغي لافروف في دمشق",
             "أعلنت الأمم المتحدة في جنيف أن غوتيريش سيزور بغداد والقاهرة",
             "قال مصدر في وزارة الدفاع الروسية إن القوات دخلت حلب"]
    docs, y_true, y_pred = [], [], []
    for text in texts:
        words = text.split()
        toks, pos = [], 0
        for w in words:
            pos = text.index(w, pos)
            toks.append((pos, pos + len(w)))
            pos += len(w)

        def sp(a: int, b: int, label: str, toks: list[tuple[int, int]] = toks) -> Span:
            return Span(toks[a][0], toks[b][1], label)

        if text.startswith("التقى"):
            gold = [sp(1, 2, "PERS"), sp(5, 6, "PERS"), sp(8, 8, "GPE")]
            pred = [sp(2, 2, "PERS"), sp(5, 6, "PERS"), sp(8, 8, "GPE"), sp(3, 3, "ORG")]
        elif text.startswith("أعلنت"):
            gold = [sp(1, 2, "ORG"), sp(4, 4, "GPE"), sp(6, 6, "PERS"), sp(8, 8, "GPE"),
                    sp(9, 9, "GPE")]
            pred = [sp(1, 2, "ORG"), sp(4, 4, "GPE"), sp(6, 6, "ORG"), sp(8, 8, "GPE")]
        else:
            gold = [sp(3, 5, "ORG"), sp(9, 9, "GPE")]
            pred = [sp(3, 4, "ORG"), sp(5, 5, "NORP"), sp(9, 9, "GPE")]
        docs.append((text, gold, pred))
        y_true.append(_bio(toks, gold))
        y_pred.append(_bio(toks, pred))
    labels = ["GPE", "ORG", "PERS", "NORP"]
    ours = evaluate(docs, labels=labels)
    theirs = classification_report(y_true, y_pred, output_dict=True, zero_division=0)
    for label in ["GPE", "ORG", "PERS"]:
        c = ours.get("exact", label)
        assert c.precision == pytest.approx(theirs[label]["precision"])
        assert c.recall == pytest.approx(theirs[label]["recall"])
        assert c.f1 == pytest.approx(theirs[label]["f1-score"])
    total = ours.get("exact")
    assert total.precision == pytest.approx(theirs["micro avg"]["precision"])
    assert total.recall == pytest.approx(theirs["micro avg"]["recall"])


def test_spans_of_accepts_the_suggester_shapes() -> None:
    class M:
        start, end, label = 3, 7, "GPE"

    got = spans_of([(0, 2, "PERS", 0.5), {"start": 1, "end": 4, "label": "ORG"}, M(),
                    (5, 3, "GPE"), ("x",), None])
    assert got == [Span(0, 2, "PERS"), Span(1, 4, "ORG"), Span(3, 7, "GPE")]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def _gold_file(tmp_path: Path) -> Path:
    text = "زار بوتين موسكو ثم التقى غوتيريش في الأمم المتحدة"
    ents = [_span(text, "بوتين", "PERS"), _span(text, "موسكو", "GPE"),
            _span(text, "الأمم المتحدة", "ORG"), _span(text, "غوتيريش", "PERS")]
    rec = {"id": "a1", "text": text,
           "entities": [{"start": s.start, "end": s.end, "text": text[s.start:s.end],
                         "label": s.label} for s in ents]
           + [{"start": 0, "end": 3, "text": "زار", "label": None}]}
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def test_cli_gazetteer_json(tmp_path: Path) -> None:
    gold = _gold_file(tmp_path)
    out = _cli("evaluate", "--gold", str(gold), "--format", "jsonl", "--output", "json")
    assert out.returncode == 0, out.stderr
    assert "1 gold records skipped" in out.stderr
    fig = json.loads(out.stdout)
    assert fig["documents"] == 1
    assert fig["exact"]["ALL"]["gold"] == 4
    assert fig["exact"]["ALL"]["tp"] == 4  # all four names are in the built-in gazetteer
    assert fig["exact"]["PERS"]["recall"] == 1.0


def test_cli_store_and_table(tmp_path: Path) -> None:
    gold = _gold_file(tmp_path)
    store = tmp_path / "store"
    imp = _cli("import", str(gold), "--format", "jsonl", "--store", str(store))
    assert imp.returncode in (0, 1), imp.stderr
    out = _cli("evaluate", "--gold", str(gold), "--format", "jsonl", "--store", str(store))
    assert out.returncode == 0, out.stderr
    all_exact = [ln for ln in out.stdout.splitlines() if ln.startswith("ALL") and "exact" in ln]
    assert all_exact and all_exact[0].split()[2:5] == ["1.000", "1.000", "1.000"]


def test_cli_bad_input_is_one_line(tmp_path: Path) -> None:
    missing = _cli("evaluate", "--gold", str(tmp_path / "nope.jsonl"), "--format", "jsonl")
    assert missing.returncode != 0 and "nope.jsonl" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    out = _cli("evaluate", "--gold", str(bad), "--format", "jsonl")
    assert out.returncode != 0 and "bad.jsonl" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    nostore = _cli("evaluate", "--gold", str(_gold_file(tmp_path)), "--format", "jsonl",
                   "--store", str(tmp_path / "nostore"))
    assert nostore.returncode != 0 and "nostore" in nostore.stderr
    stray = tmp_path / "stray"
    stray.mkdir()
    out = _cli("evaluate", "--gold", str(_gold_file(tmp_path)), "--format", "jsonl",
               "--store", str(stray))
    assert out.returncode != 0 and "not a Warraq store" in out.stderr
    assert list(stray.iterdir()) == []


def test_cli_warns_when_label_sets_do_not_meet(tmp_path: Path) -> None:
    text = "زار بوتين موسكو"
    rec = {"id": "x", "text": text, "entities": [
        {"start": 4, "end": 9, "text": "بوتين", "label": "Politician"}]}
    gold = tmp_path / "fine.jsonl"
    gold.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    out = _cli("evaluate", "--gold", str(gold), "--format", "jsonl")
    assert out.returncode == 0
    assert "no predicted label is a gold label" in out.stderr
