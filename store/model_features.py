"""Token features for the learning suggester (store/model_crf.py).

Arabic names hide behind clitics and spelling variants, so each token is described by its
normalized form (ARABIC.md: hamza forms, alef maqsura, taa marbuta folded), its stem without
proclitics (``بموسكو`` → ``موسكو``) and the proclitics themselves, its first and last two
to four letters, its shape (Arabic, Latin, digits, punctuation), its neighbours two either
side, and the built-in gazetteer's opinion as a *feature* (``gaz=GPE``), which the model
learns to trust or not per context — not as the answer.

Feature choices are made on a dev split (the last 20% of the training articles,
``bench_model.py --dev``), never on the test split: four-letter affixes took the dev F1
from 0.705 to 0.712; word bigrams, neighbours' affixes and gazetteer tags two away did not
help (0.702 each).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from store.arabic import normalize, split_proclitics, tokenize

_SENTENCE_END = re.compile(r"[.!?؟\n]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LATIN = re.compile(r"[A-Za-z]")


def sentences(text: str) -> list[list[Any]]:
    """The text's tokens (store.arabic.tokenize) cut into sentences after . ! ? ؟ and at
    line ends; every token belongs to exactly one sentence."""
    out: list[list[Any]] = []
    current: list[Any] = []
    for token in tokenize(text):
        current.append(token)
        gap = text[token.end:token.end + 1]
        if _SENTENCE_END.fullmatch(token.text) or gap == "\n":
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def _shape(word: str) -> str:
    if word.isdigit():
        return "digit"
    if _ARABIC.search(word):
        return "arabic"
    if _LATIN.search(word):
        return "latin"
    if not any(ch.isalnum() for ch in word):
        return "punct"
    return "other"


def _stem(key: str) -> tuple[str, str]:
    """(proclitics, stem) of a normalized token: the longest proclitic reading whose stem
    keeps the article, so ``بالاسد`` → (ب, الاسد) and ``والصين`` → (و, الصين)."""
    readings = [(p, s) for p, s in split_proclitics(key) if p + s == key]
    if len(readings) <= 1:
        return "", key
    prefix, stem = readings[-1]
    return prefix, stem


def sentence_features(words: Sequence[str], gazetteer_tags: Sequence[str] | None = None
                      ) -> list[list[str]]:
    """One feature list per token of a sentence (crfsuite's item format)."""
    keys = [normalize(w) for w in words]
    gaz = list(gazetteer_tags) if gazetteer_tags is not None else ["O"] * len(words)
    out: list[list[str]] = []
    n = len(words)
    for i, (word, key) in enumerate(zip(words, keys, strict=True)):
        prefix, stem = _stem(key)
        feats = [
            "bias", f"w={key}", f"stem={stem}", f"pre={prefix}", f"shape={_shape(word)}",
            f"p2={stem[:2]}", f"p3={stem[:3]}", f"p4={stem[:4]}", f"s2={stem[-2:]}",
            f"s3={stem[-3:]}", f"s4={stem[-4:]}",
            f"al={stem.startswith('ال')}", f"len={min(len(stem), 8)}", f"gaz={gaz[i]}",
        ]
        for offset in (-2, -1, 1, 2):
            j = i + offset
            if 0 <= j < n:
                feats.append(f"w{offset:+d}={keys[j]}")
                if abs(offset) == 1:
                    feats.append(f"gaz{offset:+d}={gaz[j]}")
                    feats.append(f"stem{offset:+d}={_stem(keys[j])[1]}")
            elif offset in (-1, 1):
                feats.append("BOS" if offset < 0 else "EOS")
        feats.append(f"w-1|w={keys[i - 1] if i else '^'}|{key}")
        out.append(feats)
    return out


def gazetteer_tags(text: str, tokens: Sequence[Any], matches: Sequence[Any]) -> list[str]:
    """IOB tags of ``tokens`` from gazetteer matches (offsets into ``text``)."""
    tags = ["O"] * len(tokens)
    starts = {t.start: i for i, t in enumerate(tokens)}
    for m in matches:
        first = next((i for i, t in enumerate(tokens) if t.start <= m.start < t.end),
                     starts.get(m.start))
        if first is None:
            continue
        tags[first] = f"B-{m.label}"
        for i in range(first + 1, len(tokens)):
            if tokens[i].start >= m.end:
                break
            tags[i] = f"I-{m.label}"
    return tags
