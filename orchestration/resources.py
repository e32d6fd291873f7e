"""Dagster resources: the DuckDB warehouse and the source connectors' credentials.

Secrets never enter run config or the UI: connector resources hold the NAMES of the env vars
and read them when a run executes, so a missing key skips that source with a message naming
the variable instead of failing the code location at load time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from ingest import greenhouse
from ingest.http_client import ApiClient
from orchestration import settings


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
        con = duckdb.connect(str(path), read_only=read_only)
        try:
            yield con
        finally:
            con.close()


class GreenhouseResource(dg.ConfigurableResource):
    """Greenhouse Harvest v1 credentials, read from the environment at run time."""

    api_key_env_var: str = greenhouse.API_KEY_ENV
    base_url_env_var: str = greenhouse.BASE_URL_ENV

    def missing_credentials(self) -> str | None:
        """The env var to set, or None when credentials are present."""
        return None if os.environ.get(self.api_key_env_var) else self.api_key_env_var

    def client(self) -> ApiClient:
        return greenhouse.make_client(
            api_key=os.environ.get(self.api_key_env_var),
            base_url=os.environ.get(self.base_url_env_var) or greenhouse.DEFAULT_BASE_URL,
        )
