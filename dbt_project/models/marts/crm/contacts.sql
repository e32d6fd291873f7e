-- One row per person (the golden contact). Profile fields survive by source priority
-- (seed `source_priority`: ATS > enrichment > sourcing > events) then recency; identifiers are
-- collected from every member record; consent is the most restrictive of any member record.
with

record_contacts as (
    select * from {{ source('identity', 'record_contacts') }}
),

records as (
    select * from {{ ref('int_person_records') }}
),

priority as (
    select source, priority from {{ ref('source_priority') }}
),

identifiers as (
    select * from {{ ref('contact_identifiers') }}
),

signals as (
    select * from {{ ref('int_record_consent_signals') }}
),

interactions as (
    select * from {{ ref('interactions') }}
),

members as (
    select
        record_contacts.contact_id,
        records.*,
        coalesce(priority.priority, 9) as source_priority
    from record_contacts
    inner join records on record_contacts.record_key = records.record_key
    left join priority on records.source = priority.source
),

-- For each field, the best member record that has a value for it.
best_name as (
    select
        contact_id,
        coalesce(first_name, split_part(full_name, ' ', 1)) as first_name,
        coalesce(
            last_name,
            nullif(trim(substr(full_name, length(split_part(full_name, ' ', 1)) + 1)), '')
        ) as last_name
    from {{ ranked_members('members', 'coalesce(first_name, last_name, full_name) is not null') }}
    where field_rank = 1
),

best_job as (
    select contact_id, company, title, source as job_source, record_updated_at as job_as_of
    from {{ ranked_members('members', 'company is not null or title is not null') }}
    where field_rank = 1
),

best_location as (
    select contact_id, location
    from {{ ranked_members('members', 'location is not null') }}
    where field_rank = 1
),

member_rollup as (
    select
        contact_id,
        count(*) as source_record_count,
        {{ sorted_distinct_list_agg('source') }} as sources,
        min(record_updated_at) as first_seen_at,
        max(record_updated_at) as last_updated_at
    from members
    group by contact_id
),

identifier_rollup as (
    select
        contact_id,
        {{ sorted_distinct_list_agg('value', where="kind like 'email%' and is_evidence") }} as emails,
        {{ sorted_distinct_list_agg('value', where="kind = 'phone'") }} as phones,
        {{ sorted_distinct_list_agg('value', where="kind = 'linkedin'") }} as linkedin_slugs
    from identifiers
    group by contact_id
),

primary_email as (
    -- The address from the most trusted, most recent record; shared mailboxes never qualify.
    select contact_id, value as primary_email
    from (
        select
            contact_id,
            value,
            row_number() over (
                partition by contact_id
                order by best_source_priority, last_seen_at desc nulls last, value
            ) as email_rank
        from identifiers
        where kind like 'email%' and is_evidence
    ) as ranked
    where email_rank = 1
),

consent as (
    select
        record_contacts.contact_id,
        bool_or(signal = 'opt_out') as has_opt_out,
        bool_or(signal = 'consent_refused') as has_refused_consent,
        bool_or(signal = 'hard_bounce') as has_hard_bounce,
        bool_or(signal in ('anonymized', 'deleted')) as has_erasure_signal
    from signals
    inner join record_contacts on signals.record_key = record_contacts.record_key
    group by record_contacts.contact_id
),

activity as (
    select
        contact_id,
        max(occurred_at) as last_interaction_at,
        max(occurred_at) filter (where is_meaningful_action) as last_meaningful_action_at
    from interactions
    group by contact_id
)

select
    member_rollup.contact_id,
    best_name.first_name,
    best_name.last_name,
    nullif(trim(coalesce(best_name.first_name, '') || ' ' || coalesce(best_name.last_name, '')), '')
        as full_name,
    primary_email.primary_email,
    coalesce(identifier_rollup.emails, {{ list_of([]) }}) as emails,
    coalesce(identifier_rollup.phones, {{ list_of([]) }}) as phones,
    case
        when {{ list_size('identifier_rollup.linkedin_slugs') }} > 0
            -- identifier values are namespaced (`linkedin:<slug>`); the URL needs the bare slug
            then 'https://www.linkedin.com/in/'
                || regexp_replace(
                    {{ list_element('identifier_rollup.linkedin_slugs', 1) }}, '^linkedin:', ''
                )
    end as linkedin_url,
    best_job.title as current_title,
    best_job.company as current_company,
    best_job.job_source as current_job_source,
    best_location.location,
    member_rollup.sources,
    member_rollup.source_record_count,
    member_rollup.first_seen_at,
    member_rollup.last_updated_at,
    activity.last_interaction_at,
    activity.last_meaningful_action_at,
    coalesce(consent.has_opt_out, false) as is_opted_out,
    coalesce(consent.has_refused_consent, false) as has_refused_consent,
    coalesce(consent.has_hard_bounce, false) as is_hard_bounced,
    coalesce(consent.has_erasure_signal, false) as has_erasure_signal,
    -- Most restrictive wins: any stop signal on any member record stops outreach.
    not (
        coalesce(consent.has_opt_out, false)
        or coalesce(consent.has_refused_consent, false)
        or coalesce(consent.has_hard_bounce, false)
        or coalesce(consent.has_erasure_signal, false)
    ) as can_contact
from member_rollup
left join best_name on member_rollup.contact_id = best_name.contact_id
left join best_job on member_rollup.contact_id = best_job.contact_id
left join best_location on member_rollup.contact_id = best_location.contact_id
left join identifier_rollup on member_rollup.contact_id = identifier_rollup.contact_id
left join primary_email on member_rollup.contact_id = primary_email.contact_id
left join consent on member_rollup.contact_id = consent.contact_id
left join activity on member_rollup.contact_id = activity.contact_id
