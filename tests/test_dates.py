"""Arabic news dates into ISO: month-name families, digits, combined names, times."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.dates import date_line, find_date, parse_date, parse_time

LEVANTINE = [
    "كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران",
    "تموز", "آب", "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول",
]
EGYPTIAN = [
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
    "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
]
VARIANTS = {4: ["إبريل", "ابريل"], 6: ["يونيه"], 7: ["يوليه"], 10: ["اكتوبر"]}
WEEKDAYS = ["الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"]


@pytest.mark.parametrize(
    ("text", "iso", "time"),
    [
        ("14 أيلول 2021 08:39", "2021-09-14", "08:39"),
        ("الجمعة، 18 أكتوبر 2024", "2024-10-18", None),
        ("15/03/2023", "2023-03-15", None),
        ("15-03-2023", "2023-03-15", None),
        ("15.03.2023", "2023-03-15", None),
        ("2023-03-15", "2023-03-15", None),
        ("2023/03/15", "2023-03-15", None),
        ("2023-03-15T08:39:00Z", "2023-03-15", "08:39:00"),
        ("١٤ أيلول ٢٠٢١", "2021-09-14", None),
        ("۱۵/۰۳/۲۰۲۳", "2023-03-15", None),
        ("14 أيلول/سبتمبر 2021", "2021-09-14", None),
        ("1 كانون الثاني / يناير 2020", "2020-01-01", None),
        ("23 إبريل / نيسان 2019", "2019-04-23", None),
        ("5 سبتمبر (أيلول) 2015", "2015-09-05", None),
        ("الخميس 5 مايو 2022 - 9:30 م", "2022-05-05", "21:30"),
        ("الأحد، ٣ آذار ٢٠٢٤ الساعة ١٠:١٥ صباحاً", "2024-03-03", "10:15"),
        ("يوم الإثنين 1 يونيه 2020", "2020-06-01", None),
        ("14 من شهر تموز عام 2022", "2022-07-14", None),
        ("GMT 05:17 2019 السبت ,19 كانون الثاني / يناير", "2019-01-19", "05:17"),
        ("7 شتنبر 2021", "2021-09-07", None),
        ("4 جويلية 2023", "2023-07-04", None),
        ("12:00 م 1 آب 2020", "2020-08-01", "12:00"),
        ("29 فبراير 2024", "2024-02-29", None),
        ("نُشر في ١٨ تشرين الأول ٢٠٢٤", "2024-10-18", None),
    ],
)
def test_forms(text, iso, time):
    parsed = parse_date(text)
    assert parsed is not None, text
    assert parsed.date == iso
    assert parsed.time == time
    assert text[parsed.start : parsed.end] == parsed.raw
    assert parsed.raw in text


@pytest.mark.parametrize(
    "text",
    [
        "15 يوليو الجاري",  # no year: not guessed
        "في أيلول/سبتمبر 2021",  # no day
        "31/02/2023",
        "30 شباط 2024",
        "29 فبراير 2023",
        "15/13/2023",
        "03/15/2023",  # month-first is not read
        "15/03/23",  # two-digit year
        "14 أيلول/أكتوبر 2021",  # contradictory combined names
        "15/03/1445 هـ",  # Hijri
        "آخر تحديث GMT 14:05:42",
        "08:44 ص",
        "",
        "بلا تاريخ على الإطلاق",
    ],
)
def test_not_a_date(text):
    assert parse_date(text) is None


def test_raw_includes_weekday_and_trailing_mark():
    parsed = parse_date("نشر الجمعة، 18 أكتوبر 2024 الساعة 08:44 صباحاً وانتهى")
    assert parsed is not None
    assert parsed.raw == "الجمعة، 18 أكتوبر 2024 الساعة 08:44 صباحاً"
    assert parsed.time == "08:44"


def test_far_time_is_not_attached():
    parsed = parse_date("14 أيلول 2021 وقال الرئيس في كلمته إن الموعد 08:39")
    assert parsed is not None and parsed.time is None


def test_invalid_first_date_does_not_hide_a_valid_one():
    parsed = parse_date("31/02/2023 ثم 01/03/2023")
    assert parsed is not None and parsed.date == "2023-03-01"


def test_parse_time():
    assert parse_time("08:44 ص") == "08:44"
    assert parse_time("٠٨:٤٤ م") == "20:44"
    assert parse_time("12:05 ص") == "00:05"
    assert parse_time("14:05:42") == "14:05:42"
    assert parse_time("25:00") is None
    assert parse_time("13:00 م") is None


def test_date_line_accepts_datelines_and_refuses_sentences():
    assert date_line("الجمعة، 18 أكتوبر 2024").date == "2024-10-18"
    assert date_line("نشر في: الثلاثاء، ١٨ نيسان ٢٠٢٣ - ١٠:٣٠ م").time == "22:30"
    assert date_line("وفي حديثه للصحفيين في 15 مارس 2023 قال الأسد إن العلاقات جيدة") is None


def test_find_date_scans_the_header_only():
    text = "أخبار\n\nعنوان الخبر هنا\n\n14 أيلول 2021 08:39\n\nنص الخبر."
    parsed = find_date(text)
    assert parsed is not None and (parsed.date, parsed.time) == ("2021-09-14", "08:39")
    late = "\n".join(["سطر من النص"] * 20 + ["14 أيلول 2021"])
    assert find_date(late) is None
    assert find_date("وقال الرئيس في 15 مارس 2023 إن الزيارة مهمة جدا للبلدين والمنطقة") is None


# --- property: every digit system and month family gives the same date -------------------

_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _month_names(month: int) -> list[str]:
    lev, egy = LEVANTINE[month - 1], EGYPTIAN[month - 1]
    return [lev, egy, f"{lev}/{egy}", f"{lev} / {egy}", f"{egy} / {lev}", *VARIANTS.get(month, [])]


@st.composite
def written_dates(draw):
    day = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
    form = draw(st.sampled_from(["name", "dmy", "iso"]))
    if form == "name":
        month = draw(st.sampled_from(_month_names(day.month)))
        weekday = draw(st.sampled_from(["", *(w + "، " for w in WEEKDAYS)]))
        text = f"{weekday}{day.day} {month} {day.year}"
    elif form == "dmy":
        sep = draw(st.sampled_from("/-."))
        d = f"{day.day:02d}" if draw(st.booleans()) else str(day.day)
        text = f"{d}{sep}{day.month:02d}{sep}{day.year}"
    else:
        text = day.isoformat()
    return day, text


@settings(max_examples=200)
@given(written_dates(), st.sampled_from(["ascii", "arabic", "persian"]))
def test_digit_systems_are_equivalent(sample, digits):
    day, ascii_text = sample
    table = {"ascii": None, "arabic": _ARABIC_INDIC, "persian": _PERSIAN}[digits]
    text = ascii_text.translate(table) if table else ascii_text
    parsed = parse_date(text)
    assert parsed is not None, text
    assert parsed.date == day.isoformat()
    assert parsed.raw == text
    assert parse_date(ascii_text).date == parsed.date


@settings(max_examples=100)
@given(st.integers(1, 12), st.integers(29, 31), st.integers(1900, 2100))
def test_impossible_days_are_none(month, day, year):
    try:
        dt.date(year, month, day)
    except ValueError:
        assert parse_date(f"{day} {EGYPTIAN[month - 1]} {year}") is None
        assert parse_date(f"{day}/{month:02d}/{year}") is None
    else:
        parsed = parse_date(f"{day} {LEVANTINE[month - 1]} {year}")
        assert parsed.date == f"{year}-{month:02d}-{day}"
