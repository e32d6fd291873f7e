"""Clusters: connected components over auto-merge edges, with conflict and size guards.

A tight union-find over integer record ids, merging edges strongest-first (edges.py `rank`).
Two guards refuse a union and record why:
- `conflict`: the two sides hold different values of a singular identifier kind (two
  LinkedIn profiles) — a chain through a re-used work mailbox must not join two people;
- `size`: the union would exceed `max_component_size` — a transitive chain through weak
  edges; because edges arrive strongest-first, the refused edges are the weakest ones;
- `reviewed_apart`: a reviewer answered that a record on one side and a record on the other
  are different people (decisions.py) — no chain of edges may join them.
A plain Python loop is fine here: one `find` is a few list lookups, and a million records
produce a few million edges at most (seconds, not minutes).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from .decisions import REVIEWED_SAME_RULE
from .schema import IdentityConfig

# The two-fact fuzzy rule (edges.py `score_fuzzy`), vetoed by `config.fuzzy_veto_kinds`.
FUZZY_RULE = "fuzzy_name"


@dataclass(slots=True)
class ClusterResult:
    component: pl.Series  # per idx: the smallest idx of its cluster (UInt32)
    refused: pl.DataFrame  # edges not applied: a, b, rule, reason


def connected_components(n_records: int, a: pl.Series, b: pl.Series) -> pl.Series:
    """Plain components (label = smallest idx): columnar hooking plus pointer jumping.

    Each round hooks every root to the smallest root it touches, then jumps pointers until
    labels are roots again; edges inside one component are dropped as soon as they are, so
    rounds shrink fast (a handful for star-shaped identifier edges). Unguarded: it only tells
    which components need the exact, guarded union-find.
    """
    idx = pl.int_range(0, n_records, eager=True, dtype=pl.UInt32)
    label = idx
    e = pl.DataFrame({"a": a.cast(pl.UInt32), "b": b.cast(pl.UInt32)}).filter(
        pl.col("a") != pl.col("b")
    )
    e = pl.concat([e, e.select(pl.col("b").alias("a"), pl.col("a").alias("b"))])
    while e.height:
        e = e.with_columns(la=label.gather(e["a"]), lb=label.gather(e["b"]))
        e = e.filter(pl.col("la") != pl.col("lb"))
        hooks = e.filter(pl.col("la") > pl.col("lb")).group_by("la").agg(pl.col("lb").min())
        if hooks.is_empty():
            break
        parent = idx.clone().scatter(hooks["la"], hooks["lb"])
        label = parent.gather(label)
        while True:
            jumped = label.gather(label)
            if jumped.equals(label):
                break
            label = jumped
        e = e.select("a", "b")
    return label.alias("component")


def union_find_clusters(
    n_records: int,
    edges: pl.DataFrame,
    singular: pl.DataFrame,
    config: IdentityConfig,
    initial: pl.Series | None = None,
    apart: pl.DataFrame | None = None,
) -> ClusterResult:
    """Components of `edges` (sorted strongest-first by the caller) over `n_records` records.

    `singular` holds `idx, kind, value` of the identifier kinds that can veto a union: every
    edge is refused when the sides disagree on `config.singular_kinds`; a weak edge
    (`config.weak_rules`: a re-usable work mailbox, a GitHub handle, a fuzzy name match) also
    when they disagree on `config.weak_edge_veto_kinds` (phone, personal mailbox).
    `initial` optionally seeds the components (a previous pass's result as idx -> smallest idx).
    `apart` (`a, b`): record pairs a reviewer kept apart; an edge of `decisions.REVIEWED_SAME_RULE`
    (a reviewer's "same person") is exempt from the identifier vetoes, never from `apart`.

    Only components that could trip a guard (over the size cap, or holding two values of a
    veto kind) go through the exact Python union-find; the rest keep their plain label.
    """
    base = (
        initial.cast(pl.UInt32)
        if initial is not None
        else pl.int_range(0, n_records, eager=True, dtype=pl.UInt32)
    )
    idx = pl.int_range(0, n_records, eager=True, dtype=pl.UInt32)
    plain = connected_components(
        n_records, pl.concat([edges["a"], idx]), pl.concat([edges["b"], base])
    )
    kinds = list(
        set(config.singular_kinds) | set(config.weak_edge_veto_kinds) | set(config.fuzzy_veto_kinds)
    )
    lab = pl.DataFrame({"idx": idx, "comp": plain})
    sizes = lab.group_by("comp").agg(pl.len().alias("n"))
    clashing = (
        singular.filter(pl.col("kind").is_in(kinds))
        .join(lab, on="idx")
        .group_by("comp", "kind")
        .agg(pl.col("value").n_unique().alias("v"))
        .filter(pl.col("v") > 1)
        .select("comp")
    )
    apart = apart if apart is not None else pl.DataFrame(schema={"a": pl.UInt32, "b": pl.UInt32})
    spanning = (
        pl.DataFrame({"comp": plain.gather(apart["a"]), "comp_b": plain.gather(apart["b"])})
        .filter(pl.col("comp") == pl.col("comp_b"))
        .select("comp")
    )
    suspicious = pl.concat(
        [
            clashing,
            sizes.filter(pl.col("n") > config.max_component_size).select("comp"),
            spanning.cast(pl.UInt32),
        ]
    ).unique()
    sus_idx = lab.join(suspicious, on="comp").sort("idx")["idx"]
    if sus_idx.is_empty():
        return ClusterResult(component=plain, refused=_refused_frame([]))
    sus_set = pl.DataFrame({"a": sus_idx})
    sub_edges = edges.join(sus_set, on="a", how="semi")
    comp_exact, refused = _guarded_union_find(
        sus_idx.to_list(),
        base.gather(sus_idx).to_list(),
        sub_edges,
        singular.join(pl.DataFrame({"idx": sus_idx}), on="idx", how="semi"),
        config,
        apart.join(sus_set, on="a", how="semi").select("a", "b"),
    )
    fixed = pl.DataFrame({"idx": sus_idx, "exact": pl.Series(comp_exact, dtype=pl.UInt32)})
    comp = lab.join(fixed, on="idx", how="left", maintain_order="left").select(
        pl.coalesce("exact", "comp").alias("component")
    )["component"]
    return ClusterResult(component=comp, refused=_refused_frame(refused))


def _refused_frame(rows: list[tuple[int, int, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"a": pl.UInt32, "b": pl.UInt32, "rule": pl.String, "reason": pl.String},
        orient="row",
    )


def _guarded_union_find(
    members: list[int],
    seeds: list[int],
    edges: pl.DataFrame,
    singular: pl.DataFrame,
    config: IdentityConfig,
    apart: pl.DataFrame,
) -> tuple[list[int], list[tuple[int, int, str, str]]]:
    """Exact conflict/size/apart-guarded union-find over a subset of records (dict-based)."""
    parent: dict[int, int] = dict(zip(members, seeds, strict=True))
    size: dict[int, int] = {}
    for r in seeds:
        size[r] = size.get(r, 0) + 1
    sing: dict[int, dict[str, frozenset[str]]] = {}
    strong_kinds = tuple(config.singular_kinds)
    weak_kinds = tuple(config.weak_edge_veto_kinds)
    fuzzy_kinds = tuple(config.fuzzy_veto_kinds)
    weak_rules = frozenset(config.weak_rules)
    unvetoed = frozenset(config.unvetoed_rules) | {REVIEWED_SAME_RULE}
    grouped = singular.group_by("idx", "kind").agg(pl.col("value").unique())
    for i, kind, values in grouped.iter_rows():
        root = parent[i]
        cur = sing.setdefault(root, {})
        cur[kind] = cur.get(kind, frozenset()) | frozenset(values)
    # Apart answer i marks its two records with tokens 2i and 2i+1; two roots may not unite
    # when one holds a token and the other its partner (token ^ 1).
    tokens: dict[int, set[int]] = {}
    for i, (a, b) in enumerate(zip(apart["a"].to_list(), apart["b"].to_list(), strict=True)):
        tokens.setdefault(parent[a], set()).add(2 * i)
        tokens.setdefault(parent[b], set()).add(2 * i + 1)

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    max_size = config.max_component_size
    refused: list[tuple[int, int, str, str]] = []
    for a, b, rule in zip(
        edges["a"].to_list(), edges["b"].to_list(), edges["rule"].to_list(), strict=True
    ):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        ta, tb = tokens.get(ra), tokens.get(rb)
        if ta and tb and any(t ^ 1 in tb for t in ta):
            refused.append((a, b, rule, "reviewed_apart"))
            continue
        sa, sb = sing.get(ra), sing.get(rb)
        if sa and sb and rule not in unvetoed:
            kinds = (
                fuzzy_kinds
                if rule == FUZZY_RULE
                else weak_kinds
                if rule in weak_rules
                else strong_kinds
            )
            if any(k in sa and k in sb and not (sa[k] & sb[k]) for k in kinds):
                refused.append((a, b, rule, "conflict"))
                continue
        if size[ra] + size[rb] > max_size:
            refused.append((a, b, rule, "size"))
            continue
        if size[ra] < size[rb] or (size[ra] == size[rb] and rb < ra):
            ra, rb = rb, ra
        parent[rb] = ra
        size[ra] += size[rb]
        if tb:
            tokens.setdefault(ra, set()).update(tokens.pop(rb))
        if sa or sb:
            merged = dict(sa) if sa else {}
            for k, v in (sb or {}).items():
                merged[k] = merged.get(k, frozenset()) | v
            sing[ra] = merged
            sing.pop(rb, None)
    roots = [find(m) for m in members]
    # Name each component by its smallest member so ids do not depend on merge order.
    smallest: dict[int, int] = {}
    for m, r in zip(members, roots, strict=True):
        if r not in smallest or m < smallest[r]:
            smallest[r] = m
    return [smallest[r] for r in roots], refused
