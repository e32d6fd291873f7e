-- One row per req (job requisition) from every ATS: Greenhouse jobs, Lever postings (the
-- pre-migration ATS) and Ashby jobs (the acquired subsidiary), with open/close history and
-- outcomes. `req_id` = `<source>:<id>` is the key req matching, partitions and exports use.
with

gh_jobs as (
    select * from {{ ref('stg_greenhouse__jobs') }}
),

gh_applications as (
    select * from {{ ref('stg_greenhouse__applications') }}
),

lever_postings as (
    select * from {{ ref('stg_lever__postings') }}
),

ashby_jobs as (
    select * from {{ ref('stg_ashby__jobs') }}
),

gh_outcomes as (
    select
        job_id,
        count(*) as application_count,
        count(*) filter (where status = 'hired') as hire_count,
        count(*) filter (where status = 'active') as active_application_count,
        max(last_activity_at) as last_application_activity_at
    from gh_applications
    where job_id is not null
    group by job_id
),

greenhouse as (
    select
        'greenhouse:' || cast(gh_jobs.job_id as string) as req_id,
        'greenhouse' as source,
        cast(gh_jobs.job_id as string) as source_job_id,
        gh_jobs.requisition_id,
        gh_jobs.job_name as title,
        gh_jobs.status,
        gh_jobs.is_confidential,
        gh_jobs.department_name,
        gh_jobs.office_name,
        gh_jobs.office_location,
        gh_jobs.created_at,
        gh_jobs.opened_at,
        gh_jobs.closed_at,
        gh_jobs.updated_at,
        coalesce(gh_outcomes.application_count, 0) as application_count,
        coalesce(gh_outcomes.hire_count, 0) as hire_count,
        coalesce(gh_outcomes.active_application_count, 0) as active_application_count,
        gh_outcomes.last_application_activity_at
    from gh_jobs
    left join gh_outcomes on gh_jobs.job_id = gh_outcomes.job_id
),

-- Lever postings carry a state, not an open date: `published` is open; a closed posting's
-- last update is the best available close time; creation stands in for the opening.
lever as (
    select
        'lever:' || posting_id,
        'lever',
        posting_id,
        cast(null as string),
        posting_title,
        case
            when state = 'published' then 'open'
            when state = 'closed' then 'closed'
            else 'draft'
        end,
        false,
        department,
        location,
        location,
        created_at,
        case when state in ('published', 'closed') then created_at end,
        case when state = 'closed' then updated_at end,
        updated_at,
        0,
        0,
        0,
        cast(null as timestamp)
    from lever_postings
),

-- Ashby: Open → open; Closed and Archived → closed; Draft → draft.
ashby as (
    select
        'ashby:' || job_id,
        'ashby',
        job_id,
        requisition_id,
        job_title,
        case
            when status = 'open' then 'open'
            when status in ('closed', 'archived') then 'closed'
            else 'draft'
        end,
        coalesce(is_confidential, false),
        department_name,
        location_name,
        location_name,
        created_at,
        opened_at,
        closed_at,
        updated_at,
        0,
        0,
        0,
        cast(null as timestamp)
    from ashby_jobs
)

select * from greenhouse
union all
select * from lever
union all
select * from ashby
