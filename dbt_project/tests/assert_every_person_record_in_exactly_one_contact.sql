{{ config(meta={"dagster": {"asset_key": ["crm", "contact_sources"]}}) }}
-- Nothing is lost: every person record of every source belongs to exactly one contact.
select records.record_key, count(contact_sources.contact_id) as contact_count
from {{ ref('int_person_records') }} as records
left join {{ ref('contact_sources') }} as contact_sources
    on contact_sources.record_key = records.record_key
group by records.record_key
having count(contact_sources.contact_id) <> 1
