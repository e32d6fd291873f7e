-- One row per decision on a drafted match, typed. Landing already dedupes identical files;
-- a decision id landed twice with different content (a hand-edited file) keeps the last landed.
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
        {{ json_text('_record', 'req_id') }} as req_id,
        {{ json_text('_record', 'contact_id') }} as contact_id,
        {{ json_text('_record', 'decision') }} as decision,
        {{ json_text('_record', 'reason') }} as reason,
        {{ json_text('_record', 'message') }} as message,
        {{ json_text('_record', 'reviewer') }} as reviewer,
        {{ iso_to_utc_timestamp(json_text('_record', 'decided_at')) }} as decided_at,
        try_cast({{ json_text('_record', 'shown.score') }} as double) as shown_score,
        {{ json_text('_record', 'shown.export') }} as shown_export,
        _batch_id as batch_id,
        _fetched_at as landed_at
    from latest
    where {{ json_text('_record', 'kind') }} = 'match'
)

select * from renamed
