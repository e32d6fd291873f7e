"""Where a phone number is dialled from, whose a shared line is, and which personal mailboxes
contradict each other: the cases real ATS records raise (national spellings without a country,
locations in the local language, an agency's own line, one handle at two mail providers)."""

from __future__ import annotations

import polars as pl
import pytest

from orchestration.identity.normalise import (
    country_from_location,
    country_from_mail_domain,
    normalise_records,
)
from orchestration.identity.schema import PERSON_RECORD_SCHEMA
from tests.test_identity_matching import _clusters, _rec


@pytest.mark.parametrize(
    ("location", "country"),
    [
        ("Ostrava, Moravskoslezský, Czechia", "CZ"),
        ("Praha, Česká republika", "CZ"),
        ("Izmir, İzmir, Turkey", "TR"),
        ("Lviv, Lviv Oblast, Ukraine", "UA"),
        ("Seongnam, Gyeonggi, South Korea", "KR"),
        ("Dubai, United Arab Emirates", "AE"),
        ("München, Deutschland", "DE"),
        ("Αθήνα, Ελλάδα", "GR"),
        ("Edinburgh, Scotland", "GB"),
        ("Hamburg", None),  # a city alone names no country
        ("Remote", None),
    ],
)
def test_country_named_by_a_location_in_any_language(location: str, country: str | None) -> None:
    assert country_from_location(location) == country


@pytest.mark.parametrize(
    ("domain", "country"),
    [
        ("seznam.cz", "CZ"),
        ("yahoo.co.uk", "GB"),
        ("naver.com", None),
        ("hallorann.io", None),  # .io is sold as a generic name
        ("acme.ai", None),
    ],
)
def test_country_of_a_mail_domain(domain: str, country: str | None) -> None:
    assert country_from_mail_domain(domain) == country


def _phones(rows: list[dict]) -> dict[str, list[str]]:
    _, ids = normalise_records(pl.DataFrame(rows, schema=PERSON_RECORD_SCHEMA))
    keys = [r["record_key"] for r in rows]
    out: dict[str, list[str]] = {k: [] for k in keys}
    for idx, value in ids.filter(pl.col("kind") == "phone").select("idx", "value").iter_rows():
        out[keys[idx]].append(value)
    return out


def test_a_city_alone_is_dialled_in_the_country_other_records_give_it() -> None:
    got = _phones(
        [
            _rec("ashby:candidates:1", location="Pune, Maharashtra, India"),
            _rec("greenhouse:candidates:2", location="Pune", phones=["095307 93106"]),
        ]
    )
    assert got["greenhouse:candidates:2"] == ["+919530793106"]


def test_a_national_spelling_is_dialled_in_the_country_of_the_mail_domain() -> None:
    got = _phones([_rec("ashby:candidates:1", emails=["lucie@seznam.cz"], phones=["779 561 453"])])
    assert got["ashby:candidates:1"] == ["+420779561453"]


def test_a_national_spelling_without_a_country_matches_the_markets_international_number() -> None:
    got = _phones(
        [
            _rec("greenhouse:candidates:1", phones=["+31 6 12345678"]),
            _rec("greenhouse:candidates:2", phones=["0612345678"]),  # trunk 0, no location
            _rec("lever:opportunities:3", phones=["0541-362-82-76"]),  # no such number known
        ]
    )
    assert got["greenhouse:candidates:2"] == ["+31612345678"]
    # Never guessed into the default region (US) or any other country.
    assert got["lever:opportunities:3"] == []


def test_a_national_spelling_two_countries_could_dial_stays_unplaced() -> None:
    got = _phones(
        [
            _rec("greenhouse:candidates:1", phones=["+31 6 12345678"]),
            _rec("greenhouse:candidates:2", phones=["+33 6 12345678"]),
            _rec("greenhouse:candidates:3", phones=["0612345678"]),
        ]
    )
    assert got["greenhouse:candidates:3"] == []


def test_records_joined_by_a_national_and_an_international_spelling() -> None:
    c = _clusters(
        [
            _rec(
                "greenhouse:candidates:1",
                first_name="Niels",
                last_name="de Groot",
                location="Amsterdam, Netherlands",
                phones=["+31 6 12345678"],
            ),
            _rec("lever:opportunities:2", full_name="Niels de Groot", phones=["0612345678"]),
        ]
    )
    assert len(set(c.values())) == 1


def test_an_agencys_line_beside_its_submission_mailbox_is_not_identity() -> None:
    c = _clusters(
        [
            _rec(
                "lever:opportunities:1",
                full_name="鈴木陽子",
                emails=["bewerbung@talentwerk.example"],
                phones=["+49 30 98765432"],
            ),
            _rec(
                "lever:opportunities:2",
                full_name="Espen Løvås",
                emails=["bewerbung@talentwerk.example"],
                phones=["+49 30 98765432"],
            ),
        ]
    )
    assert len(set(c.values())) == 2


def test_a_phone_of_ones_own_beside_an_agency_mailbox_still_links() -> None:
    # Only when EVERY carrier of the phone has the agency's mailbox is it the agency's line.
    c = _clusters(
        [
            _rec(
                "lever:opportunities:1",
                full_name="Espen Løvås",
                emails=["bewerbung@talentwerk.example"],
                phones=["+47 412 34 567"],
            ),
            _rec("ashby:candidates:2", full_name="Espen Lovas", phones=["+4741234567"]),
        ]
    )
    assert len(set(c.values())) == 1


def _namesakes(mail_a: str, mail_b: str, *, one_fact: bool = False) -> dict[str, str]:
    """Same name, employer, role and city (`one_fact`: only the city), two personal
    mailboxes; among other people (in a market of two records every fact is common, and the
    namesake guard holds every pair)."""
    others = [
        _rec(
            f"greenhouse:candidates:{100 + i}",
            first_name=f"Person{chr(97 + i)}",
            last_name=f"Other{chr(97 + i)}",
            company=f"Company {chr(97 + i)}",
            title="Data Engineer",
            location=f"City{chr(97 + i)}, Ireland",
        )
        for i in range(25)
    ]
    return _clusters(
        others
        + [
            _rec(
                "greenhouse:candidates:1",
                first_name="Orla",
                last_name="Gallagher",
                company="Liffey Analytics",
                title="QA Engineer",
                location="Dublin, Ireland",
                emails=[mail_a],
            ),
            _rec(
                "ashby:candidates:2",
                full_name="Orla Gallagher",
                company=None if one_fact else "Liffey Analytics",
                title=None if one_fact else "QA Engineer",
                location="Dublin, Ireland",
                emails=[mail_b],
            ),
        ]
    )


def test_one_numbered_handle_at_two_providers_is_one_mailbox_owner() -> None:
    c = _namesakes("orlagallagher1990@outlook.com", "orla.gallagher1990@gmail.com")
    assert c["greenhouse:candidates:1"] == c["ashby:candidates:2"]


def test_a_handle_that_is_only_the_name_is_taken_by_a_namesake_elsewhere() -> None:
    # Only the name and the city in common: the two addresses tell namesakes apart.
    c = _namesakes("orla.gallagher@outlook.com", "orlagallagher@gmail.com", one_fact=True)
    assert c["greenhouse:candidates:1"] != c["ashby:candidates:2"]
    # The same pair without the two addresses would merge (nothing else contradicts).
    c = _namesakes("orla.gallagher@outlook.com", "orla.gallagher@outlook.com", one_fact=True)
    assert c["greenhouse:candidates:1"] == c["ashby:candidates:2"]


def test_one_lever_contacts_opportunities_stay_one_person_under_two_profile_urls() -> None:
    # The source says they are one person (one contact); a sourcer pasted another profile.
    c = _clusters(
        [
            _rec(
                "lever:opportunities:a",
                full_name="Sophie Brown",
                source_person_key="contact-1",
                profile_urls=["https://www.linkedin.com/in/sophie-brown-72"],
            ),
            _rec(
                "lever:opportunities:b",
                full_name="Sophie Brown",
                source_person_key="contact-1",
                profile_urls=["linkedin.com/in/sbrown"],
            ),
        ]
    )
    assert len(set(c.values())) == 1


def test_a_national_spelling_from_abroad_matches_the_home_countrys_number() -> None:
    # A Pole living in The Hague writes his Polish mobile without +48.
    got = _phones(
        [
            _rec("ashby:candidates:1", phones=["+48 696 152 750"]),
            _rec("ashby:candidates:2", location="Den Haag, Netherlands", phones=["696 152 750"]),
        ]
    )
    assert got["ashby:candidates:2"] == ["+48696152750"]


def test_one_name_only_handle_at_two_providers_does_not_stop_a_two_fact_match() -> None:
    # Same name, employer, role and city: rebecca_turner at Yahoo and at Gmail is one owner.
    # With only the name and one fact in common the two addresses still tell namesakes apart
    # (`test_a_handle_that_is_only_the_name_is_taken_by_a_namesake_elsewhere`).
    c = _namesakes("orla_gallagher@yahoo.co.uk", "orla_gallagher@gmail.com")
    assert c["greenhouse:candidates:1"] == c["ashby:candidates:2"]
