"""The dbt project as Dagster sees it: the project, its manifest, the CLI resource and the
translator that turns every model/seed into an asset (and every dbt test into an asset check).

The translator places models in groups by folder (staging, identity, crm, ...) and keys them by
their real schema (`crm/contacts` is the table crm.contacts); dbt sources resolve to the ingest
assets through `meta.dagster.asset_key`, so the graph runs ingest → staging → marts.
"""

import functools
import json
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject

from orchestration.settings import DBT_PROJECT_DIR, dbt_executable

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


# profiles.yml too: dbt refuses a partial parse made under another profile (it then parses the
# whole project in every step).
DBT_SOURCE_GLOBS = (
    "dbt_project.yml",
    "profiles.yml",
    "models/**/*",
    "macros/**/*",
    "tests/**/*",
    "seeds/**/*",
)


def manifest_is_stale(project: DbtProject) -> bool:
    """True when manifest.json is missing or older than any dbt source file."""
    manifest = project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    root = project.project_dir
    return any(
        path.stat().st_mtime > built
        for pattern in DBT_SOURCE_GLOBS
        for path in root.glob(pattern)
        if path.is_file()
    )


def ensure_manifest(project: DbtProject = dbt_project) -> None:
    """Parse the dbt project when manifest.json is missing or stale.

    `prepare_if_dev` only acts under `dagster dev`; loading the code location any other way
    (CLI, tests, a fresh clone) must see the current models too.
    """
    if manifest_is_stale(project):
        parse_project(project)


def dbt_cli_resource(project: DbtProject = dbt_project) -> DbtCliResource:
    """dbt from this virtualenv (works without an activated venv) with our profiles.yml."""
    return DbtCliResource(
        project_dir=project,
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=dbt_executable(),
    )


def parse_project(project: DbtProject = dbt_project) -> None:
    """`dbt parse` into the project's target dir (what DbtProject's preparer does, but with
    the venv's dbt executable instead of whatever `dbt` is first on PATH)."""
    dbt_cli_resource(project).cli(["parse", "--quiet"], target_path=project.target_path).wait()


# Folder under models/ → Dagster group. Marts are grouped by their area (crm, segments, ...).
FOLDER_GROUPS = {"staging": "staging", "intermediate": "identity"}


def group_for(fqn: list[str], resource_type: str) -> str:
    if resource_type == "seed":
        return "reference"
    folders = fqn[1:-1]
    if not folders:
        return "dbt"
    if folders[0] == "marts" and len(folders) > 1:
        return folders[1]
    if folders[0] == "intermediate" and len(folders) > 1:
        return folders[1]
    return FOLDER_GROUPS.get(folders[0], folders[0])


# Marts are rebuilt every night (schedule nightly_crm_refresh, 02:00 UTC): warn when one has not
# been rebuilt for 26 hours (one missed night shows before the morning), fail after 50 (two).
NIGHTLY_MART_FRESHNESS = dg.FreshnessPolicy.time_window(
    fail_window=timedelta(hours=50), warn_window=timedelta(hours=26)
)


def is_mart(fqn: list[str]) -> bool:
    return len(fqn) > 2 and fqn[1] == "marts"


@functools.cache
def catalog_column_types(catalog_path: Path) -> dict[str, list[tuple[str, str]]]:
    """(column, type) per dbt node from catalog.json, written by `make docs` from the real
    tables. Empty when there is no catalog: the UI then shows the documented columns only."""
    if not catalog_path.exists():
        return {}
    try:
        nodes = json.loads(catalog_path.read_text()).get("nodes", {})
    except (OSError, ValueError):
        return {}
    return {
        unique_id: [
            (column["name"], column["type"])
            for column in sorted(node.get("columns", {}).values(), key=lambda c: c["index"])
        ]
        for unique_id, node in nodes.items()
    }


def column_schema(props: Mapping[str, Any], typed_columns: list[tuple[str, str]]) -> dg.TableSchema:
    """Every column of the built table with its real type, described from the model's yml."""
    documented = {name.lower(): info for name, info in props.get("columns", {}).items()}
    columns = [
        dg.TableColumn(
            name=name,
            type=column_type.lower(),
            description=documented.get(name.lower(), {}).get("description") or None,
        )
        for name, column_type in typed_columns
    ]
    return dg.TableSchema(columns=columns)


class TalentCrmTranslator(DagsterDbtTranslator):
    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] not in ("model", "seed", "snapshot"):
            return spec  # sources keep meta.dagster.asset_key (the ingest assets)
        schema = props.get("schema") or "main"
        spec = spec.replace_attributes(
            key=dg.AssetKey([schema, props["name"]]),
            group_name=group_for(props["fqn"], props["resource_type"]),
            kinds={"dbt", "duckdb"},
        )
        if props["resource_type"] == "model" and is_mart(props["fqn"]):
            spec = spec.replace_attributes(freshness_policy=NIGHTLY_MART_FRESHNESS)
        typed = catalog_column_types(
            dbt_project.project_dir / dbt_project.target_path / "catalog.json"
        )
        if typed.get(unique_id):
            spec = spec.replace_attributes(
                metadata={
                    **spec.metadata,
                    "dagster/column_schema": column_schema(props, typed[unique_id]),
                }
            )
        return spec


ensure_manifest()
