{#- GDPR Art. 14: people whose data we did not obtain from them (sourced, enriched, a ticket
    bought by someone else) must be told at the latest one month after we obtained it, or at
    the first communication if that is earlier. gdpr.art14_notices_due applies the rule to
    everything the CRM holds; the match backtest renders these same macros from Python
    (orchestration/matching/sql_macros.py) to re-evaluate it at a past moment, so the deadline
    below is the only copy. Plain Jinja apart from add_months and var (both of which the Python
    renderer provides), so Python can render them without dbt.

    A notice is an outreach `sent` event whose campaign (`subject` in crm.interactions) is one
    of the dbt var `art14_notice_campaigns` (dbt_project.yml); a notice covers data obtained up
    to its send date. -#}

{#- The notice campaigns as a SQL list of strings: `subject in ({{ art14_notice_campaigns() }})`. -#}
{% macro art14_notice_campaigns() -%}
    {%- for campaign in var('art14_notice_campaigns') -%}
        '{{ campaign | replace("'", "''") }}'{{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#- The last allowed day of a notice: one month after the data was first obtained, or the day
    of the first message after that if earlier. Overdue from the day after. -#}
{% macro art14_notice_due_on(first_obtained_at, first_outreach_at) -%}
    least(
        {{ add_months('cast(' ~ first_obtained_at ~ ' as date)', 1) }},
        cast({{ first_outreach_at }} as date)
    )
{%- endmacro %}

{% macro art14_notice_is_overdue(notice_due_on, today) -%}
    ({{ notice_due_on }} < {{ today }})
{%- endmacro %}

{#- CTEs (append after `with ... ,`) that evaluate the rule over the relations `record_basis`
    (gdpr.record_lawful_basis: contact_id, source, obtained_from_person, obtained_at) and
    `interactions` (crm.interactions), counting only what happened before `before` (a SQL
    timestamp expression; none = everything held):
      art14_uncovered  indirectly obtained records newer than the contact's latest notice
      art14_deadlines  one row per contact with such records: first_obtained_at,
                       last_notice_at, first_outreach_at, notice_due_on -#}
{% macro art14_notice_deadlines(record_basis, interactions, before=none) -%}
art14_notices as (
    select contact_id, max(occurred_at) as last_notice_at
    from {{ interactions }}
    where interaction_type = 'outreach_sent'
        and subject in ({{ art14_notice_campaigns() }})
        {%- if before is not none %}
        and occurred_at < {{ before }}
        {%- endif %}
    group by contact_id
),

art14_uncovered as (
    select record_basis.contact_id, record_basis.source, record_basis.obtained_at
    from {{ record_basis }} as record_basis
    left join art14_notices on record_basis.contact_id = art14_notices.contact_id
    where not record_basis.obtained_from_person
        and record_basis.obtained_at is not null
        {%- if before is not none %}
        and record_basis.obtained_at < {{ before }}
        {%- endif %}
        and (
            art14_notices.last_notice_at is null
            or record_basis.obtained_at > art14_notices.last_notice_at
        )
),

art14_pending as (
    select contact_id, min(obtained_at) as first_obtained_at
    from art14_uncovered
    group by contact_id
),

art14_first_outreach as (
    -- The first message after the data was obtained: the notice is due with it.
    select art14_pending.contact_id, min(interactions.occurred_at) as first_outreach_at
    from art14_pending
    inner join {{ interactions }} as interactions
        on art14_pending.contact_id = interactions.contact_id
        and interactions.interaction_type = 'outreach_sent'
        and interactions.occurred_at >= art14_pending.first_obtained_at
        {%- if before is not none %}
        and interactions.occurred_at < {{ before }}
        {%- endif %}
    group by art14_pending.contact_id
),

art14_deadlines as (
    select
        art14_pending.contact_id,
        art14_pending.first_obtained_at,
        art14_notices.last_notice_at,
        art14_first_outreach.first_outreach_at,
        {{ art14_notice_due_on(
            'art14_pending.first_obtained_at', 'art14_first_outreach.first_outreach_at'
        ) }} as notice_due_on
    from art14_pending
    left join art14_notices on art14_pending.contact_id = art14_notices.contact_id
    left join art14_first_outreach on art14_pending.contact_id = art14_first_outreach.contact_id
)
{%- endmacro %}
