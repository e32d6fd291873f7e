"""Every setting of the project: the environment variables it reads and the paths it uses.

One home: no other module in orchestration/ spells an environment variable's name or builds a
data path. The plain-Python connectors in `ingest/` cannot import orchestration and name their
own variables in their error messages, so each defines its names once and this file re-exports
them: every variable the project reads is listed here, and each is spelled in one place.

Relative paths in TALENT_CRM_DB / TALENT_CRM_DATA_DIR are resolved against the project root, so
the UI, the CLI, tests and dbt (which runs inside dbt_project/) all reach the same files.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

from checks.dbt_seeds import SEEDS_DIR
from ingest import ashby, eventbrite, greenhouse, greenhouse_erasure, lever, pdl
from ingest.http_client import CONNECT_TIMEOUT_ENV as CONNECT_TIMEOUT_ENV
from ingest.http_client import READ_TIMEOUT_ENV as READ_TIMEOUT_ENV
from ingest.http_client import REQUEST_DEADLINE_ENV as REQUEST_DEADLINE_ENV
from ingest.http_client import RETRY_BUDGET_ENV as RETRY_BUDGET_ENV
from ingest.http_client import SYNC_DEADLINE_ENV as SYNC_DEADLINE_ENV
from ingest.landing import LANDING_MEMORY_LIMIT_ENV as LANDING_MEMORY_LIMIT_ENV
from ingest.lever_writeback import PERFORM_AS_ENV as _LEVER_PERFORM_AS_ENV
from orchestration.processes import DBT_PARENT_PID_ENV as DBT_PARENT_PID_ENV

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# checks/ reads the dbt seeds from plain Python, so it owns where they are.
DBT_SEEDS_DIR = SEEDS_DIR
DBT_PROJECT_DIR = DBT_SEEDS_DIR.parent
DAGSTER_YAML_TEMPLATE = Path(__file__).resolve().parent / "dagster.yaml"

# -- environment variables ----------------------------------------------------------------
DB_ENV = "TALENT_CRM_DB"
READ_DB_ENV = "TALENT_CRM_READ_DB"  # the published read copy analysts and sensors open
LOCK_WAIT_ENV = "TALENT_CRM_LOCK_WAIT_SECONDS"  # how long a step waits for a foreign lock
DATA_DIR_ENV = "TALENT_CRM_DATA_DIR"
# The Spark warehouse (`dbt --target spark`): metastore, table files, the hand-over's Parquet.
SPARK_DIR_ENV = "TALENT_CRM_SPARK_DIR"
AS_OF_ENV = "TALENT_CRM_AS_OF"
PEPPER_ENV = "TALENT_CRM_PEPPER"  # key of the hashed suppression entries
DAGSTER_HOME_ENV = "DAGSTER_HOME"
EVENTBRITE_EVENT_IDS_ENV = eventbrite.EVENT_IDS_ENV
# Who records review decisions (no login system: the recruiter names themselves once).
REVIEWER_ENV = "TALENT_CRM_REVIEWER"
TELEMETRY_OFF = {"DO_NOT_TRACK": "1", "DAGSTER_DISABLE_TELEMETRY": "1"}

# Vendor → (API key variable, base URL variable); unset base URL = the vendor's real one.
# Greenhouse (Harvest v3) has no API key: OAuth client credentials, below.
API_CREDENTIAL_ENV: dict[str, tuple[str, str]] = {
    connector.SOURCE: (connector.API_KEY_ENV, connector.BASE_URL_ENV)
    for connector in (lever, ashby, eventbrite, pdl)
}
API_CREDENTIAL_ENV[greenhouse.SOURCE] = (greenhouse.CREDENTIAL_ENVS, greenhouse.BASE_URL_ENV)
# Greenhouse Harvest v3: OAuth client credentials on behalf of a Site Admin user.
GREENHOUSE_CLIENT_ID_ENV = greenhouse.CLIENT_ID_ENV
GREENHOUSE_CLIENT_SECRET_ENV = greenhouse.CLIENT_SECRET_ENV
GREENHOUSE_USER_ID_ENV = greenhouse.USER_ID_ENV
GREENHOUSE_BASE_URL_ENV = greenhouse.BASE_URL_ENV
GREENHOUSE_TOKEN_URL_ENV = greenhouse.TOKEN_URL_ENV
# Harvest v1's key: read only to say it stopped working.
GREENHOUSE_LEGACY_API_KEY_ENV = greenhouse.LEGACY_API_KEY_ENV
# Ashby: the dated API version sent as the Ashby-Version header (default: the active one).
ASHBY_API_VERSION_ENV = ashby.API_VERSION_ENV
# Writes to the ATSs (pushing people, carrying erasures upstream) happen only when this is "1";
# otherwise they are dry runs that record what would be sent. Lever creates need the user they
# act as.
ATS_WRITES_ENV = "TALENT_CRM_ATS_WRITES"
LEVER_PERFORM_AS_ENV = _LEVER_PERFORM_AS_ENV
# Greenhouse erasure: anonymize (default) or delete the candidate (ingest/greenhouse_erasure.py).
GREENHOUSE_ERASURE_MODE_ENV = greenhouse_erasure.MODE_ENV


def api_key_env(vendor: str) -> str:
    """The credential variable(s) of a vendor, for messages (Greenhouse: its three names)."""
    return API_CREDENTIAL_ENV[vendor][0]


def base_url_env(vendor: str) -> str:
    return API_CREDENTIAL_ENV[vendor][1]


# Not "crm.duckdb": DuckDB names the catalog after the file, and a catalog called `crm` makes
# every analyst query on the `crm` schema (`select * from crm.contacts`) fail as ambiguous.
DEFAULT_DB_FILE = "talent_crm.duckdb"
# The published read copy: `<pipeline file's stem>_read.duckdb` beside it unless
# TALENT_CRM_READ_DB says otherwise (not named after a mart schema either, for the same reason).
READ_COPY_SUFFIX = "_read"

# What the read copy holds: the mart schemas, never `raw` (full vendor records, quarantine) or
# the identity engine's internals. One list, read by the publisher and the summaries.
MART_SCHEMAS = ("crm", "segments", "hygiene", "gdpr", "matching", "analytics")

# How long an open of the pipeline file waits for another process to release DuckDB's lock.
DEFAULT_LOCK_WAIT_SECONDS = 300.0

# All assets that write DuckDB share this Dagster concurrency pool (limit 1 in dagster.yaml):
# DuckDB allows one writing process, so concurrent runs queue instead of crashing.
DUCKDB_WRITE_POOL = "duckdb_write"

# -- paths ----------------------------------------------------------------------------------
# Folder names under the data dir; the erasure path walks them, so they are named once here.
LANDING_DIR_NAME = "landing"
EXPORTS_DIR_NAME = "exports"
SAMPLE_DIR_NAME = "sample"
WEBHOOK_SPOOL_NAME = "greenhouse_webhooks"
REVIEW_DECISIONS_SPOOL_NAME = "review_decisions"
# The CSV drop-folder feeds under landing/.
DROP_FEEDS = ("events", "sourcing", "outreach", "hris")


def resolve(raw: str | os.PathLike[str]) -> Path:
    """A path from configuration: absolute as given, relative to the project root otherwise."""
    path = Path(raw).expanduser()
    return path if path.is_absolute() else (PROJECT_ROOT / path).resolve()


def data_dir() -> Path:
    return resolve(os.environ.get(DATA_DIR_ENV) or "data")


def db_path() -> Path:
    raw = os.environ.get(DB_ENV)
    return resolve(raw) if raw else data_dir() / DEFAULT_DB_FILE


def spark_dir() -> Path:
    """Where the Spark target keeps its warehouse (profiles.yml reads the same variable)."""
    raw = os.environ.get(SPARK_DIR_ENV)
    return resolve(raw) if raw else data_dir() / "spark"


def read_db_path(pipeline_db: Path | None = None) -> Path:
    """The published read copy of `pipeline_db` (default: TALENT_CRM_DB).

    TALENT_CRM_READ_DB when set (it belongs to TALENT_CRM_DB); otherwise
    `<stem>_read.duckdb` beside the pipeline file, so a database and its copy travel together.
    """
    pipeline_db = db_path() if pipeline_db is None else pipeline_db
    raw = os.environ.get(READ_DB_ENV)
    if raw and pipeline_db == db_path():
        return resolve(raw)
    return pipeline_db.with_name(f"{pipeline_db.stem}{READ_COPY_SUFFIX}{pipeline_db.suffix}")


def display_path(path: Path) -> str:
    """A path as people should type it: relative to the project root when inside it."""
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def lock_wait_seconds() -> float:
    raw = os.environ.get(LOCK_WAIT_ENV)
    if not raw:
        return DEFAULT_LOCK_WAIT_SECONDS
    try:
        value = float(raw)
    except ValueError as exc:
        raise ValueError(f"{LOCK_WAIT_ENV} must be a number of seconds, got {raw!r}") from exc
    if value < 0:
        raise ValueError(f"{LOCK_WAIT_ENV} must not be negative")
    return value


# Folders under the data dir. Each takes the data dir as an argument for code that works on a
# given one (the erasure path, tests); by default it is TALENT_CRM_DATA_DIR.


def landing_dir(root: Path | None = None) -> Path:
    """Drop folders (`<feed>/`) and spools live here."""
    return (root or data_dir()) / LANDING_DIR_NAME


def webhook_spool_dir(root: Path | None = None) -> Path:
    return landing_dir(root) / WEBHOOK_SPOOL_NAME


def review_decisions_spool_dir(root: Path | None = None) -> Path:
    """Recruiter decisions written by the review page and `talent-crm review import`."""
    return landing_dir(root) / REVIEW_DECISIONS_SPOOL_NAME


def reviewer(explicit: str | None = None) -> str | None:
    """The reviewer's name: the `--reviewer` option when given, else TALENT_CRM_REVIEWER."""
    name = (explicit or os.environ.get(REVIEWER_ENV) or "").strip()
    return name or None


def exports_dir(root: Path | None = None) -> Path:
    return (root or data_dir()) / EXPORTS_DIR_NAME


def touchpoint_exports_dir(root: Path | None = None) -> Path:
    return exports_dir(root) / "touchpoints"


def verification_exports_dir(root: Path | None = None) -> Path:
    return exports_dir(root) / "verification"


def report_dir(root: Path | None = None) -> Path:
    return exports_dir(root) / "reports"


def gdpr_access_dir(root: Path | None = None) -> Path:
    return exports_dir(root) / "gdpr" / "access"


def sample_dir() -> Path:
    """Where `talent-crm generate` and `make demo` write the sample market."""
    return data_dir() / SAMPLE_DIR_NAME


def ats_writes_enabled() -> bool:
    """Whether ATS writes are on (TALENT_CRM_ATS_WRITES=1); anything else is a dry run."""
    return os.environ.get(ATS_WRITES_ENV, "").strip() == "1"


def greenhouse_erasure_mode() -> str:
    """`anonymize` or `delete` (GREENHOUSE_ERASURE_MODE); a bad value is a clear error."""
    return greenhouse_erasure.configured_mode()


def as_of() -> date | None:
    """The 'today' of every date rule when set (reproducible runs); None = the real today."""
    raw = os.environ.get(AS_OF_ENV)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ValueError(f"{AS_OF_ENV} must be an ISO date like 2026-11-01") from exc


def dbt_environment() -> dict[str, str]:
    """The environment dbt needs: profiles.yml reads TALENT_CRM_DB, and dbt runs inside
    dbt_project/, so the path must be absolute to reach the file Python writes. dbt also gets
    this process's PID: the profile's dbt_guard plugin makes dbt die with it (no orphan
    holding DuckDB's lock after a killed run). The plugin is imported from this checkout
    (PYTHONPATH), the same code as the process that starts dbt."""
    python_path = os.pathsep.join(
        part for part in (str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")) if part
    )
    return {
        DB_ENV: str(db_path()),
        SPARK_DIR_ENV: str(spark_dir()),
        DBT_PARENT_PID_ENV: str(os.getpid()),
        "PYTHONPATH": python_path,
        **TELEMETRY_OFF,
    }


def export_dbt_environment() -> Path:
    """Put `dbt_environment()` into this process's environment (the dbt CLI resource passes
    the process environment to dbt). Called where dbt is about to run, never on import."""
    os.environ.update(dbt_environment())
    return db_path()


def dagster_home() -> Path:
    """DAGSTER_HOME if set, else data/dagster_home seeded with the project's dagster.yaml.

    An instance created by an older version keeps its own settings, but gets every top-level
    key of the template it lacks (crash recovery: the run launcher and run monitoring; the
    project's log lines)."""
    raw = os.environ.get(DAGSTER_HOME_ENV)
    home = Path(raw) if raw else data_dir() / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML_TEMPLATE.read_text())
    else:
        add_missing_instance_settings(config)
    return home


def add_missing_instance_settings(config: Path) -> list[str]:
    """Add the template's top-level keys missing from `config`; returns the keys added."""
    import yaml

    template = yaml.safe_load(DAGSTER_YAML_TEMPLATE.read_text()) or {}
    current = yaml.safe_load(config.read_text()) or {}
    missing = [key for key in template if key not in current]
    if missing:
        with config.open("a") as handle:
            handle.write("\n# added by talent-crm from orchestration/dagster.yaml\n")
            handle.write(yaml.safe_dump({key: template[key] for key in missing}, sort_keys=False))
    return missing


def use_project_dagster_home() -> Path:
    """Point DAGSTER_HOME at the project's instance (unless the operator chose another)."""
    home = dagster_home()
    os.environ[DAGSTER_HOME_ENV] = str(home)
    return home


def dbt_executable() -> str:
    """The dbt installed beside this Python (the venv's), so an unactivated venv works too."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"
