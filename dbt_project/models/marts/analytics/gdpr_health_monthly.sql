-- GDPR health over time, from the two ledgers that keep history: erasures and retention
-- purges per month (gdpr.audit_log: one row per erased subject, by action) and the size of the
-- suppression list at each month end (gdpr.suppression_list.added_at; hashes are never
-- removed). Consent gaps, Art. 14 notices and retention due are CURRENT state only (the gdpr
-- marts are rebuilt each run): see analytics.gdpr_health_current, whose figures the report
-- asset records as metadata on every run so Dagster plots them over time.
with

audit_log as (
    {{ relation_or_empty(source('gdpr_ledgers', 'audit_log'), [
        ('action', 'string'), ('performed_at', 'timestamp'), ('contacts_removed', 'bigint')
    ]) }}
),

suppression_list as (
    {{ relation_or_empty(source('gdpr_ledgers', 'suppression_list'), [
        ('identifier_hash', 'string'), ('reason', 'string'), ('added_at', 'timestamp')
    ]) }}
),

bounds as (
    select
        coalesce(
            least(
                (select min(performed_at) from audit_log),
                (select min(added_at) from suppression_list)
            ),
            {{ as_of_date() }}
        ) as first_at,
        -- The ledgers carry wall-clock times; a run pinned to an earlier as-of day still shows them.
        greatest(
            {{ as_of_date() }},
            coalesce((select max(performed_at) from audit_log), {{ as_of_date() }}),
            coalesce((select max(added_at) from suppression_list), {{ as_of_date() }})
        ) as last_at
),

months as (
    {{ month_spine('(select first_at from bounds)', '(select last_at from bounds)') }}
),

audit_by_month as (
    select
        cast({{ dbt.date_trunc('month', 'performed_at') }} as date) as month_start,
        count(*) filter (where action = 'erasure') as erasure_requests,
        count(*) filter (where action = 'retention_purge') as retention_purges,
        count(*) filter (where action not in ('erasure', 'retention_purge')) as other_erasures,
        cast(sum(contacts_removed) as bigint) as contacts_removed
    from audit_log
    group by 1
),

first_listed as (
    -- A hash can be listed under several reasons: it joins the list once, when first added.
    select identifier_hash, min(added_at) as first_added_at
    from suppression_list
    group by identifier_hash
),

suppression_by_month as (
    select
        cast({{ dbt.date_trunc('month', 'first_added_at') }} as date) as month_start,
        count(*) as suppression_hashes_added
    from first_listed
    group by 1
),

filled as (
    select
        months.month_start,
        coalesce(audit_by_month.erasure_requests, 0) as erasure_requests,
        coalesce(audit_by_month.retention_purges, 0) as retention_purges,
        coalesce(audit_by_month.other_erasures, 0) as other_erasures,
        coalesce(audit_by_month.contacts_removed, 0) as contacts_removed,
        coalesce(suppression_by_month.suppression_hashes_added, 0) as suppression_hashes_added
    from months
    left join audit_by_month on months.month_start = audit_by_month.month_start
    left join suppression_by_month on months.month_start = suppression_by_month.month_start
)

select
    month_start,
    erasure_requests,
    retention_purges,
    other_erasures,
    contacts_removed,
    suppression_hashes_added,
    cast(sum(suppression_hashes_added) over (order by month_start) as bigint)
        as suppression_list_size
from filled
