"""Shared fixtures: isolated stores, the sample corpus, and the external tools tests need."""

from __future__ import annotations

import os
import shutil

import pytest


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path, monkeypatch):
    """No test ever writes to the user's real store."""
    monkeypatch.setenv("WARRAQ_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("WARRAQ_ANNOTATOR", "tester")
    monkeypatch.setenv("WARRAQ_NO_BDSM", "1")


def require_tool(name: str) -> str:
    """Path of an external tool; skip without it, unless CI demands it (WARRAQ_REQUIRE_TOOLS)."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("WARRAQ_REQUIRE_TOOLS"):
            pytest.fail(f"{name} is required in CI but not installed")
        pytest.skip(f"{name} not installed")
    return path
