"""Dagster resources: the DuckDB warehouse, source credentials, the CSV drop folders and dbt.

Secrets never enter run config or the UI: source resources hold the NAMES of the env vars and
read them when a run executes, so a missing key skips that source with a message naming the
variable instead of failing the whole code location at load time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from orchestration import database, processes, settings


class DuckDBWarehouse(dg.ConfigurableResource):
    """The CRM database file. Empty path = TALENT_CRM_DB (default data/talent_crm.duckdb)."""

    path: str = ""

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # A step process of the multiprocess executor ends with its run worker: a killed run
        # leaves no step writing (and holding DuckDB's lock) for a run nobody records.
        processes.guard_step_process()

    def resolved_path(self) -> Path:
        return settings.resolve(self.path) if self.path else settings.db_path()

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with database.opened(self.resolved_path(), read_only=read_only) as con:
            yield con


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
    return SourceCredentials(
        api_key_env_var=settings.api_key_env(vendor), base_url_env_var=settings.base_url_env(vendor)
    )


class DropFolders(dg.ConfigurableResource):
    """CSV drop folders: `<root>/<feed>/` (default TALENT_CRM_DATA_DIR/landing/<feed>)."""

    root: str = ""

    def folder(self, feed: str) -> Path:
        return (settings.resolve(self.root) if self.root else settings.landing_dir()) / feed


def all_resources() -> dict[str, object]:
    """Every resource the code location provides, by the key assets ask for."""
    from orchestration.defs.transform.dbt_project import dbt_cli_resource

    return {
        "warehouse": DuckDBWarehouse(),
        **{f"{vendor}_api": source_credentials(vendor) for vendor in settings.API_CREDENTIAL_ENV},
        "drop_folders": DropFolders(),
        "dbt": dbt_cli_resource(),
    }
