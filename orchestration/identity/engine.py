"""One call from `person_records` to clusters, edges and the review list.

Python rather than SQL because the matcher needs per-pair string similarity, name-group
screening of shared identifiers and an order-sensitive, conflict-aware union-find; each is
awkward and slow in SQL. The heavy lifting (normalising, blocking, joins) is still columnar
(polars), with Python called once per distinct value or candidate pair.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from .clusters import union_find_clusters
from .edges import (
    FrequencyCounts,
    component_profiles,
    count_frequencies,
    deterministic_edges,
    exclusive_fact_edges,
    fuzzy_candidates,
    score_fuzzy,
    screen_identifiers,
    with_personal_email_kind,
)
from .normalise import normalise_records
from .schema import IdentityConfig


@dataclass(slots=True)
class MarketContext:
    """What the records OUTSIDE the frame contribute, for a run over part of the market.

    An incremental run (incremental.py) resolves only the touched people but every
    frequency-dependent decision must see the whole market: the engine adds its own counts
    to these, so the totals are exactly a full run's.
    """

    # The whole market's counts last time and what this frame contributed to them then:
    # the totals are `counts - removed + this frame's counts` (over the components the
    # identifier edges form; `exclusive_*` over the components after the two-fact merges).
    counts: FrequencyCounts
    removed: FrequencyCounts
    exclusive_counts: FrequencyCounts
    exclusive_removed: FrequencyCounts
    # (block_name, block) of this frame -> n components outside the frame holding it
    outside_sizes: Callable[[pl.DataFrame], pl.DataFrame]
    # `screen_identifiers` output judged with every carrier of the frame's identifiers
    screened: tuple[pl.DataFrame, pl.DataFrame]


@dataclass(slots=True)
class RunStats:
    """What an incremental run needs from a run to stay exact (all over this frame's idx)."""

    first: pl.Series  # per idx: component after identifier edges (smallest idx)
    second: pl.Series  # per idx: component after the two-fact fuzzy merges
    counts: FrequencyCounts  # this frame's counts over `first`
    exclusive_counts: FrequencyCounts  # this frame's counts over `second` (with name facts)
    total_counts: FrequencyCounts  # the market's (this frame's plus the context's)
    total_exclusive_counts: FrequencyCounts
    blocks: pl.DataFrame  # block_name, block, comp (of `first`), idx
    judged_fuzzy: pl.DataFrame  # score_fuzzy `judged`
    judged_exclusive: pl.DataFrame  # exclusive_fact_edges `judged`
    pending: pl.DataFrame  # a, b: score_fuzzy `pending` (judged on `second`)


@dataclass(slots=True)
class IdentityResult:
    clusters: pl.DataFrame  # record_key, cluster_key (smallest record_key of the cluster)
    edges: pl.DataFrame  # record_key_a, record_key_b, rule, score, evidence (applied or not)
    review: pl.DataFrame  # record_key_a, record_key_b, rule, score, evidence (for a human)
    refused: pl.DataFrame  # record_key_a, record_key_b, rule, reason (conflict | size)
    identifier_status: pl.DataFrame  # kind, value, status: identifiers that were not evidence
    people: pl.DataFrame  # normalised records (idx, record_key, name/company keys, ...)
    identifiers: pl.DataFrame  # normalised identifiers (idx, kind, value, corporate, role)
    timings: dict[str, float] = field(default_factory=dict)
    stats: RunStats | None = None


def _with_keys(frame: pl.DataFrame, keys: pl.Series) -> pl.DataFrame:
    return frame.with_columns(
        keys.gather(frame["a"]).alias("record_key_a"),
        keys.gather(frame["b"]).alias("record_key_b"),
    ).drop("a", "b")


def resolve_identities(
    person_records: pl.DataFrame,
    config: IdentityConfig | None = None,
    *,
    normalised: tuple[pl.DataFrame, pl.DataFrame] | None = None,
    context: MarketContext | None = None,
) -> IdentityResult:
    """Cluster person records into people.

    `normalised` lets a caller reuse cached keys. `context` makes a run over part of the
    market decide as a full run would (incremental.py): the frequencies and block sizes are
    this frame's plus the rest of the market's, and identifiers are screened with every
    carrier.
    """
    cfg = config or IdentityConfig()
    t: dict[str, float] = {}
    t0 = time.perf_counter()
    people, identifiers = normalised or normalise_records(person_records, cfg)
    t["normalise"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    if context is not None:
        usable, status = context.screened
    else:
        usable, status = screen_identifiers(people, identifiers, cfg)
    det = deterministic_edges(usable)
    t["deterministic_edges"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    veto_kinds = set(cfg.singular_kinds) | set(cfg.weak_edge_veto_kinds)
    singular = with_personal_email_kind(identifiers).filter(
        pl.col("kind").is_in(list(veto_kinds)) & ~pl.col("role")
    )
    n = people.height
    first = union_find_clusters(n, det.sort("rank", "a", "b"), singular, cfg)
    t["cluster_deterministic"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    profiles = component_profiles(people, first.component)
    counts = count_frequencies(people, first.component, profiles)
    total = (
        counts if context is None else context.counts.combine(counts.combine(context.removed, -1))
    )
    cand, blocks = fuzzy_candidates(
        people,
        first.component,
        cfg,
        profiles,
        None if context is None else context.outside_sizes,
    )
    auto, review, pending, judged_fuzzy = score_fuzzy(
        people, identifiers, first.component, cand, cfg, total.shares(), profiles
    )
    t["fuzzy"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    second = union_find_clusters(n, auto, singular, cfg, initial=first.component)
    t["cluster_fuzzy"] = time.perf_counter() - t0

    # Same-name pairs with one fact no namesake shares, judged on the people the two-fact
    # merges formed (pieces of one person already joined count once).
    t0 = time.perf_counter()
    exclusive_counts = count_frequencies(people, second.component, with_name_facts=True)
    total_exclusive = (
        exclusive_counts
        if context is None
        else context.exclusive_counts.combine(
            exclusive_counts.combine(context.exclusive_removed, -1)
        )
    )
    exclusive, judged_exclusive = exclusive_fact_edges(
        people,
        second.component,
        pending,
        total_exclusive.shares(),
        cfg.max_single_fact_namesakes,
    )
    third = union_find_clusters(n, exclusive, singular, cfg, initial=second.component)
    review = review.join(exclusive.select("a", "b"), on=["a", "b"], how="anti")
    auto = pl.concat([auto, exclusive])
    t["exclusive_fact"] = time.perf_counter() - t0

    keys = people["record_key"]
    comp = third.component
    cluster_key = (
        pl.DataFrame({"record_key": keys, "comp": comp})
        .with_columns(pl.col("record_key").min().over("comp").alias("cluster_key"))
        .select("record_key", "cluster_key")
    )
    edges = pl.concat([det.sort("rank", "a", "b"), auto]).drop("rank")
    refused = pl.concat([first.refused, second.refused, third.refused])
    return IdentityResult(
        clusters=cluster_key,
        edges=_with_keys(edges, keys),
        review=_with_keys(review, keys),
        refused=_with_keys(refused, keys),
        identifier_status=status,
        people=people,
        identifiers=identifiers,
        timings=t,
        stats=RunStats(
            first=first.component,
            second=second.component,
            counts=counts,
            exclusive_counts=exclusive_counts,
            total_counts=total,
            total_exclusive_counts=total_exclusive,
            blocks=blocks,
            judged_fuzzy=judged_fuzzy,
            judged_exclusive=judged_exclusive,
            pending=pending.select("a", "b"),
        ),
    )
