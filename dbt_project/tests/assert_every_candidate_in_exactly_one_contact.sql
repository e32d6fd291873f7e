{{ config(meta={"dagster": {"asset_key": ["crm", "contact_sources"]}}) }}
-- Nothing is lost: every landed Greenhouse candidate belongs to exactly one contact.
select candidates.source_record_id, count(contact_sources.contact_id) as contact_count
from {{ ref('stg_greenhouse__candidates') }} as candidates
left join {{ ref('contact_sources') }} as contact_sources
    on contact_sources.source = 'greenhouse'
    and contact_sources.source_entity = 'candidates'
    and contact_sources.source_record_id = candidates.source_record_id
group by candidates.source_record_id
having count(contact_sources.contact_id) <> 1
