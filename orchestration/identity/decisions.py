"""Review decisions as identity sees them: "same person" joins a pair, "different people"
keeps it apart.

A human looked at the two records (the duplicate-review list) and decided, so the answer
outranks every rule: a "same person" answer is an edge that merges before any identifier edge
and is not vetoed by conflicting identifiers (two LinkedIn URLs of one person happen); a
"different people" answer is a cannot-link that clusters.py honours for every union, so no
later record that shares an address with one and a phone with the other can bridge them. The
answers are applied again on every run, and the latest accepted answer for a pair is the one
in force, so a later answer reverses an earlier one ("not sure" withdraws it).

An answer holds only for the two records as they were shown: it is checked once, when it
first reaches identity, against the records' current fingerprints (`record_fingerprint`);
an answer about records that changed since is quarantined with the reason and never applied
(store.py keeps every verdict in `identity.review_answers`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import polars as pl

from orchestration.identity.schema import PERSON_RECORD_SCHEMA

# Every identity input except the record's update time: a re-sync that touches nothing a
# reviewer saw must not make the answer stale.
FINGERPRINT_FIELDS = tuple(name for name in PERSON_RECORD_SCHEMA if name != "record_updated_at")


def _plain(value: Any) -> Any:
    """JSON-ready value, the same whichever reader produced the row: DuckDB fetches lists as
    lists, polars rows as lists too, numpy-backed readers as arrays or tuples."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "tolist"):  # numpy arrays / scalars
        return _plain(value.tolist())
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def record_fingerprint(row: Mapping[str, Any]) -> str:
    """md5 hex of one person record's identity inputs as a reviewer was shown them.

    `row` holds the PERSON_RECORD_SCHEMA fields of one record (a dict from DuckDB or polars;
    extra keys are ignored, a missing field counts as null). The fingerprint is the md5 of
    the JSON of every schema field except `record_updated_at`, keys sorted, compact separators,
    non-ASCII kept as UTF-8; lists keep their order.

    Compute it on the rows as `intermediate.int_person_records` holds them (the same columns
    `hygiene.duplicate_review_records` publishes for the review page), NOT on the engine's frame
    after `store.load_person_records` fills country hints from locations: the page fingerprints
    what it shows, and a derived hint would make every such record look changed.
    """
    document = {name: _plain(row.get(name)) for name in FINGERPRINT_FIELDS}
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


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


# What identity made of each answer when it first saw it (identity.review_answers.status).
ACCEPTED = "accepted"
QUARANTINED = "quarantined"
NOT_SURE = "not_sure"


def judge_answers(answers: pl.DataFrame, current: Mapping[str, Mapping[str, Any]]) -> pl.DataFrame:
    """`status, reason` for answers identity has not judged yet.

    `answers`: `decision_id, record_key_a, record_key_b, fingerprint_a, fingerprint_b, ...`;
    `current`: record_key -> the record as `int_person_records` holds it now. An answer stands
    when both records are still there and unchanged since the reviewer saw them; otherwise it
    is quarantined with the reason (the reviewer answered about something else).
    """
    statuses: list[str] = []
    reasons: list[str | None] = []
    for row in answers.iter_rows(named=True):
        reason = None
        for side in ("a", "b"):
            record = current.get(row[f"record_key_{side}"])
            if record is None:
                reason = f"record_{side} is no longer in the market"
            elif record_fingerprint(record) != row[f"fingerprint_{side}"]:
                reason = f"record_{side} changed since the pair was shown"
            if reason:
                break
        statuses.append(QUARANTINED if reason else ACCEPTED)
        reasons.append(reason)
    return answers.with_columns(
        pl.Series("status", statuses, dtype=pl.String),
        pl.Series("reason", reasons, dtype=pl.String),
    )


def answers_in_force(judged: pl.DataFrame) -> pl.DataFrame:
    """Per pair, the latest accepted answer, unless it is "not sure" (which withdraws any
    earlier answer): `record_key_a, record_key_b, decision, decision_id`."""
    latest = (
        judged.filter(pl.col("status") == ACCEPTED)
        .sort("decided_at", "decision_id")
        .group_by("record_key_a", "record_key_b")
        .agg(pl.col("decision").last(), pl.col("decision_id").last())
    )
    return (
        latest.filter(pl.col("decision") != NOT_SURE)
        .select(*DECISION_SCHEMA)
        .sort("record_key_a", "record_key_b")
    )
