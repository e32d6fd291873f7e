-- One lawful basis per contact: the most recent recorded consent if any member record has one
-- (the strongest basis, with evidence and timestamp), else legitimate interest with the
-- assessment reference of its earliest record, else none (listed in gdpr.consent_gaps).
with

record_basis as (
    select * from {{ ref('record_lawful_basis') }}
),

contacts as (
    select contact_id from {{ ref('contacts') }}
),

per_contact as (
    -- One pass over the records (an aggregate, not a window: a million partitions sort
    -- slowly): the best basis is the arg_min of the ranking key — consent first, newest
    -- consent first, then the earliest obtained record, then record_key.
    select
        contact_id,
        {{ arg_min(
            struct_pack([
                ('lawful_basis', 'lawful_basis'),
                ('record_key', 'record_key'),
                ('source', 'source'),
                ('consent_at', 'consent_at'),
                ('consent_evidence', 'consent_evidence'),
                ('assessment_reference', 'assessment_reference'),
            ]),
            struct_pack([
                ('basis_rank', "case lawful_basis when 'consent' then 1 else 2 end"),
                ('consent_rank', "coalesce(case when lawful_basis = 'consent' then -"
                    ~ epoch_microseconds('consent_at') ~ " end, 9223372036854775807)"),
                ('obtained_rank',
                    'coalesce(' ~ epoch_microseconds('obtained_at') ~ ', 9223372036854775807)'),
                ('record_key', 'record_key'),
            ])
        ) }} filter (where lawful_basis is not null) as best,
        {{ sorted_distinct_list_agg('purposes', where='purposes is not null') }} as purposes
    from record_basis
    group by contact_id
)

select
    contacts.contact_id,
    per_contact.best.lawful_basis,
    per_contact.best.record_key as basis_record_key,
    per_contact.best.source as basis_source,
    per_contact.best.consent_at,
    per_contact.best.consent_evidence,
    per_contact.best.assessment_reference,
    coalesce(per_contact.purposes, {{ list_of([]) }}) as purposes,
    per_contact.best.lawful_basis is not null as has_lawful_basis
from contacts
left join per_contact on contacts.contact_id = per_contact.contact_id
