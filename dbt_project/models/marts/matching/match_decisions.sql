-- The recruiter's current word on each drafted match: the latest decision per (req, contact).
-- A contact merged since the decision is followed to its surviving id (the decision was about
-- the person, not the id); a contact no longer in the CRM (erased) drops out, so nothing reads
-- an approval for someone we no longer hold.
with recursive

decisions as (
    select * from {{ ref('stg_review__match_decisions') }}
),

merges as (
    select retired_id, surviving_id from {{ ref('contact_merges') }}
),

contacts as (
    select contact_id from {{ ref('contacts') }}
),

-- Follow retired -> surviving until the id is no longer retired (bounded: a cycle would be a
-- bug in the identity map, not a reason to loop).
successors as (
    select distinct contact_id as decided_contact_id, contact_id as current_id, 0 as hops
    from decisions

    union all

    select successors.decided_contact_id, merges.surviving_id, successors.hops + 1
    from successors
    inner join merges on merges.retired_id = successors.current_id
    where successors.hops < 50
),

resolved as (
    select decided_contact_id, current_id
    from (
        select
            decided_contact_id,
            current_id,
            row_number() over (partition by decided_contact_id order by hops desc) as hop_rank
        from successors
    ) as ranked
    where hop_rank = 1
),

ranked as (
    select
        decisions.*,
        resolved.current_id,
        row_number() over (
            partition by decisions.req_id, resolved.current_id
            order by decisions.decided_at desc, decisions.decision_id desc
        ) as recency_rank,
        count(*) over (partition by decisions.req_id, resolved.current_id) as decisions_made
    from decisions
    inner join resolved on resolved.decided_contact_id = decisions.contact_id
)

select
    ranked.req_id,
    ranked.current_id as contact_id,
    ranked.contact_id as decided_contact_id,
    ranked.decision,
    ranked.reason,
    ranked.message,
    ranked.reviewer,
    ranked.decided_at,
    ranked.decision_id,
    ranked.shown_score,
    ranked.shown_export,
    ranked.decisions_made
from ranked
inner join contacts on contacts.contact_id = ranked.current_id
where ranked.recency_rank = 1
