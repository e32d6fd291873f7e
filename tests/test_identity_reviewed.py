"""Reviewers' answers in the identity engine: "same person" merges, "different people" keeps
records apart through any chain of edges, and answered pairs are not asked again."""

from __future__ import annotations

from typing import Any

import polars as pl

from orchestration.identity.decisions import DIFFERENT_PEOPLE, REVIEWED_SAME_RULE, SAME_PERSON
from orchestration.identity.engine import resolve_identities
from orchestration.identity.schema import PERSON_RECORD_SCHEMA
from tests.test_identity_matching import _rec


def _decisions(*rows: tuple[str, str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"record_key_a": a, "record_key_b": b, "decision": d, "decision_id": f"d{i}"}
            for i, (a, b, d) in enumerate(rows)
        ]
    )


def _resolve(rows: list[dict[str, Any]], decisions: pl.DataFrame | None = None):
    res = resolve_identities(pl.DataFrame(rows, schema=PERSON_RECORD_SCHEMA), decisions=decisions)
    return res, dict(res.clusters.iter_rows())


GH = "greenhouse:candidates:1"
LV = "lever:opportunities:2"
BRIDGE = "ashby:candidates:3"


def _one_mailbox_two_records() -> list[dict[str, Any]]:
    # A shared family mailbox: the engine merges the two records on the address alone.
    return [
        _rec(GH, first_name="Alex", last_name="Moreau", emails=["moreau.family@gmail.com"]),
        _rec(LV, full_name="Alex Moreau", emails=["moreau.family@gmail.com"]),
    ]


def test_different_people_keeps_a_shared_address_apart() -> None:
    _, before = _resolve(_one_mailbox_two_records())
    assert before[GH] == before[LV]
    res, after = _resolve(_one_mailbox_two_records(), _decisions((GH, LV, DIFFERENT_PEOPLE)))
    assert after[GH] != after[LV]
    refused = res.refused.filter(pl.col("reason") == "reviewed_apart")
    assert refused.height == 1


def test_a_new_record_cannot_bridge_a_pair_kept_apart() -> None:
    rows = _one_mailbox_two_records()
    rows[1]["phones"] = ["+33 6 12 34 56 78"]
    # Shares the mailbox with one and the phone with the other: without the answer it would
    # glue both into one cluster.
    rows.append(
        _rec(
            BRIDGE,
            full_name="Alex Moreau",
            emails=["moreau.family@gmail.com"],
            phones=["+33612345678"],
        )
    )
    _, without = _resolve(rows)
    assert without[GH] == without[LV] == without[BRIDGE]
    decisions = _decisions((GH, LV, DIFFERENT_PEOPLE))
    for _ in range(3):  # every later run applies the answer again
        _, c = _resolve(rows, decisions)
        assert c[GH] != c[LV]
        assert c[BRIDGE] in (c[GH], c[LV])


def test_same_person_merges_what_no_rule_would_and_overrides_conflicting_identifiers() -> None:
    rows = [
        # A surname change and two LinkedIn profiles (an old, abandoned one).
        _rec(
            GH,
            first_name="Maria",
            last_name="Rossi",
            profile_urls=["https://www.linkedin.com/in/maria-rossi-1"],
        ),
        _rec(
            LV,
            full_name="Maria Bianchi",
            profile_urls=["https://www.linkedin.com/in/maria-bianchi-2"],
        ),
    ]
    _, before = _resolve(rows)
    assert before[GH] != before[LV]
    res, after = _resolve(rows, _decisions((GH, LV, SAME_PERSON)))
    assert after[GH] == after[LV]
    edge = res.edges.filter(pl.col("rule") == REVIEWED_SAME_RULE)
    assert edge["evidence"].to_list() == ["reviewed:d0"]


def test_same_person_does_not_override_a_pair_kept_apart() -> None:
    rows = [
        _rec(GH, first_name="Sam", last_name="Lee", emails=["sam.lee@gmail.com"]),
        _rec(LV, full_name="Sam Lee"),
        _rec(BRIDGE, full_name="Sam Lee", emails=["sam.lee@gmail.com"]),
    ]
    # One reviewer joined LV to BRIDGE, another kept GH and LV apart: GH and BRIDGE share an
    # address, so one of the two answers cannot hold; the apart answer wins (a false merge
    # costs more than a missed one) and the refused edge says why.
    res, c = _resolve(rows, _decisions((LV, BRIDGE, SAME_PERSON), (GH, LV, DIFFERENT_PEOPLE)))
    assert c[GH] != c[LV]
    assert res.refused.filter(pl.col("reason") == "reviewed_apart").height >= 1


def _namesakes_market() -> list[dict[str, Any]]:
    # As in test_identity_matching: thirty John Smiths make one John Smith pair a common-name
    # hold for review.
    rows = [
        _rec(
            f"sourcing:profiles:s.csv:{i}",
            first_name="John",
            last_name="Smith",
            company=f"Company {i}",
            location="London, United Kingdom" if i % 2 else "Leeds, United Kingdom",
        )
        for i in range(30)
    ]
    rows += [
        _rec(
            "greenhouse:candidates:js",
            first_name="John",
            last_name="Smith",
            company="Acme Ltd",
            location="London, United Kingdom",
        ),
        _rec(
            "events:signups:e.csv:js",
            first_name="John",
            last_name="Smith",
            company="ACME",
            location="London",
        ),
    ]
    return rows


def test_an_answered_pair_is_not_listed_for_review_again() -> None:
    pair = ("events:signups:e.csv:js", "greenhouse:candidates:js")
    res, _ = _resolve(_namesakes_market())
    listed = res.review.filter(
        (pl.col("record_key_a") == pair[0]) & (pl.col("record_key_b") == pair[1])
        | (pl.col("record_key_a") == pair[1]) & (pl.col("record_key_b") == pair[0])
    )
    assert listed.height == 1
    res, c = _resolve(_namesakes_market(), _decisions((*pair, DIFFERENT_PEOPLE)))
    assert c[pair[0]] != c[pair[1]]
    listed_pairs = {frozenset(r) for r in res.review.select("record_key_a", "record_key_b").rows()}
    assert frozenset(pair) not in listed_pairs
    res, c = _resolve(_namesakes_market(), _decisions((*pair, SAME_PERSON)))
    assert c[pair[0]] == c[pair[1]]


def test_answers_about_records_no_longer_in_the_market_are_ignored() -> None:
    res, c = _resolve(
        _one_mailbox_two_records(), _decisions((GH, "lever:opportunities:gone", DIFFERENT_PEOPLE))
    )
    assert c[GH] == c[LV]
