"""The Label Studio labelling interface Warraq writes (issue 14, item 5): every from_name the
tasks use has a control of the right kind, so editing a task in Label Studio keeps event
attributes and highlight categories; reachable as ``export --config OUT.xml``."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from store.records import EntitySpan, Event, Highlight
from store.schema import Schema
from store.store import Store
from tui.cli import main

TEXT = "التقى بوتين الأسد في موسكو."


def test_config_covers_every_control_the_tasks_use(tmp_path: Path) -> None:
    schema = Schema.default()
    store_dir = tmp_path / "s"
    event_type = schema.event_types[0]
    attribute = next(iter(schema.attributes.values()))
    category = schema.highlight_categories[-1].name
    with Store.open(store_dir, schema, annotator="amal") as store:
        store.attach("a", TEXT, {"title": "a"})
        putin = store.add_entity("a", EntitySpan(6, 11, "بوتين", "PERS"))
        store.add_event("a", Event(event_type.name, 0, 5, "التقى",
                                   attributes={attribute.name: attribute.values[-1]}))
        store.add_highlight("a", Highlight(12, 17, "الأسد", category=category, note="ملاحظة"))
        store.set_doc_labels("a", [schema.doc_labels[0].name])
        assert putin
    tasks, config = tmp_path / "tasks.json", tmp_path / "config.xml"
    assert main(["export", "--store", str(store_dir), "--format", "labelstudio",
                 "--out", str(tasks), "--config", str(config)]) == 0
    root = ET.fromstring(config.read_text(encoding="utf-8"))
    controls = {el.get("name"): el for el in root if el.get("name")}
    values = {name: {c.get("value") for c in el} for name, el in controls.items()}
    assert controls["text"].tag == "Text"
    for task in json.loads(tasks.read_text(encoding="utf-8")):
        for result in [r for a in task["annotations"] for r in a["result"]]:
            if result.get("type") == "relation":
                continue
            name = result["from_name"]
            assert name in controls, name
            kind = controls[name].tag.lower()
            assert result["type"] == kind, (name, result["type"], kind)
            chosen = result["value"].get("labels") or result["value"].get("choices")
            assert set(chosen) <= values[name], (name, chosen)
            if name.startswith("event_"):
                assert controls[name].get("perRegion") == "true"
    assert category in values["highlight"]
    # --config belongs to Label Studio: elsewhere it is an error, not silently ignored.
    assert main(["export", "--store", str(store_dir), "--format", "jsonl", "--out",
                 str(tmp_path / "x.jsonl"), "--config", str(config)]) != 0
