"""What every ingest asset shares: run config, the "no credentials" skip, count metadata and
the operator-facing explanation of a connector failure.

Metadata is visible to every UI user, so it carries counts, cursors and batch ids only —
never record content.
"""

import functools
from collections.abc import Callable, Sequence
from typing import Any

import dagster as dg

from ingest import pdl
from ingest.http_client import SourceAuthError, SourceConfigError, SourceError
from ingest.landing import ensure_landing_table, ensure_raw_schema
from ingest.sync import SyncResult
from orchestration import settings
from orchestration.resources import DuckDBWarehouse, SourceCredentials


class IngestConfig(dg.Config):
    """Run-time options of an API ingest asset, editable in the Launchpad."""

    full_resync: bool = False  # forget the cursor and re-read everything (adds no duplicates)


def sync_metadata(result: SyncResult) -> dict[str, dg.MetadataValue]:
    meta: dict[str, dg.MetadataValue] = {
        "fetched": dg.MetadataValue.int(result.counts.fetched),
        "landed": dg.MetadataValue.int(result.counts.landed),
        "unchanged_skipped": dg.MetadataValue.int(result.counts.duplicates),
        "quarantined": dg.MetadataValue.int(result.counts.quarantined),
        "pages": dg.MetadataValue.int(result.pages),
        "full_resync": dg.MetadataValue.bool(result.full_resync),
        "cursor_before": dg.MetadataValue.text(result.cursor_before or "none (first sync)"),
        "cursor_after": dg.MetadataValue.text(result.cursor_after or "none"),
        "batch_id": dg.MetadataValue.text(result.batch_id),
    }
    if result.quarantine_reasons:
        meta["quarantine_reasons"] = dg.MetadataValue.json(result.quarantine_reasons)
    return meta


def skipped(
    context: dg.AssetExecutionContext,
    warehouse: DuckDBWarehouse,
    source: str,
    entity: str,
    message: str,
) -> dg.MaterializeResult:
    """Skip a source, say why (and which setting fixes it), keep downstream buildable.

    The landing table is created empty so staging models over it still build: one missing
    source must not stop the others from reaching the marts.
    """
    context.log.warning(message)
    with warehouse.connect() as con:
        ensure_raw_schema(con)
        ensure_landing_table(con, source, entity)
    return dg.MaterializeResult(
        metadata={"skipped": True, "skip_reason": dg.MetadataValue.text(message)}
    )


def skipped_for_missing_credentials(
    context: dg.AssetExecutionContext,
    warehouse: DuckDBWarehouse,
    source: str,
    entity: str,
    env_var: str,
) -> dg.MaterializeResult:
    """Skip a source without credentials, naming the env var to set."""
    message = f"{source}: skipped — no credentials, set env var {env_var}."
    return skipped(context, warehouse, source, entity, message)


def failure_fix(source: str, exc: SourceError) -> str:
    """What an operator should do about a source failure (the env var or the next step)."""
    key_env, url_env = settings.api_key_env(source), settings.base_url_env(source)
    if isinstance(exc, SourceAuthError) and source == "greenhouse":
        return (
            f"Check the Harvest v3 OAuth credential in env vars {key_env}: its scopes "
            "(harvest:<resource>:list) and that the user is a Site Admin, then re-run."
        )
    if isinstance(exc, SourceAuthError):
        return f"Check the API key in env var {key_env} (and its permissions), then re-run."
    if isinstance(exc, SourceConfigError):
        return f"Fix the configuration named above ({key_env} / {url_env})."
    return (
        f"The {source} API failed or is unreachable ({url_env}). Re-run later: sync "
        "cursors only advance with landed data, so nothing is lost or landed twice."
    )


def explain_source_failures(source: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate an ingest asset's body: a connector error becomes a `dg.Failure` whose message
    names the source and the fix (shown as-is in the UI's run view, without a stack trace to
    dig through), with the source and the fix as failure metadata."""

    def decorate(body: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(body)  # Dagster reads the body's parameters through __wrapped__
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return body(*args, **kwargs)
            except SourceError as exc:
                fix = failure_fix(source, exc)
                raise dg.Failure(
                    description=f"{exc} Fix: {fix}",
                    metadata={
                        "source": dg.MetadataValue.text(source),
                        "error": dg.MetadataValue.text(type(exc).__name__),
                        "fix": dg.MetadataValue.text(fix),
                    },
                ) from exc

        return run

    return decorate


SYNC_FAILED = "sync_failed"


def last_successful_sync(warehouse: DuckDBWarehouse, source: str, entity: str) -> str:
    """When `source`/`entity` last synced without error (per-event cursors included)."""
    with warehouse.connect() as con:
        ensure_raw_schema(con)
        ensure_landing_table(con, source, entity)
        row = con.execute(
            "select max(finished_at) from raw.batches where source = ? and status = 'succeeded' "
            "and (entity = ? or entity like ? || ':%')",
            [source, entity, entity],
        ).fetchone()
    return row[0].isoformat(timespec="seconds") if row and row[0] else "never"


def report_source_failures(
    source: str, entity: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a nightly feed asset: a connector error does not fail the step, so the steps
    downstream (dbt, identity, every mart) still run on what the other sources — and this one,
    up to its last landed page — hold. Dagster skips everything downstream of a failed step,
    which turned one vendor outage into a night without any rebuilt mart.

    Instead the step lands nothing more, keeps its landing table, and reports the failure as
    materialization metadata (`sync_failed`, the message, the fix, the last successful sync);
    the asset check `last_sync_succeeded` then fails, which marks the source red in the UI and
    fails the run — for that source only."""

    def decorate(body: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(body)  # Dagster reads the body's parameters through __wrapped__
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return body(*args, **kwargs)
            except SourceError as exc:
                context = kwargs.get("context", args[0] if args else None)
                fix = failure_fix(source, exc)
                message = f"{exc} Fix: {fix}"
                context.log.error(message)
                warehouse = kwargs.get("warehouse") or context.resources.warehouse
                return dg.MaterializeResult(
                    metadata={
                        SYNC_FAILED: True,
                        "source": dg.MetadataValue.text(source),
                        "error": dg.MetadataValue.text(type(exc).__name__),
                        "failure": dg.MetadataValue.text(message),
                        "fix": dg.MetadataValue.text(fix),
                        "last_successful_sync": dg.MetadataValue.text(
                            last_successful_sync(warehouse, source, entity)
                        ),
                    }
                )

        return run

    return decorate


class PdlEnrichmentConfig(dg.Config):
    """Run-time options of a PDL enrichment run, editable in the Launchpad."""

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
    """One budgeted PDL run (the ingest asset and the monthly stale-contact enrichment):
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
