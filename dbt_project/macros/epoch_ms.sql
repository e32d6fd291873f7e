{#- Epoch milliseconds (Lever's timestamps) to a UTC timestamp without time zone, behind
    adapter.dispatch like the JSON macros: another warehouse adds its own `<adapter>__` version.
    Text or numbers are accepted (values read from JSON arrive as text); garbage becomes null. -#}
{% macro epoch_ms_to_utc_timestamp(expression) -%}
    {{ return(adapter.dispatch('epoch_ms_to_utc_timestamp', 'talent_crm')(expression)) }}
{%- endmacro %}

{% macro duckdb__epoch_ms_to_utc_timestamp(expression) -%}
    epoch_ms(try_cast({{ expression }} as bigint))
{%- endmacro %}

{% macro spark__epoch_ms_to_utc_timestamp(expression) -%}
    timestamp_millis(try_cast({{ expression }} as bigint))
{%- endmacro %}

{#- Text of a JSON scalar (e.g. one element of Lever's `emails: ["a@b.c", ...]` string array,
    as produced by json_array_elements); json_text needs an object path, a bare string has
    none. JSON null gives SQL null. Kept here with the other Lever/Ashby-era helpers; it could
    move to json.sql. -#}
{% macro json_scalar_text(json_expression) -%}
    {{ return(adapter.dispatch('json_scalar_text', 'talent_crm')(json_expression)) }}
{%- endmacro %}

{% macro duckdb__json_scalar_text(json_expression) -%}
    json_extract_string({{ json_expression }}, '$')
{%- endmacro %}

{# get_json_object reads a JSON null as the text 'null'; a variant null is SQL null. #}
{% macro spark__json_scalar_text(json_expression) -%}
    variant_get(parse_json({{ json_expression }}), '$', 'string')
{%- endmacro %}
