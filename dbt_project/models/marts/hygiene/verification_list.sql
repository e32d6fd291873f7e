-- Stale contacts worth a "still at <company>?" e-mail: we know a company to ask about, have an
-- address, and may contact them at all (gdpr.outreach_eligibility.can_contact — which already
-- excludes opt-outs, hard bounces, suppressed people and overdue Art. 14 notices). The most
-- recently active come first: their address is the likeliest to still work.
with

stale as (
    select * from {{ ref('stale_contacts') }}
),

eligibility as (
    select contact_id, can_contact from {{ ref('outreach_eligibility') }}
)

select
    stale.contact_id,
    stale.full_name,
    stale.primary_email,
    stale.current_title,
    stale.current_company,
    'Still at ' || stale.current_company || '?' as verification_question,
    stale.last_activity_at,
    stale.months_since_activity,
    row_number() over (order by stale.last_activity_at desc nulls last, stale.contact_id)
        as priority
from stale
inner join eligibility on stale.contact_id = eligibility.contact_id
where eligibility.can_contact
    and stale.primary_email is not null
    and stale.current_company is not null
