-- Greenhouse candidates deleted, merged away or anonymised in Greenhouse, one row per candidate
-- and signal. Harvest v3 has no deleted list: these come from the signed web hooks
-- (delete_candidate, merge_candidate, candidate_anonymized), spooled as ids only, and from the
-- scheduled reconciliation (landed ids Greenhouse stopped listing, past a grace period), the
-- backstop for a missed hook: both give the same `deleted` signal. The staging of web-hook
-- bodies lives here, apart from the v3 REST objects: they keep the older shape.
with

webhook as (
    select
        _record,
        {{ json_text('_record', 'action') }} as action
    from {{ source('greenhouse', 'webhook_events') }}
),

erasures as (
    select
        try_cast({{ json_text('_record', 'body.payload.candidate_id') }} as bigint) as candidate_id,
        case action
            when 'delete_candidate' then 'deleted'
            when 'merge_candidate' then 'merged'
            when 'candidate_anonymized' then 'anonymized'
        end as signal,
        try_cast({{ json_text('_record', 'body.payload.merged_into_candidate_id') }} as bigint)
            as merged_into_candidate_id,
        {{ iso_to_utc_timestamp(json_text('_record', 'received_at')) }} as observed_at
    from webhook
    where action in ('delete_candidate', 'merge_candidate', 'candidate_anonymized')
),

reconciled as (
    select
        try_cast({{ json_text('_record', 'id') }} as bigint) as candidate_id,
        'deleted' as signal,
        try_cast(null as bigint) as merged_into_candidate_id,
        {{ iso_to_utc_timestamp(json_text('_record', 'detected_at')) }} as observed_at
    from {{ source('greenhouse', 'candidate_deletions') }}
),

signals as (
    select * from erasures
    union all
    select * from reconciled
),

first_seen as (
    -- Greenhouse retries deliveries; each (candidate, signal) counts once, when first seen.
    select
        candidate_id,
        signal,
        max(merged_into_candidate_id) as merged_into_candidate_id,
        min(observed_at) as observed_at
    from signals
    where candidate_id is not null
    group by candidate_id, signal
)

select * from first_seen
