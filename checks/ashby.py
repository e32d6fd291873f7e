"""Data contracts for the Ashby feeds: candidates and jobs.

Only what the pipeline depends on is checked: a usable string id, parseable ISO timestamps,
list-typed identifier arrays, well-formed email addresses (they feed identity resolution) and the
job status used downstream. Unknown fields are tolerated and kept in the landed JSON. A null
name or missing emails is allowed: that is what an anonymised candidate looks like, and staging
keeps and flags it rather than losing the record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandera.polars as pa
import polars as pl

from checks.email_address import is_well_formed_email
from checks.validation import FeedContract, is_list_or_null, parse_iso_timestamps

JOB_STATUSES = ["Open", "Closed", "Draft", "Archived"]

_TS = pl.Datetime("us", "UTC")


def _candidate_frame(records: Sequence[Any]) -> pl.DataFrame:
    rows = [_mapping(r) for r in records]
    frame = pl.DataFrame(
        {
            "id": [_nonempty_str(r.get("id")) for r in rows],
            "createdAt": [_str(r.get("createdAt")) for r in rows],
            "updatedAt": [_str(r.get("updatedAt")) for r in rows],
            "name": [_null_or(r.get("name"), str) for r in rows],
            "primaryEmailAddress": [_email_object_ok(r.get("primaryEmailAddress")) for r in rows],
            "emailAddresses_is_list": [is_list_or_null(r.get("emailAddresses")) for r in rows],
            "emailAddresses": [_email_list_ok(r.get("emailAddresses")) for r in rows],
            "phoneNumbers_is_list": [is_list_or_null(r.get("phoneNumbers")) for r in rows],
            "socialLinks_is_list": [is_list_or_null(r.get("socialLinks")) for r in rows],
            "tags_is_list": [is_list_or_null(r.get("tags")) for r in rows],
        },
        schema={
            "id": pl.String,
            "createdAt": pl.String,
            "updatedAt": pl.String,
            "name": pl.Boolean,
            "primaryEmailAddress": pl.Boolean,
            "emailAddresses_is_list": pl.Boolean,
            "emailAddresses": pl.Boolean,
            "phoneNumbers_is_list": pl.Boolean,
            "socialLinks_is_list": pl.Boolean,
            "tags_is_list": pl.Boolean,
        },
    )
    return parse_iso_timestamps(frame, ["createdAt", "updatedAt"])


def _true_column(error: str) -> pa.Column:
    """A per-record boolean computed by the extractor; `error` names the rule in the reason."""
    return pa.Column(pl.Boolean, pa.Check.isin([True], error=error))


def _list_column() -> pa.Column:
    return pa.Column(pl.Boolean, pa.Check.isin([True]))


CANDIDATES = FeedContract(
    source="ashby",
    entity="candidates",
    extract=_candidate_frame,
    schema=pa.DataFrameSchema(
        {
            "id": pa.Column(pl.String, nullable=False),
            "createdAt": pa.Column(_TS, nullable=False),
            # Drives version selection in staging: required and parseable.
            "updatedAt": pa.Column(_TS, nullable=False),
            "name": _true_column("text_or_null"),
            "primaryEmailAddress": _true_column("null_or_object_with_well_formed_value"),
            "emailAddresses_is_list": _list_column(),
            "emailAddresses": _true_column("objects_with_well_formed_value"),
            "phoneNumbers_is_list": _list_column(),
            "socialLinks_is_list": _list_column(),
            "tags_is_list": _list_column(),
        }
    ),
)


def _job_frame(records: Sequence[Any]) -> pl.DataFrame:
    rows = [_mapping(r) for r in records]
    frame = pl.DataFrame(
        {
            "id": [_nonempty_str(r.get("id")) for r in rows],
            "status": [_str(r.get("status")) for r in rows],
            "createdAt": [_str(r.get("createdAt")) for r in rows],
            "updatedAt": [_str(r.get("updatedAt")) for r in rows],
        },
        schema={
            "id": pl.String,
            "status": pl.String,
            "createdAt": pl.String,
            "updatedAt": pl.String,
        },
    )
    return parse_iso_timestamps(frame, ["createdAt", "updatedAt"])


JOBS = FeedContract(
    source="ashby",
    entity="jobs",
    extract=_job_frame,
    schema=pa.DataFrameSchema(
        {
            "id": pa.Column(pl.String, nullable=False),
            "status": pa.Column(pl.String, pa.Check.isin(JOB_STATUSES), nullable=False),
            "createdAt": pa.Column(_TS, nullable=False),
            "updatedAt": pa.Column(_TS, nullable=False),
        }
    ),
)

CONTRACTS = {c.entity: c for c in (CANDIDATES, JOBS)}


# -- extract helpers ------------------------------------------------------------------------


def _email_object_ok(value: Any) -> bool:
    if value is None:
        return True
    if not isinstance(value, Mapping):
        return False
    address = value.get("value")
    return isinstance(address, str) and is_well_formed_email(address.strip())


def _email_list_ok(value: Any) -> bool:
    # A non-list is reported by emailAddresses_is_list; only judge a real list's entries here.
    if not isinstance(value, list):
        return True
    return all(isinstance(e, Mapping) and _email_object_ok(e) for e in value)


def _null_or(value: Any, kind: type) -> bool:
    return value is None or isinstance(value, kind)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _nonempty_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _mapping(value: Any) -> Mapping[str, Any]:
    # A non-object record yields all-null fields, so it is quarantined instead of crashing.
    return value if isinstance(value, Mapping) else {}
