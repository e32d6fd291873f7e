-- The ONE place that decides whether a contact may be contacted at all. Every outreach surface
-- (nurture due-lists, req-match exports, verification e-mails) joins this model and drops rows
-- where `can_contact` is false, so a new block reason added here reaches all of them at once.
--
-- Hard blocks (`block_reasons`): opted_out, consent_refused, hard_bounced, erased, suppressed,
-- no_lawful_basis, art14_notice_overdue. Timing facts (active application, last hire, last
-- outreach) are exposed as columns; each consumer applies its own window to them.
with

contacts as (
    select * from {{ ref('contacts') }}
),

interactions as (
    select * from {{ ref('interactions') }}
),

record_contacts as (
    select * from {{ source('identity', 'record_contacts') }}
),

suppressed as (
    -- Contacts with a member record whose normalised e-mail / profile hash is on the
    -- suppression list (written by the Python asset gdpr/suppressed_records: HMAC needs the
    -- pepper, which never reaches SQL).
    select distinct record_contacts.contact_id
    from {{ source('gdpr', 'suppressed_records') }} as suppressed_records
    inner join record_contacts on suppressed_records.record_key = record_contacts.record_key
),

lawful_basis as (
    select contact_id, has_lawful_basis from {{ ref('contact_lawful_basis') }}
),

art14_overdue as (
    select contact_id from {{ ref('art14_overdue') }}
),

greenhouse_active as (
    select distinct record_contacts.contact_id
    from {{ ref('stg_greenhouse__applications') }} as applications
    inner join record_contacts
        on record_contacts.record_key
            = 'greenhouse:candidates:' || cast(applications.candidate_id as string)
    where applications.status = 'active' and not coalesce(applications.is_prospect, false)
),

lever_active as (
    -- An unarchived, undeleted opportunity the person applied to (or was referred into).
    select distinct record_contacts.contact_id
    from {{ ref('stg_lever__opportunities') }} as opportunities
    inner join record_contacts
        on record_contacts.record_key = 'lever:opportunities:' || opportunities.source_record_id
    where opportunities.archived_at is null
        and not coalesce(opportunities.is_deleted, false)
        and opportunities.origin in ('applied', 'referred')
),

active_applications as (
    select contact_id from greenhouse_active
    union
    select contact_id from lever_active
),

history as (
    select
        contact_id,
        max(occurred_at) filter (where interaction_type = 'hire') as last_hired_at,
        max(occurred_at) filter (where interaction_type = 'outreach_sent') as last_outreach_at
    from interactions
    -- only the two facts' rows: grouping every interaction by contact costs seconds at 1M
    where interaction_type in ('hire', 'outreach_sent')
    group by contact_id
),

flags as (
    select
        contacts.contact_id,
        contacts.is_opted_out,
        contacts.has_refused_consent,
        contacts.is_hard_bounced,
        contacts.has_erasure_signal as is_erased,
        suppressed.contact_id is not null as is_suppressed,
        coalesce(lawful_basis.has_lawful_basis, false) as has_lawful_basis,
        art14_overdue.contact_id is not null as is_art14_notice_overdue,
        active_applications.contact_id is not null as in_active_application,
        history.last_hired_at,
        history.last_outreach_at
    from contacts
    left join active_applications on contacts.contact_id = active_applications.contact_id
    left join history on contacts.contact_id = history.contact_id
    left join suppressed on contacts.contact_id = suppressed.contact_id
    left join lawful_basis on contacts.contact_id = lawful_basis.contact_id
    left join art14_overdue on contacts.contact_id = art14_overdue.contact_id
)

select
    *,
    {{ list_of_present([
        "case when is_opted_out then 'opted_out' end",
        "case when has_refused_consent then 'consent_refused' end",
        "case when is_hard_bounced then 'hard_bounced' end",
        "case when is_erased then 'erased' end",
        "case when is_suppressed then 'suppressed' end",
        "case when not has_lawful_basis then 'no_lawful_basis' end",
        "case when is_art14_notice_overdue then 'art14_notice_overdue' end",
    ]) }} as block_reasons,
    not (
        is_opted_out or has_refused_consent or is_hard_bounced or is_erased or is_suppressed
        or not has_lawful_basis or is_art14_notice_overdue
    ) as can_contact
from flags
