-- Greenhouse candidate sources (Harvest v3 `/sources`): what `source_id` means.
with

source as (
    select * from {{ source('greenhouse', 'sources') }}
),

latest as (
    {{ latest_version('source', ['_fetched_at desc']) }}
),

renamed as (
    select
        try_cast(_source_record_id as bigint) as source_id,
        coalesce(
            {{ json_text('_record', 'name') }}, {{ json_text('_record', 'public_name') }}
        ) as source_name,
        {{ json_text('_record', 'type.name') }} as source_type
    from latest
)

select * from renamed
