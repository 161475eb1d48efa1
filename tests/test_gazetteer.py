"""The gazetteer matcher, its data format, and suggestions into a store."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.arabic import tokenize
from store.errors import GazetteerError
from store.gazetteer import Gazetteer, Match, default_paths
from store.records import SpanStatus

GAZ = Gazetteer.default()


def spans(text: str, gaz: Gazetteer = GAZ) -> list[tuple[str, str]]:
    return [(m.text, m.label) for m in gaz.match(text)]


def test_default_is_big_and_cached() -> None:
    assert Gazetteer.default() is GAZ
    assert len(GAZ) > 10_000
    assert GAZ.conflicts == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وصل إلى بموسكو", [("بموسكو", "GPE")]),
        ("التقى بوتين والأسد", [("بوتين", "PERS"), ("والأسد", "PERS")]),
        ("التقى وبشار الأسد", [("وبشار الأسد", "PERS")]),
        ("الدعم لروسيا", [("لروسيا", "GPE")]),
        ("الأمين العام للأمم المتحدة", [("للأمم المتحدة", "ORG")]),
        ("وقال فبالقاهرة", [("فبالقاهرة", "GPE")]),
        ("الرئيس السوري بشار الأسد", [("بشار الأسد", "PERS")]),
        ("ووزارة الخارجية الروسية", [("ووزارة الخارجية الروسية", "ORG")]),
        ("وزارة الدفاع والجيش الروسي", [("وزارة الدفاع", "ORG"), ("والجيش الروسي", "ORG")]),
        ("إردوغان وأردوغان واردوغان", [("إردوغان", "PERS"), ("وأردوغان", "PERS"),
                                       ("واردوغان", "PERS")]),
        ("بوتن في الكرملين", [("بوتن", "PERS"), ("الكرملين", "FAC")]),
        ("البحر المتوسط والشرق الأوسط", [("البحر المتوسط", "LOC"), ("والشرق الأوسط", "LOC")]),
        ("قاعدة حميميم", [("قاعدة حميميم", "FAC")]),
    ],
)
def test_clitics_and_longest_match(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    "name", ["بيروت", "لبنان", "واشنطن", "فرنسا", "كندا", "ليبيا", "بغداد", "بكين", "لندن",
             "فلسطين", "بنغازي", "فنزويلا", "كابل"],
)
def test_stems_with_clitic_letters_keep_every_letter(name: str) -> None:
    (match,) = GAZ.match(f"في {name} اليوم")
    assert match.text == name
    assert match.score == 1.0  # found as itself, not as clitic + something
    assert GAZ.lookup(name) is not None and GAZ.lookup(name).entry == match.entry  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    [
        "وليد السبت في المدرسة",
        "أمل كبير بعودة الأمن والسلام",
        "قال عادل إن الأمن مستتب",
        "كيف حالك؟ لا أعرف",
        "الدعم المالي والتعاون مالي",
        "بحجة مكافحة الإرهاب على الصعيد الدولي",
        "الحد الأقصى في العين والعيون",
        "كان القائم بالأعمال هنا",
        "القاعدة العسكرية والقواعد",
        "فتح الباب أمام البحر المتوسط",  # البحر المتوسط is a LOC; المتوسط alone is not
    ],
)
def test_precision_traps(text: str) -> None:
    found = spans(text)
    assert all(t in {"البحر المتوسط"} for t, _ in found), found


def test_article_is_never_stripped() -> None:
    assert spans("قمة في سورية") == [("سورية", "GPE")]
    assert spans("الخارجية السورية") == [("الخارجية السورية", "ORG")]
    assert spans("الحكومة السورية") == []  # a nominal mention, and an adjective
    norp = "NORP"
    assert [(m.text, m.label) for m in GAZ.match("الأراضي السورية",
                                                 nationality_adjectives=norp)] == [
        ("السورية", "NORP")]
    assert [(m.text, m.label) for m in GAZ.match("والسورية", nationality_adjectives=norp)] \
        == [("والسورية", "NORP")]


def test_harakat_tatweel_and_controls_are_matched_and_kept_in_span() -> None:
    text = "قال بُوتِينُ إن روسـيـا \u200fتدعم"
    found = GAZ.match(text)
    assert [m.text for m in found] == ["بُوتِينُ", "روسـيـا"]
    for m in found:
        assert text[m.start:m.end] == m.text


def test_names_do_not_cross_punctuation() -> None:
    assert spans("بشار، الأسد") == []  # and الأسد alone needs a title before it
    assert spans("الرئيس بشار، الرئيس الأسد") == [("الأسد", "PERS")]
    assert spans("الأمم، المتحدة") == []


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(
    ["بوتين", "والأسد", "بموسكو", "الأمم", "المتحدة", "للأمم", "وزارة", "الخارجية", "الروسية",
     "في", "،", ".", "بشار", "الأسد", "أمل", "ـ", "\u064e", " ", "\n", "لبنان", "قال", "«", "»"]
), max_size=30))
def test_matches_are_token_aligned_sorted_and_disjoint(words: list[str]) -> None:
    text = " ".join(words)
    starts = {t.start for t in tokenize(text)}
    ends = {t.end for t in tokenize(text)}
    last = 0
    for m in GAZ.match(text):
        assert isinstance(m, Match)
        assert last <= m.start < m.end <= len(text)
        assert m.start in starts and m.end in ends
        assert text[m.start:m.end] == m.text
        assert 0.0 < m.score <= 1.0
        last = m.end


# ------------------------------------------------------------------ data format

def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "gazetteer_test.tsv"
    path.write_text(body, encoding="utf-8")
    return path


def test_custom_file_with_lists_templates_flags_and_stop(tmp_path: Path) -> None:
    path = write(tmp_path, "\n".join([
        "# comment",
        "COUNTRY\tزمبلا\tزمبلا سيتي\tزمبلاوي",
        "PERS\tسعيد الكبير|الكبير\tscore=0.5",
        "ORG\tنادي فلان\texact",
        "@kind\tالمالية|الصحة",
        "ORG\tوزارة {kind} {norp_f?}",
        "STOP\tزمبلاويات",
    ]))
    gaz = Gazetteer.from_file(path)
    assert spans("وزارة الصحة الزمبلاوية", gaz) == [("وزارة الصحة الزمبلاوية", "ORG")]
    assert spans("وزارة المالية", gaz) == [("وزارة المالية", "ORG")]
    assert spans("بزمبلا سيتي", gaz) == [("بزمبلا سيتي", "GPE")]
    assert spans("الزمبلاويون", gaz) == [("الزمبلاويون", "NORP")]
    assert spans("زمبلاويات", gaz) == []
    (m,) = gaz.match("والكبير")
    assert (m.label, m.entry) == ("PERS", "سعيد الكبير") and m.score < 0.5
    assert spans("نادي فلان", gaz) == [("نادي فلان", "ORG")]
    assert spans("ونادي فلان", gaz) == []  # exact: no clitics


def test_user_file_extends_builtin_lists(tmp_path: Path) -> None:
    path = write(tmp_path, "@extra\tالبريد\nORG\tهيئة {extra} {norp_f}\n")
    gaz = Gazetteer.from_files([*default_paths(), path])
    assert spans("هيئة البريد الروسية", gaz) == [("هيئة البريد الروسية", "ORG")]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("PERS\n", "expected KIND"),
        ("person\tفلان\n", "unknown kind"),
        ("PERS\tفلان\tloud\n", "unknown flag"),
        ("PERS\tفلان\tscore=2\n", "score must be"),
        ("PERS\tفلان||علان\n", "empty form"),
        ("ORG\tوزارة {nowhere}\n", "unknown list"),
        ("COUNTRY\tزمبلا\n", "COUNTRY needs"),
        ("COUNTRY\tزمبلا\t-\tالزمبلاوي\n", "must be indefinite"),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path: Path, body: str, fragment: str) -> None:
    path = write(tmp_path, "# header\n" + body)
    with pytest.raises(GazetteerError) as info:
        Gazetteer.from_file(path)
    message = str(info.value)
    assert fragment in message
    assert f"{path}:2" in message


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(GazetteerError, match=str(path)):
        Gazetteer.from_file(path)


def test_package_data_files_exist_and_are_documented() -> None:
    names = {p.name for p in default_paths()}
    assert {"gazetteer_countries.tsv", "gazetteer_people.tsv", "gazetteer_places.tsv",
            "gazetteer_orgs.tsv", "gazetteer_norp.tsv"} <= names
    doc = (default_paths()[0].parent / "GAZETTEER.md").read_text(encoding="utf-8")
    for name in names:
        assert name in doc


# ------------------------------------------------------------------ suggestions

@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    from store.store import Store

    s = Store.open(tmp_path / "store", require_write=True)
    yield s
    s.close()


TEXT = "استقبل بوتين الأسد في الكرملين بموسكو."


def test_suggest_is_idempotent_and_respects_rejections(store) -> None:  # type: ignore[no-untyped-def]
    from store.suggest import SuggestCounts, suggest_article

    assert suggest_article(store, "a1", TEXT, {"title": "t"}, GAZ) == 4
    entities = store.annotations("a1").entities
    assert {(e.text, e.label) for e in entities} == {
        ("بوتين", "PERS"), ("الأسد", "PERS"), ("الكرملين", "FAC"), ("بموسكو", "GPE")}
    assert all(e.status == SpanStatus.PENDING and e.origin == "gazetteer" for e in entities)
    rejected = next(e for e in entities if e.text == "الكرملين")
    store.update_entity("a1", rejected.id, status=SpanStatus.REJECTED)
    relabelled = next(e for e in entities if e.text == "بموسكو")
    store.update_entity("a1", relabelled.id, label="LOC")
    counts = SuggestCounts()
    assert suggest_article(store, "a1", TEXT, {}, GAZ, counts) == 0
    assert counts.already == 4
    after = store.annotations("a1").entities
    assert len(after) == 4
    assert next(e for e in after if e.id == rejected.id).status == SpanStatus.REJECTED


def test_cli_suggest_on_sample_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli import main

    root = tmp_path / "s"
    assert main(["suggest", "--store", str(root)]) == 0
    first = capsys.readouterr().out
    assert "suggestions added in 5 articles" in first
    added = int(first.split()[0])
    assert added > 100
    assert main(["suggest", "--store", str(root)]) == 0
    second = capsys.readouterr().out
    assert second.startswith("0 suggestions added") and f"{added} already" in second


# --------------------------------------------------------------------- precision rules


def test_nationality_adjectives_follow_the_schema_policy() -> None:
    text = "قال المسؤول السوري إن السوريين والروس في الأراضي الروسية"
    default = spans(text)
    assert ("السوري", "NORP") not in default and ("الروسية", "NORP") not in default
    assert ("السوريين", "NORP") in default and ("والروس", "NORP") in default
    norp = [(m.text, m.label) for m in GAZ.match(text, nationality_adjectives="NORP")]
    assert ("السوري", "NORP") in norp and ("الروسية", "NORP") in norp


def test_schema_policy_reaches_the_suggester() -> None:
    from store.schema import Schema
    from store.suggesters import GazetteerSuggester

    default = Schema.default()
    assert default.nationality_adjectives == "O"
    toml = (Path(__file__).parents[1] / "store" / "data" / "schema.toml").read_text("utf-8")
    norp_schema = Schema.from_toml(toml.replace('nationality_adjectives = "O"',
                                                'nationality_adjectives = "NORP"'))
    assert norp_schema.hash != default.hash
    plain = GazetteerSuggester().for_schema(default)
    assert [m.label for m in plain("قال المسؤول السوري")] == []
    assert [m.label for m in GazetteerSuggester().for_schema(norp_schema)(
        "قال المسؤول السوري")] == ["NORP"]
    assert [m.text for m in plain("الجيش السوري")] == ["الجيش السوري"]
    with pytest.raises(Exception, match="nationality_adjectives"):
        Schema.from_toml(toml.replace('nationality_adjectives = "O"',
                                      'nationality_adjectives = "yes"'))


@pytest.mark.parametrize(("text", "expected"), [
    ("قال الرئيس الأسد", [("الأسد", "PERS")]),
    ("قوات نظام الأسد", [("الأسد", "PERS")]),
    ("وقال للرئيس الأسد", [("الأسد", "PERS")]),
    ("زئير الأسد الجريح", []),
    ("الأسد ملك الغابة", []),
    ("المظاهرات السلمية في حمص", [("حمص", "GPE")]),
    ("خرجت مظاهرة في مدينة السلمية", [("السلمية", "GPE")]),
    ("سكان الجزيرة الصغيرة", []),
    ("وقال مراسل قناة الجزيرة", [("قناة الجزيرة", "ORG")]),
    ("فاز فريق برشلونة على ريال مدريد", [("برشلونة", "ORG"), ("ريال مدريد", "ORG")]),
    ("وصل إلى برشلونة", [("برشلونة", "GPE")]),
    ("درس في جامعة حلب", [("جامعة حلب", "ORG")]),
    ("نقل إلى سجن تدمر", [("سجن تدمر", "FAC")]),
    ("تدمر الحرب المدن", []),
    ("انهيار الاتحاد السوفيتي", [("الاتحاد السوفيتي", "GPE")]),
    ("وقال للفرنسية إن", [("للفرنسية", "ORG")]),
    ("ذكرت وكالة الصحافة الفرنسية", [("وكالة الصحافة الفرنسية", "ORG")]),
    ("اللغة الفرنسية", []),
])
def test_context_rules_for_common_words(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text) == expected


def test_after_flag_in_a_user_file(tmp_path: Path) -> None:
    data = tmp_path / "mine.tsv"
    data.write_text("@cues\tالسيد|السيدة\nPERS\tوردة\tafter=cues\n", encoding="utf-8")
    gaz = Gazetteer.from_file(data)
    assert spans("قالت السيدة وردة", gaz) == [("وردة", "PERS")]
    assert spans("قطفت وردة", gaz) == []
    bad = tmp_path / "bad.tsv"
    bad.write_text("PERS\tوردة\tafter=nolist\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="nolist"):
        Gazetteer.from_file(bad)


def test_cli_suggest_follows_the_schema_policy(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from store.store import Store
    from tui.cli import main

    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "a", "text": "قال المسؤول السوري إن السوريين غادروا"},
                                 ensure_ascii=False) + "\n", encoding="utf-8")
    toml = (Path(__file__).parents[1] / "store" / "data" / "schema.toml").read_text("utf-8")
    norp_schema = tmp_path / "norp.toml"
    norp_schema.write_text(toml.replace('nationality_adjectives = "O"',
                                        'nationality_adjectives = "NORP"'), encoding="utf-8")
    for name, extra, want in (("plain", [], {"السوريين"}),
                              ("norp", ["--schema", str(norp_schema)], {"السوري", "السوريين"})):
        root = tmp_path / name
        assert main(["suggest", str(corpus), "--store", str(root), *extra]) == 0
        capsys.readouterr()
        store = Store.open(root)
        try:
            assert {e.text for e in store.annotations("a").entities} == want
        finally:
            store.close()


def test_a_first_name_and_a_lineage_join_a_listed_person(tmp_path: Path) -> None:
    path = write(tmp_path, "\n".join([
        "@first_names\tجاك|سلمان", "PERS\tشيراك", "PERS\tسلمان بن عبد العزيز|حمد"]))
    gaz = Gazetteer.from_file(path)

    def spans(text: str) -> list[str]:
        return [m.text for m in gaz.match(text) if m.label == "PERS"]

    # The first name news writes before a surname it lists is part of the name, with its
    # proclitic, as spans always are; a word that is not a first name is not.
    assert spans("قال جاك شيراك إن") == ["جاك شيراك"]
    assert spans("التقى وجاك شيراك") == ["وجاك شيراك"]
    assert spans("ردا على شيراك") == ["شيراك"]
    # "son of" and "of the house of" go on with the name, عبد with its word.
    assert spans("وصل حمد بن جاسم بن جبر آل ثاني أمس") == ["حمد بن جاسم بن جبر آل ثاني"]
    assert spans("الملك سلمان بن عبد العزيز آل سعود") == ["سلمان بن عبد العزيز آل سعود"]
    assert spans("قال حمد بن") == ["حمد"]  # nothing after بن: no lineage
