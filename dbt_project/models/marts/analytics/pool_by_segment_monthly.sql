-- Size and growth of every segment by month, from the membership HISTORY
-- (segments.segment_membership: one spell per contact × segment × key, entered_at / left_at
-- are the as-of days of the pipeline runs). A contact counts once per segment even when it
-- holds several keyed spells (e.g. silver medalist in two role families). History starts with
-- the first pipeline run that built the segments: a member who qualified earlier is counted
-- from that run's day, not from when they would have qualified.
with

membership as (
    select contact_id, segment_name, entered_at, left_at
    from {{ ref('segment_membership') }}
),

months as (
    {{ month_spine('(select min(entered_at) from membership)', as_of_date()) }}
),

segments as (
    select distinct segment_name from membership
),

month_ends as (
    select
        months.month_start,
        least(
            cast(months.month_start + interval 1 month as date) - 1,
            {{ as_of_date() }}
        ) as month_end,
        segments.segment_name
    from months
    cross join segments
),

counted as (
    select
        month_ends.month_start,
        month_ends.segment_name,
        count(distinct membership.contact_id) filter (
            where membership.entered_at <= month_ends.month_end
                and (membership.left_at is null or membership.left_at > month_ends.month_end)
        ) as members,
        count(distinct membership.contact_id) filter (
            where membership.entered_at >= month_ends.month_start
                and membership.entered_at <= month_ends.month_end
        ) as joined,
        count(distinct membership.contact_id) filter (
            where membership.left_at >= month_ends.month_start
                and membership.left_at <= month_ends.month_end
        ) as left_segment
    from month_ends
    left join membership on month_ends.segment_name = membership.segment_name
    group by month_ends.month_start, month_ends.segment_name
),

with_previous as (
    select
        *,
        coalesce(
            lag(members) over (partition by segment_name order by month_start), 0
        ) as members_previous_month
    from counted
)

select
    month_start,
    segment_name,
    members,
    joined,
    left_segment,
    members - members_previous_month as net_change,
    {{ safe_share('members - members_previous_month', 'members_previous_month') }} as growth_rate
from with_previous
