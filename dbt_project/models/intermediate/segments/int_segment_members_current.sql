{{ config(tags=['post_identity']) }}
-- Every segment of segments.yml evaluated as of `as_of_date`: one row per (contact, segment,
-- key) that qualifies now, with the rule's anchor (the day nurture offsets count from) and the
-- declared detail columns as JSON. When several rows of a relation qualify for the same key
-- (two final-stage rejections in one role family) the latest anchor wins.
{%- set segments = declared_segments() %}
{%- set relations = {
    'contacts': ref('int_segment_contact_facts'),
    'final_stage_rejections': ref('int_segment_final_stage_rejections'),
    'event_attendances': ref('int_segment_event_attendances'),
} %}
with

{% for segment in segments %}
segment_{{ loop.index }} as (
    select contact_id, segment_name, segment_key, anchor_at, role_family, graduation_year, details
    from (
        select
            contact_id,
            {{ sql_text(segment.name) }} as segment_name,
            cast({{ segment.get('key') or "'all'" }} as string) as segment_key,
            cast({{ segment.get('anchor') or 'null' }} as timestamp) as anchor_at,
            role_family,
            graduation_year,
            {{ columns_as_json(segment.get('details', [])) }} as details,
            row_number() over (
                partition by contact_id, cast({{ segment.get('key') or "'all'" }} as string)
                order by cast({{ segment.get('anchor') or 'null' }} as timestamp) desc nulls last
            ) as anchor_rank
        from {{ relations[segment['from']] }}
        where ({{ segment['where'] }})
    ) as ranked
    where anchor_rank = 1
),
{% endfor %}

unioned as (
    {% for segment in segments %}
    select * from segment_{{ loop.index }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
    {% if segments | length == 0 %}
    -- Parse time (or no segments declared): an empty relation with the right columns.
    select
        cast(null as string) as contact_id,
        cast(null as string) as segment_name,
        cast(null as string) as segment_key,
        cast(null as timestamp) as anchor_at,
        cast(null as string) as role_family,
        cast(null as integer) as graduation_year,
        cast(null as string) as details
    where false
    {% endif %}
)

select
    contact_id,
    segment_name,
    coalesce(segment_key, 'unknown') as segment_key,
    anchor_at,
    role_family,
    graduation_year,
    details,
    {{ as_of_date() }} as as_of_date
from unioned
