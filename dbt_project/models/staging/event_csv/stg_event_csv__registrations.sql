-- One row per event sign-up CSV row: the latest landed version, typed and renamed.
with

source as (
    select * from {{ source('event_csv', 'registrations') }}
),

latest as (
    {{ latest_version('source', ['_fetched_at desc', '_record_hash desc']) }}
),

renamed as (
    select
        _source_record_id as registration_id,
        'event_csv' as source,
        _source_record_id as source_record_id,
        {{ json_text('_record', 'file') }} as file_name,
        try_cast({{ json_text('_record', 'row') }} as integer) as file_row_number,
        {{ json_text('_record', 'fields.event_name') }} as event_name,
        try_cast({{ json_text('_record', 'fields.event_date') }} as date) as event_date,
        {{ json_text('_record', 'fields.event_platform') }} as event_platform,
        {{ json_text('_record', 'fields.first_name') }} as first_name,
        {{ json_text('_record', 'fields.last_name') }} as last_name,
        {{ json_text('_record', 'fields.full_name') }} as full_name_given,
        {{ json_text('_record', 'fields.email') }} as email,
        {{ json_text('_record', 'fields.company') }} as company,
        {{ json_text('_record', 'fields.job_title') }} as job_title,
        try_cast({{ json_text('_record', 'fields.grad_year') }} as integer) as graduation_year,
        {{ iso_to_utc_timestamp(json_text('_record', 'fields.registered_at')) }}
            as registered_at,
        try_cast({{ json_text('_record', 'fields.attended') }} as boolean) as attended,
        try_cast({{ json_text('_record', 'fields.consent') }} as boolean) as consent_given,
        {{ json_text('_record', 'fields.phone') }} as phone,
        {{ json_text('_record', 'fields.linkedin_url') }} as linkedin_url,
        _batch_id as batch_id,
        _fetched_at as fetched_at
    from latest
),

final as (
    select
        registration_id,
        source,
        source_record_id,
        file_name,
        file_row_number,
        event_name,
        event_date,
        event_platform,
        first_name,
        last_name,
        coalesce(full_name_given, nullif(concat_ws(' ', first_name, last_name), ''))
            as full_name,
        email,
        lower(trim(email)) as email_normalised,
        company,
        job_title,
        graduation_year,
        registered_at,
        attended,
        consent_given,
        phone,
        linkedin_url,
        batch_id,
        fetched_at
    from renamed
)

select * from final
