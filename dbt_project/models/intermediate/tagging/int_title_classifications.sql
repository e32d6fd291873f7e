{{ config(tags=['post_identity']) }}
-- One row per distinct job title (lower-cased, trimmed) of every person record and every req:
-- its role family and seniority by the reviewable rules in seeds/taxonomy/
-- (title_role_family_rules, title_seniority_rules). The lowest `priority` matching rule wins,
-- so specific rules ("Product Marketing Manager" -> marketing) sit before generic ones
-- ("product" -> product). A title no rule recognises is 'unknown', never null.
-- Contract: issue 6 (req matching) joins on `title_key`.
with

person_titles as (
    select distinct lower(trim(title)) as title_key
    from {{ ref('int_person_records') }}
    where nullif(trim(title), '') is not null
),

req_titles as (
    select distinct lower(trim(title)) as title_key
    from {{ ref('reqs') }}
    where nullif(trim(title), '') is not null
),

titles as (
    select title_key from person_titles
    union
    select title_key from req_titles
),

-- Punctuation ("Sr.", "VP, Sales", "Engineer - Platform") becomes spaces before matching.
match_texts as (
    select
        title_key,
        trim(regexp_replace(title_key, '[^a-z0-9&+#]+', ' ', 'g')) as match_text
    from titles
),

role_family_rules as (
    select priority, lower(pattern) as pattern, role_family
    from {{ ref('title_role_family_rules') }}
),

seniority_rules as (
    select priority, lower(pattern) as pattern, seniority
    from {{ ref('title_seniority_rules') }}
),

role_family_matches as (
    select
        match_texts.title_key,
        role_family_rules.role_family,
        role_family_rules.priority
    from match_texts
    inner join role_family_rules
        on {{ regex_matches('match_texts.match_text', 'role_family_rules.pattern') }}
    qualify row_number() over (
        partition by match_texts.title_key order by role_family_rules.priority
    ) = 1
),

seniority_matches as (
    select
        match_texts.title_key,
        seniority_rules.seniority,
        seniority_rules.priority
    from match_texts
    inner join seniority_rules
        on {{ regex_matches('match_texts.match_text', 'seniority_rules.pattern') }}
    qualify row_number() over (
        partition by match_texts.title_key order by seniority_rules.priority
    ) = 1
)

select
    match_texts.title_key,
    coalesce(role_family_matches.role_family, 'unknown') as role_family,
    case
        -- The catch-all "mid" rule only speaks for titles we recognise as a job at all.
        when seniority_matches.seniority = 'mid' and role_family_matches.role_family is null
            then 'unknown'
        else coalesce(seniority_matches.seniority, 'unknown')
    end as seniority,
    role_family_matches.priority as role_family_rule_priority,
    seniority_matches.priority as seniority_rule_priority
from match_texts
left join role_family_matches on match_texts.title_key = role_family_matches.title_key
left join seniority_matches on match_texts.title_key = seniority_matches.title_key
