"""Article status and annotator credit follow people's work, not machine suggestions."""

from __future__ import annotations

from store.records import ArticleStatus, EntitySpan, SpanStatus
from store.store import Store

TEXT = "استقبل بوتين الأسد في الكرملين بموسكو"


def test_suggestions_leave_an_article_new_and_unclaimed(tmp_path):
    with Store.open(tmp_path / "s", annotator="ana") as store:
        store.attach("a", TEXT, {})
        with store.batch("gazetteer"):
            span = store.add_entity("a", EntitySpan(7, 12, "بوتين", "PERS", origin="gazetteer",
                                                    status=SpanStatus.PENDING))
        assert store.status_of("a") == ArticleStatus.NEW
        assert store.annotations("a").annotators == []
        # The first human decision starts the article and credits its annotator.
        store.update_entity("a", span.id, status=SpanStatus.ACCEPTED)
        assert store.status_of("a") == ArticleStatus.IN_PROGRESS
        assert store.annotations("a").annotators == ["ana"]
    reopened = Store.open(tmp_path / "s")
    assert reopened.status_of("a") == ArticleStatus.IN_PROGRESS
