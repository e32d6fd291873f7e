-- Lawful basis (GDPR Art. 6) of every source record we hold, per the seed
-- `lawful_basis_by_source`: consent only where the record carries the person's OWN yes (with
-- its evidence and timestamp — a ticket buyer's answer is not the attendee's), legitimate
-- interest with its assessment reference, or none. Also whether the data was obtained from
-- the person (Art. 14) and when we obtained it.
with

records as (
    select * from {{ ref('int_person_records') }}
),

record_contacts as (
    select * from {{ source('identity', 'record_contacts') }}
),

policy as (
    select * from {{ ref('lawful_basis_by_source') }}
),

eventbrite_consent as (
    select
        'eventbrite:attendees:' || source_record_id as record_key,
        coalesce(changed_at, created_at) as consent_at,
        'Eventbrite event ' || event_id || ': attendee answered yes to the consent question'
            as consent_evidence
    from {{ ref('stg_eventbrite__attendees') }}
    where attendee_marketing_consent
),

event_csv_consent as (
    select
        'events:signups:' || source_record_id as record_key,
        cast(coalesce(registered_at, event_date) as timestamp) as consent_at,
        'Event sign-up export ' || coalesce(file_name, '?') || ' row '
            || coalesce(cast(file_row_number as string), '?') || ': consent=yes' as consent_evidence
    from {{ ref('stg_event_csv__registrations') }}
    where consent_given
),

consents as (
    select * from eventbrite_consent
    union all
    select * from event_csv_consent
)

select
    record_contacts.contact_id,
    records.record_key,
    records.source,
    records.entity,
    records.record_updated_at as obtained_at,
    -- Seats on someone else's order carry the buyer's data: not obtained from the holder.
    coalesce(policy.obtained_from_person, false) and not records.is_buyer_profile_copy
        as obtained_from_person,
    case
        when policy.lawful_basis = 'consent' and consents.record_key is not null then 'consent'
        when policy.lawful_basis = 'legitimate_interest' then 'legitimate_interest'
    end as lawful_basis,
    case when policy.lawful_basis = 'consent' then consents.consent_at end as consent_at,
    case when policy.lawful_basis = 'consent' then consents.consent_evidence end
        as consent_evidence,
    case when policy.lawful_basis = 'legitimate_interest' then policy.assessment_reference end
        as assessment_reference,
    policy.purposes
from records
inner join record_contacts on records.record_key = record_contacts.record_key
left join policy on records.source = policy.source
left join consents on records.record_key = consents.record_key
