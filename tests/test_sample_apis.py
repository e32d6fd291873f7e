"""Loopback fake vendor APIs: real HTTP with requests against hand-written feed files."""

from __future__ import annotations

import base64
import http.client
import io
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests

from ingest.sample.apis import SampleApis, SampleApiSettings, serve_forever, start_sample_apis
from ingest.sample.apis.pdl import linkedin_slug

KEY = "test-key"
GH_CLIENT_ID = "test-client"
TIMEOUT = 5

# ----- hand-written feed records in the vendors' wire formats


def _gh_candidate(cid: int, created: str, updated: str) -> dict[str, Any]:
    # A Harvest v3 candidate: nothing embedded (no applications, no recruiter object).
    return {
        "id": cid,
        "first_name": f"First{cid}",
        "last_name": f"Last{cid}",
        "company": "Acme",
        "title": "Engineer",
        "created_at": created,
        "updated_at": updated,
        "last_activity_at": updated,
        "private": False,
        "can_email": True,
        "tags": ["python"],
        "email_addresses": [{"value": f"c{cid}@example.com", "type": "personal"}],
        "phone_numbers": [{"value": "555-555-5555", "type": "mobile"}],
        "social_media_addresses": [{"value": f"linkedin.com/in/c{cid}"}],
        "website_addresses": [],
        "addresses": [],
        "custom_fields": {},
    }


GH_CANDIDATES = [
    _gh_candidate(105, "2026-01-05T09:00:00.000Z", "2026-03-05T09:00:00.000Z"),
    _gh_candidate(101, "2026-01-01T09:00:00.000Z", "2026-03-01T09:00:00.000Z"),
    _gh_candidate(103, "2026-01-03T09:00:00.000Z", "2026-03-03T09:00:00.000Z"),
    _gh_candidate(102, "2026-01-02T09:00:00.000Z", "2026-03-02T09:00:00.000Z"),
    _gh_candidate(104, "2026-01-04T09:00:00.000Z", "2026-03-04T09:00:00.000Z"),
]
GH_APPLICATIONS = [
    {
        "id": 1010,
        "candidate_id": 101,
        "job_id": 7,
        "prospect": False,
        "status": "in_process",
        "stage_id": 1,
        "stage_name": "Screen",
        "created_at": "2026-01-01T09:00:00.000Z",
        "updated_at": "2026-02-01T00:00:00.000Z",
        "last_activity_at": "2026-02-01T00:00:00.000Z",
        "rejected_at": None,
        "rejection_reason_id": None,
        "source_id": 2,
    },
    {
        "id": 1020,
        "candidate_id": 102,
        "job_id": 7,
        "prospect": True,
        "status": "rejected",
        "stage_id": 1,
        "stage_name": "Screen",
        "created_at": "2026-01-02T09:00:00.000Z",
        "updated_at": "2026-04-01T00:00:00.000Z",
        "last_activity_at": "2026-04-01T00:00:00.000Z",
        "rejected_at": "2026-04-01T00:00:00.000Z",
        "rejection_reason_id": 1,
        "source_id": 2,
    },
]
GH_JOBS = [
    {
        "id": 7,
        "name": "Data Engineer",
        "requisition_id": "R-7",
        "status": "open",
        "created_at": "2025-12-01T00:00:00.000Z",
        "updated_at": "2026-02-01T00:00:00.000Z",
        "department_id": 1,
        "office_ids": [1],
        "custom_fields": {},
    },
    {
        "id": 8,
        "name": "Analyst",
        "requisition_id": "R-8",
        "status": "closed",
        "created_at": "2025-11-01T00:00:00.000Z",
        "updated_at": "2025-12-01T00:00:00.000Z",
        "department_id": 1,
        "office_ids": [1],
        "custom_fields": {},
    },
]
GH_HIDDEN = "_sample_hidden_unless"  # the fake's marker for rows a v3 default hides
GH_SITE_ADMIN = "900001"
GH_LISTS: dict[str, list[dict[str, Any]]] = {
    "rejection_reasons": [
        {"id": 1, "name": "Hired another candidate", GH_HIDDEN: "include_defaults"},
        {"id": 9, "name": "Custom reason"},
    ],
    "departments": [{"id": 1, "name": "Engineering"}],
    "offices": [{"id": 1, "name": "Berlin"}],
    "users": [
        {"id": int(GH_SITE_ADMIN), "name": "Ada Admin", "site_admin": True},
        {"id": 900002, "name": "Rita Recruiter", "site_admin": False},
        {
            "id": 900900,
            "name": "Integration",
            "site_admin": False,
            GH_HIDDEN: "show_service_accounts",
        },
    ],
}

LEVER_OPPS = [
    {
        "id": f"0000000{i}-aaaa-bbbb-cccc-000000000000",
        "name": f"Person {i}",
        "contact": f"contact-{i}",
        "emails": [f"p{i}@example.com"],
        "origin": "sourced",
        "archived": None,
        "createdAt": 1767225600000 + i * 1000,
        "updatedAt": 1767225600000 + i * 86_400_000,
    }
    for i in (3, 1, 5, 2, 4)
]
LEVER_POSTINGS = [
    {"id": "post-1", "text": "Data Engineer", "state": "published", "categories": {}},
    {"id": "post-2", "text": "Analyst", "state": "closed", "categories": {}},
]
LEVER_REASONS = [
    {"id": "reason-1", "text": "Hired", "type": "hired"},
    {"id": "reason-2", "text": "Underqualified", "type": "non-hired"},
]

ASHBY_CANDIDATES = [
    {
        "id": f"ash-{i}",
        "name": f"Ashby Person {i}",
        "primaryEmailAddress": {
            "value": f"a{i}@example.com",
            "type": "Personal",
            "isPrimary": True,
        },
        "emailAddresses": [],
        "createdAt": f"2026-02-0{i}T00:00:00.000Z",
        "updatedAt": f"2026-03-0{i}T00:00:00.000Z",
    }
    for i in (4, 2, 1, 3, 5)
]
ASHBY_JOBS = [{"id": "job-1", "title": "Engineer", "updatedAt": "2026-01-01T00:00:00.000Z"}]

EB_EVENTS = [
    {"id": "9001", "name": {"text": "Meetup"}, "start": {"utc": "2026-05-01T18:00:00Z"}},
    {"id": "9002", "name": {"text": "Empty"}, "start": {"utc": "2026-06-01T18:00:00Z"}},
]
EB_ATTENDEES = [
    {
        "id": str(5000 + i),
        "event_id": "9001",
        "order_id": str(700 + i),
        "created": "2026-04-01T10:00:00Z",
        "changed": f"2026-04-0{i}T10:00:00Z",
        "ticket_class_name": "General",
        "profile": {"first_name": "A", "last_name": str(i), "email": f"e{i}@example.com"},
        "answers": [],
        "checked_in": False,
        "cancelled": False,
        "refunded": False,
        "status": "Attending",
    }
    for i in (3, 1, 5, 2, 4)
]

PDL_ENTRIES = [
    {
        "keys": {
            "email": ["jane@example.com"],
            "profile": ["https://www.linkedin.com/in/jane-doe/"],
            "name_company": [["Jane Doe", "Acme Corp"]],
        },
        "response": {
            "status": 200,
            "likelihood": 8,
            "data": {"id": "pdl-1", "full_name": "jane doe", "job_company_name": "acme corp"},
        },
    },
    {
        "keys": {"email": ["weak@example.com"], "profile": [], "name_company": []},
        "response": {"status": 200, "likelihood": 3, "data": {"id": "pdl-2"}},
    },
]


def _write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


@pytest.fixture(scope="module")
def feed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("feeds")
    _write_jsonl(root / "greenhouse/candidates.jsonl", GH_CANDIDATES)
    _write_jsonl(root / "greenhouse/applications.jsonl", GH_APPLICATIONS)
    _write_jsonl(root / "greenhouse/jobs.jsonl", GH_JOBS)
    for name, rows in GH_LISTS.items():
        _write_jsonl(root / f"greenhouse/{name}.jsonl", rows)
    _write_jsonl(root / "lever/opportunities.jsonl", LEVER_OPPS)
    _write_jsonl(root / "lever/postings.jsonl", LEVER_POSTINGS)
    _write_jsonl(root / "lever/archive_reasons.jsonl", LEVER_REASONS)
    _write_jsonl(root / "ashby/candidates.jsonl", ASHBY_CANDIDATES)
    _write_jsonl(root / "ashby/jobs.jsonl", ASHBY_JOBS)
    _write_jsonl(root / "eventbrite/events.jsonl", EB_EVENTS)
    _write_jsonl(root / "eventbrite/attendees.jsonl", EB_ATTENDEES)
    _write_jsonl(root / "pdl/enrichment.jsonl", PDL_ENTRIES)
    return root


SETTINGS = SampleApiSettings(
    api_key=KEY,
    retry_after=0,
    eventbrite_page_size=2,
    greenhouse_client_id=GH_CLIENT_ID,
    greenhouse_user_id=GH_SITE_ADMIN,
)


@pytest.fixture()
def apis(feed_dir: Path) -> Iterator[SampleApis]:
    with start_sample_apis(feed_dir, SETTINGS) as running:
        yield running


# ----- general


def test_base_urls_and_env(apis: SampleApis) -> None:
    urls = apis.base_urls
    assert urls["greenhouse"].startswith("http://127.0.0.1:") and urls["greenhouse"].endswith("/v3")
    assert urls["lever"].endswith("/v1") and urls["eventbrite"].endswith("/v3")
    assert urls["pdl"].endswith("/v5") and urls["ashby"].count("/") == 2
    assert len({u.split("/")[2] for u in urls.values()}) == 5  # five ports
    env = apis.env()
    assert env["GREENHOUSE_BASE_URL"] == urls["greenhouse"]
    assert env["GREENHOUSE_TOKEN_URL"] == urls["greenhouse"].removesuffix("/v3") + "/token"
    assert env["GREENHOUSE_CLIENT_ID"] == GH_CLIENT_ID
    assert env["GREENHOUSE_CLIENT_SECRET"] == KEY
    assert env["GREENHOUSE_USER_ID"] == GH_SITE_ADMIN
    # Harvest v3 has no API key: the v1 variable must not come back through the sample env.
    assert "GREENHOUSE_API_KEY" not in env
    assert {env[f"{v}_API_KEY"] for v in ("LEVER", "ASHBY", "EVENTBRITE", "PDL")} == {KEY}


def test_serve_forever_prints_exports_and_stops(feed_dir: Path) -> None:
    out, stop = io.StringIO(), threading.Event()
    worker = threading.Thread(
        target=serve_forever,
        kwargs={"feed_dir": feed_dir, "settings": SETTINGS, "out": out, "stop_event": stop},
    )
    worker.start()
    deadline = time.monotonic() + 5
    while "PDL_API_KEY" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.02)
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    base = lines["export GREENHOUSE_BASE_URL"]
    token = _gh_token(lines["export GREENHOUSE_TOKEN_URL"])
    assert requests.get(f"{base}/jobs", headers=_bearer(token), timeout=TIMEOUT).status_code == 200
    stop.set()
    worker.join(5)
    assert not worker.is_alive()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{base}/jobs", headers=_bearer(token), timeout=TIMEOUT)


# ----- Greenhouse (Harvest v3)


def _gh_token(
    token_url: str,
    sub: str | None = GH_SITE_ADMIN,
    client: tuple[str, str] = (GH_CLIENT_ID, KEY),
) -> str:
    form = {"grant_type": "client_credentials", **({"sub": sub} if sub else {})}
    reply = requests.post(token_url, data=form, auth=client, timeout=TIMEOUT)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["token_type"] == "Bearer" and body["expires_at"].endswith("Z")
    return body["access_token"]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture()
def gh(apis: SampleApis) -> tuple[str, dict[str, str]]:
    """The fake Greenhouse's base URL and the headers of a freshly minted Site Admin token."""
    return apis.base_urls["greenhouse"], _bearer(_gh_token(apis.greenhouse.token_url))


def _gh_all_pages(
    url: str, headers: dict[str, str], **params: Any
) -> tuple[list[int], list[requests.Response]]:
    """Every page, following only the Link next URL after the first request (as v3 demands)."""
    ids, replies = [], []
    next_url: str | None = url
    first = True
    while next_url:
        reply = requests.get(
            next_url, params=params if first else None, headers=headers, timeout=TIMEOUT
        )
        first = False
        assert reply.status_code == 200, reply.text
        replies.append(reply)
        ids.extend(r["id"] for r in reply.json())
        next_url = reply.links.get("next", {}).get("url")
    return ids, replies


def _gh_get(url: str, headers: dict[str, str], **params: Any) -> requests.Response:
    return requests.get(url, params=params, headers=headers, timeout=TIMEOUT)


def test_greenhouse_cursor_paging_id_descending(gh: tuple[str, dict[str, str]]) -> None:
    base, headers = gh
    ids, replies = _gh_all_pages(f"{base}/candidates", headers, per_page=2, foo="bar")
    assert ids == [105, 104, 103, 102, 101]  # id descending, not update order
    assert len(replies) == 3
    assert all(isinstance(r.json(), list) for r in replies)  # bare arrays
    next_url = replies[0].links["next"]["url"]
    assert next_url.startswith(base + "/candidates?cursor=")
    # The next link carries the cursor and nothing else: no per_page, no filters, no page.
    assert "&" not in next_url.split("?", 1)[1]
    assert "last" not in replies[0].links and "prev" not in replies[0].links
    assert "Link" not in replies[-1].headers  # the last page has no next link
    # A cursor with any other parameter is refused, even the per_page it was minted with.
    again = requests.get(next_url, params={"per_page": 2}, headers=headers, timeout=TIMEOUT)
    assert again.status_code == 422
    assert again.json() == {"errors": ["When passing a cursor, do not include other query params."]}
    # A cursor minted for one list does not page another.
    cursor = next_url.split("cursor=", 1)[1]
    assert _gh_get(f"{base}/jobs", headers, cursor=cursor).status_code == 422
    assert _gh_get(f"{base}/candidates", headers, cursor="forged").status_code == 422
    # One page: no Link header at all; default per_page is 100.
    single = _gh_get(f"{base}/candidates", headers)
    assert "Link" not in single.headers and [r["id"] for r in single.json()] == ids
    # A page exactly full still says whether more follow only through the link.
    ids_five, replies_five = _gh_all_pages(f"{base}/candidates", headers, per_page=5)
    assert ids_five == ids and len(replies_five) == 1


def test_greenhouse_pipe_date_filters(gh: tuple[str, dict[str, str]]) -> None:
    base, headers = gh
    ids, _ = _gh_all_pages(
        f"{base}/candidates", headers, updated_at="gte|2026-03-03T09:00:00Z", per_page=1
    )
    assert ids == [105, 104, 103]  # inclusive
    ids, _ = _gh_all_pages(
        f"{base}/candidates",
        headers,
        updated_at="gte|2026-03-02T09:00:00Z|lte|2026-03-04T09:00:00Z",
    )
    assert ids == [104, 103, 102]  # a closed window, both ends inclusive
    ids, _ = _gh_all_pages(
        f"{base}/candidates", headers, updated_at="gt|2026-03-02T09:00:00Z|lt|2026-03-04T09:00:00Z"
    )
    assert ids == [103]
    ids, _ = _gh_all_pages(f"{base}/candidates", headers, created_at="gte|2026-01-04T00:00:00Z")
    assert ids == [105, 104]
    ids, _ = _gh_all_pages(
        f"{base}/applications", headers, last_activity_at="gte|2026-03-01T00:00:00Z"
    )
    assert ids == [1020]
    ids, _ = _gh_all_pages(f"{base}/jobs", headers, updated_at="gte|2026-01-01T00:00:00Z")
    assert ids == [7]
    ids, _ = _gh_all_pages(f"{base}/candidates", headers, ids="101,104,999")
    assert ids == [104, 101]
    refused = [
        {"updated_at": "yesterday"},
        {"updated_at": "gte|2026-03-01T00:00:00Z|gte|2026-03-02T00:00:00Z"},  # doubled operator
        {"updated_at": "since|2026-03-01T00:00:00Z"},
        {"updated_at": ["gte|2026-03-01T00:00:00Z", "lte|2026-03-05T00:00:00Z"]},  # doubled
        {"updated_at": "gte|2026-03-01T00:00:00Z", "created_at": "gte|2026-01-01T00:00:00Z"},
        {"updated_at[gte]": "2026-03-01T00:00:00Z"},  # bracket form
        {"updated_after": "2026-03-01T00:00:00Z"},  # Harvest v1 names
        {"page": "2"},
        {"last_activity_at": "gte|2026-03-01T00:00:00Z", "per_page": 1, "skip_count": "true"},
        {"ids": ",".join(str(i) for i in range(51))},  # at most 50 ids
    ]
    for params in refused:
        reply = _gh_get(f"{base}/candidates", headers, **params)
        assert reply.status_code == 422, params
        assert isinstance(reply.json()["errors"], list)
    # last_activity_at is a filter of candidates and applications only.
    jobs = _gh_get(f"{base}/jobs", headers, last_activity_at="gte|2030-01-01T00:00:00Z")
    assert [j["id"] for j in jobs.json()] == [8, 7]


def test_greenhouse_defaults_that_hide_rows(gh: tuple[str, dict[str, str]]) -> None:
    base, headers = gh
    reasons = _gh_get(f"{base}/rejection_reasons", headers).json()
    assert [r["id"] for r in reasons] == [9]  # the built-in reason is hidden by default
    reasons = _gh_get(f"{base}/rejection_reasons", headers, include_defaults="true").json()
    assert [r["id"] for r in reasons] == [9, 1]
    assert all(GH_HIDDEN not in r for r in reasons)  # the sample marker is not a v3 field
    users = _gh_get(f"{base}/users", headers).json()
    assert [u["id"] for u in users] == [900002, 900001]
    users = _gh_get(f"{base}/users", headers, show_service_accounts="true").json()
    assert [u["id"] for u in users] == [900900, 900002, 900001]


def test_greenhouse_token_endpoint_and_bearer_auth(apis: SampleApis) -> None:
    server = apis.greenhouse
    url = apis.base_urls["greenhouse"] + "/candidates"
    token_url = server.token_url
    # No token, a v1-style Basic key, a made-up bearer: 401 with the window headers.
    for headers in (
        {},
        {"Authorization": "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()},
        _bearer("not-a-token"),
    ):
        reply = requests.get(url, headers=headers, timeout=TIMEOUT)
        assert reply.status_code == 401 and reply.json()["errors"]
        assert "X-RateLimit-Limit" in reply.headers
    form = {"grant_type": "client_credentials"}
    assert requests.post(token_url, data=form, timeout=TIMEOUT).status_code == 401
    wrong = requests.post(token_url, data=form, auth=(GH_CLIENT_ID, "nope"), timeout=TIMEOUT)
    assert wrong.status_code == 401 and wrong.json() == {"error": "invalid_client"}
    assert KEY not in wrong.text
    grant = requests.post(
        token_url, data={"grant_type": "password"}, auth=(GH_CLIENT_ID, KEY), timeout=TIMEOUT
    )
    assert grant.status_code == 400 and grant.json() == {"error": "unsupported_grant_type"}
    assert requests.get(token_url, timeout=TIMEOUT).status_code == 405
    minted_before = server.tokens_minted
    token = _gh_token(token_url)
    assert server.tokens_minted == minted_before + 1
    assert requests.get(url, headers=_bearer(token), timeout=TIMEOUT).status_code == 200
    # Without `sub` calls run as the credential itself (allowed); a `sub` that is not a Site
    # Admin, or no user at all, is refused with 403.
    anonymous = _gh_token(token_url, sub=None)
    assert requests.get(url, headers=_bearer(anonymous), timeout=TIMEOUT).status_code == 200
    for sub in ("900002", "123"):
        reply = requests.get(url, headers=_bearer(_gh_token(token_url, sub=sub)), timeout=TIMEOUT)
        assert reply.status_code == 403 and "Site Admin" in reply.json()["errors"][0]
    # A scope the credential lacks is a 403 that names it.
    server.scopes.discard("harvest:candidates:list")
    missing = requests.get(url, headers=_bearer(token), timeout=TIMEOUT)
    assert missing.status_code == 403
    assert missing.json() == {"errors": ["Missing scope harvest:candidates:list"]}
    jobs = requests.get(
        apis.base_urls["greenhouse"] + "/jobs", headers=_bearer(token), timeout=TIMEOUT
    )
    assert jobs.status_code == 200
    # Expiry and revocation: the old token stops working, a new one works.
    server.expire_tokens()
    assert requests.get(url, headers=_bearer(token), timeout=TIMEOUT).status_code == 401
    fresh = _gh_token(token_url)
    server.revoke_tokens()
    assert requests.get(url, headers=_bearer(fresh), timeout=TIMEOUT).status_code == 401


def test_greenhouse_validation_and_rate_headers(gh: tuple[str, dict[str, str]]) -> None:
    base, headers = gh
    for per_page in (0, 501, "x"):
        reply = _gh_get(f"{base}/candidates", headers, per_page=per_page)
        assert reply.status_code == 422 and "per_page" in reply.json()["errors"][0]
    ok = _gh_get(f"{base}/candidates", headers, per_page=500)
    assert ok.status_code == 200
    assert ok.headers["X-RateLimit-Limit"] == "150"
    assert int(ok.headers["X-RateLimit-Remaining"]) < 150
    assert 1 <= int(ok.headers["X-RateLimit-Reset"]) <= 30
    # Lists only: no get-by-id, no v1 anonymize action.
    assert _gh_get(f"{base}/candidates/103", headers).status_code == 404
    assert (
        requests.put(f"{base}/candidates/103/anonymize", headers=headers, timeout=TIMEOUT)
    ).status_code == 404
    assert _gh_get(f"{base}/unknown_things", headers).status_code == 404


def test_greenhouse_sample_job_endpoint(gh: tuple[str, dict[str, str]]) -> None:
    base, headers = gh
    body = {"name": "Platform Engineer", "office": "Berlin", "required_skills": ["python"]}
    created = requests.post(f"{base}/_sample/jobs", json=body, headers=headers, timeout=TIMEOUT)
    assert created.status_code == 201
    job = created.json()
    assert job["status"] == "open" and job["office_ids"] == [1] and job["department_id"] == 1
    assert job["custom_fields"]["required_skills"]["value"] == ["python"]
    listed = _gh_get(f"{base}/jobs", headers, status="open").json()
    assert [j["id"] for j in listed] == [job["id"], 7]
    nameless = requests.post(f"{base}/_sample/jobs", json={}, headers=headers, timeout=TIMEOUT)
    assert nameless.status_code == 422


def test_greenhouse_rate_limit_window(feed_dir: Path) -> None:
    settings = replace(SETTINGS, greenhouse_rate_limit=3, greenhouse_window_seconds=1.0)
    with start_sample_apis(feed_dir, settings) as apis:
        url = apis.base_urls["greenhouse"] + "/jobs"
        headers = _bearer(_gh_token(apis.greenhouse.token_url))  # minting costs no request
        statuses = [requests.get(url, headers=headers, timeout=TIMEOUT) for _ in range(4)]
        assert [r.status_code for r in statuses[:3]] == [200, 200, 200]
        assert [r.headers["X-RateLimit-Remaining"] for r in statuses[:3]] == ["2", "1", "0"]
        limited = statuses[3]
        assert limited.status_code == 429 and limited.headers["Retry-After"] == "0"
        assert limited.headers["X-RateLimit-Limit"] == "3"
        assert "X-RateLimit-Reset" in limited.headers
        time.sleep(1.05)
        assert requests.get(url, headers=headers, timeout=TIMEOUT).status_code == 200


# ----- Lever


def test_lever_paging_filters_and_errors(apis: SampleApis) -> None:
    base = apis.base_urls["lever"]
    auth = (KEY, "")
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 2}
    pages = 0
    while True:
        body = requests.get(f"{base}/opportunities", params=params, auth=auth, timeout=TIMEOUT)
        body = body.json()
        pages += 1
        seen.extend(o["id"] for o in body["data"])
        if not body["hasNext"]:
            assert "next" not in body
            break
        params["offset"] = body["next"]
    assert pages == 3
    assert seen == sorted(o["id"] for o in LEVER_OPPS)

    start = 1767225600000 + 3 * 86_400_000
    body = requests.get(
        f"{base}/opportunities", params={"updated_at_start": start}, auth=auth, timeout=TIMEOUT
    ).json()
    assert [o["id"][:8] for o in body["data"]] == ["00000003", "00000004", "00000005"]

    deleted = requests.get(f"{base}/opportunities/deleted", auth=auth, timeout=TIMEOUT).json()
    assert deleted == {"data": [], "hasNext": False}
    reasons = requests.get(f"{base}/archive_reasons", auth=auth, timeout=TIMEOUT).json()
    assert [r["type"] for r in reasons["data"]] == ["hired", "non-hired"]
    postings = requests.get(
        f"{base}/postings", params={"state": "published"}, auth=auth, timeout=TIMEOUT
    ).json()
    assert [p["id"] for p in postings["data"]] == ["post-1"]

    bad = requests.get(
        f"{base}/opportunities", params={"offset": "garbage"}, auth=auth, timeout=TIMEOUT
    )
    assert bad.status_code == 400 and bad.json()["code"] == "BadRequestError"
    assert (
        requests.get(
            f"{base}/opportunities", params={"limit": 101}, auth=auth, timeout=TIMEOUT
        ).status_code
        == 400
    )
    assert requests.get(f"{base}/opportunities", timeout=TIMEOUT).status_code == 401
    assert (
        requests.get(f"{base}/opportunities", auth=("nope", ""), timeout=TIMEOUT).status_code == 401
    )

    apis.lever.delete_opportunity(LEVER_OPPS[0]["id"])
    deleted = requests.get(f"{base}/opportunities/deleted", auth=auth, timeout=TIMEOUT).json()
    assert [d["id"] for d in deleted["data"]] == [LEVER_OPPS[0]["id"]]


def test_lever_rate_limit(feed_dir: Path) -> None:
    settings = replace(SETTINGS, lever_rate_per_second=2.0, lever_burst=2)
    with start_sample_apis(feed_dir, settings) as apis:
        url = apis.base_urls["lever"] + "/postings"
        codes = [requests.get(url, auth=(KEY, ""), timeout=TIMEOUT).status_code for _ in range(3)]
        assert codes[:2] == [200, 200] and codes[2] == 429
        time.sleep(0.55)
        assert requests.get(url, auth=(KEY, ""), timeout=TIMEOUT).status_code == 200


# ----- Ashby


def _ashby(apis: SampleApis, body: dict[str, Any], endpoint: str = "candidate.list") -> Any:
    reply = requests.post(
        f"{apis.base_urls['ashby']}/{endpoint}", json=body, auth=(KEY, ""), timeout=TIMEOUT
    )
    assert reply.status_code == 200
    return reply.json()


def _ashby_sync(apis: SampleApis, token: str | None) -> tuple[list[str], Any]:
    ids: list[str] = []
    body: dict[str, Any] = {"limit": 2}
    if token:
        body["syncToken"] = token
    while True:
        reply = _ashby(apis, body)
        assert reply["success"] is True, reply
        ids.extend(r["id"] for r in reply["results"])
        if not reply["moreDataAvailable"]:
            assert "nextCursor" not in reply
            return ids, reply["syncToken"]
        assert "syncToken" not in reply
        body = {"limit": 2, "cursor": reply["nextCursor"]}
        if token:
            body["syncToken"] = token


def test_ashby_paging_and_incremental_sync(apis: SampleApis) -> None:
    ids, token = _ashby_sync(apis, None)
    assert ids == ["ash-1", "ash-2", "ash-3", "ash-4", "ash-5"]
    ids, token2 = _ashby_sync(apis, token)
    assert ids == []
    changed = dict(ASHBY_CANDIDATES[2], updatedAt="2026-04-01T00:00:00.000Z")  # ash-1
    added = dict(ASHBY_CANDIDATES[0], id="ash-9", updatedAt="2026-04-02T00:00:00.000Z")
    apis.ashby.upsert_record("candidates", changed)
    apis.ashby.upsert_record("candidates", added)
    ids, token3 = _ashby_sync(apis, token2)
    assert ids == ["ash-1", "ash-9"]
    assert _ashby_sync(apis, token3)[0] == []
    jobs = _ashby(apis, {}, "job.list")
    assert [j["id"] for j in jobs["results"]] == ["job-1"] and "syncToken" in jobs

    apis.ashby.expire_sync_tokens()
    assert _ashby(apis, {"syncToken": token3}) == {
        "success": False,
        "errors": ["sync_token_expired"],
    }
    assert _ashby(apis, {"syncToken": "bogus"})["errors"] == ["sync_token_invalid"]
    assert _ashby(apis, {"syncToken": jobs["syncToken"]}, "job.list")["success"] is False
    fresh = _ashby(apis, {}, "job.list")["syncToken"]
    assert _ashby(apis, {"syncToken": fresh}, "job.list")["success"] is True
    assert _ashby(apis, {"syncToken": fresh})["errors"] == ["sync_token_invalid"]  # other list
    assert _ashby(apis, {"cursor": "bogus"})["errors"] == ["invalid_next_cursor"]
    unauth = requests.post(f"{apis.base_urls['ashby']}/candidate.list", json={}, timeout=TIMEOUT)
    assert unauth.status_code == 401 and unauth.json()["success"] is False


def test_ashby_sync_token_max_age(feed_dir: Path) -> None:
    settings = replace(SETTINGS, ashby_sync_token_max_age_seconds=0.5)
    with start_sample_apis(feed_dir, settings) as apis:
        token = _ashby(apis, {})["syncToken"]
        assert _ashby(apis, {"syncToken": token})["success"] is True
        time.sleep(0.6)
        assert _ashby(apis, {"syncToken": token})["errors"] == ["sync_token_expired"]


# ----- Eventbrite


def test_eventbrite_paging_filters_and_errors(apis: SampleApis) -> None:
    base = apis.base_urls["eventbrite"]
    headers = {"Authorization": f"Bearer {KEY}"}
    assert requests.get(f"{base}/users/me/", headers=headers, timeout=TIMEOUT).status_code == 200
    event = requests.get(f"{base}/events/9001/", headers=headers, timeout=TIMEOUT).json()
    assert event["name"]["text"] == "Meetup"

    seen: list[str] = []
    params: dict[str, str] = {}
    page_numbers = []
    while True:
        body = requests.get(
            f"{base}/events/9001/attendees/", params=params, headers=headers, timeout=TIMEOUT
        ).json()
        pagination = body["pagination"]
        page_numbers.append(pagination["page_number"])
        assert pagination["object_count"] == 5 and pagination["page_size"] == 2
        seen.extend(a["id"] for a in body["attendees"])
        if not pagination["has_more_items"]:
            assert "continuation" not in pagination
            break
        params = {"continuation": pagination["continuation"]}
    assert seen == ["5001", "5002", "5003", "5004", "5005"] and page_numbers == [1, 2, 3]

    changed = requests.get(
        f"{base}/events/9001/attendees/",
        params={"changed_since": "2026-04-04T10:00:00Z"},
        headers=headers,
        timeout=TIMEOUT,
    ).json()
    assert [a["id"] for a in changed["attendees"]] == ["5004", "5005"]
    empty = requests.get(f"{base}/events/9002/attendees/", headers=headers, timeout=TIMEOUT)
    assert empty.json()["attendees"] == [] and empty.json()["pagination"]["object_count"] == 0

    missing = requests.get(f"{base}/events/1/attendees/", headers=headers, timeout=TIMEOUT)
    assert missing.status_code == 404 and missing.json()["error"] == "NOT_FOUND"
    bad = requests.get(
        f"{base}/events/9001/attendees/",
        params={"continuation": "nope"},
        headers=headers,
        timeout=TIMEOUT,
    )
    assert bad.status_code == 400
    for auth_headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {KEY}"}):
        reply = requests.get(f"{base}/users/me/", headers=auth_headers, timeout=TIMEOUT)
        assert reply.status_code == 401 and reply.json()["error"] == "INVALID_AUTH"


# ----- PDL


def test_linkedin_slug_forms() -> None:
    for form in (
        "linkedin.com/in/Jane-Doe",
        "https://www.linkedin.com/in/jane-doe/",
        "http://uk.linkedin.com/in/jane-doe?trk=abc",
        "www.linkedin.com/in/jane-doe/details/experience/",
        "jane-doe",
    ):
        assert linkedin_slug(form) == "jane-doe", form


def test_pdl_enrich(apis: SampleApis) -> None:
    url = apis.base_urls["pdl"] + "/person/enrich"
    headers = {"X-Api-Key": KEY}

    def enrich(**params: Any) -> requests.Response:
        return requests.get(url, params=params, headers=headers, timeout=TIMEOUT)

    match = enrich(email="JANE@example.com")
    assert match.status_code == 200
    assert match.json()["likelihood"] == 8 and match.json()["data"]["id"] == "pdl-1"
    assert enrich(profile="uk.linkedin.com/in/Jane-Doe?trk=x").status_code == 200
    assert enrich(name="jane  DOE", company="ACME corp").status_code == 200
    assert enrich(first_name="Jane", last_name="Doe", company="Acme Corp").status_code == 200
    assert enrich(email="jane@example.com", min_likelihood=8).status_code == 200
    assert apis.pdl.matches_billed == 5

    weak = enrich(email="weak@example.com", min_likelihood=5)
    assert weak.status_code == 404
    assert weak.json() == {
        "status": 404,
        "error": {"type": "not_found", "message": "No records were found matching your request"},
    }
    assert enrich(email="nobody@example.com").status_code == 404
    assert enrich(name="Jane Doe").status_code == 400  # name without company
    assert apis.pdl.matches_billed == 5
    assert (
        requests.get(url, params={"email": "jane@example.com"}, timeout=TIMEOUT).status_code == 401
    )
    assert apis.pdl.matches_billed == 5


def test_pdl_rate_limit(feed_dir: Path) -> None:
    settings = replace(SETTINGS, pdl_rate_limit_per_minute=2, pdl_window_seconds=1.0)
    with start_sample_apis(feed_dir, settings) as apis:
        url = apis.base_urls["pdl"] + "/person/enrich"
        replies = [
            requests.get(
                url, params={"email": "jane@example.com"}, headers={"X-Api-Key": KEY}, timeout=5
            )
            for _ in range(3)
        ]
        assert [r.status_code for r in replies] == [200, 200, 429]
        assert replies[2].headers["Retry-After"] == "0"
        assert replies[2].json()["error"]["type"] == "rate_limit_error"
        assert apis.pdl.matches_billed == 2
        time.sleep(1.05)
        again = requests.get(
            url, params={"email": "jane@example.com"}, headers={"X-Api-Key": KEY}, timeout=5
        )
        assert again.status_code == 200


# ----- faults


def test_greenhouse_faults_in_order(apis: SampleApis) -> None:
    url = apis.base_urls["greenhouse"] + "/jobs"
    headers = _bearer(_gh_token(apis.greenhouse.token_url))
    apis.greenhouse.clear_request_log()
    apis.greenhouse.inject_faults(["429", "500", "502", "503", "401", "truncated", "reset"])
    session = requests.Session()

    def get() -> requests.Response:
        return session.get(url, headers=headers, timeout=TIMEOUT)

    limited = get()
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "0"
    assert "X-RateLimit-Remaining" in limited.headers
    assert [get().status_code for _ in range(4)] == [500, 502, 503, 401]
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        get()
    with pytest.raises(requests.exceptions.ConnectionError):
        get()
    assert get().status_code == 200  # queue drained: back to normal
    statuses = [status for _, _, status in apis.greenhouse.request_log]
    assert statuses == [429, 500, 502, 503, 401, 200, 0, 200]
    assert apis.greenhouse.request_log[0] == ("GET", "/v3/jobs", 429)
    with pytest.raises(ValueError):
        apis.greenhouse.inject_faults(["418"])


def test_truncated_body_is_incomplete_json(apis: SampleApis) -> None:
    apis.ashby.inject_faults(["truncated"])
    connection = http.client.HTTPConnection("127.0.0.1", apis.ashby.port, timeout=TIMEOUT)
    token = base64.b64encode(f"{KEY}:".encode()).decode()
    connection.request(
        "POST", "/candidate.list", body=b"{}", headers={"Authorization": f"Basic {token}"}
    )
    reply = connection.getresponse()
    assert reply.status == 200
    declared = int(reply.getheader("Content-Length"))
    with pytest.raises(http.client.IncompleteRead) as caught:
        reply.read()
    partial = caught.value.partial
    assert 0 < len(partial) < declared
    with pytest.raises(ValueError):
        json.loads(partial)
    connection.close()


def test_verbose_log_has_no_query_values(
    feed_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with start_sample_apis(feed_dir, replace(SETTINGS, verbose=True)) as apis:
        reply = requests.get(
            apis.base_urls["pdl"] + "/person/enrich",
            params={"email": "jane@example.com"},
            headers={"X-Api-Key": KEY},
            timeout=TIMEOUT,
        )
        assert reply.status_code == 200
    err = capsys.readouterr().err
    assert "/v5/person/enrich -> 200" in err
    assert "jane" not in err and KEY not in err


@pytest.mark.parametrize("vendor", ["lever", "ashby", "eventbrite", "pdl"])
def test_faults_on_every_server(apis: SampleApis, vendor: str) -> None:
    server = apis.servers[vendor]
    server.inject_faults(["503", "429", "reset"])
    base = apis.base_urls[vendor]
    calls = {
        "lever": lambda: requests.get(f"{base}/postings", auth=(KEY, ""), timeout=TIMEOUT),
        "ashby": lambda: requests.post(
            f"{base}/job.list", json={}, auth=(KEY, ""), timeout=TIMEOUT
        ),
        "eventbrite": lambda: requests.get(
            f"{base}/users/me/", headers={"Authorization": f"Bearer {KEY}"}, timeout=TIMEOUT
        ),
        "pdl": lambda: requests.get(
            f"{base}/person/enrich",
            params={"email": "jane@example.com"},
            headers={"X-Api-Key": KEY},
            timeout=TIMEOUT,
        ),
    }
    call = calls[vendor]
    assert call().status_code == 503
    limited = call()
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "0"
    with pytest.raises(requests.exceptions.ConnectionError):
        call()
    assert call().status_code == 200
    assert [s for _, _, s in server.request_log] == [503, 429, 0, 200]


def test_concurrent_clients_each_page_everything(apis: SampleApis) -> None:
    base = apis.base_urls["greenhouse"]
    headers = _bearer(_gh_token(apis.greenhouse.token_url))
    apis.greenhouse.clear_request_log()
    results: list[list[int]] = []

    def worker() -> None:
        results.append(_gh_all_pages(f"{base}/candidates", headers, per_page=1)[0])

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == [[105, 104, 103, 102, 101]] * 8
    assert len(apis.greenhouse.request_log) == 40
