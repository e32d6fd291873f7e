"""Processes: is a recorded PID still the process that recorded it, and children that die with
their parent. Plain Python (no Dagster).

A run killed with SIGKILL (an OOM kill, a reboot, `kill -9`) runs no clean-up: its children
live on. A dbt child would keep DuckDB's lock until its build ends, and a step process of the
multiprocess executor would finish its step for a run nobody records. So those children watch
their parent and end themselves when it is gone.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from functools import cache

# The PID a dbt child must die with (set by settings.dbt_environment, read by dbt_guard.py, a
# dbt plugin that must stay light to import: so the name lives here, re-exported by settings).
DBT_PARENT_PID_ENV = "TALENT_CRM_DBT_PARENT_PID"
PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCH_INTERVAL_SECONDS = 1.0
# A PID is the process that wrote an event only if that process started before the event (PIDs
# are reused); clocks and /proc's tick resolution allow this much slack.
START_SLACK_SECONDS = 2.0


@cache
def _boot_time() -> float | None:
    try:
        with open("/proc/stat") as stat:
            for line in stat:
                if line.startswith("btime "):
                    return float(line.split()[1])
    except OSError:
        return None
    return None


def _proc_stat(pid: int) -> tuple[str, float] | None:
    """(state letter, start time as epoch seconds) from /proc, or None without /proc."""
    boot = _boot_time()
    if boot is None:
        return None
    try:
        with open(f"/proc/{pid}/stat") as stat:
            raw = stat.read()
    except FileNotFoundError:
        return ("X", 0.0)  # gone
    except OSError:
        return None
    # The command name (2nd field) may hold spaces or parentheses: split after the last ')'.
    fields = raw[raw.rindex(")") + 2 :].split()
    state, start_ticks = fields[0], int(fields[19])
    return state, boot + start_ticks / os.sysconf("SC_CLK_TCK")


def process_alive(pid: int, seen_at: float | None = None) -> bool:
    """True when `pid` runs and (when `seen_at`, an epoch time it was seen alive, is given)
    is the same process: one started after `seen_at` is a newer process with a reused PID.
    Zombies (exited, not yet reaped) count as gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    stat = _proc_stat(pid)
    if stat is None:
        return True  # no /proc (macOS): existence is all we can tell
    state, started_at = stat
    if state in ("Z", "X"):
        return False
    return seen_at is None or started_at <= seen_at + START_SLACK_SECONDS


def _kill_self() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _watch(parent: int) -> None:
    while True:
        time.sleep(WATCH_INTERVAL_SECONDS)
        if os.getppid() != parent:
            _kill_self()


def watch_parent(parent: int | None = None) -> None:
    """End this process (SIGKILL) within a second of `parent` (default: the current parent)
    dying. A daemon thread polls getppid(): portable, and blind to which thread of the parent
    started us."""
    parent = os.getppid() if parent is None else parent
    if os.getppid() != parent:
        _kill_self()  # already orphaned
    threading.Thread(target=_watch, args=(parent,), name="watch-parent", daemon=True).start()


def die_with_parent(parent: int) -> None:
    """Linux: ask the kernel for SIGKILL the moment the parent exits (prctl PDEATHSIG, kept
    across exec); elsewhere, and as a fallback, `watch_parent`."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:
                    _kill_self()  # the parent died before the request took effect
                return
        except (OSError, AttributeError):
            pass
    watch_parent(parent)


def guard_step_process() -> None:
    """In a step process of Dagster's multiprocess executor (a multiprocessing child of the
    run worker), end with the run worker. A no-op in the process that runs the job itself
    (`execute_in_process`, the CLI): that one answers to its own shell."""
    if multiprocessing.parent_process() is not None and not getattr(
        guard_step_process, "armed", False
    ):
        guard_step_process.armed = True  # type: ignore[attr-defined]
        watch_parent()
