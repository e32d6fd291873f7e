"""People Data Labs enrichment over real loopback HTTP against the sample v5 server: the client
(404 = no match, min_likelihood, 429 storms, client-side throttling, billing), the budgeted
enrichment run over landed Greenhouse candidates (no re-asking within the window), the Dagster
asset and the staging model."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

from ingest import greenhouse, pdl
from ingest.http_client import RetryPolicy, SourceAuthError, SourceConfigError, SourceError
from ingest.sample.apis import SampleApiSettings, start_sample_apis
from orchestration import settings
from tests.greenhouse_fixtures import candidate, write_feed

FAST_RETRY = RetryPolicy(max_attempts=8, backoff_base_seconds=0.01, backoff_max_seconds=0.05)
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def pdl_entry(pid: str, likelihood: int, **keys: list[Any]) -> dict[str, Any]:
    return {
        "keys": {"email": [], "profile": [], "name_company": [], **keys},
        "response": {
            "status": 200,
            "likelihood": likelihood,
            "data": {
                "id": pid,
                "full_name": f"person {pid}",
                "job_title": "staff data engineer",
                "job_company_name": "globex",
                "job_start_date": "2025-03",
                "location_name": "berlin, berlin, germany",
                "linkedin_url": f"linkedin.com/in/{pid}",
                "work_email": f"{pid}@globex.example",
                "emails": [
                    {"address": f"{pid}@globex.example", "type": "current_professional"},
                    {"address": f"{pid}@home.example", "type": "personal"},
                ],
            },
        },
    }


def no_links(cid: int, **extra: Any) -> dict[str, Any]:
    return candidate(cid, social_media_addresses=[], **extra)


def build_feed(feed_dir: Path, extra_candidates: int = 0) -> Path:
    people = [
        no_links(1, updated="2026-10-20T10:00:00Z"),  # email match, likelihood 9
        no_links(2, updated="2026-10-19T10:00:00Z"),  # unknown to PDL -> 404
        no_links(3, updated="2026-10-18T10:00:00Z"),  # weak match (4) -> 404 at min 6
        candidate(4, email_addresses=[], updated="2026-10-17T10:00:00Z"),  # profile only
        no_links(5, can_email=False, updated="2026-10-16T10:00:00Z"),  # opted out: never asked
        no_links(  # shared mailbox: falls back to name + company
            6,
            email_addresses=[{"value": "jobs@acme.example", "type": "work"}],
            updated="2026-10-15T10:00:00Z",
        ),
        # A Greenhouse-internal duplicate of person 1 (same address, other spelling): one ask.
        no_links(
            7,
            email_addresses=[{"value": " Person1@Example.org", "type": "personal"}],
            updated="2026-10-14T10:00:00Z",
        ),
    ]
    people += [no_links(100 + i, updated="2026-09-01T10:00:00Z") for i in range(extra_candidates)]
    write_feed(feed_dir, people)
    entries = [
        pdl_entry("p1", 9, email=["person1@example.org"]),
        pdl_entry("p3", 4, email=["person3@example.org"]),
        pdl_entry("p4", 8, profile=["linkedin.com/in/person-4"]),
        pdl_entry("p5", 10, email=["person5@example.org"]),
        pdl_entry("p6", 7, name_company=[{"name": "first6 last6", "company": "acme gmbh"}]),
    ]
    (feed_dir / "pdl").mkdir(exist_ok=True)
    (feed_dir / "pdl" / "enrichment.jsonl").write_text(
        "".join(json.dumps(e) + "\n" for e in entries)
    )
    return feed_dir


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    return build_feed(tmp_path / "feed")


@pytest.fixture
def apis(feed: Path):
    with start_sample_apis(feed, SampleApiSettings(retry_after=1)) as running:
        yield running


@pytest.fixture
def con(tmp_path: Path):
    connection = duckdb.connect(str(tmp_path / "talent_crm.duckdb"))
    yield connection
    connection.close()


def client_for(apis, sleeps: list[float] | None = None, **kwargs: Any) -> pdl.PdlClient:
    return pdl.make_client(
        api_key=apis.settings.api_key,
        base_url=apis.base_urls["pdl"],
        retry=FAST_RETRY,
        sleep=(sleeps if sleeps is not None else []).append,
        **kwargs,
    )


def land_candidates(apis, con) -> None:
    env = apis.env()
    gh = greenhouse.make_client(
        client_id=env["GREENHOUSE_CLIENT_ID"],
        client_secret=env["GREENHOUSE_CLIENT_SECRET"],
        user_id=env["GREENHOUSE_USER_ID"],
        base_url=env["GREENHOUSE_BASE_URL"],
        token_url=env["GREENHOUSE_TOKEN_URL"],
        retry=FAST_RETRY,
    )
    greenhouse.sync_entity(con, gh, "candidates")


def enrich_calls(apis) -> list[str]:
    return [p for _, p, _ in apis.pdl.request_log if p.startswith("/v5/person/enrich")]


# -- the client -----------------------------------------------------------------------------


def test_match_is_returned_and_404_is_no_match_not_an_error(apis):
    client = client_for(apis)
    match = client.enrich(email="Person1@Example.org ")
    assert match is not None and match.likelihood == 9 and match.data["id"] == "p1"
    assert match.query == {"email": "person1@example.org"}
    assert client.enrich(email="nobody@example.org") is None
    assert client.enrich(profile="https://uk.linkedin.com/in/Person-4/?trk=x") is not None
    assert client.enrich(name="First6  Last6", company="ACME GmbH") is not None
    assert (client.stats.calls, client.stats.matches_billed, client.stats.no_matches) == (4, 3, 1)
    assert apis.pdl.matches_billed == 3  # our billing count agrees with the vendor's
    with pytest.raises(ValueError):
        client.enrich(name="only a name")


def test_min_likelihood_turns_a_weak_match_into_no_match(apis):
    client = client_for(apis)
    assert client.enrich(email="person3@example.org", min_likelihood=6) is None
    assert client.stats.matches_billed == 0 and apis.pdl.matches_billed == 0
    weak = client.enrich(email="person3@example.org", min_likelihood=3)
    assert weak is not None and weak.likelihood == 4
    assert "min_likelihood=6" in enrich_calls(apis)[0]


def test_lookup_ids_are_stable_across_spellings():
    a = pdl.normalise_query(profile="https://uk.linkedin.com/in/Jane-Doe/?trk=abc")
    b = pdl.normalise_query(profile="www.linkedin.com/in/jane-doe")
    assert a == b == {"profile": "linkedin.com/in/jane-doe"}
    assert pdl.lookup_id(a) == pdl.lookup_id(b)
    assert len(pdl.lookup_id(a)) == 64
    assert pdl.lookup_id({"email": "x@y.z"}) != pdl.lookup_id({"email": "x@y.zz"})


def test_429_storm_is_waited_out_with_retry_after(apis):
    apis.pdl.inject_faults(["429"] * 6)
    sleeps: list[float] = []
    client = client_for(apis, sleeps)
    assert client.enrich(email="person1@example.org") is not None
    assert client.api.stats.rate_limited == 6
    assert sleeps == [1.0] * 6  # the vendor's Retry-After, recorded instead of slept
    assert client.stats.calls == 1 and client.stats.matches_billed == 1


def test_429_storm_longer_than_the_retry_budget_fails_clearly(apis):
    apis.pdl.inject_faults(["429"] * 20)
    with pytest.raises(SourceError, match="still failing") as info:
        client_for(apis).enrich(email="person1@example.org")
    assert "person1" not in str(info.value)  # no personal data in errors


def test_client_side_throttle_keeps_us_under_the_vendor_limit(tmp_path):
    # The vendor allows 4 requests per 0.4 s window; we throttle to the same rate.
    feed = build_feed(tmp_path / "feed")
    server_settings = SampleApiSettings(pdl_rate_limit_per_minute=4, pdl_window_seconds=0.4)
    with start_sample_apis(feed, server_settings) as apis:
        client = pdl.make_client(
            api_key=apis.settings.api_key,
            base_url=apis.base_urls["pdl"],
            retry=FAST_RETRY,
            requests_per_minute=4,
            window_seconds=0.45,
        )
        for _ in range(10):
            client.enrich(email="person1@example.org")
        statuses = [status for *_, status in apis.pdl.request_log]
    assert statuses == [200] * 10  # never a 429
    assert client.limiter.waited_seconds > 0


def test_sliding_window_limiter_spaces_requests():
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    limiter = pdl.SlidingWindowRateLimiter(5, 60.0, clock=lambda: now[0], sleep=sleep)
    stamps = []
    for _ in range(12):
        limiter.acquire()
        stamps.append(now[0])
        now[0] += 1.0
    assert waits == [55.0, 55.0]
    # In any 60-second window, at most 5 requests.
    assert all(sum(1 for s in stamps if t <= s < t + 60) <= 5 for t in stamps)


def test_bad_key_names_the_env_var_without_printing_it(apis, monkeypatch):
    client = pdl.make_client(
        api_key="wrong-pdl-secret", base_url=apis.base_urls["pdl"], retry=FAST_RETRY
    )
    with pytest.raises(SourceAuthError, match="PDL_API_KEY") as info:
        client.enrich(email="person1@example.org")
    assert "wrong-pdl-secret" not in str(info.value)
    monkeypatch.delenv("PDL_API_KEY", raising=False)
    with pytest.raises(SourceConfigError, match="PDL_API_KEY"):
        pdl.make_client()


# -- budgeted enrichment runs ---------------------------------------------------------------


def test_run_lands_matches_and_misses_and_skips_opted_out_people(apis, con):
    land_candidates(apis, con)
    client = client_for(apis)
    run = pdl.enrich_pending(con, client, max_calls=50, min_likelihood=6, now=T0)
    # 7 candidates: 5 opted out; 7 is person 1 again -> 5 distinct questions.
    assert (run.considered, run.asked, run.matched, run.no_match) == (5, 5, 3, 2)
    assert run.matches_billed == 3 == apis.pdl.matches_billed
    assert not any("person5" in p for p in enrich_calls(apis))
    assert not any("jobs%40acme" in p for p in enrich_calls(apis))  # role mailbox not asked
    record = json.loads(
        con.execute(
            "select _record from raw.pdl_person_enrichments "
            "where _record->>'$.query.email' = 'person1@example.org'"
        ).fetchone()[0]
    )
    assert set(record) >= {"lookup_id", "query", "likelihood", "data", "enriched_at"}
    assert record["lookup_id"] == pdl.lookup_id({"email": "person1@example.org"})
    assert record["likelihood"] == 9 and record["data"]["id"] == "p1"
    assert con.execute("select count(*) from raw.pdl_no_matches").fetchone()[0] == 2
    statuses = con.execute(
        "select entity, status from raw.batches where source = 'pdl' order by 1"
    ).fetchall()
    assert statuses == [("no_matches", "succeeded"), ("person_enrichments", "succeeded")]


def test_budget_is_honoured_and_later_runs_ask_the_next_people(tmp_path, con):
    feed = build_feed(tmp_path / "feed", extra_candidates=6)  # 5 + 6 distinct questions
    with start_sample_apis(feed, SampleApiSettings(retry_after=0)) as apis:
        land_candidates(apis, con)
        client = client_for(apis)
        asked = []
        for _ in range(4):
            run = pdl.enrich_pending(con, client, max_calls=4, now=T0)
            asked.append(run.asked)
        assert asked == [4, 4, 3, 0]
        assert len(enrich_calls(apis)) == 11  # nobody was asked twice
        assert len(set(enrich_calls(apis))) == 11


def test_nobody_is_re_asked_within_the_window_but_is_after_it(apis, con):
    land_candidates(apis, con)
    client = client_for(apis)
    pdl.enrich_pending(con, client, reask_after_days=30, now=T0)
    apis.pdl.clear_request_log()
    inside = pdl.enrich_pending(con, client, reask_after_days=30, now=T0 + timedelta(days=29))
    assert inside.asked == 0 and inside.skipped_recently_asked == 5
    assert enrich_calls(apis) == []
    after = pdl.enrich_pending(con, client, reask_after_days=30, now=T0 + timedelta(days=31))
    assert after.asked == 5 and after.matched == 3
    # A re-enrichment lands as a new version (its own enriched_at); staging keeps the latest.
    assert con.execute("select count(*) from raw.pdl_person_enrichments").fetchone()[0] == 6
    assert apis.pdl.matches_billed == 6 == client.stats.matches_billed


def test_answers_already_paid_for_survive_a_failing_run(apis, con):
    land_candidates(apis, con)
    client = client_for(apis)

    def break_after_two_calls(response, *args, **kwargs):
        if len(enrich_calls(apis)) == 2:
            apis.pdl.inject_faults(["500"] * 20)

    client.api.session.hooks["response"].append(break_after_two_calls)
    with pytest.raises(SourceError, match="still failing"):
        pdl.enrich_pending(con, client, now=T0, land_every=10)
    landed = con.execute(
        "select (select count(*) from raw.pdl_person_enrichments)"
        " + (select count(*) from raw.pdl_no_matches)"
    ).fetchone()[0]
    assert landed == 2  # both answers landed although the chunk was not full
    assert con.execute(
        "select distinct status from raw.batches where source = 'pdl'"
    ).fetchall() == [("failed",)]
    apis.clear_faults()
    client.api.session.hooks["response"].clear()
    rerun = pdl.enrich_pending(con, client, now=T0)
    assert rerun.asked == 3  # only the questions not answered yet


def test_malformed_answer_is_quarantined_not_landed(tmp_path, con):
    feed = build_feed(tmp_path / "feed")
    entry = pdl_entry("p2", 9, email=["person2@example.org"])
    entry["response"]["likelihood"] = 42  # outside PDL's 1..10
    with (feed / "pdl" / "enrichment.jsonl").open("a") as handle:
        handle.write(json.dumps(entry) + "\n")
    with start_sample_apis(feed, SampleApiSettings(retry_after=0)) as apis:
        land_candidates(apis, con)
        run = pdl.enrich_pending(con, client_for(apis), min_likelihood=1, now=T0)
    assert run.enrichments.quarantined == 1 and run.enrichments.landed == 4
    reason = con.execute("select reason from raw.quarantine where _source = 'pdl'").fetchone()[0]
    assert "likelihood" in reason and "person2" not in reason


# -- the Dagster asset and the staging model ------------------------------------------------


def materialize(instance: dg.DagsterInstance, config: dict[str, Any] | None = None):
    from orchestration.defs.ingest.assets import assets_for

    assets = assets_for("pdl")
    from orchestration.resources import all_resources

    run_config = {"ops": {"raw__pdl_person_enrichments": {"config": config}}} if config else None
    return dg.materialize(
        assets, resources=all_resources(), instance=instance, run_config=run_config
    )


@pytest.mark.slow  # a real dbt build (~10 s of dbt start-up and parsing)
def test_asset_skips_without_key_then_enriches_within_budget_and_stages(
    isolated_env, feed, monkeypatch, tmp_path
):
    with dg.DagsterInstance.ephemeral() as instance:
        skipped = materialize(instance)
        assert skipped.success
        meta = skipped.get_asset_materialization_events()[0].materialization.metadata
        assert "PDL_API_KEY" in meta["skip_reason"].value

        with start_sample_apis(feed, SampleApiSettings(retry_after=0)) as apis:
            db = Path(os.environ["TALENT_CRM_DB"])
            con = duckdb.connect(str(db))
            try:
                land_candidates(apis, con)
            finally:
                con.close()
            monkeypatch.setenv("PDL_API_KEY", apis.settings.api_key)
            monkeypatch.setenv("PDL_BASE_URL", apis.base_urls["pdl"])
            run = materialize(instance, {"max_calls": 4, "min_likelihood": 6})
            assert run.success
            meta = run.get_asset_materialization_events()[0].materialization.metadata
            assert meta["asked"].value == 4 and len(enrich_calls(apis)) == 4
            assert meta["matches_billed"].value == apis.pdl.matches_billed

    env = {**os.environ, "DO_NOT_TRACK": "1"}
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
            "staging.pdl",
        ],
        cwd=settings.DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "select likelihood, full_name, job_title, company, job_start_date, location_name, "
            "linkedin_url, work_email, json_array_length(emails_json), enriched_at "
            "from staging.stg_pdl__person_enrichments order by likelihood desc"
        ).fetchall()
        emails = con.execute(
            "select count(*) from staging.stg_pdl__person_enrichment_emails"
        ).fetchone()[0]
    finally:
        con.close()
    assert [r[0] for r in rows] == [9, 8]  # person 1 (email) and person 4 (profile)
    assert rows[0][1:8] == (
        "person p1",
        "staff data engineer",
        "globex",
        datetime(2025, 3, 1).date(),
        "berlin, berlin, germany",
        "linkedin.com/in/p1",
        "p1@globex.example",
    )
    assert rows[0][8] == 2 and emails == 4 and rows[0][9] is not None
