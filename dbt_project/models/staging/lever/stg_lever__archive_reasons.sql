-- One row per Lever archive reason: what `archived.reason` ids on opportunities mean.
with

source as (
    select * from {{ source('lever', 'archive_reasons') }}
),

versions as (
    select
        *,
        -- No updatedAt on archive reasons: the most recently fetched version wins.
        row_number() over (
            partition by _source_record_id
            order by _fetched_at desc, _record_hash
        ) as version_rank
    from source
),

latest as (
    select * from versions where version_rank = 1
),

renamed as (
    select
        _source_record_id as archive_reason_id,
        nullif(trim({{ json_text('_record', 'text') }}), '') as archive_reason_text,
        lower({{ json_text('_record', 'type') }}) as archive_reason_type
    from latest
)

select * from renamed
