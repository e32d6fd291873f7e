-- Who is due a nurture touchpoint on `as_of_date` (TALENT_CRM_AS_OF), one row per contact:
-- the step of their highest-priority segment (order in segments.yml) that is due, with the
-- merge fields for a personalised draft; other segments' due steps are listed in `also_due`.
-- Excluded: anyone gdpr.outreach_eligibility does not allow (`can_contact` — the one shared
-- consent contract, never re-derived here), anyone in an active application, anyone e-mailed
-- within var `nurture_min_gap_days`.
with

progress as (
    select * from {{ ref('int_nurture_progress') }} where status = 'due'
),

members as (
    select * from {{ ref('int_segment_members_current') }}
),

definitions as (
    select segment_name, priority from {{ ref('segment_definitions') }}
),

eligibility as (
    select contact_id, can_contact, in_active_application
    from {{ ref('outreach_eligibility') }}
),

facts as (
    select * from {{ ref('int_segment_contact_facts') }}
),

contacts as (
    select contact_id, primary_email from {{ ref('contacts') }}
),

eligible_due as (
    select
        progress.*,
        definitions.priority,
        facts.last_outreach_at
    from progress
    inner join definitions on progress.segment_name = definitions.segment_name
    inner join eligibility on progress.contact_id = eligibility.contact_id
    inner join facts on progress.contact_id = facts.contact_id
    where eligibility.can_contact
        and not eligibility.in_active_application
        and (
            facts.last_outreach_at is null
            or cast(facts.last_outreach_at as date)
                <= {{ add_days(as_of_date(), -(var('nurture_min_gap_days') | int)) }}
        )
),

ranked as (
    select
        *,
        row_number() over (
            partition by contact_id order by priority, step, segment_key
        ) as due_rank
    from eligible_due
),

all_due as (
    select
        contact_id,
        {{ ordered_list_agg(
            "segment_name || ':' || step_name", ['priority', 'step', 'segment_key']
        ) }} as all_due
    from eligible_due
    group by contact_id
)

select
    {{ as_of_date() }} as as_of_date,
    ranked.contact_id,
    ranked.segment_name,
    ranked.segment_key,
    ranked.step,
    ranked.step_name,
    ranked.channel,
    ranked.template,
    ranked.due_on,
    ranked.window_ends_on,
    ranked.anchor_at,
    {{ list_tail('all_due.all_due') }} as also_due,
    -- Merge fields for the draft.
    facts.first_name,
    facts.last_name,
    contacts.primary_email,
    facts.current_title,
    facts.current_company,
    facts.location,
    facts.role_family,
    facts.seniority,
    facts.skills,
    facts.graduation_year,
    ranked.last_outreach_at,
    members.details
from ranked
inner join all_due on ranked.contact_id = all_due.contact_id
inner join facts on ranked.contact_id = facts.contact_id
inner join contacts on ranked.contact_id = contacts.contact_id
inner join members
    on ranked.contact_id = members.contact_id
    and ranked.segment_name = members.segment_name
    and ranked.segment_key = members.segment_key
where ranked.due_rank = 1
