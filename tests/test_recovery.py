"""Crash recovery on a real Dagster instance with real processes: a run killed with SIGKILL
while its step holds the `duckdb_write` slot is judged dead (by the launcher's health check and
by `talent-crm`), marked failed, and its slot freed, so the next run proceeds; a run marked
canceled by hand that kept its slot gets it freed; and the Dagster daemon's run monitoring, as
configured in orchestration/dagster.yaml, does the same on its own.

The job is tests/recovery_jobs.py (one step that holds the slot until told to stop), run the
way `talent-crm materialize` runs jobs: in-process, in a child process, tagged with this host.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.launcher import WorkerStatus
from dagster._core.storage.dagster_run import DagsterRunStatus

from orchestration import recovery, settings
from orchestration.recovery import LocalRunLauncher, reap_dead_runs, run_processes, slot_holders

POOL = settings.DUCKDB_WRITE_POOL


class Holder:
    """A child process running the slot-holding job."""

    def __init__(self, tmp: Path, name: str = "holder", tagged: bool = True) -> None:
        self.marker, self.release = tmp / f"{name}.holding", tmp / f"{name}.release"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.recovery_jobs",
                str(self.marker),
                str(self.release),
                *([] if tagged else ["untagged"]),
            ],
            cwd=settings.PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_holding(self) -> None:
        deadline = time.monotonic() + 300
        while not self.marker.exists():
            assert self.process.poll() is None, "the job ended before holding its slot"
            assert time.monotonic() < deadline, "the step never started"
            time.sleep(0.05)

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(30)

    def finish(self) -> int:
        self.release.write_text("go")
        return self.process.wait(300)


def the_run(instance: dg.DagsterInstance) -> dg.DagsterRun:
    runs = instance.get_runs(filters=dg.RunsFilter(job_name="hold_slot"))
    assert runs
    return runs[0]


@pytest.fixture
def instance(isolated_env: Path):
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.run_launcher, LocalRunLauncher)  # from dagster.yaml
        yield instance


def test_a_killed_run_is_judged_dead_marked_failed_and_its_slot_freed(
    instance: dg.DagsterInstance, tmp_path: Path
) -> None:
    holder = Holder(tmp_path)
    holder.wait_holding()
    run = the_run(instance)
    assert run.status == DagsterRunStatus.STARTED
    assert holder.process.pid in run_processes(instance, run.run_id)
    assert instance.run_launcher.check_run_worker_health(run).status == WorkerStatus.RUNNING
    assert reap_dead_runs(instance, say=lambda line: None) == []  # alive: left alone
    assert run.run_id in slot_holders(instance)

    holder.kill()
    assert instance.get_run_by_id(run.run_id).status == DagsterRunStatus.STARTED  # as left
    assert instance.run_launcher.check_run_worker_health(run).status == WorkerStatus.FAILED
    said: list[str] = []
    reaped = reap_dead_runs(instance, say=said.append)
    assert [r.run_id for r in reaped] == [run.run_id]
    assert said == [
        f"run {run.run_id[:8]} (hold_slot) was left STARTED by process(es) that no longer "
        f"exist (PID {holder.process.pid}): marked failed; its pool slots are freed"
    ]
    assert instance.get_run_by_id(run.run_id).status == DagsterRunStatus.FAILURE
    assert slot_holders(instance) == set()

    # The next run gets the slot and finishes.
    following = Holder(tmp_path, "next")
    following.wait_holding()
    assert following.finish() == 0


def test_a_run_canceled_by_hand_that_kept_its_slot_gets_it_freed(
    instance: dg.DagsterInstance, tmp_path: Path
) -> None:
    holder = Holder(tmp_path)
    holder.wait_holding()
    holder.kill()
    run = the_run(instance)
    instance.report_run_canceled(run, "canceled by an operator")  # what the UI's button records
    assert run.run_id in slot_holders(instance)  # marking it canceled did not free the slot
    said: list[str] = []
    reap_dead_runs(instance, say=said.append)
    assert said == [
        f"run {run.run_id[:8]} (hold_slot) had ended (CANCELED) but still held pool slots: freed"
    ]
    assert slot_holders(instance) == set()


def test_an_untagged_run_on_the_local_instance_is_judged(
    instance: dg.DagsterInstance, tmp_path: Path
) -> None:
    """Runs launched around talent-crm (`dagster job execute`) carry no host tag; an instance
    keeping its runs in SQLite under DAGSTER_HOME only ever ran them on this machine."""
    holder = Holder(tmp_path, tagged=False)
    holder.wait_holding()
    holder.kill()
    run = the_run(instance)
    assert "talent_crm/host" not in run.tags
    assert [r.run_id for r in reap_dead_runs(instance, say=lambda line: None)] == [run.run_id]
    assert slot_holders(instance) == set()


def test_runs_of_another_host_are_not_judged(instance: dg.DagsterInstance, tmp_path) -> None:
    holder = Holder(tmp_path)
    holder.wait_holding()
    holder.kill()
    run = the_run(instance)
    instance.add_run_tags(run.run_id, {"talent_crm/host": "some-other-machine"})
    run = instance.get_run_by_id(run.run_id)
    assert instance.run_launcher.check_run_worker_health(run).status == WorkerStatus.UNKNOWN
    assert [r.run_id for r in reap_dead_runs(instance, say=lambda line: None)] == []
    assert instance.get_run_by_id(run.run_id).status == DagsterRunStatus.STARTED


def test_a_step_waiting_for_a_slot_sleeps_between_claims(
    instance: dg.DagsterInstance, tmp_path: Path
) -> None:
    """While another run holds the slot, the executor must be told to sleep until the next
    claim check. Dagster 1.13 tells it 0 s (a busy loop at full CPU); the code location fixes
    that. When the upstream check returns a positive wait, Dagster has fixed it and
    `fix_pool_wait_busy_loop` can be removed."""
    from dagster._core.execution.plan.instance_concurrency_context import (
        InstanceConcurrencyContext,
    )

    import orchestration.definitions  # noqa: F401  (applies the fix, as every run does)

    holder = Holder(tmp_path)
    holder.wait_holding()
    try:
        waiting = dg.DagsterRun(job_name="hold_slot")  # a second run wanting the slot
        with InstanceConcurrencyContext(instance, waiting) as context:
            assert not context.claim(POOL, "hold_the_slot")  # blocked by the holder
            assert context.has_pending_claims()
            assert context.interval_to_next_pending_claim_check() > 0
            assert context.upstream_interval_to_next_pending_claim_check() <= 0  # still buggy
        assert recovery.fix_pool_wait_busy_loop() is False  # applied once
    finally:
        holder.finish()


@pytest.mark.slow
def test_the_daemons_run_monitoring_fails_a_dead_run_and_frees_its_slot(
    instance: dg.DagsterInstance, tmp_path: Path
) -> None:
    """`dagster dev` runs the daemon; with orchestration/dagster.yaml it checks STARTED runs
    every 30 s through the launcher's health check and frees slots of ended runs 30 s later.
    Nothing here calls the recovery code: only the daemon acts."""
    daemon = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "dagster-daemon"),
            "run",
            "-m",
            "tests.recovery_jobs",
            "--log-level",
            "warning",
        ],
        cwd=settings.PROJECT_ROOT,
        # The launcher class named in dagster.yaml comes from this checkout.
        env={**os.environ, "PYTHONPATH": str(settings.PROJECT_ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        holder = Holder(tmp_path)
        holder.wait_holding()
        holder.kill()
        run = the_run(instance)
        killed_at = time.monotonic()
        deadline = killed_at + 300  # a liveness bound, far above the configured minute or two
        while instance.get_run_by_id(
            run.run_id
        ).status != DagsterRunStatus.FAILURE or run.run_id in slot_holders(instance):
            assert daemon.poll() is None, "the daemon exited"
            assert time.monotonic() < deadline, "run monitoring never freed the dead run"
            time.sleep(1)
        print(f"\nrun monitoring: failed and freed {time.monotonic() - killed_at:.0f}s after kill")
        failure = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
        assert "every process that ran this run is gone" in failure[-1].dagster_event.message
    finally:
        daemon.send_signal(signal.SIGINT)
        try:
            daemon.wait(60)
        except subprocess.TimeoutExpired:
            daemon.kill()
