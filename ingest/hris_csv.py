"""Our own HRIS export (current employees and alumni) → raw.hris_employees.

The cleanest source, and the only one that says who worked here. Required columns: employee id,
a name, start date AND end date — without an end-date column every alumnus would silently look
like a current employee, so such a file is rejected rather than landed.
"""

from __future__ import annotations

from checks.csv_feeds import HRIS_EMPLOYEES, HRIS_FIELDS
from ingest.csv_drop import CsvFeedSpec
from ingest.event_csv import FIRST_NAME, FULL_NAME, LAST_NAME

FEED = "hris"

ALIASES: dict[str, tuple[str, ...]] = {
    "employee_id": (
        "Employee ID", "Employee Number", "Employee No", "Emp ID", "EmployeeID", "Worker ID",
        "Personnel Number", "Personalnummer", "Mitarbeiter-ID", "Matricule",
    ),
    "first_name": FIRST_NAME,
    "last_name": LAST_NAME,
    "full_name": FULL_NAME,
    "preferred_name": ("Preferred Name", "Nickname", "Known As", "Preferred First Name", "Rufname"),
    "personal_email": (
        "Personal Email", "Private Email", "Home Email", "Personal E-mail", "Private E-Mail",
        "Private Email Address", "Personal Email Address", "Private E-Mail-Adresse",
    ),
    "work_email": (
        "Work Email", "Business Email", "Company Email", "Work E-mail", "Work Email Address",
        "Corporate Email", "Email", "E-Mail", "Dienstliche E-Mail", "Geschäftliche E-Mail",
    ),
    "department": ("Department", "Dept", "Abteilung", "Org Unit", "Organisational Unit", "Team"),
    "job_title": ("Job Title", "Title", "Position", "Role", "Stellenbezeichnung", "Jobtitel"),
    "start_date": (
        "Start Date", "Hire Date", "Date of Joining", "Original Hire Date", "Joined",
        "Eintrittsdatum", "Eintritt",
    ),
    "end_date": (
        "End Date", "Termination Date", "Leave Date", "Exit Date", "Last Day",
        "Last Working Day", "Separation Date", "Austrittsdatum", "Austritt",
    ),
    "termination_type": (
        "Termination Type", "Exit Type", "Separation Type", "Leaver Type", "Austrittsart",
    ),
    "rehire_eligible": (
        "Rehire Eligible", "Eligible for Rehire", "Rehireable", "Rehirable", "Rehire",
        "Wiedereinstellung möglich",
    ),
}  # fmt: skip

TERMINATION_SYNONYMS = {
    "resignation": "voluntary", "resigned": "voluntary", "freiwillig": "voluntary",
    "eigenkündigung": "voluntary",
    "dismissal": "involuntary", "terminated": "involuntary", "layoff": "involuntary",
    "unfreiwillig": "involuntary",
}  # fmt: skip

SPEC = CsvFeedSpec(
    feed=FEED,
    contract=HRIS_EMPLOYEES,
    fields=HRIS_FIELDS,
    aliases=ALIASES,
    required=(
        ("employee_id",),
        ("first_name", "full_name"),
        ("last_name", "full_name"),
        ("start_date",),
        ("end_date",),
    ),
    date_fields=("start_date", "end_date"),
    boolean_fields=("rehire_eligible",),
    value_maps={"termination_type": TERMINATION_SYNONYMS},
    description=(
        "Northwind Labs' HRIS export: current employees (empty end date) and alumni with "
        "termination type and rehire eligibility."
    ),
)
