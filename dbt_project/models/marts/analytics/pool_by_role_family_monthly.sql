-- Size and growth of the pool by role family and month: contacts first seen in the month, the
-- pool at month end and month-over-month growth, per role family. The role family is the
-- contact's CURRENT tag (segments.contact_profiles; taxonomy seeds re-tag everyone on every
-- run), so a person who moved from engineering to data counts as data in every month.
-- `contactable_pool` counts contacts gdpr.outreach_eligibility allows TODAY among those then.
with

contacts as (
    select
        contacts.contact_id,
        contacts.first_seen_at,
        coalesce(profiles.role_family, 'unknown') as role_family,
        coalesce(eligibility.can_contact, false) as can_contact
    from {{ ref('contacts') }} as contacts
    left join {{ ref('contact_profiles') }} as profiles
        on contacts.contact_id = profiles.contact_id
    left join {{ ref('outreach_eligibility') }} as eligibility
        on contacts.contact_id = eligibility.contact_id
    where contacts.first_seen_at is not null
),

months as (
    {{ month_spine('(select min(first_seen_at) from contacts)', as_of_date()) }}
),

families as (
    select distinct role_family from contacts
),

new_by_month as (
    select
        cast({{ dbt.date_trunc('month', 'first_seen_at') }} as date) as month_start,
        role_family,
        count(*) as new_contacts,
        count(*) filter (where can_contact) as new_contactable_contacts
    from contacts
    group by 1, 2
),

filled as (
    select
        months.month_start,
        families.role_family,
        coalesce(new_by_month.new_contacts, 0) as new_contacts,
        coalesce(new_by_month.new_contactable_contacts, 0) as new_contactable_contacts
    from months
    cross join families
    left join new_by_month
        on months.month_start = new_by_month.month_start
        and families.role_family = new_by_month.role_family
),

running as (
    select
        month_start,
        role_family,
        new_contacts,
        cast(sum(new_contacts) over (
            partition by role_family order by month_start
        ) as bigint) as pool_size,
        cast(sum(new_contactable_contacts) over (
            partition by role_family order by month_start
        ) as bigint) as contactable_pool
    from filled
)

select
    month_start,
    role_family,
    new_contacts,
    pool_size,
    contactable_pool,
    {{ safe_share('new_contacts', 'pool_size - new_contacts') }} as growth_rate
from running
