-- Assigns every source person-record to a contact. First slice: exact-email grouping on the
-- record's primary address (personal first), ignoring shared role mailboxes (jobs@, info@...).
-- Records without a usable address form a contact of their own. Full identity resolution
-- (fuzzy edges, persistent ids, merges) replaces this model in the identity work.
with

candidates as (
    select * from {{ ref('stg_greenhouse__candidates') }}
),

emails as (
    select * from {{ ref('stg_greenhouse__candidate_emails') }}
),

role_mailboxes as (
    select local_part from {{ ref('role_mailbox_local_parts') }}
),

personal_emails as (
    select emails.*
    from emails
    left join role_mailboxes
        on split_part(emails.email_normalised, '@', 1) = role_mailboxes.local_part
    where role_mailboxes.local_part is null
),

primary_email as (
    select
        candidate_id,
        email_normalised,
        row_number() over (
            partition by candidate_id
            order by case email_type when 'personal' then 0 when 'other' then 1 else 2 end,
                email_position
        ) as email_rank
    from personal_emails
),

records as (
    select
        candidates.source,
        'candidates' as source_entity,
        candidates.source_record_id,
        primary_email.email_normalised as primary_email,
        coalesce(
            'email:' || primary_email.email_normalised,
            'record:' || candidates.source || ':' || candidates.source_record_id
        ) as group_key
    from candidates
    left join primary_email
        on candidates.candidate_id = primary_email.candidate_id
        and primary_email.email_rank = 1
)

select
    -- Deterministic from the group key, so unchanged people keep their id across runs.
    'ct_' || substr(md5(group_key), 1, 16) as contact_id,
    group_key,
    source,
    source_entity,
    source_record_id,
    primary_email
from records
