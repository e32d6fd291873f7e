"""Push one req's approved matches into the ATS the req lives in.

For each approved contact (deterministic order: decision time, then contact id):

1. its ledger row (`raw.ats_pushes`, key = req × contact) says `pushed` → nothing to do;
2. eligibility is checked again NOW (`gdpr.outreach_eligibility`): opted out, erased,
   suppressed... since the export → `skipped` with the reasons; so are a closed req, a contact
   that no longer exists and one without an e-mail (the ATS dedupes and our next sync links by
   it);
3. dry run (the default unless TALENT_CRM_ATS_WRITES=1): report what would happen, call no
   ATS and write no ledger row;
4. otherwise: `planned` is written, then `ingest.ats_writeback.push_person` finds or creates
   the candidate (its id written the moment it is known) and the application; `pushed` with
   both ids. A refusal (4xx) is `failed` with the vendor's field and code, and the batch goes
   on. A create whose reply was lost (5xx after sending) is resolved at once by running the
   lookups again — they find what the lost call created — and only if that also fails is the
   row left `planned` and the batch stopped. An unavailable ATS (retries exhausted, auth)
   stops the batch: the rest is `not_attempted`, and the next run continues from the ledger.

Re-running is always safe: every push starts with lookups, and `pushed` rows are never sent
again. Plain Python; the Dagster asset and `talent-crm convert` are thin wrappers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb
import polars as pl

from ingest.ats_writeback import AtsWriteback, PushRefused, push_person, safe_reason
from ingest.http_client import SourceError, WriteOutcomeUnknown
from orchestration.conversion import inputs, ledger

# Immediate resolutions of a lost create reply before the row is left `planned`.
OUTCOME_RESOLUTION_ATTEMPTS = 1


class ConversionError(RuntimeError):
    """The req cannot be pushed at all (unknown req, unsupported ATS); no data in messages."""


@dataclass
class RowResult:
    contact_id: str
    status: str  # pushed | already_pushed | skipped | failed | planned | would_push | not_attempted
    reason: str | None = None
    candidate_id: str | None = None
    application_id: str | None = None
    candidate_reused: bool | None = None
    application_reused: bool | None = None


@dataclass
class ConversionReport:
    req_id: str
    system: str
    job_id: str
    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)
    stopped_reason: str | None = None

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def skipped_by_reason(self) -> dict[str, int]:
        counter: Counter[str] = Counter()
        for row in self.rows:
            if row.status == "skipped":
                for reason in (row.reason or "unknown").split(","):
                    counter[reason.strip()] += 1
        return dict(sorted(counter.items()))

    def counts(self) -> dict[str, Any]:
        """Counts only (Dagster metadata, CLI report): never ids or names."""
        pushed = [r for r in self.rows if r.status == "pushed"]
        return {
            "approved": len(self.rows),
            "pushed": len(pushed),
            "candidates_created": sum(1 for r in pushed if r.candidate_reused is False),
            "candidates_reused": sum(1 for r in pushed if r.candidate_reused),
            "applications_reused": sum(1 for r in pushed if r.application_reused),
            "already_pushed": self.count("already_pushed"),
            "would_push": self.count("would_push"),
            "skipped": self.count("skipped"),
            "skipped_by_reason": self.skipped_by_reason,
            "failed": self.count("failed"),
            "outcome_unknown": self.count("planned"),
            "not_attempted": self.count("not_attempted"),
        }


def writes_summary(report: ConversionReport) -> str:
    c = report.counts()
    if report.dry_run:
        return (
            f"{report.req_id}: DRY RUN — {c['would_push']} would be pushed to {report.system}, "
            f"{c['already_pushed']} already pushed, {c['skipped']} skipped"
        )
    return (
        f"{report.req_id}: {c['pushed']} pushed to {report.system} "
        f"({c['candidates_reused']} existing candidates reused), {c['already_pushed']} already "
        f"pushed, {c['skipped']} skipped, {c['failed']} failed, {c['outcome_unknown']} outcome "
        f"unknown, {c['not_attempted']} not attempted"
    )


def convert_req(
    con: duckdb.DuckDBPyConnection,
    req_id: str,
    *,
    writeback_for: Callable[[str], AtsWriteback] | None = None,
    approved: pl.DataFrame | None = None,
    dry_run: bool = True,
    now: Callable[[], datetime] | None = None,
    on_candidate: Callable[[str, str], None] | None = None,
) -> ConversionReport:
    """Push (or, in a dry run, plan) the approved contacts of `req_id`.

    `writeback_for(system)` builds the ATS client (only called when a row is really pushed);
    `approved` replaces `matching.match_decisions` (same columns); `on_candidate(contact_id,
    candidate_id)` is told each candidate id once the ledger holds it."""
    clock = now or (lambda: datetime.now(UTC).replace(tzinfo=None))
    req = inputs.read_req(con, req_id)
    if req is None:
        raise ConversionError(f"req {req_id} is not in crm.reqs; run the pipeline first.")
    if req.system not in inputs.SUPPORTED_SYSTEMS:
        raise ConversionError(f"req {req_id} lives in {req.system}, which has no ATS push.")
    frame = approved if approved is not None else inputs.read_approved(con, req_id)
    decided = inputs.approved_rows(frame)
    merged = inputs.resolve_merges(con, [a.contact_id for a in decided])
    # One push per person: two approved ids that have since merged are one contact.
    by_contact: dict[str, inputs.Approved] = {}
    for row in sorted(decided, key=lambda a: (a.decided_at or datetime.min, a.contact_id)):
        by_contact.setdefault(merged[row.contact_id], row)
    people = inputs.read_people(con, list(by_contact), req.system)
    existing = ledger.rows_for_req(con, req_id) if not dry_run else _peek_ledger(con, req_id)
    report = ConversionReport(req.req_id, req.system, req.job_id, dry_run)
    client: AtsWriteback | None = None

    for contact_id, decision in by_contact.items():
        key = ledger.push_key(req.req_id, contact_id)
        prior = existing.get(key)
        if report.stopped_reason is not None:
            report.rows.append(RowResult(contact_id, "not_attempted", report.stopped_reason))
            continue
        if prior is not None and prior.status == "pushed":
            report.rows.append(
                RowResult(
                    contact_id, "already_pushed", None, prior.candidate_id, prior.application_id
                )
            )
            continue
        state = people.get(contact_id)
        skip = _skip_reason(req, state)
        if skip is not None:
            if not dry_run:
                _start(con, key, req, contact_id, decision, "skipped", skip, clock())
            report.rows.append(RowResult(contact_id, "skipped", skip))
            continue
        assert state is not None and state.person is not None
        known = [i for i in ([prior.candidate_id] if prior and prior.candidate_id else [])]
        known += state.known_ids
        if dry_run:
            report.rows.append(
                RowResult(
                    contact_id,
                    "would_push",
                    "reuse the candidate already in the ATS" if known else "look up, else create",
                )
            )
            continue
        if client is None:
            try:
                client = writeback_for(req.system) if writeback_for else None
            except SourceError as exc:
                report.stopped_reason = safe_reason(exc)
                report.rows.append(RowResult(contact_id, "not_attempted", report.stopped_reason))
                continue
            if client is None:
                raise ConversionError("writes are enabled but no ATS client was given")
        _start(con, key, req, contact_id, decision, "planned", None, clock())
        report.rows.append(
            _push_one(con, client, key, contact_id, state, req.job_id, known, clock, on_candidate)
        )
        if report.rows[-1].status == "planned" or (
            report.rows[-1].status == "failed" and report.rows[-1].reason.startswith("unavailable")
        ):
            report.stopped_reason = report.rows[-1].reason
    return report


def _push_one(
    con: duckdb.DuckDBPyConnection,
    client: AtsWriteback,
    key: str,
    contact_id: str,
    state: inputs.PersonAtPush,
    job_id: str,
    known: list[str],
    clock: Callable[[], datetime],
    on_candidate: Callable[[str, str], None] | None,
) -> RowResult:
    def remember(candidate_id: str) -> None:
        ledger.record_candidate(con, key, candidate_id)
        known.insert(0, candidate_id)
        if on_candidate is not None:
            on_candidate(contact_id, candidate_id)

    assert state.person is not None
    for attempt in range(OUTCOME_RESOLUTION_ATTEMPTS + 1):
        try:
            outcome = push_person(client, state.person, job_id, list(known), remember)
        except WriteOutcomeUnknown as lost:
            reason = f"outcome unknown: {safe_reason(lost)}"
            if attempt < OUTCOME_RESOLUTION_ATTEMPTS:
                continue  # the lookups of the next attempt find what the lost call created
            ledger.record_unsettled(con, key, "planned", reason)
            return RowResult(contact_id, "planned", reason)
        except PushRefused as refused:
            ledger.record_unsettled(con, key, "failed", refused.reason)
            return RowResult(contact_id, "failed", refused.reason)
        except SourceError as exc:
            reason = f"unavailable: {safe_reason(exc)}"
            ledger.record_unsettled(con, key, "failed", reason)
            return RowResult(contact_id, "failed", reason)
        ledger.record_pushed(
            con,
            key,
            candidate_id=outcome.candidate_id,
            application_id=outcome.application_id,
            candidate_reused=outcome.candidate_reused,
            application_reused=outcome.application_reused,
            now=clock(),
        )
        return RowResult(
            contact_id,
            "pushed",
            None,
            outcome.candidate_id,
            outcome.application_id,
            outcome.candidate_reused,
            outcome.application_reused,
        )
    raise AssertionError("unreachable")


def _skip_reason(req: inputs.ReqTarget, state: inputs.PersonAtPush | None) -> str | None:
    if req.status != "open":
        return "req_not_open"
    if state is None:
        return "contact_not_found"
    if not state.can_contact:
        return ",".join(sorted(state.block_reasons)) or "not_eligible"
    if state.person is None:
        return "no_email"
    return None


def _start(
    con: duckdb.DuckDBPyConnection,
    key: str,
    req: inputs.ReqTarget,
    contact_id: str,
    decision: inputs.Approved,
    status: str,
    reason: str | None,
    now: datetime,
) -> None:
    ledger.record_attempt(
        con,
        key,
        req_id=req.req_id,
        contact_id=contact_id,
        system=req.system,
        job_id=req.job_id,
        status=status,
        reason=reason,
        reviewer=decision.reviewer,
        decided_at=decision.decided_at,
        now=now,
    )


def _peek_ledger(con: duckdb.DuckDBPyConnection, req_id: str) -> dict[str, ledger.LedgerRow]:
    """The ledger as it is, without creating it (a dry run writes nothing)."""
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'raw' and table_name = 'ats_pushes'"
    ).fetchone()[0]
    return ledger.rows_for_req(con, req_id) if exists else {}
