-- One row per hire, with everything the hiring analytics slice by: the channel the application
-- came through, whether the person was already in the CRM before the req opened (warm) or
-- arrived cold, time to fill, and whether they were a silver medalist or event attendee first.
--
-- "Reference time" = when the req opened (Greenhouse); for hires without a req (Lever) it is
-- when the hired application was created. A contact is warm when ANY interaction of theirs
-- (earlier application, event, outreach, sourcing, employment) happened before it.
with

interactions as (
    select * from {{ ref('interactions') }}
),

reqs as (
    select * from {{ ref('reqs') }}
),

gh_applications as (
    select * from {{ ref('stg_greenhouse__applications') }}
),

lever_opportunities as (
    select * from {{ ref('stg_lever__opportunities') }}
),

channels as (
    select lower(application_source) as application_source, channel
    from {{ ref('hire_source_channels') }}
),

final_stages as (
    select source, stage from {{ ref('final_interview_stages') }}
),

hire_events as (
    select contact_id, record_key, source, req_id, occurred_at as hired_at
    from interactions
    where interaction_type = 'hire' and occurred_at is not null
),

-- The application behind each hire: its source/origin and when it was made.
gh_hired_applications as (
    select record_key, req_id, application_source, applied_at
    from (
        select
            'greenhouse:candidates:' || cast(candidate_id as string) as record_key,
            'greenhouse:' || cast(job_id as string) as req_id,
            application_source,
            applied_at,
            row_number() over (
                partition by candidate_id, job_id order by applied_at desc nulls last
            ) as application_rank
        from gh_applications
        where status = 'hired'
    ) as ranked
    where application_rank = 1
),

lever_hired_opportunities as (
    select
        'lever:opportunities:' || source_record_id as record_key,
        -- Inbound applications name where they applied (first source); the rest are typed by
        -- origin (sourced, referred, agency).
        case
            when origin = 'applied'
                then coalesce({{ json_array_texts('sources_json') }}[1], 'applied')
            else origin
        end as application_source,
        created_at as applied_at
    from lever_opportunities
),

hires_with_application as (
    select
        hire_events.*,
        coalesce(gh.application_source, lever.application_source) as application_source,
        coalesce(gh.applied_at, lever.applied_at) as applied_at,
        reqs.opened_at as req_opened_at,
        reqs.title as req_title,
        reqs.department_name
    from hire_events
    left join gh_hired_applications as gh
        on hire_events.source = 'greenhouse'
        and hire_events.record_key = gh.record_key
        and hire_events.req_id = gh.req_id
    left join lever_hired_opportunities as lever
        on hire_events.source = 'lever' and hire_events.record_key = lever.record_key
    left join reqs on hire_events.req_id = reqs.req_id
),

referenced as (
    select
        *,
        coalesce(req_opened_at, applied_at, hired_at) as reference_at
    from hires_with_application
),

-- What the CRM knew about the person before the reference time.
prior_history as (
    select
        referenced.contact_id,
        referenced.record_key,
        referenced.req_id,
        referenced.hired_at,
        min(interactions.occurred_at) as first_known_at,
        count(interactions.occurred_at) as prior_interaction_count,
        bool_or(final_stages.stage is not null) as was_silver_medalist,
        bool_or(interactions.interaction_type = 'event_attendance') as attended_event_before,
        bool_or(interactions.interaction_type = 'outreach_replied') as replied_to_outreach_before
    from referenced
    left join interactions
        on referenced.contact_id = interactions.contact_id
        and interactions.occurred_at < referenced.reference_at
        and interactions.interaction_type not in ('hire', 'employment_start', 'employment_end')
    left join final_stages
        on interactions.interaction_type = 'rejection'
        and interactions.source = final_stages.source
        and interactions.stage = final_stages.stage
    group by referenced.contact_id, referenced.record_key, referenced.req_id, referenced.hired_at
)

select
    {{ dbt.hash("referenced.record_key || '|' || coalesce(referenced.req_id, '') || '|' || cast(referenced.hired_at as string)") }}
        as hire_id,
    referenced.contact_id,
    referenced.source,
    referenced.record_key,
    referenced.req_id,
    referenced.req_title,
    referenced.department_name,
    referenced.hired_at,
    cast({{ dbt.date_trunc('quarter', 'referenced.hired_at') }} as date) as hire_quarter,
    referenced.applied_at,
    referenced.req_opened_at,
    referenced.reference_at,
    referenced.application_source,
    coalesce(channels.channel, 'other') as channel,
    prior_history.first_known_at,
    coalesce(prior_history.prior_interaction_count, 0) as prior_interaction_count,
    coalesce(prior_history.prior_interaction_count, 0) > 0 as was_crm_contact_before_req,
    case
        when coalesce(prior_history.prior_interaction_count, 0) > 0 then 'crm_warm'
        else 'cold'
    end as hire_pool,
    coalesce(prior_history.was_silver_medalist, false) as was_silver_medalist,
    coalesce(prior_history.attended_event_before, false) as attended_event_before,
    coalesce(prior_history.replied_to_outreach_before, false) as replied_to_outreach_before,
    case
        when referenced.req_opened_at is not null and referenced.hired_at >= referenced.req_opened_at
            then {{ dbt.datediff('referenced.req_opened_at', 'referenced.hired_at', 'day') }}
    end as days_to_fill
from referenced
left join prior_history
    on referenced.contact_id = prior_history.contact_id
    and referenced.record_key = prior_history.record_key
    and referenced.req_id is not distinct from prior_history.req_id
    and referenced.hired_at = prior_history.hired_at
left join channels on lower(referenced.application_source) = channels.application_source
