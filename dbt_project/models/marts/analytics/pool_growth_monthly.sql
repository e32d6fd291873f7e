-- Size and growth of the talent pool by month: contacts first seen in the month, the pool at
-- month end, and month-over-month growth. `contactable_pool` counts contacts that may be
-- contacted TODAY (consent is current state, not history) among those in the pool then.
-- By segment / role family: see the note in _analytics__models.yml (needs segments).
with

contacts as (
    select * from {{ ref('contacts') }}
    where first_seen_at is not null
),

months as (
    {{ month_spine('(select min(first_seen_at) from contacts)', as_of_date()) }}
),

new_by_month as (
    select
        cast({{ dbt.date_trunc('month', 'first_seen_at') }} as date) as month_start,
        count(*) as new_contacts,
        count(*) filter (where can_contact) as new_contactable_contacts
    from contacts
    group by 1
),

filled as (
    select
        months.month_start,
        coalesce(new_by_month.new_contacts, 0) as new_contacts,
        coalesce(new_by_month.new_contactable_contacts, 0) as new_contactable_contacts
    from months
    left join new_by_month on months.month_start = new_by_month.month_start
),

running as (
    select
        month_start,
        new_contacts,
        sum(new_contacts) over (order by month_start) as pool_size,
        sum(new_contactable_contacts) over (order by month_start) as contactable_pool
    from filled
)

select
    month_start,
    new_contacts,
    pool_size,
    contactable_pool,
    {{ safe_share('new_contacts', 'pool_size - new_contacts') }} as growth_rate
from running
