-- One row per Greenhouse job (a req): latest version, status and history timestamps. Versions
-- come from the Harvest sync AND from job_* web-hook deliveries (same job object), so a req
-- opened via web hook is visible before the next sync.
with

harvest as (
    select _source_record_id, _record, _fetched_at from {{ source('greenhouse', 'jobs') }}
),

webhook as (
    select
        {{ json_text('_record', 'body.payload.job.id') }} as _source_record_id,
        {{ json_value('_record', 'body.payload.job') }} as _record,
        _fetched_at
    from {{ source('greenhouse', 'webhook_events') }}
    -- Landing quarantines deliveries that break the job contract; a value that still is no
    -- integer id is dropped here rather than failing the model.
    where try_cast({{ json_text('_record', 'body.payload.job.id') }} as bigint) is not null
),

source as (
    select * from harvest
    union all
    select * from webhook
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
        try_cast(_source_record_id as bigint) as job_id,
        {{ json_text('_record', 'name') }} as job_name,
        {{ json_text('_record', 'requisition_id') }} as requisition_id,
        lower({{ json_text('_record', 'status') }}) as status,
        try_cast({{ json_text('_record', 'confidential') }} as boolean) as is_confidential,
        {{ json_text('_record', 'departments[0].name') }} as department_name,
        {{ json_text('_record', 'offices[0].name') }} as office_name,
        {{ json_text('_record', 'offices[0].location.name') }} as office_location,
        -- Keyed custom fields used to profile the req (null when the account has none).
        {{ json_value('_record', 'keyed_custom_fields.required_skills.value') }}
            as required_skills_json,
        {{ json_value('_record', 'keyed_custom_fields.preferred_skills.value') }}
            as preferred_skills_json,
        lower({{ json_text('_record', 'keyed_custom_fields.seniority.value') }})
            as seniority_field,
        {{ iso_to_utc_timestamp(json_text('_record', 'created_at')) }} as created_at,
        {{ iso_to_utc_timestamp(json_text('_record', 'opened_at')) }} as opened_at,
        {{ iso_to_utc_timestamp(json_text('_record', 'closed_at')) }} as closed_at,
        {{ iso_to_utc_timestamp(json_text('_record', 'updated_at')) }} as updated_at
    from latest
)

select * from renamed
