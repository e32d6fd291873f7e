{{ config(tags=['post_identity']) }}
-- One row per contact: the `contacts` relation segment rules (segments.yml) run over. Taxonomy
-- tags, consent, and the interaction facts rules need (last application, outreach, reply,
-- sourcing, employment), counted only up to `as_of_date` (TALENT_CRM_AS_OF) so a run "as of" a
-- past day sees the world as it was then.
with

contacts as (
    select * from {{ ref('contacts') }}
),

profiles as (
    select * from {{ ref('contact_profiles') }}
),

eligibility as (
    select * from {{ ref('outreach_eligibility') }}
),

interactions as (
    select *
    from {{ ref('interactions') }}
    where occurred_at < {{ as_of_date() }} + interval 1 day
),

history as (
    select
        contact_id,
        max(occurred_at) filter (where interaction_type = 'application') as last_application_at,
        max(occurred_at) filter (where interaction_type = 'rejection') as last_rejection_at,
        max(occurred_at) filter (where interaction_type = 'hire') as last_hired_at,
        max(occurred_at) filter (where interaction_type = 'outreach_sent') as last_outreach_at,
        count(*) filter (where interaction_type = 'outreach_sent') as outreach_sent_count,
        max(occurred_at) filter (where interaction_type = 'outreach_replied') as last_reply_at,
        count(*) filter (where interaction_type = 'outreach_replied') as reply_count,
        max(occurred_at) filter (where interaction_type = 'outreach_clicked') as last_click_at,
        count(*) filter (where interaction_type = 'outreach_clicked') as click_count,
        max(occurred_at) filter (where interaction_type = 'event_attendance')
            as last_event_attended_at,
        max(occurred_at) filter (where interaction_type = 'sourced') as last_sourced_at,
        max(occurred_at) filter (where interaction_type = 'employment_end')
            as employment_ended_at,
        max(occurred_at) filter (where is_meaningful_action) as last_meaningful_action_at
    from interactions
    group by contact_id
)

select
    contacts.contact_id,
    contacts.first_name,
    contacts.last_name,
    contacts.current_title,
    contacts.current_company,
    contacts.location,
    profiles.role_family,
    profiles.seniority,
    profiles.skills,
    profiles.skill_areas,
    profiles.interaction_context,
    profiles.interaction_contexts,
    profiles.graduation_year,
    coalesce(profiles.is_rehire_eligible, false) as is_rehire_eligible,
    {{ list_contains('profiles.interaction_contexts', "'employee'") }} as is_current_employee,
    {{ list_contains('profiles.interaction_contexts', "'sourced'") }} as has_been_sourced,
    history.last_application_at,
    history.last_rejection_at,
    history.last_hired_at,
    history.last_outreach_at,
    coalesce(history.outreach_sent_count, 0) as outreach_sent_count,
    history.last_reply_at,
    coalesce(history.reply_count, 0) as reply_count,
    history.last_click_at,
    coalesce(history.click_count, 0) as click_count,
    history.last_event_attended_at,
    history.last_sourced_at,
    history.employment_ended_at,
    history.last_meaningful_action_at,
    eligibility.can_contact,
    eligibility.block_reasons,
    eligibility.in_active_application,
    {{ as_of_date() }} as as_of_date
from contacts
inner join profiles on contacts.contact_id = profiles.contact_id
inner join eligibility on contacts.contact_id = eligibility.contact_id
left join history on contacts.contact_id = history.contact_id
