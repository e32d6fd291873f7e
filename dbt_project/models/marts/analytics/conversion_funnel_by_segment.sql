-- The conversion funnel per req × segment: the segments each contact was a member of when
-- matched (a membership spell covering that day; a pair only decided or pushed from an
-- earlier ranking uses its decision day). A contact in two segments counts in both, so the
-- segment rows of a req need not add up to its analytics.conversion_funnel row; a contact in
-- none counts under 'no segment'.
with

funnel_rows as (
    select * from {{ ref('conversion_funnel_contacts') }}
),

membership as (
    select contact_id, segment_name, entered_at, left_at
    from {{ ref('segment_membership') }}
),

segmented as (
    select distinct
        funnel_rows.*,
        coalesce(membership.segment_name, 'no segment') as segment_name
    from funnel_rows
    left join membership
        on funnel_rows.contact_id = membership.contact_id
        and membership.entered_at
            <= cast(coalesce(funnel_rows.matched_at, funnel_rows.decided_at) as date)
        and (
            membership.left_at is null
            or membership.left_at
                > cast(coalesce(funnel_rows.matched_at, funnel_rows.decided_at) as date)
        )
),

measures as (
    select
        req_id,
        segment_name,
        {{ conversion_funnel_measures() }}
    from segmented
    group by req_id, segment_name
),

skipped_reasons as (
    {{ decision_reason_counts('segmented', ['req_id', 'segment_name'], 'skipped') }}
),

not_a_fit_reasons as (
    {{ decision_reason_counts('segmented', ['req_id', 'segment_name'], 'not_a_fit') }}
)

select
    measures.*,
    {{ safe_share('measures.approved', 'measures.reviewed') }} as approval_rate,
    skipped_reasons.skipped_reasons,
    not_a_fit_reasons.not_a_fit_reasons
from measures
left join skipped_reasons
    on measures.req_id = skipped_reasons.req_id
    and measures.segment_name = skipped_reasons.segment_name
left join not_a_fit_reasons
    on measures.req_id = not_a_fit_reasons.req_id
    and measures.segment_name = not_a_fit_reasons.segment_name
