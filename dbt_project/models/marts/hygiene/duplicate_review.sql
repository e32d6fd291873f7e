-- Borderline pairs: similar enough to look like one person, not sure enough to merge.
-- A human decides; nothing here changes a contact.
with

pairs as (
    select * from {{ source('identity', 'review_pairs') }}
),

record_contacts as (
    select * from {{ source('identity', 'record_contacts') }}
),

records as (
    select record_key, source, coalesce(full_name, first_name || ' ' || last_name) as name,
        company
    from {{ ref('int_person_records') }}
)

select
    a.contact_id as contact_id_a,
    b.contact_id as contact_id_b,
    pairs.record_key_a,
    pairs.record_key_b,
    ra.source as source_a,
    rb.source as source_b,
    ra.name as name_a,
    rb.name as name_b,
    ra.company as company_a,
    rb.company as company_b,
    pairs.rule,
    pairs.score,
    pairs.evidence,
    -- Why the pair was held instead of merged, in words a reviewer acts on (read from the
    -- engine's evidence tags, edges.py `score_fuzzy`): the strongest reason first.
    case
        when pairs.evidence like '%veto:conflicting_identifier%'
            then 'conflicting identifiers: the two hold different phones, profiles or personal addresses'
        when pairs.evidence like '%hold:common_name%'
            then 'common name: other people in the market would match this well by coincidence'
        when pairs.evidence like '%-city%'
            then 'different home cities'
        when pairs.evidence like '%-role%'
            then 'different roles'
        else 'too little corroboration: the name and at most one shared company, city or role'
    end as held_because
from pairs
inner join record_contacts a on pairs.record_key_a = a.record_key
inner join record_contacts b on pairs.record_key_b = b.record_key
left join records ra on pairs.record_key_a = ra.record_key
left join records rb on pairs.record_key_b = rb.record_key
where a.contact_id <> b.contact_id
