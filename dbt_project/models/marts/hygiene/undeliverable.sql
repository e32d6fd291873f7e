-- Contacts whose address hard-bounced (any member record). Excluded from every outreach via
-- gdpr.outreach_eligibility (`hard_bounced`); listed here so someone finds a working address.
with

contacts as (
    select * from {{ ref('contacts') }}
),

bounces as (
    select
        contact_id,
        count(*) as hard_bounces,
        min(occurred_at) as first_hard_bounce_at,
        max(occurred_at) as last_hard_bounce_at
    from {{ ref('interactions') }}
    where interaction_type = 'outreach_bounced' and reason = 'hard'
    group by contact_id
)

select
    contacts.contact_id,
    contacts.full_name,
    contacts.primary_email,
    contacts.current_company,
    coalesce(bounces.hard_bounces, 0) as hard_bounces,
    bounces.first_hard_bounce_at,
    bounces.last_hard_bounce_at,
    {{ list_size('contacts.emails') }} as known_emails
from contacts
left join bounces on contacts.contact_id = bounces.contact_id
where contacts.is_hard_bounced
