{{ config(tags=['post_identity']) }}
-- One row per rejection at a final interview stage (var `silver_medalist_final_stages`, case-
-- insensitive) up to `as_of_date`: the `final_stage_rejections` relation of segments.yml, with
-- the req's role family (taxonomy) — else the contact's — and the rejection reason kept.
{%- set final_stages = var('silver_medalist_final_stages') | map('lower') | list %}
with

rejections as (
    select *
    from {{ ref('interactions') }}
    where interaction_type = 'rejection'
        and lower(stage) in (
            {%- for stage in final_stages %}{{ sql_text(stage) }}{{ ", " if not loop.last }}{% endfor -%}
        )
        and occurred_at < {{ as_of_date() }} + interval 1 day
),

reqs as (
    select * from {{ ref('int_req_classifications') }}
),

facts as (
    select * from {{ ref('int_segment_contact_facts') }}
)

select
    -- Every contact fact but its role family (int_segment_contact_facts' columns, listed).
    facts.contact_id, facts.first_name, facts.last_name, facts.current_title,
    facts.current_company, facts.location, facts.seniority, facts.skills, facts.skill_areas,
    facts.interaction_context, facts.interaction_contexts, facts.graduation_year,
    facts.is_rehire_eligible, facts.is_current_employee, facts.has_been_sourced,
    facts.last_application_at, facts.last_rejection_at, facts.last_hired_at,
    facts.last_outreach_at, facts.outreach_sent_count, facts.last_reply_at, facts.reply_count,
    facts.last_click_at, facts.click_count, facts.last_event_attended_at, facts.last_sourced_at,
    facts.employment_ended_at, facts.last_meaningful_action_at, facts.can_contact,
    facts.block_reasons, facts.in_active_application, facts.as_of_date,
    -- Silver medalists are pooled by the role they nearly got, not their current title.
    coalesce(nullif(reqs.role_family, 'unknown'), facts.role_family) as role_family,
    facts.role_family as contact_role_family,
    rejections.occurred_at as rejected_at,
    rejections.stage,
    coalesce(rejections.reason, 'unknown') as rejection_reason,
    rejections.req_id,
    coalesce(reqs.title, rejections.subject) as req_title
from rejections
inner join facts on rejections.contact_id = facts.contact_id
left join reqs on rejections.req_id = reqs.req_id
