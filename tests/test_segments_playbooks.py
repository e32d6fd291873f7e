"""Segments and nurture playbooks on a generated market run through the REAL pipeline.

One module fixture runs every Dagster asset once (sample APIs over loopback, drop folders, dbt,
identity); each test then re-builds the segment models with `dbt build` as of a chosen
TALENT_CRM_AS_OF and reads the real marts. Test subjects are picked from crm.interactions (raw
facts), never from the models under test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from ingest.sample.market import generate_market
from orchestration.settings import DBT_PROJECT_DIR, dbt_executable
from tests.sample_pipeline import isolate_env, run_crm_pipeline, serving_market

pytestmark = pytest.mark.slow

SEGMENT_MODELS = ["path:models/intermediate/segments", "path:models/marts/segments"]


class Market:
    def __init__(self, db: Path, work: Path) -> None:
        self.db = db
        self.work = work

    def build_segments(self, as_of: date, project_dir: Path = DBT_PROJECT_DIR) -> None:
        """`dbt build` of the segment models (and their tests) as of `as_of`."""
        env = {**os.environ, "TALENT_CRM_AS_OF": as_of.isoformat(), "TALENT_CRM_DB": str(self.db)}
        target = self.work / f"dbt_target_{project_dir.name}"
        result = subprocess.run(
            [
                dbt_executable(),
                "build",
                "--select",
                *SEGMENT_MODELS,
                "--project-dir",
                str(project_dir),
                "--profiles-dir",
                str(project_dir),
                "--target-path",
                str(target),
                "--log-path",
                str(self.work / "dbt_logs"),
                "--quiet",
            ],
            cwd=project_dir,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        con = duckdb.connect(str(self.db), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def due(self, contact_id: str) -> set[str]:
        """Every `segment:step` the contact is due today (the drafted one and `also_due`)."""
        rows = self.query(
            "select segment_name || ':' || step_name, also_due from segments.touchpoints_due "
            "where contact_id = ?",
            [contact_id],
        )
        return {rows[0][0], *rows[0][1]} if rows else set()


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Market]:
    work = tmp_path_factory.mktemp("segments_market")
    patch = pytest.MonkeyPatch()
    try:
        data = isolate_env(patch, work / "data")
        patch.delenv("TALENT_CRM_AS_OF", raising=False)
        sample = work / "market"
        generate_market(sample, contacts=700, seed=11)
        with serving_market(patch, sample):
            result = run_crm_pipeline()
        assert result.success
        failed = [c.check_name for c in result.get_asset_check_evaluations() if not c.passed]
        assert not failed, failed
        yield Market(data / "talent_crm.duckdb", work)
    finally:
        patch.undo()


def day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def test_pipeline_run_builds_and_exports_the_due_list(market: Market):
    assert market.query("select count(*) from segments.contact_profiles")[0][0] > 0
    segments = {
        r[0] for r in market.query("select distinct segment_name from segments.segment_membership")
    }
    assert {"silver_medalists", "event_attendees", "role_family_pools"} <= segments
    exports = list((market.db.parent / "exports" / "touchpoints").glob("*.csv"))
    assert exports, "the touchpoint export asset wrote no CSV"
    assert exports[0].with_suffix(".parquet").exists()


def test_silver_medalist_is_due_a_note_within_7_days_of_rejection(market: Market):
    # A final-round rejection of a contactable person nobody e-mailed around that time.
    picks = market.query(
        """
        select r.contact_id, max(r.occurred_at) as rejected_at
        from crm.interactions r
        join gdpr.outreach_eligibility e using (contact_id)
        where r.interaction_type = 'rejection'
            and lower(r.stage) in ('onsite', 'final interview')
            and e.can_contact and not e.in_active_application
            and not exists (
                select 1 from crm.interactions o
                where o.contact_id = r.contact_id and o.interaction_type = 'outreach_sent'
                    and o.occurred_at between r.occurred_at - interval 30 day
                        and r.occurred_at + interval 10 day)
        group by r.contact_id
        order by r.contact_id
        limit 1
        """
    )
    assert picks, "the generated market has no silver medalist to test with"
    for contact_id, rejected_at in picks:
        rejected_on = day(rejected_at)
        market.build_segments(rejected_on + timedelta(days=2))
        assert "silver_medalists:stay_in_touch_note" in market.due(contact_id)
        market.build_segments(rejected_on + timedelta(days=6))
        assert "silver_medalists:stay_in_touch_note" in market.due(contact_id)
        # A week later the note is no longer due (the window is 7 days).
        market.build_segments(rejected_on + timedelta(days=8))
        assert "silver_medalists:stay_in_touch_note" not in market.due(contact_id)


def test_campus_attendee_gets_four_touchpoints_over_twelve_months(market: Market):
    steps = market.query(
        "select step, step_name, offset_days, window_days from segments.nurture_steps "
        "where segment_name = 'campus_attendees' order by step"
    )
    assert [s[1] for s in steps] == ["newsletter", "team_video", "event_invitation", "role_alert"]
    assert all(offset + window <= 365 for _, _, offset, window in steps)
    pick = market.query(
        """
        select a.contact_id, min(a.occurred_at) as attended_at
        from crm.interactions a
        join gdpr.outreach_eligibility e using (contact_id)
        join segments.contact_profiles p using (contact_id)
        where a.interaction_type = 'event_attendance'
            and p.graduation_year >= year(a.occurred_at)
            and e.can_contact and not e.in_active_application
            and not exists (
                select 1 from crm.interactions o
                where o.contact_id = a.contact_id and o.interaction_type = 'outreach_sent')
            and (select count(distinct subject) from crm.interactions x
                 where x.contact_id = a.contact_id
                     and x.interaction_type in ('event_attendance', 'event_registration')) = 1
        group by a.contact_id
        order by a.contact_id
        limit 1
        """
    )
    assert pick, "the generated market has no campus attendee to test with"
    contact_id, attended_at = pick[0]
    event_on = day(attended_at)
    seen = []
    for _, name, offset, _ in steps:
        market.build_segments(event_on + timedelta(days=offset + 1))
        due = market.due(contact_id)
        assert f"campus_attendees:{name}" in due, (name, due)
        seen.append(name)
    assert len(seen) == 4
    # Before the first step nothing of the campus sequence is due.
    market.build_segments(event_on + timedelta(days=steps[0][2] - 3))
    assert not any(d.startswith("campus_attendees:") for d in market.due(contact_id))


def test_sourced_non_responder_is_due_six_months_after_last_outreach(market: Market):
    pick = market.query(
        """
        select o.contact_id, max(o.occurred_at) as last_sent
        from crm.interactions o
        join gdpr.outreach_eligibility e using (contact_id)
        where o.interaction_type = 'outreach_sent'
            and e.can_contact and not e.in_active_application
            and exists (select 1 from crm.interactions s
                        where s.contact_id = o.contact_id and s.interaction_type = 'sourced')
            and not exists (
                select 1 from crm.interactions x
                where x.contact_id = o.contact_id
                    and x.interaction_type in ('outreach_replied', 'application'))
        group by o.contact_id
        order by o.contact_id
        limit 1
        """
    )
    assert pick, "the generated market has no sourced non-responder to test with"
    contact_id, last_sent = pick[0]
    sent_on = day(last_sent)
    market.build_segments(sent_on + timedelta(days=120))
    assert "sourced_non_responders:six_month_recontact" not in market.due(contact_id)
    follow_up = market.query(
        "select follow_up_on from segments.segment_membership "
        "where contact_id = ? and segment_name = 'sourced_non_responders' and is_current",
        [contact_id],
    )
    assert follow_up and follow_up[0][0] == sent_on + timedelta(days=182)
    market.build_segments(sent_on + timedelta(days=185))
    assert "sourced_non_responders:six_month_recontact" in market.due(contact_id)


def test_opted_out_or_bounced_contact_is_never_due(market: Market):
    # Blocked people the segments WOULD nurture: they have due steps in the progress model.
    as_of = date(2026, 11, 1)
    market.build_segments(as_of)
    blocked_with_due_steps = market.query(
        """
        select count(distinct p.contact_id)
        from intermediate.int_nurture_progress p
        join crm.contacts c using (contact_id)
        where p.status = 'due' and (c.is_opted_out or c.is_hard_bounced)
        """
    )[0][0]
    assert blocked_with_due_steps > 0, "no blocked contact would be due: the test proves nothing"
    leaked = market.query(
        """
        select count(*) from segments.touchpoints_due t
        join crm.contacts c using (contact_id)
        left join gdpr.outreach_eligibility e using (contact_id)
        where c.is_opted_out or c.is_hard_bounced or not e.can_contact
        """
    )[0][0]
    assert leaked == 0
    exported = market.query(
        f"""
        select count(*) from read_parquet('{market.db.parent}/exports/touchpoints/*.parquet') t
        join gdpr.outreach_eligibility e using (contact_id)
        where not e.can_contact
        """
    )[0][0]
    assert exported == 0


def test_membership_history_records_joins_and_leaves(market: Market, tmp_path: Path):
    # A private copy of the database with no history yet, built forward in time.
    db = tmp_path / "history.duckdb"
    shutil.copy(market.db, db)
    con = duckdb.connect(str(db))
    con.execute("drop table segments.segment_membership")
    con.close()
    copy = Market(db, tmp_path)
    first, later = date(2025, 6, 1), date(2026, 11, 1)
    copy.build_segments(first)
    copy.build_segments(later)
    count = "select count(*) from segments.segment_membership where {} = ?"
    assert copy.query(count.format("entered_at"), [first])[0][0] > 0
    # Silver medalists rejected and event attendees seen between the two runs joined later;
    # campus spells of events that aged out of the window left — and stay in the history.
    assert copy.query(count.format("entered_at"), [later])[0][0] > 0
    assert copy.query(count.format("left_at"), [later])[0][0] > 0
    still_there = copy.query(
        "select count(*) from segments.segment_membership where entered_at = ? and not is_current",
        [first],
    )[0][0]
    assert still_there > 0
    assert copy.query(
        "select count(*) from segments.segment_membership "
        "where left_at < entered_at or (left_at is null) <> is_current"
    ) == [(0,)]


def test_segment_added_in_yaml_shows_up_in_the_next_build(market: Market, tmp_path: Path):
    project = tmp_path / "dbt_project"
    shutil.copytree(
        DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages")
    )
    definitions = project / "models" / "marts" / "segments" / "segments.yml"
    text = definitions.read_text()
    marker = "          - name: role_family_pools"
    assert marker in text
    new_segment = (
        "          - name: senior_data_people\n"
        "            description: Senior and staff data people, for a test.\n"
        "            from: contacts\n"
        "            where: \"role_family = 'data' and seniority in ('senior', 'staff')\"\n"
        "            anchor: last_meaningful_action_at\n"
        "            nurture:\n"
        "              - {step: 1, name: hello, offset_days: 0, window_days: 30}\n\n"
    )
    definitions.write_text(text.replace(marker, new_segment + marker))
    market.build_segments(date(2026, 11, 1), project_dir=project)
    expected = market.query(
        "select count(*) from segments.contact_profiles "
        "where role_family = 'data' and seniority in ('senior', 'staff')"
    )[0][0]
    assert expected > 0
    assert market.query(
        "select count(*) from segments.segment_definitions "
        "where segment_name = 'senior_data_people'"
    ) == [(1,)]
    assert market.query(
        "select count(*) from segments.segment_membership "
        "where segment_name = 'senior_data_people' and is_current"
    ) == [(expected,)]
