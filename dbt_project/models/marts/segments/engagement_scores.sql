-- One row per contact: an explainable engagement score (0-100) as of `as_of_date`. Every
-- component is its own column with the fact behind it, and `explanation` says it in words, so
-- a recruiter can see WHY someone is "high" — no black box. The formula (components, bands,
-- points, levels) is macros/engagement.sql, shared with the match backtest:
--   meaningful_action_points  0-40  recency of the last thing the PERSON did
--   response_points           0-20  share of our e-mails they replied to (clicks count half)
--   contact_recency_points    0-10  how recently we were in touch at all
--   job_change_points         0-15  months in the current job (PDL enrichment)
--   demand_points             0-15  open reqs in the contact's role family (taxonomy)
with

facts as (
    select * from {{ ref('int_segment_contact_facts') }}
),

record_contacts as (
    select * from {{ source('identity', 'record_contacts') }}
),

enrichment as (
    -- The most recent enrichment of any member record that states a current job start.
    select contact_id, job_start_date
    from (
        select
            record_contacts.contact_id,
            enrichments.job_start_date,
            row_number() over (
                partition by record_contacts.contact_id
                order by enrichments.enriched_at desc nulls last
            ) as enrichment_rank
        from {{ ref('stg_pdl__person_enrichments') }} as enrichments
        inner join record_contacts
            on record_contacts.record_key = 'pdl:enrichment:' || enrichments.pdl_person_id
        where enrichments.job_start_date is not null
            and enrichments.enriched_at < {{ add_days(as_of_date(), 1) }}
    ) as ranked
    where enrichment_rank = 1
),

open_reqs as (
    select reqs.role_family, count(*) as open_req_count
    from {{ ref('int_req_classifications') }} as reqs
    inner join {{ ref('reqs') }} as req_facts on reqs.req_id = req_facts.req_id
    where req_facts.status <> 'draft'
        and coalesce(req_facts.opened_at, req_facts.created_at) < {{ add_days(as_of_date(), 1) }}
        and (
            req_facts.closed_at is null
            or req_facts.closed_at >= {{ add_days(as_of_date(), 1) }}
        )
        and (req_facts.status = 'open' or req_facts.closed_at is not null)
    group by reqs.role_family
),

touches as (
    select
        contact_id,
        max(occurred_at) as last_contact_at
    from {{ ref('interactions') }}
    where occurred_at < {{ add_days(as_of_date(), 1) }}
    group by contact_id
),

measured as (
    select
        facts.contact_id,
        facts.role_family,
        facts.last_meaningful_action_at,
        {{ days_between('facts.last_meaningful_action_at', 'facts.as_of_date') }}
            as days_since_meaningful_action,
        facts.outreach_sent_count,
        facts.reply_count,
        facts.click_count,
        touches.last_contact_at,
        {{ days_between('touches.last_contact_at', 'facts.as_of_date') }}
            as days_since_last_contact,
        enrichment.job_start_date,
        {{ months_between_dates('enrichment.job_start_date', 'facts.as_of_date') }}
            as months_in_current_job,
        coalesce(open_reqs.open_req_count, 0) as open_reqs_in_role_family,
        facts.as_of_date
    from facts
    left join touches on facts.contact_id = touches.contact_id
    left join enrichment on facts.contact_id = enrichment.contact_id
    left join open_reqs
        on facts.role_family = open_reqs.role_family and facts.role_family <> 'unknown'
),

scored as (
    select
        *,
        {{ engagement_job_change_signal('months_in_current_job') }} as job_change_signal,
        {{ engagement_score(as_columns=true) }},
        {{ engagement_score() }} as engagement_score
    from measured
)

select
    contact_id,
    as_of_date,
    engagement_score,
    {{ engagement_level('engagement_score') }} as engagement_level,
    meaningful_action_points,
    last_meaningful_action_at,
    days_since_meaningful_action,
    response_points,
    outreach_sent_count,
    reply_count,
    click_count,
    contact_recency_points,
    last_contact_at,
    days_since_last_contact,
    job_change_points,
    job_change_signal,
    job_start_date,
    demand_points,
    role_family,
    open_reqs_in_role_family,
    concat_ws(
        '; ',
        case
            when last_meaningful_action_at is null then 'no candidate action on record'
            else 'last candidate action ' || days_since_meaningful_action || ' days ago'
        end,
        case
            when outreach_sent_count > 0
                then reply_count || ' repl' || case when reply_count = 1 then 'y' else 'ies' end
                    || ' and ' || click_count || ' click(s) to ' || outreach_sent_count
                    || ' e-mail(s)'
        end,
        case
            when last_contact_at is not null
                then 'last in touch ' || days_since_last_contact || ' days ago'
        end,
        case job_change_signal
            when 'long_tenure' then months_in_current_job || ' months in current job'
            when 'recent_job_change' then 'changed job ' || months_in_current_job || ' months ago'
        end,
        case
            when open_reqs_in_role_family > 0
                then open_reqs_in_role_family || ' open ' || role_family || ' req(s)'
        end
    ) as explanation
from scored
