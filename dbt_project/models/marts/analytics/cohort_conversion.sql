-- How warm cohorts convert to hires, per quarter they entered the cohort:
--   silver_medalist  rejected at a final stage (seed `final_interview_stages`);
--   event_attendee   attended an event (Eventbrite check-in or CSV "attended"): campus/meetups;
--   whole_pool       every contact, entering when first seen (the baseline to compare with).
-- `hired_after` = the person was hired after entering the cohort.
with

interactions as (
    select * from {{ ref('interactions') }}
),

contacts as (
    select * from {{ ref('contacts') }}
),

final_stages as (
    select source, stage from {{ ref('final_interview_stages') }}
),

entries as (
    select interactions.contact_id, 'silver_medalist' as cohort, min(interactions.occurred_at) as entered_at
    from interactions
    inner join final_stages
        on interactions.source = final_stages.source and interactions.stage = final_stages.stage
    where interactions.interaction_type = 'rejection' and interactions.occurred_at is not null
    group by interactions.contact_id

    union all

    select contact_id, 'event_attendee', min(occurred_at)
    from interactions
    where interaction_type = 'event_attendance' and occurred_at is not null
    group by contact_id

    union all

    select contact_id, 'whole_pool', first_seen_at
    from contacts
    where first_seen_at is not null
),

first_hire_after as (
    select
        entries.contact_id,
        entries.cohort,
        min(interactions.occurred_at) as hired_at
    from entries
    inner join interactions
        on entries.contact_id = interactions.contact_id
        and interactions.interaction_type = 'hire'
        and interactions.occurred_at > entries.entered_at
    group by entries.contact_id, entries.cohort
),

outcomes as (
    select
        entries.cohort,
        cast({{ dbt.date_trunc('quarter', 'entries.entered_at') }} as date) as cohort_quarter,
        entries.contact_id,
        first_hire_after.hired_at,
        {{ dbt.datediff('entries.entered_at', 'first_hire_after.hired_at', 'day') }} as days_to_hire
    from entries
    left join first_hire_after
        on entries.contact_id = first_hire_after.contact_id
        and entries.cohort = first_hire_after.cohort
)

select
    cohort,
    cohort_quarter,
    count(*) as cohort_size,
    count(hired_at) as hired_after,
    {{ safe_share('count(hired_at)', 'count(*)') }} as conversion_rate,
    {{ median_of('days_to_hire') }} as median_days_to_hire
from outcomes
group by cohort, cohort_quarter
