-- GDPR Art. 14: people whose data we did not obtain from them (sourced, enriched, a ticket
-- bought by someone else) must be told — at the latest one month after we obtained it, or at
-- the first communication if that is earlier. One row per contact with such data not yet
-- covered by a notice: the list to send. A notice is an outreach `sent` event whose campaign
-- is one of `art14_notice_campaigns` (dbt var) in the outreach log, so sent notices come back
-- through the outreach feed as touchpoints; a notice covers data obtained up to its send date.
-- `notice_due_on` is the last allowed day; the notice is overdue from the day after. The rule
-- itself is macros/art14.sql (the match backtest evaluates the same macros at past moments).
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

{{ art14_notice_deadlines('record_basis', 'interactions') }},

indirect_sources as (
    select contact_id, {{ sorted_distinct_list_agg('source') }} as indirect_sources
    from art14_uncovered
    group by contact_id
)

select
    deadlines.contact_id,
    contacts.full_name,
    contacts.primary_email,
    indirect_sources.indirect_sources,
    deadlines.first_obtained_at,
    deadlines.first_outreach_at,
    deadlines.last_notice_at,
    deadlines.notice_due_on,
    {{ days_between(as_of_date(), 'deadlines.notice_due_on') }} as days_until_due,
    {{ art14_notice_is_overdue('deadlines.notice_due_on', as_of_date()) }} as is_overdue,
    contacts.primary_email is not null as has_email
from art14_deadlines as deadlines
inner join indirect_sources on deadlines.contact_id = indirect_sources.contact_id
inner join contacts on deadlines.contact_id = contacts.contact_id
