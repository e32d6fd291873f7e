-- One row per Lever posting (a job): latest version, state and categories, UTC timestamps.
with

source as (
    select * from {{ source('lever', 'postings') }}
),

latest as (
    {{ latest_version(
        'source',
        [
            'try_cast(' ~ json_text('_record', 'updatedAt') ~ ' as bigint) desc',
            '_fetched_at desc',
            '_record_hash'
        ]
    ) }}
),

renamed as (
    select
        _source_record_id as posting_id,
        nullif(trim({{ json_text('_record', 'text') }}), '') as posting_title,
        lower({{ json_text('_record', 'state') }}) as state,
        {{ json_text('_record', 'categories.team') }} as team,
        {{ json_text('_record', 'categories.department') }} as department,
        {{ json_text('_record', 'categories.location') }} as location,
        {{ json_text('_record', 'categories.commitment') }} as commitment,
        {{ json_text('_record', 'categories.level') }} as level,
        {{ json_text('_record', 'owner') }} as owner_user_id,
        {{ json_text('_record', 'hiringManager') }} as hiring_manager_user_id,
        {{ json_value('_record', 'tags') }} as tags_json,
        {{ epoch_ms_to_utc_timestamp(json_text('_record', 'createdAt')) }} as created_at,
        {{ epoch_ms_to_utc_timestamp(json_text('_record', 'updatedAt')) }} as updated_at
    from latest
)

select * from renamed
