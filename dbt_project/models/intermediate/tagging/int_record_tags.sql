-- One row per (person record, tag text) as each source spells it: ATS tags (Greenhouse strings,
-- Lever strings, Ashby tag objects), sourcing-export tag lists ("k8s; Go"), and the skills
-- People Data Labs lists. Tags stay raw here; int_contact_skills and
-- int_contact_interaction_contexts classify them through the taxonomy seeds.
with

greenhouse as (
    select
        'greenhouse:candidates:' || source_record_id as record_key,
        'ats_tag' as tag_kind,
        {{ unnest_list(json_array_texts('tags_json')) }} as tag_text
    from {{ ref('stg_greenhouse__candidates') }}
),

lever as (
    select
        'lever:opportunities:' || source_record_id,
        'ats_tag',
        {{ unnest_list(json_array_texts('tags_json')) }}
    from {{ ref('stg_lever__opportunities') }}
),

ashby as (
    select
        'ashby:candidates:' || source_record_id,
        'ats_tag',
        {{ unnest_list(json_array_texts('tags_json', 'title')) }}
    from {{ ref('stg_ashby__candidates') }}
),

sourcing as (
    -- Sourcing tools export tags as one delimited cell.
    select
        'sourcing:profiles:' || source_record_id,
        'sourcing_tag',
        {{ unnest_list(split_by_regex('tags', "'\\s*[;,|]\\s*'")) }}
    from {{ ref('stg_sourcing__profiles') }}
    where nullif(trim(tags), '') is not null
),

pdl as (
    select
        'pdl:enrichment:' || pdl_person_id,
        'enrichment_skill',
        {{ unnest_list(json_array_texts('skills_json')) }}
    from {{ ref('stg_pdl__person_enrichments') }}
    where pdl_person_id is not null
),

unioned as (
    select * from greenhouse
    union all select * from lever
    union all select * from ashby
    union all select * from sourcing
    union all select * from pdl
)

select distinct record_key, tag_kind, trim(tag_text) as tag_text
from unioned
where nullif(trim(tag_text), '') is not null
