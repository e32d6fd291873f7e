-- One row per contact with the taxonomy tags recruiters search by: role family and seniority
-- (from the contact's current title, else another member record's title, else the HRIS
-- department, else the role family of the reqs they applied to), canonical skills and skill
-- areas, how we know them (`interaction_context` = the highest-precedence context of seed
-- `interaction_contexts`, `interaction_contexts` = all of them), graduation year when stated.
-- Nothing is a silent null: unknowns are the text 'unknown' or an empty list.
with

contacts as (
    select * from {{ ref('contacts') }}
),

record_contacts as (
    select * from {{ source('identity', 'record_contacts') }}
),

records as (
    select record_key, source, title, record_updated_at from {{ ref('int_person_records') }}
),

titles as (
    select * from {{ ref('int_title_classifications') }}
),

skills as (
    select * from {{ ref('int_contact_skills') }}
),

contexts as (
    select * from {{ ref('int_contact_interaction_contexts') }}
),

context_precedence as (
    select interaction_context, precedence from {{ ref('interaction_contexts') }}
),

-- Role family / seniority: the current title first, then the freshest other title we have.
title_candidates as (
    select
        contacts.contact_id,
        0 as preference,
        cast(null as timestamp) as as_of,
        titles.role_family,
        titles.seniority
    from contacts
    inner join titles on lower(trim(contacts.current_title)) = titles.title_key
    where titles.role_family <> 'unknown'

    union all

    select
        record_contacts.contact_id,
        1,
        records.record_updated_at,
        titles.role_family,
        titles.seniority
    from records
    inner join record_contacts on records.record_key = record_contacts.record_key
    inner join titles on lower(trim(records.title)) = titles.title_key
    where titles.role_family <> 'unknown'
),

best_title as (
    select contact_id, role_family, seniority
    from (
        select
            *,
            row_number() over (
                partition by contact_id order by preference, as_of desc nulls last, role_family
            ) as title_rank
        from title_candidates
    ) as ranked
    where title_rank = 1
),

hris_department as (
    select contact_id, role_family
    from (
        select
            record_contacts.contact_id,
            departments.role_family,
            row_number() over (
                partition by record_contacts.contact_id
                order by departments.end_date desc nulls first
            ) as department_rank
        from (
            select
                source_record_id,
                end_date,
                {{ classify_by_rules('lower(department)', 'department_role_families', 'role_family') }}
                    as role_family
            from {{ ref('stg_hris__employees') }}
        ) as departments
        inner join record_contacts
            on record_contacts.record_key = 'hris:employees:' || departments.source_record_id
        where departments.role_family is not null
    ) as ranked
    where department_rank = 1
),

applied_req_family as (
    select contact_id, role_family
    from (
        select
            interactions.contact_id,
            reqs.role_family,
            row_number() over (
                partition by interactions.contact_id
                order by interactions.occurred_at desc nulls last, reqs.req_id
            ) as application_rank
        from {{ ref('interactions') }} as interactions
        inner join {{ ref('int_req_classifications') }} as reqs
            on interactions.req_id = reqs.req_id
        where interactions.interaction_type = 'application' and reqs.role_family <> 'unknown'
    ) as ranked
    where application_rank = 1
),

skill_rollup as (
    select
        contact_id,
        {{ ordered_list_agg('skill', ['skill']) }} as skills,
        {{ sorted_distinct_list_agg('skill_area') }} as skill_areas
    from skills
    group by contact_id
),

context_rollup as (
    select
        contexts.contact_id,
        {{ ordered_list_agg('contexts.interaction_context', ['context_precedence.precedence']) }}
            as interaction_contexts,
        {{ arg_min('contexts.interaction_context', 'context_precedence.precedence') }}
            as interaction_context
    from contexts
    inner join context_precedence
        on contexts.interaction_context = context_precedence.interaction_context
    group by contexts.contact_id
),

graduation as (
    -- The year most sources state; ties go to the later year.
    select contact_id, graduation_year
    from (
        select
            record_contacts.contact_id,
            years.graduation_year,
            row_number() over (
                partition by record_contacts.contact_id
                order by count(*) desc, years.graduation_year desc nulls last
            ) as year_rank
        from {{ ref('int_record_graduation_years') }} as years
        inner join record_contacts on years.record_key = record_contacts.record_key
        group by record_contacts.contact_id, years.graduation_year
    ) as ranked
    where year_rank = 1
),

rehire as (
    select
        record_contacts.contact_id,
        bool_and(coalesce(employees.rehire_eligible, false)) as is_rehire_eligible
    from {{ ref('stg_hris__employees') }} as employees
    inner join record_contacts
        on record_contacts.record_key = 'hris:employees:' || employees.source_record_id
    where employees.end_date is not null
    group by record_contacts.contact_id
)

select
    contacts.contact_id,
    contacts.current_title,
    coalesce(
        best_title.role_family,
        hris_department.role_family,
        applied_req_family.role_family,
        'unknown'
    ) as role_family,
    case
        when best_title.role_family is not null then 'title'
        when hris_department.role_family is not null then 'hris_department'
        when applied_req_family.role_family is not null then 'applied_req'
        else 'none'
    end as role_family_evidence,
    coalesce(best_title.seniority, 'unknown') as seniority,
    coalesce(skill_rollup.skills, {{ list_of([]) }}) as skills,
    coalesce(skill_rollup.skill_areas, {{ list_of([]) }}) as skill_areas,
    coalesce(
        context_rollup.interaction_context,
        case
            -- Every member record is an enrichment or an outreach log line.
            when {{ list_has_all(list_of(["'pdl'", "'outreach'"]), 'contacts.sources') }}
                then 'enriched_only'
            else 'unknown'
        end
    ) as interaction_context,
    coalesce(context_rollup.interaction_contexts, {{ list_of(["'unknown'"]) }})
        as interaction_contexts,
    graduation.graduation_year,
    graduation.graduation_year is not null as has_graduation_year,
    rehire.is_rehire_eligible,
    contacts.sources
from contacts
left join best_title on contacts.contact_id = best_title.contact_id
left join hris_department on contacts.contact_id = hris_department.contact_id
left join applied_req_family on contacts.contact_id = applied_req_family.contact_id
left join skill_rollup on contacts.contact_id = skill_rollup.contact_id
left join context_rollup on contacts.contact_id = context_rollup.contact_id
left join graduation on contacts.contact_id = graduation.contact_id
left join rehire on contacts.contact_id = rehire.contact_id
