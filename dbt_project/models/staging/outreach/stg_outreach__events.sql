-- One row per outreach message event: the latest landed version, typed and renamed.
with

source as (
    select * from {{ source('outreach', 'events') }}
),

latest as (
    {{ latest_version('source', ['_fetched_at desc', '_record_hash desc']) }}
),

renamed as (
    select
        _source_record_id as outreach_event_id,
        'outreach' as source,
        _source_record_id as source_record_id,
        {{ json_text('_record', 'file') }} as file_name,
        try_cast({{ json_text('_record', 'row') }} as integer) as file_row_number,
        {{ json_text('_record', 'fields.message_id') }} as message_id,
        {{ json_text('_record', 'fields.email') }} as email,
        lower(trim({{ json_text('_record', 'fields.email') }})) as email_normalised,
        {{ json_text('_record', 'fields.campaign') }} as campaign,
        try_cast({{ json_text('_record', 'fields.step') }} as integer) as step,
        {{ json_text('_record', 'fields.event') }} as event_type,
        {{ json_text('_record', 'fields.bounce_type') }} as bounce_type,
        {{ iso_to_utc_timestamp(json_text('_record', 'fields.occurred_at')) }} as occurred_at,
        _batch_id as batch_id,
        _fetched_at as fetched_at
    from latest
)

select * from renamed
