"""People Data Labs enrichment responses, with the lookup keys a fake server answers on.

PDL usually knows a person's newest job (newer than what the ATS recorded years ago), so
enrichment is how job changes become visible. Like the real API it lower-cases names, titles,
companies and locations. About a tenth of responses lag behind and still show the previous job.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from .clock import Clock
from .ground_truth import GroundTruth
from .ids import pdl_id
from .people import Job, Person
from .sinks import JsonlSink
from .variation import phone_e164
from .work import SKILL_ALIASES

_ROLES = {
    "engineering": "engineering",
    "data": "engineering",
    "product": "product",
    "design": "design",
    "sales": "sales",
    "marketing": "marketing",
    "people": "human_resources",
    "finance": "finance",
    "operations": "operations",
}
_LEVELS = {
    "intern": ["training"],
    "junior": ["entry"],
    "mid": [],
    "senior": ["senior"],
    "staff": ["senior"],
    "manager": ["manager"],
    "director": ["director"],
    "vp": ["vp"],
}


class PdlFeed:
    def __init__(self, out_dir: Path, clock: Clock, gt: GroundTruth) -> None:
        self.clock = clock
        self.gt = gt
        self.sink = JsonlSink(out_dir / "pdl" / "enrichment.jsonl")

    def add(self, person: Person, rng: random.Random) -> None:
        jobs = person.jobs
        job: Job | None = person.current_job
        if job is not None and len(jobs) > 1 and rng.random() < 0.1:
            job = jobs[-2]  # PDL has not caught up with the latest move yet
        work = person.work_email(job)
        slug = person.linkedin_slug
        full_name = f"{person.first} {person.last}".lower()
        emails = [{"address": person.personal_email.lower(), "type": "personal"}]
        if work is not None:
            emails.append({"address": work, "type": "current_professional"})
        for old in jobs:
            if old is not job and old.end is not None:
                old_work = person.work_email(old)
                if old_work is not None:
                    emails.append({"address": old_work, "type": "professional"})
        likelihood = rng.choices(range(3, 11), (2, 3, 5, 8, 12, 20, 25, 25))[0]
        rich = likelihood >= 6
        skills = sorted({SKILL_ALIASES[s][0].lower() for s in person.skills})
        data: dict[str, Any] = {
            "id": pdl_id(rng),
            "full_name": full_name,
            "first_name": person.first.lower(),
            "last_name": person.last.lower(),
            "linkedin_url": f"linkedin.com/in/{slug}",
            "linkedin_username": slug,
            "github_url": f"github.com/{person.github}" if person.github and rich else None,
            "github_username": person.github if rich else None,
            "work_email": work,
            "personal_emails": [person.personal_email.lower()] if rich else [],
            "recommended_personal_email": person.personal_email.lower() if rich else None,
            "mobile_phone": phone_e164(person) if rich and rng.random() < 0.5 else None,
            "phone_numbers": [phone_e164(person)] if rich else [],
            "emails": emails if rich else emails[:1],
            "job_title": job.title.lower() if job else None,
            "job_title_role": _ROLES[person.family] if job else None,
            "job_title_levels": _LEVELS[person.seniority] if job else [],
            "job_company_name": job.company.name.lower() if job else None,
            "job_company_website": job.company.domain if job else None,
            "job_start_date": Clock.ym(job.start) if job else None,
            "location_name": f"{person.city.name}, {person.city.region}, "
            f"{person.city.country_name}".lower(),
            "location_locality": person.city.name.lower(),
            "location_country": person.city.country_name.lower(),
            "skills": skills if rich else [],
            "experience": [
                {
                    "company": {"name": held.company.name.lower(), "website": held.company.domain},
                    "title": {"name": held.title.lower(), "role": _ROLES[person.family]},
                    "start_date": Clock.ym(held.start),
                    "end_date": Clock.ym(held.end) if held.end is not None else None,
                    "is_primary": held is job,
                }
                for held in jobs
                if held.start <= (job.start if job else held.start)
            ]
            if rich
            else [],
            "education": [
                {
                    "school": {"name": person.school.lower()},
                    "end_date": str(person.grad_year),
                    "degrees": [],
                }
            ]
            if person.school and person.grad_year
            else [],
        }
        keys: dict[str, list[Any]] = {
            "email": [e["address"] for e in emails],
            "profile": [f"linkedin.com/in/{slug}"],
            "name_company": [
                {"name": full_name, "company": h.company.name.lower()} for h in jobs[-2:]
            ],
        }
        self.sink.write(
            {"keys": keys, "response": {"status": 200, "likelihood": likelihood, "data": data}}
        )
        self.gt.add("pdl", "enrichment", data["id"], person.person_id)

    def close(self) -> dict[str, int]:
        self.sink.close()
        return {"pdl/enrichment": self.sink.count}
