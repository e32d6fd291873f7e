{#- How the history is kept on each engine: the history_* macros in macros/portable.sql. -#}
{{ config(
    materialized='incremental',
    unique_key='membership_id',
    incremental_strategy=history_incremental_strategy(),
    on_schema_change='append_new_columns',
    full_refresh=false,
    pre_hook=[
        "{{ history_snapshot_sql(this, 'drop') }}",
        "{{ history_snapshot_sql(this, 'copy') }}"
    ],
    post_hook="{{ history_snapshot_sql(this, 'drop') }}"
) }}
-- Segment membership WITH history: one row per spell of a contact in a segment (per key).
-- Each run (as of TALENT_CRM_AS_OF) opens a row for every new member (`entered_at` = the run's
-- as-of day), refreshes open rows that still qualify, and closes rows that no longer do
-- (`left_at`). Closed rows are never touched again, so "who joined this month" is
-- `where entered_at >= date_trunc('month', current_date)`. `full_refresh=false` protects the
-- history from `dbt build --full-refresh`; runs are expected to move forward in time.
with

current_members as (
    select * from {{ ref('int_segment_members_current') }}
),

next_steps as (
    -- The next nurture step still to come or due (the follow-up day recruiters plan around).
    select
        contact_id,
        segment_name,
        segment_key,
        min(due_on) as follow_up_on
    from {{ ref('int_nurture_progress') }}
    where status in ('due', 'upcoming')
    group by contact_id, segment_name, segment_key
),

current_rows as (
    select
        current_members.contact_id,
        current_members.segment_name,
        current_members.segment_key,
        current_members.anchor_at,
        current_members.role_family,
        current_members.graduation_year,
        current_members.details,
        next_steps.follow_up_on
    from current_members
    left join next_steps
        on current_members.contact_id = next_steps.contact_id
        and current_members.segment_name = next_steps.segment_name
        and current_members.segment_key = next_steps.segment_key
),

{% if is_incremental() %}
prior_rows as (
    select * from {{ history_prior_rows(this) }}
),

open_rows as (
    select * from prior_rows where left_at is null
),
{% else %}
open_rows as (
    select
        cast(null as string) as membership_id,
        cast(null as string) as contact_id,
        cast(null as string) as segment_name,
        cast(null as string) as segment_key,
        cast(null as date) as entered_at
    where false
),
{% endif %}

matched as (
    select
        coalesce(
            open_rows.membership_id,
            md5(
                current_rows.contact_id || '|' || current_rows.segment_name || '|'
                || current_rows.segment_key || '|' || cast({{ as_of_date() }} as string)
            )
        ) as membership_id,
        current_rows.contact_id,
        current_rows.segment_name,
        current_rows.segment_key,
        coalesce(open_rows.entered_at, {{ as_of_date() }}) as entered_at,
        cast(null as date) as left_at,
        {{ as_of_date() }} as last_seen_on,
        current_rows.anchor_at,
        current_rows.follow_up_on,
        current_rows.role_family,
        current_rows.graduation_year,
        current_rows.details
    from current_rows
    left join open_rows
        on current_rows.contact_id = open_rows.contact_id
        and current_rows.segment_name = open_rows.segment_name
        and current_rows.segment_key = open_rows.segment_key
)

{% if is_incremental() %}
, left_now as (
    select
        open_rows.membership_id,
        open_rows.contact_id,
        open_rows.segment_name,
        open_rows.segment_key,
        open_rows.entered_at,
        {{ as_of_date() }} as left_at,
        open_rows.last_seen_on,
        open_rows.anchor_at,
        cast(null as date) as follow_up_on,
        open_rows.role_family,
        open_rows.graduation_year,
        open_rows.details
    from open_rows
    left join current_rows
        on open_rows.contact_id = current_rows.contact_id
        and open_rows.segment_name = current_rows.segment_name
        and open_rows.segment_key = current_rows.segment_key
    where current_rows.contact_id is null
)
{% endif %}

select *, left_at is null as is_current from matched
{% if is_incremental() %}
union all
select *, false as is_current from left_now
{% if history_rewrites_all_rows() %}
union all
select * from prior_rows where left_at is not null
{% endif %}
{% endif %}
