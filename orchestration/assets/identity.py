"""Identity resolution as Dagster assets: person records → contacts with stable ids.

Thin: `orchestration.identity.store.resolve_and_store` does the work (load, match, cluster,
assign stable ids, write in one transaction). Metadata carries counts only.
"""

from datetime import UTC, datetime

import dagster as dg

from orchestration.identity.store import resolve_and_store
from orchestration.resources import DuckDBWarehouse
from orchestration.settings import DUCKDB_WRITE_POOL

PERSON_RECORDS = dg.AssetKey(["intermediate", "int_person_records"])

TABLES = {
    "record_contacts": "Every current person record → its contact_id. Ids are stable: "
    "unchanged people keep their id; when contacts merge the oldest id survives.",
    "record_identifiers": "Normalised identifiers (email, phone, profile slug) per record and "
    "whether each counted as identity evidence (shared mailboxes do not).",
    "match_edges": "Every match edge with its rule, score and evidence; refused edges (vetoed "
    "by conflicting identifiers or size guards) are kept with applied=false.",
    "review_pairs": "Pairs scored between the review and auto-merge thresholds, for a human.",
    "contact_merges": "Append-only history: retired contact id → surviving id, when and why.",
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["identity", table],
            deps=[PERSON_RECORDS],
            group_name="identity",
            description=description,
            kinds={"python", "polars", "duckdb"},
        )
        for table, description in TABLES.items()
    ],
    pool=DUCKDB_WRITE_POOL,
    name="identity_resolution",
)
def identity_resolution(context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse):
    """Match every person record across sources and assign stable contact ids."""
    with warehouse.connect() as con:
        summary = resolve_and_store(con, now=datetime.now(UTC).replace(tzinfo=None))
    context.log.info(
        f"identity: {summary.records} records → {summary.contacts} contacts "
        f"({summary.new_contacts} new, {summary.merges} merges, {summary.splits} splits, "
        f"{summary.review_pairs} pairs for review)"
    )
    yield dg.MaterializeResult(
        asset_key=["identity", "record_contacts"],
        metadata={
            "records": summary.records,
            "contacts": summary.contacts,
            "new_contacts": summary.new_contacts,
            "merges": summary.merges,
            "splits": summary.splits,
            "seconds_by_step": dg.MetadataValue.json(
                {k: round(v, 2) for k, v in summary.seconds_by_step.items()}
            ),
        },
    )
    yield dg.MaterializeResult(asset_key=["identity", "record_identifiers"])
    yield dg.MaterializeResult(
        asset_key=["identity", "match_edges"],
        metadata={
            "edges_by_rule": dg.MetadataValue.json(summary.edges_by_rule),
            "refused_edges": summary.refused_edges,
        },
    )
    yield dg.MaterializeResult(
        asset_key=["identity", "review_pairs"], metadata={"pairs": summary.review_pairs}
    )
    yield dg.MaterializeResult(
        asset_key=["identity", "contact_merges"], metadata={"merges_this_run": summary.merges}
    )
