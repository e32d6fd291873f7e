"""Split a landed page into valid records and quarantined ones, using a pandera schema.

Each feed declares (a) a pandera (polars) schema over a small frame of the fields the pipeline
relies on and (b) how to extract that frame from the vendor's JSON. A record that fails any
check is quarantined with the column and check that failed — never the offending value, which
may be personal data — and the rest of the page lands.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaError, SchemaErrors

Extractor = Callable[[Sequence[Mapping[str, Any]]], pl.DataFrame]


def record_id_from(key: str) -> Callable[[Mapping[str, Any]], str]:
    """Record id = the vendor's `key` field as text (ids may be ints or strings)."""

    def _record_id(record: Mapping[str, Any]) -> str:
        return str(record[key])

    return _record_id


@dataclass(frozen=True)
class FeedContract:
    """What a landed feed must satisfy, and how to read a record's id."""

    source: str
    entity: str
    schema: pa.DataFrameSchema
    extract: Extractor
    record_id: Callable[[Mapping[str, Any]], str] = record_id_from("id")


@dataclass(frozen=True)
class Rejection:
    row: int
    field: str
    reason: str


def validate_records(
    contract: FeedContract, records: Sequence[Mapping[str, Any]]
) -> tuple[list[int], list[Rejection]]:
    """Return (indices of valid records, one rejection per invalid record)."""
    if not records:
        return [], []
    frame = contract.extract(records)
    try:
        contract.schema.validate(frame, lazy=True)
        return list(range(len(records))), []
    except SchemaErrors as errors:
        failures = errors.failure_cases
    except SchemaError as error:  # non-lazy path (should not happen with lazy=True)
        failures = error.failure_cases
    rejections: dict[int, Rejection] = {}
    whole_frame_problems: list[str] = []
    for row in failures.iter_rows(named=True):
        column = row.get("column") or "record"
        check = str(row.get("check"))
        index = row.get("index")
        if index is None:
            whole_frame_problems.append(f"{column}: {check}")
            continue
        idx = int(index)
        if idx not in rejections:  # first failure per record is the reported one
            rejections[idx] = Rejection(idx, column, describe_check(column, check))
    if whole_frame_problems:
        # Column-level failures (e.g. wrong dtype) mean the extractor and vendor disagree on
        # shape: every record is suspect, so quarantine all rather than land garbage.
        reason = "; ".join(sorted(set(whole_frame_problems)))
        return [], [Rejection(i, "record", reason) for i in range(len(records))]
    valid = [i for i in range(len(records)) if i not in rejections]
    return valid, sorted(rejections.values(), key=lambda r: r.row)


def describe_check(column: str, check: str) -> str:
    if column.endswith("_is_list"):
        return f"{column.removesuffix('_is_list')} must be a list"
    if check == "not_nullable":
        return f"{column} is missing or not of the expected type"
    if check.startswith("isin"):
        return f"{column} has a value outside the allowed set"
    if check.startswith("greater_than"):
        return f"{column} must be positive"
    if check.startswith("str_matches"):
        return f"{column} does not have the expected format"
    return f"{column} failed check {check}"


def parse_iso_timestamps(frame: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    """ISO-8601 strings to UTC datetimes; unparseable values become null (and fail checks)."""
    return frame.with_columns(
        [
            pl.col(c)
            .str.replace(r"Z$", "+00:00")
            .str.to_datetime(strict=False, time_zone="UTC", time_unit="us")
            for c in columns
        ]
    )


def as_int(value: Any) -> int | None:
    """Vendor ids must be real integers (bool is not an id; '12' from a CSV is accepted)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def is_list_or_null(value: Any) -> bool:
    return value is None or isinstance(value, list)
