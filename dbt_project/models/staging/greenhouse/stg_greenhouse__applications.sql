-- One row per Greenhouse application (latest version), with stage, rejection, source and job.
-- Reads both shapes: Harvest v3 rows carry flat ids (`job_id`, `rejection_reason_id`,
-- `source_id`) resolved through their lists; rows landed by the removed v1 connector embed
-- those objects (`jobs[0]`, `rejection_reason`, `source`) and stay readable as they are.
with

source as (
    select * from {{ source('greenhouse', 'applications') }}
),

rejection_reasons as (
    select * from {{ ref('stg_greenhouse__rejection_reasons') }}
),

sources as (
    select * from {{ ref('stg_greenhouse__sources') }}
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
        try_cast(_source_record_id as bigint) as application_id,
        try_cast({{ json_text('_record', 'candidate_id') }} as bigint) as candidate_id,
        try_cast({{ json_text('_record', 'prospect') }} as boolean) as is_prospect,
        -- v3 responses say in_process where v1 (and v3's own filter) say active.
        case lower({{ json_text('_record', 'status') }})
            when 'in_process' then 'active'
            else lower({{ json_text('_record', 'status') }})
        end as status,
        coalesce(
            {{ json_text('_record', 'stage_name') }},
            {{ json_text('_record', 'current_stage.name') }}
        ) as current_stage_name,
        try_cast({{ json_text('_record', 'rejection_reason_id') }} as bigint) as rejection_reason_id,
        {{ json_text('_record', 'rejection_reason.name') }} as v1_rejection_reason,
        {{ json_text('_record', 'rejection_reason.type.name') }} as v1_rejection_reason_type,
        try_cast({{ json_text('_record', 'source_id') }} as bigint) as source_id,
        {{ json_text('_record', 'source.public_name') }} as v1_application_source,
        try_cast(
            coalesce(
                {{ json_text('_record', 'job_id') }}, {{ json_text('_record', 'jobs[0].id') }}
            ) as bigint
        ) as job_id,
        {{ iso_to_utc_timestamp(
            'coalesce(' ~ json_text('_record', 'applied_at') ~ ', '
            ~ json_text('_record', 'created_at') ~ ')'
        ) }} as applied_at,
        {{ iso_to_utc_timestamp(json_text('_record', 'rejected_at')) }} as rejected_at,
        {{ iso_to_utc_timestamp(json_text('_record', 'last_activity_at')) }} as last_activity_at
    from latest
),

resolved as (
    select
        renamed.application_id,
        renamed.candidate_id,
        renamed.is_prospect,
        renamed.status,
        renamed.current_stage_name,
        coalesce(reasons.rejection_reason, renamed.v1_rejection_reason) as rejection_reason,
        coalesce(reasons.rejection_reason_type, renamed.v1_rejection_reason_type)
            as rejection_reason_type,
        coalesce(sources.source_name, renamed.v1_application_source) as application_source,
        renamed.job_id,
        renamed.applied_at,
        renamed.rejected_at,
        renamed.last_activity_at
    from renamed
    left join rejection_reasons as reasons
        on renamed.rejection_reason_id = reasons.rejection_reason_id
    left join sources
        on renamed.source_id = sources.source_id
)

select * from resolved
