"""Fake Eventbrite API v3 (base URL ``http://host:port/v3``).

- ``Authorization: Bearer <key>``; bad/missing token -> 401 ``INVALID_AUTH``.
- ``GET /users/me/`` (credentials check), ``GET /events/{id}/``,
  ``GET /events/{id}/attendees/`` (trailing slash optional). Unknown event -> 404 ``NOT_FOUND``.
- Attendees reply ``{"pagination":{"page_number","page_size","page_count","object_count",
  "continuation","has_more_items"},"attendees":[...]}``; ``continuation`` only while
  ``has_more_items``; pass it back as ``continuation`` (it also carries ``changed_since``).
  An unknown continuation -> 400 ``ARGUMENTS_ERROR``.
- ``changed_since`` (ISO-8601): attendees whose ``changed`` is at or after it.
"""

from __future__ import annotations

import copy
import math
import re
from typing import Any

from .base import (
    ApiError,
    EncodedJson,
    Reply,
    Request,
    SampleApiServer,
    TokenSigner,
    bearer_token,
    load_jsonl,
    object_with_records,
    parse_iso,
    records_after,
    same_secret,
)

_EVENT_PATH = re.compile(r"^/events/([^/]+)$")
_ATTENDEES_PATH = re.compile(r"^/events/([^/]+)/attendees$")

_ERROR_NAMES = {
    400: "ARGUMENTS_ERROR",
    401: "INVALID_AUTH",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    429: "HIT_RATE_LIMIT",
}

SAMPLE_USER = {
    "id": "100000000001",
    "name": "Sample API user",
    "first_name": "Sample",
    "last_name": "User",
    "is_public": False,
    "emails": [{"email": "api-user@example.invalid", "verified": True, "primary": True}],
}


class EventbriteApi(SampleApiServer):
    vendor = "eventbrite"
    base_path = "/v3"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signer = TokenSigner("eventbrite-continuation", self.settings.api_key)

    def load(self) -> None:
        folder = self.feed_dir / "eventbrite"
        self.set_records("events", load_jsonl(folder / "events.jsonl"))
        self.set_records("attendees", load_jsonl(folder / "attendees.jsonl"))

    def error_reply(self, status: int, code: str, message: str) -> Reply:
        return Reply(
            status,
            {
                "status_code": status,
                "error": _ERROR_NAMES.get(status, "INTERNAL_ERROR"),
                "error_description": message,
            },
        )

    def handle(self, request: Request) -> Reply:
        if not same_secret(bearer_token(request.headers), self.settings.api_key):
            raise ApiError(401, "invalid_auth", "The OAuth token you provided was invalid.")
        if not request.path.startswith(self.base_path + "/"):
            raise ApiError(404, "not_found", "The path you requested does not exist.")
        if request.method != "GET":
            raise ApiError(405, "method_not_allowed", "Method not allowed.")
        path = request.path[len(self.base_path) :].rstrip("/")
        if path == "/users/me":
            return Reply(200, copy.deepcopy(SAMPLE_USER))
        match = _EVENT_PATH.match(path)
        if match:
            return Reply(200, self._event(match.group(1)))
        match = _ATTENDEES_PATH.match(path)
        if match:
            return Reply(200, self._attendees(match.group(1), request))
        raise ApiError(404, "not_found", "The path you requested does not exist.")

    def _event(self, event_id: str) -> dict[str, Any]:
        for event in self.records("events"):
            if str(event.get("id")) == event_id:
                return copy.deepcopy(event)
        if any(str(a.get("event_id")) == event_id for a in self.records("attendees")):
            return {"id": event_id}
        raise ApiError(404, "not_found", "The event you requested does not exist.")

    def _attendees(self, event_id: str, request: Request) -> EncodedJson:
        self._event(event_id)  # 404 for an unknown event
        page_size = max(1, self.settings.eventbrite_page_size)
        after: Any = None
        page_number = 1
        changed_since = request.arg("changed_since") or None
        continuation = request.arg("continuation")
        if continuation:
            state = self._signer.loads(continuation)
            if state is None or state.get("ev") != event_id:
                raise ApiError(400, "arguments_error", "The continuation token is invalid.")
            after, page_number, changed_since = state.get("a"), state.get("p", 1), state.get("c")
        since = None
        if changed_since:
            since = parse_iso(changed_since)
            if since is None:
                raise ApiError(400, "arguments_error", "changed_since: invalid date format.")

        attendees = self.filtered_records(
            "attendees",
            (event_id, changed_since),
            lambda a: str(a.get("event_id")) == event_id and _changed_since(a, since),
        )
        total = len(attendees)
        attendees = records_after(attendees, after)
        chunk = attendees[:page_size]
        has_more = len(attendees) > page_size
        pagination: dict[str, Any] = {
            "object_count": total,
            "page_number": page_number,
            "page_size": page_size,
            "page_count": max(1, math.ceil(total / page_size)),
            "has_more_items": has_more,
        }
        if has_more:
            pagination["continuation"] = self._signer.dumps(
                {"ev": event_id, "a": chunk[-1].get("id"), "p": page_number + 1, "c": changed_since}
            )
        # Records are never mutated in place, so they are served pre-encoded, without copies.
        return object_with_records(
            {"pagination": pagination}, "attendees", self.encode_records(chunk)
        )


def _changed_since(attendee: dict[str, Any], since: Any) -> bool:
    if since is None:
        return True
    changed = parse_iso(attendee.get("changed"))
    return changed is not None and changed >= since
