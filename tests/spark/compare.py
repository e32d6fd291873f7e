"""DuckDB vs Spark, model by model: row counts and an order-independent checksum of each
model's key columns, with ONE normalisation of values for both engines.

Key columns: those under a `unique` or `not_null` test, or a `unique_combination`, in the
model's yml (what the model promises about its rows); all columns when it declares none.

Normalisation (`normal`): timestamps as ISO text in UTC (both engines hand back UTC wall
times: DuckDB's TIMESTAMP, Spark's in the UTC session and process zone), floats and decimals
to 6 significant digits (engines sum in different orders), lists as sorted tuples (DuckDB's
list_distinct has no defined order), structs as tuples in field order, None kept.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

KEY_TESTS = ("unique", "not_null")
NOT_BUILT = "not built on Spark"


@dataclass(frozen=True)
class Model:
    name: str
    schema: str
    columns: tuple[str, ...]  # key columns; empty = all columns

    @property
    def relation(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class Comparison:
    model: Model
    duckdb_rows: int | None
    spark_rows: int | None
    checksum_equal: bool
    error: str = ""

    @property
    def equal(self) -> bool:
        return not self.error and self.duckdb_rows == self.spark_rows and self.checksum_equal


def models_with_keys(manifest_path: Path) -> list[Model]:
    """Every table or view model of the manifest with its key columns (see module doc)."""
    manifest = json.loads(manifest_path.read_text())
    keys: dict[str, set[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test":
            continue
        test = (node.get("test_metadata") or {}).get("name")
        attached = node.get("attached_node")
        if not attached:
            continue
        if test in KEY_TESTS and node.get("column_name"):
            keys.setdefault(attached, set()).add(node["column_name"])
        elif test == "unique_combination":
            columns = node["test_metadata"]["kwargs"].get("columns") or []
            keys.setdefault(attached, set()).update(columns)
    models = []
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "model" or node["config"]["materialized"] == "ephemeral":
            continue
        columns = tuple(sorted(keys.get(unique_id, ())))
        models.append(Model(node["alias"] or node["name"], node["schema"], columns))
    return sorted(models, key=lambda model: model.relation)


def normal(value: Any) -> Any:
    """One engine-independent form of a fetched value (see module doc)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float | decimal.Decimal):
        return format(float(value), ".6g")
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):  # DuckDB struct
        return tuple(normal(item) for item in value.values())
    if hasattr(value, "asDict"):  # Spark Row (struct)
        return tuple(normal(item) for item in value)
    if isinstance(value, Sequence | set):
        return tuple(sorted((normal(item) for item in value), key=repr))
    return str(value)


def checksum(rows: Iterable[Sequence[Any]]) -> str:
    """Order-independent: the sorted normalised rows, hashed."""
    normalised = sorted(repr(tuple(normal(value) for value in row)) for row in rows)
    return hashlib.sha256("\n".join(normalised).encode()).hexdigest()


def _quoted(columns: Sequence[str], quote: str) -> str:
    return ", ".join(f"{quote}{column}{quote}" for column in columns) if columns else "*"


def compare_model(con: duckdb.DuckDBPyConnection, spark: Any, model: Model) -> Comparison:
    duck_columns, spark_columns = _quoted(model.columns, '"'), _quoted(model.columns, "`")
    try:
        duck_rows = con.execute(f"select {duck_columns} from {model.relation}").fetchall()
    except duckdb.Error as exc:
        return Comparison(model, None, None, False, f"duckdb: {type(exc).__name__}")
    try:
        fetched = spark.sql(f"select {spark_columns} from {model.relation}").collect()
        spark_rows = [tuple(row) for row in fetched]
    except Exception as exc:  # a model that did not build on Spark: reported, not raised
        message = str(exc).splitlines()[0]
        if "TABLE_OR_VIEW_NOT_FOUND" in message:
            message = NOT_BUILT
        return Comparison(model, len(duck_rows), None, False, f"spark: {message[:120]}")
    return Comparison(
        model, len(duck_rows), len(spark_rows), checksum(duck_rows) == checksum(spark_rows)
    )


def report(comparisons: Sequence[Comparison]) -> str:
    """The table printed by the equality check."""
    width = max((len(c.model.relation) for c in comparisons), default=10)
    lines = [f"{'model':<{width}}  {'duckdb':>7}  {'spark':>7}  checksum  note"]
    for c in comparisons:
        rows = (
            f"{'-' if c.duckdb_rows is None else c.duckdb_rows:>7}  "
            f"{'-' if c.spark_rows is None else c.spark_rows:>7}"
        )
        verdict = "equal" if c.equal else "DIFF"
        key = "all columns" if not c.model.columns else ", ".join(c.model.columns)
        lines.append(f"{c.model.relation:<{width}}  {rows}  {verdict:<8}  {c.error or key}")
    return "\n".join(lines)
