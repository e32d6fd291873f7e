"""Data contracts for the Greenhouse Harvest v3 feeds.

Only what the pipeline depends on is checked: a usable integer id, parseable timestamps that
drive the closed sync windows, list-typed identifier arrays, the flat ids staging joins on, and
enumerations used downstream. Unknown fields are tolerated (Greenhouse adds fields over time)
and kept in the landed JSON. Rows landed by the removed v1 connector are never re-validated:
staging reads both shapes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandera.polars as pa
import polars as pl

from checks.validation import FeedContract, as_int, is_list_or_null, parse_iso_timestamps

# v3 responses say `in_process` where v1 (and the v3 filter) say `active`.
APPLICATION_STATUSES = ["in_process", "active", "rejected", "hired", "converted"]
JOB_STATUSES = ["open", "closed", "draft"]

_TS = pl.Datetime("us", "UTC")


def _candidate_frame(records: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "id": [as_int(r.get("id")) for r in records],
            "created_at": [_str(r.get("created_at")) for r in records],
            "updated_at": [_str(r.get("updated_at")) for r in records],
            "email_addresses_is_list": [is_list_or_null(r.get("email_addresses")) for r in records],
            "phone_numbers_is_list": [is_list_or_null(r.get("phone_numbers")) for r in records],
            "social_media_is_list": [
                is_list_or_null(r.get("social_media_addresses")) for r in records
            ],
        },
        schema={
            "id": pl.Int64,
            "created_at": pl.String,
            "updated_at": pl.String,
            "email_addresses_is_list": pl.Boolean,
            "phone_numbers_is_list": pl.Boolean,
            "social_media_is_list": pl.Boolean,
        },
    )
    return parse_iso_timestamps(frame, ["created_at", "updated_at"])


_ID = pa.Column(pl.Int64, pa.Check.greater_than(0), nullable=False)

CANDIDATES = FeedContract(
    source="greenhouse",
    entity="candidates",
    extract=_candidate_frame,
    schema=pa.DataFrameSchema(
        {
            "id": _ID,
            "created_at": pa.Column(_TS, nullable=False),
            "updated_at": pa.Column(_TS, nullable=False),
            "email_addresses_is_list": pa.Column(pl.Boolean, pa.Check.isin([True])),
            "phone_numbers_is_list": pa.Column(pl.Boolean, pa.Check.isin([True])),
            "social_media_is_list": pa.Column(pl.Boolean, pa.Check.isin([True])),
        }
    ),
)


def _application_frame(records: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "id": [as_int(r.get("id")) for r in records],
            "candidate_id": [as_int(r.get("candidate_id")) for r in records],
            "status": [_str(r.get("status")) for r in records],
            "updated_at": [_str(r.get("updated_at")) for r in records],
            "last_activity_at": [_str(r.get("last_activity_at")) for r in records],
        },
        schema={
            "id": pl.Int64,
            "candidate_id": pl.Int64,
            "status": pl.String,
            "updated_at": pl.String,
            "last_activity_at": pl.String,
        },
    )
    return parse_iso_timestamps(frame, ["updated_at", "last_activity_at"])


APPLICATIONS = FeedContract(
    source="greenhouse",
    entity="applications",
    extract=_application_frame,
    schema=pa.DataFrameSchema(
        {
            "id": _ID,
            "candidate_id": pa.Column(pl.Int64, pa.Check.greater_than(0), nullable=False),
            "status": pa.Column(pl.String, pa.Check.isin(APPLICATION_STATUSES), nullable=False),
            "updated_at": pa.Column(_TS, nullable=False),
            "last_activity_at": pa.Column(_TS, nullable=False),
        }
    ),
)


def _job_frame(records: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "id": [as_int(r.get("id")) for r in records],
            "status": [_str(r.get("status")) for r in records],
            "updated_at": [_str(r.get("updated_at")) for r in records],
            "office_ids_is_list": [is_list_or_null(r.get("office_ids")) for r in records],
        },
        schema={
            "id": pl.Int64,
            "status": pl.String,
            "updated_at": pl.String,
            "office_ids_is_list": pl.Boolean,
        },
    )
    return parse_iso_timestamps(frame, ["updated_at"])


JOBS = FeedContract(
    source="greenhouse",
    entity="jobs",
    extract=_job_frame,
    schema=pa.DataFrameSchema(
        {
            "id": _ID,
            "status": pa.Column(pl.String, pa.Check.isin(JOB_STATUSES), nullable=False),
            "updated_at": pa.Column(_TS, nullable=False),
            "office_ids_is_list": pa.Column(pl.Boolean, pa.Check.isin([True])),
        }
    ),
)


def _linked_frame(
    link: str | None, stamp: str | None
) -> Callable[[Sequence[Mapping[str, Any]]], pl.DataFrame]:
    """Extractor for a list whose rows hang off another object (`link` id) and/or carry the
    timestamp their closed window filters on (`stamp`)."""

    def extract(records: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
        columns: dict[str, list[Any]] = {"id": [as_int(r.get("id")) for r in records]}
        schema: dict[str, Any] = {"id": pl.Int64}
        if link:
            columns[link] = [as_int(r.get(link)) for r in records]
            schema[link] = pl.Int64
        if stamp:
            columns[stamp] = [_str(r.get(stamp)) for r in records]
            schema[stamp] = pl.String
        frame = pl.DataFrame(columns, schema=schema)
        return parse_iso_timestamps(frame, [stamp]) if stamp else frame

    return extract


def _list_contract(entity: str, link: str | None = None, stamp: str | None = None) -> FeedContract:
    columns: dict[str, pa.Column] = {"id": _ID}
    if link:
        columns[link] = pa.Column(pl.Int64, pa.Check.greater_than(0), nullable=False)
    if stamp:
        columns[stamp] = pa.Column(_TS, nullable=False)
    return FeedContract(
        source="greenhouse",
        entity=entity,
        extract=_linked_frame(link, stamp),
        schema=pa.DataFrameSchema(columns),
    )


CONTRACTS: dict[str, FeedContract] = {
    c.entity: c
    for c in (
        CANDIDATES,
        APPLICATIONS,
        JOBS,
        _list_contract("application_stages", "application_id", "updated_at"),
        _list_contract("rejection_details", "application_id", "updated_at"),
        _list_contract("prospect_details", "application_id", "updated_at"),
        _list_contract("rejection_reasons"),
        _list_contract("job_interview_stages", "job_id"),
        _list_contract("sources"),
        _list_contract("departments"),
        _list_contract("offices"),
        _list_contract("users"),
        _list_contract("custom_fields"),
        _list_contract("prospect_pools"),
        # Candidate ids Greenhouse stopped listing (the reconciliation's findings).
        _list_contract("candidate_deletions", None, "detected_at"),
    )
}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
