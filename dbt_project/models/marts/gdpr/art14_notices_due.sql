-- GDPR Art. 14: people whose data we did not obtain from them (sourced, enriched, a ticket
-- bought by someone else) must be told — at the latest one month after we obtained it, or at
-- the first communication if that is earlier. One row per contact with such data not yet
-- covered by a notice: the list to send. A notice is an outreach `sent` event whose campaign
-- is one of `art14_notice_campaigns` (dbt var) in the outreach log, so sent notices come back
-- through the outreach feed as touchpoints; a notice covers data obtained up to its send date.
-- `notice_due_on` is the last allowed day; the notice is overdue from the day after.
{%- set notice_campaigns = var('art14_notice_campaigns', ['gdpr-art14-notice']) %}
with

record_basis as (
    select * from {{ ref('record_lawful_basis') }}
),

interactions as (
    select * from {{ ref('interactions') }}
),

contacts as (
    select * from {{ ref('contacts') }}
),

notices as (
    select contact_id, max(occurred_at) as last_notice_at
    from interactions
    where interaction_type = 'outreach_sent'
        and subject in ({% for c in notice_campaigns %}'{{ c }}'{% if not loop.last %}, {% endif %}{% endfor %})
    group by contact_id
),

uncovered as (
    -- Indirectly obtained records newer than the latest notice.
    select record_basis.contact_id, record_basis.source, record_basis.obtained_at
    from record_basis
    left join notices on record_basis.contact_id = notices.contact_id
    where not record_basis.obtained_from_person
        and record_basis.obtained_at is not null
        and (notices.last_notice_at is null or record_basis.obtained_at > notices.last_notice_at)
),

pending as (
    select
        contact_id,
        min(obtained_at) as first_obtained_at,
        list_sort(list_distinct(list(source))) as indirect_sources
    from uncovered
    group by contact_id
),

first_outreach as (
    -- The first non-notice message after the data was obtained: the notice is due with it.
    select pending.contact_id, min(interactions.occurred_at) as first_outreach_at
    from pending
    inner join interactions
        on pending.contact_id = interactions.contact_id
        and interactions.interaction_type = 'outreach_sent'
        and interactions.occurred_at >= pending.first_obtained_at
    group by pending.contact_id
),

deadlines as (
    select
        pending.*,
        notices.last_notice_at,
        first_outreach.first_outreach_at,
        least(
            {{ add_months('cast(pending.first_obtained_at as date)', 1) }},
            cast(first_outreach.first_outreach_at as date)
        ) as notice_due_on
    from pending
    left join notices on pending.contact_id = notices.contact_id
    left join first_outreach on pending.contact_id = first_outreach.contact_id
)

select
    deadlines.contact_id,
    contacts.full_name,
    contacts.primary_email,
    deadlines.indirect_sources,
    deadlines.first_obtained_at,
    deadlines.first_outreach_at,
    deadlines.last_notice_at,
    deadlines.notice_due_on,
    deadlines.notice_due_on - {{ as_of_date() }} as days_until_due,
    deadlines.notice_due_on < {{ as_of_date() }} as is_overdue,
    contacts.primary_email is not null as has_email
from deadlines
inner join contacts on deadlines.contact_id = contacts.contact_id
