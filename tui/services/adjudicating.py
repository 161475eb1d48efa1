"""The adjudication session behind the adjudication screen: which disagreement is shown,
what each annotator said there, and the decisions (store/adjudication.py) — no Textual."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from store.adjudication import Disagreement, Plan, decided, resolve
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


class AdjudicationSession:
    def __init__(self, store: Any, result: Plan) -> None:
        self.store = store
        self.plan = result
        self.index = 0
        self._skip_decided()

    # ------------------------------------------------------------------ where we are
    def open_items(self) -> list[Disagreement]:
        return [d for d in self.plan.disagreements if not self._is_decided(d)]

    def _is_decided(self, item: Disagreement) -> bool:
        return decided(self.store.annotations(item.article_id).entities, item.start, item.end)

    def current(self) -> Disagreement | None:
        items = self.plan.disagreements
        return items[self.index] if 0 <= self.index < len(items) else None

    def _skip_decided(self) -> None:
        items = self.plan.disagreements
        for step in range(len(items)):
            at = (self.index + step) % len(items)
            if not self._is_decided(items[at]):
                self.index = at
                return

    def move(self, step: int) -> None:
        """``.``/``,``: the next or previous disagreement still open (wrapping)."""
        items = self.plan.disagreements
        for offset in range(1, len(items) + 1):
            at = (self.index + step * offset) % len(items)
            if not self._is_decided(items[at]):
                self.index = at
                return

    # ------------------------------------------------------------------ decisions
    def take(self, names: list[str]) -> str:
        item = self.current()
        if item is None or self._is_decided(item):
            return "nothing to decide here"
        n = resolve(self.store, self.plan.texts[item.article_id], item, names)
        self.move(1)
        who = ", ".join(names) if names else "none"
        return f"took {who}: {n} span{'s' if n != 1 else ''} in the curated layer"

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

    def undo(self) -> str:
        action = self.store.undo()
        return "nothing to undo" if action is None else f"undone: {action.description}"

    def redo(self) -> str:
        action = self.store.redo()
        return "nothing to redo" if action is None else f"redone: {action.description}"

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
        laid = visual_line(context, max(10, width), mode=mode)
        versions = []
        for number, name in enumerate(item.names(), 1):
            spans = item.versions[name]
            said = "  ".join(f"{label} «{text[s:e]}»" for s, e, label in spans) or "(nothing)"
            versions.append((str(number), name,
                             visual_line(said, max(10, width - 20), mode=mode)))
        open_count = len(self.open_items())
        done = len(self.plan.disagreements) - open_count
        words = visual_line(text[item.start:item.end], max(10, width), mode=mode)
        return Shown(f"{done} decided, {open_count} open of {len(self.plan.disagreements)}",
                     item.article_id, laid, words, versions)

