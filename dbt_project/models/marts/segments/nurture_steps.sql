-- One row per nurture step of every segment in segments.yml: when it falls due (days after the
-- segment's anchor), how long it stays due, the channel and the draft template.
{%- set segments = declared_segments() %}
{%- set steps = [] %}
{%- for segment in segments %}{% for step in segment.get('nurture', []) %}
    {%- do steps.append((segment.name, step)) %}
{%- endfor %}{% endfor %}
{% if steps | length == 0 %}
select
    cast(null as string) as segment_name,
    cast(null as integer) as step,
    cast(null as string) as step_name,
    cast(null as integer) as offset_days,
    cast(null as integer) as window_days,
    cast(null as string) as channel,
    cast(null as string) as template
where false
{% else %}
{% for segment_name, step in steps %}
select
    {{ sql_text(segment_name) }} as segment_name,
    cast({{ step.step }} as integer) as step,
    {{ sql_text(step.name) }} as step_name,
    cast({{ step.offset_days }} as integer) as offset_days,
    cast({{ step.window_days }} as integer) as window_days,
    {{ sql_text(step.get('channel', 'email')) }} as channel,
    {{ sql_text(step.get('template', step.name)) }} as template
{% if not loop.last %}union all{% endif %}
{% endfor %}
{% endif %}
