-- One row per filled req: days from the req opening to its first hire, and whether that hire
-- came from the warm CRM pool. Compare `days_to_fill` by `filled_from` to see how much faster
-- CRM-sourced reqs fill.
with

hires as (
    select * from {{ ref('hires') }}
    where req_id is not null and days_to_fill is not null
),

first_hire as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by req_id order by hired_at nulls last, record_key nulls last
            ) as hire_rank
        from hires
    ) as ranked
    where hire_rank = 1
)

select
    req_id,
    req_title,
    department_name,
    req_opened_at,
    hired_at as filled_at,
    cast({{ dbt.date_trunc('quarter', 'hired_at') }} as date) as filled_quarter,
    days_to_fill,
    hire_pool as filled_from,
    channel as filled_through_channel
from first_hire
