"""Saves made durable off the store's thread (``Store.writes_synced_later``): what the app's
refreshed model suggestions use so that no keypress waits on a sync. What must hold: the
disk is old until the group is placed, then new; a person's save meanwhile is never undone
by the older queued file; ``close`` finishes what is queued; a file changed on disk is not
overwritten."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from store.records import EntitySpan, SpanStatus
from store.store import Store

TEXT = "وصل الرئيس ماكرون إلى دمشق اليوم."


def _on_disk(store: Store, article_id: str) -> list[str]:
    path = store.get(article_id).path
    data = json.loads(path.read_text(encoding="utf-8"))
    return sorted(e["text"] for e in data["entities"].values())


def _suggest(store: Store, article_id: str, start: int, end: int) -> None:
    with store.batch("model suggestions", undoable=False):
        store.add_entities(article_id, [EntitySpan(start, end, TEXT[start:end], "LOC",
                                                   origin="model@2",
                                                   status=SpanStatus.PENDING, score=0.5)])


def _store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "s", annotator="amal")
    store.attach("a", TEXT, {"title": "a"})
    _suggest(store, "a", 0, 3)  # the article's file, written the usual way
    return store


def test_disk_is_old_until_placed_then_new(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with store.writes_synced_later() as group:
        _suggest(store, "a", 22, 26)
    assert sorted(e.text for e in store.get("a").annotations.entities) == ["دمشق", "وصل"]
    assert _on_disk(store, "a") == ["وصل"]  # only a temporary file so far
    error: list[OSError | None] = []
    thread = threading.Thread(target=lambda: error.append(group.sync()))
    thread.start()
    thread.join()
    assert store.place_synced(group, error[0]) == {}
    assert _on_disk(store, "a") == ["دمشق", "وصل"]
    store.close()
    assert not list((tmp_path / "s" / "articles").glob(".*.tmp"))


def test_a_persons_save_meanwhile_is_not_undone(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with store.writes_synced_later() as group:
        _suggest(store, "a", 22, 26)
    error = group.sync()
    # The person opens the article and adds a name before the queued file is placed:
    # their save is durable at once and holds the queued change too.
    store.add_entity("a", EntitySpan(11, 17, TEXT[11:17], "PERS"))
    assert _on_disk(store, "a") == ["دمشق", "ماكرون", "وصل"]
    store.place_synced(group, error)  # the older file must not replace theirs
    assert _on_disk(store, "a") == ["دمشق", "ماكرون", "وصل"]
    store.close()
    assert not list((tmp_path / "s" / "articles").glob(".*.tmp"))


def test_close_finishes_what_is_queued(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with store.writes_synced_later():
        _suggest(store, "a", 22, 26)
    store.close()
    with Store.open(tmp_path / "s", annotator="amal") as again:
        assert sorted(e.text for e in again.get("a").annotations.entities) == ["دمشق", "وصل"]


def test_a_file_changed_on_disk_meanwhile_is_kept(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with store.writes_synced_later() as group:
        _suggest(store, "a", 22, 26)
    path = store.get("a").path
    data = json.loads(path.read_text(encoding="utf-8"))
    data["article"]["1"]["meta"]["title"] = "changed by git"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    failed = store.place_synced(group, group.sync())
    assert set(failed) == {"a"}
    kept = json.loads(path.read_text(encoding="utf-8"))
    assert kept["article"]["1"]["meta"]["title"] == "changed by git"
    # The article left memory: read again, it is what the disk holds.
    assert [e.text for e in store.get("a").annotations.entities] == ["وصل"]
    store.close()


def test_a_refresh_the_store_refuses_stops_without_breaking_the_app(
        tmp_path: Path, monkeypatch) -> None:
    import time

    from store.errors import StoreError
    from tui.services.retraining import Retrainer

    store = _store(tmp_path)
    retrainer = Retrainer(store)
    retrainer._queue.extend([{"id": "a", "origin": "model@3", "spans": [[22, 26, "GPE", 0.9]]},
                             {"id": "a", "origin": "model@3", "spans": [[4, 10, "PERS", 0.9]]}])

    def full(*args: object, **kwargs: object) -> None:
        raise StoreError("could not save: No space left on device", store.root)

    monkeypatch.setattr(store, "remove_entities", full)
    assert retrainer.poll() is None  # the tick survives; the rest of the refresh is dropped
    assert not retrainer._queue
    for _ in range(100):
        retrainer.poll()
        if retrainer._syncing is None:
            break
        time.sleep(0.01)
    assert retrainer._syncing is None
    assert _on_disk(store, "a") == ["وصل"]  # the older suggestion stays, on disk as in memory
    assert [e.text for e in store.get("a").annotations.entities] == ["وصل"]
    store.close()
