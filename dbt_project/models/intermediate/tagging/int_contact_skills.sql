{{ config(tags=['post_identity']) }}
-- One row per (contact, canonical skill): every tag or enrichment skill of any member record
-- whose spelling is in seed `skill_aliases` ("k8s", "Kubernetes" -> kubernetes), with its skill
-- area from seed `skills`. Tags that are not skills ("Silver Medalist") are left to
-- int_contact_interaction_contexts.
with

record_tags as (
    select * from {{ ref('int_record_tags') }}
),

record_contacts as (
    select * from {{ source('identity', 'record_contacts') }}
),

aliases as (
    select alias, skill from {{ ref('skill_aliases') }}
),

skill_areas as (
    select skill, skill_area from {{ ref('skills') }}
)

select
    record_contacts.contact_id,
    aliases.skill,
    coalesce(skill_areas.skill_area, 'other') as skill_area,
    count(*) as mention_count,
    {{ sorted_distinct_list_agg('record_tags.tag_kind') }} as evidence_kinds
from record_tags
inner join record_contacts on record_tags.record_key = record_contacts.record_key
inner join aliases on {{ text_key('record_tags.tag_text') }} = aliases.alias
left join skill_areas on aliases.skill = skill_areas.skill
group by record_contacts.contact_id, aliases.skill, skill_areas.skill_area
