"""Hygiene assets: the nightly summary (counts in metadata) and the monthly enrichment of
stale contacts. Thin: logic lives in `orchestration/hygiene/`."""

import dagster as dg

from ingest import pdl
from orchestration.assets.ingest.common import skipped_for_missing_credentials
from orchestration.assets.ingest.pdl import PdlEnrichmentConfig, run_enrichment
from orchestration.hygiene.enrichment import stale_contact_lookups
from orchestration.hygiene.summary import hygiene_summary
from orchestration.resources import DuckDBWarehouse, SourceCredentials
from orchestration.settings import DUCKDB_WRITE_POOL

HYGIENE_MARTS = [
    dg.AssetKey(["hygiene", name])
    for name in (
        "stale_contacts",
        "undeliverable",
        "tagging_gaps",
        "verification_list",
        "duplicate_review",
        "job_changes",
    )
]
GDPR_MARTS = [
    dg.AssetKey(["gdpr", name])
    for name in ("consent_gaps", "art14_notices_due", "art14_overdue", "retention_due")
]
SUMMARY = dg.AssetKey(["hygiene", "summary"])
STALE_ENRICHMENT = dg.AssetKey(["hygiene", "stale_contact_enrichment"])


@dg.asset(
    key=SUMMARY,
    group_name="hygiene",
    kinds={"python"},
    # Reads only, but DuckDB refuses a read-only open while another process writes: queue
    # with the writers.
    pool=DUCKDB_WRITE_POOL,
    deps=[*HYGIENE_MARTS, *GDPR_MARTS, dg.AssetKey(["gdpr", "retention_purge"])],
    description="Counts of every hygiene and GDPR list (stale, undeliverable, verification, "
    "duplicates, job changes, consent gaps, Art. 14 due/overdue, retention due) and the three "
    "most common tagging gaps, as metadata. Reads only.",
)
def hygiene_report(context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse):
    with warehouse.connect(read_only=True) as con:
        summary = hygiene_summary(con)
    gaps = summary.pop("top_tagging_gaps", [])
    context.log.info("hygiene: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
    metadata: dict[str, dg.MetadataValue] = {
        name: dg.MetadataValue.int(value) for name, value in summary.items()
    }
    metadata["top_tagging_gaps"] = dg.MetadataValue.text(", ".join(gaps) or "none")
    return dg.MaterializeResult(metadata=metadata)


class StaleEnrichmentConfig(PdlEnrichmentConfig):
    """Run-time options, editable in the Launchpad (the PDL ingest options, own budget)."""

    max_calls: int = 100  # budget: questions per run (PDL bills every match)


@dg.asset(
    key=STALE_ENRICHMENT,
    group_name="hygiene",
    kinds={"python", "duckdb"},
    pool=DUCKDB_WRITE_POOL,
    deps=[dg.AssetKey(["hygiene", "stale_contacts"])],
    description="Monthly: asks People Data Labs about stale contacts (budget `max_calls`, rate "
    "limit, `min_likelihood`), landing answers in raw.pdl_person_enrichments with provenance. "
    "ATS data is never overwritten (source priority); hygiene.job_changes flags moves. "
    "Skipped without PDL_API_KEY.",
)
def stale_contact_enrichment(
    context: dg.AssetExecutionContext,
    config: StaleEnrichmentConfig,
    warehouse: DuckDBWarehouse,
    pdl_api: SourceCredentials,
) -> dg.MaterializeResult:
    missing = pdl_api.missing_credentials()
    if missing:
        return skipped_for_missing_credentials(
            context, warehouse, pdl.SOURCE, pdl.ENRICHMENTS_ENTITY, missing
        )
    run, client = run_enrichment(
        warehouse,
        pdl_api,
        config,
        label="stale enrichment",
        # Candidates: stale contacts, a few more than the budget (some were asked lately).
        lookup_sources=[stale_contact_lookups(limit=config.max_calls * 3)],
    )
    context.log.info(
        f"stale enrichment: asked {run.asked} (budget {config.max_calls}), matched "
        f"{run.matched}, no match {run.no_match}, skipped {run.skipped_recently_asked} asked "
        "recently"
    )
    return dg.MaterializeResult(
        metadata={
            "lookups_considered": run.considered,
            "skipped_recently_asked": run.skipped_recently_asked,
            "asked": run.asked,
            "max_calls": config.max_calls,
            "matched": run.matched,
            "no_match": run.no_match,
            "matches_billed": run.matches_billed,
            "landed": run.enrichments.landed,
        }
    )


HYGIENE_ASSETS = [hygiene_report, stale_contact_enrichment]
