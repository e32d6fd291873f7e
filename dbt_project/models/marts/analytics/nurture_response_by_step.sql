-- Nurture sequence performance by campaign and step, from the outreach logs. Responses are
-- what the person DID: replies and clicks (opens are pixel noise: Apple Mail Privacy
-- Protection opens everything, so they are not counted as a response). Rates are per
-- delivered contact (falling back to sent when no delivery events are logged). A click, a
-- reply or an unsubscribe proves the message arrived even when its delivery event is missing
-- from the log (logs lose events; a large campaign always has a few), so responders always
-- count in the base and no rate exceeds 1.
with

interactions as (
    select * from {{ ref('interactions') }}
    where interaction_type like 'outreach_%'
),

by_contact as (
    select
        coalesce(subject, '(no campaign)') as campaign,
        try_cast(stage as integer) as step,
        contact_id,
        bool_or(interaction_type = 'outreach_sent') as was_sent,
        bool_or(interaction_type = 'outreach_delivered') as was_delivered,
        bool_or(interaction_type = 'outreach_clicked') as clicked,
        bool_or(interaction_type = 'outreach_replied') as replied,
        bool_or(interaction_type = 'outreach_bounced') as bounced,
        bool_or(interaction_type = 'outreach_unsubscribed') as unsubscribed
    from interactions
    group by 1, 2, 3
),

by_step as (
    select
        campaign,
        step,
        count(*) filter (where was_sent) as contacts_sent,
        count(*) filter (where was_delivered) as contacts_delivered,
        count(*) filter (where was_delivered or clicked or replied or unsubscribed)
            as contacts_reached,
        count(*) filter (where was_sent or clicked or replied or unsubscribed)
            as contacts_sent_or_reached,
        count(*) filter (where clicked) as contacts_clicked,
        count(*) filter (where replied) as contacts_replied,
        count(*) filter (where clicked or replied) as contacts_responded,
        count(*) filter (where bounced) as contacts_bounced,
        count(*) filter (where unsubscribed) as contacts_unsubscribed
    from by_contact
    group by campaign, step
),

with_base as (
    select
        *,
        case
            when contacts_delivered > 0 then contacts_reached else contacts_sent_or_reached
        end as response_base
    from by_step
)

select
    campaign,
    step,
    contacts_sent,
    contacts_delivered,
    contacts_clicked,
    contacts_replied,
    contacts_responded,
    contacts_bounced,
    contacts_unsubscribed,
    {{ safe_share('contacts_replied', 'response_base') }} as reply_rate,
    {{ safe_share('contacts_clicked', 'response_base') }} as click_rate,
    {{ safe_share('contacts_responded', 'response_base') }} as response_rate,
    {{ safe_share('contacts_unsubscribed', 'response_base') }} as unsubscribe_rate
from with_base
