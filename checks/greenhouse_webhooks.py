"""Data contract for Greenhouse web-hook deliveries (job and erasure events), checked when the
spool lands.

A delivery is signed, so it comes from Greenhouse (or from whoever holds the secret), but a
signature says nothing about shape: a job `id` that is an object or a date that is not a date
would land in raw and then fail every model that casts it, night after night. So a delivery
passes the same kind of contract as every API record before it reaches staging, and a bad one
goes to `raw.quarantine` with the field and the reason.

Checked: what staging casts or the pipeline acts on — the action; for a job event a positive
integer job id, the status (it opens reqs), the flag cast to boolean and the timestamps; for an
erasure event (kept as ids only by the receiver) the positive integer candidate or application
id it acts on. Unknown fields are tolerated and kept in the landed JSON.

The landed record is the spool envelope `{event_id, action, received_at, body}`; its record id
is the delivery id (`Greenhouse-Event-ID`), which is what dedupes replays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import pandera.polars as pa
import polars as pl

from checks.validation import FeedContract, as_int, record_id_from

JOB_ACTIONS = ["job_created", "job_updated", "job_approved"]
ERASURE_ACTIONS = [
    "delete_candidate",
    "merge_candidate",
    "candidate_anonymized",
    "delete_application",
]
JOB_STATUSES = ["open", "closed", "draft"]
TIMESTAMP_FIELDS = ("created_at", "opened_at", "closed_at", "updated_at")


def _job(envelope: Mapping[str, Any]) -> Mapping[str, Any]:
    body = envelope.get("body")
    payload = body.get("payload") if isinstance(body, Mapping) else None
    job = payload.get("job", payload) if isinstance(payload, Mapping) else None
    return job if isinstance(job, Mapping) else {}


def _is_timestamp_or_null(value: Any) -> bool:
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _status(value: Any) -> str | None:
    return value.lower() if isinstance(value, str) else None


def _subject_id(envelope: Mapping[str, Any]) -> Any:
    """The id an event acts on: the job's, or the candidate's (application's) for an erasure."""
    if envelope.get("action") not in ERASURE_ACTIONS:
        return as_int(_job(envelope).get("id"))
    body = envelope.get("body")
    payload = body.get("payload") if isinstance(body, Mapping) else None
    if not isinstance(payload, Mapping):
        return None
    key = "application_id" if envelope.get("action") == "delete_application" else "candidate_id"
    return as_int(payload.get(key))


def _delivery_frame(records: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    jobs = [_job(r) for r in records]
    columns: dict[str, list[Any]] = {
        "action": [r.get("action") if isinstance(r.get("action"), str) else None for r in records],
        "subject_id": [_subject_id(r) for r in records],
        # Absent status is fine (an update may omit it); a present one must be known.
        "status_ok": [
            j.get("status") is None or _status(j.get("status")) in JOB_STATUSES for j in jobs
        ],
        "confidential_ok": [
            j.get("confidential") is None or isinstance(j.get("confidential"), bool) for j in jobs
        ],
    }
    schema: dict[str, Any] = {
        "action": pl.String,
        "subject_id": pl.Int64,
        "status_ok": pl.Boolean,
        "confidential_ok": pl.Boolean,
    }
    for name in TIMESTAMP_FIELDS:
        columns[f"{name}_ok"] = [_is_timestamp_or_null(j.get(name)) for j in jobs]
        schema[f"{name}_ok"] = pl.Boolean
    return pl.DataFrame(columns, schema=schema)


JOB_EVENTS = FeedContract(
    source="greenhouse",
    entity="webhook_events",
    extract=_delivery_frame,
    schema=pa.DataFrameSchema(
        {
            "action": pa.Column(
                pl.String, pa.Check.isin(JOB_ACTIONS + ERASURE_ACTIONS), nullable=False
            ),
            "subject_id": pa.Column(pl.Int64, pa.Check.greater_than(0), nullable=False),
            "status_ok": pa.Column(pl.Boolean, pa.Check.isin([True])),
            "confidential_ok": pa.Column(pl.Boolean, pa.Check.isin([True])),
            **{
                f"{name}_ok": pa.Column(pl.Boolean, pa.Check.isin([True]))
                for name in TIMESTAMP_FIELDS
            },
        }
    ),
    record_id=record_id_from("event_id"),
)
