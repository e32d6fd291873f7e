-- Why records were (or were not) joined: every edge the matcher scored, with rule and score.
select
    edges.record_key_a,
    edges.record_key_b,
    contacts_a.contact_id as contact_id_a,
    contacts_b.contact_id as contact_id_b,
    edges.rule,
    edges.score,
    edges.evidence,
    edges.applied
from {{ source('identity', 'match_edges') }} as edges
left join {{ source('identity', 'record_contacts') }} as contacts_a
    on edges.record_key_a = contacts_a.record_key
left join {{ source('identity', 'record_contacts') }} as contacts_b
    on edges.record_key_b = contacts_b.record_key
