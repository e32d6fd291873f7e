{#- The engagement formula (0-100) over a contact's facts as of a day. segments.engagement_scores
    applies it to today's facts; the match backtest renders these same macros from Python
    (orchestration/matching/sql_macros.py) over the facts the CRM had when a req opened, so the
    bands and points below are the only copy. Plain Jinja on purpose (no ref, source,
    run_query or env_var) so Python can render them without dbt.

    Components (arguments are SQL expressions; a null count of days or months scores 0):
      meaningful_action_points  0-40  days since the PERSON last did something: reply, click,
                                      event attendance, application (an e-mail open is not one)
      response_points           0-20  share of our e-mails they replied to (clicks count half)
      contact_recency_points    0-10  days since we were last in touch at all (relationship
                                      alive)
      job_change_points         0-15  months in the current job (PDL enrichment): 2+ years =
                                      likely open to a move; a change in the last 6 months = a
                                      reason to reconnect, smaller weight
      demand_points             0-15  open reqs in the contact's role family
    Level: none < 10 <= low < 35 <= moderate < 60 <= high. -#}

{#- `points` of the first (days, points) band whose `days` the expression is within, else 0. -#}
{% macro engagement_points_by_days(days_expression, bands) -%}
    case
        {%- for days, points in bands %}
        when {{ days_expression }} <= {{ days }} then {{ points }}
        {%- endfor %}
        else 0
    end
{%- endmacro %}

{% macro engagement_meaningful_action_points(days_since_meaningful_action) -%}
    {{ engagement_points_by_days(
        days_since_meaningful_action, [(30, 40), (90, 30), (180, 20), (365, 10)]
    ) }}
{%- endmacro %}

{% macro engagement_response_points(outreach_sent_count, reply_count, click_count) -%}
    case
        when {{ outreach_sent_count }} = 0 then 0
        else cast(round(
            20 * least(1.0, ({{ reply_count }} + 0.5 * {{ click_count }}) / {{ outreach_sent_count }})
        ) as integer)
    end
{%- endmacro %}

{% macro engagement_contact_recency_points(days_since_last_contact) -%}
    {{ engagement_points_by_days(days_since_last_contact, [(90, 10), (365, 5)]) }}
{%- endmacro %}

{% macro engagement_job_change_signal(months_in_current_job) -%}
    case
        when {{ months_in_current_job }} is null then 'unknown'
        when {{ months_in_current_job }} < 6 then 'recent_job_change'
        when {{ months_in_current_job }} >= 24 then 'long_tenure'
        else 'settled'
    end
{%- endmacro %}

{% macro engagement_job_change_points(months_in_current_job) -%}
    case {{ engagement_job_change_signal(months_in_current_job) }}
        when 'long_tenure' then 15
        when 'recent_job_change' then 5
        else 0
    end
{%- endmacro %}

{% macro engagement_demand_points(open_reqs_in_role_family) -%}
    case
        when {{ open_reqs_in_role_family }} = 0 then 0
        when {{ open_reqs_in_role_family }} <= 2 then 5
        when {{ open_reqs_in_role_family }} <= 5 then 10
        else 15
    end
{%- endmacro %}

{#- The components as `<expression> as <name>` select items (as_columns=true), or their sum,
    the engagement score (as_columns=false): one list of parts serves both. The facts default
    to the column names of segments.engagement_scores. -#}
{% macro engagement_score(
    days_since_meaningful_action='days_since_meaningful_action',
    outreach_sent_count='outreach_sent_count',
    reply_count='reply_count',
    click_count='click_count',
    days_since_last_contact='days_since_last_contact',
    months_in_current_job='months_in_current_job',
    open_reqs_in_role_family='open_reqs_in_role_family',
    as_columns=false
) -%}
    {%- set parts = [
        ('meaningful_action_points',
            engagement_meaningful_action_points(days_since_meaningful_action)),
        ('response_points',
            engagement_response_points(outreach_sent_count, reply_count, click_count)),
        ('contact_recency_points', engagement_contact_recency_points(days_since_last_contact)),
        ('job_change_points', engagement_job_change_points(months_in_current_job)),
        ('demand_points', engagement_demand_points(open_reqs_in_role_family)),
    ] -%}
    {%- if as_columns -%}
        {%- for name, expression in parts %}
        {{ expression }} as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    {%- else -%}
        (
        {%- for name, expression in parts %}
        {{ expression }}{{ ' +' if not loop.last }}
        {%- endfor %}
        )
    {%- endif -%}
{%- endmacro %}

{% macro engagement_level(engagement_score) -%}
    case
        when {{ engagement_score }} >= 60 then 'high'
        when {{ engagement_score }} >= 35 then 'moderate'
        when {{ engagement_score }} >= 10 then 'low'
        else 'none'
    end
{%- endmacro %}
