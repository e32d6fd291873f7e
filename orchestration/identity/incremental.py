"""Incremental runs: reuse normalised identifiers of records whose content did not change.

Normalising (names, phones through libphonenumber, URLs) is the costly, per-record part of a
run; matching and clustering are columnar joins plus one union-find pass. The cache keeps the
normalised rows per `record_key` with a hash of the record's content, so a run after 1% of
records changed normalises only that 1% and re-runs the cheap global steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from .engine import IdentityResult, resolve_identities
from .normalise import normalise_records
from .schema import IdentityConfig


@dataclass(slots=True)
class NormalisedCache:
    people: pl.DataFrame  # normalised people rows + record_hash (idx dropped)
    identifiers: pl.DataFrame  # record_key, kind, value, corporate, role


def _record_hash(records: pl.DataFrame) -> pl.Series:
    cols = [c for c in records.columns if c != "record_updated_at"]
    return records.select(cols).hash_rows(seed=7).alias("record_hash")


def normalise_with_cache(
    records: pl.DataFrame, cache: NormalisedCache | None, config: IdentityConfig | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, NormalisedCache, int]:
    """(people, identifiers, new cache, records normalised) — unchanged rows come from cache."""
    cfg = config or IdentityConfig()
    hashed = records.with_columns(_record_hash(records))
    if cache is None:
        changed_mask = pl.Series([True] * records.height)
    else:
        known = cache.people.select("record_key", pl.col("record_hash").alias("_h"))
        joined = hashed.select("record_key", "record_hash").join(
            known, on="record_key", how="left", maintain_order="left"
        )
        changed_mask = (joined["_h"] != joined["record_hash"]).fill_null(True)
    changed = hashed.filter(changed_mask)
    p_new, i_new = normalise_records(changed.drop("record_hash"), cfg)
    p_new = p_new.with_columns(changed["record_hash"].gather(p_new["idx"]).alias("record_hash"))
    i_new = i_new.join(p_new.select("idx", "record_key"), on="idx").drop("idx")
    p_new = p_new.drop("idx")
    if cache is not None:
        keep = hashed.filter(~changed_mask).select("record_key")
        p_all = pl.concat([cache.people.join(keep, on="record_key"), p_new])
        i_all = pl.concat([cache.identifiers.join(keep, on="record_key"), i_new])
    else:
        p_all, i_all = p_new, i_new
    # Re-number in the order of the input frame: idx is positional.
    order = records.select("record_key").with_row_index("idx")
    people = order.join(p_all, on="record_key", maintain_order="left")
    identifiers = i_all.join(order, on="record_key").select(
        "idx", "kind", "value", "corporate", "role"
    )
    new_cache = NormalisedCache(people=p_all, identifiers=i_all)
    return people.drop("record_hash"), identifiers, new_cache, changed.height


def resolve_incremental(
    records: pl.DataFrame, cache: NormalisedCache | None, config: IdentityConfig | None = None
) -> tuple[IdentityResult, NormalisedCache, int]:
    """resolve_identities with cached normalisation; returns (result, cache, records normalised)."""
    people, identifiers, new_cache, n = normalise_with_cache(records, cache, config)
    result = resolve_identities(records, config, normalised=(people, identifiers))
    return result, new_cache, n
