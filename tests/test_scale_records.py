"""The benchmarks' k-fold scale-up: each copy keeps the market's identity structure exactly, and
no identifier links two copies (only names, companies and the like are shared)."""

from __future__ import annotations

import polars as pl
import pytest

from ingest.sample.identity_records import build_person_records
from ingest.sample.market import generate_market
from ingest.sample.scale_records import copy_of, scaled_records, shift_phone
from orchestration.identity.normalise import normalise_records


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    market = tmp_path_factory.mktemp("market")
    generate_market(market, contacts=400, seed=23)
    return build_person_records(market)


def _groups(identifiers: pl.DataFrame) -> set[tuple[str, bool, bool, tuple[int, ...]]]:
    """Which records share each identifier (the structure the matcher sees), values dropped."""
    grouped = identifiers.group_by("kind", "value").agg(
        pl.col("corporate").first(), pl.col("role").first(), pl.col("idx").sort()
    )
    return {
        (row["kind"], row["corporate"], row["role"], tuple(row["idx"]))
        for row in grouped.iter_rows(named=True)
    }


def test_every_spelling_of_a_number_shifts_to_one_new_number() -> None:
    spellings = ["(415) 555-0123", "+1 415 555 0123", "415.555.0123", "+14155550123"]
    assert [shift_phone(s, 1) for s in spellings] == [
        "(415) 555-8042",
        "+1 415 555 8042",
        "415.555.8042",
        "+14155558042",
    ]
    assert shift_phone("+14155550123", 2) != shift_phone("+14155550123", 1)


def test_a_copy_keeps_the_identity_structure_and_shares_no_identifier(
    records: pl.DataFrame,
) -> None:
    copy = copy_of(records, 3)
    people0, ids0 = normalise_records(records)
    people3, ids3 = normalise_records(copy)
    # Same records sharing the same kinds of identifier, same corporate/role flags: nothing the
    # generator made was lost (every phone still parses, every role mailbox is still one).
    assert _groups(ids3) == _groups(ids0)
    assert ids0.height > 0 and {"email", "phone", "linkedin", "spk"} <= set(ids0["kind"])
    shared = ids0.join(ids3, on=["kind", "value"])
    assert shared.height == 0
    names = ["first_key", "last_key", "company_key", "city_key", "title_key"]
    assert people3.select(names).equals(people0.select(names))
    assert set(copy["record_key"]).isdisjoint(records["record_key"])


def test_scaled_records_is_the_input_then_its_copies(records: pl.DataFrame) -> None:
    scaled = scaled_records(records, 3)
    assert scaled.height == 3 * records.height
    assert scaled.head(records.height).equals(records)
    assert scaled["record_key"].n_unique() == scaled.height
