"""How one true person's identifiers get spelled differently in each source record.

Every function takes the source's `rng` and returns one spelling. The variations are the ones
dedup has to undo in real data: gmail dots and +tags, googlemail.com, case and whitespace,
national vs international phone formats, every LinkedIn URL form, nicknames, one-letter typos,
stripped accents, "Sr." vs "Senior", and skill aliases.
"""

from __future__ import annotations

import random

from .names import ascii_fold
from .people import Person
from .places import LINKEDIN_SUBDOMAINS, PHONE_PLANS
from .work import SKILL_ALIASES, TITLE_ABBREVIATIONS

_PLUS_TAGS = ("jobs", "careers", "linkedin", "events", "recruiting", "cv", "work")
_TRK = (
    "?trk=abc",
    "?trk=public_profile_browsemap",
    "?trk=people-guest_people_search-card",
    "?originalSubdomain=uk",
    "?utm_source=share&utm_medium=member_desktop",
)

_fold_cache: dict[str, str] = {}


def fold(text: str) -> str:
    folded = _fold_cache.get(text)
    if folded is None:
        folded = ascii_fold(text)
        _fold_cache[text] = folded
    return folded


def email_spelling(rng: random.Random, local: str, domain: str, messy: float = 1.0) -> str:
    """One raw spelling of a mailbox; `messy` scales how often it is not the tidy form."""
    r = rng.random() / messy
    if domain == "gmail.com" and r < 0.45:
        # gmail ignores dots and everything after "+": all of these reach the same inbox.
        bare = local.replace(".", "")
        kind = rng.random()
        if kind < 0.3:
            local = bare
        elif kind < 0.5 and len(bare) > 3:
            cut = rng.randint(1, len(bare) - 2)
            local = f"{bare[:cut]}.{bare[cut:]}"
        elif kind < 0.85:
            local = f"{local}+{rng.choice(_PLUS_TAGS)}"
        else:
            domain = "googlemail.com"
    r2 = rng.random() / messy
    email = f"{local}@{domain}"
    if r2 < 0.06:
        email = email.upper() if r2 < 0.01 else _capitalise_parts(email)
    elif r2 < 0.09:
        email = rng.choice((f" {email}", f"{email} ", f"\t{email} "))
    return email


def _capitalise_parts(email: str) -> str:
    local, _, domain = email.partition("@")
    return ".".join(p[:1].upper() + p[1:] for p in local.split(".")) + "@" + domain.capitalize()


def name_spelling(
    rng: random.Random, person: Person, messy: float = 1.0, ascii_only: bool = False
) -> tuple[str, str]:
    """(first, last) as typed into one system: nicknames, typos, lost accents, odd case."""
    first, last = person.first, person.last
    r = rng.random() / messy
    if person.nickname and r < 0.18:
        first = person.nickname
    r = rng.random() / messy
    if r < 0.025:
        if rng.random() < 0.5:
            first = typo(rng, first)
        else:
            last = typo(rng, last)
    if ascii_only or rng.random() / messy < 0.08:
        first, last = fold(first), fold(last)
    r = rng.random() / messy
    if r < 0.015:
        first, last = first.lower(), last.lower()
    elif r < 0.025:
        last = last.upper()
    return first, last


def typo(rng: random.Random, word: str) -> str:
    """One transposed or dropped letter (never the first letter: people rarely get that wrong)."""
    if len(word) < 4:
        return word
    i = rng.randint(1, len(word) - 2)
    if rng.random() < 0.5 and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i + 1 :]


def padded(rng: random.Random, text: str, rate: float = 0.02) -> str:
    """Surrounding whitespace, as left behind by copy-paste into a spreadsheet."""
    return f" {text} " if rng.random() < rate else text


def phone_spelling(rng: random.Random, person: Person) -> str:
    """A national or international spelling of the person's number."""
    country = person.country
    plan = PHONE_PLANS[country]
    area, sub = person.phone_area, person.phone_sub
    cc = plan.calling_code
    nsn = area + sub
    k = rng.randrange(6)
    if country == "US":
        a, b, c = nsn[:3], nsn[3:6], nsn[6:]
        return (
            f"({a}) {b}-{c}",
            f"{a}-{b}-{c}",
            f"{a}.{b}.{c}",
            f"+1 {a} {b} {c}",
            f"+1{nsn}",
            f"1-{a}-{b}-{c}",
        )[k]
    grouped = _group(sub)
    if country == "FR":
        pairs = " ".join(nsn[i : i + 2] for i in range(1, len(nsn), 2))
        return (
            f"0{nsn[0]} {pairs}",
            f"0{nsn[0]}.{pairs.replace(' ', '.')}",
            f"+33 {nsn[0]} {pairs}",
            f"+33{nsn}",
            f"0033 {nsn[0]} {pairs}",
            f"+33 (0){nsn[0]} {pairs}",
        )[k]
    trunk = plan.trunk
    return (
        f"{trunk}{area} {grouped}",
        f"{trunk}{area}/{sub}",
        f"+{cc} {area} {grouped}",
        f"+{cc}{nsn}",
        f"00{cc}{nsn}",
        f"+{cc} ({trunk}){area} {sub}",
    )[k]


def _group(digits: str) -> str:
    if len(digits) <= 5:
        return digits
    half = len(digits) // 2
    return f"{digits[:half]} {digits[half:]}"


def phone_e164(person: Person) -> str:
    return f"+{PHONE_PLANS[person.country].calling_code}{person.phone_area}{person.phone_sub}"


def linkedin_url(rng: random.Random, person: Person) -> str:
    """Every form a LinkedIn profile URL takes in exports; the slug is the identity."""
    slug = person.linkedin_slug
    k = rng.random()
    if k < 0.25:
        return f"linkedin.com/in/{slug}"
    if k < 0.5:
        return f"https://www.linkedin.com/in/{slug}/"
    if k < 0.62:
        return f"https://www.linkedin.com/in/{slug}"
    if k < 0.72:
        sub = LINKEDIN_SUBDOMAINS[person.country]
        return f"http://{sub}.linkedin.com/in/{slug}{rng.choice(_TRK)}"
    if k < 0.8:
        return f"LinkedIn.com/in/{slug.title()}"
    if k < 0.88:
        return f"www.linkedin.com/in/{slug}"
    if k < 0.95:
        return f"https://linkedin.com/in/{slug}{rng.choice(_TRK)}"
    return f"https://www.linkedin.com/in/{slug}/?locale=en_US"


def github_url(rng: random.Random, handle: str) -> str:
    return rng.choice(
        (
            f"https://github.com/{handle}",
            f"github.com/{handle}",
            f"https://www.github.com/{handle}/",
        )
    )


def skill_spelling(rng: random.Random, skill: str) -> str:
    return rng.choice(SKILL_ALIASES[skill])


def title_spelling(rng: random.Random, title: str) -> str:
    if rng.random() < 0.2:
        for long, short in TITLE_ABBREVIATIONS:
            if long in title:
                return title.replace(long, short)
    return title


def role_mailbox(rng: random.Random, domain: str, prefixes: tuple[str, ...]) -> str:
    return f"{rng.choice(prefixes)}@{domain}"
