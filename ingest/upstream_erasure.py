"""What carrying an erasure to a source system can end in (GDPR Art. 17 and 19).

Shared by the per-vendor erasure clients beside their connectors (`greenhouse_erasure.py`,
`lever_erasure.py`, `ashby_erasure.py`) and by the erasure path that calls them
(`orchestration/gdpr/upstream.py`). Plain data: no Dagster, no database.

Privacy: an outcome carries system names, record ids, HTTP statuses and vendor error CODES
only — never a vendor's free-text message (it could echo a record's content) and never a name
or an e-mail address. Manual actions say what to do with which record id.
"""

from __future__ import annotations

from dataclasses import dataclass

# -- statuses: who has to act next ---------------------------------------------------------
STATUS_DONE = "done"  # the source no longer holds the person (anonymised, deleted, gone)
STATUS_PENDING = "pending"  # ours to do: retried on the next run
STATUS_MANUAL = "manual"  # a person has to act in the source system (see `manual_action`)
STATUSES = (STATUS_DONE, STATUS_PENDING, STATUS_MANUAL)

# -- reasons: why the status is what it is (codes, stable for queries) ---------------------
REASON_ANONYMIZED = "anonymized"  # the API anonymised the record just now
REASON_DELETED = "deleted"  # the API deleted the record just now
REASON_ALREADY_GONE = "already_gone"  # the source answered "not found": nothing left to erase
REASON_CONFIRMED = "confirmed_in_source"  # a manual action was seen done in the source
REASON_WRITES_DISABLED = "writes_disabled"  # TALENT_CRM_ATS_WRITES is not 1: nothing sent
REASON_NOT_CONNECTED = "not_connected"  # no credentials for the source
REASON_SOURCE_ERROR = "source_error"  # outage, 5xx, timeouts, rate limit beyond the budget
REASON_AUTH_ERROR = "auth_error"  # 401: the credential itself is wrong
REASON_REFUSED = "refused"  # the source refused (missing scope, state it will not erase)
REASON_NO_API = "no_erase_api"  # the source's API has no erase or anonymise operation
REASON_INVALID_ID = "invalid_record_id"  # our copy holds an id the source cannot have issued
REASONS = (
    REASON_ANONYMIZED,
    REASON_DELETED,
    REASON_ALREADY_GONE,
    REASON_CONFIRMED,
    REASON_WRITES_DISABLED,
    REASON_NOT_CONNECTED,
    REASON_SOURCE_ERROR,
    REASON_AUTH_ERROR,
    REASON_REFUSED,
    REASON_NO_API,
    REASON_INVALID_ID,
)


@dataclass(frozen=True)
class UpstreamTarget:
    """One record in a source system that holds the person.

    `record_type` is the vendor's noun (`candidate`, `opportunity`); `person_id` is the
    vendor's id of the person when it differs from the record (Lever's `contact`, shared by a
    person's opportunities), else None.
    """

    system: str
    record_type: str
    record_id: str
    person_id: str | None = None


@dataclass(frozen=True)
class UpstreamOutcome:
    """The result of one attempt: status, reason code, a short detail (HTTP status, vendor
    error code) and, when a person must act, what to do — ids only."""

    status: str
    reason: str
    detail: str = ""
    manual_action: str | None = None
    operation: str = ""  # what was (or would be) asked of the source: anonymize, delete, ...

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown upstream erasure status {self.status!r}")
        if self.reason not in REASONS:
            raise ValueError(f"unknown upstream erasure reason {self.reason!r}")
        if self.status == STATUS_MANUAL and not self.manual_action:
            raise ValueError("a manual outcome must say what to do")


def writes_disabled(operation: str, flag_env: str) -> UpstreamOutcome:
    """Nothing sent: ATS writes are off (the default). The request stays pending."""
    return UpstreamOutcome(
        STATUS_PENDING,
        REASON_WRITES_DISABLED,
        f"ATS writes are disabled ({flag_env} is not 1): nothing was sent",
        operation=operation,
    )
