"""Benchmark: publishing the read copy at 1M contacts, in seconds and as a share of the nightly
pipeline that publishes it.

A generated market of BENCH_PUBLISH_CONTACTS people (default 1,000,000: about 2.8M source
records) goes through the REAL `crm_pipeline` (every API over loopback HTTP, the drop folders,
dbt, identity, every mart, the report) in this process; the step `published__read_copy` is the
publish. Then the copy is published once more on its own (the cost an erasure adds). Prints
figures; timing never decides a test (run by `make bench`, not `make test`).

    BENCH_PUBLISH_CONTACTS=100000 make bench   # a smaller run
"""

from __future__ import annotations

import os
import resource
import time

import dagster as dg

from ingest.sample.apis import SampleApiSettings, start_sample_apis
from ingest.sample.market import generate_market
from orchestration import settings
from orchestration.cli.sample import sample_event_ids, stage_sample_drop_files
from orchestration.publish import publish_read_copy

CONTACTS = int(os.environ.get("BENCH_PUBLISH_CONTACTS", "1000000"))
PUBLISH_STEP = "published__read_copy"


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # KB → GB (Linux)


def test_bench_publish_read_copy(isolated_env, tmp_path, monkeypatch):
    feed = tmp_path / "feed"
    started = time.perf_counter()
    summary = generate_market(feed, contacts=CONTACTS, seed=31)
    generated = time.perf_counter() - started
    # Vendor rate limits would dominate the run; the pipeline is what we measure.
    api = SampleApiSettings(
        greenhouse_rate_limit=10**6, lever_rate_per_second=1e9, lever_burst=10**9, retry_after=0
    )
    monkeypatch.setenv("TALENT_CRM_PEPPER", "bench-pepper-not-a-secret")
    stage_sample_drop_files(feed)
    monkeypatch.setenv("EVENTBRITE_EVENT_IDS", ",".join(sample_event_ids(feed)))
    with start_sample_apis(feed, api) as apis:
        for name, value in apis.env().items():
            monkeypatch.setenv(name, value)
        from orchestration.definitions import defs

        job = defs.resolve_job_def("crm_pipeline")
        with dg.DagsterInstance.ephemeral() as instance:
            started = time.perf_counter()
            result = job.execute_in_process(instance=instance, raise_on_error=False)
            pipeline_seconds = time.perf_counter() - started
    assert result.success

    steps = {
        event.step_key: event.event_specific_data.duration_ms / 1000
        for event in result.all_events
        if event.event_type_value == "STEP_SUCCESS"
    }
    published = next(
        event.materialization.metadata
        for event in result.get_asset_materialization_events()
        if event.asset_key.to_user_string() == "published/read_copy"
    )
    publish_seconds = steps[PUBLISH_STEP]
    slowest = sorted(steps.items(), key=lambda item: -item[1])[:6]

    # Once more on its own: what every erasure adds before it returns.
    again = publish_read_copy(settings.db_path(), reason="bench")
    db_mb = settings.db_path().stat().st_size / 1e6

    print("\n=== publish benchmark ===")
    print(
        f"market: {CONTACTS:,} people, {summary['total_source_records']:,} source records, "
        f"generated in {generated:.0f}s; pipeline file {db_mb:,.0f} MB"
    )
    print(
        f"crm_pipeline: {pipeline_seconds:.0f}s; read copy published in {publish_seconds:.1f}s "
        f"= {publish_seconds / pipeline_seconds:.1%} of the run "
        f"({published['tables'].value} tables, {published['rows'].value:,} rows, "
        f"{published['bytes'].value / 1e6:,.0f} MB)"
    )
    print(f"publish on its own again: {again.seconds:.1f}s; peak RSS {peak_rss_gb():.2f} GB")
    print("slowest steps: " + ", ".join(f"{k} {v:.0f}s" for k, v in slowest))
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    assert again.rows == published["rows"].value
