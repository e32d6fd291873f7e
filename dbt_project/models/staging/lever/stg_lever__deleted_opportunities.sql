-- One row per opportunity Lever reports as deleted: the signal GDPR work propagates.
with

source as (
    select * from {{ source('lever', 'deleted_opportunities') }}
),

versions as (
    select
        *,
        row_number() over (
            partition by _source_record_id
            order by
                try_cast({{ json_text('_record', 'deletedAt') }} as bigint) desc,
                _fetched_at desc,
                _record_hash
        ) as version_rank
    from source
),

latest as (
    select * from versions where version_rank = 1
),

renamed as (
    select
        _source_record_id as opportunity_id,
        {{ epoch_ms_to_utc_timestamp(json_text('_record', 'deletedAt')) }} as deleted_at,
        _batch_id as batch_id,
        _fetched_at as fetched_at
    from latest
)

select * from renamed
