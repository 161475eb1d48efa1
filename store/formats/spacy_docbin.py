"""spaCy DocBin (``.spacy``), for ``spacy train``; needs the optional extra ``warraq[spacy]``.

Each article becomes a ``Doc`` of a blank ``xx`` pipeline whose ``doc.text`` is exactly the
article text (tokens come from Warraq's tokenizer plus cuts at entity boundaries, with the
original spacing kept in ``whitespace_``), so character offsets are code points, as spaCy
counts them. ``doc.ents`` cannot overlap: the outermost layer of entities goes there and
every entity, nested ones included, is also in ``doc.spans["sc"]`` (the span group spaCy's
SpanCategorizer trains on). The article id is in ``doc.user_data["id"]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from store.errors import WarraqError
from store.formats.common import (
    ExportOptions,
    GoldDoc,
    ImportReport,
    check_span,
    imported_span,
    layers,
    select,
    tokenize,
)

SPAN_KEY = "sc"
INSTALL_HINT = "spaCy is not installed: pip install 'warraq[spacy]' (or pip install spacy)"


def _spacy() -> Any:
    try:
        import spacy
    except ImportError as exc:
        raise WarraqError(INSTALL_HINT) from exc
    return spacy


@lru_cache(maxsize=1)
def _blank() -> Any:
    """One blank multi-language pipeline per process: building it costs ~100 ms."""
    return _spacy().blank("xx")


def available() -> bool:
    try:
        import spacy  # noqa: F401
    except ImportError:
        return False
    return True


def to_spacy_doc(vocab: Any, doc: GoldDoc) -> Any:
    """A spaCy Doc with exactly the article text: every token and whitespace run is a piece,
    a single space after a token becomes that token's ``whitespace_``."""
    from spacy.tokens import Doc

    text = doc.text
    ents = doc.annotations.entities
    bounds = {0, len(text)}
    for tok in tokenize(text):
        bounds.update((tok.start, tok.end))
    for e in ents:
        bounds.update((e.start, e.end))
    cuts = sorted(bounds)
    words: list[str] = []
    spaces: list[bool] = []
    for a, b in pairwise(cuts):
        piece = text[a:b]
        if piece == " " and words and not spaces[-1] and not words[-1].isspace():
            spaces[-1] = True
            continue
        words.append(piece)
        spaces.append(False)
    sdoc = Doc(vocab, words=words, spaces=spaces)
    sdoc.user_data["id"] = doc.id

    def span_of(e: Any) -> Any:
        return sdoc.char_span(e.start, e.end, label=e.label, alignment_mode="strict")

    sdoc.spans[SPAN_KEY] = [s for s in (span_of(e) for e in ents) if s is not None]
    outer = layers(list(ents))[:1]
    sdoc.ents = [s for s in (span_of(e) for e in (outer[0] if outer else [])) if s is not None]
    return sdoc


@contextmanager
def _msgpack_encoders_resolved_once() -> Iterator[None]:
    """srsly looks its encoders up in catalogue's global registry (and every installed
    package's entry points) each time it packs a Doc: ~2 ms a call, three calls a Doc.
    Resolve them once for the whole export; the lookup is restored afterwards."""
    try:
        from srsly import msgpack as srsly_msgpack
    except ImportError:
        yield
        return
    registry = srsly_msgpack.msgpack_encoders
    resolved = registry.get_all()
    registry.get_all = lambda: resolved  # instance attribute shadows the method
    try:
        yield
    finally:
        with suppress(AttributeError):
            del registry.get_all


def export(docs: Iterable[GoldDoc], out: Path, options: ExportOptions) -> int:
    _spacy()
    from spacy.tokens import DocBin

    nlp = _blank()
    mapper = options.mapper
    db = DocBin(store_user_data=True)
    count = 0
    with _msgpack_encoders_resolved_once():
        for doc in docs:
            chosen = select(doc, options, mapper)
            count += len(chosen.annotations.entities)
            db.add(to_spacy_doc(nlp.vocab, chosen))
        db.to_disk(out)
    return count


def read(path: Path, *, known_labels: set[str] | None = None) -> ImportReport:
    _spacy()
    from spacy.tokens import DocBin

    nlp = _blank()
    report = ImportReport()
    try:
        db = DocBin().from_disk(path)
    except Exception as exc:  # spaCy raises several kinds for a bad file
        report.problem(path, None, f"not a spaCy DocBin: {exc}")
        return report
    for n, sdoc in enumerate(db.get_docs(nlp.vocab), start=1):
        text = sdoc.text
        art_id = str(sdoc.user_data.get("id") or f"doc{n}")
        doc = GoldDoc(id=art_id, text=text, line=n)
        seen: set[tuple[int, int, str]] = set()
        spans = list(sdoc.spans[SPAN_KEY]) if SPAN_KEY in sdoc.spans else []
        for sp in [*spans, *sdoc.ents]:
            key = (sp.start_char, sp.end_char, sp.label_)
            if key in seen:
                continue
            seen.add(key)
            if check_span(report, path, n, text, key[0], key[1], key[2], None, known_labels):
                doc.annotations.entities.append(imported_span(key[0], key[1], text, key[2]))
        report.docs.append(doc)
    return report
