"""Fake Lever API (base URL ``http://host:port/v1``).

- HTTP Basic auth with the API key as user name (password ignored).
- Lists reply ``{"data": [...], "hasNext": bool, "next": "<token>"}``; ``next`` is absent on the
  last page. Pass the token back as ``offset`` (repeat the same filters); a token this server
  did not issue for that list is 400. ``limit`` 1..100 (default 100, otherwise 400).
- ``/opportunities``: ``updated_at_start``/``updated_at_end``/``created_at_start``/
  ``created_at_end`` (epoch ms, inclusive). ``/opportunities/deleted``: ``deleted_at_start``.
  ``/postings``: ``state``. ``/archive_reasons``: unfiltered.
- Writes for the ATS push (``ats_push.LeverPushEndpoints``): ``POST /opportunities?perform_as=``,
  ``GET /opportunities/:id``; list filters ``email``, ``contact_id``, ``posting_id``.
- Token bucket rate limit (``lever_rate_per_second``, ``lever_burst``): 429 + Retry-After.
- Erasure: Lever's API has no delete or anonymise operation, so neither has this fake. What the
  erasure path uses is ``GET /opportunities/:opportunity`` (``{"data": {...}}``, 404 for an id
  it does not hold) to confirm a manual anonymisation; ``anonymize_contact`` stands for a Lever
  user anonymising a person in the UI (every opportunity of the contact: name "Anonymized
  Candidate", contact details emptied, ``isAnonymized`` true, ``updatedAt`` now).
"""

from __future__ import annotations

import time
from typing import Any

from .ats_push import LeverPushEndpoints, lever_filter_key
from .base import (
    ApiError,
    Reply,
    Request,
    SampleApiServer,
    TokenBucketLimiter,
    TokenSigner,
    basic_auth_credentials,
    load_jsonl,
    object_with_records,
    records_after,
    same_secret,
)

MAX_LIMIT = 100

_LISTS: dict[str, str] = {
    # path below /v1 -> entity
    "/opportunities": "opportunities",
    "/opportunities/deleted": "deleted_opportunities",
    "/postings": "postings",
    "/archive_reasons": "archive_reasons",
}

_RANGE_FILTERS: dict[str, list[tuple[str, str, str]]] = {
    "opportunities": [
        ("updated_at_start", "updatedAt", ">="),
        ("updated_at_end", "updatedAt", "<="),
        ("created_at_start", "createdAt", ">="),
        ("created_at_end", "createdAt", "<="),
    ],
    "deleted_opportunities": [("deleted_at_start", "deletedAt", ">=")],
    "postings": [],
    "archive_reasons": [],
}


class LeverApi(SampleApiServer):
    vendor = "lever"
    base_path = "/v1"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limiter = TokenBucketLimiter(
            self.settings.lever_rate_per_second, self.settings.lever_burst
        )
        self._signer = TokenSigner("lever-offset", self.settings.api_key)
        self.push_endpoints = LeverPushEndpoints(self)

    def load(self) -> None:
        folder = self.feed_dir / "lever"
        self.set_records("opportunities", load_jsonl(folder / "opportunities.jsonl"))
        self.set_records("postings", load_jsonl(folder / "postings.jsonl"))
        self.set_records("archive_reasons", load_jsonl(folder / "archive_reasons.jsonl"))
        self.set_records(
            "deleted_opportunities", load_jsonl(folder / "deleted_opportunities.jsonl")
        )

    def delete_opportunity(self, opportunity_id: str) -> bool:
        """Move an opportunity to the deleted list (``{"id","deletedAt"}``, epoch ms now)."""
        with self._data_lock:
            current = self.records("opportunities")
            kept = [r for r in current if r.get("id") != opportunity_id]
            if len(kept) == len(current):
                return False
            self.set_records("opportunities", kept)
            self.upsert_record(
                "deleted_opportunities",
                {"id": opportunity_id, "deletedAt": int(time.time() * 1000)},
            )
            return True

    # ----- erasure support (kept apart from the other handlers)

    def anonymize_contact(self, contact_id: str) -> int:
        """A Lever user anonymised this person in the UI; returns opportunities changed."""
        now = int(time.time() * 1000)
        with self._data_lock:
            changed = [
                {
                    **r,
                    "name": "Anonymized Candidate",
                    "headline": "",
                    "location": "",
                    "emails": [],
                    "phones": [],
                    "links": [],
                    "isAnonymized": True,
                    "updatedAt": now,
                }
                for r in self.records("opportunities")
                if r.get("contact") == contact_id
            ]
            for record in changed:
                self.upsert_record("opportunities", record)
            return len(changed)

    def _erasure_retrieve_opportunity(self, request: Request, subpath: str) -> Reply | None:
        """``GET /opportunities/:opportunity`` (Lever's "Retrieve a single opportunity")."""
        parts = subpath.strip("/").split("/")
        if len(parts) != 2 or parts[0] != "opportunities" or request.method != "GET":
            return None
        for record in self.records("opportunities"):
            if record.get("id") == parts[1]:
                return Reply(200, {"data": record})
        raise ApiError(404, "not_found", "Opportunity not found")

    def error_reply(self, status: int, code: str, message: str) -> Reply:
        names = {
            400: "BadRequestError",
            401: "UnauthorizedError",
            404: "ResourceNotFound",
            429: "TooManyRequests",
        }
        return Reply(status, {"code": names.get(status, "InternalServerError"), "message": message})

    def handle(self, request: Request) -> Reply:
        credentials = basic_auth_credentials(request.headers)
        if credentials is None or not same_secret(credentials[0], self.settings.api_key):
            raise ApiError(401, "unauthorized", "Invalid API key")
        allowed, _ = self.limiter.acquire()
        if not allowed:
            return self.rate_limited_reply()
        path = request.path
        if not path.startswith(self.base_path + "/"):
            raise ApiError(404, "not_found", "Resource not found")
        below = path[len(self.base_path) :].rstrip("/")
        if self.push_endpoints.handles(request.method, below):
            return self.push_endpoints.route(request, below)
        entity = _LISTS.get(below)
        if entity is None:
            single = self._erasure_retrieve_opportunity(request, path[len(self.base_path) :])
            if single is not None:
                return single
            raise ApiError(404, "not_found", "Resource not found")
        if request.method != "GET":
            raise ApiError(404, "not_found", "Resource not found")
        return self._list(request, entity)

    def _list(self, request: Request, entity: str) -> Reply:
        limit = _int_param(request, "limit", MAX_LIMIT)
        if not 1 <= limit <= MAX_LIMIT:
            raise ApiError(400, "bad_request", f"limit must be between 1 and {MAX_LIMIT}")
        after: Any = None
        offset = request.arg("offset")
        if offset:
            state = self._signer.loads(offset)
            if state is None or state.get("e") != entity or "a" not in state:
                raise ApiError(400, "bad_request", "Invalid offset token")
            after = state["a"]

        filter_key = tuple((param, request.arg(param)) for param, _, _ in _RANGE_FILTERS[entity])
        filter_key += tuple(sorted(v for k, v in request.query_pairs if k == "state"))
        if entity == "opportunities":
            filter_key += lever_filter_key(request)
        matching = self.filtered_records(
            entity,
            filter_key,
            lambda r: (
                _matches(request, entity, r)
                and (entity != "opportunities" or self.push_endpoints.list_filter(request, r))
            ),
        )
        records = records_after(matching, after)
        chunk = records[:limit]
        has_next = len(records) > limit
        fields: dict[str, Any] = {"hasNext": has_next}
        if has_next:
            fields["next"] = self._signer.dumps({"e": entity, "a": chunk[-1].get("id")})
        # Records are never mutated in place, so they are served pre-encoded, without copies.
        return Reply(200, object_with_records(fields, "data", self.encode_records(chunk)))


def _matches(request: Request, entity: str, record: dict[str, Any]) -> bool:
    for param, field_name, op in _RANGE_FILTERS[entity]:
        bound = _int_param(request, param, None)
        if bound is None:
            continue
        value = record.get(field_name)
        if not isinstance(value, int | float):
            return False
        if op == ">=" and value < bound:
            return False
        if op == "<=" and value > bound:
            return False
    if entity == "postings":
        states = [v for k, v in request.query_pairs if k == "state" and v]
        if states and record.get("state") not in states:
            return False
    return True


def _int_param(request: Request, name: str, default: int | None) -> int | None:
    raw = request.arg(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ApiError(400, "bad_request", f"{name} must be an integer") from exc
