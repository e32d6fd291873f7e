"""Which feeds a person shows up in, and how many records each feed holds for them.

Tuned so an average person leaves about 2.6 source records, the ratio seen in mid-size talent
CRMs: most people are in one or two systems, a few are everywhere.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .people import Person

_SENIOR = frozenset(("senior", "staff", "manager", "director", "vp"))


@dataclass(slots=True)
class Presence:
    greenhouse: int = 0  # candidate records (a second one is a Greenhouse-internal duplicate)
    lever: int = 0  # opportunities
    ashby: int = 0  # candidate records
    eventbrite: int = 0  # events attended
    event_csv: int = 0  # event sign-up rows
    sourcing: int = 0  # sourcing export rows
    outreach: int = 0  # sequence steps sent
    pdl: bool = False
    hris: bool = False

    def empty(self) -> bool:
        return not (
            self.greenhouse
            or self.lever
            or self.ashby
            or self.eventbrite
            or self.event_csv
            or self.sourcing
            or self.outreach
            or self.pdl
            or self.hris
        )


def draw_presence(rng: random.Random, person: Person, hired_via_greenhouse: bool) -> Presence:
    p = Presence()
    early = person.grad_year is not None
    senior = person.seniority in _SENIOR
    r = rng.random
    if hired_via_greenhouse or r() < 0.30:
        p.greenhouse = 2 if r() < 0.05 else 1
    if r() < 0.16:
        p.lever = rng.choices((1, 2, 3), (75, 20, 5))[0]
    if r() < 0.10:
        p.ashby = 2 if r() < 0.03 else 1
    if r() < (0.30 if early else 0.12):
        p.eventbrite = 2 if r() < 0.15 else 1
    if r() < (0.28 if early else 0.10):
        p.event_csv = 2 if r() < 0.1 else 1
    if r() < (0.32 if senior else 0.2):
        p.sourcing = 2 if r() < 0.1 else 1
    known = p.greenhouse or p.lever or p.eventbrite or p.event_csv
    # Objections are mostly learned from outreach replies and unsubscribe links.
    if r() < (0.13 if known else 0.04) + (0.25 if person.opted_out else 0.0):
        p.outreach = rng.choices((1, 2, 3), (55, 30, 15))[0]
    p.pdl = r() < 0.18
    p.hris = person.our_job() is not None
    if p.empty():
        p.sourcing = 1  # everyone in the market left at least one trace
    return p
