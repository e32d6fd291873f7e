{{ config(tags=['post_identity']) }}
-- Where every current segment member stands in the segment's nurture sequence as of
-- `as_of_date`: one row per (membership, step) plus, for segments with a re-engagement
-- interval, one `reengage` row once the sequence is over. A step falls due on
-- anchor + offset_days and stays due for window_days; it is `done` when an outreach e-mail was
-- sent to the contact inside that window, `missed` when its window closed without one.
with

members as (
    select * from {{ ref('int_segment_members_current') }}
),

steps as (
    select * from {{ ref('nurture_steps') }}
),

definitions as (
    select * from {{ ref('segment_definitions') }}
),

sends as (
    select contact_id, occurred_at
    from {{ ref('interactions') }}
    where interaction_type = 'outreach_sent'
        and occurred_at < {{ as_of_date() }} + interval 1 day
),

last_send as (
    select contact_id, max(occurred_at) as last_outreach_at from sends group by contact_id
),

scheduled as (
    select
        members.contact_id,
        members.segment_name,
        members.segment_key,
        members.anchor_at,
        steps.step,
        steps.step_name,
        steps.channel,
        steps.template,
        cast(members.anchor_at as date) + steps.offset_days as due_on,
        cast(members.anchor_at as date) + steps.offset_days + steps.window_days as window_ends_on
    from members
    inner join steps on members.segment_name = steps.segment_name
    where members.anchor_at is not null
),

with_sends as (
    select
        scheduled.contact_id,
        scheduled.segment_name,
        scheduled.segment_key,
        scheduled.step,
        any_value(scheduled.anchor_at) as anchor_at,
        any_value(scheduled.step_name) as step_name,
        any_value(scheduled.channel) as channel,
        any_value(scheduled.template) as template,
        any_value(scheduled.due_on) as due_on,
        any_value(scheduled.window_ends_on) as window_ends_on,
        min(sends.occurred_at) as done_at
    from scheduled
    left join sends
        on scheduled.contact_id = sends.contact_id
        and sends.occurred_at >= scheduled.due_on
        and sends.occurred_at < scheduled.window_ends_on
    group by scheduled.contact_id, scheduled.segment_name, scheduled.segment_key, scheduled.step
),

sequence_steps as (
    select
        *,
        case
            when done_at is not null then 'done'
            when due_on > {{ as_of_date() }} then 'upcoming'
            when window_ends_on > {{ as_of_date() }} then 'due'
            else 'missed'
        end as status
    from with_sends
),

sequence_open as (
    -- Members whose sequence still has a step due or to come: no re-engagement yet.
    select distinct contact_id, segment_name, segment_key
    from sequence_steps
    where status in ('due', 'upcoming')
),

reengagement as (
    select
        members.contact_id,
        members.segment_name,
        members.segment_key,
        members.anchor_at,
        definitions.nurture_step_count + 1 as step,
        'reengage' as step_name,
        'email' as channel,
        'reengage_' || members.segment_name as template,
        cast(
            greatest(members.anchor_at, last_send.last_outreach_at) as date
        ) + definitions.reengage_interval_days as due_on,
        cast(null as date) as window_ends_on,
        cast(null as timestamp) as done_at
    from members
    inner join definitions on members.segment_name = definitions.segment_name
    left join last_send on members.contact_id = last_send.contact_id
    left join sequence_open
        on members.contact_id = sequence_open.contact_id
        and members.segment_name = sequence_open.segment_name
        and members.segment_key = sequence_open.segment_key
    where definitions.reengage_interval_days is not null
        and sequence_open.contact_id is null
        and coalesce(members.anchor_at, last_send.last_outreach_at) is not null
)

select
    contact_id, segment_name, segment_key, anchor_at, step, step_name, channel, template,
    due_on, window_ends_on, done_at, status
from sequence_steps

union all

select
    contact_id, segment_name, segment_key, anchor_at, step, step_name, channel, template,
    due_on, window_ends_on, done_at,
    -- Re-engagement stays due until someone writes (which moves the next due day).
    case when due_on <= {{ as_of_date() }} then 'due' else 'upcoming' end as status
from reengagement
