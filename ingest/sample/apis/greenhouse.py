"""Fake Greenhouse Harvest API v1 (base URL ``http://host:port/v1``).

- HTTP Basic auth: the API key as user name, empty password; anything else is 401.
- ``per_page`` 1..500 (default 100, otherwise 422), ``page`` >= 1; ``Link`` header with absolute
  ``rel="next"``/``rel="prev"``/``rel="last"`` URLs (``last`` omitted with ``skip_count=true``);
  no Link header when everything fits on one page.
- Filters: candidates/jobs ``updated_after``/``created_after`` (inclusive) and
  ``updated_before``/``created_before`` (exclusive); applications ``last_activity_after``
  (on ``last_activity_at``); jobs ``status``. Unknown query parameters are ignored.
- ``X-RateLimit-Limit``/``X-RateLimit-Remaining`` on every reply; fixed windows; 429 with
  ``Retry-After`` when the window's budget is spent.
- ``PUT /candidates/{id}/anonymize?fields=...`` anonymizes the in-memory record.
- SAMPLE-SERVER ONLY (not Harvest): ``POST /_sample/jobs`` opens a new req, so a demo or a test
  can make "a req opens in the ATS" happen; body ``{"name", "seniority", "required_skills",
  "office", "department"}`` (all optional but ``name``); replies 201 with the job record, which
  the next ``GET /jobs`` lists (and a Greenhouse web hook would carry).
"""

from __future__ import annotations

import copy
import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from .base import (
    ApiError,
    FixedWindowLimiter,
    Reply,
    Request,
    SampleApiServer,
    basic_auth_credentials,
    iso_z,
    load_jsonl,
    parse_iso,
    same_secret,
)

MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 100

# Harvest "anonymize" field names -> how the record changes.
_ANONYMIZE_SET: dict[str, dict[str, Any]] = {
    "full_name": {"first_name": None, "last_name": None},
    "current_company": {"company": None},
    "current_title": {"title": None},
    "tags": {"tags": []},
    "email_addresses": {"email_addresses": []},
    "phone_numbers": {"phone_numbers": []},
    "social_media_links": {"social_media_addresses": []},
    "website_addresses": {"website_addresses": []},
    "addresses": {"addresses": []},
    "location": {"addresses": []},
    "custom_fields": {"custom_fields": {}, "keyed_custom_fields": {}},
    "recruiter": {"recruiter": None},
    "coordinator": {"coordinator": None},
}
_ANONYMIZE_ACCEPTED_ONLY = {
    "education",
    "employment",
    "attachments",
    "follow_up_reminders",
    "notes",
    "source",
    "rejection_reason",
    "application_questions",
    "referral_questions",
    "emails",
    "activity_items",
    "inactive_custom_fields",
    "offers",
    "offer_custom_fields",
    "prospect_owner",
    "headline",
    "prospect_pool",
    "scorecards_and_interviews",
    "attachments_and_notes",
    "prospect_stage",
}

_CANDIDATE_PATH = re.compile(r"^/candidates/(\d+)$")
_ANONYMIZE_PATH = re.compile(r"^/candidates/(\d+)/anonymize$")


class GreenhouseApi(SampleApiServer):
    vendor = "greenhouse"
    base_path = "/v1"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limiter = FixedWindowLimiter(
            self.settings.greenhouse_rate_limit, self.settings.greenhouse_window_seconds
        )
        self.anonymized: dict[int, list[str]] = {}

    def load(self) -> None:
        folder = self.feed_dir / "greenhouse"
        for entity in ("candidates", "applications", "jobs"):
            self.set_records(entity, load_jsonl(folder / f"{entity}.jsonl"))

    # ----- plumbing

    def error_reply(self, status: int, code: str, message: str) -> Reply:
        return Reply(status, {"message": message})

    def fault_headers(self) -> dict[str, str]:
        return self.limiter.headers(self.limiter.remaining())

    def handle(self, request: Request) -> Reply:
        credentials = basic_auth_credentials(request.headers)
        if credentials is None or not (
            same_secret(credentials[0], self.settings.api_key) and credentials[1] == ""
        ):
            reply = self.error_reply(401, "unauthorized", "Invalid Basic Auth credentials")
            reply.headers.update(self.fault_headers())
            return reply
        return self.within_window(request, self.limiter, self._route)

    def _route(self, request: Request) -> Reply:
        if not request.path.startswith(self.base_path + "/"):
            raise ApiError(404, "not_found", "Resource not found")
        path = request.path[len(self.base_path) :].rstrip("/")
        if request.method == "GET":
            if path in ("/candidates", "/applications", "/jobs"):
                return self._list(request, path.lstrip("/"))
            match = _CANDIDATE_PATH.match(path)
            if match:
                return self._candidate(int(match.group(1)))
        if request.method == "POST" and path == "/_sample/jobs":
            return self._open_job(request)
        if request.method == "PUT":
            match = _ANONYMIZE_PATH.match(path)
            if match:
                return self._anonymize(int(match.group(1)), request)
        raise ApiError(404, "not_found", "Resource not found")

    # ----- endpoints

    def _list(self, request: Request, entity: str) -> Reply:
        per_page = _int_param(request, "per_page", DEFAULT_PER_PAGE)
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise _validation_error("per_page", f"per_page must be between 1 and {MAX_PER_PAGE}")
        page = _int_param(request, "page", 1)
        if page < 1:
            raise _validation_error("page", "page must be 1 or greater")

        filter_key = tuple((param, request.arg(param)) for param, _, _ in _FILTERS[entity]) + (
            ("status", request.arg("status")),
        )
        records = self.filtered_records(entity, filter_key, lambda r: _matches(request, entity, r))
        start = (page - 1) * per_page
        chunk = records[start : start + per_page]
        last_page = max(1, math.ceil(len(records) / per_page))

        headers: dict[str, str] = {}
        if last_page > 1:
            links = []
            if page < last_page:
                links.append(f'<{_page_url(request, page + 1)}>; rel="next"')
            if page > 1:
                links.append(f'<{_page_url(request, min(page - 1, last_page))}>; rel="prev"')
            if (request.arg("skip_count") or "").lower() != "true":
                links.append(f'<{_page_url(request, last_page)}>; rel="last"')
            headers["Link"] = ", ".join(links)
        # Records are never mutated in place (anonymize replaces them), so no copies needed.
        return Reply(200, self.encode_records(chunk), headers)

    def _candidate(self, candidate_id: int) -> Reply:
        for record in self.records("candidates"):
            if str(record.get("id")) == str(candidate_id):
                return Reply(200, copy.deepcopy(record))
        raise ApiError(404, "not_found", "Resource not found")

    def _anonymize(self, candidate_id: int, request: Request) -> Reply:
        fields = [f.strip() for f in (request.arg("fields") or "").split(",") if f.strip()]
        if not fields:
            raise _validation_error("fields", "fields is required")
        unknown = [
            f for f in fields if f not in _ANONYMIZE_SET and f not in _ANONYMIZE_ACCEPTED_ONLY
        ]
        if unknown:
            raise _validation_error("fields", f"unknown fields: {', '.join(unknown)}")
        with self._data_lock:
            current = next(
                (r for r in self.records("candidates") if str(r.get("id")) == str(candidate_id)),
                None,
            )
            if current is None:
                raise ApiError(404, "not_found", "Resource not found")
            updated = copy.deepcopy(current)
            for name in fields:
                for key, value in _ANONYMIZE_SET.get(name, {}).items():
                    updated[key] = copy.deepcopy(value)
            previous = parse_iso(updated.get("updated_at"))
            now = datetime.now(UTC)
            if previous is not None and previous >= now:
                now = previous + timedelta(seconds=1)
            updated["updated_at"] = iso_z(now)
            self.upsert_record("candidates", updated)
            self.anonymized.setdefault(candidate_id, []).extend(fields)
        return Reply(200, copy.deepcopy(updated))

    def _open_job(self, request: Request) -> Reply:
        """Sample-server only: open a new req now (department/office copied from an existing
        job with that name, else the first one) and return it."""
        try:
            body = request.json_body() or {}
        except ValueError as exc:
            raise _validation_error("body", "body must be JSON") from exc
        name = str(body.get("name") or "").strip() if isinstance(body, dict) else ""
        if not name:
            raise _validation_error("name", "name is required")
        with self._data_lock:
            jobs = self.records("jobs")
            template = jobs[0] if jobs else {}

            def pick(key: str, wanted: Any) -> list[dict[str, Any]]:
                for job in jobs:
                    for item in job.get(key) or []:
                        if wanted and item.get("name") == wanted:
                            return [copy.deepcopy(item)]
                return copy.deepcopy(template.get(key) or [])

            job_id = max((int(j["id"]) for j in jobs), default=4_000_000) + 1
            now = iso_z(datetime.now(UTC))
            skills = [str(s) for s in body.get("required_skills") or []]
            seniority = body.get("seniority")
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
                "departments": pick("departments", body.get("department")),
                "offices": pick("offices", body.get("office")),
                "openings": [
                    {
                        "id": job_id * 10 + 1,
                        "opening_id": f"REQ-S{job_id}-1",
                        "status": "open",
                        "opened_at": now,
                        "closed_at": None,
                        "application_id": None,
                        "close_reason": None,
                    }
                ],
                "custom_fields": {"required_skills": skills, "seniority": seniority},
                "keyed_custom_fields": {
                    "required_skills": {
                        "name": "Required Skills",
                        "type": "multi_select",
                        "value": skills,
                    },
                    "seniority": {
                        "name": "Seniority",
                        "type": "single_select",
                        "value": seniority,
                    },
                },
            }
            self.upsert_record("jobs", job)
        return Reply(201, copy.deepcopy(job))


# ----- helpers

_FILTERS: dict[str, list[tuple[str, str, str]]] = {
    # entity -> [(query parameter, record field, comparison)]
    "candidates": [
        ("updated_after", "updated_at", ">="),
        ("updated_before", "updated_at", "<"),
        ("created_after", "created_at", ">="),
        ("created_before", "created_at", "<"),
    ],
    "jobs": [
        ("updated_after", "updated_at", ">="),
        ("updated_before", "updated_at", "<"),
        ("created_after", "created_at", ">="),
        ("created_before", "created_at", "<"),
    ],
    "applications": [("last_activity_after", "last_activity_at", ">=")],
}


def _matches(request: Request, entity: str, record: dict[str, Any]) -> bool:
    for param, field_name, op in _FILTERS[entity]:
        raw = request.arg(param)
        if raw is None or raw == "":
            continue
        bound = parse_iso(raw)
        if bound is None:
            raise _validation_error(param, f"{param} must be an ISO-8601 timestamp")
        value = parse_iso(record.get(field_name))
        if value is None:
            return False
        if op == ">=" and value < bound:
            return False
        if op == "<" and value >= bound:
            return False
    if entity == "jobs":
        status = request.arg("status")
        if status and record.get("status") != status:
            return False
    return True


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.arg(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise _validation_error(name, f"{name} must be an integer") from exc


def _validation_error(field_name: str, message: str) -> ApiError:
    return ApiError(
        422,
        "validation_error",
        "Validation error",
        {"errors": [{"message": message, "field": field_name}]},
    )


def _page_url(request: Request, page: int) -> str:
    pairs = [(k, v) for k, v in request.query_pairs if k != "page"]
    pairs.append(("page", str(page)))
    return f"{request.origin}{request.path}?{urlencode(pairs)}"
