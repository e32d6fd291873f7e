-- Contacts we know nothing fresh about: no meaningful candidate action (reply, click,
-- attendance, application...) AND no data refresh from any source for `stale_after_months`
-- (dbt var, default 12). Contact data goes stale within 12–18 months; these people are the
-- input of the "still at X?" verification list and of the monthly enrichment run.
{%- set stale_after_months = var('stale_after_months', 12) %}
with

contacts as (
    select * from {{ ref('contacts') }}
),

activity as (
    select
        *,
        -- greatest() skips nulls: a contact never acted on still has its data refresh date.
        greatest(last_meaningful_action_at, last_updated_at) as last_activity_at
    from contacts
)

select
    contact_id,
    full_name,
    primary_email,
    current_title,
    current_company,
    current_job_source,
    sources,
    last_meaningful_action_at,
    last_updated_at,
    last_activity_at,
    {{ months_between_dates('cast(last_activity_at as date)', as_of_date()) }}
        as months_since_activity,
    {{ stale_after_months }} as stale_after_months,
    can_contact
from activity
where last_activity_at is null
    or cast(last_activity_at as date)
        <= {{ add_months(as_of_date(), -1 * stale_after_months) }}
