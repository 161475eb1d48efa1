"""GNU FriBidi as the oracle for the whole pipeline (levels, L1–L4, shaping, lam-alef).

Every paragraph of the sample corpus, every sentence of it, and hand-written mixed lines are
laid out unwrapped and compared with ``fribidi --nopad --nobreak`` in all three base
directions. FriBidi's CLI shapes Arabic and makes lam-alef ligatures like the reader does; it
fills the ligature's second slot with U+FEFF, which the reader does not emit (the ligature
is one glyph covering both code points), so FEFF is dropped from FriBidi's output before
comparing. FriBidi reorders marks after their base by default (REORDER_NSM), as L3 asks.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import require_tool

from tui.rtl.glyphs import STRONG_MARKS, visible_text
from tui.rtl.layout import layout_paragraph

ROOT = Path(__file__).resolve().parent.parent

MIXED = [
    "قال الرئيس Vladimir Putin إن العلاقات جيدة",
    "زار 3 وزراء موسكو في 15/03/2023 الساعة 08:39 صباحاً",
    "ارتفعت الأسعار بنسبة 90٪ و50% خلال عام ٢٠٢٣",
    "بلغت الحصيلة ١٢٣ قتيلاً و٤٥ جريحاً في ٣/٤/٢٠٢٣",
    "للمزيد: https://www.example.com/news/2023/03/15/putin-assad?id=123&lang=ar",
    "راسلونا على info@sana.sy أو عبر #سوريا و #Syria_news",
    "وقال: «سعيد برؤيتكم في موسكو» ثم أضاف “نحن على اتصال دائم” و\"ليس هناك\" شيء",
    "الرئيس (بشار الأسد) التقى [نظيره (الروسي) بوتين] في {الكرملين}",
    "انخفضت درجة الحرارة إلى -5 درجات و-12.5 ليلاً",
    "انتظروا… المزيد من التفاصيل...",
    "السعر $100 أو €200 أو 300 ليرة",
    "(مقال) Reuters (تقرير) AFP",
    "قال (Putin said) إن",
    "(Putin) قال",
    "الجزء 1-2 من 10",
    "الهاتف +963-11-1234567",
    "نسبة 3.5% فقط",
    "في العام 2023م وفي 1444هـ",
    'هل قال "Hello, world!" حقاً؟',
    "Reuters: الأسد in Moscow (today)",
    "The meeting «was» (very) important, قال بوتين",
    "1. البند الأول",
    "- البند الثاني",
    "(1) البند الثالث",
    "الفقرة ٣.٢ والمادة 4/ب",
    "مؤتمر COP28 في دبي",
    "a < b و c > d",
    "سعر البرميل 80.5 دولار (ارتفاع 2%)",
    "الإصدار v2.0.1 من البرنامج",
    '"اقتباس" بدون نص عربي "quote"',
    "[1] المصدر: وكالة سانا",
    "الأسد، بوتين، وشي جينبينغ.",
    "اجتماع 2+2 بين الجانبين",
    "درجة 25°C في دمشق",
    "م. ع. الأسد",
    "٥٠٪ من السكان",
    "التوقيت 12:30:45 بتوقيت دمشق",
    "الإثنين 2023-03-15",
    "وَقَالَ الرَّئِيسُ: إِنَّ سُورِيَا لَا تَنْسَى",
    "لأن لإيران لآلاف الألوف",
    "ـــــالأسد ـــ",
    "تم بيع 1,234,567 سهم",
    "رقم الهاتف ٠٩٣٣١٢٣٤٥٦",
    "كتب @putin_official تغريدة",
    "!!! عاجل !!!",
    "؟ سؤال",
    "(((متداخلة))) و[[أقواس]] و(غير مغلقة",
    "قال: (نعم) [no] {ربما 3} <وسم> ‹مفرد› «مزدوج»",
    "the (quick [brown) fox] قفز",
    "نص ينتهي بمسافات   ",
    "   مسافات في البداية",
    "خطوط 1/2 و½ و3×4 و10÷2",
    "تاريخ ١٤٤٤/٠٨/٢٣هـ الموافق 2023/03/15م",
    "A. Putin, B. Assad: «لقاء» (2023)",
    "شارك 1,500 شخص (أي 12.5%) في #احتجاج_اليوم!",
]


def _corpus_lines() -> list[str]:
    lines: list[str] = []
    for path in sorted((ROOT / "sample_corpus").glob("*.txt")):
        for para in path.read_text(encoding="utf-8").split("\n"):
            if not para.strip():
                continue
            lines.append(para)
            for sentence in re.split(r"(?<=[.!؟?:،])\s+", para):
                if sentence.strip() and sentence != para:
                    lines.append(sentence)
    return lines


def _fribidi(lines: list[str], flag: str) -> list[str]:
    exe = require_tool("fribidi")
    out = subprocess.run(
        [exe, "--nopad", "--nobreak", flag],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout
    return [line.replace("\ufeff", "") for line in out.split("\n")[: len(lines)]]


def _ours(line: str, base: str) -> str:
    (visual,) = layout_paragraph(line, 10**6, base)
    return visual.text


BASES = [("--rtl", "rtl"), ("--ltr", "ltr"), ("--wltr", "auto")]


@pytest.mark.parametrize(("flag", "base"), BASES)
def test_matches_fribidi_on_real_news_and_mixed_lines(flag: str, base: str) -> None:
    lines = _corpus_lines() + MIXED
    assert len(lines) > 400
    expected = _fribidi(lines, flag)
    mismatches = [
        (line, ours, theirs)
        for line, theirs in zip(lines, expected, strict=True)
        if (ours := _ours(line, base)) != theirs
    ]
    matched = len(lines) - len(mismatches)
    assert not mismatches, f"{matched}/{len(lines)} match FriBidi; first: {mismatches[0]!r}"


@pytest.mark.parametrize(("flag", "base"), BASES)
def test_controls_act_as_neutral_signs(flag: str, base: str) -> None:
    """With explicit codes replaced by their (neutral) signs beforehand, FriBidi agrees: the
    reader applies no override, it shows it."""
    lines = [
        "\u202eقال\u202c الرئيس abc",
        "abc \u2067نص\u2069 def",
        "نص\ttab\x1b[31mأحمر\x1b[0m",
        "كلمة\u200bمخفية\u200dو\ufeffاخرى 12",
    ]
    shown = ["".join(visible_text(ch) for ch in line) for line in lines]
    assert all(ch not in STRONG_MARKS for line in lines for ch in line)
    expected = _fribidi(shown, flag)
    for line, theirs in zip(lines, expected, strict=True):
        assert _ours(line, base) == theirs, line
