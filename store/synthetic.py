"""Synthetic corpora for benchmarks and tests, made from the seed articles' own sentences.

Scale targets (100,000 articles) cannot be checked on five seeds, and a corpus of one
repeated page would flatter every cache. So each article here is assembled from real seed
sentences: a headline cut from one of them, a date written in one of the forms Arabic sites
use (Levantine and Egyptian month names, weekdays, day-first numbers, Arabic-Indic digits),
a source, and paragraphs drawn at random. ``.txt`` pages carry the usual site furniture
(section label, share bar, "related articles", copyright footer) so cleaning has work to
do; ``.jsonl`` records are clean. The same ``--seed`` always gives the same bytes.

    python -m store.synthetic OUT --articles N [--format txt|jsonl] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_LEVANT_MONTHS = ("كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب",
                  "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول")
_EGYPT_MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس",
                 "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر")
_WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
_SOURCES = (
    ("سانا", "sana.sy"), ("روسيا اليوم", "arabic.rt.com"), ("الجزيرة نت", "aljazeera.net"),
    ("العربية", "alarabiya.net"), ("النهضة نيوز", "nahdanews.com"), ("عنب بلدي", "enabbaladi.net"),
    ("الميادين", "almayadeen.net"), ("سبوتنيك عربي", "sarabic.ae"), ("الشرق الأوسط", "aawsat.com"),
    ("وكالة الأناضول", "aa.com.tr"), ("المدن", "almodon.com"), ("الوطن", "alwatan.sy"),
)
_SECTIONS = ("أخبار", "سياسة", "عربي ودولي", "الرئيسية", "تقارير", "محليات")
_TITLE_SUFFIXES = ("", "", "", " | فيديو", " - صور", ": التفاصيل الكاملة")
_SENTENCE_END = re.compile(r"(?<=[.!؟?])\s+")
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_DAY = 86_400
# 2015-01-01 .. 2025-12-31 as day numbers since the epoch.
_FIRST_DAY, _LAST_DAY = 16_436, 20_453


@dataclass(frozen=True)
class SyntheticArticle:
    id: str
    title: str
    date_iso: str
    date_text: str
    source: str
    url: str
    paragraphs: list[str]

    def page(self, rng: random.Random) -> str:
        """The article as a scraped page: furniture around title, dateline and body."""
        lines = [rng.choice(_SECTIONS), "", self.title, "", self.date_text, ""]
        if rng.random() < 0.5:
            lines += [f"{self.source} - وكالات", ""]
        lines += ["شارك على فيسبوك", "تويتر", ""]
        for paragraph in self.paragraphs:
            lines += [paragraph, ""]
        lines += ["مقالات ذات صلة", "", self.title[:40], "", f"جميع الحقوق محفوظة © {self.source}",
                  self.url]
        return "\n".join(lines) + "\n"

    def record(self) -> dict[str, str]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date_text,
            "source": self.source,
            "url": self.url,
            "text": "\n\n".join([self.title, *self.paragraphs]),
        }


def seed_sentences(folder: Path | None = None) -> list[str]:
    """Body sentences of the seed articles (cleaned), the material every article is cut from."""
    from store.corpus import Corpus, sample_corpus_path

    corpus = Corpus.open(folder or sample_corpus_path())
    sentences: list[str] = []
    for meta in corpus.articles:
        paragraphs = corpus.load(meta.id).text.split("\n\n")[1:]
        for paragraph in paragraphs:
            for sentence in _SENTENCE_END.split(paragraph.strip()):
                if len(sentence.split()) >= 5:
                    sentences.append(sentence)
    if not sentences:
        raise ValueError("the seed corpus has no sentences to draw from")
    return sentences


def _date(rng: random.Random) -> tuple[str, str]:
    import datetime as dt

    day = dt.date.fromordinal(dt.date(1970, 1, 1).toordinal()
                              + rng.randint(_FIRST_DAY, _LAST_DAY))
    form = rng.randrange(6)
    if form == 0:
        text = f"{day.day} {_LEVANT_MONTHS[day.month - 1]} {day.year}"
    elif form == 1:
        text = f"{_WEEKDAYS[day.weekday()]}، {day.day} {_EGYPT_MONTHS[day.month - 1]} {day.year}"
    elif form == 2:
        text = f"{day.day:02d}/{day.month:02d}/{day.year}"
    elif form == 3:
        text = f"{day.day:02d}/{day.month:02d}/{day.year}".translate(_ARABIC_INDIC)
    elif form == 4:
        text = f"{day.day} {_LEVANT_MONTHS[day.month - 1]}/{_EGYPT_MONTHS[day.month - 1]} " \
               f"{day.year}"
    else:
        text = f"{day.day} {_EGYPT_MONTHS[day.month - 1]} {day.year}".translate(_ARABIC_INDIC)
    if rng.random() < 0.3:
        text += f" {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
    return day.isoformat(), text


def _title(rng: random.Random, sentences: list[str]) -> str:
    words = rng.choice(sentences).split()
    size = rng.randint(5, min(14, len(words)))
    start = rng.randint(0, len(words) - size)
    title = " ".join(words[start:start + size]).strip(" .،,:؛")
    return title + rng.choice(_TITLE_SUFFIXES)


def generate(count: int, seed: int = 0, sentences: list[str] | None = None
             ) -> Iterator[SyntheticArticle]:
    """``count`` articles, the same ones for the same ``seed`` and seed sentences."""
    rng = random.Random(seed)
    pool = sentences or seed_sentences()
    for number in range(count):
        source, host = rng.choice(_SOURCES)
        date_iso, date_text = _date(rng)
        paragraphs = [
            " ".join(rng.choice(pool) for _ in range(rng.randint(1, 2)))
            for _ in range(rng.randint(3, 8))
        ]
        article_id = f"a{number:06d}"
        yield SyntheticArticle(
            id=article_id,
            title=_title(rng, pool),
            date_iso=date_iso,
            date_text=date_text,
            source=source,
            url=f"https://www.{host}/news/{date_iso.replace('-', '/')}/{number}",
            paragraphs=paragraphs,
        )


def write_corpus(out: Path, count: int, fmt: str = "jsonl", seed: int = 0,
                 sentences: list[str] | None = None) -> Path:
    """Write the corpus; ``out`` is a folder for ``txt`` and a ``.jsonl`` file for ``jsonl``.

    Returns the path to open with ``Corpus.open``.
    """
    rng = random.Random(seed ^ 0x5EED)
    articles = generate(count, seed, sentences)
    if fmt == "txt":
        out.mkdir(parents=True, exist_ok=True)
        for article in articles:
            (out / f"{article.id}.txt").write_text(article.page(rng), encoding="utf-8")
        return out
    if fmt != "jsonl":
        raise ValueError(f"unknown format {fmt!r} (txt or jsonl)")
    path = out if out.suffix == ".jsonl" else out / "corpus.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for article in articles:
            handle.write(json.dumps(article.record(), ensure_ascii=False) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m store.synthetic",
        description="Write a synthetic Arabic news corpus made of the seed articles' sentences.",
    )
    parser.add_argument("out", type=Path,
                        help="folder (txt) or .jsonl file / folder for corpus.jsonl (jsonl)")
    parser.add_argument("--articles", type=int, required=True, metavar="N")
    parser.add_argument("--format", choices=("txt", "jsonl"), default="jsonl")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    path = write_corpus(args.out, args.articles, args.format, args.seed)
    print(f"wrote {args.articles} articles to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
