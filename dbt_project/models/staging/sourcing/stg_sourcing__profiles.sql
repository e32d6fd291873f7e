-- One row per sourcing-export row: the latest landed version, typed and renamed.
with

source as (
    select * from {{ source('sourcing', 'profiles') }}
),

latest as (
    {{ latest_version('source', ['_fetched_at desc', '_record_hash desc']) }}
),

renamed as (
    select
        _source_record_id as profile_record_id,
        'sourcing' as source,
        _source_record_id as source_record_id,
        {{ json_text('_record', 'file') }} as file_name,
        try_cast({{ json_text('_record', 'row') }} as integer) as file_row_number,
        {{ json_text('_record', 'fields.first_name') }} as first_name,
        {{ json_text('_record', 'fields.last_name') }} as last_name,
        {{ json_text('_record', 'fields.full_name') }} as full_name_given,
        {{ json_text('_record', 'fields.headline') }} as headline,
        {{ json_text('_record', 'fields.job_title') }} as job_title,
        {{ json_text('_record', 'fields.company') }} as company,
        {{ json_text('_record', 'fields.location') }} as location,
        {{ json_text('_record', 'fields.profile_url') }} as profile_url,
        {{ json_text('_record', 'fields.email') }} as email,
        {{ json_text('_record', 'fields.phone') }} as phone,
        {{ json_text('_record', 'fields.tags') }} as tags,
        {{ json_text('_record', 'fields.project') }} as project,
        {{ json_text('_record', 'fields.sourced_by') }} as sourced_by,
        try_cast({{ json_text('_record', 'fields.sourced_at') }} as date) as sourced_at,
        _batch_id as batch_id,
        _fetched_at as fetched_at
    from latest
),

final as (
    select
        profile_record_id,
        source,
        source_record_id,
        file_name,
        file_row_number,
        first_name,
        last_name,
        coalesce(full_name_given, nullif(concat_ws(' ', first_name, last_name), ''))
            as full_name,
        headline,
        job_title,
        company,
        location,
        profile_url,
        email,
        lower(trim(email)) as email_normalised,
        phone,
        tags,
        project,
        sourced_by,
        sourced_at,
        batch_id,
        fetched_at
    from renamed
)

select * from final
