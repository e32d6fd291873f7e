-- One row per person-bearing source record, in the shape the identity engine reads
-- (orchestration/identity): names, company/title/location, raw identifier lists, the source's
-- own cross-record person link, and whether the record's profile belongs to someone else
-- (Eventbrite buyer copies). `record_key` = `<source>:<entity>:<record id>` — the same
-- convention as the sample market's ground truth, so dedup quality is measured on real runs.
-- Identifiers stay raw here: normalisation (gmail folding, E.164, profile slugs, nicknames)
-- is done once, in Python, by the engine.
with

greenhouse as (
    select
        'greenhouse:candidates:' || source_record_id as record_key,
        'greenhouse' as source,
        'candidates' as entity,
        source_record_id,
        first_name,
        last_name,
        cast(null as string) as full_name,
        company,
        title,
        first_address as location,
        {{ json_array_texts('email_addresses_json', 'value') }} as emails,
        {{ json_array_texts('phone_numbers_json', 'value') }} as phones,
        {{ list_concat(
            json_array_texts('social_media_json', 'value'),
            json_array_texts('website_addresses_json', 'value')
        ) }} as profile_urls,
        cast(null as string) as source_person_key,
        coalesce(updated_at, created_at) as record_updated_at,
        false as is_buyer_profile_copy
    from {{ ref('stg_greenhouse__candidates') }}
),

lever as (
    select
        'lever:opportunities:' || source_record_id,
        'lever',
        'opportunities',
        source_record_id,
        cast(null as string),
        cast(null as string),
        full_name,
        -- Lever has no company or title field. `headline` is free text, "typically a list of
        -- previous companies ... or schools", sometimes a title (docs/sources.md): reading it
        -- as "<title> at <company>" invents facts, so Lever records carry neither.
        cast(null as string),
        cast(null as string),
        location,
        {{ json_array_texts('emails_json') }},
        {{ json_array_texts('phones_json', 'value') }},
        {{ json_array_texts('links_json') }},
        -- Lever's `contact` groups one person's opportunities: the source says they match.
        'lever-contact:' || contact_id,
        coalesce(updated_at, created_at),
        false
    from {{ ref('stg_lever__opportunities') }}
),

ashby as (
    select
        'ashby:candidates:' || source_record_id,
        'ashby',
        'candidates',
        source_record_id,
        cast(null as string),
        cast(null as string),
        full_name,
        company,
        position,
        location_summary,
        {{ list_distinct(list_concat(
            list_of_present(['primary_email']),
            json_array_texts('email_addresses_json', 'value')
        )) }},
        {{ json_array_texts('phone_numbers_json', 'value') }},
        {{ json_array_texts('social_links_json', 'url') }},
        cast(null as string),
        coalesce(updated_at, created_at),
        false
    from {{ ref('stg_ashby__candidates') }}
),

eventbrite as (
    select
        'eventbrite:attendees:' || source_record_id,
        'eventbrite',
        'attendees',
        source_record_id,
        first_name,
        last_name,
        full_name,
        company,
        job_title,
        cast(null as string),
        {{ list_of_present(['email']) }},
        {{ empty_text_list() }},
        {{ empty_text_list() }},
        cast(null as string),
        coalesce(changed_at, created_at),
        -- On a multi-ticket order the first seat is the buyer's own; the other rows carry the
        -- buyer's profile, which says nothing about who actually holds those tickets.
        is_buyer_profile_copy and order_seat_number > 1
    from {{ ref('stg_eventbrite__attendees') }}
),

event_csv as (
    select
        'events:signups:' || source_record_id,
        'event_csv',
        'signups',
        source_record_id,
        first_name,
        last_name,
        full_name,
        company,
        job_title,
        cast(null as string),
        {{ list_of_present(['email']) }},
        {{ list_of_present(['phone']) }},
        {{ list_of_present(['linkedin_url']) }},
        cast(null as string),
        coalesce(cast(registered_at as timestamp), cast(event_date as timestamp), fetched_at),
        false
    from {{ ref('stg_event_csv__registrations') }}
),

sourcing as (
    select
        'sourcing:profiles:' || source_record_id,
        'sourcing',
        'profiles',
        source_record_id,
        first_name,
        last_name,
        full_name,
        company,
        job_title,
        location,
        {{ list_of_present(['email']) }},
        {{ list_of_present(['phone']) }},
        {{ list_of_present(['profile_url']) }},
        cast(null as string),
        coalesce(cast(sourced_at as timestamp), fetched_at),
        false
    from {{ ref('stg_sourcing__profiles') }}
),

hris as (
    select
        'hris:employees:' || source_record_id,
        'hris',
        'employees',
        source_record_id,
        first_name,
        last_name,
        full_name,
        cast(null as string),
        job_title,
        cast(null as string),
        {{ list_of_present(['personal_email', 'work_email']) }},
        {{ empty_text_list() }},
        {{ empty_text_list() }},
        'hris-employee:' || employee_id,
        coalesce(cast(end_date as timestamp), cast(start_date as timestamp), fetched_at),
        false
    from {{ ref('stg_hris__employees') }}
),

outreach as (
    -- An outreach log row names a person only by address; identity ties it to its contact.
    select
        'outreach:events:' || source_record_id,
        'outreach',
        'events',
        source_record_id,
        cast(null as string),
        cast(null as string),
        cast(null as string),
        cast(null as string),
        cast(null as string),
        cast(null as string),
        {{ list_of_present(['email']) }},
        {{ empty_text_list() }},
        {{ empty_text_list() }},
        cast(null as string),
        cast(occurred_at as timestamp),
        false
    from {{ ref('stg_outreach__events') }}
),

pdl_latest as (
    -- One enrichment per PDL person (a person asked about twice answers twice).
    select *
    from (
        select
            *,
            row_number() over (partition by pdl_person_id order by enriched_at desc) as enrichment_rank
        from {{ ref('stg_pdl__person_enrichments') }}
        where pdl_person_id is not null
    ) as ranked
    where enrichment_rank = 1
),

pdl as (
    select
        'pdl:enrichment:' || pdl_person_id,
        'pdl',
        'enrichment',
        pdl_person_id,
        first_name,
        last_name,
        full_name,
        company,
        job_title,
        location_name,
        {{ list_distinct(list_concat(
            list_of_present(['work_email']), json_array_texts('emails_json', 'address')
        )) }},
        {{ empty_text_list() }},
        {{ list_of_present(['linkedin_url']) }},
        cast(null as string),
        cast(enriched_at as timestamp),
        false
    from pdl_latest
),

unioned as (
    select * from greenhouse
    union all select * from lever
    union all select * from ashby
    union all select * from eventbrite
    union all select * from event_csv
    union all select * from sourcing
    union all select * from hris
    union all select * from outreach
    union all select * from pdl
)

select
    record_key,
    source,
    entity,
    source_record_id,
    -- Names and companies as they display: control and bidi-override characters removed
    -- (every person-bearing feed passes here on its way to identity and crm.contacts).
    {{ displayable_text('first_name') }} as first_name,
    {{ displayable_text('last_name') }} as last_name,
    {{ displayable_text('full_name') }} as full_name,
    {{ displayable_text('company') }} as company,
    {{ displayable_text('title') }} as title,
    {{ displayable_text('location') }} as location,
    emails,
    phones,
    profile_urls,
    source_person_key,
    record_updated_at,
    is_buyer_profile_copy,
    -- Default region for national phone formats; the engine derives it from `location` when
    -- a source does not say (no source here states a country code explicitly).
    cast(null as string) as country_hint
from unioned
