"""Erasure carried to Greenhouse (Harvest v3): anonymise or delete a candidate.

Harvest v3's write endpoints (Greenhouse's "WRITE Endpoint Migration Guide" and the v3
reference; docs/sources.md):
- `PATCH /v3/candidates/{id}/anonymize`, scope `harvest:candidates:anonymize`, irreversible.
  The JSON body names the fields to anonymise: `{"fields": [...]}`. The field names are
  Harvest v1's documented list (v1 took them as `?fields=`); that v3 reads the same names from
  the body is *unverified*, so the list is a constant here and the mode is configurable.
  Greenhouse documents anonymisation for Enterprise accounts only.
- `DELETE /v3/candidates/{id}`, scope `harvest:candidates:destroy`, "cannot be undone"; it also
  deletes the candidate's applications.

Anonymise is the default (`GREENHOUSE_ERASURE_MODE=anonymize|delete`): it is what Greenhouse's
own GDPR tooling does — personal data goes, the hiring process (stages, EEO reporting) stays as
an anonymous record — and the anonymised record Greenhouse lists afterwards lands as an
anonymised copy that the suppression gate erases again (its record-key hash is on the list).

Both run on behalf of the OAuth credential's `sub` user (a Site Admin), through the same
`ApiClient` as the connector (token minting, 30-second rate-limit windows, retries on 5xx).
Outcomes carry HTTP statuses and ids only.
"""

from __future__ import annotations

import os

from ingest import greenhouse
from ingest.http_client import ApiClient, SourceAuthError, SourceError
from ingest.upstream_erasure import (
    REASON_ALREADY_GONE,
    REASON_ANONYMIZED,
    REASON_AUTH_ERROR,
    REASON_DELETED,
    REASON_NOT_CONNECTED,
    REASON_REFUSED,
    REASON_SOURCE_ERROR,
    STATUS_DONE,
    STATUS_MANUAL,
    STATUS_PENDING,
    UpstreamOutcome,
)

SYSTEM = greenhouse.SOURCE
RECORD_TYPE = "candidate"
MODE_ENV = "GREENHOUSE_ERASURE_MODE"
MODE_ANONYMIZE = "anonymize"
MODE_DELETE = "delete"
MODES = (MODE_ANONYMIZE, MODE_DELETE)
SCOPE_ANONYMIZE = "harvest:candidates:anonymize"
SCOPE_DESTROY = "harvest:candidates:destroy"
# Every field Harvest documents as anonymisable (v1's list; see the module docstring): an
# erasure removes all of the person's data, not a chosen part of it.
ANONYMIZE_FIELDS = (
    "full_name",
    "current_company",
    "current_title",
    "tags",
    "phone_numbers",
    "emails",
    "social_media_links",
    "websites",
    "addresses",
    "location",
    "custom_candidate_fields",
    "source",
    "recruiter",
    "coordinator",
    "attachments",
    "application_questions",
    "referral_questions",
    "notes",
    "rejection_notes",
    "email_addresses",
    "activity_items",
    "innotes",
    "inmails",
    "rejection_reason",
    "scorecards_and_interviews",
    "offers",
    "credited_to",
    "headline",
    "all_offer_versions",
    "follow_up_reminders",
    "candidate_photo",
    "custom_application_fields",
    "education",
    "employment",
    "candidate_stage_data",
    "prospect_owner",
    "custom_rejection_question_fields",
    "touchpoints",
    "prospect_pool_and_stage",
    "prospect_jobs",
    "prospect_offices",
    "prospect_offices_and_departments",
    "third_party_integrations",
)
# Statuses answered here rather than raised by the client: they are outcomes, not outages.
_OUTCOME_STATUSES = frozenset({200, 204, 403, 404, 422})


def configured_mode(environ: dict[str, str] | os._Environ[str] | None = None) -> str:
    env = os.environ if environ is None else environ
    mode = (env.get(MODE_ENV) or MODE_ANONYMIZE).strip().lower()
    if mode not in MODES:
        raise ValueError(f"{MODE_ENV} must be one of {', '.join(MODES)}, got {mode!r}")
    return mode


def valid_candidate_id(candidate_id: str) -> bool:
    """Greenhouse ids are positive integers; anything else never reaches the URL."""
    return candidate_id.isascii() and candidate_id.isdigit() and int(candidate_id) > 0


def by_hand(candidate_id: str, mode: str) -> str:
    verb = "anonymise" if mode == MODE_ANONYMIZE else "delete"
    return (
        f"{verb} Greenhouse candidate {candidate_id} by hand (candidate profile → "
        f"{'Anonymize' if mode == MODE_ANONYMIZE else 'Delete'} candidate)"
    )


def not_connected(candidate_id: str, mode: str) -> UpstreamOutcome:
    return UpstreamOutcome(
        STATUS_MANUAL,
        REASON_NOT_CONNECTED,
        f"no credentials ({greenhouse.CREDENTIAL_ENVS})",
        manual_action=(
            f"Greenhouse is not connected: {by_hand(candidate_id, mode)}, or set "
            f"{greenhouse.CREDENTIAL_ENVS} and the next run does it"
        ),
        operation=mode,
    )


def erase_candidate(
    client: ApiClient,
    candidate_id: str,
    mode: str = MODE_ANONYMIZE,
    fields: tuple[str, ...] = ANONYMIZE_FIELDS,
) -> UpstreamOutcome:
    """Anonymise (or delete) one candidate in Greenhouse; never raises for a vendor answer."""
    if mode not in MODES:
        raise ValueError(f"unknown Greenhouse erasure mode {mode!r}")
    if not valid_candidate_id(candidate_id):
        raise ValueError(f"{SYSTEM}: record id {candidate_id!r} is not a Greenhouse candidate id")
    if mode == MODE_ANONYMIZE:
        method, path, body, scope = (
            "PATCH",
            f"candidates/{candidate_id}/anonymize",
            {"fields": list(fields)},
            SCOPE_ANONYMIZE,
        )
    else:
        method, path, body, scope = ("DELETE", f"candidates/{candidate_id}", None, SCOPE_DESTROY)
    try:
        _, response = client.request_json(
            method, path, json_body=body, ok_statuses=_OUTCOME_STATUSES
        )
    except SourceAuthError as exc:
        return UpstreamOutcome(STATUS_PENDING, REASON_AUTH_ERROR, str(exc)[:300], operation=mode)
    except SourceError as exc:
        return UpstreamOutcome(STATUS_PENDING, REASON_SOURCE_ERROR, str(exc)[:300], operation=mode)
    status = response.status_code
    if status in (200, 204):
        reason = REASON_ANONYMIZED if mode == MODE_ANONYMIZE else REASON_DELETED
        return UpstreamOutcome(STATUS_DONE, reason, f"HTTP {status}", operation=mode)
    if status == 404:
        # Deleted or merged away in Greenhouse already (or a retry of a delete that went
        # through): the person's data is not there under this id any more.
        return UpstreamOutcome(
            STATUS_DONE, REASON_ALREADY_GONE, "HTTP 404: not in Greenhouse", operation=mode
        )
    if status == 403:
        action = (
            f"{by_hand(candidate_id, mode)}; or give the Harvest V3 credential the scope "
            f"{scope} (acting as a Site Admin; anonymisation needs an Enterprise account) and "
            "run `talent-crm gdpr upstream --retry-manual`"
        )
        return UpstreamOutcome(
            STATUS_MANUAL, REASON_REFUSED, "HTTP 403", manual_action=action, operation=mode
        )
    # 422: Greenhouse would not process the request as sent (a field name it does not know,
    # a record it will not change): a person must look.
    return UpstreamOutcome(
        STATUS_MANUAL,
        REASON_REFUSED,
        f"HTTP {status}",
        manual_action=f"{by_hand(candidate_id, mode)} (Greenhouse refused the API request)",
        operation=mode,
    )
