"""Pairs a reviewer answered: "same person" joins them, "different people" keeps them apart.

A human looked at the two records (the duplicate-review list) and decided, so the answer
outranks every rule: a "same person" answer is an edge that merges before any identifier edge
and is not vetoed by conflicting identifiers (two LinkedIn URLs of one person happen); a
"different people" answer is a cannot-link that clusters.py honours for every union, so no
later record that shares an address with one and a phone with the other can bridge them. The
answers are re-applied on every run (the engine keeps no state), and the latest answer for a
pair is the one in force, so a later answer reverses an earlier one.
"""

from __future__ import annotations

import polars as pl

SAME_PERSON = "same_person"
DIFFERENT_PEOPLE = "different_people"
REVIEWED_SAME_RULE = "reviewed_same_person"
# Before every identifier rule (edges.py DETERMINISTIC_RULES start at 0).
REVIEWED_RANK = -1

DECISION_SCHEMA = {
    "record_key_a": pl.String,
    "record_key_b": pl.String,
    "decision": pl.String,
    "decision_id": pl.String,
}


def empty_decisions() -> pl.DataFrame:
    return pl.DataFrame(schema=DECISION_SCHEMA)


def reviewed_pairs(
    people: pl.DataFrame, decisions: pl.DataFrame | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(edges for "same person", apart pairs `a, b, evidence` for "different people").

    `decisions`: `record_key_a, record_key_b, decision, decision_id`, one row per pair (the
    answer in force). Pairs whose records are no longer in the market are dropped: there is
    nothing left to join or to keep apart.
    """
    if decisions is None:
        decisions = empty_decisions()
    keys = people.select(pl.col("idx").cast(pl.UInt32), "record_key")
    d = (
        decisions.select(*DECISION_SCHEMA)
        .join(keys.rename({"idx": "ia", "record_key": "record_key_a"}), on="record_key_a")
        .join(keys.rename({"idx": "ib", "record_key": "record_key_b"}), on="record_key_b")
        .filter(pl.col("ia") != pl.col("ib"))
        .select(
            pl.min_horizontal("ia", "ib").alias("a"),
            pl.max_horizontal("ia", "ib").alias("b"),
            "decision",
            "decision_id",
        )
        .sort("a", "b", "decision_id")
    )
    same = d.filter(pl.col("decision") == SAME_PERSON).select("a", "b", "decision_id")
    return _edges(same), _apart(d.filter(pl.col("decision") == DIFFERENT_PEOPLE))


def _edges(same: pl.DataFrame) -> pl.DataFrame:
    return same.select(
        pl.col("a").cast(pl.UInt32),
        pl.col("b").cast(pl.UInt32),
        pl.lit(REVIEWED_SAME_RULE).alias("rule"),
        pl.lit(1.0).alias("score"),
        (pl.lit("reviewed:") + pl.col("decision_id")).alias("evidence"),
        pl.lit(REVIEWED_RANK, dtype=pl.Int32).alias("rank"),
    )


def _apart(apart: pl.DataFrame) -> pl.DataFrame:
    return apart.select(
        pl.col("a").cast(pl.UInt32),
        pl.col("b").cast(pl.UInt32),
        (pl.lit("reviewed:") + pl.col("decision_id")).alias("evidence"),
    )


def clusters_kept_apart(component: pl.Series, apart: pl.DataFrame) -> pl.DataFrame:
    """`comp_a, comp_b` (comp_a < comp_b): clusters a "different people" answer separates."""
    ca, cb = component.gather(apart["a"]), component.gather(apart["b"])
    return (
        pl.DataFrame({"x": ca, "y": cb})
        .select(
            pl.min_horizontal("x", "y").alias("comp_a"), pl.max_horizontal("x", "y").alias("comp_b")
        )
        .unique()
    )
