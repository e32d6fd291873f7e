"""Lever write-back for the ATS push: a person approved for a req (a posting) gets a sourced
opportunity on that posting, linked to the Lever contact they already are.

Calls (docs/sources.md, "ATS push"): `GET /v1/opportunities/:id` (ids we synced → their
contact), `GET /v1/opportunities?email=` to find the contact, `GET
/v1/opportunities?contact_id=&posting_id=` to find an opportunity already on the posting, and
`POST /v1/opportunities?perform_as=<user>` with `contact` (when known), `emails` and one
posting. Lever links a create to the existing contact by e-mail anyway; the lookups are what
stop a second opportunity on the same posting. The "candidate" of a push is the contact, its
"application" the opportunity. Creates are sent once (`idempotent=False`). Plain Python.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

from ingest import lever
from ingest.ats_writeback import Person, PushRefused, safe_reason
from ingest.http_client import ApiClient, RetryPolicy, SourceConfigError, SourceRequestRefused

SYSTEM = lever.SOURCE
PERFORM_AS_ENV = "LEVER_PERFORM_AS"
CREATED = frozenset({200, 201})
SOURCE_TAG = "Talent CRM"
MAX_EMAIL_LOOKUPS = 3


class LeverWriteback:
    system = SYSTEM

    def __init__(self, client: ApiClient, perform_as: str) -> None:
        if not perform_as:
            raise SourceConfigError(
                f"{SYSTEM}: creating opportunities needs the Lever user they are made by: set "
                f"{PERFORM_AS_ENV} to that user's id."
            )
        self.client = client
        self.perform_as = perform_as

    # ----- lookups

    def find_candidate(self, person: Person, known_ids: Sequence[str]) -> str | None:
        for opportunity_id in dict.fromkeys(known_ids):
            try:
                payload, _ = self.client.get_json(f"opportunities/{opportunity_id}")
            except SourceRequestRefused as refused:
                if refused.status == 404:  # deleted or merged away since the last sync
                    continue
                raise
            contact = (
                (payload.get("data") or {}).get("contact") if isinstance(payload, dict) else None
            )
            if contact:
                return str(contact)
        for email in person.all_emails[:MAX_EMAIL_LOOKUPS]:
            for row in self._list({"email": email}):
                if row.get("contact"):
                    return str(row["contact"])
        return None

    def find_application(self, candidate_id: str, job_id: str) -> str | None:
        rows = self._list({"contact_id": candidate_id, "posting_id": job_id})
        live = sorted(str(r["id"]) for r in rows if r.get("archived") is None and r.get("id"))
        return live[0] if live else None

    # ----- creates

    def create_candidate(self, person: Person, job_id: str) -> tuple[str, str]:
        created = self._create(self._body(person, job_id, contact=None))
        return str(created["contact"]), str(created["id"])

    def create_application(self, candidate_id: str, job_id: str, person: Person) -> str:
        return str(self._create(self._body(person, job_id, contact=candidate_id))["id"])

    # ----- plumbing

    def _body(self, person: Person, posting_id: str, contact: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "emails": list(person.all_emails),
            "origin": "sourced",
            "sources": [SOURCE_TAG],
            "postings": [posting_id],
        }
        if person.full_name:
            body["name"] = person.full_name
        if person.company:
            body["headline"] = person.company
        if person.linkedin_url:
            body["links"] = [person.linkedin_url]
        if contact is not None:
            body["contact"] = contact
        return body

    def _list(self, filters: dict[str, str]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for records, _ in lever.iter_pages(self.client, "opportunities", filters, lever.MAX_LIMIT):
            rows.extend(r for r in records if isinstance(r, dict))
        return rows

    def _create(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            payload, _ = self.client.request_json(
                "POST",
                "opportunities",
                params={"perform_as": self.perform_as},
                json_body=body,
                ok_statuses=CREATED,
                idempotent=False,
            )
        except SourceRequestRefused as refused:
            raise PushRefused(SYSTEM, refusal_reason(refused.status, refused.body)) from None
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, dict) or not data.get("id") or not data.get("contact"):
            raise PushRefused(SYSTEM, "POST /opportunities answered without an id")
        return data


def refusal_reason(status: int, body: Any) -> str:
    """`HTTP 400 emails: must be valid e-mail addresses` from Lever's `{code, message}`."""
    message = body.get("message") if isinstance(body, dict) else None
    return safe_reason(f"HTTP {status} {message or 'refused'}")


def make_writeback(
    retry: RetryPolicy | None = None, sleep: Callable[[float], None] | None = None
) -> LeverWriteback:
    """From LEVER_API_KEY / LEVER_BASE_URL (the read connector's) and LEVER_PERFORM_AS."""
    client = lever.make_client(retry=retry, sleep=sleep)
    return LeverWriteback(client, os.environ.get(PERFORM_AS_ENV, "").strip())
