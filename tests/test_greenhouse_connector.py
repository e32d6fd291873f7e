"""Greenhouse Harvest v3 connector over real loopback HTTP against the strict sample server."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import duckdb
import pytest
import requests

from ingest import greenhouse
from ingest.http_client import (
    OAuthClientCredentials,
    RetryPolicy,
    SourceAuthError,
    SourceConfigError,
)
from ingest.landing import load_cursor
from ingest.sample.apis import SampleApiSettings
from ingest.sample.apis.greenhouse import CURSOR_WITH_PARAMS, GreenhouseApi
from orchestration.resources import GreenhouseCredentials
from tests.greenhouse_fixtures import application, candidate, job, write_feed

FAST_RETRY = RetryPolicy(max_attempts=4, backoff_base_seconds=0.01, backoff_max_seconds=0.05)
SETTINGS = SampleApiSettings(retry_after=0)


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    candidates = [candidate(i, updated=f"2026-10-{1 + i % 20:02d}T10:00:00Z") for i in range(1, 24)]
    apps = [application(i * 10, i, job_id=7) for i in range(1, 24)]
    return write_feed(tmp_path / "feed", candidates, apps, [job(7), job(8, "closed")])


@pytest.fixture
def api(feed: Path):
    with GreenhouseApi(feed, SETTINGS) as running:
        yield running


@pytest.fixture
def con(tmp_path: Path):
    connection = duckdb.connect(str(tmp_path / "talent_crm.duckdb"))
    yield connection
    connection.close()


def client_for(
    api: GreenhouseApi,
    sleeps: list[float] | None = None,
    real_sleep: bool = False,
    retry: RetryPolicy = FAST_RETRY,
    **overrides,
):
    env = api.env()
    arguments = {
        "client_id": env["GREENHOUSE_CLIENT_ID"],
        "client_secret": env["GREENHOUSE_CLIENT_SECRET"],
        "user_id": env["GREENHOUSE_USER_ID"],
        "base_url": env["GREENHOUSE_BASE_URL"],
        "token_url": env["GREENHOUSE_TOKEN_URL"],
        **overrides,
    }
    recorder = sleeps if sleeps is not None else []

    def sleep(seconds: float) -> None:
        recorder.append(seconds)
        if real_sleep:
            time.sleep(seconds)

    return greenhouse.make_client(**arguments, retry=retry, sleep=sleep)


def landed_ids(con, entity: str) -> list[str]:
    rows = con.execute(
        f"select distinct _source_record_id from raw.greenhouse_{entity} order by 1"
    ).fetchall()
    return [r[0] for r in rows]


def list_requests(api: GreenhouseApi, entity: str) -> list[dict[str, str]]:
    """The query of every list request for `entity`, as a dict (in order)."""
    out = []
    for method, path, _status in api.request_log:
        parts = urlsplit(path)
        if method == "GET" and parts.path == f"/v3/{entity}":
            out.append(dict(parse_qsl(parts.query)))
    return out


def test_full_sync_follows_only_the_cursor_and_lands_every_record_once(api, con):
    client = client_for(api)
    result = greenhouse.sync_entity(con, client, "candidates", per_page=5)
    assert result.counts.fetched == 23 and result.counts.landed == 23
    assert result.pages == 5  # 5 + 5 + 5 + 5 + 3: the short last page ends on "no next link"
    assert landed_ids(con, "candidates") == sorted(str(i) for i in range(1, 24))
    queries = list_requests(api, "candidates")
    assert queries[0]["per_page"] == "5" and "updated_at" in queries[0]
    assert all(list(q) == ["cursor"] for q in queries[1:])  # nothing but the cursor
    assert api.tokens_minted == 1  # one token for the whole sync


def test_fake_refuses_a_cursor_with_other_parameters_and_v1_or_bracket_filters(api):
    token = client_for(api).auth.token()
    headers = {"Authorization": f"Bearer {token}"}
    first = requests.get(f"{api.base_url}/candidates", params={"per_page": 5}, headers=headers)
    assert first.status_code == 200
    ids = [c["id"] for c in first.json()]
    assert ids == sorted(ids, reverse=True)  # id-descending
    next_url = first.links["next"]["url"]
    again = requests.get(next_url, params={"per_page": 5}, headers=headers)
    assert again.status_code == 422 and again.json() == {"errors": [CURSOR_WITH_PARAMS]}
    for bad in (
        {"updated_after": "2026-01-01T00:00:00Z"},
        {"updated_at[gte]": "2026-01-01T00:00:00Z"},
        {"updated_at": "gte|yesterday"},
        {"updated_at": "gte|2026-01-01T00:00:00Z", "created_at": "gte|2026-01-01T00:00:00Z"},
        {"page": "2"},
    ):
        reply = requests.get(f"{api.base_url}/candidates", params=bad, headers=headers)
        assert reply.status_code == 422, bad
    doubled = requests.get(
        f"{api.base_url}/candidates?updated_at=gte|2026-01-01T00:00:00Z"
        "&updated_at=lte|2026-02-01T00:00:00Z",
        headers=headers,
    )
    assert doubled.status_code == 422


def test_windows_are_closed_and_overlap_the_previous_end(api, con):
    client = client_for(api)
    first_now = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    greenhouse.sync_entity(con, client, "candidates", now=first_now)
    assert load_cursor(con, "greenhouse", "candidates") == "2026-11-01T11:58:00Z"
    greenhouse.sync_entity(
        con, client, "candidates", now=first_now + timedelta(hours=6), overlap=timedelta(hours=1)
    )
    windows = [q["updated_at"] for q in list_requests(api, "candidates")]
    assert windows == [
        "lte|2026-11-01T11:58:00Z",
        "gte|2026-11-01T10:58:00Z|lte|2026-11-01T17:58:00Z",
    ]
    assert load_cursor(con, "greenhouse", "candidates") == "2026-11-01T17:58:00Z"


def test_a_record_updated_between_two_pages_lands_with_the_next_window(api, con):
    client = client_for(api)
    pages = greenhouse.iter_pages(
        client, "candidates", window=(None, datetime.now(UTC)), per_page=5
    )
    first_page, _ = next(pages)
    # Candidate 3 sits on a later page (ids descend); it changes while we page.
    assert 3 not in [c["id"] for c in first_page]
    api.touch_record("candidates", 3, title="Staff Data Engineer")
    rest = [c for records, _ in pages for c in records]
    assert 3 not in [c["id"] for c in rest]  # now outside the window being read
    # The next sync's window starts `overlap` before this one's end, so it finds the change.
    later = datetime.now(UTC) + timedelta(minutes=5)
    con.execute("create schema if not exists raw")
    greenhouse.sync_entity(con, client, "candidates", now=later - timedelta(minutes=4))
    greenhouse.sync_entity(con, client, "candidates", now=later + timedelta(minutes=3))
    titles = con.execute(
        "select _record->>'title' from raw.greenhouse_candidates where _source_record_id = '3'"
    ).fetchall()
    assert ("Staff Data Engineer",) in titles


def test_retries_429_5xx_and_truncated_bodies(api, con):
    sleeps: list[float] = []
    client = client_for(api, sleeps, retry=replace(FAST_RETRY, max_attempts=6))
    client.auth.token()  # the faults are for the list requests, not the token request
    api.inject_faults(["429", "500", "truncated", "503", "reset"])
    result = greenhouse.sync_entity(con, client, "candidates", per_page=5)
    assert result.counts.landed == 23
    assert client.stats.rate_limited == 1 and client.stats.retries >= 5


def test_expired_or_revoked_token_mid_sync_is_minted_again_once(api, con):
    client = client_for(api)
    pages = greenhouse.iter_pages(client, "candidates", per_page=5)
    next(pages)
    api.revoke_tokens()  # an admin revoked the token: the next page answers 401
    next(pages)
    api.expire_tokens()
    assert sum(len(records) for records, _ in pages) == 13
    assert api.tokens_minted == 3
    assert [s for _, p, s in api.request_log if p.startswith("/v3/")].count(401) == 2


def test_bad_client_secret_names_the_variables_and_never_the_secret(api, con):
    client = client_for(api, client_secret="not-the-secret-xyz")
    with pytest.raises(SourceAuthError) as caught:
        greenhouse.sync_entity(con, client, "candidates")
    message = str(caught.value)
    assert "GREENHOUSE_CLIENT_ID" in message and "GREENHOUSE_CLIENT_SECRET" in message
    assert "not-the-secret-xyz" not in message and "sample-api-key" not in message
    assert "not-the-secret" not in repr(client) + repr(client.auth)


def test_a_token_refused_twice_fails_with_the_variables(api, con):
    client = client_for(api)
    api.refuse_all_tokens = True
    with pytest.raises(SourceAuthError, match="GREENHOUSE_CLIENT_SECRET") as caught:
        greenhouse.sync_entity(con, client, "candidates")
    assert "minting a new one" in str(caught.value)
    assert con.execute("select count(*) from raw.greenhouse_candidates").fetchone() == (0,)


def test_403_names_the_missing_scope_or_the_site_admin(api, con):
    api.scopes.discard("harvest:rejection_reasons:list")
    with pytest.raises(SourceAuthError, match="harvest:rejection_reasons:list"):
        greenhouse.sync_entity(con, client_for(api), "rejection_reasons")
    with pytest.raises(SourceAuthError, match="Site Admin"):
        greenhouse.sync_entity(con, client_for(api, user_id="900002"), "candidates")


def test_defaults_that_hide_rows_are_sent(api, con):
    greenhouse.sync_entity(con, client_for(api), "rejection_reasons")
    greenhouse.sync_entity(con, client_for(api), "users")
    assert landed_ids(con, "rejection_reasons") == ["1", "9"]  # the built-in one too
    assert "900900" in landed_ids(con, "users")  # the service account
    token = client_for(api).auth.token()
    bare = requests.get(
        f"{api.base_url}/rejection_reasons", headers={"Authorization": f"Bearer {token}"}
    )
    assert [r["id"] for r in bare.json()] == [9]  # the fake hides them without the flag


def test_rate_limit_window_pauses_until_the_reset(feed: Path, con):
    settings = replace(SETTINGS, greenhouse_rate_limit=3, greenhouse_window_seconds=2.0)
    with GreenhouseApi(feed, settings) as api:
        sleeps: list[float] = []
        client = client_for(api, sleeps, real_sleep=True)
        result = greenhouse.sync_entity(con, client, "candidates", per_page=5)
        assert result.counts.landed == 23
        assert sleeps and all(0 < s <= 2.0 for s in sleeps)  # from X-RateLimit-Reset
        assert client.stats.rate_limited == 0  # paused before the window ran out


def test_token_expiry_is_read_from_expires_at_then_expires_in_then_one_hour():
    now = 1_800_000_000.0
    auth = OAuthClientCredentials("greenhouse", "https://auth.example/token", "id", "secret")
    auth._clock = lambda: now
    assert (
        auth._expiry({"expires_at": "2027-01-15T08:00:00Z"})
        == datetime(2027, 1, 15, 8, tzinfo=UTC).timestamp()
    )
    assert auth._expiry({"expires_in": 600}) == now + 600
    assert auth._expiry({}) == now + 3600


def test_a_token_near_expiry_is_minted_anew_before_use(feed: Path, con):
    settings = replace(SETTINGS, greenhouse_token_ttl_seconds=100.0)  # < the 120 s margin
    with GreenhouseApi(feed, settings) as api:
        greenhouse.sync_entity(con, client_for(api), "candidates", per_page=10)
        assert api.tokens_minted >= 3  # one per request: never sent a token about to expire
        assert all(s != 401 for _, _, s in api.request_log)


def test_v1_base_url_and_missing_credentials_are_explained(monkeypatch):
    with pytest.raises(SourceConfigError, match="Harvest v1"):
        greenhouse.make_client("id", "secret", base_url="https://harvest.greenhouse.io/v1")
    for name in ("GREENHOUSE_CLIENT_ID", "GREENHOUSE_CLIENT_SECRET", "GREENHOUSE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SourceConfigError, match="GREENHOUSE_CLIENT_ID"):
        greenhouse.make_client()
    assert "no credentials" in GreenhouseCredentials().skip_message()
    monkeypatch.setenv("GREENHOUSE_API_KEY", "an-old-v1-key")
    message = GreenhouseCredentials().skip_message()
    assert "2026-08-31" in message and "GREENHOUSE_CLIENT_SECRET" in message
    assert "an-old-v1-key" not in message
    monkeypatch.setenv("GREENHOUSE_CLIENT_ID", "id")
    monkeypatch.setenv("GREENHOUSE_CLIENT_SECRET", "secret")
    assert GreenhouseCredentials().skip_message() is None


def test_plain_http_to_a_remote_host_is_refused():
    with pytest.raises(SourceConfigError, match="https"):
        greenhouse.make_client("id", "secret", token_url="http://auth.example.com/token")


def test_every_entity_lands_from_the_sample_market_without_quarantine(tmp_path: Path, con):
    from ingest.sample.market.market import generate_market

    market = tmp_path / "market"
    generate_market(market, contacts=200, seed=7)
    with GreenhouseApi(market, SETTINGS) as api:
        client = client_for(api)
        for entity in greenhouse.ENTITIES:
            result = greenhouse.sync_entity(con, client, entity)
            assert result.counts.fetched > 0, entity
            assert result.counts.quarantined == 0, (entity, result.quarantine_reasons)
