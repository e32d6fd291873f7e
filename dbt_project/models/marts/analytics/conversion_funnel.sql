-- The req-matching conversion funnel, one row per req: matched → reviewed → approved →
-- pushed into the ATS → applied → advanced → hired, the skipped / not-a-fit counts with their
-- reasons, and the median hours between steps. Per contact: analytics.conversion_funnel_contacts.
with

funnel_rows as (
    select * from {{ ref('conversion_funnel_contacts') }}
),

reqs as (
    select req_id, title, source, status from {{ ref('reqs') }}
),

-- The req's own columns ride along in the grouping (one reqs row per req_id), so the final
-- select needs no "every measure but req_id" list.
measures as (
    select
        funnel_rows.req_id,
        reqs.title as req_title,
        reqs.source as req_source,
        reqs.status as req_status,
        {{ conversion_funnel_measures() }}
    from funnel_rows
    left join reqs on funnel_rows.req_id = reqs.req_id
    group by funnel_rows.req_id, reqs.title, reqs.source, reqs.status
),

skipped_reasons as (
    {{ decision_reason_counts('funnel_rows', ['req_id'], 'skipped') }}
),

not_a_fit_reasons as (
    {{ decision_reason_counts('funnel_rows', ['req_id'], 'not_a_fit') }}
)

select
    measures.*,
    {{ safe_share('measures.approved', 'measures.reviewed') }} as approval_rate,
    {{ safe_share('measures.hired', 'measures.pushed') }} as hire_rate_of_pushed,
    skipped_reasons.skipped_reasons,
    not_a_fit_reasons.not_a_fit_reasons
from measures
left join skipped_reasons on measures.req_id = skipped_reasons.req_id
left join not_a_fit_reasons on measures.req_id = not_a_fit_reasons.req_id
