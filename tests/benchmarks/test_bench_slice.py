"""Benchmark: the whole pipeline (every API source over HTTP + CSV drop folders → raw → dbt →
identity → marts) at ~100k source records (`BENCH_SLICE_RECORDS=1000000` for the nightly run at
1M). Prints figures, with the identity step's share of the run; never asserts on time (run by
`make bench`, not `make test`)."""

from __future__ import annotations

import json
import os
import time

import dagster as dg
import duckdb

from ingest.sample.apis import SampleApiSettings, start_sample_apis
from ingest.sample.market import generate_market
from orchestration.cli.sample import sample_event_ids, stage_sample_drop_files

TARGET_SOURCE_RECORDS = int(os.environ.get("BENCH_SLICE_RECORDS", "100000"))


def test_bench_slice_build(isolated_env, tmp_path, monkeypatch):
    feed = tmp_path / "feed"
    # Calibrate people → source records on a small market, then size for ~100k records.
    probe = generate_market(tmp_path / "probe", contacts=2000, seed=7)
    per_person = probe["total_source_records"] / 2000
    contacts = int(TARGET_SOURCE_RECORDS / per_person)
    started = time.perf_counter()
    summary = generate_market(feed, contacts=contacts, seed=7)
    generate_seconds = time.perf_counter() - started
    manifest = json.loads((feed / "manifest.json").read_text())

    # The vendor limit (Harvest v3: a quota per 30-second window) would dominate; the slice is
    # what we measure.
    settings = SampleApiSettings(
        greenhouse_rate_limit=100_000, lever_rate_per_second=1e9, lever_burst=10**9, retry_after=0
    )
    monkeypatch.setenv("TALENT_CRM_DATA_DIR", str(isolated_env))
    stage_sample_drop_files(feed)
    monkeypatch.setenv("EVENTBRITE_EVENT_IDS", ",".join(sample_event_ids(feed)))
    with start_sample_apis(feed, settings) as apis:
        for name, value in apis.env().items():
            monkeypatch.setenv(name, value)
        from orchestration.definitions import defs

        job = defs.resolve_job_def("crm_pipeline")
        with dg.DagsterInstance.ephemeral() as instance:
            started = time.perf_counter()
            result = job.execute_in_process(instance=instance, raise_on_error=False)
            pipeline_seconds = time.perf_counter() - started
    assert result.success

    step_seconds: dict[str, float] = {}
    for event in result.all_events:
        if event.event_type_value == "STEP_SUCCESS":
            step_seconds[event.step_key] = event.event_specific_data.duration_ms / 1000

    con = duckdb.connect(os.environ["TALENT_CRM_DB"], read_only=True)
    counts = {
        t: con.execute(f"select count(*) from {t}").fetchall()[0][0]
        for t in (
            "raw.greenhouse_candidates",
            "raw.greenhouse_applications",
            "raw.greenhouse_jobs",
            "raw.lever_opportunities",
            "raw.ashby_candidates",
            "raw.eventbrite_attendees",
            "raw.sourcing_profiles",
            "raw.outreach_events",
            "crm.contacts",
            "crm.interactions",
            "crm.reqs",
        )
    }
    con.close()
    gh_records = sum(v for k, v in counts.items() if k.startswith("raw."))
    total = summary["total_source_records"]
    print("\n=== slice benchmark ===")
    print(
        f"market: {contacts:,} people, {summary['total_source_records']:,} source records "
        f"(all feeds) generated in {generate_seconds:.1f}s"
    )
    print(
        f"raw records landed (main feeds): {gh_records:,} "
        f"(feeds: {json.dumps(manifest.get('record_counts', {}))[:300]})"
    )
    for step, seconds in sorted(step_seconds.items()):
        print(f"  step {step:<45} {seconds:8.1f}s")
    print(
        f"crm_pipeline end to end: {pipeline_seconds:.1f}s "
        f"({total / pipeline_seconds:,.0f} source records/s through every layer)"
    )
    identity_seconds = step_seconds.get("identity_resolution", 0.0)
    print(
        f"identity_resolution: {identity_seconds:.1f}s = "
        f"{identity_seconds / pipeline_seconds:.1%} of the run"
    )
    for table, rows in counts.items():
        print(f"  {table:<30} {rows:>9,}")
