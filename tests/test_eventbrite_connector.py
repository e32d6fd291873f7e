"""Eventbrite connector over real loopback HTTP against the sample v3 server, a real DuckDB file,
a real `dbt build` of the staging models and real Dagster materializations."""

from __future__ import annotations

import copy
import csv
import json
import os
import socket
import subprocess
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

from ingest import eventbrite
from ingest.http_client import RetryPolicy, SourceAuthError, SourceConfigError, SourceError
from ingest.landing import load_cursor
from ingest.sample.apis import SampleApiSettings, start_sample_apis
from ingest.sample.market import generate_market
from orchestration import settings

FAST_RETRY = RetryPolicy(max_attempts=4, backoff_base_seconds=0.01, backoff_max_seconds=0.05)
EVENT_A, EVENT_B = "400000000001", "400000000002"
CONSENT_Q = "May Northwind Labs contact you about future job opportunities?"


def attendee(aid: int, event_id: str, changed: str, order: int | None = None, **extra: Any):
    record: dict[str, Any] = {
        "id": str(aid),
        "created": "2026-09-01T10:00:00Z",
        "changed": changed,
        "event_id": event_id,
        "order_id": str(order or 900_000 + aid),
        "ticket_class_name": "General Admission",
        "profile": {
            "first_name": f"First{aid}",
            "last_name": f"Last{aid}",
            "email": f"person{aid}@example.org",
            "name": f"First{aid} Last{aid}",
            "job_title": "Data Engineer",
            "company": "Acme GmbH",
        },
        "answers": [
            {"question_id": "1", "question": CONSENT_Q, "type": "multiple_choice", "answer": "Yes"}
        ],
        "checked_in": False,
        "cancelled": False,
        "refunded": False,
        "status": "Attending",
    }
    record.update(extra)
    return record


def event(event_id: str) -> dict[str, Any]:
    return {
        "id": event_id,
        "name": {"text": f"Meetup {event_id[-1]}", "html": "x"},
        "start": {
            "timezone": "Europe/Berlin",
            "local": "2026-10-01T18:00:00",
            "utc": "2026-10-01T16:00:00Z",
        },
        "end": {
            "timezone": "Europe/Berlin",
            "local": "2026-10-01T21:00:00",
            "utc": "2026-10-01T19:00:00Z",
        },
        "created": "2026-08-01T08:00:00Z",
        "changed": "2026-10-02T08:00:00Z",
        "status": "completed",
    }


def write_feed(feed_dir: Path, events: list[dict], attendees: list[dict]) -> Path:
    folder = feed_dir / "eventbrite"
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("events", events), ("attendees", attendees)):
        with (folder / f"{name}.jsonl").open("w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(r) + "\n" for r in rows)
    return feed_dir


def standard_attendees() -> list[dict]:
    rows = [attendee(i, EVENT_A, f"2026-10-{1 + i:02d}T10:00:00Z") for i in range(1, 13)]
    rows += [attendee(i, EVENT_B, "2026-09-15T10:00:00Z") for i in range(101, 104)]
    return rows


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    return write_feed(tmp_path / "feed", [event(EVENT_A), event(EVENT_B)], standard_attendees())


def serve(feed_dir: Path):
    return start_sample_apis(feed_dir, SampleApiSettings(retry_after=1, eventbrite_page_size=5))


@pytest.fixture
def apis(feed: Path):
    with serve(feed) as running:
        yield running


@pytest.fixture
def con(tmp_path: Path):
    connection = duckdb.connect(str(tmp_path / "talent_crm.duckdb"))
    yield connection
    connection.close()


def client_for(apis, sleeps: list[float] | None = None, retry: RetryPolicy = FAST_RETRY):
    return eventbrite.make_client(
        api_key=apis.settings.api_key,
        base_url=apis.base_urls["eventbrite"],
        retry=retry,
        sleep=(sleeps if sleeps is not None else []).append,
    )


def landed_ids(con, entity: str = "attendees") -> list[str]:
    rows = con.execute(f"select _source_record_id from raw.eventbrite_{entity}").fetchall()
    return sorted(r[0] for r in rows)


# -- configuration ---------------------------------------------------------------------------


def test_event_ids_come_from_config_first_then_the_env_var():
    env = {"EVENTBRITE_EVENT_IDS": " 11, 22 ,,11 "}
    assert eventbrite.configured_event_ids([], env) == ["11", "22"]
    assert eventbrite.configured_event_ids(["33"], env) == ["33"]  # config wins when non-empty
    assert eventbrite.configured_event_ids(None, {}) == []
    with pytest.raises(SourceConfigError, match="EVENTBRITE_EVENT_IDS"):
        eventbrite.configured_event_ids(["12a"], {})


def test_missing_key_names_the_env_var_and_plain_http_is_refused(monkeypatch):
    monkeypatch.delenv("EVENTBRITE_API_KEY", raising=False)
    with pytest.raises(SourceConfigError, match="EVENTBRITE_API_KEY"):
        eventbrite.make_client()
    with pytest.raises(SourceConfigError, match="https"):
        eventbrite.make_client(api_key="k", base_url="http://eventbrite.example.com/v3")


# -- sync -----------------------------------------------------------------------------------


def test_full_sync_follows_continuation_with_one_cursor_per_event(apis, con):
    client = client_for(apis)
    events = eventbrite.sync_events(con, client, [EVENT_A, EVENT_B])
    assert events.counts.landed == 2
    summary = eventbrite.sync_attendees(con, client, [EVENT_A, EVENT_B])
    assert summary.results[EVENT_A].pages == 3  # 12 attendees, 5 per page
    assert summary.results[EVENT_B].pages == 1
    assert summary.total("landed") == 15
    assert load_cursor(con, "eventbrite", f"attendees:{EVENT_A}") == "2026-10-13T10:00:00Z"
    assert load_cursor(con, "eventbrite", f"attendees:{EVENT_B}") == "2026-09-15T10:00:00Z"
    assert any("continuation=" in p for _, p, _ in apis.eventbrite.request_log)


def test_rerun_asks_changed_since_cursor_minus_overlap_and_lands_only_changes(apis, con):
    eventbrite.sync_attendees(con, client_for(apis), [EVENT_A, EVENT_B])
    apis.eventbrite.clear_request_log()
    again = eventbrite.sync_attendees(con, client_for(apis), [EVENT_A, EVENT_B])
    assert again.total("landed") == 0
    paths = [p for _, p, _ in apis.eventbrite.request_log]
    assert any(EVENT_A in p and "changed_since=2026-10-13T09%3A00%3A00Z" in p for p in paths)
    assert any(EVENT_B in p and "changed_since=2026-09-15T09%3A00%3A00Z" in p for p in paths)
    # One attendee of A cancels: only that new version lands; B's cursor does not move.
    changed = attendee(3, EVENT_A, "2026-10-20T08:00:00Z", cancelled=True, status="Not Attending")
    apis.eventbrite.upsert_record("attendees", changed)
    third = eventbrite.sync_attendees(con, client_for(apis), [EVENT_A, EVENT_B])
    assert third.results[EVENT_A].counts.landed == 1
    assert load_cursor(con, "eventbrite", f"attendees:{EVENT_A}") == "2026-10-20T08:00:00Z"
    assert load_cursor(con, "eventbrite", f"attendees:{EVENT_B}") == "2026-09-15T10:00:00Z"
    assert len(landed_ids(con)) == 16  # 15 records, one with two versions
    full = eventbrite.sync_attendees(con, client_for(apis), [EVENT_A, EVENT_B], full_resync=True)
    assert full.total("fetched") == 15 and full.total("landed") == 0


def test_429_storm_5xx_truncated_and_reset_are_retried(apis, con):
    apis.eventbrite.inject_faults(["429", "429", "429", "500", "truncated", "reset", "502"])
    sleeps: list[float] = []
    client = client_for(
        apis,
        sleeps,
        RetryPolicy(max_attempts=10, backoff_base_seconds=0.01, backoff_max_seconds=0.05),
    )
    summary = eventbrite.sync_attendees(con, client, [EVENT_A, EVENT_B])
    assert summary.total("landed") == 15
    assert client.stats.rate_limited == 3
    assert sleeps.count(1.0) >= 3  # Retry-After honoured (recorded, never really slept)
    assert landed_ids(con) == sorted(r["id"] for r in standard_attendees())


def test_bad_token_names_the_env_var_without_printing_it(apis, con):
    client = eventbrite.make_client(
        api_key="wrong-secret-token", base_url=apis.base_urls["eventbrite"], retry=FAST_RETRY
    )
    with pytest.raises(SourceAuthError, match="EVENTBRITE_API_KEY") as info:
        eventbrite.sync_attendees(con, client, [EVENT_A, EVENT_B])
    assert "wrong-secret-token" not in str(info.value)
    assert load_cursor(con, "eventbrite", f"attendees:{EVENT_A}") is None


def test_timeout_is_retried_then_reported(con):
    # A listener that accepts connections but never answers: every read times out.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        client = eventbrite.make_client(
            api_key="k",
            base_url=f"http://127.0.0.1:{silent.getsockname()[1]}/v3",
            retry=RetryPolicy(max_attempts=2, backoff_base_seconds=0.01),
            sleep=lambda s: None,
        )
        client.timeout = (1.0, 0.2)
        with pytest.raises(SourceError, match="still failing after 2 attempts"):
            eventbrite.sync_attendees(con, client, [EVENT_A])
    finally:
        silent.close()
    assert load_cursor(con, "eventbrite", f"attendees:{EVENT_A}") is None


def test_run_killed_mid_ingest_then_rerun_equals_uninterrupted_run(apis, con, tmp_path):
    client = client_for(apis)

    def break_after_first_page(response, *args, **kwargs):
        if len(apis.eventbrite.request_log) == 1:
            apis.eventbrite.inject_faults(["500"] * 10)

    client.session.hooks["response"].append(break_after_first_page)
    with pytest.raises(SourceError, match="still failing"):
        eventbrite.sync_attendees(con, client, [EVENT_A])
    assert len(landed_ids(con)) == 5  # page 1 landed, nothing lost
    assert load_cursor(con, "eventbrite", f"attendees:{EVENT_A}") is None  # not past unlanded
    apis.clear_faults()
    client.session.hooks["response"].clear()
    eventbrite.sync_attendees(con, client, [EVENT_A, EVENT_B])

    clean = duckdb.connect(str(tmp_path / "uninterrupted.duckdb"))
    try:
        eventbrite.sync_attendees(clean, client_for(apis), [EVENT_A, EVENT_B])
        assert landed_ids(con) == landed_ids(clean)
        for event_id in (EVENT_A, EVENT_B):
            key = f"attendees:{event_id}"
            assert load_cursor(con, "eventbrite", key) == load_cursor(clean, "eventbrite", key)
    finally:
        clean.close()


def test_one_unknown_event_does_not_stop_the_others(apis, con):
    client = client_for(apis)
    with pytest.raises(eventbrite.EventNotFound, match="400000000099"):
        eventbrite.sync_events(con, client, [EVENT_A, "400000000099", EVENT_B])
    assert landed_ids(con, "events") == [EVENT_A, EVENT_B]
    with pytest.raises(SourceError, match="400000000099"):
        eventbrite.sync_attendees(con, client, [EVENT_A, "400000000099", EVENT_B])
    assert len(landed_ids(con)) == 15


def test_bad_records_are_quarantined_and_the_rest_lands(tmp_path, con):
    good = attendee(1, EVENT_A, "2026-10-01T10:00:00Z", unknown_new_field={"x": 1})
    nulls = attendee(
        2,
        EVENT_A,
        "2026-10-02T10:00:00Z",
        profile=None,
        answers=None,
        checked_in=None,
        cancelled=None,
        refunded=None,
        status=None,
        ticket_class_name=None,
    )
    bad_email = attendee(3, EVENT_A, "2026-10-03T10:00:00Z")
    bad_email["profile"]["email"] = "not an email"
    bad_changed = attendee(4, EVENT_A, "2026-12-31T99:00:00Z")  # would poison the cursor
    bad_flag = attendee(5, EVENT_A, "2026-10-05T10:00:00Z", checked_in="yes")
    feed = write_feed(
        tmp_path / "feed",
        [event(EVENT_A)],
        [good, copy.deepcopy(good), nulls, bad_email, bad_changed, bad_flag],
    )
    with serve(feed) as apis:
        summary = eventbrite.sync_attendees(con, client_for(apis), [EVENT_A])
    result = summary.results[EVENT_A]
    assert (result.counts.landed, result.counts.quarantined) == (2, 3)
    assert landed_ids(con) == ["1", "2"]  # the duplicate of 1 landed once
    # The malformed `changed` did not move the cursor past the valid records.
    assert load_cursor(con, "eventbrite", f"attendees:{EVENT_A}") == "2026-10-05T10:00:00Z"
    rows = con.execute(
        "select _source_record_id, field, reason from raw.quarantine order by 1"
    ).fetchall()
    assert rows == [
        ("3", "profile_email", "profile_email does not have the expected format"),
        ("4", "changed", "changed is missing or not of the expected type"),
        ("5", "flags_are_boolean", "flags_are_boolean has a value outside the allowed set"),
    ]
    assert all("@" not in reason and "not an email" not in reason for *_, reason in rows)


# -- staging: the buyer problem on generated data -------------------------------------------


def dbt_build(db: Path, tmp_path: Path, select: str) -> None:
    env = {**os.environ, "TALENT_CRM_DB": str(db), "DO_NOT_TRACK": "1"}
    completed = subprocess.run(
        [
            settings.dbt_executable(),
            "build",
            "--profiles-dir",
            ".",
            "--target-path",
            str(tmp_path / "dbt-target"),
            "--log-path",
            str(tmp_path / "dbt-logs"),
            "--select",
            select,
        ],
        cwd=settings.DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert completed.returncode == 0, completed.stdout[-3000:]


@pytest.mark.slow  # a real dbt build (~10 s of dbt start-up and parsing)
def test_buyer_profile_copies_are_flagged_and_do_not_carry_consent(tmp_path):
    market = tmp_path / "market"
    generate_market(market, contacts=300, seed=1)
    event_ids = json.loads((market / "manifest.json").read_text())["eventbrite_event_ids"]
    db = tmp_path / "crm.duckdb"
    with start_sample_apis(market, SampleApiSettings(retry_after=0)) as apis:
        con = duckdb.connect(str(db))
        try:
            eventbrite.sync_events(con, client_for(apis), event_ids)
            eventbrite.sync_attendees(con, client_for(apis), event_ids)
        finally:
            con.close()
    dbt_build(db, tmp_path, "staging.eventbrite")

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            """select attendee_id, order_id, email_normalised, order_attendee_count,
                      is_buyer_profile_copy, consent_is_own, marketing_consent,
                      attendee_marketing_consent
               from staging.stg_eventbrite__attendees"""
        ).fetchall()
    finally:
        con.close()
    truth = {
        r["source_record_id"]: r["person_id"]
        for r in csv.DictReader((market / "ground_truth.csv").open())
        if r["source"] == "eventbrite"
    }
    copies = [r for r in rows if r[4]]
    assert copies, "the generated market has multi-ticket orders"
    by_order: dict[tuple[str, str], list[str]] = {}
    for aid, order_id, email, *_ in copies:
        by_order.setdefault((order_id, email), []).append(aid)
    for attendee_ids in by_order.values():
        # Same profile email on one order, yet different real people: never one identity.
        assert len(attendee_ids) > 1
        assert len({truth[a] for a in attendee_ids}) == len(attendee_ids)
    for _, _, _, count, _, own, _consent, own_consent in copies:
        assert count > 1 and own is False and own_consent is None
    singles = [r for r in rows if r[3] == 1]
    assert singles and all(not r[4] and r[5] and r[7] == r[6] for r in singles)
    assert any(r[6] is not None for r in copies)  # the buyer's answer is there, not attributed


# -- Dagster assets -------------------------------------------------------------------------


def test_assets_skip_without_events_then_sync_configured_events(isolated_env, feed, monkeypatch):
    from orchestration.defs.ingest.assets import assets_for
    from orchestration.resources import all_resources

    assets = assets_for("eventbrite")

    with serve(feed) as apis:
        monkeypatch.setenv("EVENTBRITE_API_KEY", apis.settings.api_key)
        monkeypatch.setenv("EVENTBRITE_BASE_URL", apis.base_urls["eventbrite"])
        monkeypatch.delenv("EVENTBRITE_EVENT_IDS", raising=False)
        with dg.DagsterInstance.ephemeral() as instance:
            skipped = dg.materialize(assets, resources=all_resources(), instance=instance)
            assert skipped.success
            for mat in skipped.get_asset_materialization_events():
                meta = mat.materialization.metadata
                assert "EVENTBRITE_EVENT_IDS" in meta["skip_reason"].value
            monkeypatch.setenv("EVENTBRITE_EVENT_IDS", EVENT_B)
            config = {"event_ids": [EVENT_A, EVENT_B]}  # config wins over the env var
            run = dg.materialize(
                assets,
                resources=all_resources(),
                instance=instance,
                run_config={
                    "ops": {
                        f"raw__eventbrite_{e}": {"config": config} for e in ("events", "attendees")
                    }
                },
            )
    assert run.success
    metas = {
        m.asset_key.to_user_string(): m.materialization.metadata
        for m in run.get_asset_materialization_events()
    }
    assert metas["raw/eventbrite_attendees"]["landed"].value == 15
    assert metas["raw/eventbrite_attendees"]["events_synced"].value == 2
    assert metas["raw/eventbrite_events"]["landed"].value == 2
