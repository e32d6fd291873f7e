"""The analytics marts and the report on a generated market run through the real pipeline.

Expected values are recomputed here independently (polars over crm.* and staging) rather than
read back from the marts, so a wrong join or window in the SQL fails these tests.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from tests.analytics_market import MARKET_AS_OF, copy_market_into, shared_market

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def market(tmp_path_factory):
    root, build = shared_market(tmp_path_factory)
    data = tmp_path_factory.mktemp("analytics") / "data"
    db = copy_market_into(root, data)
    return data, db, build


def frame(db: Path, sql: str) -> pl.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(sql).pl()
    finally:
        con.close()


def test_pipeline_with_analytics_builds_and_every_check_passes(market):
    _, _, build = market
    assert build["success"]
    assert build["failed_checks"] == []


def test_every_hire_once_with_warm_or_cold_recomputed_from_interactions(market):
    _, db, _ = market
    hires = frame(db, "select * from analytics.hires")
    interactions = frame(db, "select * from crm.interactions")
    recorded = interactions.filter(
        (pl.col("interaction_type") == "hire") & pl.col("occurred_at").is_not_null()
    )
    assert hires.height == recorded.height > 0
    assert hires["hire_id"].n_unique() == hires.height

    # Warm = any non-hire/employment interaction of the person before the req opened.
    reqs = frame(db, "select req_id, opened_at from crm.reqs")
    gh = hires.filter(pl.col("req_id").is_not_null()).join(reqs, on="req_id", how="left")
    before = interactions.filter(
        ~pl.col("interaction_type").is_in(["hire", "employment_start", "employment_end"])
    ).select("contact_id", pl.col("occurred_at").alias("earlier_at"))
    expected = (
        gh.join(before, on="contact_id", how="left")
        .group_by("hire_id")
        .agg(
            (pl.col("earlier_at") < pl.col("opened_at").first()).any().alias("warm"),
        )
    )
    compared = gh.join(expected, on="hire_id")
    assert compared.filter(pl.col("was_crm_contact_before_req") != pl.col("warm")).height == 0
    assert set(compared["hire_pool"]) <= {"crm_warm", "cold"}
    # Both kinds occur on a realistic market (otherwise the comparison proves little).
    assert compared["warm"].sum() > 0 and (~compared["warm"]).sum() > 0


def test_time_to_fill_is_first_hire_per_req(market):
    _, db, _ = market
    fills = frame(db, "select * from analytics.time_to_fill")
    first = (
        frame(
            db,
            "select h.req_id, h.hired_at, r.opened_at from analytics.hires h "
            "join crm.reqs r using (req_id) where h.hired_at >= r.opened_at",
        )
        .group_by("req_id")
        .agg(pl.col("hired_at").min(), pl.col("opened_at").first())
    )
    assert fills.height == first.height > 0
    joined = fills.join(first, on="req_id")
    days = (joined["hired_at"].dt.date() - joined["opened_at"].dt.date()).dt.total_days()
    assert (joined["days_to_fill"] == days).all()


def test_nurture_counts_replies_and_clicks_per_step_never_opens(market):
    _, db, _ = market
    steps = frame(db, "select * from analytics.nurture_response_by_step")
    outreach = frame(
        db,
        "select contact_id, subject as campaign, try_cast(stage as integer) as step, "
        "interaction_type from crm.interactions where interaction_type like 'outreach_%'",
    )
    replied = (
        outreach.filter(pl.col("interaction_type") == "outreach_replied")
        .group_by("campaign", "step")
        .agg(pl.col("contact_id").n_unique().alias("expected"))
    )
    joined = steps.join(replied, on=["campaign", "step"], how="left").with_columns(
        pl.col("expected").fill_null(0)
    )
    assert (joined["contacts_replied"] == joined["expected"]).all()
    assert joined["expected"].sum() > 0
    # Opens exist in the logs but are not a response: response = clicked or replied only.
    assert outreach.filter(pl.col("interaction_type") == "outreach_opened").height > 0
    responded = steps["contacts_clicked"] + steps["contacts_replied"]
    assert (steps["contacts_responded"] <= responded).all()


def test_pool_growth_and_stale_share_end_at_the_as_of_month(market):
    _, db, _ = market
    growth = frame(db, "select * from analytics.pool_growth_monthly order by month_start")
    contacts = frame(db, "select count(*) as n from crm.contacts where first_seen_at is not null")
    as_of_month = datetime.fromisoformat(MARKET_AS_OF).date().replace(day=1)
    assert growth["month_start"][-1] == as_of_month
    assert growth["pool_size"][-1] == contacts["n"][0]
    assert growth["new_contacts"].sum() == contacts["n"][0]
    quality = frame(db, "select * from analytics.contact_data_quality_monthly")
    assert quality.height == 24
    assert quality["stale_share"].is_between(0, 1).all()


def test_report_asset_writes_a_self_contained_report_with_numeric_metadata(market, monkeypatch):
    data, db, _ = market
    monkeypatch.setenv("TALENT_CRM_DATA_DIR", str(data))
    monkeypatch.setenv("TALENT_CRM_DB", str(db))
    monkeypatch.setenv("DAGSTER_HOME", str(data / "dagster_home"))
    monkeypatch.setenv("TALENT_CRM_AS_OF", MARKET_AS_OF)
    from orchestration.assets.analytics_report import talent_crm_report
    from orchestration.resources import DuckDBWarehouse

    result = dg.materialize(
        [talent_crm_report], resources={"warehouse": DuckDBWarehouse(path=str(db))}
    )
    assert result.success
    metadata = result.asset_materializations_for_node("analytics__talent_crm_report")[0].metadata
    path = Path(metadata["report_path"].value)
    assert path == data / "exports" / "reports" / f"talent_crm_report_{MARKET_AS_OF}.html"
    hires = frame(db, "select count(*) as n from analytics.hires")["n"][0]
    assert metadata["hires_total"].value == hires
    assert 0 <= metadata["warm_hire_share"].value <= 1
    assert metadata["charts_with_data"].value == 7

    page = path.read_text(encoding="utf-8")
    assert page.count('class="plotly-graph-div"') == 7
    # Self-contained: plotly.js inlined, nothing loaded from the network.
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)
    assert "plotly.js v" in page or "Plotly" in page[:10_000_000]
    # Aggregates only: no contact id, name or address of the market in the report's body.
    body = page.split("<body>", 1)[1]
    people = frame(db, "select contact_id, full_name, primary_email from crm.contacts")
    for value in people.drop_nulls().unpivot()["value"].to_list():
        assert value not in body


def test_report_names_missing_marts(tmp_path):
    from orchestration.reporting.talent_report import write_report

    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    try:
        with pytest.raises(RuntimeError, match="analytics.hires"):
            write_report(con, tmp_path / "reports", datetime(2026, 1, 1).date())
    finally:
        con.close()
