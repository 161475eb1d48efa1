"""A corpus: the articles a session reads, from a folder of pages, a JSONL file or one page.

``Corpus.open`` builds the list the app shows (titles and metadata) and collects per-article
problems in ``errors`` instead of failing the whole corpus: one unreadable file among
thousands must not stop a session. ``load`` reads one article's text when it is opened, so
the list never needs every text in memory and a lazy index can later replace the scan.

Text files are scraped pages and go through ``store.cleaning``; JSONL records are taken as
given (their producer already chose the text) and only canonicalized.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from store import safe_json
from store.arabic import normalize
from store.errors import CorpusError
from store.regular_files import read_regular_bytes
from store.text import BOM, canonical_text, text_sha256

if TYPE_CHECKING:
    from store.dates import ParsedDate

# store.cleaning and store.dates load when first needed: opening an indexed corpus needs
# neither, and they are a good part of the app's start-up imports.

TEXT_SUFFIX = ".txt"
JSONL_SUFFIX = ".jsonl"
# JSONL keys with a field of their own in ArticleMeta; all others go to ``extra``.
_JSONL_FIELDS = frozenset({"id", "text", "title", "date", "time", "url", "source", "author"})
_MAX_TITLE = 300
# Length of the text-hash id given to JSONL records without one (64 bits: no collisions
# in any realistic corpus, short enough to read in a file name or a status bar).
_HASH_ID_CHARS = 16


class UnknownArticleError(CorpusError, KeyError):
    """An article id that is not in the corpus (also a ``KeyError`` for dict-like callers)."""


@dataclass
class ArticleMeta:
    """What the article list needs: title and metadata, without the text.

    ``date`` is ISO ``YYYY-MM-DD`` for sorting, ``date_raw`` what the page wrote. For JSONL
    articles ``line`` (1-based) and ``byte_offset`` locate the record so ``load`` can re-read
    it; ``extra`` holds the other JSONL keys, the page's ``urls`` and ``cleaning_version``.
    """

    id: str
    title: str
    date: str | None = None
    time: str | None = None
    date_raw: str | None = None
    url: str | None = None
    source: str | None = None
    author: str | None = None
    path: str = ""
    line: int | None = None
    byte_offset: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Article:
    """One article's canonical text (immutable: every offset refers to it) and its hash."""

    meta: ArticleMeta
    text: str
    sha256: str

    @property
    def id(self) -> str:
        return self.meta.id


def _clip_title(title: str) -> str:
    title = title.strip()
    return title[:_MAX_TITLE].rstrip() if len(title) > _MAX_TITLE else title


def _read_bytes(path: Path) -> bytes:
    try:
        return read_regular_bytes(path)
    except OSError as exc:
        raise CorpusError(f"cannot read file ({exc.strerror or exc})", path) from None


def undecodable_name(path: Path) -> str | None:
    """The file name with its bytes that are not UTF-8 written as ``\\xNN``, or None
    when the name is valid UTF-8.

    The stem of a page is its article id, and an id must be text the store can write in
    its files; a name of other bytes reaches Python as lone surrogates, which no UTF-8
    writer accepts. Such a page is refused by name (shown this way, readable in a
    message) rather than failing later, half-saved, in the store.
    """
    name = path.name
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return None


def read_page(path: Path, article_id: str | None = None) -> Article:
    """A text file as a cleaned article (id: the file stem)."""
    from store.cleaning import clean_page

    shown = undecodable_name(path)
    if shown is not None:
        raise CorpusError(f"file name is not valid UTF-8 ({shown}); rename the file to "
                          "read it", path)
    text = canonical_text(_read_bytes(path), path)
    page = clean_page(text)
    meta = ArticleMeta(
        id=article_id if article_id is not None else path.stem,
        title=_clip_title(page.title),
        date=page.date,
        time=page.time,
        date_raw=page.date_raw,
        url=page.url,
        source=page.source,
        author=page.author,
        path=str(path),
        extra=page.metadata(),
    )
    cleaned = page.text
    if cleaned:
        # Cleaning drops boilerplate but keeps stray NULs, so their share can grow past the
        # binary threshold: judge the text we keep, or an export of it would not re-import.
        cleaned = canonical_text(cleaned, path)
    return Article(meta, cleaned, text_sha256(cleaned))


def _optional_str(record: dict[str, Any], key: str, path: Path, line: int) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise CorpusError(f'"{key}" must be a string, got {type(value).__name__}', path, line)
    _refuse_lone_surrogates(value, key, path, line)
    return value.strip() or None


def _refuse_lone_surrogates(value: str, key: str, path: Path, line: int) -> None:
    """JSON can escape half of a UTF-16 pair (``"\\ud800"``); Python keeps it as a lone
    surrogate, which no UTF-8 file (the store's, an export's) can hold. The record is
    refused by ``FILE:LINE`` here rather than crashing whatever writes it later."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CorpusError(f'"{key}" holds a lone surrogate (U+{ord(value[exc.start]):04X}), '
                          "not text", path, line) from None


def parse_record(raw: bytes, path: Path, line: int, offset: int) -> Article:
    """One JSONL line as an article; a ``CorpusError`` names ``FILE:LINE`` and the problem."""
    meta, text = _parse_record(raw, path, line, offset)
    return Article(meta, text, text_sha256(text))


def _parse_record(raw: bytes, path: Path, line: int, offset: int) -> tuple[ArticleMeta, str]:
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"not valid UTF-8 (byte offset {exc.start} in the line)", path, line
        ) from None
    if offset == 0 and decoded.startswith(BOM):  # a BOM only opens the file
        decoded = decoded[1:]
    try:
        record = safe_json.loads(decoded)
    except safe_json.BadJSON as exc:
        raise CorpusError(f"invalid JSON ({exc.reason})", path, line) from None
    if not isinstance(record, dict):
        raise CorpusError(f"a record must be a JSON object, got {type(record).__name__}", path,
                          line)
    raw_text = record.get("text")
    if not isinstance(raw_text, str):
        raise CorpusError('missing "text" (a string)', path, line)
    try:
        text = canonical_text(raw_text)
    except CorpusError as exc:
        raise CorpusError(exc.reason.replace("file", "text"), path, line) from None

    meta = record_meta(record, path, line, offset, text)
    assert meta is not None  # with the text at hand every fallback is available
    return meta, text


def record_meta(record: dict[str, Any], path: Path, line: int, offset: int,
                text: str | None) -> ArticleMeta | None:
    """A JSONL record's metadata; ``text`` None (a cheap index scan that skipped the text)
    gives None when the id or title would have to come from the text."""
    raw_id = record.get("id")
    if raw_id is None:
        if text is None:
            return None
        article_id = text_sha256(text)[:_HASH_ID_CHARS]
    elif isinstance(raw_id, int) and not isinstance(raw_id, bool):
        article_id = str(raw_id)
    elif isinstance(raw_id, str) and raw_id.strip():
        _refuse_lone_surrogates(raw_id, "id", path, line)
        article_id = raw_id.strip()
    else:
        raise CorpusError('"id" must be a non-empty string or an integer', path, line)

    title = _optional_str(record, "title", path, line)
    if title is None:
        if text is None:
            return None
        title = next((ln for ln in text.split("\n") if ln.strip()), "")
    date_text = _optional_str(record, "date", path, line)
    date, time = date_and_time(date_text) if date_text else (None, None)
    time_text = _optional_str(record, "time", path, line)
    if time is None and time_text:
        from store.dates import parse_time

        time = parse_time(time_text)
    extra = {k: v for k, v in record.items() if k not in _JSONL_FIELDS}
    if time_text and time is None:
        extra["time"] = time_text
    return ArticleMeta(
        id=article_id,
        title=_clip_title(title),
        date=date,
        time=time,
        date_raw=date_text,
        url=_optional_str(record, "url", path, line),
        source=_optional_str(record, "source", path, line),
        author=_optional_str(record, "author", path, line),
        path=str(path),
        line=line,
        byte_offset=offset,
        extra=extra,
    )


@functools.cache
def _quick_patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, int]]:
    """The plain forms that make up nearly every metadata date, anchored: "14 ايلول 2021",
    "الجمعه، 18 اكتوبر 2024", "15/03/2023", "2023-03-15", each with an optional "HH:MM".
    Matched on the normalization key; anything else goes to ``parse_date``."""
    from store.dates import _MONTHS, _WEEKDAYS

    months = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
    quick_date = re.compile(
        rf"(?:(?:{'|'.join(_WEEKDAYS)})[،,]? )?(?P<d>\d{{1,2}}) (?P<m1>{months})"
        rf"(?:/(?P<m2>{months}))? (?P<y>\d{{4}})"
        r"|(?P<nd>\d{1,2})/(?P<nm>\d{1,2})/(?P<ny>\d{4})"
        r"|(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})"
    )
    quick_time = re.compile(r"(?: (?P<h>\d{1,2}):(?P<mi>\d{2}))?")
    return quick_date, quick_time, _MONTHS


def date_and_time(text: str) -> tuple[str | None, str | None]:
    """ISO date and time of a metadata date string, as ``parse_date`` gives them.

    ``parse_date`` searches anywhere in any form and costs about 0.1 ms; a corpus index
    reads 100,000 of these, so the plain anchored forms are read directly (same results,
    tested against ``parse_date``) and only the rest take the full parser, remembered.
    """
    quick_date, quick_time, months = _quick_patterns()
    key = normalize(text).strip()
    match = quick_date.fullmatch(key) or quick_date.match(key)
    if match is not None:
        tail = quick_time.fullmatch(key, match.end())
        if tail is not None:
            quick = _quick_fields(match, tail, months)
            if quick is not None:
                return quick
    parsed = _parse_date_cached(text)
    return (parsed.date, parsed.time) if parsed else (None, None)


def _quick_fields(match: re.Match[str], tail: re.Match[str], months: dict[str, int]
                  ) -> tuple[str, str | None] | None:
    if match["y"]:
        month = months[match["m1"]]
        if match["m2"] and months[match["m2"]] != month:
            return None
        year, day = int(match["y"]), int(match["d"])
    elif match["ny"]:
        year, month, day = int(match["ny"]), int(match["nm"]), int(match["nd"])
    else:
        year, month, day = int(match["iy"]), int(match["im"]), int(match["id"])
    if not 1000 <= year <= 2999:
        return None
    try:
        iso = _dt.date(year, month, day).isoformat()
    except ValueError:
        return None
    if tail["h"] is None:
        return iso, None
    hour, minute = int(tail["h"]), int(tail["mi"])
    if hour > 23 or minute > 59:
        return None
    return iso, f"{hour:02d}:{minute:02d}"


@functools.lru_cache(maxsize=16_384)
def _parse_date_cached(text: str) -> ParsedDate | None:
    from store.dates import parse_date

    return parse_date(text)


@dataclass
class Corpus:
    """The articles of one source, in order: folder files sorted by name, JSONL in file order."""

    path: Path
    # A list, or for an indexed corpus a lazy sequence (``store.corpus_index.IndexedMetas``)
    # with ``ids`` and ``columns``: iterate or index it, do not mutate it.
    articles: list[ArticleMeta]
    errors: list[CorpusError] = field(default_factory=list)
    # How the lazy index was used (a ``store.corpus_index.IndexReport``); None for a scan.
    index: Any = None
    # id -> position, filled on first lookup and extended when the articles grew (an index
    # still being built in the background appends to them): 100,000 ids cost 30 ms.
    _index: dict[str, int] = field(default_factory=dict, init=False, repr=False)
    _indexed: int = field(default=0, init=False, repr=False)

    def _lookup(self) -> dict[str, int]:
        count = len(self.articles)
        if self._indexed < count:
            ids = getattr(self.articles, "ids", None)
            if ids is None:
                ids = [meta.id for meta in self.articles]
            index = self._index
            for i in range(self._indexed, count):
                index.setdefault(ids[i], i)
            self._indexed = count
        return self._index

    # -- opening --------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path) -> Corpus:
        """Open a folder of ``.txt`` pages, a ``.jsonl`` file or a single page, reading
        every article (for the lazy on-disk index use ``store.corpus_index.open_corpus``,
        which builds on this module and so is not reached from here).

        Raises ``CorpusError`` when the path itself is unusable (missing, not a corpus, an
        empty folder or file); problems with single articles go to ``errors``.
        """
        source = Path(path).expanduser()
        if not source.exists():
            raise CorpusError("no such file or folder", source)
        if source.is_dir():
            return cls._open_folder(source)
        if not source.is_file():
            raise CorpusError("not a regular file or folder", source)
        suffix = source.suffix.lower()
        if suffix == JSONL_SUFFIX:
            return cls._open_jsonl(source)
        if suffix == ".json":
            raise CorpusError(
                "a .json file is not a corpus: use .jsonl (one record a line), "
                "a .txt page or a folder of them",
                source,
            )
        article = read_page(source)
        return cls(source, [article.meta])

    @classmethod
    def _open_folder(cls, folder: Path) -> Corpus:
        try:
            files = sorted(
                (f for f in folder.iterdir()
                 if f.suffix.lower() == TEXT_SUFFIX and not f.name.startswith(".")
                 and f.is_file()),
                key=lambda f: f.name,
            )
        except OSError as exc:
            raise CorpusError(f"cannot list folder ({exc.strerror or exc})", folder) from None
        if not files:
            raise CorpusError("no .txt articles in this folder", folder)
        metas: list[ArticleMeta] = []
        errors: list[CorpusError] = []
        seen: dict[str, Path] = {}
        for file in files:
            if file.stem in seen:
                errors.append(CorpusError(f"duplicate article id {file.stem!r} "
                                          f"(also {seen[file.stem].name}); skipped", file))
                continue
            try:
                metas.append(read_page(file).meta)
            except CorpusError as exc:
                errors.append(exc)
                continue
            seen[file.stem] = file
        return cls(folder, metas, errors)

    @classmethod
    def _open_jsonl(cls, file: Path) -> Corpus:
        metas: list[ArticleMeta] = []
        errors: list[CorpusError] = []
        first_line: dict[str, int] = {}
        records = 0
        try:
            handle = file.open("rb")
        except OSError as exc:
            raise CorpusError(f"cannot read file ({exc.strerror or exc})", file) from None
        with handle:
            offset = 0
            for number, raw in enumerate(handle, start=1):
                start, offset = offset, offset + len(raw)
                if not raw.strip() or (number == 1 and raw.strip() == BOM.encode()):
                    continue
                records += 1
                try:
                    meta, _ = _parse_record(raw, file, number, start)
                except CorpusError as exc:
                    errors.append(exc)
                    continue
                if meta.id in first_line:
                    errors.append(CorpusError(
                        f"duplicate id {meta.id!r} (first at line {first_line[meta.id]}); "
                        "skipped", file, number))
                    continue
                first_line[meta.id] = number
                metas.append(meta)
        if records == 0:
            raise CorpusError("empty JSONL file, no records", file)
        return cls(file, metas, errors)

    # -- access ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.articles)

    def __iter__(self) -> Iterator[ArticleMeta]:
        return iter(self.articles)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._lookup()

    @property
    def ids(self) -> list[str]:
        ids = getattr(self.articles, "ids", None)
        if ids is not None:
            return list(ids[: len(self.articles)])
        return [meta.id for meta in self.articles]

    def index_of(self, article_id: str) -> int:
        try:
            return self._lookup()[article_id]
        except KeyError:
            raise UnknownArticleError(f"no article with id {article_id!r}", self.path) from None

    def meta(self, article_id: str) -> ArticleMeta:
        return self.articles[self.index_of(article_id)]

    def load(self, article_id: str) -> Article:
        """Read one article's text from its file (or JSONL line) now."""
        meta = self.meta(article_id)
        path = Path(meta.path)
        if meta.line is None or meta.byte_offset is None:
            return read_page(path, article_id)
        try:
            with path.open("rb") as handle:
                handle.seek(meta.byte_offset)
                raw = handle.readline()
        except OSError as exc:
            raise CorpusError(f"cannot read file ({exc.strerror or exc})", path) from None
        article = parse_record(raw, path, meta.line, meta.byte_offset)
        if article.id != article_id:
            raise CorpusError(
                f"file changed since it was opened: this line no longer holds {article_id!r}",
                path,
                meta.line,
            )
        return article


def site_name(url: str | None, source: str | None) -> str | None:
    """What the list shows as an article's source: its ``source``, else its URL's site."""
    if source:
        return source
    if url:
        return _site_of(url.split("/", 3)[2] if "://" in url else url.split("/", 1)[0])
    return None


@functools.lru_cache(maxsize=4096)
def _site_of(netloc: str) -> str | None:
    """The site name of a URL's authority part. A corpus has few sites and many URLs, so
    this is cached by authority; ``urlparse`` per URL cost 0.7 s for 100,000 articles."""
    if not netloc or any(c.isspace() for c in netloc) or "." not in netloc:
        return None
    host = urlparse(f"//{netloc}").hostname or ""
    return host.removeprefix("www.") or None


def sample_corpus_path() -> Path:
    """The bundled sample corpus folder, in a checkout and after ``pip install``."""
    folder = resources.files("store.sample_corpus")
    if isinstance(folder, Path):
        return folder
    import store.sample_corpus as package  # a namespace-like Traversable: use the module

    return Path(package.__file__).resolve().parent
