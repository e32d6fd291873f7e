-- One row per Greenhouse candidate: the latest landed version, typed and renamed. Reads both
-- shapes: Harvest v3 rows and the rows the removed v1 connector landed (an upgraded install
-- keeps its history; a v1 and a v3 version of one candidate share the record id, so the
-- newest wins and they stay one record). v1 names in coalesce()'s second place.
with

merged_away as (
    -- A candidate merged into another no longer exists in Greenhouse; its winner carries the
    -- person on, so the loser leaves identity resolution (it is not an erasure).
    select candidate_id from {{ ref('stg_greenhouse__candidate_erasures') }}
    where signal = 'merged'
),

source as (
    select * from {{ source('greenhouse', 'candidates') }}
    where try_cast(_source_record_id as bigint) not in (select candidate_id from merged_away)
),

latest as (
    {{ latest_version(
        'source',
        [
            json_text('_record', 'updated_at') ~ ' desc',
            '_fetched_at desc'
        ]
    ) }}
),

renamed as (
    select
        try_cast(_source_record_id as bigint) as candidate_id,
        'greenhouse' as source,
        _source_record_id as source_record_id,
        nullif(trim({{ json_text('_record', 'first_name') }}), '') as first_name,
        nullif(trim({{ json_text('_record', 'last_name') }}), '') as last_name,
        nullif(trim({{ json_text('_record', 'company') }}), '') as company,
        nullif(trim({{ json_text('_record', 'title') }}), '') as title,
        try_cast(
            coalesce(
                {{ json_text('_record', 'private') }}, {{ json_text('_record', 'is_private') }}
            ) as boolean
        ) as is_private,
        -- Greenhouse `can_email=false` is the candidate's own opt-out: null means "not set".
        try_cast({{ json_text('_record', 'can_email') }} as boolean) as can_email,
        {{ json_value('_record', 'tags') }} as tags_json,
        -- v3 custom fields are {name, type, value} per name key; v1 kept a bare value.
        {{ safe_text_to_integer(
            'coalesce(' ~ json_text('_record', 'custom_fields.graduation_year.value') ~ ', '
            ~ json_text('_record', 'custom_fields.graduation_year') ~ ')'
        ) }} as graduation_year,
        -- v1 only: v3 candidates embed no educations.
        {{ json_value('_record', 'educations') }} as educations_json,
        {{ json_value('_record', 'email_addresses') }} as email_addresses_json,
        {{ json_value('_record', 'phone_numbers') }} as phone_numbers_json,
        {{ json_value('_record', 'social_media_addresses') }} as social_media_json,
        {{ json_value('_record', 'website_addresses') }} as website_addresses_json,
        {{ json_text('_record', 'addresses[0].value') }} as first_address,
        {{ iso_to_utc_timestamp(json_text('_record', 'created_at')) }} as created_at,
        {{ iso_to_utc_timestamp(json_text('_record', 'updated_at')) }} as updated_at,
        {{ iso_to_utc_timestamp(
            'coalesce(' ~ json_text('_record', 'last_activity_at') ~ ', '
            ~ json_text('_record', 'last_activity') ~ ')'
        ) }} as last_activity_at,
        _batch_id as batch_id,
        _fetched_at as fetched_at
    from latest
)

select * from renamed
