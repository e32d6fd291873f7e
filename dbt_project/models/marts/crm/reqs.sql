-- One row per req (job requisition) from the ATS, with its open/close history and outcomes.
with

jobs as (
    select * from {{ ref('stg_greenhouse__jobs') }}
),

applications as (
    select * from {{ ref('stg_greenhouse__applications') }}
),

outcomes as (
    select
        job_id,
        count(*) as application_count,
        count(*) filter (where status = 'hired') as hire_count,
        count(*) filter (where status = 'active') as active_application_count,
        max(last_activity_at) as last_application_activity_at
    from applications
    where job_id is not null
    group by job_id
)

select
    'greenhouse:' || cast(jobs.job_id as varchar) as req_id,
    'greenhouse' as source,
    cast(jobs.job_id as varchar) as source_job_id,
    jobs.requisition_id,
    jobs.job_name as title,
    jobs.status,
    jobs.is_confidential,
    jobs.department_name,
    jobs.office_name,
    jobs.office_location,
    jobs.created_at,
    jobs.opened_at,
    jobs.closed_at,
    jobs.updated_at,
    coalesce(outcomes.application_count, 0) as application_count,
    coalesce(outcomes.hire_count, 0) as hire_count,
    coalesce(outcomes.active_application_count, 0) as active_application_count,
    outcomes.last_application_activity_at
from jobs
left join outcomes on jobs.job_id = outcomes.job_id
