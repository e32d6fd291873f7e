"""Data contract for recruiter review decisions (a match draft or a duplicate pair), checked
when a decision is written to the spool and again when the spool lands.

A decision file comes from our own review page or from a spreadsheet a recruiter edited and
imported, so a hand-edited file, an old writer or a typo in a CSV can carry any shape. The
same contract runs at both ends: the writer refuses a bad decision before it reaches the
spool (naming the field), and the landing asset quarantines a file that was put into the
spool some other way, instead of failing `stg_review__*` casts night after night.

Match decision: `{decision_id, kind: "match", req_id, contact_id, decision: approved | skipped
| not_a_fit, reason, message (only with approved), reviewer, decided_at, shown: {score,
export}}`. Pair decision: `{decision_id, kind: "pair", record_key_a < record_key_b, decision:
same_person | different_people | not_sure, reviewer, decided_at, shown: {fingerprint_a,
fingerprint_b}}`. Unknown fields are tolerated and kept in the landed JSON.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandera.polars as pa
import polars as pl

from checks.validation import FeedContract, record_id_from

SOURCE = "review"
ENTITY = "decisions"

KIND_MATCH = "match"
KIND_PAIR = "pair"
KINDS = [KIND_MATCH, KIND_PAIR]
MATCH_DECISIONS = ["approved", "skipped", "not_a_fit"]
PAIR_DECISIONS = ["same_person", "different_people", "not_sure"]
DECISIONS = {KIND_MATCH: MATCH_DECISIONS, KIND_PAIR: PAIR_DECISIONS}

# uuid4().hex: the decision id is also the spool file's name, so it must never carry a path.
DECISION_ID_PATTERN = r"^[0-9a-f]{32}$"
FINGERPRINT_PATTERN = re.compile(r"^[0-9a-f]{32}$")  # md5 hex
# ISO-8601 UTC with a literal Z (what staging parses); fractions of a second are optional.
DECIDED_AT_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")

# Bounds on free text: a draft is a few hundred characters; anything huge is a paste accident
# (or abuse of the loopback form) and would bloat every copy of the marts.
MAX_MESSAGE_CHARS = 10_000
MAX_REASON_CHARS = 1_000
MAX_REVIEWER_CHARS = 200
MAX_KEY_CHARS = 500


def _is_text(value: Any, limit: int = MAX_KEY_CHARS) -> bool:
    return isinstance(value, str) and bool(value.strip()) and len(value) <= limit


def _is_text_or_null(value: Any, limit: int) -> bool:
    return value is None or (isinstance(value, str) and len(value) <= limit)


def _shown(record: Mapping[str, Any]) -> Mapping[str, Any]:
    shown = record.get("shown")
    return shown if isinstance(shown, Mapping) else {}


def _score_ok(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _checks(record: Mapping[str, Any]) -> dict[str, bool]:
    """One boolean per field the pipeline relies on (True = fine for this kind)."""
    kind = record.get("kind")
    shown = _shown(record)
    decided_at = record.get("decided_at")
    is_match, is_pair = kind == KIND_MATCH, kind == KIND_PAIR
    key_a, key_b = record.get("record_key_a"), record.get("record_key_b")
    return {
        "kind_ok": kind in KINDS,
        "decision_ok": record.get("decision") in DECISIONS.get(kind, []),
        "reviewer_ok": _is_text(record.get("reviewer"), MAX_REVIEWER_CHARS),
        "decided_at_ok": isinstance(decided_at, str) and bool(DECIDED_AT_PATTERN.match(decided_at)),
        # match decisions
        "req_id_ok": not is_match or _is_text(record.get("req_id")),
        "contact_id_ok": not is_match or _is_text(record.get("contact_id")),
        "reason_ok": not is_match or _is_text_or_null(record.get("reason"), MAX_REASON_CHARS),
        # The message is what would be sent: only an approval carries one.
        "message_ok": not is_match
        or record.get("message") is None
        or (
            record.get("decision") == "approved"
            and _is_text(record.get("message"), MAX_MESSAGE_CHARS)
        ),
        "shown_score_ok": not is_match or _score_ok(shown.get("score")),
        "shown_export_ok": not is_match or _is_text_or_null(shown.get("export"), MAX_KEY_CHARS),
        # pair decisions: one canonical order, so (a, b) and (b, a) are the same pair
        "record_keys_ok": not is_pair
        or (_is_text(key_a) and _is_text(key_b) and str(key_a) < str(key_b)),
        "fingerprints_ok": not is_pair
        or all(
            isinstance(shown.get(name), str) and bool(FINGERPRINT_PATTERN.match(shown[name]))
            for name in ("fingerprint_a", "fingerprint_b")
        ),
    }


CHECK_COLUMNS = tuple(_checks({}).keys())


def _decision_frame(records: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    checks = [_checks(r) for r in records]
    columns: dict[str, list[Any]] = {
        "decision_id": [
            r.get("decision_id") if isinstance(r.get("decision_id"), str) else None for r in records
        ],
        **{name: [c[name] for c in checks] for name in CHECK_COLUMNS},
    }
    schema = {"decision_id": pl.String, **{name: pl.Boolean for name in CHECK_COLUMNS}}
    return pl.DataFrame(columns, schema=schema)


DECISIONS_CONTRACT = FeedContract(
    source=SOURCE,
    entity=ENTITY,
    extract=_decision_frame,
    schema=pa.DataFrameSchema(
        {
            "decision_id": pa.Column(
                pl.String, pa.Check.str_matches(DECISION_ID_PATTERN), nullable=False
            ),
            **{name: pa.Column(pl.Boolean, pa.Check.isin([True])) for name in CHECK_COLUMNS},
        }
    ),
    record_id=record_id_from("decision_id"),
)
