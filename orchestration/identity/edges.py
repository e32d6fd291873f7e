"""Match edges: deterministic edges on strong identifiers, then scored fuzzy edges.

Every edge is `(a, b, rule, score, evidence, rank)` over the engine's integer record ids
(`idx`). `rank` orders edges strongest-first for clustering (clusters.py merges in that order,
so a weak edge can never glue together what the strong edges already separated). Evidence
strings name rules and scores only, never the identifier values themselves.
"""

from __future__ import annotations

import polars as pl

from .schema import IdentityConfig
from .similarity import (
    first_names_compatible,
    last_names_compatible,
    names_compatible,
    token_jaccard,
)

EDGE_SCHEMA = {
    "a": pl.UInt32,
    "b": pl.UInt32,
    "rule": pl.String,
    "score": pl.Float64,
    "evidence": pl.String,
    "rank": pl.Int32,
}
# rule -> (rank, score): lower rank merges first.
DETERMINISTIC_RULES = {
    "spk": ("source_person_key", 0, 1.0),
    "linkedin": ("linkedin_exact", 1, 1.0),
    # GitHub handles are re-typed by hand and collide between namesakes: weak evidence.
    "github": ("github_exact", 5, 0.97),
    "email": ("email_exact", 2, 1.0),
    "phone": ("phone_exact", 3, 0.99),
    "email_corporate": ("work_email_exact", 4, 0.98),
}
FUZZY_RANK = 10


def _empty_edges() -> pl.DataFrame:
    return pl.DataFrame(schema=EDGE_SCHEMA)


def screen_identifiers(
    people: pl.DataFrame, identifiers: pl.DataFrame, config: IdentityConfig
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(usable carriers with a `name_group`, per-identifier status for reporting).

    Role mailboxes and identifiers carried by too many records are dropped. An identifier
    whose carriers have incompatible names (hr@ used by two colleagues, `rahul@acme.com` re-used
    by two Rahuls, an agency's submission box) is split into name groups: only records whose
    names agree are linked by it; with `max_name_groups` or more groups it is not identity.
    """
    ids = identifiers.filter(~pl.col("role"))
    counts = ids.group_by("kind", "value").agg(pl.len().alias("n"))
    ids = ids.join(counts, on=["kind", "value"]).filter(pl.col("n") >= 2)
    too_many = ids.filter(pl.col("n") > config.max_records_per_identifier)
    ids = ids.filter(pl.col("n") <= config.max_records_per_identifier)
    named = ids.join(people.select("idx", "first_key", "last_key"), on="idx", how="left")
    variety = (
        named.filter(pl.col("last_key").is_not_null() & (pl.col("kind") != "spk"))
        .group_by("kind", "value")
        .agg(pl.struct("first_key", "last_key").unique().alias("names"))
        .filter(pl.col("names").list.len() > 1)
    )
    group_rows: list[tuple[str, str, str | None, str, int]] = []
    n_groups: dict[tuple[str, str], int] = {}
    for kind, value, names in variety.iter_rows():
        reps: list[tuple[str | None, str]] = []
        for nm in sorted(names, key=lambda d: (d["last_key"], d["first_key"] or "")):
            f, la = nm["first_key"], nm["last_key"]
            g = next(
                (i for i, (rf, rl) in enumerate(reps) if names_compatible(f, la, rf, rl)),
                len(reps),
            )
            if g == len(reps):
                reps.append((f, la))
            group_rows.append((kind, value, f, la, g))
        n_groups[(kind, value)] = len(reps)
    groups = pl.DataFrame(
        group_rows,
        schema={
            "kind": pl.String,
            "value": pl.String,
            "first_key": pl.String,
            "last_key": pl.String,
            "name_group": pl.Int32,
        },
        orient="row",
    )
    ngroups = pl.DataFrame(
        {
            "kind": [k for k, _ in n_groups],
            "value": [v for _, v in n_groups],
            "n_groups": list(n_groups.values()),
        },
        schema={"kind": pl.String, "value": pl.String, "n_groups": pl.Int64},
    )
    named = named.join(ngroups, on=["kind", "value"], how="left").with_columns(
        pl.col("n_groups").fill_null(1)
    )
    named = named.join(
        groups, on=["kind", "value", "first_key", "last_key"], how="left", nulls_equal=True
    )
    shared = named.filter(pl.col("n_groups") >= config.max_name_groups)
    usable = named.filter(pl.col("n_groups") < config.max_name_groups).with_columns(
        pl.when(pl.col("n_groups") == 1).then(0).otherwise(pl.col("name_group")).alias("name_group")
    )
    # With several name groups an unnamed carrier (an outreach row) cannot be placed.
    usable = usable.drop_nulls("name_group")
    status = pl.concat(
        [
            too_many.select("kind", "value")
            .unique()
            .with_columns(status=pl.lit("too_many_records")),
            shared.select("kind", "value").unique().with_columns(status=pl.lit("shared_by_names")),
        ]
    )
    return usable.select("idx", "kind", "value", "corporate", "name_group"), status


def deterministic_edges(usable: pl.DataFrame) -> pl.DataFrame:
    """Star edges (first carrier -> each other carrier) per identifier and name group."""
    rule_key = (
        pl.when((pl.col("kind") == "email") & pl.col("corporate"))
        .then(pl.lit("email_corporate"))
        .otherwise(pl.col("kind"))
    )
    u = usable.with_columns(rule_key.alias("rk"))
    anchors = u.group_by("kind", "value", "name_group").agg(pl.col("idx").min().alias("a"))
    e = u.join(anchors, on=["kind", "value", "name_group"]).filter(pl.col("idx") != pl.col("a"))
    rules = pl.DataFrame(
        {
            "rk": list(DETERMINISTIC_RULES),
            "rule": [r[0] for r in DETERMINISTIC_RULES.values()],
            "rank": [r[1] for r in DETERMINISTIC_RULES.values()],
            "score": [r[2] for r in DETERMINISTIC_RULES.values()],
        },
        schema={"rk": pl.String, "rule": pl.String, "rank": pl.Int32, "score": pl.Float64},
    )
    e = e.join(rules, on="rk")
    return (
        e.select(
            pl.min_horizontal("a", "idx").cast(pl.UInt32).alias("a"),
            pl.max_horizontal("a", "idx").cast(pl.UInt32).alias("b"),
            "rule",
            "score",
            pl.col("rule").alias("evidence"),
            "rank",
        )
        .sort("rank", "a", "b")
        .unique(["a", "b"], keep="first", maintain_order=True)
    )


def fuzzy_candidates(
    people: pl.DataFrame, component: pl.Series, config: IdentityConfig
) -> pl.DataFrame:
    """Record pairs sharing a blocking key whose records are in different components.

    Blocks: (family name, given-name initial, company) and (family name, given-name initial,
    city) find given-name typos and nicknames; (canonical given name, company) finds
    family-name typos. Names alone never block: the market is full of namesakes.
    """
    p = people.with_columns(component.alias("comp")).filter(
        pl.col("first_key").is_not_null() & pl.col("last_key").is_not_null()
    )
    initial = pl.col("first_canon").str.slice(0, 1)
    blocks = [
        (
            "ln_fi_company",
            pl.concat_str([pl.col("last_key"), initial, pl.col("company_key")], separator="|"),
        ),
        (
            "ln_fi_city",
            pl.concat_str([pl.col("last_key"), initial, pl.col("city_key")], separator="|"),
        ),
        (
            "fn_company",
            pl.concat_str([pl.col("first_canon"), pl.col("company_key")], separator="|"),
        ),
    ]
    parts = []
    for name, key in blocks:
        b = p.select("idx", "comp", key.alias("block")).drop_nulls("block")
        # One representative record per component and block is enough to propose the pair.
        b = b.group_by("block", "comp").agg(pl.col("idx").min())
        sizes = b.group_by("block").agg(pl.len().alias("n"))
        b = b.join(
            sizes.filter((pl.col("n") >= 2) & (pl.col("n") <= config.max_block_size)), on="block"
        )
        pairs = (
            b.join(b, on="block", suffix="_r")
            .filter(pl.col("comp") < pl.col("comp_r"))
            .select(
                pl.col("idx").alias("a"),
                pl.col("idx_r").alias("b"),
                pl.lit(name).alias("block"),
            )
        )
        parts.append(pairs)
    cand = pl.concat(parts)
    return cand.group_by("a", "b").agg(pl.col("block").first())


def score_fuzzy(
    people: pl.DataFrame,
    identifiers: pl.DataFrame,
    component: pl.Series,
    candidates: pl.DataFrame,
    config: IdentityConfig,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(auto-merge edges, review pairs) for candidate pairs.

    score = 0.55 * name similarity + 0.25 same company + 0.10 same city + 0.10 title overlap
    - 0.10 when both titles are known and share no word.
    A pair whose components disagree on a singular identifier kind (two LinkedIn profiles,
    two phone numbers) is vetoed: the names coincide but the people do not.
    """
    cols = ["idx", "first_key", "last_key", "company_key", "city_key", "title_key"]
    attrs = people.select(cols).with_columns(component.alias("comp"))
    c = candidates.join(attrs, left_on="a", right_on="idx").join(
        attrs, left_on="b", right_on="idx", suffix="_b"
    )
    if c.is_empty():
        return _empty_edges(), _empty_edges().drop("rank")
    c = c.with_columns(
        _pairwise(c, "first_key", first_names_compatible, "fn"),
        _pairwise(c, "last_key", last_names_compatible, "ln"),
        _pairwise(c, "title_key", token_jaccard, "title_sim"),
    )
    c = c.with_columns(
        (pl.col("company_key") == pl.col("company_key_b")).fill_null(False).alias("same_company"),
        (pl.col("city_key") == pl.col("city_key_b")).fill_null(False).alias("same_city"),
    ).filter((pl.col("fn") > 0) & (pl.col("ln") > 0))
    veto = _component_conflicts(identifiers, component, c.select("comp", "comp_b"), config)
    c = c.join(veto, on=["comp", "comp_b"], how="left").with_columns(
        pl.col("veto").fill_null(False)
    )
    name = (pl.col("fn") + pl.col("ln")) / 2
    c = c.with_columns(
        (
            0.55 * name
            + 0.25 * pl.col("same_company").cast(pl.Float64)
            + 0.10 * pl.col("same_city").cast(pl.Float64)
            + 0.10 * pl.col("title_sim")
            # Two known titles with no word in common (Data Engineer vs Sales Manager) are
            # the usual tell of a namesake; one person's titles share their role family.
            - 0.10
            * (
                pl.col("title_key").is_not_null()
                & pl.col("title_key_b").is_not_null()
                & (pl.col("title_sim") == 0)
            ).cast(pl.Float64)
        )
        .round(4)
        .alias("score")
    )
    evidence = pl.concat_str(
        [
            pl.lit("name_jw=") + name.round(2).cast(pl.String),
            pl.when(pl.col("same_company")).then(pl.lit("+company")).otherwise(pl.lit("")),
            pl.when(pl.col("same_city")).then(pl.lit("+city")).otherwise(pl.lit("")),
            pl.when(pl.col("title_sim") >= 0.5).then(pl.lit("+title")).otherwise(pl.lit("")),
            pl.when(pl.col("veto"))
            .then(pl.lit(" veto:conflicting_identifier"))
            .otherwise(pl.lit("")),
        ]
    )
    out = c.select(
        pl.col("a").cast(pl.UInt32),
        pl.col("b").cast(pl.UInt32),
        pl.lit("fuzzy_name").alias("rule"),
        "score",
        evidence.alias("evidence"),
        "veto",
    )
    auto = out.filter((pl.col("score") >= config.auto_merge_score) & ~pl.col("veto"))
    review = out.filter(
        (pl.col("score") >= config.review_score)
        & ((pl.col("score") < config.auto_merge_score) | pl.col("veto"))
    )
    auto = auto.drop("veto").with_columns(pl.lit(FUZZY_RANK, dtype=pl.Int32).alias("rank"))
    return auto.sort("score", "a", "b", descending=[True, False, False]), review.drop("veto")


def _component_conflicts(
    identifiers: pl.DataFrame,
    component: pl.Series,
    comp_pairs: pl.DataFrame,
    config: IdentityConfig,
) -> pl.DataFrame:
    """comp, comp_b, veto=True where the two components hold different values of a veto kind."""
    comp_of = pl.DataFrame(
        {"idx": pl.arange(0, len(component), eager=True).cast(pl.UInt32), "comp": component}
    )
    vals = (
        with_personal_email_kind(identifiers)
        .filter(pl.col("kind").is_in(list(config.fuzzy_veto_kinds)) & ~pl.col("role"))
        .join(comp_of, on="idx")
        .group_by("comp", "kind")
        .agg(pl.col("value").unique())
    )
    pairs = comp_pairs.unique()
    j = pairs.join(vals, on="comp").join(
        vals, left_on=["comp_b", "kind"], right_on=["comp", "kind"], suffix="_b"
    )
    j = j.filter(pl.col("value").list.set_intersection(pl.col("value_b")).list.len() == 0)
    return j.select("comp", "comp_b").unique().with_columns(pl.lit(True).alias("veto"))


def with_personal_email_kind(identifiers: pl.DataFrame) -> pl.DataFrame:
    """Free-mail addresses as kind `email_personal` (a person's own mailbox, for vetoes)."""
    personal = identifiers.filter(
        (pl.col("kind") == "email") & ~pl.col("corporate") & ~pl.col("role")
    ).with_columns(pl.lit("email_personal").alias("kind"))
    return pl.concat([identifiers, personal])


def _pairwise(c: pl.DataFrame, col: str, fn, name: str) -> pl.Series:
    """fn(left, right) for each row, computed once per distinct (left, right) value pair.

    Name and title vocabularies are small, so a million candidate pairs collapse to a few
    hundred thousand distinct string pairs: Python runs per distinct pair, joins do the rest.
    """
    pairs = c.select(pl.col(col).alias("x"), pl.col(f"{col}_b").alias("y"))
    uniq = pairs.unique()
    vals = [
        float(fn(x or "", y or "")) if fn is not token_jaccard else token_jaccard(x, y)
        for x, y in uniq.iter_rows()
    ]
    uniq = uniq.with_columns(pl.Series(name, vals, dtype=pl.Float64))
    return pairs.join(uniq, on=["x", "y"], how="left", nulls_equal=True, maintain_order="left")[
        name
    ]
