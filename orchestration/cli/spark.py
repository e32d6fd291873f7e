"""`talent-crm spark-handover [--build]`: the landed data to Spark, for `dbt --target spark`.

Thin: the work is orchestration.spark_handover (docs/spark.md). `--build` then runs
`dbt build --target spark` in this process, on the same SparkSession: the embedded Derby
metastore admits one JVM at a time, and the hand-over's JVM lives as long as this process.
"""

from __future__ import annotations

import argparse
import os
import time

from orchestration import settings, spark_handover
from orchestration.settings import DBT_PROJECT_DIR


def register(commands: argparse._SubParsersAction) -> None:
    handover = commands.add_parser(
        "spark-handover",
        help="export the dbt sources from DuckDB to Parquet and register them in Spark",
    )
    handover.add_argument(
        "--build", action="store_true", help="then run `dbt build --target spark`"
    )
    handover.set_defaults(handler=cmd_spark_handover)


def cmd_spark_handover(args: argparse.Namespace) -> int:
    # What the spark target reads (spark dir, its own dbt target path), for dbt in-process too.
    os.environ.update(spark_handover.spark_environment())
    started = time.monotonic()
    with spark_handover.spark_session() as spark:
        result = spark_handover.hand_over(spark=spark)
        rows = sum(count for _, count in result.exported)
        print(
            f"spark hand-over: {len(result.exported)} source tables ({rows} rows) registered in "
            f"{settings.display_path(settings.spark_dir())} in {time.monotonic() - started:.0f}s"
        )
        if not args.build:
            return 0
        from dbt.cli.main import dbtRunner

        run = dbtRunner().invoke(
            ["build", "--target", spark_handover.SPARK_TARGET,
             "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
        )  # fmt: skip
        return 0 if run.success else 1
