"""Who the sample market hires into its Greenhouse reqs: people who fit the req (the req-match
backtest measures whether the CRM would have surfaced them). Read from the written feeds only,
joined through the generator's ground truth."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from ingest.sample.market import generate_market
from ingest.sample.market.work import ROLE_FAMILIES, SENIORITY_ORDER, title_for


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One generated market for every test here (generating it is most of their time)."""
    out = tmp_path_factory.mktemp("hires") / "market"
    generate_market(out, contacts=3000, seed=9)
    return out


def _person_of(market: Path) -> dict[tuple[str, str], str]:
    """(entity, source record id) → person id, from the generator's ground truth."""
    with open(market / "ground_truth.csv", encoding="utf-8") as handle:
        return {
            (row["entity"], row["source_record_id"]): row["person_id"]
            for row in csv.DictReader(handle)
        }


def _jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _departments(market: Path) -> dict[int, str]:
    """Department id → name: a Harvest v3 job names its department only by id."""
    return {d["id"]: d["name"] for d in _jsonl(market / "greenhouse" / "departments.jsonl")}


def _reasons(market: Path) -> dict[int, str]:
    """Rejection reason id → name (v3 applications carry only `rejection_reason_id`)."""
    return {r["id"]: r["name"] for r in _jsonl(market / "greenhouse" / "rejection_reasons.jsonl")}


def test_hires_join_in_the_department_of_their_req_and_apply_after_it_opened(market: Path):
    person_of = _person_of(market)
    department_of: dict[str, str] = {}
    joined_as: dict[str, str] = {}  # the job title they took with us
    for path in sorted((market / "drop" / "hris").glob("*.csv")):
        with open(path, encoding="utf-8") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=1):
                person = person_of.get(("employees", f"{path.name}:{number}"))
                if person:
                    department_of[person] = row["Department"]
                    joined_as[person] = row["Job Title"]
    # A title some levels share means the lowest of them, as the generator reads it.
    level_of_title: dict[str, str] = {}
    for family, _share in ROLE_FAMILIES:
        for level in SENIORITY_ORDER:
            for k in range(8):
                level_of_title.setdefault(title_for(family, level, k), level)
    jobs = {job["id"]: job for job in _jsonl(market / "greenhouse" / "jobs.jsonl")}
    department_name = _departments(market)
    hires = [
        a for a in _jsonl(market / "greenhouse" / "applications.jsonl") if a["status"] == "hired"
    ]
    assert len(hires) >= 15
    same_department = before_opening = 0
    level_gaps = []
    for app in hires:
        job = jobs[app["job_id"]]
        person = person_of[("applications", str(app["id"]))]
        same_department += department_of.get(person) == department_name[job["department_id"]]
        before_opening += app["created_at"] < job["opened_at"]
        joined = SENIORITY_ORDER.index(level_of_title[joined_as[person]])
        seniority = job["custom_fields"]["seniority"]["value"]
        level_gaps.append(abs(joined - SENIORITY_ORDER.index(seniority)))
    # Nobody fills a req two or more levels from the level they joined at (no VP through a
    # junior engineer's req). How many fill one at exactly their level depends on which reqs
    # were open (about 40% on seeds 3, 5, 7, 9, 11), so it is not asserted.
    assert max(level_gaps) <= 1
    # Every hire fills a req of their own family (an employee whose family had no req came
    # through another channel); nobody applies before the req opened.
    assert same_department == len(hires)
    assert before_opening / len(hires) <= 0.1


def test_warm_hires_were_known_as_a_fit_before_their_req_opened(market: Path):
    """A share of the hires come from the warm pool: before their req opened, the written feeds
    show a final-round rejection for an earlier req of the same department, or a titled
    sourcing row followed by an outreach reply — evidence a recruiter had, in source records."""
    person_of = _person_of(market)
    jobs = {job["id"]: job for job in _jsonl(market / "greenhouse" / "jobs.jsonl")}
    apps = _jsonl(market / "greenhouse" / "applications.jsonl")
    department_name, reason_name = _departments(market), _reasons(market)
    silver: dict[str, list[tuple[str, str]]] = {}  # person → (department, rejected_at)
    for app in apps:
        late = app["stage_name"] in ("Onsite", "Final Interview")
        reason = reason_name.get(app["rejection_reason_id"])
        near_miss = reason in ("Hired another candidate", "Position filled")
        if app["status"] == "rejected" and app["job_id"] is not None and late and near_miss:
            department = department_name[jobs[app["job_id"]]["department_id"]]
            person = person_of[("applications", str(app["id"]))]
            silver.setdefault(person, []).append((department, app["rejected_at"]))
    titled_sourcing: dict[str, list[str]] = {}  # person → sourced dates of titled rows
    for path in sorted((market / "drop" / "sourcing").glob("*.csv")):
        with open(path, encoding="utf-8") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=1):
                if row["Current Title"]:
                    person = person_of[("profiles", f"{path.name}:{number}")]
                    titled_sourcing.setdefault(person, []).append(row["Sourced At"])
    replies: dict[str, list[str]] = {}
    for path in sorted((market / "drop" / "outreach").glob("*.csv")):
        with open(path, encoding="utf-8") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=1):
                if row["event"] == "replied":
                    person = person_of[("events", f"{path.name}:{number}")]
                    replies.setdefault(person, []).append(row["occurred_at"])
    hires = [a for a in apps if a["status"] == "hired"]
    warm = 0
    for app in hires:
        job = jobs[app["job_id"]]
        person = person_of[("applications", str(app["id"]))]
        opened, department = job["opened_at"], department_name[job["department_id"]]
        was_silver = any(d == department and at < opened for d, at in silver.get(person, []))
        was_sourced = any(d < opened[:10] for d in titled_sourcing.get(person, [])) and any(
            r < opened for r in replies.get(person, [])
        )
        warm += was_silver or was_sourced
    # Seed 9: 13 of 19 hires (every hire another source knew, 30 % of the others; cold: none).
    print(f"warm hires {warm} of {len(hires)}")
    assert 0.3 <= warm / len(hires) <= 0.7
