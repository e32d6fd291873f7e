"""End-to-end quality of identity resolution on a small generated market (~2,000 people).

Eventbrite rows that copy a multi-ticket BUYER's profile carry nothing about the attendee who
really holds the seat, so no engine can place them: they cap pairwise recall (about 0.97 on
these markets: 0.9715 on the 10k market of seed 5 even if every other record were placed).
The quality report therefore also counts LINKABLE pairs (`quality.linkable_pairs`: two records
of one person joined by a chain of that person's own records sharing an identifier or a
compatible name); the issue's recall target is asserted on those, and the overall figure and
the data's ceiling (linkable / true pairs) are printed beside it and held by a regression floor.

Not linkable (10k market, seed 5, `pairwise_quality(...).render()`): buyer-profile seats (~1,250
pairs) and outreach rows whose address no other record of the person carries (~950 pairs:
matching the address's local part to a name unique in the market was right only ~40% of the
time, so it is not used). Linkable but still missed: same-name records whose facts do not single
the person out among namesakes, and records with a name and no fact at all (a coin flip here).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from ingest.sample.identity_records import build_person_records, read_ground_truth
from ingest.sample.market import generate_market
from ingest.sample.measure_identity import main
from orchestration.identity.engine import resolve_identities
from orchestration.identity.quality import linkable_pairs, pairwise_quality


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory):
    market = tmp_path_factory.mktemp("identity") / "m"
    generate_market(market, contacts=2000, seed=5)
    records = build_person_records(market)
    truth = read_ground_truth(market)
    result = resolve_identities(records)
    return records, truth, result


def test_precision_meets_target(resolved) -> None:
    _records, truth, result = resolved
    q = pairwise_quality(result.clusters, truth, result.edges, result.people, result.identifiers)
    print(q.render())
    assert q.precision >= 0.995
    # Regression floor: 0.9247 measured (0.9320 before the sample market's warm hires and
    # Art. 14 notices added sourcing rows known only by name and outreach rows; the ceiling:
    # module docstring).
    assert q.recall >= 0.92


def test_recall_on_records_with_own_identity(resolved) -> None:
    records, truth, result = resolved
    own = records.filter(~pl.col("is_buyer_profile_copy")).select("record_key")
    q = pairwise_quality(result.clusters.join(own, on="record_key"), truth)
    print(f"recall without buyer-profile copies {q.recall:.4f}")
    assert q.precision >= 0.995
    assert q.recall >= 0.945  # 0.9535 measured


def test_recall_target_on_linkable_pairs(resolved) -> None:
    # Target: recall >= 0.97. Over ALL true pairs no engine can get there on these markets
    # (the data's own ceiling, `recall_ceiling`, is ~0.95: buyer-profile seats and outreach
    # rows whose address nothing else carries), so the target is asserted on the pairs the
    # data links at all, and the overall figure and the ceiling are printed beside it.
    _records, truth, result = resolved
    q = pairwise_quality(result.clusters, truth, result.edges, result.people, result.identifiers)
    print(
        f"recall {q.recall:.4f}  ceiling {q.recall_ceiling:.4f}  "
        f"recall on linkable pairs {q.linkable_recall:.4f}"
    )
    assert q.recall_ceiling < 1.0 and q.recall <= q.recall_ceiling
    # 0.9741 measured; 10k markets (README table), seeds 3/5/7/11/13: 0.9745-0.9777
    assert q.linkable_recall >= 0.97


def test_linkable_pairs_follow_identifiers_and_names_of_one_person() -> None:
    # Person p: two "ann lee" records (one with an address), an outreach row whose address
    # nothing else carries, and an Eventbrite seat copying buyer q's profile; person s has
    # two spellings of one name (nickname) and nothing else in common.
    people = pl.DataFrame(
        {
            "idx": [0, 1, 2, 3, 4, 5, 6],
            "record_key": [f"r{i}" for i in range(7)],
            "first_key": ["ann", "ann", None, "bob", "bob", "bill", "william"],
            "last_key": ["lee", "lee", None, "stone", "stone", "smith", "smith"],
        },
        schema_overrides={"idx": pl.UInt32},
    )
    identifiers = pl.DataFrame(
        {
            "idx": [0, 2, 3, 4],
            "value": ["e:ann", "e:unique", "e:bob", "e:bob"],
            "role": [False, False, False, False],
        },
        schema_overrides={"idx": pl.UInt32},
    )
    truth = pl.DataFrame({"record_key": [f"r{i}" for i in range(7)], "person_id": list("ppppqss")})
    # The engine put ann's two records together, the seat with its buyer, split s.
    clusters = pl.DataFrame(
        {"record_key": [f"r{i}" for i in range(7)], "cluster_key": list("aabccde")}
    )
    assert linkable_pairs(clusters.join(truth, on="record_key"), people, identifiers) == (2, 1)
    q = pairwise_quality(clusters, truth)  # ann-ann, bill-william linkable; ann-ann found
    assert q.true_pairs == 6 + 1


def test_review_list_and_evidence_hold_no_raw_identifiers(resolved) -> None:
    records, _truth, result = resolved
    evidence = set(result.edges["evidence"].unique()) | set(result.review["evidence"].unique())
    assert all("@" not in e and "linkedin.com" not in e for e in evidence)
    assert result.review.height > 0
    assert set(result.clusters["record_key"]) == set(records["record_key"])


def test_market_path_is_reused_not_rewritten(tmp_path: Path) -> None:
    # The engine never reads ground truth: resolving without the file gives the same clusters.
    market = tmp_path / "m"
    generate_market(market, contacts=150, seed=9)
    records = build_person_records(market)
    before = resolve_identities(records).clusters
    (market / "ground_truth.csv").unlink()
    after = resolve_identities(build_person_records(market)).clusters
    assert before.equals(after)


def test_measure_quality_command_prints_the_report(tmp_path: Path, capsys) -> None:
    main(["--contacts", "150", "--seed", "9", "--market", str(tmp_path / "m")])
    out = capsys.readouterr().out
    assert "pairwise precision" in out and "recall on linkable pairs" in out
    assert (tmp_path / "m" / "ground_truth.csv").exists()


@pytest.mark.parametrize("seed", [1, 2])
def test_quality_on_the_independently_written_market(tmp_path: Path, seed: int) -> None:
    # The second generator (ingest/sample/independent_market: its own name pools and vendor
    # assumptions, no code shared with the first) is what keeps the engine from being tuned to
    # one generator. Precision meets the target; recall on linkable pairs is held by a
    # regression floor BELOW the 0.97 target, which it does not reach yet (0.9617 / 0.9587
    # measured for seeds 1 / 2 on 3,000 people; 0.77-0.80 before names of records sharing an
    # identifier were compared word by word, 0.92-0.93 before employers read from work
    # addresses, dotted legal forms, city exonyms and the two-identifier rule, 0.93-0.94
    # before phones were dialled in the record's country and rare full names merged).
    from ingest.sample.independent_market import generate_independent_market

    market = tmp_path / "independent"
    generate_independent_market(market, people=3000, seed=seed)
    records = build_person_records(market)
    truth = read_ground_truth(market)
    result = resolve_identities(records)
    q = pairwise_quality(result.clusters, truth, result.edges, result.people, result.identifiers)
    print(q.render())
    people, identifiers = result.people, result.identifiers
    linkable, found = linkable_pairs(
        result.clusters.join(truth, on="record_key"), people, identifiers
    )
    assert q.precision >= 0.995
    assert found / linkable >= 0.955
