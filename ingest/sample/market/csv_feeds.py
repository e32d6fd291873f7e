"""CSV drop-folder feeds: event sign-up exports, sourcing exports, outreach logs, HRIS export.

Each exporting tool has its own header vocabulary, encoding, delimiter, date and boolean style,
because that is what lands in a real drop folder. Ground-truth ids are "<file name>:<row>" with
1-based data rows (header excluded).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .clock import DAY, Clock
from .ground_truth import GroundTruth
from .ids import short_hex
from .people import Person
from .sinks import CsvSink
from .variation import (
    email_spelling,
    linkedin_url,
    name_spelling,
    padded,
    role_mailbox,
    skill_spelling,
    title_spelling,
)
from .work import DEPARTMENT_BY_FAMILY, OUR_COMPANY, ROLE_MAILBOX_PREFIXES

# Canonical event sign-up fields, in the order each template's header lists them.
EVENT_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "company",
    "job_title",
    "grad_year",
    "registered_at",
    "attended",
    "consent",
)


@dataclass(frozen=True, slots=True)
class EventCsvTemplate:
    """One exporting tool's dialect. `header` maps canonical field -> column name (or absent)."""

    tool: str
    header: dict[str, str]
    column_order: tuple[str, ...]
    encoding: str
    delimiter: str
    format_time: Callable[[int], str]
    yes_no: tuple[str, str]


def _us_time(ts: int) -> str:
    return Clock.local_naive(ts).replace("T", " ")


EVENT_TEMPLATES: tuple[EventCsvTemplate, ...] = (
    EventCsvTemplate(
        "luma",
        {
            "first_name": "First Name",
            "last_name": "Last Name",
            "email": "Email",
            "company": "Company",
            "job_title": "Job Title",
            "registered_at": "Registered At",
            "attended": "Attended",
            "consent": "Marketing Consent",
        },
        (
            "first_name",
            "last_name",
            "email",
            "company",
            "job_title",
            "registered_at",
            "attended",
            "consent",
        ),
        "utf-8",
        ",",
        Clock.iso_s,
        ("Yes", "No"),
    ),
    EventCsvTemplate(
        "hopin",
        {
            "first_name": "First Name",
            "last_name": "Surname",
            "email": "E-mail Address",
            "company": "Organisation",
            "job_title": "Role",
            "grad_year": "Grad year",
            "registered_at": "Signed Up",
            "attended": "Attended",
            "consent": "Opt-In",
        },
        (
            "first_name",
            "last_name",
            "email",
            "company",
            "job_title",
            "grad_year",
            "registered_at",
            "attended",
            "consent",
        ),
        "utf-8-sig",
        ",",
        _us_time,
        ("TRUE", "FALSE"),
    ),
    EventCsvTemplate(
        "karrieremesse",
        {
            "first_name": "Vorname",
            "last_name": "Nachname",
            "email": "E-Mail",
            "company": "Hochschule / Firma",
            "job_title": "Position",
            "grad_year": "Abschlussjahr",
            "registered_at": "Anmeldedatum",
            "attended": "Teilgenommen",
            "consent": "Einwilligung Kontaktaufnahme",
        },
        (
            "first_name",
            "last_name",
            "email",
            "company",
            "job_title",
            "grad_year",
            "registered_at",
            "attended",
            "consent",
        ),
        "cp1252",
        ";",
        Clock.german,
        ("ja", "nein"),
    ),
    EventCsvTemplate(
        "formexport",
        {
            "email": "email_address",
            "first_name": "first_name",
            "last_name": "last_name",
            "company": "company",
            "job_title": "job_title",
            "grad_year": "Graduation Year",
            "registered_at": "registered_at",
            "attended": "attended",
            "consent": "marketing_opt_in",
        },
        (
            "email",
            "first_name",
            "last_name",
            "company",
            "job_title",
            "grad_year",
            "registered_at",
            "attended",
            "consent",
        ),
        "utf-8",
        ";",
        Clock.iso_s,
        ("1", "0"),
    ),
)

# What each tool is typically used for (file names say which event the export belongs to).
_EVENT_TOPICS = {
    "luma": ("data-and-ai-night", "product-meetup", "design-crit-night", "platform-meetup"),
    "hopin": ("platform-summit", "women-in-tech-summit", "sales-leadership-forum"),
    "karrieremesse": ("karrieremesse-muenchen", "absolventenkongress", "bonding-messe-berlin"),
    "formexport": ("hackathon", "campus-career-day", "student-coding-night"),
}


class EventCsvFeed:
    def __init__(
        self, out_dir: Path, clock: Clock, rng: random.Random, contacts: int, gt: GroundTruth
    ) -> None:
        self.gt = gt
        self.clock = clock
        self.sinks: list[tuple[CsvSink, EventCsvTemplate, int]] = []
        n = min(40, 4 + contacts // 20_000)
        for i in range(n):
            template = EVENT_TEMPLATES[i % len(EVENT_TEMPLATES)]
            when = clock.now - rng.randint(3, 730) * DAY
            when -= when % DAY - 17 * 3600
            topic = rng.choice(_EVENT_TOPICS[template.tool])
            name = f"{template.tool}_{Clock.ymd(when)}_{topic}.csv"
            if any(existing.name == name for existing, _t, _w in self.sinks):
                name = name.replace(".csv", f"-{i}.csv")
            header = [template.header[f] for f in template.column_order]
            sink = CsvSink(
                out_dir / "drop" / "events" / name, header, template.encoding, template.delimiter
            )
            self.sinks.append((sink, template, when))
        self.grad_sinks = [s for s in self.sinks if "grad_year" in s[1].header]

    def add(self, person: Person, rng: random.Random, n_events: int) -> None:
        for _ in range(n_events):
            if person.grad_year is not None and rng.random() < 0.7:
                sink, template, when = rng.choice(self.grad_sinks)
            else:
                sink, template, when = rng.choice(self.sinks)
            registered = when - rng.randint(1, 30) * DAY - rng.randrange(DAY)
            job = person.job_at(registered)
            first, last = name_spelling(rng, person, messy=1.3)
            roll = rng.random()
            if roll < 0.06:
                email = ""
            elif roll < 0.09 and job is not None:
                email = role_mailbox(rng, job.company.domain, ROLE_MAILBOX_PREFIXES)
            elif roll < 0.3 and job is not None and person.work_email(job):
                email = email_spelling(rng, *str(person.work_email(job)).split("@"), messy=0.5)
                person.work_addresses_on_file.add(str(person.work_email(job)))
            else:
                email = email_spelling(rng, person.email_local, person.email_domain, messy=1.2)
            student = person.grad_year is not None and (job is None or rng.random() < 0.5)
            company = (person.school or "") if student else (job.company.name if job else "")
            title = "Student" if student else (title_spelling(rng, job.title) if job else "")
            yes, no = template.yes_no
            values = {
                "first_name": padded(rng, first),
                "last_name": padded(rng, last),
                "email": email,
                "company": company,
                "job_title": title,
                "grad_year": str(person.grad_year)
                if person.grad_year and rng.random() < 0.85
                else "",
                "registered_at": template.format_time(registered),
                "attended": yes if rng.random() < 0.6 else no,
                "consent": no if person.opted_out or rng.random() < 0.25 else yes,
            }
            row = sink.write([values[f] for f in template.column_order])
            self.gt.add("events", "signups", f"{sink.name}:{row}", person.person_id)

    def close(self) -> dict[str, int]:
        for sink, _t, _w in self.sinks:
            sink.close()
        return {"drop/events": sum(s.count for s, _t, _w in self.sinks)}

    @property
    def files(self) -> list[CsvSink]:
        return [s for s, _t, _w in self.sinks]


SOURCING_HEADER = [
    "First Name",
    "Last Name",
    "Headline",
    "Current Title",
    "Current Company",
    "Location",
    "Public Profile URL",
    "Email",
    "Tags",
    "Project",
    "Sourced By",
    "Sourced At",
]
_SOURCERS = ("Hanna Vogel", "Marcus Reid", "Priya Raman", "Camille Roux", "Tom Bakker")
_PROJECTS = {
    "engineering": ("Backend Berlin {y}", "Platform Team {y}", "Mobile Hiring {y}"),
    "data": ("Data Platform {y}", "ML Team {y}"),
    "product": ("PM Pipeline {y}",),
    "design": ("Design Team {y}",),
    "sales": ("AE DACH {y}", "SDR Bench {y}"),
    "marketing": ("Growth {y}",),
    "people": ("Talent Team {y}",),
    "finance": ("Finance {y}",),
    "operations": ("BizOps {y}",),
}


class SourcingCsvFeed:
    """LinkedIn-Recruiter-style exports, one file per month of sourcing activity."""

    def __init__(self, out_dir: Path, clock: Clock, gt: GroundTruth) -> None:
        self.dir = out_dir / "drop" / "sourcing"
        self.clock = clock
        self.gt = gt
        self.sinks: dict[str, CsvSink] = {}

    def _sink(self, month: str) -> CsvSink:
        sink = self.sinks.get(month)
        if sink is None:
            sink = CsvSink(self.dir / f"sourcing_{month}.csv", SOURCING_HEADER)
            self.sinks[month] = sink
        return sink

    def add(
        self,
        person: Person,
        rng: random.Random,
        n_rows: int,
        at: int | None = None,
        searched: tuple[str, ...] = (),
    ) -> list[int]:
        """`n_rows` rows at random dates of the last two years, or one row at `at` (a warm
        hire's sourcing, found by searching for the role's skills `searched`: those of them
        the person has come first among the row's tags). Returns the rows' dates."""
        dates: list[int] = []
        for _ in range(n_rows):
            sourced = (
                at
                if at is not None
                else self.clock.now - rng.randint(1, 730) * DAY - rng.randrange(DAY)
            )
            sink = self._sink(Clock.ym(sourced))
            job = person.job_at(sourced)
            first, last = name_spelling(rng, person, messy=0.8)
            title = title_spelling(rng, job.title) if job else ""
            company = job.company.name if job else ""
            if job is None:
                headline = (
                    "Open to work" if person.grad_year is None else f"Student at {person.school}"
                )
            elif rng.random() < 0.6:
                headline = f"{title} at {company}"
            else:
                headline = " | ".join([title] + [skill_spelling(rng, s) for s in person.skills[:2]])
            email = ""
            roll = rng.random()
            if at is not None:
                # The sourcer looked the address up before reaching out (a warm hire).
                email = person.personal_email
            elif roll < 0.2:
                email = email_spelling(rng, person.email_local, person.email_domain)
            elif roll < 0.3 and person.work_email(job):
                email = email_spelling(rng, *str(person.work_email(job)).split("@"), messy=0.5)
                person.work_addresses_on_file.add(str(person.work_email(job)))
            location = (
                f"{person.city.name}, {person.city.region}, {person.city.country_name}"
                if rng.random() < 0.5
                else f"{person.city.name}, {person.city.country_name}"
            )
            # A row found by searching for the role carries the skills searched for.
            n_tags = rng.randint(0, 3) if at is None else rng.randint(2, 3)
            skills = [s for s in person.skills if s in searched]
            skills += [s for s in person.skills if s not in searched]
            tags = "; ".join(skill_spelling(rng, s) for s in skills[:n_tags])
            project = rng.choice(_PROJECTS[person.family]).format(y=Clock.year(sourced))
            row = sink.write(
                [
                    first,
                    last,
                    headline,
                    title,
                    company,
                    location,
                    linkedin_url(rng, person),
                    email,
                    tags,
                    project,
                    rng.choice(_SOURCERS),
                    Clock.ymd(sourced),
                ]
            )
            self.gt.add("sourcing", "profiles", f"{sink.name}:{row}", person.person_id)
            dates.append(sourced)
        return dates

    def close(self) -> dict[str, int]:
        for sink in self.sinks.values():
            sink.close()
        return {"drop/sourcing": sum(s.count for s in self.sinks.values())}


OUTREACH_HEADER = [
    "message_id",
    "contact_email",
    "campaign",
    "step",
    "event",
    "bounce_type",
    "occurred_at",
]
_CAMPAIGNS = {
    "engineering": "Engineering nurture {y}",
    "data": "Data & ML nurture {y}",
    "product": "Product talent {y}",
    "design": "Design talent {y}",
    "sales": "GTM nurture {y}",
    "marketing": "GTM nurture {y}",
    "people": "People team {y}",
    "finance": "G&A talent {y}",
    "operations": "G&A talent {y}",
}


# The campaign the pipeline recognises as the Art. 14 notice (gdpr.art14_notices_due's default
# `art14_notice_campaigns`).
ART14_NOTICE_CAMPAIGN = "gdpr-art14-notice"


class OutreachCsvFeed:
    """Sequencing-tool event logs, one file per quarter, one row per message event."""

    def __init__(self, out_dir: Path, clock: Clock, gt: GroundTruth) -> None:
        self.dir = out_dir / "drop" / "outreach"
        self.clock = clock
        self.gt = gt
        self.sinks: dict[str, CsvSink] = {}

    def _sink(self, ts: int) -> CsvSink:
        month = int(Clock.ym(ts)[5:])
        key = f"{Clock.year(ts)}-q{(month - 1) // 3 + 1}"
        sink = self.sinks.get(key)
        if sink is None:
            sink = CsvSink(self.dir / f"outreach_{key}.csv", OUTREACH_HEADER)
            self.sinks[key] = sink
        return sink

    def add(
        self,
        person: Person,
        rng: random.Random,
        n_steps: int,
        start: int | None = None,
        engaged: bool = False,
        enriched: bool = False,
    ) -> None:
        """A sequence of up to `n_steps` messages from a random date of the last two years, or
        from `start`; `engaged` (a warm hire's outreach): the first message is opened and
        answered (the caller passes only people whose mailbox works and who did not object).
        `enriched`: the person has a People Data Labs record, which lists every past work
        address (pdl.py), so an old work address is on file."""
        now = self.clock.now
        if start is None:
            start = now - rng.randint(5, 700) * DAY - rng.randrange(DAY)
        sink = self._sink(start)
        old_jobs = [j for j in person.jobs if j.end is not None and j.end < start]
        old_work = person.work_email(old_jobs[-1]) if old_jobs else None
        old_address = old_work is not None and not engaged and rng.random() < 0.25
        if old_address:
            # An address from an old ATS record: the old employer's mailbox is gone.
            email, dead = str(old_work), True
        else:
            email = email_spelling(rng, person.email_local, person.email_domain, messy=0.3)
            dead = person.email_dead
        campaign = _CAMPAIGNS[person.family].format(y=Clock.year(start))
        if person.grad_year is not None and rng.random() < 0.5:
            campaign = f"Campus {person.grad_year} follow-up"
        rows = self._sequence(person, rng, n_steps, start, engaged, email, dead, campaign)
        on_file = enriched or old_work in person.work_addresses_on_file
        if old_address and not on_file:
            # No record carries that old address, so the team cannot have it: the sequence
            # goes to the personal mailbox instead. Drawn from the person's own generator so
            # the market's other streams stay as they were.
            own = random.Random(f"outreach-personal:{person.person_id}:{start}")
            email = email_spelling(own, person.email_local, person.email_domain, messy=0.3)
            rows = self._sequence(
                person, own, n_steps, start, engaged, email, person.email_dead, campaign
            )
        for row in rows:
            written = sink.write(row)
            self.gt.add("outreach", "events", f"{sink.name}:{written}", person.person_id)

    def _sequence(
        self,
        person: Person,
        rng: random.Random,
        n_steps: int,
        start: int,
        engaged: bool,
        email: str,
        dead: bool,
        campaign: str,
    ) -> list[list[object]]:
        """The event rows of one sequence sent to `email` (a dead mailbox hard-bounces)."""
        now = self.clock.now
        rows: list[list[object]] = []
        for step in range(1, n_steps + 1):
            sent = start + (step - 1) * rng.randint(3, 7) * DAY
            if sent >= now:
                break
            message_id = f"msg_{short_hex(rng, 16)}"
            events: list[tuple[str, str, int]] = [("sent", "", sent)]
            stop = False
            if dead:
                events.append(("bounced", "hard", sent + rng.randint(5, 300)))
                stop = True
            elif not engaged and rng.random() < 0.02:
                events.append(("bounced", "soft", sent + rng.randint(5, 3600)))
            else:
                t = sent + rng.randint(2, 120)
                events.append(("delivered", "", t))
                # People who object open the mail to click "unsubscribe".
                if engaged or rng.random() < (0.9 if person.opted_out else 0.5):
                    t += rng.randint(60, 3 * DAY)
                    events.append(("opened", "", t))
                    if person.opted_out:
                        events.append(("unsubscribed", "", t + rng.randint(5, 600)))
                        stop = True
                    else:
                        if rng.random() < (0.5 if engaged else 0.2):
                            t += rng.randint(5, 600)
                            events.append(("clicked", "", t))
                        if engaged or rng.random() < 0.15:
                            events.append(("replied", "", t + rng.randint(600, 2 * DAY)))
                            stop = True
            for event, bounce, ts in events:
                if ts >= now:
                    break
                rows.append([message_id, email, campaign, step, event, bounce, Clock.iso_s(ts)])
            if stop:
                break
        return rows

    def art14_notice(self, person: Person, rng: random.Random, obtained: int) -> None:
        """The GDPR Art. 14 notice the team e-mails within a month of sourcing someone (data
        not obtained from the person), campaign `ART14_NOTICE_CAMPAIGN`."""
        sent = obtained + rng.randint(1, 25) * DAY + rng.randrange(DAY)
        if sent >= self.clock.now - 60 or person.email_dead:
            return
        sink = self._sink(sent)
        # Sent to the address on file (the CRM's tidy spelling).
        email = person.personal_email
        fields = [f"msg_{short_hex(rng, 16)}", email, ART14_NOTICE_CAMPAIGN, 1, "sent", ""]
        row = sink.write([*fields, Clock.iso_s(sent)])
        self.gt.add("outreach", "events", f"{sink.name}:{row}", person.person_id)

    def close(self) -> dict[str, int]:
        for sink in self.sinks.values():
            sink.close()
        return {"drop/outreach": sum(s.count for s in self.sinks.values())}


HRIS_HEADER = [
    "Employee ID",
    "First Name",
    "Last Name",
    "Preferred Name",
    "Personal Email",
    "Work Email",
    "Department",
    "Job Title",
    "Start Date",
    "End Date",
    "Termination Type",
    "Rehire Eligible",
]


class HrisCsvFeed:
    """Our company's HRIS export of current employees and alumni (the cleanest source)."""

    def __init__(self, out_dir: Path, clock: Clock, gt: GroundTruth) -> None:
        self.gt = gt
        self.sink = CsvSink(
            out_dir / "drop" / "hris" / f"hris_export_{clock.as_of.isoformat()}.csv", HRIS_HEADER
        )
        self.next_employee = 1000

    def add(self, person: Person, rng: random.Random) -> None:
        job = person.our_job()
        if job is None:
            return
        self.next_employee += rng.randint(1, 3)
        left = job.end is not None
        termination = ""
        rehire = ""
        if left:
            termination = "voluntary" if rng.random() < 0.8 else "involuntary"
            rehire = "Yes" if termination == "voluntary" and rng.random() < 0.9 else "No"
        row = self.sink.write(
            [
                f"NW-{self.next_employee:05d}",
                person.first,
                person.last,
                person.nickname or "",
                email_spelling(rng, person.email_local, person.email_domain, messy=0.2)
                if rng.random() < 0.93
                else "",
                person.work_email(job) or f"{person.folded_first}@{OUR_COMPANY.domain}",
                DEPARTMENT_BY_FAMILY[person.family],
                job.title,
                Clock.ymd(job.start),
                Clock.ymd(job.end) if job.end is not None else "",
                termination,
                rehire,
            ]
        )
        self.gt.add("hris", "employees", f"{self.sink.name}:{row}", person.person_id)

    def close(self) -> dict[str, int]:
        self.sink.close()
        return {"drop/hris": self.sink.count}
