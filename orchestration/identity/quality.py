"""Pairwise precision/recall of a clustering against ground truth, with causes of errors.

Pairs are counted without enumerating them: true positives are sum over (cluster, person)
cells of C(n, 2); predicted pairs sum over clusters, true pairs over persons.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from .clusters import connected_components
from .similarity import first_names_compatible, last_names_compatible, names_compatible


@dataclass(slots=True)
class QualityReport:
    precision: float
    recall: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    false_merges: int  # predicted clusters mixing two or more people
    false_pair_count: int
    missed_merges: int  # people split over two or more clusters (extra pieces)
    missed_pair_count: int
    false_by_rule: dict[str, int] = field(default_factory=dict)
    missed_by_cause: dict[str, int] = field(default_factory=dict)
    # Missed PAIRS by the cause of the piece that was left out (sums to missed_pair_count).
    missed_pairs_by_cause: dict[str, int] = field(default_factory=dict)
    # True pairs whose two records the data links at all (see `linkable_pairs`), and how many
    # of them were found; None when the report was built without the normalised records.
    linkable_pairs: int | None = None
    linkable_correct_pairs: int | None = None

    @property
    def recall_ceiling(self) -> float | None:
        """Best recall ANY engine could reach on this data (linkable pairs / true pairs)."""
        if self.linkable_pairs is None:
            return None
        return self.linkable_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def linkable_recall(self) -> float | None:
        """Recall over the pairs the data links: what the engine found of what it could."""
        if self.linkable_pairs is None or self.linkable_correct_pairs is None:
            return None
        return self.linkable_correct_pairs / self.linkable_pairs if self.linkable_pairs else 1.0

    def render(self) -> str:
        lines = [
            f"pairwise precision {self.precision:.4f}  recall {self.recall:.4f}",
            f"true pairs {self.true_pairs}  predicted {self.predicted_pairs}  "
            f"correct {self.correct_pairs}",
            f"false merges (mixed clusters) {self.false_merges}  false pairs "
            f"{self.false_pair_count}",
            f"missed merges (extra pieces) {self.missed_merges}  missed pairs "
            f"{self.missed_pair_count}",
            "false merges by rule of the joining edge: "
            + ", ".join(f"{k}={v}" for k, v in sorted(self.false_by_rule.items())),
            "missed pieces by cause: "
            + ", ".join(f"{k}={v}" for k, v in sorted(self.missed_by_cause.items())),
            "missed pairs by cause: "
            + ", ".join(f"{k}={v}" for k, v in sorted(self.missed_pairs_by_cause.items())),
        ]
        if self.linkable_pairs is not None:
            lines.append(
                f"linkable pairs {self.linkable_pairs} (recall ceiling for any engine "
                f"{self.recall_ceiling:.4f})  recall on linkable pairs {self.linkable_recall:.4f}"
            )
        return "\n".join(lines)


def _pairs(col: str) -> pl.Expr:
    return (pl.col(col) * (pl.col(col) - 1) // 2).sum()


def pairwise_quality(
    clusters: pl.DataFrame,
    truth: pl.DataFrame,
    edges: pl.DataFrame | None = None,
    people: pl.DataFrame | None = None,
    identifiers: pl.DataFrame | None = None,
) -> QualityReport:
    """clusters: record_key, cluster_key; truth: record_key, person_id (same record set)."""
    j = clusters.join(truth, on="record_key", how="inner")
    cells = j.group_by("cluster_key", "person_id").agg(pl.len().alias("n"))
    tp = int(cells.select(_pairs("n")).item() or 0)
    pred = int(j.group_by("cluster_key").agg(pl.len().alias("n")).select(_pairs("n")).item() or 0)
    true = int(j.group_by("person_id").agg(pl.len().alias("n")).select(_pairs("n")).item() or 0)
    per_cluster = cells.group_by("cluster_key").agg(pl.len().alias("people"))
    false_merges = int(per_cluster.filter(pl.col("people") > 1).height)
    per_person = cells.group_by("person_id").agg(pl.len().alias("pieces"))
    missed = int((per_person["pieces"] - 1).sum())
    report = QualityReport(
        precision=tp / pred if pred else 1.0,
        recall=tp / true if true else 1.0,
        true_pairs=true,
        predicted_pairs=pred,
        correct_pairs=tp,
        false_merges=false_merges,
        false_pair_count=pred - tp,
        missed_merges=missed,
        missed_pair_count=true - tp,
    )
    if edges is not None:
        report.false_by_rule = _false_by_rule(j, edges)
    if people is not None and identifiers is not None:
        report.missed_by_cause, report.missed_pairs_by_cause = _missed_causes(
            j, people, identifiers
        )
        report.linkable_pairs, report.linkable_correct_pairs = linkable_pairs(
            j, people, identifiers
        )
    return report


def linkable_pairs(
    j: pl.DataFrame, people: pl.DataFrame, identifiers: pl.DataFrame
) -> tuple[int, int]:
    """(true pairs the data links, of those the ones clustered together).

    Two records of one person are LINKABLE when a chain of that person's own records joins
    them, each step sharing a personal identifier (any non-role e-mail, phone, profile) or a
    compatible name. Pairs that are not linkable carry nothing of each other: an outreach row
    whose address no other record of the person holds, an Eventbrite seat that copies the
    ticket buyer's profile. No engine can place those, so `linkable / true pairs` is the
    recall ceiling of the data itself. The definition is generous on purpose: a same-name
    record with no other fact counts as linkable (a perfect judge of namesakes could merge
    it), so recall on linkable pairs is not flattered.
    """
    p = j.select("record_key", "cluster_key", "person_id").join(
        people.select("idx", "record_key", "first_key", "last_key"), on="record_key"
    )
    by_idx = p.select("idx", "person_id")
    # Identifier steps: every carrier of (person, value) links to the first carrier.
    ids = identifiers.filter(~pl.col("role")).select("idx", "value").join(by_idx, on="idx")
    roots = ids.group_by("person_id", "value").agg(pl.col("idx").min().alias("root"))
    id_edges = ids.join(roots, on=["person_id", "value"]).select("idx", "root")
    # Name steps: records spelled alike link to the spelling's first record; a person's
    # spellings that are compatible (nickname, typo, initial) link to each other.
    named = p.filter(pl.col("first_key").is_not_null() & pl.col("last_key").is_not_null())
    spellings = named.group_by("person_id", "first_key", "last_key").agg(
        pl.col("idx").min().alias("root")
    )
    name_edges = named.join(spellings, on=["person_id", "first_key", "last_key"]).select(
        "idx", "root"
    )
    variant_a: list[int] = []
    variant_b: list[int] = []
    multi = spellings.filter(pl.len().over("person_id") > 1).sort("person_id")
    for _pid, grp in multi.group_by("person_id", maintain_order=True):
        rows = grp.select("first_key", "last_key", "root").rows()
        for i, (f1, l1, r1) in enumerate(rows):
            for f2, l2, r2 in rows[i + 1 :]:
                if names_compatible(f1, l1, f2, l2):
                    variant_a.append(r1)
                    variant_b.append(r2)
    edges = pl.concat(
        [
            id_edges,
            name_edges,
            pl.DataFrame({"idx": variant_a, "root": variant_b}, schema=id_edges.schema),
        ]
    )
    component = connected_components(people.height, edges["idx"], edges["root"])
    p = p.with_columns(component=component.gather(p["idx"]))
    linkable = p.group_by("person_id", "component").agg(pl.len().alias("n")).select(_pairs("n"))
    found = (
        p.group_by("person_id", "component", "cluster_key")
        .agg(pl.len().alias("n"))
        .select(_pairs("n"))
    )
    return int(linkable.item() or 0), int(found.item() or 0)


def _false_by_rule(j: pl.DataFrame, edges: pl.DataFrame) -> dict[str, int]:
    """Applied edges whose two records belong to different true people, by rule."""
    pid = j.select("record_key", "person_id", "cluster_key")
    e = edges.join(pid, left_on="record_key_a", right_on="record_key").join(
        pid, left_on="record_key_b", right_on="record_key", suffix="_b"
    )
    bad = e.filter(
        (pl.col("person_id") != pl.col("person_id_b"))
        & (pl.col("cluster_key") == pl.col("cluster_key_b"))
    )
    return dict(bad.group_by("rule").len().iter_rows())


def _missed_causes(
    j: pl.DataFrame, people: pl.DataFrame, identifiers: pl.DataFrame
) -> tuple[dict[str, int], dict[str, int]]:
    """For each extra piece of a split person, the most specific reason we can name.

    The person's main piece is its largest NAMED piece (an unnamed cluster of outreach rows
    can be bigger, but it is the outreach rows that failed to join the person). Returns
    (pieces by cause, missed pairs by cause): each extra piece is charged the pairs it misses
    with the pieces ranked before it, so the pair counts sum to the missed pairs.
    """
    p = j.join(
        people.select(
            "idx",
            "record_key",
            "first_key",
            "last_key",
            "company_key",
            "city_key",
            "title_key",
            "is_buyer_profile_copy",
            "source",
        ),
        on="record_key",
    )
    ids = identifiers.join(p.select("idx", "cluster_key", "person_id"), on="idx")
    piece_ids = ids.group_by("person_id", "cluster_key").agg(
        pl.col("value").filter(~pl.col("role")).unique().alias("vals"),
        pl.col("role").any().alias("has_role"),
    )
    pieces = (
        p.group_by("person_id", "cluster_key")
        .agg(
            pl.col("first_key").drop_nulls().first().alias("f"),
            pl.col("last_key").drop_nulls().first().alias("l"),
            pl.col("company_key").drop_nulls().unique().alias("companies"),
            pl.any_horizontal(
                pl.col("company_key").is_not_null().any(),
                pl.col("city_key").is_not_null().any(),
                pl.col("title_key").is_not_null().any(),
            ).alias("has_facts"),
            pl.col("is_buyer_profile_copy").all().alias("buyer"),
            pl.col("source").unique().alias("sources"),
            pl.len().alias("n"),
        )
        .join(piece_ids, on=["person_id", "cluster_key"], how="left")
        .with_columns(pl.col("l").is_not_null().alias("named"))
    )
    split = pieces.filter(
        pl.col("person_id").is_in(
            pieces.group_by("person_id").len().filter(pl.col("len") > 1)["person_id"].implode()
        )
    ).sort("person_id", "named", "n", "cluster_key", descending=[False, True, True, False])
    causes: dict[str, int] = {}
    pairs: dict[str, int] = {}
    for _pid, grp in split.group_by("person_id", maintain_order=True):
        rows = grp.to_dicts()
        main = rows[0]
        before = main["n"]
        for r in rows[1:]:
            cause = _cause(main, r)
            causes[cause] = causes.get(cause, 0) + 1
            pairs[cause] = pairs.get(cause, 0) + r["n"] * before
            before += r["n"]
    return causes, pairs


def _cause(main: dict, piece: dict) -> str:
    if piece["buyer"]:
        return "buyer_profile_copy"
    shared = set(main["vals"] or []) & set(piece["vals"] or [])
    if shared:
        return "shared_identifier_refused_or_screened"
    if piece["f"] is None or piece["l"] is None:
        if not piece["vals"]:
            return "no_name_no_identifier" if not piece["has_role"] else "role_mailbox_only"
        return "identifier_only_not_shared"
    if main["f"] and main["l"]:
        if not first_names_compatible(main["f"], piece["f"]) or not last_names_compatible(
            main["l"], piece["l"]
        ):
            return "name_differs"
        name = "name_variant" if main["f"] != piece["f"] or main["l"] != piece["l"] else "same_name"
        if not piece["has_facts"] or not main["has_facts"]:
            # Nothing but the name to go on: with namesakes about, not enough to merge.
            return f"{name}_only_no_facts_no_identifier"
        if set(main["companies"] or []) & set(piece["companies"] or []):
            return f"{name}_same_company_no_identifier"
        return f"{name}_changed_company_no_identifier"
    return "no_shared_identifier"
