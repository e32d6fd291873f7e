"""The true person model: who exists in the market, before any source system mangles them.

A `Person` is ground truth. Source feeds only ever see a `Person` through `variation.py`, at a
point in time (`job_at`), so older records naturally show the old employer and title.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from itertools import accumulate

from .clock import DAY, Clock
from .ids import short_hex
from .names import CULTURES_BY_COUNTRY, GIVEN_NAMES, NICKNAMES, SURNAMES, ascii_fold, german_fold
from .places import CITIES, COUNTRY_WEIGHTS, MAIL_PROVIDERS, PHONE_PLANS, City
from .work import (
    COMPANIES,
    OUR_COMPANY,
    ROLE_FAMILIES,
    SCHOOLS_BY_COUNTRY,
    SENIORITIES,
    SENIORITY_ORDER,
    SKILLS_BY_FAMILY,
    Company,
    title_for,
)


@dataclass(slots=True)
class Job:
    company: Company
    title: str
    start: int  # epoch seconds
    end: int | None  # None = current job
    # Local part of the work address the employer issued for this job (`PeopleFactory`
    # allocates it: one holder at a time, so a namesake colleague gets laura.garcia2@).
    mailbox: str | None = None


@dataclass(slots=True)
class Person:
    person_id: str
    first: str
    last: str
    nickname: str | None
    city: City
    phone_area: str  # national area / mobile prefix without trunk "0"
    phone_sub: str
    email_local: str  # personal mailbox local part as the person spells it
    email_domain: str
    has_work_email: bool
    linkedin_slug: str
    github: str | None
    jobs: list[Job]  # chronological; last is current unless it has an end
    family: str
    seniority: str
    skills: list[str]  # canonical skill names
    grad_year: int | None
    school: str | None
    opted_out: bool  # objected to contact (Art. 21) somewhere
    email_dead: bool  # personal mailbox hard-bounces
    folded_first: str = field(default="")  # ASCII lower-case, precomputed for emails/slugs
    folded_last: str = field(default="")
    # Work addresses some record of this person carries (ATS, event, sourcing rows), noted by
    # the feeds as they write them: the only old work addresses an outreach tool can know.
    work_addresses_on_file: set[str] = field(default_factory=set)

    @property
    def country(self) -> str:
        return self.city.country

    @property
    def personal_email(self) -> str:
        return f"{self.email_local}@{self.email_domain}"

    @property
    def current_job(self) -> Job | None:
        job = self.jobs[-1] if self.jobs else None
        return job if job is not None and job.end is None else None

    def job_at(self, ts: int) -> Job | None:
        """The job this person held at `ts` (what a source created then would record)."""
        for job in reversed(self.jobs):
            if job.start <= ts:
                return job if job.end is None or job.end >= ts else None
        return None

    def our_job(self) -> Job | None:
        for job in self.jobs:
            if job.company is OUR_COMPANY:
                return job
        return None

    def work_email(self, job: Job | None) -> str | None:
        """Work address at `job`'s company; always exists at our company (HRIS issues it)."""
        if job is None or not (self.has_work_email or job.company is OUR_COMPANY):
            return None
        local = job.mailbox or work_local(self.folded_first, self.folded_last, job.company)
        return f"{local}@{job.company.domain}"


def work_local(folded_first: str, folded_last: str, company: Company) -> str:
    """The local part `company`'s naming scheme gives a person (before de-duplication)."""
    first, last = folded_first.replace(" ", ""), folded_last.replace(" ", "")
    pattern = company.email_pattern
    if pattern == 0:
        return f"{first}.{last}"
    if pattern == 1:
        return f"{first[:1]}{last}"
    if pattern == 2:
        return first
    return f"{first}_{last}"


# An employer re-issues a departed person's address only after it has bounced for a while.
MAILBOX_RECYCLE_GAP = 2 * 365 * DAY


def _cum(weights: tuple[tuple[str, int], ...]) -> tuple[list[str], list[int]]:
    return [k for k, _ in weights], list(accumulate(w for _, w in weights))


class PeopleFactory:
    """Draws people; keeps the sets that make mailboxes and LinkedIn slugs one-per-person."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.as_of_year = clock.as_of.year
        self._countries = _cum(COUNTRY_WEIGHTS)
        self._cultures = {c: _cum(w) for c, w in CULTURES_BY_COUNTRY.items()}
        self._providers = {c: _cum(w) for c, w in MAIL_PROVIDERS.items()}
        self._families = _cum(ROLE_FAMILIES)
        self._seniorities = _cum(SENIORITIES)
        self._folded: dict[str, str] = {}
        self._german_folded: dict[str, str] = {}
        # Folded mailbox keys (gmail without dots) and slugs already taken by someone.
        self._taken_mailboxes: set[str] = set()
        # (domain, work local part) -> (person index, start, end) of each holder.
        self._work_mailboxes: dict[tuple[str, str], list[tuple[int, int, int]]] = {}
        self._taken_slugs: set[str] = set()

    def _fold(self, name: str) -> str:
        folded = self._folded.get(name)
        if folded is None:
            folded = ascii_fold(name).lower()
            self._folded[name] = folded
        return folded

    def _gfold(self, name: str) -> str:
        folded = self._german_folded.get(name)
        if folded is None:
            folded = german_fold(name).lower()
            self._german_folded[name] = folded
        return folded

    def make(self, rng: random.Random, index: int, earlier: list[Person]) -> Person:
        countries, cum = self._countries
        country = rng.choices(countries, cum_weights=cum)[0]
        city = rng.choice(CITIES[country])
        names, cum = self._cultures[country]
        culture = rng.choices(names, cum_weights=cum)[0]
        first = rng.choice(GIVEN_NAMES[culture])
        last = rng.choice(SURNAMES[culture])
        namesake: Person | None = None
        # A few % of people share a full name with someone else, some even their employer/city.
        if earlier and rng.random() < 0.04:
            namesake = earlier[rng.randrange(len(earlier))]
            first, last = namesake.first, namesake.last
            if rng.random() < 0.3:
                city = namesake.city
                country = city.country
        nickname = rng.choice(NICKNAMES[first]) if first in NICKNAMES else None

        families, cum = self._families
        family = rng.choices(families, cum_weights=cum)[0]
        seniorities, cum = self._seniorities
        seniority = rng.choices(seniorities, cum_weights=cum)[0]
        early_career = seniority in ("intern", "junior") or rng.random() < 0.05
        grad_year: int | None = None
        school: str | None = None
        if early_career:
            # Interns graduate in the future; juniors graduated in the last few years.
            grad_year = self.as_of_year + (
                rng.randint(0, 2) if seniority == "intern" else -rng.randint(0, 3)
            )
            school = rng.choice(SCHOOLS_BY_COUNTRY[country])

        jobs = self._career(rng, family, seniority, grad_year)
        if namesake is not None and namesake.current_job is not None and rng.random() < 0.3:
            # Same name, same employer: the hardest false-merge case for dedup.
            current = jobs[-1]
            current.company = namesake.current_job.company

        folded_first, folded_last = self._fold(first), self._fold(last)
        self._issue_work_mailboxes(index, folded_first, folded_last, jobs)
        local, domain = self._personal_mailbox(rng, country, first, last, nickname, index)
        slug = self._linkedin_slug(rng, folded_first, folded_last)
        github = None
        if family in ("engineering", "data", "design") and rng.random() < 0.45:
            github = rng.choice(
                (
                    f"{folded_first[:1]}{folded_last}",
                    f"{folded_first}{folded_last}",
                    f"{folded_first}-{folded_last}-dev",
                    f"{folded_first}{index % 97}",
                )
            )
            github = github.replace(" ", "").replace("'", "")

        plan = PHONE_PLANS[country]
        if plan.mobile_prefixes and rng.random() < 0.75:
            area = rng.choice(plan.mobile_prefixes)
            sub = _digits(rng, plan.mobile_len - len(area))
        elif country == "US":
            area = city.landline_area
            exchange = rng.randint(201, 989)
            if exchange in (555, 911):
                exchange += 1
            sub = f"{exchange}{_digits(rng, 4)}"
        else:
            area = city.landline_area
            sub = rng.choice(plan.landline_first) + _digits(rng, plan.landline_len - len(area) - 1)

        skills_pool = SKILLS_BY_FAMILY[family]
        skills = rng.sample(skills_pool, k=min(len(skills_pool), rng.randint(2, 5)))

        person = Person(
            person_id=f"P{index:07d}",
            first=first,
            last=last,
            nickname=nickname,
            city=city,
            phone_area=area,
            phone_sub=sub,
            email_local=local,
            email_domain=domain,
            has_work_email=rng.random() < 0.65,
            linkedin_slug=slug,
            github=github,
            jobs=jobs,
            family=family,
            seniority=seniority,
            skills=skills,
            grad_year=grad_year,
            school=school,
            opted_out=rng.random() < 0.05,
            email_dead=rng.random() < 0.025,
            folded_first=folded_first,
            folded_last=folded_last,
        )
        return person

    def _issue_work_mailboxes(
        self, index: int, folded_first: str, folded_last: str, jobs: list[Job]
    ) -> None:
        """Give each job a work address no one else holds at the time, as mail servers do.

        A second Laura Garcia at acme gets laura.garcia2@; an address is re-issued to someone
        else only `MAILBOX_RECYCLE_GAP` after its holder left.
        """
        for job in jobs:
            base = work_local(folded_first, folded_last, job.company)
            end = job.end if job.end is not None else 1 << 62
            n = 1
            while True:
                local = base if n == 1 else f"{base}{n}"
                holders = self._work_mailboxes.setdefault((job.company.domain, local), [])
                if all(
                    who == index
                    or job.start >= h_end + MAILBOX_RECYCLE_GAP
                    or h_start >= end + MAILBOX_RECYCLE_GAP
                    for who, h_start, h_end in holders
                ):
                    break
                n += 1
            holders.append((index, job.start, end))
            job.mailbox = local

    def _career(
        self, rng: random.Random, family: str, seniority: str, grad_year: int | None
    ) -> list[Job]:
        now = self.clock.now
        level = SENIORITY_ORDER.index(seniority)
        base_index = rng.randrange(8)
        # A third of people changed jobs in the last 18 months: ATS records predate the move.
        if rng.random() < 0.35:
            start = now - rng.randint(20, 540) * DAY
        else:
            start = now - rng.randint(541, 6 * 365) * DAY
        if grad_year is not None:
            start = max(start, now - rng.randint(20, 700) * DAY)
        company = rng.choice(COMPANIES)
        jobs = [Job(company, title_for(family, seniority, base_index), start, None)]
        # Roughly one previous job per three years of seniority, fewer for early career.
        previous = (
            0
            if grad_year is not None and rng.random() < 0.6
            else rng.randint(1 if level >= 3 else 0, min(3, 1 + level // 2))
        )
        for _ in range(previous):
            end = jobs[0].start - rng.randint(0, 60) * DAY
            begin = end - rng.randint(365, 4 * 365) * DAY
            level = max(0, level - (1 if rng.random() < 0.55 else 0))
            prev_company = rng.choice(COMPANIES)
            if prev_company is jobs[0].company:
                prev_company = COMPANIES[(COMPANIES.index(prev_company) + 1) % len(COMPANIES)]
            jobs.insert(
                0,
                Job(
                    prev_company, title_for(family, SENIORITY_ORDER[level], base_index), begin, end
                ),
            )
        # Our own alumni and employees (they are in the HRIS export).
        roll = rng.random()
        if roll < 0.02:
            jobs[-1].company = OUR_COMPANY
        elif roll < 0.055 and len(jobs) > 1:
            jobs[-2].company = OUR_COMPANY
        # A few people are between jobs right now.
        if jobs[-1].company is not OUR_COMPANY and rng.random() < 0.04:
            jobs[-1].end = now - rng.randint(10, 200) * DAY
            if jobs[-1].end <= jobs[-1].start:
                jobs[-1].end = jobs[-1].start + 30 * DAY
        return jobs

    def _personal_mailbox(
        self,
        rng: random.Random,
        country: str,
        first: str,
        last: str,
        nickname: str | None,
        index: int,
    ) -> tuple[str, str]:
        providers, cum = self._providers[country]
        domain = rng.choices(providers, cum_weights=cum)[0]
        given = nickname if nickname and rng.random() < 0.25 else first
        f = (self._gfold(given) if rng.random() < 0.3 else self._fold(given)).replace(" ", "")
        ln = (self._gfold(last) if rng.random() < 0.3 else self._fold(last)).replace(" ", "")
        ln = ln.replace("'", "")
        pattern = rng.randrange(7)
        if pattern == 0:
            local = f"{f}.{ln}"
        elif pattern == 1:
            local = f"{f}{ln}"
        elif pattern == 2:
            local = f"{f[:1]}{ln}"
        elif pattern == 3:
            local = f"{f}.{ln}{rng.randint(1, 99)}"
        elif pattern == 4:
            local = f"{f}_{ln}"
        elif pattern == 5:
            local = f"{f[:1]}.{ln}"
        else:
            local = f"{f}{ln[:1]}{rng.randint(1970, 2005)}"
        key = self._mailbox_key(local, domain)
        while key in self._taken_mailboxes:
            local = f"{local}{rng.randint(0, 9)}" if len(local) < 30 else f"{f}{index}"
            key = self._mailbox_key(local, domain)
        self._taken_mailboxes.add(key)
        return local, domain

    @staticmethod
    def _mailbox_key(local: str, domain: str) -> str:
        # gmail ignores dots, so j.smith and jsmith are one mailbox and cannot be two people.
        if domain == "gmail.com":
            return local.replace(".", "") + "@gmail.com"
        return f"{local}@{domain}"

    def _linkedin_slug(self, rng: random.Random, first: str, last: str) -> str:
        f = first.replace(" ", "-").replace("'", "")
        ln = last.replace(" ", "-").replace("'", "")
        style = rng.random()
        if style < 0.55:
            slug = f"{f}-{ln}-{short_hex(rng, rng.choice((6, 8, 9)))}"
        elif style < 0.75:
            slug = f"{f}-{ln}"
        elif style < 0.9:
            slug = f"{f}{ln}".replace("-", "")
        else:
            slug = f"{f[:1]}{ln}{rng.randint(1, 999)}".replace("-", "")
        while slug in self._taken_slugs:
            slug = f"{slug}-{short_hex(rng, 4)}"
        self._taken_slugs.add(slug)
        return slug


_DIGITS = "0123456789"


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choices(_DIGITS, k=n))
