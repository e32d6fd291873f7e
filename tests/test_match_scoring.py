"""Req-match scoring on small hand-made frames: exclusions, components, ranking, reasons."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

from orchestration.matching.scoring import (
    SILVER_HALF_LIFE_DAYS,
    WEIGHTS,
    ReqProfile,
    apply_exclusions,
    draft_message,
    is_silver_medal_rejection,
    match_pool,
    silver_medalists,
)

AS_OF = datetime(2026, 11, 1)
REQ = ReqProfile(
    req_id="greenhouse:1",
    title="Senior Data Engineer",
    role_family="data",
    seniority="senior",
    required_skills=("python", "sql", "spark"),
    preferred_skills=("dbt",),
    city="Berlin",
    country="Germany",
)


def pool(**overrides: list) -> pl.DataFrame:
    base = {
        "contact_id": ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"],
        "first_name": ["A", "B", "C", "D", "E", "F", "G", "H"],
        "role_family": ["data", "data", "sales", "data", "data", "data", "data", "data"],
        "seniority": ["senior", "junior", "senior", "senior", "senior", "senior", "mid", "vp"],
        "skills": [
            ["python", "sql", "spark"],
            ["python"],
            ["sql"],
            ["python", "sql"],
            ["python", "sql"],
            ["python", "sql"],
            ["python", "dbt"],
            [],
        ],
        "city": ["Berlin", "Paris", "Berlin", None, "Berlin", "Berlin", "London", "Berlin"],
        "country": ["Germany", "France", "Germany", None, "Germany", "Germany", "UK", "Germany"],
        "engagement_score": [80.0, None, 10.0, 50.0, 50.0, 50.0, 50.0, 50.0],
        "last_meaningful_action_at": [datetime(2026, 10, 1)] + [None] * 7,
        "can_contact": [True, True, True, True, False, True, True, True],
        "block_reasons": [[], [], [], [], ["opted_out", "hard_bounced"], [], [], []],
        "in_active_application": [False, False, False, False, False, True, False, False],
        "last_hired_at": [None, None, None, None, None, None, datetime(2026, 3, 1), None],
        "last_outreach_at": [None, None, None, None, None, None, None, datetime(2026, 10, 25)],
    }
    base.update(overrides)
    return pl.DataFrame(base)


def rejections() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "contact_id": ["c4", "c2", "c3"],
            "role_family": ["data", "data", "sales"],
            "req_title": ["Data Engineer", "Data Analyst", "Account Executive"],
            "stage": ["Final Interview", "Recruiter Screen", "Offer"],
            "reason": ["Hired another candidate", "Lacking skills", "Position filled"],
            "occurred_at": [datetime(2026, 5, 1), datetime(2026, 6, 1), datetime(2026, 6, 1)],
        }
    )


def test_exclusions_count_every_reason_and_keep_only_the_contactable():
    eligible, stats = apply_exclusions(pool(), AS_OF, min_contact_gap_days=30)
    assert sorted(eligible["contact_id"]) == ["c1", "c2", "c3", "c4"]
    assert stats.by_reason == {
        "opted_out": 1,
        "hard_bounced": 1,
        "in_active_application": 1,
        "hired_last_12_months": 1,
        "contacted_within_min_gap": 1,
    }
    assert stats.considered == 8 and stats.excluded_total == 4


def test_gap_and_hire_windows_are_windows():
    later = datetime(2027, 4, 1)  # > 12 months after the hire, > 30 days after outreach
    eligible, stats = apply_exclusions(pool(), later, min_contact_gap_days=30)
    assert {"c7", "c8"} <= set(eligible["contact_id"])
    assert stats.by_reason["hired_last_12_months"] == 0


def test_silver_medal_rule():
    assert is_silver_medal_rejection("Final Interview", "Took another offer")
    assert is_silver_medal_rejection("Recruiter Screen", "Position filled")
    assert not is_silver_medal_rejection("Recruiter Screen", "Lacking skills")
    silver = silver_medalists(rejections(), "data")
    assert silver["contact_id"].to_list() == ["c4"]
    assert silver["silver_reason"][0] == "Hired another candidate"


def test_ranking_components_and_reasons():
    ranked, _ = match_pool(pool(), rejections(), REQ, AS_OF)
    ids = ranked["contact_id"].to_list()
    # c4: silver medalist of the same family outranks c1 (full skills, engaged, recent).
    assert ids[:2] == ["c4", "c1"]
    # Sales person with one shared skill is kept (skill signal) but ranks last.
    assert ids[-1] == "c3"
    row = ranked.filter(pl.col("contact_id") == "c4").row(0, named=True)
    assert abs(row["silver_medalist"] - 0.5 ** (184 / SILVER_HALF_LIFE_DAYS)) < 1e-9
    assert row["role_family_fit"] == 1.0
    assert abs(row["skill_overlap"] - 2 / 3.5) < 1e-9
    assert row["location_fit"] == 0.3  # unknown location
    assert (
        "silver medalist for Data Engineer (Final Interview, Hired another candidate, "
        "6 months ago)" in (row["reason"])
    )
    c1 = ranked.filter(pl.col("contact_id") == "c1").row(0, named=True)
    assert c1["seniority_fit"] == 1.0 and c1["location_fit"] == 1.0
    assert "skills python, spark, sql (3/3 required)" in c1["reason"]
    c2 = ranked.filter(pl.col("contact_id") == "c2").row(0, named=True)
    assert c2["engagement"] == 0.5  # neutral when unknown
    assert abs(c2["seniority_fit"] - (1 - 2 / 3)) < 1e-9
    assert ranked["rank"].to_list() == list(range(1, len(ids) + 1))
    assert ranked["score"].is_sorted(descending=True)


def test_remote_req_fits_everywhere_and_draft_is_marked():
    remote = ReqProfile(**{**REQ.__dict__, "is_remote": True, "city": None})
    ranked, _ = match_pool(pool(), rejections(), remote, AS_OF)
    assert ranked["location_fit"].unique().to_list() == [1.0]
    row = ranked.row(0, named=True)
    text = draft_message("Dana", remote, row)
    assert text.startswith("[DRAFT - recruiter to review before sending] Hi Dana,")
    assert "Senior Data Engineer" in text


def test_silver_medal_for_a_req_far_from_this_level_counts_half():
    far = rejections().with_columns(req_seniority=pl.Series(["junior", "senior", "mid"]))
    near = rejections().with_columns(req_seniority=pl.Series(["staff", "senior", "mid"]))
    [far_gap] = silver_medalists(far, "data", "senior")["silver_level_gap"].to_list()
    assert far_gap == 2
    far_row = match_pool(pool(), far, REQ, AS_OF)[0].filter(pl.col("contact_id") == "c4")
    near_row = match_pool(pool(), near, REQ, AS_OF)[0].filter(pl.col("contact_id") == "c4")
    # Both medals are 184 days old: worth 0.5 ** (184 / 730) of a fresh one.
    fresh = 0.5 ** (184 / SILVER_HALF_LIFE_DAYS)
    assert abs(near_row["silver_medalist"][0] - fresh) < 1e-9
    assert abs(far_row["silver_medalist"][0] - 0.5 * fresh) < 1e-9
    # The closest-level silver medal is the one shown when someone has several.
    both = pl.concat(
        [
            far,
            far.filter(pl.col("contact_id") == "c4").with_columns(
                req_title=pl.lit("Staff Data Engineer"),
                req_seniority=pl.lit("staff"),
                occurred_at=pl.lit(datetime(2026, 1, 1)),
            ),
        ]
    )
    picked = silver_medalists(both, "data", "senior")
    assert picked["silver_req_title"].to_list() == ["Staff Data Engineer"]


def test_unknown_family_and_level_are_neither_match_nor_mismatch():
    thin = pool(
        role_family=[None, "data", "sales", "data", "data", "data", "data", "data"],
        seniority=[None, "junior", "senior", "senior", "senior", "senior", "mid", "vp"],
    )
    ranked, _ = match_pool(thin, rejections(), REQ, AS_OF)
    c1 = ranked.filter(pl.col("contact_id") == "c1").row(0, named=True)
    # No classified title, but the req's skills: half the family evidence, neutral level,
    # and the reason does not claim a data background.
    assert c1["role_family_fit"] == 0.5 and c1["seniority_fit"] == 0.5
    assert "data background" not in c1["reason"]
    no_skills = pool(role_family=[None] * 8, skills=[[]] * 8)
    ranked, _ = match_pool(no_skills, rejections(), REQ, AS_OF)
    assert ranked.filter(pl.col("contact_id") == "c1")["role_family_fit"].to_list() == []


def test_a_reply_to_our_outreach_weighs_and_is_shown():
    """Two contacts alike but for a reply to our outreach: the one who answered ranks first,
    the component halves after a year, and the reason line says so."""
    replied = pool(
        last_replied_at=[None, None, None, None, None, None, None, None],
    ).with_columns(pl.col("last_replied_at").cast(pl.Datetime("us")))
    base, _ = match_pool(replied, rejections(), REQ, AS_OF)
    answered = replied.with_columns(
        last_replied_at=pl.when(pl.col("contact_id") == "c2")
        .then(pl.lit(AS_OF - timedelta(days=365)))
        .otherwise(pl.col("last_replied_at"))
    )
    ranked, _ = match_pool(answered, rejections(), REQ, AS_OF)
    before = base.filter(pl.col("contact_id") == "c2").row(0, named=True)
    after = ranked.filter(pl.col("contact_id") == "c2").row(0, named=True)
    assert before["replied_to_outreach"] == 0.0 and abs(after["replied_to_outreach"] - 0.5) < 1e-9
    assert abs(after["score"] - before["score"] - 0.5 * WEIGHTS["replied_to_outreach"]) < 1e-9
    assert after["rank"] <= before["rank"]
    assert "replied to our outreach 12 months ago" in after["reason"]
    assert "replied" not in before["reason"]
    # A pool without the column (an older caller) scores nobody for it.
    assert match_pool(pool(), rejections(), REQ, AS_OF)[0]["replied_to_outreach"].max() == 0.0


def test_a_silver_medalist_without_a_titled_record_takes_the_level_of_that_req():
    thin = pool(seniority=["senior", "junior", "senior", None, "senior", "senior", "mid", "vp"])
    far = rejections().with_columns(req_seniority=pl.Series(["junior", "senior", "mid"]))
    near = rejections().with_columns(req_seniority=pl.Series(["senior", "senior", "mid"]))
    near_row = match_pool(thin, near, REQ, AS_OF)[0].filter(pl.col("contact_id") == "c4")
    far_row = match_pool(thin, far, REQ, AS_OF)[0].filter(pl.col("contact_id") == "c4")
    assert near_row["seniority_fit"][0] == 1.0
    assert abs(far_row["seniority_fit"][0] - (1 - 2 / 3)) < 1e-9
    # No level known at all: neutral.
    no_level = rejections()  # no req_seniority column
    row = match_pool(thin, no_level, REQ, AS_OF)[0].filter(pl.col("contact_id") == "c4")
    assert row["seniority_fit"][0] == 0.5


def test_weights_sum_to_one_hundred():
    assert sum(WEIGHTS.values()) == 100.0


def test_a_silver_medal_fades_with_its_age():
    def value(at: datetime) -> float:
        old = rejections().with_columns(occurred_at=pl.lit(at))
        ranked = match_pool(pool(), old, REQ, AS_OF)[0]
        return ranked.filter(pl.col("contact_id") == "c4")["silver_medalist"][0]

    assert value(AS_OF) == 1.0
    assert abs(value(AS_OF - timedelta(days=730)) - 0.5) < 1e-9
    assert value(AS_OF - timedelta(days=1460)) < value(AS_OF - timedelta(days=730))


def test_an_executive_req_ranks_an_executive_above_a_junior():
    """`executive` is a level the dbt title rules emit (chief, founder, president): it must sit
    on the ladder the score reads, or an executive req scores every level as unknown and the
    tie goes to whoever sorts first."""
    req = ReqProfile(
        req_id="greenhouse:9",
        title="Chief Data Officer",
        role_family="data",
        seniority="executive",
        required_skills=("sql",),
        city="Berlin",
        country="Germany",
    )
    alike = (
        pool()
        .head(2)
        .with_columns(
            contact_id=pl.Series(["a-junior", "b-executive"]),
            seniority=pl.Series(["junior", "executive"]),
            role_family=pl.lit("data"),
            skills=pl.lit(["sql"]),
            city=pl.lit("Berlin"),
            country=pl.lit("Germany"),
            engagement_score=pl.lit(50.0),
        )
    )
    ranked, _ = match_pool(alike, rejections().head(0), req, AS_OF)
    assert ranked["contact_id"].to_list() == ["b-executive", "a-junior"]
    fit = dict(zip(ranked["contact_id"], ranked["seniority_fit"], strict=True))
    assert fit == {"b-executive": 1.0, "a-junior": 0.0}


def test_an_approved_draft_loses_only_the_review_marker() -> None:
    from orchestration.matching.scoring import DRAFT_MARKER, without_draft_marker

    assert without_draft_marker(f"{DRAFT_MARKER} Hi Ana, hello.") == "Hi Ana, hello."
    assert without_draft_marker(f"  Hi Ana. {DRAFT_MARKER}") == f"Hi Ana. {DRAFT_MARKER}"
    assert without_draft_marker(None) is None
