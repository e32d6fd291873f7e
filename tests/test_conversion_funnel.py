"""The req-matching conversion funnel marts built by a real dbt build on a real DuckDB file
from hand-made inputs: the Python-written tables through their own writers (req matching,
the push ledger), the crm/segments/matching marts as the pipeline leaves them."""

from __future__ import annotations

import os
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest

from orchestration import settings
from orchestration.conversion import ledger
from orchestration.matching.store import write_matches
from orchestration.reporting.talent_report import Report, conversion_funnel_chart, render_html

R1, R2 = "greenhouse:4100", "lever:post-9"
T0 = datetime(2026, 11, 20, 8, 0)
FUNNEL_MODELS = (
    "application_entry_stages conversion_funnel_contacts conversion_funnel "
    "conversion_funnel_by_segment conversion_funnel_reasons"
)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def dbt_build(tmp_path: Path, command: str = "build") -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            settings.dbt_executable(),
            command,
            "--profiles-dir",
            ".",
            "--target-path",
            str(tmp_path / "dbt-target"),
            "--log-path",
            str(tmp_path / "dbt-logs"),
            "--select",
            FUNNEL_MODELS,
        ],
        cwd=settings.DBT_PROJECT_DIR,
        env={**os.environ, "DO_NOT_TRACK": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )


# (contact, decision, reason, decided after T0 in hours) — decisions as matching.match_decisions
# holds them (already followed to today's contact id).
DECISIONS = [
    ("c_skip", "skipped", "On leave", 1),
    ("c_skip2", "skipped", " on leave ", 2),
    ("c_naf", "not_a_fit", "relocating", 3),
    ("c_failed", "approved", None, 1),
    ("c_pushed", "approved", None, 1),
    ("c_applied", "approved", None, 1),
    ("c_hired", "approved", None, 1),
    ("c_new", "approved", None, 1),  # matched and pushed as c_old, merged into c_new since
    ("c_withdrawn", "not_a_fit", "changed mind", 4),  # pushed, then the approval withdrawn
    ("c_earlier", "approved", None, 1),  # from an earlier ranking, no longer in req_matches
]
CONTACTS = [
    "c_matched_only",
    "c_skip",
    "c_skip2",
    "c_naf",
    "c_failed",
    "c_pushed",
    "c_applied",
    "c_hired",
    "c_new",
    "c_withdrawn",
    "c_earlier",
    "c_r2a",
    "c_r2b",
]
# R1's current ranking; c_erased is no longer a contact and must drop out.
RANKED_R1 = [
    "c_matched_only",
    "c_skip",
    "c_skip2",
    "c_naf",
    "c_failed",
    "c_pushed",
    "c_applied",
    "c_hired",
    "c_old",
    "c_withdrawn",
    "c_erased",
]


def create_upstream_marts(db: str) -> None:
    con = duckdb.connect(db)
    try:
        for schema in ("crm", "matching", "segments"):
            con.execute(f"create schema {schema}")
        con.execute("create table crm.contacts (contact_id varchar)")
        con.executemany("insert into crm.contacts values (?)", [[c] for c in CONTACTS])
        con.execute(
            "create table crm.contact_merges (retired_id varchar, surviving_id varchar, "
            "merged_at timestamp, evidence varchar)"
        )
        con.execute("insert into crm.contact_merges values ('c_old', 'c_new', ?, 'email')", [T0])
        con.execute(
            "create table crm.reqs (req_id varchar, title varchar, source varchar, status varchar)"
        )
        con.execute(
            "insert into crm.reqs values (?, 'Staff Data Engineer', 'greenhouse', 'open'), "
            "(?, 'Designer', 'lever', 'open')",
            [R1, R2],
        )
        con.execute(
            "create table matching.match_decisions (req_id varchar, contact_id varchar, "
            "decision varchar, reason varchar, reviewer varchar, decided_at timestamp)"
        )
        con.execute(
            "create table crm.interactions (contact_id varchar, record_key varchar, "
            "source varchar, interaction_type varchar, occurred_at timestamp, req_id varchar, "
            "subject varchar, stage varchar, reason varchar, is_meaningful_action boolean)"
        )
        rows = [
            # Applied on their own, never pushed: not the funnel's application.
            ("c_matched_only", "application", at(30), "Application Review"),
            ("c_applied", "application", at(5 + 24), "Application Review"),
            ("c_hired", "application", at(7 + 48), "Offer"),
            ("c_hired", "hire", at(7 + 48 + 240), "Offer"),
            ("c_new", "application", at(9 + 72), "Phone Interview"),
            # The withdrawn pair's application exists, but the pair is no longer approved.
            ("c_withdrawn", "application", at(40), "Onsite"),
        ]
        con.executemany(
            "insert into crm.interactions values (?, 'greenhouse:candidates:1', 'greenhouse', "
            "?, ?, ?, 'Staff Data Engineer', ?, null, true)",
            [[c, kind, when, R1, stage] for c, kind, when, stage in rows],
        )
        con.execute(
            "create table segments.segment_membership (membership_id varchar, "
            "contact_id varchar, segment_name varchar, segment_key varchar, entered_at date, "
            "left_at date)"
        )
        con.execute(
            "insert into segments.segment_membership values "
            "('m1', 'c_hired', 'silver_medalists', '', date '2026-11-01', null), "
            # Joined after the match, left before it: neither counts for the match.
            "('m2', 'c_skip', 'silver_medalists', '', date '2026-11-25', null), "
            "('m3', 'c_pushed', 'event_attendees', '', date '2026-10-01', date '2026-11-10')"
        )
    finally:
        con.close()


def ranked(contacts: list[str]) -> pl.DataFrame:
    n = len(contacts)
    doubles = [
        "role_family_fit",
        "skill_overlap",
        "seniority_fit",
        "location_fit",
        "silver_medalist",
        "replied_to_outreach",
        "engagement",
        "recency",
    ]
    return pl.DataFrame(
        {
            "rank": list(range(1, n + 1)),
            "contact_id": contacts,
            "score": [1.0 - i / 100 for i in range(n)],
            **{name: [0.5] * n for name in doubles},
            "matched_skills": [["python"]] * n,
            "silver_reason": [None] * n,
            "segment": [None] * n,
            "reason": ["fit"] * n,
        },
        schema_overrides={"silver_reason": pl.String, "segment": pl.String},
    )


def match_review_and_push(db: str) -> None:
    """Req matching and the ATS push through their own writers; the recruiters' decisions in
    between as matching.match_decisions holds them."""
    con = duckdb.connect(db)
    try:
        con.executemany(
            "insert into matching.match_decisions values (?, ?, ?, ?, 'Rita', ?)",
            [[R1, c, d, r, at(h)] for c, d, r, h in DECISIONS],
        )
        write_matches(con, ranked(RANKED_R1), R1, "r1", T0)
        write_matches(con, ranked(["c_r2a", "c_r2b"]), R2, "r2", T0)
        ledger.ensure_table(con)

        def attempt(contact: str, decided_hours: float) -> str:
            key = ledger.push_key(R1, contact)
            ledger.record_attempt(
                con,
                key,
                req_id=R1,
                contact_id=contact,
                system="greenhouse",
                job_id="4100",
                status="planned",
                reason=None,
                reviewer="Rita",
                decided_at=at(decided_hours),
                now=at(decided_hours + 0.5),
            )
            return key

        def pushed(contact: str, hours: float) -> None:
            ledger.record_pushed(
                con,
                attempt(contact, 1),
                candidate_id="cand",
                application_id="app",
                candidate_reused=False,
                application_reused=False,
                now=at(hours),
            )

        # decided at +1 h, pushed 2, 4, 6 and 8 hours later: median 5 h.
        pushed("c_pushed", 3)
        pushed("c_applied", 5)
        pushed("c_hired", 7)
        pushed("c_old", 9)
        pushed("c_withdrawn", 2)
        ledger.record_unsettled(con, attempt("c_failed", 1), "failed", "email: invalid")
    finally:
        con.close()


@pytest.mark.slow  # two real dbt builds (~15 s of dbt start-up and parsing each)
def test_funnel_counts_each_step_once_and_narrows(isolated_env: Path, tmp_path: Path) -> None:
    db = os.environ["TALENT_CRM_DB"]
    create_upstream_marts(db)

    # A fresh CRM: no req matched, nothing pushed; the marts build empty, tests pass.
    built = dbt_build(tmp_path)
    assert built.returncode == 0, built.stdout[-4000:]
    con = duckdb.connect(db, read_only=True)
    try:
        assert con.execute("select count(*) from analytics.conversion_funnel").fetchone() == (0,)
        assert not con.execute(
            "select 1 from information_schema.tables where table_name = 'req_matches'"
        ).fetchall()
    finally:
        con.close()

    match_review_and_push(db)
    built = dbt_build(tmp_path)
    assert built.returncode == 0, built.stdout[-4000:]

    con = duckdb.connect(db, read_only=True)
    try:
        funnel = {
            row["req_id"]: row
            for row in con.sql("select * from analytics.conversion_funnel").pl().to_dicts()
        }
        contacts = con.sql("select * from analytics.conversion_funnel_contacts").pl()
        segments = con.sql("select * from analytics.conversion_funnel_by_segment").pl()
        reasons = con.execute(
            "select req_id, decision, reason, contacts from analytics.conversion_funnel_reasons "
            "order by all"
        ).fetchall()
    finally:
        con.close()

    assert set(funnel) == {R1, R2}
    r1 = funnel[R1]
    counts = {
        k: r1[k]
        for k in (
            "matched",
            "reviewed",
            "approved",
            "skipped",
            "not_a_fit",
            "pushed",
            "push_failed",
            "push_skipped",
            "applied",
            "advanced",
            "hired",
        )
    }
    assert counts == {
        "matched": 11,  # 10 ranked contacts (c_erased dropped) + 1 from an earlier ranking
        "reviewed": 10,
        "approved": 6,
        "skipped": 2,
        "not_a_fit": 2,
        "pushed": 4,  # c_withdrawn's push no longer counts
        "push_failed": 1,
        "push_skipped": 0,
        "applied": 3,  # c_matched_only applied without a push
        "advanced": 2,  # c_applied is still in its entry stage
        "hired": 1,
    }
    assert r1["req_title"] == "Staff Data Engineer"
    assert r1["skipped_reasons"] == "on leave: 2"
    assert r1["not_a_fit_reasons"] == "changed mind: 1; relocating: 1"
    assert r1["approval_rate"] == pytest.approx(0.6)
    assert r1["hire_rate_of_pushed"] == pytest.approx(0.25)
    assert r1["median_hours_matched_to_decided"] == pytest.approx(1.0)
    assert r1["median_hours_decided_to_pushed"] == pytest.approx(5.0)
    assert r1["median_hours_pushed_to_applied"] == pytest.approx(48.0)
    assert r1["median_hours_applied_to_hired"] == pytest.approx(240.0)

    assert reasons == [
        (R1, "not_a_fit", "changed mind", 1),
        (R1, "not_a_fit", "relocating", 1),
        (R1, "skipped", "on leave", 2),
    ]

    r2 = funnel[R2]
    assert (r2["matched"], r2["reviewed"], r2["approved"], r2["hired"]) == (2, 0, 0, 0)
    assert r2["approval_rate"] is None and r2["median_hours_matched_to_decided"] is None

    # The merged person is one pair under today's id, carrying the old id's match and push.
    merged = contacts.filter(pl.col("contact_id") == "c_new").to_dicts()
    assert len(merged) == 1 and merged[0]["is_pushed"] and merged[0]["has_advanced"]
    assert merged[0]["match_rank"] == RANKED_R1.index("c_old") + 1
    assert "c_old" not in contacts["contact_id"] and "c_erased" not in contacts["contact_id"]

    # Monotone on every row of both marts (what the dbt test asserts, checked from here too).
    steps = ["matched", "reviewed", "approved", "pushed", "applied", "advanced", "hired"]
    for mart in (pl.DataFrame(list(funnel.values())), segments):
        for before, after in zip(steps, steps[1:], strict=False):
            assert (mart[after] <= mart[before]).all(), (before, after)
        assert (mart["reviewed"] == mart["approved"] + mart["skipped"] + mart["not_a_fit"]).all()

    by_segment = {(row["req_id"], row["segment_name"]): row for row in segments.to_dicts()}
    assert set(by_segment) == {(R1, "silver_medalists"), (R1, "no segment"), (R2, "no segment")}
    silver = by_segment[(R1, "silver_medalists")]
    assert (silver["matched"], silver["pushed"], silver["hired"]) == (1, 1, 1)
    assert by_segment[(R1, "no segment")]["matched"] == 10
    assert by_segment[(R1, "no segment")]["skipped_reasons"] == "on leave: 2"

    # The report's chart over the mart dbt just built: every step summed over both reqs.
    con = duckdb.connect(db, read_only=True)
    try:
        chart = conversion_funnel_chart(con)
    finally:
        con.close()
    assert chart.has_data
    [trace] = chart.figure.data
    assert list(trace.x) == [13, 10, 6, 4, 3, 2, 1]
    assert "2 reqs; 2 skipped, 2 not a fit" in chart.explanation
    assert "match to decision 1 h" in chart.explanation

    # The funnel's dbt tests can fail: a req with more approvals than reviews is caught.
    con = duckdb.connect(db)
    try:
        con.execute(
            "update analytics.conversion_funnel set approved = reviewed + 1 where req_id = ?", [R2]
        )
    finally:
        con.close()
    tested = dbt_build(tmp_path, "test")
    assert tested.returncode != 0
    assert "monotone_funnel_conversion_funnel" in tested.stdout


FUNNEL_COLUMNS = (
    "req_id varchar, matched bigint, reviewed bigint, approved bigint, skipped bigint, "
    "not_a_fit bigint, pushed bigint, applied bigint, advanced bigint, hired bigint, "
    "median_hours_matched_to_decided double, median_hours_decided_to_pushed double"
)


def test_funnel_chart_says_so_when_no_match_was_reviewed(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "report.duckdb"))
    try:
        con.execute("create schema analytics")
        con.execute(f"create table analytics.conversion_funnel ({FUNNEL_COLUMNS})")
        empty = conversion_funnel_chart(con)
        # Matched but nobody reviewed yet: still the empty state, not a funnel of one bar.
        con.execute(
            "insert into analytics.conversion_funnel values "
            "('greenhouse:1', 20, 0, 0, 0, 0, 0, 0, 0, 0, null, null)"
        )
        unreviewed = conversion_funnel_chart(con)
        con.execute(
            "insert into analytics.conversion_funnel values "
            "('greenhouse:2', 10, 8, 5, 2, 1, 4, 2, 1, 1, 3.0, 20.0)"
        )
        reviewed = conversion_funnel_chart(con)
    finally:
        con.close()
    for chart in (empty, unreviewed):
        assert not chart.has_data and not chart.figure.data
        [note] = chart.figure.layout.annotations
        assert note.text == "no match reviewed yet"
    assert reviewed.has_data
    [trace] = reviewed.figure.data
    assert list(trace.x) == [30, 8, 5, 4, 2, 1, 1]
    assert not reviewed.figure.layout.annotations
    assert "2 reqs; 2 skipped, 1 not a fit" in reviewed.explanation
    assert "match to decision 3 h, decision to push 20 h" in reviewed.explanation

    # Both states render into the report page as a section of their own.
    page = render_html(Report(as_of=date(2026, 11, 30), charts=[empty, reviewed]))
    assert page.count('id="conversion-funnel"') == 2
    assert page.count('class="plotly-graph-div"') == 2
    assert "Req-matching conversion funnel" in page
