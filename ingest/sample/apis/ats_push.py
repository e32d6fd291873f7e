"""Write endpoints of the fake ATSs used by the ATS push (recruiter-approved people → the ATS
the req lives in). Kept apart from the read side of each vendor file; each vendor server owns
one `*PushEndpoints` object and routes its write calls (and the lookups a push needs) here.

What each fake accepts is what the vendor documents (docs/sources.md, "ATS push"), including
the strict parts: required fields, unknown fields refused, a 4xx body naming the field, the
vendor's duplicate behaviour, the server's rate limiter, the fault queue (faults injected with
`inject_faults` hit write calls like any other) and, for the hard case of a write that was
applied but whose reply was lost, `fail_after_commit`: the next write(s) are APPLIED and then
answered with a 5xx. Created records are stored with the vendor's list shape, so the next sync
lists them.

Privacy: no request body or record value is logged or echoed in an error message.
"""

from __future__ import annotations

import copy
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .base import ApiError, Reply, Request, TokenSigner, iso_z

if TYPE_CHECKING:
    from .ashby import AshbyApi
    from .greenhouse import GreenhouseApi
    from .lever import LeverApi

# Loose on purpose (vendors accept any address their UI would): one @, a dot in the domain.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def valid_email(value: Any) -> bool:
    return isinstance(value, str) and bool(_EMAIL.match(value.strip()))


class CommittedWriteFaults:
    """5xx replies given AFTER a write was applied (the vendor committed, the reply was lost)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[int] = deque()

    def push(self, statuses: Iterable[int]) -> None:
        items = [int(s) for s in statuses]
        if any(not 500 <= s <= 599 for s in items):
            raise ValueError("fail_after_commit takes 5xx statuses")
        with self._lock:
            self._queue.extend(items)

    def pop(self) -> int | None:
        with self._lock:
            return self._queue.popleft() if self._queue else None

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()


def _now_iso() -> str:
    return iso_z(datetime.now(UTC))


def _body_object(request: Request, refuse: Any) -> dict[str, Any]:
    try:
        body = request.json_body()
    except ValueError:
        raise refuse("body", "must be a JSON object") from None
    if not isinstance(body, dict):
        raise refuse("body", "must be a JSON object")
    return body


# ============================================================================================
# Greenhouse Harvest v3


class _GreenhouseInvalid(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(field)
        self.field = field
        self.message = message


GREENHOUSE_WRITE_SCOPES = frozenset({"harvest:candidates:create", "harvest:applications:create"})
_GH_CANDIDATE_FIELDS = frozenset(
    {
        "first_name",
        "last_name",
        "company",
        "title",
        "email_addresses",
        "phone_numbers",
        "addresses",
        "website_addresses",
        "social_media_addresses",
        "tags",
        "recruiter_id",
        "coordinator_id",
    }
)
_GH_APPLICATION_FIELDS = frozenset(
    {
        "candidate_id",
        "job_id",
        "prospect",
        "source_id",
        "referrer_id",
        "recruiter_id",
        "prospect_pool_id",
        "prospect_stage_id",
    }
)
_GH_EMAIL_TYPES = frozenset({"personal", "work", "other"})
# An application in one of these states still occupies its job for the candidate.
_GH_OPEN_STATUSES = frozenset({"in_process", "active"})


class GreenhousePushEndpoints:
    """`POST /v3/candidates` and `POST /v3/applications` (prospect or candidate application).

    Greenhouse does not refuse a second candidate with the same e-mail (it flags possible
    duplicates for a person to merge), so a client must look the person up first
    (`GET /v3/candidates?email=`). A second open application of one candidate on one job is
    refused with 422, naming `job_id`.
    """

    ROUTES = {"candidates", "applications"}

    def __init__(self, api: GreenhouseApi) -> None:
        self.api = api
        self.after_commit = CommittedWriteFaults()

    def fail_after_commit(self, *statuses: int) -> None:
        self.after_commit.push(statuses or (502,))

    def handles(self, method: str, path: str) -> bool:
        return method == "POST" and path in self.ROUTES

    def route(self, request: Request, path: str, subject: str | None) -> Reply:
        scope = f"harvest:{path}:create"
        if scope not in self.api.scopes:
            raise ApiError(403, "forbidden", f"Missing scope {scope}")
        if subject is not None and not self.api._is_site_admin(subject):
            raise ApiError(403, "forbidden", "The user must be a Site Admin")
        try:
            body = _body_object(request, _GreenhouseInvalid)
            with self.api._data_lock:
                if path == "candidates":
                    created = self._create_candidate(body)
                else:
                    created = self._create_application(body)
        except _GreenhouseInvalid as bad:
            return Reply(
                422,
                {
                    "message": "Validation error",
                    "errors": [{"field": bad.field, "message": bad.message}],
                },
            )
        failure = self.after_commit.pop()
        if failure is not None:
            return self.api.error_reply(failure, "server_error", "Internal server error")
        return Reply(201, created)

    # ----- candidates

    def _create_candidate(self, body: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(body) - _GH_CANDIDATE_FIELDS)
        if unknown:
            raise _GreenhouseInvalid(unknown[0], "is not a writable candidate field")
        for name in ("first_name", "last_name"):
            value = body.get(name)
            if not isinstance(value, str) or not value.strip():
                raise _GreenhouseInvalid(name, "can't be blank")
        for name in ("company", "title"):
            if body.get(name) is not None and not isinstance(body.get(name), str):
                raise _GreenhouseInvalid(name, "must be a string")
        emails = _gh_value_list(body, "email_addresses", _GH_EMAIL_TYPES)
        for index, item in enumerate(emails):
            if not valid_email(item["value"]):
                raise _GreenhouseInvalid(f"email_addresses[{index}].value", "is not an e-mail")
        phones = _gh_value_list(body, "phone_numbers", None)
        addresses = _gh_value_list(body, "addresses", None)
        websites = _gh_value_list(body, "website_addresses", None)
        social = _gh_value_list(body, "social_media_addresses", None, typed=False)
        tags = body.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise _GreenhouseInvalid("tags", "must be a list of strings")
        now = _now_iso()
        candidate = {
            "id": _next_id(self.api.records("candidates"), 30_000_000),
            "first_name": body["first_name"].strip(),
            "last_name": body["last_name"].strip(),
            "company": body.get("company"),
            "title": body.get("title"),
            "created_at": now,
            "updated_at": now,
            "last_activity_at": now,
            "private": False,
            "phone_numbers": phones,
            "addresses": addresses,
            "email_addresses": emails,
            "website_addresses": websites,
            "social_media_addresses": social,
            "recruiter_id": body.get("recruiter_id"),
            "coordinator_id": body.get("coordinator_id"),
            "can_email": True,
            "tags": tags,
            "custom_fields": {},
        }
        self.api.upsert_record("candidates", candidate)
        return copy.deepcopy(candidate)

    # ----- applications

    def _create_application(self, body: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(body) - _GH_APPLICATION_FIELDS)
        if unknown:
            raise _GreenhouseInvalid(unknown[0], "is not a writable application field")
        candidate_id = _gh_int(body, "candidate_id", required=True)
        job_id = _gh_int(body, "job_id", required=True)
        prospect = body.get("prospect", False)
        if not isinstance(prospect, bool):
            raise _GreenhouseInvalid("prospect", "must be true or false")
        candidate = _by_id(self.api.records("candidates"), candidate_id)
        if candidate is None:
            raise _GreenhouseInvalid("candidate_id", "does not exist")
        job = _by_id(self.api.records("jobs"), job_id)
        if job is None:
            raise _GreenhouseInvalid("job_id", "does not exist")
        if job.get("status") != "open":
            raise _GreenhouseInvalid("job_id", "is not an open job")
        source_id = _gh_int(body, "source_id")
        if source_id is not None and _by_id(self.api.records("sources"), source_id) is None:
            raise _GreenhouseInvalid("source_id", "does not exist")
        pool_id = _gh_int(body, "prospect_pool_id")
        stage_id = _gh_int(body, "prospect_stage_id")
        if (pool_id is not None or stage_id is not None) and not prospect:
            raise _GreenhouseInvalid("prospect_pool_id", "is only allowed on prospects")
        if pool_id is not None:
            pool = _by_id(self.api.records("prospect_pools"), pool_id)
            if pool is None:
                raise _GreenhouseInvalid("prospect_pool_id", "does not exist")
            stages = {s.get("id") for s in pool.get("prospect_stages") or []}
            if stage_id is not None and stage_id not in stages:
                raise _GreenhouseInvalid("prospect_stage_id", "is not a stage of the pool")
        elif stage_id is not None:
            raise _GreenhouseInvalid("prospect_stage_id", "needs prospect_pool_id")
        for existing in self.api.records("applications"):
            if (
                existing.get("candidate_id") == candidate_id
                and existing.get("job_id") == job_id
                and existing.get("status") in _GH_OPEN_STATUSES
            ):
                raise _GreenhouseInvalid("job_id", "the candidate already has an open application")
        now = _now_iso()
        application = {
            "id": _next_id(self.api.records("applications"), 70_000_000),
            "candidate_id": candidate_id,
            "job_id": job_id,
            "prospect": prospect,
            "status": "in_process",
            "stage_id": None,
            "stage_name": None,
            "created_at": now,
            "updated_at": now,
            "last_activity_at": now,
            "rejected_at": None,
            "rejection_reason_id": None,
            "source_id": source_id,
            "referrer_id": _gh_int(body, "referrer_id"),
            "recruiter_id": _gh_int(body, "recruiter_id"),
            "prospective_job_ids": [job_id] if prospect else [],
        }
        self.api.upsert_record("applications", application)
        if prospect and pool_id is not None:
            self.api.upsert_record(
                "prospect_details",
                {
                    "id": application["id"],
                    "application_id": application["id"],
                    "candidate_id": candidate_id,
                    "prospect_pool_id": pool_id,
                    "prospect_stage_id": stage_id,
                    "prospect_owner_id": None,
                    "updated_at": now,
                },
            )
        # A new application is activity on the candidate: it moves into the next sync window.
        self.api.upsert_record(
            "candidates", {**copy.deepcopy(candidate), "updated_at": now, "last_activity_at": now}
        )
        return copy.deepcopy(application)


def _gh_value_list(
    body: dict[str, Any], name: str, types: frozenset[str] | None, typed: bool = True
) -> list[dict[str, Any]]:
    raw = body.get(name)
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise _GreenhouseInvalid(name, "must be a list")
    items = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            raise _GreenhouseInvalid(f"{name}[{index}].value", "is required")
        if typed:
            kind = item.get("type", "other")
            if types is not None and kind not in types:
                raise _GreenhouseInvalid(f"{name}[{index}].type", "is not an allowed type")
            items.append({"value": item["value"].strip(), "type": kind})
        else:
            items.append({"value": item["value"].strip()})
    return items


def _gh_int(body: dict[str, Any], name: str, required: bool = False) -> int | None:
    value = body.get(name)
    if value is None:
        if required:
            raise _GreenhouseInvalid(name, "can't be blank")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _GreenhouseInvalid(name, "must be an integer")
    return value


def _by_id(records: list[dict[str, Any]], record_id: Any) -> dict[str, Any] | None:
    return next((r for r in records if str(r.get("id")) == str(record_id)), None)


def _next_id(records: list[dict[str, Any]], floor: int) -> int:
    numeric = [int(r["id"]) for r in records if str(r.get("id", "")).isdigit()]
    return max(numeric, default=floor) + 1


# ============================================================================================
# Lever


_LEVER_FIELDS = frozenset(
    {
        "name",
        "headline",
        "stage",
        "location",
        "phones",
        "emails",
        "links",
        "tags",
        "sources",
        "origin",
        "owner",
        "followers",
        "postings",
        "contact",
    }
)
_LEVER_ORIGINS = frozenset({"agency", "applied", "internal", "referred", "sourced", "university"})


class LeverPushEndpoints:
    """`POST /v1/opportunities?perform_as=<user>`, `GET /v1/opportunities/:id`, and the list
    filters a push looks people up with (`email`, `contact_id`, `posting_id`).

    As Lever documents: `perform_as` is required; at most one posting per request; when an
    e-mail matches an existing contact, the new opportunity is linked to that contact (Lever
    never creates a second person for a known address) and the contact's data wins; a given
    `contact` id links to that contact. So two creates for one person make two opportunities
    of ONE contact — which is why a client must check `posting_id` before creating.
    """

    def __init__(self, api: LeverApi) -> None:
        self.api = api
        self.after_commit = CommittedWriteFaults()
        # Opportunity id -> posting ids it applies to. The list shape carries application ids
        # only; the sample feed's opportunities have no posting here (a documented gap).
        self.postings_of: dict[str, list[str]] = {}

    def fail_after_commit(self, *statuses: int) -> None:
        self.after_commit.push(statuses or (502,))

    def known_users(self) -> set[str]:
        """User ids the account knows: every user named on a posting or an opportunity."""
        users: set[str] = set()
        for posting in self.api.records("postings"):
            users.update(
                str(posting[k]) for k in ("user", "owner", "hiringManager") if posting.get(k)
            )
        for opportunity in self.api.records("opportunities"):
            users.update(str(opportunity[k]) for k in ("owner", "sourcedBy") if opportunity.get(k))
            users.update(str(f) for f in opportunity.get("followers") or [])
        return users

    def handles(self, method: str, path: str) -> bool:
        return (method == "POST" and path == "/opportunities") or (
            method == "GET"
            and path.startswith("/opportunities/")
            and path.count("/") == 2
            and path != "/opportunities/deleted"
        )

    def route(self, request: Request, path: str) -> Reply:
        if request.method == "GET":
            found = _by_id(self.api.records("opportunities"), path.rsplit("/", 1)[1])
            if found is None:
                raise ApiError(404, "not_found", "Opportunity not found")
            return Reply(200, {"data": copy.deepcopy(found)})
        perform_as = request.arg("perform_as")
        if not perform_as:
            raise ApiError(400, "bad_request", "perform_as is required")
        if perform_as not in self.known_users():
            raise ApiError(400, "bad_request", "perform_as must be the id of an active user")
        with self.api._data_lock:
            created = self._create(_body_object(request, _lever_invalid), perform_as)
        failure = self.after_commit.pop()
        if failure is not None:
            return self.api.error_reply(failure, "server_error", "Internal server error")
        return Reply(201, {"data": created})

    def _create(self, body: dict[str, Any], perform_as: str) -> dict[str, Any]:
        unknown = sorted(set(body) - _LEVER_FIELDS)
        if unknown:
            raise _lever_invalid(unknown[0], "is not a field of an opportunity")
        emails = _lever_strings(body, "emails")
        for email in emails:
            if not valid_email(email):
                raise _lever_invalid("emails", "must be valid e-mail addresses")
        links, tags, sources = (_lever_strings(body, n) for n in ("links", "tags", "sources"))
        origin = body.get("origin", "sourced")
        if origin not in _LEVER_ORIGINS:
            raise _lever_invalid("origin", "is not a known origin")
        postings = _lever_strings(body, "postings")
        if len(postings) > 1:
            raise _lever_invalid("postings", "only one posting may be given per opportunity")
        for posting_id in postings:
            if _by_id(self.api.records("postings"), posting_id) is None:
                raise _lever_invalid("postings", "posting not found")
        phones = body.get("phones") or []
        if not isinstance(phones, list) or not all(
            isinstance(p, dict) and isinstance(p.get("value"), str) for p in phones
        ):
            raise _lever_invalid("phones", "must be a list of {value, type}")
        for name in ("name", "headline", "location"):
            if body.get(name) is not None and not isinstance(body.get(name), str):
                raise _lever_invalid(name, "must be a string")
        opportunities = self.api.records("opportunities")
        contact_id = body.get("contact")
        same_person: list[dict[str, Any]] = []
        if contact_id is not None:
            same_person = [o for o in opportunities if o.get("contact") == contact_id]
            if not same_person:
                raise _lever_invalid("contact", "contact not found")
        elif emails:
            wanted = {e.strip().lower() for e in emails}
            match = next(
                (
                    o
                    for o in opportunities
                    if wanted & {str(e).strip().lower() for e in o.get("emails") or []}
                ),
                None,
            )
            if match is not None:
                contact_id = match.get("contact")
                same_person = [o for o in opportunities if o.get("contact") == contact_id]
        # The existing contact's data takes precedence; new details are added to it.
        base = max(same_person, key=lambda o: o.get("updatedAt") or 0) if same_person else {}
        all_emails = _union(base.get("emails") or [], emails)
        now_ms = int(time.time() * 1000)
        application_ids = [str(uuid.uuid4()) for _ in postings]
        opportunity = {
            "id": str(uuid.uuid4()),
            "name": base.get("name") or body.get("name"),
            "contact": contact_id or str(uuid.uuid4()),
            "headline": base.get("headline") or body.get("headline") or "",
            "stage": body.get("stage") or "lead-new",
            "confidentiality": "non-confidential",
            "location": base.get("location") or body.get("location"),
            "phones": _union_phones(base.get("phones") or [], phones),
            "emails": all_emails,
            "links": _union(base.get("links") or [], links),
            "archived": None,
            "tags": _union(base.get("tags") or [], tags),
            "sources": sources,
            "stageChanges": [
                {
                    "toStageId": "lead-new",
                    "toStageIndex": 0,
                    "updatedAt": now_ms,
                    "userId": perform_as,
                }
            ],
            "origin": origin,
            "sourcedBy": perform_as if origin == "sourced" else None,
            "owner": body.get("owner") or perform_as,
            "followers": _lever_strings(body, "followers"),
            "applications": application_ids,
            "createdAt": now_ms,
            "updatedAt": now_ms,
            "lastInteractionAt": now_ms,
            "lastAdvancedAt": now_ms,
            "snoozedUntil": None,
            "urls": {},
            "isAnonymized": False,
            "dataProtection": base.get("dataProtection"),
        }
        self.api.upsert_record("opportunities", opportunity)
        self.postings_of[opportunity["id"]] = list(postings)
        return copy.deepcopy(opportunity)

    def list_filter(self, request: Request, record: dict[str, Any]) -> bool:
        """The lookup filters of `GET /v1/opportunities` (each may repeat: a union)."""
        emails = {v.strip().lower() for k, v in request.query_pairs if k == "email" and v}
        if emails and not emails & {str(e).strip().lower() for e in record.get("emails") or []}:
            return False
        contacts = {v for k, v in request.query_pairs if k == "contact_id" and v}
        if contacts and record.get("contact") not in contacts:
            return False
        postings = {v for k, v in request.query_pairs if k == "posting_id" and v}
        return not (postings and not postings & set(self.postings_of.get(record.get("id"), [])))


def lever_filter_key(request: Request) -> tuple[Any, ...]:
    return tuple(
        sorted((k, v) for k, v in request.query_pairs if k in ("email", "contact_id", "posting_id"))
    )


def _lever_invalid(field: str, message: str) -> ApiError:
    return ApiError(400, "bad_request", f"{field}: {message}")


def _lever_strings(body: dict[str, Any], name: str) -> list[str]:
    raw = body.get(name)
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise _lever_invalid(name, "must be a list of strings")
    return [v.strip() for v in raw if v.strip()]


def _union(old: list[Any], new: list[Any]) -> list[Any]:
    out = list(old)
    seen = {str(v).lower() for v in old}
    for value in new:
        if str(value).lower() not in seen:
            out.append(value)
            seen.add(str(value).lower())
    return out


def _union_phones(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    values = {p.get("value") for p in old}
    return [
        *old,
        *({"type": p.get("type"), "value": p["value"]} for p in new if p["value"] not in values),
    ]


# ============================================================================================
# Ashby


_ASHBY_CANDIDATE_FIELDS = frozenset(
    {
        "name",
        "email",
        "phoneNumber",
        "linkedInUrl",
        "githubUrl",
        "website",
        "alternateEmailAddresses",
        "sourceId",
        "creditedToUserId",
        "location",
    }
)
_ASHBY_APPLICATION_FIELDS = frozenset(
    {"candidateId", "jobId", "interviewPlanId", "interviewStageId", "sourceId", "creditedToUserId"}
)
ASHBY_SEARCH_LIMIT = 100
ASHBY_LIST_LIMIT = 100


class _AshbyRefusal(Exception):
    def __init__(self, code: str, field: str | None = None, message: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.message = message


class AshbyPushEndpoints:
    """`candidate.create`, `candidate.search`, `application.create`, `application.list`.

    RPC style like the reads: HTTP 200 with `success: false` on a refused call, here with an
    `errorInfo {code, message, field}` naming the field. Ashby does not refuse a second
    candidate with the same e-mail (hence `candidate.search` first); a candidate's second
    active application on one job is refused (`application_already_exists`, unverified code).
    Created applications are listed by `application.list` and added to the candidate's
    `applicationIds` (the candidate's `updatedAt` moves, so the next sync lands it).
    """

    ROUTES = {"/candidate.create", "/candidate.search", "/application.create", "/application.list"}

    def __init__(self, api: AshbyApi) -> None:
        self.api = api
        self.after_commit = CommittedWriteFaults()
        self._cursors = TokenSigner("ashby-application-cursor", api.settings.api_key)

    def fail_after_commit(self, *statuses: int) -> None:
        self.after_commit.push(statuses or (502,))

    def handles(self, path: str) -> bool:
        return path in self.ROUTES

    def route(self, request: Request, path: str, body: dict[str, Any]) -> Reply:
        writes = path.endswith(".create")
        try:
            with self.api._data_lock:
                if path == "/candidate.create":
                    result: Any = self._create_candidate(body)
                elif path == "/candidate.search":
                    result = self._search(body)
                elif path == "/application.create":
                    result = self._create_application(body)
                else:
                    return Reply(200, self._list_applications(body))
        except _AshbyRefusal as refused:
            info: dict[str, Any] = {"code": refused.code, "message": refused.message}
            if refused.field:
                info["field"] = refused.field
            return Reply(200, {"success": False, "errors": [refused.code], "errorInfo": info})
        if writes:
            failure = self.after_commit.pop()
            if failure is not None:
                return self.api.error_reply(failure, "server_error", "Internal server error")
        return Reply(200, {"success": True, "results": result})

    def _create_candidate(self, body: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(body) - _ASHBY_CANDIDATE_FIELDS)
        if unknown:
            raise _AshbyRefusal("invalid_input", unknown[0], "unknown field")
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _AshbyRefusal("invalid_input", "name", "name is required")
        email = body.get("email")
        if email is not None and not valid_email(email):
            raise _AshbyRefusal("invalid_input", "email", "not a valid e-mail address")
        alternates = body.get("alternateEmailAddresses") or []
        if not isinstance(alternates, list) or not all(valid_email(a) for a in alternates):
            raise _AshbyRefusal("invalid_input", "alternateEmailAddresses", "invalid e-mail")
        linkedin = body.get("linkedInUrl")
        if linkedin is not None and not (isinstance(linkedin, str) and "." in linkedin):
            raise _AshbyRefusal("invalid_input", "linkedInUrl", "must be a URL")
        now = _now_iso()
        addresses = [
            {"value": a.strip(), "type": "Personal", "isPrimary": i == 0}
            for i, a in enumerate(([email] if email else []) + list(alternates))
        ]
        candidate_id = str(uuid.uuid4())
        candidate = {
            "id": candidate_id,
            "createdAt": now,
            "updatedAt": now,
            "name": name.strip(),
            "primaryEmailAddress": addresses[0] if addresses else None,
            "emailAddresses": addresses,
            "primaryPhoneNumber": None,
            "phoneNumbers": [],
            "socialLinks": [{"type": "LinkedIn", "url": linkedin}] if linkedin else [],
            "tags": [],
            "position": None,
            "company": None,
            "school": None,
            "applicationIds": [],
            "resumeFileHandle": None,
            "fileHandles": [],
            "customFields": [],
            "profileUrl": f"https://app.ashbyhq.com/candidates/{candidate_id}",
            "source": None,
            "creditedToUser": None,
            "timezone": None,
            "location": None,
        }
        self.api.upsert_record("candidates", candidate)
        return copy.deepcopy(candidate)

    def _search(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        email, name = body.get("email"), body.get("name")
        if not email and not name:
            raise _AshbyRefusal("invalid_input", "email", "email or name is required")
        wanted = str(email).strip().lower() if email else None
        found = []
        for candidate in self.api.records("candidates"):
            addresses = {
                str(a.get("value", "")).strip().lower()
                for a in candidate.get("emailAddresses") or []
            }
            if wanted is not None and wanted not in addresses:
                continue
            if name and str(candidate.get("name", "")).lower() != str(name).strip().lower():
                continue
            found.append(copy.deepcopy(candidate))
        return found[:ASHBY_SEARCH_LIMIT]

    def _create_application(self, body: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(body) - _ASHBY_APPLICATION_FIELDS)
        if unknown:
            raise _AshbyRefusal("invalid_input", unknown[0], "unknown field")
        for name in ("candidateId", "jobId"):
            if not isinstance(body.get(name), str) or not body[name]:
                raise _AshbyRefusal("invalid_input", name, f"{name} is required")
        candidate = _by_id(self.api.records("candidates"), body["candidateId"])
        if candidate is None:
            raise _AshbyRefusal("candidate_not_found", "candidateId", "no such candidate")
        job = _by_id(self.api.records("jobs"), body["jobId"])
        if job is None:
            raise _AshbyRefusal("job_not_found", "jobId", "no such job")
        if job.get("status") != "Open":
            raise _AshbyRefusal("job_not_open", "jobId", "the job is not open")
        for existing in self.api.records("applications"):
            if (
                existing["candidate"]["id"] == candidate["id"]
                and existing["job"]["id"] == job["id"]
                and existing.get("status") == "Active"
            ):
                raise _AshbyRefusal("application_already_exists", "jobId", "already applied")
        now = _now_iso()
        application = {
            "id": str(uuid.uuid4()),
            "createdAt": now,
            "updatedAt": now,
            "status": "Active",
            "candidate": {"id": candidate["id"], "name": candidate.get("name")},
            "job": {"id": job["id"], "title": job.get("title")},
            "currentInterviewStage": None,
            "source": None,
            "archiveReason": None,
        }
        self.api.upsert_record("applications", application)
        self.api.upsert_record(
            "candidates",
            {
                **copy.deepcopy(candidate),
                "applicationIds": [*(candidate.get("applicationIds") or []), application["id"]],
                "updatedAt": now,
            },
        )
        return copy.deepcopy(application)

    def _list_applications(self, body: dict[str, Any]) -> dict[str, Any]:
        job_id = body.get("jobId")
        limit = body.get("limit", ASHBY_LIST_LIMIT)
        if not isinstance(limit, int) or isinstance(limit, bool):
            raise _AshbyRefusal("invalid_input", "limit", "must be an integer")
        limit = min(ASHBY_LIST_LIMIT, max(1, limit))
        start = 0
        if body.get("cursor"):
            state = self._cursors.loads(body["cursor"])
            if state is None or state.get("j") != job_id:
                raise _AshbyRefusal("invalid_next_cursor")
            start = int(state["o"])
        rows = [
            copy.deepcopy(a)
            for a in self.api.records("applications")
            if job_id is None or a["job"]["id"] == job_id
        ]
        chunk = rows[start : start + limit]
        more = start + limit < len(rows)
        reply: dict[str, Any] = {"success": True, "results": chunk, "moreDataAvailable": more}
        if more:
            reply["nextCursor"] = self._cursors.dumps({"j": job_id, "o": start + limit})
        return reply
