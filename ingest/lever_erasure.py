"""Erasure carried to Lever: a manual action, then confirmed through the API.

Lever's API (hire.lever.co/developer/documentation, late 2026) has no operation that deletes
or anonymises a person: Opportunities offer retrieve, list, list deleted, create and updates of
stage, archived state, links, tags and sources; Contacts offer retrieve and update. Lever does
erasure in its UI instead (help.lever.co, "Resolving data requests" / "What happens to
candidate data when anonymized?"): a user with the "Anonymize candidates" permission resolves
the candidate's Erasure data request or anonymises the profile, which anonymises ALL of the
contact's opportunities; only archived opportunities can be anonymised. So an erasure records a
manual action per opportunity — system, ids, what to do — and no call is made.

What the API does allow is checking: `GET /opportunities/:opportunity` (documented "Retrieve a
single opportunity") answers `{"data": {..., "isAnonymized": true}}` once a person did it, or
404 once the opportunity was deleted. Later runs ask, and close the manual action when Lever
confirms it. A read, so it runs even while ATS writes are disabled.
"""

from __future__ import annotations

from ingest import lever
from ingest.http_client import ApiClient, SourceError
from ingest.upstream_erasure import (
    REASON_CONFIRMED,
    REASON_NO_API,
    REASON_NOT_CONNECTED,
    STATUS_DONE,
    STATUS_MANUAL,
    UpstreamOutcome,
)

SYSTEM = lever.SOURCE
RECORD_TYPE = "opportunity"
OPERATION = "anonymize_in_lever_ui"


def what_to_do(opportunity_id: str, contact_id: str | None) -> str:
    person = f"contact {contact_id} " if contact_id else ""
    return (
        f"in Lever, anonymise {person}(opportunity {opportunity_id}): archive the opportunity "
        "if it is active, then resolve the Erasure data request or use Anonymize on the "
        "profile (Lever's API has no erase operation); the next run confirms it through the API"
    )


def manual_action(opportunity_id: str, contact_id: str | None) -> UpstreamOutcome:
    """The outcome of an erasure in Lever: always a person's job (see the module docstring)."""
    return UpstreamOutcome(
        STATUS_MANUAL,
        REASON_NO_API,
        "Lever's API has no delete or anonymise operation",
        manual_action=what_to_do(opportunity_id, contact_id),
        operation=OPERATION,
    )


def not_connected(opportunity_id: str, contact_id: str | None) -> UpstreamOutcome:
    return UpstreamOutcome(
        STATUS_MANUAL,
        REASON_NOT_CONNECTED,
        f"no credentials ({lever.API_KEY_ENV})",
        manual_action=what_to_do(opportunity_id, contact_id)
        + f" (Lever is not connected: set {lever.API_KEY_ENV} to have it confirmed)",
        operation=OPERATION,
    )


def confirm_erased(client: ApiClient, opportunity_id: str) -> UpstreamOutcome | None:
    """Done when Lever shows the opportunity anonymised or no longer has it; None while it
    still holds the person (or could not be asked: the manual action stays open)."""
    if not opportunity_id or "/" in opportunity_id:
        raise ValueError(f"{SYSTEM}: record id {opportunity_id!r} is not a Lever opportunity id")
    try:
        payload, response = client.request_json(
            "GET", f"opportunities/{opportunity_id}", ok_statuses=frozenset({200, 404})
        )
    except SourceError:
        return None  # asked again on the next run
    if response.status_code == 404:
        return UpstreamOutcome(
            STATUS_DONE, REASON_CONFIRMED, "HTTP 404: no longer in Lever", operation=OPERATION
        )
    data = payload.get("data") if isinstance(payload, dict) else None
    if isinstance(data, dict) and data.get("isAnonymized") is True:
        return UpstreamOutcome(
            STATUS_DONE, REASON_CONFIRMED, "Lever shows it anonymised", operation=OPERATION
        )
    return None
