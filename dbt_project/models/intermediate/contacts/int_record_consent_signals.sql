-- Restrictive signals per source record: opt-outs, objections, refused consent, hard bounces,
-- anonymisation and deletion. Contacts inherit the most restrictive signal of ANY member
-- record, so one "stop" anywhere stops outreach to the person everywhere.
with

greenhouse as (
    select
        'greenhouse:candidates:' || source_record_id as record_key,
        'greenhouse' as source,
        'opt_out' as signal,
        updated_at as observed_at,
        'Greenhouse can_email=false' as detail
    from {{ ref('stg_greenhouse__candidates') }}
    where can_email = false
    union all
    -- Deleted or anonymised in Greenhouse (web hooks): the person's data must go here too.
    select
        'greenhouse:candidates:' || cast(candidate_id as string), 'greenhouse', signal,
        observed_at, 'Greenhouse candidate ' || signal
    from {{ ref('stg_greenhouse__candidate_erasures') }}
    where signal in ('deleted', 'anonymized')
),

lever as (
    select
        'lever:opportunities:' || source_record_id, 'lever', 'opt_out', updated_at,
        'Lever dataProtection contact not allowed'
    from {{ ref('stg_lever__opportunities') }}
    where contact_allowed = false
    union all
    select
        'lever:opportunities:' || source_record_id, 'lever', 'anonymized', updated_at,
        'Lever opportunity anonymized'
    from {{ ref('stg_lever__opportunities') }}
    where is_anonymized
    union all
    select
        'lever:opportunities:' || source_record_id, 'lever', 'deleted', updated_at,
        'Lever opportunity deleted'
    from {{ ref('stg_lever__opportunities') }}
    where is_deleted
),

ashby as (
    select
        'ashby:candidates:' || source_record_id, 'ashby', 'anonymized', updated_at,
        'Ashby candidate anonymized'
    from {{ ref('stg_ashby__candidates') }}
    where is_anonymized
),

eventbrite as (
    -- Only the attendee's OWN answer counts: a buyer's "no" is not the attendee's.
    select
        'eventbrite:attendees:' || source_record_id, 'eventbrite', 'consent_refused', changed_at,
        'Eventbrite marketing consent answered no'
    from {{ ref('stg_eventbrite__attendees') }}
    where attendee_marketing_consent = false
),

event_csv as (
    select
        'events:signups:' || source_record_id, 'event_csv', 'consent_refused',
        cast(coalesce(registered_at, event_date) as timestamp),
        'Event sign-up consent answered no'
    from {{ ref('stg_event_csv__registrations') }}
    where consent_given = false
),

outreach as (
    select
        'outreach:events:' || source_record_id,
        'outreach',
        case when event_type = 'bounced' then 'hard_bounce' else 'opt_out' end,
        cast(occurred_at as timestamp),
        case
            when event_type = 'bounced' then 'Outreach hard bounce'
            when event_type = 'complained' then 'Outreach spam complaint'
            else 'Outreach unsubscribe'
        end
    from {{ ref('stg_outreach__events') }}
    where event_type in ('unsubscribed', 'complained')
        or (event_type = 'bounced' and bounce_type = 'hard')
)

select * from greenhouse
union all select * from lever
union all select * from ashby
union all select * from eventbrite
union all select * from event_csv
union all select * from outreach
