"""FetchAhead (ingest.sync): read-ahead across many short syncs must hand each sync exactly its
own pages, in order, and its own fetch error — never another stream's pages or failure."""

from __future__ import annotations

import pytest

from ingest.sync import FetchAhead, Page


def pages(key: str, n: int, fail_after: int | None = None):
    def fetch(cursor):
        for i in range(n):
            if fail_after is not None and i == fail_after:
                raise ConnectionError(f"{key} broke")
            yield Page([{"id": f"{key}{i}", "cursor": cursor}], is_last=i == n - 1)

    return fetch


def test_each_sync_gets_its_own_pages_and_errors_even_after_an_early_stop():
    ahead = FetchAhead(
        [
            ("a", "c-a", pages("a", 3)),
            ("b", None, pages("b", 3, fail_after=2)),
            ("c", "c-c", pages("c", 2)),
        ],
        depth=2,
    )
    try:
        a = ahead.fetch_for("a")("c-a")
        assert next(a).records == [{"id": "a0", "cursor": "c-a"}]
        a.close()  # the sync of "a" stopped early: its remaining pages must not leak into "b"
        b = ahead.fetch_for("b")(None)
        assert [p.records[0]["id"] for p in (next(b), next(b))] == ["b0", "b1"]
        with pytest.raises(ConnectionError, match="b broke"):
            next(b)
        c = list(ahead.fetch_for("c")("c-c"))
        assert [p.records[0]["id"] for p in c] == ["c0", "c1"] and c[-1].is_last
    finally:
        ahead.close()


def test_a_sync_whose_cursor_changed_is_refused():
    ahead = FetchAhead([("a", "2026-01-01T00:00:00Z", pages("a", 1))])
    try:
        with pytest.raises(RuntimeError, match="cursor changed"):
            next(ahead.fetch_for("a")("2026-02-01T00:00:00Z"))
    finally:
        ahead.close()
