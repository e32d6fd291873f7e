-- Every normalised email / phone / profile of every contact, with where and when it was seen.
with

identifiers as (
    select * from {{ source('identity', 'record_identifiers') }}
),

record_contacts as (
    select * from {{ source('identity', 'record_contacts') }}
),

records as (
    select record_key, source, record_updated_at from {{ ref('int_person_records') }}
),

priority as (
    select source, priority from {{ ref('source_priority') }}
)

select
    record_contacts.contact_id,
    identifiers.kind,
    identifiers.value,
    bool_or(identifiers.is_evidence) as is_evidence,
    {{ sorted_distinct_list_agg('records.source') }} as sources,
    min(coalesce(priority.priority, 9)) as best_source_priority,
    min(records.record_updated_at) as first_seen_at,
    max(records.record_updated_at) as last_seen_at,
    count(*) as record_count
from identifiers
inner join record_contacts on identifiers.record_key = record_contacts.record_key
inner join records on identifiers.record_key = records.record_key
left join priority on records.source = priority.source
group by record_contacts.contact_id, identifiers.kind, identifiers.value
