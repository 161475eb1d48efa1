"""Building the real app (real corpus, real store in a temporary folder) for UI tests."""

from __future__ import annotations

import pytest

from tui.app import prepare_app


@pytest.fixture
def make_app(tmp_path):
    def build(corpus=None, **kwargs):
        kwargs.setdefault("store_dir", str(tmp_path / "store"))
        kwargs.setdefault("annotator", "tester")
        return prepare_app(corpus, **kwargs)

    return build
