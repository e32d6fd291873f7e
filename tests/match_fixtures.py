"""A synthetic CRM database in the shape the req match reads (the marts' contract columns):
crm.contacts, crm.interactions, crm.reqs, segments.contact_profiles / engagement_scores /
segment_membership, gdpr.outreach_eligibility, matching.req_profiles. Deterministic (hash of
the contact id), any size: 200 rows for flow tests, 1M for the benchmark."""

from __future__ import annotations

from pathlib import Path

import duckdb

FAMILIES = "['engineering','data','product','design','sales','marketing','people','finance']"
LEVELS = "['junior','mid','senior','staff','manager']"
SKILLS = "['python','sql','spark','dbt','go','kubernetes','react','aws','excel','figma']"
CITIES = (
    "['Berlin, Germany','London, United Kingdom','Paris, France','New York, NY, United States']"
)


def synthesize(db: Path, contacts: int) -> None:
    con = duckdb.connect(str(db))
    for schema in ("crm", "segments", "gdpr", "matching"):
        con.execute(f"create schema if not exists {schema}")
    con.execute(
        f"""
        create table crm.contacts as
        select 'c' || lpad(cast(i as varchar), 8, '0') as contact_id,
            'First' || (i % 997) as first_name, 'Person ' || i as full_name,
            'p' || i || '@example.org' as primary_email,
            {CITIES}[1 + i % 4] as location,
            timestamp '2020-01-01' + to_days(cast(i % 2000 as integer)) as first_seen_at,
            timestamp '2026-11-19' - to_days(cast(i % 900 as integer))
                as last_meaningful_action_at
        from range({contacts}) t(i)"""
    )
    con.execute(
        f"""
        create table segments.contact_profiles as
        select contact_id,
            {FAMILIES}[cast(1 + hash(contact_id) % 8 as bigint)] as role_family,
            {LEVELS}[cast(1 + hash(contact_id || 'l') % 5 as bigint)] as seniority,
            list_distinct([{SKILLS}[cast(1 + hash(contact_id || 'a') % 10 as bigint)],
                           {SKILLS}[cast(1 + hash(contact_id || 'b') % 10 as bigint)],
                           {SKILLS}[cast(1 + hash(contact_id || 'c') % 10 as bigint)]]) as skills,
            'the Data Summit 2026' as interaction_context
        from crm.contacts"""
    )
    con.execute(
        """create table segments.engagement_scores as
        select contact_id, cast(hash(contact_id || 'e') % 100 as double) as engagement_score
        from crm.contacts"""
    )
    con.execute(
        """create table segments.segment_membership as
        select contact_id, 'silver_medalists' as segment_name from crm.contacts
        where hash(contact_id) % 20 = 0"""
    )
    con.execute(
        """create table gdpr.outreach_eligibility as
        select contact_id,
            hash(contact_id || 'x') % 10 <> 0 as can_contact,
            case when hash(contact_id || 'x') % 10 = 0 then ['opted_out'] else [] end
                as block_reasons,
            hash(contact_id || 'y') % 50 = 0 as in_active_application,
            case when hash(contact_id || 'z') % 100 = 0 then timestamp '2026-06-01' end
                as last_hired_at,
            case when hash(contact_id || 'w') % 40 = 0 then timestamp '2026-11-10' end
                as last_outreach_at
        from crm.contacts"""
    )
    con.execute(
        """create table crm.interactions as
        select contact_id, 'rejection' as interaction_type, 'greenhouse:2' as req_id,
            'Data Engineer' as subject, 'Final Interview' as stage,
            'Hired another candidate' as reason, timestamp '2026-03-01' as occurred_at,
            false as is_meaningful_action
        from crm.contacts where hash(contact_id || 'r') % 100 = 0"""
    )
    con.execute(
        """create table matching.req_profiles as
        select * from (values
            ('greenhouse:1', 'Senior Data Engineer', 'open', 'data', 'senior',
             ['python', 'sql', 'spark'], ['dbt'], 'Berlin, Germany', false,
             timestamp '2026-11-19 08:00:00', cast(null as timestamp)),
            ('greenhouse:2', 'Data Engineer', 'closed', 'data', 'mid',
             ['python', 'sql'], cast([] as varchar[]), 'Berlin, Germany', false,
             timestamp '2026-01-01 08:00:00', timestamp '2026-04-01 08:00:00'))
        t(req_id, title, status, role_family, seniority, required_skills, preferred_skills,
          location, is_remote, opened_at, closed_at)"""
    )
    con.execute(
        """create table crm.reqs as
        select req_id, status, opened_at from matching.req_profiles"""
    )
    con.close()
