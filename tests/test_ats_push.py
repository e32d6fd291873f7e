"""The ATS push over loopback: the conversion engine, the write-back clients and the fake
Greenhouse / Lever / Ashby write endpoints, on a real DuckDB file.

The warehouse here is a small one in the marts' contract shape (crm.reqs, crm.contacts,
crm.contact_sources, crm.contact_merges, gdpr.outreach_eligibility and the decisions mart
matching.match_decisions); the people are new to the ATS unless a test says otherwise. The
real pipeline end to end (push, next sync, identity) is tests/test_ats_push_sync.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ingest import ashby, greenhouse, lever
from ingest.ashby_writeback import AshbyWriteback
from ingest.greenhouse_writeback import GreenhouseWriteback
from ingest.http_client import RetryPolicy
from ingest.lever_writeback import LeverWriteback
from ingest.sample.apis import SampleApis, SampleApiSettings, start_sample_apis
from ingest.sample.market import generate_market
from orchestration.conversion import engine, ledger

FAST = SampleApiSettings(lever_rate_per_second=1e6, lever_burst=10**6, retry_after=0)
NO_WAIT = RetryPolicy(max_attempts=3, backoff_base_seconds=0.0)


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("push_market")
    generate_market(root, contacts=300, seed=21)
    return root


@pytest.fixture
def apis(market: Path) -> Iterator[SampleApis]:
    with start_sample_apis(market, FAST) as running:
        yield running


def clients(apis: SampleApis) -> dict[str, object]:
    env = apis.env()
    return {
        "greenhouse": GreenhouseWriteback(
            greenhouse.make_client(
                env["GREENHOUSE_CLIENT_ID"],
                env["GREENHOUSE_CLIENT_SECRET"],
                env["GREENHOUSE_USER_ID"],
                env["GREENHOUSE_BASE_URL"],
                env["GREENHOUSE_TOKEN_URL"],
                retry=NO_WAIT,
                sleep=lambda _: None,
            )
        ),
        "lever": LeverWriteback(
            lever.make_client(FAST.api_key, apis.lever.base_url, NO_WAIT, lambda _: None),
            sorted(apis.lever.push_endpoints.known_users())[0],
        ),
        "ashby": AshbyWriteback(
            ashby.make_client(FAST.api_key, apis.ashby.base_url, NO_WAIT, lambda _: None)
        ),
    }


def open_job(apis: SampleApis, system: str) -> str:
    if system == "greenhouse":
        return str(next(j["id"] for j in apis.greenhouse.records("jobs") if j["status"] == "open"))
    if system == "lever":
        return next(p["id"] for p in apis.lever.records("postings") if p["state"] == "published")
    return next(j["id"] for j in apis.ashby.records("jobs") if j["status"] == "Open")


class Warehouse:
    """A DuckDB file with the contract tables a push reads, and helpers to fill them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.con = duckdb.connect(str(path))
        for schema in ("crm", "gdpr", "matching"):
            self.con.execute(f"create schema if not exists {schema}")
        self.con.execute(
            """create table crm.reqs (req_id varchar, source varchar, source_job_id varchar,
                   status varchar)"""
        )
        self.con.execute(
            """create table crm.contacts (contact_id varchar, first_name varchar,
                   last_name varchar, primary_email varchar, linkedin_url varchar,
                   current_company varchar, current_title varchar)"""
        )
        self.con.execute(
            """create table crm.contact_sources (contact_id varchar, source varchar,
                   source_entity varchar, source_record_id varchar, record_key varchar,
                   record_updated_at timestamp)"""
        )
        self.con.execute(
            "create table crm.contact_merges (retired_id varchar, surviving_id varchar)"
        )
        self.con.execute(
            """create table gdpr.outreach_eligibility (contact_id varchar, can_contact boolean,
                   block_reasons varchar[])"""
        )
        # The decisions mart's contract: the latest decision per (req_id, contact_id).
        self.con.execute(
            """create table matching.match_decisions (req_id varchar, contact_id varchar,
                   decision varchar, reason varchar, message varchar, reviewer varchar,
                   decided_at timestamp)"""
        )

    def req(self, system: str, job_id: str, status: str = "open") -> str:
        req_id = f"{system}:{job_id}"
        self.con.execute(
            "insert into crm.reqs values (?, ?, ?, ?)", [req_id, system, job_id, status]
        )
        return req_id

    def person(
        self,
        contact_id: str,
        email: str | None,
        first: str | None = "Test",
        last: str | None = "Person",
        approve_for: str | None = None,
        known: tuple[str, str, str] | None = None,
    ) -> None:
        self.con.execute(
            "insert into crm.contacts values (?, ?, ?, ?, null, 'Acme', 'Engineer')",
            [contact_id, first, last, email],
        )
        self.con.execute("insert into gdpr.outreach_eligibility values (?, true, [])", [contact_id])
        if known is not None:
            source, entity, record_id = known
            self.con.execute(
                "insert into crm.contact_sources values (?, ?, ?, ?, ?, timestamp '2026-01-01')",
                [contact_id, source, entity, record_id, f"{source}:{entity}:{record_id}"],
            )
        if approve_for is not None:
            self.approve(approve_for, contact_id)

    def approve(self, req_id: str, contact_id: str, minute: int = 0) -> None:
        self.con.execute(
            """insert into matching.match_decisions values (?, ?, 'approved', null, null,
                   'reviewer-1', timestamp '2026-11-20 10:00:00' + to_minutes(?))""",
            [req_id, contact_id, minute],
        )

    def block(self, contact_id: str, *reasons: str) -> None:
        self.con.execute(
            "update gdpr.outreach_eligibility set can_contact = false, block_reasons = ? "
            "where contact_id = ?",
            [list(reasons), contact_id],
        )

    def ledger(self, req_id: str) -> dict[str, tuple]:
        rows = self.con.execute(
            """select contact_id, status, candidate_id, application_id, attempts, reason
               from raw.ats_pushes where req_id = ? order by contact_id""",
            [req_id],
        ).fetchall()
        return {r[0]: r[1:] for r in rows}


@pytest.fixture
def wh(tmp_path: Path) -> Iterator[Warehouse]:
    warehouse = Warehouse(tmp_path / "talent_crm.duckdb")
    yield warehouse
    warehouse.con.close()


def writes(apis: SampleApis, system: str) -> list[tuple[str, str, int]]:
    return [
        entry
        for entry in apis.servers[system].request_log
        if entry[0] == "POST" and not entry[1].endswith((".list", ".search", "/token"))
    ]


def people_with_email(apis: SampleApis, system: str, email: str) -> int:
    """How many person records the ATS holds for an address (Lever: distinct contacts)."""
    if system == "greenhouse":
        return sum(
            1
            for c in apis.greenhouse.records("candidates")
            if email in {e["value"] for e in c["email_addresses"]}
        )
    if system == "lever":
        return len(
            {o["contact"] for o in apis.lever.records("opportunities") if email in o["emails"]}
        )
    return sum(
        1
        for c in apis.ashby.records("candidates")
        if email in {e["value"] for e in c["emailAddresses"]}
    )


def applications_on_job(apis: SampleApis, system: str, job_id: str, email: str) -> int:
    if system == "greenhouse":
        ids = {
            c["id"]
            for c in apis.greenhouse.records("candidates")
            if email in {e["value"] for e in c["email_addresses"]}
        }
        return sum(
            1
            for a in apis.greenhouse.records("applications")
            if a["candidate_id"] in ids and str(a["job_id"]) == job_id
        )
    if system == "lever":
        return sum(
            1
            for o in apis.lever.records("opportunities")
            if email in o["emails"]
            and job_id in apis.lever.push_endpoints.postings_of.get(o["id"], [])
        )
    ids = {
        c["id"]
        for c in apis.ashby.records("candidates")
        if email in {e["value"] for e in c["emailAddresses"]}
    }
    return sum(
        1
        for a in apis.ashby.records("applications")
        if a["candidate"]["id"] in ids and a["job"]["id"] == job_id
    )


def run(wh: Warehouse, apis: SampleApis, req_id: str, dry_run: bool = False, **kwargs):
    made = clients(apis)
    return engine.convert_req(
        wh.con, req_id, writeback_for=lambda system: made[system], dry_run=dry_run, **kwargs
    )


# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("system", ["greenhouse", "lever", "ashby"])
def test_approved_people_are_pushed_once_per_ats(wh, apis, system):
    job = open_job(apis, system)
    req = wh.req(system, job)
    emails = [f"new.person{i}@push-test.example" for i in range(3)]
    for i, email in enumerate(emails):
        wh.person(f"ct_{i}", email, first=f"New{i}", last="Person", approve_for=req)

    report = run(wh, apis, req)

    assert report.counts()["pushed"] == 3 and report.counts()["candidates_created"] == 3
    for email in emails:
        assert people_with_email(apis, system, email) == 1
        assert applications_on_job(apis, system, job, email) == 1
    rows = wh.ledger(req)
    assert {r[0] for r in rows.values()} == {"pushed"}
    assert all(r[1] and r[2] and r[3] == 1 for r in rows.values())

    # The created records are in the vendor's next list responses (what the next sync reads).
    if system == "greenhouse":
        listed = clients(apis)["greenhouse"]._list("candidates", {"email": emails[0]})
        assert [str(r["id"]) for r in listed] == [rows["ct_0"][1]]

    # A rerun finds every row pushed: no call to any write endpoint.
    before = len(writes(apis, system))
    again = run(wh, apis, req)
    assert again.counts()["already_pushed"] == 3 and again.counts()["pushed"] == 0
    assert len(writes(apis, system)) == before


@pytest.mark.parametrize("system", ["greenhouse", "lever", "ashby"])
def test_the_candidate_the_ats_already_has_is_reused(wh, apis, system):
    job = open_job(apis, system)
    req = wh.req(system, job)
    if system == "greenhouse":
        existing = next(c for c in apis.greenhouse.records("candidates") if c["email_addresses"])
        email, record_id, entity = (
            existing["email_addresses"][0]["value"],
            str(existing["id"]),
            "candidates",
        )
    elif system == "lever":
        existing = next(o for o in apis.lever.records("opportunities") if o["emails"])
        email, record_id, entity = existing["emails"][0], existing["id"], "opportunities"
    else:
        existing = next(c for c in apis.ashby.records("candidates") if c["emailAddresses"])
        email, record_id, entity = (
            existing["emailAddresses"][0]["value"],
            existing["id"],
            "candidates",
        )
    # One contact we synced from this ATS, one the ATS knows only by the e-mail address.
    wh.person("ct_synced", email, approve_for=req, known=(system, entity, record_id))
    other = next(
        e
        for e in _all_ats_emails(apis, system)
        if e != email and people_with_email(apis, system, e) == 1
    )
    wh.person("ct_by_email", other, approve_for=req)
    before = people_with_email(apis, system, email), people_with_email(apis, system, other)

    report = run(wh, apis, req)

    assert report.counts()["pushed"] == 2 and report.counts()["candidates_reused"] == 2
    assert (
        people_with_email(apis, system, email),
        people_with_email(apis, system, other),
    ) == before
    assert applications_on_job(apis, system, job, email) == 1
    if system == "greenhouse":
        assert wh.ledger(req)["ct_synced"][1] == record_id
        assert not any(path == "/v3/candidates" for _, path, _ in writes(apis, system))
    if system == "lever":
        assert wh.ledger(req)["ct_synced"][1] == existing["contact"]


def _all_ats_emails(apis: SampleApis, system: str) -> list[str]:
    if system == "greenhouse":
        return [
            e["value"] for c in apis.greenhouse.records("candidates") for e in c["email_addresses"]
        ]
    if system == "lever":
        return [e for o in apis.lever.records("opportunities") for e in o["emails"]]
    return [e["value"] for c in apis.ashby.records("candidates") for e in c["emailAddresses"]]


def test_a_lost_reply_mid_batch_is_resolved_without_a_duplicate(wh, apis):
    """The ATS applied the 2nd create and its reply was lost (502): the engine looks the
    person up before trying again, so the candidate exists once and the batch goes on."""
    job = open_job(apis, "greenhouse")
    req = wh.req("greenhouse", job)
    emails = [f"lost.reply{i}@push-test.example" for i in range(4)]
    for i, email in enumerate(emails):
        wh.person(f"ct_{i}", email, approve_for=req)
        wh.approve(req, f"ct_{i}", minute=i)  # a later duplicate decision row: one push
    created: list[str] = []

    def after_candidate(contact_id: str, candidate_id: str) -> None:
        created.append(contact_id)
        if contact_id == "ct_0":  # the next create (ct_1's candidate) is applied, then lost
            apis.greenhouse.push_endpoints.fail_after_commit(502)

    report = run(wh, apis, req, on_candidate=after_candidate)

    assert report.counts()["pushed"] == 4, report.rows
    assert all(people_with_email(apis, "greenhouse", e) == 1 for e in emails)
    assert all(applications_on_job(apis, "greenhouse", job, e) == 1 for e in emails)
    assert ("POST", "/v3/candidates", 502) in apis.greenhouse.request_log
    assert wh.ledger(req)["ct_1"][3] == 1  # resolved inside the same attempt


def test_vendor_down_mid_batch_then_rerun_completes_the_ledger(wh, apis):
    job = open_job(apis, "greenhouse")
    req = wh.req("greenhouse", job)
    emails = [f"outage{i}@push-test.example" for i in range(5)]
    for i, email in enumerate(emails):
        wh.person(f"ct_{i}", email, approve_for=req)

    def outage(contact_id: str, candidate_id: str) -> None:
        if contact_id == "ct_1":  # after ct_1's candidate exists, every call fails for a while
            apis.greenhouse.inject_faults(["503"] * NO_WAIT.max_attempts)

    first = run(wh, apis, req, on_candidate=outage)

    counts = first.counts()
    assert (counts["pushed"], counts["failed"], counts["not_attempted"]) == (1, 1, 3)
    assert first.stopped_reason and first.stopped_reason.startswith("unavailable")
    assert "@" not in first.stopped_reason
    rows = wh.ledger(req)
    assert rows["ct_1"][0] == "failed" and rows["ct_1"][1]  # its candidate id was kept
    assert set(rows) == {"ct_0", "ct_1"}  # rows never started are not in the ledger

    second = run(wh, apis, req)

    assert second.counts()["pushed"] == 4 and second.counts()["already_pushed"] == 1
    assert all(people_with_email(apis, "greenhouse", e) == 1 for e in emails)
    assert all(applications_on_job(apis, "greenhouse", job, e) == 1 for e in emails)
    rows = wh.ledger(req)
    assert {r[0] for r in rows.values()} == {"pushed"}
    assert rows["ct_1"][3] == 2 and rows["ct_0"][3] == 1
    assert next(r for r in second.rows if r.contact_id == "ct_1").candidate_reused


def test_a_crash_mid_push_leaves_a_planned_row_the_rerun_resolves(wh, apis):
    job = open_job(apis, "ashby")
    req = wh.req("ashby", job)
    emails = [f"crash{i}@push-test.example" for i in range(3)]
    for i, email in enumerate(emails):
        wh.person(f"ct_{i}", email, first="Crash", last=str(i), approve_for=req)

    def crash(contact_id: str, candidate_id: str) -> None:
        if contact_id == "ct_1":
            raise KeyboardInterrupt  # the process dies between two calls

    with pytest.raises(KeyboardInterrupt):
        run(wh, apis, req, on_candidate=crash)
    rows = wh.ledger(req)
    assert rows["ct_0"][0] == "pushed" and rows["ct_1"][0] == "planned" and rows["ct_1"][1]

    report = run(wh, apis, req)

    assert report.counts()["pushed"] == 2 and report.counts()["already_pushed"] == 1
    assert all(people_with_email(apis, "ashby", e) == 1 for e in emails)
    assert all(applications_on_job(apis, "ashby", job, e) == 1 for e in emails)


@pytest.mark.parametrize("system", ["greenhouse", "lever", "ashby"])
def test_a_refused_row_is_recorded_with_the_reason_and_the_rest_are_pushed(wh, apis, system):
    job = open_job(apis, system)
    req = wh.req(system, job)
    wh.person("ct_ok1", "fine.one@push-test.example", approve_for=req)
    # What each ATS refuses: Greenhouse a missing last name, Lever a malformed address (its
    # e-mail check), Ashby a candidate without a name.
    bad = {
        "greenhouse": ("single.name@push-test.example", "Mononym", None),
        "lever": ("broken@@push-test", "Broken", "Address"),
        "ashby": ("no.name@push-test.example", None, None),
    }[system]
    wh.person("ct_bad", bad[0], first=bad[1], last=bad[2], approve_for=req)
    wh.person("ct_ok2", "fine.two@push-test.example", approve_for=req)

    report = run(wh, apis, req)

    assert report.counts()["pushed"] == 2 and report.counts()["failed"] == 1
    reason = wh.ledger(req)["ct_bad"][4]
    assert wh.ledger(req)["ct_bad"][0] == "failed"
    expected = {
        "greenhouse": "HTTP 422 last_name: can't be blank",
        "lever": "HTTP 400 emails: must be valid e-mail addresses",
        "ashby": "candidate.create invalid_input (name)",
    }[system]
    assert reason == expected
    assert "push-test" not in reason and "Mononym" not in reason


def test_eligibility_is_checked_again_at_push_time(wh, apis):
    job = open_job(apis, "lever")
    req = wh.req("lever", job)
    for name in ("ct_ok", "ct_opted_out", "ct_erased"):
        wh.person(name, f"{name}@push-test.example", approve_for=req)
    wh.person("ct_no_email", None, approve_for=req)
    wh.approve(req, "ct_gone")  # approved, then erased from crm.contacts entirely
    # Since the export the recruiter reviewed: one opted out, one was erased and suppressed.
    wh.block("ct_opted_out", "opted_out")
    wh.block("ct_erased", "erased", "suppressed")

    report = run(wh, apis, req)

    assert report.counts()["pushed"] == 1
    assert report.skipped_by_reason == {
        "contact_not_found": 1,
        "erased": 1,
        "no_email": 1,
        "opted_out": 1,
        "suppressed": 1,
    }
    assert people_with_email(apis, "lever", "ct_opted_out@push-test.example") == 0
    assert people_with_email(apis, "lever", "ct_erased@push-test.example") == 0
    assert wh.ledger(req)["ct_opted_out"][:1] == ("skipped",)
    # Consent restored later: the next run pushes the person (skipped rows are re-checked).
    wh.con.execute(
        "update gdpr.outreach_eligibility set can_contact = true, block_reasons = [] "
        "where contact_id = 'ct_opted_out'"
    )
    assert run(wh, apis, req).counts()["pushed"] == 1


def test_merged_contacts_are_pushed_once_and_a_closed_req_not_at_all(wh, apis):
    job = open_job(apis, "greenhouse")
    req = wh.req("greenhouse", job)
    wh.person("ct_survivor", "merged@push-test.example", approve_for=req)
    wh.approve(req, "ct_retired", minute=5)
    wh.con.execute("insert into crm.contact_merges values ('ct_retired', 'ct_survivor')")
    report = run(wh, apis, req)
    assert report.counts()["approved"] == 1 and report.counts()["pushed"] == 1

    closed = wh.req("greenhouse", "999", status="closed")
    wh.approve(closed, "ct_survivor")
    report = run(wh, apis, closed)
    assert report.skipped_by_reason == {"req_not_open": 1}


def test_dry_run_calls_no_ats_and_writes_no_ledger(wh, apis):
    job = open_job(apis, "greenhouse")
    req = wh.req("greenhouse", job)
    wh.person("ct_new", "dry.run@push-test.example", approve_for=req)
    existing = next(c for c in apis.greenhouse.records("candidates") if c["email_addresses"])
    wh.person(
        "ct_known",
        existing["email_addresses"][0]["value"],
        approve_for=req,
        known=("greenhouse", "candidates", str(existing["id"])),
    )
    wh.person("ct_blocked", "blocked@push-test.example", approve_for=req)
    wh.block("ct_blocked", "opted_out")
    apis.greenhouse.clear_request_log()

    report = engine.convert_req(wh.con, req, writeback_for=None, dry_run=True)

    assert report.dry_run and report.counts()["would_push"] == 2
    assert report.skipped_by_reason == {"opted_out": 1}
    assert {r.reason for r in report.rows if r.status == "would_push"} == {
        "reuse the candidate already in the ATS",
        "look up, else create",
    }
    assert apis.greenhouse.request_log == []
    tables = wh.con.execute(
        "select count(*) from information_schema.tables where table_name = 'ats_pushes'"
    ).fetchone()[0]
    assert tables == 0
    assert json.dumps(report.counts())  # counts only: serialisable metadata


def test_push_keys_are_stable_and_per_req_and_contact():
    assert ledger.push_key("greenhouse:1", "ct_a") == ledger.push_key("greenhouse:1", "ct_a")
    assert (
        len(
            {
                ledger.push_key("greenhouse:1", "ct_a"),
                ledger.push_key("greenhouse:1", "ct_b"),
                ledger.push_key("greenhouse:2", "ct_a"),
            }
        )
        == 3
    )


def test_writes_stay_off_unless_the_switch_is_exactly_one(monkeypatch):
    from orchestration import settings

    for value, enabled in (("", False), ("0", False), ("true", False), ("1", True)):
        monkeypatch.setenv(settings.ATS_WRITES_ENV, value)
        assert settings.ats_writes_enabled() is enabled
    monkeypatch.delenv(settings.ATS_WRITES_ENV)
    assert settings.ats_writes_enabled() is False
