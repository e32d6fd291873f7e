"""Incremental identity runs re-resolve only the touched people and agree with a full run."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from ingest.sample.identity_records import build_person_records
from ingest.sample.market import generate_market
from orchestration.identity.engine import resolve_identities
from orchestration.identity.incremental import resolve_incremental
from orchestration.identity.stable_ids import assign_contact_ids, resolve_contact_id


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    market = tmp_path_factory.mktemp("incremental") / "m"
    generate_market(market, contacts=1500, seed=11)
    return build_person_records(market)


def _changed(records: pl.DataFrame) -> pl.DataFrame:
    """About 1% of records change in the ways sources change them between two runs."""
    row = pl.int_range(pl.len())
    changed = records.with_columns(
        # A new address on a profile (some shared with another record: a new link).
        pl.when(row % 150 == 0)
        .then(pl.col("emails").list.concat(pl.lit(["moved.on@example.org"])))
        .otherwise(pl.col("emails"))
        .alias("emails"),
        # A corrected family name.
        pl.when(row % 211 == 5)
        .then(pl.col("last_name") + "son")
        .otherwise(pl.col("last_name"))
        .alias("last_name"),
        # A job change.
        pl.when(row % 173 == 7)
        .then(pl.lit("Globex"))
        .otherwise(pl.col("company"))
        .alias("company"),
    )
    # Deleted records (a GDPR erasure) and new records (copies of existing people, new ids).
    deleted = changed.filter(row % 251 != 3)
    new = records.filter(row % 199 == 9).with_columns(
        (pl.col("record_key") + ":copy").alias("record_key"),
        (pl.col("source_record_id") + ":copy").alias("source_record_id"),
    )
    return pl.concat([deleted, new])


def test_incremental_run_matches_a_full_run_and_touches_few_records(records) -> None:
    first, cache, normalised_first = resolve_incremental(records, None)
    assert normalised_first == records.height
    assert first.clusters.equals(resolve_identities(records).clusters)

    changed = pl.concat([_changed(records), _bridges(records, first.clusters)])
    incremental, _cache, normalised = resolve_incremental(changed, cache)
    full = resolve_identities(changed)

    assert normalised < changed.height * 0.05
    touched = incremental.timings["touched_records"]
    print(f"\nre-normalised {normalised}, re-resolved {touched:.0f} of {changed.height} records")
    assert 0 < touched < changed.height * 0.5
    _assert_same_as_full(incremental, full)
    # The changes really moved people: some contacts merged and some split, so the equality
    # above covers merges and splits, and so do the stable ids built on it.
    before, after = first.clusters, incremental.clusters
    moved = before.join(after, on="record_key", suffix="_now")
    regrouped = moved.group_by("cluster_key").agg(pl.col("cluster_key_now").n_unique().alias("n"))
    assert regrouped.filter(pl.col("n") > 1).height > 0  # splits
    joined = moved.group_by("cluster_key_now").agg(pl.col("cluster_key").n_unique().alias("n"))
    assert joined.filter(pl.col("n") > 1).height > 0  # merges
    t0, t1 = datetime(2026, 1, 1), datetime(2026, 1, 2)
    ids = assign_contact_ids(first.clusters, None, t0)
    via_incremental = assign_contact_ids(incremental.clusters, ids.identity_map, t1)
    via_full = assign_contact_ids(full.clusters, ids.identity_map, t1)
    assert via_incremental.identity_map.sort("record_key").equals(
        via_full.identity_map.sort("record_key")
    )
    assert via_incremental.merges.sort("retired_id").equals(via_full.merges.sort("retired_id"))
    assert via_incremental.merges.height > 0
    # Every retired id resolves to a contact that exists now (crm.contact_merges).
    live = set(via_incremental.identity_map["contact_id"])
    for retired, surviving in via_incremental.merges.select("retired_id", "surviving_id").rows():
        assert retired not in live
        assert resolve_contact_id(retired, via_incremental.merges) == surviving
        assert surviving in live

    # A second incremental run on top of the first (the kept state was updated, not rebuilt).
    again = _changed(changed).unique("record_key", keep="first", maintain_order=True)
    incremental2, _cache2, _ = resolve_incremental(again, _cache)
    _assert_same_as_full(incremental2, resolve_identities(again))


def _bridges(records: pl.DataFrame, clusters: pl.DataFrame) -> pl.DataFrame:
    """New records carrying the addresses of two contacts of the same name: merges."""
    named = (
        records.join(clusters, on="record_key")
        .filter(pl.col("emails").list.len() > 0)
        .unique(["first_name", "last_name", "cluster_key"], keep="first", maintain_order=True)
    )
    pairs = named.join(named, on=["first_name", "last_name"], suffix="_b").filter(
        pl.col("cluster_key") < pl.col("cluster_key_b")
    )
    return (
        pairs.head(8)
        .with_columns(
            (pl.col("record_key") + ":bridge").alias("record_key"),
            (pl.col("source_record_id") + ":bridge").alias("source_record_id"),
            pl.col("emails").list.concat("emails_b").alias("emails"),
        )
        .select(records.columns)
    )


def _assert_same_as_full(incremental, full) -> None:
    """Exactly a full run's clusters, edges (with evidence), review pairs and statuses."""
    merged = incremental.clusters.join(full.clusters, on="record_key", suffix="_full")
    assert merged.height == full.clusters.height == incremental.clusters.height
    assert merged.filter(pl.col("cluster_key") != pl.col("cluster_key_full")).is_empty()

    def rows(frame: pl.DataFrame) -> set[tuple]:
        return set(frame.select("record_key_a", "record_key_b", "rule", "evidence").iter_rows())

    assert rows(incremental.edges) == rows(full.edges)
    assert rows(incremental.review) == rows(full.review)
    assert set(incremental.refused.iter_rows()) == set(full.refused.iter_rows())
    assert set(incremental.identifier_status.iter_rows()) == set(full.identifier_status.iter_rows())


def test_many_changes_fall_back_to_a_full_run(records) -> None:
    _first, cache, _ = resolve_incremental(records, None)
    # Every record with a title changes: far more than `incremental_max_share`.
    renamed = records.with_columns(pl.col("title").str.to_uppercase())
    result, _cache, normalised = resolve_incremental(renamed, cache)
    assert normalised == records.filter(pl.col("title").is_not_null()).height
    assert normalised > records.height * 0.2
    assert "touched_records" not in result.timings
    assert result.clusters.equals(resolve_identities(renamed).clusters)


def _namesake_takes_facts(records: pl.DataFrame, clusters: pl.DataFrame) -> pl.DataFrame:
    """Records that take over the company, title and city of a namesake in another contact
    (no identifier in common): new fuzzy pairs with people no changed record reaches."""
    j = records.join(clusters, on="record_key").filter(
        pl.col("company").is_not_null()
        & pl.col("title").is_not_null()
        & pl.col("location").is_not_null()
    )
    pairs = (
        j.join(j, on=["first_name", "last_name"], suffix="_b")
        .filter(pl.col("cluster_key") < pl.col("cluster_key_b"))
        .filter(pl.col("company") != pl.col("company_b"))
        .unique("record_key", keep="first", maintain_order=True)
        .head(10)
    )
    taken = pairs.select(
        "record_key",
        pl.col("company_b").alias("company"),
        pl.col("title_b").alias("title"),
        pl.col("location_b").alias("location"),
    )
    return records.update(taken, on="record_key")


def _namesakes_without_facts(records: pl.DataFrame, exclusive: pl.DataFrame) -> pl.DataFrame:
    """Many new fact-less records named like the pairs an exclusive fact merged: the name
    grows common, so those pairs (no record of theirs changed) lose their edge."""
    named = records.join(
        exclusive.select(pl.col("record_key_a").alias("record_key")), on="record_key"
    )
    copies = [
        named.with_columns(
            (pl.col("record_key") + f":namesake{i}").alias("record_key"),
            (pl.col("source_record_id") + f":namesake{i}").alias("source_record_id"),
            pl.lit(None, dtype=pl.String).alias("company"),
            pl.lit(None, dtype=pl.String).alias("title"),
            pl.lit(None, dtype=pl.String).alias("location"),
            pl.lit([], dtype=pl.List(pl.String)).alias("emails"),
            pl.lit([], dtype=pl.List(pl.String)).alias("phones"),
            pl.lit([], dtype=pl.List(pl.String)).alias("profile_urls"),
            pl.lit(None, dtype=pl.String).alias("source_person_key"),
        )
        for i in range(60)
    ]
    return pl.concat([records, *copies])


def test_incremental_run_re_judges_people_no_changed_record_reaches(records) -> None:
    """Exactness beyond the changed records' contacts: new fuzzy pairs with untouched
    namesakes (block mates) and frequency verdicts that move for untouched pairs."""
    first, cache, _ = resolve_incremental(records, None)
    exclusive = first.edges.filter(pl.col("rule") == "name_exclusive_fact").head(5)
    assert exclusive.height > 0

    changed = _namesakes_without_facts(_namesake_takes_facts(records, first.clusters), exclusive)
    incremental, _cache, _ = resolve_incremental(changed, cache)
    full = resolve_identities(changed)
    _assert_same_as_full(incremental, full)

    # Both effects happened: records now pair with namesakes in other old contacts (new
    # review pairs), and an exclusive-fact edge between untouched records is gone.
    new_pairs = full.review.join(first.review, on=["record_key_a", "record_key_b"], how="anti")
    assert new_pairs.filter(pl.col("rule") == "fuzzy_name").height > 0
    kept = full.edges.join(exclusive, on=["record_key_a", "record_key_b", "rule"], how="semi")
    assert kept.height < exclusive.height
