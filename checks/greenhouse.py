"""Data contracts for the Greenhouse Harvest v1 feeds (candidates, applications, jobs).

Only what the pipeline depends on is checked: a usable integer id, parseable timestamps that
drive incremental sync, list-typed identifier arrays, and enumerations used downstream. Unknown
fields are tolerated (Greenhouse adds fields over time) and kept in the landed JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandera.polars as pa
import polars as pl

from checks.validation import FeedContract, as_int, is_list_or_null, parse_iso_timestamps

APPLICATION_STATUSES = ["active", "rejected", "hired", "converted"]
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


CANDIDATES = FeedContract(
    source="greenhouse",
    entity="candidates",
    extract=_candidate_frame,
    schema=pa.DataFrameSchema(
        {
            "id": pa.Column(pl.Int64, pa.Check.greater_than(0), nullable=False),
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
            "last_activity_at": [_str(r.get("last_activity_at")) for r in records],
            "jobs_is_list": [is_list_or_null(r.get("jobs")) for r in records],
        },
        schema={
            "id": pl.Int64,
            "candidate_id": pl.Int64,
            "status": pl.String,
            "last_activity_at": pl.String,
            "jobs_is_list": pl.Boolean,
        },
    )
    return parse_iso_timestamps(frame, ["last_activity_at"])


APPLICATIONS = FeedContract(
    source="greenhouse",
    entity="applications",
    extract=_application_frame,
    schema=pa.DataFrameSchema(
        {
            "id": pa.Column(pl.Int64, pa.Check.greater_than(0), nullable=False),
            "candidate_id": pa.Column(pl.Int64, pa.Check.greater_than(0), nullable=False),
            "status": pa.Column(pl.String, pa.Check.isin(APPLICATION_STATUSES), nullable=False),
            "last_activity_at": pa.Column(_TS, nullable=False),
            "jobs_is_list": pa.Column(pl.Boolean, pa.Check.isin([True])),
        }
    ),
)


def _job_frame(records: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "id": [as_int(r.get("id")) for r in records],
            "status": [_str(r.get("status")) for r in records],
            "updated_at": [_str(r.get("updated_at")) for r in records],
            "created_at": [_str(r.get("created_at")) for r in records],
        },
        schema={
            "id": pl.Int64,
            "status": pl.String,
            "updated_at": pl.String,
            "created_at": pl.String,
        },
    )
    return parse_iso_timestamps(frame, ["updated_at", "created_at"])


JOBS = FeedContract(
    source="greenhouse",
    entity="jobs",
    extract=_job_frame,
    schema=pa.DataFrameSchema(
        {
            "id": pa.Column(pl.Int64, pa.Check.greater_than(0), nullable=False),
            "status": pa.Column(pl.String, pa.Check.isin(JOB_STATUSES), nullable=False),
            "updated_at": pa.Column(_TS, nullable=False),
            "created_at": pa.Column(_TS, nullable=False),
        }
    ),
)

CONTRACTS = {c.entity: c for c in (CANDIDATES, APPLICATIONS, JOBS)}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
