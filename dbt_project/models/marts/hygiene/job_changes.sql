-- Probable job changes found by enrichment: the newest People Data Labs answer for a contact
-- names another company than the contact's current (ATS-first) company, and is newer than
-- the record that company came from. crm.contacts keeps the ATS value (enrichment never
-- overwrites fresher ATS data); this list is for a recruiter to confirm or for the
-- verification e-mail.
with

members as (
    select record_contacts.contact_id, records.*
    from {{ source('identity', 'record_contacts') }} as record_contacts
    inner join {{ ref('int_person_records') }} as records
        on record_contacts.record_key = records.record_key
),

latest_enrichment as (
    select contact_id, company, title, record_updated_at as enriched_at
    from (
        select
            *,
            row_number() over (
                partition by contact_id order by record_updated_at desc nulls last, record_key
            ) as enrichment_rank
        from members
        where source = 'pdl' and company is not null
    ) as ranked
    where enrichment_rank = 1
),

contacts as (
    select * from {{ ref('contacts') }}
),

current_job as (
    select contact_id, company, record_updated_at as job_as_of
    from (
        select
            *,
            row_number() over (
                partition by contact_id order by record_updated_at desc nulls last, record_key
            ) as job_rank
        from members
        where source <> 'pdl' and company is not null
            -- only contacts with an enrichment answer can have a job change
            and contact_id in (select contact_id from latest_enrichment)
    ) as ranked
    where job_rank = 1
)

select
    contacts.contact_id,
    contacts.full_name,
    contacts.current_company,
    contacts.current_title,
    contacts.current_job_source,
    current_job.job_as_of as current_company_as_of,
    latest_enrichment.company as enriched_company,
    latest_enrichment.title as enriched_title,
    latest_enrichment.enriched_at
from contacts
inner join latest_enrichment on contacts.contact_id = latest_enrichment.contact_id
left join current_job on contacts.contact_id = current_job.contact_id
where contacts.current_company is not null
    and lower(trim(latest_enrichment.company)) <> lower(trim(contacts.current_company))
    and (current_job.job_as_of is null or latest_enrichment.enriched_at > current_job.job_as_of)
