-- No contact that gdpr.outreach_eligibility blocks (opted out, refused consent, hard bounced,
-- erased, suppressed, no lawful basis, Art. 14 notice overdue) may ever be on a due-list, and
-- nobody in an active application. Any row returned fails the build.
{{ config(tags=['post_identity']) }}
select
    touchpoints_due.contact_id,
    eligibility.block_reasons,
    eligibility.in_active_application
from {{ ref('touchpoints_due') }} as touchpoints_due
left join {{ ref('outreach_eligibility') }} as eligibility
    on touchpoints_due.contact_id = eligibility.contact_id
where eligibility.contact_id is null
    or not eligibility.can_contact
    or eligibility.in_active_application
