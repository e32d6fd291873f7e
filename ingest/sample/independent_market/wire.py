"""Snapshots in the vendors' wire shapes, with each ATS's own idea of "the same person".

- Greenhouse Harvest v3 candidate: `first_name`/`last_name`, `company`, `title`, typed lists
  `email_addresses[{value,type}]` (personal|work|other), `phone_numbers[{value,type}]`
  (mobile|home|work|skype|other), `addresses[{value,type}]`, `website_addresses[{value,type}]`,
  `social_media_addresses[{value}]`, ISO `created_at`/`updated_at`/`last_activity_at`; v3
  candidates embed no applications. Greenhouse keeps a returning applicant's second profile
  as its own candidate until a recruiter merges it, except that Auto-Merge (switched on in
  this account from `market.GREENHOUSE_AUTO_MERGE_FROM`) joins a job-board or referral
  application to a candidate with an identical e-mail address.
- Lever opportunity: one `name`, free-text `headline`, `emails[]` (strings), `phones[{type,
  value}]`, `links[]`, `location` (text), `origin`, `sources[]`, epoch-ms `createdAt`/
  `updatedAt`, and `contact`: the person Lever filed it under. Lever files an opportunity under
  an existing contact when an e-mail is identical to one of that contact's (*unverified*:
  Lever documents deduplication by e-mail, the exact rule is ours); otherwise it
  opens a new contact (so one person can hold two contacts). An agency submission never joins
  another candidate's contact here: merging contacts is a recruiter's action, not Lever's.
- Ashby candidate: `name`, `primaryEmailAddress` and `emailAddresses[{value,type,isPrimary}]`
  (type Personal|Work|Other), `phoneNumbers[...]`, `socialLinks[{type,url}]`, `company`,
  `position`, `location{id,locationSummary,locationComponents}`, ISO `createdAt`/`updatedAt`,
  `applicationIds[]`. Ashby adds a re-application by a known e-mail to the existing candidate
  (a new application, not a new candidate; *unverified*: the rule as integrators describe
  Ashby's deduplication), so only a differently-addressed return makes a second record.
  ATSs compare addresses as typed (case aside): they know nothing of Gmail's dots and tags.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime
from typing import Any

from .records import Snapshot


def _iso(ts: datetime) -> str:
    return ts.replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


def _ms(ts: datetime) -> int:
    return int(ts.replace(tzinfo=UTC).timestamp() * 1000)


def new_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _location_text(snap: Snapshot, rng: random.Random) -> str | None:
    if snap.location is None:
        return None
    city, region, country = snap.location
    return rng.choice(
        (f"{city}, {country}", f"{city}, {country}", city, f"{city}, {region}, {country}")
    )


def greenhouse_candidate(snap: Snapshot, cid: int, rng: random.Random) -> dict[str, Any]:
    website, social = [], []
    for url, kind in snap.links:
        if kind == "linkedin" and rng.random() < 0.2:
            website.append({"value": url, "type": "other"})  # pasted into the wrong box
        elif kind == "linkedin":
            social.append({"value": url})
        else:
            website.append({"value": url, "type": "portfolio"})
    location = _location_text(snap, rng)
    return {
        "id": cid,
        "first_name": snap.first,
        "last_name": snap.last,
        "company": snap.company if rng.random() < 0.75 else None,
        "title": snap.title if rng.random() < 0.7 else None,
        "created_at": _iso(snap.created),
        "updated_at": _iso(snap.updated),
        "last_activity_at": _iso(snap.updated),
        "private": False,
        "can_email": True,
        "tags": [],
        "email_addresses": [{"value": v, "type": t} for v, t in snap.emails],
        "phone_numbers": [{"value": v, "type": t} for v, t in snap.phones],
        "addresses": [{"value": location, "type": "home"}] if location else [],
        "website_addresses": website,
        "social_media_addresses": social,
        "custom_fields": {},
    }


_LEVER_SOURCES = {
    "applied": ("Company website", "LinkedIn", "Indeed"),
    "sourced": ("LinkedIn", "Sourcing"),
    "referred": ("Referral",),
    "agency": ("Agency",),
}


def lever_opportunity(
    snap: Snapshot, oid: str, contact: str, stage: str, archive: str | None, rng: random.Random
) -> dict[str, Any]:
    created, updated = _ms(snap.created), _ms(snap.updated)
    return {
        "id": oid,
        "name": snap.full,
        "contact": contact,
        "headline": snap.headline or "",
        "stage": stage,
        "confidentiality": "non-confidential",
        "location": _location_text(snap, rng) or "",
        "phones": [{"type": t, "value": v} for v, t in snap.phones],
        "emails": [v for v, _ in snap.emails],
        "links": [u for u, _ in snap.links],
        "archived": {"reason": archive, "archivedAt": updated} if archive else None,
        "tags": [],
        "sources": [rng.choice(_LEVER_SOURCES[snap.origin])],
        "origin": snap.origin,
        "owner": None,
        "followers": [],
        "applications": [],
        "createdAt": created,
        "updatedAt": updated,
        "lastInteractionAt": updated,
        "lastAdvancedAt": updated,
        "snoozedUntil": None,
        "isAnonymized": False,
        "dataProtection": None,
    }


_ASHBY_KIND = {
    "personal": "Personal",
    "work": "Work",
    "other": "Other",
    "mobile": "Personal",
    "home": "Other",
}
_ASHBY_LINK = {"linkedin": "LinkedIn", "github": "GitHub"}


def ashby_candidate(
    snap: Snapshot, cid: str, application: str, rng: random.Random
) -> dict[str, Any]:
    emails = [
        {"value": v, "type": _ASHBY_KIND[t], "isPrimary": i == 0}
        for i, (v, t) in enumerate(snap.emails)
    ]
    phones = [
        {"value": v, "type": _ASHBY_KIND.get(t, "Other"), "isPrimary": i == 0}
        for i, (v, t) in enumerate(snap.phones)
    ]
    location = None
    if snap.location is not None:
        city, region, country = snap.location
        location = {
            "id": new_uuid(rng),
            "locationSummary": f"{city}, {region}, {country}"
            if rng.random() < 0.6
            else f"{city}, {country}",
            "locationComponents": [
                {"type": "City", "name": city},
                {"type": "Region", "name": region},
                {"type": "Country", "name": country},
            ],
        }
    return {
        "id": cid,
        "createdAt": _iso(snap.created),
        "updatedAt": _iso(snap.updated),
        "name": snap.full,
        "primaryEmailAddress": emails[0] if emails else None,
        "emailAddresses": emails,
        "primaryPhoneNumber": phones[0] if phones else None,
        "phoneNumbers": phones,
        "socialLinks": [{"type": _ASHBY_LINK[k], "url": u} for u, k in snap.links],
        "tags": [],
        "position": snap.title if rng.random() < 0.65 else None,
        "company": snap.company if rng.random() < 0.65 else None,
        "school": None,
        "location": location,
        "timezone": None,
        "applicationIds": [application],
        "fileHandles": [],
        "customFields": [],
        "profileUrl": f"https://app.ashbyhq.com/candidates/{cid}",
        "source": None,
        "creditedToUser": None,
    }


def email_keys(snap: Snapshot) -> set[str]:
    """Addresses as an ATS compares them: identical text but for case (no Gmail rules)."""
    return {v.strip().lower() for v, _ in snap.emails}


def greenhouse_touch(existing: dict[str, Any], snap: Snapshot) -> None:
    """An application Auto-Merge filed under the existing candidate: its activity moves on."""
    stamp = _iso(snap.updated)
    if stamp > existing["updated_at"]:
        existing["updated_at"] = existing["last_activity_at"] = stamp


def ashby_touch(existing: dict[str, Any], snap: Snapshot, application: str) -> None:
    """A re-application Ashby filed under the candidate it already had (same e-mail)."""
    existing["applicationIds"].append(application)
    stamp = _iso(snap.updated)
    if stamp > existing["updatedAt"]:
        existing["updatedAt"] = stamp


# ----- reference lists the fake servers and the connectors read beside the people


def greenhouse_reference(rng: random.Random, as_of: datetime) -> dict[str, list[dict[str, Any]]]:
    stamp = _iso(as_of)
    departments = [
        {"id": 50_001 + i, "name": n}
        for i, n in enumerate(("Engineering", "Data", "Sales", "People"))
    ]
    offices = [
        {"id": 60_001 + i, "name": n}
        for i, n in enumerate(("Berlin", "Warsaw", "London", "Remote"))
    ]
    jobs = []
    for i, name in enumerate(
        (
            "Backend Engineer",
            "Data Analyst",
            "Account Executive",
            "People Partner",
            "Site Reliability Engineer",
            "Product Designer",
        )
    ):
        jobs.append(
            {
                "id": 70_001 + i,
                "name": name,
                "requisition_id": f"REQ-{300 + i}",
                "status": "open" if i % 3 else "closed",
                "opened_at": "2025-02-01T09:00:00.000Z",
                "closed_at": None if i % 3 else "2025-09-30T17:00:00.000Z",
                "created_at": "2025-01-20T09:00:00.000Z",
                "updated_at": stamp,
                "department_id": departments[i % 4]["id"],
                "office_ids": [offices[i % 4]["id"]],
                "custom_fields": {},
            }
        )
    # The integration's own user: Harvest v3 list endpoints answer only for a Site Admin, and
    # the sample server's default credential acts on behalf of user 900001.
    users = [
        {
            "id": 900_001,
            "name": "Harvest Integration",
            "first_name": "Harvest",
            "last_name": "Integration",
            "site_admin": True,
            "disabled": False,
            "created_at": "2024-01-01T00:00:00.000Z",
            "updated_at": stamp,
        },
        {
            "id": 900_002,
            "name": "Recruiting Coordinator",
            "first_name": "Recruiting",
            "last_name": "Coordinator",
            "site_admin": False,
            "disabled": False,
            "created_at": "2024-01-01T00:00:00.000Z",
            "updated_at": stamp,
        },
    ]
    return {"departments": departments, "offices": offices, "jobs": jobs, "users": users}


LEVER_ARCHIVE_REASONS = (
    ("Hired", "hired"),
    ("Underqualified", "non-hired"),
    ("Withdrew", "non-hired"),
    ("Position filled", "non-hired"),
    ("Timing", "non-hired"),
)
LEVER_STAGES = ("lead-new", "lead-reached-out", "applicant-new", "phone-screen", "on-site", "offer")
