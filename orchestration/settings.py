"""Where things are: project paths and the environment configuration from DESIGN.md.

Relative paths in TALENT_CRM_DB / TALENT_CRM_DATA_DIR are resolved against the project root, so
the UI, the CLI, tests and dbt (which runs inside dbt_project/) all reach the same files.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DAGSTER_YAML_TEMPLATE = Path(__file__).resolve().parent / "dagster.yaml"

DB_ENV = "TALENT_CRM_DB"
# Not "crm.duckdb": DuckDB names the catalog after the file, and a catalog called `crm` makes
# every analyst query on the `crm` schema (`select * from crm.contacts`) fail as ambiguous.
DEFAULT_DB_FILE = "talent_crm.duckdb"
DATA_DIR_ENV = "TALENT_CRM_DATA_DIR"
AS_OF_ENV = "TALENT_CRM_AS_OF"

# All assets that write DuckDB share this Dagster concurrency pool (limit 1 in dagster.yaml):
# DuckDB allows one writing process, so concurrent runs queue instead of crashing.
DUCKDB_WRITE_POOL = "duckdb_write"


def _resolve(raw: str) -> Path:
    path = Path(raw).expanduser()
    return path if path.is_absolute() else (PROJECT_ROOT / path).resolve()


def data_dir() -> Path:
    return _resolve(os.environ.get(DATA_DIR_ENV) or "data")


def db_path() -> Path:
    raw = os.environ.get(DB_ENV)
    return _resolve(raw) if raw else data_dir() / DEFAULT_DB_FILE


def as_of() -> date | None:
    """The 'today' of every date rule when set (reproducible runs); None = the real today."""
    raw = os.environ.get(AS_OF_ENV)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ValueError(f"{AS_OF_ENV} must be an ISO date like 2026-11-01") from exc


def export_absolute_db_path() -> Path:
    """Make TALENT_CRM_DB absolute in this process's environment.

    dbt runs as a subprocess inside dbt_project/ and reads TALENT_CRM_DB from its inherited
    environment (profiles.yml); an absolute path makes it hit the same file as Python does.
    """
    path = db_path()
    os.environ[DB_ENV] = str(path)
    return path


def dagster_home() -> Path:
    """DAGSTER_HOME if set, else data/dagster_home seeded with the project's dagster.yaml."""
    raw = os.environ.get("DAGSTER_HOME")
    home = Path(raw) if raw else data_dir() / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML_TEMPLATE.read_text())
    return home


def dbt_executable() -> str:
    """The dbt installed beside this Python (the venv's), so an unactivated venv works too."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def dagster_home_env() -> Path:
    """Point DAGSTER_HOME at the project's instance (unless the operator chose another)."""
    home = dagster_home()
    os.environ["DAGSTER_HOME"] = str(home)
    return home
