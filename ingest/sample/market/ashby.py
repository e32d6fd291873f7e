"""Ashby feed: candidates and jobs (ISO-8601 strings with milliseconds).

Ashby is the ATS of a recently acquired subsidiary, so it holds the newest records of the three
ATSs. Tags are objects ({id,title}); emails and phones carry type and isPrimary flags.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from .clock import DAY, Clock
from .ground_truth import GroundTruth
from .ids import uuid4_like
from .people import Person
from .sinks import JsonlSink
from .variation import (
    email_spelling,
    github_url,
    linkedin_url,
    name_spelling,
    phone_spelling,
    skill_spelling,
)
from .work import DEPARTMENT_BY_FAMILY, ROLE_FAMILIES, SENIORITY_ORDER, SKILL_ALIASES, title_for

_LOCATIONS = (("Amsterdam", "NL"), ("Berlin", "DE"), ("London", "GB"), ("Remote", ""))
_SOURCES = ("LinkedIn", "Inbound: Job board", "Referral", "Sourced", "Event")


class AshbyFeed:
    def __init__(
        self, out_dir: Path, clock: Clock, rng: random.Random, contacts: int, gt: GroundTruth
    ) -> None:
        self.clock = clock
        self.gt = gt
        self.out_dir = out_dir / "ashby"
        self.era_start = clock.now - 30 * 30 * DAY
        # One tag object per skill spelling, as Ashby users create tags ad hoc.
        self.tags: dict[str, dict[str, Any]] = {}
        for skill in sorted(SKILL_ALIASES):
            for spelling in SKILL_ALIASES[skill]:
                if spelling not in self.tags:
                    self.tags[spelling] = {
                        "id": uuid4_like(rng),
                        "title": spelling,
                        "isArchived": False,
                    }
        self.sources = [{"id": uuid4_like(rng), "title": s, "isArchived": False} for s in _SOURCES]
        self.location_ids = [uuid4_like(rng) for _ in _LOCATIONS]
        self.department_ids = {f: uuid4_like(rng) for f, _ in ROLE_FAMILIES}
        self.jobs = self._make_jobs(rng, max(10, contacts // 250))
        self.candidates = JsonlSink(self.out_dir / "candidates.jsonl")

    def _make_jobs(self, rng: random.Random, n: int) -> list[dict[str, Any]]:
        now = self.clock.now
        iso = Clock.iso_ms
        families = [f for f, _ in ROLE_FAMILIES]
        weights = [w for _, w in ROLE_FAMILIES]
        jobs = []
        for i in range(n):
            family = rng.choices(families, weights)[0]
            seniority = rng.choice(SENIORITY_ORDER[1:6])
            created = rng.randint(self.era_start, now - 5 * DAY)
            status = rng.choices(("Open", "Closed", "Draft", "Archived"), (35, 45, 10, 10))[0]
            opened = created + rng.randint(0, 10) * DAY if status != "Draft" else None
            closed = None
            if status in ("Closed", "Archived") and opened is not None:
                closed = min(now - DAY, opened + rng.randint(20, 200) * DAY)
            loc = rng.randrange(len(_LOCATIONS))
            jobs.append(
                {
                    "id": uuid4_like(rng),
                    "title": title_for(family, seniority, rng.randrange(6)),
                    "confidential": False,
                    "status": status,
                    "employmentType": "Intern" if seniority == "intern" else "FullTime",
                    "locationId": self.location_ids[loc],
                    "departmentId": self.department_ids[family],
                    "defaultInterviewPlanId": None,
                    "interviewPlanIds": [],
                    "customFields": [],
                    "jobPostingIds": [],
                    "customRequisitionId": f"ASH-{200 + i}",
                    "hiringTeam": [],
                    "location": {"id": self.location_ids[loc], "name": _LOCATIONS[loc][0]},
                    "department": {
                        "id": self.department_ids[family],
                        "name": DEPARTMENT_BY_FAMILY[family],
                    },
                    "createdAt": iso(created, rng.randrange(1000)),
                    "updatedAt": iso(
                        max(t for t in (created, opened, closed) if t is not None) + DAY // 2,
                        rng.randrange(1000),
                    ),
                    "openedAt": iso(opened) if opened is not None else None,
                    "closedAt": iso(closed) if closed is not None else None,
                }
            )
        return jobs

    def add(self, person: Person, rng: random.Random, n_candidates: int) -> None:
        now = self.clock.now
        iso = Clock.iso_ms
        for _ in range(n_candidates):
            cid = uuid4_like(rng)
            created = rng.randint(self.era_start, now - DAY)
            updated = self.clock.past(
                rng, created, created + rng.randint(0, 120) * DAY + rng.randrange(DAY)
            )
            job = person.job_at(updated)
            first, last = name_spelling(rng, person)
            emails: list[dict[str, Any]] = []
            if rng.random() < 0.92:
                emails.append(
                    {
                        "value": email_spelling(rng, person.email_local, person.email_domain),
                        "type": "Personal",
                        "isPrimary": True,
                    }
                )
            work = person.work_email(job)
            if work is not None and rng.random() < 0.3:
                emails.append(
                    {
                        "value": email_spelling(rng, *work.split("@"), messy=0.5),
                        "type": "Work",
                        "isPrimary": not emails,
                    }
                )
                person.work_addresses_on_file.add(work)
            phones = (
                [{"value": phone_spelling(rng, person), "type": "Mobile", "isPrimary": True}]
                if rng.random() < 0.6
                else []
            )
            social = []
            if rng.random() < 0.7:
                social.append({"type": "LinkedIn", "url": linkedin_url(rng, person)})
            if person.github and rng.random() < 0.5:
                social.append({"type": "GitHub", "url": github_url(rng, person.github)})
            tags = (
                [self.tags[skill_spelling(rng, s)] for s in person.skills[: rng.randint(1, 3)]]
                if rng.random() > 0.3
                else []
            )
            record = {
                "id": cid,
                "createdAt": iso(created, rng.randrange(1000)),
                "updatedAt": iso(updated, rng.randrange(1000)),
                "name": f"{first} {last}",
                "primaryEmailAddress": emails[0] if emails else None,
                "emailAddresses": emails,
                "primaryPhoneNumber": phones[0] if phones else None,
                "phoneNumbers": phones,
                "socialLinks": social,
                "tags": tags,
                "position": job.title if job is not None else None,
                "company": job.company.name if job is not None else None,
                "school": person.school,
                "applicationIds": [uuid4_like(rng) for _ in range(rng.choice((0, 1, 1, 1, 2)))],
                "resumeFileHandle": None,
                "fileHandles": [],
                "customFields": [],
                "profileUrl": f"https://app.ashbyhq.com/candidates/{cid}",
                "source": rng.choice(self.sources) if rng.random() < 0.8 else None,
                "creditedToUser": None,
                "timezone": None,
                "location": {
                    "locationSummary": f"{person.city.name}, {person.city.country_name}",
                    "locationComponents": [
                        {"type": "City", "name": person.city.name},
                        {"type": "Country", "name": person.city.country_name},
                    ],
                }
                if rng.random() < 0.6
                else None,
            }
            self.candidates.write(record)
            self.gt.add("ashby", "candidates", cid, person.person_id)

    def close(self) -> dict[str, int]:
        self.candidates.close()
        jobs = JsonlSink(self.out_dir / "jobs.jsonl")
        for job in self.jobs:
            jobs.write(job)
        jobs.close()
        return {"ashby/candidates": self.candidates.count, "ashby/jobs": jobs.count}
