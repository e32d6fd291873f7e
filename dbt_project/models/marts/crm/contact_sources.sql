-- Which source records make up each contact (lineage for GDPR access requests and merges).
with

grouped as (
    select * from {{ ref('int_contact_records_grouped') }}
),

candidates as (
    select * from {{ ref('stg_greenhouse__candidates') }}
)

select
    grouped.contact_id,
    grouped.source,
    grouped.source_entity,
    grouped.source_record_id,
    grouped.primary_email,
    candidates.created_at as source_created_at,
    candidates.updated_at as source_updated_at,
    candidates.batch_id as last_batch_id,
    candidates.fetched_at as last_fetched_at
from grouped
inner join candidates
    on grouped.source = candidates.source
    and grouped.source_record_id = candidates.source_record_id
