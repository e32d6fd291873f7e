"""The sample-market generator: determinism, ground-truth completeness, wire formats, and the
realistic messiness (gmail spellings, namesakes, shared mailboxes, CSV dialects) dedup needs."""

from __future__ import annotations

import csv
import json
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ingest.sample.market import generate_market
from ingest.sample.market.clock import Clock
from ingest.sample.market.ground_truth import read_ground_truth
from ingest.sample.market.people import MAILBOX_RECYCLE_GAP, PeopleFactory
from ingest.sample.market.work import AGENCIES, ROLE_MAILBOX_PREFIXES

CONTACTS = 300
SEED = 7
AS_OF = date(2026, 11, 1)
ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
ISO_S = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
AS_OF_MS = 1_793_491_200_000  # 2026-11-01T00:00:00Z


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("market")
    summary = generate_market(out, contacts=CONTACTS, seed=SEED, as_of=AS_OF)
    assert summary["total_source_records"] > 0
    return out


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _manifest(market: Path) -> dict[str, Any]:
    return json.loads((market / "manifest.json").read_text(encoding="utf-8"))


def _csv_files(market: Path) -> Iterator[tuple[str, Path, list[dict[str, str]]]]:
    """(feed folder, path, rows) for every drop CSV, read in the dialect the manifest states."""
    for entry in _manifest(market)["files"]:
        if not entry["path"].startswith("drop/"):
            continue
        path = market / entry["path"]
        with open(path, encoding=entry["encoding"], newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter=entry["delimiter"]))
        yield entry["path"].split("/")[1], path, rows


def _all_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _fold_email(raw: str) -> str:
    local, _, domain = raw.strip().lower().partition("@")
    if domain in ("gmail.com", "googlemail.com"):
        return local.split("+", 1)[0].replace(".", "") + "@gmail.com"
    return f"{local}@{domain}"


def _person_records(market: Path) -> dict[tuple[str, str, str], list[str]]:
    """(source, entity, record id) -> raw emails found in that record."""
    records: dict[tuple[str, str, str], list[str]] = {}
    for c in _jsonl(market / "greenhouse/candidates.jsonl"):
        records[("greenhouse", "candidates", str(c["id"]))] = [
            e["value"] for e in c["email_addresses"]
        ]
    for a in _jsonl(market / "greenhouse/applications.jsonl"):
        records[("greenhouse", "applications", str(a["id"]))] = []
    for o in _jsonl(market / "lever/opportunities.jsonl"):
        records[("lever", "opportunities", o["id"])] = list(o["emails"])
    for c in _jsonl(market / "ashby/candidates.jsonl"):
        records[("ashby", "candidates", c["id"])] = [e["value"] for e in c["emailAddresses"]]
    for a in _jsonl(market / "eventbrite/attendees.jsonl"):
        records[("eventbrite", "attendees", a["id"])] = [a["profile"]["email"]]
    for p in _jsonl(market / "pdl/enrichment.jsonl"):
        data = p["response"]["data"]
        records[("pdl", "enrichment", data["id"])] = [e["address"] for e in data["emails"]]
    entities = {
        "events": "signups",
        "sourcing": "profiles",
        "outreach": "events",
        "hris": "employees",
    }
    email_columns = (
        "Email",
        "E-mail Address",
        "email_address",
        "E-Mail",
        "contact_email",
        "Personal Email",
        "Work Email",
    )
    for feed, path, rows in _csv_files(market):
        for number, row in enumerate(rows, start=1):
            emails = [row[c] for c in email_columns if row.get(c)]
            records[(feed, entities[feed], f"{path.name}:{number}")] = emails
    return records


def test_same_seed_is_byte_identical_and_other_seed_differs(market: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate_market(again, contacts=CONTACTS, seed=SEED, as_of=AS_OF)
    first, second = _all_files(market), _all_files(again)
    assert sorted(first) == sorted(second)
    for name in first:
        assert first[name] == second[name], name

    other = tmp_path / "other"
    generate_market(other, contacts=CONTACTS, seed=SEED + 1, as_of=AS_OF)
    third = _all_files(other)
    assert third["ground_truth.csv"] != first["ground_truth.csv"]
    assert third["greenhouse/candidates.jsonl"] != first["greenhouse/candidates.jsonl"]


def test_rerun_into_same_folder_leaves_no_stale_files(tmp_path: Path) -> None:
    generate_market(tmp_path, contacts=40, seed=1, as_of=AS_OF)
    generate_market(tmp_path, contacts=40, seed=2, as_of=AS_OF)
    listed = {e["path"] for e in _manifest(tmp_path)["files"]}
    on_disk = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert on_disk - listed == {"manifest.json"}


def test_every_record_in_ground_truth_exactly_once(market: Path) -> None:
    rows = read_ground_truth(market / "ground_truth.csv")
    keys = [(s, e, r) for s, e, r, _p in rows]
    assert len(keys) == len(set(keys)), "a record is listed twice"
    records = _person_records(market)
    missing, dangling = set(records) - set(keys), set(keys) - set(records)
    assert not missing and not dangling, (sorted(missing)[:3], sorted(dangling)[:3])
    people = {p for *_k, p in rows}
    assert len(people) == CONTACTS  # everybody left at least one trace
    assert all(re.fullmatch(r"P\d{7}", p) for p in people)
    manifest = _manifest(market)
    assert manifest["person_records"] == len(rows)
    assert manifest["total_source_records"] == sum(manifest["record_counts"].values())
    # Realistic volume: a person leaves 2-3 source records on average.
    assert 2.0 <= len(rows) / CONTACTS <= 3.0


def test_greenhouse_wire_format(market: Path) -> None:
    """Harvest v3 objects: nothing embedded, flat ids that all resolve to the v3 lists."""
    gh = market / "greenhouse"
    candidates = _jsonl(gh / "candidates.jsonl")
    applications = {a["id"]: a for a in _jsonl(gh / "applications.jsonl")}
    jobs = {j["id"]: j for j in _jsonl(gh / "jobs.jsonl")}
    lists = {
        name: {r["id"]: r for r in _jsonl(gh / f"{name}.jsonl")}
        for name in (
            "rejection_reasons",
            "sources",
            "departments",
            "offices",
            "users",
            "job_interview_stages",
            "custom_fields",
            "prospect_pools",
        )
    }
    cand_keys = {
        "id",
        "first_name",
        "last_name",
        "company",
        "title",
        "created_at",
        "updated_at",
        "last_activity_at",
        "private",
        "can_email",
        "tags",
        "email_addresses",
        "phone_numbers",
        "social_media_addresses",
        "website_addresses",
        "addresses",
        "custom_fields",
    }
    v1_only = {"applications", "application_ids", "is_private", "last_activity", "recruiter"}
    candidate_ids = set()
    for c in candidates:
        assert cand_keys <= c.keys() and not v1_only & c.keys()
        assert isinstance(c["id"], int)
        candidate_ids.add(c["id"])
        for key in ("created_at", "updated_at", "last_activity_at"):
            assert ISO_MS.match(c[key]), c[key]
        assert all(e["type"] in ("personal", "work", "other") for e in c["email_addresses"])
        assert all(
            p["type"] in ("home", "work", "mobile", "skype", "other") for p in c["phone_numbers"]
        )
        assert all({"name", "type", "value"} <= f.keys() for f in c["custom_fields"].values())
        assert c["recruiter_id"] is None or c["recruiter_id"] in lists["users"]
    assert any(not c["tags"] for c in candidates)
    assert any(not c["can_email"] for c in candidates)
    app_keys = {
        "id",
        "candidate_id",
        "job_id",
        "prospect",
        "status",
        "stage_id",
        "stage_name",
        "created_at",
        "updated_at",
        "last_activity_at",
        "rejected_at",
        "rejection_reason_id",
        "source_id",
        "referrer_id",
        "recruiter_id",
        "prospective_job_ids",
    }
    statuses = set()
    for a in applications.values():
        assert app_keys <= a.keys()
        assert not {"jobs", "current_stage", "rejection_reason", "source", "applied_at"} & a.keys()
        assert a["candidate_id"] in candidate_ids
        # v3 responses say in_process where v1 said active.
        assert a["status"] in ("in_process", "rejected", "hired", "converted")
        statuses.add(a["status"])
        assert ISO_MS.match(a["created_at"]) and ISO_MS.match(a["last_activity_at"])
        assert a["source_id"] in lists["sources"]
        assert a["job_id"] is None or a["job_id"] in jobs
        if a["stage_id"] is not None:
            stage = lists["job_interview_stages"][a["stage_id"]]
            assert stage["job_id"] == a["job_id"] and stage["name"] == a["stage_name"]
        if a["status"] == "rejected":
            assert ISO_S.match(a["rejected_at"]) or ISO_MS.match(a["rejected_at"])
            assert a["rejection_reason_id"] in lists["rejection_reasons"]
        else:
            assert a["rejection_reason_id"] is None
    assert statuses == {"in_process", "rejected", "hired", "converted"}
    reasons = lists["rejection_reasons"]
    assert all({"id", "name", "type"} <= r.keys() for r in reasons.values())
    assert {r["type"]["key"] for r in reasons.values()} == {
        "WE_REJECTED_THEM",
        "THEY_REJECTED_US",
        "NONE_SPECIFIED",
    }
    # The built-in reasons are the ones v3 hides without include_defaults=true; the fake
    # server reads this marker and strips it.
    hidden = {rid for rid, r in reasons.items() if r.get("_sample_hidden_unless")}
    assert hidden and hidden != set(reasons)
    assert {r["_sample_hidden_unless"] for rid, r in reasons.items() if rid in hidden} == {
        "include_defaults"
    }
    silver = [
        a
        for a in applications.values()
        if a["status"] == "rejected"
        and a["stage_name"] in ("Onsite", "Final Interview")
        and reasons[a["rejection_reason_id"]]["name"]
        in ("Hired another candidate", "Position filled")
    ]
    assert silver, "no silver medalists"
    # Rejection details and stage history are their own lists, keyed by application.
    details = _jsonl(gh / "rejection_details.jsonl")
    rejected = {a["id"] for a in applications.values() if a["status"] == "rejected"}
    assert {d["application_id"] for d in details} == rejected
    for d in details:
        assert d["rejection_reason_id"] == applications[d["application_id"]]["rejection_reason_id"]
    reached: dict[int, set[int]] = defaultdict(set)
    for row in _jsonl(gh / "application_stages.jsonl"):
        assert row["application_id"] in applications
        assert row["job_interview_stage_id"] in lists["job_interview_stages"]
        assert ISO_MS.match(row["entered_at"])
        reached[row["application_id"]].add(row["job_interview_stage_id"])
    for a in silver:
        assert a["stage_id"] in reached[a["id"]], "the final round is in the stage history"
    pools = lists["prospect_pools"]
    for row in _jsonl(gh / "prospect_details.jsonl"):
        assert applications[row["application_id"]]["prospect"] is True
        assert row["prospect_pool_id"] in pools
    users = lists["users"].values()
    assert any(u.get("site_admin") for u in users)
    assert any(u.get("_sample_hidden_unless") == "show_service_accounts" for u in users)
    job_keys = {
        "id",
        "name",
        "requisition_id",
        "status",
        "confidential",
        "created_at",
        "opened_at",
        "closed_at",
        "updated_at",
        "department_id",
        "office_ids",
        "custom_fields",
    }
    field_keys = {f["name_key"] for f in lists["custom_fields"].values()}
    for job in jobs.values():
        assert job_keys <= job.keys()
        assert not {"departments", "offices", "openings", "hiring_team"} & job.keys()
        assert job["status"] in ("open", "closed", "draft")
        assert job["department_id"] in lists["departments"]
        assert job["office_ids"] and all(o in lists["offices"] for o in job["office_ids"])
        assert set(job["custom_fields"]) <= field_keys
        assert isinstance(job["custom_fields"]["required_skills"]["value"], list)
        assert (job["closed_at"] is None) == (job["status"] != "closed")
    assert {j["status"] for j in jobs.values()} == {"open", "closed", "draft"}
    # Every hire came through a req that was open before they applied; a req that is open
    # again after a hire is a re-opened (backfilled) req.
    hires = [a for a in applications.values() if a["status"] == "hired"]
    assert hires
    for a in hires:
        job = jobs[a["job_id"]]
        assert job["opened_at"] is not None and job["opened_at"] < a["created_at"]
    assert any(jobs[a["job_id"]]["status"] == "open" for a in hires), "no re-opened req"


def test_lever_wire_format(market: Path) -> None:
    opportunities = _jsonl(market / "lever/opportunities.jsonl")
    reasons = {r["id"]: r for r in _jsonl(market / "lever/archive_reasons.jsonl")}
    assert {r["type"] for r in reasons.values()} == {"hired", "non-hired"}
    keys = {
        "id",
        "name",
        "contact",
        "headline",
        "stage",
        "emails",
        "phones",
        "links",
        "tags",
        "sources",
        "origin",
        "archived",
        "applications",
        "createdAt",
        "updatedAt",
        "lastInteractionAt",
        "isAnonymized",
        "dataProtection",
    }
    contacts: dict[str, int] = defaultdict(int)
    for o in opportunities:
        assert keys <= o.keys()
        assert UUID.match(o["id"]) and UUID.match(o["contact"])
        for key in ("createdAt", "updatedAt", "lastInteractionAt"):
            assert isinstance(o[key], int) and 1_400_000_000_000 < o[key] < AS_OF_MS
        assert o["origin"] in ("sourced", "applied", "referred", "agency")
        if o["archived"] is not None:
            assert o["archived"]["reason"] in reasons
            assert isinstance(o["archived"]["archivedAt"], int)
        assert all({"type", "value"} <= p.keys() for p in o["phones"])
        contacts[o["contact"]] += 1
    assert max(contacts.values()) >= 2, "no contact with several opportunities"
    for posting in _jsonl(market / "lever/postings.jsonl"):
        assert {"id", "text", "state", "categories", "createdAt", "updatedAt"} <= posting.keys()
        assert posting["state"] in ("published", "internal", "closed", "draft", "pending")
        assert {"team", "department", "location", "commitment", "level"} == set(
            posting["categories"]
        )


def test_ashby_wire_format(market: Path) -> None:
    keys = {
        "id",
        "name",
        "primaryEmailAddress",
        "emailAddresses",
        "phoneNumbers",
        "socialLinks",
        "tags",
        "position",
        "company",
        "applicationIds",
        "createdAt",
        "updatedAt",
    }
    for c in _jsonl(market / "ashby/candidates.jsonl"):
        assert keys <= c.keys()
        assert ISO_MS.match(c["createdAt"]) and ISO_MS.match(c["updatedAt"])
        if c["primaryEmailAddress"] is not None:
            assert {"value", "type", "isPrimary"} == set(c["primaryEmailAddress"])
        assert all({"id", "title"} <= t.keys() for t in c["tags"])
        assert all({"url", "type"} <= s.keys() for s in c["socialLinks"])
    assert all({"id", "title", "status"} <= j.keys() for j in _jsonl(market / "ashby/jobs.jsonl"))


def test_eventbrite_wire_format_and_buyer_problem(market: Path) -> None:
    events = {e["id"]: e for e in _jsonl(market / "eventbrite/events.jsonl")}
    assert sorted(events) == sorted(_manifest(market)["eventbrite_event_ids"])
    attendees = _jsonl(market / "eventbrite/attendees.jsonl")
    truth = {
        r: p for s, _e, r, p in read_ground_truth(market / "ground_truth.csv") if s == "eventbrite"
    }
    keys = {
        "id",
        "created",
        "changed",
        "event_id",
        "order_id",
        "ticket_class_name",
        "profile",
        "answers",
        "checked_in",
        "cancelled",
        "refunded",
        "status",
    }
    orders: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in attendees:
        assert keys <= a.keys()
        assert a["event_id"] in events
        assert ISO_S.match(a["created"]) and ISO_S.match(a["changed"])
        assert {"first_name", "last_name", "email", "name", "job_title", "company"} <= set(
            a["profile"]
        )
        assert all({"question_id", "question", "type"} <= q.keys() for q in a["answers"])
        orders[a["order_id"]].append(a)
    questions = {q["question"] for a in attendees for q in a["answers"]}
    assert "Graduation year" in questions
    multi = [rows for rows in orders.values() if len(rows) > 1]
    assert multi, "no multi-ticket orders"
    for rows in multi:
        assert len({json.dumps(r["profile"], sort_keys=True) for r in rows}) == 1
        assert len({truth[r["id"]] for r in rows}) == len(rows)  # different real attendees


def test_pdl_responses(market: Path) -> None:
    changed_job = 0
    gh_company: dict[str, set[str]] = defaultdict(set)
    by_id = {c["id"]: c for c in _jsonl(market / "greenhouse/candidates.jsonl")}
    truth = read_ground_truth(market / "ground_truth.csv")
    for s, e, r, p in truth:
        if (s, e) == ("greenhouse", "candidates") and by_id[int(r)]["company"]:
            gh_company[p].add(by_id[int(r)]["company"].lower())
    pdl_person = {r: p for s, _e, r, p in truth if s == "pdl"}
    for line in _jsonl(market / "pdl/enrichment.jsonl"):
        assert set(line["keys"]) == {"email", "profile", "name_company"}
        response = line["response"]
        assert response["status"] == 200 and 1 <= response["likelihood"] <= 10
        data = response["data"]
        for key in (
            "id",
            "full_name",
            "job_title",
            "job_company_name",
            "job_start_date",
            "location_name",
            "linkedin_url",
            "work_email",
            "emails",
        ):
            assert key in data
        if data["job_start_date"] is not None:
            assert re.fullmatch(r"\d{4}-\d{2}", data["job_start_date"])
        person = pdl_person[data["id"]]
        if gh_company[person] and data["job_company_name"] not in gh_company[person]:
            changed_job += 1
    assert changed_job > 0, "PDL never shows a newer job than the ATS"


def test_gmail_spellings_fold_to_one_mailbox(market: Path) -> None:
    records = _person_records(market)
    spellings: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s, e, r, person in read_ground_truth(market / "ground_truth.csv"):
        for raw in records[(s, e, r)]:
            folded = _fold_email(raw)
            if folded.endswith("@gmail.com"):
                spellings[(person, folded)].add(raw)
    varied = [raws for raws in spellings.values() if len(raws) >= 2]
    assert len(varied) >= 5
    all_raw = {raw for raws in varied for raw in raws}
    assert any("+" in raw for raw in all_raw)
    assert any("googlemail.com" in raw.lower() for raw in all_raw)
    assert any(raw != raw.strip() for raw in all_raw) or any(raw != raw.lower() for raw in all_raw)


def test_namesakes_and_shared_role_mailboxes(market: Path) -> None:
    records = _person_records(market)
    truth = read_ground_truth(market / "ground_truth.csv")
    # Full names as each record spells them (Eventbrite rows carry the buyer's name: skipped).
    spelled: dict[tuple[str, str, str], str] = {}
    for c in _jsonl(market / "greenhouse/candidates.jsonl"):
        spelled[("greenhouse", "candidates", str(c["id"]))] = f"{c['first_name']} {c['last_name']}"
    for o in _jsonl(market / "lever/opportunities.jsonl"):
        spelled[("lever", "opportunities", o["id"])] = o["name"]
    for c in _jsonl(market / "ashby/candidates.jsonl"):
        spelled[("ashby", "candidates", c["id"])] = c["name"]
    for feed, path, rows in _csv_files(market):
        if feed == "sourcing":
            for number, row in enumerate(rows, start=1):
                spelled[(feed, "profiles", f"{path.name}:{number}")] = (
                    f"{row['First Name']} {row['Last Name']}"
                )
    people_by_name: dict[str, set[str]] = defaultdict(set)
    for s, e, r, person in truth:
        name = spelled.get((s, e, r))
        if name:
            people_by_name[" ".join(name.lower().split())].add(person)
    assert any(len(p) >= 2 for p in people_by_name.values()), "no namesakes"

    agency = {m for _n, m in AGENCIES}
    users: dict[str, set[str]] = defaultdict(set)
    for s, e, r, person in truth:
        for raw in records[(s, e, r)]:
            email = raw.strip().lower()
            if email in agency or email.split("@")[0] in ROLE_MAILBOX_PREFIXES:
                users[email].add(person)
    assert any(len(p) >= 2 for p in users.values()), "no role mailbox shared by two people"


def test_csv_dialects_vary(market: Path) -> None:
    entries = [e for e in _manifest(market)["files"] if e["path"].startswith("drop/events/")]
    assert len(entries) >= 3
    assert {e["encoding"] for e in entries} >= {"utf-8", "utf-8-sig", "cp1252"}
    assert {e["delimiter"] for e in entries} == {",", ";"}
    for entry in entries:
        raw = (market / entry["path"]).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") == (entry["encoding"] == "utf-8-sig")
    headers = set()
    for feed, _path, rows in _csv_files(market):
        if feed == "events" and rows:
            headers.update(rows[0].keys())
    assert {"Email", "E-mail Address", "email_address", "Vorname", "Grad year"} <= headers
    for feed in ("sourcing", "outreach", "hris"):
        assert any(f == feed and rows for f, _p, rows in _csv_files(market))
    outreach_events = {
        row["event"] for f, _p, rows in _csv_files(market) if f == "outreach" for row in rows
    }
    assert {"sent", "delivered", "opened", "bounced", "unsubscribed"} <= outreach_events


def test_linkedin_urls_come_in_many_forms(market: Path) -> None:
    urls = [
        row["Public Profile URL"]
        for f, _p, rows in _csv_files(market)
        if f == "sourcing"
        for row in rows
    ]
    assert any(u.startswith("linkedin.com/in/") for u in urls)
    assert any(u.startswith("https://www.linkedin.com/in/") and u.endswith("/") for u in urls)
    assert any("?" in u for u in urls)
    assert any(u.startswith("LinkedIn.com/in/") for u in urls)


def test_lever_headlines_follow_lever_documentation(market: Path) -> None:
    # Lever documents `headline` as free text listing past companies or schools, sometimes a
    # title; the generator must not hand identity a parseable "<title> at <company>".
    headlines = [o["headline"] for o in _jsonl(market / "lever/opportunities.jsonl")]
    assert not [h for h in headlines if " at " in h]
    assert any("," in h or "|" in h or ";" in h for h in headlines)
    assert any(not h for h in headlines)


def test_work_mailboxes_have_one_holder_at_a_time() -> None:
    # Mail servers issue an address to one person; a namesake colleague gets a suffix, and
    # an address is re-issued only after its holder has been gone for a while.
    factory = PeopleFactory(Clock(date(2026, 6, 1)))
    rng = random.Random(11)
    people: list = []
    for i in range(3000):
        people.append(factory.make(rng, i + 1, people))
    held: dict[str, list[tuple[int, int, int]]] = {}
    for idx, person in enumerate(people):
        for job in person.jobs:
            address = person.work_email(job)
            if address is not None:
                end = job.end if job.end is not None else 1 << 62
                held.setdefault(address, []).append((idx, job.start, end))
    suffixed = [a for a in held if a.split("@")[0][-1].isdigit()]
    assert suffixed, "a market this size has namesake colleagues"
    for holders in held.values():
        for i, (p1, s1, e1) in enumerate(holders):
            for p2, s2, e2 in holders[i + 1 :]:
                if p1 != p2:
                    assert s2 >= e1 + MAILBOX_RECYCLE_GAP or s1 >= e2 + MAILBOX_RECYCLE_GAP
