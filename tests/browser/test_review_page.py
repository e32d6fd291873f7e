"""The recruiter's review page in a real browser (headless Debian Chromium) over the generated
market's published read copy: approve one match with an edited message, skip one, answer one
duplicate pair; then the landing asset lands the decision files and dbt builds them into
`matching.match_decisions` and `stg_review__pair_decisions`."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.analytics_market import MARKET_AS_OF, MARKET_PEPPER, copy_market_into, shared_market

pytestmark = pytest.mark.slow

EDITED = "Hi there, edited in the browser: would you like to talk about this role next week?"


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def market_copy(tmp_path_factory, monkeypatch) -> Path:
    root, build = shared_market(tmp_path_factory)
    assert build["success"], "the generated market did not build; see tests/test_analytics_marts"
    data = tmp_path_factory.mktemp("review_page") / "data"
    db = copy_market_into(root, data)
    for name, value in {
        "TALENT_CRM_DATA_DIR": str(data),
        "TALENT_CRM_DB": str(db),
        "TALENT_CRM_AS_OF": MARKET_AS_OF,
        "TALENT_CRM_PEPPER": MARKET_PEPPER,
        "DAGSTER_HOME": str(data / "dagster_home"),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TALENT_CRM_READ_DB", raising=False)
    return db


def run_req_match(db: Path) -> str:
    """Match the open req with the most required skills (a real req_match run: matches,
    export, publish)."""
    from orchestration.definitions import defs
    from orchestration.matching.openings import req_partition_key

    [(req_id,)] = rows(
        db,
        "select req_id from matching.req_profiles where status = 'open' "
        "order by len(required_skills) desc, req_id limit 1",
    )
    key = req_partition_key(req_id)
    with dg.DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions("reqs", [key])
        result = defs.resolve_job_def("req_match").execute_in_process(
            instance=instance, partition_key=key, raise_on_error=False
        )
    assert result.success
    return req_id


def test_review_in_the_browser_lands_in_match_decisions(market_copy: Path, browser, tmp_path):
    from selenium.webdriver.common.by import By

    from orchestration import settings
    from orchestration.defs.ingest.assets import review_decisions_landing
    from orchestration.identity.decisions import record_fingerprint
    from orchestration.resources import DuckDBWarehouse
    from orchestration.review.app import ReviewConfig, ReviewServer

    db = market_copy
    req_id = run_req_match(db)
    read_copy = settings.read_db_path()
    assert rows(
        read_copy, f"select count(*) >= 2 from matching.req_matches where req_id = '{req_id}'"
    )[0][0]
    assert rows(read_copy, "select count(*) from hygiene.duplicate_review")[0][0] > 0, (
        "the market has no duplicate-review pair to answer"
    )

    config = ReviewConfig(
        read_db=read_copy,
        spool_root=settings.review_decisions_spool_dir(),
        exports_root=settings.exports_dir(),
        reviewer="Browser Reviewer",
    )
    server = ReviewServer(("127.0.0.1", 0), config)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        browser.get(server.url + "/")
        browser.find_element(
            By.CSS_SELECTOR, "#reqs a[href*='" + req_id.split(":")[1] + "']"
        ).click()
        wait_for(lambda: browser.find_elements(By.ID, "match-1"), 20, "the req's matches")
        first = browser.find_element(By.ID, "match-1")
        approved_contact = first.get_attribute("data-contact-id")
        draft = first.find_element(By.CSS_SELECTOR, "form.approve textarea")
        assert "DRAFT" not in draft.get_attribute("value")  # the marker is not sent
        draft.clear()
        draft.send_keys(EDITED)
        first.find_element(By.CSS_SELECTOR, "form.approve button").click()
        wait_for(lambda: "Approved: the message" in browser.page_source, 20, "the approval flash")

        second = browser.find_element(By.ID, "match-2")
        skipped_contact = second.get_attribute("data-contact-id")
        second.find_element(By.CSS_SELECTOR, "form.skip input[name='reason']").send_keys(
            "asked us to wait until spring"
        )
        second.find_element(By.CSS_SELECTOR, "form.skip button").click()
        wait_for(lambda: "Skipped: recorded" in browser.page_source, 20, "the skip flash")
        decided = browser.find_element(By.ID, "match-1").find_element(By.CSS_SELECTOR, ".status")
        assert decided.get_attribute("data-decision") == "approved"

        browser.find_element(By.LINK_TEXT, "Duplicates").click()
        pair = wait_for(lambda: browser.find_elements(By.ID, "pair-1"), 20, "a duplicate pair")[0]
        key_a = pair.find_element(By.NAME, "record_key_a").get_attribute("value")
        key_b = pair.find_element(By.NAME, "record_key_b").get_attribute("value")
        assert pair.find_element(By.CSS_SELECTOR, ".held").text
        pair.find_element(By.CSS_SELECTOR, "button[value='same_person']").click()
        wait_for(lambda: "Recorded: same person." in browser.page_source, 20, "the pair flash")
        browser.save_screenshot(str(tmp_path / "review_duplicates.png"))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)

    # The pipeline's side: land the spool, build the decision models with real dbt.
    with dg.DagsterInstance.ephemeral() as instance:
        landed = dg.materialize(
            [review_decisions_landing],
            instance=instance,
            resources={"warehouse": DuckDBWarehouse()},
        )
    assert landed.success
    [event] = landed.get_asset_materialization_events()
    assert event.materialization.metadata["landed_decisions"].value == 3
    built = subprocess.run(
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
            "stg_review__match_decisions stg_review__pair_decisions match_decisions",
        ],
        cwd=settings.DBT_PROJECT_DIR,
        env={**os.environ, "DO_NOT_TRACK": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout[-3000:]
    decisions = rows(
        db,
        "select contact_id, decision, reason, message, reviewer from matching.match_decisions "
        f"where req_id = '{req_id}' order by decision",
    )
    assert decisions == [
        (approved_contact, "approved", None, EDITED, "Browser Reviewer"),
        (skipped_contact, "skipped", "asked us to wait until spring", None, "Browser Reviewer"),
    ]
    [(a, b, decision, fp_a, fp_b)] = rows(
        db,
        "select record_key_a, record_key_b, decision, fingerprint_a, fingerprint_b "
        "from staging.stg_review__pair_decisions",
    )
    assert (a, b, decision) == (min(key_a, key_b), max(key_a, key_b), "same_person")
    # The page fingerprinted the records as identity reads them from the pipeline file.
    con = duckdb.connect(str(db), read_only=True)
    try:
        cursor = con.execute(
            "select * from intermediate.int_person_records where record_key in (?, ?) "
            "order by record_key",
            [a, b],
        )
        names = [d[0] for d in cursor.description]
        records = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()
    assert [record_fingerprint(r) for r in records] == [fp_a, fp_b]
