-- One row per opportunity Lever reports as deleted: the signal GDPR work propagates.
with

source as (
    select * from {{ source('lever', 'deleted_opportunities') }}
),

latest as (
    {{ latest_version(
        'source',
        [
            'try_cast(' ~ json_text('_record', 'deletedAt') ~ ' as bigint) desc',
            '_fetched_at desc',
            '_record_hash'
        ]
    ) }}
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
