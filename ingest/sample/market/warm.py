"""Warm hires: reqs the recruiting team filled from the people the CRM already knew.

A team fills part of its reqs from its warm pool, and the person it hires from there is someone
it knew as a fit for that kind of role before the req opened: a silver medalist of an earlier
req of the same role family (final round, turned down because someone else got the offer), or
a prospect found by searching for the role (a sourcing row carrying their then title, skills
and the address the sourcer looked up) who answered the outreach that followed, after the
Art. 14 notice. Everything a recruiter knew then is written as
ordinary source records (the Greenhouse candidate's earlier application, a sourcing export row,
outreach events), so the pipeline and the matcher only ever see what the connectors ingest.

Who is warm: an employee hired through Greenhouse whom some other source already knows (a
Lever/Ashby record, an event, a sourcing row, outreach — people a team keeps in its pool), plus
a share of the others; never someone who objected to contact (a team cannot nurture them).
Cold hires — people who applied on their own and were never CRM contacts before — get nothing.
Randomness keeps the fit imperfect: the earlier req may be a level away, the then title and
skills are what the person had, not what the req asked for.

All draws come from one generator of their own so the rest of the market's random streams are
unchanged by the decision.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .clock import DAY
from .csv_feeds import OutreachCsvFeed, SourcingCsvFeed
from .greenhouse import GreenhouseFeed, GreenhouseJob
from .people import Job, Person
from .presence import Presence

# Hires no other source knew who were nevertheless found through the warm pool (a sourced or
# re-engaged candidate whose earlier records live only in Greenhouse).
WARM_SHARE_OTHERWISE_UNKNOWN = 0.3
# Of the warm hires with an earlier same-family req available, the share who were its silver
# medalist (the rest were sourced for the role and answered the outreach).
SILVER_MEDALIST_SHARE = 0.55


@dataclass(frozen=True, slots=True)
class WarmHire:
    silver_req: GreenhouseJob | None  # the earlier req they reached the final round of
    searched: tuple[str, ...]  # the skills the sourcer searched for (the hire req's)
    sourced_at: int | None  # when a sourcer found them (their sourcing row's date)
    outreach_at: int | None  # the outreach they answered


class WarmHires:
    def __init__(
        self,
        rng: random.Random,
        greenhouse: GreenhouseFeed,
        sourcing: SourcingCsvFeed,
        outreach: OutreachCsvFeed,
    ) -> None:
        self.rng = rng
        self.greenhouse = greenhouse
        self.sourcing = sourcing
        self.outreach = outreach

    def plan(
        self, person: Person, hire: tuple[GreenhouseJob, Job] | None, presence: Presence
    ) -> WarmHire | None:
        """How the team knew this hire before their req opened, or None for a cold hire."""
        if hire is None or person.opted_out or not presence.greenhouse:
            return None
        job, _ours = hire
        if job.opened is None:
            return None
        known = (
            presence.lever
            or presence.ashby
            or presence.eventbrite
            or presence.event_csv
            or presence.sourcing
            or presence.outreach
        )
        rng = self.rng
        if not known and rng.random() >= WARM_SHARE_OTHERWISE_UNKNOWN:
            return None
        earlier = self.greenhouse.earlier_req_for(rng, person, hire)
        sourced_at = job.opened - rng.randint(45, 330) * DAY - rng.randrange(DAY)
        # A profile with a title then, and a mailbox that works (the team reached them).
        sourceable = person.job_at(sourced_at) is not None and not person.email_dead
        if earlier is not None and (not sourceable or rng.random() < SILVER_MEDALIST_SHARE):
            return WarmHire(earlier, (), None, None)
        if not sourceable:
            return None  # nothing a recruiter could have known them by: a cold hire
        # The first message goes out within two weeks of sourcing and at least 40 days before
        # the req opens (the match leaves out anyone contacted in the last 30 days).
        outreach_at = min(
            sourced_at + rng.randint(1, 14) * DAY, job.opened - 40 * DAY - rng.randrange(DAY)
        )
        return WarmHire(None, tuple(job.skills), sourced_at, outreach_at)

    def write(self, person: Person, warm: WarmHire) -> list[int]:
        """The records besides Greenhouse (the silver medal is on the hire's candidate);
        returns the dates of the sourcing rows written."""
        sourced: list[int] = []
        if warm.sourced_at is not None:
            sourced = self.sourcing.add(
                person, self.rng, 1, at=warm.sourced_at, searched=warm.searched
            )
        if warm.outreach_at is not None:
            self.outreach.add(
                person, self.rng, self.rng.randint(1, 3), start=warm.outreach_at, engaged=True
            )
        return sourced
