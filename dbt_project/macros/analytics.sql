{#- Helpers for the analytics marts. DuckDB-only functions sit behind adapter.dispatch so
    another warehouse adds its own `<adapter>__` version. -#}

{#- One row per month start (column `month_start`) from the month of `start_expression` to the
    month of `end_expression`, both inclusive. -#}
{% macro month_spine(start_expression, end_expression) -%}
    {{ return(adapter.dispatch('month_spine', 'talent_crm')(start_expression, end_expression)) }}
{%- endmacro %}

{% macro duckdb__month_spine(start_expression, end_expression) -%}
    select cast(month_start as date) as month_start
    from generate_series(
        date_trunc('month', cast({{ start_expression }} as date)),
        date_trunc('month', cast({{ end_expression }} as date)),
        interval 1 month
    ) as months(month_start)
{%- endmacro %}

{#- Median of a numeric expression (an aggregate). -#}
{% macro median_of(expression) -%}
    {{ return(adapter.dispatch('median_of', 'talent_crm')(expression)) }}
{%- endmacro %}

{% macro duckdb__median_of(expression) -%}
    median({{ expression }})
{%- endmacro %}

{#- numerator / denominator as a double, null when the denominator is 0 or null. -#}
{% macro safe_share(numerator, denominator) -%}
    (cast({{ numerator }} as double) / nullif({{ denominator }}, 0))
{%- endmacro %}

{#- Generic test: every non-null value lies in [min_value, max_value] (shares, rates). -#}
{% test value_between(model, column_name, min_value, max_value) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }}
{% endtest %}

{#- `relation` (a source()/ref()) when the table exists, else an empty select with `columns`
    ([(name, type)]): the GDPR ledgers are created by the Python GDPR steps on first use (the
    suppression gate needs TALENT_CRM_PEPPER), so a CRM that never ran them has none yet. -#}
{% macro relation_or_empty(relation, columns) -%}
    {%- set found = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier
    ) if execute else none -%}
    {%- if found -%}
        select * from {{ relation }}
    {%- else -%}
        select
        {%- for name, type in columns %}
            cast(null as {{ type }}) as {{ name }}{% if not loop.last %},{% endif %}
        {%- endfor %}
        where false
    {%- endif -%}
{%- endmacro %}

{#- Generic test: the model holds exactly one row (a snapshot of current state). -#}
{% test single_row(model) %}
select n from (select count(*) as n from {{ model }}) as counted where n != 1
{% endtest %}
