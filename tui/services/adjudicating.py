"""The adjudication session behind the adjudication screen: which disagreement is shown,
what each annotator said there, and the decisions (store/adjudication.py) — no Textual."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from store import adjudication_events
from store.adjudication import (
    Disagreement,
    Plan,
    decided,
    resolve,
    resolve_edited,
    resolve_events,
)
from store.span_policy import policy_of
from tui.rtl.layout import article_direction
from tui.rtl.visual_text import visual_line

CONTEXT = 50  # characters of text shown on each side of a disagreement


@dataclass
class Shown:
    """One disagreement as the screen draws it (lines already laid out right-to-left)."""

    position: str  # "3 of 12"
    article_id: str
    context: str
    words: str  # the disputed stretch itself, laid out
    versions: list[tuple[str, str, str]]  # (key, annotator, what they said, laid out)
    editing: str | None = None  # the adjudicator's own span while editing, laid out


class AdjudicationSession:
    """Which disagreements are still open is known per article and brought up to date only
    for the article a decision, an undo or a redo touched: asking the curated layer about
    every disagreement on each key cost 124 ms per key at 500 articles (growing with the
    corpus) against a 50 ms target."""

    def __init__(self, store: Any, result: Plan) -> None:
        self.store = store
        self.plan = result
        self.index = 0
        self.editing: tuple[int, int, str] | None = None  # (start, end, label) being drawn
        self._closed = [False] * len(result.disagreements)
        self._by_article: dict[str, list[int]] = {}
        for i, item in enumerate(result.disagreements):
            self._by_article.setdefault(item.article_id, []).append(i)
        self._open = len(self._closed)
        for article_id in self._by_article:
            self._refresh(article_id)
        self._skip_decided()

    def _refresh(self, article_id: str | None) -> None:
        """Re-read which of an article's disagreements the curated layer has decided."""
        ids = [article_id] if article_id is not None else list(self._by_article)
        for one in ids:
            indices = self._by_article.get(one)
            if not indices:
                continue
            ann = self.store.annotations(one)
            for i in indices:
                item = self.plan.disagreements[i]
                if item.kind == "event":
                    now = adjudication_events.decided(ann.events, item.start, item.end)
                else:
                    now = decided(ann.entities, item.start, item.end)
                if now != self._closed[i]:
                    self._open += -1 if now else 1
                    self._closed[i] = now

    # ------------------------------------------------------------------ where we are
    def open_items(self) -> list[Disagreement]:
        return [d for d, closed in zip(self.plan.disagreements, self._closed, strict=True)
                if not closed]

    def current(self) -> Disagreement | None:
        items = self.plan.disagreements
        return items[self.index] if 0 <= self.index < len(items) else None

    def _skip_decided(self) -> None:
        items = self.plan.disagreements
        for step in range(len(items)):
            at = (self.index + step) % len(items)
            if not self._closed[at]:
                self.index = at
                return

    def move(self, step: int) -> None:
        """``.``/``,``: the next or previous disagreement still open (wrapping)."""
        self.editing = None
        items = self.plan.disagreements
        for offset in range(1, len(items) + 1):
            at = (self.index + step * offset) % len(items)
            if not self._closed[at]:
                self.index = at
                return

    # ------------------------------------------------------------------ decisions
    def take(self, names: list[str]) -> str:
        item = self.current()
        if item is None or self._closed[self.index]:
            return "nothing to decide here"
        open_before = self._open
        if item.kind == "event":
            n = resolve_events(self.store, self.plan, item, names)
            what = "event"
        else:
            n = resolve(self.store, self.plan.texts[item.article_id], item, names)
            what = "span"
        self._refresh(item.article_id)
        self.move(1)
        who = ", ".join(names) if names else "none"
        said = f"took {who}: {n} {what}{'s' if n != 1 else ''} in the curated layer"
        # An event's arguments become curated entities: a disagreement on one of them is
        # settled by the same decision, and is said so rather than silently closed.
        also = open_before - self._open - 1
        if also > 0:
            said += f"; this also settles {also} span disagreement{'s' if also != 1 else ''}"
            said += " (its arguments)"
        return said

    def take_key(self, key: str) -> str:
        item = self.current()
        if item is None:
            return "no disagreement left"
        names = item.names()
        if key == "b":
            return self.take(names)
        if key == "x":
            return self.take([])
        if key.isdigit() and 1 <= int(key) <= len(names):
            return self.take([names[int(key) - 1]])
        return f"no annotator on {key}"

    # ------------------------------------------------------------------ editing
    def start_edit(self) -> str:
        """``e``: draw the decision by hand, starting from the first annotator's version
        (or the disputed stretch): ``[ ] { }`` move its edges as in the reader (the
        schema's span policy: whole words or characters), a digit sets its label, enter
        saves, esc gives up."""
        item = self.current()
        if item is None or self._closed[self.index]:
            return "nothing to edit here"
        if item.kind == "event":
            return ("events are taken whole here; to change one, take a version and edit it "
                    "in the app (--annotator curated)")
        first = next((spans[0] for _, spans in sorted(item.versions.items()) if spans), None)
        if first is None:
            first = (item.start, item.end, "")
        self.editing = first
        return ("editing: [ ] { } move the edges, a digit sets the label, enter saves, "
                "esc gives up")

    def edit_trim(self, d_start: int, d_end: int) -> str:
        item = self.current()
        if self.editing is None or item is None:
            return "not editing (e starts)"
        start, end, label = self.editing
        text = self.plan.texts[item.article_id]
        start, end = policy_of(self.store.schema).step(text, start, end, d_start, d_end)
        self.editing = (start, end, label)
        return f"{label or '(no label)'} «{text[start:end]}»"

    def edit_label(self, key: str) -> str:
        if self.editing is None:
            return "not editing (e starts)"
        entity = self.store.schema.entity_for_key(key)
        if entity is None:
            return f"no label on {key}"
        start, end, _ = self.editing
        self.editing = (start, end, entity.label)
        return f"label {entity.label}"

    def commit_edit(self) -> str:
        item = self.current()
        if self.editing is None or item is None:
            return "not editing (e starts)"
        if not self.editing[2]:
            return "give the span a label first (a digit)"
        span = self.editing
        resolve_edited(self.store, self.plan.texts[item.article_id], item, span)
        self.editing = None
        self._refresh(item.article_id)
        self.move(1)
        text = self.plan.texts[item.article_id]
        return f"saved your version: {span[2]} «{text[span[0]:span[1]]}»"

    def cancel_edit(self) -> str:
        self.editing = None
        return "edit given up"

    def undo(self) -> str:
        action = self.store.undo()
        if action is None:
            return "nothing to undo"
        self._refresh(action.article_id)
        return f"undone: {action.description}"

    def redo(self) -> str:
        action = self.store.redo()
        if action is None:
            return "nothing to redo"
        self._refresh(action.article_id)
        return f"redone: {action.description}"

    # ------------------------------------------------------------------ drawing
    def shown(self, width: int, mode: str = "app") -> Shown | None:
        item = self.current()
        if item is None:
            return None
        text = self.plan.texts[item.article_id]
        # Whole words around the stretch, within its paragraph.
        para_start = text.rfind("\n", 0, item.start) + 1
        para_end = text.find("\n", item.end)
        para_end = len(text) if para_end < 0 else para_end
        start = max(para_start, item.start - CONTEXT)
        if start > para_start:
            start = text.find(" ", start, item.start) + 1 or item.start
        end = min(para_end, item.end + CONTEXT)
        if end < para_end:
            cut = text.rfind(" ", item.end, end)
            end = cut if cut > 0 else end
        context = ("… " if start > para_start else "") + text[start:end] + (
            " …" if end < para_end else "")
        base = article_direction(text)  # every line read the way the article is
        laid = visual_line(context, max(10, width), mode=mode, base=base)
        versions = []
        for number, name in enumerate(item.names(), 1):
            if item.kind == "event":
                said = "  ·  ".join(v.said(text) for v in item.events[name]) or "(no event)"
            else:
                said = "  ".join(f"{label} «{text[s:e]}»"
                                 for s, e, label in item.versions[name]) or "(nothing)"
            versions.append((str(number), name,
                             visual_line(said, max(10, width - 20), mode=mode, base=base)))
        open_count = self._open
        done = len(self.plan.disagreements) - open_count
        words = visual_line(text[item.start:item.end], max(10, width), mode=mode, base=base)
        editing = None
        if self.editing is not None:
            s, e, label = self.editing
            editing = visual_line(f"{label or '?'} «{text[s:e]}»", max(10, width - 20),
                                  mode=mode, base=base)
        kind = "event · " if item.kind == "event" else ""
        return Shown(f"{kind}{done} decided, {open_count} open of "
                     f"{len(self.plan.disagreements)}",
                     item.article_id, laid, words, versions, editing)

