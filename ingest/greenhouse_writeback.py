"""Greenhouse Harvest v3 write-back for the ATS push: a person approved for a req becomes a
prospect on that job (candidate + prospect application), reusing the candidate Greenhouse
already has for them.

Calls (docs/sources.md, "ATS push"): `GET /v3/candidates?ids=` (known ids) and
`GET /v3/candidates?email=` to find the person; `POST /v3/candidates`; `GET
/v3/applications?candidate_id=&job_id=` to find an open application; `POST /v3/applications`
with `prospect: true`. Auth, paging and rate limits are the read connector's
(`ingest.greenhouse.make_client`); creates are sent once (`idempotent=False`): a lost reply is
resolved by looking up, never by resending. Plain Python, no Dagster.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ingest import greenhouse
from ingest.ats_writeback import Person, PushRefused, safe_reason
from ingest.http_client import ApiClient, RetryPolicy, SourceRequestRefused

SYSTEM = greenhouse.SOURCE
CREATED = frozenset({200, 201})
# An application in one of these states already puts the person on the job.
OPEN_APPLICATION_STATUSES = frozenset({"in_process", "active"})
MAX_EMAIL_LOOKUPS = 3
# Harvest v3 takes up to 50 ids in one `ids=` filter.
MAX_IDS_PER_LOOKUP = 50


class GreenhouseWriteback:
    system = SYSTEM

    def __init__(
        self,
        client: ApiClient,
        *,
        as_prospect: bool = True,
        source_id: int | None = None,
    ) -> None:
        self.client = client
        self.as_prospect = as_prospect
        self.source_id = source_id

    # ----- lookups

    def find_candidate(self, person: Person, known_ids: Sequence[str]) -> str | None:
        ids = [i for i in dict.fromkeys(known_ids) if str(i).isdigit()][:MAX_IDS_PER_LOOKUP]
        if ids:
            listed = {str(r.get("id")) for r in self._list("candidates", {"ids": ",".join(ids)})}
            for known in ids:  # in the caller's order: its best guess first
                if known in listed:
                    return known
        for email in person.all_emails[:MAX_EMAIL_LOOKUPS]:
            found = [r.get("id") for r in self._list("candidates", {"email": email})]
            if found:
                # Several candidates with one address (Greenhouse allows it): the oldest.
                return str(min(int(i) for i in found))
        return None

    def find_application(self, candidate_id: str, job_id: str) -> str | None:
        rows = self._list("applications", {"candidate_id": candidate_id, "job_id": job_id})
        open_ids = [int(r["id"]) for r in rows if r.get("status") in OPEN_APPLICATION_STATUSES]
        return str(min(open_ids)) if open_ids else None

    # ----- creates

    def create_candidate(self, person: Person, job_id: str) -> tuple[str, None]:
        body: dict[str, Any] = {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email_addresses": [{"value": e, "type": "personal"} for e in person.all_emails],
        }
        if person.company:
            body["company"] = person.company
        if person.title:
            body["title"] = person.title
        if person.linkedin_url:
            body["social_media_addresses"] = [{"value": person.linkedin_url}]
        created = self._create("candidates", body)
        return str(created["id"]), None

    def create_application(self, candidate_id: str, job_id: str, person: Person) -> str:
        body: dict[str, Any] = {
            "candidate_id": int(candidate_id),
            "job_id": int(job_id),
            "prospect": self.as_prospect,
        }
        if self.source_id is not None:
            body["source_id"] = self.source_id
        return str(self._create("applications", body)["id"])

    # ----- plumbing

    def _list(self, entity: str, filters: dict[str, str]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for records, _ in greenhouse.iter_pages(
            self.client, entity, window=None, per_page=100, extra_params=filters
        ):
            rows.extend(r for r in records if isinstance(r, dict))
        return rows

    def _create(self, entity: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            created, _ = self.client.request_json(
                "POST", entity, json_body=body, ok_statuses=CREATED, idempotent=False
            )
        except SourceRequestRefused as refused:
            raise PushRefused(SYSTEM, refusal_reason(refused.status, refused.body)) from None
        if not isinstance(created, dict) or created.get("id") is None:
            raise PushRefused(SYSTEM, f"POST /{entity} answered without an id")
        return created


def refusal_reason(status: int, body: Any) -> str:
    """`HTTP 422 last_name: can't be blank` from Greenhouse's error body (fields, no values)."""
    parts: list[str] = []
    errors = body.get("errors") if isinstance(body, dict) else None
    for error in errors if isinstance(errors, list) else []:
        if isinstance(error, dict):
            parts.append(f"{error.get('field') or '?'}: {error.get('message') or 'invalid'}")
        else:
            parts.append(str(error))
    if not parts and isinstance(body, dict) and body.get("message"):
        parts.append(str(body["message"]))
    return safe_reason(f"HTTP {status} " + ("; ".join(parts) or "refused"))


def make_writeback(
    retry: RetryPolicy | None = None, sleep: Callable[[float], None] | None = None
) -> GreenhouseWriteback:
    """From the GREENHOUSE_* variables the read connector uses (its OAuth credential needs the
    candidates and applications create scopes as well)."""
    return GreenhouseWriteback(greenhouse.make_client(retry=retry, sleep=sleep))
