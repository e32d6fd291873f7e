{{ config(tags=['post_identity']) }}
-- One row per (contact, event) registration or attendance up to `as_of_date`: the
-- `event_attendances` relation of segments.yml. `attended` is true when any of the contact's
-- records for that event checked in / attended.
with

events as (
    select
        contact_id,
        subject as event_name,
        cast(min(occurred_at) as date) as event_on,
        bool_or(interaction_type = 'event_attendance') as attended
    from {{ ref('interactions') }}
    where interaction_type in ('event_registration', 'event_attendance')
        and subject is not null
        and occurred_at < {{ as_of_date() }} + interval 1 day
    group by contact_id, subject
),

facts as (
    select * from {{ ref('int_segment_contact_facts') }}
)

select
    facts.*,
    events.event_name,
    events.event_on,
    events.attended
from events
inner join facts on events.contact_id = facts.contact_id
