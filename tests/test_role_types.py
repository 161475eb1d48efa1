"""Event role fillers: the schema's [role_types] and one choice per entity, not per mention."""

from __future__ import annotations

from importlib import resources

import pytest

from store.errors import SchemaError
from store.records import EntitySpan, SpanStatus
from store.schema import Schema
from tui.services.role_choices import entity_choices, filter_choices, misfit


def _default_text() -> str:
    return resources.files("store").joinpath("data/schema.toml").read_text(encoding="utf-8")


def test_default_schema_says_which_labels_fill_place_and_time() -> None:
    schema = Schema.default()
    assert schema.role_fits("PLACE", "GPE") and not schema.role_fits("PLACE", "PERS")
    assert schema.role_fits("TIME", "DATE") and not schema.role_fits("TIME", "ORG")
    assert schema.role_fits("INSTRUMENT", "PERS")  # a role not listed takes any label
    assert misfit(schema, "PLACE", "PERS") == "PLACE takes GPE, LOC, FAC, not PERS"
    assert misfit(schema, "PLACE", "GPE") is None
    again = Schema.from_toml(_default_text())
    assert again.to_dict()["role_types"]["TIME"] == ["DATE", "TIME"]


@pytest.mark.parametrize("table, said", [
    ('[role_types]\nPLACE = ["CITY"]\n', "unknown entity label 'CITY'"),
    ('[role_types]\nWHERE = ["GPE"]\n', "unknown role 'WHERE'"),
    ('[role_types]\nPLACE = "GPE"\n', "must be a list of entity labels"),
])
def test_bad_role_types_are_one_line_naming_the_line(table: str, said: str) -> None:
    text = _default_text().replace("[role_types]\n", "[old_role_types]\n")
    with pytest.raises(SchemaError) as caught:
        Schema.from_toml(text + "\n" + table, source="my.toml")
    message = str(caught.value)
    assert said in message and "my.toml" in message and "\n" not in message


def _span(start: int, text: str, label: str, status=SpanStatus.ACCEPTED) -> EntitySpan:
    return EntitySpan(start, start + len(text), text, label, status=status)


def test_one_choice_per_entity_filled_by_the_mention_nearest_the_trigger() -> None:
    spans = [_span(0, "بوتين", "PERS"), _span(40, "موسكو", "GPE"),
             _span(100, "بوتين", "PERS"), _span(300, "بوتين", "PERS"),
             _span(120, "بوتين", "GPE"),  # another label: another entity
             _span(200, "الأسد", "PERS", SpanStatus.PENDING),
             _span(250, "الاسد", "PERS", SpanStatus.REJECTED)]
    choices = entity_choices(spans, trigger_start=110)
    assert [(c.label, c.text, c.mentions) for c in choices] == [
        ("PERS", "بوتين", 3), ("GPE", "موسكو", 1), ("GPE", "بوتين", 1), ("PERS", "الأسد", 1)]
    assert choices[0].span_id == spans[2].id and choices[0].start == 100
    assert choices[3].pending and not choices[0].pending
    assert [c.text for c in filter_choices(choices, "الاسد")] == ["الأسد"]  # normalized
    assert [c.label for c in filter_choices(choices, "gpe")] == ["GPE", "GPE"]


def test_an_accepted_mention_fills_before_a_nearer_suggestion() -> None:
    spans = [_span(0, "بوتين", "PERS"), _span(100, "بوتين", "PERS", SpanStatus.PENDING)]
    (choice,) = entity_choices(spans, trigger_start=95)
    assert choice.span_id == spans[0].id and choice.mentions == 2 and not choice.pending


def test_trims_survive_on_the_edge_that_stayed() -> None:
    from tui.widgets.reader_trims import bad_bounds, kept_trims

    assert kept_trims((1, 0), (3, 3), (3, 4)) == ((1, 0), [])  # start word stayed
    assert kept_trims((1, -1), (3, 3), (3, 4)) == ((1, 0), ["end"])
    assert kept_trims((1, 0), (3, 3), (2, 3)) == ((0, 0), ["start"])
    assert kept_trims((0, 0), None, None) == ((0, 0), [])
    assert bad_bounds("في موسكو", 2, 8) == "a span cannot start or end with a space"
    assert bad_bounds("في موسكو", 3, 8) is None
    assert bad_bounds("في موسكو", 3, 3) is not None
