"""Ashby write-back for the ATS push: a person approved for a req (an Ashby job) gets an
application on that job, on the candidate Ashby already has for them.

Calls (docs/sources.md, "ATS push"), RPC style like the reads: `candidate.search` by e-mail,
`candidate.create`, `application.list` (by job) and `application.create`. `success: false`
is a refusal even with HTTP 200; its code and field are the stored reason. Auth, version
header and retries are the read connector's (`ingest.ashby.make_client`); creates are sent
once (`idempotent=False`). Plain Python, no Dagster.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ingest import ashby
from ingest.ats_writeback import Person, PushRefused, safe_reason
from ingest.http_client import ApiClient, RetryPolicy, SourceError, SourceRequestRefused

SYSTEM = ashby.SOURCE
MAX_EMAIL_LOOKUPS = 3
MAX_APPLICATION_PAGES = 200


class AshbyWriteback:
    system = SYSTEM

    def __init__(self, client: ApiClient) -> None:
        self.client = client

    # ----- lookups

    def find_candidate(self, person: Person, known_ids: Sequence[str]) -> str | None:
        known = list(dict.fromkeys(known_ids))
        for email in person.all_emails[:MAX_EMAIL_LOOKUPS]:
            found = [str(c.get("id")) for c in self._call("candidate.search", {"email": email})]
            if found:
                preferred = [k for k in known if k in found]
                return preferred[0] if preferred else sorted(found)[0]
        # No address match: a candidate we synced from Ashby is still that person (a deleted
        # one makes application.create refuse, a per-row failure, not a duplicate).
        return known[0] if known else None

    def find_application(self, candidate_id: str, job_id: str) -> str | None:
        body: dict[str, Any] = {"jobId": job_id, "limit": 100}
        for _ in range(MAX_APPLICATION_PAGES):
            payload = self._envelope("application.list", body)
            for application in payload.get("results") or []:
                candidate = application.get("candidate") or {}
                if candidate.get("id") == candidate_id and application.get("status") == "Active":
                    return str(application["id"])
            if not payload.get("moreDataAvailable"):
                return None
            body = {**body, "cursor": payload.get("nextCursor")}
        raise SourceError(
            f"{SYSTEM}: application.list did not end within {MAX_APPLICATION_PAGES} pages"
        )

    # ----- creates

    def create_candidate(self, person: Person, job_id: str) -> tuple[str, None]:
        body: dict[str, Any] = {"name": person.full_name, "email": person.email}
        if person.other_emails:
            body["alternateEmailAddresses"] = [e for e in person.all_emails[1:]]
        if person.linkedin_url:
            body["linkedInUrl"] = person.linkedin_url
        created = self._call("candidate.create", body, create=True)
        return str(created["id"]), None

    def create_application(self, candidate_id: str, job_id: str, person: Person) -> str:
        created = self._call(
            "application.create", {"candidateId": candidate_id, "jobId": job_id}, create=True
        )
        return str(created["id"])

    # ----- plumbing

    def _envelope(
        self, endpoint: str, body: dict[str, Any], create: bool = False
    ) -> dict[str, Any]:
        try:
            payload, _ = self.client.request_json(
                "POST", endpoint, json_body=body, idempotent=not create
            )
        except SourceRequestRefused as refused:
            raise PushRefused(
                SYSTEM, refusal_reason(endpoint, refused.body, refused.status)
            ) from None
        if not isinstance(payload, dict) or "success" not in payload:
            raise SourceError(f"{SYSTEM}: unexpected reply shape from {endpoint}")
        if payload.get("success") is not True:
            raise PushRefused(SYSTEM, refusal_reason(endpoint, payload))
        return payload

    def _call(self, endpoint: str, body: dict[str, Any], create: bool = False) -> Any:
        results = self._envelope(endpoint, body, create).get("results")
        if create and (not isinstance(results, dict) or not results.get("id")):
            raise PushRefused(SYSTEM, f"{endpoint} answered without an id")
        return results if results is not None else []


def refusal_reason(endpoint: str, body: Any, status: int | None = None) -> str:
    """`candidate.create invalid_input (name)` from Ashby's errorInfo / errors (codes only)."""
    info = body.get("errorInfo") if isinstance(body, dict) else None
    if isinstance(info, dict) and info.get("code"):
        field = f" ({info['field']})" if info.get("field") else ""
        text = f"{endpoint} {info['code']}{field}"
    else:
        codes = ashby.error_codes(body) if isinstance(body, dict) else []
        text = f"{endpoint} {', '.join(codes) or 'refused'}"
    return safe_reason(f"HTTP {status} {text}" if status else text)


def make_writeback(
    retry: RetryPolicy | None = None, sleep: Callable[[float], None] | None = None
) -> AshbyWriteback:
    """From ASHBY_API_KEY / ASHBY_BASE_URL / ASHBY_API_VERSION (the read connector's)."""
    return AshbyWriteback(ashby.make_client(retry=retry, sleep=sleep))
