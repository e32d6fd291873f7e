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
