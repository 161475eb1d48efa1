"""A team store made the way a team makes one, for the app's team tests: ``team init``'s
function, an assignment plan from ``store/assignment.py`` over the sample corpus, and each
annotator's decisions written through the real store into their own layer."""

from __future__ import annotations

from pathlib import Path

from store.arabic import tokenize
from store.assignment import Assignment, make_assignment, save
from store.corpus import Corpus, sample_corpus_path
from store.records import EntitySpan
from store.store import Store
from store.team import make_team_store

# Per annotator, (token index, label) on every shared article; ``clitic`` is the index of a
# token whose first letter the second annotator leaves out (a proclitic disagreement).
DECISIONS = {
    "amal": [(1, "PERS"), (4, "GPE"), (7, "ORG"), (10, "PERS"), (13, "GPE")],
    "badr": [(1, "PERS"), (4, "ORG"), (8, "ORG"), (10, "PERS"), (13, "GPE")],
    "cyra": [(1, "PERS"), (4, "GPE"), (10, "ORG")],
}


def _proclitic_token(tokens: list) -> int | None:  # type: ignore[type-arg]
    for i, token in enumerate(tokens):
        if i > 15 and len(token.text) >= 5 and token.text[0] in "وبل":
            return i
    return None


def build_team_store(root: Path, annotators: list[str], overlap: float = 0.6) -> Assignment:
    make_team_store(root, annotators[0])
    corpus = Corpus.open(sample_corpus_path())
    ids = [m.id for m in corpus.articles]
    plan = make_assignment(ids, annotators[:2], overlap, seed=1)
    save(root, plan)
    for name in annotators:
        with Store.open(root, annotator=name) as store:
            for article_id in plan.shared():
                text = corpus.load(article_id).text
                tokens = tokenize(text)
                store.attach(article_id, text, {"title": corpus.load(article_id).meta.title})
                for index, label in DECISIONS[name]:
                    t = tokens[index]
                    store.add_entity(article_id, EntitySpan(t.start, t.end, t.text, label))
                clitic = _proclitic_token(tokens)
                if clitic is not None and name != "cyra":
                    t = tokens[clitic]
                    start = t.start + (1 if name == "badr" else 0)
                    store.add_entity(article_id, EntitySpan(start, t.end, text[start:t.end],
                                                            "GPE"))
    return plan
