"""Shared fixtures: isolated stores, the sample corpus, and the external tools tests need."""

from __future__ import annotations

import pytest

from tests_support import require_tool  # noqa: F401  (kept importable from conftest)


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path, monkeypatch):
    """No test ever writes to the user's real store."""
    monkeypatch.setenv("WARRAQ_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("WARRAQ_ANNOTATOR", "tester")
    monkeypatch.setenv("WARRAQ_NO_BDSM", "1")
