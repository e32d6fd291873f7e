"""Eventbrite feed: events (meetups, campus career fairs, tech talks) and their attendees.

Reproduces the buyer problem: an order of several tickets creates one attendee row per ticket,
and by default every row carries the BUYER's profile and answers (including the buyer's consent).
Ground truth maps each such row to the real attendee it stands for, not to the buyer: the row
is a seat taken by a different person whose identity the feed does not reveal.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .clock import DAY, Clock
from .ground_truth import GroundTruth
from .ids import Sequence
from .people import Person
from .sinks import JsonlSink
from .variation import email_spelling, name_spelling, role_mailbox, title_spelling
from .work import ROLE_MAILBOX_PREFIXES

CONSENT_QUESTION = "May Northwind Labs contact you about future job opportunities?"
GRAD_QUESTION = "Graduation year"

# (name, timezone, standard UTC offset in minutes; DST is ignored, "local" is indicative only)
_MEETUPS = (
    ("Berlin Data Engineering Meetup", "Europe/Berlin", 60),
    ("London Platform Engineers", "Europe/London", 0),
    ("Amsterdam Product Circle", "Europe/Amsterdam", 60),
    ("Paris Design Systems", "Europe/Paris", 60),
    ("SF Analytics Engineers", "America/Los_Angeles", -480),
    ("NYC Go Night", "America/New_York", -300),
    ("Bangalore ML Guild", "Asia/Kolkata", 330),
    ("Munich Kubernetes Meetup", "Europe/Berlin", 60),
)
_CAMPUS = (
    ("TU München Career Fair", "Europe/Berlin", 60),
    ("Imperial Tech Careers Day", "Europe/London", 0),
    ("TU Delft Company Days", "Europe/Amsterdam", 60),
    ("IIT Bombay Placement Week", "Asia/Kolkata", 330),
    ("UC Berkeley Engineering Career Fair", "America/Los_Angeles", -480),
)
_TICKETS = ("General Admission", "Early Bird", "Free Ticket", "Speaker", "Student")


@dataclass(slots=True)
class Event:
    id: str
    name: str
    timezone: str
    utc_offset: int  # seconds
    campus: bool
    start: int
    end: int
    created: int
    consent_qid: str
    grad_qid: str | None
    index: int = 0


class EventbriteFeed:
    def __init__(
        self, out_dir: Path, clock: Clock, rng: random.Random, contacts: int, gt: GroundTruth
    ) -> None:
        self.clock = clock
        self.gt = gt
        self.out_dir = out_dir / "eventbrite"
        self.events = self._make_events(rng, min(400, 6 + contacts // 1500))
        self.campus_events = [e for e in self.events if e.campus]
        self.other_events = [e for e in self.events if not e.campus]
        self.attendees = JsonlSink(self.out_dir / "attendees.jsonl")
        self.attendee_ids = Sequence(1_300_000_000 + rng.randrange(1_000_000), max_gap=5)
        self.order_ids = Sequence(900_000_000 + rng.randrange(1_000_000), max_gap=3)
        self._pending: dict[int, list[Person]] = {}

    def _make_events(self, rng: random.Random, n: int) -> list[Event]:
        now = self.clock.now
        events = []
        next_id = 400_000_000_000 + rng.randrange(10_000_000)
        qid = 120_000_000 + rng.randrange(1_000_000)
        for i in range(n):
            campus = i % 3 == 1
            name, tz, offset = (_CAMPUS if campus else _MEETUPS)[rng.randrange(5 if campus else 8)]
            day = now - rng.randint(7, 3 * 365) * DAY
            # Meetups start 18:00 local, fairs 09:00 local.
            start = day - day % DAY + (18 if not campus else 9) * 3600 - offset * 60
            next_id += rng.randint(1_000, 900_000)
            qid += 3
            year = Clock.year(start)
            label = f"{name} {year}" if campus else f"{name} #{10 + i}"
            events.append(
                Event(
                    id=str(next_id),
                    name=label,
                    timezone=tz,
                    utc_offset=offset * 60,
                    campus=campus,
                    start=start,
                    end=start + (8 if campus else 3) * 3600,
                    created=start - rng.randint(20, 90) * DAY,
                    consent_qid=str(qid),
                    grad_qid=str(qid + 1) if campus else None,
                )
            )
        events.sort(key=lambda e: (e.start, e.id))
        for index, event in enumerate(events):
            event.index = index
        return events

    def pick_event(self, rng: random.Random, person: Person) -> Event:
        if person.grad_year is not None and rng.random() < 0.65:
            return rng.choice(self.campus_events)
        return rng.choice(self.other_events)

    def add(self, person: Person, rng: random.Random, n_events: int) -> None:
        """Queue attendances; rows are written per chunk so orders can group several people."""
        seen: set[str] = set()
        for _ in range(n_events):
            event = self.pick_event(rng, person)
            if event.id in seen:
                continue
            seen.add(event.id)
            self._pending.setdefault(event.index, []).append(person)

    def flush(self, rng: random.Random) -> None:
        for index in sorted(self._pending):
            event = self.events[index]
            people = self._pending[index]
            i = 0
            while i < len(people):
                size = 1
                if len(people) - i >= 2 and rng.random() < 0.2:
                    size = min(len(people) - i, rng.choice((2, 2, 3, 4)))
                self._order(rng, event, people[i : i + size])
                i += size
        self._pending.clear()

    def _order(self, rng: random.Random, event: Event, people: list[Person]) -> None:
        buyer = people[0]
        order_id = str(self.order_ids.next(rng))
        created = event.start - rng.randint(1, 40) * DAY - rng.randrange(DAY)
        created = max(created, event.created + 3600)
        job = buyer.job_at(created)
        first, last = name_spelling(rng, buyer)
        if job is not None and rng.random() < 0.03:
            # A team mailbox registering on behalf of colleagues.
            email = role_mailbox(rng, job.company.domain, ROLE_MAILBOX_PREFIXES)
        elif job is not None and not event.campus and rng.random() < 0.35:
            work = buyer.work_email(job)
            email = (
                email_spelling(rng, *work.split("@"), messy=0.5)
                if work is not None
                else email_spelling(rng, buyer.email_local, buyer.email_domain)
            )
            if work is not None:
                buyer.work_addresses_on_file.add(work)
        else:
            email = email_spelling(rng, buyer.email_local, buyer.email_domain)
        if event.campus and buyer.grad_year is not None:
            job_title, company = "Student", buyer.school or ""
        else:
            job_title = title_spelling(rng, job.title) if job is not None else ""
            company = job.company.name if job is not None else ""
        profile = {
            "first_name": first,
            "last_name": last,
            "email": email,
            "name": f"{first} {last}",
            "job_title": job_title,
            "company": company,
        }
        answers: list[dict[str, Any]] = []
        consent = {
            "question_id": event.consent_qid,
            "question": CONSENT_QUESTION,
            "type": "multiple_choice",
        }
        if rng.random() < 0.85:  # unanswered questions come without an "answer" key
            consent["answer"] = "No" if buyer.opted_out or rng.random() < 0.2 else "Yes"
        answers.append(consent)
        if event.grad_qid is not None:
            grad = {"question_id": event.grad_qid, "question": GRAD_QUESTION, "type": "text"}
            if buyer.grad_year is not None:
                grad["answer"] = str(buyer.grad_year)
            answers.append(grad)
        ticket = "Student" if event.campus else rng.choice(_TICKETS[:4])
        for person in people:
            aid = str(self.attendee_ids.next(rng))
            cancelled = rng.random() < 0.04
            refunded = cancelled and rng.random() < 0.5
            checked_in = not cancelled and rng.random() < 0.62
            status = "Not Attending" if cancelled else ("Checked In" if checked_in else "Attending")
            changed = (
                self.clock.past(rng, event.end, event.end + rng.randint(0, 2 * DAY))
                if checked_in
                else created + rng.randint(0, 5 * DAY)
            )
            record = {
                "id": aid,
                "created": Clock.iso_s(created),
                "changed": Clock.iso_s(changed),
                "event_id": event.id,
                "order_id": order_id,
                "ticket_class_id": str(int(event.consent_qid) * 10 + _TICKETS.index(ticket)),
                "ticket_class_name": ticket,
                "profile": profile,
                "answers": answers,
                "barcodes": [
                    {"barcode": f"{order_id}{aid}001", "status": "used" if checked_in else "unused"}
                ],
                "checked_in": checked_in,
                "cancelled": cancelled,
                "refunded": refunded,
                "status": status,
                "team": None,
                "affiliate": None,
                "resource_uri": f"https://www.eventbriteapi.com/v3/events/{event.id}/attendees/{aid}/",
            }
            self.attendees.write(record)
            # The true attendee, not the buyer whose profile the row carries.
            self.gt.add("eventbrite", "attendees", aid, person.person_id)

    def event_record(self, event: Event) -> dict[str, Any]:
        iso = Clock.iso_s
        local = Clock.local_naive
        return {
            "id": event.id,
            "name": {"text": event.name, "html": event.name},
            "summary": "Campus recruiting fair" if event.campus else "Community meetup",
            "url": f"https://www.eventbrite.com/e/{event.id}",
            "start": {
                "timezone": event.timezone,
                "local": local(event.start + event.utc_offset),
                "utc": iso(event.start),
            },
            "end": {
                "timezone": event.timezone,
                "local": local(event.end + event.utc_offset),
                "utc": iso(event.end),
            },
            "created": iso(event.created),
            "changed": iso(event.end + DAY),
            "published": iso(event.created + 3600),
            "status": "completed" if event.end < self.clock.now else "live",
            "currency": "EUR",
            "online_event": False,
            "organizer_id": "55512340001",
            "venue_id": str(30_000_000 + int(event.id) % 997),
            "category_id": "101" if event.campus else "102",
            "format_id": "4" if event.campus else "6",
            "capacity": 500 if event.campus else 120,
            "is_free": True,
        }

    def close(self) -> dict[str, int]:
        self.attendees.close()
        events = JsonlSink(self.out_dir / "events.jsonl")
        for event in self.events:
            events.write(self.event_record(event))
        events.close()
        return {"eventbrite/events": events.count, "eventbrite/attendees": self.attendees.count}

    @property
    def event_ids(self) -> list[str]:
        return [e.id for e in self.events]
