-- Which source records make up each contact (lineage for access requests and merges).
select
    record_contacts.contact_id,
    records.source,
    records.entity as source_entity,
    records.source_record_id,
    records.record_key,
    records.record_updated_at
from {{ source('identity', 'record_contacts') }} as record_contacts
inner join {{ ref('int_person_records') }} as records
    on record_contacts.record_key = records.record_key
