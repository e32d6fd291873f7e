-- Retention: contacts with no meaningful candidate action for their jurisdiction's retention
-- period (seed `retention_policies`, default 24 months; contacts never acting count from
-- first seen) are listed 30 days ahead (`retention_notice_days`), for a consent-extension
-- e-mail, and purged by the nightly job (gdpr/retention_purge, the erasure path) once
-- `purge_on` is reached.
{%- set notice_days = var('retention_notice_days', 30) %}
with

contacts as (
    select * from {{ ref('contacts') }}
),

policies as (
    select * from {{ ref('retention_policies') }}
),

default_policy as (
    select jurisdiction, retention_months from policies where jurisdiction = 'default'
),

locations as (
    -- Policies match on the location text: match each distinct location once, not every
    -- contact (a million contacts share a few thousand locations).
    select distinct location from contacts where location is not null
),

matched_locations as (
    select
        locations.location,
        min(policies.jurisdiction) as jurisdiction,
        {{ arg_min('policies.retention_months', 'policies.jurisdiction') }} as retention_months
    from locations
    inner join policies
        on policies.jurisdiction <> 'default'
        and policies.location_pattern is not null
        and locations.location ilike policies.location_pattern
    group by locations.location
),

matched as (
    select contacts.contact_id, matched_locations.jurisdiction, matched_locations.retention_months
    from contacts
    inner join matched_locations on contacts.location = matched_locations.location
),

schedule as (
    select
        contacts.contact_id,
        contacts.full_name,
        contacts.primary_email,
        contacts.location,
        coalesce(matched.jurisdiction, default_policy.jurisdiction, 'default') as jurisdiction,
        coalesce(matched.retention_months, default_policy.retention_months, 24)
            as retention_months,
        contacts.last_meaningful_action_at,
        coalesce(contacts.last_meaningful_action_at, contacts.first_seen_at) as retention_from
    from contacts
    left join matched on contacts.contact_id = matched.contact_id
    left join default_policy on true
),

dated as (
    select
        *,
        {{ add_months('cast(retention_from as date)', 'retention_months') }} as purge_on
    from schedule
    where retention_from is not null
)

select
    *,
    {{ days_between(as_of_date(), 'purge_on') }} as days_until_purge,
    purge_on <= {{ as_of_date() }} as is_purge_due
from dated
where purge_on <= {{ add_days(as_of_date(), notice_days) }}
