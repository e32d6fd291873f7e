"""The match pool as the CRM knew it at a past moment (the backtest's `as_of` = a req's opened_at).

`store.load_pool` reads today's marts; a backtest that ranked a historical hire with them would
use facts from after the req opened — above all the hire's own post-hire records (an HRIS row,
a refreshed ATS title, tags added later) and engagement earned afterwards. Here every fact is
rebuilt from what existed before `as_of`:

| column                       | as of `as_of` from                                           |
| ---------------------------- | ------------------------------------------------------------ |
| pool membership              | contacts first seen before it                                |
| role_family, seniority       | title of the freshest member record updated before it, else |
|                              | the role family of the last req they applied to before it   |
| skills                       | tags / enrichment skills of member records updated before it |
| engagement_score             | the engagement formula (dbt macro `engagement_score`, the    |
|                              | one segments.engagement_scores uses) over interactions, PDL |
|                              | job starts and open reqs before it                           |
| last_hired/outreach/replied/ | interactions before it                                       |
| action                       |                                                              |
| in_active_application        | applied before it to a req still open then, no outcome yet   |
| art14_notice_overdue         | the Art. 14 deadline (dbt macro `art14_notice_deadlines`,   |
|                              | the one gdpr.art14_notices_due uses) evaluated at it over   |
|                              | records obtained and notices sent before it                  |
| opted_out, consent_refused,  | stop signals (intermediate.int_record_consent_signals) seen |
| hard_bounced                 | before it when they are dated events: an event sign-up's or |
|                              | Eventbrite order's consent answer, an outreach unsubscribe  |
|                              | or hard bounce (a refusal given at an event a year after the |
|                              | req opened did not stop anyone from contacting them then)    |

Still today's values (the CRM keeps no history of them): ATS opt-out flags (Greenhouse
can_email, Lever data protection: a state whose date is unknown), erasure, suppression and no
lawful basis — a block known today is applied to the past too, the strict side — location,
name/e-mail, segment and interaction context (the last two only feed the export draft, not the
score). A member record updated after `as_of` is ignored entirely even if it existed before: we
only know its latest state.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

import duckdb
import polars as pl

from orchestration.matching.sql_macros import render_macro
from orchestration.matching.store import pool_frame, query_frame

# Sources whose stop signals (intermediate.int_record_consent_signals) are dated events.
DATED_SIGNAL_SOURCES = ("eventbrite", "event_csv", "outreach")
# Block reasons rebuilt at as_of (the others of gdpr.outreach_eligibility stay today's).
REBUILT_BLOCK_REASONS = ("opted_out", "consent_refused", "hard_bounced", "art14_notice_overdue")
# The facts the engagement formula (dbt macro `engagement_score`) reads: columns of `profiled`.
ENGAGEMENT_FACTS = {
    "days_since_meaningful_action": "action_days",
    "outreach_sent_count": "sent",
    "reply_count": "replies",
    "click_count": "clicks",
    "days_since_last_contact": "contact_days",
    "months_in_current_job": "job_months",
    "open_reqs_in_role_family": "open_reqs_in_family",
}

_POOL_AS_OF_SQL = """
with
recs as (
    select rc.contact_id, r.record_key, r.title, r.record_updated_at
    from intermediate.int_person_records r
    inner join identity.record_contacts rc on rc.record_key = r.record_key
    where r.record_updated_at < $as_of
),
titled as (
    select recs.contact_id, t.role_family, t.seniority
    from recs
    inner join intermediate.int_title_classifications t on lower(trim(recs.title)) = t.title_key
    where t.role_family <> 'unknown'
    qualify row_number() over (
        partition by recs.contact_id order by recs.record_updated_at desc, t.role_family) = 1
),
applied as (
    select i.contact_id, rq.role_family
    from crm.interactions i
    inner join matching.req_profiles rq on rq.req_id = i.req_id
    where i.interaction_type = 'application' and i.occurred_at < $as_of
        and rq.role_family <> 'unknown'
    qualify row_number() over (
        partition by i.contact_id order by i.occurred_at desc, i.req_id) = 1
),
skills as (
    select recs.contact_id, list_sort(list(distinct a.skill)) as skills
    from recs
    inner join intermediate.int_record_tags tg on tg.record_key = recs.record_key
    inner join reference.skill_aliases a
        on lower(trim(regexp_replace(tg.tag_text, '\\s+', ' ', 'g'))) = a.alias
    group by recs.contact_id
),
hist as (
    select contact_id,
        max(occurred_at) filter (where interaction_type = 'hire') as last_hired_at,
        max(occurred_at) filter (where interaction_type = 'outreach_sent') as last_outreach_at,
        max(occurred_at) filter (where interaction_type = 'outreach_replied') as last_replied_at,
        count(*) filter (where interaction_type = 'outreach_sent') as sent,
        count(*) filter (where interaction_type = 'outreach_replied') as replies,
        count(*) filter (where interaction_type = 'outreach_clicked') as clicks,
        max(occurred_at) filter (where is_meaningful_action) as last_action_at,
        max(occurred_at) as last_contact_at
    from crm.interactions where occurred_at < $as_of
    group by contact_id
),
outcomes as (
    select contact_id, req_id
    from crm.interactions
    where interaction_type in ('rejection', 'hire') and occurred_at < $as_of
),
active as (
    -- Mid-process then: applied before as_of to a req still open then, no outcome yet.
    select distinct i.contact_id
    from crm.interactions i
    inner join matching.req_profiles rq on rq.req_id = i.req_id
    left join outcomes o on o.contact_id = i.contact_id and o.req_id = i.req_id
    where i.interaction_type = 'application' and i.occurred_at < $as_of
        and (rq.closed_at is null or rq.closed_at >= $as_of)
        and o.contact_id is null
),
enrichment as (
    select rc.contact_id, e.job_start_date
    from staging.stg_pdl__person_enrichments e
    inner join identity.record_contacts rc
        on rc.record_key = 'pdl:enrichment:' || e.pdl_person_id
    where e.job_start_date is not null and e.enriched_at < $as_of
    qualify row_number() over (partition by rc.contact_id order by e.enriched_at desc) = 1
),
open_reqs as (
    select role_family, count(*) as n
    from matching.req_profiles
    where status <> 'draft' and opened_at < $as_of
        and (closed_at is null or closed_at >= $as_of)
    group by role_family
),
$art14_deadlines,
art14 as (
    select contact_id from art14_deadlines where $art14_overdue
),
consent_then as (
    -- Stop signals the CRM had seen by as_of. Dated events (an event sign-up's or Eventbrite
    -- order's consent answer, an outreach unsubscribe or hard bounce) count from when they
    -- happened; an ATS flag (Greenhouse can_email, Lever data protection) is a state whose
    -- date is unknown, so it counts whenever it is known today (the strict side).
    select rc.contact_id,
        bool_or(s.signal = 'opt_out') as opted_out,
        bool_or(s.signal = 'consent_refused') as consent_refused,
        bool_or(s.signal = 'hard_bounce') as hard_bounced
    from intermediate.int_record_consent_signals s
    inner join identity.record_contacts rc on rc.record_key = s.record_key
    where s.signal in ('opt_out', 'consent_refused', 'hard_bounce')
        and (s.source not in ($dated_sources) or s.observed_at < $as_of)
    group by rc.contact_id
),
profiled as (
    select
        c.contact_id, c.first_name, c.full_name, c.primary_email as best_email, c.location,
        coalesce(titled.role_family, applied.role_family) as role_family,
        titled.seniority,
        cast(coalesce(skills.skills, []) as varchar[]) as skills,
        prof.interaction_context,
        seg.segment,
        -- Today's blocks without a history (erased, suppressed, no lawful basis), the stop
        -- signals seen by as_of and the Art. 14 deadline re-evaluated at as_of.
        list_filter(coalesce(el.block_reasons, ['no_eligibility_record']),
            lambda r: not list_contains([$rebuilt_reasons], r))
            || case when consent_then.opted_out then ['opted_out'] else [] end
            || case when consent_then.consent_refused then ['consent_refused'] else [] end
            || case when consent_then.hard_bounced then ['hard_bounced'] else [] end
            || case when art14.contact_id is not null then ['art14_notice_overdue']
                else [] end as block_reasons,
        active.contact_id is not null as in_active_application,
        hist.last_hired_at, hist.last_outreach_at, hist.last_replied_at,
        hist.last_action_at as last_meaningful_action_at,
        date_diff('day', cast(hist.last_action_at as date), cast($as_of as date)) as action_days,
        date_diff('day', cast(hist.last_contact_at as date), cast($as_of as date))
            as contact_days,
        date_diff('month', enrichment.job_start_date, cast($as_of as date)) as job_months,
        coalesce(hist.sent, 0) as sent, coalesce(hist.replies, 0) as replies,
        coalesce(hist.clicks, 0) as clicks,
        coalesce(open_reqs.n, 0) as open_reqs_in_family
    from crm.contacts c
    left join titled on titled.contact_id = c.contact_id
    left join applied on applied.contact_id = c.contact_id
    left join skills on skills.contact_id = c.contact_id
    left join segments.contact_profiles prof on prof.contact_id = c.contact_id
    left join (
        select contact_id, string_agg(segment_name, '; ' order by segment_name) as segment
        from segments.segment_membership group by contact_id
    ) seg on seg.contact_id = c.contact_id
    left join gdpr.outreach_eligibility el on el.contact_id = c.contact_id
    left join art14 on art14.contact_id = c.contact_id
    left join consent_then on consent_then.contact_id = c.contact_id
    left join active on active.contact_id = c.contact_id
    left join hist on hist.contact_id = c.contact_id
    left join enrichment on enrichment.contact_id = c.contact_id
    left join open_reqs
        on open_reqs.role_family = coalesce(titled.role_family, applied.role_family)
    where c.first_seen_at < $as_of
)
select
    * exclude (action_days, contact_days, job_months, sent, replies, clicks,
               open_reqs_in_family),
    len(block_reasons) = 0 as can_contact,
    cast($engagement_score as double) as engagement_score
from profiled
"""


def _sql_strings(values: tuple[str, ...]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


@cache
def pool_as_of_sql() -> str:
    """The point-in-time pool query with `$as_of` placeholders: the shared rules rendered from
    their dbt macros (the Art. 14 deadline evaluated over what existed before as_of, the
    engagement formula over the facts then)."""
    deadlines = render_macro(
        "art14_notice_deadlines", "gdpr.record_lawful_basis", "crm.interactions", before="$as_of"
    )
    overdue = render_macro("art14_notice_is_overdue", "notice_due_on", "cast($as_of as date)")
    engagement = render_macro("engagement_score", **ENGAGEMENT_FACTS)
    return (
        _POOL_AS_OF_SQL.replace("$art14_deadlines", deadlines)
        .replace("$art14_overdue", overdue)
        .replace("$engagement_score", engagement)
        .replace("$dated_sources", _sql_strings(DATED_SIGNAL_SOURCES))
        .replace("$rebuilt_reasons", _sql_strings(REBUILT_BLOCK_REASONS))
    )


def load_pool_as_of(con: duckdb.DuckDBPyConnection, as_of: datetime) -> pl.DataFrame:
    """One row per contact first seen before `as_of`, with the columns of `store.load_pool`
    rebuilt from what the CRM knew at `as_of` (see the module docstring for what is not)."""
    sql = pool_as_of_sql()
    return pool_frame(query_frame(con, sql.replace("$as_of", "?"), [as_of] * sql.count("$as_of")))
