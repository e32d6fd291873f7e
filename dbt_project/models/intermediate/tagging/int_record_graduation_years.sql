-- One row per (person record, graduation year it states): ATS custom field and education end
-- dates, event sign-up forms and Eventbrite questions, enrichment education, and tags such as
-- "Campus 2027" / "Class of 2026". Implausible years are dropped (a typo must not make a
-- 1920s graduate or a 2090 intern).
with

greenhouse_field as (
    select
        'greenhouse:candidates:' || source_record_id as record_key,
        'ats_custom_field' as evidence,
        graduation_year
    from {{ ref('stg_greenhouse__candidates') }}
    where graduation_year is not null
),

greenhouse_education as (
    select
        'greenhouse:candidates:' || candidates.source_record_id,
        'ats_education',
        year({{ iso_to_utc_timestamp(json_text('education.value', 'end_date')) }})
    from {{ ref('stg_greenhouse__candidates') }} as candidates,
        {{ json_array_elements('candidates.educations_json') }} as education
),

event_csv as (
    select
        'events:signups:' || source_record_id,
        'event_form',
        graduation_year
    from {{ ref('stg_event_csv__registrations') }}
    where graduation_year is not null
),

eventbrite as (
    select
        'eventbrite:attendees:' || source_record_id,
        'event_form',
        graduation_year
    from {{ ref('stg_eventbrite__attendees') }}
    where graduation_year is not null
        -- A buyer's copied profile answers say nothing about the ticket holder.
        and not (coalesce(is_buyer_profile_copy, false) and order_seat_number > 1)
),

pdl as (
    select
        'pdl:enrichment:' || enrichments.pdl_person_id,
        'enrichment_education',
        year({{ year_month_text_to_date(json_text('education.value', 'end_date')) }})
    from {{ ref('stg_pdl__person_enrichments') }} as enrichments,
        {{ json_array_elements('enrichments.education_json') }} as education
    where enrichments.pdl_person_id is not null
),

tags as (
    select
        record_key,
        'tag',
        cast({{ regex_extract_group(
            'lower(tag_text)',
            "'(?:campus|class of|grad(?:uation)?(?: year)?|batch)\\D{0,3}((?:19|20)\\d{2})'"
        ) }} as integer)
    from {{ ref('int_record_tags') }}
),

unioned as (
    select * from greenhouse_field
    union all select * from greenhouse_education
    union all select * from event_csv
    union all select * from eventbrite
    union all select * from pdl
    union all select * from tags
)

select distinct record_key, evidence, graduation_year
from unioned
where graduation_year between 1960 and year({{ as_of_date() }}) + 8
