-- One row per Lever opportunity: latest version, archive reason resolved to text and type,
-- epoch-ms timestamps as UTC, consent from `dataProtection`, deletion signal attached.
with

source as (
    select * from {{ source('lever', 'opportunities') }}
),

archive_reasons as (
    select * from {{ ref('stg_lever__archive_reasons') }}
),

deleted_opportunities as (
    select * from {{ ref('stg_lever__deleted_opportunities') }}
),

latest as (
    {{ latest_version(
        'source',
        [
            'try_cast(' ~ json_text('_record', 'updatedAt') ~ ' as bigint) desc',
            '_fetched_at desc',
            '_record_hash'
        ]
    ) }}
),

renamed as (
    select
        _source_record_id as opportunity_id,
        'lever' as source,
        _source_record_id as source_record_id,
        {{ json_text('_record', 'contact') }} as contact_id,
        coalesce(try_cast({{ json_text('_record', 'isAnonymized') }} as boolean), false)
            as is_anonymized,
        nullif(trim({{ json_text('_record', 'name') }}), '') as name_as_sent,
        nullif(trim({{ json_text('_record', 'headline') }}), '') as headline,
        {{ json_text('_record', 'stage') }} as stage_id,
        lower({{ json_text('_record', 'origin') }}) as origin,
        nullif(trim({{ json_text('_record', 'location') }}), '') as location,
        {{ json_text('_record', 'archived.reason') }} as archive_reason_id,
        {{ epoch_ms_to_utc_timestamp(json_text('_record', 'archived.archivedAt')) }}
            as archived_at,
        {{ json_value('_record', 'emails') }} as emails_json,
        {{ json_value('_record', 'phones') }} as phones_json,
        {{ json_value('_record', 'links') }} as links_json,
        {{ json_value('_record', 'tags') }} as tags_json,
        {{ json_value('_record', 'sources') }} as sources_json,
        {{ json_value('_record', 'applications') }} as application_ids_json,
        -- dataProtection is null for people outside its scope: null = "no recorded basis",
        -- not consent; contact.allowed = false is the person's opt-out.
        try_cast({{ json_text('_record', 'dataProtection.contact.allowed') }} as boolean)
            as contact_allowed,
        {{ epoch_ms_to_utc_timestamp(json_text('_record', 'dataProtection.contact.expiresAt')) }}
            as contact_allowed_expires_at,
        try_cast({{ json_text('_record', 'dataProtection.store.allowed') }} as boolean)
            as store_allowed,
        {{ epoch_ms_to_utc_timestamp(json_text('_record', 'dataProtection.store.expiresAt')) }}
            as store_allowed_expires_at,
        {{ epoch_ms_to_utc_timestamp(json_text('_record', 'createdAt')) }} as created_at,
        {{ epoch_ms_to_utc_timestamp(json_text('_record', 'updatedAt')) }} as updated_at,
        {{ epoch_ms_to_utc_timestamp(json_text('_record', 'lastInteractionAt')) }}
            as last_interaction_at,
        {{ epoch_ms_to_utc_timestamp(json_text('_record', 'lastAdvancedAt')) }}
            as last_advanced_at,
        _batch_id as batch_id,
        _fetched_at as fetched_at
    from latest
),

resolved as (
    select
        renamed.opportunity_id,
        renamed.source,
        renamed.source_record_id,
        renamed.contact_id,
        -- Lever replaces an anonymised person's name with a placeholder ("Anonymized
        -- Candidate"): it is not a name, so identity resolution must not match on it.
        case when renamed.is_anonymized then null else renamed.name_as_sent end as full_name,
        renamed.is_anonymized,
        renamed.headline,
        renamed.stage_id,
        renamed.origin,
        renamed.location,
        renamed.archive_reason_id is not null or renamed.archived_at is not null as is_archived,
        renamed.archive_reason_id,
        archive_reasons.archive_reason_text,
        archive_reasons.archive_reason_type,
        renamed.archived_at,
        deleted_opportunities.opportunity_id is not null as is_deleted,
        deleted_opportunities.deleted_at,
        renamed.emails_json,
        renamed.phones_json,
        renamed.links_json,
        renamed.tags_json,
        renamed.sources_json,
        renamed.application_ids_json,
        renamed.contact_allowed,
        renamed.contact_allowed_expires_at,
        renamed.store_allowed,
        renamed.store_allowed_expires_at,
        renamed.created_at,
        renamed.updated_at,
        renamed.last_interaction_at,
        renamed.last_advanced_at,
        renamed.batch_id,
        renamed.fetched_at
    from renamed
    left join archive_reasons
        on renamed.archive_reason_id = archive_reasons.archive_reason_id
    left join deleted_opportunities
        on renamed.opportunity_id = deleted_opportunities.opportunity_id
)

select * from resolved
