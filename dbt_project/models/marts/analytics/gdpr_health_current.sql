-- GDPR health as of this run, one row. These figures are CURRENT state only: the gdpr marts
-- are rebuilt from scratch on every run and keep no history. The report asset
-- (analytics/talent_crm_report) records each of them as numeric metadata on every
-- materialization, which is where their history lives (asset → Plots in the Dagster UI).
-- Erasures, purges and the suppression list over time: analytics.gdpr_health_monthly.
with

eligibility as (
    select * from {{ ref('outreach_eligibility') }}
),

monthly as (
    select * from {{ ref('gdpr_health_monthly') }}
)

select
    {{ as_of_date() }} as as_of_date,
    (select count(*) from eligibility) as contacts,
    (select count(*) from eligibility where can_contact) as contactable,
    (select count(*) from {{ ref('consent_gaps') }}) as consent_gaps,
    (select count(*) from {{ ref('art14_notices_due') }}) as art14_notices_due,
    (select count(*) from {{ ref('art14_notices_due') }} where is_overdue) as art14_notices_overdue,
    (select count(*) from {{ ref('retention_due') }}) as retention_due_30_days,
    (select count(*) from {{ ref('retention_due') }} where is_purge_due) as retention_purge_due,
    (select count(*) from eligibility where {{ list_contains('block_reasons', "'suppressed'") }})
        as suppressed_contacts,
    cast(coalesce((select sum(retention_purges) from monthly), 0) as bigint)
        as retention_purges_total,
    cast(coalesce((select sum(erasure_requests) from monthly), 0) as bigint)
        as erasure_requests_total,
    coalesce(
        (select suppression_list_size from monthly order by month_start desc limit 1), 0
    ) as suppression_list_size
