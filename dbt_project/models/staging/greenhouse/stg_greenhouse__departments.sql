-- Greenhouse departments (Harvest v3 `/departments`): what a job's `department_id` means.
with

source as (
    select * from {{ source('greenhouse', 'departments') }}
),

latest as (
    {{ latest_version('source', ['_fetched_at desc']) }}
),

renamed as (
    select
        try_cast(_source_record_id as bigint) as department_id,
        {{ json_text('_record', 'name') }} as department_name
    from latest
)

select * from renamed
