"""Req matching as plain polars functions: exclusions, score components, one-line reasons.

Everything here takes frames and returns frames (no database, no Dagster), so it is unit
tested on small hand-made frames and benchmarked on a million synthetic rows.

Score (0..100) = weighted sum of components, each in [0, 1]:

| component           | weight | meaning                                                    |
| ------------------- | -----: | ---------------------------------------------------------- |
| role_family_fit     |     20 | contact's role family equals the req's (unknown family but |
|                     |        | some of the req's skills: 0.5)                             |
| skill_overlap       |     15 | share of the req's required skills the contact has (aliases|
|                     |        | already folded to canonical skills), preferred at half     |
| seniority_fit       |     10 | 1 − |level distance| / 3 on the seniority ladder (seed     |
|                     |        | taxonomy/seniority_levels); no titled record: the level of |
|                     |        | the req they were a silver medalist for, else 0.5          |
| location_fit        |      5 | remote req, same city (1), same country (0.5), unknown (0.3)|
| silver_medalist     |     25 | rejected late in a process for a req of the same family    |
|                     |        | within one level of this one (1), further away (0.5); half |
|                     |        | as much after two years (SILVER_HALF_LIFE_DAYS)            |
| replied_to_outreach |     15 | answered our outreach: 1 today, half after a year          |
|                     |        | (REPLY_HALF_LIFE_DAYS), 0 never                            |
| engagement          |      5 | engagement score / 100 (neutral 0.5 when unknown)          |
| recency             |      5 | half-life 180 days since the last meaningful action       |

How a recruiter reads a warm pool, in that order: someone who reached the final round for this
kind of role recently, then someone who answered us when we reached out, then the best generic
fit. Silver medal and reply weigh 40 together against 30 for skills, level and location, so a
recent silver medalist of the family outranks a stranger with a perfect CV, and someone who
replied to us last quarter outranks a same-family contact who never did unless the stranger's
skills and level fit clearly better. The weights sum to 100.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import polars as pl

from checks.dbt_seeds import read_seed

WEIGHTS: dict[str, float] = {
    "role_family_fit": 20.0,
    "skill_overlap": 15.0,
    "seniority_fit": 10.0,
    "location_fit": 5.0,
    "silver_medalist": 25.0,
    "replied_to_outreach": 15.0,
    "engagement": 5.0,
    "recency": 5.0,
}
COMPONENTS = tuple(WEIGHTS)

# The ladder the dbt title rules and the models' tests use (seed taxonomy/seniority_levels),
# lowest level first: a level missing here would silently score as unknown.
SENIORITY_LADDER: tuple[str, ...] = tuple(
    row["seniority"]
    for row in sorted(read_seed("taxonomy/seniority_levels"), key=lambda row: int(row["level"]))
)
NEUTRAL_ENGAGEMENT = 0.5  # used when no engagement score exists for a contact
UNKNOWN_LOCATION_FIT = 0.3
UNKNOWN_SENIORITY_FIT = 0.5  # no titled record: neither a match nor a mismatch
# Role family unknown (no classified title) but the contact has the req's skills: the skills
# are weaker evidence of the family than a title.
FAMILY_FROM_SKILLS_FIT = 0.5
SILVER_OTHER_LEVEL_FIT = 0.5  # silver medal for a req 2+ levels away from this one
# A silver medal is worth half after two years: a final round last spring is a warm lead, one
# from three years ago describes someone who has moved on (new job, new skills, new level).
SILVER_HALF_LIFE_DAYS = 730.0
RECENCY_HALF_LIFE_DAYS = 180.0
# A reply to our outreach is worth half after a year: the person answered us, they are likely to
# answer again, and what they told us then (open to a move, the kind of role) fades slowly.
REPLY_HALF_LIFE_DAYS = 365.0

# Timing exclusions (the consent blocks come from gdpr.outreach_eligibility).
HIRED_WITHIN_DAYS = 365
DEFAULT_MIN_CONTACT_GAP_DAYS = 30

# What makes a rejection a "silver medalist" one: a late stage, or a reason that says the
# person was good enough but someone else got the job.
LATE_STAGE_WORDS = ("onsite", "final", "offer", "reference")
NEAR_MISS_REASON_WORDS = ("hired another", "position filled", "went with another")


@dataclass(frozen=True)
class ReqProfile:
    req_id: str
    title: str
    role_family: str | None
    seniority: str | None
    required_skills: tuple[str, ...] = ()
    preferred_skills: tuple[str, ...] = ()
    city: str | None = None
    country: str | None = None
    is_remote: bool = False
    status: str = "open"
    opened_at: datetime | None = None


@dataclass
class Exclusions:
    """How many contacts each rule removed (a contact blocked for two reasons counts in both
    block-reason buckets; `excluded_total` counts people)."""

    considered: int = 0
    excluded_total: int = 0
    ranked: int = 0  # rows with a fit signal (before any row limit)
    by_reason: dict[str, int] = field(default_factory=dict)


def seniority_rank(level: str | None) -> int | None:
    if level is None:
        return None
    try:
        return SENIORITY_LADDER.index(level.lower())
    except ValueError:
        return None


def is_silver_medal_rejection(stage: str | None, reason: str | None) -> bool:
    stage_l = (stage or "").lower()
    reason_l = (reason or "").lower()
    return any(w in stage_l for w in LATE_STAGE_WORDS) or any(
        w in reason_l for w in NEAR_MISS_REASON_WORDS
    )


def silver_medalists(
    rejections: pl.DataFrame, role_family: str | None, seniority: str | None = None
) -> pl.DataFrame:
    """Per contact, the silver-medal rejection for a req of `role_family` whose level is
    closest to `seniority` (then the latest).

    `rejections`: contact_id, role_family (of the req they were rejected from), req_title,
    stage, reason, occurred_at, optionally req_seniority. Returns contact_id,
    silver_req_title, silver_stage, silver_reason, silver_at and silver_level_gap (levels
    between that req and this one; null when either level is unknown).
    """
    empty = pl.DataFrame(
        schema={
            "contact_id": pl.String,
            "silver_req_title": pl.String,
            "silver_stage": pl.String,
            "silver_reason": pl.String,
            "silver_at": pl.Datetime("us"),
            "silver_level_gap": pl.Int32,
        }
    )
    if role_family is None or rejections.is_empty():
        return empty
    target = seniority_rank(seniority)
    ladder = pl.DataFrame(
        {"req_seniority": list(SENIORITY_LADDER), "_silver_rank": range(len(SENIORITY_LADDER))},
        schema={"req_seniority": pl.String, "_silver_rank": pl.Int32},
    )
    if "req_seniority" not in rejections.columns:
        rejections = rejections.with_columns(req_seniority=pl.lit(None, dtype=pl.String))
    gap = (
        (pl.col("_silver_rank") - target).abs().cast(pl.Int32)
        if target is not None
        else pl.lit(None, dtype=pl.Int32)
    )
    stage = pl.col("stage").fill_null("").str.to_lowercase()
    reason = pl.col("reason").fill_null("").str.to_lowercase()
    late = pl.any_horizontal([stage.str.contains(w, literal=True) for w in LATE_STAGE_WORDS])
    near = pl.any_horizontal([reason.str.contains(w, literal=True) for w in NEAR_MISS_REASON_WORDS])
    return (
        rejections.filter((pl.col("role_family") == role_family) & (late | near))
        .join(ladder, on="req_seniority", how="left")
        .with_columns(silver_level_gap=gap)
        .sort(
            ["silver_level_gap", "occurred_at"],
            descending=[False, True],
            nulls_last=True,
        )
        .unique("contact_id", keep="first", maintain_order=True)
        .select(
            "contact_id",
            pl.col("req_title").alias("silver_req_title"),
            pl.col("stage").alias("silver_stage"),
            pl.col("reason").alias("silver_reason"),
            pl.col("occurred_at").cast(pl.Datetime("us")).alias("silver_at"),
            "silver_level_gap",
        )
    )


def apply_exclusions(
    pool: pl.DataFrame,
    as_of: datetime,
    min_contact_gap_days: int = DEFAULT_MIN_CONTACT_GAP_DAYS,
    hired_within_days: int = HIRED_WITHIN_DAYS,
) -> tuple[pl.DataFrame, Exclusions]:
    """Keep only contacts it is lawful AND sensible to approach for this req.

    Lawful: `can_contact` from gdpr.outreach_eligibility (counts per `block_reasons` entry).
    Sensible: not in an active application, not hired within `hired_within_days`, not sent
    outreach within `min_contact_gap_days`.
    """
    stats = Exclusions(considered=pool.height)
    blocked = ~pl.col("can_contact").fill_null(False)
    reasons = (
        pool.filter(blocked)
        .select(pl.col("block_reasons").fill_null([]).alias("reason"))
        .explode("reason")
        .with_columns(pl.col("reason").fill_null("no_eligibility_record"))
        .group_by("reason")
        .len()
    )
    for reason, n in reasons.iter_rows():
        stats.by_reason[str(reason)] = int(n)
    timing = {
        "in_active_application": pl.col("in_active_application").fill_null(False),
        "hired_last_12_months": pl.col("last_hired_at").is_not_null()
        & (pl.col("last_hired_at") > pl.lit(as_of - timedelta(days=hired_within_days))),
        "contacted_within_min_gap": pl.col("last_outreach_at").is_not_null()
        & (pl.col("last_outreach_at") > pl.lit(as_of - timedelta(days=min_contact_gap_days))),
    }
    counted = pool.filter(~blocked).select(
        [expr.sum().alias(name) for name, expr in timing.items()]
    )
    for name in timing:
        stats.by_reason[name] = int(counted[name][0] or 0) if counted.height else 0
    keep = ~blocked
    for expr in timing.values():
        keep = keep & ~expr
    eligible = pool.filter(keep)
    stats.excluded_total = pool.height - eligible.height
    return eligible, stats


def _location_fit(req: ReqProfile) -> pl.Expr:
    if req.is_remote:
        return pl.lit(1.0)
    city = pl.col("city").str.to_lowercase()
    country = pl.col("country").str.to_lowercase()
    same_city = city == (req.city or "").lower() if req.city else pl.lit(False)
    same_country = country == (req.country or "").lower() if req.country else pl.lit(False)
    return (
        pl.when(pl.col("city").is_null() & pl.col("country").is_null())
        .then(pl.lit(UNKNOWN_LOCATION_FIT))
        .when(same_city.fill_null(False))
        .then(pl.lit(1.0))
        .when(same_country.fill_null(False))
        .then(pl.lit(0.5))
        .otherwise(pl.lit(0.0))
    )


def score_components(
    eligible: pl.DataFrame, req: ReqProfile, silver: pl.DataFrame, as_of: datetime
) -> pl.DataFrame:
    """Add one column per component (0..1), `required_skill_hits` and `score` (0..100).

    `eligible` columns: contact_id, role_family, seniority, skills (list of canonical
    skills), city, country, engagement_score (0..100 or null), last_meaningful_action_at.
    """
    required = sorted(set(req.required_skills))
    preferred = sorted(set(req.preferred_skills) - set(required))
    denominator = len(required) + 0.5 * len(preferred)
    skills = pl.col("skills").fill_null([]).cast(pl.List(pl.String))
    req_rank = seniority_rank(req.seniority)
    ladder = pl.DataFrame(
        {"seniority": list(SENIORITY_LADDER), "_rank": list(range(len(SENIORITY_LADDER)))},
        schema={"seniority": pl.String, "_rank": pl.Int32},
    )
    frame = eligible.join(ladder, on="seniority", how="left").join(
        silver, on="contact_id", how="left"
    )
    # One membership test per req skill (a handful) beats a per-row set intersection.
    required_hits = pl.sum_horizontal(
        [skills.list.contains(pl.lit(skill)).cast(pl.Int32) for skill in required]
        or [pl.lit(0, dtype=pl.Int32)]
    )
    preferred_hits = pl.sum_horizontal(
        [skills.list.contains(pl.lit(skill)).cast(pl.Int32) for skill in preferred]
        or [pl.lit(0, dtype=pl.Int32)]
    )
    skill_expr = (required_hits + 0.5 * preferred_hits) / denominator if denominator else 0.0
    if req_rank is None:
        seniority_expr = pl.lit(0.5)
    else:
        # No titled record: the level of the req they reached the final round of is the best
        # evidence of their level then (a recruiter reads it off the interview panel's notes).
        seniority_expr = (
            pl.when(pl.col("_rank").is_not_null())
            .then((1.0 - (pl.col("_rank") - req_rank).abs() / 3.0).clip(0.0, 1.0))
            .when(pl.col("silver_level_gap").is_not_null())
            .then((1.0 - pl.col("silver_level_gap") / 3.0).clip(0.0, 1.0))
            .otherwise(pl.lit(UNKNOWN_SENIORITY_FIT))
        )
    age_days = (pl.lit(as_of) - pl.col("last_meaningful_action_at")).dt.total_seconds() / 86400.0
    recency_expr = (
        pl.when(pl.col("last_meaningful_action_at").is_null())
        .then(pl.lit(0.0))
        .otherwise(pl.lit(0.5) ** (age_days.clip(0.0, None) / RECENCY_HALF_LIFE_DAYS))
    )
    silver_days = (pl.lit(as_of) - pl.col("silver_at")).dt.total_seconds() / 86400.0
    silver_freshness = pl.lit(0.5) ** (silver_days.clip(0.0, None) / SILVER_HALF_LIFE_DAYS)
    if "last_replied_at" not in frame.columns:
        frame = frame.with_columns(last_replied_at=pl.lit(None, dtype=pl.Datetime("us")))
    reply_days = (pl.lit(as_of) - pl.col("last_replied_at")).dt.total_seconds() / 86400.0
    replied_expr = (
        pl.when(pl.col("last_replied_at").is_null())
        .then(pl.lit(0.0))
        .otherwise(pl.lit(0.5) ** (reply_days.clip(0.0, None) / REPLY_HALF_LIFE_DAYS))
    )
    frame = frame.with_columns(
        role_family_fit=(
            pl.when(pl.col("role_family").is_null())
            .then(pl.when(required_hits + preferred_hits > 0).then(FAMILY_FROM_SKILLS_FIT))
            .otherwise((pl.col("role_family") == req.role_family).cast(pl.Float64))
            .fill_null(0.0)
            if req.role_family
            else pl.lit(0.0)
        ),
        skill_overlap=pl.lit(skill_expr).cast(pl.Float64)
        if isinstance(skill_expr, float)
        else skill_expr.cast(pl.Float64),
        required_skill_hits=required_hits.cast(pl.Int32),
        seniority_fit=seniority_expr.cast(pl.Float64),
        location_fit=_location_fit(req).cast(pl.Float64),
        # Full boost when the req they nearly got was within a level of this one (or a level
        # is unknown); a silver medal two or more levels away is half the evidence. Either
        # fades with the medal's age: the person and their skills have moved on since.
        silver_medalist=pl.when(pl.col("silver_at").is_null())
        .then(pl.lit(0.0))
        .when(pl.col("silver_level_gap").fill_null(0) <= 1)
        .then(silver_freshness)
        .otherwise(SILVER_OTHER_LEVEL_FIT * silver_freshness),
        silver_days_ago=silver_days.floor().cast(pl.Int32),
        replied_to_outreach=replied_expr.cast(pl.Float64),
        replied_days_ago=reply_days.floor().cast(pl.Int32),
        engagement=(pl.col("engagement_score").cast(pl.Float64) / 100.0)
        .clip(0.0, 1.0)
        .fill_null(NEUTRAL_ENGAGEMENT),
        recency=recency_expr.cast(pl.Float64),
    ).drop("_rank")
    total = sum(pl.col(name) * weight for name, weight in WEIGHTS.items())
    return frame.with_columns(score=pl.lit(0.0) + total)


def matched_skills_expr(req: ReqProfile) -> pl.Expr:
    """The req's skills this contact has, sorted (only computed for the rows kept: building
    lists is the costliest step per row)."""
    wanted = sorted(set(req.required_skills) | set(req.preferred_skills))
    if not wanted:
        return pl.lit([], dtype=pl.List(pl.String))
    skills = pl.col("skills").fill_null([]).cast(pl.List(pl.String))
    return pl.concat_list(
        [pl.when(skills.list.contains(pl.lit(skill))).then(pl.lit(skill)) for skill in wanted]
    ).list.drop_nulls()


def _ago(days: pl.Expr) -> pl.Expr:
    """'12 days ago' under two months, else '7 months ago' (null stays null)."""
    return (
        pl.when(days < 60)
        .then(pl.concat_str([days.cast(pl.String), pl.lit(" days ago")]))
        .otherwise(pl.concat_str([(days // 30).cast(pl.String), pl.lit(" months ago")]))
    )


def reason_expr(req: ReqProfile) -> pl.Expr:
    """The one-line human reason a recruiter reads next to a name, as ONE vectorised polars
    expression (a Python loop over a million rows would dominate the match's run time).

    Parts, in order, each only when it applies: silver medal (req, stage, reason), reply to our
    outreach (how long ago), role family, matched skills (n/required), level, city, engagement,
    recent activity."""
    wanted = len(set(req.required_skills))
    silver_detail = pl.concat_str(
        [pl.col("silver_stage"), pl.col("silver_reason"), _ago(pl.col("silver_days_ago"))],
        separator=", ",
        ignore_nulls=True,
    )
    parts = [
        pl.when(pl.col("silver_medalist") > 0).then(
            pl.concat_str(
                [
                    pl.lit("silver medalist for "),
                    pl.col("silver_req_title").fill_null("a similar req"),
                    pl.when(silver_detail != "").then(
                        pl.concat_str([pl.lit(" ("), silver_detail, pl.lit(")")])
                    ),
                ],
                ignore_nulls=True,
            )
        ),
        pl.when(pl.col("replied_to_outreach") > 0).then(
            pl.concat_str(
                [
                    pl.lit("replied to our outreach "),
                    _ago(pl.col("replied_days_ago")),
                ]
            )
        ),
        pl.when(pl.col("role_family_fit") >= 1).then(pl.lit(f"{req.role_family} background")),
        pl.when(pl.col("matched_skills").list.len() > 0).then(
            pl.concat_str(
                [
                    pl.lit("skills "),
                    pl.col("matched_skills").list.join(", "),
                    pl.lit(" ("),
                    pl.col("required_skill_hits").cast(pl.String),
                    pl.lit(f"/{wanted} required)"),
                ]
            )
        ),
        pl.when(pl.col("seniority").is_not_null() & (pl.col("seniority_fit") >= 0.66)).then(
            pl.concat_str([pl.col("seniority"), pl.lit(" level")])
        ),
        pl.when((pl.col("location_fit") >= 1.0) & pl.lit(not req.is_remote)).then(
            pl.lit(f"based in {req.city or req.country}")
        ),
        pl.when(pl.col("engagement_score") >= 50).then(
            pl.concat_str(
                [
                    pl.lit("engaged ("),
                    pl.col("engagement_score").round(0).cast(pl.Int64).cast(pl.String),
                    pl.lit("/100)"),
                ]
            )
        ),
        pl.when(pl.col("recency") >= 0.5).then(pl.lit("active in the last 6 months")),
    ]
    line = pl.concat_str(parts, separator="; ", ignore_nulls=True)
    return pl.when(line == "").then(pl.lit("weak fit: no strong signal")).otherwise(line)


def rank_matches(scored: pl.DataFrame, req: ReqProfile, limit: int | None = None) -> pl.DataFrame:
    """Sort by score (ties: silver medalists, then contact id for determinism), add `rank`,
    keep the first `limit` rows (all when None) and add their `reason` line."""
    ranked = scored.sort(
        ["score", "silver_medalist", "contact_id"], descending=[True, True, False]
    ).with_row_index("rank", offset=1)
    if limit is not None:
        ranked = ranked.head(limit)
    return ranked.with_columns(matched_skills=matched_skills_expr(req)).with_columns(
        reason=reason_expr(req).fill_null("weak fit: no strong signal"),
        rank=pl.col("rank").cast(pl.Int64),
    )


def relevant(scored: pl.DataFrame) -> pl.DataFrame:
    """Rows worth keeping for analysts: any fit signal (family, skill or silver medal)."""
    return scored.filter(
        (pl.col("role_family_fit") > 0)
        | (pl.col("skill_overlap") > 0)
        | (pl.col("silver_medalist") > 0)
    )


def match_pool(
    pool: pl.DataFrame,
    rejections: pl.DataFrame,
    req: ReqProfile,
    as_of: datetime,
    min_contact_gap_days: int = DEFAULT_MIN_CONTACT_GAP_DAYS,
    keep_all: bool = False,
    limit: int | None = None,
) -> tuple[pl.DataFrame, Exclusions]:
    """Exclusions → components → relevant rows (every eligible row with `keep_all`, as the
    backtest needs a rank for everyone) → ranked with reasons."""
    eligible, stats = apply_exclusions(pool, as_of, min_contact_gap_days)
    silver = silver_medalists(rejections, req.role_family, req.seniority)
    scored = score_components(eligible, req, silver, as_of)
    if not keep_all:
        scored = relevant(scored)
    stats.ranked = scored.height
    return rank_matches(scored, req, limit), stats


# How we know someone (segments.contact_profiles.interaction_context) → the draft's opening.
CONTEXT_HOOKS = {
    "alumni": "it would be great to work together again",
    "silver_medalist": "you made a strong impression in our process before",
    "hired": "it would be great to work together again",
    "applied": "you applied with us before and we kept your profile in mind",
    "referral": "you were recommended to us",
    "event": "we enjoyed meeting you at one of our events",
}


# Opens every draft: nothing leaves unreviewed. The review page and the CSV import drop it from
# the approved text (the approval is the review).
DRAFT_MARKER = "[DRAFT - recruiter to review before sending]"


def without_draft_marker(message: str | None) -> str | None:
    """The draft as a recruiter approves it: the review marker removed, if present."""
    if message is None:
        return None
    text = message.strip()
    return text.removeprefix(DRAFT_MARKER).strip() if text.startswith(DRAFT_MARKER) else text


def draft_message(first_name: str | None, req: ReqProfile, row: dict) -> str:
    """A personalised first message, clearly marked as a DRAFT a recruiter must review."""
    hello = f"Hi {first_name}," if first_name else "Hi,"
    if row.get("silver_medalist"):
        earlier = row.get("silver_req_title") or "a similar"
        hook = (
            f"you made it a long way in our process for the {earlier} role and the team "
            "remembered you"
        )
    else:
        context = row.get("interaction_context") or ""
        hook = CONTEXT_HOOKS.get(context, "your background caught our attention")
    skills = row.get("matched_skills") or []
    skill_text = f" Your experience with {', '.join(skills[:3])} fits it well." if skills else ""
    return (
        f"{DRAFT_MARKER} {hello} {hook}. We have just opened a "
        f"new position: {req.title}.{skill_text} Would you be open to a short chat?"
    )
