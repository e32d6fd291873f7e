"""Fake Ashby API (base URL ``http://host:port``, RPC style).

- ``POST /candidate.list`` and ``POST /job.list``, HTTP Basic auth with the API key as user name
  (password ignored; bad key -> HTTP 401 ``{"success":false,"errors":["invalid_api_key"]}``).
- JSON body ``{"limit":100,"cursor":"...","syncToken":"..."}``; ``limit`` is clamped to 1..100.
- Reply ``{"success":true,"results":[...],"moreDataAvailable":bool,"nextCursor":"..."}``;
  ``nextCursor`` only while more data is available, ``syncToken`` ONLY on the last page.
- A ``syncToken`` returns records whose ``updatedAt`` is after the newest ``updatedAt`` the
  token's sync served. The follow-up pages of that sync carry the filter in ``cursor``.
- API errors are HTTP 200 with ``{"success":false,"errors":[code]}``: ``sync_token_expired``
  (older than ``ashby_sync_token_max_age_seconds`` or issued before ``expire_sync_tokens()``),
  ``sync_token_invalid``, ``invalid_next_cursor``, and ``incremental_sync_too_large`` when a
  ``syncToken`` sync would return more than ``ashby_incremental_sync_max_records`` records (the
  real API's limit since 2026-05-14 is on paging depth; a record count stands in for it). A body
  that is not JSON is HTTP 400.
- Writes for the ATS push (``ats_push.AshbyPushEndpoints``): ``candidate.create``,
  ``candidate.search``, ``application.create``, ``application.list``.
- Dated API versions: the ``Ashby-Version`` request header picks one of ``versions`` (no header:
  ``DEFAULT_VERSION``); replies carry ``Ashby-Version`` and ``Ashby-Version-Status``
  (``active`` / ``deprecated``); an unknown version is HTTP 400 ``invalid_api_version``.
  ``versions_requested`` records the header of every call (tests read it).
- Erasure (the ``_erasure_*`` handler): ``POST /candidate.anonymize`` with ``{"candidateId"}``
  (documented: needs ``candidatesWrite``, irreversible, only when every application of the
  candidate is archived or hired). Success replies ``{"success":true,"results":{candidate}}``
  and later ``candidate.list`` pages serve the candidate without name, e-mails, phones, links
  or employer. Refusals are HTTP 200 ``success:false`` with the code both in ``errors`` and in
  the documented ``errorInfo`` object (code names *unverified*): ``candidate_not_found``,
  ``missing_endpoint_permission`` (the key lacks ``candidatesWrite``: ``key_permissions``),
  ``candidate_has_active_applications`` (ids in ``candidates_with_active_applications``, state
  this fake does not otherwise model), ``invalid_input``. ``erasure_log`` records the ids.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

from .ats_push import AshbyPushEndpoints
from .base import (
    ApiError,
    EncodedJson,
    Reply,
    Request,
    SampleApiServer,
    TokenSigner,
    basic_auth_credentials,
    iso_z,
    load_jsonl,
    object_with_records,
    parse_iso,
    records_after,
    same_secret,
)

MAX_LIMIT = 100
DEFAULT_VERSION = "2026-01-01"

_ENDPOINTS = {"/candidate.list": "candidates", "/job.list": "jobs"}
ERASURE_ENDPOINT = "/candidate.anonymize"


class AshbyApi(SampleApiServer):
    vendor = "ashby"
    base_path = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cursor_signer = TokenSigner("ashby-cursor", self.settings.api_key)
        self._sync_signer = TokenSigner("ashby-sync", self.settings.api_key)
        self._expired_before = 0.0
        self._expiry_lock = threading.Lock()
        # version -> status; tests deprecate or add versions here.
        self.versions: dict[str, str] = {DEFAULT_VERSION: "active"}
        self.versions_requested: list[str | None] = []
        self.push_endpoints = AshbyPushEndpoints(self)
        # Erasure: the key's permissions, and candidates with an application still active.
        self.key_permissions: set[str] = {"candidatesRead", "candidatesWrite", "jobsRead"}
        self.candidates_with_active_applications: set[str] = set()
        self.erasure_log: list[str] = []

    def load(self) -> None:
        folder = self.feed_dir / "ashby"
        self.set_records("candidates", load_jsonl(folder / "candidates.jsonl"))
        self.set_records("jobs", load_jsonl(folder / "jobs.jsonl"))

    def expire_sync_tokens(self) -> None:
        """Every sync token issued until now answers ``sync_token_expired`` from now on."""
        with self._expiry_lock:
            self._expired_before = time.time()

    def error_reply(self, status: int, code: str, message: str) -> Reply:
        return Reply(status, {"success": False, "errors": [code]})

    def handle(self, request: Request) -> Reply:
        requested = request.headers.get("Ashby-Version")
        with self._expiry_lock:
            self.versions_requested.append(requested)
        version = (requested or DEFAULT_VERSION).strip()
        status = self.versions.get(version)
        if status is None:
            reply = Reply(400, {"success": False, "errors": ["invalid_api_version"]})
        else:
            try:
                reply = self._handle_version(request)
            except ApiError as exc:
                reply = self.api_error_reply(exc)
            reply.headers.update({"Ashby-Version": version, "Ashby-Version-Status": status})
        return reply

    def _handle_version(self, request: Request) -> Reply:
        credentials = basic_auth_credentials(request.headers)
        if credentials is None or not same_secret(credentials[0], self.settings.api_key):
            raise ApiError(401, "invalid_api_key", "Invalid API key")
        path = request.path.rstrip("/")
        if path == ERASURE_ENDPOINT:
            return self._erasure_anonymize(request)
        entity = _ENDPOINTS.get(path)
        if entity is None and not self.push_endpoints.handles(path):
            raise ApiError(404, "endpoint_not_found", "Endpoint not found")
        if request.method != "POST":
            raise ApiError(405, "method_not_allowed", "Use POST")
        try:
            body = request.json_body()
        except ValueError as exc:
            raise ApiError(400, "invalid_json", "Body is not valid JSON") from exc
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_json", "Body must be a JSON object")
        if entity is None:
            return self.push_endpoints.route(request, path, body)
        try:
            return Reply(200, self._list(entity, body))
        except _AshbyError as exc:
            return Reply(200, {"success": False, "errors": [exc.code]})

    # ----- erasure (kept apart from the other handlers)

    def _erasure_anonymize(self, request: Request) -> Reply:
        if request.method != "POST":
            raise ApiError(405, "method_not_allowed", "Use POST")
        try:
            body = request.json_body()
        except ValueError as exc:
            raise ApiError(400, "invalid_json", "Body is not valid JSON") from exc
        if "candidatesWrite" not in self.key_permissions:
            return _refusal("missing_endpoint_permission")
        candidate_id = body.get("candidateId") if isinstance(body, dict) else None
        if not isinstance(candidate_id, str) or not candidate_id:
            return _refusal("invalid_input")
        with self._data_lock:
            current = next(
                (r for r in self.records("candidates") if r.get("id") == candidate_id), None
            )
            if current is None:
                return _refusal("candidate_not_found")
            if candidate_id in self.candidates_with_active_applications:
                return _refusal("candidate_has_active_applications")
            anonymized = {
                **current,
                "name": None,
                "primaryEmailAddress": None,
                "emailAddresses": [],
                "primaryPhoneNumber": None,
                "phoneNumbers": [],
                "socialLinks": [],
                "position": None,
                "company": None,
                "school": None,
                "location": None,
                "updatedAt": iso_z(datetime.now(UTC)),
            }
            self.upsert_record("candidates", anonymized)
            self.erasure_log.append(candidate_id)
        return Reply(200, {"success": True, "results": anonymized})

    def _list(self, entity: str, body: dict[str, Any]) -> EncodedJson:
        limit = body.get("limit", MAX_LIMIT)
        if not isinstance(limit, int) or isinstance(limit, bool):
            raise _AshbyError("invalid_limit")
        limit = min(MAX_LIMIT, max(1, limit))

        since: str | None
        after: Any = None
        cursor = body.get("cursor")
        if cursor:
            state = self._cursor_signer.loads(cursor)
            if state is None or state.get("e") != entity:
                raise _AshbyError("invalid_next_cursor")
            since, after = state.get("s"), state.get("a")
        else:
            since = self._since_from_sync_token(entity, body.get("syncToken"))

        since_moment = parse_iso(since) if since is not None else None
        records = self.filtered_records(
            entity,
            ("since", since),
            lambda r: since_moment is None or _after(r.get("updatedAt"), since_moment),
        )
        incremental_limit = self.settings.ashby_incremental_sync_max_records
        if not cursor and since is not None and len(records) > incremental_limit:
            raise _AshbyError("incremental_sync_too_large")
        records = records_after(records, after)

        chunk = records[:limit]
        more = len(records) > limit
        reply: dict[str, Any] = {"success": True, "moreDataAvailable": more}
        if more:
            reply["nextCursor"] = self._cursor_signer.dumps(
                {"e": entity, "s": since, "a": chunk[-1].get("id")}
            )
        else:
            reply["syncToken"] = self._sync_signer.dumps(
                {"e": entity, "u": self._newest_updated_at(entity, since), "i": time.time()}
            )
        # Records are never mutated in place, so they are served pre-encoded, without copies.
        return object_with_records(reply, "results", self.encode_records(chunk))

    def _since_from_sync_token(self, entity: str, token: Any) -> str | None:
        if token is None or token == "":
            return None
        state = self._sync_signer.loads(token) if isinstance(token, str) else None
        if state is None or state.get("e") != entity or not isinstance(state.get("i"), float):
            raise _AshbyError("sync_token_invalid")
        issued = state["i"]
        with self._expiry_lock:
            expired_before = self._expired_before
        max_age = self.settings.ashby_sync_token_max_age_seconds
        if issued < expired_before or time.time() - issued > max_age:
            raise _AshbyError("sync_token_expired")
        return state.get("u")

    def _newest_updated_at(self, entity: str, since: str | None) -> str | None:
        """Newest ``updatedAt`` of the data set (never older than the previous token's)."""
        newest, newest_moment = since, parse_iso(since)
        for record in self.records(entity):
            moment = parse_iso(record.get("updatedAt"))
            if moment is not None and (newest_moment is None or moment > newest_moment):
                newest, newest_moment = record.get("updatedAt"), moment
        return newest


class _AshbyError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _after(value: Any, since: Any) -> bool:
    moment = parse_iso(value)
    return moment is not None and (since is None or moment > since)


def _refusal(code: str) -> Reply:
    """Ashby's answer to what would be a 4xx: HTTP 200, success false, the code twice."""
    return Reply(
        200,
        {"success": False, "errors": [code], "errorInfo": {"code": code, "message": code}},
    )
