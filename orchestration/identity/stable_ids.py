"""Persistent contact ids: the identity map, merges (oldest id survives) and splits.

The map is `record_key -> contact_id, assigned_at`. Each run turns the new clusters plus the
previous map into a new map, merge rows (retired_id -> surviving_id) and split rows. Every id
ever issued resolves to today's contact through `resolve_contact_id`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import polars as pl

MAP_SCHEMA = {"record_key": pl.String, "contact_id": pl.String, "assigned_at": pl.Datetime("us")}
MERGE_SCHEMA = {
    "retired_id": pl.String,
    "surviving_id": pl.String,
    "merged_at": pl.Datetime("us"),
    "evidence": pl.String,
}
SPLIT_SCHEMA = {
    "previous_id": pl.String,
    "new_id": pl.String,
    "split_at": pl.Datetime("us"),
    "records_moved": pl.Int64,
}


@dataclass(slots=True)
class StableIdResult:
    identity_map: pl.DataFrame  # record_key, contact_id, assigned_at
    merges: pl.DataFrame  # retired_id, surviving_id, merged_at, evidence (this run's rows)
    splits: pl.DataFrame  # previous_id, new_id, split_at, records_moved (this run's rows)
    new_ids: int


def new_contact_id(anchor_record_key: str, taken: set[str]) -> str:
    """`ct_` + 16 hex of sha1(anchor record key); re-hashed with a counter on collision."""
    salt = 0
    while True:
        text = anchor_record_key if salt == 0 else f"{anchor_record_key}#{salt}"
        cid = "ct_" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
        if cid not in taken:
            return cid
        salt += 1


def empty_map() -> pl.DataFrame:
    return pl.DataFrame(schema=MAP_SCHEMA)


def assign_contact_ids(
    clusters: pl.DataFrame,
    previous_map: pl.DataFrame | None,
    now: datetime,
    *,
    previous_merges: pl.DataFrame | None = None,
    merge_evidence: pl.DataFrame | None = None,
) -> StableIdResult:
    """Stable ids for `clusters` (record_key, cluster_key).

    - A cluster with no previously mapped record gets `new_contact_id(min record_key)`.
    - A cluster holding records of several old ids keeps the OLDEST (earliest assigned_at,
      then lexicographic); each other id is retired with a merge row.
    - An old id whose records now sit in several clusters stays with the cluster holding its
      earliest record (earliest assigned_at, then smallest record_key); the other parts get new
      ids and a split row each. Deterministic: same inputs, same ids.
    `merge_evidence` (optional cluster_key, evidence) annotates merge rows; default
    "cluster_merge".
    """
    prev = previous_map if previous_map is not None else empty_map()
    cur = clusters.select("record_key", "cluster_key").join(
        prev.select("record_key", pl.col("contact_id").alias("old_id"), "assigned_at"),
        on="record_key",
        how="left",
    )
    taken: set[str] = set(prev["contact_id"].unique().to_list())
    if previous_merges is not None and previous_merges.height:
        taken |= set(previous_merges["retired_id"].to_list())
        taken |= set(previous_merges["surviving_id"].to_list())

    # Age of every old id and the record that anchors it (its earliest record).
    old = cur.filter(pl.col("old_id").is_not_null())
    age = prev.group_by("contact_id").agg(pl.col("assigned_at").min().alias("issued_at"))
    owner = (
        old.sort("assigned_at", "record_key")
        .group_by("old_id", maintain_order=True)
        .agg(pl.col("cluster_key").first().alias("owner_cluster"))
    )
    per_cluster = (
        old.group_by("cluster_key", "old_id")
        .agg(pl.len().alias("records"))
        .join(owner, on="old_id")
        .join(age, left_on="old_id", right_on="contact_id", how="left")
    )
    owned = per_cluster.filter(pl.col("cluster_key") == pl.col("owner_cluster")).sort(
        "issued_at", "old_id"
    )
    survivors = owned.group_by("cluster_key", maintain_order=True).agg(
        pl.col("old_id").first().alias("contact_id"), pl.col("old_id").alias("owned_ids")
    )

    anchors = clusters.group_by("cluster_key").agg(pl.col("record_key").min().alias("anchor"))
    anchors = anchors.join(survivors, on="cluster_key", how="left").sort("anchor")
    ids: list[str] = []
    for anchor, cid in zip(
        anchors["anchor"].to_list(), anchors["contact_id"].to_list(), strict=True
    ):
        if cid is None:
            cid = new_contact_id(anchor, taken)
            taken.add(cid)
        ids.append(cid)
    anchors = anchors.with_columns(pl.Series("contact_id", ids, dtype=pl.String))
    new_ids = int(anchors["owned_ids"].is_null().sum())

    evidence = (
        merge_evidence.select("cluster_key", "evidence")
        if merge_evidence is not None
        else pl.DataFrame(schema={"cluster_key": pl.String, "evidence": pl.String})
    )
    merges = (
        anchors.drop_nulls("owned_ids")
        .explode("owned_ids")
        .filter(pl.col("owned_ids") != pl.col("contact_id"))
        .join(evidence, on="cluster_key", how="left")
        .select(
            pl.col("owned_ids").alias("retired_id"),
            pl.col("contact_id").alias("surviving_id"),
            pl.lit(now).cast(pl.Datetime("us")).alias("merged_at"),
            pl.col("evidence").fill_null("cluster_merge"),
        )
        .sort("retired_id")
    )
    splits = (
        per_cluster.filter(pl.col("cluster_key") != pl.col("owner_cluster"))
        .join(anchors.select("cluster_key", "contact_id"), on="cluster_key")
        .select(
            pl.col("old_id").alias("previous_id"),
            pl.col("contact_id").alias("new_id"),
            pl.lit(now).cast(pl.Datetime("us")).alias("split_at"),
            pl.col("records").cast(pl.Int64).alias("records_moved"),
        )
        .sort("previous_id", "new_id")
    )
    new_map = (
        cur.join(anchors.select("cluster_key", "contact_id"), on="cluster_key")
        .select(
            "record_key",
            "contact_id",
            pl.when(pl.col("old_id") == pl.col("contact_id"))
            .then(pl.col("assigned_at"))
            .otherwise(pl.lit(now).cast(pl.Datetime("us")))
            .alias("assigned_at"),
        )
        .sort("record_key")
    )
    return StableIdResult(
        identity_map=new_map,
        merges=merges.cast(MERGE_SCHEMA),  # type: ignore[arg-type]
        splits=splits.cast(SPLIT_SCHEMA),  # type: ignore[arg-type]
        new_ids=new_ids,
    )


def resolve_contact_id(contact_id: str, merges: pl.DataFrame) -> str:
    """Today's contact id for any id ever issued (follows retired -> surviving chains)."""
    nxt = dict(zip(merges["retired_id"].to_list(), merges["surviving_id"].to_list(), strict=True))
    seen = {contact_id}
    while contact_id in nxt:
        contact_id = nxt[contact_id]
        if contact_id in seen:  # a cycle would be a bug upstream; stop rather than spin
            break
        seen.add(contact_id)
    return contact_id
