"""Ingest assets for the CSV drop folders: event sign-ups, sourcing exports, outreach logs, HRIS.

One asset per feed reads `<data dir>/landing/<feed>/*.csv` (the "drop_folders" resource) into
`raw.<source>_<entity>`. Thin on purpose: `ingest.csv_drop` decodes, maps headers, validates
and lands; these assets report counts, file names and rejection reasons — never cell values —
as metadata. A missing drop folder means nothing was delivered yet: the asset succeeds, says so,
and still creates the empty landing table so staging builds.
"""

import dagster as dg

from ingest import csv_drop
from ingest.csv_drop import CsvFeedSpec, FolderResult
from ingest.landing import ensure_landing_table, ensure_raw_schema
from orchestration.assets.ingest.common import IngestConfig
from orchestration.resources import DropFolders, DuckDBWarehouse
from orchestration.settings import DUCKDB_WRITE_POOL

FEED_DESCRIPTIONS = {
    "events": "Event sign-up CSVs (Luma, Hopin, career fairs, form exports) from the `events` "
    "drop folder: names, email, company, title, graduation year, attendance, consent answer.",
    "sourcing": "LinkedIn-style sourcing exports from the `sourcing` drop folder: names, "
    "headline, current title/company, location, profile URL, tags, project, sourcer.",
    "outreach": "Sequencing-tool event logs from the `outreach` drop folder: one row per "
    "message event (sent, delivered, opened, clicked, replied, bounced, unsubscribed).",
    "hris": "Northwind Labs' HRIS export from the `hris` drop folder: current employees and "
    "alumni with start/end dates, termination type and rehire eligibility.",
}


class DropFolderConfig(IngestConfig):
    """`full_resync` re-reads files already landed (adds no duplicates)."""

    batch_rows: int = csv_drop.DEFAULT_BATCH_ROWS


def folder_metadata(result: FolderResult) -> dict[str, dg.MetadataValue]:
    """Counts per outcome; file names and rejection reasons (headers, never values)."""
    landed = result.files(csv_drop.STATUS_LANDED)
    rejected = result.files(csv_drop.STATUS_REJECTED)
    empty = result.files(csv_drop.STATUS_EMPTY)
    skipped = result.files(csv_drop.STATUS_SKIPPED)
    changed = result.files(csv_drop.STATUS_CHANGED)
    meta: dict[str, dg.MetadataValue] = {
        "drop_folder": dg.MetadataValue.path(str(result.folder)),
        "files_seen": dg.MetadataValue.int(len(result.outcomes)),
        "files_landed": dg.MetadataValue.int(len(landed)),
        "files_skipped_already_processed": dg.MetadataValue.int(len(skipped)),
        "files_rejected": dg.MetadataValue.int(len(rejected)),
        "files_empty": dg.MetadataValue.int(len(empty)),
        "files_changed_while_read": dg.MetadataValue.int(len(changed)),
        "rows_read": dg.MetadataValue.int(result.rows_read),
        "rows_landed": dg.MetadataValue.int(result.rows_landed),
        "rows_unchanged_skipped": dg.MetadataValue.int(result.rows_unchanged),
        "rows_quarantined": dg.MetadataValue.int(result.rows_quarantined),
        "batch_id": dg.MetadataValue.text(result.batch_id),
    }
    if rejected:
        meta["rejected_files"] = dg.MetadataValue.json({o.file_name: o.reason for o in rejected})
    if changed:
        meta["changed_files"] = dg.MetadataValue.json({o.file_name: o.reason for o in changed})
    if empty:
        meta["empty_files"] = dg.MetadataValue.json({o.file_name: o.reason for o in empty})
    if landed:
        meta["landed_files"] = dg.MetadataValue.json(
            {
                o.file_name: {
                    "rows": o.rows,
                    "landed": o.landed,
                    "unchanged": o.unchanged,
                    "quarantined": o.quarantined,
                    "encoding": o.encoding,
                    "delimiter": o.delimiter,
                }
                for o in landed
            }
        )
    if result.quarantine_reasons:
        meta["quarantine_reasons"] = dg.MetadataValue.json(result.quarantine_reasons)
    return meta


def build_drop_folder_asset(spec: CsvFeedSpec) -> dg.AssetsDefinition:
    table_name = f"{spec.source}_{spec.entity}"

    @dg.asset(
        name=table_name,
        key_prefix=["raw"],
        group_name="ingest",
        kinds={"python", "duckdb", "csv"},
        pool=DUCKDB_WRITE_POOL,
        description=FEED_DESCRIPTIONS[spec.feed],
        metadata={"source": spec.source, "table": spec.table, "drop_folder_feed": spec.feed},
    )
    def _ingest(
        context: dg.AssetExecutionContext,
        config: DropFolderConfig,
        warehouse: DuckDBWarehouse,
        drop_folders: DropFolders,
    ) -> dg.MaterializeResult:
        folder = drop_folders.folder(spec.feed)
        if not folder.is_dir():
            message = f"{spec.feed}: nothing to do — drop folder {folder} does not exist."
            context.log.info(message)
            with warehouse.connect() as con:
                ensure_raw_schema(con)
                ensure_landing_table(con, spec.source, spec.entity)
                csv_drop.ensure_processed_files_table(con)
            return dg.MaterializeResult(
                metadata={
                    "drop_folder": dg.MetadataValue.path(str(folder)),
                    "nothing_to_do": dg.MetadataValue.text(message),
                    "files_seen": dg.MetadataValue.int(0),
                }
            )
        with warehouse.connect() as con:
            result = csv_drop.ingest_folder(
                con,
                spec,
                folder,
                batch_rows=config.batch_rows,
                reprocess=config.full_resync,
            )
        rejected = result.files(csv_drop.STATUS_REJECTED)
        context.log.info(
            f"{spec.feed}: files seen {len(result.outcomes)}, landed "
            f"{len(result.files(csv_drop.STATUS_LANDED))}, skipped "
            f"{len(result.files(csv_drop.STATUS_SKIPPED))}, rejected {len(rejected)}, empty "
            f"{len(result.files(csv_drop.STATUS_EMPTY))}; rows landed {result.rows_landed}, "
            f"quarantined {result.rows_quarantined}"
        )
        for outcome in rejected + result.files(csv_drop.STATUS_CHANGED):
            context.log.warning(f"{spec.feed}: {outcome.status} {outcome.reason}")
        return dg.MaterializeResult(metadata=folder_metadata(result))

    return _ingest


assets: list[dg.AssetsDefinition] = [build_drop_folder_asset(s) for s in csv_drop.all_specs()]
