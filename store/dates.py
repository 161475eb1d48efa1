"""Dates as Arabic news writes them, parsed into ISO strings for sorting.

Scraped pages mix Levantine month names (أيلول), Egyptian/Gulf ones (سبتمبر), Maghrebi ones
(شتنبر, جويلية), both at once (أيلول/سبتمبر), Arabic-Indic or Persian digits, weekday
prefixes and numeric forms. Matching runs on the normalization key of ``store.arabic`` (no
harakat or tatweel, one alef, ASCII digits) and maps back to the raw substring, so a caller
can show or cut exactly what was recognised.

Only what is written is parsed: a day and month without a year ("15 يوليو الجاري") is not a
date here, numeric dates are day-first (15/03/2023) as in Arabic usage and are never
re-read month-first, two-digit years are refused, and an impossible day gives ``None``.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from store.arabic import key_span_to_text_span, normalize, normalize_key

# Month names in key form (no hamza on alef, ى→ي, ة→ه, no harakat, lower-case Latin).
_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        # Levantine / Iraqi (Syriac) | Egyptian & Gulf | Maghreb | Algeria & Tunisia | English
        "كانون الثاني|كانون ثاني|يناير|جانفي|january|jan",
        "شباط|فبراير|فيفري|february|feb",
        "اذار|مارس|march|mar",
        "نيسان|ابريل|افريل|april|apr",
        "ايار|مايو|ماي|may",
        "حزيران|يونيو|يونيه|جوان|june|jun",
        "تموز|يوليو|يوليه|يوليوز|جويليه|july|jul",
        "اب|اغسطس|اغشت|غشت|اوت|august|aug",
        "ايلول|سبتمبر|شتنبر|september|sept|sep",
        "تشرين الاول|تشرين اول|اكتوبر|october|oct",
        "تشرين الثاني|تشرين ثاني|نوفمبر|نونبر|november|nov",
        "كانون الاول|كانون اول|ديسمبر|دجنبر|december|dec",
    ),
    start=1,
):
    for _name in _names.split("|"):
        _MONTHS[_name] = _number

_WEEKDAYS = ("الاحد", "الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "السبت")

_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
# A month name is a whole word; two names may be combined ("أيلول/سبتمبر",
# "كانون الثاني / يناير", "سبتمبر (أيلول)") and must then agree.
_MONTH_GROUP = (
    rf"(?<!\w)(?P<m1>{_MONTH_ALT})(?!\w)"
    rf"(?:\s*[/\\|\-–]\s*(?P<m2>{_MONTH_ALT})(?!\w)|\s*\(\s*(?P<m3>{_MONTH_ALT})\s*\))?"
)
_WEEKDAY = rf"(?:يوم\s+)?(?:{'|'.join(_WEEKDAYS)})(?!\w)\s*[,،]?\s*"
_YEAR = r"(?P<y>\d{4})(?!\d)"
_DAY = r"(?<!\d)(?P<d>\d{1,2})(?!\d)"

_PATTERNS: tuple[re.Pattern[str], ...] = (
    # [weekday] 14 [من] [شهر] أيلول[/سبتمبر] [،] [عام] 2021
    re.compile(
        rf"(?:{_WEEKDAY})?{_DAY}\s*(?:من\s+)?(?:شهر\s+)?{_MONTH_GROUP}"
        rf"\s*[,،]?\s*(?:(?:عام|سنه|لعام|لسنه)\s+)?{_YEAR}"
    ),
    # 2019 السبت ,19 كانون الثاني / يناير   (year first, as in "GMT 05:17 2019 …" datelines)
    re.compile(rf"(?<!\d){_YEAR}\s*[,،]?\s*(?:{_WEEKDAY})?{_DAY}\s*{_MONTH_GROUP}"),
    # [weekday] 15/03/2023, 15-03-2023, 15.03.2023 (day first)
    re.compile(
        rf"(?:{_WEEKDAY})?(?<![\d/.\-])(?P<d>\d{{1,2}})(?P<sep>[/.\-])(?P<m>\d{{1,2}})"
        rf"(?P=sep){_YEAR}"
    ),
    # 2023-03-15, 2023/03/15 (year first, ISO order)
    re.compile(
        r"(?<![\d/.\-])(?P<y>\d{4})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"
    ),
)

_TIME = re.compile(
    r"(?<![\d:])(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?![\d:])"
    r"(?:\s*(?P<ap>صباحا|مساء|ص|م|am|pm|a\.m\.|p\.m\.)(?!\w))?"
)
# What may stand between a date and its time: separators, "الساعة", "GMT", "بتوقيت …".
_DATE_TIME_GAP = re.compile(
    r"[\s,،\-–|/]*(?:(?:الساعه|الساعة|gmt|utc|في|بتوقيت(?:\s+\w+)?|t)[\s,،\-–|/]*)*"
)
# A trailing "هـ" marks a Hijri year; its month numbers are not Gregorian.
_HIJRI = re.compile(r"\s*ه(?!\w)")

_MIN_YEAR, _MAX_YEAR = 1000, 2999
# Every date form has digits (ASCII, Arabic-Indic or Persian): a fast way to skip prose.
_DIGIT = re.compile("[0-9\u0660-\u0669\u06f0-\u06f9]")


@dataclass(frozen=True)
class ParsedDate:
    """A date found in a string: ``date`` is ISO ``YYYY-MM-DD``, ``time`` ``HH:MM[:SS]``
    (24-hour) when one is written beside it, ``raw`` the exact substring recognised and
    ``start``/``end`` its code point offsets in the string searched."""

    date: str
    time: str | None
    raw: str
    start: int
    end: int


def _month(match: re.Match[str]) -> int | None:
    if match.groupdict().get("m") is not None:
        return int(match["m"])
    first = _MONTHS[match["m1"]]
    other = match["m2"] or match["m3"]
    if other is not None and _MONTHS[other] != first:
        return None  # "أيلول/أكتوبر": contradictory, do not pick one
    return first


def _valid_date(match: re.Match[str], key: str) -> str | None:
    year = int(match["y"])
    month = _month(match)
    if month is None or not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    if _HIJRI.match(key, match.end()):
        return None
    try:
        return _dt.date(year, month, int(match["d"])).isoformat()
    except ValueError:
        return None


def _valid_time(match: re.Match[str]) -> str | None:
    hour, minute = int(match["h"]), int(match["mi"])
    second = match["s"]
    marker = match["ap"]
    if marker is not None:
        if not 1 <= hour <= 12:
            return None
        evening = marker in ("م", "مساء", "pm", "p.m.")
        hour = hour % 12 + (12 if evening else 0)
    if hour > 23 or minute > 59 or (second is not None and int(second) > 59):
        return None
    return f"{hour:02d}:{minute:02d}" + (f":{second}" if second is not None else "")


def _candidates(key: str) -> list[tuple[int, int, str]]:
    """Every valid date match as (key start, key end, iso), earliest first, longest first."""
    found: list[tuple[int, int, str]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(key):
            iso = _valid_date(match, key)
            if iso is not None:
                found.append((match.start(), match.end(), iso))
    found.sort(key=lambda c: (c[0], -c[1]))
    return found


def _adjacent_time(key: str, start: int, end: int) -> tuple[int, int, str] | None:
    """A time written right after the date, or right before it ("GMT 07:39 2026 …")."""
    for match in _TIME.finditer(key):
        if match.start() >= end:
            gap = key[end : match.start()]
        elif match.end() <= start:
            gap = key[match.end() : start]
        else:
            continue
        if len(gap) <= 24 and _DATE_TIME_GAP.fullmatch(gap):
            time = _valid_time(match)
            if time is not None:
                return match.start(), match.end(), time
    return None


def parse_date(s: str) -> ParsedDate | None:
    """The first valid date written in ``s`` (with its adjacent time), else ``None``."""
    if not s or _DIGIT.search(s) is None:
        return None
    if not _candidates(normalize(s)):  # cheap key first; the index map only for a hit
        return None
    if s.isascii():  # "2023-03-15T08:39:00Z" from JSONL metadata: nothing to fold
        key, index = s.lower(), list(range(len(s) + 1))
    else:
        key, index = normalize_key(s)
    for start, end, iso in _candidates(key):
        time = _adjacent_time(key, start, end)
        lo, hi = start, end
        if time is not None:
            lo, hi = min(lo, time[0]), max(hi, time[1])
        raw_start, raw_end = key_span_to_text_span(index, lo, hi, s)
        return ParsedDate(
            iso, time[2] if time else None, s[raw_start:raw_end], raw_start, raw_end
        )
    return None


def parse_time(s: str) -> str | None:
    """The first valid clock time in ``s`` as ``HH:MM[:SS]`` (24-hour), else ``None``."""
    key, _ = normalize_key(s)
    for match in _TIME.finditer(key):
        time = _valid_time(match)
        if time is not None:
            return time
    return None


# Words that may surround a date on a header line without making it a sentence.
_DATE_LINE_FILLER = re.compile(
    r"(?<!\w)(?:gmt|utc|نشر|نشرت|تم النشر|تاريخ النشر|التاريخ|بتاريخ|في|اخر تحديث|تحديث|"
    r"محدث|بتوقيت|الساعه|منذ|يوم|published|updated|on|at)(?!\w)"
    rf"|(?<!\w)(?:{'|'.join(_WEEKDAYS)})(?!\w)"
)
_WORD = re.compile(r"\w+")
# Longer lines are body text, never a dateline; also bounds the work on hostile input.
MAX_DATE_LINE = 120


def date_line(line: str, max_extra_words: int = 2) -> ParsedDate | None:
    """The date of a line that is essentially a dateline, ``None`` for a sentence that
    merely mentions a date ("وفي 15 مارس 2023 قال …" is body text, not the article's date)."""
    if len(line) > MAX_DATE_LINE:
        return None
    parsed = parse_date(line)
    if parsed is None:
        return None
    rest = line[: parsed.start] + " " + line[parsed.end :]
    rest_key, _ = normalize_key(rest)
    rest_key = _TIME.sub(" ", rest_key)
    rest_key = _DATE_LINE_FILLER.sub(" ", rest_key)
    words = [w for w in _WORD.findall(rest_key) if not w.isdigit() or len(w) > 2]
    return parsed if len(words) <= max_extra_words else None


def find_date(text: str, max_lines: int = 12) -> ParsedDate | None:
    """The date of the first dateline among the first ``max_lines`` non-empty lines.

    Offsets of the result are relative to that line. This is the header scan used for
    articles whose date is not given as metadata.
    """
    seen = 0
    for line in text.split("\n", 200):
        if not line.strip():
            continue
        seen += 1
        if seen > max_lines:
            break
        parsed = date_line(line.strip())
        if parsed is not None:
            return parsed
    return None
