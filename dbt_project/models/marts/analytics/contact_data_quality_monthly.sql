-- Tagging completeness and stale share of the pool at each month end (last 24 months).
-- Stale = no meaningful action (reply, click, attendance, application) in the
-- `stale_after_days` (default 365) before month end: rebuilt from dated interactions, so it is
-- true history. Tagging completeness uses each contact's CURRENT profile fields (title,
-- company, location, LinkedIn) for the contacts in the pool then: the CRM keeps no history of
-- profile fields, so the line shows how complete the pool of that time is today.
with

contacts as (
    select * from {{ ref('contacts') }}
    where first_seen_at is not null
),

meaningful as (
    select contact_id, occurred_at
    from {{ ref('interactions') }}
    where is_meaningful_action and occurred_at is not null
),

months as (
    select
        month_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'month_start')) }} as date)
            as month_end
    from (
        {{ month_spine(dbt.dateadd('month', -23, as_of_date()), as_of_date()) }}
    ) as spine
),

pool as (
    select
        months.month_start,
        months.month_end,
        contacts.contact_id,
        contacts.current_title is not null as has_title,
        contacts.current_company is not null as has_company,
        contacts.location is not null as has_location,
        contacts.linkedin_url is not null as has_linkedin
    from months
    inner join contacts on cast(contacts.first_seen_at as date) <= months.month_end
),

active as (
    select distinct months.month_start, meaningful.contact_id
    from months
    inner join meaningful
        on cast(meaningful.occurred_at as date) <= months.month_end
        and cast(meaningful.occurred_at as date)
            > {{ dbt.dateadd('day', -var('stale_after_days', 365), 'months.month_end') }}
),

flagged as (
    select
        pool.*,
        active.contact_id is null as is_stale
    from pool
    left join active
        on pool.month_start = active.month_start and pool.contact_id = active.contact_id
)

select
    month_start,
    count(*) as pool_size,
    {{ safe_share('count(*) filter (where has_title)', 'count(*)') }} as title_share,
    {{ safe_share('count(*) filter (where has_company)', 'count(*)') }} as company_share,
    {{ safe_share('count(*) filter (where has_location)', 'count(*)') }} as location_share,
    {{ safe_share('count(*) filter (where has_linkedin)', 'count(*)') }} as linkedin_share,
    {{ safe_share('count(*) filter (where has_title and has_company and has_location)', 'count(*)') }}
        as fully_tagged_share,
    count(*) filter (where is_stale) as stale_contacts,
    {{ safe_share('count(*) filter (where is_stale)', 'count(*)') }} as stale_share
from flagged
group by month_start
