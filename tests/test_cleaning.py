"""Cleaning of scraped pages: the five seeds, a page of another site style, properties."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.cleaning import CLEANING_VERSION, clean_page
from store.corpus import sample_corpus_path
from store.text import canonical_text

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"

SEEDS = {
    "000": "000_016fc75d937698ad",
    "001": "001_924c621b7ea87b2a",
    "002": "002_d2e71cb321c96b8c",
    "003": "003_c87f54859ced196b",
    "004": "004_aefd97f5f178b05d",
}


def seed_text(key: str) -> str:
    path = sample_corpus_path() / f"{SEEDS[key]}.txt"
    return canonical_text(path.read_bytes(), path)


def seed_line(key: str, number: int) -> str:
    """Line ``number`` (1-based) of the raw seed, stripped: body text must survive verbatim."""
    return seed_text(key).split("\n")[number - 1].strip()


# (title, date, time, body lines that must survive verbatim, author)
EXPECTED = {
    "000": (
        "بوتين مرحباً بالأسد: أنا سعيد برؤيتكم في موسكو ونحن على اتصال دائم، ونشهد تطوراً "
        "كبيراً في العلاقات بين بلدينا/ فيديو",
        None, None, [3, 5, 7, 9, 13, 21, 31, 35], None,
    ),
    "001": (
        "قمة بوتين والأسد.. “رسائل قوية” وسط تحولات جيو سياسية …. إليكم التفاصيل في الرابط",
        None, None, [5, 7, 13, 19, 21, 23, 29, 32, 35, 38, 42], None,
    ),
    "002": (
        "مباحثات بين الرئيس بوتين والرئيس الأسد في موسكو لتعزيز التعاون",
        "2021-09-14", "08:39", [7, 9, 11, 17, 21, 25], None,
    ),
    "003": (
        "رسائل قوية خلال قمة بوتين والأسد ودمشق ترحب بمزيد من القوات الروسية لإقامة قواعد "
        "عسكرية جديدة في سوريا",
        None, None, [14, 16, 17, 22, 26, 29, 31, 32], "حسن عمارة",
    ),
    "004": (
        'بوتين يحذّر الأسد في الكرملين: "هناك ميل للتصعيد بالمنطقة"',
        "2024-10-18", "08:44", [15, 17, 19, 21, 23, 27, 33, 39, 43, 45], "حبيبة وائل",
    ),
}

FURNITURE = [
    "مقالات ذات صلة", "زر الذهاب إلى الأعلى", "مواقيت الصلاة", "almaghribtoday", "http",
    "www.", "©", "جميع الحقوق محفوظة", "Maintained and developed by", "قد يهمك", "تابعونا",
    "رابط مختصر", "search", "GMT", "المغرب اليوم", "الإسم *", "Security Code", "آخر تحديث",
    "Agricultural", "الفجْر", "• ", "AM", "المصدر:", "شروط النشر", "ميريام فارس",
]


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_seed_title_date_and_body(key):
    title, date, time, body_lines, author = EXPECTED[key]
    page = clean_page(seed_text(key))
    assert page.title == title
    assert (page.date, page.time) == (date, time)
    assert page.author == author
    assert page.text.startswith(title + "\n\n")
    for number in body_lines:
        line = seed_line(key, number)
        assert line in page.paragraphs, f"{key} line {number} lost: {line[:40]}"


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_seed_furniture_gone(key):
    page = clean_page(seed_text(key))
    text = page.text
    for junk in FURNITURE:
        assert junk not in text, f"{key}: {junk!r} still in the text"
    lines = text.split("\n")
    assert "A A" not in lines and "أخبار" not in lines and "الأخبار" not in lines
    # The title is in the text once, at the top; no paragraph repeats it or any other.
    assert text.count(page.title) == 1
    assert len(set(page.paragraphs)) == len(page.paragraphs)


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_seed_output_is_made_of_whole_raw_lines(key):
    """Cleaning drops lines, never edits them: offsets inside a paragraph mean the same
    characters as in the scraped page."""
    raw = seed_text(key)
    raw_lines = {line.strip() for line in raw.split("\n")}
    page = clean_page(raw)
    assert page.text == "\n\n".join([page.title, *page.paragraphs])
    for paragraph in [page.title, *page.paragraphs]:
        assert paragraph and paragraph in raw_lines


def test_seed_metadata():
    assert clean_page(seed_text("000")).urls == [
        "https://t.me/Sputnik_Arabic/107243",
        "https://www.facebook.com/watch/?v=527934289491426",
    ]
    page002 = clean_page(seed_text("002"))
    assert page002.source == "النهضة نيوز - وكالات"
    assert page002.date_raw == "14 أيلول 2021 08:39"
    page004 = clean_page(seed_text("004"))
    assert page004.date_raw == "الجمعة، 18 أكتوبر 2024"
    assert page004.captions == ["اجتماع الرئيس الروسي بوتن والرئيس السوري بشار الأسد"]
    assert "اجتماع الرئيس الروسي بوتن" not in page004.text
    page003 = clean_page(seed_text("003"))
    assert page003.dateline == "موسكو"
    assert page003.metadata()["cleaning_version"] == CLEANING_VERSION == 1
    # Mid-article subheadings are body, not furniture.
    assert "لقاء طويل" in clean_page(seed_text("001")).paragraphs
    assert "شروط سوريا" in page004.paragraphs


def test_seed_tail_after_cut_is_all_dropped():
    page = clean_page(seed_text("003"))
    last = seed_line("003", 32)
    assert page.paragraphs[-1] == last
    rules = {rule for number, rule, _ in page.dropped if number >= 34}
    assert rules == {"after-cut"}


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_cleaning_is_deterministic(key):
    raw = seed_text(key)
    first, second = clean_page(raw), clean_page(raw)
    assert first == second
    assert first.text == second.text


def test_page_of_another_site_style():
    path = FIXTURES / "other_site_page.txt"
    page = clean_page(canonical_text(path.read_bytes(), path))
    assert page.title == "وزير الخارجية السعودي يصل إلى دمشق في أول زيارة منذ 2011"
    assert (page.date, page.time) == ("2023-04-18", "22:30")
    assert page.author == "سارة أحمد"
    assert page.source == "وكالة الأنباء السعودية"
    assert page.urls == ["https://example.com/news/123"]
    assert page.paragraphs == [
        "وصل وزير الخارجية السعودي الأمير فيصل بن فرحان إلى دمشق، اليوم الثلاثاء، في أول زيارة "
        "لمسؤول سعودي رفيع منذ اندلاع الحرب.",
        'وقال مصدر دبلوماسي: "الزيارة تمهد لعودة سوريا إلى الجامعة العربية".',
        "أبعاد الزيارة",
        "وكان الرئيس السوري قد زار الإمارات في آذار/مارس الماضي، والتقى رئيس الدولة.",
    ]


def test_real_lines_that_look_like_widgets_survive():
    text = (
        "قمة موسكو\n\nشارك الرئيس في القمة\n\nالتعليقات الرسمية على القمة\n\n"
        "كتب الرئيس رسالة إلى نظيره، وقال فيها إن العلاقات قوية.\n\nتابعونا على تويتر\n\nشارك"
    )
    page = clean_page(text)
    assert page.title == "قمة موسكو"
    assert page.paragraphs == [
        "شارك الرئيس في القمة",
        "التعليقات الرسمية على القمة",
        "كتب الرئيس رسالة إلى نظيره، وقال فيها إن العلاقات قوية.",
    ]
    assert page.author is None


def test_cut_marker_before_the_body_drops_only_its_line():
    text = "عنوان الخبر الرئيسي اليوم\nالأكثر قراءة\nقال الوزير إن المحادثات، التي بدأت أمس، ناجحة."
    page = clean_page(text)
    assert page.paragraphs == ["قال الوزير إن المحادثات، التي بدأت أمس، ناجحة."]


def test_plain_article_is_left_alone():
    text = (
        "قمة ثلاثية\n\nاجتمع القادة الثلاثة في العاصمة، وناقشوا الملفات العالقة.\n\n"
        "وانتهت القمة."
    )
    page = clean_page(text)
    assert page.text == text
    assert page.dropped == []


def test_a_single_line_page_keeps_its_line():
    assert clean_page("مرحبا").text == "مرحبا"
    assert clean_page("A A\nsearch").text  # nothing looks like a headline: keep every line


_LINES = st.sampled_from(
    [
        "عنوان خبر طويل عن قمة بوتين والأسد في موسكو",
        "أخبار",
        "14 أيلول 2021 08:39",
        "A A",
        "قال الرئيس إن العلاقات، كما يرى الخبراء، جيدة جدا بين البلدين.",
        "مقالات ذات صلة",
        "https://example.com/x",
        "المغرب اليوم -",
        "حبيبة وائل",
        "",
        "  ",
        "لقاء طويل",
        "المصدر: وكالات",
        "جميع الحقوق محفوظة ©",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_LINES, st.text(max_size=40)), min_size=1, max_size=25))
def test_properties_on_random_pages(lines):
    raw = "\n".join(lines)
    page = clean_page(raw)
    assert clean_page(raw) == page  # deterministic
    stripped = {line.strip() for line in raw.split("\n")}
    for paragraph in [page.title, *page.paragraphs]:
        assert paragraph in stripped
        assert paragraph.strip() == paragraph
    if raw.strip():
        assert page.text.strip()
    assert "\n\n\n" not in page.text


def test_a_huge_single_line_is_kept_whole():
    """The title is part of the text: a 1 MB first line must not be shortened or lost."""
    line = "كلمة " * 200_000
    page = clean_page(line + "\nسطر ثان.")
    assert page.title == line.strip()
    assert page.text == line.strip() + "\n\nسطر ثان."


def test_one_word_headline_versus_one_word_label():
    body = "جرت الانتخابات اليوم في أجواء هادئة، وفق المراقبين."
    assert clean_page(f"انتخابات\n{body}").title == "انتخابات"
    labelled = clean_page(f"سوريا\nوزير الخارجية يصل إلى دمشق\n{body}")
    assert labelled.title == "وزير الخارجية يصل إلى دمشق"
    assert "سوريا" not in labelled.text
