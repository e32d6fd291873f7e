-- The identity inputs of every record in a duplicate-review pair, exactly as the identity
-- engine reads them from int_person_records: the review page shows them side by side and
-- fingerprints what it showed (orchestration/identity/decisions.py `record_fingerprint`), so
-- an answer given on one version of a record is not applied to a changed one.
with

pairs as (
    select record_key_a, record_key_b from {{ ref('duplicate_review') }}
),

records as (
    select * from {{ ref('int_person_records') }}
),

keys as (
    select record_key_a as record_key from pairs
    union
    select record_key_b from pairs
)

select
    records.record_key,
    records.source,
    records.entity,
    records.source_record_id,
    records.first_name,
    records.last_name,
    records.full_name,
    records.company,
    records.title,
    records.location,
    records.emails,
    records.phones,
    records.profile_urls,
    records.source_person_key,
    records.country_hint,
    records.record_updated_at,
    records.is_buyer_profile_copy
from records
inner join keys on keys.record_key = records.record_key
