"""Review decisions as identity sees them: a person's answer on a duplicate pair holds only for
the two records as they were shown."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from orchestration.identity.schema import PERSON_RECORD_SCHEMA

# Every identity input except the record's update time: a re-sync that touches nothing a
# reviewer saw must not make the answer stale.
FINGERPRINT_FIELDS = tuple(name for name in PERSON_RECORD_SCHEMA if name != "record_updated_at")


def _plain(value: Any) -> Any:
    """JSON-ready value, the same whichever reader produced the row: DuckDB fetches lists as
    lists, polars rows as lists too, numpy-backed readers as arrays or tuples."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "tolist"):  # numpy arrays / scalars
        return _plain(value.tolist())
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def record_fingerprint(row: Mapping[str, Any]) -> str:
    """md5 hex of one person record's identity inputs as a reviewer was shown them.

    `row` holds the PERSON_RECORD_SCHEMA fields of one record (a dict from DuckDB or polars;
    extra keys are ignored, a missing field counts as null). The fingerprint is the md5 of
    the JSON of every schema field except `record_updated_at`, keys sorted, compact separators,
    non-ASCII kept as UTF-8; lists keep their order.

    Compute it on the rows as `intermediate.int_person_records` holds them (the same columns
    `hygiene.duplicate_review_records` publishes for the review page), NOT on the engine's frame
    after `store.load_person_records` fills country hints from locations: the page fingerprints
    what it shows, and a derived hint would make every such record look changed.
    """
    document = {name: _plain(row.get(name)) for name in FINGERPRINT_FIELDS}
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()
