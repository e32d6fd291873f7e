"""What the operator sees in the Dagster UI, checked on the loaded definitions: every asset
described, grouped by area and kinded; marts carry column schemas and a nightly freshness
policy; the report asset and job exist."""

from __future__ import annotations

import json

import dagster as dg

from orchestration.defs.transform.dbt_project import catalog_column_types, column_schema, is_mart


def asset_graph():
    from orchestration.definitions import defs

    return defs.resolve_asset_graph()


def test_every_asset_has_description_group_and_kinds():
    graph = asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description, key.to_user_string()
        assert node.group_name and node.group_name != "default", key.to_user_string()
        assert node.kinds, key.to_user_string()
    dbt_kinds = graph.get(dg.AssetKey(["crm", "contacts"])).kinds
    assert {"dbt", "duckdb"} <= dbt_kinds
    assert "polars" in graph.get(dg.AssetKey(["identity", "record_contacts"])).kinds


def test_marts_have_column_schemas_and_a_nightly_freshness_policy():
    graph = asset_graph()
    marts = [
        key
        for key in graph.get_all_asset_keys()
        if key.path[0] in ("crm", "hygiene", "gdpr", "analytics") and "dbt" in graph.get(key).kinds
    ]
    assert len(marts) >= 10
    for key in marts:
        node = graph.get(key)
        schema = node.metadata.get("dagster/column_schema")
        assert schema is not None and schema.columns, key.to_user_string()
        assert node.freshness_policy is not None, key.to_user_string()
    # Staging views are rebuilt with the marts but are not an operator's freshness concern.
    stg = graph.get(dg.AssetKey(["staging", "stg_greenhouse__candidates"]))
    assert stg.freshness_policy is None
    assert is_mart(["talent_crm", "marts", "crm", "contacts"])
    assert not is_mart(["talent_crm", "staging", "greenhouse", "stg_greenhouse__jobs"])


def test_column_schema_takes_types_from_the_catalog_and_descriptions_from_yml(tmp_path):
    catalog = tmp_path / "catalog.json"
    catalog.write_text(
        json.dumps(
            {
                "nodes": {
                    "model.talent_crm.hires": {
                        "columns": {
                            "B": {"name": "hired_at", "type": "TIMESTAMP", "index": 2},
                            "A": {"name": "hire_id", "type": "VARCHAR", "index": 1},
                        }
                    }
                }
            }
        )
    )
    typed = catalog_column_types(catalog)["model.talent_crm.hires"]
    schema = column_schema({"columns": {"hire_id": {"description": "Hash."}}}, typed)
    assert [(c.name, c.type, c.description) for c in schema.columns] == [
        ("hire_id", "varchar", "Hash."),
        ("hired_at", "timestamp", None),
    ]
    assert catalog_column_types(tmp_path / "missing.json") == {}


def test_report_asset_and_job_are_defined():
    from orchestration.definitions import defs

    graph = asset_graph()
    report = graph.get(dg.AssetKey(["analytics", "talent_crm_report"]))
    assert report.group_name == "analytics"
    assert {"python", "plotly"} <= report.kinds
    assert dg.AssetKey(["analytics", "hires"]) in report.parent_keys
    job = defs.resolve_job_def("analytics_report")
    assert job.description
