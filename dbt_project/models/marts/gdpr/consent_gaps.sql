-- Contacts we hold without any lawful basis: no recorded consent and no source covered by a
-- legitimate-interest assessment (e.g. known only from an outreach log or an enrichment).
-- Outreach to them is blocked (`no_lawful_basis`); ask for consent or let retention purge them.
with

basis as (
    select * from {{ ref('contact_lawful_basis') }}
),

contacts as (
    select * from {{ ref('contacts') }}
)

select
    contacts.contact_id,
    contacts.full_name,
    contacts.primary_email,
    contacts.sources,
    contacts.first_seen_at,
    contacts.last_meaningful_action_at
from contacts
inner join basis on contacts.contact_id = basis.contact_id
where not basis.has_lawful_basis
