{#- JSON access behind adapter.dispatch: landed records keep the vendor's JSON, and reading it
    is the least portable SQL we write. Another warehouse adds its own `<adapter>__` versions. -#}

{# Text value at a top-level or dotted path, e.g. json_text('_record', 'current_stage.name'). #}
{% macro json_text(column, path) -%}
    {{ return(adapter.dispatch('json_text', 'talent_crm')(column, path)) }}
{%- endmacro %}

{% macro duckdb__json_text(column, path) -%}
    json_extract_string({{ column }}, '$.{{ path }}')
{%- endmacro %}

{% macro spark__json_text(column, path) -%}
    get_json_object({{ column }}, '$.{{ path }}')
{%- endmacro %}

{# JSON value (object/array) at a path; on Spark its JSON text (a string column). #}
{% macro json_value(column, path) -%}
    {{ return(adapter.dispatch('json_value', 'talent_crm')(column, path)) }}
{%- endmacro %}

{% macro duckdb__json_value(column, path) -%}
    json_extract({{ column }}, '$.{{ path }}')
{%- endmacro %}

{# get_json_object keeps an object's or array's text as the vendor wrote it (key order too). #}
{% macro spark__json_value(column, path) -%}
    get_json_object({{ column }}, '$.{{ path }}')
{%- endmacro %}

{# One row per array element, with its position (from 1): use as
   `from t, {{ json_array_elements('t.column') }} as e` (columns e.value, e.position; a null
   or empty array gives no row). `value` is the element as JSON: read it with json_text or
   json_scalar_text. #}
{% macro json_array_elements(json_expression) -%}
    {{ return(adapter.dispatch('json_array_elements', 'talent_crm')(json_expression)) }}
{%- endmacro %}

{% macro duckdb__json_array_elements(json_expression) -%}
    (select unnest(arr) as value, generate_subscripts(arr, 1) as position
     from (select cast(coalesce({{ json_expression }}, '[]') as json[]) as arr))
{%- endmacro %}

{# A correlated (lateral) subquery, as DuckDB's is implicitly; elements back to JSON text. #}
{% macro spark__json_array_elements(json_expression) -%}
    lateral (select to_json(col) as value, pos + 1 as position
     from posexplode(cast(parse_json(coalesce({{ json_expression }}, '[]')) as array<variant>)))
{%- endmacro %}

{# ISO-8601 text (with Z or offset) to a UTC timestamp without time zone. #}
{% macro iso_to_utc_timestamp(expression) -%}
    {{ return(adapter.dispatch('iso_to_utc_timestamp', 'talent_crm')(expression)) }}
{%- endmacro %}

{% macro duckdb__iso_to_utc_timestamp(expression) -%}
    (try_cast({{ expression }} as timestamptz) at time zone 'UTC')
{%- endmacro %}

{# Spark's TIMESTAMP is an instant shown in the session time zone, UTC (profiles.yml). #}
{% macro spark__iso_to_utc_timestamp(expression) -%}
    try_cast({{ expression }} as timestamp)
{%- endmacro %}

{# A JSON array of objects -> list of the text at `key` of each element (nulls dropped),
   e.g. Greenhouse email_addresses [{value,type}] -> ['a@x.org', ...]. With key=none, the
   array's elements themselves as text (for arrays of strings). #}
{% macro json_array_texts(json_expression, key=none) -%}
    {{ return(adapter.dispatch('json_array_texts', 'talent_crm')(json_expression, key)) }}
{%- endmacro %}

{% macro duckdb__json_array_texts(json_expression, key=none) -%}
    {%- if key is none -%}
    list_filter(
        list_transform(cast(coalesce({{ json_expression }}, '[]') as json[]), lambda x: json_extract_string(x, '$')),
        lambda x: x is not null and trim(x) <> '')
    {%- else -%}
    list_filter(
        list_transform(cast(coalesce({{ json_expression }}, '[]') as json[]), lambda x: json_extract_string(x, '$.{{ key }}')),
        lambda x: x is not null and trim(x) <> '')
    {%- endif -%}
{%- endmacro %}

{% macro spark__json_array_texts(json_expression, key=none) -%}
    filter(
        transform(
            cast(parse_json(coalesce({{ json_expression }}, '[]')) as array<variant>),
            x -> variant_get(x, '{{ '$' if key is none else '$.' ~ key }}', 'string')),
        x -> x is not null and trim(x) <> '')
{%- endmacro %}
