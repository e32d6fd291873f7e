-- One row per Greenhouse application (latest version), with stage, rejection and job.
with

source as (
    select * from {{ source('greenhouse', 'applications') }}
),

latest as (
    {{ latest_version(
        'source',
        [
            json_text('_record', 'last_activity_at') ~ ' desc',
            '_fetched_at desc'
        ]
    ) }}
),

renamed as (
    select
        cast(_source_record_id as bigint) as application_id,
        cast({{ json_text('_record', 'candidate_id') }} as bigint) as candidate_id,
        cast({{ json_text('_record', 'prospect') }} as boolean) as is_prospect,
        lower({{ json_text('_record', 'status') }}) as status,
        {{ json_text('_record', 'current_stage.name') }} as current_stage_name,
        {{ json_text('_record', 'rejection_reason.name') }} as rejection_reason,
        {{ json_text('_record', 'rejection_reason.type.name') }} as rejection_reason_type,
        {{ json_text('_record', 'source.public_name') }} as application_source,
        cast({{ json_text('_record', 'jobs[0].id') }} as bigint) as job_id,
        {{ iso_to_utc_timestamp(json_text('_record', 'applied_at')) }} as applied_at,
        {{ iso_to_utc_timestamp(json_text('_record', 'rejected_at')) }} as rejected_at,
        {{ iso_to_utc_timestamp(json_text('_record', 'last_activity_at')) }} as last_activity_at
    from latest
)

select * from renamed
