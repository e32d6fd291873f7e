"""The engine's input contract and its tunable settings (one place, so reviews see every knob)."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

PERSON_RECORD_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "record_key": pl.String,
    "source": pl.String,
    "entity": pl.String,
    "source_record_id": pl.String,
    "first_name": pl.String,
    "last_name": pl.String,
    "full_name": pl.String,
    "company": pl.String,
    "title": pl.String,
    "location": pl.String,
    "emails": pl.List(pl.String),
    "phones": pl.List(pl.String),
    "profile_urls": pl.List(pl.String),
    "source_person_key": pl.String,
    "country_hint": pl.String,
    "record_updated_at": pl.Datetime("us"),
    "is_buyer_profile_copy": pl.Boolean,
}


@dataclass(frozen=True, slots=True)
class IdentityConfig:
    """Thresholds of the matcher. Defaults are tuned on generated markets (see quality.py)."""

    default_region: str = "US"
    # An identifier whose carriers fall into this many incompatible name groups is a shared
    # mailbox/phone, not a person's identifier.
    max_name_groups: int = 3
    # Identifiers carried by more records than this are never identity (team phones, etc.).
    max_records_per_identifier: int = 500
    # Fuzzy scores (edges.py `score_fuzzy`): >= auto_merge merges, [review, auto_merge) goes
    # to the review list. The market is full of namesakes: auto-merge needs the name plus two
    # of company, city, role, and two known roles or cities with nothing in common count
    # against the pair.
    auto_merge_score: float = 0.90
    review_score: float = 0.70
    # A fuzzy pair is held for review when more than this many other people are expected to
    # share the name and the matched facts by coincidence (edges.py `_expected_namesakes`):
    # common names in big markets need more corroboration than rare ones.
    max_expected_namesakes: float = 0.05
    # The same for a same-name pair corroborated by ONE fact that no namesake in the market
    # shares (edges.py `exclusive_fact_edges`): (components with the name - 1, at least 1) x
    # the share of components holding that fact. 0.2 measured on 10k markets (seeds 3, 5, 7,
    # 11, 13, before the warm-hire generator): recall on linkable pairs 0.970-0.978 at precision
    # >= 0.997; 0.1 gave 0.968-0.975 at >= 0.998, and looser values buy almost no recall for
    # more false merges.
    max_single_fact_namesakes: float = 0.2
    # Two components alone under a full name merge when fewer than this many people are
    # expected to carry the name by chance (edges.py `rare_name_edges`). Measured on 3k markets
    # (own seeds 3/5/7, independent 1/2/3): 0.02 gave independent linkable recall 0.951-0.958,
    # 0.05 gives 0.954-0.962 at the same precision, 0.1 adds 0.001 for 25 more false pairs.
    max_rare_name_expected: float = 0.05
    # Blocks with more components than this are not compared pairwise: fifty people sharing
    # a name and a company or city are a common-name bucket whose pairs the namesake guard
    # would hold anyway, and at a million records their pairs would dominate the run time.
    max_block_size: int = 50
    # Name + one shared fact only ever reaches the review list; such blocks are compared only
    # while this small (rare names), so the list stays short enough for a human.
    max_review_block_size: int = 5
    # Identifier kinds a person has only one of: two different values veto any merge, except
    # through `unvetoed_rules`.
    singular_kinds: tuple[str, ...] = ("linkedin",)
    # A personal mailbox belongs to one person for life, while a LinkedIn public URL can be
    # edited (ragnhild-larsen-19 becomes ragnhild-larsen-44 and old records keep the first):
    # the same free-mail address under compatible names outweighs two profile URLs. A mobile
    # number likewise follows one owner (people edit a profile URL, not their phone number).
    unvetoed_rules: tuple[str, ...] = ("email_exact", "phone_exact", "source_person_key")
    # Weak edges (evidence that can belong to a namesake) are also refused when the two sides
    # disagree on any of these kinds.
    # A work address is among them: a mail server issues it to one holder at a time but
    # re-issues it after the holder left, and a data vendor (People Data Labs) keeps listing a
    # person's past work addresses, so the old holder's profile and the namesake who holds the
    # address now share it; they then disagree on their phones and personal mailboxes.
    # Measured on the 1M own market (seed 102): precision 0.9856 -> 0.9952 at the same recall,
    # and on the 3k markets linkable recall within 0.0011.
    weak_rules: tuple[str, ...] = (
        "github_exact",
        "fuzzy_name",
        "name_exclusive_fact",
        "rare_full_name",
        "work_email_exact",
    )
    weak_edge_veto_kinds: tuple[str, ...] = ("linkedin", "github", "phone", "email_personal")
    # Kinds whose disagreement vetoes a fuzzy (not a deterministic) merge: the name and two
    # facts agree, so a personal address counts by its handle (edges.py
    # `with_personal_email_kind`). Measured on the independent 3k markets: linkable recall
    # +0.0006 to +0.0011 at the same precision, the own markets unchanged.
    fuzzy_veto_kinds: tuple[str, ...] = ("linkedin", "github", "phone", "email_handle")
    # Components larger than this are split by dropping their weakest edges.
    max_component_size: int = 200
    placeholder_names: frozenset[str] = field(
        default_factory=lambda: frozenset(
            {"anonymized candidate", "unknown", "n a", "na", "test", "candidate", "anonymous"}
        )
    )
