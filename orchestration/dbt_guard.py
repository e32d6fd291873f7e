"""A dbt-duckdb plugin (profiles.yml `plugins:`) that ties the dbt process to the process
that started it.

dagster-dbt runs `dbt build` as a child process. When the run is killed outright (SIGKILL: an
OOM kill, a reboot, `kill -9`), no clean-up runs and dbt would carry on, holding DuckDB's lock
until its build ends: the next run would wait for an orphan. The orchestration layer names its
own PID in TALENT_CRM_DBT_PARENT_PID (settings.dbt_environment); this plugin, loaded by dbt as
it sets up the DuckDB adapter, makes dbt die with that process. Without the variable (dbt run
by hand) it does nothing.
"""

from __future__ import annotations

import os
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from orchestration.processes import DBT_PARENT_PID_ENV, die_with_parent, process_alive


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        raw = os.environ.get(DBT_PARENT_PID_ENV, "")
        if not raw.isdigit():
            return
        parent = int(raw)
        if os.getppid() != parent and process_alive(parent):
            return  # inherited from an ancestor that did not start this dbt: not ours to watch
        die_with_parent(parent)  # (a dead parent means we are already orphaned: end now)
