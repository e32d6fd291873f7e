"""Reading the match inputs from DuckDB and writing `matching.req_matches`.

Inputs (all dbt marts): `matching.req_profiles` (the req), `crm.contacts`,
`segments.contact_profiles` (role family, seniority, skills), `segments.engagement_scores` and
`segments.segment_membership` (optional: a neutral engagement and no segment when absent),
`gdpr.outreach_eligibility` (the shared consent contract) and `crm.interactions` (rejections).

The backtest's pool as of a past moment is rebuilt in `point_in_time.py`; rejections here take
an `as_of` cut too.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import polars as pl

from ingest.landing import table_exists
from orchestration.matching.openings import req_partition_key
from orchestration.matching.scoring import ReqProfile

MATCHES_TABLE = "matching.req_matches"


def query_frame(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> pl.DataFrame:
    """A query result as a polars frame (DuckDB 2.0: `.pl()` lives on relations)."""
    return con.sql(sql, params=params).pl() if params else con.sql(sql).pl()


def split_location(location: str | None) -> tuple[str | None, str | None]:
    """'Berlin, Germany' → ('Berlin', 'Germany'); 'New York, NY, United States' → city, country."""
    if not location:
        return None, None
    parts = [p.strip() for p in location.split(",") if p.strip()]
    if not parts:
        return None, None
    return parts[0], (parts[-1] if len(parts) > 1 else None)


PROFILE_COLUMNS = (
    "req_id, title, status, role_family, seniority, required_skills, preferred_skills, "
    "location, is_remote, opened_at, closed_at"
)


def _profile(row: tuple) -> ReqProfile:
    (req_id, title, status, family, seniority, required, preferred, location, remote, opened, _) = (
        row
    )
    city, country = split_location(location)
    return ReqProfile(
        req_id=req_id,
        title=title or req_id,
        role_family=None if family in (None, "unknown") else family,
        seniority=None if seniority in (None, "unknown") else seniority,
        required_skills=tuple(required or ()),
        preferred_skills=tuple(preferred or ()),
        city=None if remote else city,
        country=None if remote else country,
        is_remote=bool(remote),
        status=status or "unknown",
        opened_at=opened,
    )


def load_req_profile(con: duckdb.DuckDBPyConnection, partition_key: str) -> ReqProfile | None:
    """The req behind a partition key, or None when no req has that key (yet)."""
    rows = con.execute(f"select {PROFILE_COLUMNS} from matching.req_profiles").fetchall()
    for row in rows:
        if req_partition_key(row[0]) == partition_key:
            return _profile(row)
    return None


def load_closed_hired_reqs(con: duckdb.DuckDBPyConnection) -> list[tuple[ReqProfile, str]]:
    """(req profile, hired contact id) for closed reqs whose hire was already a contact
    (first seen in the CRM before the req opened)."""
    rows = con.execute(
        f"""
        select {", ".join("p." + c.strip() for c in PROFILE_COLUMNS.split(","))}, i.contact_id
        from matching.req_profiles p
        join crm.interactions i on i.req_id = p.req_id and i.interaction_type = 'hire'
        join crm.contacts c on c.contact_id = i.contact_id
        where p.status = 'closed' and p.opened_at is not null
            and c.first_seen_at < p.opened_at
        order by p.req_id, i.contact_id
        """
    ).fetchall()
    return [(_profile(row[:-1]), row[-1]) for row in rows]


def load_pool(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per contact with profile, engagement, segment and eligibility columns, as of
    today (the backtest's past pool is `point_in_time.load_pool_as_of`)."""
    has_engagement = table_exists(con, "segments.engagement_scores")
    has_segments = table_exists(con, "segments.segment_membership")
    engagement_join = (
        "left join segments.engagement_scores e on e.contact_id = c.contact_id"
        if has_engagement
        else ""
    )
    engagement_col = (
        "cast(e.engagement_score as double)" if has_engagement else "cast(null as double)"
    )
    segment_cte = (
        """, seg as (
            select contact_id, string_agg(segment_name, '; ' order by segment_name) as segment
            from segments.segment_membership group by contact_id)"""
        if has_segments
        else ""
    )
    segment_join = "left join seg on seg.contact_id = c.contact_id" if has_segments else ""
    segment_col = "seg.segment" if has_segments else "cast(null as varchar)"
    timing_cols = (
        "el.in_active_application, el.last_hired_at, el.last_outreach_at, "
        "c.last_meaningful_action_at"
    )
    sql = f"""
        with replies as (
            select contact_id, max(occurred_at) as last_replied_at
            from crm.interactions where interaction_type = 'outreach_replied'
            group by contact_id){segment_cte}
        select
            c.contact_id, c.first_name, c.full_name, c.primary_email as best_email,
            c.location,
            nullif(p.role_family, 'unknown') as role_family,
            nullif(p.seniority, 'unknown') as seniority,
            cast(coalesce(p.skills, []) as varchar[]) as skills,
            p.interaction_context,
            {engagement_col} as engagement_score,
            {segment_col} as segment,
            coalesce(el.can_contact, false) as can_contact,
            coalesce(el.block_reasons, ['no_eligibility_record']) as block_reasons,
            {timing_cols}, replies.last_replied_at
        from crm.contacts c
        left join replies on replies.contact_id = c.contact_id
        left join segments.contact_profiles p on p.contact_id = c.contact_id
        left join gdpr.outreach_eligibility el on el.contact_id = c.contact_id
        {engagement_join}
        {segment_join}
    """
    return pool_frame(query_frame(con, sql, []))


def pool_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The pool as `match_pool` reads it: city and country split from `location` (the rule of
    `split_location`, vectorised: first comma part = city, last = country) and the timing
    columns as microsecond datetimes. Shared by today's pool and the backtest's as-of pool."""
    parts = pl.col("location").str.split(",").list.eval(pl.element().str.strip_chars())
    return frame.with_columns(
        city=pl.when(parts.list.len() > 0).then(parts.list.first()).replace("", None),
        country=pl.when(parts.list.len() > 1).then(parts.list.last()).replace("", None),
        last_hired_at=pl.col("last_hired_at").cast(pl.Datetime("us")),
        last_outreach_at=pl.col("last_outreach_at").cast(pl.Datetime("us")),
        last_replied_at=pl.col("last_replied_at").cast(pl.Datetime("us")),
        last_meaningful_action_at=pl.col("last_meaningful_action_at").cast(pl.Datetime("us")),
    )


def load_rejections(con: duckdb.DuckDBPyConnection, as_of: datetime | None = None) -> pl.DataFrame:
    """Every rejection with the role family of the req it was for (or of its subject line)."""
    where = "and i.occurred_at < ?" if as_of is not None else ""
    return query_frame(
        con,
        f"""
        select i.contact_id, nullif(p.role_family, 'unknown') as role_family,
            coalesce(p.title, i.subject) as req_title,
            nullif(p.seniority, 'unknown') as req_seniority, i.stage, i.reason,
            cast(i.occurred_at as timestamp) as occurred_at
        from crm.interactions i
        left join matching.req_profiles p on p.req_id = i.req_id
        where i.interaction_type = 'rejection' {where}
        """,
        [as_of] if as_of is not None else [],
    )


MATCH_COLUMNS = (
    "req_id",
    "partition_key",
    "matched_at",
    "rank",
    "contact_id",
    "score",
    "role_family_fit",
    "skill_overlap",
    "seniority_fit",
    "location_fit",
    "silver_medalist",
    "replied_to_outreach",
    "engagement",
    "recency",
    "matched_skills",
    "silver_reason",
    "segment",
    "reason",
)


def write_matches(
    con: duckdb.DuckDBPyConnection,
    ranked: pl.DataFrame,
    req_id: str,
    partition_key: str,
    matched_at: datetime,
) -> int:
    """Replace this req's rows in matching.req_matches (one transaction)."""
    frame = ranked.with_columns(
        req_id=pl.lit(req_id),
        partition_key=pl.lit(partition_key),
        matched_at=pl.lit(matched_at),
    ).select(MATCH_COLUMNS)
    con.execute("create schema if not exists matching")
    con.execute(
        f"""create table if not exists {MATCHES_TABLE} (
            req_id varchar, partition_key varchar, matched_at timestamp, rank bigint,
            contact_id varchar, score double, role_family_fit double, skill_overlap double,
            seniority_fit double, location_fit double, silver_medalist double,
            replied_to_outreach double, engagement double, recency double,
            matched_skills varchar[], silver_reason varchar, segment varchar, reason varchar)"""
    )
    # A table created before a component existed gains its column (rows written then: null).
    con.execute(f"alter table {MATCHES_TABLE} add column if not exists replied_to_outreach double")
    con.begin()
    try:
        con.execute(f"delete from {MATCHES_TABLE} where req_id = ?", [req_id])
        con.register("_req_matches", frame)
        con.execute(f"insert into {MATCHES_TABLE} by name select * from _req_matches")
        con.unregister("_req_matches")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return frame.height
