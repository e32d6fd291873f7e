"""Incremental runs: re-resolve only the people that changed records can touch, exactly.

A full run normalises every record, builds every identifier and fuzzy edge and clusters the
whole market. After a few records change, almost all of that work would reproduce the last
result. An incremental run therefore:

1. normalises only records whose content changed (a hash per `record_key`; the cache keeps
   the normalised rows of the others);
2. picks the touched people `T` (whole previous contacts, never parts of one): the contacts
   of changed, new and deleted records, of every carrier of an identifier value whose
   screening can move (a value a changed record gained or lost, every value of a renamed
   record), of the other side of a refused union with those, and the contacts sharing a
   small fuzzy block with a record whose names or facts moved;
3. resolves `T`'s records with the normal engine, handing it what the rest of the market
   contributes (engine.py `MarketContext`): name/fact counts kept from the last run
   (`MarketState`) minus what `T` contributed then — the engine adds what `T` contributes
   now, so every frequency is exactly a full run's without recounting the market — the
   number of outside components in each of its blocks (so a block is skipped exactly when a
   full run skips it) and identifier screening with every carrier;
4. checks that nothing outside `T` can decide differently, else grows `T` and goes back to
   3 (rare; each round only grows `T`). A component of `T` is *stable* when its members and
   what fuzzy matching reads of them (names, facts, veto identifiers) are as last time: its
   pairs with people outside `T` have the same inputs as before, so their previous rows are
   kept. Pulled in are the outside side of
   - a previous pair (edge, review, judged or pending pair) whose side in `T` is unstable,
     and of a refused union with `T` (the union may be accepted now);
   - a block an unstable component holds (before or now) that outside components also hold,
     when it is compared now, or when its compared/skipped status moved;
   - a usable identifier group with carriers inside and outside `T` (its edges are
     anchored on its first carrier);
   - a kept pair whose frequency-dependent verdict moves: every fuzzy pair that reached the
     output and every same-name exclusive-fact pair is kept with its names and shared facts
     (`judged_*`) and re-judged with the new totals (a namesake count or a fact's market
     share crossing `max_expected_namesakes` / `max_single_fact_namesakes` can flip a pair
     none of whose records changed).
   Everything else outside `T` keeps its previous clusters, edges and review pairs: its
   inputs and every verdict it depends on are unchanged, so the result equals a full run's
   (tests/test_identity_incremental.py compares them, including pairs only the block and
   frequency checks reach).

Exactness assumes records keep their relative order between runs (the engine's tie-breaks
are positional, as in a full run): the adapters emit records in a stable key order, new
ones anywhere. When more than `incremental_max_share` of the records changed, a full run
is cheaper and is done.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import polars as pl

from .edges import (
    FrequencyCounts,
    block_cap,
    count_frequencies,
    exclusive_verdicts,
    expected_namesakes,
    screen_identifiers,
    with_personal_email_kind,
)
from .engine import IdentityResult, MarketContext, resolve_identities
from .normalise import normalise_records
from .schema import IdentityConfig


@dataclass(slots=True)
class MarketState:
    """What the last run knew about the whole market, keyed by record_key (see module doc).

    Component labels are the record_key of the component's first record (the engine's
    smallest idx), so they match across runs as long as records keep their relative order.
    """

    labels: pl.DataFrame  # record_key, first, second, cluster_key
    counts: FrequencyCounts  # over `first` components
    exclusive_counts: FrequencyCounts  # over `second` components, with name facts
    blocks: pl.DataFrame  # block_name, block, first: every component's fuzzy blocks
    judged_fuzzy: pl.DataFrame  # record_key_a, record_key_b, common, names, shared_<fact>
    judged_exclusive: pl.DataFrame  # record_key_a, record_key_b, names, shared_<fact>, fact
    pending: pl.DataFrame  # record_key_a, record_key_b: same-name one-fact pairs


@dataclass(slots=True)
class NormalisedCache:
    people: pl.DataFrame  # normalised people rows (idx = position in the last frame) + hash
    identifiers: pl.DataFrame  # idx, kind, value, corporate, role, record_key
    result: IdentityResult | None = None  # the last run's result (for incremental runs)
    market: MarketState | None = None  # the last run's market-wide state


def _record_hash(records: pl.DataFrame) -> pl.Series:
    cols = [c for c in records.columns if c != "record_updated_at"]
    return records.select(cols).hash_rows(seed=7).alias("record_hash")


def normalise_with_cache(
    records: pl.DataFrame, cache: NormalisedCache | None, config: IdentityConfig | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, NormalisedCache, pl.Series]:
    """(people, identifiers, new cache, changed record keys); unchanged rows come from cache.

    The cache holds the last frame's rows in that frame's order (`idx`), so unchanged rows
    are moved to their new positions by integer gathers, not by joins on record keys.
    """
    cfg = config or IdentityConfig()
    n = records.height
    hashes = _record_hash(records)
    positions = pl.int_range(n, eager=True, dtype=pl.UInt32)
    if cache is None:
        changed_mask = pl.Series([True] * n)
        before = None
    else:
        before = (
            records.select("record_key")
            .join(
                cache.people.select("record_key", "record_hash").with_row_index("pos"),
                on="record_key",
                how="left",
                maintain_order="left",
            )
            .select("pos", "record_hash")
        )
        changed_mask = (before["record_hash"] != hashes).fill_null(True)
    changed = records.filter(changed_mask)
    changed_idx = positions.filter(changed_mask)
    p_new, i_new = normalise_records(changed, cfg)
    p_new = p_new.with_columns(
        hashes.filter(changed_mask).gather(p_new["idx"]).alias("record_hash"),
        changed_idx.gather(p_new["idx"]).alias("idx"),
    )
    i_new = i_new.with_columns(changed_idx.gather(i_new["idx"]).alias("idx"))
    i_new = i_new.with_columns(records["record_key"].gather(i_new["idx"]).alias("record_key"))
    if cache is not None and before is not None:
        kept_pos = before["pos"].filter(~changed_mask)
        kept_idx = positions.filter(~changed_mask)
        p_kept = cache.people.gather(kept_pos).with_columns(kept_idx.alias("idx"))
        new_of_old = pl.Series([None] * cache.people.height, dtype=pl.UInt32).scatter(
            kept_pos, kept_idx
        )
        i_kept = cache.identifiers.with_columns(
            new_of_old.gather(cache.identifiers["idx"]).alias("idx")
        ).drop_nulls("idx")
        people = pl.concat([p_kept, p_new.select(p_kept.columns)]).sort("idx")
        identifiers = pl.concat([i_kept, i_new.select(i_kept.columns)])
    else:
        people = p_new.sort("idx")
        identifiers = i_new.select("idx", "kind", "value", "corporate", "role", "record_key")
    new_cache = NormalisedCache(people=people, identifiers=identifiers)
    return (
        people.drop("record_hash"),
        identifiers.select("idx", "kind", "value", "corporate", "role"),
        new_cache,
        changed["record_key"],
    )


# What fuzzy matching reads of a record (edges.py: names, profile facts, veto identifiers).
FUZZY_FIELDS = ("first_key", "last_key", "first_canon", "company_key", "city_key", "title_key")


def _fuzzy_signature(
    people: pl.DataFrame, identifiers: pl.DataFrame, keys: pl.Series, config: IdentityConfig
) -> pl.DataFrame:
    """record_key, FUZZY_FIELDS, ids: what fuzzy matching reads of each record in `keys`."""
    kinds = set(config.fuzzy_veto_kinds) | set(config.singular_kinds)
    kinds |= set(config.weak_edge_veto_kinds)
    wanted = keys.implode()
    ids = (
        with_personal_email_kind(identifiers.filter(pl.col("record_key").is_in(wanted)))
        .filter(pl.col("kind").is_in(list(kinds)) & ~pl.col("role"))
        .group_by("record_key")
        .agg((pl.col("kind") + "\x1f" + pl.col("value")).sort().str.join("\x1e").alias("ids"))
    )
    return (
        people.filter(pl.col("record_key").is_in(wanted))
        .select("record_key", *FUZZY_FIELDS)
        .join(ids, on="record_key", how="left")
    )


def _fuzzy_changed(
    new_cache: NormalisedCache,
    cache: NormalisedCache,
    changed: pl.Series,
    config: IdentityConfig,
) -> pl.Series:
    """Changed records whose fuzzy inputs changed too (new records included): a new
    address or a moved timestamp changes no fuzzy pair, a new name or employer may."""
    now = _fuzzy_signature(new_cache.people, new_cache.identifiers, changed, config)
    before = _fuzzy_signature(cache.people, cache.identifiers, changed, config)
    before = before.with_columns(pl.lit(True).alias("known"))
    both = now.join(before, on="record_key", how="left", suffix="_before")
    moved = pl.col("known").is_null() | pl.any_horizontal(
        ~pl.col(c).eq_missing(pl.col(f"{c}_before")) for c in (*FUZZY_FIELDS, "ids")
    )
    return both.filter(moved)["record_key"]


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
    state = cache.market if cache is not None else None
    if (
        prev is None
        or state is None
        or changed.len() > cfg.incremental_max_share * max(records.height, 1)
    ):
        result = resolve_identities(records, cfg, normalised=(people, identifiers))
        t0 = time.perf_counter()
        new_cache.market = _run_state(result)
        result.timings["market_state"] = time.perf_counter() - t0
    else:
        assert cache is not None
        result, new_cache.market = _resolve_touched(
            records,
            people,
            identifiers,
            new_cache,
            cache,
            prev,
            state,
            changed,
            _fuzzy_changed(new_cache, cache, changed, cfg),
            cfg,
        )
    result.timings = {"normalise_changed": t_norm, **result.timings}
    new_cache.result = result
    return result, new_cache, changed.len()


def _labelled(keys: pl.Series, component: pl.Series) -> pl.Series:
    """Component label per record: the record_key of the component's first record."""
    return keys.gather(component)


def _judged_keys(judged: pl.DataFrame, keys: pl.Series) -> pl.DataFrame:
    return judged.with_columns(
        keys.gather(judged["a"]).alias("record_key_a"),
        keys.gather(judged["b"]).alias("record_key_b"),
    ).drop("a", "b")


def _run_state(result: IdentityResult) -> MarketState:
    """The state a run contributes, over its own records (a full run: the whole market)."""
    stats = result.stats
    assert stats is not None
    keys = result.people["record_key"]
    return MarketState(
        labels=pl.DataFrame(
            {
                "record_key": keys,
                "first": _labelled(keys, stats.first),
                "second": _labelled(keys, stats.second),
            }
        ).join(result.clusters, on="record_key", how="left", maintain_order="left"),
        counts=stats.total_counts,
        exclusive_counts=stats.total_exclusive_counts,
        blocks=stats.blocks.select(
            "block_name", "block", _labelled(keys, stats.blocks["comp"]).alias("first")
        ),
        judged_fuzzy=_judged_keys(stats.judged_fuzzy, keys),
        judged_exclusive=_judged_keys(stats.judged_exclusive, keys),
        pending=_judged_keys(stats.pending, keys),
    )


def _seed_labels(
    new_cache: NormalisedCache,
    cache: NormalisedCache,
    labels_now: pl.DataFrame,
    state: MarketState,
    changed_keys: pl.Series,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(contacts the changes reach, identifier values whose screening may move).

    An identifier's screening (edges.py `screen_identifiers`) reads its carriers and their
    names and titles: it can move only for a value a changed record gained or lost, or any
    value of a record whose names or title changed (or that is new or deleted). The reached
    contacts are those of the changed and deleted records and of every carrier of such a
    value.
    """
    cur = labels_now.select("record_key")
    deleted = cache.people.select("record_key").join(cur, on="record_key", how="anti")
    seeds = pl.concat([changed_keys.to_frame("record_key"), deleted]).unique()
    seed_list = seeds["record_key"].implode()
    cols = ["record_key", "kind", "value"]
    now = new_cache.identifiers.filter(pl.col("record_key").is_in(seed_list)).select(cols)
    before = cache.identifiers.filter(pl.col("record_key").is_in(seed_list)).select(cols)
    screening = ["first_key", "last_key", "title_key"]
    names_now = new_cache.people.filter(pl.col("record_key").is_in(seed_list)).select(
        "record_key", *screening
    )
    names_before = cache.people.filter(pl.col("record_key").is_in(seed_list)).select(
        "record_key", *screening
    )
    same_names = names_now.join(names_before, on=["record_key", *screening], nulls_equal=True)
    renamed = seeds.join(same_names, on="record_key", how="anti")
    seed_values = (
        pl.concat(
            [
                now.join(before, on=cols, how="anti"),
                before.join(now, on=cols, how="anti"),
                now.join(renamed, on="record_key", how="semi"),
                before.join(renamed, on="record_key", how="semi"),
            ]
        )
        .select("kind", "value")
        .unique()
    )
    reached = new_cache.identifiers.join(seed_values, on=["kind", "value"], how="semi").select(
        "record_key"
    )
    reached_list = pl.concat([seeds, reached])["record_key"].implode()
    contacts = pl.concat(
        [
            labels_now.filter(pl.col("record_key").is_in(reached_list)).select("label"),
            state.labels.filter(pl.col("record_key").is_in(seed_list)).select(
                pl.col("cluster_key").alias("label")
            ),
        ]
    ).unique()
    return contacts, seed_values


def _block_mates(
    state: MarketState,
    touched_firsts: pl.Series,
    moved_firsts: pl.Series,
    sub_blocks: pl.DataFrame | None,
    config: IdentityConfig,
) -> pl.DataFrame:
    """First labels outside T that share a fuzzy block with T in a way that matters.

    Only blocks an unstable component holds (`moved_firsts` before, `unstable` now) can
    matter: where every holder in T is stable, T holds the block now exactly as before, so
    its size and pairs are unchanged. Before the first engine run (`sub_blocks` None): the
    outside components of the moved components' blocks when they alone fit under the cap.
    After a run (`sub_blocks`: block_name, block, first, unstable): the outside components
    of a block an unstable component of T holds now, when the block is compared now (they
    form new pairs with it), and of a block whose skipped/compared status moved (their pairs
    with each other and with T appear or vanish).
    """
    held = []
    if moved_firsts.len():
        held.append(
            state.blocks.filter(pl.col("first").is_in(moved_firsts.implode())).select(
                "block_name", "block"
            )
        )
    if sub_blocks is not None:
        held.append(sub_blocks.filter("unstable").select("block_name", "block"))
    held_blocks = pl.concat(held).unique() if held else None
    if held_blocks is None or held_blocks.is_empty():
        return pl.DataFrame(schema={"first": pl.String})
    rows = state.blocks.join(held_blocks, on=["block_name", "block"], how="semi").with_columns(
        pl.col("first").is_in(touched_firsts.implode()).alias("in_t")
    )
    in_t = pl.col("in_t")
    sizes = rows.group_by("block_name", "block").agg(
        pl.len().alias("n_before"), (~in_t).sum().alias("n_outside")
    )
    sizes = held_blocks.join(sizes, on=["block_name", "block"], how="left").with_columns(
        pl.col("n_before").fill_null(0),
        pl.col("n_outside").fill_null(0),
        block_cap(config).alias("cap"),
    )
    if sub_blocks is None:
        pull = pl.col("n_outside") <= pl.col("cap")
    else:
        now = sub_blocks.join(held_blocks, on=["block_name", "block"], how="semi")
        now = now.group_by("block_name", "block").agg(
            pl.len().alias("n_now"), pl.col("unstable").any()
        )
        sizes = sizes.join(now, on=["block_name", "block"], how="left").with_columns(
            pl.col("n_now").fill_null(0), pl.col("unstable").fill_null(False)
        )
        compared_now = pl.col("n_outside") + pl.col("n_now") <= pl.col("cap")
        pull = (pl.col("unstable") & compared_now) | (
            (pl.col("n_before") <= pl.col("cap")) != compared_now
        )
    live = sizes.filter((pl.col("n_outside") > 0) & pull)
    return (
        rows.filter(~in_t)
        .join(live, on=["block_name", "block"], how="semi")
        .select("first")
        .unique()
    )


def _crossing_rows(frames: list[pl.DataFrame], status: pl.DataFrame) -> pl.DataFrame:
    """record_key outside T of previous pairs whose side in T is unstable.

    `status`: record_key, unstable for T's records. Such a pair's verdict can move, so its
    other side must be re-resolved with T.
    """
    pairs = pl.concat([f.select("record_key_a", "record_key_b") for f in frames])
    out = []
    for mine, other in (("record_key_a", "record_key_b"), ("record_key_b", "record_key_a")):
        out.append(
            pairs.join(status.filter("unstable"), left_on=mine, right_on="record_key", how="semi")
            .join(status, left_on=other, right_on="record_key", how="anti")
            .select(pl.col(other).alias("record_key"))
        )
    return pl.concat(out).unique()


def _flipped(
    state: MarketState,
    touched_keys: pl.Series,
    counts: FrequencyCounts,
    exclusive_counts: FrequencyCounts,
    config: IdentityConfig,
) -> pl.DataFrame:
    """record_key of kept pairs (a side outside T) whose frequency verdict the totals move."""
    keys = touched_keys.implode()
    outside = ~pl.col("record_key_a").is_in(keys) | ~pl.col("record_key_b").is_in(keys)
    fuzzy = state.judged_fuzzy.filter(outside)
    common = expected_namesakes(fuzzy, counts.shares()) > config.max_expected_namesakes
    moved_fuzzy = fuzzy.filter(common != fuzzy["common"])
    excl = state.judged_exclusive.filter(outside)
    verdict = exclusive_verdicts(excl, exclusive_counts.shares(), config.max_single_fact_namesakes)
    same = (verdict == excl["fact"]) | (verdict.is_null() & excl["fact"].is_null())
    moved_excl = excl.filter(~same.fill_null(False))
    both = pl.concat(
        [
            moved_fuzzy.select("record_key_a", "record_key_b"),
            moved_excl.select("record_key_a", "record_key_b"),
        ]
    )
    return pl.concat(
        [
            both.select(pl.col("record_key_a").alias("record_key")),
            both.select(pl.col("record_key_b").alias("record_key")),
        ]
    ).unique()


def _stability(prev_t: pl.DataFrame, sub_labels: pl.DataFrame, changed: pl.Series) -> pl.DataFrame:
    """record_key, unstable: T's records whose component (after identifier edges or after
    the two-fact merges) differs from last time in members or content.

    A component is unchanged when every member has the same label and the component the
    same size as last time (then the members are the same set) and none of them changed.
    """
    prev_sizes = prev_t.select(
        "record_key",
        "first",
        "second",
        pl.len().over("first").alias("n1"),
        pl.len().over("second").alias("n2"),
    )
    now = sub_labels.select(
        "record_key",
        pl.col("first").alias("first_now"),
        pl.col("second").alias("second_now"),
        pl.len().over("first").alias("n1_now"),
        pl.len().over("second").alias("n2_now"),
    ).join(prev_sizes, on="record_key", how="left")
    bad = (
        pl.col("first").is_null()
        | (pl.col("first") != pl.col("first_now"))
        | (pl.col("second") != pl.col("second_now"))
        | (pl.col("n1") != pl.col("n1_now"))
        | (pl.col("n2") != pl.col("n2_now"))
        | pl.col("record_key").is_in(changed.implode())
    )
    now = now.with_columns(bad.fill_null(True).alias("bad"))
    return now.select(
        "record_key",
        (pl.col("bad").any().over("first_now") | pl.col("bad").any().over("second_now")).alias(
            "unstable"
        ),
    )


def _resolve_touched(
    records: pl.DataFrame,
    people: pl.DataFrame,
    identifiers: pl.DataFrame,
    new_cache: NormalisedCache,
    cache: NormalisedCache,
    prev: IdentityResult,
    state: MarketState,
    changed: pl.Series,
    fuzzy_changed: pl.Series,
    cfg: IdentityConfig,
) -> tuple[IdentityResult, MarketState]:
    t0 = time.perf_counter()
    # Per current record: its previous contact, or its own key when it is new.
    labels_now = people.select("record_key").join(
        state.labels.select("record_key", "cluster_key"),
        on="record_key",
        how="left",
        maintain_order="left",
    )
    labels_now = labels_now.select(
        "record_key", pl.col("cluster_key").fill_null(pl.col("record_key")).alias("label")
    )
    touched, seed_values = _seed_labels(new_cache, cache, labels_now, state, changed)
    first_to_contact = state.labels.select("first", pl.col("cluster_key").alias("label")).unique(
        "first"
    )
    # Block mates up front only for contacts whose fuzzy inputs surely moved (a record's
    # names or facts changed, or one was deleted); the checks after the run find the rest.
    deleted = cache.people.select("record_key").join(
        people.select("record_key"), on="record_key", how="anti"
    )
    moved = pl.concat([fuzzy_changed.to_frame("record_key"), deleted])
    moved_contacts = state.labels.join(moved, on="record_key", how="semi").select("cluster_key")
    prev_firsts = state.labels.join(moved_contacts, on="cluster_key", how="semi")
    moved_firsts = prev_firsts["first"].unique()
    mates = _block_mates(state, moved_firsts, moved_firsts, None, cfg)
    touched = pl.concat(
        [touched, mates.join(first_to_contact, on="first").select("label")]
    ).unique()
    # Refused unions with T are re-judged with it (see the checks below): pull them now.
    refused_keys = pl.concat(
        [
            prev.refused.select(
                pl.col("record_key_a").alias("k"), pl.col("record_key_b").alias("o")
            ),
            prev.refused.select(
                pl.col("record_key_b").alias("k"), pl.col("record_key_a").alias("o")
            ),
        ]
    )
    while refused_keys.height:
        t_records = state.labels.join(touched, left_on="cluster_key", right_on="label", how="semi")
        other = refused_keys.join(t_records, left_on="k", right_on="record_key", how="semi")
        extra = (
            labels_now.join(other, left_on="record_key", right_on="o", how="semi")
            .select("label")
            .unique()
            .join(touched, on="label", how="anti")
        )
        if extra.is_empty():
            break
        touched = pl.concat([touched, extra])
    t_find = time.perf_counter() - t0
    rounds = 0
    t_context = t_sub = t_check = 0.0
    while True:
        rounds += 1
        t0 = time.perf_counter()
        t_labels = touched["label"].implode()
        mask = labels_now["label"].is_in(t_labels)
        prev_mask = state.labels["cluster_key"].is_in(t_labels)
        prev_t = state.labels.filter(prev_mask)
        touched_firsts = prev_t["first"].unique()
        # What T contributed to the market's counts last time (deleted records included).
        prev_people = prev.people.join(prev_t, on="record_key", maintain_order="left")
        removed = count_frequencies(prev_people, prev_people["first"])
        removed_exclusive = count_frequencies(
            prev_people, prev_people["second"], with_name_facts=True
        )
        sub_people = people.filter(mask)
        renumber = sub_people.select(
            pl.col("idx").alias("old"), pl.int_range(pl.len(), dtype=pl.UInt32).alias("idx")
        )
        all_usable, status = _screen_with_every_carrier(people, identifiers, mask, seed_values, cfg)
        usable = all_usable.join(renumber, left_on="idx", right_on="old").select(
            pl.col("idx_right").alias("idx"), "kind", "value", "corporate", "name_group"
        )
        sub_ids = identifiers.join(renumber, left_on="idx", right_on="old").select(
            pl.col("idx_right").alias("idx"), "kind", "value", "corporate", "role"
        )
        sub_people = sub_people.drop("idx").with_row_index("idx")
        in_t = pl.col("first").is_in(touched_firsts.implode())

        def outside_sizes(blocks: pl.DataFrame, in_t: pl.Expr = in_t) -> pl.DataFrame:
            return (
                state.blocks.join(blocks, on=["block_name", "block"], how="semi")
                .filter(~in_t)
                .group_by("block_name", "block")
                .agg(pl.len().alias("n"))
            )

        context = MarketContext(
            counts=state.counts,
            removed=removed,
            exclusive_counts=state.exclusive_counts,
            exclusive_removed=removed_exclusive,
            outside_sizes=outside_sizes,
            screened=(usable, status),
        )
        t_context += time.perf_counter() - t0
        t0 = time.perf_counter()
        sub = resolve_identities(
            records.filter(mask), cfg, normalised=(sub_people, sub_ids), context=context
        )
        t_sub += time.perf_counter() - t0
        t0 = time.perf_counter()
        assert sub.stats is not None
        sub_state = _run_state(sub)
        # Nothing outside T may decide differently (module docstring, step 4).
        stability = _stability(prev_t, sub_state.labels, fuzzy_changed)
        sub_blocks = sub_state.blocks.join(
            stability.select(pl.col("record_key").alias("first"), "unstable"), on="first"
        )
        # Previous components of T holding an unstable record now (deleted ones included).
        unstable_before = prev_t.join(
            stability.filter("unstable").select("record_key"), on="record_key", how="semi"
        )
        gone = prev_t.join(stability, on="record_key", how="anti")
        moved_firsts = pl.concat([unstable_before["first"], gone["first"]]).unique()
        mates = _block_mates(state, touched_firsts, moved_firsts, sub_blocks, cfg)
        carried = all_usable.with_columns(mask.gather(all_usable["idx"]).alias("in_t"))
        crossing = carried.filter(
            pl.col("in_t").any().over("kind", "value", "name_group") & ~pl.col("in_t")
        )
        total = sub.stats.total_counts
        total_exclusive = sub.stats.total_exclusive_counts
        t_keys = prev_t["record_key"]
        # A kept pair's side in T must be stable (the pair's inputs are unchanged) ...
        prev_status = (
            prev_t.select("record_key")
            .join(stability, on="record_key", how="left")
            .with_columns(pl.col("unstable").fill_null(True))
        )
        unstable_pairs = _crossing_rows(
            [
                prev.edges,
                prev.review,
                state.judged_fuzzy,
                state.judged_exclusive,
                state.pending,
            ],
            prev_status,
        )
        # A refused union with T can be accepted once T's contact changes: always re-judge.
        refused_pairs = _crossing_rows(
            [prev.refused], prev_status.with_columns(pl.lit(True).alias("unstable"))
        )
        # ... and its verdict under the new frequencies the same.
        flipped = _flipped(state, t_keys, total, total_exclusive, cfg)
        grow = pl.concat(
            [
                mates.join(first_to_contact, on="first").select("label"),
                labels_now.join(
                    people.select("idx", "record_key").join(crossing, on="idx", how="semi"),
                    on="record_key",
                    how="semi",
                ).select("label"),
                labels_now.join(
                    pl.concat([flipped, unstable_pairs, refused_pairs]),
                    on="record_key",
                    how="semi",
                ).select("label"),
            ]
        ).unique()
        grow = grow.join(touched, on="label", how="anti")
        t_check += time.perf_counter() - t0
        if grow.is_empty():
            break
        touched = pl.concat([touched, grow])
    t0 = time.perf_counter()
    result = _merge(people, identifiers, prev, sub, mask, status, seed_values, t_keys)
    t_list = t_keys.implode()
    new_list = sub_state.labels["record_key"].implode()

    def kept(frame: pl.DataFrame) -> pl.DataFrame:
        # Pairs with a side outside T (stable by now); pairs inside T come from the sub-run.
        return frame.filter(
            ~(
                (pl.col("record_key_a").is_in(t_list) | pl.col("record_key_a").is_in(new_list))
                & (pl.col("record_key_b").is_in(t_list) | pl.col("record_key_b").is_in(new_list))
            )
        )

    market = MarketState(
        labels=pl.concat([state.labels.filter(~prev_mask), sub_state.labels]),
        counts=total,
        exclusive_counts=total_exclusive,
        blocks=pl.concat([state.blocks.filter(~in_t), sub_state.blocks]),
        judged_fuzzy=pl.concat([kept(state.judged_fuzzy), sub_state.judged_fuzzy]),
        judged_exclusive=pl.concat([kept(state.judged_exclusive), sub_state.judged_exclusive]),
        pending=pl.concat([kept(state.pending), sub_state.pending]),
    )
    result.timings = {
        "find_touched": t_find,
        "market_context": t_context,
        "resolve_touched": t_sub,
        "exactness_checks": t_check,
        "merge": time.perf_counter() - t0,
        "rounds": float(rounds),
        "touched_records": float(sub_people.height),
        **{f"sub_{k}": v for k, v in sub.timings.items()},
    }
    return result, market


def _screen_with_every_carrier(
    people: pl.DataFrame,
    identifiers: pl.DataFrame,
    mask: pl.Series,
    seed_values: pl.DataFrame,
    config: IdentityConfig,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`screen_identifiers` for T's identifiers (and the changed records' old ones), judged
    with all their carriers: usable rows over the whole market's idx, and their status."""
    values = pl.concat(
        [
            identifiers.filter(mask.gather(identifiers["idx"])).select("kind", "value"),
            seed_values,
        ]
    ).unique()
    carriers = identifiers.join(values, on=["kind", "value"], how="semi")
    ctx_people = people.join(carriers.select("idx").unique(), on="idx", how="semi")
    return screen_identifiers(ctx_people, carriers, config)


def _merge(
    people: pl.DataFrame,
    identifiers: pl.DataFrame,
    prev: IdentityResult,
    sub: IdentityResult,
    mask: pl.Series,
    status: pl.DataFrame,
    seed_values: pl.DataFrame,
    t_prev_keys: pl.Series,
) -> IdentityResult:
    """The previous result outside T plus the sub-run's result for T."""
    kept = people.filter(~mask).select("record_key")
    t_list = pl.concat([people.filter(mask)["record_key"], t_prev_keys]).implode()

    def untouched(frame: pl.DataFrame) -> pl.DataFrame:
        # Pairs inside T (then or now) come from the sub-run; a pair with a side outside T
        # was checked stable (`_resolve_touched`), so a deleted record's pairs are inside.
        return frame.filter(
            ~(pl.col("record_key_a").is_in(t_list) & pl.col("record_key_b").is_in(t_list))
        )

    clusters = people.select("record_key").join(
        pl.concat([prev.clusters.join(kept, on="record_key", how="semi"), sub.clusters]),
        on="record_key",
        how="left",
        maintain_order="left",
    )
    judged_values = pl.concat(
        [
            identifiers.filter(mask.gather(identifiers["idx"])).select("kind", "value"),
            seed_values,
        ]
    ).unique()
    identifier_status = pl.concat(
        [prev.identifier_status.join(judged_values, on=["kind", "value"], how="anti"), status]
    ).unique()
    return IdentityResult(
        clusters=clusters,
        edges=pl.concat([untouched(prev.edges), sub.edges]),
        review=pl.concat([untouched(prev.review), sub.review]),
        refused=pl.concat([untouched(prev.refused), sub.refused]),
        identifier_status=identifier_status,
        people=people,
        identifiers=identifiers,
    )
