"""Employers, role families, titles and skills of the synthetic market.

Skills have one canonical name and several spellings (k8s / Kubernetes); each source record
spells them its own way, the way recruiters and candidates actually type them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Company:
    name: str
    domain: str
    email_pattern: int  # 0 first.last, 1 flast, 2 first, 3 first_last


# The company that runs the talent CRM. Its HRIS export holds alumni and employees.
OUR_COMPANY = Company("Northwind Labs", "northwindlabs.io", 0)

_COMPANY_NAMES = (
    "Acme Analytics",
    "Bluefin Systems",
    "Brightline Health",
    "Cobalt Robotics",
    "Copperleaf",
    "Datawell",
    "Driftwood Games",
    "Ember Payments",
    "Evergreen Energy",
    "Fathom AI",
    "Fieldstone Bank",
    "Finch Logistics",
    "Foxglove Media",
    "Glacier Cloud",
    "Granite Security",
    "Harbor Freight Tech",
    "Helix Bio",
    "Hollow Oak Studios",
    "Ironclad Insurance",
    "Juniper Labs",
    "Kestrel Aerospace",
    "Keystone Retail",
    "Lumen Learning",
    "Lynx Mobility",
    "Maple Commerce",
    "Meridian Travel",
    "Mistral Data",
    "Monarch Foods",
    "Nimbus Software",
    "Northstar Fintech",
    "Oakridge Capital",
    "Obsidian Networks",
    "Orchid Fashion",
    "Pelican Shipping",
    "Pinecone HR",
    "Polaris Mapping",
    "Quarry Construction",
    "Quill Publishing",
    "Radiant Solar",
    "Redwood Legal",
    "Riverbend Pharma",
    "Saffron Kitchen",
    "Sapphire Telecom",
    "Sequoia Robotics",
    "Silverline Ads",
    "Skylark Drones",
    "Solstice Wellness",
    "Sparrow Messaging",
    "Spruce Property",
    "Stonebridge",
    "Summit Outdoors",
    "Tandem Bikes",
    "Tidal Music",
    "Timberline Tools",
    "Topaz Gaming",
    "Trellis Agritech",
    "Umbra Security",
    "Vantage Markets",
    "Velvet Cosmetics",
    "Verdant Farms",
    "Vertex Semiconductors",
    "Willow Care",
    "Windmill Energy",
    "Zenith Mobility",
    "Zephyr Air",
    "Aurora Insights",
    "Basalt Storage",
    "Cedar Clinics",
    "Delta Freight",
    "Echo Voice",
    "Falcon Payments",
    "Garnet Gaming",
    "Heron Marine",
    "Indigo Textiles",
    "Jasper Devices",
    "Kite Fintech",
    "Lagoon Travel",
    "Marble Architecture",
    "Nectar Beverages",
    "Onyx Trading",
    "Prism Optics",
    "Quartz Compute",
    "Rook Chess Labs",
    "Sable Apparel",
    "Thistle Bank",
    "Upland Realty",
    "Vireo Biotech",
    "Walnut Education",
    "Yarrow Health",
    "Zircon Mining",
    "SAP-like Systems GmbH",
    "Deutsche Datenwerk GmbH",
    "Berliner Bytes GmbH",
    "Société Lumière",
    "Atelier Numérique SAS",
    "Nederlandse Netwerken BV",
    "Grachten Data BV",
    "Bengaluru Cloud Pvt",
    "Deccan Software Pvt",
    "Thames Digital Ltd",
    "Pennine Analytics Ltd",
)


def _domain(name: str) -> str:
    core = name.lower()
    for suffix in (" gmbh", " sas", " bv", " pvt", " ltd"):
        core = core.removesuffix(suffix)
    core = core.replace("é", "e").replace("è", "e").replace("-", "")
    tld = ".com"
    if name.endswith("GmbH"):
        tld = ".de"
    elif name.endswith("SAS"):
        tld = ".fr"
    elif name.endswith("BV"):
        tld = ".nl"
    elif name.endswith("Pvt"):
        tld = ".in"
    elif name.endswith("Ltd"):
        tld = ".co.uk"
    return core.replace(" ", "") + tld


COMPANIES: tuple[Company, ...] = tuple(
    Company(name, _domain(name), index % 4) for index, name in enumerate(_COMPANY_NAMES)
)

# Recruiting agencies submit candidates with their own shared mailbox.
AGENCIES: tuple[tuple[str, str], ...] = (
    ("Northbridge Talent", "cv@northbridgetalent.com"),
    ("Hireloop Partners", "submissions@hireloop.co.uk"),
    ("TechScout GmbH", "bewerbungen@techscout.de"),
)

# Most agency submissions come from the one preferred supplier.
_AGENCY_WEIGHTS = (60, 25, 15)


def pick_agency(rng: random.Random) -> tuple[str, str]:
    return rng.choices(AGENCIES, _AGENCY_WEIGHTS)[0]


# Shared company mailboxes people use when registering for things on behalf of a team.
ROLE_MAILBOX_PREFIXES: tuple[str, ...] = ("jobs", "recruiting", "info", "events", "hr")

ROLE_FAMILIES: tuple[tuple[str, int], ...] = (
    ("engineering", 34),
    ("data", 14),
    ("product", 8),
    ("design", 6),
    ("sales", 11),
    ("marketing", 8),
    ("people", 6),
    ("finance", 6),
    ("operations", 7),
)

DEPARTMENT_BY_FAMILY: dict[str, str] = {
    "engineering": "Engineering",
    "data": "Data",
    "product": "Product",
    "design": "Design",
    "sales": "Sales",
    "marketing": "Marketing",
    "people": "People",
    "finance": "Finance",
    "operations": "Operations",
}

# Base titles per family; seniority words are added around them.
BASE_TITLES: dict[str, tuple[str, ...]] = {
    "engineering": (
        "Software Engineer",
        "Backend Engineer",
        "Frontend Engineer",
        "Site Reliability Engineer",
        "Mobile Engineer",
        "Platform Engineer",
    ),
    "data": (
        "Data Engineer",
        "Data Scientist",
        "Analytics Engineer",
        "Machine Learning Engineer",
        "Data Analyst",
    ),
    "product": ("Product Manager", "Technical Product Manager", "Product Owner"),
    "design": ("Product Designer", "UX Designer", "UX Researcher"),
    "sales": (
        "Account Executive",
        "Sales Development Representative",
        "Solutions Engineer",
        "Account Manager",
    ),
    "marketing": (
        "Marketing Manager",
        "Content Marketer",
        "Growth Marketer",
        "Product Marketing Manager",
    ),
    "people": ("Recruiter", "Technical Recruiter", "HR Business Partner", "Talent Partner"),
    "finance": ("Financial Analyst", "Accountant", "Controller", "FP&A Analyst"),
    "operations": (
        "Operations Manager",
        "Business Operations Analyst",
        "Office Manager",
        "Program Manager",
    ),
}

SENIORITIES: tuple[tuple[str, int], ...] = (
    ("intern", 3),
    ("junior", 12),
    ("mid", 30),
    ("senior", 30),
    ("staff", 8),
    ("manager", 10),
    ("director", 5),
    ("vp", 2),
)
SENIORITY_ORDER: tuple[str, ...] = (
    "intern",
    "junior",
    "mid",
    "senior",
    "staff",
    "manager",
    "director",
    "vp",
)

# Canonical skill -> spellings seen in the wild (first is the tidy display form).
SKILL_ALIASES: dict[str, tuple[str, ...]] = {
    "kubernetes": ("Kubernetes", "k8s", "K8s", "kubernetes"),
    "go": ("Go", "golang", "Golang", "go"),
    "postgresql": ("PostgreSQL", "postgres", "Postgres", "postgresql"),
    "javascript": ("JavaScript", "js", "JS", "javascript"),
    "machine learning": ("Machine Learning", "ML", "machine-learning", "machine learning"),
    "typescript": ("TypeScript", "ts", "typescript"),
    "python": ("Python", "python", "Python 3"),
    "react": ("React", "React.js", "reactjs"),
    "aws": ("AWS", "Amazon Web Services", "aws"),
    "sql": ("SQL", "sql"),
    "dbt": ("dbt", "DBT", "data build tool"),
    "airflow": ("Airflow", "Apache Airflow", "airflow"),
    "spark": ("Spark", "Apache Spark", "pyspark"),
    "java": ("Java", "java"),
    "terraform": ("Terraform", "terraform", "TF"),
    "figma": ("Figma", "figma"),
    "user research": ("User Research", "UXR", "user research"),
    "salesforce": ("Salesforce", "SFDC", "salesforce"),
    "hubspot": ("HubSpot", "Hubspot", "hubspot"),
    "seo": ("SEO", "seo", "search engine optimization"),
    "excel": ("Excel", "MS Excel", "excel"),
    "product discovery": ("Product Discovery", "discovery", "product discovery"),
    "roadmapping": ("Roadmapping", "roadmaps", "roadmapping"),
    "sourcing": ("Sourcing", "sourcing", "talent sourcing"),
    "workday": ("Workday", "workday"),
    "fp&a": ("FP&A", "financial planning", "fp&a"),
    "project management": ("Project Management", "PM", "project management"),
    "negotiation": ("Negotiation", "negotiation"),
    "rust": ("Rust", "rust", "rustlang"),
    "docker": ("Docker", "docker", "containers"),
}

SKILLS_BY_FAMILY: dict[str, tuple[str, ...]] = {
    "engineering": (
        "python",
        "go",
        "kubernetes",
        "postgresql",
        "javascript",
        "typescript",
        "react",
        "aws",
        "java",
        "terraform",
        "rust",
        "docker",
    ),
    "data": ("python", "sql", "dbt", "airflow", "spark", "machine learning", "postgresql", "aws"),
    "product": ("product discovery", "roadmapping", "sql", "user research"),
    "design": ("figma", "user research", "javascript"),
    "sales": ("salesforce", "hubspot", "negotiation"),
    "marketing": ("hubspot", "seo", "excel"),
    "people": ("sourcing", "workday", "excel"),
    "finance": ("excel", "fp&a", "sql"),
    "operations": ("excel", "project management", "sql"),
}

# Universities for campus events and early-career education records.
SCHOOLS_BY_COUNTRY: dict[str, tuple[str, ...]] = {
    "US": (
        "Stanford University",
        "UC Berkeley",
        "MIT",
        "University of Washington",
        "UT Austin",
        "Northeastern University",
    ),
    "GB": (
        "University of Cambridge",
        "Imperial College London",
        "University of Manchester",
        "University of Edinburgh",
    ),
    "DE": ("TU München", "TU Berlin", "Universität Hamburg", "LMU München"),
    "FR": ("École Polytechnique", "Sorbonne Université", "INSA Lyon"),
    "NL": ("TU Delft", "Universiteit van Amsterdam", "Universiteit Utrecht"),
    "IN": ("IIT Bombay", "IISc Bangalore", "IIIT Hyderabad", "BITS Pilani"),
}

DEGREES: tuple[str, ...] = ("Bachelor's Degree", "Master's Degree", "PhD")
DISCIPLINES_BY_FAMILY: dict[str, str] = {
    "engineering": "Computer Science",
    "data": "Statistics",
    "product": "Business Administration",
    "design": "Interaction Design",
    "sales": "Business Administration",
    "marketing": "Marketing",
    "people": "Psychology",
    "finance": "Economics",
    "operations": "Industrial Engineering",
}


def title_for(family: str, seniority: str, base_index: int) -> str:
    """A job title people would actually put on a profile, e.g. 'Senior Data Engineer'."""
    bases = BASE_TITLES[family]
    base = bases[base_index % len(bases)]
    department = DEPARTMENT_BY_FAMILY[family]
    if seniority == "intern":
        return f"{base} Intern"
    if seniority == "junior":
        return f"Junior {base}"
    if seniority == "senior":
        return f"Senior {base}"
    if seniority == "staff":
        return f"Staff {base}" if family in ("engineering", "data") else f"Lead {base}"
    if seniority == "manager":
        return f"{department} Manager" if family != "engineering" else "Engineering Manager"
    if seniority == "director":
        return f"Director of {department}"
    if seniority == "vp":
        return f"VP {department}"
    return base


# Spellings of the same title across systems ("Sr." vs "Senior").
TITLE_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("Senior ", "Sr. "),
    ("Junior ", "Jr. "),
    ("Vice President", "VP"),
    ("Director of ", "Head of "),
)
