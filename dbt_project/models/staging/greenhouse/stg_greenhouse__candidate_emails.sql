-- One row per (candidate, email address) as Greenhouse lists them, original text kept.
with

candidates as (
    select candidate_id, email_addresses_json from {{ ref('stg_greenhouse__candidates') }}
),

exploded as (
    select
        candidates.candidate_id,
        elements.position as email_position,
        {{ json_text('elements.value', 'value') }} as email_original,
        lower({{ json_text('elements.value', 'type') }}) as email_type
    from candidates,
        {{ json_array_elements('candidates.email_addresses_json') }} as elements
),

normalised as (
    select
        candidate_id,
        email_position,
        email_original,
        coalesce(email_type, 'other') as email_type,
        -- Exact-address grouping only (case and whitespace); deeper folding belongs to
        -- identity resolution.
        nullif(lower(trim(email_original)), '') as email_normalised
    from exploded
)

select * from normalised where email_normalised is not null
