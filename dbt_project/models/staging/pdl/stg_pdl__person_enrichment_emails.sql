-- One row per (enrichment, email address) PDL lists for the person, with PDL's type.
with

enrichments as (
    select lookup_id, emails_json from {{ ref('stg_pdl__person_enrichments') }}
),

exploded as (
    select
        enrichments.lookup_id,
        elements.position as email_position,
        {{ json_text('elements.value', 'address') }} as email_original,
        lower({{ json_text('elements.value', 'type') }}) as email_type
    from enrichments,
        {{ json_array_elements('enrichments.emails_json') }} as elements
),

normalised as (
    select
        lookup_id,
        email_position,
        email_original,
        coalesce(email_type, 'unknown') as email_type,
        nullif(lower(trim(email_original)), '') as email_normalised
    from exploded
)

select * from normalised where email_normalised is not null
