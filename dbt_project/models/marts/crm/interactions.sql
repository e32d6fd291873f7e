-- The history of every contact: the union of all member records' interactions.
select
    record_contacts.contact_id,
    interactions.record_key,
    interactions.source,
    interactions.interaction_type,
    interactions.occurred_at,
    interactions.req_id,
    interactions.subject,
    interactions.stage,
    interactions.reason,
    interactions.is_meaningful_action
from {{ ref('int_interactions_unioned') }} as interactions
inner join {{ source('identity', 'record_contacts') }} as record_contacts
    on interactions.record_key = record_contacts.record_key
