"""Data contracts for People Data Labs person enrichment landings.

We land what WE build from a PDL reply, not the reply itself: `{"lookup_id", "query",
"likelihood", "data", "enriched_at", "min_likelihood"}` for a match and `{"lookup_id", "query",
"asked_at", "min_likelihood"}` for a look-up that found nothing (kept so it is not re-asked,
and re-billed, inside the re-ask window). The checks guard what downstream relies on: a stable
lookup id, a likelihood in PDL's 1..10 range, a `data` object, and parseable timestamps (they
drive the re-ask window).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandera.polars as pa
import polars as pl

from checks.validation import FeedContract, parse_iso_timestamps, record_id_from

_TS = pl.Datetime("us", "UTC")
_SHA256_HEX = r"^[0-9a-f]{64}$"


def _likelihood(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if float(value).is_integer() else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _enrichment_frame(records: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "lookup_id": [_str(r.get("lookup_id")) for r in records],
            "likelihood": [_likelihood(r.get("likelihood")) for r in records],
            "data_is_object": [isinstance(r.get("data"), Mapping) for r in records],
            "query_is_object": [isinstance(r.get("query"), Mapping) for r in records],
            "enriched_at": [_str(r.get("enriched_at")) for r in records],
        },
        schema={
            "lookup_id": pl.String,
            "likelihood": pl.Int64,
            "data_is_object": pl.Boolean,
            "query_is_object": pl.Boolean,
            "enriched_at": pl.String,
        },
    )
    return parse_iso_timestamps(frame, ["enriched_at"])


PERSON_ENRICHMENTS = FeedContract(
    source="pdl",
    entity="person_enrichments",
    extract=_enrichment_frame,
    schema=pa.DataFrameSchema(
        {
            "lookup_id": pa.Column(pl.String, pa.Check.str_matches(_SHA256_HEX), nullable=False),
            "likelihood": pa.Column(pl.Int64, pa.Check.in_range(1, 10), nullable=False),
            "data_is_object": pa.Column(pl.Boolean, pa.Check.isin([True])),
            "query_is_object": pa.Column(pl.Boolean, pa.Check.isin([True])),
            "enriched_at": pa.Column(_TS, nullable=False),
        }
    ),
    record_id=record_id_from("lookup_id"),
)


def _no_match_frame(records: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "lookup_id": [_str(r.get("lookup_id")) for r in records],
            "query_is_object": [isinstance(r.get("query"), Mapping) for r in records],
            "asked_at": [_str(r.get("asked_at")) for r in records],
        },
        schema={"lookup_id": pl.String, "query_is_object": pl.Boolean, "asked_at": pl.String},
    )
    return parse_iso_timestamps(frame, ["asked_at"])


NO_MATCHES = FeedContract(
    source="pdl",
    entity="no_matches",
    extract=_no_match_frame,
    schema=pa.DataFrameSchema(
        {
            "lookup_id": pa.Column(pl.String, pa.Check.str_matches(_SHA256_HEX), nullable=False),
            "query_is_object": pa.Column(pl.Boolean, pa.Check.isin([True])),
            "asked_at": pa.Column(_TS, nullable=False),
        }
    ),
    record_id=record_id_from("lookup_id"),
)

CONTRACTS = {c.entity: c for c in (PERSON_ENRICHMENTS, NO_MATCHES)}
