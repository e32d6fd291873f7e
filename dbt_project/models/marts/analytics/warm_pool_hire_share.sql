-- Pipeline self-sufficiency: per quarter, how many hires were already CRM contacts before
-- their req opened (warm) versus people the company first met through the application itself
-- (cold: job boards, careers site, agencies). Rising `warm_share` = the CRM is paying off.
with

hires as (
    select * from {{ ref('hires') }}
)

select
    hire_quarter,
    count(*) as hires,
    count(*) filter (where hire_pool = 'crm_warm') as warm_hires,
    count(*) filter (where hire_pool = 'cold') as cold_hires,
    count(*) filter (where hire_pool = 'cold' and channel = 'job_board') as cold_job_board_hires,
    {{ safe_share("count(*) filter (where hire_pool = 'crm_warm')", 'count(*)') }} as warm_share
from hires
group by hire_quarter
