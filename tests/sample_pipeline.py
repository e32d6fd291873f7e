"""The REAL pipeline on a generated market, for tests: a private environment, the market's
drop files and sample vendor APIs, and one in-process `crm_pipeline` run.

Plain functions taking the MonkeyPatch that owns the environment, so fixtures of any scope
(function, module, session) share them instead of each repeating the set-up.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from ingest.sample.apis import SampleApis, SampleApiSettings, start_sample_apis
from orchestration.cli.sample import sample_event_ids, stage_sample_drop_files

DB_FILE = "talent_crm.duckdb"
GREENHOUSE_OAUTH_ENV = (
    "GREENHOUSE_CLIENT_ID",
    "GREENHOUSE_CLIENT_SECRET",
    "GREENHOUSE_USER_ID",
    "GREENHOUSE_TOKEN_URL",
)
# Sample vendors without quotas or waits: these tests check behaviour, not rate limiting.
FAST_APIS = SampleApiSettings(lever_rate_per_second=1e6, lever_burst=10**6, retry_after=0)


def isolate_env(env: pytest.MonkeyPatch, data: Path) -> Path:
    """A private data dir, database and DAGSTER_HOME under `data`; no real vendor credentials
    leak in. Returns `data`."""
    data.mkdir(parents=True, exist_ok=True)
    env.setenv("TALENT_CRM_DATA_DIR", str(data))
    env.setenv("TALENT_CRM_DB", str(data / DB_FILE))
    env.setenv("DAGSTER_HOME", str(data / "dagster_home"))
    from orchestration import settings

    settings.dagster_home()  # creates it with the project's dagster.yaml (pool limits)
    for var in list(os.environ):
        if var.endswith(("_API_KEY", "_BASE_URL")) or var in GREENHOUSE_OAUTH_ENV:
            env.delenv(var, raising=False)
    return data


@contextmanager
def serving_market(
    env: pytest.MonkeyPatch, market: Path, api_settings: SampleApiSettings = FAST_APIS
) -> Iterator[SampleApis]:
    """Stage `market`'s drop files and serve its vendor APIs, with the env pointing the
    pipeline at both, until the block ends."""
    stage_sample_drop_files(market)
    env.setenv("EVENTBRITE_EVENT_IDS", ",".join(sample_event_ids(market)))
    with start_sample_apis(market, api_settings) as apis:
        for name, value in apis.env().items():
            env.setenv(name, value)
        yield apis


def run_crm_pipeline(
    instance: dg.DagsterInstance | None = None, run_config: dict[str, Any] | None = None
) -> dg.ExecuteInProcessResult:
    """One in-process `crm_pipeline` run, on `instance` or a fresh ephemeral one."""
    from orchestration.definitions import defs

    job = defs.resolve_job_def("crm_pipeline")
    if instance is None:
        with dg.DagsterInstance.ephemeral() as ephemeral:
            return job.execute_in_process(
                instance=ephemeral, run_config=run_config or {}, raise_on_error=False
            )
    return job.execute_in_process(
        instance=instance, run_config=run_config or {}, raise_on_error=False
    )
