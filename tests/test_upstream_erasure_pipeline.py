"""`talent-crm gdpr erase` on the REAL pipeline, carried to the fake ATSs the person came from.

A generated market is served by the sample vendor APIs and run through `crm_pipeline` into a
real DuckDB file. A contact with records in Greenhouse and Ashby, and one with a Lever record,
are erased through the command line with ATS writes on: afterwards the fake Greenhouse and
Ashby serve them anonymised, Lever holds a manual action, the audit rows say so per system,
and a second pipeline run (which lands the anonymised ATS records) brings nobody back. No
personal data in the command's output or the ledgers.
"""

from __future__ import annotations

import json
import os

import duckdb
import pytest

from ingest import greenhouse
from ingest.sample.market import generate_market
from orchestration import cli
from tests import sample_pipeline

pytestmark = pytest.mark.slow

PEPPER = "test-pepper-not-a-secret"


def rows(sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(os.environ["TALENT_CRM_DB"], read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def pick(sources: list[str], exclude: tuple[str, ...] = ()) -> tuple[str, str, str, list[str]]:
    """A contact with an e-mail and records in every one of `sources`."""
    found = rows(
        """
        select c.contact_id, c.primary_email, c.full_name,
            list(s.record_key order by s.record_key)
        from crm.contacts c join crm.contact_sources s using (contact_id)
        where c.primary_email is not null and c.contact_id not in (select unnest(?))
        group by all
        having list_has_all(list(s.source), ?)
        order by c.contact_id
        limit 1""",
        [list(exclude), sources],
    )
    assert found, f"the market should hold a person in {sources}"
    return found[0]


def ats_ids(record_keys: list[str], system: str) -> list[str]:
    return [k.split(":", 2)[2] for k in record_keys if k.startswith(f"{system}:")]


def test_gdpr_erase_reaches_the_ats_copies(isolated_env, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TALENT_CRM_PEPPER", PEPPER)
    monkeypatch.setenv("TALENT_CRM_ATS_WRITES", "1")
    market = tmp_path / "market"
    generate_market(market, contacts=150, seed=5)
    with sample_pipeline.serving_market(monkeypatch, market) as apis:
        assert sample_pipeline.run_crm_pipeline().success
        # One person in Greenhouse and Ashby, another in Lever (few people are in all three).
        first = pick(["greenhouse", "ashby"])
        second = pick(["lever"], exclude=(first[0],))
        people = [first, second]

        capsys.readouterr()
        assert cli.main(["gdpr", "erase", "--email", first[1]]) == 0
        assert cli.main(["gdpr", "erase", "--email", second[1]]) == 0
        out = capsys.readouterr().out
        for _, _, _, keys in people:
            for gid in ats_ids(keys, "greenhouse"):
                assert f"greenhouse candidate {gid}: done (anonymized)" in out
            for aid in ats_ids(keys, "ashby"):
                assert f"ashby candidate {aid}: done (anonymized)" in out
            # Lever's API has no erase operation: a manual action naming the opportunity.
            for lid in ats_ids(keys, "lever"):
                assert f"lever opportunity {lid}: manual (no_erase_api)" in out
        assert ats_ids(second[3], "lever")

        # The fake ATSs no longer list the people (anonymised, same ids).
        gh = {
            str(r["id"]): r
            for page, _ in greenhouse.iter_pages(
                greenhouse.make_client(), "candidates", per_page=500
            )
            for r in page
        }
        ashby_now = {r["id"]: r for r in apis.ashby.records("candidates")}
        served = [gh[g] for p in people for g in ats_ids(p[3], "greenhouse")]
        served += [ashby_now[a] for p in people for a in ats_ids(p[3], "ashby")]
        assert served and all(not r.get("email_addresses") for r in served if "first_name" in r)
        assert all(r["name"] is None for r in served if "first_name" not in r)
        blob = json.dumps(served).lower()
        for _, email, full_name, _ in people:
            assert email.lower() not in blob and full_name.lower() not in blob

        summaries = rows("select upstream::varchar from gdpr.audit_log where action = 'erasure'")
        systems = {(e["system"], e["status"]) for (s,) in summaries for e in json.loads(s)}
        assert {("greenhouse", "done"), ("ashby", "done"), ("lever", "manual")} <= systems

        # The next sync lands the anonymised records: nobody comes back.
        assert sample_pipeline.run_crm_pipeline().success
        erased_ids = [p[0] for p in people]
        erased_keys = [k for p in people for k in p[3]]
        assert rows(
            "select count(*) from crm.contacts where contact_id in (select unnest(?))",
            [erased_ids],
        ) == [(0,)]
        assert rows(
            "select count(*) from crm.contact_sources where record_key in (select unnest(?))",
            [erased_keys],
        ) == [(0,)]
        ledgers = rows("select * from gdpr.upstream_erasure_requests") + rows(
            "select * from gdpr.audit_log"
        )
        blob = json.dumps([out, ledgers], default=str).lower()
        for _, email, full_name, _ in people:
            assert email.lower() not in blob and full_name.lower() not in blob
