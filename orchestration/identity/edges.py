"""Match edges: deterministic edges on strong identifiers, then scored fuzzy edges.

Every edge is `(a, b, rule, score, evidence, rank)` over the engine's integer record ids
(`idx`). `rank` orders edges strongest-first for clustering (clusters.py merges in that order,
so a weak edge can never glue together what the strong edges already separated). Evidence
strings name rules and scores only, never the identifier values themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from .schema import IdentityConfig
from .similarity import (
    carrier_names_compatible,
    first_names_compatible,
    last_names_compatible,
)

EDGE_SCHEMA = {
    "a": pl.UInt32,
    "b": pl.UInt32,
    "rule": pl.String,
    "score": pl.Float64,
    "evidence": pl.String,
    "rank": pl.Int32,
}
# rule -> (rank, score): lower rank merges first. Each rule and the situation it handles:
DETERMINISTIC_RULES = {
    # The source itself says the records are one person (Greenhouse applications of a
    # candidate, Lever opportunities of one contact).
    "spk": ("source_person_key", 0, 1.0),
    # A LinkedIn profile URL is issued to one member: the same slug in two systems (an ATS
    # record and a sourcing export) is the same person.
    "linkedin": ("linkedin_exact", 1, 1.0),
    # GitHub handles are re-typed by hand and collide between namesakes: weak evidence.
    "github": ("github_exact", 5, 0.97),
    # A personal (free-mail) address belongs to one person and outlives job changes.
    "email": ("email_exact", 2, 1.0),
    # A mobile number follows its owner across applications; shared office lines are caught
    # by the carrier limits and name groups in `screen_identifiers`.
    "phone": ("phone_exact", 3, 0.99),
    # A work address is issued to one person at a time but re-issued after they leave
    # (rarely, after a gap): strong, yet vetoed by conflicting personal identifiers.
    "email_corporate": ("work_email_exact", 4, 0.98),
}
FUZZY_RANK = 10
# A same-name pair sharing one fact no namesake shares (`score_fuzzy`); merges after the
# two-fact fuzzy edges and is weak evidence (clusters.py vetoes it on conflicting identifiers).
EXCLUSIVE_FACT_RULE = "name_exclusive_fact"


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
    senders = _sender_phones(ids, identifiers)
    ids = ids.join(senders, on=["kind", "value"], how="anti")
    too_many = ids.filter(pl.col("n") > config.max_records_per_identifier)
    ids = ids.filter(pl.col("n") <= config.max_records_per_identifier)
    named = ids.join(
        people.select("idx", "first_key", "last_key", "name_words", "name_script"),
        on="idx",
        how="left",
    )
    variety = (
        named.filter(pl.col("last_key").is_not_null() & (pl.col("kind") != "spk"))
        .group_by("kind", "value")
        .agg(
            pl.struct("first_key", "last_key", "name_words", "name_script").unique().alias("names"),
            # One owner each: a free-mail address, a LinkedIn profile.
            ((pl.col("kind") == "linkedin") | ((pl.col("kind") == "email") & ~pl.col("corporate")))
            .first()
            .alias("personal"),
        )
        .filter(pl.col("names").list.len() > 1)
    )
    group_rows: list[tuple[str, str, str | None, str, int]] = []
    n_groups: dict[tuple[str, str], int] = {}
    for kind, value, names, personal in variety.iter_rows():
        reps: list[tuple[str | None, str | None, tuple[str, ...], bool]] = []
        seen: dict[tuple[str | None, str], int] = {}
        ordered = sorted(
            names, key=lambda d: (d["last_key"], d["first_key"] or "", d["name_words"] or [])
        )
        for nm in ordered:
            f, la = nm["first_key"], nm["last_key"]
            if (f, la) in seen:  # one key pair, one group (the join below is on the keys)
                continue
            me = (f, la, tuple(nm["name_words"] or ()), nm["name_script"] or "latin")
            g = next(
                (i for i, rep in enumerate(reps) if carrier_names_compatible(me, rep, personal)),
                len(reps),
            )
            if g == len(reps):
                reps.append(me)
            seen[(f, la)] = g
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
    # With several name groups an unnamed carrier (an outreach row) cannot be placed. Titles
    # never split a name group: they drift across systems and over time, and a mailbox is
    # issued to one person at a time (a namesake colleague gets laura.garcia2@), so records
    # sharing an address under compatible names are one person whatever their titles say.
    usable = usable.drop_nulls("name_group")
    status = pl.concat(
        [
            senders.with_columns(status=pl.lit("sender_line")),
            too_many.select("kind", "value")
            .unique()
            .with_columns(status=pl.lit("too_many_records")),
            shared.select("kind", "value").unique().with_columns(status=pl.lit("shared_by_names")),
        ]
    )
    return usable.select("idx", "kind", "value", "corporate", "name_group"), status


def _sender_phones(ids: pl.DataFrame, identifiers: pl.DataFrame) -> pl.DataFrame:
    """`kind, value` of phones every carrier of which also carries one same role mailbox.

    An agency that submits candidates from its own inbox (bewerbung@, submissions@) puts its
    own number beside it: the phone then belongs to the sender, like the mailbox, not to the
    people submitted (a Japanese and a Norwegian candidate of one agency share both).
    """
    phones = ids.filter(pl.col("kind") == "phone").select("idx", "value", "n")
    roles = identifiers.filter(pl.col("role") & (pl.col("kind") == "email")).select(
        "idx", pl.col("value").alias("mailbox")
    )
    both = (
        phones.join(roles, on="idx")
        .group_by("value", "mailbox", "n")
        .agg(pl.col("idx").n_unique().alias("k"))
        .filter(pl.col("k") == pl.col("n"))
    )
    return both.select(pl.lit("phone").alias("kind"), "value").unique()


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


# Two records that share two identifiers of different kinds (an address and a phone, an
# address and a profile) are one person even when their given names do not agree: people
# write an adopted name in one system and their own in another (Grace and Jiayi Xu), or
# change surname at marriage, and no two strangers share both a mailbox and a mobile. Only
# identifiers with few carriers are paired, and one part of the name must still agree (an
# agency that submits two candidates with its own mailbox and phone shares neither name).
TWO_IDENTIFIERS_RULE = "two_identifiers"
TWO_IDENTIFIERS_RANK = 5
_PAIRED_KINDS = ("email", "phone", "linkedin")
_MAX_PAIRED_CARRIERS = 8


def two_identifier_edges(usable: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """Edges between carriers sharing identifiers of two kinds, across name groups."""
    u = usable.filter(pl.col("kind").is_in(_PAIRED_KINDS)).with_columns(
        pl.len().over("kind", "value").alias("carriers")
    )
    u = u.filter(pl.col("carriers") <= _MAX_PAIRED_CARRIERS).select("idx", "kind", "value")
    pairs = (
        u.join(u, on=["kind", "value"], suffix="_b")
        .filter(pl.col("idx") < pl.col("idx_b"))
        .group_by("idx", "idx_b")
        .agg(pl.col("kind").n_unique().alias("kinds"))
        .filter(pl.col("kinds") >= 2)
    )
    if pairs.is_empty():
        return _empty_edges()
    names = people.select("idx", "first_key", "last_key")
    p = pairs.join(names, on="idx").join(names, left_on="idx_b", right_on="idx", suffix="_b")
    keep = [
        bool(
            (fa and fb and first_names_compatible(fa, fb) > 0)
            or (la and lb and last_names_compatible(la, lb) > 0)
        )
        for fa, la, fb, lb in p.select(
            "first_key", "last_key", "first_key_b", "last_key_b"
        ).iter_rows()
    ]
    p = p.filter(pl.Series(keep, dtype=pl.Boolean))
    return p.select(
        pl.col("idx").cast(pl.UInt32).alias("a"),
        pl.col("idx_b").cast(pl.UInt32).alias("b"),
        pl.lit(TWO_IDENTIFIERS_RULE).alias("rule"),
        pl.lit(0.99).alias("score"),
        pl.lit(TWO_IDENTIFIERS_RULE).alias("evidence"),
        pl.lit(TWO_IDENTIFIERS_RANK, dtype=pl.Int32).alias("rank"),
    )


# Seniority words move with a promotion; the rest of a title (the role) usually does not.
SENIORITY_WORDS = (
    "senior",
    "junior",
    "staff",
    "lead",
    "principal",
    "intern",
    "trainee",
    # "Student" is a status shared by a whole campus, not a role that tells namesakes apart.
    "student",
    "associate",
    "head",
    "chief",
    "of",
    "i",
    "ii",
    "iii",
)


def role_keys(title_key: pl.Series) -> pl.Series:
    """`role_key_expr` per row, computed once per distinct title (titles repeat a lot)."""
    uniq = title_key.unique().to_frame("t").with_columns(role_key_expr(pl.col("t")).alias("r"))
    joined = title_key.to_frame("t").join(
        uniq, on="t", how="left", maintain_order="left", nulls_equal=True
    )
    return joined["r"].alias("role_key")


def role_key_expr(title_key: pl.Expr) -> pl.Expr:
    """'senior data engineer' -> 'data engineer': the role without its seniority words."""
    words = title_key.str.split(" ").list.set_difference(pl.lit(list(SENIORITY_WORDS)))
    role = words.list.sort().list.join(" ")
    return pl.when(role.str.len_chars() > 0).then(role)


# Two facts a person keeps while their records drift: the pairs of component facts a
# candidate must share (with a compatible name) to be worth scoring.
FACT_PAIRS = (("companies", "cities"), ("companies", "roles"), ("cities", "roles"))
REVIEW_BLOCK = "name_one_fact"
NAME_BLOCK = "name_two_facts"
GIVEN_NAME_BLOCK = "given_name_two_facts"  # family-name typos
BLOCK_NAMES = (REVIEW_BLOCK, NAME_BLOCK, GIVEN_NAME_BLOCK)  # every kind component_block_keys makes


def component_block_keys(
    people: pl.DataFrame, component: pl.Series, profiles: pl.DataFrame | None = None
) -> pl.DataFrame:
    """`comp, idx, block_name, block`: every blocking key of every component.

    A component's names (family name + given-name initial, or canonical given name +
    family-name initial for family-name typos) combined with TWO facts any of its records
    carry (company + city, company + role, city + role): a name plus one shared fact cannot
    reach the auto-merge score, and at a million records one-fact blocks hold tens of millions
    of namesake pairs. Names alone never block. `idx` is the component's representative
    record for that spelling of the name.
    """
    named = people.select("idx", component.alias("comp"), "first_canon", "last_key").drop_nulls(
        ["first_canon", "last_key"]
    )
    names = named.group_by("comp", "first_canon", "last_key").agg(pl.col("idx").min())
    prof = component_profiles(people, component) if profiles is None else profiles
    combos = []
    for left, right in FACT_PAIRS:
        lf = prof.select("comp", pl.col(left).alias("x")).explode("x").drop_nulls("x")
        rf = prof.select("comp", pl.col(right).alias("y")).explode("y").drop_nulls("y")
        combos.append(
            lf.join(rf, on="comp").select(
                "comp",
                pl.concat_str([pl.lit(f"{left}+{right}"), "x", "y"], separator="|").alias("facts"),
            )
        )
    keyed = names.join(pl.concat(combos), on="comp")
    singles = pl.concat(
        [
            prof.select("comp", pl.col(col).alias("x"))
            .explode("x")
            .drop_nulls("x")
            .select("comp", pl.concat_str([pl.lit(col), "x"], separator="|").alias("facts"))
            for col in ("companies", "cities", "roles")
        ]
    )
    return pl.concat(
        [
            # Name plus ONE fact cannot auto-merge, but in a small block (a rare name) the
            # pair is a borderline case a human should see (hygiene.duplicate_review).
            names.join(singles, on="comp").select(
                "comp",
                "idx",
                pl.lit(REVIEW_BLOCK).alias("block_name"),
                pl.concat_str(
                    [pl.col("last_key"), pl.col("first_canon").str.slice(0, 1), "facts"],
                    separator="|",
                ).alias("block"),
            ),
            keyed.select(
                "comp",
                "idx",
                pl.lit(NAME_BLOCK).alias("block_name"),
                pl.concat_str(
                    [pl.col("last_key"), pl.col("first_canon").str.slice(0, 1), "facts"],
                    separator="|",
                ).alias("block"),
            ),
            # Family-name typos: the given name and the family name's first letter.
            keyed.select(
                "comp",
                "idx",
                pl.lit(GIVEN_NAME_BLOCK).alias("block_name"),
                pl.concat_str(
                    [pl.col("first_canon"), pl.col("last_key").str.slice(0, 1), "facts"],
                    separator="|",
                ).alias("block"),
            ),
        ]
    )


def block_cap(config: IdentityConfig) -> pl.Expr:
    """Most components a block may hold and still be compared pairwise, per block kind."""
    return (
        pl.when(pl.col("block_name") == REVIEW_BLOCK)
        .then(pl.lit(config.max_review_block_size))
        .otherwise(pl.lit(config.max_block_size))
    )


def fuzzy_candidates(
    people: pl.DataFrame,
    component: pl.Series,
    config: IdentityConfig,
    profiles: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Record pairs `a, b` sharing a `component_block_keys` block, one per pair of components.

    Blocks with more components than `block_cap` are common-name buckets: skipped.
    """
    keys = component_block_keys(people, component, profiles)
    blocks = keys.group_by("block_name", "block", "comp").agg(pl.col("idx").min())
    b = blocks
    sizes = b.group_by("block_name", "block").agg(pl.len().alias("n"))
    # The self-join below makes n² rows per block (tens of millions at 10M records): it joins
    # on an integer block id and carries the block kind as an Enum, not the long block strings,
    # which halves its memory. The Enum's categories are sorted, so `min` picks the same kind
    # the strings would.
    kinds = pl.Enum(sorted(BLOCK_NAMES))
    kept = (
        sizes.filter((pl.col("n") >= 2) & (pl.col("n") <= block_cap(config)))
        .with_row_index("block_id")
        .select("block_name", "block", "block_id")
    )
    b = b.join(kept, on=["block_name", "block"]).select(
        "block_id", "comp", "idx", pl.col("block_name").cast(kinds)
    )
    pairs = (
        b.join(b.select("block_id", "comp", "idx"), on="block_id", suffix="_r")
        .filter(pl.col("comp") < pl.col("comp_r"))
        .select(
            "comp", "comp_r", pl.col("idx").alias("a"), pl.col("idx_r").alias("b"), "block_name"
        )
    )
    # Scoring compares components: one candidate per component pair.
    cand = (
        pairs.group_by("comp", "comp_r")
        .agg(pl.col("a").min(), pl.col("b").min(), pl.col("block_name").min().alias("block"))
        .select("a", "b", pl.col("block").cast(pl.String))
    )
    return cand


def component_profiles(people: pl.DataFrame, component: pl.Series) -> pl.DataFrame:
    """Per component: every company, city and role its records carry (one person's history)."""
    return (
        people.select(
            component.alias("comp"),
            "company_key",
            "city_key",
            role_keys(people["title_key"]),
        )
        .group_by("comp")
        .agg(
            pl.col("company_key").drop_nulls().unique().alias("companies"),
            pl.col("city_key").drop_nulls().unique().alias("cities"),
            pl.col("role_key").drop_nulls().unique().alias("roles"),
        )
    )


def score_fuzzy(
    people: pl.DataFrame,
    identifiers: pl.DataFrame,
    component: pl.Series,
    candidates: pl.DataFrame,
    config: IdentityConfig,
    frequencies: NameFrequencies | None = None,
    profiles: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(auto-merge edges, review pairs, pending same-name one-fact pairs).

    `frequencies` (how common names and facts are) default to those of `component`.

    The two COMPONENTS are compared, each with every company, city and role any of its records
    carries (a person's history), so an old ATS record and a new profile that already joined
    the person through an identifier lend their facts to the comparison:
    score = 0.50 * name similarity + 0.25 shared company + 0.20 shared city + 0.20 shared role
    - 0.10 when both know roles and share none - 0.20 when both know cities and share none.
    With the default threshold 0.90 a merge needs the name plus two of company, city, role
    (a job change that kept role and city merges, a namesake colleague with another role does
    not). A pair whose components disagree on a singular identifier kind (two LinkedIn
    profiles, two phone numbers) is vetoed: the names coincide but the people do not. A pair
    that more than `max_expected_namesakes` other people would match as well by coincidence
    (`expected_namesakes`) is held for review ("hold:common_name" in its evidence).
    """
    cols = ["idx", "first_key", "last_key", "first_canon"]
    attrs = people.select(cols).with_columns(component.alias("comp"))
    c = candidates.join(attrs, left_on="a", right_on="idx").join(
        attrs, left_on="b", right_on="idx", suffix="_b"
    )
    if c.is_empty():
        pending = _empty_edges().select("a", "b", "score", "evidence")
        return _empty_edges(), _empty_edges().drop("rank"), pending
    c = c.with_columns(
        _pairwise(c, "first_key", first_names_compatible, "fn"),
        _pairwise(c, "last_key", last_names_compatible, "ln"),
    ).filter((pl.col("fn") > 0) & (pl.col("ln") > 0))
    prof = component_profiles(people, component) if profiles is None else profiles
    c = c.join(prof, on="comp").join(prof, left_on="comp_b", right_on="comp", suffix="_b")
    freq = frequencies or name_frequencies(people, component, prof)
    c = c.with_columns(
        pl.col(col).list.set_intersection(pl.col(f"{col}_b")).alias(f"shared_{col}")
        for col in FACT_COLUMNS
    )
    c = c.with_columns(expected_namesakes(c, freq))

    def shared(col: str) -> pl.Expr:
        return pl.col(f"shared_{col}").list.len() > 0

    def both_known(col: str) -> pl.Expr:
        return (pl.col(col).list.len() > 0) & (pl.col(f"{col}_b").list.len() > 0)

    c = c.with_columns(
        shared("companies").alias("same_company"),
        shared("cities").alias("same_city"),
        shared("roles").alias("same_role"),
        (both_known("cities") & ~shared("cities")).alias("other_city"),
        (both_known("roles") & ~shared("roles") & ~_share_a_role_word()).alias("other_role"),
    )
    veto = _component_conflicts(identifiers, component, c.select("comp", "comp_b"), config)
    c = c.join(veto, on=["comp", "comp_b"], how="left").with_columns(
        pl.col("veto").fill_null(False)
    )
    name = (pl.col("fn") + pl.col("ln")) / 2
    c = c.with_columns(
        (
            0.50 * name
            + 0.25 * pl.col("same_company").cast(pl.Float64)
            + 0.20 * pl.col("same_city").cast(pl.Float64)
            + 0.20 * pl.col("same_role").cast(pl.Float64)
            # Two known roles with nothing in common (Data Engineer vs Sales Manager), or two
            # known home cities that differ, are the usual tells of a namesake.
            - 0.10 * pl.col("other_role").cast(pl.Float64)
            - 0.20 * pl.col("other_city").cast(pl.Float64)
        )
        .round(4)
        .alias("score")
    )
    evidence = pl.concat_str(
        [
            pl.lit("name_jw=") + name.round(2).cast(pl.String),
            pl.when(pl.col("same_company")).then(pl.lit("+company")).otherwise(pl.lit("")),
            pl.when(pl.col("same_city")).then(pl.lit("+city")).otherwise(pl.lit("")),
            pl.when(pl.col("same_role")).then(pl.lit("+role")).otherwise(pl.lit("")),
            pl.when(pl.col("other_role")).then(pl.lit("-role")).otherwise(pl.lit("")),
            pl.when(pl.col("other_city")).then(pl.lit("-city")).otherwise(pl.lit("")),
            pl.when(pl.col("veto"))
            .then(pl.lit(" veto:conflicting_identifier"))
            .otherwise(pl.lit("")),
        ]
    )
    common = pl.col("namesakes") > config.max_expected_namesakes
    evidence = evidence + pl.when(common).then(pl.lit(" hold:common_name")).otherwise(pl.lit(""))
    out = c.select(
        pl.col("a").cast(pl.UInt32),
        pl.col("b").cast(pl.UInt32),
        pl.lit("fuzzy_name").alias("rule"),
        "score",
        evidence.alias("evidence"),
        (pl.col("veto") | common).alias("veto"),
    )
    auto = out.filter((pl.col("score") >= config.auto_merge_score) & ~pl.col("veto"))
    review = out.filter(
        (pl.col("score") >= config.review_score)
        & ((pl.col("score") < config.auto_merge_score) | pl.col("veto"))
    )
    auto = auto.drop("veto").with_columns(pl.lit(FUZZY_RANK, dtype=pl.Int32).alias("rank"))
    # Same full name (nickname-aware, no typo) and ONE shared fact, nothing contradicting:
    # `exclusive_fact_edges` merges those whose fact no namesake shares.
    single = (
        (pl.col("score") < config.auto_merge_score)
        & (pl.col("fn") == 1.0)
        & (pl.col("ln") == 1.0)
        & (pl.col("first_canon") == pl.col("first_canon_b"))
        & (pl.col("last_key") == pl.col("last_key_b"))
        & (pl.col("same_company") | pl.col("same_city") | pl.col("same_role"))
        & ~pl.col("other_role")
        & ~pl.col("other_city")
        & ~pl.col("veto")
    )
    pending = c.filter(single).select(
        pl.col("a").cast(pl.UInt32),
        pl.col("b").cast(pl.UInt32),
        "score",
        evidence.alias("evidence"),
    )
    return (
        auto.sort("score", "a", "b", descending=[True, False, False]),
        review.drop("veto"),
        pending,
    )


def exclusive_fact_edges(
    people: pl.DataFrame,
    component: pl.Series,
    pending: pl.DataFrame,
    freq: NameFrequencies | None = None,
    max_namesakes: float = 0.1,
) -> pl.DataFrame:
    """Edges for same-name pairs (`score_fuzzy` pending) that share a fact no namesake shares.

    One shared company, city or role is not enough against namesakes in general, but it is
    when, across the whole market, only these two components carry that value under that
    full name and no known city or role contradicts: the usual trace of a job change (a
    sourcing row at the new employer keeps the old ATS record's role) or of a sparse event
    sign-up. A third same-name component holding the fact makes it ambiguous: no edge.
    `component` is the clustering after the two-fact fuzzy merges (so pieces of one person
    already joined count once); `freq` defaults to its frequencies.
    """
    comp = component.gather(pending["a"]), component.gather(pending["b"])
    p = pending.with_columns(
        pl.min_horizontal(comp[0], comp[1]).alias("comp"),
        pl.max_horizontal(comp[0], comp[1]).alias("comp_b"),
    ).filter(pl.col("comp") != pl.col("comp_b"))
    if p.is_empty():
        return _empty_edges()
    prof = component_profiles(people, component)
    if freq is None or freq.name_facts is None:
        freq = name_frequencies(people, component, prof, with_name_facts=True)
    names = people.select("idx", "first_canon", "last_key")
    p = (
        p.join(names, left_on="a", right_on="idx")
        .join(prof, on="comp")
        .join(prof, left_on="comp_b", right_on="comp", suffix="_b")
    )

    def disjoint(col: str) -> pl.Expr:
        return (
            (pl.col(col).list.len() > 0)
            & (pl.col(f"{col}_b").list.len() > 0)
            & (pl.col(col).list.set_intersection(pl.col(f"{col}_b")).list.len() == 0)
        )

    # Facts gathered by the two-fact merges can now contradict the pair.
    p = p.filter(~disjoint("cities") & ~disjoint("roles")).select(
        "a",
        "b",
        "score",
        "evidence",
        "first_canon",
        "last_key",
        *(
            pl.col(col).list.set_intersection(pl.col(f"{col}_b")).alias(f"shared_{col}")
            for col in FACT_COLUMNS
        ),
    )
    p = p.with_columns(exclusive_verdicts(p, freq, max_namesakes))
    e = p.filter(pl.col("fact").is_not_null())
    edges = (
        e.select(
            "a",
            "b",
            pl.lit(EXCLUSIVE_FACT_RULE).alias("rule"),
            "score",
            (pl.col("evidence") + pl.lit(" exclusive:") + pl.col("fact")).alias("evidence"),
            pl.lit(FUZZY_RANK + 1, dtype=pl.Int32).alias("rank"),
        )
        .sort("score", "a", "b", descending=[True, False, False])
        .unique(["a", "b"], keep="first", maintain_order=True)
    )
    return edges


# Two records under one full name that nothing else joins, where the name is so rare that
# the market is not expected to hold a second person with it (a Lena Günther among 3,000
# people): a person who applied twice without an identifier in common, or whose sourcing row
# names no employer. Weak evidence: clusters.py refuses it when the two sides disagree on a
# phone, a profile or a personal mailbox, and it never merges across two known cities or roles.
RARE_NAME_RULE = "rare_full_name"


def rare_name_edges(
    people: pl.DataFrame, component: pl.Series, max_expected: float
) -> pl.DataFrame:
    """Edges between the only two components that carry a full name (same canonical given
    name, same family name), when the market is expected to hold fewer than `max_expected`
    people with that name by chance: components x share with the given name x share with the
    family name (the two are independent enough in any market), and no known city or role
    contradicts. Expectations grow with the market, so a million records merge far fewer names
    this way than three thousand."""
    named = (
        people.select("idx", component.alias("comp"), "first_canon", "last_key")
        .drop_nulls(["first_canon", "last_key"])
        .unique(["comp", "first_canon", "last_key"])
    )
    n = max(named["comp"].n_unique(), 1)
    comps = named.select("comp", "first_canon", "last_key")
    first = (
        comps.unique(["comp", "first_canon"])
        .group_by("first_canon")
        .agg((pl.len() / n).alias("pf"))
    )
    last = comps.unique(["comp", "last_key"]).group_by("last_key").agg((pl.len() / n).alias("pl"))
    pairs = (
        named.group_by("first_canon", "last_key")
        .agg(pl.col("comp").unique().sort(), pl.col("idx").min())
        .filter(pl.col("comp").list.len() == 2)
        .join(first, on="first_canon")
        .join(last, on="last_key")
        .filter(pl.col("pf") * pl.col("pl") * n <= max_expected)
    )
    if pairs.is_empty():
        return _empty_edges()
    reps = named.group_by("comp").agg(pl.col("idx").min().alias("rep"))
    pairs = pairs.select(
        pl.col("comp").list.get(0).alias("comp"), pl.col("comp").list.get(1).alias("comp_b")
    )
    prof = component_profiles(people, component)
    p = pairs.join(prof, on="comp").join(prof, left_on="comp_b", right_on="comp", suffix="_b")

    def disjoint(col: str) -> pl.Expr:
        return (
            (pl.col(col).list.len() > 0)
            & (pl.col(f"{col}_b").list.len() > 0)
            & (pl.col(col).list.set_intersection(pl.col(f"{col}_b")).list.len() == 0)
        )

    # Two known home cities, or two known roles with nothing in common, are a namesake's
    # tells (as in `score_fuzzy`); a new employer alone is not (people change jobs).
    p = p.filter(~disjoint("cities") & ~(disjoint("roles") & ~_share_a_role_word()))
    p = p.join(reps, on="comp").join(reps.rename({"comp": "comp_b", "rep": "rep_b"}), on="comp_b")
    return p.select(
        pl.min_horizontal("rep", "rep_b").cast(pl.UInt32).alias("a"),
        pl.max_horizontal("rep", "rep_b").cast(pl.UInt32).alias("b"),
        pl.lit(RARE_NAME_RULE).alias("rule"),
        pl.lit(0.9).alias("score"),
        pl.lit(RARE_NAME_RULE).alias("evidence"),
        pl.lit(FUZZY_RANK + 2, dtype=pl.Int32).alias("rank"),
    ).sort("a", "b")


def exclusive_verdicts(
    pairs: pl.DataFrame, freq: NameFrequencies, max_namesakes: float
) -> pl.Series:
    """Per pair (`first_canon, last_key, shared_<fact>`): the exclusive facts joined by "+"
    when the pair earns a `name_exclusive_fact` edge, else null (`exclusive_fact_edges`)."""
    assert freq.name_facts is not None
    row = pl.int_range(pl.len(), dtype=pl.UInt32).alias("row")
    hits = []
    for col in FACT_COLUMNS:
        shared = (
            pairs.select(row, "first_canon", "last_key", pl.col(f"shared_{col}").alias("v"))
            .explode("v")
            .drop_nulls("v")
            .with_columns(pl.lit(col).alias("fact"))
        )
        hits.append(
            shared.join(freq.name_facts, on=["first_canon", "last_key", "fact", "v"])
            .filter(pl.col("k") <= 2)
            .join(freq.facts[col], on="v")
            .select("row", "fact", "f")
        )
    found = (
        pl.concat(hits)
        .group_by("row")
        .agg(pl.col("fact").unique().sort().str.join("+"), pl.col("f").min())
        .join(pairs.select(row, "first_canon", "last_key"), on="row")
        .join(freq.names, on=["first_canon", "last_key"], how="left")
        # Other people expected to share the name and this fact by coincidence (as in
        # `expected_namesakes`): exclusivity means little for a common name in a big market.
        .with_columns(
            ((pl.col("name_n").fill_null(1) - 1).clip(lower_bound=1) * pl.col("f")).alias("ns")
        )
        .filter(pl.col("ns") <= max_namesakes)
    )
    return (
        pairs.select(row)
        .join(found.select("row", "fact"), on="row", how="left", maintain_order="left")["fact"]
        .alias("fact")
    )


@dataclass(frozen=True, slots=True)
class NameFrequencies:
    """How common names and facts are: components per name, share of components per fact."""

    names: pl.DataFrame  # first_canon, last_key, name_n
    facts: dict[str, pl.DataFrame]  # companies|cities|roles -> v, f (share of components)
    # first_canon, last_key, fact (companies|cities|roles), v, k: components carrying the
    # name together with that fact value (None unless `with_name_facts`).
    name_facts: pl.DataFrame | None


FACT_COLUMNS = ("companies", "cities", "roles")


def name_frequencies(
    people: pl.DataFrame,
    component: pl.Series,
    profiles: pl.DataFrame | None = None,
    *,
    with_name_facts: bool = False,
) -> NameFrequencies:
    """Frequencies over the components of `component` (records with the same label = one).

    `name_facts` (only `exclusive_fact_edges` needs them) are counted when asked for.
    """
    prof = component_profiles(people, component) if profiles is None else profiles
    n_comp = max(prof.height, 1)
    named = people.select(component.alias("comp"), "first_canon", "last_key").drop_nulls().unique()
    names = named.group_by("first_canon", "last_key").agg(pl.len().cast(pl.Int64).alias("name_n"))
    facts = {
        col: prof.select(pl.col(col).alias("v"))
        .explode("v")
        .drop_nulls()
        .group_by("v")
        .agg((pl.len() / n_comp).alias("f"))
        for col in FACT_COLUMNS
    }
    name_facts = None
    if with_name_facts:
        name_facts = pl.concat(
            [
                named.join(
                    prof.select("comp", pl.col(col).alias("v")).explode("v").drop_nulls("v"),
                    on="comp",
                )
                .group_by("first_canon", "last_key", "v")
                .agg(pl.len().cast(pl.Int64).alias("k"))
                .with_columns(pl.lit(col).alias("fact"))
                for col in FACT_COLUMNS
            ]
        ).select("first_canon", "last_key", "fact", "v", "k")
    return NameFrequencies(names=names, facts=facts, name_facts=name_facts)


def expected_namesakes(pairs: pl.DataFrame, freq: NameFrequencies) -> pl.Series:
    """How many OTHER people would share this name and the matched facts by coincidence.

    (components carrying the name - 1) x the share of components holding each matched value
    (rarest shared company, city, role), as if facts were independent of names. A rare name at
    a shared employer is strong evidence; "Priya Patel at Acme in London" in a market of a
    million records is not, because several Priya Patels are expected to match that well.
    `pairs` holds both sides' `first_canon, last_key` (`_b` suffix) and the shared values
    (`shared_companies|cities|roles`).
    """
    pair = (
        pairs.select(
            pl.int_range(pl.len(), dtype=pl.UInt32).alias("row"),
            "first_canon",
            "last_key",
            "first_canon_b",
            "last_key_b",
        )
        .join(freq.names, on=["first_canon", "last_key"], how="left")
        .join(
            freq.names.rename({"name_n": "name_n_b"}),
            left_on=["first_canon_b", "last_key_b"],
            right_on=["first_canon", "last_key"],
            how="left",
        )
        .sort("row")
    )
    share = pair.select(
        (pl.max_horizontal(pl.col("name_n").fill_null(1), pl.col("name_n_b").fill_null(1)) - 1)
        .cast(pl.Float64)
        .alias("namesakes")
    ).to_series()
    for col, facts in freq.facts.items():
        rows = pairs.select(
            pl.int_range(pl.len(), dtype=pl.UInt32).alias("row"),
            pl.col(f"shared_{col}").alias("v"),
        )
        found = rows.explode("v").join(facts, on="v").group_by("row").agg(pl.col("f").min())
        # No shared value: the fact did not match and does not narrow the namesakes (x 1).
        rarest = rows.select("row").join(found, on="row", how="left", maintain_order="left")
        share = share * rarest["f"].fill_null(1.0)
    return share.alias("namesakes")


# Words that end titles of every line of work (Software Engineer, Mechanical Engineer): two
# roles sharing only one of them are not one line of work.
GENERIC_ROLE_WORDS = (
    "engineer",
    "manager",
    "developer",
    "specialist",
    "consultant",
    "director",
    "officer",
    "partner",
    "executive",
    "coordinator",
    "assistant",
    "representative",
)


def _share_a_role_word() -> pl.Expr:
    """Whether the two sides' roles share a word that names a line of work: QA Lead and
    Senior QA Engineer are one career, not the namesake's tell that Data Engineer against
    Sales Manager is."""

    def words(col: str) -> pl.Expr:
        return (
            pl.col(col)
            .list.join(" ")
            .str.split(" ")
            .list.unique()
            .list.set_difference(pl.lit(list(GENERIC_ROLE_WORDS)))
        )

    return words("roles").list.set_intersection(words("roles_b")).list.len() > 0


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
    """Free-mail addresses as kind `email_personal` (a person's own mailbox, for vetoes).

    An address whose handle carries a number (orlagallagher1990, sophie.brown95) is valued
    by that handle, without dots, underscores and hyphens: people keep such a handle across
    providers (Outlook and Gmail), so the two addresses do not say "two people". A handle
    that is only a name (ryo.tanaka at Gmail, ryotanaka at Yahoo) is taken by a different
    namesake at each provider, so those addresses still conflict.

    Kind `email_handle` values every personal address by its handle alone: a pair that
    already agrees on the name and two facts (`score_fuzzy`) is not told apart by one handle
    kept at two providers (rebecca_turner at Yahoo and at Gmail), though a pair with less in
    common is.
    """
    personal = identifiers.filter(
        (pl.col("kind") == "email") & ~pl.col("corporate") & ~pl.col("role")
    )
    handle = pl.col("value").str.extract(r"^([^@]+)@", 1).str.replace_all(r"[._\-]", "")
    numbered = handle.str.count_matches(r"\d") >= 2
    by_handle = personal.with_columns(
        pl.lit("email_handle").alias("kind"), (pl.lit("handle:") + handle).alias("value")
    )
    personal = personal.with_columns(
        pl.lit("email_personal").alias("kind"),
        pl.when(numbered).then(pl.lit("handle:") + handle).otherwise("value").alias("value"),
    )
    return pl.concat([identifiers, personal, by_handle])


def _pairwise(c: pl.DataFrame, col: str, fn, name: str) -> pl.Series:
    """fn(left, right) for each row, computed once per distinct (left, right) value pair.

    Name vocabularies are small, so a million candidate pairs collapse to a few hundred
    thousand distinct string pairs: Python runs per distinct pair, joins do the rest.
    """
    pairs = c.select(pl.col(col).alias("x"), pl.col(f"{col}_b").alias("y"))
    uniq = pairs.unique()
    vals = [float(fn(x or "", y or "")) for x, y in uniq.iter_rows()]
    uniq = uniq.with_columns(pl.Series(name, vals, dtype=pl.Float64))
    return pairs.join(uniq, on=["x", "y"], how="left", nulls_equal=True, maintain_order="left")[
        name
    ]
