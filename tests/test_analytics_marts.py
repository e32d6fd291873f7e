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
    from orchestration.defs.analytics.assets import talent_crm_report
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
    assert metadata["charts_with_data"].value >= 11  # the GDPR history may still be empty
    # Current-state GDPR figures become numeric metadata (the UI plots their history).
    current = frame(db, "select * from analytics.gdpr_health_current")
    for column in ("consent_gaps", "art14_notices_overdue", "suppression_list_size"):
        assert metadata[f"gdpr_{column}"].value == current[column][0]
    segments = frame(
        db,
        "select segment_name, count(distinct contact_id) as n from "
        "segments.segment_membership where left_at is null group by 1",
    )
    for name, members in segments.iter_rows():
        assert metadata[f"segment_members__{name}"].value == members

    page = path.read_text(encoding="utf-8")
    assert page.count('class="plotly-graph-div"') == 13
    # Self-contained: plotly.js inlined, nothing loaded from the network.
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)
    assert "plotly.js v" in page or "Plotly" in page[:10_000_000]
    # Aggregates only: no contact id, name or address of the market in the report's body.
    body = page.split("<body>", 1)[1]
    people = frame(db, "select contact_id, full_name, primary_email from crm.contacts")
    for value in people.drop_nulls().unpivot()["value"].to_list():
        assert value not in body


def test_pool_by_segment_counts_open_spells_once_per_contact(market):
    _, db, _ = market
    pool = frame(db, "select * from analytics.pool_by_segment_monthly")
    membership = frame(db, "select * from segments.segment_membership")
    assert membership.height > 0
    latest = pool.filter(pl.col("month_start") == pool["month_start"].max())
    expected = (
        membership.filter(pl.col("left_at").is_null())
        .group_by("segment_name")
        .agg(pl.col("contact_id").n_unique().alias("expected"))
    )
    compared = latest.join(expected, on="segment_name", how="full", coalesce=True)
    assert compared.filter(pl.col("members") != pl.col("expected")).height == 0
    assert compared["members"].null_count() == 0 and compared["expected"].null_count() == 0


def test_pool_by_role_family_adds_up_to_the_pool(market):
    _, db, _ = market
    pool = frame(db, "select * from analytics.pool_by_role_family_monthly")
    expected = frame(
        db,
        "select coalesce(p.role_family, 'unknown') as role_family, count(*) as n, "
        "count(*) filter (where e.can_contact) as contactable "
        "from crm.contacts c left join segments.contact_profiles p using (contact_id) "
        "left join gdpr.outreach_eligibility e using (contact_id) "
        "where c.first_seen_at is not null group by 1",
    )
    latest = pool.filter(pl.col("month_start") == pool["month_start"].max())
    compared = latest.join(expected, on="role_family", how="full", coalesce=True)
    assert compared.height >= 3
    assert compared.filter(pl.col("pool_size") != pl.col("n")).height == 0
    assert compared.filter(pl.col("contactable_pool") != pl.col("contactable")).height == 0
    assert (
        pool.group_by("role_family").agg(pl.col("new_contacts").sum())["new_contacts"].sum()
        == expected["n"].sum()
    )


def test_nurture_by_segment_step_attributes_sends_by_window_and_counts_no_opens(market):
    """Recomputes the attribution in polars: due steps per membership, the first send inside
    each step's window, then a reply or click within 14 days of that send."""
    _, db, _ = market
    mart = frame(db, "select * from analytics.nurture_response_by_segment_step")
    members = frame(
        db,
        "select distinct contact_id, segment_name, cast(anchor_at as date) as anchor_on "
        "from segments.segment_membership where anchor_at is not null",
    )
    steps = frame(
        db, "select segment_name, step, offset_days, window_days from segments.nurture_steps"
    )
    outreach = frame(
        db,
        "select contact_id, interaction_type, occurred_at from crm.interactions "
        f"where occurred_at < date '{MARKET_AS_OF}' + interval 1 day",
    )
    as_of = datetime.fromisoformat(MARKET_AS_OF).date()
    scheduled = (
        members.join(steps, on="segment_name")
        .with_columns(
            (pl.col("anchor_on") + pl.duration(days=pl.col("offset_days"))).alias("due_on"),
            (
                pl.col("anchor_on")
                + pl.duration(days=pl.col("offset_days") + pl.col("window_days"))
            ).alias("ends_on"),
        )
        .filter(pl.col("due_on") <= as_of)
    )
    sends = outreach.filter(pl.col("interaction_type") == "outreach_sent")
    step_sends = (
        scheduled.join(sends, on="contact_id")
        .filter(
            (pl.col("occurred_at") >= pl.col("due_on").cast(pl.Datetime("us")))
            & (pl.col("occurred_at") < pl.col("ends_on").cast(pl.Datetime("us")))
        )
        .group_by("contact_id", "segment_name", "step")
        .agg(pl.col("occurred_at").min().alias("sent_at"))
    )
    answers = outreach.filter(
        pl.col("interaction_type").is_in(["outreach_clicked", "outreach_replied"])
    )
    responded = (
        step_sends.join(answers, on="contact_id")
        .filter(
            (pl.col("occurred_at") >= pl.col("sent_at"))
            & (pl.col("occurred_at") < pl.col("sent_at") + pl.duration(days=14))
        )
        .select("contact_id", "segment_name", "step")
        .unique()
    )
    expected = (
        scheduled.group_by("segment_name", "step")
        .agg(pl.col("contact_id").n_unique().alias("due"))
        .join(
            step_sends.group_by("segment_name", "step").agg(pl.len().alias("sent")),
            on=["segment_name", "step"],
            how="left",
        )
        .join(
            responded.group_by("segment_name", "step").agg(pl.len().alias("responded")),
            on=["segment_name", "step"],
            how="left",
        )
        .fill_null(0)
    )
    compared = mart.join(expected, on=["segment_name", "step"], how="full", coalesce=True)
    assert compared.height == expected.height == mart.height > 0
    mismatched = compared.filter(
        (pl.col("contacts_due") != pl.col("due"))
        | (pl.col("contacts_sent") != pl.col("sent"))
        | (pl.col("contacts_responded") != pl.col("responded"))
    )
    assert mismatched.height == 0, mismatched
    # The market's outreach reaches segment members inside step windows (else this proves little).
    assert mart["contacts_sent"].sum() > 0


def test_gdpr_health_reads_the_ledgers_and_current_marts(market, tmp_path):
    """Ledger rows added to a private copy, then the two marts rebuilt by real dbt: months,
    reasons and the suppression list size follow; current figures equal the gdpr marts."""
    import os
    import subprocess

    from orchestration.settings import DBT_PROJECT_DIR, dbt_executable

    data, db, _ = market
    copy = tmp_path / "gdpr_health.duckdb"
    copy.write_bytes(db.read_bytes())
    con = duckdb.connect(str(copy))
    try:
        before = con.execute(
            "select count(distinct identifier_hash) from gdpr.suppression_list"
        ).fetchall()[0][0]
        for audit_id, action, at in (
            ("a1", "retention_purge", "2026-08-03 03:00"),
            ("a2", "retention_purge", "2026-08-03 03:00"),
            ("a3", "erasure", "2026-09-10 12:00"),
        ):
            con.execute(
                "insert into gdpr.audit_log (audit_id, action, subject_hash, performed_at, "
                "contacts_removed, rows_removed, files_rewritten, residual_bytes_found, "
                "database_rewritten, seconds) values (?, ?, 'subject-hash', ?, 1, '{}', 0, "
                "false, false, 1)",
                [audit_id, action, at],
            )
        con.execute(
            "insert into gdpr.suppression_list values "
            "('test-hash-1', 'email', 'objection', timestamp '2026-08-05'),"
            "('test-hash-1', 'email', 'erasure', timestamp '2026-09-10'),"
            "('test-hash-2', 'email', 'erasure', timestamp '2026-09-10')"
        )
    finally:
        con.close()
    env = {**os.environ, "TALENT_CRM_AS_OF": MARKET_AS_OF, "TALENT_CRM_DB": str(copy)}
    result = subprocess.run(
        [
            dbt_executable(),
            "build",
            "--select",
            "gdpr_health_monthly",
            "gdpr_health_current",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
            "--quiet",
        ],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    monthly = frame(copy, "select * from analytics.gdpr_health_monthly order by month_start")
    by_month = {row["month_start"].isoformat(): row for row in monthly.iter_rows(named=True)}
    assert by_month["2026-08-01"]["retention_purges"] == 2
    assert by_month["2026-09-01"]["erasure_requests"] == 1
    assert by_month["2026-09-01"]["retention_purges"] == 0
    # test-hash-1 joined in August (listed again in September under another reason).
    assert by_month["2026-08-01"]["suppression_hashes_added"] >= 1
    assert monthly["suppression_list_size"][-1] == before + 2
    assert monthly["suppression_list_size"].is_sorted()
    current = frame(copy, "select * from analytics.gdpr_health_current")
    assert current.height == 1
    expected = frame(
        copy,
        "select (select count(*) from gdpr.consent_gaps) as gaps, "
        "(select count(*) from gdpr.art14_notices_due where is_overdue) as overdue, "
        "(select count(*) from gdpr.retention_due where is_purge_due) as purge_due",
    )
    assert current["consent_gaps"][0] == expected["gaps"][0]
    assert current["art14_notices_overdue"][0] == expected["overdue"][0]
    assert current["retention_purge_due"][0] == expected["purge_due"][0]
    assert current["suppression_list_size"][0] == before + 2
    assert current["retention_purges_total"][0] >= 2


def test_report_names_missing_marts(tmp_path):
    from orchestration.reporting.talent_report import write_report

    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    try:
        with pytest.raises(RuntimeError, match="analytics.hires"):
            write_report(con, tmp_path / "reports", datetime(2026, 1, 1).date())
    finally:
        con.close()
