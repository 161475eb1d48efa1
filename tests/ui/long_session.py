"""A long, seeded-random annotation session driven through the real app with real keys.

Issue 14's "four hours at the keyboard" check: after ``warraq suggest`` an annotator moves,
selects, labels, trims, accepts, rejects, relabels, propagates, builds events, toggles
document labels, marks articles done or skipped, undoes and redoes — for hundreds to
thousands of keys over several articles, some articles never opened. ``Driver`` picks each
key from what is on screen (which dialog is open, which pane has the focus), so every key
is one a person could press there; the same seed gives the same keys.

Articles outside ``allowed`` are never opened: the list is only walked to allowed rows, and
``n``/``p``/``s`` are pressed only when the article they go to is allowed (predicted the way
``MainScreen._step`` chooses it). What the session does is checked in test_long_session.py.
"""

from __future__ import annotations

import asyncio
import random
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

from store.records import SpanStatus
from tui.screens.doc_labels_screen import DocLabelsScreen
from tui.screens.event_screens import ChoicePicker, EventEditor, NoteDialog
from tui.screens.main_screen import MainScreen
from tui.widgets.article_list import ArticleList
from tui.widgets.reader import Reader
from tui.widgets.side_pane import TagList

# What an annotator does in the reader, with how often (weights, not probabilities).
READER_KEYS: list[tuple[str, int]] = [
    ("left", 14), ("right", 10), ("down", 5), ("up", 3), ("pagedown", 1), ("home", 1),
    ("v", 6), ("shift+left", 3), ("shift+right", 2), ("escape", 2),
    ("1", 4), ("2", 3), ("3", 3), ("4", 1), ("5", 1), ("6", 1),
    ("left_square_bracket", 3), ("right_square_bracket", 3),
    ("left_curly_bracket", 3), ("right_curly_bracket", 3),
    ("a", 6), ("x", 4), ("X", 1), ("A", 2), ("P", 3), ("full_stop", 4), ("comma", 2),
    ("delete", 2), ("h", 1), ("e", 3), ("D", 1), ("u", 6), ("ctrl+r", 3),
    ("d", 1), ("s", 1), ("n", 1), ("p", 1), ("tab", 1), ("N", 1), ("l", 1),
]
# Letters for filters and notes: Latin (event type names) and a few Arabic ones.
TYPED = [*"meattackdi", "م", "و", "س", "ك"]


@dataclass
class Driver:
    """Chooses and presses one key at a time (see the module docstring)."""

    pilot: Any
    seed: int
    allowed: list[str]  # article ids the session may open, in list order
    rng: random.Random = field(init=False)
    keys: list[str] = field(default_factory=list)  # every key pressed, in order
    opened: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self._settled = asyncio.Event()
        self._watch_settling()

    @property
    def app(self) -> Any:
        return self.pilot.app

    async def press(self, *keys: str) -> None:
        """Type ``keys`` as a terminal delivers them, each one handled before the next is
        chosen (``settle``); quicker than ``Pilot.press``, which waits for the process to
        idle twice per key, so a session of a thousand keys stays within seconds."""
        for key in keys:
            self.keys.append(key)
            self.app._driver.send_message(key_event(key))
            await self.settle()
        main = self._main()
        if main is not None and main.current_id is not None:
            self.opened.add(main.current_id)

    async def settle(self) -> None:
        """Wait until the key is handled for good: handed on by ``HeldKeys`` and settled
        there (it calls ``_settled`` once per key, after the app went idle), then every
        message it caused processed. The next choice sees what a person would see, and a
        seed always gives the same run. Waiting on an event, not polling: a poll would
        keep the process busy and the app's idle check from ever seeing it idle."""
        await asyncio.wait_for(self._settled.wait(), timeout=10)
        self._settled.clear()
        await self.pilot._wait_for_screen()

    def _watch_settling(self) -> None:
        app = self.app
        handed_on = app._settled

        async def settled() -> None:
            await handed_on()
            self._settled.set()

        app._settled = settled

    def _main(self) -> MainScreen | None:
        for screen in self.app.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    def _pick(self, weighted: list[tuple[str, int]]) -> str:
        keys, weights = zip(*weighted, strict=True)
        return self.rng.choices(keys, weights)[0]

    # ------------------------------------------------------------------ one step
    async def step(self) -> None:
        screen = self.app.screen
        if isinstance(screen, MainScreen):
            await self._on_main(screen)
        elif isinstance(screen, EventEditor):
            await self._on_event_editor(screen)
        elif isinstance(screen, ChoicePicker):
            await self.press(self._pick([(self.rng.choice(TYPED), 2), ("backspace", 1),
                                         ("down", 3), ("up", 1), ("enter", 5),
                                         ("escape", 1)]))
        elif isinstance(screen, DocLabelsScreen):
            await self.press(self._pick([("p", 2), ("d", 2), ("c", 1), ("e", 1), ("j", 1),
                                         ("k", 1), ("space", 1), ("enter", 2),
                                         ("escape", 1)]))
        elif isinstance(screen, NoteDialog):
            await self.press(self._pick([(self.rng.choice(TYPED), 4), ("enter", 2),
                                         ("escape", 1)]))
        else:  # help, guidelines, a screen this driver does not know: leave it
            await self.press("escape")

    async def _on_event_editor(self, editor: EventEditor) -> None:
        in_filter = getattr(self.app.focused, "id", None) == "entity-filter"
        choices = [("down", 3), ("up", 2), ("enter", 6), ("tab", 1), ("escape", 1)]
        if in_filter:
            choices += [(self.rng.choice(TYPED), 1)]
        else:
            choices += [("backspace", 1), ("t", 1)]
        await self.press(self._pick(choices))

    async def _on_main(self, main: MainScreen) -> None:
        focused = self.app.focused
        if main.current_id is None or isinstance(focused, ArticleList):
            await self._open_from_list(main)
        elif isinstance(focused, TagList):
            await self.press(self._pick([("down", 4), ("up", 2), ("delete", 1), ("p", 1),
                                         ("d", 1), ("e", 1), ("tab", 3), ("shift+tab", 1)]))
        elif isinstance(focused, Reader):
            await self._in_reader(main)
        else:  # the search field or another input: back to the reader's world
            await self.press("escape")
            if not isinstance(self.app.focused, (Reader, ArticleList, TagList)):
                await self.press("tab")

    async def _in_reader(self, main: MainScreen) -> None:
        key = self._pick(READER_KEYS)
        if key in ("n", "p", "s") and not self._goes_to_allowed(main, key):
            key = "left"
        if key == "tab" and self.rng.random() < 0.5:
            await self._open_from_list(main)  # shift+tab back to the list, open another
            return
        await self.press(key)

    # ------------------------------------------------------------------ articles
    async def _open_from_list(self, main: MainScreen) -> None:
        """Focus the list with shift+tab, walk it with j/k to an allowed row, enter."""
        for _ in range(4):
            if isinstance(self.app.focused, ArticleList):
                break
            await self.press("shift+tab")
        articles = main.query_one(ArticleList)
        if not isinstance(self.app.focused, ArticleList):
            return
        target = self.rng.choice(self.allowed)
        for _ in range(len(articles.entries.ids) + 1):
            here = articles.current_id
            if here == target:
                break
            order = [articles.entries.ids[i] for i in articles.shown]
            await self.press("j" if order.index(target) > order.index(here) else "k")
        await self.press("enter")

    def _goes_to_allowed(self, main: MainScreen, key: str) -> bool:
        """Whether ``n``, ``p`` or ``s`` would open an allowed article (or none)."""
        articles = main.query_one(ArticleList)
        entries, shown = articles.entries, articles.shown
        statuses = {entries.ids[i]: str(main.warraq.status_name(entries.ids[i]))
                    for i in shown}
        here_id = main.current_id
        if key == "s":
            if statuses.get(here_id) == "skipped":
                return True  # `s` again: back to in progress, no move
            statuses[here_id] = "skipped"
        order = [entries.ids[i] for i in shown]
        here = order.index(here_id) if here_id in order else -1
        delta = -1 if key == "p" else 1
        for step in range(1, len(order) + 1):
            candidate = order[(here + delta * step) % len(order)]
            if key != "p" and statuses[candidate] in ("done", "skipped"):
                continue
            return candidate in self.allowed
        return True  # every article done: nothing opens


def key_event(key: str) -> events.Key:
    """The event a terminal sends for ``key`` (as ``Pilot.press`` builds it)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char: str | None = unicodedata.lookup(
            _get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


def live_spans(annotations: Any) -> list[Any]:
    """Entity spans that count: not rejected."""
    return [e for e in annotations.entities if e.status != SpanStatus.REJECTED]
