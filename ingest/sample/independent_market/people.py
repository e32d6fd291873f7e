"""The true people of the independent market and how their lives change over the years.

A person is drawn once, with a life line: employers (each with its work address), a marriage
that may change the surname, moves, a new phone, a new personal address, a LinkedIn slug
claimed later. Records (`records.py`) look at a person on one date and see that date's facts.

The hard cases a real market holds for precision are made here too, as extra people derived
from an existing one: namesakes in one city, twins, namesakes at one big employer, partners
sharing a family mailbox, and a new hire handed a work address a former employee held.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from .employers import EMPLOYERS, TITLES, Employer
from .mailboxes import Registry
from .names import ADOPTED_ENGLISH_NAMES, DOUBLE_SURNAME, LOCALES, NICKNAMES, City, Locale, NameForm
from .phones import e164, new_number
from .spelling import email_word

WINDOW_START = date(2014, 1, 1)
_MULTINATIONALS = tuple(e for e in EMPLOYERS if e.countries is None)


@dataclass(slots=True)
class Job:
    employer: Employer
    titles: tuple[str, ...]
    start: date
    end: date | None
    work_email: str | None
    promoted_on: date | None
    renamed_email: tuple[date, str] | None = None  # new address after a surname change


@dataclass(slots=True)
class Person:
    pid: str
    locale: Locale
    gender: str
    given: NameForm
    middle: NameForm | None
    family: tuple[NameForm, ...]
    roman: int  # index of the romanisation the person uses (non-Latin scripts)
    fold_style: str
    birth_year: int
    nickname: str | None = None
    adopted: str | None = None  # English work name (Chinese-speaking professionals)
    married: tuple[date, tuple[NameForm, ...], bool] | None = None  # (on, new family, hyphenated)
    places: list[tuple[date, Locale, City]] = field(default_factory=list)
    phones: list[tuple[date, Locale, str]] = field(default_factory=list)
    landline: tuple[Locale, str] | None = None
    personal: list[tuple[date, str]] = field(default_factory=list)
    family_mailbox: str | None = None
    recycled: str | None = None  # a work address this person held before or after another
    jobs: list[Job] = field(default_factory=list)
    slugs: list[tuple[date, str]] = field(default_factory=list)
    github: str | None = None
    tags: set[str] = field(default_factory=set)
    engineer: bool = False

    # ----- the person on a date

    def family_on(self, day: date) -> tuple[tuple[NameForm, ...], bool]:
        if self.married and day >= self.married[0]:
            return self.married[1], self.married[2]
        return self.family, False

    def place_on(self, day: date) -> tuple[Locale, City]:
        current = self.places[0]
        for entry in self.places:
            if entry[0] <= day:
                current = entry
        return current[1], current[2]

    def phone_on(self, day: date) -> tuple[Locale, str]:
        current = self.phones[0]
        for entry in self.phones:
            if entry[0] <= day:
                current = entry
        return current[1], current[2]

    def personal_on(self, day: date) -> str:
        current = self.personal[0]
        for entry in self.personal:
            if entry[0] <= day:
                current = entry
        return current[1]

    def job_on(self, day: date) -> Job | None:
        for job in self.jobs:
            if job.start <= day and (job.end is None or day < job.end):
                return job
        return None

    def slug_on(self, day: date) -> str:
        current = self.slugs[0]
        for entry in self.slugs:
            if entry[0] <= day:
                current = entry
        return current[1]

    def latin(self, form: NameForm) -> str:
        """The romanisation this person uses for one of their names."""
        return form.latin[min(self.roman, len(form.latin) - 1)]


def _day(rng: random.Random, start: date, end: date) -> date:
    span = (end - start).days
    return start + timedelta(days=rng.randrange(max(1, span)))


def pick_locale(rng: random.Random) -> Locale:
    return rng.choices(LOCALES, [loc.weight for loc in LOCALES])[0]


def _local_parts(p: Person, given: str, family: tuple[NameForm, ...]) -> list[str]:
    """Mailbox names this person would pick, most likely first."""
    style = p.fold_style
    g = email_word(given, style)
    f = email_word(p.latin(family[0]), style)
    f_all = "".join(email_word(p.latin(x), style) for x in family)
    yy = f"{p.birth_year % 100:02d}"
    choices = [
        f"{g}.{f}",
        f"{g}{f}",
        f"{g[0]}.{f}",
        f"{g}_{f}",
        f"{g}.{f}{yy}",
        f"{g}{f}{p.birth_year}",
        f"{f}.{g}",
        f"{g[0]}{f}",
        f"{g}.{f_all}",
        f"{f}{g[0]}",
    ]
    weights = [30, 14, 7, 5, 12, 6, 4, 6, 3, 3]
    first = random.Random(f"{p.pid}:mailname").choices(choices, weights)[0]
    return [first] + [c for c in choices if c != first]


def personal_address(rng: random.Random, p: Person, reg: Registry, since: date, family=None) -> str:
    family = family or p.family_on(since)[0]
    domains, weights = zip(*p.locale.providers, strict=True)
    domain = rng.choices(domains, weights)[0]
    if domain == "qq.com":  # QQ mailboxes are the account number
        while True:
            address = f"{rng.randrange(10**7, 10**10)}@qq.com"
            if reg.claim(address, p.pid, since):
                return address
    given = p.nickname if p.nickname and rng.random() < 0.15 else p.latin(p.given)
    if p.adopted and rng.random() < 0.4:
        given = p.adopted
    for local in _local_parts(p, given, family):
        if reg.claim(f"{local}@{domain}", p.pid, since):
            return f"{local}@{domain}"
    base = _local_parts(p, given, family)[0]
    while True:
        address = f"{base}{rng.randrange(2, 999)}@{domain}"
        if reg.claim(address, p.pid, since):
            return address


def work_address(
    p: Person,
    employer: Employer,
    family: tuple[NameForm, ...],
    reg: Registry,
    start: date,
    end: date | None,
) -> str:
    """The address IT gives a hire: the company's pattern, `2`, `3`... when it is taken."""
    style = p.fold_style
    given = p.adopted or p.latin(p.given)
    g, f = email_word(given, style), email_word(p.latin(family[0]), style)
    local = {
        "first.last": f"{g}.{f}",
        "flast": f"{g[0]}{f}",
        "first": g,
        "f.last": f"{g[0]}.{f}",
        "first_last": f"{g}_{f}",
        "firstl": f"{g}{f[0]}",
    }[employer.pattern]
    candidates = [local]
    if employer.pattern == "first" and p.middle is None:
        candidates.append(f"{g}.{f}")
    if p.middle is not None:
        candidates.append(local.replace(g, f"{g}.{email_word(p.latin(p.middle), style)[0]}", 1))
    candidates += [f"{local}{n}" for n in range(2, 40)]
    for c in candidates:
        if reg.claim(f"{c}@{employer.domain}", p.pid, start, end):
            return f"{c}@{employer.domain}"
    raise RuntimeError("no free work address")  # 40 namesakes at one firm: not in this market


def _slug(
    rng: random.Random, p: Person, family: tuple[NameForm, ...], vanity: bool, reg: Registry
) -> str:
    """A LinkedIn public-profile slug; LinkedIn gives each one to one member only."""
    g = email_word(p.adopted or p.latin(p.given), p.fold_style)
    f = email_word(p.latin(family[0]), p.fold_style)
    if vanity:
        options = [f"{g}{f}", f"{g}-{f}", f"{g[0]}{f}", f"{g}-{f}-{rng.randrange(10, 99)}"]
        rng.shuffle(options)
        for slug in options:
            if reg.claim_handle(f"linkedin:{slug}", p.pid):
                return slug
    # LinkedIn's own profile URL: the name words (lower case, letters as the member wrote
    # them, so a Müller's URL carries ü, percent-encoded in links) and a hex suffix.
    words = [p.latin(p.given), *(p.latin(y) for y in family)]
    if rng.random() < 0.5:
        words = [w.lower().replace(" ", "-").replace("'", "") for w in words]
    else:
        words = [email_word(w, p.fold_style) for w in words]
    while True:
        slug = "-".join(words) + f"-{rng.getrandbits(32):08x}"
        if reg.claim_handle(f"linkedin:{slug}", p.pid):
            return slug


def _github(rng: random.Random, p: Person, reg: Registry) -> str:
    """A GitHub handle (unique on GitHub) made from the name, as developers pick them."""
    base = email_word(p.latin(p.given), "strip")[:3] + email_word(p.latin(p.family[0]), "strip")
    while True:
        handle = f"{base}{rng.randrange(10, 99)}"
        if reg.claim_handle(f"github:{handle}", p.pid):
            return f"https://github.com/{handle}"


def _titles(rng: random.Random, engineer: bool) -> tuple[str, ...]:
    tracks = TITLES[:9] if engineer else TITLES
    return rng.choice(tracks)


def _employer_for(rng: random.Random, country: str, prefer_multinational: bool = False) -> Employer:
    local = [e for e in EMPLOYERS if e.countries and country in e.countries]
    pool = (
        list(_MULTINATIONALS) if prefer_multinational or not local or rng.random() < 0.45 else local
    )
    return rng.choices(pool, [e.weight for e in pool])[0]


def _career(
    rng: random.Random, p: Person, reg: Registry, as_of: date, fixed: Employer | None = None
) -> None:
    jobs = rng.choices((1, 2, 3), (40, 40, 20))[0]
    start = _day(rng, WINDOW_START, date(2021, 6, 1))
    country = p.places[0][1].country
    for n in range(jobs):
        employer = fixed if (fixed and n == 0) else _employer_for(rng, country)
        end = None
        if n < jobs - 1:
            end = start + timedelta(days=rng.randrange(500, 1800))
            if end >= as_of - timedelta(days=120):
                end = None
        titles = _titles(rng, p.engineer)
        promoted = start + timedelta(days=rng.randrange(400, 1200)) if rng.random() < 0.4 else None
        family = p.family_on(start)[0]
        address = None
        # Freelancers and small teams without mail for every hire: no work address known.
        if rng.random() < 0.9:
            address = work_address(p, employer, family, reg, start, end)
        p.jobs.append(Job(employer, titles, start, end, address, promoted))
        if end is None:
            break
        start = end + timedelta(days=rng.randrange(0, 90))


def make_person(
    rng: random.Random,
    pid: str,
    reg: Registry,
    as_of: date,
    locale: Locale | None = None,
    gender: str | None = None,
) -> Person:
    loc = locale or pick_locale(rng)
    gender = gender or rng.choice("mf")
    given = rng.choice(loc.male if gender == "m" else loc.female)
    surnames = loc.surnames_male if gender == "m" else loc.surnames_female
    family = (rng.choice(surnames),)
    if loc.surname_style == DOUBLE_SURNAME:
        second = rng.choice(surnames)
        while second == family[0]:
            second = rng.choice(surnames)
        # Spain/Mexico write father's then mother's surname; Brazil mother's then father's and
        # goes by the last one; both stay "two surnames" for how records shorten them.
        family = (family[0], second)
    middle = None
    if rng.random() < loc.middle_name_share:
        middle = rng.choice(loc.male if gender == "m" else loc.female)
        if middle == given:
            middle = None
    p = Person(
        pid=pid,
        locale=loc,
        gender=gender,
        given=given,
        middle=middle,
        family=family,
        roman=0 if rng.random() < 0.8 else 1,
        fold_style=loc.fold_style if rng.random() < 0.7 else "strip",
        birth_year=rng.randrange(1965, 2002),
        engineer=rng.random() < 0.55,
    )
    formal = p.latin(given)
    if formal in NICKNAMES and rng.random() < 0.55:
        p.nickname = rng.choice(NICKNAMES[formal])
    if loc.country == "CN" and rng.random() < 0.4:
        p.adopted = rng.choice(ADOPTED_ENGLISH_NAMES[gender])
    city = rng.choice(loc.cities)
    p.places.append((WINDOW_START, loc, city))
    if gender == "f" and rng.random() < loc.takes_spouse_name * 0.14:
        on = _day(rng, date(2016, 1, 1), as_of - timedelta(days=200))
        new = (rng.choice(loc.surnames_female),)
        hyphen = rng.random() < 0.25
        if new[0] != family[0]:
            p.married = (on, new, hyphen)
    if rng.random() < 0.12:
        on = _day(rng, date(2016, 1, 1), as_of - timedelta(days=200))
        if rng.random() < 0.3:  # abroad: a new country's city (and usually its numbers)
            dest = rng.choice(
                [x for x in LOCALES if x.country in ("DE", "NL", "GB", "US", "IE", "SE")]
            )
            p.places.append((on, dest, rng.choice(dest.cities)))
        else:
            p.places.append((on, loc, rng.choice([c for c in loc.cities if c != city] or [city])))
    _phone(rng, p, reg, WINDOW_START, loc)
    if len(p.places) > 1 and p.places[1][1] is not loc and rng.random() < 0.7:
        _phone(rng, p, reg, p.places[1][0], p.places[1][1])
    elif rng.random() < 0.08:
        _phone(rng, p, reg, _day(rng, date(2017, 1, 1), as_of), loc)
    p.personal.append((WINDOW_START, personal_address(rng, p, reg, WINDOW_START)))
    if p.married and rng.random() < 0.5:
        p.personal.append((p.married[0], personal_address(rng, p, reg, p.married[0], p.married[1])))
    elif rng.random() < 0.12:
        on = _day(rng, date(2016, 1, 1), as_of)
        p.personal.append((on, personal_address(rng, p, reg, on)))
    _career(rng, p, reg, as_of)
    if p.married:
        for job in p.jobs:
            on = p.married[0]
            if (
                job.work_email
                and job.start < on
                and (job.end is None or on < job.end)
                and rng.random() < 0.6
            ):
                job.renamed_email = (
                    on,
                    work_address(p, job.employer, p.married[1], reg, on, job.end),
                )
    p.slugs.append((WINDOW_START, _slug(rng, p, p.family, rng.random() < 0.35, reg)))
    if rng.random() < 0.07:
        on = _day(rng, date(2017, 1, 1), as_of)
        p.slugs.append((on, _slug(rng, p, p.family_on(on)[0], True, reg)))
    if p.engineer and rng.random() < 0.35:
        p.github = _github(rng, p, reg)
    return p


def _phone(rng: random.Random, p: Person, reg: Registry, since: date, loc: Locale) -> None:
    while True:
        nsn = new_number(rng, loc.phone)
        if reg.claim_phone(e164(loc.phone, nsn), p.pid):
            p.phones.append((since, loc, nsn))
            return


# ----- hard cases for precision


def namesake_in_city(rng: random.Random, a: Person, pid: str, reg: Registry, as_of: date) -> Person:
    """Another person with the same name in the same city (a common name, a big city)."""
    b = make_person(rng, pid, reg, as_of, locale=a.locale, gender=a.gender)
    _rename(b, a.given, a.family, a.roman, reg, rng, as_of)
    b.places = [(WINDOW_START, a.locale, a.places[0][2])]
    b.middle = None
    b.nickname = a.nickname
    b.tags.add("namesake_same_city")
    a.tags.add("namesake_same_city")
    return b


def twin_of(
    rng: random.Random, a: Person, pid: str, reg: Registry, as_of: date, share_landline: bool
) -> Person:
    """A twin: same surname, birth year, home town; a different given name."""
    b = make_person(rng, pid, reg, as_of, locale=a.locale, gender=rng.choice("mf"))
    surnames = a.locale.surnames_male if b.gender == "m" else a.locale.surnames_female
    fam = tuple(
        surnames[(a.locale.surnames_male if a.gender == "m" else a.locale.surnames_female).index(x)]
        for x in a.family
    )
    b.birth_year = a.birth_year
    pool = [g for g in (a.locale.male if b.gender == "m" else a.locale.female) if g != a.given]
    # Parents often pick names that start alike (Marek and Marcin, Anna and Aneta).
    alike = [g for g in pool if g.native[:1] == a.given.native[:1]]
    _rename(b, rng.choice(alike or pool), fam, a.roman, reg, rng, as_of)
    b.places = [(WINDOW_START, a.locale, a.places[0][2])]
    b.married = None
    b.tags.add("twin")
    a.tags.add("twin")
    if share_landline:
        while True:
            nsn = new_number(rng, a.locale.phone)
            if reg.claim_phone(e164(a.locale.phone, nsn), a.pid):
                break
        a.landline = b.landline = (a.locale, nsn)
        a.tags.add("shared_landline")
        b.tags.add("shared_landline")
    return b


def namesake_at_employer(
    rng: random.Random, a: Person, pid: str, reg: Registry, as_of: date
) -> Person | None:
    """Another person of the same name hired by the same multinational while `a` works there."""
    jobs = [j for j in a.jobs if j.employer.countries is None and j.work_email]
    if not jobs:
        return None
    job = jobs[0]
    b = make_person(rng, pid, reg, as_of, locale=a.locale, gender=a.gender)
    b.married = None
    _rename(b, a.given, a.family, a.roman, reg, rng, as_of)
    b.middle = None
    b.adopted = a.adopted
    start = _day(rng, job.start, (job.end or as_of) - timedelta(days=30))
    address = work_address(b, job.employer, b.family, reg, start, None)
    b.jobs = [Job(job.employer, _titles(rng, b.engineer), start, None, address, None)]
    b.tags.add("employer_namesake")
    a.tags.add("employer_namesake")
    return b


def partners_mailbox(rng: random.Random, a: Person, pid: str, reg: Registry, as_of: date) -> Person:
    """`a`'s partner; the two share a family mailbox beside their own addresses."""
    gender = "f" if a.gender == "m" else "m"
    b = make_person(rng, pid, reg, as_of, locale=a.locale, gender=gender)
    b.married = None
    src = a.locale.surnames_male if a.gender == "m" else a.locale.surnames_female
    dst = a.locale.surnames_male if gender == "m" else a.locale.surnames_female
    fam = tuple(dst[src.index(x)] for x in a.family[:1]) + b.family[1:]
    _rename(b, b.given, fam, a.roman, reg, rng, as_of)
    b.places = list(a.places)
    f = email_word(a.latin(a.family[0]), a.fold_style)
    domain = rng.choices(*zip(*a.locale.providers, strict=True))[0]
    if domain == "qq.com":
        domain = "163.com"
    for local in (
        f"the.{f}s",
        f"{f}family",
        f"{f}.family",
        f"{f}.home",
        f"famille.{f}",
        f"{f}s.home",
    ):
        if reg.is_free(f"{local}@{domain}"):
            break
    address = f"{local}@{domain}"
    reg.share(address, a.pid, "family_mailbox", WINDOW_START)
    reg.share(address, b.pid, "family_mailbox", WINDOW_START)
    a.family_mailbox = b.family_mailbox = address
    a.tags.add("family_mailbox")
    b.tags.add("family_mailbox")
    return b


def recycled_address(
    rng: random.Random, a: Person, pid: str, reg: Registry, as_of: date
) -> Person | None:
    """A new hire given the work address `a` held at an employer they left years ago."""
    gap = 3 * 365
    olds = [j for j in a.jobs if j.end and j.work_email and (as_of - j.end).days > gap + 200]
    if not olds:
        return None
    job = olds[0]
    b = make_person(rng, pid, reg, as_of, locale=a.locale, gender=rng.choice("mf"))
    b.married = None
    given = a.given
    if job.employer.pattern in ("flast", "f.last"):
        # Only the initial and surname are in the address: a different first name will do.
        same = [
            g
            for g in (a.locale.male if b.gender == "m" else a.locale.female)
            if g.native[:1] == a.given.native[:1]
        ]
        given = rng.choice(same or [a.given])
    _rename(b, given, a.family, a.roman, reg, rng, as_of)
    b.middle = None
    start = job.end + timedelta(days=gap + rng.randrange(30, 200))
    if start >= as_of - timedelta(days=60):
        return None
    if not reg.recycle(job.work_email, b.pid, start, gap):
        return None
    b.jobs = [Job(job.employer, _titles(rng, b.engineer), start, None, job.work_email, None)]
    a.recycled = b.recycled = job.work_email
    b.tags.add("recycled_work_address")
    a.tags.add("recycled_work_address")
    return b


def _rename(
    p: Person,
    given: NameForm,
    family: tuple[NameForm, ...],
    roman: int,
    reg: Registry,
    rng: random.Random,
    as_of: date,
) -> None:
    """Give a derived person another name; re-issue the name-built addresses and slug."""
    p.given, p.family, p.roman = given, family, roman
    p.nickname = None
    formal = p.latin(given)
    if formal in NICKNAMES and rng.random() < 0.5:
        p.nickname = rng.choice(NICKNAMES[formal])
    p.personal = [(WINDOW_START, personal_address(rng, p, reg, WINDOW_START))]
    p.jobs = []
    _career(rng, p, reg, as_of)
    p.slugs = [(WINDOW_START, _slug(rng, p, family, False, reg))]
    if p.github:
        p.github = _github(rng, p, reg)
