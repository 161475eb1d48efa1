"""The label schema: the default shipped file and errors in user schema files."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.errors import SchemaError
from store.schema import Schema

DEFAULT_ORDER = ["PERS", "ORG", "GPE", "LOC", "FAC", "NORP", "OCC", "EVENT", "DATE", "TIME",
                 "MONEY"]


def test_default_entity_types_order_keys_and_mappings() -> None:
    schema = Schema.load(None)
    assert [e.name for e in schema.entity_types] == DEFAULT_ORDER
    assert [e.key for e in schema.entity_types[:9]] == [str(i) for i in range(1, 10)]
    anercorp = {e.name: e.anercorp for e in schema.entity_types}
    assert anercorp == {"PERS": "PERS", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
                        "NORP": "MISC", "EVENT": "MISC", "MONEY": "MISC", "OCC": "O",
                        "DATE": "O", "TIME": "O"}
    ace = {e.name: e.ace for e in schema.entity_types}
    assert ace == {"PERS": "PER", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "FAC",
                   "NORP": None, "OCC": None, "EVENT": None, "DATE": None, "TIME": None,
                   "MONEY": None}
    assert schema.entity("GPE").colour.startswith("#")
    assert schema.entity("NOPE") is None
    assert schema.entity_for_key("1").name == "PERS"


def test_default_events_have_string_cameo_codes_and_roles() -> None:
    schema = Schema.load(None)
    meet = schema.event("MEET")
    assert meet is not None and meet.ace == "Contact:Meet" and meet.cameo == "040"
    assert "043" in meet.cameo_variants
    assert {"SOURCE", "TARGET", "PLACE", "TIME"} <= set(meet.roles)
    assert schema.event("CEASEFIRE").cameo == "0871"
    assert schema.event("STATEMENT").cameo == "010"
    assert schema.event("ATTACK").ace == "Conflict:Attack"
    assert schema.event("DIE").cameo is None
    for etype in schema.event_types:
        assert etype.cameo is None or isinstance(etype.cameo, str)
        assert set(etype.ace_roles) <= set(etype.roles)
    assert set(schema.attributes) == {"polarity", "modality", "tense"}
    assert "future" in schema.attributes["tense"].values
    labels = {d.name for d in schema.doc_labels}
    assert {"POLITICS", "DIPLOMACY", "CONFLICT", "ECONOMY", "HUMANITARIAN"} <= labels
    keys = [d.key for d in schema.doc_labels]
    assert len(keys) == len(set(keys))
    assert schema.highlight_category("default") is not None


def test_snapshot_and_hash_are_stable_and_sensitive(tmp_path: Path) -> None:
    schema = Schema.load(None)
    again = Schema.load(None)
    assert schema.to_dict() == again.to_dict() and schema.hash == again.hash
    source = Path(schema.source).read_text(encoding="utf-8")
    changed = tmp_path / "s.toml"
    changed.write_text(source.replace('colour = "#e5c07b"', 'colour = "#000000"'),
                       encoding="utf-8")
    assert Schema.load(changed).hash != schema.hash


MINIMAL = """version = 1
name = "tiny"

[[entity]]
label = "PER"
key = "1"
anercorp = "PERS"

[[entity]]
label = "PLACE"
key = "2"
anercorp = "LOC"
"""


def test_replacement_schema_file(tmp_path: Path) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    schema = Schema.load(path)
    assert schema.name == "tiny"
    assert [e.name for e in schema.entity_types] == ["PER", "PLACE"]
    assert schema.event_types == ()
    assert schema.highlight_categories[0].name == "default"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (MINIMAL + "\n[[entity]]\nlabel = \n", 15, "invalid TOML"),
        (MINIMAL.replace('key = "2"', 'key = "1"'), 11, "already used"),
        (MINIMAL.replace('label = "PLACE"', 'label = "PER"'), 10, "already used"),
        (MINIMAL.replace('anercorp = "LOC"', 'anercorp = "GEO"'), 12, "anercorp"),
        (MINIMAL + '\n[[event]]\ntype = "MEET"\ncameo = 43\n', 16, "must be a string"),
        (MINIMAL + '\n[[event]]\ntype = "MEET"\nroles = ["SOURCE"]\n'
         'ace_roles = { PLACE = "Place" }\n', 17, "unknown role"),
        (MINIMAL.replace('key = "1"', 'key = "12"'), 6, "one character"),
        ("version = 2\n" + MINIMAL.split("\n", 1)[1], 1, "version"),
        (MINIMAL + "\n[attributes.tense]\nvalues = [\"past\"]\ndefault = \"future\"\n", 14,
         "default"),
    ],
)
def test_bad_schema_gives_one_line_error_with_file_and_line(
        tmp_path: Path, text: str, line: int, words: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError) as info:
        Schema.load(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:{line}: "), message
    assert words in message


def test_missing_and_non_utf8_schema_files(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="cannot read schema"):
        Schema.load(tmp_path / "missing.toml")
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"name = '\xff\xfe'\n")
    with pytest.raises(SchemaError, match="not UTF-8"):
        Schema.load(binary)
