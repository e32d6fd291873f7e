-- One row per Ashby job (a req of the acquired subsidiary): latest version, status, history.
with

source as (
    select * from {{ source('ashby', 'jobs') }}
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
        _source_record_id as job_id,
        nullif(trim({{ json_text('_record', 'title') }}), '') as job_title,
        {{ json_text('_record', 'customRequisitionId') }} as requisition_id,
        lower({{ json_text('_record', 'status') }}) as status,
        {{ json_text('_record', 'employmentType') }} as employment_type,
        try_cast({{ json_text('_record', 'confidential') }} as boolean) as is_confidential,
        {{ json_text('_record', 'department.name') }} as department_name,
        {{ json_text('_record', 'location.name') }} as location_name,
        {{ iso_to_utc_timestamp(json_text('_record', 'createdAt')) }} as created_at,
        {{ iso_to_utc_timestamp(json_text('_record', 'openedAt')) }} as opened_at,
        {{ iso_to_utc_timestamp(json_text('_record', 'closedAt')) }} as closed_at,
        {{ iso_to_utc_timestamp(json_text('_record', 'updatedAt')) }} as updated_at
    from latest
)

select * from renamed
