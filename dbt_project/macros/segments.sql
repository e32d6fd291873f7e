{#- The segment list declared in models/marts/segments/segments.yml (config.meta.segments of
    model `segment_definitions`). Read from the graph at execution time, so every segment model
    sees the same list; at parse time it is empty (the SQL is only rendered for refs then). -#}
{% macro declared_segments() -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.name == 'segment_definitions' -%}
            {%- set segments = node.config.meta.get('segments', []) -%}
            {%- do validate_segments(segments) -%}
            {{ return(segments) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("model segment_definitions (segments.yml) not found") }}
{%- endmacro %}

{# Fail the build with a message naming the segment and field, never with broken SQL. #}
{% macro validate_segments(segments) -%}
    {%- set relations = ['contacts', 'final_stage_rejections', 'event_attendances'] -%}
    {%- set seen = [] -%}
    {%- for segment in segments -%}
        {%- set label = 'segments.yml: segment #' ~ loop.index ~ ' (' ~ segment.get('name', '?') ~ ')' -%}
        {%- for field in ['name', 'description', 'from', 'where'] -%}
            {%- if not segment.get(field) -%}
                {{ exceptions.raise_compiler_error(label ~ ' is missing `' ~ field ~ '`') }}
            {%- endif -%}
        {%- endfor -%}
        {%- if not modules.re.match('^[a-z][a-z0-9_]*$', segment.name) -%}
            {{ exceptions.raise_compiler_error(label ~ ': `name` must be snake_case') }}
        {%- endif -%}
        {%- if segment.name in seen -%}
            {{ exceptions.raise_compiler_error(label ~ ': duplicate segment name') }}
        {%- endif -%}
        {%- do seen.append(segment.name) -%}
        {%- if segment['from'] not in relations -%}
            {{ exceptions.raise_compiler_error(label ~ ': `from` must be one of ' ~ relations | join(', ')) }}
        {%- endif -%}
        {%- for step in segment.get('nurture', []) -%}
            {%- for field in ['step', 'name', 'offset_days', 'window_days'] -%}
                {%- if step.get(field) is none -%}
                    {{ exceptions.raise_compiler_error(label ~ ': nurture step #' ~ loop.index ~ ' is missing `' ~ field ~ '`') }}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endmacro %}

{# A SQL string literal. #}
{% macro sql_text(value) -%}
    {%- if value is none -%}cast(null as string){%- else -%}{{ text_literal(value | string) }}{%- endif -%}
{%- endmacro %}

{# A JSON object text of the given columns (merge fields, membership details). #}
{% macro columns_as_json(columns) -%}
    {{ return(adapter.dispatch('columns_as_json', 'talent_crm')(columns)) }}
{%- endmacro %}

{% macro duckdb__columns_as_json(columns) -%}
    {%- if columns | length == 0 -%}
        '{}'
    {%- else -%}
        cast(to_json(struct_pack({% for column in columns %}{{ column }} := {{ column }}{{ ", " if not loop.last }}{% endfor %})) as varchar)
    {%- endif -%}
{%- endmacro %}

{# Null columns kept as JSON null, as DuckDB's to_json does. #}
{% macro spark__columns_as_json(columns) -%}
    {%- if columns | length == 0 -%}
        '{}'
    {%- else -%}
        to_json(
            named_struct({% for column in columns %}'{{ column }}', {{ column }}{{ ", " if not loop.last }}{% endfor %}),
            map('ignoreNullFields', 'false'))
    {%- endif -%}
{%- endmacro %}
