{#- Lenient text casts for vendor fields that are free text or partial dates (Eventbrite answers,
    PDL's "YYYY-MM" job start dates), behind adapter.dispatch like the JSON macros: another
    warehouse adds its own `<adapter>__` versions. Garbage becomes null, never an error: one
    attendee typing "next year" must not break the build. -#}

{# "YYYY-MM-DD", "YYYY-MM" or "YYYY" to a date (first day of the month / year). #}
{% macro year_month_text_to_date(expression) -%}
    {{ return(adapter.dispatch('year_month_text_to_date', 'talent_crm')(expression)) }}
{%- endmacro %}

{# The same SQL reads the same on DuckDB and Spark. #}
{% macro default__year_month_text_to_date(expression) -%}
    (case length(trim({{ expression }}))
        when 4 then try_cast(trim({{ expression }}) || '-01-01' as date)
        when 7 then try_cast(trim({{ expression }}) || '-01' as date)
        else try_cast(trim({{ expression }}) as date)
    end)
{%- endmacro %}

{# Text to an integer, or null when it is not one (e.g. a free-text answer). #}
{% macro safe_text_to_integer(expression) -%}
    {{ return(adapter.dispatch('safe_text_to_integer', 'talent_crm')(expression)) }}
{%- endmacro %}

{% macro duckdb__safe_text_to_integer(expression) -%}
    try_cast(trim({{ expression }}) as integer)
{%- endmacro %}

{# DuckDB rounds decimal text ('12.5' -> 13, half away from zero, like Spark's round) where
   Spark's cast refuses it. #}
{% macro spark__safe_text_to_integer(expression) -%}
    try_cast(round(try_cast(trim({{ expression }}) as double)) as integer)
{%- endmacro %}
