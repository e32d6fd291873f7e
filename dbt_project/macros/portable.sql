{#- Small SQL constructs DuckDB and Spark spell differently, behind adapter.dispatch: models
    call these instead of forking per adapter. Each macro is self-contained (`duckdb__` and
    `spark__` side by side) and has a test on both engines (tests/spark/test_portable_macros.py).
    Lists are DuckDB LISTs and Spark ARRAYs; "text list" = list of VARCHAR / array<string>. -#}

{# regexp_replace on every match (DuckDB replaces the first one unless told 'g'). #}
{% macro regexp_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'talent_crm')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro duckdb__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}

{# The type of a text list, for casts: cast(... as {{ text_list_type() }}). #}
{% macro text_list_type() -%}
    {{ return(adapter.dispatch('text_list_type', 'talent_crm')()) }}
{%- endmacro %}

{% macro duckdb__text_list_type() -%}
    varchar[]
{%- endmacro %}

{% macro spark__text_list_type() -%}
    array<string>
{%- endmacro %}

{# An empty text list. #}
{% macro empty_text_list() -%}
    cast({{ list_of([]) }} as {{ text_list_type() }})
{%- endmacro %}

{# A list of the given SQL expressions, in order: list_of(['a', 'b']) -> [a, b]. #}
{% macro list_of(expressions) -%}
    {{ return(adapter.dispatch('list_of', 'talent_crm')(expressions)) }}
{%- endmacro %}

{% macro duckdb__list_of(expressions) -%}
    [{{ expressions | join(', ') }}]
{%- endmacro %}

{% macro spark__list_of(expressions) -%}
    array({{ expressions | join(', ') }})
{%- endmacro %}

{# The non-null values of the given expressions, in order, as a list (empty when all are null). #}
{% macro list_of_present(expressions) -%}
    {{ return(adapter.dispatch('list_of_present', 'talent_crm')(expressions)) }}
{%- endmacro %}

{% macro duckdb__list_of_present(expressions) -%}
    list_filter([{{ expressions | join(', ') }}], lambda x: x is not null)
{%- endmacro %}

{% macro spark__list_of_present(expressions) -%}
    filter(array({{ expressions | join(', ') }}), x -> x is not null)
{%- endmacro %}

{# Two lists one after the other; a null list counts as empty (DuckDB's list_concat). #}
{% macro list_concat(first, second) -%}
    {{ return(adapter.dispatch('list_concat', 'talent_crm')(first, second)) }}
{%- endmacro %}

{% macro duckdb__list_concat(first, second) -%}
    list_concat({{ first }}, {{ second }})
{%- endmacro %}

{% macro spark__list_concat(first, second) -%}
    (case
        when {{ first }} is null then {{ second }}
        when {{ second }} is null then {{ first }}
        else concat({{ first }}, {{ second }})
    end)
{%- endmacro %}

{# The distinct non-null values of a list. Their order is unspecified (DuckDB's is not the
   input order): compare such lists as sets. #}
{% macro list_distinct(list) -%}
    {{ return(adapter.dispatch('list_distinct', 'talent_crm')(list)) }}
{%- endmacro %}

{% macro duckdb__list_distinct(list) -%}
    list_distinct({{ list }})
{%- endmacro %}

{% macro spark__list_distinct(list) -%}
    array_distinct(filter({{ list }}, x -> x is not null))
{%- endmacro %}

{# True when the list holds the value (null when the list is null). #}
{% macro list_contains(list, value) -%}
    {{ return(adapter.dispatch('list_contains', 'talent_crm')(list, value)) }}
{%- endmacro %}

{% macro duckdb__list_contains(list, value) -%}
    list_contains({{ list }}, {{ value }})
{%- endmacro %}

{% macro spark__list_contains(list, value) -%}
    array_contains({{ list }}, {{ value }})
{%- endmacro %}

{# In a select list: one output row per element (none for an empty or null list). At most one
   per select on Spark, and not inside another expression. #}
{% macro unnest_list(list) -%}
    {{ return(adapter.dispatch('unnest_list', 'talent_crm')(list)) }}
{%- endmacro %}

{% macro duckdb__unnest_list(list) -%}
    unnest({{ list }})
{%- endmacro %}

{% macro spark__unnest_list(list) -%}
    explode({{ list }})
{%- endmacro %}

{# Text split at every match of a regular expression (empty pieces kept). #}
{% macro split_by_regex(expression, pattern) -%}
    {{ return(adapter.dispatch('split_by_regex', 'talent_crm')(expression, pattern)) }}
{%- endmacro %}

{% macro duckdb__split_by_regex(expression, pattern) -%}
    string_split_regex({{ expression }}, {{ pattern }})
{%- endmacro %}

{% macro spark__split_by_regex(expression, pattern) -%}
    split({{ expression }}, {{ pattern }}, -1)
{%- endmacro %}

{# Aggregate: the sorted distinct non-null values of an expression, as a list. #}
{% macro sorted_distinct_list_agg(expression) -%}
    {{ return(adapter.dispatch('sorted_distinct_list_agg', 'talent_crm')(expression)) }}
{%- endmacro %}

{% macro duckdb__sorted_distinct_list_agg(expression) -%}
    list_sort(list_distinct(list({{ expression }})))
{%- endmacro %}

{% macro spark__sorted_distinct_list_agg(expression) -%}
    sort_array(array_distinct(collect_list({{ expression }})))
{%- endmacro %}

{# A text constant as a SQL literal (a Jinja string in, e.g. a seed value or a rule pattern).
   Spark reads string literals raw (profiles.yml: spark.sql.parser.escapedStringLiterals), as
   DuckDB does, so backslashes pass as they are; it has no raw spelling of a quote (two
   quotes are two adjacent literals there), so a quote becomes chr(39). #}
{% macro text_literal(value) -%}
    {{ return(adapter.dispatch('text_literal', 'talent_crm')(value)) }}
{%- endmacro %}

{% macro default__text_literal(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__text_literal(value) -%}
    {%- if "'" in value -%}
        concat('{{ value.split("'") | join("', chr(39), '") }}')
    {%- else -%}
        '{{ value }}'
    {%- endif -%}
{%- endmacro %}
