-- Why recruiters passed on matches: one row per req × decision (skipped | not_a_fit) × reason,
-- the reasons as typed, trimmed and lower-cased ('unspecified' when none was given). The
-- long form of conversion_funnel's `skipped_reasons` / `not_a_fit_reasons`, for match analytics.
select
    req_id,
    decision,
    coalesce(nullif(lower(trim(decision_reason)), ''), 'unspecified') as reason,
    count(*) as contacts
from {{ ref('conversion_funnel_contacts') }}
where decision in ('skipped', 'not_a_fit')
group by all
