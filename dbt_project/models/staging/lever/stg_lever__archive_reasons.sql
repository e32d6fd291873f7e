-- One row per Lever archive reason: what `archived.reason` ids on opportunities mean.
with

source as (
    select * from {{ source('lever', 'archive_reasons') }}
),

latest as (
    -- No updatedAt on archive reasons: the most recently fetched version wins.
    {{ latest_version('source', ['_fetched_at desc', '_record_hash']) }}
),

renamed as (
    select
        _source_record_id as archive_reason_id,
        nullif(trim({{ json_text('_record', 'text') }}), '') as archive_reason_text,
        lower({{ json_text('_record', 'type') }}) as archive_reason_type
    from latest
)

select * from renamed
