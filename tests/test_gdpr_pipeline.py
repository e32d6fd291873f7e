"""Hygiene and GDPR on the REAL pipeline: a generated market served by the sample vendor APIs
and dropped into the CSV folders, run through every Dagster asset and dbt model into a real
DuckDB file; then access, Art. 14 and retention edges (TALENT_CRM_AS_OF), erasure with a byte
search of the database and of every file under data/, and a full re-ingest that must not
bring the erased person back.

One test function on purpose: each step needs the state the previous one left, and building
the market through the pipeline is the expensive part (run it once).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingest.sample.market import generate_market
from orchestration import cli, publish, settings
from orchestration.cli.pipeline import full_resync_config
from orchestration.gdpr.access import write_access_export
from orchestration.gdpr.purge import run_retention_purge
from orchestration.settings import DBT_PROJECT_DIR, dbt_executable
from tests import sample_pipeline

pytestmark = pytest.mark.slow

PEPPER = "test-pepper-not-a-secret"
NOTICE_CAMPAIGN = "gdpr-art14-notice"


def run_crm_pipeline(full_resync: bool = False) -> dg.ExecuteInProcessResult:
    from orchestration.definitions import defs

    job = defs.resolve_job_def("crm_pipeline")
    # The documented recovery command's config (`talent-crm materialize --full-resync`).
    run_config = full_resync_config(job) if full_resync else {}
    return sample_pipeline.run_crm_pipeline(run_config=run_config)


def rows(sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(os.environ["TALENT_CRM_DB"], read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def dbt_run_gdpr_models(as_of: date, tmp_path: Path) -> None:
    """Rebuild the date-dependent GDPR marts with TALENT_CRM_AS_OF = `as_of` (real dbt)."""
    env = {**os.environ, "TALENT_CRM_AS_OF": as_of.isoformat()}
    target = tmp_path / f"dbt_target_{as_of.isoformat()}"
    subprocess.run(
        [
            dbt_executable(),
            "run",
            "--quiet",
            "--select",
            "art14_notices_due art14_overdue retention_due outreach_eligibility",
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
            "--log-path",
            str(target / "logs"),
        ],
        cwd=DBT_PROJECT_DIR,
        env=env,
        check=True,
    )


def bytes_found(path: Path, needles: list[str]) -> list[str]:
    data = path.read_bytes().lower()
    return [n for n in needles if n.lower().encode() in data]


def files_mentioning(root: Path, needles: list[str]) -> list[str]:
    return [
        f"{p.relative_to(root)}: {hit}"
        for p in sorted(root.rglob("*"))
        if p.is_file()
        for hit in bytes_found(p, needles)
    ]


def first_name_of(full_name: str) -> str:
    return full_name.split()[0]


def pick_person() -> tuple[str, str, str, list[str]]:
    """A contact with a unique full name, an e-mail and records in 3+ sources, one of them a
    drop-folder feed (so files must be rewritten too)."""
    found = rows(
        """
        with names as (select full_name, count(*) n from crm.contacts group by 1)
        select c.contact_id, c.full_name, c.primary_email, c.sources
        from crm.contacts c join names using (full_name)
        where names.n = 1 and c.primary_email is not null and len(c.sources) >= 3
          and len(c.full_name) >= 8
          and list_has_any(c.sources, ['sourcing', 'event_csv', 'hris', 'outreach'])
          and list_has_any(c.sources, ['greenhouse', 'lever', 'ashby', 'eventbrite'])
        order by len(c.sources) desc, c.contact_id
        limit 1"""
    )
    assert found, "the generated market should hold a multi-source person"
    return found[0]


def test_hygiene_gdpr_erasure_and_no_resurrection(isolated_env, tmp_path, monkeypatch):
    data_dir = isolated_env
    monkeypatch.setenv("TALENT_CRM_PEPPER", PEPPER)
    market = tmp_path / "market"  # the vendors' side: not our data dir
    generate_market(market, contacts=300, seed=11)

    with sample_pipeline.serving_market(monkeypatch, market):
        first = run_crm_pipeline()
        assert first.success
        assert all(check.passed for check in first.get_asset_check_evaluations())

        # -- hygiene lists and the outreach contract ----------------------------------------
        counts = {
            t: rows(f"select count(*) from {t}")[0][0]
            for t in (
                "crm.contacts",
                "hygiene.stale_contacts",
                "hygiene.tagging_gaps",
                "gdpr.record_lawful_basis",
            )
        }
        assert counts["hygiene.stale_contacts"] > 0
        assert counts["hygiene.tagging_gaps"] >= 3
        assert (
            counts["gdpr.record_lawful_basis"]
            == rows("select count(*) from crm.contact_sources")[0][0]
        )
        assert (
            rows(
                "select count(*) from hygiene.verification_list v join gdpr.outreach_eligibility e "
                "using (contact_id) where not e.can_contact"
            )[0][0]
            == 0
        )
        # The verification list reaches recruiters as a dated file, the mart's rows in its
        # priority order (the export refuses a list holding a blocked contact).
        (verification,) = (settings.verification_exports_dir()).glob("*.parquet")
        exported = rows(f"select contact_id from read_parquet('{verification}')")
        assert exported == rows(
            "select contact_id from hygiene.verification_list order by priority"
        )
        assert exported and (verification.with_suffix(".csv")).exists()
        # No lawful basis ⇒ blocked; consent only with evidence and timestamp.
        assert (
            rows(
                "select count(*) from gdpr.outreach_eligibility e join gdpr.consent_gaps g "
                "using (contact_id) where e.can_contact or not list_contains(e.block_reasons, "
                "'no_lawful_basis')"
            )[0][0]
            == 0
        )
        assert (
            rows(
                "select count(*) from gdpr.record_lawful_basis where lawful_basis = 'consent' "
                "and (consent_evidence is null or consent_at is null)"
            )[0][0]
            == 0
        )
        # Source opt-outs reached the suppression list as hashes only.
        assert rows("select count(*) from gdpr.suppression_list")[0][0] > 0

        # -- Art. 14 deadline day ----------------------------------------------------------
        notice = rows(
            "select contact_id, notice_due_on from gdpr.art14_notices_due "
            "where first_outreach_at is null order by notice_due_on desc, contact_id limit 1"
        )
        assert notice, "sourced people without a notice must be listed"
        art14_contact, due_on = notice[0]
        dbt_run_gdpr_models(due_on, tmp_path)
        assert rows(
            "select is_overdue from gdpr.art14_notices_due where contact_id = ?", [art14_contact]
        ) == [(False,)]
        assert rows(
            "select list_contains(block_reasons, 'art14_notice_overdue') "
            "from gdpr.outreach_eligibility where contact_id = ?",
            [art14_contact],
        ) == [(False,)]
        dbt_run_gdpr_models(due_on + timedelta(days=1), tmp_path)
        assert rows(
            "select count(*) from gdpr.art14_overdue where contact_id = ?", [art14_contact]
        ) == [(1,)]
        assert rows(
            "select can_contact, list_contains(block_reasons, 'art14_notice_overdue') "
            "from gdpr.outreach_eligibility where contact_id = ?",
            [art14_contact],
        ) == [(False, True)]

        # -- retention: listed 30 days ahead, purged on the day ---------------------------------
        dbt_run_gdpr_models(date(2200, 1, 1), tmp_path)  # far future: every contact listed
        retained = rows(
            "select contact_id, purge_on from gdpr.retention_due order by purge_on, contact_id"
        )
        assert (
            len(retained)
            == counts["crm.contacts"]
            - rows(
                "select count(*) from crm.contacts where coalesce(last_meaningful_action_at, "
                "first_seen_at) is null"
            )[0][0]
        )
        purge_contact, purge_on = retained[len(retained) // 2]
        for as_of, listed, due in (
            (purge_on - timedelta(days=31), False, None),
            (purge_on - timedelta(days=30), True, False),
            (purge_on, True, True),
        ):
            dbt_run_gdpr_models(as_of, tmp_path)
            got = rows(
                "select is_purge_due from gdpr.retention_due where contact_id = ?", [purge_contact]
            )
            assert (bool(got), got[0][0] if got else None) == (listed, due), as_of
        later = [c for c, p in retained if p > purge_on]
        purged = [c for c, p in retained if p <= purge_on]
        result = run_retention_purge(
            Path(os.environ["TALENT_CRM_DB"]), data_dir, datetime.now(UTC).replace(tzinfo=None)
        )
        assert result.contacts_purged == len(purged)
        # The purge republished the read copy before returning: the purged are gone there too.
        read_copy = settings.read_db_path(Path(os.environ["TALENT_CRM_DB"]))
        assert publish.read_copy_meta(read_copy)["reason"] == "retention_purge"
        con = duckdb.connect(str(read_copy), read_only=True)
        try:
            assert con.execute(
                "select count(*) from crm.contacts where contact_id in (select unnest(?))",
                [purged],
            ).fetchall() == [(0,)]
        finally:
            con.close()
        remaining = {r[0] for r in rows("select contact_id from crm.contacts")}
        assert purge_contact not in remaining
        assert set(later) <= remaining
        assert rows(
            "select count(*) from identity.identity_map where contact_id in (select unnest(?))",
            [purged],
        ) == [(0,)]

        # -- access (Art. 15) --------------------------------------------------------------
        contact_id, full_name, email, _ = pick_person()
        record_keys = {
            r[0]
            for r in rows(
                "select record_key from crm.contact_sources where contact_id = ?", [contact_id]
            )
        }
        path, access_counts = write_access_export(
            Path(os.environ["TALENT_CRM_DB"]), data_dir, emails=[email]
        )
        document = json.loads(path.read_text())
        assert path.parent == data_dir / "exports" / "gdpr" / "access"
        assert email not in path.name and access_counts["contacts"] == 1
        held = {item["record_key"]: item for item in document["source_records"]}
        assert record_keys <= set(held)
        for key in record_keys:
            item = held[key]
            assert item["source"] and item["obtained_at"], key
            assert item["landed_versions"] or key.startswith("pdl:"), key
            assert "purposes" in item and "lawful_basis" in item
        assert document["contacts"][0]["retention"]["purge_on"]
        assert document["interactions"]

        # -- an Art. 14 notice sent through the outreach tool comes back as a touchpoint ----------
        notice_email = rows(
            "select primary_email from gdpr.art14_notices_due where primary_email is not null "
            "and contact_id <> ? order by contact_id limit 1",
            [contact_id],
        )[0][0]
        outreach_dir = data_dir / "landing" / "outreach"
        (outreach_dir / "notices_2026-11.csv").write_text(
            "message_id,email,campaign,step,event,bounce_type,occurred_at\n"
            f"msg_notice_1,{notice_email},{NOTICE_CAMPAIGN},1,sent,,"
            f"{datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}\n"
        )

        # -- a recruiter's decisions about the person (and about someone else) ---------------
        from ingest.review_decisions import DecisionSpool, match_decision
        from orchestration.defs.ingest.assets import review_decisions_landing
        from orchestration.resources import DuckDBWarehouse

        other_contact = rows(
            "select contact_id from crm.contacts where contact_id <> ? order by contact_id limit 1",
            [contact_id],
        )[0][0]
        spool = DecisionSpool(settings.review_decisions_spool_dir())
        for subject_id in (contact_id, other_contact):
            spool.write(
                match_decision(
                    req_id="greenhouse:1",
                    contact_id=subject_id,
                    decision="approved",
                    reviewer="recruiter-a",
                    score=0.7,
                    message=f"Hi {first_name_of(full_name)}, a role you may like"
                    if subject_id == contact_id
                    else "Hi, a role you may like",
                )
            )
        with dg.DagsterInstance.ephemeral() as instance:
            spool_run = dg.materialize(
                [review_decisions_landing],
                instance=instance,
                resources={"warehouse": DuckDBWarehouse()},
            )
        assert spool_run.success
        # A later decision still waiting in the spool when the erasure runs.
        spool.write(
            match_decision(
                req_id="greenhouse:2",
                contact_id=contact_id,
                decision="skipped",
                reviewer="recruiter-a",
                score=0.5,
            )
        )
        assert rows("select count(*) from raw.review_decisions") == [(2,)]

        # -- erasure (Art. 17) ---------------------------------------------------------------
        db = Path(os.environ["TALENT_CRM_DB"])
        needles = [email, full_name]
        read_copy = settings.read_db_path(db)
        assert bytes_found(read_copy, [email]) == [email]  # published with the person in it
        assert cli.main(["gdpr", "erase", "--email", email.upper()]) == 0
        # Republished before the command returned: no byte of them in the copy people read,
        # no draft or older copy beside it.
        assert publish.read_copy_meta(read_copy)["reason"] == "erasure"
        assert bytes_found(read_copy, needles) == []
        assert publish.drafts(read_copy) == []
        assert sorted(p.name for p in db.parent.glob("*.duckdb*") if p.name[0] != ".") == [
            db.name,
            read_copy.name,
        ]
        assert rows("select count(*) from crm.contacts where contact_id = ?", [contact_id]) == [
            (0,)
        ]
        audit = rows(
            "select action, subject_hash, contacts_removed, rows_removed, files_rewritten "
            "from gdpr.audit_log where action = 'erasure'"
        )
        assert len(audit) == 1 and audit[0][2] == 1 and audit[0][4] >= 1
        assert re.fullmatch(r"[0-9a-f]{64}", audit[0][1])
        removed = json.loads(audit[0][3])
        assert {"raw.quarantine"} - set(removed) and removed.get("crm.contacts") == 1
        assert email.lower() not in json.dumps(audit)
        assert bytes_found(db, needles) == []
        assert files_mentioning(data_dir, needles) == []
        # The recruiter's decisions about them went too (rows and spooled files); the other
        # person's decision stayed.
        assert rows(
            "select json_extract_string(_record, '$.contact_id') from raw.review_decisions"
        ) == [(other_contact,)]
        spooled = list((data_dir / "landing").rglob("*.json"))
        assert [p for p in spooled if f'"{contact_id}"' in p.read_text()] == []
        assert [p for p in spooled if f'"{other_contact}"' in p.read_text()]

        # -- re-ingest everything: APIs from scratch, drop folders again, plus a NEW sourcing
        # export that found the erased person again (must not re-create them) ----------------
        first_name, _, last_name = full_name.partition(" ")
        (data_dir / "landing" / "sourcing" / "sourcing_2026-12.csv").write_text(
            "First Name,Last Name,Current Title,Current Company,Public Profile URL,Email,"
            "Sourced At\n"
            f"{first_name},{last_name},Engineer,Acme,,{email},2026-11-20\n"
            "Zed,Newperson,Engineer,Acme,,zed.newperson@example.org,2026-11-20\n"
        )
        again = run_crm_pipeline(full_resync=True)
        assert again.success
    assert rows("select count(*) from crm.contact_identifiers where value = lower(?)", [email]) == [
        (0,)
    ]
    assert rows("select count(*) from crm.contacts where full_name = ?", [full_name]) == [(0,)]
    # The other person of the new export did land: the gate drops only the suppressed one.
    assert rows("select count(*) from crm.contacts where full_name = 'Zed Newperson'") == [(1,)]
    assert bytes_found(db, needles) == []
    assert files_mentioning(data_dir, needles) == []
    # The rewritten drop files were not landed again as new files.
    assert (
        rows(
            "select count(*) from raw.processed_files where reason like 'rows blanked by erasure%'"
        )[0][0]
        >= 1
    )
    # The notice landed as an outreach touchpoint and settled that person's Art. 14 duty.
    # (The generated market sends notices of its own; this one is the row of notices_2026-11.)
    assert rows(
        "select count(*) from crm.interactions where subject = ? and interaction_type = "
        "'outreach_sent' and record_key like 'outreach:events:notices_2026-11.csv:%'",
        [NOTICE_CAMPAIGN],
    ) == [(1,)]
    assert rows(
        "select count(*) from gdpr.art14_notices_due where primary_email = ?", [notice_email]
    ) == [(0,)]
