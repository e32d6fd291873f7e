"""Orchestrates one synthetic talent market: people in, every feed plus ground truth out.

People are generated and emitted in fixed-size chunks, each with its own `random.Random`
seeded from (seed, chunk start), so memory stays flat and output depends only on
seed/contacts/as_of (never on the wall clock, hash randomisation or set order). Reference data
(jobs, postings, events) is drawn up front from per-feed generators.
"""

from __future__ import annotations

import json
import random
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .ashby import AshbyFeed
from .clock import Clock
from .csv_feeds import EventCsvFeed, HrisCsvFeed, OutreachCsvFeed, SourcingCsvFeed
from .eventbrite import EventbriteFeed
from .greenhouse import GreenhouseFeed
from .ground_truth import GroundTruth
from .lever import LeverFeed
from .pdl import PdlFeed
from .people import PeopleFactory, Person
from .presence import draw_presence
from .warm import WarmHires

GENERATOR_VERSION = "1.0.0"
# Part of the output contract: changing it changes every file for a given seed.
CHUNK_SIZE = 2_000
# Share of sourced profiles whose Art. 14 notice the team sent within a month (the rest are
# overdue, which the pipeline flags).
ART14_NOTICE_SHARE = 0.85
DEFAULT_AS_OF = date(2026, 11, 1)

_OWNED_FILES = (
    "manifest.json",
    "ground_truth.csv",
    "greenhouse/candidates.jsonl",
    "greenhouse/applications.jsonl",
    "greenhouse/jobs.jsonl",
    "greenhouse/application_stages.jsonl",
    "greenhouse/rejection_details.jsonl",
    "greenhouse/prospect_details.jsonl",
    "greenhouse/rejection_reasons.jsonl",
    "greenhouse/job_interview_stages.jsonl",
    "greenhouse/sources.jsonl",
    "greenhouse/departments.jsonl",
    "greenhouse/offices.jsonl",
    "greenhouse/users.jsonl",
    "greenhouse/custom_fields.jsonl",
    "greenhouse/prospect_pools.jsonl",
    "lever/opportunities.jsonl",
    "lever/postings.jsonl",
    "lever/archive_reasons.jsonl",
    "ashby/candidates.jsonl",
    "ashby/jobs.jsonl",
    "eventbrite/events.jsonl",
    "eventbrite/attendees.jsonl",
    "pdl/enrichment.jsonl",
)
_OWNED_CSV_DIRS = ("drop/events", "drop/sourcing", "drop/outreach", "drop/hris")


def _clear_previous_output(out_dir: Path) -> None:
    """Remove files a previous run wrote, so a re-run into the same folder leaves no strays."""
    for name in _OWNED_FILES:
        (out_dir / name).unlink(missing_ok=True)
    for folder in _OWNED_CSV_DIRS:
        if (out_dir / folder).is_dir():
            for path in sorted((out_dir / folder).glob("*.csv")):
                path.unlink()


def generate_market(
    out_dir: Path | str, contacts: int = 5000, seed: int = 42, as_of: date | str = DEFAULT_AS_OF
) -> dict[str, Any]:
    """Write a synthetic market of `contacts` true people to `out_dir` (see docs/sample_feeds.md).

    Returns a summary: record counts per feed, person-bearing records, total source records,
    seconds taken and records per second. Identical arguments give byte-identical files.
    """
    if contacts < 1:
        raise ValueError("contacts must be at least 1")
    if isinstance(as_of, str):
        as_of = date.fromisoformat(as_of)  # the CLI may pass the --as-of text through
    elif isinstance(as_of, datetime):
        as_of = as_of.date()
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _clear_previous_output(out_dir)
    clock = Clock(as_of)

    def feed_rng(name: str) -> random.Random:
        return random.Random(f"talent-crm:{seed}:{name}")

    gt = GroundTruth(out_dir / "ground_truth.csv")
    greenhouse = GreenhouseFeed(out_dir, clock, feed_rng("greenhouse"), contacts, gt)
    lever = LeverFeed(out_dir, clock, feed_rng("lever"), contacts, gt)
    ashby = AshbyFeed(out_dir, clock, feed_rng("ashby"), contacts, gt)
    eventbrite = EventbriteFeed(out_dir, clock, feed_rng("eventbrite"), contacts, gt)
    event_csv = EventCsvFeed(out_dir, clock, feed_rng("event_csv"), contacts, gt)
    sourcing = SourcingCsvFeed(out_dir, clock, gt)
    outreach = OutreachCsvFeed(out_dir, clock, gt)
    hris = HrisCsvFeed(out_dir, clock, gt)
    pdl = PdlFeed(out_dir, clock, gt)
    factory = PeopleFactory(clock)
    warm_hires = WarmHires(feed_rng("warm_hires"), greenhouse, sourcing, outreach)
    notice_rng = feed_rng("art14_notices")

    for chunk_start in range(0, contacts, CHUNK_SIZE):
        rng = random.Random(f"talent-crm:{seed}:chunk:{chunk_start}")
        people: list[Person] = []
        for index in range(chunk_start, min(contacts, chunk_start + CHUNK_SIZE)):
            people.append(factory.make(rng, index + 1, people))
        for person in people:
            hire = greenhouse.hire_job_for(person)
            if hire is not None and rng.random() >= 0.6:
                hire = None  # not every employee came through Greenhouse
            presence = draw_presence(rng, person, hire is not None)
            warm = warm_hires.plan(person, hire, presence)
            sourced: list[int] = []  # dates of this person's sourcing rows
            if presence.greenhouse:
                silver = (
                    (warm.silver_req, warm_hires.rng)
                    if warm is not None and warm.silver_req is not None
                    else None
                )
                greenhouse.add(person, rng, presence.greenhouse, hire, silver)
            if warm is not None:
                sourced += warm_hires.write(person, warm)
            if presence.lever:
                lever.add(person, rng, presence.lever)
            if presence.ashby:
                ashby.add(person, rng, presence.ashby)
            if presence.eventbrite:
                eventbrite.add(person, rng, presence.eventbrite)
            if presence.event_csv:
                event_csv.add(person, rng, presence.event_csv)
            if presence.sourcing:
                sourced += sourcing.add(person, rng, presence.sourcing)
            if presence.outreach:
                outreach.add(person, rng, presence.outreach, enriched=presence.pdl)
            # The Art. 14 notice goes by e-mail, so only to sourced people the CRM has an
            # address for (an ATS or event record, or an address looked up when sourcing them);
            # most get it in time, and everyone the team put in an e-mail sequence got it (the
            # outreach tool sends it with the first message, as Art. 14(3)(b) requires) —
            # the same rule for every sequenced person, hired later or not.
            # Own generator: the other streams stay as they were.
            sequenced = bool(presence.outreach) or (
                warm is not None and warm.outreach_at is not None
            )
            reachable = sequenced or (
                presence.greenhouse
                or presence.lever
                or presence.ashby
                or presence.eventbrite
                or presence.event_csv
            )
            for obtained in sourced if reachable else ():
                if sequenced or notice_rng.random() < ART14_NOTICE_SHARE:
                    outreach.art14_notice(person, notice_rng, obtained)
            if presence.hris:
                hris.add(person, rng)
            if presence.pdl:
                pdl.add(person, rng)
        eventbrite.flush(rng)

    counts: dict[str, int] = {}
    for feed in (greenhouse, lever, ashby, eventbrite, event_csv, sourcing, outreach, hris, pdl):
        counts.update(feed.close())
    gt.close()
    counts = dict(sorted(counts.items()))
    total = sum(counts.values())

    files = _describe_files(out_dir, event_csv)
    manifest = {
        "generator": "talent-crm sample_market",
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "contacts": contacts,
        "as_of": as_of.isoformat(),
        "record_counts": counts,
        "person_records": gt.count,
        "total_source_records": total,
        "eventbrite_event_ids": eventbrite.event_ids,
        "files": files,
    }
    with open(out_dir / "manifest.json", "w", encoding="utf-8", newline="\n") as handle:
        handle.write(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    seconds = time.perf_counter() - started
    return {
        "out_dir": str(out_dir),
        "seed": seed,
        "contacts": contacts,
        "as_of": as_of.isoformat(),
        "record_counts": counts,
        "person_records": gt.count,
        "total_source_records": total,
        "seconds": round(seconds, 3),
        "records_per_second": round(total / seconds) if seconds > 0 else None,
    }


def _describe_files(out_dir: Path, event_csv: EventCsvFeed) -> list[dict[str, Any]]:
    """Every written file; CSVs also state their encoding and delimiter (the tool's dialect)."""
    dialects = {
        sink.name: (template.encoding, template.delimiter)
        for sink, template, _when in event_csv.sinks
    }
    files = []
    for path in sorted(p for p in out_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(out_dir).as_posix()
        if rel == "manifest.json" or not (rel in _OWNED_FILES or rel.startswith("drop/")):
            continue
        entry: dict[str, Any] = {"path": rel}
        if path.suffix == ".csv" and rel.startswith("drop/"):
            encoding, delimiter = dialects.get(path.name, ("utf-8", ","))
            entry["encoding"] = encoding
            entry["delimiter"] = delimiter
        files.append(entry)
    return files
