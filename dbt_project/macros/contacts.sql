{#- The member records of each contact that have a value for a field, ranked best first: the
    source priority (seed source_priority), then the newest update, then the record key, so the
    choice is stable. `members` needs contact_id, source_priority, record_updated_at and
    record_key; keep the rows `where field_rank = 1`. -#}
{% macro ranked_members(members, has_value) -%}
    (
        select
            *,
            row_number() over (
                partition by contact_id
                order by source_priority, record_updated_at desc nulls last, record_key
            ) as field_rank
        from {{ members }}
        where {{ has_value }}
    ) as ranked
{%- endmacro %}
