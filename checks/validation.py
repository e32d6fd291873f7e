"""Split a landed page into valid records and quarantined ones, using a pandera schema.

Each feed declares (a) a pandera (polars) schema over a small frame of the fields the pipeline
relies on and (b) how to extract that frame from the vendor's JSON. A record that fails any
check is quarantined with the column and check that failed — never the offending value, which
may be personal data — and the rest of the page lands.

The pandera schema is the one source of truth, applied in two passes (see `validate_records`):
a vectorised screen built from the schema's own columns and check functions (one polars query
per batch), then pandera itself on the few rows the screen flags, for the exact failure report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

# pandera registers its polars implementations of the built-in checks on first validation;
# the screen calls them directly, so register them up front.
from pandera.backends.polars import builtin_checks as _polars_checks  # noqa: F401
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
    """Return (indices of valid records, one rejection per invalid record).

    Why two passes: pandera runs one polars query per column and check, plus Python
    bookkeeping around each — a fixed cost of ~10 ms per batch that dominated landing. The
    screen (`screen_rows`) evaluates the same schema (nullability, dtypes, the same check
    functions with the same null handling) in ONE query; rows it passes are valid, and only the
    rows it flags — rare in real feeds — go through pandera for the exact field and reason.
    Where the screen cannot reproduce the schema (dtype mismatch, coercion, schema-wide checks),
    the whole batch goes through pandera as before.
    """
    if not records:
        return [], []
    frame = contract.extract(records)
    suspects = screen_rows(contract.schema, frame)
    if suspects is None:
        return _validate_with_pandera(contract.schema, frame)
    if not suspects:
        return list(range(len(records))), []
    _, sub_rejections = _validate_with_pandera(contract.schema, frame[suspects])
    if any(r.field == "record" for r in sub_rejections):
        # A frame-level problem on the subset: let pandera judge the whole batch as it is.
        return _validate_with_pandera(contract.schema, frame)
    rejections = [Rejection(suspects[r.row], r.field, r.reason) for r in sub_rejections]
    rejected = {r.row for r in rejections}
    return [i for i in range(len(records)) if i not in rejected], rejections


def screen_rows(schema: pa.DataFrameSchema, frame: pl.DataFrame) -> list[int] | None:
    """Indices of rows that may fail `schema`, from one vectorised polars query; None when the
    schema uses something the screen does not reproduce (then pandera must judge every row).

    Mirrors pandera's polars backend: a non-nullable column fails on null (and NaN for floats);
    each check is pandera's own check function, with nulls passing when `ignore_na` (the
    default) and failing otherwise. Conservative by design: a row the screen passes would pass
    pandera; a row it flags is re-checked by pandera, which has the final word.
    """
    if (
        schema.checks
        or schema.coerce
        or schema.unique
        or getattr(schema, "add_missing_columns", False)
        or (schema.strict is True and bool(set(frame.columns) - set(schema.columns)))
    ):
        return None
    lazy = frame.lazy()
    # One single-column boolean frame per condition, evaluated together in one collect.
    parts: list[pl.LazyFrame] = []
    for name, column in schema.columns.items():
        if column.regex or column.coerce or column.unique:
            return None
        if name not in frame.columns:
            return None  # missing column: a frame-level failure, pandera reports it
        if column.dtype is not None and frame.schema[name] != column.dtype.type:
            return None
        value = pl.col(name)
        if not column.nullable:
            present = value.is_not_null()
            if frame.schema[name].is_float():
                present = present & value.is_not_nan().fill_null(True)
            parts.append(lazy.select(present.alias(f"_c{len(parts)}")))
        for check in column.checks:
            if check.element_wise:
                return None
            # pandera's own check function (e.g. `select(col.is_in(values))`): the schema stays
            # the single definition of every check.
            out = check._check_fn(PolarsData(lazy, name), **check._check_kwargs)
            if not isinstance(out, pl.LazyFrame) or len(out.collect_schema()) != 1:
                return None
            passed = pl.first()
            passed = passed | passed.is_null() if check.ignore_na else passed.fill_null(False)
            parts.append(out.select(passed.alias(f"_c{len(parts)}")))
    if not parts:
        return []
    mask = (
        pl.concat(parts, how="horizontal")
        .select(pl.all_horizontal(pl.all()).alias("_ok"))
        .collect()
        .to_series()
    )
    if len(mask) != frame.height:
        return None
    return (~mask).arg_true().to_list()


def _validate_with_pandera(
    schema: pa.DataFrameSchema, frame: pl.DataFrame
) -> tuple[list[int], list[Rejection]]:
    """pandera's own lazy validation of `frame`: valid row indices and one rejection per
    invalid row (its first failure)."""
    try:
        schema.validate(frame, lazy=True)
        return list(range(frame.height)), []
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
        return [], [Rejection(i, "record", reason) for i in range(frame.height)]
    valid = [i for i in range(frame.height) if i not in rejections]
    return valid, sorted(rejections.values(), key=lambda r: r.row)


def describe_check(column: str, check: str) -> str:
    if column.endswith("_is_list"):
        return f"{column.removesuffix('_is_list')} must be a list"
    if column.endswith("_ok"):
        return f"{column.removesuffix('_ok')} has an unexpected type or format"
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
