"""Data contracts for the Eventbrite feeds (events, attendees).

Only what the pipeline depends on is checked: a numeric string id, the parent event and order
ids (the order groups the buyer's profile copies), a parseable `changed` timestamp (it drives the
per-event incremental cursor), a profile that is an object with a plausible email when one is
given, a list of answers, and boolean flags. Unknown fields are tolerated and kept in the JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandera.polars as pa
import polars as pl

from checks.email_address import EMAIL_PATTERN
from checks.validation import FeedContract, is_list_or_null, parse_iso_timestamps

_TS = pl.Datetime("us", "UTC")
_ISO_UTC = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$"
_NUMERIC_ID = r"^[0-9]+$"


def id_text(value: Any) -> str | None:
    """Eventbrite ids are numeric strings; an int is accepted, bool/float/garbage is not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def profile_email(profile: Any) -> str | None:
    """The email to check: None when absent/empty (allowed: identity falls back to names), ""
    for a non-text value so the format check fails. Checked, never reported: reasons name the
    column only."""
    if not isinstance(profile, Mapping):
        return None
    email = profile.get("email")
    if email is None:
        return None
    if not isinstance(email, str):
        return ""
    return email.strip() or None


def bool_or_null(value: Any) -> bool:
    return value is None or isinstance(value, bool)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _event_frame(records: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    def start_utc(record: Mapping[str, Any]) -> str | None:
        start = record.get("start")
        if start is None:
            return None  # the API may omit it (drafts, bare ids); staging leaves it null
        utc = start.get("utc") if isinstance(start, Mapping) else ""
        return None if utc is None else (utc if isinstance(utc, str) else "")

    return pl.DataFrame(
        {
            "id": [id_text(r.get("id")) for r in records],
            "start_utc": [start_utc(r) for r in records],
        },
        schema={"id": pl.String, "start_utc": pl.String},
    )


EVENTS = FeedContract(
    source="eventbrite",
    entity="events",
    extract=_event_frame,
    schema=pa.DataFrameSchema(
        {
            "id": pa.Column(pl.String, pa.Check.str_matches(_NUMERIC_ID), nullable=False),
            "start_utc": pa.Column(pl.String, pa.Check.str_matches(_ISO_UTC), nullable=True),
        }
    ),
    record_id=lambda r: str(id_text(r.get("id"))),
)


def _attendee_frame(records: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "id": [id_text(r.get("id")) for r in records],
            "event_id": [id_text(r.get("event_id")) for r in records],
            "order_id": [id_text(r.get("order_id")) for r in records],
            "changed": [_str(r.get("changed")) for r in records],
            "created": [_str(r.get("created")) for r in records],
            "profile_is_object": [
                r.get("profile") is None or isinstance(r.get("profile"), Mapping) for r in records
            ],
            "profile_email": [profile_email(r.get("profile")) for r in records],
            "answers_is_list": [is_list_or_null(r.get("answers")) for r in records],
            "flags_are_boolean": [
                all(bool_or_null(r.get(k)) for k in ("checked_in", "cancelled", "refunded"))
                for r in records
            ],
        },
        schema={
            "id": pl.String,
            "event_id": pl.String,
            "order_id": pl.String,
            "changed": pl.String,
            "created": pl.String,
            "profile_is_object": pl.Boolean,
            "profile_email": pl.String,
            "answers_is_list": pl.Boolean,
            "flags_are_boolean": pl.Boolean,
        },
    )
    return parse_iso_timestamps(frame, ["changed", "created"])


ATTENDEES = FeedContract(
    source="eventbrite",
    entity="attendees",
    extract=_attendee_frame,
    schema=pa.DataFrameSchema(
        {
            "id": pa.Column(pl.String, pa.Check.str_matches(_NUMERIC_ID), nullable=False),
            "event_id": pa.Column(pl.String, pa.Check.str_matches(_NUMERIC_ID), nullable=False),
            "order_id": pa.Column(pl.String, nullable=False),
            "changed": pa.Column(_TS, nullable=False),
            "created": pa.Column(_TS, nullable=False),
            "profile_is_object": pa.Column(pl.Boolean, pa.Check.isin([True])),
            "profile_email": pa.Column(
                pl.String, pa.Check.str_matches(EMAIL_PATTERN), nullable=True
            ),
            "answers_is_list": pa.Column(pl.Boolean, pa.Check.isin([True])),
            "flags_are_boolean": pa.Column(pl.Boolean, pa.Check.isin([True])),
        }
    ),
    record_id=lambda r: str(id_text(r.get("id"))),
)

CONTRACTS = {c.entity: c for c in (EVENTS, ATTENDEES)}
