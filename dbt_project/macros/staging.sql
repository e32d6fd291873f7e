{#- The latest landed version of each record, as a select to wrap in a CTE. Landing keeps every
    version a fetch returned (re-fetches, updates, re-dropped files); staging shows one per
    record. `order_by`: the ordering expressions, newest first — each source's own update time
    where it has one, then the fetch time, then a tie-breaker so the choice is deterministic.
    `record_id`: what names one record (the landed `_source_record_id` unless the source says
    otherwise). The `version_rank` column (always 1) is kept. -#}
{% macro latest_version(relation, order_by, record_id='_source_record_id') -%}
    select *
    from (
        select
            *,
            row_number() over (
                partition by {{ record_id }}
                order by {{ order_by | join(', ') }}
            ) as version_rank
        from {{ relation }}
    ) as versions
    where version_rank = 1
{%- endmacro %}

{#- Text as a person should see it: NUL and the other C0/C1 control characters removed (a NUL
    cuts a name short in many tools, a stray escape code garbles a list), and the
    bidirectional embedding/override/isolate characters (U+202A-U+202E, U+2066-U+2069), which
    make a name or company DISPLAY as something other than what it is. Empty after cleaning
    becomes null. -#}
{% macro displayable_text(expression) -%}
    {{ return(adapter.dispatch('displayable_text', 'talent_crm')(expression)) }}
{%- endmacro %}

{% macro default__displayable_text(expression) -%}
    nullif(
        {#- Backslashes doubled: a Jinja string literal unescapes them once. #}
        {{ regexp_replace_all(
            expression,
            "'[\\x00-\\x1f\\x7f-\\x9f\\x{202a}-\\x{202e}\\x{2066}-\\x{2069}]'",
            "''"
        ) }},
        ''
    )
{%- endmacro %}
