"""The vectorised screen in checks.validation must give exactly pandera's verdict: the same
valid rows and the same (row, field, reason) for every rejected one, on real generated vendor
records with random corruptions (wrong types, nulls, missing keys, junk strings)."""

from __future__ import annotations

import copy
import itertools
import json
import random
from pathlib import Path

import pytest

from checks import ashby, eventbrite, greenhouse, lever
from checks.validation import _validate_with_pandera, validate_records

FEEDS = [
    (greenhouse.CONTRACTS["candidates"], "greenhouse/candidates.jsonl"),
    (greenhouse.CONTRACTS["applications"], "greenhouse/applications.jsonl"),
    (greenhouse.CONTRACTS["jobs"], "greenhouse/jobs.jsonl"),
    # The Harvest v3 lists the flat ids point to are landed feeds with contracts too.
    *(
        (greenhouse.CONTRACTS[name], f"greenhouse/{name}.jsonl")
        for name in (
            "application_stages",
            "rejection_details",
            "prospect_details",
            "rejection_reasons",
            "job_interview_stages",
            "sources",
            "departments",
            "offices",
            "users",
            "custom_fields",
            "prospect_pools",
        )
    ),
    (lever.CONTRACTS["opportunities"], "lever/opportunities.jsonl"),
    (lever.CONTRACTS["postings"], "lever/postings.jsonl"),
    (lever.CONTRACTS["archive_reasons"], "lever/archive_reasons.jsonl"),
    (ashby.CONTRACTS["candidates"], "ashby/candidates.jsonl"),
    (eventbrite.ATTENDEES, "eventbrite/attendees.jsonl"),
    (eventbrite.EVENTS, "eventbrite/events.jsonl"),
]
JUNK = [None, "", "x", -1, 0, 1.5, True, [], {}, "2024-13-45T99:00:00Z", "not-an-email", "  "]


@pytest.fixture(scope="module")
def market(tmp_path_factory) -> Path:
    from ingest.sample.market import generate_market

    out = tmp_path_factory.mktemp("screen-market")
    generate_market(out, contacts=300, seed=5)
    return out


@pytest.mark.parametrize(("contract", "feed"), FEEDS, ids=[f for _, f in FEEDS])
def test_screen_plus_pandera_equals_pandera_alone(market, contract, feed):
    lines = itertools.islice((market / feed).open(encoding="utf-8"), 200)
    records = [json.loads(line) for line in lines]
    assert records, feed
    rng = random.Random(feed)
    rejected_somewhere = False
    for trial in range(12):
        batch = copy.deepcopy(records)
        for record in rng.sample(batch, k=min(len(batch), trial)):
            for _ in range(rng.randint(1, 3)):
                key = rng.choice(sorted(record))
                if rng.random() < 0.2:
                    record.pop(key)
                else:
                    record[key] = rng.choice(JUNK)
        expected = _validate_with_pandera(contract.schema, contract.extract(batch))
        assert validate_records(contract, batch) == expected
        rejected_somewhere |= bool(expected[1])
    assert rejected_somewhere  # the corruptions did exercise the rejection path
