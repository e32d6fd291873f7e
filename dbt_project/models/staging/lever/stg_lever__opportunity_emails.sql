-- One row per (opportunity, email address) as Lever lists them, original text kept.
with

opportunities as (
    select opportunity_id, contact_id, emails_json from {{ ref('stg_lever__opportunities') }}
),

exploded as (
    select
        opportunities.opportunity_id,
        opportunities.contact_id,
        elements.position as email_position,
        -- Lever's `emails` is a list of plain strings (no type/primary flags).
        {{ json_scalar_text('elements.value') }} as email_original
    from opportunities,
        {{ json_array_elements('opportunities.emails_json') }} as elements
),

normalised as (
    select
        opportunity_id,
        contact_id,
        email_position,
        email_original,
        email_position = 1 as is_first_listed,
        -- Exact-address grouping only (case and whitespace); deeper folding belongs to
        -- identity resolution.
        nullif(lower(trim(email_original)), '') as email_normalised
    from exploded
)

select * from normalised where email_normalised is not null
