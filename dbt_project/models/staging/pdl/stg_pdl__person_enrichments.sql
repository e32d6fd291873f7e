-- One row per PDL enrichment (lookup id): the latest answer, typed and renamed. Names, titles,
-- companies and locations come lower-cased from PDL and are kept as PDL gives them.
with

source as (
    select * from {{ source('pdl', 'person_enrichments') }}
),

latest as (
    {{ latest_version(
        'source',
        [
            json_text('_record', 'enriched_at') ~ ' desc',
            '_fetched_at desc'
        ]
    ) }}
),

renamed as (
    select
        _source_record_id as lookup_id,
        'pdl' as source,
        {{ json_text('_record', 'data.id') }} as pdl_person_id,
        {{ safe_text_to_integer(json_text('_record', 'likelihood')) }} as likelihood,
        {{ safe_text_to_integer(json_text('_record', 'min_likelihood')) }} as min_likelihood,
        nullif(trim({{ json_text('_record', 'data.full_name') }}), '') as full_name,
        nullif(trim({{ json_text('_record', 'data.first_name') }}), '') as first_name,
        nullif(trim({{ json_text('_record', 'data.last_name') }}), '') as last_name,
        nullif(trim({{ json_text('_record', 'data.job_title') }}), '') as job_title,
        nullif(trim({{ json_text('_record', 'data.job_company_name') }}), '') as company,
        nullif(trim({{ json_text('_record', 'data.job_company_website') }}), '')
            as company_website,
        {{ year_month_text_to_date(json_text('_record', 'data.job_start_date')) }}
            as job_start_date,
        nullif(trim({{ json_text('_record', 'data.location_name') }}), '') as location_name,
        nullif(trim({{ json_text('_record', 'data.location_locality') }}), '')
            as location_locality,
        nullif(trim({{ json_text('_record', 'data.location_country') }}), '')
            as location_country,
        nullif(trim({{ json_text('_record', 'data.linkedin_url') }}), '') as linkedin_url,
        nullif(lower(trim({{ json_text('_record', 'data.work_email') }})), '') as work_email,
        {{ json_value('_record', 'data.emails') }} as emails_json,
        {{ json_value('_record', 'data.skills') }} as skills_json,
        {{ json_value('_record', 'data.education') }} as education_json,
        -- What we asked: lets hygiene work see which identifier an answer hangs on.
        {{ json_text('_record', 'query.email') }} as query_email,
        {{ json_text('_record', 'query.profile') }} as query_profile,
        {{ json_text('_record', 'query.name') }} as query_name,
        {{ json_text('_record', 'query.company') }} as query_company,
        {{ iso_to_utc_timestamp(json_text('_record', 'enriched_at')) }} as enriched_at,
        _batch_id as batch_id,
        _fetched_at as fetched_at
    from latest
)

select * from renamed
