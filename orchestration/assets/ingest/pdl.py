"""Ingest asset for People Data Labs person enrichment → raw.pdl_person_enrichments.

PDL bills per match, so this asset is a budgeted question-asker, not a feed sync: it picks
people from already-landed raw ATS records (SQL over raw JSON — depending on dbt models would
put a cycle in the asset graph), skips anyone asked within `reask_after_days` (matches AND
misses are remembered), asks at most `max_calls` questions per run and keeps only matches with
likelihood >= `min_likelihood`. Without PDL_API_KEY it skips with a message naming it.
"""

from collections.abc import Sequence

import dagster as dg

from ingest import pdl
from ingest.landing import ensure_landing_table, ensure_raw_schema
from orchestration.assets.ingest.common import (
    explain_source_failures,
    skipped_for_missing_credentials,
)
from orchestration.resources import DuckDBWarehouse, SourceCredentials
from orchestration.settings import DUCKDB_WRITE_POOL


class PdlEnrichmentConfig(dg.Config):
    """Run-time options, editable in the Launchpad."""

    max_calls: int = pdl.DEFAULT_MAX_CALLS  # per-run budget of questions (matches are billed)
    min_likelihood: int = pdl.DEFAULT_MIN_LIKELIHOOD  # 1..10; weaker matches count as misses
    reask_after_days: int = pdl.DEFAULT_REASK_AFTER_DAYS  # do not ask again within this window
    requests_per_minute: int = pdl.DEFAULT_REQUESTS_PER_MINUTE  # client-side throttle


def run_enrichment(
    warehouse: DuckDBWarehouse,
    pdl_api: SourceCredentials,
    config: PdlEnrichmentConfig,
    *,
    label: str,
    lookup_sources: Sequence[pdl.LookupSource] | None = None,
) -> tuple[pdl.EnrichmentRunResult, pdl.PdlClient]:
    """One budgeted PDL run (shared by this asset and the monthly stale-contact enrichment):
    validate the config, build the rate-limited client, ask and land. `label` names the asset
    in errors; `lookup_sources` picks whom to ask (default: every person record)."""
    if not 1 <= config.min_likelihood <= 10:
        raise dg.Failure(f"{label}: min_likelihood must be between 1 and 10.")
    client = pdl.make_client(
        api_key=pdl_api.api_key(),
        base_url=pdl_api.base_url(pdl.DEFAULT_BASE_URL),
        requests_per_minute=config.requests_per_minute,
    )
    with warehouse.connect() as con:
        run = pdl.enrich_pending(
            con,
            client,
            max_calls=config.max_calls,
            min_likelihood=config.min_likelihood,
            reask_after_days=config.reask_after_days,
            lookup_sources=lookup_sources,
        )
    return run, client


@dg.asset(
    key=["raw", "pdl_person_enrichments"],
    group_name="ingest",
    kinds={"python", "duckdb"},
    pool=DUCKDB_WRITE_POOL,
    deps=[dg.AssetKey(["raw", "greenhouse_candidates"])],
    description="People Data Labs person enrichments (current job, title, company, location, "
    "LinkedIn URL, emails, likelihood) for landed Greenhouse candidates, keyed by a stable "
    "lookup id; misses are kept in raw.pdl_no_matches so nobody is re-asked within the "
    "re-ask window. Budgeted per run (`max_calls`); skipped without PDL_API_KEY.",
    metadata={"source": "pdl", "table": "raw.pdl_person_enrichments"},
)
@explain_source_failures("pdl")
def pdl_person_enrichments(
    context: dg.AssetExecutionContext,
    config: PdlEnrichmentConfig,
    warehouse: DuckDBWarehouse,
    pdl_api: SourceCredentials,
) -> dg.MaterializeResult:
    missing = pdl_api.missing_credentials()
    if missing:
        result = skipped_for_missing_credentials(
            context, warehouse, pdl.SOURCE, pdl.ENRICHMENTS_ENTITY, missing
        )
        with warehouse.connect() as con:
            ensure_raw_schema(con)
            ensure_landing_table(con, pdl.SOURCE, pdl.NO_MATCHES_ENTITY)
        return result
    run, client = run_enrichment(warehouse, pdl_api, config, label="pdl")
    context.log.info(
        f"pdl: considered {run.considered} look-ups, skipped {run.skipped_recently_asked} asked "
        f"within {config.reask_after_days} days, asked {run.asked} (budget {config.max_calls}), "
        f"matched {run.matched}, no match {run.no_match}, billed {run.matches_billed}, "
        f"http retries {client.api.stats.retries}, rate-limited {client.api.stats.rate_limited}"
    )
    metadata: dict[str, dg.MetadataValue] = {
        "lookups_considered": dg.MetadataValue.int(run.considered),
        "skipped_recently_asked": dg.MetadataValue.int(run.skipped_recently_asked),
        "asked": dg.MetadataValue.int(run.asked),
        "max_calls": dg.MetadataValue.int(config.max_calls),
        "matched": dg.MetadataValue.int(run.matched),
        "no_match": dg.MetadataValue.int(run.no_match),
        "below_min_likelihood": dg.MetadataValue.int(run.below_min_likelihood),
        "matches_billed": dg.MetadataValue.int(run.matches_billed),
        "landed": dg.MetadataValue.int(run.enrichments.landed),
        "no_matches_landed": dg.MetadataValue.int(run.no_matches.landed),
        "quarantined": dg.MetadataValue.int(
            run.enrichments.quarantined + run.no_matches.quarantined
        ),
        "rate_limited_429": dg.MetadataValue.int(client.api.stats.rate_limited),
        "throttle_waited_seconds": dg.MetadataValue.float(client.limiter.waited_seconds),
        "batch_id": dg.MetadataValue.text(run.batch_id),
    }
    if run.quarantine_reasons:
        metadata["quarantine_reasons"] = dg.MetadataValue.json(run.quarantine_reasons)
    return dg.MaterializeResult(metadata=metadata)


assets = [pdl_person_enrichments]
