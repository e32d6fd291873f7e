"""Data contracts for the Lever feeds: opportunities, postings, archive reasons, deletions.

Only what the pipeline depends on is checked: a usable string id, epoch-millisecond timestamps
that drive incremental sync and staging (a seconds value or an ISO string here would silently
shift a date by decades, so they are range-checked), list-typed identifier arrays, well-formed
email addresses (they feed identity resolution) and the enumerations used downstream. Unknown
fields are tolerated and kept in the landed JSON; optional fields may be null.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandera.polars as pa
import polars as pl

from checks.email_address import is_well_formed_email
from checks.validation import FeedContract, is_list_or_null

POSTING_STATES = ["published", "internal", "closed", "draft", "pending"]
ARCHIVE_REASON_TYPES = ["hired", "non-hired"]

# 2000-01-01 .. 2100-01-01 in epoch ms: anything outside is a unit or parsing mistake.
EPOCH_MS_MIN = 946_684_800_000
EPOCH_MS_MAX = 4_102_444_800_000


def _epoch_ms_column(nullable: bool) -> pa.Column:
    return pa.Column(
        pl.Int64,
        pa.Check.in_range(EPOCH_MS_MIN, EPOCH_MS_MAX, error="epoch_ms_between_2000_and_2100"),
        nullable=nullable,
    )


def _true_column(error: str) -> pa.Column:
    """A per-record boolean computed by the extractor; `error` names the rule in the reason."""
    return pa.Column(pl.Boolean, pa.Check.isin([True], error=error))


def _opportunity_frame(records: Sequence[Any]) -> pl.DataFrame:
    rows = [_mapping(r) for r in records]
    return pl.DataFrame(
        {
            "id": [_nonempty_str(r.get("id")) for r in rows],
            "contact": [_nonempty_str(r.get("contact")) for r in rows],
            "createdAt": [as_epoch_ms(r.get("createdAt")) for r in rows],
            "updatedAt": [as_epoch_ms(r.get("updatedAt")) for r in rows],
            "lastInteractionAt": [_optional_epoch_ms(r.get("lastInteractionAt")) for r in rows],
            "emails_is_list": [is_list_or_null(r.get("emails")) for r in rows],
            "emails": [_emails_well_formed(r.get("emails")) for r in rows],
            "phones_is_list": [is_list_or_null(r.get("phones")) for r in rows],
            "links_is_list": [is_list_or_null(r.get("links")) for r in rows],
            "archived": [_archived_valid(r.get("archived")) for r in rows],
            "isAnonymized": [_optional_bool(r.get("isAnonymized")) for r in rows],
        },
        schema={
            "id": pl.String,
            "contact": pl.String,
            "createdAt": pl.Int64,
            "updatedAt": pl.Int64,
            "lastInteractionAt": pl.Boolean,
            "emails_is_list": pl.Boolean,
            "emails": pl.Boolean,
            "phones_is_list": pl.Boolean,
            "links_is_list": pl.Boolean,
            "archived": pl.Boolean,
            "isAnonymized": pl.Boolean,
        },
    )


OPPORTUNITIES = FeedContract(
    source="lever",
    entity="opportunities",
    extract=_opportunity_frame,
    schema=pa.DataFrameSchema(
        {
            "id": pa.Column(pl.String, nullable=False),
            # The person id shared by a person's opportunities: identity needs it.
            "contact": pa.Column(pl.String, nullable=False),
            "createdAt": _epoch_ms_column(nullable=False),
            "updatedAt": _epoch_ms_column(nullable=False),
            "lastInteractionAt": _true_column("null_or_epoch_ms_between_2000_and_2100"),
            "emails_is_list": pa.Column(pl.Boolean, pa.Check.isin([True])),
            "emails": _true_column("well_formed_email_addresses"),
            "phones_is_list": pa.Column(pl.Boolean, pa.Check.isin([True])),
            "links_is_list": pa.Column(pl.Boolean, pa.Check.isin([True])),
            "archived": _true_column("null_or_object_with_reason_id_and_epoch_ms_archivedAt"),
            "isAnonymized": _true_column("boolean_or_null"),
        }
    ),
)


def _posting_frame(records: Sequence[Any]) -> pl.DataFrame:
    rows = [_mapping(r) for r in records]
    return pl.DataFrame(
        {
            "id": [_nonempty_str(r.get("id")) for r in rows],
            "state": [_nonempty_str(r.get("state")) for r in rows],
            "createdAt": [as_epoch_ms(r.get("createdAt")) for r in rows],
            "updatedAt": [as_epoch_ms(r.get("updatedAt")) for r in rows],
            "categories": [
                r.get("categories") is None or isinstance(r.get("categories"), Mapping)
                for r in rows
            ],
        },
        schema={
            "id": pl.String,
            "state": pl.String,
            "createdAt": pl.Int64,
            "updatedAt": pl.Int64,
            "categories": pl.Boolean,
        },
    )


POSTINGS = FeedContract(
    source="lever",
    entity="postings",
    extract=_posting_frame,
    schema=pa.DataFrameSchema(
        {
            "id": pa.Column(pl.String, nullable=False),
            "state": pa.Column(pl.String, pa.Check.isin(POSTING_STATES), nullable=False),
            "createdAt": _epoch_ms_column(nullable=False),
            "updatedAt": _epoch_ms_column(nullable=False),
            "categories": _true_column("null_or_object"),
        }
    ),
)


def _archive_reason_frame(records: Sequence[Any]) -> pl.DataFrame:
    rows = [_mapping(r) for r in records]
    return pl.DataFrame(
        {
            "id": [_nonempty_str(r.get("id")) for r in rows],
            "text": [_nonempty_str(r.get("text")) for r in rows],
            "type": [_nonempty_str(r.get("type")) for r in rows],
        },
        schema={"id": pl.String, "text": pl.String, "type": pl.String},
    )


ARCHIVE_REASONS = FeedContract(
    source="lever",
    entity="archive_reasons",
    extract=_archive_reason_frame,
    schema=pa.DataFrameSchema(
        {
            "id": pa.Column(pl.String, nullable=False),
            "text": pa.Column(pl.String, nullable=False),
            "type": pa.Column(pl.String, pa.Check.isin(ARCHIVE_REASON_TYPES), nullable=False),
        }
    ),
)


def _deleted_opportunity_frame(records: Sequence[Any]) -> pl.DataFrame:
    rows = [_mapping(r) for r in records]
    return pl.DataFrame(
        {
            "id": [_nonempty_str(r.get("id")) for r in rows],
            "deletedAt": [as_epoch_ms(r.get("deletedAt")) for r in rows],
        },
        schema={"id": pl.String, "deletedAt": pl.Int64},
    )


DELETED_OPPORTUNITIES = FeedContract(
    source="lever",
    entity="deleted_opportunities",
    extract=_deleted_opportunity_frame,
    schema=pa.DataFrameSchema(
        {
            "id": pa.Column(pl.String, nullable=False),
            # Drives the incremental cursor and the GDPR "deleted at" date: required.
            "deletedAt": _epoch_ms_column(nullable=False),
        }
    ),
)

CONTRACTS = {c.entity: c for c in (OPPORTUNITIES, POSTINGS, ARCHIVE_REASONS, DELETED_OPPORTUNITIES)}


# -- extract helpers ------------------------------------------------------------------------


def as_epoch_ms(value: Any) -> int | None:
    """Lever timestamps are integer epoch milliseconds; anything else (ISO text, bool) is None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _optional_epoch_ms(value: Any) -> bool:
    if value is None:
        return True
    ms = as_epoch_ms(value)
    return ms is not None and EPOCH_MS_MIN <= ms <= EPOCH_MS_MAX


def _emails_well_formed(value: Any) -> bool:
    # A non-list is reported by emails_is_list; only judge the entries of a real list here.
    if not isinstance(value, list):
        return True
    return all(isinstance(e, str) and is_well_formed_email(e.strip()) for e in value)


def _archived_valid(value: Any) -> bool:
    if value is None:
        return True
    if not isinstance(value, Mapping):
        return False
    reason = value.get("reason")
    if reason is not None and not isinstance(reason, str):
        return False
    return _optional_epoch_ms(value.get("archivedAt"))


def _optional_bool(value: Any) -> bool:
    return value is None or isinstance(value, bool)


def _nonempty_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _mapping(value: Any) -> Mapping[str, Any]:
    # A non-object record yields all-null fields, so it is quarantined instead of crashing.
    return value if isinstance(value, Mapping) else {}
