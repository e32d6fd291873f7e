"""Data contracts for the CSV drop-folder feeds: event sign-ups, sourcing exports, outreach
event logs and the HRIS export.

The CSV reader (`ingest.csv_drop`) maps each file's headers to canonical field names and
normalises values first (trimmed text, empty -> null, timestamps -> `YYYY-MM-DDTHH:MM:SSZ`,
dates -> `YYYY-MM-DD`, booleans -> `true`/`false`, enumerations lower-cased). A value that could
not be normalised is left as it was, so these contracts catch it by its format and the row is
quarantined with the field name and the failed rule — never the value itself.

Contracts check the frame of canonical fields (all text). `extract` accepts either a
`FieldsBatch` (the reader's already-built frame, so a 5,000-row batch is validated without a
Python loop per row) or landed records (`{"file", "row", "fields": {...}, "original": {...}}`),
so the same contract can re-check what is already in `raw`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, overload

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from checks.email_address import EMAIL_PATTERN
from checks.validation import FeedContract

TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
YEAR_PATTERN = r"^(19|20)\d{2}$"
SMALL_INT_PATTERN = r"^\d{1,4}$"
BOOLEAN_VALUES = ["true", "false"]

OUTREACH_EVENT_TYPES = [
    "sent",
    "delivered",
    "opened",
    "clicked",
    "replied",
    "bounced",
    "unsubscribed",
    "complained",
]
BOUNCE_TYPES = ["hard", "soft"]
TERMINATION_TYPES = ["voluntary", "involuntary"]

EVENT_FIELDS = (
    "first_name",
    "last_name",
    "full_name",
    "email",
    "company",
    "job_title",
    "grad_year",
    "registered_at",
    "attended",
    "consent",
    "phone",
    "linkedin_url",
    "event_name",
    "event_date",
    "event_platform",
)
SOURCING_FIELDS = (
    "first_name",
    "last_name",
    "full_name",
    "headline",
    "job_title",
    "company",
    "location",
    "profile_url",
    "email",
    "phone",
    "tags",
    "project",
    "sourced_by",
    "sourced_at",
)
OUTREACH_FIELDS = (
    "message_id",
    "email",
    "campaign",
    "step",
    "event",
    "bounce_type",
    "occurred_at",
)
HRIS_FIELDS = (
    "employee_id",
    "first_name",
    "last_name",
    "full_name",
    "preferred_name",
    "personal_email",
    "work_email",
    "department",
    "job_title",
    "start_date",
    "end_date",
    "termination_type",
    "rehire_eligible",
)


class FieldsBatch(Sequence[Mapping[str, Any]]):
    """A batch of CSV rows already held as a polars frame of canonical fields.

    `validate_records` only needs `len()` and the contract's `extract`; handing it the frame
    avoids building one dict per row just to turn them back into a frame.
    """

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame

    def __len__(self) -> int:
        return self.frame.height

    @overload
    def __getitem__(self, index: int) -> Mapping[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Mapping[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [{"fields": row} for row in self.frame[index].to_dicts()]
        return {"fields": self.frame.row(index, named=True)}

    def __iter__(self) -> Iterator[Mapping[str, Any]]:
        for row in self.frame.iter_rows(named=True):
            yield {"fields": row}


def csv_record_id(record: Mapping[str, Any]) -> str:
    """`<file name>:<1-based data row>` — the id ground_truth.csv uses for CSV feeds."""
    return f"{record['file']}:{record['row']}"


def _fields_extractor(columns: Sequence[str]):
    schema = dict.fromkeys(columns, pl.String)

    def _extract(records: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
        if isinstance(records, FieldsBatch):
            return records.frame.select(columns)
        rows = []
        for record in records:
            fields = record.get("fields") if isinstance(record, Mapping) else None
            fields = fields if isinstance(fields, Mapping) else {}
            rows.append({c: _text(fields.get(c)) for c in columns})
        return pl.DataFrame(rows, schema=schema)

    return _extract


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _is_calendar_value(fmt: str, name: str) -> pa.Check:
    """The text is a real date/time in `fmt` (a regex lets "2026-02-30" through)."""

    def check(data: PolarsData) -> pl.LazyFrame:
        column = pl.col(data.key)
        parsed = (
            column.str.to_date(fmt, strict=False)
            if "%H" not in fmt
            else column.str.to_datetime(fmt, strict=False, time_unit="us")
        )
        return data.lazyframe.select(parsed.is_not_null() | column.is_null())

    return pa.Check(check, error=name)


_CALENDAR_CHECKS = {
    TIMESTAMP_PATTERN: _is_calendar_value("%Y-%m-%dT%H:%M:%SZ", "valid_utc_timestamp"),
    DATE_PATTERN: _is_calendar_value("%Y-%m-%d", "valid_calendar_date"),
}


def _checks(pattern: str | None) -> list[pa.Check]:
    if pattern is None:
        return []
    calendar = _CALENDAR_CHECKS.get(pattern)
    return [pa.Check.str_matches(pattern), *([calendar] if calendar else [])]


def _optional(pattern: str) -> pa.Column:
    return pa.Column(pl.String, _checks(pattern), nullable=True)


def _required(pattern: str | None = None) -> pa.Column:
    return pa.Column(pl.String, _checks(pattern), nullable=False)


def _one_of(values: Sequence[str], *, nullable: bool = True) -> pa.Column:
    return pa.Column(pl.String, pa.Check.isin(list(values)), nullable=nullable)


def _schema(fields: Sequence[str], checked: Mapping[str, pa.Column]) -> pa.DataFrameSchema:
    # Only checked fields are declared: pandera costs a pass per declared column, and free-text
    # fields (names, titles, campaigns) have no rule a row could fail.
    unknown = set(checked) - set(fields)
    if unknown:
        raise ValueError(f"checks for unknown fields: {sorted(unknown)}")
    return pa.DataFrameSchema(dict(checked))


EVENT_REGISTRATIONS = FeedContract(
    source="event_csv",
    entity="registrations",
    extract=_fields_extractor(EVENT_FIELDS),
    record_id=csv_record_id,
    # Email may be empty (walk-ins, paper lists); names are not checked because badges and
    # sign-up forms legitimately carry only one of them.
    schema=_schema(
        EVENT_FIELDS,
        {
            "email": _optional(EMAIL_PATTERN),
            "grad_year": _optional(YEAR_PATTERN),
            "registered_at": _optional(TIMESTAMP_PATTERN),
            "attended": _one_of(BOOLEAN_VALUES),
            "consent": _one_of(BOOLEAN_VALUES),
            "event_date": _optional(DATE_PATTERN),
        },
    ),
)

SOURCING_PROFILES = FeedContract(
    source="sourcing",
    entity="profiles",
    extract=_fields_extractor(SOURCING_FIELDS),
    record_id=csv_record_id,
    schema=_schema(
        SOURCING_FIELDS,
        {
            "email": _optional(EMAIL_PATTERN),
            "sourced_at": _optional(DATE_PATTERN),
        },
    ),
)

OUTREACH_EVENTS = FeedContract(
    source="outreach",
    entity="events",
    extract=_fields_extractor(OUTREACH_FIELDS),
    record_id=csv_record_id,
    # An event nobody can be matched to (no address) or that cannot be ordered in time (no
    # timestamp) is useless for bounce/unsubscribe handling, so those are quarantined.
    schema=_schema(
        OUTREACH_FIELDS,
        {
            "message_id": _required(),
            "email": _required(EMAIL_PATTERN),
            "step": _optional(SMALL_INT_PATTERN),
            "event": _one_of(OUTREACH_EVENT_TYPES, nullable=False),
            "bounce_type": _one_of(BOUNCE_TYPES),
            "occurred_at": _required(TIMESTAMP_PATTERN),
        },
    ),
)

HRIS_EMPLOYEES = FeedContract(
    source="hris",
    entity="employees",
    extract=_fields_extractor(HRIS_FIELDS),
    record_id=csv_record_id,
    schema=_schema(
        HRIS_FIELDS,
        {
            "employee_id": _required(),
            "personal_email": _optional(EMAIL_PATTERN),
            "work_email": _optional(EMAIL_PATTERN),
            "start_date": _required(DATE_PATTERN),
            "end_date": _optional(DATE_PATTERN),
            "termination_type": _one_of(TERMINATION_TYPES),
            "rehire_eligible": _one_of(BOOLEAN_VALUES),
        },
    ),
)

CONTRACTS = {
    "events": EVENT_REGISTRATIONS,
    "sourcing": SOURCING_PROFILES,
    "outreach": OUTREACH_EVENTS,
    "hris": HRIS_EMPLOYEES,
}
