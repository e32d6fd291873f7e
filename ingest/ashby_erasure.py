"""Erasure carried to Ashby: `candidate.anonymize`.

Ashby documents `POST https://api.ashbyhq.com/candidate.anonymize` ("Anonymizes a candidate";
developers.ashbyhq.com/docs/candidateanonymize): it needs the `candidatesWrite` permission,
cannot be reversed, and requires all of the candidate's applications to be archived or hired.
The body is `{"candidateId": "<id>"}` (*unverified*: the reference shows the operation, the
field name follows every other candidate.* operation). Ashby has no delete.

Ashby answers what would be a 4xx with HTTP 200 and `success: false` plus an error code
(`errorInfo.code`, or `errors[]`). Any refusal — an application still active, a permission the
key lacks, a candidate it does not find (which Ashby also answers when the key may not see the
candidate) — becomes a manual action naming the code: an erasure is only marked done when Ashby
confirms it. Afterwards `candidate.list` serves the record without name, e-mails or phones,
which staging flags as anonymised.
"""

from __future__ import annotations

from ingest import ashby
from ingest.http_client import ApiClient, SourceAuthError, SourceError
from ingest.upstream_erasure import (
    REASON_ANONYMIZED,
    REASON_AUTH_ERROR,
    REASON_NOT_CONNECTED,
    REASON_REFUSED,
    REASON_SOURCE_ERROR,
    STATUS_DONE,
    STATUS_MANUAL,
    STATUS_PENDING,
    UpstreamOutcome,
)

SYSTEM = ashby.SOURCE
RECORD_TYPE = "candidate"
ENDPOINT = "candidate.anonymize"
OPERATION = "anonymize"
PERMISSION = "candidatesWrite"


def by_hand(candidate_id: str) -> str:
    return (
        f"anonymise Ashby candidate {candidate_id} (archive any active application first; "
        "Ashby only anonymises candidates whose applications are all archived or hired)"
    )


def not_connected(candidate_id: str) -> UpstreamOutcome:
    return UpstreamOutcome(
        STATUS_MANUAL,
        REASON_NOT_CONNECTED,
        f"no credentials ({ashby.API_KEY_ENV})",
        manual_action=(
            f"Ashby is not connected: {by_hand(candidate_id)} in Ashby, or set "
            f"{ashby.API_KEY_ENV} (with the {PERMISSION} permission) and the next run does it"
        ),
        operation=OPERATION,
    )


def anonymize_candidate(client: ApiClient, candidate_id: str) -> UpstreamOutcome:
    """Ask Ashby to anonymise one candidate; never raises for a vendor answer."""
    if not candidate_id or not candidate_id.strip() or len(candidate_id) > 100:
        raise ValueError(f"{SYSTEM}: record id {candidate_id!r} is not an Ashby candidate id")
    try:
        payload, _ = client.post_json(ENDPOINT, {"candidateId": candidate_id})
    except SourceAuthError as exc:
        return UpstreamOutcome(
            STATUS_PENDING, REASON_AUTH_ERROR, str(exc)[:300], operation=OPERATION
        )
    except SourceError as exc:
        return UpstreamOutcome(
            STATUS_PENDING, REASON_SOURCE_ERROR, str(exc)[:300], operation=OPERATION
        )
    if isinstance(payload, dict) and payload.get("success") is True:
        return UpstreamOutcome(STATUS_DONE, REASON_ANONYMIZED, "success", operation=OPERATION)
    codes = ashby.error_codes(payload) if isinstance(payload, dict) else []
    code = ", ".join(codes) or "no error code"
    return UpstreamOutcome(
        STATUS_MANUAL,
        REASON_REFUSED,
        f"Ashby refused: {code}",
        manual_action=(
            f"{by_hand(candidate_id)} in Ashby — the API refused ({code}); once fixed, run "
            "`talent-crm gdpr upstream --retry-manual`"
        ),
        operation=OPERATION,
    )
