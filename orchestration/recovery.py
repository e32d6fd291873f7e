"""Crash recovery for the Dagster instance: a run whose processes died must not block the next.

A run killed outright (SIGKILL: an OOM kill, a reboot, `kill -9`) cannot record its end: it
stays STARTED, and the `duckdb_write` pool slot its step claimed stays claimed, so every later
step waits for a slot nobody will free. Three pieces undo that:

- `LocalRunLauncher` (dagster.yaml `run_launcher`): Dagster's default launcher plus the worker
  health check Dagster's run monitoring asks for. With `run_monitoring` enabled, the daemon
  (`dagster dev`) marks a run whose processes are gone as failed, then frees its slots
  (`free_slots_after_run_end_seconds`). The default launcher has no such check, so without it
  a dead run stays STARTED forever.
- `reap_dead_runs`: the same, done by `talent-crm` itself before it launches anything (no
  daemon needed): dead runs are marked failed, and slots held by finished runs are freed, each
  with a message.
- `PoolWatch`: while a CLI run waits for a pool slot, says so at INFO every few seconds and
  names the run holding it (Dagster itself logs that at DEBUG only).

- `fix_pool_wait_busy_loop`: Dagster 1.13's executor spins at full CPU while a step waits
  for a pool slot; the code location applies the intended back-off (see its docstring).

A run's processes are the PIDs its own events recorded (the run worker's RUN_START, every
STEP_START); a PID counts as alive only while it is the process that wrote the event (see
`orchestration.processes.process_alive`). Runs are tagged with the host that ran them, and only
runs of this host are judged: a PID means nothing on another machine. Untagged runs (launched
some other way, e.g. `dagster job execute`) are judged when the instance keeps its runs in
SQLite under DAGSTER_HOME, i.e. on this machine.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import dagster as dg
from dagster._core.events import DagsterEventType
from dagster._core.launcher import CheckRunHealthResult, WorkerStatus
from dagster._core.launcher.base import LaunchRunContext
from dagster._core.launcher.default_run_launcher import DefaultRunLauncher
from dagster._core.storage.dagster_run import DagsterRunStatus, RunsFilter

from orchestration.processes import process_alive

HOST_TAG = "talent_crm/host"
# Events written by the processes that execute a run (not by the webserver or daemon).
PROCESS_EVENTS = {
    DagsterEventType.RUN_START,
    DagsterEventType.STEP_START,
    DagsterEventType.ENGINE_EVENT,
}
UNFINISHED = [DagsterRunStatus.STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.CANCELING]


def this_host() -> str:
    return socket.gethostname()


def run_tags() -> dict[str, str]:
    """Tags every run launched from this machine carries."""
    return {HOST_TAG: this_host()}


def run_processes(instance: dg.DagsterInstance, run_id: str) -> dict[int, float]:
    """PID → when it first wrote an event of the run (epoch seconds)."""
    pids: dict[int, float] = {}
    for entry in instance.all_logs(run_id, of_type=PROCESS_EVENTS):
        event = entry.dagster_event
        if event is not None and event.pid is not None:
            pids.setdefault(event.pid, entry.timestamp)
    return pids


def instance_is_local(instance: dg.DagsterInstance) -> bool:
    """The instance keeps its runs in SQLite files (DAGSTER_HOME): every run was on this host."""
    from dagster._core.storage.runs.sqlite import SqliteRunStorage

    return isinstance(instance.run_storage, SqliteRunStorage)


def ran_here(instance: dg.DagsterInstance, run: dg.DagsterRun) -> bool:
    host = run.tags.get(HOST_TAG)
    return host == this_host() if host is not None else instance_is_local(instance)


def run_alive(instance: dg.DagsterInstance, run: dg.DagsterRun) -> bool | None:
    """True/False when the run's processes (on this host) are alive/all gone; None when it
    cannot tell (another host, or no process recorded yet)."""
    if not ran_here(instance, run):
        return None
    pids = run_processes(instance, run.run_id)
    if not pids:
        return None
    return any(process_alive(pid, seen_at) for pid, seen_at in pids.items())


@dataclass(frozen=True)
class Reaped:
    run_id: str
    job_name: str
    status: str  # what it was left as
    pids: tuple[int, ...]
    freed_slots: bool

    def message(self) -> str:
        if self.status in ("FAILURE", "CANCELED", "SUCCESS"):
            return (
                f"run {self.run_id[:8]} ({self.job_name}) had ended ({self.status}) but still "
                f"held pool slots: freed"
            )
        pids = ", ".join(str(pid) for pid in self.pids)
        return (
            f"run {self.run_id[:8]} ({self.job_name}) was left {self.status} by process(es) "
            f"that no longer exist (PID {pids}): marked failed"
            + ("; its pool slots are freed" if self.freed_slots else "")
        )


def slot_holders(instance: dg.DagsterInstance) -> set[str]:
    """Run ids with a claimed slot or a pending step in any pool."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return set()
    holders = set(storage.get_concurrency_run_ids())
    for key in storage.get_concurrency_keys():
        holders.update(slot.run_id for slot in storage.get_concurrency_info(key).claimed_slots)
    return holders


def reap_dead_runs(
    instance: dg.DagsterInstance, say: Callable[[str], None] = print
) -> list[Reaped]:
    """Mark this host's unfinished runs whose processes are gone as failed (canceled, if they
    were being canceled) and free the pool slots of every run that has ended."""
    reaped: list[Reaped] = []
    holders = slot_holders(instance)
    for record in instance.get_run_records(filters=RunsFilter(statuses=UNFINISHED)):
        run = record.dagster_run
        if run_alive(instance, run) is not False:
            continue
        pids = tuple(sorted(run_processes(instance, run.run_id)))
        message = (
            f"The process(es) running this run (PID {', '.join(map(str, pids))}) no longer "
            "exist (killed or crashed): marked as ended by talent-crm crash recovery."
        )
        if run.status == DagsterRunStatus.CANCELING:
            instance.report_run_canceled(run, message)
        else:
            instance.report_run_failed(run, message)
        freed = run.run_id in holders
        if freed:
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        reaped.append(Reaped(run.run_id, run.job_name, run.status.value, pids, freed))
    # Runs that ended (failed, canceled by hand, ...) without giving their slots back.
    for run_id in sorted(slot_holders(instance)):
        run = instance.get_run_by_id(run_id)
        if run is not None and not run.is_finished:
            continue
        instance.event_log_storage.free_concurrency_slots_for_run(run_id)
        status = run.status.value if run is not None else "deleted"
        reaped.append(Reaped(run_id, run.job_name if run else "?", status, (), True))
    for item in reaped:
        say(item.message())
    return reaped


class LocalRunLauncher(DefaultRunLauncher):
    """Dagster's default launcher (runs in the code server's processes on this machine) with
    a worker health check, so run monitoring can tell a dead run from a running one."""

    def launch_run(self, context: LaunchRunContext) -> None:
        self._instance.add_run_tags(context.dagster_run.run_id, run_tags())
        run = self._instance.get_run_by_id(context.dagster_run.run_id) or context.dagster_run
        super().launch_run(LaunchRunContext(dagster_run=run, workspace=context.workspace))

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: dg.DagsterRun) -> CheckRunHealthResult:
        alive = run_alive(self._instance, run)
        if alive is None:
            return CheckRunHealthResult(WorkerStatus.UNKNOWN, "no process of this host recorded")
        if alive:
            return CheckRunHealthResult(WorkerStatus.RUNNING)
        return CheckRunHealthResult(
            WorkerStatus.FAILED, "every process that ran this run is gone (killed or crashed)"
        )


class PoolWatch:
    """While the run `run_id` has a step waiting for a pool slot, log at INFO every
    `every_seconds` which run holds the slot (a thread; stop() ends it)."""

    def __init__(
        self,
        instance: dg.DagsterInstance,
        run_id: str,
        say: Callable[[str], None],
        every_seconds: float = 10.0,
    ) -> None:
        self.instance, self.run_id, self.say, self.every = instance, run_id, say, every_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="pool-watch", daemon=True)

    def __enter__(self) -> PoolWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

    def blocked_steps(self) -> list[str]:
        storage = self.instance.event_log_storage
        lines = []
        for key in storage.get_concurrency_keys():
            info = storage.get_concurrency_info(key)
            waiting = [
                step.step_key
                for step in info.pending_steps
                if step.run_id == self.run_id and step.assigned_timestamp is None
            ]
            if not waiting:
                continue
            holders = sorted({f"{s.run_id[:8]} (step {s.step_key})" for s in info.claimed_slots})
            lines.append(
                f"step {waiting[0]} waits for pool {key} (limit {info.limit}); held by run "
                + (", ".join(holders) or "none")
                + (f"; {len(waiting) - 1} more step(s) queued" if len(waiting) > 1 else "")
            )
        return lines

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            try:
                lines = self.blocked_steps()
            except Exception:  # the watch must never break the run it watches
                continue
            for line in lines:
                self.say(line)


def fix_pool_wait_busy_loop() -> bool:
    """Make a step that waits for a pool slot sleep between claims. Returns True if applied.

    Dagster's executors sleep `ActiveExecution.sleep_interval()` between attempts, which asks
    `InstanceConcurrencyContext.interval_to_next_pending_claim_check()`; in Dagster 1.13 that
    returns `min(0, time to the next claim check)`, never above 0, so a blocked step's run
    loops without sleeping, at full CPU, for as long as the slot is held (a killed run's slot:
    forever). The intended value, time until the next check, is used instead. Idempotent;
    tests/test_recovery.py fails once Dagster fixes it, so this can go.
    """
    from dagster._core.execution.plan.instance_concurrency_context import (
        InstanceConcurrencyContext,
    )

    if getattr(InstanceConcurrencyContext, "_talent_crm_sleeps", False):
        return False

    def interval_to_next_pending_claim_check(self) -> float:
        waits = [
            self._pending_timeouts[key] - time.time()
            for key in self._pending_claims
            if key in self._pending_timeouts
        ]
        return max(0.0, min(waits)) if waits else 0.0

    InstanceConcurrencyContext.upstream_interval_to_next_pending_claim_check = (  # type: ignore[attr-defined]
        InstanceConcurrencyContext.interval_to_next_pending_claim_check
    )
    InstanceConcurrencyContext.interval_to_next_pending_claim_check = (  # type: ignore[method-assign]
        interval_to_next_pending_claim_check
    )
    InstanceConcurrencyContext._talent_crm_sleeps = True  # type: ignore[attr-defined]
    return True
