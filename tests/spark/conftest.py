"""The Spark tests (`make test-spark`): ONE SparkSession for the whole test session, configured
as profiles.yml's `spark` target, in a private warehouse under pytest's temp dir.

dbt runs in this process (dbtRunner), so its session method picks up this same SparkSession
(`SparkSession.builder.getOrCreate()`): one JVM, and the embedded Derby metastore, which
admits a single process, is never contended. Skipped, saying why, without Java or pyspark.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

# PySpark turns TIMESTAMP values into Python datetimes in the Python process's local zone;
# the session zone is UTC (profiles.yml), so the process must be too for the values to match.
os.environ["TZ"] = "UTC"
time.tzset()

pytestmark = pytest.mark.spark


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.spark)


@pytest.fixture(scope="session")
def spark_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private data dir (DuckDB file, sample market) and Spark dir for the session."""
    if shutil.which("java") is None:
        pytest.skip("no java on PATH: run `make spark-deps` (Debian openjdk-17-jre-headless)")
    pytest.importorskip("pyspark", reason="pyspark missing: `pip install -e '.[spark]'`")
    data = tmp_path_factory.mktemp("spark_data")
    env = pytest.MonkeyPatch()
    env.setenv("TALENT_CRM_DATA_DIR", str(data))
    env.setenv("TALENT_CRM_DB", str(data / "talent_crm.duckdb"))
    env.setenv("TALENT_CRM_SPARK_DIR", str(data / "spark"))
    env.setenv("DAGSTER_HOME", str(data / "dagster_home"))
    # One "today" for both engines' date rules (a run across midnight would differ otherwise).
    env.setenv("TALENT_CRM_AS_OF", dt.date.today().isoformat())
    from orchestration import spark_handover

    # What `dbt --target spark` reads (the spark dir, its own target path), for in-process dbt.
    for name, value in spark_handover.spark_environment().items():
        env.setenv(name, value)
    try:
        yield data
    finally:
        env.undo()


@pytest.fixture(scope="session")
def spark(spark_dirs: Path):
    """The session's SparkSession (JVM start time printed: it is the fixed cost of Spark)."""
    from orchestration import spark_handover

    started = time.monotonic()
    with spark_handover.spark_session() as session:
        session.sparkContext.setLogLevel("ERROR")
        print(f"\n[spark] JVM and SparkSession started in {time.monotonic() - started:.1f}s")
        yield session
