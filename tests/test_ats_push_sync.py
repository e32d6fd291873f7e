"""From "req opened" to "prospects in the ATS" on the REAL pipeline, without retyping anything:
a generated market served by the sample APIs, one full `crm_pipeline` run, a `req_match` run
for an open Greenhouse req, a recruiter's answers posted to the review page (real uvicorn on
loopback; the page in Chromium is driven in tests/browser/test_review_page.py), the decisions
landed into `matching.match_decisions`, then `talent-crm convert` (dry run, then with writes on)
pushes the approved people into the req; the next sync lands the created candidates and
identity links each to the SAME contact — no new contact, no duplicate.
"""

from __future__ import annotations

import copy
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import requests

from ingest.sample.market import generate_market
from orchestration import settings
from orchestration.cli import main as cli_main
from orchestration.matching.openings import req_partition_key
from orchestration.review.app import ReviewConfig, ReviewServer
from tests.sample_pipeline import isolate_env, run_crm_pipeline, serving_market

pytestmark = [pytest.mark.slow]


def _pick_people(con: duckdb.DuckDBPyConnection, req_id: str, n: int) -> list[tuple[str, str]]:
    """Matches of the req the recruiter will approve: eligible, with a name and an e-mail, not
    in Greenhouse yet (so the push must create their candidate), best ranked first."""
    return con.execute(
        """select contacts.contact_id, contacts.primary_email
           from matching.req_matches as matches
           inner join crm.contacts as contacts using (contact_id)
           inner join gdpr.outreach_eligibility as eligibility using (contact_id)
           where matches.req_id = ? and eligibility.can_contact
             and contacts.primary_email is not null
             and contacts.first_name is not null and contacts.last_name is not null
             and not list_contains(contacts.sources, 'greenhouse')
           order by matches.rank
           limit ?""",
        [req_id, n],
    ).fetchall()


def _match_req(req_id: str) -> None:
    """A real req_match run (matches, export, the published read copy)."""
    from orchestration.definitions import defs

    key = req_partition_key(req_id)
    with dg.DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions("reqs", [key])
        result = defs.resolve_job_def("req_match").execute_in_process(
            instance=instance, partition_key=key, raise_on_error=False
        )
    assert result.success


def _review(req_id: str, answers: list[tuple[str, str, str | None]]) -> None:
    """Post the recruiter's answers to the review page, as its forms do."""
    config = ReviewConfig(
        read_db=settings.read_db_path(),
        spool_root=settings.review_decisions_spool_dir(),
        exports_root=settings.exports_dir(),
        reviewer="recruiter-a",
    )
    server = ReviewServer(("127.0.0.1", 0), config)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert req_id in requests.get(server.url + "/", timeout=30).text
        for contact_id, decision, reason in answers:
            form = {"req_id": req_id, "contact_id": contact_id, "decision": decision}
            if reason:
                form["reason"] = reason
            answer = requests.post(
                server.url + "/req/decide", data=form, allow_redirects=False, timeout=30
            )
            assert answer.status_code == 303
            assert f"flash={decision}" in answer.headers["location"], answer.headers["location"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def _land_decisions() -> dg.ExecuteInProcessResult:
    """Land the spooled decisions and build the decisions mart (the slice of crm_pipeline)."""
    from orchestration.definitions import defs

    keys = [
        dg.AssetKey(["raw", "review_decisions"]),
        dg.AssetKey(["staging", "stg_review__match_decisions"]),
        dg.AssetKey(["matching", "match_decisions"]),
    ]
    job = defs.resolve_implicit_global_asset_job_def()
    with dg.DagsterInstance.ephemeral() as instance:
        return job.execute_in_process(instance=instance, asset_selection=keys, raise_on_error=False)


def test_pushed_people_come_back_on_the_next_sync_as_the_same_contact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    with pytest.MonkeyPatch.context() as mp:
        data = isolate_env(mp, tmp_path / "data")
        market = tmp_path / "market"
        generate_market(market, contacts=400, seed=17)
        with serving_market(mp, market) as apis:
            assert run_crm_pipeline().success
            db = data / "talent_crm.duckdb"
            con = duckdb.connect(str(db))
            job = next(j for j in apis.greenhouse.records("jobs") if j["status"] == "open")
            req_id = f"greenhouse:{job['id']}"
            assert con.execute(
                "select status from crm.reqs where req_id = ?", [req_id]
            ).fetchone() == ("open",)
            con.close()
            _match_req(req_id)
            con = duckdb.connect(str(db))
            people = _pick_people(con, req_id, 3)
            assert len(people) == 3
            others = [
                r[0]
                for r in con.execute(
                    "select contact_id from matching.req_matches where req_id = ? "
                    "and contact_id not in (select unnest(?)) order by rank limit 2",
                    [req_id, [c for c, _ in people]],
                ).fetchall()
            ]
            contacts_before = con.execute("select count(*) from crm.contacts").fetchone()[0]
            con.close()
            _review(
                req_id,
                [(c, "approved", None) for c, _ in people]
                + [(others[0], "skipped", "on parental leave"), (others[1], "not_a_fit", None)],
            )
            assert _land_decisions().success
            con = duckdb.connect(str(db))
            assert con.execute(
                "select decision, count(*) from matching.match_decisions where req_id = ? "
                "group by 1 order by 1",
                [req_id],
            ).fetchall() == [("approved", 3), ("not_a_fit", 1), ("skipped", 1)]
            con.close()
            candidates_before = len(apis.greenhouse.records("candidates"))

            # Writes off (the default): the command plans, the ATS sees no write.
            assert cli_main(["convert", req_id]) == 0
            assert "DRY RUN: 3 would be pushed to greenhouse" in capsys.readouterr().out
            assert not [e for e in apis.greenhouse.request_log if e[0] == "POST" and "/v3/" in e[1]]

            mp.setenv("TALENT_CRM_ATS_WRITES", "1")
            assert cli_main(["convert", req_id]) == 0
            out = capsys.readouterr().out
            assert "3 pushed to greenhouse (0 existing candidates reused)" in out
            assert cli_main(["convert", req_id]) == 0  # a rerun pushes nothing again
            assert "0 pushed to greenhouse" in capsys.readouterr().out
            assert len(apis.greenhouse.records("candidates")) == candidates_before + 3

            con = duckdb.connect(str(db))
            pushed = dict(
                con.execute(
                    "select contact_id, candidate_id from raw.ats_pushes "
                    "where req_id = ? and status = 'pushed'",
                    [req_id],
                ).fetchall()
            )
            con.close()
            assert set(pushed) == {c for c, _ in people}

            # The next sync runs later than Greenhouse's listing lag (the connector reads
            # closed windows ending two minutes before it starts): age the new records.
            earlier = (datetime.now(UTC) - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            for entity, ids in (("candidates", set(pushed.values())), ("applications", None)):
                for record in apis.greenhouse.records(entity):
                    fresh = (
                        str(record["id"]) in ids
                        if ids is not None
                        else str(record["candidate_id"]) in set(pushed.values())
                    )
                    if fresh:
                        aged = {**copy.deepcopy(record), "updated_at": earlier}
                        apis.greenhouse.upsert_record(entity, aged)

            assert run_crm_pipeline().success
            con = duckdb.connect(str(db))
            for contact_id, candidate_id in pushed.items():
                linked = con.execute(
                    "select contact_id from crm.contact_sources where record_key = ?",
                    [f"greenhouse:candidates:{candidate_id}"],
                ).fetchone()
                assert linked == (contact_id,), "the created candidate joined its own contact"
            assert con.execute("select count(*) from crm.contacts").fetchone()[0] == contacts_before
            # The prospect applications landed too.
            landed = con.execute(
                "select count(*) from raw.greenhouse_applications where _source_record_id in "
                "(select application_id from raw.ats_pushes where status = 'pushed')"
            ).fetchone()[0]
            assert landed == 3
            con.close()
