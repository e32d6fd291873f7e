{{ config(tags=['post_identity']) }}
-- One row per req: role family from its department (seed department_role_families: the
-- organisation's own filing is the most reliable signal), else from its title; seniority from
-- its title (int_title_classifications). 'unknown' when neither says.
with

reqs as (
    select req_id, title, department_name from {{ ref('reqs') }}
),

titles as (
    select * from {{ ref('int_title_classifications') }}
),

department_matches as (
    select
        req_id,
        {{ classify_by_rules(
            "trim(" ~ regexp_replace_all("lower(department_name)", "'[^a-z0-9&+#]+'", "' '") ~ ")",
            'department_role_families',
            'role_family'
        ) }} as role_family
    from reqs
)

select
    reqs.req_id,
    reqs.title,
    reqs.department_name,
    coalesce(department_matches.role_family, nullif(titles.role_family, 'unknown'), 'unknown')
        as role_family,
    case
        when department_matches.role_family is not null then 'department'
        when titles.role_family <> 'unknown' then 'title'
        else 'none'
    end as role_family_evidence,
    coalesce(titles.seniority, 'unknown') as seniority
from reqs
left join department_matches on reqs.req_id = department_matches.req_id
left join titles on lower(trim(reqs.title)) = titles.title_key
