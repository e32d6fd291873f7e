{{ config(tags=['post_identity']) }}
-- One row per distinct job title (lower-cased, trimmed) of every person record and every req:
-- its role family and seniority by the reviewable rules in seeds/taxonomy/
-- (title_role_family_rules, title_seniority_rules). The lowest `priority` matching rule wins,
-- so specific rules ("Product Marketing Manager" -> marketing) sit before generic ones
-- ("product" -> product). A title no rule recognises is 'unknown', never null.
-- Contract: req matching joins on `title_key`.
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
        trim({{ regexp_replace_all('title_key', "'[^a-z0-9&+#]+'", "' '") }}) as match_text
    from titles
),

classified as (
    select
        title_key,
        {{ classify_by_rules('match_text', 'title_role_family_rules', 'role_family') }}
            as role_family,
        {{ classify_by_rules('match_text', 'title_seniority_rules', 'seniority') }}
            as seniority
    from match_texts
)

select
    title_key,
    coalesce(role_family, 'unknown') as role_family,
    case
        -- The catch-all "mid" rule only speaks for titles we recognise as a job at all.
        when seniority = 'mid' and role_family is null then 'unknown'
        else coalesce(seniority, 'unknown')
    end as seniority
from classified
