"""``Corpus.articles`` for an indexed corpus: metadata records made from index columns.

An indexed corpus of 100,000 articles must open without building 100,000 ``ArticleMeta``
objects; the list reads the columns directly, and only code that asks for one article
(opening it, exporting it) gets a record, made then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping, Sequence
from typing import Any, overload

from store.corpus import ArticleMeta


class IndexedMetas(Sequence[ArticleMeta]):
    """``Corpus.articles`` backed by index columns: an ``ArticleMeta`` is made when asked
    for, so opening 100,000 articles builds none (the list reads ``columns`` directly).

    While a build is still appending, only the first ``count()`` rows are complete and
    only they are shown.
    """

    def __init__(self, columns: MutableMapping[str, Any], path_of: Callable[[int], str],
                 jsonl: bool = False, extra_of: Callable[[int], dict[str, Any]] | None = None,
                 count: Callable[[], int] | None = None) -> None:
        self.columns = columns
        self._path_of, self._jsonl, self._extra_of = path_of, jsonl, extra_of
        self._count = count

    @property
    def ids(self) -> Sequence[str]:
        return self.columns["id"]

    def __len__(self) -> int:
        return self._count() if self._count is not None else len(self.columns["id"])

    @overload
    def __getitem__(self, i: int) -> ArticleMeta: ...
    @overload
    def __getitem__(self, i: slice) -> list[ArticleMeta]: ...
    def __getitem__(self, i: int | slice) -> ArticleMeta | list[ArticleMeta]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        c = self.columns
        return ArticleMeta(
            c["id"][i], c["title"][i], c["date"][i], c["time"][i], c["date_raw"][i],
            c["url"][i], c["source"][i], c["author"][i], self._path_of(i),
            c["line"][i] if self._jsonl else None,
            c["offset"][i] if self._jsonl else None,
            self._extra_of(i) if self._extra_of else {},
        )

    def __iter__(self) -> Iterator[ArticleMeta]:
        for i in range(len(self)):
            yield self[i]
