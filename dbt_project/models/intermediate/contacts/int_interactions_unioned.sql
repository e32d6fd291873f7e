-- Every dated thing that happened between us and a person, per source record (before identity):
-- applications, stage outcomes, rejections with reasons, hires, event sign-ups and attendance,
-- outreach events, sourcing and employment. `is_meaningful_action` marks what the candidate
-- DID (reply, click, attendance, application) — an email open is not one.
with

gh_applications as (
    select * from {{ ref('stg_greenhouse__applications') }}
),

gh_jobs as (
    select job_id, job_name from {{ ref('stg_greenhouse__jobs') }}
),

greenhouse as (
    select
        'greenhouse:candidates:' || cast(a.candidate_id as string) as record_key,
        'greenhouse' as source,
        'application' as interaction_type,
        a.applied_at as occurred_at,
        'greenhouse:' || cast(a.job_id as string) as req_id,
        j.job_name as subject,
        a.current_stage_name as stage,
        cast(null as string) as reason,
        not coalesce(a.is_prospect, false) as is_meaningful_action
    from gh_applications a
    left join gh_jobs j on a.job_id = j.job_id
    where a.applied_at is not null

    union all

    select
        'greenhouse:candidates:' || cast(a.candidate_id as string),
        'greenhouse',
        case a.status when 'hired' then 'hire' else 'rejection' end,
        case a.status when 'hired' then a.last_activity_at else a.rejected_at end,
        'greenhouse:' || cast(a.job_id as string),
        j.job_name,
        a.current_stage_name,
        a.rejection_reason,
        false
    from gh_applications a
    left join gh_jobs j on a.job_id = j.job_id
    where a.status = 'hired' or (a.status = 'rejected' and a.rejected_at is not null)
),

lever as (
    select
        'lever:opportunities:' || source_record_id,
        'lever',
        case when origin in ('sourced', 'agency') then 'sourced' else 'application' end,
        created_at,
        cast(null as string),
        headline,
        stage_id,
        cast(null as string),
        origin in ('applied', 'referred')
    from {{ ref('stg_lever__opportunities') }}
    where created_at is not null

    union all

    select
        'lever:opportunities:' || source_record_id,
        'lever',
        case when archive_reason_type = 'hired' then 'hire' else 'rejection' end,
        archived_at,
        cast(null as string),
        headline,
        stage_id,
        archive_reason_text,
        false
    from {{ ref('stg_lever__opportunities') }}
    where archived_at is not null
),

eventbrite as (
    select
        'eventbrite:attendees:' || a.source_record_id,
        'eventbrite',
        case when a.checked_in then 'event_attendance' else 'event_registration' end,
        coalesce(e.starts_at, a.created_at),
        cast(null as string),
        e.event_name,
        cast(null as string),
        cast(null as string),
        coalesce(a.checked_in, false)
    from {{ ref('stg_eventbrite__attendees') }} a
    left join {{ ref('stg_eventbrite__events') }} e on a.event_id = e.event_id
    where not coalesce(a.cancelled, false)
),

event_csv as (
    select
        'events:signups:' || source_record_id,
        'event_csv',
        case when attended then 'event_attendance' else 'event_registration' end,
        coalesce(cast(event_date as timestamp), cast(registered_at as timestamp)),
        cast(null as string),
        event_name,
        cast(null as string),
        cast(null as string),
        coalesce(attended, false)
    from {{ ref('stg_event_csv__registrations') }}
),

outreach as (
    select
        'outreach:events:' || source_record_id,
        'outreach',
        'outreach_' || event_type,
        cast(occurred_at as timestamp),
        cast(null as string),
        campaign,
        cast(step as string),
        bounce_type,
        event_type in ('replied', 'clicked')
    from {{ ref('stg_outreach__events') }}
),

sourcing as (
    select
        'sourcing:profiles:' || source_record_id,
        'sourcing',
        'sourced',
        cast(sourced_at as timestamp),
        cast(null as string),
        project,
        cast(null as string),
        cast(null as string),
        false
    from {{ ref('stg_sourcing__profiles') }}
    where sourced_at is not null
),

hris as (
    select
        'hris:employees:' || source_record_id,
        'hris',
        'employment_start',
        cast(start_date as timestamp),
        cast(null as string),
        department,
        job_title,
        cast(null as string),
        false
    from {{ ref('stg_hris__employees') }}
    where start_date is not null

    union all

    select
        'hris:employees:' || source_record_id,
        'hris',
        'employment_end',
        cast(end_date as timestamp),
        cast(null as string),
        department,
        job_title,
        termination_type,
        false
    from {{ ref('stg_hris__employees') }}
    where end_date is not null
)

select * from greenhouse
union all select * from lever
union all select * from eventbrite
union all select * from event_csv
union all select * from outreach
union all select * from sourcing
union all select * from hris
