"""Fake Greenhouse Harvest API v3 (base URL ``http://host:port/v3``, token ``/token``).

As strict as the documented v3 (docs/sources.md), because a connector that passes only against
a lenient fake breaks on the first big real account:
- ``POST /token``: HTTP Basic ``client_id:client_secret``, form ``grant_type=client_credentials``
  and optional ``sub`` (a user id); replies ``{"access_token", "token_type", "expires_at"}``.
  Tokens expire (``greenhouse_token_ttl_seconds``) and can be revoked (``revoke_tokens``).
- Every ``/v3`` call needs ``Authorization: Bearer <live token>`` (else 401). The ``sub`` user
  must be a Site Admin (else 403); a scope removed from ``scopes`` answers 403.
- Lists only, bare JSON arrays, ordered by id DESCENDING. ``per_page`` 1..500 (default 100).
  The ``Link`` header's ``rel="next"`` URL carries only ``cursor``; a request with a cursor and
  any other parameter is 422 (the documented message). No next link on the last page.
- Date filters in the pipe syntax (``updated_at=gte|<iso>|lte|<iso>``, ops gte/lte/gt/lt; also
  ``created_at``, and ``last_activity_at`` on candidates/applications). 422 for a malformed
  value, a doubled parameter, ``created_at`` together with ``updated_at``, bracket forms
  (``updated_at[gte]``) and v1 names (``updated_after``, ``page``...). ``ids=`` up to 50 ids.
- Defaults that hide rows: the built-in rejection reasons need ``include_defaults=true``,
  service-account users ``show_service_accounts=true``. In the sample files such rows carry
  ``"_sample_hidden_unless": "<param>"``, which the server strips (it is not a v3 field).
- Fixed 30-second windows: ``X-RateLimit-Limit`` / ``-Remaining`` / ``-Reset`` on every reply,
  429 with ``Retry-After`` when spent. Injected faults (base.py): 429, 5xx, truncated, reset.
- Writes for the ATS push (``ats_push.GreenhousePushEndpoints``): ``POST /v3/candidates``,
  ``POST /v3/applications``; lookups ``GET /v3/candidates?email=`` and
  ``GET /v3/applications?candidate_id=&job_id=``.
- SAMPLE-SERVER ONLY (not Harvest): ``POST /v3/_sample/jobs`` opens a new req (body ``{"name",
  "seniority", "required_skills", "office", "department"}``) and replies 201 with the v3 job.
- Erasure (the ``_erasure_*`` handlers): ``PATCH /v3/candidates/{id}/anonymize`` (scope
  ``harvest:candidates:anonymize``, body ``{"fields": [...]}`` naming fields from the documented
  list, else 422) replies 200 with the anonymised candidate, which later lists serve (name
  "Anonymized <id>", contact details, tags and custom fields emptied); ``DELETE
  /v3/candidates/{id}`` (scope ``harvest:candidates:destroy``) replies 204 and the candidate,
  its applications and their stage/rejection/prospect rows are no longer listed. Unknown id:
  404. Both act for the token's Site Admin (else 403), count against the rate-limit window and
  take injected faults like every call. ``erasure_log`` records (method, candidate id).
"""

from __future__ import annotations

import bisect
import copy
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from .ats_push import GREENHOUSE_WRITE_SCOPES, GreenhousePushEndpoints
from .base import (
    ApiError,
    FixedWindowLimiter,
    Reply,
    Request,
    SampleApiServer,
    TokenSigner,
    basic_auth_credentials,
    bearer_token,
    id_sort_key,
    iso_z,
    load_jsonl,
    parse_iso,
    same_secret,
)

MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 100
MAX_IDS = 50
CURSOR_WITH_PARAMS = "When passing a cursor, do not include other query params."
HIDDEN_FLAG = "_sample_hidden_unless"
SCOPE_ANONYMIZE = "harvest:candidates:anonymize"
SCOPE_DESTROY = "harvest:candidates:destroy"
ERASURE_SCOPES = frozenset({SCOPE_ANONYMIZE, SCOPE_DESTROY})
# The documented anonymisable fields (Harvest v1's list, which v3's body takes by name).
ANONYMIZABLE_FIELDS = (
    "full_name", "current_company", "current_title", "tags", "phone_numbers", "emails",
    "social_media_links", "websites", "addresses", "location", "custom_candidate_fields",
    "source", "recruiter", "coordinator", "attachments", "application_questions",
    "referral_questions", "notes", "rejection_notes", "email_addresses", "activity_items",
    "innotes", "inmails", "rejection_reason", "scorecards_and_interviews", "offers",
    "credited_to", "headline", "all_offer_versions", "follow_up_reminders", "candidate_photo",
    "custom_application_fields", "education", "employment", "candidate_stage_data",
    "prospect_owner", "custom_rejection_question_fields", "touchpoints",
    "prospect_pool_and_stage", "prospect_jobs", "prospect_offices",
    "prospect_offices_and_departments", "third_party_integrations",
)  # fmt: skip
# Field name -> the v3 candidate keys it empties, and their empty value. The other fields
# concern data this fake does not hold (notes, scorecards, offers...): accepted, no-op.
_ANONYMIZED_KEYS: tuple[tuple[str, tuple[str, ...], Any], ...] = (
    ("current_company", ("company",), None),
    ("current_title", ("title",), None),
    ("tags", ("tags",), []),
    ("phone_numbers", ("phone_numbers",), []),
    ("emails", ("email_addresses",), []),
    ("email_addresses", ("email_addresses",), []),
    ("social_media_links", ("social_media_addresses",), []),
    ("websites", ("website_addresses",), []),
    ("addresses", ("addresses",), []),
    ("custom_candidate_fields", ("custom_fields",), {}),
)

ENTITIES: tuple[str, ...] = (
    "candidates",
    "applications",
    "jobs",
    "application_stages",
    "rejection_details",
    "prospect_details",
    "rejection_reasons",
    "job_interview_stages",
    "sources",
    "departments",
    "offices",
    "users",
    "custom_fields",
    "prospect_pools",
)
_DATE_FILTERS: dict[str, tuple[str, ...]] = {
    "candidates": ("created_at", "updated_at", "last_activity_at"),
    "applications": ("created_at", "updated_at", "last_activity_at"),
}
_DEFAULT_DATE_FILTERS = ("created_at", "updated_at")
_V1_PARAMS = frozenset(
    {
        "page",
        "skip_count",
        "updated_after",
        "updated_before",
        "created_after",
        "created_before",
        "last_activity_after",
    }
)
_OPS = {
    "gte": lambda v, b: v >= b,
    "lte": lambda v, b: v <= b,
    "gt": lambda v, b: v > b,
    "lt": lambda v, b: v < b,
}


class GreenhouseApi(SampleApiServer):
    vendor = "greenhouse"
    base_path = "/v3"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.hidden: dict[str, dict[str, str]] = {}  # entity -> {record id: revealing param}
        super().__init__(*args, **kwargs)
        self.limiter = FixedWindowLimiter(
            self.settings.greenhouse_rate_limit, self.settings.greenhouse_window_seconds
        )
        self.cursors = TokenSigner("greenhouse-cursor", self.settings.api_key)
        self.tokens: dict[str, tuple[datetime, str | None]] = {}
        self.tokens_minted = 0
        self.scopes: set[str] = {f"harvest:{entity}:list" for entity in ENTITIES}
        # The ATS push: creating candidates and (prospect) applications, scoped like the lists.
        self.scopes |= GREENHOUSE_WRITE_SCOPES
        self.push_endpoints = GreenhousePushEndpoints(self)
        self.scopes |= ERASURE_SCOPES
        self.erasure_log: list[tuple[str, str]] = []  # (method, candidate id), ids only
        self._token_counter = 0
        # Tests: the credential was disabled, so even freshly minted tokens are refused.
        self.refuse_all_tokens = False

    @property
    def token_url(self) -> str:
        return self.root_url + "/token"

    def env(self) -> dict[str, str]:
        """What points the connector at this server (the five GREENHOUSE_* variables)."""
        return {
            "GREENHOUSE_BASE_URL": self.base_url,
            "GREENHOUSE_TOKEN_URL": self.token_url,
            "GREENHOUSE_CLIENT_ID": self.settings.greenhouse_client_id,
            "GREENHOUSE_CLIENT_SECRET": self.settings.api_key,
            "GREENHOUSE_USER_ID": self.settings.greenhouse_user_id,
        }

    def load(self) -> None:
        folder = self.feed_dir / "greenhouse"
        for entity in ENTITIES:
            self.set_records(entity, load_jsonl(folder / f"{entity}.jsonl"))

    def set_records(self, entity: str, records: Any) -> None:
        cleaned, hidden = [], {}
        for record in records:
            reveal = record.get(HIDDEN_FLAG)
            if reveal is not None:
                record = {k: v for k, v in record.items() if k != HIDDEN_FLAG}
                hidden[str(record.get("id"))] = str(reveal)
            cleaned.append(record)
        self.hidden[entity] = {**self.hidden.get(entity, {}), **hidden}
        super().set_records(entity, cleaned)

    # ----- test and demo controls

    def revoke_tokens(self) -> None:
        """Every minted token stops working (an admin revoked the credential's tokens)."""
        with self._data_lock:
            self.tokens.clear()

    def expire_tokens(self) -> None:
        with self._data_lock:
            past = datetime.now(UTC) - timedelta(seconds=1)
            self.tokens = {t: (past, sub) for t, (_, sub) in self.tokens.items()}

    def remove_record(self, entity: str, record_id: Any) -> None:
        """A hard delete in Greenhouse: the record stops being listed."""
        with self._data_lock:
            kept = [r for r in self.records(entity) if str(r.get("id")) != str(record_id)]
            super().set_records(entity, kept)

    def touch_record(self, entity: str, record_id: Any, **changes: Any) -> dict[str, Any]:
        """Change a record now (its updated_at moves to the present)."""
        with self._data_lock:
            current = next(r for r in self.records(entity) if str(r.get("id")) == str(record_id))
            updated = {**copy.deepcopy(current), **changes, "updated_at": iso_z(datetime.now(UTC))}
            self.upsert_record(entity, updated)
            return updated

    # ----- plumbing

    def error_reply(self, status: int, code: str, message: str) -> Reply:
        return Reply(status, {"errors": [message]})

    def _rate_headers(self, remaining: int) -> dict[str, str]:
        headers = self.limiter.headers(remaining)
        headers["X-RateLimit-Reset"] = str(max(1, round(self.limiter.seconds_to_reset())))
        return headers

    def fault_headers(self) -> dict[str, str]:
        return self._rate_headers(self.limiter.remaining())

    def truncated_payload(self) -> Any:
        return [
            {"id": 40 - i, "first_name": "Sample", "updated_at": iso_z(datetime.now(UTC))}
            for i in range(20)
        ]

    def handle(self, request: Request) -> Reply:
        if request.path.rstrip("/") == "/token":
            return self._mint(request)
        token = bearer_token(request.headers)
        with self._data_lock:
            grant = self.tokens.get(token or "")
        if grant is None or grant[0] <= datetime.now(UTC) or self.refuse_all_tokens:
            reply = self.error_reply(401, "unauthorized", "Invalid or expired access token")
            reply.headers.update(self.fault_headers())
            return reply
        return self.within_window_v3(request, grant[1])

    def within_window_v3(self, request: Request, subject: str | None) -> Reply:
        allowed, remaining = self.limiter.acquire()
        headers = self._rate_headers(remaining)
        if not allowed:
            return self.rate_limited_reply(headers)
        try:
            reply = self._route(request, subject)
        except ApiError as exc:
            reply = self.api_error_reply(exc)
        reply.headers.update(headers)
        return reply

    def _mint(self, request: Request) -> Reply:
        if request.method != "POST":
            raise ApiError(405, "method_not_allowed", "POST the token request")
        credentials = basic_auth_credentials(request.headers)
        if credentials is None or not (
            same_secret(credentials[0], self.settings.greenhouse_client_id)
            and same_secret(credentials[1], self.settings.api_key)
        ):
            return Reply(401, {"error": "invalid_client"})
        form = dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
        if form.get("grant_type") != "client_credentials":
            return Reply(400, {"error": "unsupported_grant_type"})
        subject = form.get("sub") or None
        with self._data_lock:
            self._token_counter += 1
            token = self.cursors.dumps({"t": self._token_counter, "sub": subject})
            expires = datetime.now(UTC) + timedelta(
                seconds=self.settings.greenhouse_token_ttl_seconds
            )
            self.tokens[token] = (expires, subject)
            self.tokens_minted += 1
        return Reply(
            200, {"access_token": token, "token_type": "Bearer", "expires_at": iso_z(expires)}
        )

    def _route(self, request: Request, subject: str | None) -> Reply:
        if not request.path.startswith(self.base_path + "/"):
            raise ApiError(404, "not_found", "Resource not found")
        path = request.path[len(self.base_path) :].strip("/")
        if request.method == "POST" and path == "_sample/jobs":
            return self._open_job(request)
        if self.push_endpoints.handles(request.method, path):
            return self.push_endpoints.route(request, path, subject)
        erasure = self._erasure_route(request, path, subject)
        if erasure is not None:
            return erasure
        if request.method != "GET" or path not in ENTITIES:
            raise ApiError(404, "not_found", "Resource not found")
        if f"harvest:{path}:list" not in self.scopes:
            raise ApiError(403, "forbidden", f"Missing scope harvest:{path}:list")
        if subject is not None and not self._is_site_admin(subject):
            raise ApiError(403, "forbidden", "The user must be a Site Admin")
        return self._list(request, path)

    def _is_site_admin(self, user_id: str) -> bool:
        return any(
            str(u.get("id")) == user_id and u.get("site_admin") for u in self.records("users")
        )

    # ----- lists

    def _list(self, request: Request, entity: str) -> Reply:
        names = [k for k, _ in request.query_pairs]
        if "cursor" in names:
            if len(names) != 1:
                raise _unprocessable(CURSOR_WITH_PARAMS)
            state = self.cursors.loads(request.arg("cursor"))
            if state is None or state.get("e") != entity:
                raise _unprocessable("Invalid cursor")
            pairs = [tuple(p) for p in state["q"]]
            after = state["after"]
        else:
            pairs = list(request.query_pairs)
            after = None
        query = _parse_query(entity, pairs)
        records = self.filtered_records(
            entity, tuple(sorted(pairs)), lambda r: _matches(query, r, self.hidden.get(entity))
        )
        # Stored in ascending id order: a page is the `per_page` highest ids below `after`.
        end = (
            len(records)
            if after is None
            else bisect.bisect_left(
                records, id_sort_key(after), key=lambda r: id_sort_key(r.get("id"))
            )
        )
        start = max(0, end - query["per_page"])
        chunk = records[start:end][::-1]
        headers: dict[str, str] = {}
        if start > 0 and chunk:
            cursor = self.cursors.dumps({"e": entity, "q": pairs, "after": chunk[-1]["id"]})
            headers["Link"] = (
                f'<{request.origin}{self.base_path}/{entity}?cursor={cursor}>; rel="next"'
            )
        return Reply(200, self.encode_records(chunk), headers)

    def _open_job(self, request: Request) -> Reply:
        try:
            body = request.json_body() or {}
        except ValueError as exc:
            raise _unprocessable("body must be JSON") from exc
        name = str(body.get("name") or "").strip() if isinstance(body, dict) else ""
        if not name:
            raise _unprocessable("name is required")
        with self._data_lock:
            jobs = self.records("jobs")
            template = jobs[-1] if jobs else {}
            department_id = _id_named(self.records("departments"), body.get("department"))
            office_id = _id_named(self.records("offices"), body.get("office"))
            job_id = max((int(j["id"]) for j in jobs), default=4_000_000) + 1
            now = iso_z(datetime.now(UTC))
            skills = [str(s) for s in body.get("required_skills") or []]
            job = {
                **copy.deepcopy(template),
                "id": job_id,
                "name": name,
                "requisition_id": f"REQ-S{job_id}",
                "status": "open",
                "confidential": False,
                "created_at": now,
                "opened_at": now,
                "closed_at": None,
                "updated_at": now,
                "department_id": department_id or template.get("department_id"),
                "office_ids": [office_id] if office_id else list(template.get("office_ids") or []),
                "custom_fields": {
                    "required_skills": {
                        "name": "Required Skills",
                        "type": "multi_select",
                        "value": skills,
                    },
                    "seniority": {
                        "name": "Seniority",
                        "type": "single_select",
                        "value": body.get("seniority"),
                    },
                },
            }
            self.upsert_record("jobs", job)
        return Reply(201, copy.deepcopy(job))

    # ----- erasure: anonymise or delete a candidate (kept apart from the other write handlers)

    def _erasure_route(self, request: Request, path: str, subject: str | None) -> Reply | None:
        parts = path.split("/")
        if parts[0] != "candidates" or len(parts) not in (2, 3):
            return None
        if len(parts) == 3 and parts[2] == "anonymize" and request.method == "PATCH":
            scope, handler = SCOPE_ANONYMIZE, self._erasure_anonymize
        elif len(parts) == 2 and request.method == "DELETE":
            scope, handler = SCOPE_DESTROY, self._erasure_delete
        else:
            return None
        if scope not in self.scopes:
            raise ApiError(403, "forbidden", f"Missing scope {scope}")
        if subject is None or not self._is_site_admin(subject):
            raise ApiError(403, "forbidden", "The user must be a Site Admin")
        candidate = self._erasure_candidate(parts[1])
        return handler(request, candidate)

    def _erasure_candidate(self, raw_id: str) -> dict[str, Any]:
        if raw_id.isdigit():
            for record in self.records("candidates"):
                if str(record.get("id")) == raw_id:
                    return record
        raise ApiError(404, "not_found", "Resource not found")

    def _erasure_anonymize(self, request: Request, candidate: dict[str, Any]) -> Reply:
        try:
            body = request.json_body()
        except ValueError as exc:
            raise _unprocessable("body must be JSON") from exc
        fields = body.get("fields") if isinstance(body, dict) else None
        if not isinstance(fields, list) or not fields:
            raise _unprocessable("fields must be a non-empty list of field names")
        unknown = sorted({str(f) for f in fields} - set(ANONYMIZABLE_FIELDS))
        if unknown:
            raise _unprocessable(f"Unknown fields: {', '.join(unknown)}")
        with self._data_lock:
            anonymized = _anonymized_candidate(candidate, set(fields))
            self.upsert_record("candidates", anonymized)
            self.erasure_log.append(("PATCH", str(candidate["id"])))
        return Reply(200, copy.deepcopy(anonymized))

    def _erasure_delete(self, request: Request, candidate: dict[str, Any]) -> Reply:
        candidate_id = str(candidate["id"])
        with self._data_lock:
            self.remove_record("candidates", candidate_id)
            # Deleting a candidate deletes their applications (and what hangs off them).
            applications = self.records("applications")
            gone = {
                str(a.get("id")) for a in applications if str(a.get("candidate_id")) == candidate_id
            }
            dependants = ("applications", "application_stages", "rejection_details")
            for entity in (*dependants, "prospect_details"):
                key = "id" if entity == "applications" else "application_id"
                current = self.records(entity)
                kept = [r for r in current if str(r.get(key)) not in gone]
                if len(kept) != len(current):
                    super().set_records(entity, kept)
            self.erasure_log.append(("DELETE", candidate_id))
        return Reply(204)


# ----- helpers


def _anonymized_candidate(candidate: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    """What Greenhouse keeps of a candidate after anonymising `fields` (the v3 object)."""
    out = copy.deepcopy(candidate)
    if "full_name" in fields:
        out["first_name"], out["last_name"] = "Anonymized", str(candidate["id"])
    for field_name, keys, empty in _ANONYMIZED_KEYS:
        if field_name in fields:
            for key in keys:
                if key in out:
                    out[key] = copy.deepcopy(empty)
    out["updated_at"] = iso_z(datetime.now(UTC))
    return out


def _id_named(records: list[dict[str, Any]], name: Any) -> Any:
    for record in records:
        if name and record.get("name") == name:
            return record.get("id")
    return None


def _unprocessable(message: str) -> ApiError:
    return ApiError(422, "unprocessable", message)


def _parse_query(entity: str, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    names = [k for k, _ in pairs]
    for name in names:
        if "[" in name or name in _V1_PARAMS:
            raise _unprocessable(f"Unsupported parameter {name.split('[')[0]!r} in Harvest v3")
    allowed_dates = _DATE_FILTERS.get(entity, _DEFAULT_DATE_FILTERS)
    query: dict[str, Any] = {"per_page": DEFAULT_PER_PAGE, "dates": [], "ids": None, "flags": {}}
    seen: set[str] = set()
    for name, value in pairs:
        if name in seen and name in (*allowed_dates, "per_page", "ids"):
            raise _unprocessable(f"{name} may be given once")
        seen.add(name)
        if name == "per_page":
            try:
                query["per_page"] = int(value)
            except ValueError as exc:
                raise _unprocessable("per_page must be an integer") from exc
            if not 1 <= query["per_page"] <= MAX_PER_PAGE:
                raise _unprocessable(f"per_page must be between 1 and {MAX_PER_PAGE}")
        elif name in allowed_dates:
            query["dates"].append((name, _parse_pipe(name, value)))
        elif name == "ids":
            ids = [i.strip() for i in value.split(",") if i.strip()]
            if len(ids) > MAX_IDS:
                raise _unprocessable(f"ids accepts at most {MAX_IDS} ids")
            query["ids"] = set(ids)
        elif name in ("include_defaults", "show_service_accounts"):
            query["flags"][name] = value.lower() == "true"
        elif name == "status" and entity == "jobs":
            query["status"] = value
        elif name == "email" and entity == "candidates":
            # The lookup an ATS push makes before creating anyone (exact address, any case).
            query["email"] = value.strip().lower()
        elif name in ("candidate_id", "job_id") and entity == "applications":
            query[name] = value.strip()
    if "created_at" in seen and "updated_at" in seen:
        raise _unprocessable("Do not combine created_at and updated_at")
    return query


def _parse_pipe(name: str, value: str) -> list[tuple[str, datetime]]:
    parts = value.split("|")
    if len(parts) < 2 or len(parts) % 2:
        raise _unprocessable(f"{name} must look like gte|<timestamp>[|lte|<timestamp>]")
    bounds = []
    ops = set()
    for op, raw in zip(parts[::2], parts[1::2], strict=True):
        moment = parse_iso(raw.replace("Z", "+00:00"))
        if op not in _OPS or moment is None or op in ops:
            raise _unprocessable(f"{name}: invalid operator or timestamp")
        ops.add(op)
        bounds.append((op, moment))
    return bounds


def _matches(query: dict[str, Any], record: dict[str, Any], hidden: dict[str, str] | None) -> bool:
    if hidden:
        reveal = hidden.get(str(record.get("id")))
        if reveal is not None and not query["flags"].get(reveal):
            return False
    if query["ids"] is not None and str(record.get("id")) not in query["ids"]:
        return False
    for field_name, bounds in query["dates"]:
        value = parse_iso(str(record.get(field_name) or "").replace("Z", "+00:00"))
        if value is None:
            return False
        if not all(_OPS[op](value, bound) for op, bound in bounds):
            return False
    email = query.get("email")
    if email is not None and email not in {
        str(e.get("value", "")).strip().lower() for e in record.get("email_addresses") or []
    }:
        return False
    for name in ("candidate_id", "job_id"):
        if name in query and str(record.get(name)) != query[name]:
            return False
    status = query.get("status")
    return not (status and record.get("status") != status)
