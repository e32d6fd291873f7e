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

{% macro spark__month_spine(start_expression, end_expression) -%}
    select explode(sequence(
        trunc(cast({{ start_expression }} as date), 'MM'),
        trunc(cast({{ end_expression }} as date), 'MM'),
        interval 1 month
    )) as month_start
{%- endmacro %}

{#- Median of a numeric expression (an aggregate). -#}
{% macro median_of(expression) -%}
    {{ return(adapter.dispatch('median_of', 'talent_crm')(expression)) }}
{%- endmacro %}

{% macro duckdb__median_of(expression) -%}
    median({{ expression }})
{%- endmacro %}

{# Spark's median interpolates between the two middle values too. #}
{% macro spark__median_of(expression) -%}
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

{#- Hours from one timestamp to a later one; null when either is missing or the later one is
    earlier (a req re-ranked after the decision keeps only its latest match time). -#}
{% macro hours_between(start_expression, end_expression) -%}
    case
        when {{ end_expression }} >= {{ start_expression }}
            then {{ dbt.datediff(start_expression, end_expression, 'second') }} / 3600.0
    end
{%- endmacro %}

{#- The conversion funnel's measures over rows of analytics.conversion_funnel_contacts: the
    one definition both funnel marts (per req, per req × segment) aggregate with. -#}
{% macro conversion_funnel_measures() -%}
    count(*) as matched,
    count(*) filter (where is_reviewed) as reviewed,
    count(*) filter (where is_approved) as approved,
    count(*) filter (where decision = 'skipped') as skipped,
    count(*) filter (where decision = 'not_a_fit') as not_a_fit,
    count(*) filter (where is_pushed) as pushed,
    count(*) filter (where is_approved and push_status in ('failed', 'planned')) as push_failed,
    count(*) filter (where is_approved and push_status = 'skipped') as push_skipped,
    count(*) filter (where has_applied) as applied,
    count(*) filter (where has_advanced) as advanced,
    count(*) filter (where is_hired) as hired,
    {{ median_of(hours_between('matched_at', 'decided_at')) }} as median_hours_matched_to_decided,
    {{ median_of(hours_between('decided_at', 'pushed_at')) }} as median_hours_decided_to_pushed,
    {{ median_of(hours_between('pushed_at', 'applied_at')) }} as median_hours_pushed_to_applied,
    {{ median_of(hours_between('applied_at', 'hired_at')) }} as median_hours_applied_to_hired,
    min(matched_at) as first_matched_at,
    max(decided_at) as last_decided_at
{%- endmacro %}

{#- "reason: n; reason: n" of the decisions `decision_value` over the grouped rows (reasons as
    recruiters typed them, trimmed and lower-cased; no reason counts as 'unspecified'). -#}
{% macro decision_reason_counts(rows_relation, group_columns, decision_value) -%}
    select
        {{ group_columns | join(', ') }},
        {{ ordered_string_agg("reason || ': ' || cast(n as string)", "'; '", 'n desc, reason') }}
            as {{ decision_value }}_reasons
    from (
        select
            {{ group_columns | join(', ') }},
            coalesce(nullif(lower(trim(decision_reason)), ''), 'unspecified') as reason,
            count(*) as n
        from {{ rows_relation }}
        where decision = '{{ decision_value }}'
        group by all
    ) as counted
    group by {{ group_columns | join(', ') }}
{%- endmacro %}

{#- Generic test: every non-null value is >= 0 (counts, durations). -#}
{% test non_negative(model, column_name) %}
select {{ column_name }} from {{ model }} where {{ column_name }} < 0
{% endtest %}

{#- Generic test: a funnel narrows: each column of `steps` (in funnel order) is at most the one
    before it, on every row; `parts_of` optionally names a column that must equal the sum of
    its parts ({column: [part, ...]}). -#}
{% test monotone_funnel(model, steps, parts_of={}) %}
select *
from {{ model }}
where false
{%- for step in steps[1:] %}
    or {{ step }} > {{ steps[loop.index0] }}
{%- endfor %}
{%- for total, parts in parts_of.items() %}
    or {{ total }} != {{ parts | join(' + ') }}
{%- endfor %}
{% endtest %}
