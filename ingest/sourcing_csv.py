"""LinkedIn-Recruiter-style sourcing exports → raw.sourcing_profiles.

One file per export (the sample market writes `sourcing_<YYYY-MM>.csv`). Required columns:
a name (first + last, or full name) and the public profile URL — the URL is what makes a
sourced profile matchable when it has no email, which is most of them.
"""

from __future__ import annotations

from checks.csv_feeds import SOURCING_FIELDS, SOURCING_PROFILES
from ingest.csv_drop import CsvFeedSpec
from ingest.event_csv import EMAIL, FIRST_NAME, FULL_NAME, LAST_NAME, PHONE

FEED = "sourcing"

ALIASES: dict[str, tuple[str, ...]] = {
    "first_name": FIRST_NAME,
    "last_name": LAST_NAME,
    "full_name": FULL_NAME,
    "headline": ("Headline", "Profile Headline", "LinkedIn Headline", "Tagline"),
    "job_title": (
        "Current Title", "Title", "Job Title", "Current Job Title", "Current Position",
        "Position", "Current Role", "Role", "Aktuelle Position",
    ),
    "company": (
        "Current Company", "Company", "Current Employer", "Employer", "Company Name",
        "Organization", "Organisation", "Aktuelles Unternehmen", "Firma",
    ),
    "location": ("Location", "Geo Location", "Geography", "City", "Region", "Standort", "Ort"),
    "profile_url": (
        "Public Profile URL", "Profile URL", "Public Profile", "LinkedIn", "LinkedIn URL",
        "LinkedIn Profile", "LinkedIn Profile URL", "Profile Link", "Profile", "Profil-URL",
    ),
    "email": EMAIL,
    "phone": PHONE,
    "tags": ("Tags", "Tag", "Skills", "Labels", "Keywords", "Schlagwörter"),
    "project": ("Project", "Projects", "Project Name", "Pipeline", "Search", "Projekt"),
    "sourced_by": (
        "Sourced By", "Sourcer", "Owner", "Recruiter", "Added By", "Created By", "Saved By",
    ),
    "sourced_at": (
        "Sourced At", "Sourced On", "Sourced Date", "Date Sourced", "Added On", "Added At",
        "Date Added", "Created At", "Saved On",
    ),
}  # fmt: skip

SPEC = CsvFeedSpec(
    feed=FEED,
    contract=SOURCING_PROFILES,
    fields=SOURCING_FIELDS,
    aliases=ALIASES,
    required=(("first_name", "full_name"), ("last_name", "full_name"), ("profile_url",)),
    date_fields=("sourced_at",),
    description=(
        "LinkedIn-Recruiter-style sourcing exports: one row per sourced profile, `Tags` "
        "`; `-separated, `Email` mostly empty."
    ),
)
