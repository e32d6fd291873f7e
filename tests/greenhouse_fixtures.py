"""Small hand-written Greenhouse Harvest feeds for connector tests (real wire format).

`candidate`, `application`, `job` are Harvest v3 objects (what the connector reads now);
`v1_candidate`, `v1_application`, `v1_job` are the Harvest v1 shapes the removed v1 connector
landed, kept as fixtures for the upgrade-with-history tests. `write_feed` also writes the small
v3 lists the flat ids point to (reasons, sources, departments, offices, users)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def v1_candidate(cid: int, updated: str = "2026-10-01T10:00:00Z", **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": cid,
        "first_name": f"First{cid}",
        "last_name": f"Last{cid}",
        "company": "Acme GmbH",
        "title": "Data Engineer",
        "created_at": "2025-01-01T09:00:00Z",
        "updated_at": updated,
        "last_activity": updated,
        "is_private": False,
        "can_email": True,
        "tags": ["python"],
        "application_ids": [cid * 10],
        "email_addresses": [{"value": f"person{cid}@example.org", "type": "personal"}],
        "phone_numbers": [{"value": "555-555-0100", "type": "mobile"}],
        "social_media_addresses": [{"value": f"linkedin.com/in/person-{cid}"}],
        "website_addresses": [],
        "addresses": [],
        "recruiter": None,
        "custom_fields": {},
        "keyed_custom_fields": {},
        "applications": [],
    }
    record.update(extra)
    return record


def v1_application(aid: int, cid: int, job_id: int, status: str = "rejected") -> dict[str, Any]:
    return {
        "id": aid,
        "candidate_id": cid,
        "prospect": False,
        "applied_at": "2025-02-01T09:00:00Z",
        "rejected_at": "2025-03-01T09:00:00Z" if status == "rejected" else None,
        "last_activity_at": "2025-03-01T09:00:00Z",
        "status": status,
        "current_stage": {"id": 5, "name": "Final Interview"},
        "rejection_reason": {
            "id": 1,
            "name": "Hired another candidate",
            "type": {"id": 1, "name": "We rejected them"},
        }
        if status == "rejected"
        else None,
        "source": {"id": 2, "public_name": "LinkedIn"},
        "jobs": [{"id": job_id, "name": "Data Engineer"}],
        "prospect_detail": None,
    }


def v1_job(jid: int, status: str = "open") -> dict[str, Any]:
    return {
        "id": jid,
        "name": "Data Engineer",
        "requisition_id": f"REQ-{jid}",
        "status": status,
        "confidential": False,
        "created_at": "2025-01-01T09:00:00Z",
        "opened_at": "2025-01-02T09:00:00Z",
        "closed_at": None if status == "open" else "2025-06-01T09:00:00Z",
        "updated_at": "2025-06-01T09:00:00Z",
        "departments": [{"id": 1, "name": "Engineering", "parent_id": None, "external_id": None}],
        "offices": [{"id": 1, "name": "Berlin", "location": {"name": "Berlin, Germany"}}],
        "custom_fields": {},
        "keyed_custom_fields": {},
        "hiring_team": {},
    }


def candidate(cid: int, updated: str = "2026-10-01T10:00:00Z", **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": cid,
        "first_name": f"First{cid}",
        "last_name": f"Last{cid}",
        "company": "Acme GmbH",
        "title": "Data Engineer",
        "created_at": "2025-01-01T09:00:00Z",
        "updated_at": updated,
        "last_activity_at": updated,
        "private": False,
        "can_email": True,
        "tags": ["python"],
        "email_addresses": [{"value": f"person{cid}@example.org", "type": "personal"}],
        "phone_numbers": [{"value": "555-555-0100", "type": "mobile"}],
        "social_media_addresses": [{"value": f"linkedin.com/in/person-{cid}"}],
        "website_addresses": [],
        "addresses": [],
        "custom_fields": {},
    }
    record.update(extra)
    return record


def application(
    aid: int, cid: int, job_id: int, status: str = "rejected", **extra: Any
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": aid,
        "candidate_id": cid,
        "job_id": job_id,
        "prospect": False,
        "status": "in_process" if status == "active" else status,
        "stage_id": 5,
        "stage_name": "Final Interview",
        "created_at": "2025-02-01T09:00:00Z",
        "updated_at": "2025-03-01T09:00:00Z",
        "last_activity_at": "2025-03-01T09:00:00Z",
        "rejected_at": "2025-03-01T09:00:00Z" if status == "rejected" else None,
        "rejection_reason_id": 1 if status == "rejected" else None,
        "source_id": 2,
        "referrer_id": None,
        "recruiter_id": None,
        "prospective_job_ids": [],
    }
    record.update(extra)
    return record


def job(jid: int, status: str = "open") -> dict[str, Any]:
    return {
        "id": jid,
        "name": "Data Engineer",
        "requisition_id": f"REQ-{jid}",
        "status": status,
        "confidential": False,
        "created_at": "2025-01-01T09:00:00Z",
        "opened_at": "2025-01-02T09:00:00Z",
        "closed_at": None if status == "open" else "2025-06-01T09:00:00Z",
        "updated_at": "2025-06-01T09:00:00Z",
        "department_id": 1,
        "office_ids": [1],
        "custom_fields": {},
    }


HIDDEN = "_sample_hidden_unless"  # the fake server's marker for rows a default hides
SITE_ADMIN_ID = 900001
LISTS: dict[str, list[dict[str, Any]]] = {
    "rejection_reasons": [
        {
            "id": 1,
            "name": "Hired another candidate",
            "type": {"id": 1, "name": "We rejected them", "key": "WE_REJECTED_THEM"},
            HIDDEN: "include_defaults",
        },
        {
            "id": 9,
            "name": "Custom reason",
            "type": {"id": 3, "name": "None specified", "key": "NONE_SPECIFIED"},
        },
    ],
    "sources": [{"id": 2, "name": "LinkedIn", "type": {"id": 1, "name": "Other"}}],
    "departments": [{"id": 1, "name": "Engineering", "parent_id": None, "child_ids": []}],
    "offices": [{"id": 1, "name": "Berlin", "location": {"name": "Berlin, Germany"}}],
    "users": [
        {"id": SITE_ADMIN_ID, "name": "Ada Admin", "site_admin": True},
        {"id": 900002, "name": "Rita Recruiter", "site_admin": False},
        {
            "id": 900900,
            "name": "Harvest Integration",
            "site_admin": False,
            HIDDEN: "show_service_accounts",
        },
    ],
}


def write_feed(
    feed_dir: Path,
    candidates: list[dict[str, Any]],
    applications: list[dict[str, Any]] | None = None,
    jobs: list[dict[str, Any]] | None = None,
) -> Path:
    gh = feed_dir / "greenhouse"
    gh.mkdir(parents=True, exist_ok=True)
    for name, rows in (
        ("candidates", candidates),
        ("applications", applications or []),
        ("jobs", jobs or []),
        *LISTS.items(),
    ):
        with (gh / f"{name}.jsonl").open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row) + "\n")
    (feed_dir / "manifest.json").write_text(json.dumps({"contacts": len(candidates), "seed": 0}))
    return feed_dir
