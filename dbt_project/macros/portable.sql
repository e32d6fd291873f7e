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

{# Aggregate: the sorted distinct non-null values of an expression, as a list. With `where` (a
   SQL condition), over the rows that pass it only, and null when none does (DuckDB's list()
   of no rows; Spark's collect_list would say []). #}
{% macro sorted_distinct_list_agg(expression, where=none) -%}
    {{ return(adapter.dispatch('sorted_distinct_list_agg', 'talent_crm')(expression, where)) }}
{%- endmacro %}

{% macro duckdb__sorted_distinct_list_agg(expression, where=none) -%}
    list_sort(list_distinct(list({{ expression }}){% if where %} filter (where {{ where }}){% endif %}))
{%- endmacro %}

{% macro spark__sorted_distinct_list_agg(expression, where=none) -%}
    {%- if where -%}
    case when count(*) filter (where {{ where }}) > 0 then
        sort_array(array_distinct(collect_list({{ expression }}) filter (where {{ where }})))
    end
    {%- else -%}
    sort_array(array_distinct(collect_list({{ expression }})))
    {%- endif -%}
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

{#- Used by the marts (tests/spark/test_portable_macros_marts.py) -------------------------- -#}

{#- Number of elements of a list; null for a null list (Spark's size() would say -1). -#}
{% macro list_size(list_expression) -%}
    {{ return(adapter.dispatch('list_size', 'talent_crm')(list_expression)) }}
{%- endmacro %}

{% macro duckdb__list_size(list_expression) -%}
    len({{ list_expression }})
{%- endmacro %}

{% macro spark__list_size(list_expression) -%}
    array_size({{ list_expression }})
{%- endmacro %}

{#- The element at a 1-based position; null past the end. -#}
{% macro list_element(list_expression, position) -%}
    {{ return(adapter.dispatch('list_element', 'talent_crm')(list_expression, position)) }}
{%- endmacro %}

{% macro duckdb__list_element(list_expression, position) -%}
    ({{ list_expression }})[{{ position }}]
{%- endmacro %}

{% macro spark__list_element(list_expression, position) -%}
    try_element_at({{ list_expression }}, {{ position }})
{%- endmacro %}

{#- Every element after the first (an empty list for a list of one). -#}
{% macro list_tail(list_expression) -%}
    {{ return(adapter.dispatch('list_tail', 'talent_crm')(list_expression)) }}
{%- endmacro %}

{% macro duckdb__list_tail(list_expression) -%}
    list_slice({{ list_expression }}, 2, len({{ list_expression }}))
{%- endmacro %}

{% macro spark__list_tail(list_expression) -%}
    slice({{ list_expression }}, 2, greatest(array_size({{ list_expression }}) - 1, 0))
{%- endmacro %}

{#- True when every non-null element of `subset_expression` is in `list_expression`. -#}
{% macro list_has_all(list_expression, subset_expression) -%}
    {{ return(adapter.dispatch('list_has_all', 'talent_crm')(list_expression, subset_expression)) }}
{%- endmacro %}

{% macro duckdb__list_has_all(list_expression, subset_expression) -%}
    list_has_all({{ list_expression }}, {{ subset_expression }})
{%- endmacro %}

{% macro spark__list_has_all(list_expression, subset_expression) -%}
    (array_size(array_except(array_compact({{ subset_expression }}), {{ list_expression }})) = 0)
{%- endmacro %}

{#- Aggregate: every value of the group (nulls kept, duplicates kept) in the order of the
    `order_by` expressions (a list; ascending, nulls last), of the rows passing `where` when
    given; null when no row passes. -#}
{% macro ordered_list_agg(expression, order_by, where=none) -%}
    {{ return(adapter.dispatch('ordered_list_agg', 'talent_crm')(expression, order_by, where)) }}
{%- endmacro %}

{% macro duckdb__ordered_list_agg(expression, order_by, where=none) -%}
    list({{ expression }} order by {{ order_by | join(' nulls last, ') }} nulls last){% if where %} filter (where {{ where }}){% endif %}
{%- endmacro %}

{#- Spark has no ordered collect_list: collect (sort keys..., value) structs, sort them (a null
    key sorts first in array_sort, so each key carries an is-null flag before it), keep the value. -#}
{% macro spark__ordered_list_agg(expression, order_by, where=none) -%}
    case when count(*){% if where %} filter (where {{ where }}){% endif %} > 0 then
        transform(
            array_sort(collect_list(named_struct(
                {%- for key in order_by %}
                'n{{ loop.index }}', ({{ key }}) is null, 'k{{ loop.index }}', {{ key }},
                {%- endfor %}
                'value', {{ expression }}
            )){% if where %} filter (where {{ where }}){% endif %}),
            entry -> entry.value
        )
    end
{%- endmacro %}

{#- A struct of named fields: struct_pack([('name', expression), ...]) (order kept). -#}
{% macro struct_pack(fields) -%}
    {{ return(adapter.dispatch('struct_pack', 'talent_crm')(fields)) }}
{%- endmacro %}

{% macro duckdb__struct_pack(fields) -%}
    { {%- for name, expression in fields %}'{{ name }}': {{ expression }}{{ ', ' if not loop.last }}{% endfor -%} }
{%- endmacro %}

{% macro spark__struct_pack(fields) -%}
    named_struct({%- for name, expression in fields %}'{{ name }}', {{ expression }}{{ ', ' if not loop.last }}{% endfor -%})
{%- endmacro %}

{#- Aggregate: `value` of the row with the smallest `key` (rows with a null key ignored). -#}
{% macro arg_min(value, key) -%}
    {{ return(adapter.dispatch('arg_min', 'talent_crm')(value, key)) }}
{%- endmacro %}

{% macro duckdb__arg_min(value, key) -%}
    arg_min({{ value }}, {{ key }})
{%- endmacro %}

{% macro spark__arg_min(value, key) -%}
    min_by({{ value }}, {{ key }})
{%- endmacro %}

{#- Aggregate: "a; b; c" of the text values in the order of `order_by` (SQL text). -#}
{% macro ordered_string_agg(expression, separator, order_by) -%}
    {{ return(adapter.dispatch('ordered_string_agg', 'talent_crm')(expression, separator, order_by)) }}
{%- endmacro %}

{% macro duckdb__ordered_string_agg(expression, separator, order_by) -%}
    string_agg({{ expression }}, {{ separator }} order by {{ order_by }})
{%- endmacro %}

{% macro spark__ordered_string_agg(expression, separator, order_by) -%}
    string_agg({{ expression }}, {{ separator }}) within group (order by {{ order_by }})
{%- endmacro %}

{#- A date plus a (possibly negative) whole number of days, as a date. -#}
{% macro add_days(date_expression, days_expression) -%}
    {{ return(adapter.dispatch('add_days', 'talent_crm')(date_expression, days_expression)) }}
{%- endmacro %}

{% macro duckdb__add_days(date_expression, days_expression) -%}
    (cast({{ date_expression }} as date) + cast({{ days_expression }} as integer))
{%- endmacro %}

{% macro spark__add_days(date_expression, days_expression) -%}
    date_add(cast({{ date_expression }} as date), cast({{ days_expression }} as integer))
{%- endmacro %}

{#- Whole days from one date to another (negative when `end` is earlier); null if either is.
    (dbt.datediff on Spark raises on a null date.) -#}
{% macro days_between(start_expression, end_expression) -%}
    {{ return(adapter.dispatch('days_between', 'talent_crm')(start_expression, end_expression)) }}
{%- endmacro %}

{% macro duckdb__days_between(start_expression, end_expression) -%}
    date_diff('day', cast({{ start_expression }} as date), cast({{ end_expression }} as date))
{%- endmacro %}

{% macro spark__days_between(start_expression, end_expression) -%}
    datediff(cast({{ end_expression }} as date), cast({{ start_expression }} as date))
{%- endmacro %}

{#- Month boundaries crossed from one date to another (DuckDB's date_diff('month', ...): Jan 31
    to Feb 1 is 1), in SQL both engines run the same way. -#}
{% macro months_between_dates(start_expression, end_expression) -%}
    ((year({{ end_expression }}) - year({{ start_expression }})) * 12
        + month({{ end_expression }}) - month({{ start_expression }}))
{%- endmacro %}

{#- Microseconds since 1970-01-01 00:00 of a timestamp (an orderable number). -#}
{% macro epoch_microseconds(timestamp_expression) -%}
    {{ return(adapter.dispatch('epoch_microseconds', 'talent_crm')(timestamp_expression)) }}
{%- endmacro %}

{% macro duckdb__epoch_microseconds(timestamp_expression) -%}
    epoch_us({{ timestamp_expression }})
{%- endmacro %}

{% macro spark__epoch_microseconds(timestamp_expression) -%}
    unix_micros({{ timestamp_expression }})
{%- endmacro %}

{#- History tables (segment membership): each run reads the rows the table holds, closes or
    refreshes some and adds new ones; every other row stays as it is.

    DuckDB replaces the rows whose unique_key the run selects (`delete+insert`) and reads the
    table itself. Spark has row-level updates only in table formats such as Delta Lake, and
    refuses to overwrite a table a query reads from; so there the run first copies the table
    (`history_snapshot_sql`, a pre-hook), reads the copy (`history_prior_rows`), selects the
    WHOLE table again (`history_rewrites_all_rows()` is true: the untouched closed rows too)
    and overwrites it (`insert_overwrite` on plain Parquet). -#}
{% macro history_incremental_strategy() -%}
    {{ return(adapter.dispatch('history_incremental_strategy', 'talent_crm')()) }}
{%- endmacro %}

{% macro default__history_incremental_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{% macro spark__history_incremental_strategy() -%}
    {{ return('insert_overwrite') }}
{%- endmacro %}

{% macro history_rewrites_all_rows() -%}
    {{ return(adapter.dispatch('history_rewrites_all_rows', 'talent_crm')()) }}
{%- endmacro %}

{% macro default__history_rewrites_all_rows() -%}
    {{ return(false) }}
{%- endmacro %}

{% macro spark__history_rewrites_all_rows() -%}
    {{ return(true) }}
{%- endmacro %}

{% macro history_prior_rows(relation) -%}
    {{ return(adapter.dispatch('history_prior_rows', 'talent_crm')(relation)) }}
{%- endmacro %}

{% macro default__history_prior_rows(relation) -%}
    {{ return(relation) }}
{%- endmacro %}

{% macro spark__history_prior_rows(relation) -%}
    {{ return(relation.incorporate(path={"identifier": relation.identifier ~ "__prior"})) }}
{%- endmacro %}

{#- Hook SQL: the copy a rewriting run reads (`step` 'drop' then 'copy' before the run, 'drop'
    after: a Parquet table cannot be replaced in one statement); nothing where the run reads the
    table itself, and no copy on the first run. -#}
{% macro history_snapshot_sql(relation, step) -%}
    {{ return(adapter.dispatch('history_snapshot_sql', 'talent_crm')(relation, step)) }}
{%- endmacro %}

{% macro default__history_snapshot_sql(relation, step) -%}
{%- endmacro %}

{% macro spark__history_snapshot_sql(relation, step) -%}
    {%- set prior = history_prior_rows(relation) -%}
    {%- if step == 'copy' and is_incremental() -%}
    create table {{ prior }} using parquet as select * from {{ relation }}
    {%- elif step == 'drop' -%}
    drop table if exists {{ prior }}
    {%- endif -%}
{%- endmacro %}
