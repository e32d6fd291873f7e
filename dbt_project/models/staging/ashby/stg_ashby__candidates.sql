-- One row per Ashby candidate: the latest landed version, typed and renamed, with the primary
-- email and an anonymisation flag.
with

source as (
    select * from {{ source('ashby', 'candidates') }}
),

latest as (
    {{ latest_version(
        'source',
        [
            iso_to_utc_timestamp(json_text('_record', 'updatedAt')) ~ ' desc',
            '_fetched_at desc',
            '_record_hash'
        ]
    ) }}
),

renamed as (
    select
        _source_record_id as candidate_id,
        'ashby' as source,
        _source_record_id as source_record_id,
        nullif(trim({{ json_text('_record', 'name') }}), '') as full_name,
        -- Ashby names the primary address separately; fall back to the first listed one.
        nullif(trim(coalesce(
            {{ json_text('_record', 'primaryEmailAddress.value') }},
            {{ json_text('_record', 'emailAddresses[0].value') }}
        )), '') as primary_email,
        lower(coalesce(
            {{ json_text('_record', 'primaryEmailAddress.type') }},
            {{ json_text('_record', 'emailAddresses[0].type') }}
        )) as primary_email_type,
        nullif(trim(coalesce(
            {{ json_text('_record', 'primaryPhoneNumber.value') }},
            {{ json_text('_record', 'phoneNumbers[0].value') }}
        )), '') as primary_phone,
        nullif(trim({{ json_text('_record', 'position') }}), '') as position,
        nullif(trim({{ json_text('_record', 'company') }}), '') as company,
        nullif(trim({{ json_text('_record', 'school') }}), '') as school,
        {{ json_text('_record', 'location.locationSummary') }} as location_summary,
        {{ json_text('_record', 'source.title') }} as candidate_source,
        {{ json_value('_record', 'tags') }} as tags_json,
        {{ json_value('_record', 'emailAddresses') }} as email_addresses_json,
        {{ json_value('_record', 'phoneNumbers') }} as phone_numbers_json,
        {{ json_value('_record', 'socialLinks') }} as social_links_json,
        {{ json_value('_record', 'applicationIds') }} as application_ids_json,
        {{ iso_to_utc_timestamp(json_text('_record', 'createdAt')) }} as created_at,
        {{ iso_to_utc_timestamp(json_text('_record', 'updatedAt')) }} as updated_at,
        _batch_id as batch_id,
        _fetched_at as fetched_at
    from latest
),

flagged as (
    select
        *,
        -- Ashby has no anonymisation flag; an anonymised candidate shows up as a record with
        -- no name and no email or phone left. Kept (lineage, GDPR evidence) and flagged so
        -- identity resolution and outreach skip it.
        (
            full_name is null
            and primary_email is null
            and primary_phone is null
        ) as is_anonymized
    from renamed
)

select * from flagged
