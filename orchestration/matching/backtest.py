"""Backtest: would the match have surfaced the person we actually hired?

For every closed req whose hire was already a CRM contact before the req opened, recompute the
match as of the req's `opened_at` (pool = contacts first seen before it; rejections, hires,
outreach and activity cut at it) and find the hire's rank among every eligible contact.
Reported as recall@10, recall@50 and the median rank (a hire excluded at the time — e.g. hired
or mid-process elsewhere — counts as a miss).

Known limit: contact profiles (role family, seniority, skills) and consent flags are today's
values; the CRM keeps no history of them, so a hire's current title can help their own rank.

On the generated sample market a closed req hires someone of its role family and seniority
(ingest/sample_market/greenhouse.py `hire_job_for`) but not necessarily a warm contact: the
5,000-person demo gives recall@50 0.30 and median rank 102 over 23 reqs (6 hires excluded at the
time), below the issue's 0.8 target; the check reports it as a WARN, it does not hide it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

import duckdb

from orchestration.matching.point_in_time import load_pool_as_of
from orchestration.matching.scoring import match_pool
from orchestration.matching.store import load_closed_hired_reqs, load_rejections


@dataclass
class BacktestResult:
    reqs: int = 0
    ranks: dict[str, int | None] = field(default_factory=dict)  # req_id → rank (None = miss)

    def recall_at(self, k: int) -> float | None:
        if not self.reqs:
            return None
        return sum(1 for r in self.ranks.values() if r is not None and r <= k) / self.reqs

    @property
    def median_rank(self) -> float | None:
        found = [r for r in self.ranks.values() if r is not None]
        return float(statistics.median(found)) if found else None

    @property
    def misses(self) -> int:
        return sum(1 for r in self.ranks.values() if r is None)


def run_backtest(con: duckdb.DuckDBPyConnection, limit: int | None = None) -> BacktestResult:
    result = BacktestResult()
    cases = load_closed_hired_reqs(con)
    if limit is not None:
        cases = cases[:limit]
    for req, hired_contact in cases:
        as_of = req.opened_at
        pool = load_pool_as_of(con, as_of)
        rejections = load_rejections(con, as_of=as_of)
        ranked, _ = match_pool(pool, rejections, req, as_of, keep_all=True)
        hit = ranked.filter(ranked["contact_id"] == hired_contact)
        key = f"{req.req_id}|{hired_contact}"
        result.ranks[key] = int(hit["rank"][0]) if hit.height else None
    result.reqs = len(result.ranks)
    return result
