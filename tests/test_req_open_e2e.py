"""Req matching on the REAL pipeline: a generated market served by the sample APIs, run through
every Dagster asset and dbt model once per module, then

- a req opened in the sample Greenhouse server + its signed web hook posted to the real
  receiver → `req_open_sensor` ticks (build_sensor_context) → the `req_refresh` run → the next
  tick's `req_match` run (real materializations) → the req's export, consent-safe;
- the match backtest, point in time, over the market's historical hires.
"""

from __future__ import annotations

import base64
import http.client
import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import dagster as dg
import duckdb
import polars as pl
import pytest

from ingest.greenhouse_webhooks import WebhookServer, sign
from ingest.sample.market import generate_market
from tests.sample_pipeline import isolate_env, run_crm_pipeline, serving_market

# One generated pipeline (module fixture) serves every test here: keep them on one xdist worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("req_open_e2e")]

SECRET = "e2e-webhook-secret"


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, object]]:
    """(data dir, running sample APIs) after one full `crm_pipeline` run."""
    root = tmp_path_factory.mktemp("req_e2e")
    with pytest.MonkeyPatch.context() as mp:
        data = isolate_env(mp, root / "data")
        mp.setenv("GREENHOUSE_WEBHOOK_SECRET", SECRET)
        market = root / "market"
        generate_market(market, contacts=2500, seed=11)
        with serving_market(mp, market) as apis:
            # The instance in DAGSTER_HOME: the sensor ticks below read its run history.
            with dg.DagsterInstance.get() as instance:
                result = run_crm_pipeline(instance)
            assert result.success
            yield data, apis


def _post(url: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    host, port = url.split("//", 1)[1].split("/", 1)[0].split(":")
    con = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        con.request("POST", path, body=body, headers=headers)
        resp = con.getresponse()
        return resp.status, resp.read()
    finally:
        con.close()


def _mint_token(env: dict[str, str]) -> str:
    """An OAuth client-credentials token from the sample Greenhouse's token endpoint."""
    credentials = f"{env['GREENHOUSE_CLIENT_ID']}:{env['GREENHOUSE_CLIENT_SECRET']}"
    basic = base64.b64encode(credentials.encode()).decode()
    form = urlencode({"grant_type": "client_credentials", "sub": env["GREENHOUSE_USER_ID"]})
    token_url = env["GREENHOUSE_TOKEN_URL"]
    status, raw = _post(
        token_url,
        "/" + token_url.split("//", 1)[1].split("/", 1)[1],
        form.encode(),
        {"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 200, raw
    return json.loads(raw)["access_token"]


def _v3_list(base_url: str, token: str, entity: str) -> list[dict]:
    host, port = base_url.split("//", 1)[1].split("/", 1)[0].split(":")
    con = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        con.request(
            "GET", f"/v3/{entity}?per_page=500", headers={"Authorization": f"Bearer {token}"}
        )
        resp = con.getresponse()
        assert resp.status == 200 and "Link" not in resp.headers  # one page of a small list
        return json.loads(resp.read())
    finally:
        con.close()


def _webhook_job(job: dict, departments: list[dict], offices: list[dict]) -> dict:
    """The v3 job as a `job_created` delivery carries it: departments and offices embedded,
    custom fields keyed by name (the shape web hooks kept)."""
    by_id = {d["id"]: d for d in departments}
    office_by_id = {o["id"]: o for o in offices}
    nested = {
        k: v for k, v in job.items() if k not in ("department_id", "office_ids", "custom_fields")
    }
    nested["departments"] = [by_id[job["department_id"]]] if job.get("department_id") else []
    nested["offices"] = [office_by_id[o] for o in job.get("office_ids") or []]
    nested["keyed_custom_fields"] = job.get("custom_fields") or {}
    return nested


def _tick(instance: dg.DagsterInstance, cursor: str | None):
    from orchestration.definitions import defs
    from orchestration.defs.matching.sensors import req_open_sensor

    ctx = dg.build_sensor_context(instance=instance, cursor=cursor, definitions=defs)
    return req_open_sensor(ctx), ctx.cursor


def test_req_opened_in_sample_greenhouse_reaches_an_export(pipeline):
    data, apis = pipeline
    from ingest.greenhouse_webhooks import WebhookSpool
    from orchestration import settings
    from orchestration.definitions import defs

    with dg.DagsterInstance.get() as instance:
        # 0. The sensor has been running (as in `make dev`): its state knows the open reqs.
        _, cursor = _tick(instance, None)

    # 1. A recruiter opens a req in the (sample) Greenhouse, reached the way the connector
    #    reaches Harvest v3: a client-credentials token, then Bearer calls below /v3.
    env = apis.env()
    greenhouse = env["GREENHOUSE_BASE_URL"]
    assert greenhouse.endswith("/v3")
    token = _mint_token(env)
    wanted = {
        "name": "Senior Data Engineer",
        "seniority": "senior",
        "required_skills": ["Python", "SQL", "dbt"],
    }
    status, raw = _post(
        greenhouse,
        "/v3/_sample/jobs",
        json.dumps(wanted).encode(),
        {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert status == 201
    job = json.loads(raw)
    key = f"greenhouse-{job['id']}"
    # A v1 Basic key is refused: the sample server speaks only Harvest v3.
    basic = base64.b64encode(f"{env['GREENHOUSE_CLIENT_SECRET']}:".encode()).decode()
    status, _ = _post(
        greenhouse,
        "/v3/_sample/jobs",
        json.dumps(wanted).encode(),
        {"Authorization": f"Basic {basic}"},
    )
    assert status == 401

    # 2. Greenhouse's web hook reaches the real receiver (signature checked).
    receiver = WebhookServer(
        ("127.0.0.1", 0), WebhookSpool(settings.webhook_spool_dir()), SECRET.encode()
    )
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    try:
        # Web hooks keep Greenhouse's older nested job shape, not the v3 REST object.
        hook_job = _webhook_job(
            job, _v3_list(greenhouse, token, "departments"), _v3_list(greenhouse, token, "offices")
        )
        body = json.dumps({"action": "job_created", "payload": {"job": hook_job}}).encode()
        status, _ = _post(
            receiver.url,
            "/greenhouse",
            body,
            {"Signature": sign(body, SECRET.encode()), "Greenhouse-Event-ID": "e2e-1"},
        )
        assert status == 200
    finally:
        receiver.shutdown()
        receiver.server_close()

    with dg.DagsterInstance.get() as instance:
        # 3. Tick: the delivery asks for a refresh run (land it, rebuild the req marts).
        first, cursor = _tick(instance, cursor)
        assert isinstance(first, dg.SensorResult)
        assert [r.job_name for r in first.run_requests] == ["req_refresh"]
        refresh = defs.resolve_job_def("req_refresh").execute_in_process(
            instance=instance, raise_on_error=False
        )
        assert refresh.success
        # 4. Next tick: the req is open → one req_match run for its partition.
        second, cursor = _tick(instance, cursor)
        assert isinstance(second, dg.SensorResult)
        [request] = second.run_requests
        assert (request.job_name, request.partition_key) == ("req_match", key)
        instance.add_dynamic_partitions("reqs", [key])
        run = defs.resolve_job_def("req_match").execute_in_process(
            instance=instance, partition_key=key, raise_on_error=False
        )
        assert run.success
        again, _ = _tick(instance, cursor)
        assert not any(r.partition_key == key for r in getattr(again, "run_requests", None) or [])

    # 5. The export exists and lists only contacts it is lawful to approach.
    [csv_path] = sorted((data / "exports" / "reqs" / key).glob("outreach_*.csv"))
    frame = pl.read_csv(csv_path)
    assert frame.height > 0
    con = duckdb.connect(str(data / "talent_crm.duckdb"), read_only=True)
    try:
        allowed = {
            r[0]
            for r in con.execute(
                "select contact_id from gdpr.outreach_eligibility where can_contact"
            ).fetchall()
        }
        [(status, skills)] = con.execute(
            "select status, required_skills from matching.req_profiles where req_id = ?",
            [f"greenhouse:{job['id']}"],
        ).fetchall()
    finally:
        con.close()
    assert set(frame["contact_id"]) <= allowed
    # The req the match ran for is the one opened in Greenhouse, read through the real ingest.
    assert status == "open" and sorted(skills) == ["dbt", "python", "sql"]


def test_backtest_ranks_historical_hires_point_in_time(pipeline):
    """The backtest over the generated market's closed reqs whose hire was already a contact:
    every pool is what the CRM knew at the req's opening (nobody first seen later, no
    interaction from later), and the figures are those of the ranks found."""
    from orchestration.matching.backtest import run_backtest
    from orchestration.matching.point_in_time import load_pool_as_of
    from orchestration.matching.store import load_closed_hired_reqs

    data, _ = pipeline
    con = duckdb.connect(str(data / "talent_crm.duckdb"), read_only=True)
    try:
        cases = load_closed_hired_reqs(con)
        assert cases, "the generated market has closed reqs hired from the CRM"
        req, hired = cases[0]
        pool = load_pool_as_of(con, req.opened_at)
        [(later,)] = con.execute(
            "select count(*) from crm.contacts where first_seen_at >= ?", [req.opened_at]
        ).fetchall()
        [(known,)] = con.execute(
            "select count(*) from crm.contacts where first_seen_at < ?", [req.opened_at]
        ).fetchall()
        assert pool.height == known and later > 0
        assert hired in set(pool["contact_id"])
        # Nothing the pool carries happened at or after the opening.
        for column in ("last_meaningful_action_at", "last_outreach_at", "last_hired_at"):
            latest = pool[column].max()
            assert latest is None or latest < req.opened_at
        result = run_backtest(con)
    finally:
        con.close()
    assert result.reqs == len(cases)
    ranks = [r for r in result.ranks.values() if r is not None]
    assert result.misses == result.reqs - len(ranks)
    assert result.recall_at(50) == sum(1 for r in ranks if r <= 50) / result.reqs
    if ranks:
        assert result.recall_at_among_eligible(50) == sum(1 for r in ranks if r <= 50) / len(ranks)
    # Every hire is explained: its rank, score and components, or the rule that excluded it.
    assert set(result.explanations) == set(result.ranks)
    for key, rank in result.ranks.items():
        why = result.explanations[key]
        if rank is None:
            assert why.startswith("excluded then: ") and why != "excluded then: not in the pool"
        else:
            assert why.startswith(f"rank {rank}, score ") and "replied_to_outreach" in why
    assert set(result.outside(50)) == {k for k, r in result.ranks.items() if r is None or r > 50}
    print(
        f"backtest: {result.reqs} reqs, recall@10 {result.recall_at(10):.2f}, "
        f"recall@50 {result.recall_at(50):.2f}, median rank {result.median_rank}, "
        f"misses {result.misses}"
    )


def test_backtest_applies_a_dated_stop_signal_only_from_when_it_happened(pipeline):
    """A consent refusal given at an event is a dated fact: the pool as of a minute before it
    does not block the person for it, a minute after it does. A Greenhouse opt-out flag has no
    date of its own (the record's update time is only when we last saw it): it blocks at any
    moment, the strict side."""
    from orchestration.matching.point_in_time import load_pool_as_of

    data, _ = pipeline
    con = duckdb.connect(str(data / "talent_crm.duckdb"), read_only=True)
    try:
        refused = con.execute(
            """select rc.contact_id, min(s.observed_at)
            from intermediate.int_record_consent_signals s
            join identity.record_contacts rc on rc.record_key = s.record_key
            join crm.contacts c on c.contact_id = rc.contact_id
            group by rc.contact_id, c.first_seen_at
            having bool_and(
                    s.signal = 'consent_refused' and s.source in ('eventbrite', 'event_csv'))
                and c.first_seen_at < min(s.observed_at) - interval 1 day
            order by rc.contact_id limit 1"""
        ).fetchall()
        flagged = con.execute(
            """select rc.contact_id, s.observed_at
            from intermediate.int_record_consent_signals s
            join identity.record_contacts rc on rc.record_key = s.record_key
            join crm.contacts c on c.contact_id = rc.contact_id
            where s.source = 'greenhouse' and s.signal = 'opt_out'
                and c.first_seen_at < s.observed_at - interval 1 day
            order by rc.contact_id limit 1"""
        ).fetchall()
        assert refused and flagged, "the generated market has both kinds of stop signal"

        def blocks(contact_id: str, at: datetime) -> list[str]:
            pool = load_pool_as_of(con, at).filter(pl.col("contact_id") == contact_id)
            return pool["block_reasons"][0].to_list()

        [(contact, refused_at)] = refused
        assert "consent_refused" not in blocks(contact, refused_at - timedelta(minutes=1))
        assert "consent_refused" in blocks(contact, refused_at + timedelta(minutes=1))
        [(contact, seen_at)] = flagged
        assert "opted_out" in blocks(contact, seen_at - timedelta(minutes=1))
    finally:
        con.close()


def test_backtest_meets_the_recall_target_on_generated_data(pipeline):
    """The backtest target on this module's market (2,500 people, seed 11): recall@50 ≥ 0.8 with
    excluded hires counted as misses. Measured 8 of 9 (the miss was mid-process for another
    req when this one opened); other markets in orchestration/matching/backtest.py."""
    from orchestration.defs.matching.checks import BACKTEST_RECALL50_TARGET
    from orchestration.matching.backtest import run_backtest

    data, _ = pipeline
    con = duckdb.connect(str(data / "talent_crm.duckdb"), read_only=True)
    try:
        result = run_backtest(con)
    finally:
        con.close()
    assert result.reqs >= 3
    assert result.recall_at(50) >= BACKTEST_RECALL50_TARGET


def test_backtest_rules_give_the_marts_answers(pipeline):
    """The engagement formula and the Art. 14 deadline are dbt macros that the marts use and
    the backtest renders from Python. Over the marts' own facts the rendered rules give the
    marts' answers, and the pool as of the end of today blocks exactly the contacts
    gdpr.art14_overdue lists: a copy of either rule drifting on one side fails here."""
    from orchestration.matching.point_in_time import load_pool_as_of
    from orchestration.matching.sql_macros import render_macro

    data, _ = pipeline
    score = render_macro(
        "engagement_score",
        months_in_current_job="date_diff('month', job_start_date, as_of_date)",
    )
    deadlines = render_macro(
        "art14_notice_deadlines", "gdpr.record_lawful_basis", "crm.interactions"
    )
    con = duckdb.connect(str(data / "talent_crm.duckdb"), read_only=True)
    try:
        [(scored, differing)] = con.execute(
            f"select count(*), count(*) filter (where engagement_score <> {score}) "
            "from segments.engagement_scores"
        ).fetchall()
        rendered = con.sql(
            f"with {deadlines} select contact_id, notice_due_on from art14_deadlines "
            "where contact_id in (select contact_id from crm.contacts)"
        ).pl()
        built = con.sql("select contact_id, notice_due_on from gdpr.art14_notices_due").pl()
        overdue = set(con.sql("select contact_id from gdpr.art14_overdue").pl()["contact_id"])
        # The marts' "today" (TALENT_CRM_AS_OF, else the build's date), to its last instant.
        [(today,)] = con.execute(
            "select max(as_of_date) from segments.engagement_scores"
        ).fetchall()
        pool = load_pool_as_of(con, datetime.combine(today, datetime.max.time()))
    finally:
        con.close()
    assert scored > 0 and differing == 0
    assert built.height > 0 and rendered.sort("contact_id").equals(built.sort("contact_id"))
    blocked = pool.filter(pl.col("block_reasons").list.contains("art14_notice_overdue"))
    assert overdue and set(blocked["contact_id"]) == overdue
