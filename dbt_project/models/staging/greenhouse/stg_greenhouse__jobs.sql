-- One row per Greenhouse job (a req): latest version, status and history timestamps. Versions
-- come from the Harvest sync AND from job_* web-hook deliveries, so a req opened via web hook
-- is visible before the next sync. Three shapes: Harvest v3 rows (flat `department_id`,
-- `office_ids`, custom fields as {name, type, value}), rows the removed v1 connector landed,
-- and web-hook job objects, which keep the older nested shape (`departments[]`, `offices[]`,
-- `keyed_custom_fields`). v3 names come first in each coalesce().
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

departments as (
    select * from {{ ref('stg_greenhouse__departments') }}
),

offices as (
    select * from {{ ref('stg_greenhouse__offices') }}
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
        try_cast(latest._source_record_id as bigint) as job_id,
        {{ json_text('latest._record', 'name') }} as job_name,
        {{ json_text('latest._record', 'requisition_id') }} as requisition_id,
        lower({{ json_text('latest._record', 'status') }}) as status,
        try_cast({{ json_text('latest._record', 'confidential') }} as boolean) as is_confidential,
        coalesce(
            departments.department_name, {{ json_text('latest._record', 'departments[0].name') }}
        ) as department_name,
        coalesce(offices.office_name, {{ json_text('latest._record', 'offices[0].name') }})
            as office_name,
        coalesce(
            offices.office_location, {{ json_text('latest._record', 'offices[0].location.name') }}
        ) as office_location,
        -- Custom fields that profile the req (null when the account has none).
        coalesce(
            {{ json_value('latest._record', 'custom_fields.required_skills.value') }},
            {{ json_value('latest._record', 'keyed_custom_fields.required_skills.value') }}
        ) as required_skills_json,
        coalesce(
            {{ json_value('latest._record', 'custom_fields.preferred_skills.value') }},
            {{ json_value('latest._record', 'keyed_custom_fields.preferred_skills.value') }}
        ) as preferred_skills_json,
        lower(
            coalesce(
                {{ json_text('latest._record', 'custom_fields.seniority.value') }},
                {{ json_text('latest._record', 'keyed_custom_fields.seniority.value') }}
            )
        ) as seniority_field,
        {{ iso_to_utc_timestamp(json_text('latest._record', 'created_at')) }} as created_at,
        {{ iso_to_utc_timestamp(json_text('latest._record', 'opened_at')) }} as opened_at,
        {{ iso_to_utc_timestamp(json_text('latest._record', 'closed_at')) }} as closed_at,
        {{ iso_to_utc_timestamp(json_text('latest._record', 'updated_at')) }} as updated_at
    from latest
    left join departments
        on try_cast({{ json_text('latest._record', 'department_id') }} as bigint)
        = departments.department_id
    left join offices
        on try_cast({{ json_text('latest._record', 'office_ids[0]') }} as bigint) = offices.office_id
)

select * from renamed
