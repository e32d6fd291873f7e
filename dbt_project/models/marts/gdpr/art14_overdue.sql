-- Art. 14 notices past their deadline (one month after obtaining the data, or the first
-- outreach if earlier). These contacts are blocked in gdpr.outreach_eligibility
-- (`art14_notice_overdue`) until the notice is sent and comes back through the outreach log.
-- A view: a filter of art14_notices_due (copying up to every sourced contact into another
-- table cost seconds per nightly run over a million contacts).
{{ config(materialized='view') }}

select *
from {{ ref('art14_notices_due') }}
where is_overdue
