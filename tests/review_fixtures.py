"""A small published read copy in the shape the review page reads (the marts' contract
columns: matching.req_profiles / req_matches / match_decisions, crm.contacts,
hygiene.duplicate_review / duplicate_review_records, meta) and the req's export written by
the real export writer. Names include markup and a formula, as user data can."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from orchestration.matching.exports import EXPORT_COLUMNS, write_export
from orchestration.matching.scoring import DRAFT_MARKER

REQ_ID = "greenhouse:4100"
PARTITION_KEY = "greenhouse-4100"
CLOSED_REQ_ID = "lever:abc"
CONTACTS = [
    # contact_id, first name, full name, email, rank, score
    ("ct_a", "Ana", "Ana Lima", "ana@example.org", 1, 0.91),
    ("ct_b", "<script>", "<script>alert(1)</script> Bo", "bo@example.org", 2, 0.77),
    ("ct_c", "Cy", '=HYPERLINK("x") Cy', "cy@example.org", 3, 0.64),
]
RECORD_A = "greenhouse:candidates:11"
RECORD_B = "lever:opportunities:22"
EXPORTED_AT = datetime(2026, 11, 20, 10, 0, 0)


def draft_for(first_name: str) -> str:
    return f"{DRAFT_MARKER} Hi {first_name}, we have just opened a new position: Data Engineer."


def build_read_copy(path: Path, exports_root: Path, *, with_decisions: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        for schema in ("crm", "matching", "hygiene"):
            con.execute(f"create schema {schema}")
        con.execute(
            "create table main.meta as select timestamp '2026-11-20 10:05:00' as published_at, "
            "'crm_pipeline' as reason"
        )
        con.execute(
            """create table matching.req_profiles as select * from (values
            ('greenhouse:4100', 'greenhouse', 'Data Engineer', 'open', 'Data', 'data', 'senior',
             ['python', 'sql'], ['dbt'], 'Berlin, Germany', false, timestamp '2026-11-19 09:00'),
            ('lever:abc', 'lever', 'Closed Role', 'closed', 'Sales', 'sales', 'mid',
             []::varchar[], []::varchar[], 'London', false, timestamp '2026-01-01 09:00'))
            t(req_id, source, title, status, department_name, role_family, seniority,
              required_skills, preferred_skills, location, is_remote, opened_at)"""
        )
        con.execute(
            "create table crm.contacts (contact_id varchar, first_name varchar, "
            "full_name varchar, primary_email varchar)"
        )
        con.executemany("insert into crm.contacts values (?, ?, ?, ?)", [c[:4] for c in CONTACTS])
        con.execute(
            """create table matching.req_matches (
            req_id varchar, partition_key varchar, matched_at timestamp, rank bigint,
            contact_id varchar, score double, role_family_fit double, skill_overlap double,
            seniority_fit double, location_fit double, silver_medalist double,
            replied_to_outreach double, engagement double, recency double,
            matched_skills varchar[], silver_reason varchar, segment varchar, reason varchar)"""
        )
        con.executemany(
            "insert into matching.req_matches values (?, ?, ?, ?, ?, ?, 1, 0.5, 1, 1, 0, 0, "
            "0.4, 0.8, ['python'], null, 'silver_medalists', ?)",
            [
                (REQ_ID, PARTITION_KEY, EXPORTED_AT, rank, cid, score, f"reason <b>{rank}</b>")
                for cid, _, _, _, rank, score in CONTACTS
            ],
        )
        con.execute(
            "create table matching.match_decisions (req_id varchar, contact_id varchar, "
            "decided_contact_id varchar, decision varchar, reason varchar, message varchar, "
            "reviewer varchar, decided_at timestamp, decision_id varchar, shown_score double, "
            "shown_export varchar, decisions_made bigint)"
        )
        if with_decisions:
            con.execute(
                "insert into matching.match_decisions values ('greenhouse:4100', 'ct_c', "
                "'ct_c', 'not_a_fit', 'wants remote', null, 'Earlier Reviewer', "
                "timestamp '2026-11-19 12:00', '" + "d" * 32 + "', 0.64, null, 1)"
            )
        con.execute(
            f"""create table hygiene.duplicate_review as select
            'ct_a' as contact_id_a, 'ct_x' as contact_id_b, '{RECORD_A}' as record_key_a,
            '{RECORD_B}' as record_key_b, 'greenhouse' as source_a, 'lever' as source_b,
            'Ana Lima' as name_a, 'Ana <i>Lima</i>' as name_b, 'Acme' as company_a,
            'Acme GmbH' as company_b, 'fuzzy_name' as rule, 0.78 as score,
            'name:0.97 +company hold:common_name' as evidence,
            'common name: other people in the market would match this well by coincidence'
                as held_because"""
        )
        con.execute(
            f"""create table hygiene.duplicate_review_records as select * from (values
            ('{RECORD_A}', 'greenhouse', 'candidates', '11', 'Ana', 'Lima', 'Ana Lima', 'Acme',
             'Data Engineer', 'Berlin, Germany', ['ana@example.org'], ['+49301234'],
             ['linkedin.com/in/ana'], null, null, timestamp '2026-10-01', false),
            ('{RECORD_B}', 'lever', 'opportunities', '22', 'Ana', 'Lima', 'Ana <i>Lima</i>',
             'Acme GmbH', 'Engineer', 'Berlin', ['a.lima@acme.example'], []::varchar[],
             []::varchar[], 'lever-contact-9', null, timestamp '2026-10-02', false))
            t(record_key, source, entity, source_record_id, first_name, last_name, full_name,
              company, title, location, emails, phones, profile_urls, source_person_key,
              country_hint, record_updated_at, is_buyer_profile_copy)"""
        )
    finally:
        con.close()
    export = pl.DataFrame(
        [
            {
                "rank": rank,
                "contact_id": cid,
                "full_name": full,
                "best_email": email,
                "score": score,
                "reason": "fits",
                "segment": "silver_medalists",
                "draft_message": draft_for(first),
            }
            for cid, first, full, email, rank, score in CONTACTS
        ]
    ).select(EXPORT_COLUMNS)
    write_export(export, exports_root, PARTITION_KEY, EXPORTED_AT)
