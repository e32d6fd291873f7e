"""Countries, cities, phone numbering plans and personal mail providers of the synthetic market.

Phone numbers are drawn from ranges that libphonenumber accepts as valid for the country (no
555 exchanges, real mobile prefixes), so a connector that validates numbers keeps them and the
dedup engine has to fold national and international spellings of the same number.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class City:
    name: str
    region: str
    country: str  # ISO 3166-1 alpha-2
    country_name: str
    landline_area: str  # national area code without trunk prefix ("30" for Berlin)


@dataclass(frozen=True, slots=True)
class PhonePlan:
    """How a country's numbers look: calling code, trunk prefix, mobile prefixes and lengths."""

    calling_code: str
    trunk: str  # "0" in most of Europe/India, "" in the US
    mobile_prefixes: tuple[str, ...]
    mobile_len: int  # national significant number length of mobiles (prefix included)
    landline_len: int  # national significant number length of landlines (area included)
    landline_first: str  # digits a landline subscriber number may start with


COUNTRY_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("US", 30),
    ("GB", 18),
    ("DE", 20),
    ("FR", 10),
    ("NL", 10),
    ("IN", 12),
)

CITIES: dict[str, tuple[City, ...]] = {
    "US": (
        City("San Francisco", "California", "US", "United States", "415"),
        City("New York", "New York", "US", "United States", "212"),
        City("Seattle", "Washington", "US", "United States", "206"),
        City("Austin", "Texas", "US", "United States", "512"),
        City("Boston", "Massachusetts", "US", "United States", "617"),
        City("Chicago", "Illinois", "US", "United States", "312"),
    ),
    "GB": (
        City("London", "England", "GB", "United Kingdom", "20"),
        City("Manchester", "England", "GB", "United Kingdom", "161"),
        City("Edinburgh", "Scotland", "GB", "United Kingdom", "131"),
    ),
    "DE": (
        City("Berlin", "Berlin", "DE", "Germany", "30"),
        City("Munich", "Bavaria", "DE", "Germany", "89"),
        City("Hamburg", "Hamburg", "DE", "Germany", "40"),
    ),
    "FR": (
        City("Paris", "Île-de-France", "FR", "France", "1"),
        City("Lyon", "Auvergne-Rhône-Alpes", "FR", "France", "4"),
    ),
    "NL": (
        City("Amsterdam", "North Holland", "NL", "Netherlands", "20"),
        City("Rotterdam", "South Holland", "NL", "Netherlands", "10"),
        City("Utrecht", "Utrecht", "NL", "Netherlands", "30"),
    ),
    "IN": (
        City("Bangalore", "Karnataka", "IN", "India", "80"),
        City("Hyderabad", "Telangana", "IN", "India", "40"),
        City("Pune", "Maharashtra", "IN", "India", "20"),
    ),
}

PHONE_PLANS: dict[str, PhonePlan] = {
    "US": PhonePlan("1", "", (), 0, 10, "23456789"),
    "GB": PhonePlan("44", "0", ("74", "75", "77", "78", "79"), 10, 10, "378"),
    "DE": PhonePlan(
        "49", "0", ("151", "152", "157", "160", "170", "171", "176", "177"), 11, 10, "2345678"
    ),
    "FR": PhonePlan("33", "0", ("6", "73", "75", "76", "77", "78"), 9, 9, "234"),
    "NL": PhonePlan("31", "0", ("61", "62", "63", "64", "65"), 9, 9, "2345678"),
    "IN": PhonePlan("91", "0", ("98", "99", "97", "96", "70", "88", "81"), 10, 10, "2"),
}

# Personal mail providers by country (weights). gmail dominates everywhere, which is exactly why
# gmail's dot/plus folding matters so much for dedup.
MAIL_PROVIDERS: dict[str, tuple[tuple[str, int], ...]] = {
    "US": (
        ("gmail.com", 62),
        ("yahoo.com", 10),
        ("outlook.com", 10),
        ("hotmail.com", 6),
        ("icloud.com", 10),
        ("protonmail.com", 2),
    ),
    "GB": (
        ("gmail.com", 55),
        ("hotmail.co.uk", 14),
        ("outlook.com", 12),
        ("yahoo.co.uk", 8),
        ("icloud.com", 9),
        ("protonmail.com", 2),
    ),
    "DE": (
        ("gmail.com", 45),
        ("web.de", 18),
        ("gmx.de", 18),
        ("outlook.com", 8),
        ("posteo.de", 5),
        ("protonmail.com", 6),
    ),
    "FR": (
        ("gmail.com", 55),
        ("orange.fr", 15),
        ("free.fr", 10),
        ("hotmail.fr", 10),
        ("outlook.com", 8),
        ("protonmail.com", 2),
    ),
    "NL": (
        ("gmail.com", 60),
        ("hotmail.com", 12),
        ("outlook.com", 12),
        ("ziggo.nl", 8),
        ("kpnmail.nl", 6),
        ("protonmail.com", 2),
    ),
    "IN": (("gmail.com", 80), ("yahoo.co.in", 10), ("outlook.com", 6), ("rediffmail.com", 4)),
}

# Country subdomains LinkedIn used to hand out in shared URLs.
LINKEDIN_SUBDOMAINS: dict[str, str] = {
    "US": "www",
    "GB": "uk",
    "DE": "de",
    "FR": "fr",
    "NL": "nl",
    "IN": "in",
}
