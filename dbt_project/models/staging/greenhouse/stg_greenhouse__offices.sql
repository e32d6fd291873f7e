-- Greenhouse offices (Harvest v3 `/offices`): what a job's `office_ids` mean.
with

source as (
    select * from {{ source('greenhouse', 'offices') }}
),

latest as (
    {{ latest_version('source', ['_fetched_at desc']) }}
),

renamed as (
    select
        try_cast(_source_record_id as bigint) as office_id,
        {{ json_text('_record', 'name') }} as office_name,
        {{ json_text('_record', 'location.name') }} as office_location
    from latest
)

select * from renamed
