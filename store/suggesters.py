"""Suggestion sources a user can plug in, and the built-in ones as examples.

A *suggester* is any callable ``fn(text: str) -> iterable of (start, end, label[, score])``
with code point offsets into ``text`` (end-exclusive). Items may also be objects with
``start``/``end``/``label`` (and optionally ``score``, ``entry``) attributes, or dicts with
those keys. Its spans go into the store as pending suggestions whose origin is the
suggester's name (``warraq suggest --suggester NAME``).

Where suggesters come from (:func:`load_suggester`):

* ``module:attribute`` — any importable callable, e.g. ``mypkg.ner:predict``;
* a name registered by an installed package in the entry point group ``warraq.suggesters``
  (``[project.entry-points."warraq.suggesters"] mymodel = "mypkg.ner:predict"``);
* the names shipped here (also registered in Warraq's own entry points): ``gazetteer``,
  ``spacy``, ``stanza``, ``camel``.

Optional parts of the protocol: ``with_model(path) -> suggester`` lets ``--model PATH``
configure a suggester (a model folder, an extra gazetteer file); ``prepare()`` loads the
model up front, so a missing library or model is one error before the run, not one per
article; a ``name`` attribute becomes the origin when loaded by ``module:attribute``;
``for_schema(schema) -> suggester`` lets it follow the store's schema (the gazetteer's
``nationality_adjectives`` policy); ``for_store(root) -> suggester`` hands it the store
folder (the ``model`` suggester's trained model lives there), and an ``origin`` attribute,
read after that, names its suggestions (``model@3``).

Nothing here ever downloads. Arabic NER models for spaCy, Stanza and CAMeL Tools are fetched
by their own download commands, which many users' machines cannot run (ARABIC.md); these
adapters only load what is already on disk, import their library lazily, refuse to call any
download function, and say in one line what is missing.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable, Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from store.arabic import tokenize
from store.errors import SuggesterError

ENTRY_POINT_GROUP = "warraq.suggesters"

# Shipped suggesters, usable by name even when Warraq's own entry points are not installed
# (an editable checkout with an older pyproject); an installed entry point of the same
# name takes precedence.
BUILTIN: dict[str, str] = {
    "gazetteer": "store.suggesters:gazetteer",
    "spacy": "store.suggesters:spacy",
    "stanza": "store.suggesters:stanza",
    "camel": "store.suggesters:camel",
    "model": "store.model_crf:model",
}

# Model labels → Warraq's default schema labels (ANERcorp/CAMeL, OntoNotes/spaCy, Stanza).
# Labels not listed pass through; those the schema lacks are counted and skipped.
LABEL_ALIASES: dict[str, str] = {
    "PER": "PERS", "PERSON": "PERS", "B-PERS": "PERS",
    "ORGANIZATION": "ORG", "LOCATION": "LOC",
}
# ANERcorp's LOC covers countries and cities, which the default schema calls GPE.
CAMEL_LABELS: dict[str, str] = {"PERS": "PERS", "ORG": "ORG", "LOC": "GPE", "MISC": "MISC"}

Suggester = Callable[[str], Iterable[Any]]


# --------------------------------------------------------------------------- registry


def available() -> dict[str, str]:
    """Every suggester name → ``module:attribute``: entry points over the built-ins."""
    found = dict(BUILTIN)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found[ep.name] = ep.value
    return found


def _resolve(target: str, what: str) -> Any:
    module_name, _, attr = target.partition(":")
    if not module_name or not attr:
        raise SuggesterError(f"suggester {what!r}: expected module:callable, got {target!r}")
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise SuggesterError(f"suggester {what!r}: cannot import {module_name!r}: {exc}") \
            from None
    except Exception as exc:  # a plugin module that raises at import
        raise SuggesterError(f"suggester {what!r}: importing {module_name!r} failed: "
                             f"{_one_line(exc)}") from None
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise SuggesterError(f"suggester {what!r}: {module_name!r} has no {attr!r}") \
                from None
    return obj


def load_suggester(spec: str, *, model: str | None = None, prepare: bool = True
                   ) -> tuple[str, Suggester]:
    """(origin name, callable) for ``spec``: a registered name or ``module:callable``.

    ``model`` is handed to the suggester's ``with_model`` (a local path); a suggester
    without that method refuses it rather than silently ignoring it. With ``prepare`` its
    ``prepare()`` runs now, so setup problems surface once, as ``SuggesterError``.
    """
    names = available()
    if spec in names:
        name, obj = spec, _resolve(names[spec], spec)
    elif ":" in spec:
        obj = _resolve(spec, spec)
        own = getattr(obj, "name", None)
        name = own if isinstance(own, str) and own else spec
    else:
        known = ", ".join(sorted(names))
        raise SuggesterError(f"unknown suggester {spec!r} (registered: {known}; "
                             "or give module:callable)")
    if model is not None:
        configure = getattr(obj, "with_model", None)
        if not callable(configure):
            raise SuggesterError(f"suggester {name!r} takes no --model")
        obj = configure(model)
    if not callable(obj):
        raise SuggesterError(f"suggester {name!r} is not callable ({type(obj).__name__})")
    setup = getattr(obj, "prepare", None)
    if prepare and callable(setup):
        try:
            setup()
        except SuggesterError:
            raise
        except Exception as exc:
            raise SuggesterError(f"suggester {name!r} could not start: {_one_line(exc)}") \
                from None
    return name, obj


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


# --------------------------------------------------------------------------- gazetteer


class GazetteerSuggester:
    """The built-in gazetteer (plus extra data files) as a suggester."""

    name = "gazetteer"

    def __init__(self, extra: tuple[str, ...] = (), nationality_adjectives: str = "O"):
        self.extra = extra
        self.nationality_adjectives = nationality_adjectives
        self._gazetteer: Any = None

    def with_model(self, path: str) -> GazetteerSuggester:
        """``--model FILE``: an extra gazetteer data file read after the built-in ones."""
        return GazetteerSuggester((*self.extra, path), self.nationality_adjectives)

    def for_schema(self, schema: Any) -> GazetteerSuggester:
        """The same suggester under the schema's ``nationality_adjectives`` policy."""
        policy = getattr(schema, "nationality_adjectives", "O")
        out = GazetteerSuggester(self.extra, policy)
        out._gazetteer = self._gazetteer
        return out

    def prepare(self) -> Any:
        if self._gazetteer is None:
            from store.gazetteer import Gazetteer, default_paths

            self._gazetteer = (Gazetteer.from_files([*default_paths(), *self.extra])
                               if self.extra else Gazetteer.default())
        return self._gazetteer

    def __call__(self, text: str) -> list[Any]:
        # Match objects carry start/end/label/score/entry
        return self.prepare().match(text, nationality_adjectives=self.nationality_adjectives)


gazetteer = GazetteerSuggester()


# --------------------------------------------------------------------------- spaCy


class SpacySuggester:
    """A spaCy pipeline loaded from a local folder: ``--model DIR`` or WARRAQ_SPACY_MODEL.

    ``spacy.load`` of a path reads that folder only; an installed model package name works
    too. spaCy never downloads in ``load``; ``spacy download`` is never called.
    """

    name = "spacy"
    ENV = "WARRAQ_SPACY_MODEL"

    def __init__(self, model: str | None = None):
        self.model = model
        self._nlp: Any = None

    def with_model(self, path: str) -> SpacySuggester:
        return SpacySuggester(path)

    def prepare(self) -> Any:
        where = self.model or os.environ.get(self.ENV)
        if not where:
            raise SuggesterError(f"spacy suggester needs a local model: --model DIR or "
                                 f"{self.ENV}=DIR")
        try:
            import spacy
        except ImportError:
            raise SuggesterError("spaCy is not installed (pip install spacy)") from None
        looks_like_path = os.sep in where or where.startswith(".") or Path(where).exists()
        if looks_like_path and not Path(where).is_dir():
            raise SuggesterError("no spaCy model folder here", where)
        try:
            self._nlp = spacy.load(where)
        except Exception as exc:
            raise SuggesterError(f"cannot load spaCy model: {_one_line(exc)}", where) from None
        return self._nlp

    def __call__(self, text: str) -> Iterator[tuple[int, int, str]]:
        nlp = self._nlp if self._nlp is not None else self.prepare()
        for ent in nlp(text).ents:
            yield ent.start_char, ent.end_char, LABEL_ALIASES.get(ent.label_, ent.label_)


spacy = SpacySuggester()


# --------------------------------------------------------------------------- Stanza


class StanzaSuggester:
    """A Stanza NER pipeline from resources already on disk (``--model DIR``,
    WARRAQ_STANZA_DIR, else Stanza's default folder), with ``download_method=None`` so
    Stanza neither fetches ``resources.json`` nor any model."""

    name = "stanza"
    ENV = "WARRAQ_STANZA_DIR"
    LANG_ENV = "WARRAQ_STANZA_LANG"
    PROCESSORS_ENV = "WARRAQ_STANZA_PROCESSORS"

    def __init__(self, model: str | None = None):
        self.model = model
        self._nlp: Any = None

    def with_model(self, path: str) -> StanzaSuggester:
        return StanzaSuggester(path)

    def prepare(self) -> Any:
        try:
            import stanza
        except ImportError:
            raise SuggesterError("Stanza is not installed (pip install stanza)") from None
        folder = self.model or os.environ.get(self.ENV) or str(
            Path.home() / "stanza_resources")
        lang = os.environ.get(self.LANG_ENV, "ar")
        if not Path(folder, lang).is_dir():
            raise SuggesterError(
                f"no Stanza models for {lang!r} on disk (fetch them yourself once with "
                f"stanza.download, then give --model DIR or {self.ENV})", folder)
        processors = os.environ.get(self.PROCESSORS_ENV, "tokenize,mwt,ner")
        try:
            self._nlp = stanza.Pipeline(lang=lang, dir=folder, processors=processors,
                                        download_method=None, logging_level="WARN")
        except Exception as exc:
            raise SuggesterError(f"cannot load Stanza pipeline: {_one_line(exc)}",
                                 folder) from None
        return self._nlp

    def __call__(self, text: str) -> Iterator[tuple[int, int, str]]:
        nlp = self._nlp if self._nlp is not None else self.prepare()
        for ent in nlp(text).ents:
            yield ent.start_char, ent.end_char, LABEL_ALIASES.get(ent.type, ent.type)


stanza = StanzaSuggester()


# --------------------------------------------------------------------------- CAMeL Tools

_CAMEL_CHUNK = 200  # tokens per prediction: BERT models see at most 512 word pieces


class CamelSuggester:
    """CAMeL Tools' BERT NER from local data: ``--model DIR`` (a model folder) or
    WARRAQ_CAMEL_NER_MODEL, else ``NERecognizer.pretrained()`` from CAMeL's data folder
    (CAMELTOOLS_DATA). Hugging Face is put offline first, so a missing model is an error,
    never a download. ANERcorp labels are mapped: LOC → GPE (countries and cities)."""

    name = "camel"
    ENV = "WARRAQ_CAMEL_NER_MODEL"

    def __init__(self, model: str | None = None):
        self.model = model
        self._ner: Any = None

    def with_model(self, path: str) -> CamelSuggester:
        return CamelSuggester(path)

    def prepare(self) -> Any:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            from camel_tools.ner import NERecognizer
        except ImportError:
            raise SuggesterError("CAMeL Tools is not installed (pip install camel-tools)") \
                from None
        where = self.model or os.environ.get(self.ENV)
        try:
            if where:
                if not Path(where).is_dir():
                    raise SuggesterError("no CAMeL NER model folder here", where)
                self._ner = NERecognizer(where)
            else:
                self._ner = NERecognizer.pretrained()
        except SuggesterError:
            raise
        except Exception as exc:
            raise SuggesterError(
                f"CAMeL NER model not available on disk ({_one_line(exc)}); install its "
                f"data yourself (camel_data) or give --model DIR / {self.ENV}") from None
        return self._ner

    def __call__(self, text: str) -> list[tuple[int, int, str]]:
        ner = self._ner if self._ner is not None else self.prepare()
        chunks = _token_chunks(text)
        tags = ner.predict([[t.text for t in chunk] for chunk in chunks]) if chunks else []
        spans: list[tuple[int, int, str]] = []
        for chunk, chunk_tags in zip(chunks, tags, strict=False):
            spans.extend(bio_spans(chunk, chunk_tags, CAMEL_LABELS))
        return spans


camel = CamelSuggester()


def _token_chunks(text: str) -> list[list[Any]]:
    """Tokens per line, cut into pieces a BERT model can take."""
    chunks: list[list[Any]] = []
    current: list[Any] = []
    last_end = 0
    for tok in tokenize(text):
        if current and ("\n" in text[last_end:tok.start] or len(current) >= _CAMEL_CHUNK):
            chunks.append(current)
            current = []
        current.append(tok)
        last_end = tok.end
    if current:
        chunks.append(current)
    return chunks


def bio_spans(tokens: list[Any], tags: Iterable[str],
              labels: dict[str, str] | None = None) -> list[tuple[int, int, str]]:
    """Character spans from one BIO tag per token (``I-`` without a ``B-`` starts a span,
    as conlleval reads it); tokens carry ``start``/``end``."""
    spans: list[tuple[int, int, str]] = []
    open_: list[Any] | None = None  # [start, end, label]
    for tok, tag in zip(tokens, tags, strict=False):
        prefix, _, label = tag.partition("-")
        if prefix == "I" and open_ is not None and open_[2] == label:
            open_[1] = tok.end
            continue
        if open_ is not None:
            spans.append((open_[0], open_[1], open_[2]))
            open_ = None
        if prefix in ("B", "I") and label:
            open_ = [tok.start, tok.end, label]
    if open_ is not None:
        spans.append((open_[0], open_[1], open_[2]))
    if labels is not None:
        spans = [(s, e, labels.get(lab, lab)) for s, e, lab in spans]
    return spans
