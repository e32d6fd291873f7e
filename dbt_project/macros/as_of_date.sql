{#- "Today" of every date rule: TALENT_CRM_AS_OF (ISO date) when set, else the real current
    date — the same meaning as orchestration.settings.as_of(), so Python and SQL agree and
    runs are reproducible. -#}
{% macro as_of_date() -%}
    {%- set raw = env_var('TALENT_CRM_AS_OF', '') -%}
    {%- if raw | trim -%}
        cast('{{ raw | trim }}' as date)
    {%- else -%}
        current_date
    {%- endif -%}
{%- endmacro %}

{# `date` plus/minus a number of months (portable spelling of interval arithmetic). #}
{% macro add_months(date_expression, months_expression) -%}
    {{ return(adapter.dispatch('add_months', 'talent_crm')(date_expression, months_expression)) }}
{%- endmacro %}

{% macro duckdb__add_months(date_expression, months_expression) -%}
    cast(({{ date_expression }}) + to_months(cast({{ months_expression }} as integer)) as date)
{%- endmacro %}

{# Spark's add_months clamps to the month's last day, as DuckDB's month arithmetic does. #}
{% macro spark__add_months(date_expression, months_expression) -%}
    add_months(cast({{ date_expression }} as date), cast({{ months_expression }} as integer))
{%- endmacro %}
