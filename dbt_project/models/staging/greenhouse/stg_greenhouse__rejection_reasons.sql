-- Greenhouse rejection reasons (Harvest v3 `/rejection_reasons`, read with include_defaults so
-- the built-in ones are there): what an application's flat `rejection_reason_id` means.
with

source as (
    select * from {{ source('greenhouse', 'rejection_reasons') }}
),

latest as (
    {{ latest_version('source', ['_fetched_at desc']) }}
),

renamed as (
    select
        try_cast(_source_record_id as bigint) as rejection_reason_id,
        {{ json_text('_record', 'name') }} as rejection_reason,
        {{ json_text('_record', 'type.name') }} as rejection_reason_type,
        {{ json_text('_record', 'type.key') }} as rejection_reason_type_key
    from latest
)

select * from renamed
