"""Incremental runs: re-resolve only the people that changed records can touch.

A full run normalises every record, builds every identifier and fuzzy edge and clusters the
whole market. After a few records change, almost all of that work would reproduce the last
result. An incremental run therefore:

1. normalises only records whose content changed (a hash per `record_key`; the cache keeps
   the normalised rows of the others);
2. finds the contacts a change can reach (`touched_records`): the previous contacts of the
   changed, new and deleted records and of every record sharing an identifier with their old
   or new versions, plus every contact sharing a fuzzy block (edges.py
   `component_block_keys`) with those, unless the block holds more untouched contacts than
   its cap (edges.py `block_cap`: it then stays a skipped common-name bucket). Contacts are
   re-resolved whole, never in part;
3. resolves those records with the normal engine, giving it what only the whole market
   knows: identifier screening judged with every carrier of each identifier (a shared
   mailbox stays shared even if most of its carriers are not re-resolved) and the market's
   name/fact frequencies for the namesake guard (for exclusive-fact pairs, counted over the
   previous components before those merges, as a full run counts them); every other record
   keeps its previous cluster, edges and review pairs.

The frequencies are counted over the previous contacts (a full run counts them over the
components linked by identifiers), so a long series of incremental runs can drift slightly
from a full run at the margin of the namesake guard; a scheduled full run resets it. When
more than `incremental_max_share` of the records changed, a full run is cheaper and is done.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import polars as pl

from .clusters import connected_components
from .edges import (
    EXCLUSIVE_FACT_RULE,
    block_cap,
    component_block_keys,
    name_frequencies,
    screen_identifiers,
)
from .engine import IdentityResult, resolve_identities
from .normalise import normalise_records
from .schema import IdentityConfig


@dataclass(slots=True)
class NormalisedCache:
    people: pl.DataFrame  # normalised people rows + record_hash (idx dropped)
    identifiers: pl.DataFrame  # record_key, kind, value, corporate, role
    result: IdentityResult | None = None  # the last run's result (for incremental runs)


def _record_hash(records: pl.DataFrame) -> pl.Series:
    cols = [c for c in records.columns if c != "record_updated_at"]
    return records.select(cols).hash_rows(seed=7).alias("record_hash")


def normalise_with_cache(
    records: pl.DataFrame, cache: NormalisedCache | None, config: IdentityConfig | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, NormalisedCache, pl.Series]:
    """(people, identifiers, new cache, changed record keys); unchanged rows come from cache."""
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
    return people.drop("record_hash"), identifiers, new_cache, changed["record_key"]


def resolve_incremental(
    records: pl.DataFrame, cache: NormalisedCache | None, config: IdentityConfig | None = None
) -> tuple[IdentityResult, NormalisedCache, int]:
    """(result, cache for the next run, records normalised).

    Without a previous result (or with too many changes) this is a full run on cached
    normalisation; otherwise only the touched people are re-resolved (module docstring).
    """
    cfg = config or IdentityConfig()
    t0 = time.perf_counter()
    people, identifiers, new_cache, changed = normalise_with_cache(records, cache, cfg)
    t_norm = time.perf_counter() - t0
    prev = cache.result if cache is not None else None
    if prev is None or changed.len() > cfg.incremental_max_share * max(records.height, 1):
        result = resolve_identities(records, cfg, normalised=(people, identifiers))
    else:
        assert cache is not None
        result = _resolve_touched(records, people, identifiers, cache, prev, changed, cfg)
    result.timings = {"normalise_changed": t_norm, **result.timings}
    new_cache.result = result
    return result, new_cache, changed.len()


def _keyed_identifiers(people: pl.DataFrame, identifiers: pl.DataFrame) -> pl.DataFrame:
    return identifiers.join(people.select("idx", "record_key"), on="idx").select(
        "record_key", "kind", "value"
    )


def _contact_labels(people: pl.DataFrame, prev: IdentityResult) -> pl.Series:
    """Per current record: its previous contact, or its own key when it is new."""
    return (
        people.select("record_key")
        .join(prev.clusters, on="record_key", how="left", maintain_order="left")
        .select(pl.col("cluster_key").fill_null(pl.col("record_key")).alias("label"))["label"]
    )


def _before_exclusive_labels(people: pl.DataFrame, prev: IdentityResult) -> pl.Series:
    """Per current record: its previous component BEFORE the exclusive-fact merges.

    A full run judges `name_exclusive_fact` pairs on the components the identifier and
    two-fact edges formed (engine.py); counting over the final contacts instead would let an
    incremental run merge at the margin where a full run does not. Rebuilt from the previous
    run's applied edges (refused ones and exclusive-fact ones left out).
    """
    keys = people.select(pl.col("record_key"), pl.col("idx").cast(pl.UInt32))
    applied = prev.edges.filter(pl.col("rule") != EXCLUSIVE_FACT_RULE).join(
        prev.refused.select("record_key_a", "record_key_b"),
        on=["record_key_a", "record_key_b"],
        how="anti",
    )
    e = applied.join(keys, left_on="record_key_a", right_on="record_key").join(
        keys, left_on="record_key_b", right_on="record_key", suffix="_b"
    )
    comp = connected_components(people.height, e["idx"], e["idx_b"])
    return people.select("record_key", comp.alias("comp")).select(
        pl.col("record_key").min().over("comp").alias("label")
    )["label"]


def touched_records(
    people: pl.DataFrame,
    identifiers: pl.DataFrame,
    cache: NormalisedCache,
    prev: IdentityResult,
    changed_keys: pl.Series,
    config: IdentityConfig,
) -> pl.DataFrame:
    """`record_key` of every current record whose contact a change can alter."""
    cur = people.select("record_key")
    changed = changed_keys.to_frame("record_key")
    deleted = cache.people.select("record_key").join(cur, on="record_key", how="anti")
    seeds = pl.concat([changed, deleted]).unique()
    ids_now = _keyed_identifiers(people, identifiers)
    ids_before = _keyed_identifiers(prev.people, prev.identifiers)
    seed_values = pl.concat(
        [ids_now.join(seeds, on="record_key"), ids_before.join(seeds, on="record_key")]
    ).select("kind", "value")
    reached = pl.concat(
        [
            seeds,
            ids_now.join(seed_values, on=["kind", "value"], how="semi").select("record_key"),
        ]
    )
    # Contact labels: the previous contact (deleted records keep theirs to mark it touched).
    labels = pl.concat(
        [
            cur.with_columns(_contact_labels(people, prev)),
            prev.clusters.join(deleted, on="record_key").select(
                "record_key", pl.col("cluster_key").alias("label")
            ),
        ]
    )
    touched = labels.join(reached, on="record_key", how="semi").select("label").unique()
    # Fuzzy block mates of the touched contacts, as contacts of the current records.
    keys = component_block_keys(people, labels.join(cur, on="record_key")["label"])
    keys = keys.select(pl.col("comp").alias("label"), "block_name", "block").unique()
    keys = keys.with_columns(pl.col("label").is_in(touched["label"].implode()).alias("is_touched"))
    per_block = keys.group_by("block_name", "block").agg(
        pl.col("is_touched").any().alias("any_touched"),
        (~pl.col("is_touched")).sum().alias("untouched"),
    )
    live = per_block.filter(pl.col("any_touched") & (pl.col("untouched") <= block_cap(config)))
    mates = keys.join(live, on=["block_name", "block"], how="semi").select("label")
    all_labels = pl.concat([touched, mates]).unique()
    return labels.join(all_labels, on="label", how="semi").join(cur, on="record_key", how="semi")


def _screened_with_every_carrier(
    people: pl.DataFrame,
    identifiers: pl.DataFrame,
    mask: pl.Series,
    renumber: pl.DataFrame,
    config: IdentityConfig,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`screen_identifiers` for the subset's identifiers, judged with all their carriers."""
    values = (
        identifiers.filter(pl.col("idx").is_in(people.filter(mask)["idx"].implode()))
        .select("kind", "value")
        .unique()
    )
    carriers = identifiers.join(values, on=["kind", "value"], how="semi")
    ctx_people = people.join(carriers.select("idx").unique(), on="idx", how="semi")
    usable, status = screen_identifiers(ctx_people, carriers, config)
    usable = usable.join(renumber, left_on="idx", right_on="old").select(
        pl.col("idx_right").alias("idx"), "kind", "value", "corporate", "name_group"
    )
    return usable, status


def _resolve_touched(
    records: pl.DataFrame,
    people: pl.DataFrame,
    identifiers: pl.DataFrame,
    cache: NormalisedCache,
    prev: IdentityResult,
    changed: pl.Series,
    cfg: IdentityConfig,
) -> IdentityResult:
    t0 = time.perf_counter()
    touched = touched_records(people, identifiers, cache, prev, changed, cfg)
    t_find = time.perf_counter() - t0
    t0 = time.perf_counter()
    # Whole-market frequencies over the previous contacts (new records are their own).
    freq = name_frequencies(people, _contact_labels(people, prev))
    freq_exclusive = name_frequencies(
        people, _before_exclusive_labels(people, prev), with_name_facts=True
    )
    mask = people["record_key"].is_in(touched["record_key"].implode())
    sub_people = people.filter(mask)
    renumber = sub_people.select(
        pl.col("idx").alias("old"), pl.int_range(pl.len(), dtype=pl.UInt32).alias("idx")
    )
    screened = _screened_with_every_carrier(people, identifiers, mask, renumber, cfg)
    sub_ids = identifiers.join(renumber, left_on="idx", right_on="old").select(
        pl.col("idx_right").alias("idx"), "kind", "value", "corporate", "role"
    )
    sub_people = sub_people.drop("idx").with_row_index("idx")
    t_context = time.perf_counter() - t0
    sub = resolve_identities(
        records.filter(mask),
        cfg,
        normalised=(sub_people, sub_ids),
        frequencies=freq,
        exclusive_frequencies=freq_exclusive,
        screened=screened,
    )
    kept = people.filter(~mask).select("record_key")
    kept_list = kept["record_key"].implode()

    def untouched(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.filter(
            pl.col("record_key_a").is_in(kept_list) & pl.col("record_key_b").is_in(kept_list)
        )

    clusters = people.select("record_key").join(
        pl.concat([prev.clusters.join(kept, on="record_key", how="semi"), sub.clusters]),
        on="record_key",
        how="left",
        maintain_order="left",
    )
    status = pl.concat(
        [
            prev.identifier_status.join(
                sub_ids.select("kind", "value").unique(), on=["kind", "value"], how="anti"
            ),
            sub.identifier_status,
        ]
    ).unique()
    return IdentityResult(
        clusters=clusters,
        edges=pl.concat([untouched(prev.edges), sub.edges]),
        review=pl.concat([untouched(prev.review), sub.review]),
        refused=pl.concat([untouched(prev.refused), sub.refused]),
        identifier_status=status,
        people=people,
        identifiers=identifiers,
        timings={
            "find_touched": t_find,
            "market_context": t_context,
            "touched_records": float(touched.height),
            **sub.timings,
        },
    )
