"""Read the identity engine's input from DuckDB and persist its output there.

Plain functions (no Dagster) so they are tested directly. Tables (schema `identity`):
- `identity_map`      persistent: every record_key ever seen → contact_id, assigned_at
- `record_contacts`   current records → contact_id (what the marts join on)
- `record_identifiers` normalised identifiers per record, and whether they counted as evidence
- `match_edges`       every edge: rule, score, evidence, applied (false = refused by a guard)
- `review_pairs`      borderline pairs for `hygiene.duplicate_review`
- `contact_merges`    append-only: retired_id → surviving_id, merged_at, evidence
- `contact_splits`    append-only: previous_id → new_id when a contact was split
- `review_answers`    append-only: every reviewer answer on a pair identity has seen, and
                      whether it was accepted or quarantined (records changed since shown)
Everything of one run is written in ONE transaction: readers never see half a resolution.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import polars as pl

from ingest.landing import table_exists
from orchestration.identity.decisions import answers_in_force, judge_answers
from orchestration.identity.engine import IdentityResult, resolve_identities
from orchestration.identity.normalise import country_from_location
from orchestration.identity.schema import PERSON_RECORD_SCHEMA, IdentityConfig
from orchestration.identity.stable_ids import StableIdResult, assign_contact_ids, empty_map

SCHEMA = "identity"
PERSON_RECORDS_TABLE = "intermediate.int_person_records"
PAIR_DECISIONS_VIEW = "staging.stg_review__pair_decisions"
ANSWERS_DDL = (
    "decision_id varchar, record_key_a varchar, record_key_b varchar, decision varchar, "
    "reviewer varchar, decided_at timestamp, status varchar, reason varchar, "
    "judged_at timestamp"
)


@dataclass
class ResolutionSummary:
    records: int
    contacts: int
    new_contacts: int
    merges: int
    splits: int
    edges_by_rule: dict[str, int]
    refused_edges: int
    review_pairs: int
    seconds_by_step: dict[str, float]
    answers_in_force: int = 0
    answers_quarantined_now: int = 0


def load_person_records(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """int_person_records as the engine's typed frame, with country hints from locations."""
    # Ordered: the engine numbers records in load order, and a table scan is parallel, so an
    # unordered read made identical runs produce different (equivalent) edge lists.
    frame = con.sql(f"select * from {PERSON_RECORDS_TABLE} order by record_key").pl()
    frame = frame.select([pl.col(name).cast(dtype) for name, dtype in PERSON_RECORD_SCHEMA.items()])
    locations = frame["location"].drop_nulls().unique()
    hints = {loc: country_from_location(loc) for loc in locations.to_list()}
    return frame.with_columns(
        pl.coalesce(
            pl.col("country_hint"),
            pl.col("location").replace_strict(hints, default=None, return_dtype=pl.String),
        ).alias("country_hint")
    )


def load_previous(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    previous_map = (
        con.sql(f"select record_key, contact_id, assigned_at from {SCHEMA}.identity_map").pl()
        if table_exists(con, f"{SCHEMA}.identity_map")
        else empty_map()
    )
    merges = (
        con.sql(f"select * from {SCHEMA}.contact_merges").pl()
        if table_exists(con, f"{SCHEMA}.contact_merges")
        else None
    )
    return previous_map, merges


def resolve_and_store(
    con: duckdb.DuckDBPyConnection, now: datetime, config: IdentityConfig | None = None
) -> ResolutionSummary:
    """The whole step: load → resolve → stable ids → write, in one transaction."""
    records = load_person_records(con)
    if records.height == 0:
        write_empty(con)
        return ResolutionSummary(0, 0, 0, 0, 0, {}, 0, 0, {})
    judged, new_answers = load_review_answers(con, now)
    in_force = answers_in_force(judged)
    result = resolve_identities(records, config, decisions=in_force)
    previous_map, previous_merges = load_previous(con)
    stable = assign_contact_ids(result.clusters, previous_map, now, previous_merges=previous_merges)
    write_results(con, result, stable, new_answers)
    current = stable.identity_map.join(records.select("record_key"), on="record_key")
    rules = result.edges.group_by("rule").len().sort("rule")
    return ResolutionSummary(
        records=records.height,
        contacts=current["contact_id"].n_unique(),
        new_contacts=stable.new_ids,
        merges=stable.merges.height,
        splits=stable.splits.height,
        edges_by_rule=dict(zip(rules["rule"].to_list(), rules["len"].to_list(), strict=True)),
        refused_edges=result.refused.height,
        review_pairs=result.review.height,
        seconds_by_step=result.timings,
        answers_in_force=in_force.height,
        answers_quarantined_now=new_answers.filter(pl.col("status") == "quarantined").height,
    )


def load_review_answers(
    con: duckdb.DuckDBPyConnection, now: datetime
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(every judged answer, the answers judged in this run) on duplicate-review pairs.

    An answer is judged once, the first run that sees it: accepted when both records are
    unchanged since the reviewer was shown them, else quarantined. Later runs apply the
    accepted ones as they were judged, so a record that changes after an accepted answer does
    not undo what the reviewer decided.
    """
    columns = [c.split()[0] for c in ANSWERS_DDL.split(", ")]
    previous = (
        con.sql(f"select * from {SCHEMA}.review_answers").pl()
        if table_exists(con, f"{SCHEMA}.review_answers")
        else pl.DataFrame(schema={c: pl.String for c in columns})
    )
    previous = previous.with_columns(
        pl.col("decided_at").cast(pl.Datetime("us")), pl.col("judged_at").cast(pl.Datetime("us"))
    )
    if not table_exists(con, PAIR_DECISIONS_VIEW):
        return previous, previous.clear()
    seen = set(previous["decision_id"].to_list())
    fresh = con.sql(
        f"""select decision_id, record_key_a, record_key_b, decision, reviewer,
                   decided_at::timestamp as decided_at, fingerprint_a, fingerprint_b
            from {PAIR_DECISIONS_VIEW}
            order by decided_at, decision_id"""
    ).pl()
    fresh = fresh.filter(~pl.col("decision_id").is_in(list(seen)))
    if fresh.is_empty():
        return previous, previous.clear()
    keys = sorted(set(fresh["record_key_a"]) | set(fresh["record_key_b"]))
    cursor = con.execute(
        f"select * from {PERSON_RECORDS_TABLE} where record_key in (select unnest(?))", [keys]
    )
    names = [d[0] for d in cursor.description]
    current = {
        r["record_key"]: r for r in (dict(zip(names, x, strict=True)) for x in cursor.fetchall())
    }
    judged_now = (
        judge_answers(fresh, current)
        .with_columns(pl.lit(now).cast(pl.Datetime("us")).alias("judged_at"))
        .select(columns)
    )
    return pl.concat([previous.select(columns), judged_now], how="vertical_relaxed"), judged_now


def record_identifiers(result: IdentityResult) -> pl.DataFrame:
    """Identifiers keyed by record_key; `is_evidence` false for shared/role identifiers."""
    ids = result.identifiers.join(result.people.select("idx", "record_key"), on="idx")
    not_evidence = result.identifier_status.select("kind", "value").unique()
    ids = ids.join(
        not_evidence.with_columns(pl.lit(True).alias("_screened")),
        on=["kind", "value"],
        how="left",
    )
    return ids.select(
        "record_key",
        "kind",
        "value",
        (~pl.col("role").fill_null(False) & pl.col("_screened").is_null()).alias("is_evidence"),
    )


def write_results(
    con: duckdb.DuckDBPyConnection,
    result: IdentityResult,
    stable: StableIdResult,
    new_answers: pl.DataFrame | None = None,
) -> None:
    current_keys = result.people.select("record_key")
    record_contacts = stable.identity_map.join(current_keys, on="record_key").select(
        "record_key", "contact_id"
    )
    edges = pl.concat(
        [
            result.edges.select(
                "record_key_a",
                "record_key_b",
                "rule",
                "score",
                "evidence",
                pl.lit(True).alias("applied"),
            ),
            result.refused.select(
                "record_key_a",
                "record_key_b",
                "rule",
                pl.lit(None, dtype=pl.Float64).alias("score"),
                pl.col("reason").alias("evidence"),
                pl.lit(False).alias("applied"),
            ),
        ],
        how="vertical_relaxed",
    )
    frames = {
        "identity_map": stable.identity_map,
        "record_contacts": record_contacts,
        "record_identifiers": record_identifiers(result),
        "match_edges": edges,
        "review_pairs": result.review.select(
            "record_key_a", "record_key_b", "rule", "score", "evidence"
        ),
    }
    con.execute(f"create schema if not exists {SCHEMA}")
    con.begin()
    try:
        for name, frame in frames.items():
            con.register("_frame", frame)
            con.execute(f"create or replace table {SCHEMA}.{name} as select * from _frame")
            con.unregister("_frame")
        _append(
            con,
            "contact_merges",
            stable.merges,
            "retired_id varchar, surviving_id varchar, merged_at timestamp, evidence varchar",
        )
        _append(
            con,
            "contact_splits",
            stable.splits,
            "previous_id varchar, new_id varchar, split_at timestamp, records_moved bigint",
        )
        _append(
            con,
            "review_answers",
            new_answers if new_answers is not None else pl.DataFrame(),
            ANSWERS_DDL,
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise


EMPTY_TABLES = {
    "identity_map": "record_key varchar, contact_id varchar, assigned_at timestamp",
    "record_contacts": "record_key varchar, contact_id varchar",
    "record_identifiers": "record_key varchar, kind varchar, value varchar, is_evidence boolean",
    "match_edges": "record_key_a varchar, record_key_b varchar, rule varchar, score double, "
    "evidence varchar, applied boolean",
    "review_pairs": "record_key_a varchar, record_key_b varchar, rule varchar, score double, "
    "evidence varchar",
}


def write_empty(con: duckdb.DuckDBPyConnection) -> None:
    """No person records yet (e.g. every source skipped): empty tables keep marts buildable.
    A previous identity map is kept — ids already issued must stay resolvable."""
    con.execute(f"create schema if not exists {SCHEMA}")
    for table, ddl in EMPTY_TABLES.items():
        if table == "identity_map" and table_exists(con, f"{SCHEMA}.{table}"):
            continue
        con.execute(f"create or replace table {SCHEMA}.{table} ({ddl})")
    _append(con, "contact_merges", pl.DataFrame(), MERGES_DDL)
    _append(con, "contact_splits", pl.DataFrame(), SPLITS_DDL)
    _append(con, "review_answers", pl.DataFrame(), ANSWERS_DDL)


MERGES_DDL = "retired_id varchar, surviving_id varchar, merged_at timestamp, evidence varchar"
SPLITS_DDL = "previous_id varchar, new_id varchar, split_at timestamp, records_moved bigint"


def _append(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, ddl: str) -> None:
    con.execute(f"create table if not exists {SCHEMA}.{table} ({ddl})")
    if frame.height:
        con.register("_frame", frame)
        con.execute(f"insert into {SCHEMA}.{table} by name select * from _frame")
        con.unregister("_frame")
