-- One row per contact (person): best-known name, company and title, primary email, and the
-- most restrictive emailing permission of any member record.
with

grouped as (
    select * from {{ ref('int_contact_records_grouped') }}
),

candidates as (
    select * from {{ ref('stg_greenhouse__candidates') }}
),

members as (
    select
        grouped.contact_id,
        grouped.primary_email,
        candidates.*
    from grouped
    inner join candidates
        on grouped.source = candidates.source
        and grouped.source_record_id = candidates.source_record_id
),

-- Survivorship (slice): the most recently updated member record supplies profile fields.
ranked as (
    select
        *,
        row_number() over (
            partition by contact_id order by updated_at desc, source_record_id
        ) as recency_rank
    from members
),

rollup as (
    select
        contact_id,
        count(*) as source_record_count,
        min(created_at) as first_seen_at,
        max(coalesce(last_activity_at, updated_at)) as last_activity_at,
        max(updated_at) as last_updated_at,
        -- Most restrictive wins: one explicit opt-out blocks email for the whole contact.
        bool_or(coalesce(can_email, true) = false) as has_email_opt_out
    from members
    group by contact_id
),

best as (
    select * from ranked where recency_rank = 1
)

select
    best.contact_id,
    best.first_name,
    best.last_name,
    trim(coalesce(best.first_name, '') || ' ' || coalesce(best.last_name, '')) as full_name,
    best.primary_email,
    best.company,
    best.title,
    not rollup.has_email_opt_out as can_email,
    rollup.source_record_count,
    rollup.first_seen_at,
    rollup.last_activity_at,
    rollup.last_updated_at
from best
inner join rollup on best.contact_id = rollup.contact_id
