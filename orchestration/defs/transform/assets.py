"""The nightly build: dbt up to the person records, identity resolution in Python, then the
dbt models that read resolved identities (tag `post_identity`, set on marts in
dbt_project.yml). Thin: the identity work is `orchestration.identity.store.resolve_and_store`
(load, match, cluster, assign stable ids, write in one transaction); metadata carries counts.
"""

import json
from datetime import UTC, datetime

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from ingest.landing import RAW_SCHEMA, ensure_landing_table, ensure_raw_schema
from orchestration import database, processes, settings
from orchestration.defs.transform.dbt_project import TalentCrmTranslator, dbt_project
from orchestration.identity.store import resolve_and_store
from orchestration.resources import DuckDBWarehouse

POOL = settings.DUCKDB_WRITE_POOL
POST_IDENTITY = "tag:post_identity"
PERSON_RECORDS = dg.AssetKey(["intermediate", "int_person_records"])
PAIR_DECISIONS = dg.AssetKey(["staging", "stg_review__pair_decisions"])


def landing_tables_read_by_dbt() -> list[tuple[str, str]]:
    """(source, entity) of every raw landing table a dbt source reads."""
    manifest = json.loads(dbt_project.manifest_path.read_text())
    return sorted(
        {
            (node["source_name"], node["name"])
            for node in manifest["sources"].values()
            if node["schema"] == RAW_SCHEMA
            and node["identifier"] == f"{node['source_name']}_{node['name']}"
        }
    )


def ensure_landing_tables(warehouse: DuckDBWarehouse) -> None:
    """Create the (empty) landing tables staging reads that no step has created yet.

    Staging must build on whatever landed: a source whose step was not selected (the billed
    PDL enrichment runs on its own schedule) or that failed before its first landing must not
    fail every model with "table does not exist"."""
    with warehouse.connect() as con:
        ensure_raw_schema(con)
        for source, entity in landing_tables_read_by_dbt():
            ensure_landing_table(con, source, entity)


def build_dbt_step(
    name: str, description: str, *, creates_landing_tables: bool = False, **selection: str
) -> dg.AssetsDefinition:
    """One `dbt build` step over part of the project (`select=` or `exclude=` a dbt selector).
    `creates_landing_tables`: first create the raw tables staging reads, if missing.

    Before dbt starts, the step waits for a foreign lock on the database the way every Python
    step does (INFO lines naming the holder, then one line), instead of dbt failing at once
    with a traceback. dbt itself dies with this step's process (profiles.yml's dbt_guard).
    """

    def build(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: DuckDBWarehouse):
        processes.guard_step_process()
        if creates_landing_tables:
            ensure_landing_tables(warehouse)
        database.wait_until_writable(settings.export_dbt_environment())
        yield from dbt.cli(["build"], context=context).stream()

    build.__doc__ = description  # the step's description in the UI
    return dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        dagster_dbt_translator=TalentCrmTranslator(),
        pool=POOL,
        name=name,
        **selection,
    )(build)


dbt_before_identity = build_dbt_step(
    "dbt_before_identity",
    "Seeds, staging and intermediate models (with their tests) feeding identity.",
    creates_landing_tables=True,
    exclude=POST_IDENTITY,
)


IDENTITY_TABLES = {
    "record_contacts": "Every current person record → its contact_id. Ids are stable: "
    "unchanged people keep their id; when contacts merge the oldest id survives.",
    "record_identifiers": "Normalised identifiers (email, phone, profile slug) per record and "
    "whether each counted as identity evidence (shared mailboxes do not).",
    "match_edges": "Every match edge with its rule, score and evidence; refused edges (vetoed "
    "by conflicting identifiers or size guards) are kept with applied=false.",
    "review_pairs": "Pairs scored between the review and auto-merge thresholds, for a human.",
    "contact_merges": "Append-only history: retired contact id → surviving id, when and why.",
    "review_answers": "Append-only: every reviewer answer on a duplicate pair, accepted (a hard "
    "edge or a cannot-link on every run) or quarantined because the records changed since shown.",
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["identity", table],
            deps=[PERSON_RECORDS, PAIR_DECISIONS],
            group_name="identity",
            description=description,
            kinds={"python", "polars", "duckdb"},
        )
        for table, description in IDENTITY_TABLES.items()
    ],
    pool=POOL,
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
    yield dg.MaterializeResult(
        asset_key=["identity", "review_answers"],
        metadata={
            "answers_in_force": summary.answers_in_force,
            "quarantined_this_run": summary.answers_quarantined_now,
        },
    )


dbt_after_identity = build_dbt_step(
    "dbt_after_identity",
    "Marts built on resolved identities: crm, hygiene, ... (with their tests).",
    select=POST_IDENTITY,
)


TRANSFORM_ASSETS = [dbt_before_identity, identity_resolution, dbt_after_identity]
