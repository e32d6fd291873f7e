-- One row per segment declared in segments.yml (this model's own `meta.segments`): what each
-- segment means, in the order that sets its priority in the due-list.
{%- set segments = declared_segments() %}
{% if segments | length == 0 %}
select
    cast(null as integer) as priority,
    cast(null as string) as segment_name,
    cast(null as string) as description,
    cast(null as string) as relation,
    cast(null as string) as rule_sql,
    cast(null as string) as key_sql,
    cast(null as string) as anchor_sql,
    cast(null as integer) as reengage_interval_days,
    cast(null as integer) as nurture_step_count
where false
{% else %}
{% for segment in segments %}
select
    {{ loop.index }} as priority,
    {{ sql_text(segment.name) }} as segment_name,
    {{ sql_text(segment.description | trim) }} as description,
    {{ sql_text(segment['from']) }} as relation,
    {{ sql_text(segment['where']) }} as rule_sql,
    {{ sql_text(segment.get('key')) }} as key_sql,
    {{ sql_text(segment.get('anchor')) }} as anchor_sql,
    cast({{ segment.get('reengage_interval_days') or 'null' }} as integer) as reengage_interval_days,
    {{ segment.get('nurture', []) | length }} as nurture_step_count
{% if not loop.last %}union all{% endif %}
{% endfor %}
{% endif %}
