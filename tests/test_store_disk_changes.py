"""A store file changed on disk under an open Store (git pull, checkout, another tool) is
reloaded before the next action, never overwritten (issue 17, item 1)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from store.disk_changes import ArticleReloaded
from store.errors import StoreError
from store.records import EntitySpan
from store.store import Store
from tests_support import require_tool

TEXT = "استقبل بوتين الأسد في الكرملين بموسكو. وقال بوتين إن المحادثات كانت مثمرة جداً."
AID = "sana/2021/09/14 لقاء"


def span(text: str, label: str = "PERS") -> EntitySpan:
    start = TEXT.index(text)
    return EntitySpan(start, start + len(text), text, label)


def on_disk(store: Store) -> list[tuple[str, str]]:
    """(text, label) of every entity in the article's file as it is on disk now."""
    path = store.articles_dir / store.get(AID).path.name  # type: ignore[union-attr]
    data = json.loads(path.read_text(encoding="utf-8"))
    return sorted((e["text"], e["label"]) for e in data.get("entities", {}).values())


def colleague_version(root: Path, tmp_path: Path, edit) -> bytes:
    """The article file as a colleague's Warraq leaves it: a copy of the store, opened by
    its own Store (its own lock), ``edit(store)`` applied; returns the file's bytes."""
    other = tmp_path / "colleague"
    shutil.copytree(root, other, ignore=shutil.ignore_patterns(".lock", ".warraq-cache"))
    with Store.open(other, annotator="colleague") as store:
        store.attach(AID, TEXT)
        edit(store)
        return store.get(AID).path.read_bytes()  # type: ignore[union-attr]


def replace_as_git_does(path: Path, data: bytes) -> None:
    """A new file written beside the old one and renamed over it."""
    tmp = path.with_name(".incoming")
    tmp.write_bytes(data)
    os.replace(tmp, path)


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "st", annotator="me")
    s.attach(AID, TEXT)
    s.add_entity(AID, span("بوتين"))
    yield s
    s.close()


def test_file_renamed_over_keeps_both_sides(store: Store, tmp_path: Path) -> None:
    theirs = colleague_version(store.root, tmp_path,
                               lambda s: s.add_entity(AID, span("الأسد")))
    replace_as_git_does(store.get(AID).path, theirs)  # type: ignore[union-attr]
    store.add_entity(AID, span("الكرملين", "FAC"))
    assert on_disk(store) == [("الأسد", "PERS"), ("الكرملين", "FAC"), ("بوتين", "PERS")]
    assert len(store.annotations(AID).entities) == 3
    # The reload dropped the undo history written against the old file.
    store.undo()
    assert on_disk(store) == [("الأسد", "PERS"), ("بوتين", "PERS")]
    assert not store.can_undo


def test_in_place_rewrite_of_the_same_size_and_mtime_is_seen(store: Store) -> None:
    path = store.get(AID).path  # type: ignore[union-attr]
    before = path.stat()
    raw = path.read_bytes()
    changed = raw.replace(b'"label": "PERS"', b'"label": "NORP"')
    assert len(changed) == len(raw) and changed != raw
    with open(path, "r+b") as handle:  # same inode, same size
        handle.write(changed)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # a coarse clock
    store.add_entity(AID, span("الأسد"))
    assert on_disk(store) == [("الأسد", "PERS"), ("بوتين", "NORP")]


def test_touch_alone_is_not_a_change(store: Store) -> None:
    path = store.get(AID).path  # type: ignore[union-attr]
    store.add_entity(AID, span("الأسد"))
    os.utime(path, ns=(1, 1))
    assert store.undo() is not None  # history kept: the bytes did not change
    assert on_disk(store) == [("بوتين", "PERS")]


def test_update_of_a_record_deleted_on_disk_is_refused(store: Store, tmp_path: Path) -> None:
    entity_id = store.annotations(AID).entities[0].id

    def remove_it(other: Store) -> None:
        other.remove_entity(AID, entity_id)
        other.add_entity(AID, span("الأسد"))

    theirs = colleague_version(store.root, tmp_path, remove_it)
    path = store.get(AID).path  # type: ignore[union-attr]
    replace_as_git_does(path, theirs)
    with pytest.raises(StoreError, match="no entit"):
        store.update_entity(AID, entity_id, label="ORG")
    assert path.read_bytes() == theirs
    assert [e.text for e in store.annotations(AID).entities] == ["الأسد"]


def test_a_span_that_no_longer_fits_the_text_is_refused(store: Store, tmp_path: Path) -> None:
    """The other side changed the snapshot; the article was attached with TEXT, so the
    reload is re-anchored onto it and a span on TEXT still applies."""
    short = "وقال بوتين"
    theirs = colleague_version(store.root, tmp_path, lambda s: s.reconcile(AID, short))
    path = store.get(AID).path  # type: ignore[union-attr]
    replace_as_git_does(path, theirs)
    store.add_entity(AID, span("الكرملين", "FAC"))
    assert ("الكرملين", "FAC") in on_disk(store)


def test_a_file_damaged_on_disk_is_never_overwritten(store: Store) -> None:
    path = store.get(AID).path  # type: ignore[union-attr]
    broken = path.read_bytes()[:40]
    replace_as_git_does(path, broken)
    with pytest.raises(StoreError):
        store.add_entity(AID, span("الأسد"))
    assert path.read_bytes() == broken
    with pytest.raises(StoreError):
        store.set_status(AID, "done")
    assert path.read_bytes() == broken


def test_undo_after_an_external_change_is_refused(store: Store, tmp_path: Path) -> None:
    theirs = colleague_version(store.root, tmp_path,
                               lambda s: s.add_entity(AID, span("الأسد")))
    path = store.get(AID).path  # type: ignore[union-attr]
    replace_as_git_does(path, theirs)
    with pytest.raises(ArticleReloaded):
        store.undo()
    assert path.read_bytes() == theirs
    assert not store.can_undo and not store.can_redo


def test_a_deleted_file_starts_over(store: Store) -> None:
    path = store.get(AID).path  # type: ignore[union-attr]
    path.unlink()
    store.add_entity(AID, span("الأسد"))
    assert on_disk(store) == [("الأسد", "PERS")]


def test_a_file_appearing_for_an_unsaved_article_is_kept(tmp_path: Path) -> None:
    with Store.open(tmp_path / "st", annotator="me") as store:
        store.attach(AID, TEXT)  # attached, not written yet
        theirs = colleague_version(store.root, tmp_path,
                                   lambda s: s.add_entity(AID, span("الأسد")))
        replace_as_git_does(store.get(AID).path, theirs)  # type: ignore[union-attr]
        store.add_entity(AID, span("بوتين"))
        assert on_disk(store) == [("الأسد", "PERS"), ("بوتين", "PERS")]


def test_a_change_in_the_last_moment_is_refused_not_written(store: Store) -> None:
    """Between the action's check and the write (simulated): refused, memory rolled back."""
    path = store.get(AID).path  # type: ignore[union-attr]
    check = store._disk.check_before_save
    raw = path.read_bytes()

    def sneak_in(art):
        replace_as_git_does(path, raw.replace(b"PERS", b"NORP"))
        check(art)

    store._disk.check_before_save = sneak_in  # type: ignore[method-assign]
    with pytest.raises(StoreError, match="changed on disk"):
        store.add_entity(AID, span("الأسد"))
    store._disk.check_before_save = check  # type: ignore[method-assign]
    assert path.read_bytes() == raw.replace(b"PERS", b"NORP")
    store.add_entity(AID, span("الأسد"))
    assert on_disk(store) == [("الأسد", "PERS"), ("بوتين", "NORP")]


def test_sync_with_disk_reports_and_reloads(store: Store, tmp_path: Path) -> None:
    assert not store.sync_with_disk([AID])
    theirs = colleague_version(store.root, tmp_path,
                               lambda s: s.add_entity(AID, span("الأسد")))
    replace_as_git_does(store.get(AID).path, theirs)  # type: ignore[union-attr]
    changes = store.sync_with_disk([AID])
    assert changes.reloaded == [AID]
    assert sorted(e.text for e in store.annotations(AID).entities) == ["الأسد", "بوتين"]
    # Its own saves are not reported as changes.
    store.add_entity(AID, span("الكرملين", "FAC"))
    assert not store.sync_with_disk([AID])


def test_sync_with_disk_sees_new_and_removed_files(tmp_path: Path) -> None:
    with Store.open(tmp_path / "st", annotator="me") as store:
        store.attach(AID, TEXT)
        store.add_entity(AID, span("بوتين"))
        assert not store.sync_with_disk()
        other = "another/article"
        with Store.open(tmp_path / "b", annotator="colleague") as b:
            b.attach(other, TEXT)
            b.add_entity(other, span("الأسد"))
            new_file = b.get(other).path  # type: ignore[union-attr]
            shutil.copy(new_file, store.articles_dir / new_file.name)
        changes = store.sync_with_disk()
        assert changes.changed == [other]
        assert str(store.status_of(other)) == "in_progress"
        (store.articles_dir / new_file.name).unlink()
        assert store.sync_with_disk().removed == [other]
        assert str(store.status_of(other)) == "new"


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd)}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          check=True)
    return done.stdout


def test_git_pull_under_an_open_store_loses_nothing(tmp_path: Path) -> None:
    require_tool("git")
    mine = tmp_path / "mine"
    mine.mkdir()
    _git(mine, "init", "-q", "-b", "main")
    (mine / ".gitignore").write_text(".lock\n.warraq-cache/\n", encoding="utf-8")
    with Store.open(mine, annotator="me") as store:
        store.attach(AID, TEXT)
        store.add_entity(AID, span("بوتين"))
        _git(mine, "add", "-A")
        _git(mine, "commit", "-q", "-m", "mine")
        theirs = tmp_path / "theirs"
        _git(tmp_path, "clone", "-q", str(mine), str(theirs))
        with Store.open(theirs, annotator="colleague") as other:
            other.attach(AID, TEXT)
            other.add_entity(AID, span("الأسد"))
        _git(theirs, "commit", "-q", "-am", "theirs")
        _git(mine, "pull", "-q", "--ff-only", str(theirs), "main")
        store.add_entity(AID, span("الكرملين", "FAC"))
        assert on_disk(store) == [("الأسد", "PERS"), ("الكرملين", "FAC"), ("بوتين", "PERS")]
        # And it commits cleanly on top: nothing of theirs is undone in the diff.
        diff = _git(mine, "diff")
        assert "الأسد" not in "".join(line for line in diff.splitlines() if line[:1] == "-")
