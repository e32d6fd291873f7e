-- One row per configured Eventbrite event: the latest landed version, typed and renamed.
with

source as (
    select * from {{ source('eventbrite', 'events') }}
),

latest as (
    {{ latest_version(
        'source',
        [
            json_text('_record', 'changed') ~ ' desc nulls last',
            '_fetched_at desc'
        ]
    ) }}
),

renamed as (
    select
        _source_record_id as event_id,
        'eventbrite' as source,
        nullif(trim({{ json_text('_record', 'name.text') }}), '') as event_name,
        nullif(trim({{ json_text('_record', 'summary') }}), '') as summary,
        {{ json_text('_record', 'url') }} as event_url,
        lower({{ json_text('_record', 'status') }}) as status,
        try_cast({{ json_text('_record', 'online_event') }} as boolean) as is_online,
        {{ json_text('_record', 'start.timezone') }} as timezone,
        {{ iso_to_utc_timestamp(json_text('_record', 'start.utc')) }} as starts_at,
        {{ iso_to_utc_timestamp(json_text('_record', 'end.utc')) }} as ends_at,
        -- Wall-clock time at the venue, kept as text: casting it would silently apply the
        -- session's time zone.
        {{ json_text('_record', 'start.local') }} as starts_at_local_text,
        {{ iso_to_utc_timestamp(json_text('_record', 'created')) }} as created_at,
        {{ iso_to_utc_timestamp(json_text('_record', 'changed')) }} as changed_at,
        _batch_id as batch_id,
        _fetched_at as fetched_at
    from latest
)

select * from renamed
