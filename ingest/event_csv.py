"""Event sign-up CSV exports (Luma, Hopin, career fairs, form tools) → raw.event_csv_registrations.

Every tool names its columns differently and some write Windows-1252 with semicolons; the alias
table below lists the spellings the sample market writes plus common real-world variants
(English, German, French, Dutch). Event name, date and platform come from columns when a file
has them, otherwise from the file name `<platform>_<YYYY-MM-DD>_<event-slug>.csv`.

Required columns: an email column (values may be empty: walk-ins) and a name — first and last
name, or one full-name column. A list without them cannot be matched to anybody.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from checks.csv_feeds import EVENT_FIELDS, EVENT_REGISTRATIONS
from ingest.csv_drop import CsvFeedSpec

FEED = "events"

FIRST_NAME = (
    "First Name", "Firstname", "Given Name", "Forename", "fname", "Vorname", "Prénom",
    "Voornaam", "Nombre", "Attendee First Name",
)  # fmt: skip
LAST_NAME = (
    "Last Name", "Lastname", "Surname", "Family Name", "lname", "Nachname", "Familienname",
    "Nom", "Nom de famille", "Achternaam", "Apellido", "Attendee Last Name",
)  # fmt: skip
FULL_NAME = ("Name", "Full Name", "Attendee Name", "Vollständiger Name", "Nom complet")
EMAIL = (
    "Email", "E-mail", "E-Mail", "Email Address", "E-mail Address", "email_address", "Mail",
    "E-Mail-Adresse", "Emailadresse", "Mailadresse", "Courriel", "Adresse e-mail",
    "Attendee Email", "Contact Email",
)  # fmt: skip
PHONE = ("Phone", "Phone Number", "Mobile", "Mobile Phone", "Telefon", "Telefonnummer", "Handy")
LINKEDIN = ("LinkedIn", "LinkedIn URL", "LinkedIn Profile", "LinkedIn Profile URL")

ALIASES: dict[str, tuple[str, ...]] = {
    "first_name": FIRST_NAME,
    "last_name": LAST_NAME,
    "full_name": FULL_NAME,
    "email": EMAIL,
    "company": (
        "Company", "Company Name", "Organisation", "Organization", "Employer",
        "Hochschule / Firma", "Firma", "Unternehmen", "Arbeitgeber", "Hochschule",
        "School / Company", "University / Company", "Entreprise", "Bedrijf",
    ),
    "job_title": (
        "Job Title", "Title", "Role", "Position", "Jobtitel", "Berufsbezeichnung", "Funktion",
        "Poste", "Functie",
    ),
    "grad_year": (
        "Graduation Year", "Grad year", "Grad. Year", "Year of Graduation", "Class of",
        "Expected Graduation", "Abschlussjahr", "Abschluss (Jahr)", "Année de diplôme",
    ),
    "registered_at": (
        "Registered At", "Registration Date", "Registration Time", "Registered",
        "Signed Up", "Sign-up Date", "Signup Date", "Created At", "Date Registered",
        "Anmeldedatum", "Anmeldung", "Angemeldet am", "Date d'inscription",
    ),
    "attended": (
        "Attended", "Checked In", "Check-in", "Checked-In", "Attendance", "Present",
        "Teilgenommen", "Anwesend", "Teilnahme", "Présent",
    ),
    "consent": (
        "Marketing Consent", "Consent", "Opt-In", "Opt In", "Marketing Opt-In",
        "marketing_opt_in", "Contact Consent", "GDPR Consent", "Accepts Marketing",
        "Einwilligung Kontaktaufnahme", "Einwilligung", "Kontakt erlaubt",
        "Consentement",
    ),
    "phone": PHONE,
    "linkedin_url": LINKEDIN,
    "event_name": ("Event", "Event Name", "Event Title", "Veranstaltung", "Événement"),
    "event_date": ("Event Date", "Veranstaltungsdatum", "Date de l'événement"),
    "event_platform": ("Platform", "Source", "Plattform"),
}  # fmt: skip

_FILE_NAME = re.compile(
    r"^(?P<platform>[A-Za-z0-9]+)_(?P<date>\d{4}-\d{2}-\d{2})_(?P<event>.+)\.csv$", re.IGNORECASE
)


def from_file_name(file_name: str) -> Mapping[str, str | None]:
    """`luma_2025-08-04_platform-meetup.csv` → platform `luma`, date, event `platform-meetup`.

    Any other name still names the event (its stem), so registrations stay grouped by file.
    """
    match = _FILE_NAME.match(file_name)
    if match is None:
        return {"event_name": file_name.rsplit(".", 1)[0]}
    return {
        "event_platform": match["platform"].lower(),
        "event_date": match["date"],
        "event_name": match["event"],
    }


SPEC = CsvFeedSpec(
    feed=FEED,
    contract=EVENT_REGISTRATIONS,
    fields=EVENT_FIELDS,
    aliases=ALIASES,
    required=(("email",), ("first_name", "full_name"), ("last_name", "full_name")),
    timestamp_fields=("registered_at",),
    date_fields=("event_date",),
    boolean_fields=("attended", "consent"),
    integer_fields=("grad_year",),
    from_file_name=from_file_name,
    description=(
        "Event sign-up exports (Luma, Hopin, career-fair lists, form tools). Event name, date "
        "and platform fall back to the file name `<platform>_<YYYY-MM-DD>_<event>.csv`."
    ),
)
