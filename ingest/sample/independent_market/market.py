"""Write the independent market: people, their ATS records, and the ground truth.

The on-disk layout is the sample market's (so `ingest.sample.identity_records` and the fake
vendor servers read it unchanged): `greenhouse/*.jsonl` (every list the Greenhouse server
loads, reference lists filled, candidates from the people; applications stay empty because
identity is measured on candidates and v3 candidates do not embed them), `lever/
opportunities.jsonl` + `postings` + `archive_reasons` + `deleted_opportunities`, `ashby/
candidates.jsonl` + `jobs`, `ground_truth.csv` and `manifest.json`. Beside them
`ground_truth_notes.csv` names every variation and hard case each record carries; like the
ground truth, nothing in the pipeline reads it.

Deterministic: every random choice comes from a `random.Random` seeded from the seed and a
fixed label, people are made in index order, and files are written in a fixed order.
"""

from __future__ import annotations

import csv
import json
import random
import time
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from .mailboxes import Registry
from .people import (
    Person,
    make_person,
    namesake_at_employer,
    namesake_in_city,
    partners_mailbox,
    recycled_address,
    twin_of,
)
from .records import Snapshot, agency_for, snapshot
from .wire import (
    LEVER_ARCHIVE_REASONS,
    LEVER_STAGES,
    ashby_candidate,
    ashby_touch,
    email_keys,
    greenhouse_candidate,
    greenhouse_reference,
    greenhouse_touch,
    lever_opportunity,
    new_uuid,
)

GENERATOR_VERSION = "1.0.0"
DEFAULT_AS_OF = date(2026, 10, 15)
_FIRST_RECORD = date(2016, 1, 1)
# Hard cases per 3,000 people (scaled with the market, at least one of each).
HARD_CASES_PER_3000 = {
    "namesake_same_city": 14,
    "twin": 10,
    "employer_namesake": 12,
    "family_mailbox": 8,
    "recycled_work_address": 8,
    "agency_mailbox": 18,  # candidates submitted by agencies
}
_GREENHOUSE_LISTS = (
    "candidates",
    "applications",
    "jobs",
    "application_stages",
    "rejection_details",
    "prospect_details",
    "rejection_reasons",
    "job_interview_stages",
    "sources",
    "departments",
    "offices",
    "users",
    "custom_fields",
    "prospect_pools",
)
_SYSTEMS = ("greenhouse", "lever", "ashby")
# The Greenhouse account switched on Auto-Merge on this day: from then on a job-board or
# referral application whose e-mail is identical to an existing candidate's joins that
# candidate. Auto-Merge is not retroactive and skips profiles created by integrations
# (sourcing tools) and agencies, so those duplicates stay (Greenhouse support: "Auto-Merge").
GREENHOUSE_AUTO_MERGE_FROM = date(2021, 3, 1)
_AUTO_MERGED = frozenset({"applied", "referred"})
_SYSTEM_WEIGHTS = (45, 30, 25)


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
            fh.write("\n")


def _scaled(n: int, people: int) -> int:
    return max(1, round(n * people / 3000))


def _make_people(seed: int, people: int, reg: Registry, as_of: date) -> list[Person]:
    derived = {
        k: _scaled(v, people) for k, v in HARD_CASES_PER_3000.items() if k != "agency_mailbox"
    }
    base_count = max(1, people - sum(derived.values()))
    out = [
        make_person(random.Random(f"independent:{seed}:person:{i}"), f"IP{i + 1:06d}", reg, as_of)
        for i in range(base_count)
    ]
    rng = random.Random(f"independent:{seed}:hard_cases")
    used: set[str] = set()
    makers = {
        "namesake_same_city": lambda r, a, pid: namesake_in_city(r, a, pid, reg, as_of),
        "twin": lambda r, a, pid: twin_of(r, a, pid, reg, as_of, share_landline=r.random() < 0.4),
        "employer_namesake": lambda r, a, pid: namesake_at_employer(r, a, pid, reg, as_of),
        "family_mailbox": lambda r, a, pid: partners_mailbox(r, a, pid, reg, as_of),
        "recycled_work_address": lambda r, a, pid: recycled_address(r, a, pid, reg, as_of),
    }
    for kind, count in derived.items():
        made, tries = 0, 0
        while made < count and tries < count * 50 and len(out) < people:
            tries += 1
            a = out[rng.randrange(base_count)]
            if a.pid in used or (kind == "family_mailbox" and a.married):
                continue
            pid = f"IP{len(out) + 1:06d}"
            b = makers[kind](random.Random(f"independent:{seed}:{kind}:{made}:{tries}"), a, pid)
            if b is None:
                continue
            used.update((a.pid, b.pid))
            out.append(b)
            made += 1
    # Fill any shortfall (a small market without enough old jobs to recycle) with people.
    while len(out) < people:
        i = len(out)
        out.append(
            make_person(
                random.Random(f"independent:{seed}:person:{i}"), f"IP{i + 1:06d}", reg, as_of
            )
        )
    agency_count = _scaled(HARD_CASES_PER_3000["agency_mailbox"], people)
    free = [p for p in out if p.pid not in used]
    for p in rng.sample(free, min(agency_count, len(free))):
        p.tags.add("agency_mailbox")
    return out


def _plan(rng: random.Random, p: Person, as_of: date) -> list[tuple[str, str, date, str | None]]:
    """(system, origin, day, forced content) of every record this person leaves."""
    n = rng.choices((1, 2, 3, 4), (26, 29, 24, 21))[0]
    if p.tags:
        n = max(n, 2)
    last_day = as_of - timedelta(days=20)
    days = [_between(rng, _FIRST_RECORD, last_day)]
    duplicate = []
    for _ in range(n - 1):
        if rng.random() < 0.12:
            days.append(days[-1] + timedelta(days=rng.randrange(0, 12)))  # a recruiter's duplicate
            duplicate.append(True)
            continue
        nxt = days[-1] + timedelta(days=rng.randrange(30, 1500))
        days.append(nxt if nxt <= last_day else _between(rng, _FIRST_RECORD, last_day))
        duplicate.append(False)
    plan = []
    system = rng.choices(_SYSTEMS, _SYSTEM_WEIGHTS)[0]
    for i, day in enumerate(days):
        if i and not duplicate[i - 1] and rng.random() >= 0.45:
            system = rng.choices(_SYSTEMS, _SYSTEM_WEIGHTS)[0]
        origin = rng.choices(("applied", "sourced", "referred"), (55, 32, 13))[0]
        plan.append([system, origin, min(day, last_day), None])
    # Make sure each hard case actually shows in the data.
    if "family_mailbox" in p.tags:
        plan[0][1], plan[0][3] = "applied", "family"
    for kind in ("recycled_work_address", "employer_namesake"):
        if kind in p.tags:
            job = next(
                (
                    j
                    for j in p.jobs
                    if j.work_email
                    and (kind != "recycled_work_address" or j.work_email == p.recycled)
                ),
                None,
            )
            if job is not None:
                end = min(job.end or last_day, last_day)
                plan[-1][2] = _between(rng, job.start, max(job.start + timedelta(days=1), end))
                plan[-1][1], plan[-1][3] = "sourced", "work"
    if "agency_mailbox" in p.tags:
        plan.append(
            [
                rng.choice(("lever", "lever", "greenhouse")),
                "agency",
                _between(rng, _FIRST_RECORD, last_day),
                None,
            ]
        )
    plan.sort(key=lambda x: x[2])
    return [tuple(x) for x in plan]  # type: ignore[misc]


def _between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max(1, (end - start).days)))


def generate_independent_market(
    out_dir: Path | str, people: int = 3000, seed: int = 1, as_of: date | str = DEFAULT_AS_OF
) -> dict[str, Any]:
    """Write a market of `people` true people to `out_dir`; return a summary of what it holds."""
    if people < 2:
        raise ValueError("people must be at least 2")
    if isinstance(as_of, str):
        as_of = date.fromisoformat(as_of)
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    reg = Registry()
    persons = _make_people(seed, people, reg, as_of)

    snaps: list[Snapshot] = []
    for p in persons:
        rng = random.Random(f"independent:{seed}:records:{p.pid}")
        agency = agency_for(rng) if "agency_mailbox" in p.tags else None
        for system, origin, day, force in _plan(rng, p, as_of):
            snap = snapshot(rng, p, system, origin, day, as_of, agency=agency, force=force)
            snap.notes |= {
                t
                for t in p.tags
                if t
                not in (
                    "agency_mailbox",
                    "family_mailbox",
                    "recycled_work_address",
                    "shared_landline",
                )
            }
            snaps.append(snap)
    # ATS ids grow with creation time, so records are numbered in the order they were made.
    snaps.sort(key=lambda s: (s.created, s.person.pid))

    wire_rng = random.Random(f"independent:{seed}:wire")
    gh: list[dict[str, Any]] = []
    lever: list[dict[str, Any]] = []
    ashby: list[dict[str, Any]] = []
    truth: list[tuple[str, str, str, str, str]] = []
    lever_contacts: dict[str, list[tuple[str, set[str]]]] = {}
    ashby_seen: dict[str, list[tuple[dict[str, Any], set[str]]]] = {}
    gh_seen: dict[str, list[tuple[dict[str, Any], set[str]]]] = {}
    per_system: Counter[tuple[str, str]] = Counter()
    next_gh = 41_000_000
    archive_ids = [new_uuid(wire_rng) for _ in LEVER_ARCHIVE_REASONS]
    for snap in snaps:
        p = snap.person
        keys = email_keys(snap)
        if per_system[(p.pid, snap.system)]:
            snap.notes.add("same_system_duplicate")
        if snap.system == "greenhouse":
            earlier = gh_seen.setdefault(p.pid, [])
            if snap.created.date() >= GREENHOUSE_AUTO_MERGE_FROM and snap.origin in _AUTO_MERGED:
                match = next((rec for rec, k in earlier if keys & k), None)
                if match is not None:
                    greenhouse_touch(match, snap)
                    continue  # Auto-Merge added the application to the existing candidate
            next_gh += wire_rng.randrange(1, 40)
            record = greenhouse_candidate(snap, next_gh, wire_rng)
            gh.append(record)
            earlier.append((record, set(keys)))
            rid, entity = str(next_gh), "candidates"
        elif snap.system == "lever":
            contacts = lever_contacts.setdefault(p.pid, [])
            contact = None
            if snap.origin != "agency":
                contact = next((c for c, k in contacts if k & keys), None)
            if contact is None:
                if contacts:
                    snap.notes.add("lever_new_contact")
                contact = new_uuid(wire_rng)
                contacts.append((contact, set(keys)))
            else:
                snap.notes.add("lever_same_contact")
                next(k for c, k in contacts if c == contact).update(keys)
            archived = (
                archive_ids[wire_rng.randrange(len(archive_ids))]
                if wire_rng.random() < 0.6
                else None
            )
            rid = new_uuid(wire_rng)
            lever.append(
                lever_opportunity(
                    snap, rid, contact, wire_rng.choice(LEVER_STAGES), archived, wire_rng
                )
            )
            entity = "opportunities"
        else:
            seen = ashby_seen.setdefault(p.pid, [])
            application = new_uuid(wire_rng)
            match = next((rec for rec, k in seen if keys and k & keys), None)
            if match is not None:
                ashby_touch(match, snap, application)
                continue  # not a new record: Ashby filed the application under the candidate
            rid = new_uuid(wire_rng)
            record = ashby_candidate(snap, rid, application, wire_rng)
            ashby.append(record)
            seen.append((record, set(keys)))
            entity = "candidates"
        per_system[(p.pid, snap.system)] += 1
        truth.append((snap.system, entity, rid, p.pid, ";".join(sorted(snap.notes))))

    _write_all(out, gh, lever, ashby, archive_ids, wire_rng, as_of)
    with (out / "ground_truth.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("source", "entity", "source_record_id", "person_id"))
        w.writerows(t[:4] for t in truth)
    with (out / "ground_truth_notes.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("source", "entity", "source_record_id", "person_id", "notes"))
        w.writerows(truth)

    counts = {
        "ashby.candidates": len(ashby),
        "greenhouse.candidates": len(gh),
        "lever.opportunities": len(lever),
    }
    notes = Counter(n for t in truth for n in t[4].split(";") if n)
    files = sorted(
        p.relative_to(out).as_posix() for p in out.rglob("*.jsonl") if p.parent.name in _SYSTEMS
    ) + ["ground_truth.csv", "ground_truth_notes.csv"]
    manifest = {
        "generator": "talent-crm independent_market",
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "contacts": people,
        "as_of": as_of.isoformat(),
        "record_counts": counts,
        "person_records": len(truth),
        "total_source_records": len(truth),
        "eventbrite_event_ids": [],
        # Only CSV drops are listed with a dialect; this market has none (JSONL by path).
        "files": [{"path": f} for f in files],
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    seconds = time.perf_counter() - started
    return {
        "out_dir": str(out),
        "seed": seed,
        "people": people,
        "as_of": as_of.isoformat(),
        "record_counts": counts,
        "person_records": len(truth),
        "people_with_records": len({t[3] for t in truth}),
        "variations": dict(sorted(notes.items())),
        "seconds": round(seconds, 3),
    }


def _write_all(out: Path, gh, lever, ashby, archive_ids, rng: random.Random, as_of: date) -> None:
    stamp = datetime(as_of.year, as_of.month, as_of.day, 6, 0, 0)
    ref = greenhouse_reference(rng, stamp)
    for name in _GREENHOUSE_LISTS:
        rows = gh if name == "candidates" else ref.get(name, [])
        _write_jsonl(out / "greenhouse" / f"{name}.jsonl", rows)
    ms = int((stamp - datetime(1970, 1, 1)).total_seconds() * 1000)
    postings = [
        {
            "id": new_uuid(rng),
            "text": t,
            "state": s,
            "categories": {
                "team": team,
                "location": loc,
                "commitment": "Full-time",
                "department": team,
                "level": None,
            },
            "createdAt": ms - 90 * 86_400_000,
            "updatedAt": ms,
        }
        for t, s, team, loc in (
            ("Senior Backend Engineer", "published", "Engineering", "Warsaw"),
            ("Data Engineer", "published", "Data", "Remote"),
            ("Account Manager", "closed", "Sales", "London"),
        )
    ]
    reasons = [
        {"id": i, "text": t, "type": k}
        for i, (t, k) in zip(archive_ids, LEVER_ARCHIVE_REASONS, strict=True)
    ]
    _write_jsonl(out / "lever" / "opportunities.jsonl", lever)
    _write_jsonl(out / "lever" / "postings.jsonl", postings)
    _write_jsonl(out / "lever" / "archive_reasons.jsonl", reasons)
    _write_jsonl(out / "lever" / "deleted_opportunities.jsonl", [])
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    jobs = [
        {
            "id": new_uuid(rng),
            "title": t,
            "status": s,
            "employmentType": "FullTime",
            "createdAt": iso,
            "updatedAt": iso,
        }
        for t, s in (
            ("Machine Learning Engineer", "Open"),
            ("Recruiter", "Closed"),
            ("Product Manager", "Open"),
        )
    ]
    _write_jsonl(out / "ashby" / "candidates.jsonl", ashby)
    _write_jsonl(out / "ashby" / "jobs.jsonl", jobs)
