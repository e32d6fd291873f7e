"""One person seen by one ATS on one day: what a record holds, and how it was typed.

A `Snapshot` is vendor-neutral (names, addresses, numbers, links, employer, place); `wire.py`
renders it in Greenhouse's, Lever's or Ashby's shape. Every variation a record gets is noted
by name in `notes` (written to `ground_truth_notes.csv`), so the tests can count what the
market holds and a quality report can be read against it.

Who typed the record matters: a candidate applying types their own name (nicknames, lower
case, their own e-mail with a +tag), a recruiter sourcing someone copies a LinkedIn profile
and a work address from a tool, an agency submits under its own mailbox and phone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import quote

from .employers import AGENCIES
from .names import DOUBLE_SURNAME, Locale
from .people import Person
from .phones import written
from .spelling import ascii_form, has_marks, one_typo

_PLUS_TAGS = ("jobs", "cv", "career", "linkedin", "apply", "recruiting", "work", "2024")
_NICKNAME_ON_FORMS = frozenset({"US", "GB", "IE", "NG", "IN"})
_LINKEDIN_SUBDOMAIN = {
    "GB": "uk",
    "US": "www",
    "IN": "in",
    "DE": "de",
    "PL": "pl",
    "FR": "fr",
    "BR": "br",
    "NL": "nl",
    "ES": "es",
    "IT": "it",
    "SE": "se",
    "TR": "tr",
}


@dataclass(slots=True)
class Snapshot:
    person: Person
    system: str
    origin: str  # applied, sourced, referred, agency
    created: datetime
    updated: datetime
    first: str
    last: str
    full: str
    emails: list[tuple[str, str]] = field(default_factory=list)  # (address, personal|work|other)
    phones: list[tuple[str, str]] = field(default_factory=list)  # (text, mobile|home|work)
    links: list[tuple[str, str]] = field(default_factory=list)  # (url, linkedin|github)
    company: str | None = None
    title: str | None = None
    headline: str | None = None
    location: tuple[str, str, str] | None = None  # (city as written, region, country)
    notes: set[str] = field(default_factory=set)


# ----- names


def _latin_given(rng: random.Random, p: Person, self_typed: bool, notes: set[str]) -> str:
    given = p.latin(p.given)
    if len(p.given.latin) > 1 and p.locale.script != "latin" and rng.random() < 0.2:
        other = [x for x in p.given.latin if x != given]
        given = rng.choice(other)
        notes.add("romanisation_variant")
    if p.adopted and rng.random() < 0.5:
        notes.add("adopted_english_name")
        return p.adopted
    # English speakers put their everyday name on forms; elsewhere the diminutive is for
    # friends, and professional records mostly carry the full given name.
    habit = 1.0 if p.locale.country in _NICKNAME_ON_FORMS else 0.4
    if p.nickname and rng.random() < (0.45 if self_typed else 0.2) * habit:
        notes.add("nickname")
        return p.nickname
    return given


def _family_text(rng: random.Random, p: Person, day: date, notes: set[str]) -> str:
    family, hyphen = p.family_on(day)
    parts = [p.latin(x) for x in family]
    if p.locale.script != "latin":
        for i, x in enumerate(family):
            if len(x.latin) > 1 and rng.random() < 0.15:
                parts[i] = rng.choice([v for v in x.latin if v != parts[i]])
                notes.add("romanisation_variant")
    if hyphen:
        notes.add("double_barrelled")
        return f"{p.latin(p.family[0])}-{parts[0]}"
    if p.locale.surname_style == DOUBLE_SURNAME and len(parts) == 2:
        r = rng.random()
        if r < 0.5:
            return " ".join(parts)
        if r < 0.9:
            notes.add("double_surname_short")
            # Brazilians go by the last surname, Spaniards and Mexicans by the first.
            return parts[1] if p.locale.country == "BR" else parts[0]
        notes.add("double_surname_hyphen")
        return "-".join(parts)
    text = parts[0]
    if text.split(" ")[0] in ("van", "de", "van_der") and rng.random() < 0.3:
        notes.add("particle_variant")
        text = rng.choice((text[0].upper() + text[1:], text.title(), text.replace(" ", "")))
    if "'" in text and rng.random() < 0.4:
        notes.add("apostrophe_variant")
        text = text.replace("'", rng.choice(("’", "", " ")))
    return text


def render_name(
    rng: random.Random, p: Person, day: date, self_typed: bool
) -> tuple[str, str, str, set[str]]:
    """(first, last, full) as one record holds them, and the variations applied."""
    notes: set[str] = set()
    loc: Locale = p.locale
    if p.married:
        notes.add("married_name" if day >= p.married[0] else "maiden_name")
    if loc.script != "latin" and rng.random() < loc.native_script_share:
        notes.add("native_script")
        family, _ = p.family_on(day)
        first, last = p.given.native, "".join(x.native for x in family)
        if loc.family_first:
            space = " " if loc.script == "japanese" and rng.random() < 0.5 else ""
            return first, last, f"{last}{space}{first}", notes
        return first, last, f"{first} {last}", notes
    given = _latin_given(rng, p, self_typed, notes)
    family = _family_text(rng, p, day, notes)
    middle = ""
    if p.middle is not None:
        r = rng.random()
        if r < 0.25:
            middle, _ = p.latin(p.middle), notes.add("middle_name")
        elif r < 0.45:
            middle, _ = p.latin(p.middle)[0] + ".", notes.add("middle_initial")
    if has_marks(given + family + middle):
        r = rng.random()
        if r < 0.22:
            given, family, middle = (ascii_form(x, "strip") for x in (given, family, middle))
            notes.add("accents_stripped")
        elif r < 0.32 and loc.fold_style == "digraph":
            given, family, middle = (ascii_form(x, "digraph") for x in (given, family, middle))
            notes.add("accents_digraph")
    if rng.random() < 0.04:
        if rng.random() < 0.5:
            given = one_typo(rng, given)
        else:
            family = one_typo(rng, family)
        notes.add("typo")
    r = rng.random()
    if r < 0.03 + (0.04 if self_typed else 0):
        given, family, middle = given.lower(), family.lower(), middle.lower()
        notes.add("case_lower")
    elif r < 0.06 + (0.04 if self_typed else 0):
        given, family, middle = given.upper(), family.upper(), middle.upper()
        notes.add("case_upper")
    elif loc.country == "FR" and r < 0.25:
        family = family.upper()  # the French administrative habit: NOM Prénom
        notes.add("surname_upper")
    first = f"{given} {middle}".strip()
    full = f"{first} {family}"
    if loc.family_first and rng.random() < 0.3:
        full = f"{family} {first}"
        notes.add("name_order_swapped")
    if loc.family_first and rng.random() < 0.08:
        first, family = family, first
        notes.add("first_last_swapped")
    return first, family, full, notes


# ----- addresses, numbers, links


def render_email(rng: random.Random, p: Person, address: str, notes: set[str]) -> str:
    local, _, domain = address.partition("@")
    if domain in ("gmail.com", "googlemail.com"):
        r = rng.random()
        if r < 0.2 and "." in local:
            local = local.replace(".", "")
            notes.add("gmail_dots")
        elif r < 0.32 and "." not in local and len(local) > 4:
            cut = rng.randrange(2, len(local) - 1)
            local = local[:cut] + "." + local[cut:]
            notes.add("gmail_dots")
        elif r < 0.45:
            local = f"{local}+{rng.choice(_PLUS_TAGS)}"
            notes.add("gmail_plus_tag")
        # Gmail in Germany was Googlemail until 2012: old accounts answer to both domains.
        if p.locale.country == "DE" and rng.random() < 0.3:
            domain = "googlemail.com" if domain == "gmail.com" else "gmail.com"
            notes.add("googlemail")
    if rng.random() < 0.04:
        local = local[:1].upper() + local[1:]
        domain = domain.capitalize() if rng.random() < 0.5 else domain
        notes.add("email_case")
    return f"{local}@{domain}"


def render_linkedin(rng: random.Random, p: Person, slug: str, country: str, notes: set[str]) -> str:
    if any(ord(ch) > 127 for ch in slug):
        if rng.random() < 0.7:  # as links and exports carry it; a browser bar shows letters
            slug = quote(slug)
            notes.add("linkedin_percent_encoded")
        else:
            notes.add("linkedin_unicode_slug")
    r = rng.random()
    if r < 0.4:
        url = f"https://www.linkedin.com/in/{slug}/"
    elif r < 0.6:
        url = f"https://www.linkedin.com/in/{slug}"
        notes.add("linkedin_no_trailing_slash")
    elif r < 0.72:
        url = f"linkedin.com/in/{slug}"
        notes.add("linkedin_bare")
    elif r < 0.86:
        sub = _LINKEDIN_SUBDOMAIN.get(country, country.lower())
        url = f"https://{sub}.linkedin.com/in/{slug}"
        notes.add("linkedin_country_subdomain")
    elif r < 0.95:
        url = f"https://www.linkedin.com/in/{slug}?originalSubdomain={country.lower()}"
        notes.add("linkedin_query_string")
    else:
        url = f"http://linkedin.com/in/{slug.upper() if rng.random() < 0.3 else slug}/"
        notes.add("linkedin_http")
    return url


def render_location(
    rng: random.Random, p: Person, day: date, notes: set[str]
) -> tuple[str, str, str]:
    loc, city = p.place_on(day)
    if len(p.places) > 1 and day >= p.places[1][0]:
        notes.add("relocated")
    if loc.script != "latin":
        # Written in its own script only by someone typing the whole record natively.
        native = "native_script" in notes and rng.random() < 0.7
        return (city.native if native else city.english), city.region, loc.country_name
    r = rng.random()
    name = city.native
    if r < 0.35 and city.english != city.native:
        name = city.english
    elif r < 0.5 and has_marks(city.native):
        name = ascii_form(city.native, "strip")
    return name, city.region, loc.country_name


# ----- one record


def snapshot(
    rng: random.Random,
    p: Person,
    system: str,
    origin: str,
    day: date,
    as_of: date,
    agency: tuple[str, str, str, str] | None = None,
    force: str | None = None,
) -> Snapshot:
    self_typed = origin == "applied"
    first, last, full, notes = render_name(rng, p, day, self_typed)
    created = datetime(
        day.year, day.month, day.day, rng.randrange(7, 22), rng.randrange(60), rng.randrange(60)
    )
    later = min(as_of, day + timedelta(days=rng.randrange(0, 240)))
    updated = max(
        created,
        datetime(
            later.year,
            later.month,
            later.day,
            rng.randrange(24),
            rng.randrange(60),
            rng.randrange(60),
        ),
    )
    snap = Snapshot(p, system, origin, created, updated, first, last, full, notes=notes)
    notes.add(f"origin_{origin}")
    job = p.job_on(day)
    work = None
    if job and job.work_email:
        work = (
            job.renamed_email[1]
            if job.renamed_email and day >= job.renamed_email[0]
            else job.work_email
        )
    personal = p.personal_on(day)
    if len(p.personal) > 1 and day >= p.personal[1][0]:
        notes.add("personal_email_changed")
    if p.family_mailbox and (force == "family" or rng.random() < 0.35):
        personal = p.family_mailbox
        notes.add("family_mailbox")
    # Which addresses the record carries depends on who typed it.
    if origin == "agency" and agency is not None:
        snap.emails.append((agency[1], "work"))
        notes.add("agency_mailbox")
    else:
        want_personal = {"applied": 0.93, "sourced": 0.45, "referred": 0.85}[origin]
        want_work = {"applied": 0.08, "sourced": 0.6, "referred": 0.2}[origin]
        if force == "work" and work:
            want_work = 1.0
        if force == "family":
            want_personal = 1.0
        if rng.random() < want_personal:
            snap.emails.append((render_email(rng, p, personal, notes), "personal"))
            notes.add("personal_email")
        # An application or referral form cannot be sent without an e-mail address.
        no_address_yet = not snap.emails and origin in ("applied", "referred")
        if work and (rng.random() < want_work or no_address_yet):
            snap.emails.append((render_email(rng, p, work, notes), "work"))
            notes.add("work_email")
            if p.recycled and work == p.recycled:
                notes.add("recycled_work_address")
        if not snap.emails and origin in ("applied", "referred"):
            snap.emails.append((render_email(rng, p, personal, notes), "personal"))
            notes.add("personal_email")
        if not snap.emails:
            notes.add("no_email")
    # Phones.
    if origin == "agency" and agency is not None and rng.random() < 0.6:
        snap.phones.append((f"+{agency[2]} {agency[3]}", "work"))
        notes.add("agency_phone")
    elif rng.random() < {"applied": 0.72, "sourced": 0.2, "referred": 0.5, "agency": 0.2}[origin]:
        loc, nsn = p.phone_on(day)
        text, fmt = written(rng, loc.phone, nsn)
        snap.phones.append((text, "mobile"))
        notes.add(f"phone_{fmt}")
        if len(p.phones) > 1 and day >= p.phones[1][0]:
            notes.add("phone_changed")
    if p.landline and rng.random() < 0.6:
        loc, nsn = p.landline
        snap.phones.append((written(rng, loc.phone, nsn)[0], "home"))
        notes.add("shared_landline")
    if not snap.phones:
        notes.add("no_phone")
    # Links: recruiters source from LinkedIn; applicants paste it about half the time.
    if (
        origin != "agency"
        and rng.random() < {"applied": 0.5, "sourced": 0.97, "referred": 0.45}[origin]
    ):
        country = p.place_on(day)[0].country
        snap.links.append((render_linkedin(rng, p, p.slug_on(day), country, notes), "linkedin"))
        if len(p.slugs) > 1 and day >= p.slugs[1][0]:
            notes.add("linkedin_slug_changed")
    if p.github and rng.random() < 0.4:
        snap.links.append((p.github, "github"))
    # Employer and title as of that day.
    if job is not None:
        name = job.employer.name
        if job.employer.forms and rng.random() < 0.3:
            name = rng.choice(job.employer.forms)
            notes.add("company_form")
        level = 0
        if job.promoted_on and day >= job.promoted_on:
            level = 1 if rng.random() < 0.8 else 2
        snap.company = name
        snap.title = job.titles[level]
        if job is not p.jobs[0]:
            notes.add("job_changed")
        snap.headline = _headline(rng, p, job, name)
    elif rng.random() < 0.5:
        snap.headline = rng.choice(p.locale.schools) if p.locale.schools else None
    if rng.random() < 0.7:
        snap.location = render_location(rng, p, day, notes)
    return snap


def _headline(rng: random.Random, p: Person, job, company: str) -> str | None:
    """Lever's headline: "typically a list of previous companies ... or schools", or a title."""
    earlier = [j.employer.name for j in p.jobs if j.start < job.start]
    school = rng.choice(p.locale.schools) if p.locale.schools else ""
    r = rng.random()
    if r < 0.3:
        return None
    if r < 0.5:
        return job.titles[0]
    if r < 0.75:
        return ", ".join(x for x in (company, school) if x)
    if r < 0.9 and earlier:
        return ", ".join(earlier + [company])
    return school or None


def agency_for(rng: random.Random) -> tuple[str, str, str, str]:
    return rng.choice(AGENCIES)
