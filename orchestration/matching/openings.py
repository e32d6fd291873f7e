"""Noticing reqs that opened: plain functions behind the req-open sensor (no Dagster here).

Two signals:
- the ATS state in `crm.reqs` (Greenhouse `status=open` + `opened_at`, Lever postings
  `published`, Ashby jobs `Open`), read through a READ-ONLY connection to the published read
  copy;
- Greenhouse web-hook deliveries still in the spool's `incoming/` folder (read from disk, no
  database): each new one asks for a refresh run that lands it and rebuilds crm.reqs, after
  which the first signal sees the req — without waiting for the nightly sync.

The sensor cursor is the whole state (`SensorState`, JSON): which reqs are open with which
`opened_at`, how many times each req has opened (a Greenhouse job re-opened after closing keeps
its first `opened_at`, so the count tells openings apart), and the web-hook files already
handled. Re-ticks with the same state request nothing; a restart resumes from the cursor.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from ingest.greenhouse_webhooks import WebhookSpool, job_from_event
from orchestration import database

# Partition keys end up in URLs and file names: anything outside [A-Za-z0-9._-] is replaced.
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def req_partition_key(req_id: str) -> str:
    """`greenhouse:4100123` → `greenhouse-4100123` (stable, file-name and URL safe)."""
    source, sep, job_id = req_id.partition(":")
    if not sep or not source or not job_id:
        raise ValueError(f"req_id must look like '<source>:<id>', got {req_id!r}")
    return f"{_UNSAFE.sub('_', source.lower())}-{_UNSAFE.sub('_', job_id)}"


# On the very first tick (no cursor) every open req is recorded, but only those opened in the
# last few days get a run: turning the sensor on must not flood the queue with old reqs.
BOOTSTRAP_LOOKBACK_DAYS = 7


@dataclass(frozen=True)
class OpenReq:
    req_id: str
    opened_at: str  # ISO text ("" when the ATS gives none)


@dataclass(frozen=True)
class MatchRequest:
    req_id: str
    partition_key: str
    opened_at: str
    opening: int

    @property
    def run_key(self) -> str:
        return f"{self.partition_key}@{self.opened_at or 'unknown'}#{self.opening}"


@dataclass
class SensorState:
    open: dict[str, str] = field(default_factory=dict)  # req_id → opened_at while open
    openings: dict[str, int] = field(default_factory=dict)  # req_id → times seen opening
    webhook_files: list[str] = field(default_factory=list)  # spool files already handled
    bootstrapped: bool = False

    def to_cursor(self) -> str:
        return json.dumps(
            {
                "version": 1,
                "open": self.open,
                "openings": self.openings,
                "webhook_files": sorted(self.webhook_files),
                "bootstrapped": self.bootstrapped,
            },
            sort_keys=True,
        )

    @classmethod
    def from_cursor(cls, cursor: str | None) -> SensorState:
        if not cursor:
            return cls()
        data = json.loads(cursor)
        return cls(
            open=dict(data.get("open", {})),
            openings={k: int(v) for k, v in data.get("openings", {}).items()},
            webhook_files=list(data.get("webhook_files", [])),
            bootstrapped=bool(data.get("bootstrapped", False)),
        )


@dataclass
class Plan:
    matches: list[MatchRequest]
    refresh_for_files: list[str]
    state: SensorState


def read_open_reqs(db_path: Path, wait_seconds: float = 1.5) -> list[OpenReq]:
    """Open reqs in crm.reqs of `db_path` (the read copy, or any file with the marts); raises
    `database.DatabaseBusy` when a writer holds it for longer than `wait_seconds` (a sensor
    tick must stay short)."""
    if not db_path.exists():
        return []
    con = database.connect(db_path, read_only=True, wait_seconds=wait_seconds)
    try:
        exists = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'crm' and table_name = 'reqs'"
        ).fetchall()[0][0]
        if not exists:
            return []
        rows = con.execute(
            "select req_id, coalesce(strftime(opened_at, '%Y-%m-%dT%H:%M:%S'), '') "
            "from crm.reqs where status = 'open' order by req_id"
        ).fetchall()
    finally:
        con.close()
    return [OpenReq(req_id, opened_at) for req_id, opened_at in rows]


def pending_webhook_files(spool: WebhookSpool) -> list[str]:
    """Spooled job events (not yet landed) whose job is open: each deserves a quick refresh."""
    names = []
    for event in spool.pending():
        job = job_from_event(event.body)
        if job is not None and str(job.get("status", "")).lower() == "open":
            names.append(event.path.name)
    return names


def plan_runs(
    open_reqs: list[OpenReq],
    webhook_files: list[str],
    state: SensorState,
    now: datetime,
    bootstrap_lookback_days: int = BOOTSTRAP_LOOKBACK_DAYS,
) -> Plan:
    """What to run this tick, and the cursor state after it."""
    new = SensorState(
        open={},
        openings=dict(state.openings),
        webhook_files=[],
        bootstrapped=True,
    )
    cutoff = (now - timedelta(days=bootstrap_lookback_days)).strftime("%Y-%m-%dT%H:%M:%S")
    matches: list[MatchRequest] = []
    for req in open_reqs:
        new.open[req.req_id] = req.opened_at
        previous = state.open.get(req.req_id)
        if previous is not None and previous == req.opened_at:
            continue  # still the same opening
        new.openings[req.req_id] = new.openings.get(req.req_id, 0) + 1
        if not state.bootstrapped and not (req.opened_at and req.opened_at >= cutoff):
            continue  # first tick: remember old openings without running them
        try:
            key = req_partition_key(req.req_id)
        except ValueError:
            continue
        matches.append(MatchRequest(req.req_id, key, req.opened_at, new.openings[req.req_id]))
    handled = set(state.webhook_files)
    refresh = [name for name in webhook_files if name not in handled]
    # Keep only files still pending: landed ones left `incoming/`, so the list stays small.
    new.webhook_files = sorted(set(webhook_files))
    return Plan(matches=matches, refresh_for_files=refresh, state=new)
