"""One call from `person_records` to clusters, edges and the review list.

Python rather than SQL because the matcher needs per-pair string similarity, name-group
screening of shared identifiers and an order-sensitive, conflict-aware union-find; each is
awkward and slow in SQL. The heavy lifting (normalising, blocking, joins) is still columnar
(polars), with Python called once per distinct value or candidate pair.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import polars as pl

from .clusters import union_find_clusters
from .decisions import clusters_kept_apart, reviewed_pairs
from .edges import (
    component_profiles,
    deterministic_edges,
    exclusive_fact_edges,
    fuzzy_candidates,
    name_frequencies,
    rare_name_edges,
    score_fuzzy,
    screen_identifiers,
    two_identifier_edges,
    with_personal_email_kind,
)
from .normalise import normalise_records
from .schema import IdentityConfig

logger = logging.getLogger("talent_crm.identity")


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


@contextmanager
def _stage(timings: dict[str, float], name: str) -> Iterator[None]:
    """Time one stage into `timings`; log its start, so a run that is slow or stopped at
    scale (the benchmarks, a 10M-record market) says which stage it was in."""
    logger.debug("identity stage %s started", name)
    t0 = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - t0


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
    decisions: pl.DataFrame | None = None,
) -> IdentityResult:
    """Cluster person records into people: always the whole market at once (every decision
    that depends on how common a name or fact is sees every record).

    `normalised` lets a caller reuse keys it already computed (`normalise_records` output).
    `decisions` are the reviewers' answers in force (decisions.py): "same person" pairs merge
    first, "different people" pairs never end in one cluster, and neither is listed for review
    again.
    """
    cfg = config or IdentityConfig()
    t: dict[str, float] = {}
    with _stage(t, "normalise"):
        people, identifiers = normalised or normalise_records(person_records, cfg)

    with _stage(t, "deterministic_edges"):
        usable, status = screen_identifiers(people, identifiers, cfg)
        same, apart = reviewed_pairs(people, decisions)
        det = pl.concat([same, deterministic_edges(usable), two_identifier_edges(usable, people)])

    with _stage(t, "cluster_deterministic"):
        veto_kinds = (
            set(cfg.singular_kinds) | set(cfg.weak_edge_veto_kinds) | set(cfg.fuzzy_veto_kinds)
        )
        singular = with_personal_email_kind(identifiers).filter(
            pl.col("kind").is_in(list(veto_kinds)) & ~pl.col("role")
        )
        n = people.height
        first = union_find_clusters(n, det.sort("rank", "a", "b"), singular, cfg, apart=apart)

    with _stage(t, "fuzzy"):
        profiles = component_profiles(people, first.component)
        frequencies = name_frequencies(people, first.component, profiles)
        cand = fuzzy_candidates(people, first.component, cfg, profiles)
        auto, review, pending = score_fuzzy(
            people, identifiers, first.component, cand, cfg, frequencies, profiles
        )

    with _stage(t, "cluster_fuzzy"):
        second = union_find_clusters(n, auto, singular, cfg, initial=first.component, apart=apart)

    # Same-name pairs with one fact no namesake shares, judged on the people the two-fact
    # merges formed (pieces of one person already joined count once).
    with _stage(t, "exclusive_fact"):
        exclusive = exclusive_fact_edges(
            people,
            second.component,
            pending,
            name_frequencies(people, second.component, with_name_facts=True),
            cfg.max_single_fact_namesakes,
        )
        third = union_find_clusters(
            n, exclusive, singular, cfg, initial=second.component, apart=apart
        )
        rare = rare_name_edges(people, third.component, cfg.max_rare_name_expected)
        third_rare = union_find_clusters(
            n, rare, singular, cfg, initial=third.component, apart=apart
        )
        third = type(third)(
            component=third_rare.component, refused=pl.concat([third.refused, third_rare.refused])
        )
        exclusive = pl.concat([exclusive, rare])
        review = review.join(exclusive.select("a", "b"), on=["a", "b"], how="anti")
        # A reviewer already answered for these clusters: do not ask again.
        review = review.with_columns(
            third.component.gather(review["a"]).alias("ca"),
            third.component.gather(review["b"]).alias("cb"),
        )
        answered = clusters_kept_apart(third.component, apart)
        review = (
            review.with_columns(
                pl.min_horizontal("ca", "cb").alias("comp_a"),
                pl.max_horizontal("ca", "cb").alias("comp_b"),
            )
            .join(answered, on=["comp_a", "comp_b"], how="anti")
            .drop("ca", "cb", "comp_a", "comp_b")
        )
        auto = pl.concat([auto, exclusive])

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
    )
