-- One row per employee: the row from the latest HRIS export that lists them, typed.
with

source as (
    select * from {{ source('hris', 'employees') }}
),

renamed as (
    select
        {{ json_text('_record', 'fields.employee_id') }} as employee_id,
        _source_record_id as hris_record_id,
        'hris' as source,
        _source_record_id as source_record_id,
        {{ json_text('_record', 'file') }} as file_name,
        try_cast({{ json_text('_record', 'row') }} as integer) as file_row_number,
        {{ json_text('_record', 'fields.first_name') }} as first_name,
        {{ json_text('_record', 'fields.last_name') }} as last_name,
        {{ json_text('_record', 'fields.full_name') }} as full_name_given,
        {{ json_text('_record', 'fields.preferred_name') }} as preferred_name,
        {{ json_text('_record', 'fields.personal_email') }} as personal_email,
        {{ json_text('_record', 'fields.work_email') }} as work_email,
        {{ json_text('_record', 'fields.department') }} as department,
        {{ json_text('_record', 'fields.job_title') }} as job_title,
        try_cast({{ json_text('_record', 'fields.start_date') }} as date) as start_date,
        try_cast({{ json_text('_record', 'fields.end_date') }} as date) as end_date,
        {{ json_text('_record', 'fields.termination_type') }} as termination_type,
        try_cast({{ json_text('_record', 'fields.rehire_eligible') }} as boolean) as rehire_eligible,
        _record_hash,
        _batch_id as batch_id,
        _fetched_at as fetched_at
    from source
),

latest as (
    -- A newer export lists the same people under new record ids (file name is in the id), so
    -- the latest row is chosen per employee, not per record.
    {{ latest_version(
        'renamed',
        ['fetched_at desc', 'file_name desc', 'file_row_number desc', '_record_hash desc'],
        record_id='employee_id'
    ) }}
),

final as (
    select
        employee_id,
        hris_record_id,
        source,
        source_record_id,
        file_name,
        file_row_number,
        first_name,
        last_name,
        coalesce(full_name_given, nullif(concat_ws(' ', first_name, last_name), ''))
            as full_name,
        preferred_name,
        personal_email,
        lower(trim(personal_email)) as personal_email_normalised,
        work_email,
        lower(trim(work_email)) as work_email_normalised,
        department,
        job_title,
        start_date,
        end_date,
        end_date is null as is_current_employee,
        termination_type,
        rehire_eligible,
        batch_id,
        fetched_at
    from latest
)

select * from final
