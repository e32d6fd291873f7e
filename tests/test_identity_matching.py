"""Matching rules of the identity engine on small hand-made record sets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import polars as pl

from orchestration.identity.engine import resolve_identities
from orchestration.identity.schema import PERSON_RECORD_SCHEMA


def _rec(key: str, **kw: Any) -> dict[str, Any]:
    source, entity, rid = key.split(":", 2)
    row: dict[str, Any] = {c: None for c in PERSON_RECORD_SCHEMA}
    row.update(
        record_key=key,
        source=source,
        entity=entity,
        source_record_id=rid,
        emails=[],
        phones=[],
        profile_urls=[],
        record_updated_at=datetime(2026, 1, 1),
        is_buyer_profile_copy=False,
    )
    row.update(kw)
    return row


def _clusters(rows: list[dict[str, Any]]) -> dict[str, str]:
    df = pl.DataFrame(rows, schema=PERSON_RECORD_SCHEMA)
    res = resolve_identities(df)
    return dict(res.clusters.iter_rows())


def test_messy_spellings_of_one_person_merge() -> None:
    c = _clusters(
        [
            _rec(
                "greenhouse:candidates:1",
                first_name="José",
                last_name="García",
                emails=["Jose.Garcia+jobs@gmail.com"],
                source_person_key="1",
            ),
            _rec("greenhouse:applications:9", source_person_key="1"),
            _rec(
                "lever:opportunities:a",
                full_name="Jose Garcia",
                emails=["josegarcia@googlemail.com"],
                phones=["+1 415 852 4095"],
            ),
            _rec(
                "ashby:candidates:b",
                full_name="José García",
                phones=["(415) 852-4095"],
                country_hint="US",
                profile_urls=["https://www.linkedin.com/in/jose-garcia-77/"],
            ),
            _rec(
                "sourcing:profiles:s.csv:1",
                first_name="Jose",
                last_name="Garcia",
                profile_urls=["http://es.linkedin.com/in/Jose-Garcia-77?trk=x"],
            ),
            _rec("outreach:events:o.csv:1", emails=["JOSEGARCIA@gmail.com "]),
        ]
    )
    assert len(set(c.values())) == 1


def test_conflicting_profile_slugs_veto_a_merge() -> None:
    # Same work mailbox (namesakes at one employer), different LinkedIn profiles: two people.
    c = _clusters(
        [
            _rec(
                "sourcing:profiles:s.csv:1",
                first_name="Anna",
                last_name="Weber",
                emails=["anna.weber@acme.com"],
                profile_urls=["linkedin.com/in/anna-weber-1"],
            ),
            _rec(
                "sourcing:profiles:s.csv:2",
                first_name="Anna",
                last_name="Weber",
                emails=["anna.weber@acme.com"],
                profile_urls=["linkedin.com/in/anna-weber-2"],
            ),
        ]
    )
    assert c["sourcing:profiles:s.csv:1"] != c["sourcing:profiles:s.csv:2"]


def test_namesakes_at_same_company_and_city_are_not_merged() -> None:
    c = _clusters(
        [
            _rec(
                "greenhouse:candidates:1",
                first_name="Michael",
                last_name="Müller",
                company="Acme GmbH",
                location="Berlin, Germany",
                title="Data Engineer",
                emails=["m.mueller@gmail.com"],
            ),
            _rec(
                "events:signups:e.csv:1",
                first_name="Michael",
                last_name="Muller",
                company="Acme",
                title="Sales Manager",
                emails=["michael.mueller@web.de"],
            ),
            _rec(
                "sourcing:profiles:s.csv:1",
                first_name="Mike",
                last_name="Müller",
                company="ACME GmbH",
                location="Berlin, Berlin, Germany",
                title="Account Executive",
                profile_urls=["linkedin.com/in/mmueller"],
            ),
        ]
    )
    assert len(set(c.values())) == 3


def test_buyer_profile_copies_are_not_merged_by_email() -> None:
    c = _clusters(
        [
            _rec(
                "eventbrite:attendees:1",
                first_name="Ravi",
                last_name="Patel",
                emails=["ravi.patel@gmail.com"],
            ),
            _rec(
                "eventbrite:attendees:2",
                first_name="Ravi",
                last_name="Patel",
                emails=["ravi.patel@gmail.com"],
                is_buyer_profile_copy=True,
            ),
            _rec(
                "greenhouse:candidates:5",
                first_name="Ravi",
                last_name="Patel",
                emails=["ravipatel@gmail.com"],
            ),
        ]
    )
    assert c["eventbrite:attendees:1"] == c["greenhouse:candidates:5"]
    assert c["eventbrite:attendees:2"] != c["eventbrite:attendees:1"]


def test_role_and_shared_mailboxes_are_not_identity() -> None:
    c = _clusters(
        [
            _rec(
                "events:signups:e.csv:1",
                first_name="Ann",
                last_name="Lee",
                emails=["jobs@acme.com"],
            ),
            _rec(
                "events:signups:e.csv:2",
                first_name="Bo",
                last_name="Chen",
                emails=["jobs@acme.com"],
            ),
            # One first-name work mailbox re-used by two different Rahuls.
            _rec(
                "greenhouse:candidates:1",
                first_name="Rahul",
                last_name="Gupta",
                emails=["rahul@jasper.com"],
            ),
            _rec(
                "greenhouse:candidates:2",
                first_name="Rahul",
                last_name="Patel",
                emails=["rahul@jasper.com"],
            ),
            _rec(
                "greenhouse:candidates:3",
                first_name="Rahul",
                last_name="Guptta",
                emails=["rahul@jasper.com"],
            ),
        ]
    )
    assert c["events:signups:e.csv:1"] != c["events:signups:e.csv:2"]
    assert c["greenhouse:candidates:1"] == c["greenhouse:candidates:3"]
    assert c["greenhouse:candidates:1"] != c["greenhouse:candidates:2"]


def test_fuzzy_merge_needs_corroboration_and_logs_evidence() -> None:
    df = pl.DataFrame(
        [
            _rec(
                "greenhouse:candidates:1",
                first_name="Katherine",
                last_name="Schneider",
                company="Acme GmbH",
                location="Munich, Germany",
                title="Senior Data Engineer",
            ),
            _rec(
                "sourcing:profiles:s.csv:1",
                first_name="Kate",
                last_name="Schnieder",
                company="ACME",
                location="Munich, Bavaria, Germany",
                title="Sr. Data Engineer",
            ),
        ],
        schema=PERSON_RECORD_SCHEMA,
    )
    res = resolve_identities(df)
    assert res.clusters["cluster_key"].n_unique() == 1
    (evidence,) = res.edges["evidence"].to_list()
    assert evidence.startswith("name_jw=") and "+company" in evidence
    assert "schneider" not in evidence.lower()


def test_common_name_needs_more_than_a_rare_name_to_merge() -> None:
    # Thirty other John Smiths (one record each, no identifiers): a John Smith pair at the
    # same employer in the same city is expected by coincidence, a Xavier Quint pair is not.
    cities = ("Paris", "Berlin", "Madrid", "Rome", "Oslo", "Vienna", "Prague", "Dublin")
    rows = [
        _rec(
            f"sourcing:profiles:s.csv:{i}",
            first_name="John",
            last_name="Smith",
            company=f"Company {i}",
            location=cities[i % len(cities)],
        )
        for i in range(30)
    ]
    for name, key in (("John Smith", "js"), ("Xavier Quint", "xq")):
        first, last = name.split()
        rows += [
            _rec(
                f"greenhouse:candidates:{key}",
                first_name=first,
                last_name=last,
                company="Acme Ltd",
                location="London, United Kingdom",
            ),
            _rec(
                f"events:signups:e.csv:{key}",
                first_name=first,
                last_name=last,
                company="ACME",
                location="London",
            ),
        ]
    df = pl.DataFrame(rows, schema=PERSON_RECORD_SCHEMA)
    res = resolve_identities(df)
    c = dict(res.clusters.iter_rows())
    assert c["greenhouse:candidates:xq"] == c["events:signups:e.csv:xq"]
    assert c["greenhouse:candidates:js"] != c["events:signups:e.csv:js"]
    held = res.review.filter(pl.col("record_key_a") == "greenhouse:candidates:js")
    assert held["evidence"].str.contains("hold:common_name").any()


def test_a_shared_work_address_merges_whatever_the_titles_say() -> None:
    # One person's work mailbox on an ATS record and a sourcing row: the titles differ
    # (a promotion, a recruiter's paraphrase), the address and the name do not.
    c = _clusters(
        [
            _rec(
                "greenhouse:candidates:1",
                first_name="Laura",
                last_name="Garcia",
                company="Acme",
                title="Data Engineer",
                emails=["laura.garcia@acme.example"],
            ),
            _rec(
                "sourcing:profiles:s.csv:2",
                first_name="Laura",
                last_name="García",
                company="Acme",
                title="Head of Analytics Platform",
                emails=["Laura.Garcia@acme.example"],
            ),
            _rec(
                "ashby:candidates:3",
                full_name="Laura Garcia",
                title="Product Manager",
                emails=["laura.garcia@acme.example"],
            ),
        ]
    )
    assert len(set(c.values())) == 1


def test_namesake_colleagues_with_their_own_mailboxes_stay_apart() -> None:
    # A second Laura Garcia at acme is issued laura.garcia2@: same name, company and city,
    # two people (the namesake guard holds name + company + city for such a common pair).
    c = _clusters(
        [
            _rec(
                "greenhouse:candidates:1",
                first_name="Laura",
                last_name="Garcia",
                company="Acme",
                location="Madrid, Spain",
                emails=["laura.garcia@acme.example"],
                phones=["+34 612 345 678"],
            ),
            _rec(
                "lever:opportunities:2",
                full_name="Laura Garcia",
                location="Madrid",
                emails=["laura.garcia2@acme.example"],
                phones=["+34 699 111 222"],
            ),
        ]
    )
    assert c["greenhouse:candidates:1"] != c["lever:opportunities:2"]


def test_a_mailbox_and_a_mobile_in_common_outweigh_an_adopted_given_name() -> None:
    # The same person writes the name she uses at work in one system and her own in another.
    c = _clusters(
        [
            _rec(
                "greenhouse:candidates:1",
                first_name="Jiayi",
                last_name="Xu",
                emails=["jiayixu@gmail.com"],
                phones=["+86 130 3056 7088"],
            ),
            _rec(
                "greenhouse:candidates:2",
                first_name="Grace",
                last_name="Xu",
                emails=["jiayixu@gmail.com"],
                phones=["+8613030567088"],
            ),
            # One identifier in common is not enough across unrelated given names (a family
            # mailbox), and neither are two when no part of the name agrees (an agency's box
            # and phone on two candidates it submitted).
            _rec(
                "greenhouse:candidates:3",
                first_name="Anna",
                last_name="Kowalska",
                emails=["kowalscy@wp.pl"],
            ),
            _rec(
                "greenhouse:candidates:4",
                first_name="Maria",
                last_name="Kowalska",
                emails=["kowalscy@wp.pl"],
            ),
            _rec(
                "lever:opportunities:a",
                full_name="Priya Shah",
                emails=["cv@talentbridge-agency.com"],
                phones=["+44 20 7946 0000"],
            ),
            _rec(
                "lever:opportunities:b",
                full_name="Daniel Okafor",
                emails=["cv@talentbridge-agency.com"],
                phones=["+44 20 7946 0000"],
            ),
        ]
    )
    assert c["greenhouse:candidates:1"] == c["greenhouse:candidates:2"]
    assert c["greenhouse:candidates:3"] != c["greenhouse:candidates:4"]
    assert c["lever:opportunities:a"] != c["lever:opportunities:b"]


def test_a_work_address_names_the_employer_a_record_left_out() -> None:
    # Same name, her work address at the company the other record names, same city: one
    # person; without the address the two records share only the name and the city.
    rows = [
        _rec(
            "lever:opportunities:x",
            full_name="Ewelina Stępień",
            location="Wrocław",
            emails=["ewelina.stepien@telvique.com"],
        ),
        _rec(
            "ashby:candidates:y",
            full_name="Ewelina Stepien",
            company="Telvique",
            location="Wroclaw, Poland",
            emails=["ewelinastepien@o2.pl"],
        ),
    ]
    # Other people at other employers and cities, so neither fact is common in the market.
    rows += [
        _rec(
            f"greenhouse:candidates:{i}",
            first_name=given,
            last_name=family,
            company=f"Employer {i % 9}",
            location=city,
        )
        for i, (given, family, city) in enumerate(
            (g, f, c)
            for g in ("Anna", "Piotr", "Ola", "Jan")
            for f in ("Nowak", "Lis", "Wrona")
            for c in ("Gdańsk", "Poznań", "Łódź")
        )
    ]
    c = _clusters(rows)
    assert c["lever:opportunities:x"] == c["ashby:candidates:y"]
    rows[0]["emails"] = ["ewelina.stepien@o2.pl"]
    c = _clusters(rows)
    assert c["lever:opportunities:x"] != c["ashby:candidates:y"]


def test_a_reissued_work_address_does_not_join_its_two_holders() -> None:
    # A data vendor still lists the work address Michael Green held until he left; the
    # company later issued it to the Michael Green it employs now. Their personal mailboxes
    # and phones differ: two people. The same address with nothing contradicting it: one.
    c = _clusters(
        [
            _rec(
                "pdl:enrichment:p1",
                first_name="Michael",
                last_name="Green",
                emails=["michael.green@northwindlabs.io", "michael_green@gmx.de"],
                phones=["+49 160 7840 2985"],
            ),
            _rec(
                "hris:employees:h.csv:4",
                first_name="Michael",
                last_name="Green",
                emails=["mgreen@hotmail.co.uk", "michael.green@northwindlabs.io"],
            ),
            _rec(
                "greenhouse:candidates:9",
                first_name="Michael",
                last_name="Green",
                emails=["michael.green@northwindlabs.io"],
            ),
        ]
    )
    assert c["pdl:enrichment:p1"] != c["hris:employees:h.csv:4"]
    assert c["greenhouse:candidates:9"] in (c["pdl:enrichment:p1"], c["hris:employees:h.csv:4"])
