-- Hires per quarter and channel (job board, careers site, referral, agency, sourcing, event,
-- other) with each channel's share of the quarter's hires. Channels come from seed
-- `hire_source_channels`.
with

hires as (
    select * from {{ ref('hires') }}
),

by_channel as (
    select
        hire_quarter,
        channel,
        count(*) as hires,
        count(*) filter (where hire_pool = 'crm_warm') as warm_hires
    from hires
    group by hire_quarter, channel
)

select
    hire_quarter,
    channel,
    hires,
    warm_hires,
    {{ safe_share('hires', 'sum(hires) over (partition by hire_quarter)') }} as share_of_quarter
from by_channel
