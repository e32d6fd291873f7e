"""Recruiter review decisions: build, validate and spool them to disk (no database).

Why a spool folder and not a DuckDB insert (as for the Greenhouse web hooks): DuckDB allows ONE
writing process, and the review page must keep working while the pipeline runs. So each
decision becomes one small JSON file, written atomically (temp file + hard link, which fails if
the name exists) as `<spool>/incoming/<decision_id>.json`; the Dagster asset
`raw/review_decisions` lands the files into `raw.review_decisions` inside the `duckdb_write`
pool and moves them to `<spool>/landed/`. A decision is never edited: a recruiter who changes
their mind writes a new decision, and the latest one per row wins (`matching.match_decisions`).

Two kinds (contract: `checks/review_decisions.py`): a match decision on one drafted outreach
(approved with the final message, skipped with a reason, or not a fit) and a pair decision on
one duplicate-review pair (same person, different people, not sure) with the fingerprints of
the two records as they were shown, so identity can tell when a record changed since.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from checks import review_decisions as contract
from checks.validation import validate_records

SOURCE = contract.SOURCE
ENTITY = contract.ENTITY
KIND_MATCH = contract.KIND_MATCH
KIND_PAIR = contract.KIND_PAIR
MATCH_DECISIONS = tuple(contract.MATCH_DECISIONS)
PAIR_DECISIONS = tuple(contract.PAIR_DECISIONS)


class DecisionError(ValueError):
    """A decision breaks the contract; `field` names what is wrong (never its value)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def utc_timestamp(at: datetime | None = None) -> str:
    """`decided_at` as the contract spells it: ISO-8601 UTC, milliseconds, literal Z."""
    at = (at or datetime.now(UTC)).astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def _clean(text: str | None) -> str | None:
    """Trimmed text, or None for blank (a blank form field or CSV cell is "no value")."""
    if text is None:
        return None
    text = str(text).strip()
    return text or None


def match_decision(
    *,
    req_id: str,
    contact_id: str,
    decision: str,
    reviewer: str,
    score: float,
    export: str | None = None,
    reason: str | None = None,
    message: str | None = None,
    decided_at: datetime | None = None,
) -> dict[str, Any]:
    """A validated match decision. The message is kept only with an approval (what would be
    sent); a skip or a not-a-fit drops it."""
    record = {
        "decision_id": uuid.uuid4().hex,
        "kind": KIND_MATCH,
        "req_id": req_id,
        "contact_id": contact_id,
        "decision": decision,
        "reason": _clean(reason),
        "message": _clean(message) if decision == "approved" else None,
        "reviewer": _clean(reviewer),
        "decided_at": utc_timestamp(decided_at),
        "shown": {"score": score, "export": export},
    }
    check(record)
    return record


def pair_decision(
    *,
    record_key_a: str,
    record_key_b: str,
    decision: str,
    reviewer: str,
    fingerprint_a: str,
    fingerprint_b: str,
    decided_at: datetime | None = None,
) -> dict[str, Any]:
    """A validated pair decision, its two sides in canonical order (a < b) with their
    fingerprints swapped along, so (a, b) and (b, a) are one pair."""
    if record_key_b < record_key_a:
        record_key_a, record_key_b = record_key_b, record_key_a
        fingerprint_a, fingerprint_b = fingerprint_b, fingerprint_a
    record = {
        "decision_id": uuid.uuid4().hex,
        "kind": KIND_PAIR,
        "record_key_a": record_key_a,
        "record_key_b": record_key_b,
        "decision": decision,
        "reviewer": _clean(reviewer),
        "decided_at": utc_timestamp(decided_at),
        "shown": {"fingerprint_a": fingerprint_a, "fingerprint_b": fingerprint_b},
    }
    check(record)
    return record


def problems(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, reason) for each way `record` breaks the contract; empty when it is valid.
    The same pandera contract the landing applies."""
    if not isinstance(record, Mapping):
        return [("record", "a decision must be a JSON object")]
    _, rejections = validate_records(contract.DECISIONS_CONTRACT, [record])
    return [(r.field, r.reason) for r in rejections]


def check(record: Mapping[str, Any]) -> None:
    found = problems(record)
    if found:
        field, reason = found[0]
        raise DecisionError(field, reason)


@dataclass(frozen=True)
class SpooledDecision:
    """One file of the spool: the decision, or why it could not be read (`error`)."""

    path: Path
    record: dict[str, Any] | None
    error: str | None = None

    @property
    def decision_id(self) -> str:
        """The id the file claims (its name when the content is unreadable)."""
        if self.record is not None and isinstance(self.record.get("decision_id"), str):
            return self.record["decision_id"]
        return self.path.stem


class DecisionSpool:
    """The folder pair `incoming/` (not yet in DuckDB) and `landed/` (in raw)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.incoming = root / "incoming"
        self.landed = root / "landed"

    def ensure(self) -> None:
        self.incoming.mkdir(parents=True, exist_ok=True)
        self.landed.mkdir(parents=True, exist_ok=True)

    def write(self, record: Mapping[str, Any]) -> Path:
        """Validate and spool one decision atomically; returns its file.

        Raises DecisionError for a decision that breaks the contract and FileExistsError when
        its id was already spooled (ids are fresh uuid4s, so that is a replayed write)."""
        check(record)
        self.ensure()
        name = f"{record['decision_id']}.json"
        if (self.landed / name).exists():
            raise FileExistsError(f"decision {record['decision_id']} was already spooled")
        final = self.incoming / name
        tmp = self.incoming / f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_text(json.dumps(record, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        try:
            # Atomic and exclusive: the landing asset never reads half a file, and a second
            # write of the same id fails instead of replacing the first.
            os.link(tmp, final)
        except FileExistsError:
            raise FileExistsError(f"decision {record['decision_id']} was already spooled") from None
        finally:
            tmp.unlink(missing_ok=True)
        return final

    def _read(self, folder: Path) -> Iterator[SpooledDecision]:
        if not folder.is_dir():
            return
        # Oldest first: the order people decided in (ties broken by name, for determinism).
        for path in sorted(folder.glob("*.json"), key=lambda p: (p.stat().st_mtime, p.name)):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                yield SpooledDecision(path, None, "the file could not be read as UTF-8 text")
                continue
            except ValueError:
                yield SpooledDecision(path, None, "the file is not valid JSON")
                continue
            if not isinstance(data, dict):
                yield SpooledDecision(path, None, "the file does not hold a JSON object")
                continue
            yield SpooledDecision(path, data)

    def pending(self) -> Iterator[SpooledDecision]:
        """Files not yet landed, readable or not (the landing quarantines the unreadable)."""
        yield from self._read(self.incoming)

    def landed_decisions(self) -> Iterator[SpooledDecision]:
        yield from self._read(self.landed)

    def mark_landed(self, item: SpooledDecision) -> None:
        self.ensure()
        os.replace(item.path, self.landed / item.path.name)


def landing_problem(item: SpooledDecision) -> tuple[str, str] | None:
    """Why a spooled file must be quarantined beyond the contract: unreadable, or its name
    is not its decision id (a file copied or renamed by hand)."""
    if item.error is not None:
        return "record", item.error
    if item.record is not None and item.path.stem != item.record.get("decision_id"):
        return "decision_id", "decision_id does not match the file name"
    return None


def latest_by_subject(spool: DecisionSpool) -> dict[tuple[str, ...], dict[str, Any]]:
    """The latest valid decision per subject among the spool's files (incoming and landed):
    `("match", req_id, contact_id)` or `("pair", record_key_a, record_key_b)` → decision.

    What the review page shows as decided before the next pipeline run and publish make a
    decision visible in the read copy."""
    readable = [
        item.record
        for item in [*spool.landed_decisions(), *spool.pending()]
        if item.record is not None and landing_problem(item) is None
    ]
    # One contract pass over the batch (a per-file pass costs a pandera round trip each).
    valid, _ = validate_records(contract.DECISIONS_CONTRACT, readable)
    latest: dict[tuple[str, ...], dict[str, Any]] = {}
    for index in valid:
        record = readable[index]
        key = subject_key(record)
        current = latest.get(key)
        if current is None or (record["decided_at"], record["decision_id"]) > (
            current["decided_at"],
            current["decision_id"],
        ):
            latest[key] = record
    return latest


def subject_key(record: Mapping[str, Any]) -> tuple[str, ...]:
    if record["kind"] == KIND_MATCH:
        return (KIND_MATCH, record["req_id"], record["contact_id"])
    return (KIND_PAIR, record["record_key_a"], record["record_key_b"])
