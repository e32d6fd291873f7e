-- Nurture response by segment and step: did the people a step was sent to DO something?
-- Attribution follows the segments area's rule (README "Segments and nurture"): for every
-- membership spell (segments.segment_membership, history included) a step of the segment
-- (segments.nurture_steps) falls due on anchor + offset_days and is DONE by the first outreach
-- e-mail sent to the contact inside its window [due, due + window_days). A response is a reply
-- or click (never an open: privacy proxies open everything) from that contact within
-- var `nurture_response_days` (default 14) after that send. Counted once per contact, segment
-- and step (keyed spells of one person count once). Steps not yet due are left out.
{%- set response_days = var('nurture_response_days', 14) %}
with

membership as (
    select distinct contact_id, segment_name, cast(anchor_at as date) as anchor_on
    from {{ ref('segment_membership') }}
    where anchor_at is not null
),

steps as (
    select * from {{ ref('nurture_steps') }}
),

outreach as (
    select contact_id, interaction_type, occurred_at
    from {{ ref('interactions') }}
    where interaction_type in ('outreach_sent', 'outreach_clicked', 'outreach_replied')
        and occurred_at < {{ as_of_date() }} + interval 1 day
),

scheduled as (
    select
        membership.contact_id,
        membership.segment_name,
        steps.step,
        steps.step_name,
        membership.anchor_on + steps.offset_days as due_on,
        membership.anchor_on + steps.offset_days + steps.window_days as window_ends_on
    from membership
    inner join steps on membership.segment_name = steps.segment_name
    where membership.anchor_on + steps.offset_days <= {{ as_of_date() }}
),

step_sends as (
    select
        scheduled.contact_id,
        scheduled.segment_name,
        scheduled.step,
        min(outreach.occurred_at) as sent_at
    from scheduled
    inner join outreach
        on scheduled.contact_id = outreach.contact_id
        and outreach.interaction_type = 'outreach_sent'
        and outreach.occurred_at >= scheduled.due_on
        and outreach.occurred_at < scheduled.window_ends_on
    group by scheduled.contact_id, scheduled.segment_name, scheduled.step
),

responses as (
    select
        step_sends.contact_id,
        step_sends.segment_name,
        step_sends.step,
        bool_or(outreach.interaction_type = 'outreach_clicked') as clicked,
        bool_or(outreach.interaction_type = 'outreach_replied') as replied
    from step_sends
    inner join outreach
        on step_sends.contact_id = outreach.contact_id
        and outreach.interaction_type in ('outreach_clicked', 'outreach_replied')
        and outreach.occurred_at >= step_sends.sent_at
        and outreach.occurred_at < step_sends.sent_at + interval {{ response_days }} day
    group by step_sends.contact_id, step_sends.segment_name, step_sends.step
),

due_contacts as (
    select segment_name, step, any_value(step_name) as step_name, count(distinct contact_id) as contacts_due
    from scheduled
    group by segment_name, step
),

sent_contacts as (
    select
        step_sends.segment_name,
        step_sends.step,
        count(*) as contacts_sent,
        count(*) filter (where responses.clicked) as contacts_clicked,
        count(*) filter (where responses.replied) as contacts_replied,
        count(*) filter (where responses.clicked or responses.replied) as contacts_responded
    from step_sends
    left join responses
        on step_sends.contact_id = responses.contact_id
        and step_sends.segment_name = responses.segment_name
        and step_sends.step = responses.step
    group by step_sends.segment_name, step_sends.step
)

select
    due_contacts.segment_name,
    due_contacts.step,
    due_contacts.step_name,
    due_contacts.contacts_due,
    coalesce(sent_contacts.contacts_sent, 0) as contacts_sent,
    coalesce(sent_contacts.contacts_clicked, 0) as contacts_clicked,
    coalesce(sent_contacts.contacts_replied, 0) as contacts_replied,
    coalesce(sent_contacts.contacts_responded, 0) as contacts_responded,
    {{ safe_share('coalesce(sent_contacts.contacts_sent, 0)', 'due_contacts.contacts_due') }}
        as send_rate,
    {{ safe_share('sent_contacts.contacts_replied', 'sent_contacts.contacts_sent') }} as reply_rate,
    {{ safe_share('sent_contacts.contacts_clicked', 'sent_contacts.contacts_sent') }} as click_rate,
    {{ safe_share('sent_contacts.contacts_responded', 'sent_contacts.contacts_sent') }}
        as response_rate
from due_contacts
left join sent_contacts
    on due_contacts.segment_name = sent_contacts.segment_name
    and due_contacts.step = sent_contacts.step
