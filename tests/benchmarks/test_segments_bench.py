"""Benchmark: taxonomy tags, segments, nurture due-lists and engagement scores for 1M contacts.

The upstream tables the segment models read (crm.contacts, crm.interactions, crm.reqs,
gdpr.outreach_eligibility, identity.record_contacts, person records, tags, graduation years and
the few staging relations) are synthesised directly in a DuckDB file at that size; then the
REAL dbt models (tagging + segments, seeds included) run on it with `dbt run`. Figures are
printed; timing never decides a test. Target: <= 30 s for the segment models on 2 cores.

    BENCH_SEGMENT_CONTACTS=200000 make bench   # a smaller run
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import duckdb

from orchestration.settings import DBT_PROJECT_DIR, dbt_executable

CONTACTS = int(os.environ.get("BENCH_SEGMENT_CONTACTS", "1000000"))

# The models this benchmark times: everything from the taxonomy to the due-list and scores.
MEASURED = [
    "path:models/intermediate/tagging",
    "path:models/intermediate/segments",
    "path:models/marts/segments",
]
# Synthesised directly (they read raw landing tables this benchmark does not generate).
SYNTHESISED = ["int_record_tags", "int_record_graduation_years"]

TITLES = [
    "Software Engineer",
    "Senior Backend Engineer",
    "Staff Data Engineer",
    "Data Scientist",
    "Product Manager",
    "Senior Product Designer",
    "Account Executive",
    "Sr. Account Manager",
    "Marketing Manager",
    "Growth Marketer",
    "Technical Recruiter",
    "HR Business Partner",
    "Financial Analyst",
    "Controller",
    "Operations Manager",
    "Program Manager",
    "Engineering Manager",
    "Director of Data",
    "VP Sales",
    "Head of Design",
    "Junior Analyst",
    "Machine Learning Engineer Intern",
    "Student",
    "Site Reliability Engineer",
]
TAGS = [
    "k8s",
    "Golang",
    "Python",
    "postgres",
    "React.js",
    "SFDC",
    "Figma",
    "Silver Medalist",
    "Campus 2027",
    "dbt",
    "Apache Spark",
    "Excel",
    "Referral",
    "TS",
    "aws",
]
EVENTS = [f"Campus Day {n}" for n in range(40)]
INTERACTIONS = [
    ("application", True),
    ("rejection", False),
    ("sourced", False),
    ("event_attendance", True),
    ("event_registration", False),
    ("outreach_sent", False),
    ("outreach_opened", False),
    ("outreach_replied", True),
    ("outreach_clicked", True),
    ("hire", False),
    ("employment_start", False),
    ("employment_end", False),
]
STAGES = ["Application Review", "Recruiter Screen", "Onsite", "Final Interview"]


def _list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def synthesise(db: Path, contacts: int) -> dict[str, int]:
    """Create the upstream relations of the segment models at `contacts` scale."""
    con = duckdb.connect(str(db))
    for schema in ("crm", "gdpr", "identity", "intermediate", "staging", "reference"):
        con.execute(f"create schema if not exists {schema}")
    # hm(x, n): a deterministic pseudo-random integer in [0, n) from any value.
    con.execute("create or replace macro hm(x, n) as cast(hash(x) % n as bigint)")
    n = contacts
    con.execute(f"""
        create table identity.record_contacts as
        select 'rec:' || i || ':' || k as record_key,
               'ct_' || i as contact_id
        from range({n}) t(i), range(1 + (hm(i, 2))::int) r(k)
    """)
    con.execute(f"""
        create table intermediate.int_person_records as
        select record_key,
               (['greenhouse', 'lever', 'sourcing', 'eventbrite', 'hris', 'pdl'])
                   [1 + hm(record_key, 6)] as source,
               {_list(TITLES)}[1 + hm(record_key || 't', {len(TITLES)})]
                   || case when hm(record_key, 7) = 0
                           then ' ' || hm(record_key, 900)::varchar else '' end as title,
               timestamp '2026-10-01' - to_days((hm(record_key, 1500))::int) as record_updated_at
        from identity.record_contacts
    """)
    con.execute("""
        create table crm.contacts as
        select contact_id,
               'First' as first_name, 'Last' as last_name,
               contact_id || '@example.org' as primary_email,
               any_value(p.title) as current_title,
               'Acme' as current_company, 'Berlin' as location,
               list_distinct(list(p.source)) as sources
        from identity.record_contacts r join intermediate.int_person_records p using (record_key)
        group by contact_id
    """)
    con.execute(f"""
        create table crm.interactions as
        with base as (
            select contact_id, min(record_key) as record_key, k
            from identity.record_contacts, range(1 + (hm(contact_id, 5))::int) t(k)
            group by contact_id, k
        ),
        typed as (
            select *, hm(contact_id || k, {len(INTERACTIONS)}) as type_index from base
        )
        select contact_id, record_key, 'synthetic' as source,
               ({_list([t for t, _ in INTERACTIONS])})[1 + type_index] as interaction_type,
               timestamp '2026-11-01' - to_days((hm(contact_id || k || 'd', 1400))::int)
                   as occurred_at,
               'greenhouse:' || (hm(contact_id || k, 500))::varchar as req_id,
               {_list(EVENTS)}[1 + hm(contact_id || 'e', {len(EVENTS)})] as subject,
               {_list(STAGES)}[1 + hm(contact_id || k || 's', {len(STAGES)})] as stage,
               'Hired another candidate' as reason,
               ({_list(["true" if m else "false" for _, m in INTERACTIONS])})[1 + type_index]
                   ::boolean as is_meaningful_action
        from typed
    """)
    con.execute(f"""
        create table crm.reqs as
        select 'greenhouse:' || i as req_id,
               {_list(TITLES)}[1 + i % {len(TITLES)}] as title,
               case when i % 3 = 0 then 'open' else 'closed' end as status,
               (['Engineering','Data','Sales','Product','People'])[1 + i % 5] as department_name,
               timestamp '2025-01-01' + to_days((i % 600)::int) as created_at,
               timestamp '2025-01-01' + to_days((i % 600)::int) as opened_at,
               case when i % 3 = 0 then null
                    else timestamp '2025-06-01' + to_days((i % 500)::int) end as closed_at
        from range(500) t(i)
    """)
    con.execute("""
        create table gdpr.outreach_eligibility as
        select contact_id,
               hm(contact_id || 'c', 20) <> 0 as can_contact,
               hm(contact_id || 'a', 15) = 0 as in_active_application,
               case when hm(contact_id || 'c', 20) = 0 then ['opted_out']
                    else []::varchar[] end as block_reasons
        from crm.contacts
    """)
    con.execute(f"""
        create table intermediate.int_record_tags as
        select record_key, 'ats_tag' as tag_kind,
               {_list(TAGS)}[1 + hm(record_key || k, {len(TAGS)})] as tag_text
        from identity.record_contacts, range(1 + (hm(record_key, 3))::int) t(k)
    """)
    con.execute("""
        create table intermediate.int_record_graduation_years as
        select record_key, 'event_form' as evidence,
               2018 + (hm(record_key, 10))::int as graduation_year
        from identity.record_contacts where hm(record_key, 8) = 0
    """)
    con.execute("""
        create table staging.stg_hris__employees as
        select substr(record_key, 5) as source_record_id,
               date '2019-01-01' + (hm(record_key, 1000))::int as start_date,
               case when hm(record_key, 2) = 0
                    then date '2023-01-01' + (hm(record_key, 1000))::int end as end_date,
               hm(record_key, 2) <> 0 as is_current_employee,
               'Engineering' as department,
               hm(record_key, 3) <> 0 as rehire_eligible
        from identity.record_contacts where hm(record_key, 50) = 0
    """)
    # The three staging relations below are only joined on record keys that never match the
    # synthetic ones (different key prefixes), like a warehouse without those sources.
    con.execute("""
        create table staging.stg_greenhouse__applications as
        select 1::bigint as candidate_id, timestamp '2026-01-01' as applied_at,
               'Referral' as application_source
    """)
    con.execute("""
        create table staging.stg_lever__opportunities as
        select 'x' as source_record_id, timestamp '2026-01-01' as created_at, 'referred' as origin
    """)
    con.execute("""
        create table staging.stg_pdl__person_enrichments as
        select 'x' as pdl_person_id, date '2024-01-01' as job_start_date,
               timestamp '2026-01-01' as enriched_at
    """)
    sizes = {
        table: con.execute(f"select count(*) from {table}").fetchone()[0]
        for table in (
            "crm.contacts",
            "identity.record_contacts",
            "crm.interactions",
            "intermediate.int_record_tags",
        )
    }
    con.close()
    return sizes


def dbt(args: list[str], db: Path, work: Path) -> float:
    env = {**os.environ, "TALENT_CRM_DB": str(db), "TALENT_CRM_AS_OF": "2026-11-01"}
    started = time.perf_counter()
    result = subprocess.run(
        [
            dbt_executable(),
            *args,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
            "--quiet",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return time.perf_counter() - started


def test_segments_due_lists_and_scores_for_1m_contacts(tmp_path: Path):
    db = tmp_path / "bench.duckdb"
    started = time.perf_counter()
    sizes = synthesise(db, CONTACTS)
    print(f"\nsynthesised in {time.perf_counter() - started:.1f}s: {sizes}")

    dbt(["seed", "--select", "path:seeds/taxonomy"], db, tmp_path)
    wall = dbt(
        ["run", "--select", *MEASURED, "--exclude", *SYNTHESISED, "--threads", "2"],
        db,
        tmp_path,
    )
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())
    per_model = sorted(
        ((r["unique_id"].split(".")[-1], r["execution_time"]) for r in results["results"]),
        key=lambda item: -item[1],
    )
    model_seconds = sum(seconds for _, seconds in per_model)
    con = duckdb.connect(str(db), read_only=True)
    counts = {
        table: con.execute(f"select count(*) from {table}").fetchone()[0]
        for table in (
            "segments.contact_profiles",
            "segments.segment_membership",
            "segments.touchpoints_due",
            "segments.engagement_scores",
        )
    }
    con.close()
    print(f"contacts: {CONTACTS:,}; output rows: {counts}")
    print(
        f"dbt run of {len(per_model)} models: {wall:.1f}s wall (incl. dbt start-up and parse), "
        f"{model_seconds:.1f}s summed model time (target <= 30 s on 2 cores)"
    )
    for name, seconds in per_model[:8]:
        print(f"  {name:42s} {seconds:6.1f}s")
    assert counts["segments.contact_profiles"] == sizes["crm.contacts"]
    assert counts["segments.engagement_scores"] == sizes["crm.contacts"]
