-- One row per req × contact that req matching put in front of a recruiter, with the time of
-- each funnel step the pair reached: matched → reviewed (approved | skipped | not_a_fit) →
-- pushed into the ATS → applied (the pushed application seen by the next ATS sync) →
-- advanced past the entry stage → hired. A step counts only when the step before it holds,
-- so the funnel is monotone by construction (a pushed contact whose approval was withdrawn
-- later counts as reviewed, not as pushed).
--
-- The pairs: the req's current ranking (matching.req_matches, replaced on every re-match)
-- plus any pair decided or pushed from an earlier ranking, so a re-match never loses a
-- decision. Contact ids are followed through crm.contact_merges to today's id (decisions
-- already are), and a contact no longer in the CRM drops out. The Python-written tables may
-- not exist yet (no req matched, nothing pushed): they then read as empty.
with recursive

req_matches as (
    {{ relation_or_empty(source('matching_runs', 'req_matches'), [
        ('req_id', 'string'), ('contact_id', 'string'), ('matched_at', 'timestamp'),
        ('rank', 'bigint'), ('score', 'double')
    ]) }}
),

ats_pushes as (
    {{ relation_or_empty(source('conversion', 'ats_pushes'), [
        ('req_id', 'string'), ('contact_id', 'string'), ('system', 'string'),
        ('status', 'string'), ('reason', 'string'), ('pushed_at', 'timestamp'),
        ('last_attempt_at', 'timestamp')
    ]) }}
),

decisions as (
    select * from {{ ref('match_decisions') }}
),

merges as (
    select retired_id, surviving_id from {{ ref('contact_merges') }}
),

contacts as (
    select contact_id from {{ ref('contacts') }}
),

interactions as (
    select * from {{ ref('interactions') }}
),

entry_stages as (
    select source, stage from {{ ref('application_entry_stages') }}
),

-- Follow retired -> surviving until the id is no longer retired (bounded, as in
-- match_decisions: a cycle would be a bug in the identity map).
seen_ids as (
    select contact_id from req_matches
    union
    select contact_id from ats_pushes
),

successors as (
    select contact_id as seen_id, contact_id as current_id, 0 as hops
    from seen_ids

    union all

    select successors.seen_id, merges.surviving_id, successors.hops + 1
    from successors
    inner join merges on merges.retired_id = successors.current_id
    where successors.hops < 50
),

resolved as (
    select seen_id, current_id
    from (
        select
            seen_id,
            current_id,
            row_number() over (partition by seen_id order by hops desc) as hop_rank
        from successors
    ) as ranked
    where hop_rank = 1
),

-- Two retired ids of one person in one ranking: the earliest match and the best rank count.
matched as (
    select
        req_matches.req_id,
        resolved.current_id as contact_id,
        min(req_matches.matched_at) as matched_at,
        min(req_matches.rank) as match_rank,
        max(req_matches.score) as match_score
    from req_matches
    inner join resolved on resolved.seen_id = req_matches.contact_id
    group by req_matches.req_id, resolved.current_id
),

-- The ledger's row per pair; two ids merged into one person: a pushed row wins.
pushes as (
    select req_id, contact_id, system, status, reason, pushed_at
    from (
        select
            ats_pushes.req_id,
            resolved.current_id as contact_id,
            ats_pushes.system,
            ats_pushes.status,
            ats_pushes.reason,
            ats_pushes.pushed_at,
            row_number() over (
                partition by ats_pushes.req_id, resolved.current_id
                order by
                    (ats_pushes.status = 'pushed') desc nulls last,
                    ats_pushes.last_attempt_at desc nulls last
            ) as push_rank
        from ats_pushes
        inner join resolved on resolved.seen_id = ats_pushes.contact_id
    ) as ranked
    where push_rank = 1
),

pairs as (
    select req_id, contact_id from matched
    union
    select req_id, contact_id from decisions
    union
    select req_id, contact_id from pushes
),

-- What the ATS syncs brought back for the pair: the application on the req, whether any of
-- its recorded stages is past the entry stage, and the hire.
ats_outcomes as (
    select
        interactions.contact_id,
        interactions.req_id,
        min(interactions.occurred_at) filter (
            where interactions.interaction_type = 'application'
        ) as applied_at,
        bool_or(
            interactions.interaction_type = 'hire'
            or (
                interactions.interaction_type in ('application', 'rejection')
                and interactions.stage is not null
                and entry_stages.stage is null
            )
        ) as has_advanced,
        min(interactions.occurred_at) filter (
            where interactions.interaction_type = 'hire'
        ) as hired_at
    from interactions
    left join entry_stages
        on interactions.source = entry_stages.source
        and interactions.stage = entry_stages.stage
    where interactions.req_id is not null
        and interactions.interaction_type in ('application', 'rejection', 'hire')
    group by interactions.contact_id, interactions.req_id
),

joined as (
    select
        pairs.req_id,
        pairs.contact_id,
        matched.matched_at,
        matched.match_rank,
        matched.match_score,
        decisions.decision,
        decisions.reason as decision_reason,
        decisions.decided_at,
        pushes.system as push_system,
        pushes.status as push_status,
        pushes.reason as push_reason,
        pushes.pushed_at,
        ats_outcomes.applied_at,
        coalesce(ats_outcomes.has_advanced, false) as has_advanced,
        ats_outcomes.hired_at
    from pairs
    inner join contacts on contacts.contact_id = pairs.contact_id
    left join matched
        on pairs.req_id = matched.req_id and pairs.contact_id = matched.contact_id
    left join decisions
        on pairs.req_id = decisions.req_id and pairs.contact_id = decisions.contact_id
    left join pushes
        on pairs.req_id = pushes.req_id and pairs.contact_id = pushes.contact_id
    left join ats_outcomes
        on pairs.req_id = ats_outcomes.req_id and pairs.contact_id = ats_outcomes.contact_id
),

-- The chain: each step holds only when the one before it does.
chained as (
    select
        *,
        decision is not null as is_reviewed,
        coalesce(decision = 'approved', false) as is_approved,
        coalesce(decision = 'approved' and push_status = 'pushed', false) as is_pushed
    from joined
),

chained_outcomes as (
    select
        *,
        is_pushed and applied_at is not null as has_applied
    from chained
)

select
    req_id,
    contact_id,
    matched_at,
    match_rank,
    match_score,
    is_reviewed,
    decision,
    decision_reason,
    decided_at,
    is_approved,
    push_system,
    push_status,
    push_reason,
    is_pushed,
    case when is_pushed then pushed_at end as pushed_at,
    has_applied,
    case when has_applied then applied_at end as applied_at,
    has_applied and has_advanced as has_advanced,
    has_applied and hired_at is not null as is_hired,
    case when has_applied then hired_at end as hired_at
from chained_outcomes
