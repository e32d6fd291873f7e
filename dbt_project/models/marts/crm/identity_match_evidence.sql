-- Why records were (or were not) joined: every edge the matcher scored, with rule and score,
-- and every reviewer answer on a pair (who answered, when, and whether identity accepted it or
-- quarantined it because the records changed since the pair was shown).
with

edges as (
    select
        record_key_a, record_key_b, rule, score, evidence, applied,
        cast(null as string) as reviewer,
        cast(null as timestamp) as decided_at
    from {{ source('identity', 'match_edges') }}
),

answers as (
    select
        record_key_a,
        record_key_b,
        'review_' || decision as rule,
        cast(null as double) as score,
        'reviewed:' || decision_id || ' ' || status
            || coalesce(' (' || reason || ')', '') as evidence,
        status = 'accepted' as applied,
        reviewer,
        decided_at
    from {{ source('identity', 'review_answers') }}
),

all_evidence as (
    select * from edges
    union all
    select * from answers
)

select
    all_evidence.record_key_a,
    all_evidence.record_key_b,
    contacts_a.contact_id as contact_id_a,
    contacts_b.contact_id as contact_id_b,
    all_evidence.rule,
    all_evidence.score,
    all_evidence.evidence,
    all_evidence.applied,
    all_evidence.reviewer,
    all_evidence.decided_at
from all_evidence
left join {{ source('identity', 'record_contacts') }} as contacts_a
    on all_evidence.record_key_a = contacts_a.record_key
left join {{ source('identity', 'record_contacts') }} as contacts_b
    on all_evidence.record_key_b = contacts_b.record_key
