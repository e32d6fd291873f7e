"""Splink (DuckDB backend) on the same person records the identity engine gets: the baseline.

Measuring only, never pipeline code. The model is the one a competent Splink user would set
up from the Splink 5 docs, given this input contract:

* one input row per record (`unique_id` = `record_key`);
* names, company, city and title folded exactly as the engine folds them
  (`normalise_records`): the same cleaning for both, so the comparison is of the matchers,
  not of the string clean-up. Identifiers are the engine's normalised keys too, as arrays
  (e-mails with gmail dots and +tags folded, phones in E.164, LinkedIn/GitHub slugs, the
  source's own person key), minus shared role mailboxes (jobs@, info@): standard cleaning
  any user would do, and without it one `recruiting@` address chains whole companies.
* Eventbrite rows flagged `is_buyer_profile_copy` carry the ticket buyer's details, not the
  attendee's (the contract says so), so they enter with no name and no identifiers, as the
  engine treats them; otherwise Splink would be charged false merges it was told to avoid.
* blocking on each identifier (exploded arrays), name + company, name + city and name;
  comparisons: forename/surname with term-frequency adjustments on the full name, array
  intersections for the identifiers, company and title by Jaro-Winkler, city exact with
  term frequencies;
* trained unsupervised: lambda from deterministic identifier rules, u by seeded random
  sampling, m by expectation maximisation in two sessions (blocked on name, then on the
  first e-mail) so every comparison gets an m estimate without its own blocking column;
* clustered by connected components at a match-probability threshold.

No ground truth is read here; `choose_threshold` (which does read it) only picks among the
thresholds reported, which flatters Splink, not the engine.
"""

from __future__ import annotations

import logging
import tempfile
import time
from dataclasses import dataclass, field

import duckdb
import polars as pl

from orchestration.identity.normalise import normalise_records

# Reported side by side; the lowest bounds the pairs `predict` keeps. The range is wide on
# purpose: a record whose only evidence is one shared address (an outreach row) scores
# about 0.4 under this model, so Splink's recall drops by half between 0.3 and 0.5.
DEFAULT_THRESHOLDS: tuple[float, ...] = (0.1, 0.3, 0.5, 0.9, 0.99)
SEED = 5
# u estimated from this many random pairs: the docs advise 1e7-1e9; 1e7 keeps the 100k run
# in minutes and the estimates are stable at this market size.
U_MAX_PAIRS = 1e7

_ARRAY_KINDS = {
    "email": "emails",
    "phone": "phones",
    "linkedin": "profiles",
    "github": "profiles",
}
ARRAY_COLUMNS = ("emails", "phones", "profiles")


def splink_input(
    records: pl.DataFrame,
    normalised: tuple[pl.DataFrame, pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """One Splink input row per person record (see the module docstring for what and why)."""
    people, identifiers = normalised or normalise_records(records)
    ids = (
        identifiers.filter(~pl.col("role") & pl.col("kind").is_in(list(_ARRAY_KINDS)))
        .with_columns(pl.col("kind").replace_strict(_ARRAY_KINDS).alias("column"))
        .group_by("idx", "column")
        .agg(pl.col("value").unique().sort())
        .pivot(on="column", index="idx", values="value")
    )
    for col in ARRAY_COLUMNS:
        if col not in ids.columns:
            ids = ids.with_columns(pl.lit(None, dtype=pl.List(pl.String)).alias(col))
    frame = people.select(
        "idx",
        pl.col("record_key").alias("unique_id"),
        pl.col("first_key").alias("first_name"),
        pl.col("last_key").alias("surname"),
        pl.when(pl.col("first_key").is_not_null() & pl.col("last_key").is_not_null())
        .then(pl.concat_str(["first_key", "last_key"], separator=" "))
        .alias("full_name"),
        pl.col("company_key").alias("company"),
        pl.col("city_key").alias("city"),
        pl.col("title_key").alias("title"),
    ).join(ids, on="idx", how="left")
    source_key = (
        identifiers.filter(pl.col("kind") == "spk")
        .group_by("idx")
        .agg(pl.col("value").min().alias("source_key"))
    )
    frame = frame.join(source_key, on="idx", how="left")
    # Splink's null level needs NULL, not an empty array (an empty array would score as a
    # disagreement on every pair).
    return frame.select(
        "unique_id",
        "first_name",
        "surname",
        "full_name",
        "company",
        "city",
        "title",
        *[pl.when(pl.col(c).list.len() > 0).then(pl.col(c)).alias(c) for c in ARRAY_COLUMNS],
        pl.col("emails").list.first().alias("email"),
        "source_key",
    )


def splink_settings():
    """The Splink model: blocking rules for prediction and the comparisons."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[
            block_on("emails", arrays_to_explode=["emails"]),
            block_on("phones", arrays_to_explode=["phones"]),
            block_on("profiles", arrays_to_explode=["profiles"]),
            block_on("first_name", "surname", "company"),
            block_on("first_name", "surname", "city"),
            block_on("first_name", "surname"),
        ],
        comparisons=[
            cl.ForenameSurnameComparison(
                "first_name", "surname", forename_surname_concat_col_name="full_name"
            ),
            cl.ArrayIntersectAtSizes("emails", [1]),
            cl.ArrayIntersectAtSizes("phones", [1]),
            cl.ArrayIntersectAtSizes("profiles", [1]),
            cl.JaroWinklerAtThresholds("company", [0.95, 0.88]),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("title", [0.95, 0.88]),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def train_linker(
    frame: pl.DataFrame,
    con: duckdb.DuckDBPyConnection,
    *,
    seed: int = SEED,
    u_max_pairs: float = U_MAX_PAIRS,
    log_level: int = logging.ERROR,
):
    """A Splink `Linker` over `frame` (a `splink_input`), trained without labels."""
    from splink import DuckDBAPI, Linker, block_on

    db_api = DuckDBAPI(connection=con)
    # Identical input order on every run: the u sample and EM start from the same rows.
    table = db_api.register(frame.sort("unique_id").to_arrow(), dataset_display_name="people")
    linker = Linker(table, splink_settings(), log_level=log_level)
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("emails", arrays_to_explode=["emails"]),
            block_on("phones", arrays_to_explode=["phones"]),
            block_on("profiles", arrays_to_explode=["profiles"]),
        ],
        recall=0.7,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("email"))
    return linker


def source_key_edges(frame: pl.DataFrame) -> pl.DataFrame:
    """Pairs a source system itself says are one person, at match probability 1.

    A Greenhouse application carries nothing but its candidate's id, a Lever opportunity
    its contact's id: identity by construction, not evidence to weigh. Fellegi-Sunter cannot
    express that (an application row has no other field, so no learned weight lifts it over
    the prior), so, as with any deterministic link in Splink, these edges join the scored
    pairs before clustering. Each carrier links to the smallest carrier of its key.
    """
    keyed = frame.select("unique_id", "source_key").drop_nulls("source_key")
    return (
        keyed.with_columns(pl.col("unique_id").min().over("source_key").alias("unique_id_l"))
        .filter(pl.col("unique_id") != pl.col("unique_id_l"))
        .select(
            "unique_id_l",
            pl.col("unique_id").alias("unique_id_r"),
            pl.lit(1.0).alias("match_probability"),
        )
    )


@dataclass(slots=True)
class SplinkRun:
    """Splink's clusters at each threshold (record_key, cluster_key) and where time went."""

    clusters: dict[float, pl.DataFrame]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    predicted_pairs: int = 0


def run_splink(
    records: pl.DataFrame,
    thresholds: tuple[float, ...] = DEFAULT_THRESHOLDS,
    *,
    seed: int = SEED,
    u_max_pairs: float = U_MAX_PAIRS,
    threads: int = 2,
    memory_limit: str = "8GB",
    normalised: tuple[pl.DataFrame, pl.DataFrame] | None = None,
    log_level: int = logging.ERROR,
) -> SplinkRun:
    """Train the model on `records` (unsupervised), predict once, cluster at each threshold.

    DuckDB runs in memory with `threads` and `memory_limit` set so a benchmark shares the
    machine politely; results do not depend on either (u is sampled with `seed`).
    """
    from splink.clustering import cluster_pairwise_predictions_at_threshold

    t: dict[str, float] = {}
    started = time.perf_counter()
    t0 = started
    frame = splink_input(records, normalised)
    t["input"] = time.perf_counter() - t0

    con = duckdb.connect(":memory:")
    con.execute(f"SET threads = {int(threads)}")
    con.execute(f"SET memory_limit = '{memory_limit}'")
    # Past the memory limit DuckDB spills to `.tmp/` under the working directory by default
    # (gigabytes at 1M records, left behind if the run is killed): spill to a temp dir instead.
    spill = tempfile.TemporaryDirectory(prefix="splink-spill-")
    con.execute(f"SET temp_directory = '{spill.name}'")
    t0 = time.perf_counter()
    linker = train_linker(frame, con, seed=seed, u_max_pairs=u_max_pairs, log_level=log_level)
    t["train"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=min(thresholds))
    scored = pl.from_arrow(
        con.sql(
            f"SELECT unique_id_l, unique_id_r, match_probability FROM {predictions.physical_name}"
        ).arrow()
    )
    t["predict"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    edges = pl.concat([scored, source_key_edges(frame)], how="vertical_relaxed")
    db_api = linker._db_api
    clusters: dict[float, pl.DataFrame] = {}
    for threshold in sorted(thresholds):
        result = cluster_pairwise_predictions_at_threshold(
            frame.select("unique_id").to_arrow(),
            edges.to_arrow(),
            db_api,
            "unique_id",
            threshold_match_probability=threshold,
        )
        raw = pl.from_arrow(
            con.sql(
                f"SELECT unique_id AS record_key, cluster_id FROM {result.physical_name}"
            ).arrow()
        )
        # The smallest record_key of each cluster names it, as the engine names its clusters.
        clusters[threshold] = raw.with_columns(
            pl.col("record_key").min().over("cluster_id").alias("cluster_key")
        ).select("record_key", "cluster_key")
    t["cluster"] = time.perf_counter() - t0
    con.close()
    spill.cleanup()
    return SplinkRun(
        clusters=clusters,
        seconds=time.perf_counter() - started,
        timings=t,
        predicted_pairs=scored.height,
    )
