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
from typing import Any

import dagster as dg
import duckdb

from ingest import greenhouse
from ingest.http_client import ApiClient
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

    def skip_message(self, source: str) -> str | None:
        """Why the source is skipped (the variable to set), or None when it can run."""
        missing = self.missing_credentials()
        return f"{source}: skipped — no credentials, set env var {missing}." if missing else None

    def make_client(self, connector: Any) -> ApiClient:
        return connector.make_client(
            api_key=self.api_key(), base_url=self.base_url(connector.DEFAULT_BASE_URL)
        )


class GreenhouseCredentials(dg.ConfigurableResource):
    """Greenhouse Harvest v3: OAuth client credentials (env var names, read at run time).

    The secret is swapped for a short-lived token inside the connector; neither reaches run
    config, logs or metadata."""

    client_id_env_var: str = settings.GREENHOUSE_CLIENT_ID_ENV
    client_secret_env_var: str = settings.GREENHOUSE_CLIENT_SECRET_ENV
    user_id_env_var: str = settings.GREENHOUSE_USER_ID_ENV
    base_url_env_var: str = settings.GREENHOUSE_BASE_URL_ENV
    token_url_env_var: str = settings.GREENHOUSE_TOKEN_URL_ENV

    def skip_message(self, source: str = greenhouse.SOURCE) -> str | None:
        """None when a client id and secret are set; else the skip message — which, when only
        Harvest v1's GREENHOUSE_API_KEY is set, says v1 keys stopped working and what to set."""
        env = {
            greenhouse.CLIENT_ID_ENV: os.environ.get(self.client_id_env_var, ""),
            greenhouse.CLIENT_SECRET_ENV: os.environ.get(self.client_secret_env_var, ""),
            greenhouse.LEGACY_API_KEY_ENV: os.environ.get(
                settings.GREENHOUSE_LEGACY_API_KEY_ENV, ""
            ),
        }
        return greenhouse.missing_credentials_message(env) or None

    def base_url(self, default: str = greenhouse.DEFAULT_BASE_URL) -> str:
        return os.environ.get(self.base_url_env_var) or default

    def make_client(self, connector: Any = greenhouse) -> ApiClient:
        return greenhouse.make_client(
            client_id=os.environ.get(self.client_id_env_var) or None,
            client_secret=os.environ.get(self.client_secret_env_var) or None,
            user_id=os.environ.get(self.user_id_env_var) or "",
            base_url=self.base_url(),
            token_url=os.environ.get(self.token_url_env_var) or greenhouse.DEFAULT_TOKEN_URL,
        )


def source_credentials(vendor: str) -> SourceCredentials | GreenhouseCredentials:
    if vendor == greenhouse.SOURCE:
        return GreenhouseCredentials()
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
