"""Cleaning of scraped news pages: title, metadata and body out of site furniture.

A scraped page is its article wrapped in the site: section labels and datelines above the
headline, font-size buttons, captions, share bars, "related articles", comment forms,
prayer-time tables and copyright footers below it. The reader and every annotation work on
the cleaned text, so cleaning must keep every real body sentence and drop the rest, the same
way every time (``CLEANING_VERSION`` goes into the metadata, so a later change of these rules
shows up as drift instead of silently moving annotations).

The rules are keyword lists and structural cues meant for Arabic news sites in general, not
for the five seeds: before the headline only labels, dates and site names; a cut-off marker
("مقالات ذات صلة", "قد يهمك أيضا", a copyright line …) ends the body; lines without Arabic
letters, share/follow bars and form fields are dropped wherever they stand; duplicates of the
title and doubled captions are dropped; short lines without sentence punctuation after the
last sentence are footer residue. Anything not recognised stays in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from store.arabic import normalize
from store.dates import ParsedDate, date_line, parse_date, parse_time
from store.versions import CLEANING_VERSION  # the rules' version, importable from here too

# Lines longer than this are body text; no furniture rule looks at them (and hostile
# megabyte lines cost one length check).
_LONG_LINE = 600
# How many lines after the title may still hold header items (date, author, captions).
_HEADER_LINES = 12

_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]")
_SENTENCE_PUNCT = re.compile("[.،,؛;!?؟:…]")
_ENDS_SENTENCE = re.compile(r"\w[.!?؟…]+[\"”»)]*$")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'“”«»]+", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_DASH_SPLIT = re.compile(r"\s+[-–—|]\s+")
_TRAILING_DASH = re.compile(r"^(?P<name>.{2,60}?)\s*[-–—|:]$")


def _keys(*phrases: str) -> tuple[str, ...]:
    return tuple(normalize(p) for p in phrases)


# Start of a short line that ends the article: everything after it is the site.
_CUT_MARKERS = _keys(
    "مقالات ذات صلة", "مقالات مشابهة", "مقالات متعلقة", "أخبار ذات صلة", "أخبار متعلقة",
    "مواضيع ذات صلة", "مواضيع متعلقة", "موضوعات ذات صلة", "موضوعات متعلقة", "اقرأ في",
    "قد يهمك", "قد يعجبك", "ننصحك بقراءة", "الأكثر قراءة", "الأكثر مشاهدة", "الأكثر تداولا",
    "الأكثر تعليقا", "الأكثر شعبية", "آخر الأخبار", "أحدث الأخبار", "المزيد من الأخبار",
    "زر الذهاب إلى الأعلى", "العودة إلى الأعلى", "الذهاب إلى الأعلى", "إلى الأعلى",
    "مواقيت الصلاة", "جميع الحقوق محفوظة", "حقوق النشر محفوظة", "كل الحقوق محفوظة",
    "أضف تعليق", "اترك تعليقا", "اترك ردا", "التعليقات", "تعليقات القراء", "الإسم *",
    "الاسم *", "Related articles", "Related posts", "Leave a comment", "Comments",
    "Back to top",
)
# Anywhere in a short line: a footer.
_FOOTER_TOKENS = _keys(
    "©", "all rights reserved", "maintained and developed by", "powered by",
    "جميع الحقوق محفوظة", "حقوق النشر",
)
# Start of a short line of share/follow/print/font-size widgets and comment-form fields.
_WIDGET_STARTS = _keys(
    "تابعونا", "تابعنا", "شارك", "شاركها", "شاركوا", "مشاركة", "رابط مختصر", "الرابط المختصر",
    "انسخ الرابط", "نسخ الرابط", "طباعة", "اطبع", "حجم الخط", "تكبير الخط", "تصغير الخط",
    "اشترك", "للاشتراك", "فيسبوك", "فيس بوك", "تويتر", "واتساب", "واتس اب", "تيليجرام",
    "تلغرام", "انستغرام", "يوتيوب", "لينكدإن", "أرسل لصديق", "تعليق", "إلزامي",
    "اوافق على شروط", "شروط الاستخدام", "البريد الإلكتروني", "البريد الألكتروني",
    "عنوان التعليق",
)
# What may follow a widget word on its line ("تابعونا على تويتر", "شارك الخبر عبر واتساب");
# any other word makes it prose ("شارك الرئيس في القمة").
_WIDGET_FILLER = frozenset(
    _keys(
        "على", "عبر", "في", "من", "الخبر", "المقال", "الموضوع", "هذا", "معنا", "الآن",
        "صفحتنا", "قناتنا", "حساباتنا", "مواقع", "التواصل", "الاجتماعي", "فيسبوك", "تويتر",
        "واتساب", "تيليجرام", "تلغرام", "انستغرام", "يوتيوب", "إكس", "جوجل", "نيوز",
        "الاستخدام", "الأستخدام", "النشر", "الرابط", "*", ":", "-", "|",
    )
)
# A short line that starts with these links to another article.
_SEE_ALSO = _keys("اقرأ أيضا", "اقرأ ايضا", "اقرأ المزيد", "شاهد أيضا", "طالع أيضا", "اقرأ كذلك")
# Section labels and breadcrumbs above the headline.
_SECTION_LABELS = frozenset(
    _keys(
        "أخبار", "الأخبار", "الرئيسية", "الصفحة الرئيسية", "عاجل", "خبر عاجل", "سياسة",
        "السياسة", "اقتصاد", "الاقتصاد", "رياضة", "الرياضة", "ثقافة", "الثقافة", "منوعات",
        "محليات", "محلي", "دولي", "دوليات", "عربي", "عربي ودولي", "عربي و دولي", "العالم",
        "عالمي", "تقارير", "تقرير", "تحقيقات", "مقالات", "رأي", "الرأي", "آراء", "فيديو",
        "صور", "أخبار عربية", "أخبار دولية", "أخبار محلية", "أخبار العالم", "شؤون عربية",
        "شؤون دولية", "الشرق الأوسط", "سياسة دولية", "News", "Home", "World", "Politics",
    )
)
_SOURCE_LINE = re.compile(r"^\s*(?:المصدر|مصدر الخبر|مصدر|source)\s*[:：\-–]\s*(?P<v>.+)$")
# "بقلم فلان" anywhere; the other words also start sentences, so they need a colon.
_AUTHOR_LINE = re.compile(
    r"^\s*(?:بقلم\s*[:：\-–]?|(?:كتب|كتبت|اعداد|تحرير|تقرير|المحرر|مراسل|by)\s*[:：])"
    r"\s*(?P<v>.+)$"
)
_UPDATED = _keys("آخر تحديث", "تم التحديث", "محدث", "last updated", "updated")
# Function words that put a short header line among headings, never among bylines.
_NOT_IN_NAMES = frozenset(
    _keys("في", "على", "من", "إلى", "عن", "مع", "بين", "حول", "بعد", "قبل", "هل", "ماذا", "كيف",
          "لماذا", "و", "أو", "لا", "لم", "لن", "قد", "هذا", "هذه", "تحت", "ضد", "منذ")
)
_TIME_LINE_FILLER = re.compile(r"(?<!\w)(?:gmt|utc|الساعه|ص|م|صباحا|مساء|am|pm)(?!\w)")


@dataclass
class CleanedPage:
    """A cleaned page: its reading text is ``text`` (title, blank line, paragraphs)."""

    title: str
    paragraphs: list[str]
    date: str | None = None
    time: str | None = None
    date_raw: str | None = None
    url: str | None = None
    source: str | None = None
    author: str | None = None
    urls: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    dateline: str | None = None
    # (1-based raw line number, rule, line): why each non-empty line left the text.
    dropped: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join([self.title, *self.paragraphs]) if self.title else "\n\n".join(
            self.paragraphs
        )

    def metadata(self) -> dict[str, Any]:
        """The extra metadata kept beside the text (for ``ArticleMeta.extra``)."""
        extra: dict[str, Any] = {"urls": list(self.urls), "cleaning_version": CLEANING_VERSION}
        if self.captions:
            extra["captions"] = list(self.captions)
        if self.dateline:
            extra["dateline"] = self.dateline
        return extra


@dataclass
class _Line:
    number: int
    text: str
    key: str
    words: int

    @property
    def long(self) -> bool:
        return len(self.text) > _LONG_LINE


def _sentence_like(line: _Line) -> bool:
    """Body prose: enough words and sentence punctuation (captions and headings have none)."""
    return line.long or line.words >= 20 or (
        line.words >= 6 and _SENTENCE_PUNCT.search(line.text) is not None
    )


def _starts_with(key: str, prefixes: tuple[str, ...]) -> bool:
    for prefix in prefixes:
        if key.startswith(prefix):
            rest = key[len(prefix) : len(prefix) + 1]
            if not rest or not rest.isalnum():
                return True
    return False


def _is_cut_marker(line: _Line) -> bool:
    if line.long or line.words > 12:
        return False
    if line.words <= 10:
        for marker in _CUT_MARKERS:
            if _starts_with(line.key, (marker,)):
                if " " in marker.strip(" *"):
                    return not line.text.rstrip().endswith(".")
                # A one-word marker ("التعليقات") only as the whole line, maybe with a count.
                return not _WORD.findall(re.sub(r"\d+", "", line.key[len(marker) :]))
    return any(token in line.key for token in _FOOTER_TOKENS)


def _is_widget(line: _Line) -> bool:
    if line.words > 6 or _sentence_like(line):
        return False
    for prefix in _WIDGET_STARTS:
        if _starts_with(line.key, (prefix,)):
            rest = line.key[len(prefix) :].replace(":", " ").replace("*", " ").split()
            if all(w in _WIDGET_FILLER or w.isascii() for w in rest):
                return True
    # Font-size buttons: "A A", "أ أ", "A- A+", "ع ع".
    tokens = line.key.split()
    return len(tokens) >= 2 and all(len(t.strip("+-")) <= 1 for t in tokens)


def _is_form_field(line: _Line) -> bool:
    return line.words <= 5 and line.text.rstrip().endswith("*")


def _is_see_also(line: _Line) -> bool:
    return line.words <= 20 and _starts_with(line.key, _SEE_ALSO)


def _no_arabic(line: _Line) -> bool:
    """Short lines without an Arabic letter are site chrome on an Arabic page (site names in
    Latin, "search", "A A", addresses, ad slugs); a longer Latin passage is kept."""
    return line.words <= 12 and _ARABIC_LETTER.search(line.text) is None


def _url_only(line: _Line) -> list[str] | None:
    if line.long:
        return None
    urls = _URL.findall(line.text)
    if urls and not _URL.sub(" ", line.text).strip(" \t-–|•·,،"):
        return urls
    return None


def _time_only(line: _Line) -> str | None:
    if line.words > 4:
        return None
    time = parse_time(line.text)
    if time is None:
        return None
    rest = re.sub(r"\d{1,2}:\d{2}(?::\d{2})?", " ", line.key)
    rest = _TIME_LINE_FILLER.sub(" ", rest)
    return time if not _WORD.findall(rest) else None


def _is_section_label(line: _Line) -> bool:
    if line.words <= 4 and line.key.strip(" -–|:") in _SECTION_LABELS:
        return True
    # Breadcrumbs: "الرئيسية > أخبار > سوريا".
    return line.words <= 10 and len(re.findall(r"[>»›|]", line.text)) >= 2


def _trim(raw: str) -> str:
    """A line without surrounding whitespace or byte-order marks: a BOM left at the start
    of a line by concatenated files would otherwise open the article text, and the next
    canonicalisation (which drops leading BOMs) would shift every offset by one."""
    return raw.strip().strip("\ufeff").strip()


class _Cleaner:
    def __init__(self, text: str):
        self.lines = [
            _Line(n, line, normalize(line) if len(line) <= _LONG_LINE else "",
                  len(line.split()) if len(line) <= _LONG_LINE else _LONG_LINE)
            for n, line in enumerate(map(_trim, text.split("\n")), start=1)
            if line
        ]
        self.page = CleanedPage(title="", paragraphs=[])
        self.site_names = self._site_names()
        self.title_key = ""
        self.pending_time: str | None = None
        self.updated: ParsedDate | None = None
        self.kept_numbers: list[int] = []

    # -- page-wide cues -------------------------------------------------------------------

    def _site_names(self) -> set[str]:
        """Site names: short lines ending in a dash ("المغرب اليوم -") or short phrases
        repeated on their own lines; lines made of them are furniture."""
        names: set[str] = set()
        counts: dict[str, int] = {}
        for line in self.lines:
            if line.long or line.words > 4:
                continue
            match = _TRAILING_DASH.match(line.key)
            if match and not _SENTENCE_PUNCT.search(match["name"]):
                names.add(match["name"].strip())
            if not _SENTENCE_PUNCT.search(line.key) and not line.key.isdigit():
                counts[line.key] = counts.get(line.key, 0) + 1
        names.update(k for k, c in counts.items() if c >= 2 and not _time_or_date(k))
        return {n for n in names if n}

    def _strip_site(self, key: str) -> str:
        """``key`` without site names and the separators around them."""
        for name in sorted(self.site_names, key=len, reverse=True):
            key = key.replace(name, " ")
        return key.strip(" -–—|:")

    def _is_site_line(self, line: _Line) -> bool:
        return bool(self.site_names) and not line.long and not self._strip_site(line.key)

    def _is_title_copy(self, line: _Line) -> bool:
        """The headline again: alone, doubled, or behind a "SiteName - " prefix."""
        if line.long or not self.title_key:
            return False
        if line.key == self.title_key:
            return True
        if self.title_key not in line.key or len(self.title_key.split()) < 3:
            return False
        rest = self._strip_site(line.key.replace(self.title_key, " ")).strip()
        return len(rest.split()) <= 4 and not _SENTENCE_PUNCT.search(rest)

    def _drop(self, line: _Line, rule: str) -> None:
        self.page.dropped.append((line.number, rule, line.text))

    def _take_date(self, parsed: ParsedDate) -> None:
        if self.page.date is None:
            self.page.date, self.page.time, self.page.date_raw = (
                parsed.date, parsed.time, parsed.raw
            )
            if self.page.time is None and self.pending_time is not None:
                self.page.time = self.pending_time

    def _take_time(self, time: str) -> None:
        if self.page.date is not None and self.page.time is None:
            self.page.time = time
        elif self.page.date is None:
            self.pending_time = time

    # -- the passes -----------------------------------------------------------------------

    def run(self) -> CleanedPage:
        start = self._find_title()
        if start is None:
            return self._fallback()
        self._body(start)
        self._trim_tail()
        if self.page.date is None and self.updated is not None:
            self._take_date(self.updated)
        return self.page

    def _common_furniture(self, line: _Line) -> str | None:
        """Rules that hold anywhere on the page; the rule name, or None to keep looking."""
        if line.long:
            return None
        urls = _url_only(line)
        if urls is not None:
            self.page.urls.extend(u for u in urls if u not in self.page.urls)
            return "url"
        if _starts_with(line.key, _UPDATED):
            parsed = parse_date(line.text)
            if parsed is not None and self.updated is None:
                self.updated = parsed
            return "updated"
        if _no_arabic(line):
            return "no-arabic"
        if _is_widget(line):
            return "widget"
        if _is_form_field(line):
            return "form-field"
        if _is_see_also(line):
            return "see-also"
        if self._is_site_line(line):
            return "site-name"
        return None

    def _find_title(self) -> int | None:
        """Index of the headline: the first line that is not a label, date or site chrome.

        A one-word line is a section label when a longer headline follows it, but the
        headline itself when the body comes next.
        """
        single_words: list[int] = []
        for index, line in enumerate(self.lines):
            parsed = date_line(line.text)
            if parsed is not None:
                self._take_date(parsed)
                self._drop(line, "date")
                continue
            time = _time_only(line)
            if time is not None:
                self._take_time(time)
                self._drop(line, "time")
                continue
            rule = self._common_furniture(line)
            if rule is None and _is_cut_marker(line):
                rule = "cut-marker"
            if rule is None and _is_section_label(line):
                rule = "section-label"
            if rule is not None:
                self._drop(line, rule)
                continue
            if line.words <= 1:
                single_words.append(index)
                continue
            chosen = single_words[0] if single_words and _sentence_like(line) else index
            return self._set_title(chosen, single_words)
        if single_words:
            return self._set_title(single_words[0], single_words)
        return None

    def _set_title(self, chosen: int, single_words: list[int]) -> int:
        for index in single_words:
            if index < chosen:
                self._drop(self.lines[index], "section-label")
        line = self.lines[chosen]
        self.page.title = line.text  # never shortened: the title is part of the text
        self.title_key = line.key
        return chosen + 1

    def _fallback(self) -> CleanedPage:
        """Nothing looked like a headline: keep every line rather than return nothing."""
        self.page = CleanedPage(title="", paragraphs=[])
        self.page.title = self.lines[0].text if self.lines else ""
        self.page.paragraphs = [line.text for line in self.lines[1:]]
        return self.page

    def _doubled(self) -> set[int]:
        """Indexes of lines repeated on the next non-empty line that are not prose: an image's
        alt text and caption, which sites print one under the other."""
        doubled: set[int] = set()
        for i in range(len(self.lines) - 1):
            a, b = self.lines[i], self.lines[i + 1]
            if not a.long and a.key == b.key and not _sentence_like(a):
                doubled.update((i, i + 1))
        return doubled

    def _header_date(self, line: _Line) -> bool:
        """A date or time line between the headline and the body: the article's date."""
        parsed = date_line(line.text)
        if parsed is not None:
            self._take_date(parsed)
            self._drop(line, "date")
            return True
        time = _time_only(line)
        if time is not None:
            self._take_time(time)
            self._drop(line, "time")
            return True
        return False

    def _header_item(self, line: _Line) -> bool:
        """Section label and author lines between the headline and the body."""
        if line.words > 6 or _SENTENCE_PUNCT.search(line.text.rstrip(":")) or re.search(
            r"\d", line.text
        ):
            return False
        if _is_section_label(line):
            self._drop(line, "section-label")
            return True
        parts = _DASH_SPLIT.split(line.text)
        if len(parts) == 2 and all(1 <= len(p.split()) <= 3 for p in parts):
            # "موسكو - حسن عمارة": a dateline with the reporter's name.
            place, name = (p.strip() for p in parts)
            if normalize(name) not in self.site_names and self.page.author is None:
                self.page.author, self.page.dateline = name, place
                self._drop(line, "author")
                return True
        if (
            self.page.author is None
            and 2 <= line.words <= 3
            and len(parts) == 1
            and all(_ARABIC_LETTER.match(w) for w in line.text.split())
            and not _NOT_IN_NAMES.intersection(line.key.split())
        ):
            self.page.author = line.text
            self._drop(line, "author")
            return True
        return False

    def _body(self, start: int) -> None:
        doubled = self._doubled()
        body_started = False
        header_left = _HEADER_LINES
        kept_keys: set[str] = set()
        for index in range(start, len(self.lines)):
            line = self.lines[index]
            in_header = not body_started and header_left > 0
            header_left -= 1
            if _is_cut_marker(line):
                if body_started:
                    for rest in self.lines[index:]:
                        self._drop(rest, "after-cut")
                    return
                self._drop(line, "cut-marker")
                continue
            if in_header and not line.long and self._header_date(line):
                continue
            rule = self._common_furniture(line)
            if rule is None and not line.long:
                rule = self._body_rule(line, index in doubled)
            if rule is not None:
                self._drop(line, rule)
                continue
            if in_header and not line.long and self._header_item(line):
                continue
            if not line.long and line.key in kept_keys:
                self._drop(line, "duplicate")
                continue
            kept_keys.add(line.key)
            self.page.paragraphs.append(line.text)
            self.kept_numbers.append(line.number)
            self.page.urls.extend(u for u in _URL.findall(line.text) if u not in self.page.urls)
            body_started = body_started or _sentence_like(line)

    def _body_rule(self, line: _Line, doubled: bool) -> str | None:
        source = _SOURCE_LINE.match(line.key)
        if source is not None and line.words <= 12 and self.page.source is None:
            self.page.source = _value_after_label(line.text)
            urls = _URL.findall(self.page.source)
            if urls and self.page.url is None:
                self.page.url = urls[0]
            return "source"
        author = _AUTHOR_LINE.match(line.key)
        if author is not None and line.words <= 6 and not _sentence_like(line):
            if self.page.author is None:
                self.page.author = _value_after_label(line.text)
            return "author"
        if self._is_title_copy(line):
            return "title-copy"
        if doubled:
            if line.text not in self.page.captions:
                self.page.captions.append(line.text)
            return "caption"
        parsed = date_line(line.text)
        if parsed is not None and (parsed.time is not None or "gmt" in line.key):
            return "dateline"  # a listing's "GMT 05:17 2019 …" stamp, not prose
        return None

    def _trim_tail(self) -> None:
        """Footer residue: short non-sentences after the last sentence of the article."""
        paragraphs = self.page.paragraphs
        last_sentence = -1
        for i, text in enumerate(paragraphs):
            if _sentence_like(_line_of(text)) or _ENDS_SENTENCE.search(text):
                last_sentence = i
        if last_sentence < 0:
            return
        for number, text in zip(
            self.kept_numbers[last_sentence + 1 :], paragraphs[last_sentence + 1 :], strict=True
        ):
            self.page.dropped.append((number, "tail", text))
        del paragraphs[last_sentence + 1 :]
        del self.kept_numbers[last_sentence + 1 :]


def _line_of(text: str) -> _Line:
    short = len(text) <= _LONG_LINE
    return _Line(0, text, normalize(text) if short else "", len(text.split()) if short else 999)


def _value_after_label(text: str) -> str:
    """"المصدر: النهضة نيوز" → "النهضة نيوز"; "بقلم فلان" → "فلان"."""
    parts = re.split(r"\s*[:：]\s*|\s+[-–]\s+", text, maxsplit=1)
    if len(parts) == 2 and parts[1].strip():
        return parts[1].strip()
    return text.split(None, 1)[1].strip() if len(text.split(None, 1)) == 2 else text


def _time_or_date(key: str) -> bool:
    return bool(re.search(r"\d", key))


def clean_page(text: str) -> CleanedPage:
    """Title, metadata and body paragraphs of a scraped page given as canonical text.

    Deterministic: the same text always gives the same result. Never returns an empty
    text for a non-empty input: when no headline is found, every line is kept.
    """
    return _Cleaner(text).run()
