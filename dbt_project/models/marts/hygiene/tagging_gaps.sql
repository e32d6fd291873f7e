-- How findable are the people added recently? Completeness of each tag over contacts first
-- seen in the last `tagging_gap_days` (default 90), one row per tag, with the three most common
-- gaps flagged (`is_top_gap`). To add role family / skills when segments.contact_profiles
-- exists: add its columns to `tag_presence` (one boolean per tag) and to the unpivot list.
{%- set window_days = var('tagging_gap_days', 90) %}
with

recent as (
    select *
    from {{ ref('contacts') }}
    where cast(first_seen_at as date) > {{ add_days(as_of_date(), -window_days) }}
),

tag_presence as (
    select
        contact_id,
        nullif(trim(current_title), '') is not null as has_title,
        nullif(trim(current_company), '') is not null as has_company,
        nullif(trim(location), '') is not null as has_location,
        primary_email is not null as has_email,
        last_interaction_at is not null as has_last_interaction_date
    from recent
),

-- One row per contact and tag (an unpivot, spelled as a union so every engine runs it).
long as (
    {%- for tag in ['has_title', 'has_company', 'has_location', 'has_email', 'has_last_interaction_date'] %}
    select contact_id, '{{ tag }}' as tag, {{ tag }} as is_present from tag_presence
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

per_tag as (
    select
        replace(tag, 'has_', '') as tag,
        count(*) as contacts_considered,
        count(*) filter (where is_present) as contacts_tagged,
        count(*) filter (where not is_present) as contacts_missing
    from long
    group by tag
)

select
    tag,
    contacts_considered,
    contacts_tagged,
    contacts_missing,
    round(100 * cast(contacts_tagged as double) / nullif(contacts_considered, 0), 1)
        as completeness_pct,
    row_number() over (order by contacts_missing desc, tag) as gap_rank,
    row_number() over (order by contacts_missing desc, tag) <= 3 and contacts_missing > 0
        as is_top_gap,
    {{ window_days }} as window_days
from per_tag
