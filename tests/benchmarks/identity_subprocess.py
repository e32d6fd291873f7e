"""Run `resolve_identities` in a fresh subprocess and measure it: the one home for that.

A fresh process makes the peak RSS the engine's own (not the generator's or the test's). A
watchdog thread in the parent reads the child's RSS from /proc and kills it above a limit, so
a benchmark that outgrows the machine stops itself instead of driving a shared host into the
OOM killer. It samples every `poll_s`, so a spike shorter than that can pass it: the default
limits leave GBs of headroom for that. RLIMIT_AS is not used: polars and its allocator reserve
far more address space than they touch (a 300k-record run peaking at 0.7 GB RSS fails under a
2.5 GB address-space limit), so an address-space limit fails runs that would have fitted.

The child logs each engine stage as it starts (the engine's `talent_crm.identity` logger), with
its RSS so far, so a run that was stopped says in which stage memory ran out, and a finished
run gives the peak reached by the end of each stage.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_STAGE = "identity-stage "
MIN_AVAILABLE_GB = 1.0  # the watchdog stops the child when the machine has less than this free

_CHILD = r"""
import json, logging, resource, sys, time
import polars as pl
from orchestration.identity.engine import resolve_identities

def rss_gb():
    with open("/proc/self/status") as fh:
        kb = next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
    return kb / 2**20

def peak_gb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux

class Stages(logging.Handler):
    def emit(self, record):
        name = record.args[0] if record.args else record.getMessage()
        print("identity-stage " + json.dumps({"stage": name, "rss_gb": rss_gb(),
              "peak_gb": peak_gb()}), file=sys.stderr, flush=True)

log = logging.getLogger("talent_crm.identity")
log.setLevel(logging.DEBUG)
log.addHandler(Stages())
args = json.loads(sys.argv[1])
records = pl.read_parquet(args["records"])
input_gb = rss_gb()
t0, c0 = time.perf_counter(), time.process_time()
result = resolve_identities(records)
seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
print("identity-stage " + json.dumps({"stage": "done", "rss_gb": rss_gb(),
      "peak_gb": peak_gb()}), file=sys.stderr, flush=True)
if args.get("clusters"):
    result.clusters.write_parquet(args["clusters"])
print(json.dumps({"records": records.height, "seconds": seconds, "cpu_s": cpu,
                  "timings": result.timings, "input_gb": input_gb, "peak_gb": peak_gb()}))
"""


@dataclass(slots=True)
class EngineRun:
    """One measured run. `stopped` is None when the run finished, else why it was killed."""

    records: int | None  # None when the run was stopped before it finished
    seconds: float | None = None
    cpu_s: float | None = None
    peak_gb: float = 0.0  # the child's ru_maxrss, or its RSS when the watchdog killed it
    input_gb: float | None = None  # RSS once the input frame was read, before the engine ran
    timings: dict[str, float] = field(default_factory=dict)
    # Peak RSS by the end of each stage (read when the next stage starts).
    stage_peaks_gb: dict[str, float] = field(default_factory=dict)
    stopped: str | None = None
    stage: str | None = None  # the stage running when the run was stopped
    wall_s: float = 0.0  # the whole subprocess, reading the input included


def _rss_gb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 2**20
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def available_gb() -> float:
    """MemAvailable from /proc/meminfo: what the machine can give now, other workers counted."""
    with open("/proc/meminfo") as fh:
        kb = next(int(line.split()[1]) for line in fh if line.startswith("MemAvailable:"))
    return kb / 2**20


def _stage_lines(text: str) -> list[dict]:
    return [
        json.loads(line[len(_STAGE) :]) for line in text.splitlines() if line.startswith(_STAGE)
    ]


def run_engine(
    records: Path | list[Path],
    *,
    clusters: Path | None = None,
    rss_limit_gb: float | None = None,
    poll_s: float = 0.2,
) -> EngineRun:
    """Resolve the Parquet file(s) `records` in a subprocess; with `rss_limit_gb`, kill it when
    its RSS goes above that. Raises if the child fails for any reason other than the limit."""
    paths = [str(p) for p in records] if isinstance(records, list) else str(records)
    args = json.dumps({"records": paths, "clusters": str(clusters) if clusters else None})
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, args],
            stdout=out,
            stderr=err,
            text=True,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        killed_at: float | None = None
        reason = ""
        done = threading.Event()

        def watch() -> None:
            nonlocal killed_at, reason
            while not done.wait(poll_s):
                rss = _rss_gb(child.pid)
                if rss is None:
                    return
                # Other workers may grow while the child runs: stop as well when the machine
                # itself is nearly out of memory, whatever the child's own limit.
                if rss_limit_gb is None:
                    continue
                if rss > rss_limit_gb:
                    reason = f"reached the {rss_limit_gb:.1f} GB limit"
                elif available_gb() < MIN_AVAILABLE_GB:
                    reason = f"left the machine under {MIN_AVAILABLE_GB:.0f} GB free"
                if reason:
                    killed_at = rss
                    child.send_signal(signal.SIGKILL)
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        code = child.wait()
        done.set()
        watcher.join()
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()

    stages = _stage_lines(stderr)
    # Each stage's peak is read when the next one starts (or the engine returns).
    stage_peaks = {a["stage"]: b["peak_gb"] for a, b in zip(stages, stages[1:], strict=False)}
    if killed_at is not None:
        return EngineRun(
            records=None,
            peak_gb=killed_at,
            stage_peaks_gb=stage_peaks,
            stopped=f"RSS {killed_at:.1f} GB {reason}",
            stage=stages[-1]["stage"] if stages else "reading input",
            wall_s=wall,
        )
    if code != 0:
        raise RuntimeError(f"identity subprocess exited with {code}:\n{stderr[-4000:]}")
    m = json.loads(stdout.strip().splitlines()[-1])
    return EngineRun(
        records=m["records"],
        seconds=m["seconds"],
        cpu_s=m["cpu_s"],
        peak_gb=m["peak_gb"],
        input_gb=m["input_gb"],
        timings=m["timings"],
        stage_peaks_gb=stage_peaks,
        wall_s=wall,
    )
