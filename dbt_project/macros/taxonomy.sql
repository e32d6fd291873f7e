{#- Taxonomy helpers (seeds under seeds/taxonomy/). Regex matching sits behind adapter.dispatch
    like the JSON macros; the rule seeds hold RE2/POSIX-style patterns with \b word boundaries. -#}

{# True when `expression` matches the regular expression `pattern` (case already folded). #}
{% macro regex_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'talent_crm')(expression, pattern)) }}
{%- endmacro %}

{% macro duckdb__regex_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, {{ pattern }})
{%- endmacro %}

{# Java regular expressions read the seeds' patterns (\b included) as RE2 does. #}
{% macro spark__regex_matches(expression, pattern) -%}
    ({{ expression }} rlike {{ pattern }})
{%- endmacro %}

{# First capture group of `pattern` in `expression`, or null when there is no match. #}
{% macro regex_extract_group(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_extract_group', 'talent_crm')(expression, pattern)) }}
{%- endmacro %}

{# DuckDB and Spark both give '' when there is no match. #}
{% macro default__regex_extract_group(expression, pattern) -%}
    nullif(regexp_extract({{ expression }}, {{ pattern }}, 1), '')
{%- endmacro %}

{# The lookup key of a title or a skill spelling: lower case, trimmed, inner whitespace folded.
   `int_title_classifications.title_key` is lower(trim(title)); this adds the whitespace fold
   used for matching skill spellings against seed `skill_aliases.alias`. #}
{% macro text_key(expression) -%}
    lower(trim({{ regexp_replace_all(expression, "'\\s+'", "' '") }}))
{%- endmacro %}

{# Canonical skill for a spelling ("k8s" -> "kubernetes", "Golang" -> "go"), or null when the
   text is not a known skill (a tag such as "Silver Medalist"). Add spellings to the seed
   `skill_aliases`, never here. #}
{% macro normalise_skill(expression) -%}
    (select skill_aliases.skill
     from {{ ref('skill_aliases') }} as skill_aliases
     where skill_aliases.alias = {{ text_key(expression) }})
{%- endmacro %}

{# The value of the first rule (lowest `priority`) of a rules seed whose `pattern` matches
   `text_expression`, as one CASE expression with constant patterns — each regular expression
   is compiled once, not once per row as a join on a pattern column would. The seed is read
   when the model is compiled (seeds build first), so editing the CSV re-tags on the next run.
   Null when no rule matches. #}
{% macro classify_by_rules(text_expression, rules_model, value_column) -%}
    {%- set rules_relation = ref(rules_model) -%}
    {%- if not execute -%}
        cast(null as string)
    {%- else -%}
        {%- set rules = run_query(
            'select pattern, ' ~ value_column ~ ' from ' ~ rules_relation ~ ' order by priority'
        ) -%}
        {%- if rules | length == 0 -%}
            cast(null as string)
        {%- else -%}
        case
            {%- for rule in rules %}
            when {{ regex_matches(text_expression, sql_text(rule[0] | lower)) }} then {{ sql_text(rule[1]) }}
            {%- endfor %}
        end
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
