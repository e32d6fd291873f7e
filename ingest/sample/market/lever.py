"""Lever feed: opportunities, postings and archive reasons (epoch-millisecond timestamps).

Lever was the company's ATS before Greenhouse, so its records are old: they show people's
previous employers and are mostly stale and archived. One `contact` id is shared by all of a
person's opportunities; `archived.reason` is an id resolved through archive_reasons.
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
from .work import DEPARTMENT_BY_FAMILY, ROLE_FAMILIES, SENIORITY_ORDER, pick_agency, title_for

# Lever's built-in stage ids are readable; custom interview stages are uuids.
STAGES = (
    "lead-new",
    "lead-reached-out",
    "lead-responded",
    "applicant-new",
    "a6f2c3b1-3f4e-4b7a-9c1d-2e5f6a7b8c90",
    "b7e3d4c2-4a5f-4c8b-8d2e-3f6a7b8c9d01",
    "c8f4e5d3-5b6a-4d9c-9e3f-4a7b8c9d0e12",
    "offer",
)
_INTERVIEW_FROM = 4
ARCHIVE_REASONS = (
    ("Hired", "hired"),
    ("Underqualified", "non-hired"),
    ("Position filled", "non-hired"),
    ("Went with another candidate", "non-hired"),
    ("Withdrew", "non-hired"),
    ("Timing", "non-hired"),
    ("Unresponsive", "non-hired"),
    ("Location", "non-hired"),
    ("Compensation", "non-hired"),
    ("Duplicate", "non-hired"),
)
USERS = (
    "4d1c0e6a-1f2b-4c3d-8e4f-5a6b7c8d9e01",
    "5e2d1f7b-2a3c-4d4e-9f5a-6b7c8d9e0f12",
    "6f3e2a8c-3b4d-4e5f-8a6b-7c8d9e0f1a23",
    "7a4f3b9d-4c5e-4f6a-9b7c-8d9e0f1a2b34",
)
_SOURCES = (
    "LinkedIn",
    "Referral",
    "Company Website",
    "AngelList",
    "Indeed",
    "Stack Overflow",
    "Meetup",
)
_STATES = (("closed", 55), ("published", 15), ("internal", 8), ("draft", 7), ("pending", 3))
_EU = frozenset(("GB", "DE", "FR", "NL"))


class LeverFeed:
    def __init__(
        self, out_dir: Path, clock: Clock, rng: random.Random, contacts: int, gt: GroundTruth
    ) -> None:
        self.clock = clock
        self.gt = gt
        self.out_dir = out_dir / "lever"
        # Lever was replaced ~20 months before as_of; its data ends there.
        self.era_start = clock.now - 7 * 365 * DAY
        self.era_end = clock.now - 600 * DAY
        self.reasons = [
            {"id": uuid4_like(rng), "text": text, "type": kind} for text, kind in ARCHIVE_REASONS
        ]
        self.postings = self._make_postings(rng, max(12, contacts // 150))
        self.opportunities = JsonlSink(self.out_dir / "opportunities.jsonl")

    def _make_postings(self, rng: random.Random, n: int) -> list[dict[str, Any]]:
        families = [f for f, _ in ROLE_FAMILIES]
        weights = [w for _, w in ROLE_FAMILIES]
        states = [s for s, _ in _STATES]
        state_w = [w for _, w in _STATES]
        postings = []
        for _ in range(n):
            family = rng.choices(families, weights)[0]
            seniority = rng.choice(SENIORITY_ORDER[1:6])
            created = rng.randint(self.era_start, self.era_end - 30 * DAY)
            pid = uuid4_like(rng)
            postings.append(
                {
                    "id": pid,
                    "text": title_for(family, seniority, rng.randrange(6)),
                    "state": rng.choices(states, state_w)[0],
                    "distributionChannels": ["public", "internal"],
                    "user": rng.choice(USERS),
                    "owner": rng.choice(USERS),
                    "hiringManager": rng.choice(USERS),
                    "categories": {
                        "team": DEPARTMENT_BY_FAMILY[family],
                        "department": DEPARTMENT_BY_FAMILY[family],
                        "location": rng.choice(("Berlin", "London", "New York", "Remote")),
                        "commitment": "Internship" if seniority == "intern" else "Full-time",
                        "level": seniority,
                    },
                    "tags": [],
                    "createdAt": Clock.epoch_ms(created, rng.randrange(1000)),
                    "updatedAt": Clock.epoch_ms(
                        created + rng.randint(1, 400) * DAY, rng.randrange(1000)
                    ),
                    "urls": {
                        "list": "https://jobs.lever.co/northwindlabs",
                        "show": f"https://jobs.lever.co/northwindlabs/{pid}",
                        "apply": f"https://jobs.lever.co/northwindlabs/{pid}/apply",
                    },
                }
            )
        return postings

    def add(self, person: Person, rng: random.Random, n_opportunities: int) -> None:
        contact = uuid4_like(rng)
        ms = Clock.epoch_ms
        for _ in range(n_opportunities):
            oid = uuid4_like(rng)
            created = rng.randint(self.era_start, self.era_end)
            origin = rng.choices(("sourced", "applied", "referred", "agency"), (40, 40, 12, 8))[0]
            stage_index = rng.choices(range(len(STAGES)), (22, 14, 8, 20, 14, 10, 8, 4))[0]
            if origin != "sourced" and stage_index < 3:
                stage_index = 3
            last = created + stage_index * rng.randint(2, 15) * DAY + rng.randrange(DAY)
            archived = None
            if rng.random() < 0.88:  # old ATS: nearly everything ended up archived
                if stage_index >= _INTERVIEW_FROM + 1 and rng.random() < 0.6:
                    reason = self.reasons[rng.choice((2, 3))]  # silver medalists
                elif stage_index == len(STAGES) - 1 and rng.random() < 0.3:
                    reason = self.reasons[0]
                else:
                    reason = self.reasons[rng.choice((1, 4, 5, 6, 7, 8, 9))]
                last += rng.randint(1, 10) * DAY
                archived = {"reason": reason["id"], "archivedAt": ms(last, rng.randrange(1000))}
            job = person.job_at(created)
            anonymized = rng.random() < 0.005
            if anonymized:
                name, emails, phones, links, headline = "Anonymized Candidate", [], [], [], ""
            else:
                first, lastname = name_spelling(rng, person)
                name = f"{first} {lastname}"
                emails = []
                if origin == "agency" and rng.random() < 0.5:
                    emails.append(pick_agency(rng)[1])
                if rng.random() < 0.85:
                    emails.append(email_spelling(rng, person.email_local, person.email_domain))
                work = person.work_email(job)
                if work is not None and rng.random() < 0.3:
                    emails.append(email_spelling(rng, *work.split("@"), messy=0.5))
                    person.work_addresses_on_file.add(work)
                phones = (
                    [
                        {
                            "type": rng.choice(("mobile", "home", "work", "other")),
                            "value": phone_spelling(rng, person),
                        }
                    ]
                    if rng.random() < 0.55
                    else []
                )
                links = [linkedin_url(rng, person)] if rng.random() < 0.7 else []
                if person.github and rng.random() < 0.4:
                    links.append(github_url(rng, person.github))
                headline = lever_headline(rng, person, created)
            tags = (
                [skill_spelling(rng, s) for s in person.skills[: rng.randint(1, 4)]]
                if rng.random() > 0.25
                else []
            )
            if origin == "agency":
                sources = [f"Agency: {pick_agency(rng)[0]}"]
            elif origin == "referred":
                sources = ["Referral"]
            else:
                sources = [rng.choice(_SOURCES)]
            applications = [uuid4_like(rng)] if origin != "sourced" or stage_index >= 3 else []
            changes = [
                {
                    "toStageId": STAGES[i],
                    "toStageIndex": i,
                    "updatedAt": ms(created + i * 3 * DAY),
                    "userId": rng.choice(USERS),
                }
                for i in range(0, stage_index + 1, max(1, stage_index))
            ]
            protection = None
            if person.country in _EU:
                allowed = not (person.opted_out and rng.random() < 0.8)
                protection = {
                    "store": {"allowed": True, "expiresAt": ms(last + 730 * DAY)},
                    "contact": {
                        "allowed": allowed,
                        "expiresAt": ms(last + 730 * DAY) if allowed else None,
                    },
                }
            record = {
                "id": oid,
                "name": name,
                "contact": contact,
                "headline": headline,
                "stage": STAGES[stage_index],
                "confidentiality": "non-confidential",
                "location": "" if anonymized else person.city.name,
                "phones": phones,
                "emails": emails,
                "links": links,
                "archived": archived,
                "tags": tags,
                "sources": sources,
                "stageChanges": changes,
                "origin": origin,
                "sourcedBy": rng.choice(USERS) if origin == "sourced" else None,
                "owner": rng.choice(USERS),
                "followers": [rng.choice(USERS)],
                "applications": applications,
                "createdAt": ms(created, rng.randrange(1000)),
                "updatedAt": ms(last + rng.randint(0, 3) * DAY, rng.randrange(1000)),
                "lastInteractionAt": ms(last, rng.randrange(1000)),
                "lastAdvancedAt": ms(created + stage_index * 3 * DAY),
                "snoozedUntil": None,
                "urls": {
                    "list": "https://hire.lever.co/candidates",
                    "show": f"https://hire.lever.co/candidates/{oid}",
                },
                "isAnonymized": anonymized,
                "dataProtection": protection,
            }
            self.opportunities.write(record)
            self.gt.add("lever", "opportunities", oid, person.person_id)

    def close(self) -> dict[str, int]:
        self.opportunities.close()
        postings = JsonlSink(self.out_dir / "postings.jsonl")
        for posting in self.postings:
            postings.write(posting)
        postings.close()
        reasons = JsonlSink(self.out_dir / "archive_reasons.jsonl")
        for reason in self.reasons:
            reasons.write(reason)
        reasons.close()
        return {
            "lever/opportunities": self.opportunities.count,
            "lever/postings": postings.count,
            "lever/archive_reasons": reasons.count,
        }


def lever_headline(rng: random.Random, person: Person, at: int) -> str:
    """A Lever `headline` as Lever documents it: free text, "typically a list of previous
    companies where the contact has worked or schools that the contact has attended",
    sometimes the contact's title, often empty. Never a structured "<title> at <company>".
    """
    roll = rng.random()
    if roll < 0.3:
        return ""
    companies = [j.company.name for j in person.jobs if j.start <= at][::-1]
    if roll < 0.75 and companies:
        return rng.choice((", ", " | ", "; ", " / ")).join(companies[: rng.randint(1, 3)])
    if roll < 0.85 and person.school:
        return person.school
    job = person.job_at(at)
    return job.title if job is not None else ""
