"""Erasure carried to the ATSs, over real HTTP against the loopback fake vendor APIs.

Part 1: the per-vendor erasure clients against the fakes' documented behaviour (auth, scopes,
404, 422, refusals, injected 5xx). Part 2: `erase` on a real DuckDB file holding one person's
copies from Greenhouse, Lever and Ashby (and a second person who must be left alone): the
local erasure, then the upstream pass, a retry on the next run, writes disabled, a source that
is not connected, Lever's manual action confirmed once done, and no personal data in the audit
rows, the request ledger, the CLI output or the log lines.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
import requests

from ingest import ashby, ashby_erasure, greenhouse, greenhouse_erasure, lever, lever_erasure
from ingest.http_client import RetryPolicy
from ingest.sample.apis import SampleApis, SampleApiSettings, start_sample_apis
from ingest.upstream_erasure import (
    REASON_ALREADY_GONE,
    REASON_ANONYMIZED,
    REASON_CONFIRMED,
    REASON_DELETED,
    REASON_NO_API,
    REASON_NOT_CONNECTED,
    REASON_REFUSED,
    REASON_SOURCE_ERROR,
    REASON_WRITES_DISABLED,
    STATUS_DONE,
    STATUS_MANUAL,
    STATUS_PENDING,
)
from orchestration import cli
from orchestration.gdpr import upstream
from orchestration.gdpr.erasure import erase
from tests.greenhouse_fixtures import SITE_ADMIN_ID, application, candidate, job, write_feed

PEPPER = "test-pepper-not-a-secret"
KEY = "upstream-test-key"
SETTINGS = SampleApiSettings(
    api_key=KEY,
    retry_after=0,
    greenhouse_user_id=str(SITE_ADMIN_ID),
    lever_rate_per_second=1e6,
    lever_burst=10**6,
)
FAST = RetryPolicy(max_attempts=2, backoff_base_seconds=0.01, backoff_max_seconds=0.01)
NOW = datetime(2026, 11, 2, 9, 30)

# The person to erase and a second person who must be left alone. Identifiers are unusual on
# purpose: a search of any text for them finds only this person.
EMAIL = "maria.lindqvist.erase@example.org"
NAME = ("Maria", "Lindqvist")
PHONE = "+46 70 555 0199"
GH_ID, GH_OTHER = 4100101, 4100102
LEVER_OPP = "0000aaaa-1111-2222-3333-444455556666"
LEVER_OTHER = "0000bbbb-1111-2222-3333-444455556666"
LEVER_CONTACT = "c0ffee00-aaaa-bbbb-cccc-000000000001"
ASHBY_ID = "7d6b0a2e-1b2c-4d5e-9f00-000000000001"
ASHBY_OTHER = "7d6b0a2e-1b2c-4d5e-9f00-000000000002"
PERSONAL = [EMAIL, "Lindqvist", PHONE]


def gh_records() -> list[dict[str, Any]]:
    return [
        candidate(
            GH_ID,
            first_name=NAME[0],
            last_name=NAME[1],
            email_addresses=[{"value": EMAIL, "type": "personal"}],
            phone_numbers=[{"value": PHONE, "type": "mobile"}],
            social_media_addresses=[],
        ),
        candidate(GH_OTHER),
    ]


def lever_records() -> list[dict[str, Any]]:
    base = {"origin": "sourced", "archived": None, "createdAt": 1767225600000}
    return [
        {
            **base,
            "id": LEVER_OPP,
            "name": " ".join(NAME),
            "contact": LEVER_CONTACT,
            "emails": [EMAIL],
            "phones": [{"type": "mobile", "value": PHONE}],
            "updatedAt": 1767225600000,
            "isAnonymized": False,
        },
        {
            **base,
            "id": LEVER_OTHER,
            "name": "Other Person",
            "contact": "c0ffee00-aaaa-bbbb-cccc-000000000002",
            "emails": ["other.person@example.org"],
            "updatedAt": 1767225600000,
            "isAnonymized": False,
        },
    ]


def ashby_records() -> list[dict[str, Any]]:
    def one(cid: str, name: str, email: str) -> dict[str, Any]:
        return {
            "id": cid,
            "name": name,
            "primaryEmailAddress": {"value": email, "type": "Personal", "isPrimary": True},
            "emailAddresses": [{"value": email, "type": "Personal", "isPrimary": True}],
            "phoneNumbers": [],
            "applicationIds": ["app-1"],
            "createdAt": "2026-02-01T00:00:00.000Z",
            "updatedAt": "2026-03-01T00:00:00.000Z",
        }

    return [
        one(ASHBY_ID, " ".join(NAME), EMAIL),
        one(ASHBY_OTHER, "Other Person", "other.person@example.org"),
    ]


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture()
def apis(tmp_path: Path) -> Iterator[SampleApis]:
    feeds = tmp_path / "market"
    write_feed(
        feeds,
        gh_records(),
        applications=[application(7001, GH_ID, 1), application(7002, GH_OTHER, 1)],
        jobs=[job(1)],
    )
    _jsonl(feeds / "lever/opportunities.jsonl", lever_records())
    _jsonl(feeds / "ashby/candidates.jsonl", ashby_records())
    with start_sample_apis(feeds, SETTINGS) as running:
        yield running


def gh_client(apis: SampleApis):
    env = apis.greenhouse.env()
    client = greenhouse.make_client(
        client_id=env["GREENHOUSE_CLIENT_ID"],
        client_secret=env["GREENHOUSE_CLIENT_SECRET"],
        user_id=env["GREENHOUSE_USER_ID"],
        base_url=env["GREENHOUSE_BASE_URL"],
        token_url=env["GREENHOUSE_TOKEN_URL"],
        retry=FAST,
    )
    client.auth.token()  # minted now, so injected faults hit the erasure call itself
    return client


def gh_listed(apis: SampleApis, entity: str = "candidates") -> dict[str, dict[str, Any]]:
    client = gh_client(apis)
    return {
        str(r["id"]): r
        for page, _ in greenhouse.iter_pages(client, entity, per_page=500)
        for r in page
    }


def ashby_listed(apis: SampleApis) -> dict[str, dict[str, Any]]:
    reply = requests.post(
        apis.ashby.base_url + "/candidate.list", json={"limit": 100}, auth=(KEY, ""), timeout=5
    ).json()
    return {r["id"]: r for r in reply["results"]}


# ----- part 1: the clients against the fakes --------------------------------------------------


def test_greenhouse_anonymise_then_lists_serve_the_anonymised_candidate(apis):
    client = gh_client(apis)
    outcome = greenhouse_erasure.erase_candidate(client, str(GH_ID))
    assert (outcome.status, outcome.reason) == (STATUS_DONE, REASON_ANONYMIZED)
    listed = gh_listed(apis)
    person, other = listed[str(GH_ID)], listed[str(GH_OTHER)]
    assert (person["first_name"], person["last_name"]) == ("Anonymized", str(GH_ID))
    assert person["email_addresses"] == [] and person["phone_numbers"] == []
    assert not any(p.lower() in json.dumps(person).lower() for p in PERSONAL)
    assert other["email_addresses"], "the other candidate keeps their data"
    # The request carried the documented field list, nothing about the person.
    assert apis.greenhouse.erasure_log == [("PATCH", str(GH_ID))]
    # Unknown id: 404 is "nothing left under this id", not a failure.
    gone = greenhouse_erasure.erase_candidate(client, "4199999")
    assert (gone.status, gone.reason) == (STATUS_DONE, REASON_ALREADY_GONE)


def test_greenhouse_delete_removes_the_candidate_and_their_applications(apis):
    outcome = greenhouse_erasure.erase_candidate(
        gh_client(apis), str(GH_ID), greenhouse_erasure.MODE_DELETE
    )
    assert (outcome.status, outcome.reason, outcome.detail) == (
        STATUS_DONE,
        REASON_DELETED,
        "HTTP 204",
    )
    assert set(gh_listed(apis)) == {str(GH_OTHER)}
    assert {str(a["candidate_id"]) for a in gh_listed(apis, "applications").values()} == {
        str(GH_OTHER)
    }


def test_greenhouse_refusals_become_manual_actions_and_outages_stay_pending(apis):
    client = gh_client(apis)
    apis.greenhouse.scopes.discard(greenhouse_erasure.SCOPE_ANONYMIZE)
    refused = greenhouse_erasure.erase_candidate(client, str(GH_ID))
    assert (refused.status, refused.reason, refused.detail) == (
        STATUS_MANUAL,
        REASON_REFUSED,
        "HTTP 403",
    )
    assert str(GH_ID) in refused.manual_action
    assert greenhouse_erasure.SCOPE_ANONYMIZE in refused.manual_action
    apis.greenhouse.scopes.add(greenhouse_erasure.SCOPE_ANONYMIZE)
    # A field name Greenhouse does not know: 422, a person must look.
    bad = greenhouse_erasure.erase_candidate(client, str(GH_ID), fields=("shoe_size",))
    assert (bad.status, bad.reason, bad.detail) == (STATUS_MANUAL, REASON_REFUSED, "HTTP 422")
    # A 5xx on every attempt: pending (retried on the next run), and nothing changed.
    apis.greenhouse.inject_faults(["503", "503"])
    down = greenhouse_erasure.erase_candidate(client, str(GH_ID))
    assert (down.status, down.reason) == (STATUS_PENDING, REASON_SOURCE_ERROR)
    assert "HTTP 503" in down.detail
    assert gh_listed(apis)[str(GH_ID)]["email_addresses"]
    with pytest.raises(ValueError, match="not a Greenhouse candidate id"):
        greenhouse_erasure.erase_candidate(client, "../jobs")


def test_ashby_anonymise_and_its_documented_refusal(apis):
    client = ashby.make_client(api_key=KEY, base_url=apis.ashby.base_url, retry=FAST)
    apis.ashby.candidates_with_active_applications.add(ASHBY_ID)
    active = ashby_erasure.anonymize_candidate(client, ASHBY_ID)
    assert (active.status, active.reason) == (STATUS_MANUAL, REASON_REFUSED)
    assert "candidate_has_active_applications" in active.detail
    assert ASHBY_ID in active.manual_action and "archive" in active.manual_action
    assert ashby_listed(apis)[ASHBY_ID]["name"] == " ".join(NAME)

    apis.ashby.candidates_with_active_applications.clear()
    done = ashby_erasure.anonymize_candidate(client, ASHBY_ID)
    assert (done.status, done.reason) == (STATUS_DONE, REASON_ANONYMIZED)
    listed = ashby_listed(apis)
    assert listed[ASHBY_ID]["name"] is None and listed[ASHBY_ID]["emailAddresses"] == []
    assert not any(p.lower() in json.dumps(listed[ASHBY_ID]).lower() for p in PERSONAL)
    assert listed[ASHBY_OTHER]["name"] == "Other Person"
    # Not found is not taken as done: Ashby answers it also when the key may not see the
    # candidate.
    unknown = ashby_erasure.anonymize_candidate(client, "no-such-candidate")
    assert unknown.status == STATUS_MANUAL and "candidate_not_found" in unknown.detail
    apis.ashby.key_permissions.discard("candidatesWrite")
    lacking = ashby_erasure.anonymize_candidate(client, ASHBY_OTHER)
    assert lacking.status == STATUS_MANUAL and "missing_endpoint_permission" in lacking.detail


def test_lever_has_no_erase_call_but_confirms_a_manual_anonymisation(apis):
    client = lever.make_client(api_key=KEY, base_url=apis.lever.base_url, retry=FAST)
    action = lever_erasure.manual_action(LEVER_OPP, LEVER_CONTACT)
    assert (action.status, action.reason) == (STATUS_MANUAL, REASON_NO_API)
    assert LEVER_OPP in action.manual_action and LEVER_CONTACT in action.manual_action
    assert lever_erasure.confirm_erased(client, LEVER_OPP) is None  # still holds the person
    assert apis.lever.anonymize_contact(LEVER_CONTACT) == 1  # a Lever user did it in the UI
    confirmed = lever_erasure.confirm_erased(client, LEVER_OPP)
    assert (confirmed.status, confirmed.reason) == (STATUS_DONE, REASON_CONFIRMED)
    assert lever_erasure.confirm_erased(client, LEVER_OTHER) is None
    assert lever_erasure.confirm_erased(client, "no-such-opportunity").status == STATUS_DONE
    wrong_key = lever.make_client(api_key="wrong", base_url=apis.lever.base_url, retry=FAST)
    assert lever_erasure.confirm_erased(wrong_key, LEVER_OPP) is None  # unknown: stays open


# ----- part 2: `erase` on a real database, then upstream -------------------------------------


def build_database(db: Path) -> None:
    """The copies a sync and identity run leave: raw records, identifiers, the identity map."""
    con = duckdb.connect(str(db))
    for schema in ("raw", "identity", "crm"):
        con.execute(f"create schema {schema}")
    raw = "(_source varchar, _source_record_id varchar, _record json, _batch_id varchar)"
    tables = {
        "raw.greenhouse_candidates": ("greenhouse", gh_records()),
        "raw.lever_opportunities": ("lever", lever_records()),
        "raw.ashby_candidates": ("ashby", ashby_records()),
    }
    for table, (source, records) in tables.items():
        con.execute(f"create table {table} {raw}")
        for record in records:
            con.execute(
                f"insert into {table} values (?, ?, ?, 'b1')",
                [source, str(record["id"]), json.dumps(record)],
            )
    keys = {
        "ct_person": [
            f"greenhouse:candidates:{GH_ID}",
            f"lever:opportunities:{LEVER_OPP}",
            f"ashby:candidates:{ASHBY_ID}",
        ],
        "ct_other": [
            f"greenhouse:candidates:{GH_OTHER}",
            f"lever:opportunities:{LEVER_OTHER}",
            f"ashby:candidates:{ASHBY_OTHER}",
        ],
    }
    con.execute("create table identity.identity_map (record_key varchar, contact_id varchar)")
    con.execute(
        "create table identity.record_identifiers "
        "(record_key varchar, kind varchar, value varchar, is_evidence boolean)"
    )
    for contact, record_keys in keys.items():
        for key in record_keys:
            con.execute("insert into identity.identity_map values (?, ?)", [key, contact])
    con.execute(
        "insert into identity.record_identifiers values (?, 'email', ?, true)",
        [f"greenhouse:candidates:{GH_ID}", EMAIL],
    )
    con.execute("create table crm.contacts (contact_id varchar, full_name varchar, email varchar)")
    con.execute(
        "insert into crm.contacts values ('ct_person', ?, ?), ('ct_other', 'Other Person', "
        "'other.person@example.org')",
        [" ".join(NAME), EMAIL],
    )
    con.close()


@pytest.fixture()
def env(apis, tmp_path, monkeypatch) -> dict[str, Any]:
    """A private data dir and database, the fakes' credentials, fast clients, writes on."""
    data = tmp_path / "data"
    data.mkdir()
    db = data / "talent_crm.duckdb"
    build_database(db)
    monkeypatch.setenv("TALENT_CRM_DATA_DIR", str(data))
    monkeypatch.setenv("TALENT_CRM_DB", str(db))
    monkeypatch.setenv("TALENT_CRM_PEPPER", PEPPER)
    monkeypatch.setenv("TALENT_CRM_ATS_WRITES", "1")
    monkeypatch.delenv("GREENHOUSE_ERASURE_MODE", raising=False)
    for name, value in apis.env().items():
        monkeypatch.setenv(name, value)
    faults: dict[str, list[str]] = {}
    real = upstream.default_clients

    def fast_clients() -> dict[str, Any]:
        """The real clients from the environment, with quick retries; queued faults are
        injected once the Greenhouse token is minted, so they hit the erasure call."""

        def wrap(system: str, make: Any) -> Any:
            def build() -> Any:
                client = make()
                client.retry = FAST
                if hasattr(client.auth, "token"):
                    client.auth.token()
                apis.servers[system].inject_faults(faults.pop(system, []))
                return client

            return build

        return {system: wrap(system, make) for system, make in real().items()}

    monkeypatch.setattr(upstream, "default_clients", fast_clients)
    logged = _LogCapture()
    logging.getLogger().addHandler(logged)
    try:
        yield {"db": db, "data": data, "faults": faults, "log": logged}
    finally:
        logging.getLogger().removeHandler(logged)


class _LogCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def ledger(db: Path) -> tuple[list[tuple], list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        audit = con.execute(
            "select audit_id, action, subject_hash, upstream::varchar from gdpr.audit_log"
        ).fetchall()
        requests_ = con.execute(
            "select * from gdpr.upstream_erasure_requests order by system, ats_record_id"
        ).fetchall()
        return audit, requests_
    finally:
        con.close()


def assert_no_personal_data(*texts: Any) -> None:
    blob = json.dumps(texts, default=str).lower()
    for needle in PERSONAL:
        assert needle.lower() not in blob, "personal data leaked"


def by_system(results) -> dict[str, Any]:
    return {r.system: r for r in results}


def test_erase_carries_to_every_ats_and_a_failed_call_completes_on_the_next_run(env, apis):
    env["faults"]["greenhouse"] = ["503", "503"]  # Greenhouse down during the erasure
    report = erase(env["db"], env["data"], action="erasure", now=NOW, emails=[EMAIL])

    # The local erasure is complete whatever the vendors did.
    assert report.contacts_removed == 1 and report.read_copy_published
    con = duckdb.connect(str(env["db"]), read_only=True)
    assert con.execute("select count(*) from raw.greenhouse_candidates").fetchall() == [(1,)]
    con.close()

    first = by_system(report.upstream)
    assert set(first) == {"greenhouse", "lever", "ashby"}
    assert (first["greenhouse"].status, first["greenhouse"].reason) == (
        STATUS_PENDING,
        REASON_SOURCE_ERROR,
    )
    assert (first["ashby"].status, first["ashby"].reason) == (STATUS_DONE, REASON_ANONYMIZED)
    assert (first["lever"].status, first["lever"].reason) == (STATUS_MANUAL, REASON_NO_API)
    assert LEVER_CONTACT in first["lever"].manual_action
    assert ashby_listed(apis)[ASHBY_ID]["name"] is None
    assert gh_listed(apis)[str(GH_ID)]["email_addresses"], "Greenhouse was down"

    audit, reqs = ledger(env["db"])
    ((audit_id, action, _, summary),) = audit
    assert action == "erasure" and audit_id == report.audit_id
    assert {(e["system"], e["status"]) for e in json.loads(summary)} == {
        ("greenhouse", STATUS_PENDING),
        ("lever", STATUS_MANUAL),
        ("ashby", STATUS_DONE),
    }
    assert {r[5] for r in reqs} == {str(GH_ID), LEVER_OPP, ASHBY_ID}, "the other person stays"

    # The next run (here the command an operator or the nightly purge runs) completes it.
    second = by_system(upstream.process_pending(env["db"], NOW))
    assert (second["greenhouse"].status, second["greenhouse"].reason) == (
        STATUS_DONE,
        REASON_ANONYMIZED,
    )
    assert "ashby" not in second, "done requests are not sent again"
    person = gh_listed(apis)[str(GH_ID)]
    assert person["email_addresses"] == [] and person["first_name"] == "Anonymized"
    assert apis.ashby.erasure_log == [ASHBY_ID] and len(apis.greenhouse.erasure_log) == 1

    # Lever: a person anonymises in Lever; the next pass confirms it through the API.
    assert second["lever"].status == STATUS_MANUAL
    apis.lever.anonymize_contact(LEVER_CONTACT)
    third = by_system(upstream.process_pending(env["db"], NOW))
    assert (third["lever"].status, third["lever"].reason) == (STATUS_DONE, REASON_CONFIRMED)
    assert upstream.open_requests(env["db"]) == []
    audit, reqs = ledger(env["db"])
    assert {e["status"] for e in json.loads(audit[0][3])} == {STATUS_DONE}
    # Attempts are counted per request; none of the ledgers holds personal data.
    attempts = {r[3]: r[12] for r in reqs}
    assert attempts == {"greenhouse": 2, "lever": 3, "ashby": 1}
    assert_no_personal_data(audit, reqs, env["log"].lines, apis.greenhouse.request_log)
    assert_no_personal_data([r.line() for r in report.upstream])


def test_writes_disabled_sends_nothing_until_enabled_and_the_cli_says_so(
    env, apis, monkeypatch, capsys
):
    monkeypatch.delenv("TALENT_CRM_ATS_WRITES")
    assert cli.main(["gdpr", "erase", "--email", EMAIL]) == 0
    out = capsys.readouterr().out
    assert "ATS writes are disabled" in out and "TALENT_CRM_ATS_WRITES=1" in out
    assert f"greenhouse candidate {GH_ID}: pending ({REASON_WRITES_DISABLED})" in out
    assert f"ashby candidate {ASHBY_ID}: pending ({REASON_WRITES_DISABLED})" in out
    assert f"lever opportunity {LEVER_OPP}: manual ({REASON_NO_API})" in out
    assert apis.greenhouse.erasure_log == [] and apis.ashby.erasure_log == []
    assert not [p for m, p, _ in apis.greenhouse.request_log if m != "GET" and "/v3/" in p]
    assert gh_listed(apis)[str(GH_ID)]["email_addresses"]

    monkeypatch.setenv("TALENT_CRM_ATS_WRITES", "1")
    apis.lever.anonymize_contact(LEVER_CONTACT)
    assert cli.main(["gdpr", "upstream"]) == 0  # nothing left open
    out += capsys.readouterr().out
    assert f"greenhouse candidate {GH_ID}: done ({REASON_ANONYMIZED})" in out
    assert f"ashby candidate {ASHBY_ID}: done ({REASON_ANONYMIZED})" in out
    assert f"lever opportunity {LEVER_OPP}: done ({REASON_CONFIRMED})" in out
    assert gh_listed(apis)[str(GH_ID)]["email_addresses"] == []
    assert_no_personal_data(out, ledger(env["db"]), env["log"].lines)


def test_sources_without_credentials_are_manual_not_connected_until_connected(
    env, apis, monkeypatch
):
    for name in ("ASHBY_API_KEY", "LEVER_API_KEY", "GREENHOUSE_CLIENT_ID"):
        monkeypatch.delenv(name)
    report = erase(env["db"], env["data"], action="erasure", now=NOW, emails=[EMAIL])
    results = by_system(report.upstream)
    assert {r.reason for r in results.values()} == {REASON_NOT_CONNECTED}
    assert {r.status for r in results.values()} == {STATUS_MANUAL}
    assert "ASHBY_API_KEY" in results["ashby"].manual_action
    assert str(GH_ID) in results["greenhouse"].manual_action
    # Connected later: the next run does it.
    monkeypatch.setenv("ASHBY_API_KEY", KEY)
    monkeypatch.setenv("GREENHOUSE_CLIENT_ID", apis.greenhouse.env()["GREENHOUSE_CLIENT_ID"])
    later = by_system(upstream.process_pending(env["db"], NOW))
    assert later["ashby"].status == STATUS_DONE and later["greenhouse"].status == STATUS_DONE
    assert later["lever"].reason == REASON_NOT_CONNECTED


def test_a_refusal_waits_for_a_person_and_retry_manual_sends_it_again(env, apis):
    apis.ashby.candidates_with_active_applications.add(ASHBY_ID)
    report = erase(env["db"], env["data"], action="erasure", now=NOW, emails=[EMAIL])
    assert by_system(report.upstream)["ashby"].status == STATUS_MANUAL
    assert "ashby" not in by_system(upstream.process_pending(env["db"], NOW))
    apis.ashby.candidates_with_active_applications.clear()  # someone archived the application
    retried = by_system(upstream.process_pending(env["db"], NOW, retry_manual=True))
    assert retried["ashby"].status == STATUS_DONE
    assert apis.ashby.erasure_log == [ASHBY_ID]


def test_greenhouse_delete_mode_and_source_deletions_are_not_sent_back(env, apis, monkeypatch):
    monkeypatch.setenv("GREENHOUSE_ERASURE_MODE", "delete")
    report = erase(env["db"], env["data"], action="erasure", now=NOW, emails=[EMAIL])
    assert by_system(report.upstream)["greenhouse"].reason == REASON_DELETED
    assert set(gh_listed(apis)) == {str(GH_OTHER)}
    # A source's own deletion signal erased locally is not carried back to any source.
    echo = erase(
        env["db"],
        env["data"],
        action="source_deletion_signal",
        now=NOW,
        suppress=False,
        record_keys=[f"ashby:candidates:{ASHBY_OTHER}"],
    )
    assert echo.upstream == [] and ASHBY_OTHER not in apis.ashby.erasure_log
    monkeypatch.setenv("GREENHOUSE_ERASURE_MODE", "shred")
    with pytest.raises(ValueError, match="GREENHOUSE_ERASURE_MODE"):
        upstream.process_pending(env["db"], NOW, retry_manual=True)


def test_a_source_failing_in_a_pass_is_not_asked_again_until_the_next_run(env, apis):
    env["faults"]["greenhouse"] = ["503", "503"]
    report = erase(
        env["db"], env["data"], action="erasure", now=NOW, contact_ids=["ct_person", "ct_other"]
    )
    greenhouse_results = {r.record_id: r for r in report.upstream if r.system == "greenhouse"}
    assert set(greenhouse_results) == {str(GH_ID), str(GH_OTHER)}
    asked = [r for r in greenhouse_results.values() if r.attempted]
    waiting = [r for r in greenhouse_results.values() if not r.attempted]
    assert len(asked) == 1 and asked[0].reason == REASON_SOURCE_ERROR
    assert len(waiting) == 1 and waiting[0].reason == upstream.REASON_REQUESTED
    patches = [p for m, p, _ in apis.greenhouse.request_log if m == "PATCH"]
    assert len(patches) == 2, "two attempts (FAST retry) for the first, none for the second"
    retried = upstream.process_pending(env["db"], NOW)
    assert {r.record_id for r in retried if r.system == "greenhouse" and r.status == "done"} == {
        str(GH_ID),
        str(GH_OTHER),
    }


def test_people_the_crm_pushed_into_an_ats_are_erased_there_before_the_next_sync(
    tmp_path: Path,
) -> None:
    # Pushed into Greenhouse and Lever, erased before a sync landed those records: the ids
    # come from the push ledger, not from the landed copies.
    from datetime import datetime

    import duckdb

    from orchestration.conversion import ledger
    from orchestration.gdpr import upstream

    con = duckdb.connect(str(tmp_path / "crm.duckdb"))
    ledger.ensure_table(con)
    now = datetime(2026, 11, 20)
    pushes = (
        ("greenhouse:7", "c1", "greenhouse", "9001", "5001"),
        ("lever:p1", "c1", "lever", "contact-77", "opp-88"),
        ("ashby:j", "c2", "ashby", "a-1", "app-1"),  # someone else
    )
    for req, contact, system, candidate_id, application_id in pushes:
        key = ledger.push_key(req, contact)
        ledger.record_attempt(
            con,
            key,
            req_id=req,
            contact_id=contact,
            system=system,
            job_id="job",
            status="planned",
            reason=None,
            reviewer=None,
            decided_at=None,
            now=now,
        )
        ledger.record_pushed(
            con,
            key,
            candidate_id=candidate_id,
            application_id=application_id,
            candidate_reused=False,
            application_reused=False,
            now=now,
        )
    targets = upstream.collect_targets(con, [], {"c1"})
    assert sorted((t.system, t.record_type, t.record_id, t.person_id) for t in targets) == [
        ("greenhouse", "candidate", "9001", None),
        ("lever", "opportunity", "opp-88", "contact-77"),
    ]
