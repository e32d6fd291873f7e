-- One row per (candidate, email address) as Ashby lists them, original text kept; the primary
-- address is flagged (and added if Ashby did not also list it in emailAddresses).
with

candidates as (
    select candidate_id, primary_email, primary_email_type, email_addresses_json
    from {{ ref('stg_ashby__candidates') }}
),

exploded as (
    select
        candidates.candidate_id,
        elements.position as email_position,
        {{ json_text('elements.value', 'value') }} as email_original,
        lower({{ json_text('elements.value', 'type') }}) as email_type,
        try_cast({{ json_text('elements.value', 'isPrimary') }} as boolean) as is_primary_flag
    from candidates,
        {{ json_array_elements('candidates.email_addresses_json') }} as elements
),

listed as (
    select
        exploded.candidate_id,
        exploded.email_position,
        exploded.email_original,
        exploded.email_type,
        coalesce(
            exploded.is_primary_flag,
            lower(trim(exploded.email_original)) = lower(trim(candidates.primary_email)),
            false
        ) as is_primary
    from exploded
    inner join candidates on exploded.candidate_id = candidates.candidate_id
),

primary_only as (
    -- Position 0: not part of Ashby's list, only named as primaryEmailAddress.
    select
        candidates.candidate_id,
        0 as email_position,
        candidates.primary_email as email_original,
        candidates.primary_email_type as email_type,
        true as is_primary
    from candidates
    where candidates.primary_email is not null
        and not exists (
            select 1 from listed
            where listed.candidate_id = candidates.candidate_id
                and lower(trim(listed.email_original)) = lower(trim(candidates.primary_email))
        )
),

unioned as (
    select * from listed
    union all
    select * from primary_only
),

normalised as (
    select
        candidate_id,
        email_position,
        email_original,
        coalesce(email_type, 'other') as email_type,
        is_primary,
        -- Exact-address grouping only (case and whitespace); deeper folding belongs to
        -- identity resolution.
        nullif(lower(trim(email_original)), '') as email_normalised
    from unioned
)

select * from normalised where email_normalised is not null
