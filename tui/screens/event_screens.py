"""Dialogs for events and notes: pick an event type, fill its roles, write a note.

All keyboard: type to filter, arrows to move, enter to choose, esc to leave. Arabic strings
(triggers, entity texts) are laid out with VisualText so they read correctly. Every dialog is
a :class:`~tui.screens.modal.WarraqModal`: it answers once, however fast the keys come.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from store.records import Event
from store.schema import EntityType, EventType, Schema
from tui.rtl.layout import BaseDirection
from tui.rtl.visual_text import VisualText, visual_line
from tui.screens.modal import WarraqModal
from tui.services.article_session import AnnotationError, ArticleSession
from tui.services.role_choices import EntityChoice, entity_choices, filter_choices, misfit
from tui.widgets.search_input import SearchInput

# Runs one change of the open article through the main screen (saved at once, repainted,
# an error shown as one line and never raised); returns whether it was saved.
Act = Callable[[Callable[[ArticleSession], str]], bool]


def _event_prompt(kind: EventType) -> RenderableType:
    """Name and codes, then the example triggers laid out by the RTL engine at whatever
    width the list has: an OptionList wrapping an already reordered line would put an
    Arabic paragraph's lines in the wrong order."""
    text = Text()
    text.append(f"{kind.name:<16}", style="bold")
    codes = []
    if kind.ace:
        codes.append(f"ACE {kind.ace}")
    if kind.cameo:
        codes.append(f"CAMEO {kind.cameo}")
    text.append(" · ".join(codes), style="dim")
    if not kind.triggers:
        return text
    return Group(text, VisualText("، ".join(kind.triggers[:3]), "italic",
                                  base=BaseDirection.RTL))


def _label_prompt(kind: EntityType) -> RenderableType:
    """Key, name and title, then the schema's guideline for the label (what goes inside
    the span and what stays out), laid out for mixed Latin and Arabic."""
    head = Text()
    head.append(f"{kind.key or ' '} ", style="bold cyan")
    head.append(f"{kind.name:<8}", style=f"bold {kind.colour}")
    head.append(kind.title, style="dim")
    if not kind.description:
        return head
    return Group(head, Padding(VisualText(kind.description, "italic", base=BaseDirection.LTR,
                                          align_rtl=False), (0, 0, 0, 2)))


class ChoicePicker(WarraqModal[str | None]):
    """Type to filter a list of choices; arrows move, enter picks, esc cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    DEFAULT_CSS = """
    ChoicePicker { align: center middle; }
    ChoicePicker > Vertical {
        width: 76; max-width: 95%; height: 24; border: round $accent; background: $surface;
    }
    ChoicePicker #filter, ChoicePicker #filter:focus {
        border: none; height: 1; margin: 0 1; padding: 0 1; background: $boost;
    }
    ChoicePicker OptionList { height: 1fr; border: none; }
    """

    def __init__(self, heading: Text, choices: list[tuple[str, RenderableType, str]],
                 current: str | None = None, placeholder: str = "type to filter…") -> None:
        super().__init__()
        self.heading = heading
        self.choices = choices  # (id, prompt, text searched by the filter)
        self.current = current
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.heading)
            yield SearchInput(placeholder=self.placeholder, id="filter")
            yield OptionList(id="choices")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        q = query.strip().lower()
        for choice_id, prompt, haystack in self.choices:
            if not q or q in haystack.lower():
                options.add_option(Option(prompt, id=choice_id))
        if options.option_count:
            index = 0
            for i in range(options.option_count):
                if options.get_option_at_index(i).id == self.current:
                    index = i
            options.highlighted = index

    @on(Input.Changed, "#filter")
    def _filtered(self, event: Input.Changed) -> None:
        if self.accepting:
            self._fill(event.value)

    @on(Input.Submitted, "#filter")
    def _submitted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + delta))

    def action_cancel(self) -> None:
        self.dismiss(None)


def EventTypePicker(schema: Schema, trigger: str, current: str | None = None) -> ChoicePicker:
    """The schema's event types with their ACE subtype, CAMEO code and example triggers."""
    choices = [
        (kind.name, _event_prompt(kind),
         " ".join([kind.name, kind.title, kind.ace or "", kind.cameo or "", *kind.triggers]))
        for kind in schema.event_types
    ]
    heading = Text.assemble(("Event on ", "dim"), (visual_line(trigger, 40), "bold"))
    return ChoicePicker(heading, choices, current, "type to filter event types…")


def LabelPicker(schema: Schema, target: str) -> ChoicePicker:
    """Every entity type, including those without a digit key."""
    choices: list[tuple[str, RenderableType, str]] = [
        (kind.name, _label_prompt(kind), f"{kind.name} {kind.title} {kind.title_ar or ''}")
        for kind in schema.entity_types
    ]
    heading = Text.assemble(("Label ", "dim"), (visual_line(target, 40), "bold"))
    return ChoicePicker(heading, choices, None, "type to filter entity types…")


class EventEditor(WarraqModal[None]):
    """Fill an event's roles with the article's entities and set its attributes.

    Left: the roles and attributes; right: the article's entities, one row per entity with
    its mentions counted (the mention nearest the trigger fills the role), and a filter
    box above them. Enter on a role goes to the filter: type to narrow the entities, arrows
    move, enter fills the role. Backspace empties a role; enter on an attribute cycles its
    value; ``t`` changes the event type. A filler whose label does not fit the role (the
    schema's ``[role_types]``) is marked and said, not refused: the annotator decides.

    Each change goes through ``act`` (the main screen's way of running an annotation
    action), so a save that fails (a read-only store, a full disk) is one line in a
    notification, as anywhere else, and the dialog stays open on what is saved.
    """

    BINDINGS = [
        Binding("escape", "close", "Done"),
        Binding("tab", "switch", "Roles ⇄ entities", show=False),
        Binding("backspace,delete", "clear_role", "Empty role"),
        Binding("t", "change_type", "Type"),
        Binding("down", "move_entity(1)", "Down", show=False),
        Binding("up", "move_entity(-1)", "Up", show=False),
    ]

    DEFAULT_CSS = """
    EventEditor { align: center middle; }
    EventEditor > Vertical {
        width: 100; max-width: 98%; height: 28; border: round $accent; background: $surface;
    }
    EventEditor #head { height: auto; padding: 0 1; }
    EventEditor Horizontal { height: 1fr; }
    EventEditor #entity-side { width: 1fr; height: 1fr; }
    EventEditor #entity-filter, EventEditor #entity-filter:focus {
        border: none; height: 1; margin: 0 1; padding: 0 1; background: $boost;
    }
    EventEditor OptionList { width: 1fr; height: 1fr; border: round $panel-lighten-2; }
    EventEditor OptionList:focus { border: round $accent; }
    EventEditor #warning { height: 1; color: $text-warning; padding: 0 1; }
    EventEditor #keys { height: 1; color: $text-muted; padding: 0 1; }
    """

    def __init__(self, session: ArticleSession, event_id: str, act: Act,
                 show_offset: Callable[[int], None]) -> None:
        super().__init__()
        self.session = session
        self.event_id = event_id
        self.act = act
        self.show_offset = show_offset  # the reader behind follows the entity browsed
        self._role: str | None = None
        self._shown: list[EntityChoice] = []  # the entity rows, in list order

    @property
    def event(self) -> Event:
        return self.session.event(self.event_id)

    def _change(self, change: Callable[[ArticleSession], str]) -> None:
        """One change of the event, then the lists again (whether it was saved or not:
        they show what the store holds)."""
        if not self.accepting:
            return
        self.act(change)
        if self.is_attached and not self._answered:
            self._refresh()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="head")
            with Horizontal():
                yield OptionList(id="roles")
                with Vertical(id="entity-side"):
                    yield SearchInput(placeholder="type to filter entities…", id="entity-filter")
                    yield OptionList(id="entities")
            yield Static("", id="warning")
            yield Static("enter: choose · type: filter · tab: switch lists · "
                         "backspace: empty role · t: type · esc: done", id="keys")

    def on_mount(self) -> None:
        self._refresh()
        self.query_one("#roles", OptionList).focus()

    def _choices(self, trigger_start: int) -> list[EntityChoice]:
        return entity_choices(self.session.annotations.entities, trigger_start)

    def _current_role(self) -> str | None:
        return self._role or self._highlighted_role()

    def _refresh(self) -> None:
        try:
            event = self.event
        except AnnotationError:  # the event is gone (undone behind the dialog)
            self.dismiss(None)
            return
        schema = self.session.schema
        kind = schema.event(event.type)
        head = Text()
        head.append(f"{event.type}  ", style="bold")
        head.append(visual_line(event.trigger_text, 30), style="bold magenta")
        codes = " · ".join(x for x in (event.ace and f"ACE {event.ace}",
                                       event.cameo and f"CAMEO {event.cameo}") if x)
        head.append(f"   {codes}", style="dim")
        self.query_one("#head", Static).update(head)

        by_id = {e.id: e for e in self.session.annotations.entities}
        fillers = {a.role: by_id.get(a.entity_id) for a in event.arguments}
        roles = self.query_one("#roles", OptionList)
        keep = roles.highlighted
        roles.clear_options()
        for role in kind.roles if kind else sorted(fillers):
            filler = fillers.get(role)
            prompt = Text(f"{role:<12}", style="bold")
            if filler is not None:
                prompt.append(visual_line(filler.text, 24))
                prompt.append(f"  {filler.label}", style="dim")
                if misfit(schema, role, filler.label):
                    prompt.append("  ⚠ type", style="bold yellow")
            else:
                prompt.append("—", style="dim")
            roles.add_option(Option(prompt, id=f"role:{role}"))
        for name, attribute in schema.attributes.items():
            value = event.attributes.get(name, attribute.default)
            prompt = Text(f"{name:<12}", style="italic")
            prompt.append(str(value))
            roles.add_option(Option(prompt, id=f"attr:{name}"))
        if roles.option_count:
            roles.highlighted = min(keep or 0, roles.option_count - 1)
        self._fill_entities()

    def _fill_entities(self) -> None:
        """The entity rows for the filter's text, marked where they misfit the role."""
        try:
            event = self.event
        except AnnotationError:
            return
        schema = self.session.schema
        role = self._current_role()
        query = self.query_one("#entity-filter", Input).value
        self._shown = filter_choices(self._choices(event.trigger_start), query)
        entities = self.query_one("#entities", OptionList)
        keep = entities.highlighted
        entities.clear_options()
        for choice in self._shown:
            prompt = Text(f"{choice.label:<6}", style="bold")
            prompt.append(visual_line(choice.text, 30))
            if choice.mentions > 1:
                prompt.append(f"  ×{choice.mentions}", style="dim")
            if choice.pending:
                prompt.append("  (suggestion)", style="dim italic")
            if role is not None and misfit(schema, role, choice.label):
                prompt.append("  ⚠", style="bold yellow")
            entities.add_option(Option(prompt, id=choice.span_id))
        if entities.option_count:
            entities.highlighted = min(keep or 0, entities.option_count - 1)
        self._show_warning()

    def _show_warning(self) -> None:
        """The warning line: what the highlighted entity would be in the current role."""
        role = self._current_role()
        entities = self.query_one("#entities", OptionList)
        said = ""
        if role is not None and entities.highlighted is not None and self._shown:
            choice = self._shown[min(entities.highlighted, len(self._shown) - 1)]
            problem = misfit(self.session.schema, role, choice.label)
            said = f"⚠ {problem}" if problem else ""
        self.query_one("#warning", Static).update(said)

    @on(Input.Changed, "#entity-filter")
    def _filtered(self) -> None:
        if self.accepting:
            self._fill_entities()

    @on(Input.Submitted, "#entity-filter")
    def _filter_submitted(self) -> None:
        entities = self.query_one("#entities", OptionList)
        if entities.highlighted is not None and self._shown:
            self._fill_role(self._shown[entities.highlighted])

    @on(OptionList.OptionSelected, "#roles")
    def _role_chosen(self, event: OptionList.OptionSelected) -> None:
        if not self.accepting:
            return
        kind, _, name = (event.option.id or "").partition(":")
        if kind == "attr":
            self._change(lambda s: f"{name}: {s.cycle_attribute(self.event_id, name)}")
            return
        self._role = name
        box = self.query_one("#entity-filter", Input)
        box.value = ""
        self._fill_entities()
        box.focus()

    @on(OptionList.OptionHighlighted, "#roles")
    def _role_browsed(self) -> None:
        if self.accepting and self._role is None:
            self._fill_entities()

    @on(OptionList.OptionHighlighted, "#entities")
    def _entity_browsed(self, event: OptionList.OptionHighlighted) -> None:
        # Jumping between entities shows each one in the reader behind the dialog.
        if not self.accepting:
            return
        choice = next((c for c in self._shown if c.span_id == event.option.id), None)
        if choice is not None:
            self.show_offset(choice.start)
        self._show_warning()

    @on(OptionList.OptionSelected, "#entities")
    def _entity_chosen(self, event: OptionList.OptionSelected) -> None:
        choice = next((c for c in self._shown if c.span_id == event.option.id), None)
        if choice is not None:
            self._fill_role(choice)

    def _fill_role(self, choice: EntityChoice) -> None:
        role = self._current_role()
        if role is None or not self.accepting:
            return
        problem = misfit(self.session.schema, role, choice.label)

        def fill(session: ArticleSession) -> str:
            session.set_argument(self.event_id, role, choice.span_id)
            return f"{role} filled" + (f" · ⚠ {problem}" if problem else "")

        self._role = None
        self.query_one("#entity-filter", Input).value = ""  # the next role starts unfiltered
        self._change(fill)
        if problem and self.is_attached:
            self.notify(f"{problem}: filled anyway (backspace on the role empties it)",
                        severity="warning", timeout=5)
        if self.is_attached and not self._answered:
            self.query_one("#roles", OptionList).focus()

    def _highlighted_role(self) -> str | None:
        roles = self.query_one("#roles", OptionList)
        if roles.highlighted is None:
            return None
        kind, _, name = (roles.get_option_at_index(roles.highlighted).id or "").partition(":")
        return name if kind == "role" else None

    def action_move_entity(self, delta: int) -> None:
        """Arrows in the filter box move the entity list (the lists move themselves)."""
        entities = self.query_one("#entities", OptionList)
        if entities.option_count:
            current = entities.highlighted or 0
            entities.highlighted = max(0, min(entities.option_count - 1, current + delta))

    def action_clear_role(self) -> None:
        role = self._highlighted_role()
        if role is not None:
            self._change(lambda s: (s.set_argument(self.event_id, role, None),
                                    f"{role} emptied")[1])

    def action_switch(self) -> None:
        roles = self.query_one("#roles", OptionList)
        if roles.has_focus:
            self.query_one("#entity-filter", Input).focus()
        else:
            self._role = None
            roles.focus()

    def action_change_type(self) -> None:
        def chosen(event_type: str | None) -> None:
            if event_type:
                self._change(lambda s: (s.set_event_type(self.event_id, event_type),
                                        f"event type {event_type}")[1])

        self.app.push_screen(
            EventTypePicker(self.session.schema, self.event.trigger_text, self.event.type),
            chosen,
        )

    def action_close(self) -> None:
        self.dismiss(None)


class NoteDialog(WarraqModal[str | None]):
    """A one-line note on a highlight; enter saves (empty removes), esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    DEFAULT_CSS = """
    NoteDialog { align: center middle; }
    NoteDialog > Vertical {
        width: 70; max-width: 95%; height: 7; border: round $accent; background: $surface;
        padding: 0 1;
    }
    """

    def __init__(self, quoted: str, note: str | None) -> None:
        super().__init__()
        self.quoted = quoted
        self.note = note or ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text.assemble(("Note on ", "dim"), (visual_line(self.quoted, 50),
                                                             "bold")))
            yield SearchInput(value=self.note, placeholder="note (enter saves, esc cancels)")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _save(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
