"""Dagster resources: the DuckDB warehouse, source credentials and the CSV drop folders.

Secrets never enter run config or the UI: source resources hold the NAMES of the env vars and
read them when a run executes, so a missing key skips that source with a message naming the
variable instead of failing the whole code location at load time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from orchestration import settings

# How long a run waits for another process to release DuckDB's single-writer file lock.
LOCK_WAIT_SECONDS = 300.0


def connect_when_free(
    path: Path, *, read_only: bool = False, wait_seconds: float = LOCK_WAIT_SECONDS
) -> duckdb.DuckDBPyConnection:
    """Open the database, waiting while another process holds its lock.

    The `duckdb_write` pool serialises our writing steps, but a slot is released when a step
    ends, a moment before that step's process has closed its connection; and runs launched from
    other processes (CLI, a second `dagster dev`) can overlap too. Queue instead of crashing.
    """
    deadline = time.monotonic() + wait_seconds
    delay = 0.2
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


class DuckDBWarehouse(dg.ConfigurableResource):
    """The CRM database file. Empty path = TALENT_CRM_DB (default data/talent_crm.duckdb)."""

    path: str = ""

    def resolved_path(self) -> Path:
        if self.path:
            p = Path(self.path)
            return p if p.is_absolute() else settings.PROJECT_ROOT / p
        return settings.db_path()

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        path = self.resolved_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        con = connect_when_free(path, read_only=read_only)
        try:
            yield con
        finally:
            con.close()


class SourceCredentials(dg.ConfigurableResource):
    """Where a vendor's API key and base URL come from (env var names, read at run time)."""

    api_key_env_var: str
    base_url_env_var: str

    def missing_credentials(self) -> str | None:
        """The env var to set, or None when credentials are present."""
        return None if os.environ.get(self.api_key_env_var) else self.api_key_env_var

    def api_key(self) -> str | None:
        return os.environ.get(self.api_key_env_var) or None

    def base_url(self, default: str) -> str:
        return os.environ.get(self.base_url_env_var) or default


def source_credentials(vendor: str) -> SourceCredentials:
    prefix = vendor.upper()
    return SourceCredentials(
        api_key_env_var=f"{prefix}_API_KEY", base_url_env_var=f"{prefix}_BASE_URL"
    )


class DropFolders(dg.ConfigurableResource):
    """CSV drop folders: `<root>/<feed>/` (default TALENT_CRM_DATA_DIR/landing/<feed>)."""

    root: str = ""

    def folder(self, feed: str) -> Path:
        base = Path(self.root) if self.root else settings.data_dir() / "landing"
        path = base if base.is_absolute() else settings.PROJECT_ROOT / base
        return path / feed


def all_resources() -> dict[str, object]:
    """Every resource the code location provides, by the key assets ask for."""
    from orchestration.dbt_assets import dbt_cli_resource

    return {
        "warehouse": DuckDBWarehouse(),
        "greenhouse_api": source_credentials("greenhouse"),
        "lever_api": source_credentials("lever"),
        "ashby_api": source_credentials("ashby"),
        "eventbrite_api": source_credentials("eventbrite"),
        "pdl_api": source_credentials("pdl"),
        "drop_folders": DropFolders(),
        "dbt": dbt_cli_resource(),
    }
