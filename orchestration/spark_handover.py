"""Hand the landed data over to Spark, so the same dbt project builds there (`--target spark`).

The landing (API syncs, drop folders, identity, GDPR ledgers) keeps writing DuckDB in its own
transactions; Spark only runs dbt. The hand-over is the bridge, and the documented path for a
customer's cluster (docs/spark.md):

1. every dbt *source* table (the `_*__sources.yml` files: raw.*, identity.*, the GDPR ledgers,
   matching.*) is copied from the DuckDB file, opened read-only through the lock-aware helper,
   to one Parquet file under `<spark dir>/handover/<schema>/<table>/`;
2. each file is registered as an external Spark table of the same name (`raw.lever_postings`),
   in the metastore the `spark` target of profiles.yml uses, so `dbt build --target spark`
   reads `source('lever', 'postings')` as it does on DuckDB.

Types are made portable on the way out (`portable_type`): JSON as text, timestamps as UTC
instants (Spark TIMESTAMP; the session time zone is UTC, so they read as on DuckDB), unsigned
integers widened, 128-bit integers, UUIDs and enums as text. Nested lists and structs stay nested.

Plain Python (no Dagster): `talent-crm spark-handover` and the Spark tests call it.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import jinja2
import yaml

from orchestration import database, settings
from orchestration.settings import DBT_PROJECT_DIR

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

logger = logging.getLogger("talent_crm.spark_handover")

HANDOVER_DIR_NAME = "handover"
SPARK_TARGET = "spark"

# DuckDB types Parquet or Spark cannot carry as they are -> the DuckDB type exported instead.
_WIDENED = {
    "utinyint": "SMALLINT",
    "usmallint": "INTEGER",
    "uinteger": "BIGINT",
    "ubigint": "DECIMAL(20, 0)",
    # 128-bit integers (the landing's hash keys) can exceed DECIMAL(38): their digits, exact.
    "hugeint": "VARCHAR",
    "uhugeint": "VARCHAR",
    # Spark has no UUID, enum, bit-string or time-of-day column type: their text is exact.
    "uuid": "VARCHAR",
    "enum": "VARCHAR",
    "bit": "VARCHAR",
    "time": "VARCHAR",
    "time_tz": "VARCHAR",
    "interval": "VARCHAR",
    # Timestamps without time zone are UTC in this project: written as instants, Spark reads
    # them as TIMESTAMP, which shows them in the (UTC) session time zone.
    "timestamp": "TIMESTAMPTZ",
    "timestamp_s": "TIMESTAMPTZ",
    "timestamp_ms": "TIMESTAMPTZ",
    "timestamp_ns": "TIMESTAMPTZ",
}


@dataclass(frozen=True)
class SourceTable:
    """One dbt source table: where it lives, the same on DuckDB and Spark."""

    schema: str
    name: str

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class HandoverResult:
    exported: list[tuple[SourceTable, int]]  # table, rows
    missing: list[SourceTable]  # declared in dbt but not (yet) in the DuckDB file


def source_tables(project_dir: Path = DBT_PROJECT_DIR) -> list[SourceTable]:
    """Every table declared in the project's `_*__sources.yml` files (dbt's defaults: the
    schema is the source's name, the identifier the table's name)."""
    tables: set[SourceTable] = set()
    for path in sorted((project_dir / "models").rglob("_*__sources.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for source in document.get("sources") or []:
            schema = source.get("schema") or source["name"]
            for table in source.get("tables") or []:
                tables.add(SourceTable(schema, table.get("identifier") or table["name"]))
    return sorted(tables, key=lambda table: (table.schema, table.name))


def portable_type(column_type: duckdb.DuckDBPyType) -> str:
    """The DuckDB type to cast a column to before writing it for Spark (recursing into lists,
    fixed-size arrays, structs and maps)."""
    kind = column_type.id
    if str(column_type) == "JSON":  # a VARCHAR alias: Spark reads it as STRING, as intended
        return "VARCHAR"
    if kind in _WIDENED:
        return _WIDENED[kind]
    if kind in ("list", "array"):
        return f"{portable_type(column_type.child)}[]"
    if kind == "struct":
        fields = ", ".join(
            f"{_quote(name)} {portable_type(child)}" for name, child in column_type.children
        )
        return f"STRUCT({fields})"
    if kind == "map":
        return f"MAP({portable_type(column_type.key)}, {portable_type(column_type.value)})"
    return str(column_type)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def handover_dir(spark_dir: Path | None = None) -> Path:
    return (spark_dir or settings.spark_dir()) / HANDOVER_DIR_NAME


def export_sources(
    db_path: Path | None = None,
    out_dir: Path | None = None,
    tables: Iterable[SourceTable] | None = None,
) -> HandoverResult:
    """Write each source table to `<out_dir>/<schema>/<table>/data.parquet` (replacing what a
    previous hand-over wrote). The DuckDB file is opened read-only, waiting for a running step."""
    out_dir = out_dir or handover_dir()
    tables = source_tables() if tables is None else list(tables)
    exported: list[tuple[SourceTable, int]] = []
    missing: list[SourceTable] = []
    with database.opened(db_path, read_only=True) as con:
        # Instants are written in UTC whatever the machine's zone.
        con.execute("set TimeZone = 'UTC'")
        present = {
            (schema, name)
            for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
        for table in tables:
            if (table.schema, table.name) not in present:
                missing.append(table)
                continue
            relation = con.table(table.qualified)
            columns = ", ".join(
                f"cast({_quote(name)} as {portable_type(column_type)}) as {_quote(name)}"
                for name, column_type in zip(relation.columns, relation.types, strict=True)
            )
            target = out_dir / table.schema / table.name
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            file = target / "data.parquet"
            con.execute(
                f"copy (select {columns} from {table.qualified}) to '{file}' (format parquet)"
            )
            rows = con.execute(f"select count(*) from {table.qualified}").fetchone()[0]
            exported.append((table, rows))
    return HandoverResult(exported, missing)


def register_tables(
    spark: SparkSession, exported: Iterable[SourceTable], out_dir: Path | None = None
) -> None:
    """(Re)create each exported table as an external Parquet table of the same name."""
    out_dir = out_dir or handover_dir()
    for table in exported:
        spark.sql(f"create database if not exists {table.schema}")
        spark.sql(f"drop table if exists {table.qualified}")
        location = (out_dir / table.schema / table.name).as_posix()
        spark.sql(f"create table {table.qualified} using parquet location '{location}'")


# -- the Spark session of the `spark` target ------------------------------------------------


def spark_conf(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The `server_side_parameters` of profiles.yml's `spark` output, rendered as dbt would
    (only `env_var` is used there): the hand-over and the checks open the same metastore and
    warehouse as `dbt --target spark`, configured in one place."""
    environ = os.environ if environ is None else environ

    def env_var(name: str, default: str | None = None) -> str:
        if name in environ:
            return environ[name]
        if default is None:
            raise KeyError(f"profiles.yml needs the environment variable {name}")
        return default

    text = (DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8")
    rendered = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(text)
    profile = yaml.safe_load(rendered.render(env_var=env_var))
    output = profile["talent_crm"]["outputs"][SPARK_TARGET]
    conf = {str(key): str(value) for key, value in output["server_side_parameters"].items()}
    # As dbt-spark does for every session it opens (connections.py): the same SQL semantics.
    conf["spark.sql.ansi.enabled"] = "false"
    return conf


def spark_environment() -> dict[str, str]:
    """The environment a `dbt --target spark` run (and `spark_conf`) needs: the absolute spark
    dir, and dbt's target path kept apart from the DuckDB one (dbt refuses a partial parse made
    under another target, so sharing it would make every DuckDB step parse afresh)."""
    spark_dir = settings.spark_dir()
    return {
        **settings.dbt_environment(),
        settings.SPARK_DIR_ENV: str(spark_dir),
        "DBT_TARGET_PATH": str(spark_dir / "dbt_target"),
    }


@contextmanager
def spark_session(conf: Mapping[str, str] | None = None) -> Iterator[SparkSession]:
    """A SparkSession with the `spark` target's configuration (Hive metastore on disk)."""
    from pyspark.sql import SparkSession

    conf = spark_conf({**os.environ, **spark_environment()}) if conf is None else conf
    # PySpark logs every failed query's analysis error with the JVM stack trace, as JSON; dbt
    # (and the callers) already say which statement failed and why.
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    Path(settings.spark_dir()).mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in conf.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    try:
        yield session
    finally:
        session.stop()


def hand_over(db_path: Path | None = None, spark: Any | None = None) -> HandoverResult:
    """Export every source table and register it in the Spark metastore. `spark`: an open
    session to use (the tests' one); otherwise one is started and stopped here."""
    result = export_sources(db_path)
    tables = [table for table, _ in result.exported]
    if spark is not None:
        register_tables(spark, tables)
    else:
        with spark_session() as session:
            register_tables(session, tables)
    for table in result.missing:
        logger.warning("source %s is not in the DuckDB file yet: not handed over", table.qualified)
    return result
