{{ config(tags=['post_identity']) }}
-- One row per (contact, interaction context): how we know this person — applied, sourced,
-- silver_medalist, event, referral, alumni, employee, hired — with the first and last time it
-- happened. Evidence: interactions (crm.interactions), application sources (referrals), HRIS
-- records, and recruiter tags classified by seed `tag_context_rules`. A silver medalist is a
-- rejection at one of the stages in var `silver_medalist_final_stages` (case-insensitive).
{%- set final_stages = var('silver_medalist_final_stages') | map('lower') | list %}
with

interactions as (
    select * from {{ ref('interactions') }}
),

record_contacts as (
    select * from {{ source('identity', 'record_contacts') }}
),

from_interactions as (
    select
        contact_id,
        case
            when interaction_type = 'application' and is_meaningful_action then 'applied'
            -- An ATS prospect application is a recruiter adding the person, not them applying.
            when interaction_type = 'application' then 'sourced'
            when interaction_type = 'sourced' then 'sourced'
            when interaction_type = 'rejection'
                and lower(stage) in (
                    {%- for stage in final_stages %}'{{ stage | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor -%}
                ) then 'silver_medalist'
            when interaction_type = 'hire' then 'hired'
            when interaction_type in ('event_registration', 'event_attendance') then 'event'
            when interaction_type = 'employment_end' then 'alumni'
        end as interaction_context,
        occurred_at
    from interactions
),

current_employees as (
    select record_contacts.contact_id, cast(employees.start_date as timestamp) as occurred_at
    from {{ ref('stg_hris__employees') }} as employees
    inner join record_contacts
        on record_contacts.record_key = 'hris:employees:' || employees.source_record_id
    where employees.is_current_employee
),

greenhouse_referrals as (
    select record_contacts.contact_id, applications.applied_at as occurred_at
    from {{ ref('stg_greenhouse__applications') }} as applications
    inner join record_contacts
        on record_contacts.record_key
            = 'greenhouse:candidates:' || cast(applications.candidate_id as string)
    where lower(applications.application_source) like '%referr%'
),

lever_referrals as (
    select record_contacts.contact_id, opportunities.created_at as occurred_at
    from {{ ref('stg_lever__opportunities') }} as opportunities
    inner join record_contacts
        on record_contacts.record_key = 'lever:opportunities:' || opportunities.source_record_id
    where opportunities.origin = 'referred'
),

from_tags as (
    select
        record_contacts.contact_id,
        tags.interaction_context,
        cast(null as timestamp) as occurred_at
    from (
        select
            record_key,
            {{ classify_by_rules('lower(tag_text)', 'tag_context_rules', 'interaction_context') }}
                as interaction_context
        from {{ ref('int_record_tags') }}
        where tag_kind in ('ats_tag', 'sourcing_tag')
    ) as tags
    inner join record_contacts on tags.record_key = record_contacts.record_key
    where tags.interaction_context is not null
),

unioned as (
    select contact_id, interaction_context, occurred_at
    from from_interactions where interaction_context is not null
    union all select contact_id, 'employee', occurred_at from current_employees
    union all select contact_id, 'referral', occurred_at from greenhouse_referrals
    union all select contact_id, 'referral', occurred_at from lever_referrals
    union all select contact_id, interaction_context, occurred_at from from_tags
)

select
    contact_id,
    interaction_context,
    min(occurred_at) as first_at,
    max(occurred_at) as last_at,
    count(*) as evidence_count
from unioned
group by contact_id, interaction_context
