-- What a req asks for, in the vocabulary contacts are profiled in (taxonomy seeds): role
-- family (int_req_classifications: department first, then title), seniority (the ATS's own
-- field — Greenhouse keyed custom field, Lever posting level — else the title's), canonical
-- required/preferred skills (Greenhouse keyed custom fields, Lever posting tags, skills named
-- in the title; every spelling folded through seed skill_aliases), location and remote flag.
with

reqs as (
    select * from {{ ref('reqs') }}
),

classified as (
    select * from {{ ref('int_req_classifications') }}
),

gh_jobs as (
    select * from {{ ref('stg_greenhouse__jobs') }}
),

lever_postings as (
    select * from {{ ref('stg_lever__postings') }}
),

aliases as (
    select {{ text_key('alias') }} as alias, skill from {{ ref('skill_aliases') }}
),

-- Skill mentions per req before alias folding: (req_id, raw text, required?).
skill_mentions as (
    select
        'greenhouse:' || cast(j.job_id as string) as req_id,
        {{ json_scalar_text('e.value') }} as raw_skill,
        true as is_required
    from gh_jobs as j, {{ json_array_elements('j.required_skills_json') }} as e(value, position)

    union all

    select 'greenhouse:' || cast(j.job_id as string), {{ json_scalar_text('e.value') }}, false
    from gh_jobs as j, {{ json_array_elements('j.preferred_skills_json') }} as e(value, position)

    union all

    -- Lever has no skill fields: posting tags are how teams label them (non-skills drop out
    -- below because they have no alias).
    select 'lever:' || p.posting_id, {{ json_scalar_text('e.value') }}, false
    from lever_postings as p, {{ json_array_elements('p.tags_json') }} as e(value, position)

    union all

    -- A skill named in the title ("Python Developer", "Salesforce Admin") is required.
    -- The title's words are runs of [a-z0-9+#.] separated by single spaces, so the alias is
    -- in the title when " <alias> " is a substring of " <words> ".
    select reqs.req_id, aliases.alias, true
    from reqs
    inner join aliases
        on instr(
            ' ' || {{ regexp_replace_all('lower(reqs.title)', "'[^a-z0-9+#.]+'", "' '") }} || ' ',
            ' ' || aliases.alias || ' '
        ) > 0
),

skills as (
    select m.req_id, a.skill, bool_or(m.is_required) as is_required
    from skill_mentions as m
    inner join aliases as a on a.alias = {{ text_key('m.raw_skill') }}
    group by m.req_id, a.skill
),

skill_lists as (
    select
        req_id,
        {{ ordered_list_agg('skill', ['skill'], where='is_required') }} as required_skills,
        {{ ordered_list_agg('skill', ['skill'], where='not is_required') }} as preferred_skills
    from skills
    group by req_id
),

ats_seniority as (
    select 'greenhouse:' || cast(job_id as string) as req_id, seniority_field as seniority
    from gh_jobs
    union all
    select 'lever:' || posting_id, lower(level) from lever_postings
)

select
    reqs.req_id,
    reqs.source,
    reqs.title,
    reqs.status,
    reqs.department_name,
    coalesce(classified.role_family, 'unknown') as role_family,
    coalesce(
        nullif(trim(ats_seniority.seniority), ''), classified.seniority, 'unknown'
    ) as seniority,
    coalesce(skill_lists.required_skills, {{ list_of([]) }}) as required_skills,
    coalesce(skill_lists.preferred_skills, {{ list_of([]) }}) as preferred_skills,
    coalesce(reqs.office_location, reqs.office_name) as location,
    coalesce(lower(coalesce(reqs.office_location, reqs.office_name)) like '%remote%', false)
        as is_remote,
    reqs.opened_at,
    reqs.closed_at
from reqs
left join classified on classified.req_id = reqs.req_id
left join ats_seniority on ats_seniority.req_id = reqs.req_id
left join skill_lists on skill_lists.req_id = reqs.req_id
