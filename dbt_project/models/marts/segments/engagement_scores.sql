-- One row per contact: an explainable engagement score (0-100) as of `as_of_date`. Every
-- component is its own column with the fact behind it, and `explanation` says it in words, so
-- a recruiter can see WHY someone is "high" — no black box:
--   meaningful_action_points  0-40  recency of the last thing the PERSON did: reply, click,
--                                    event attendance, application (an e-mail open is not one)
--   response_points           0-20  share of our e-mails they replied to (clicks count half)
--   contact_recency_points    0-10  how recently we were in touch at all (relationship alive)
--   job_change_points         0-15  enrichment (PDL) job start: 2+ years in the job = likely
--                                    open to a move; a change in the last 6 months = a reason
--                                    to reconnect, smaller weight
--   demand_points             0-15  open reqs in the contact's role family (taxonomy)
-- Level: none < 10 <= low < 35 <= moderate < 60 <= high.
{%- set recency_bands = [(30, 40), (90, 30), (180, 20), (365, 10)] %}
{%- set contact_bands = [(90, 10), (365, 5)] %}
with

facts as (
    select * from {{ ref('int_segment_contact_facts') }}
),

record_contacts as (
    select * from {{ source('identity', 'record_contacts') }}
),

enrichment as (
    -- The most recent enrichment of any member record that states a current job start.
    select record_contacts.contact_id, enrichments.job_start_date
    from {{ ref('stg_pdl__person_enrichments') }} as enrichments
    inner join record_contacts
        on record_contacts.record_key = 'pdl:enrichment:' || enrichments.pdl_person_id
    where enrichments.job_start_date is not null
        and enrichments.enriched_at < {{ as_of_date() }} + interval 1 day
    qualify row_number() over (
        partition by record_contacts.contact_id order by enrichments.enriched_at desc
    ) = 1
),

open_reqs as (
    select reqs.role_family, count(*) as open_req_count
    from {{ ref('int_req_classifications') }} as reqs
    inner join {{ ref('reqs') }} as req_facts on reqs.req_id = req_facts.req_id
    where req_facts.status <> 'draft'
        and coalesce(req_facts.opened_at, req_facts.created_at) < {{ as_of_date() }} + interval 1 day
        and (
            req_facts.closed_at is null
            or req_facts.closed_at >= {{ as_of_date() }} + interval 1 day
        )
        and (req_facts.status = 'open' or req_facts.closed_at is not null)
    group by reqs.role_family
),

touches as (
    select
        contact_id,
        max(occurred_at) as last_contact_at
    from {{ ref('interactions') }}
    where occurred_at < {{ as_of_date() }} + interval 1 day
    group by contact_id
),

measured as (
    select
        facts.contact_id,
        facts.role_family,
        facts.last_meaningful_action_at,
        date_diff('day', cast(facts.last_meaningful_action_at as date), facts.as_of_date)
            as days_since_meaningful_action,
        facts.outreach_sent_count,
        facts.reply_count,
        facts.click_count,
        touches.last_contact_at,
        date_diff('day', cast(touches.last_contact_at as date), facts.as_of_date)
            as days_since_last_contact,
        enrichment.job_start_date,
        date_diff('month', enrichment.job_start_date, facts.as_of_date) as months_in_current_job,
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
        case
            {%- for days, points in recency_bands %}
            when days_since_meaningful_action <= {{ days }} then {{ points }}
            {%- endfor %}
            else 0
        end as meaningful_action_points,
        case
            when outreach_sent_count = 0 then 0
            else cast(round(
                20 * least(1.0, (reply_count + 0.5 * click_count) / outreach_sent_count)
            ) as integer)
        end as response_points,
        case
            {%- for days, points in contact_bands %}
            when days_since_last_contact <= {{ days }} then {{ points }}
            {%- endfor %}
            else 0
        end as contact_recency_points,
        case
            when months_in_current_job is null then 'unknown'
            when months_in_current_job < 6 then 'recent_job_change'
            when months_in_current_job >= 24 then 'long_tenure'
            else 'settled'
        end as job_change_signal,
        case
            when open_reqs_in_role_family = 0 then 0
            when open_reqs_in_role_family <= 2 then 5
            when open_reqs_in_role_family <= 5 then 10
            else 15
        end as demand_points
    from measured
),

totalled as (
    select
        *,
        case job_change_signal
            when 'long_tenure' then 15
            when 'recent_job_change' then 5
            else 0
        end as job_change_points
    from scored
),

final as (
    select
        *,
        meaningful_action_points + response_points + contact_recency_points
            + job_change_points + demand_points as engagement_score
    from totalled
)

select
    contact_id,
    as_of_date,
    engagement_score,
    case
        when engagement_score >= 60 then 'high'
        when engagement_score >= 35 then 'moderate'
        when engagement_score >= 10 then 'low'
        else 'none'
    end as engagement_level,
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
from final
