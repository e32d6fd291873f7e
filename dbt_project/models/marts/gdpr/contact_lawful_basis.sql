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

best as (
    select *
    from record_basis
    where lawful_basis is not null
    qualify row_number() over (
        partition by contact_id
        order by
            case lawful_basis when 'consent' then 1 else 2 end,
            case when lawful_basis = 'consent' then consent_at end desc nulls last,
            obtained_at nulls last,
            record_key
    ) = 1
),

purposes as (
    select
        contact_id,
        list_sort(list_distinct(list(purposes) filter (where purposes is not null))) as purposes
    from record_basis
    group by contact_id
)

select
    contacts.contact_id,
    best.lawful_basis,
    best.record_key as basis_record_key,
    best.source as basis_source,
    best.consent_at,
    best.consent_evidence,
    best.assessment_reference,
    coalesce(purposes.purposes, []) as purposes,
    best.lawful_basis is not null as has_lawful_basis
from contacts
left join best on contacts.contact_id = best.contact_id
left join purposes on contacts.contact_id = purposes.contact_id
