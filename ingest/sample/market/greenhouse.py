"""Greenhouse Harvest v3 feed: candidates, applications, jobs and the lists their flat ids
point to (rejection reasons and details, stage history, job interview stages, sources,
departments, offices, users, custom fields, prospect pools and details), in v3 shapes: objects
no longer embed each other (docs/sources.md).

Greenhouse is the company's main ATS for the last five years, so its applications span open,
closed, draft and re-opened reqs. Hires are our HRIS employees/alumni; silver medalists are
final-round rejections ("Onsite"/"Final Interview" + "Hired another candidate").
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .clock import DAY, Clock
from .ground_truth import GroundTruth
from .ids import Sequence
from .people import Job, Person
from .sinks import JsonlSink
from .variation import (
    email_spelling,
    github_url,
    linkedin_url,
    name_spelling,
    phone_spelling,
    skill_spelling,
    title_spelling,
)
from .work import (
    DEGREES,
    DEPARTMENT_BY_FAMILY,
    DISCIPLINES_BY_FAMILY,
    ROLE_FAMILIES,
    SENIORITY_ORDER,
    SKILLS_BY_FAMILY,
    pick_agency,
    title_for,
)

STAGES = (
    "Application Review",
    "Recruiter Screen",
    "Hiring Manager Interview",
    "Take Home Test",
    "Onsite",
    "Final Interview",
    "Offer",
)
_ONSITE, _FINAL, _OFFER = 4, 5, 6

_WE = {"id": 1, "name": "We rejected them", "key": "WE_REJECTED_THEM"}
_THEY = {"id": 2, "name": "They rejected us", "key": "THEY_REJECTED_US"}
_NONE = {"id": 3, "name": "None specified", "key": "NONE_SPECIFIED"}
# Greenhouse's built-in reasons: v3 lists them only with include_defaults=true.
_CUSTOM_REASON_IDS = frozenset({103})
EARLY_REJECTIONS = (
    {"id": 101, "name": "Not enough experience", "type": _WE},
    {"id": 102, "name": "Lacking skill(s)/qualification(s)", "type": _WE},
    {"id": 103, "name": "Location", "type": _WE},
    {"id": 104, "name": "Compensation expectations", "type": _THEY},
    {"id": 105, "name": "Took another offer", "type": _THEY},
    {"id": 106, "name": "Withdrew", "type": _THEY},
    {"id": 107, "name": "Unresponsive", "type": _NONE},
)
# Final-round reasons that make someone a silver medalist worth nurturing.
LATE_REJECTIONS = (
    {"id": 110, "name": "Hired another candidate", "type": _WE},
    {"id": 111, "name": "Position filled", "type": _NONE},
    {"id": 101, "name": "Not enough experience", "type": _WE},
    {"id": 105, "name": "Took another offer", "type": _THEY},
)
SOURCES = (
    {"id": 1, "public_name": "LinkedIn"},
    {"id": 2, "public_name": "Jobs page on your website"},
    {"id": 3, "public_name": "Referral"},
    {"id": 4, "public_name": "Indeed"},
    {"id": 6, "public_name": "Career Fair"},
    {"id": 7, "public_name": "Prospecting"},
    {"id": 8, "public_name": "Glassdoor"},
)
AGENCY_SOURCE = {"id": 5, "public_name": "Agency"}
PROSPECT_POOLS = (
    {"id": 301, "name": "Silver Medalists"},
    {"id": 302, "name": "Campus"},
    {"id": 303, "name": "Sourced - Engineering"},
    {"id": 304, "name": "Sourced - GTM"},
)
PROSPECT_STAGES = (
    {"id": 401, "name": "Identified"},
    {"id": 402, "name": "Contacted"},
    {"id": 403, "name": "Interested"},
)


def _user(uid: int, first: str, last: str) -> dict[str, Any]:
    return {
        "id": uid,
        "first_name": first,
        "last_name": last,
        "name": f"{first} {last}",
        "employee_id": f"NW-{uid % 10000:04d}",
    }


RECRUITERS = (
    _user(900101, "Hanna", "Vogel"),
    _user(900102, "Marcus", "Reid"),
    _user(900103, "Priya", "Raman"),
    _user(900104, "Camille", "Roux"),
    _user(900105, "Tom", "Bakker"),
)
HIRING_MANAGERS = (
    _user(900201, "Elena", "Kraus"),
    _user(900202, "David", "Okafor"),
    _user(900203, "Sophie", "Laurent"),
    _user(900204, "Ravi", "Iyer"),
    _user(900205, "Grace", "Hall"),
    _user(900206, "Jan", "de Wit"),
)
OFFICES = (
    ("Berlin", "Berlin, Germany"),
    ("London", "London, United Kingdom"),
    ("New York", "New York, NY, United States"),
    ("San Francisco", "San Francisco, CA, United States"),
    ("Amsterdam", "Amsterdam, Netherlands"),
    ("Paris", "Paris, France"),
    ("Bangalore", "Bangalore, India"),
    ("Remote", "Remote"),
)
_OFFICE_OBJECTS = tuple(
    {
        "id": 50001 + i,
        "name": name,
        "location": {"name": loc},
        "primary_contact_user_id": None,
        "parent_id": None,
        "child_ids": [],
        "external_id": f"office-{i + 1}",
    }
    for i, (name, loc) in enumerate(OFFICES)
)
_DEPARTMENTS = {
    family: {
        "id": 40001 + i,
        "name": DEPARTMENT_BY_FAMILY[family],
        "parent_id": None,
        "child_ids": [],
        "external_id": f"dept-{family}",
    }
    for i, (family, _w) in enumerate(ROLE_FAMILIES)
}


_JOB_KINDS = ("open", "closed", "reopened", "draft")
_JOB_KIND_WEIGHTS = (23, 62, 8, 7)
# A req is filled at its level or one off (a mid hired into a senior req, a senior into a
# staff one); a VP or an engineering manager is not hired through a junior engineer's req.
MAX_HIRE_LEVEL_GAP = 1
_FIXED_JOB_KINDS = ("closed", "open", "reopened", "draft", "closed", "reopened")


@dataclass(slots=True)
class GreenhouseJob:
    id: int
    name: str
    family: str
    seniority: str
    requisition_id: str
    status: str  # open | closed | draft
    confidential: bool
    created: int
    opened: int | None
    closed: int | None  # current closed_at (None while open)
    first_closed: int | None  # closing before a re-open, kept in openings history
    reopened: int | None
    updated: int
    office: int
    skills: list[str]
    hiring_manager: int
    recruiter: int
    hires: list[int] = field(default_factory=list)  # application ids of hires

    def window(self, now: int) -> tuple[int, int] | None:
        """When applications could arrive: between opening and closing (or now)."""
        if self.opened is None:
            return None
        end = self.closed if self.closed is not None else now - DAY
        return self.opened, max(self.opened + DAY, end)


class GreenhouseFeed:
    def __init__(
        self, out_dir: Path, clock: Clock, rng: random.Random, contacts: int, gt: GroundTruth
    ) -> None:
        self.clock = clock
        self.gt = gt
        self.out_dir = out_dir
        folder = out_dir / "greenhouse"
        self.candidates = JsonlSink(folder / "candidates.jsonl")
        self.applications = JsonlSink(folder / "applications.jsonl")
        self.application_stages = JsonlSink(folder / "application_stages.jsonl")
        self.rejection_details = JsonlSink(folder / "rejection_details.jsonl")
        self.prospect_details = JsonlSink(folder / "prospect_details.jsonl")
        self.candidate_ids = Sequence(30_000_000 + rng.randrange(100_000), max_gap=4)
        self.application_ids = Sequence(70_000_000 + rng.randrange(100_000), max_gap=4)
        self.jobs = self._make_jobs(rng, max(24, contacts // 50))
        open_like = [j for j in self.jobs if j.window(clock.now) is not None]
        self.jobs_by_family = {
            fam: [j for j in open_like if j.family == fam] or open_like for fam, _ in ROLE_FAMILIES
        }
        # Closed reqs sorted by closing time: an alumnus's hire comes from one closed shortly
        # before their start date.
        closed = sorted(
            (j.first_closed or j.closed, j.id, j)
            for j in self.jobs
            if (j.first_closed or j.closed) is not None
        )
        self._closed_times = [c[0] for c in closed]
        self._closed_jobs = [c[2] for c in closed]
        # Which fitting req an employee filled is a weighted draw from its own generator,
        # derived last from the feed's seed, so every other draw (jobs, ids, the per-chunk
        # people streams) and therefore every record count stays what it was.
        self._hire_rng = random.Random(rng.getrandbits(64))

    # ----------------------------------------------------------------------------- jobs
    def _make_jobs(self, rng: random.Random, n: int) -> list[GreenhouseJob]:
        now = self.clock.now
        families = [f for f, _ in ROLE_FAMILIES]
        weights = [w for _, w in ROLE_FAMILIES]
        job_ids = Sequence(4_100_000 + rng.randrange(10_000), max_gap=9)
        jobs = []
        for i in range(n):
            family = rng.choices(families, weights)[0]
            seniority = rng.choice(SENIORITY_ORDER[1:6])
            created = now - rng.randint(10, 5 * 365) * DAY - rng.randrange(DAY)
            opened: int | None = created + rng.randint(0, 20) * DAY
            closed: int | None = None
            first_closed: int | None = None
            reopened: int | None = None
            # The first reqs cover every kind so even a tiny market has each; then a random mix.
            kind = (
                _FIXED_JOB_KINDS[i]
                if i < len(_FIXED_JOB_KINDS)
                else rng.choices(_JOB_KINDS, _JOB_KIND_WEIGHTS)[0]
            )
            if kind == "reopened":
                created = now - rng.randint(400, 5 * 365) * DAY - rng.randrange(DAY)
                opened = created + rng.randint(0, 20) * DAY
            status = "open"
            if kind == "draft":
                status, opened = "draft", None
            elif kind in ("closed", "reopened"):
                end = (opened or created) + rng.randint(30, 240) * DAY
                if end < now - 2 * DAY:
                    status, closed = "closed", end
                if kind == "reopened" and closed is not None:
                    # Closed, then re-opened (backfill): the history lives in `openings`.
                    reopen = closed + rng.randint(30, 300) * DAY
                    if reopen >= now - 7 * DAY:
                        reopen = closed + (now - 7 * DAY - closed) // 2
                    if reopen > closed:
                        first_closed, reopened, closed, status = closed, reopen, None, "open"
            last = max(t for t in (created, opened, closed, reopened) if t is not None)
            jobs.append(
                GreenhouseJob(
                    id=job_ids.next(rng),
                    name=title_for(family, seniority, rng.randrange(6)),
                    family=family,
                    seniority=seniority,
                    requisition_id=f"REQ-{1000 + i}",
                    status=status,
                    confidential=rng.random() < 0.05,
                    created=created,
                    opened=opened,
                    closed=closed,
                    first_closed=first_closed,
                    reopened=reopened,
                    updated=min(now - 3600, last + rng.randint(0, 5) * DAY),
                    office=rng.randrange(len(OFFICES)),
                    skills=rng.sample(
                        SKILLS_BY_FAMILY[family], k=min(3, len(SKILLS_BY_FAMILY[family]))
                    ),
                    hiring_manager=rng.randrange(len(HIRING_MANAGERS)),
                    recruiter=rng.randrange(len(RECRUITERS)),
                )
            )
        return jobs

    def _job_record(self, job: GreenhouseJob) -> dict[str, Any]:
        """A v3 job: one department id, office ids, keyed custom fields (the skills)."""
        iso = self.clock.iso_ms
        employment = "Intern" if job.seniority == "intern" else "Full-time"
        skills = [s.title() if len(s) > 3 else s.upper() for s in job.skills]
        return {
            "id": job.id,
            "name": job.name,
            "requisition_id": job.requisition_id,
            "notes": None,
            "confidential": job.confidential,
            "is_template": False,
            "copied_from_id": None,
            "status": job.status,
            "created_at": iso(job.created),
            "opened_at": iso(job.opened) if job.opened is not None else None,
            "closed_at": iso(job.closed) if job.closed is not None else None,
            "updated_at": iso(job.updated),
            "department_id": _DEPARTMENTS[job.family]["id"],
            "office_ids": [_OFFICE_OBJECTS[job.office]["id"]],
            "custom_fields": {
                "employment_type": {
                    "name": "Employment Type",
                    "type": "single_select",
                    "value": employment,
                },
                "required_skills": {
                    "name": "Required Skills",
                    "type": "multi_select",
                    "value": skills,
                },
                "seniority": {"name": "Seniority", "type": "single_select", "value": job.seniority},
            },
        }

    # ------------------------------------------------------------------------ people
    def hire_job_for(self, person: Person) -> tuple[GreenhouseJob, Job] | None:
        """The closed req this employee was hired into, or None when no req closed in the
        7–150 days before they joined us or none of their role family fits (then they came
        through another channel).

        WHICH req they filled is chosen for fit, the way a team hires: a req of their own role
        family, within one level of the level they joined at, that closed before their start
        (within two years: some reqs take a while to fill) and was open long enough for their
        application to fall inside it, weighted by
        `_hire_fit` (the level they joined at, the req's required skills they have, office
        location) with randomness, so the best fit usually but not always wins.
        """
        ours = person.our_job()
        if ours is None:
            return None
        end = bisect.bisect_right(self._closed_times, ours.start - 7 * DAY)
        start = bisect.bisect_left(self._closed_times, ours.start - 150 * DAY)
        if end <= start:
            return None
        earliest = bisect.bisect_left(self._closed_times, ours.start - 2 * 365 * DAY)
        eligible = []
        for job in self._closed_jobs[earliest:end]:
            if job.family != person.family or job.opened is None:
                continue
            lo, hi = _application_dates(job, ours)
            if lo <= job.opened:
                continue  # nobody applies to a req before it opens
            if _level_gap(person, ours, job) > MAX_HIRE_LEVEL_GAP:
                continue  # a VP is not hired through a junior req: they came another way
            eligible.append(job)
        if not eligible:
            return None  # no req of their family to fill: they came through another channel
        weights = [3.0 ** _hire_fit(person, ours, job) for job in eligible]
        return self._hire_rng.choices(eligible, weights)[0], ours

    def earlier_req_for(
        self, rng: random.Random, person: Person, hire: tuple[GreenhouseJob, Job]
    ) -> GreenhouseJob | None:
        """A closed req of the hire req's role family that closed 1–18 months before it
        opened, for which `person` can have been a silver medalist (its level within one of
        the hire req's, the same level likelier), or None when there is none."""
        job, _ours = hire
        if job.opened is None:
            return None
        level_then = SENIORITY_ORDER.index(job.seniority)
        candidates, weights = [], []
        for old in self._closed_jobs:
            closed = old.first_closed or old.closed
            if old.family != job.family or old.opened is None or old is job or closed is None:
                continue
            if not job.opened - 540 * DAY <= closed <= job.opened - 30 * DAY:
                continue
            gap = abs(SENIORITY_ORDER.index(old.seniority) - level_then)
            if gap <= 1:
                candidates.append(old)
                weights.append(3.0 if gap == 0 else 1.0)
        if not candidates:
            return None
        return rng.choices(candidates, weights)[0]

    def add(
        self,
        person: Person,
        rng: random.Random,
        n_candidates: int,
        hire: tuple[GreenhouseJob, Job] | None,
        silver_before: tuple[GreenhouseJob, random.Random] | None = None,
    ) -> None:
        """`silver_before` (a warm hire's earlier req and the warm-hire generator): the hire's
        candidate record also carries a final-round rejection for that req."""
        for k in range(n_candidates):
            cid = self.candidate_ids.next(rng)
            apps: list[dict[str, Any]] = []
            times: list[tuple[int, int]] = []
            if k == 0 and hire is not None:
                if silver_before is not None:
                    self._silver_medal(silver_before[1], cid, person, silver_before[0], apps, times)
                self._hire(rng, cid, person, hire, apps, times)
            n_apps = 0 if apps and rng.random() < 0.7 else rng.choices((1, 2, 3), (65, 25, 10))[0]
            for _ in range(n_apps):
                self._application(rng, cid, person, apps, times)
            self._candidate(rng, cid, person, apps, times)

    def _hire(
        self,
        rng: random.Random,
        cid: int,
        person: Person,
        hire: tuple[GreenhouseJob, Job],
        apps: list[dict[str, Any]],
        times: list[tuple[int, int]],
    ) -> None:
        job, ours = hire
        closed = job.first_closed or job.closed or ours.start
        applied = closed - rng.randint(25, 80) * DAY - rng.randrange(DAY)
        hired_at = min(closed, ours.start - DAY) - rng.randrange(DAY)
        hired_at = max(hired_at, applied + DAY)
        app_id = self.application_ids.next(rng)
        job.hires.append(app_id)
        apps.append(
            self._app_record(
                rng, app_id, cid, person, job, applied, None, hired_at, "hired", _OFFER, None, False
            )
        )
        times.append((applied, hired_at))

    def _silver_medal(
        self,
        rng: random.Random,
        cid: int,
        person: Person,
        job: GreenhouseJob,
        apps: list[dict[str, Any]],
        times: list[tuple[int, int]],
    ) -> None:
        """A warm hire's earlier process: reached the final rounds of `job` (closed) and was
        turned down because someone else got the offer — the team kept them in mind."""
        assert job.opened is not None
        closed = job.first_closed or job.closed or job.opened
        lo = max(job.opened, closed - 120 * DAY)
        applied = rng.randint(lo, max(lo, closed - 20 * DAY))
        stage = rng.choice((_ONSITE, _FINAL, _FINAL))
        reason = rng.choices(LATE_REJECTIONS[:2], (70, 30))[0]
        rejected = min(applied + (stage + 1) * rng.randint(3, 8) * DAY, closed - 3600)
        rejected = max(rejected, applied + 3600)
        self._add_rejection(rng, cid, person, job, applied, rejected, stage, reason, apps, times)

    def _application(
        self,
        rng: random.Random,
        cid: int,
        person: Person,
        apps: list[dict[str, Any]],
        times: list[tuple[int, int]],
    ) -> None:
        now = self.clock.now
        pool = self.jobs_by_family[person.family] if rng.random() < 0.85 else self._closed_jobs
        job = rng.choice(pool or self.jobs_by_family[person.family])
        window = job.window(now) or (now - 400 * DAY, now - DAY)
        applied = rng.randint(window[0], window[1] - 1)
        roll = rng.random()
        if roll < 0.12:
            # Sourced into a prospect pool; a third of prospects later converted to candidates.
            last = self.clock.past(rng, applied, applied + rng.randint(0, 60) * DAY)
            status = "converted" if roll < 0.04 else "active"
            apps.append(
                self._app_record(
                    rng,
                    self.application_ids.next(rng),
                    cid,
                    person,
                    job if rng.random() < 0.5 else None,
                    applied,
                    None,
                    last,
                    status,
                    None,
                    None,
                    True,
                )
            )
            times.append((applied, last))
            if status == "active":
                return
            applied = min(window[1] - 1, last + DAY)
        open_now = job.closed is None
        if open_now and rng.random() < 0.55:
            stage = rng.choices(range(6), (30, 25, 18, 10, 10, 7))[0]
            last = self.clock.past(
                rng, applied, applied + stage * rng.randint(3, 12) * DAY + rng.randrange(DAY)
            )
            apps.append(
                self._app_record(
                    rng,
                    self.application_ids.next(rng),
                    cid,
                    person,
                    job,
                    applied,
                    None,
                    last,
                    "active",
                    stage,
                    None,
                    False,
                )
            )
            times.append((applied, last))
            return
        if rng.random() < 0.3:
            stage = rng.choice((_ONSITE, _FINAL, _FINAL))  # silver medalists
            reason = rng.choices(LATE_REJECTIONS, (50, 25, 15, 10))[0]
        else:
            stage = rng.choices(range(4), (45, 30, 15, 10))[0]
            reason = rng.choice(EARLY_REJECTIONS)
        rejected = applied + (stage + 1) * rng.randint(3, 10) * DAY + rng.randrange(DAY)
        rejected = self.clock.past(rng, applied, rejected)
        if job.closed is not None:
            rejected = min(rejected, max(applied + 3600, job.closed))
        self._add_rejection(rng, cid, person, job, applied, rejected, stage, reason, apps, times)

    def _add_rejection(
        self,
        rng: random.Random,
        cid: int,
        person: Person,
        job: GreenhouseJob,
        applied: int,
        rejected: int,
        stage: int,
        reason: str,
        apps: list[dict[str, Any]],
        times: list[tuple[int, int]],
    ) -> None:
        """Append a rejected application (rejected at `stage` for `reason`) of candidate `cid`."""
        apps.append(
            self._app_record(
                rng,
                self.application_ids.next(rng),
                cid,
                person,
                job,
                applied,
                rejected,
                rejected,
                "rejected",
                stage,
                reason,
                False,
            )
        )
        times.append((applied, rejected))

    def _app_record(
        self,
        rng: random.Random,
        app_id: int,
        cid: int,
        person: Person,
        job: GreenhouseJob | None,
        applied: int,
        rejected: int | None,
        last: int,
        status: str,
        stage: int | None,
        reason: dict[str, Any] | None,
        prospect: bool,
    ) -> dict[str, Any]:
        iso = self.clock.iso_ms
        if prospect:
            source = SOURCES[5]
        elif rng.random() < 0.06:
            source = AGENCY_SOURCE
        else:
            source = rng.choice(SOURCES)
        referrer = rng.choice(HIRING_MANAGERS) if source["id"] == 3 else None
        applied_at = iso(applied, rng.randrange(1000))
        last_at = iso(last, rng.randrange(1000))
        rng.random()  # v1 drew a location here; kept so every later draw stays the same
        pool = rng.choice(PROSPECT_POOLS) if prospect else None
        prospect_stage = rng.choice(PROSPECT_STAGES) if prospect else None
        recruiter_id = RECRUITERS[job.recruiter]["id"] if job is not None else None
        record = {
            "id": app_id,
            "candidate_id": cid,
            "job_id": job.id if job is not None else None,
            "prospect": prospect,
            # v3 responses say in_process where v1 said active.
            "status": "in_process" if status == "active" else status,
            "stage_id": job.id * 10 + stage if stage is not None and job is not None else None,
            "stage_name": STAGES[stage] if stage is not None and job is not None else None,
            "created_at": applied_at,
            "updated_at": last_at,
            "last_activity_at": last_at,
            "rejected_at": iso(rejected, 0) if rejected is not None else None,
            "rejection_reason_id": reason["id"] if reason is not None else None,
            "source_id": source["id"],
            "referrer_id": referrer["id"] if referrer is not None else None,
            "recruiter_id": recruiter_id,
            "prospective_job_ids": [job.id] if prospect and job is not None else [],
        }
        self.applications.write(record)
        self.gt.add("greenhouse", "applications", app_id, person.person_id)
        if reason is not None and rejected is not None:
            self.rejection_details.write(
                {
                    "id": app_id,
                    "application_id": app_id,
                    "rejection_reason_id": reason["id"],
                    "rejected_at": iso(rejected, 0),
                    "rejected_by_id": recruiter_id,
                    "updated_at": iso(rejected, 0),
                }
            )
        if stage is not None and job is not None:
            self._stage_history(app_id, job, stage, applied, last, status == "active")
        if prospect and pool is not None and prospect_stage is not None:
            self.prospect_details.write(
                {
                    "id": app_id,
                    "application_id": app_id,
                    "candidate_id": cid,
                    "prospect_pool_id": pool["id"],
                    "prospect_stage_id": prospect_stage["id"],
                    "prospect_owner_id": RECRUITERS[0]["id"],
                    "updated_at": last_at,
                }
            )
        return record

    def _stage_history(
        self, app_id: int, job: GreenhouseJob, stage: int, start: int, end: int, still_in: bool
    ) -> None:
        """Stages 0..`stage` of one application, entered at even steps between application
        and last activity (v3 `/application_stages`: who reached which round, and when)."""
        iso = self.clock.iso_ms
        steps = stage + 1
        span = max(end - start, steps)
        for i in range(steps):
            entered = start + span * i // steps
            exited = None if (i == stage and still_in) else start + span * (i + 1) // steps
            self.application_stages.write(
                {
                    "id": app_id * 10 + i,
                    "application_id": app_id,
                    "job_interview_stage_id": job.id * 10 + i,
                    "entered_at": iso(entered),
                    "exited_at": iso(exited) if exited is not None else None,
                    "updated_at": iso(exited if exited is not None else entered),
                }
            )

    def _candidate(
        self,
        rng: random.Random,
        cid: int,
        person: Person,
        apps: list[dict[str, Any]],
        times: list[tuple[int, int]],
    ) -> None:
        iso = self.clock.iso_ms
        created = min(t[0] for t in times) - rng.randint(0, 3 * DAY)
        last_activity = max(t[1] for t in times)
        updated = self.clock.past(rng, last_activity, last_activity + rng.randint(0, 2 * DAY))
        job = person.job_at(created)
        first, last = name_spelling(rng, person)
        agency = any(a["source_id"] == AGENCY_SOURCE["id"] for a in apps)

        emails: list[dict[str, str]] = []
        if agency and rng.random() < 0.6:
            emails.append({"value": pick_agency(rng)[1], "type": "other"})
        elif rng.random() > 0.06:
            if rng.random() < 0.9:
                emails.append(
                    {
                        "value": email_spelling(rng, person.email_local, person.email_domain),
                        "type": "personal",
                    }
                )
            work = person.work_email(job)
            if work is not None and (not emails or rng.random() < 0.3):
                emails.append(
                    {"value": email_spelling(rng, *work.split("@"), messy=0.5), "type": "work"}
                )
                person.work_addresses_on_file.add(work)
        phones = []
        if rng.random() < 0.7:
            phones.append(
                {
                    "value": phone_spelling(rng, person),
                    "type": rng.choice(("mobile", "mobile", "home", "work", "other")),
                }
            )
            if rng.random() < 0.08:
                phones.append({"value": phone_spelling(rng, person), "type": "work"})
        social = [{"value": linkedin_url(rng, person)}] if rng.random() < 0.6 else []
        websites = (
            [{"value": github_url(rng, person.github), "type": "personal"}]
            if person.github and rng.random() < 0.5
            else []
        )
        addresses = (
            [{"value": f"{person.city.name}, {person.city.country_name}", "type": "home"}]
            if rng.random() < 0.4
            else []
        )
        tags: list[str] = []
        if rng.random() > 0.2:  # a fifth of records carry no tags at all
            tags = [skill_spelling(rng, s) for s in person.skills[: rng.randint(1, 3)]]
            if (
                any(
                    a["status"] == "rejected" and a["stage_name"] in ("Onsite", "Final Interview")
                    for a in apps
                )
                and rng.random() < 0.5
            ):
                tags.append(rng.choice(("Silver Medalist", "silver-medalist", "Strong No-Hire?")))
            if person.grad_year is not None and rng.random() < 0.5:
                tags.append(f"Campus {person.grad_year}")
        educations = []
        if person.school and rng.random() < 0.6:
            educations.append(
                {
                    "id": cid * 3 + 1,
                    "school_name": person.school,
                    "degree": DEGREES[0]
                    if person.seniority != "junior"
                    else rng.choice(DEGREES[:2]),
                    "discipline": DISCIPLINES_BY_FAMILY[person.family],
                    "start_date": f"{person.grad_year - 4}-09-01T00:00:00.000Z",
                    "end_date": f"{person.grad_year}-07-31T00:00:00.000Z",
                }
            )
        employments = []
        if rng.random() < 0.4:
            for n, held in enumerate(person.jobs):
                if held.start > created:
                    break
                employments.append(
                    {
                        "id": cid * 5 + n,
                        "company_name": held.company.name,
                        "title": held.title,
                        "start_date": iso(held.start),
                        "end_date": iso(held.end)
                        if held.end is not None and held.end < created
                        else None,
                    }
                )
        grad = person.grad_year if rng.random() < 0.7 else None
        desired = person.city.name if rng.random() < 0.3 else None
        # Educations and employments were embedded in v1 candidates; v3 lists neither on the
        # candidate (they are not read by this CRM), but they are drawn as before so every
        # later random draw, and with it the rest of the market, stays the same.
        del educations, employments
        record = {
            "id": cid,
            "first_name": first,
            "last_name": last,
            "company": job.company.name if job is not None else None,
            "title": title_spelling(rng, job.title) if job is not None else None,
            "created_at": iso(created, rng.randrange(1000)),
            "updated_at": iso(updated, rng.randrange(1000)),
            "last_activity_at": iso(last_activity, rng.randrange(1000)),
            "private": rng.random() < 0.01,
            "phone_numbers": phones,
            "addresses": addresses,
            "email_addresses": emails,
            "website_addresses": websites,
            "social_media_addresses": social,
            "recruiter_id": RECRUITERS[rng.randrange(len(RECRUITERS))]["id"]
            if rng.random() < 0.7
            else None,
            "coordinator_id": None,
            "can_email": not (person.opted_out and rng.random() < 0.8),
            "tags": tags,
            "custom_fields": {
                "graduation_year": {"name": "Graduation Year", "type": "number", "value": grad},
                "desired_location": {
                    "name": "Desired Location",
                    "type": "short_text",
                    "value": desired,
                },
            },
        }
        self.candidates.write(record)
        self.gt.add("greenhouse", "candidates", cid, person.person_id)

    def close(self) -> dict[str, int]:
        for sink in self._sinks():
            sink.close()
        counts = {f"greenhouse/{name}": sink.count for name, sink in self._named_sinks()}
        for name, records in self._lists().items():
            sink = JsonlSink(self.out_dir / "greenhouse" / f"{name}.jsonl")
            for record in records:
                sink.write(record)
            sink.close()
            counts[f"greenhouse/{name}"] = sink.count
        return counts

    def _named_sinks(self) -> list[tuple[str, JsonlSink]]:
        return [
            ("candidates", self.candidates),
            ("applications", self.applications),
            ("application_stages", self.application_stages),
            ("rejection_details", self.rejection_details),
            ("prospect_details", self.prospect_details),
        ]

    def _sinks(self) -> list[JsonlSink]:
        return [sink for _, sink in self._named_sinks()]

    def _lists(self) -> dict[str, list[dict[str, Any]]]:
        """The small v3 lists, written at the end (jobs carry the hires made meanwhile)."""
        stamp = self.clock.iso_ms(self.clock.now - 400 * DAY)
        reasons = {r["id"]: r for r in (*EARLY_REJECTIONS, *LATE_REJECTIONS)}
        return {
            "jobs": [self._job_record(job) for job in self.jobs],
            "job_interview_stages": [
                {
                    "id": job.id * 10 + i,
                    "job_id": job.id,
                    "name": name,
                    "priority": i,
                    "created_at": self.clock.iso_ms(job.created),
                    "updated_at": self.clock.iso_ms(job.created),
                }
                for job in self.jobs
                for i, name in enumerate(STAGES)
            ],
            "rejection_reasons": [
                {
                    "id": rid,
                    "name": reason["name"],
                    "type": reason["type"],
                    "updated_at": stamp,
                    **({} if rid in _CUSTOM_REASON_IDS else {_HIDDEN: "include_defaults"}),
                }
                for rid, reason in sorted(reasons.items())
            ],
            "sources": [
                {"id": src["id"], "name": src["public_name"], "type": {"id": 1, "name": "Other"}}
                for src in (*SOURCES, AGENCY_SOURCE)
            ],
            "departments": list(_DEPARTMENTS.values()),
            "offices": list(_OFFICE_OBJECTS),
            "users": [
                {**SITE_ADMIN, "site_admin": True},
                *({**u, "site_admin": False} for u in (*RECRUITERS, *HIRING_MANAGERS)),
                {**SERVICE_ACCOUNT, "site_admin": False, _HIDDEN: "show_service_accounts"},
            ],
            "custom_fields": CUSTOM_FIELDS,
            "prospect_pools": [
                {**pool, "prospect_stages": list(PROSPECT_STAGES)} for pool in PROSPECT_POOLS
            ],
        }


# Rows the fake server hides unless the named parameter is true (stripped: not a v3 field).
_HIDDEN = "_sample_hidden_unless"
SITE_ADMIN = _user(900001, "Ada", "Admin")
SERVICE_ACCOUNT = _user(900900, "Harvest", "Integration")
CUSTOM_FIELDS = [
    {
        "id": 60001,
        "name": "Graduation Year",
        "name_key": "graduation_year",
        "field_type": "candidate",
        "value_type": "number",
    },
    {
        "id": 60002,
        "name": "Desired Location",
        "name_key": "desired_location",
        "field_type": "candidate",
        "value_type": "short_text",
    },
    {
        "id": 60003,
        "name": "Required Skills",
        "name_key": "required_skills",
        "field_type": "job",
        "value_type": "multi_select",
    },
    {
        "id": 60004,
        "name": "Seniority",
        "name_key": "seniority",
        "field_type": "job",
        "value_type": "single_select",
    },
    {
        "id": 60005,
        "name": "Employment Type",
        "name_key": "employment_type",
        "field_type": "job",
        "value_type": "single_select",
    },
]


def _level_of(person: Person, ours: Job) -> str:
    """The seniority of the job they took with us (its title was made by `title_for` from the
    person's family and the level they held then; an alumnus may have joined below the level
    they hold today)."""
    for level in SENIORITY_ORDER:
        if any(title_for(person.family, level, k) == ours.title for k in range(8)):
            return level
    return person.seniority


def _level_gap(person: Person, ours: Job, job: GreenhouseJob) -> int:
    """Levels between the job they took with us and the req's."""
    return abs(
        SENIORITY_ORDER.index(_level_of(person, ours)) - SENIORITY_ORDER.index(job.seniority)
    )


def _hire_fit(person: Person, ours: Job, job: GreenhouseJob) -> float:
    """How well `person` fits `job` (about 0..6): the level they joined us at equal to the
    req's 2 (one level apart 1), one point per required skill of the req they have, office in
    their city 1 (their country or remote 0.5), minus 1 per year between the req closing and
    their start beyond the usual 150 days."""
    level = _level_gap(person, ours, job)
    fit = 2.0 if level == 0 else 1.0 if level == 1 else 0.0
    fit += len(set(job.skills) & set(person.skills))
    office_city, office_location = OFFICES[job.office]
    if office_city == person.city.name:
        fit += 1.0
    elif office_city == "Remote" or office_location.endswith(person.city.country_name):
        fit += 0.5
    closed = job.first_closed or job.closed or ours.start
    return fit - max(0.0, (ours.start - closed) / DAY - 150) / 365


def _application_dates(job: GreenhouseJob, ours: Job) -> tuple[int, int]:
    """Earliest and latest moment `_hire` can stamp on the hire's candidate record (its
    application date, minus up to 3 days for the record's creation)."""
    closed = job.first_closed or job.closed or ours.start
    return closed - 81 * DAY - 3 * DAY, closed - 25 * DAY


OUR_COMPANY_USER_ID = 910_000
