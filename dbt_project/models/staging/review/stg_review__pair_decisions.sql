-- One row per answer on a duplicate-review pair, typed, with the fingerprints of the two
-- records as the reviewer saw them.
with

source as (
    select * from {{ source('review', 'decisions') }}
),

latest as (
    {{ latest_version('source', ['_fetched_at desc', '_record_hash desc']) }}
),

renamed as (
    select
        _source_record_id as decision_id,
        {{ json_text('_record', 'record_key_a') }} as record_key_a,
        {{ json_text('_record', 'record_key_b') }} as record_key_b,
        {{ json_text('_record', 'decision') }} as decision,
        {{ json_text('_record', 'reviewer') }} as reviewer,
        {{ iso_to_utc_timestamp(json_text('_record', 'decided_at')) }} as decided_at,
        {{ json_text('_record', 'shown.fingerprint_a') }} as fingerprint_a,
        {{ json_text('_record', 'shown.fingerprint_b') }} as fingerprint_b,
        _batch_id as batch_id,
        _fetched_at as landed_at
    from latest
    where {{ json_text('_record', 'kind') }} = 'pair'
)

select * from renamed
