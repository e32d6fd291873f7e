"""Fake People Data Labs person enrichment (base URL ``http://host:port/v5``).

- ``GET /person/enrich`` with header ``X-Api-Key`` (missing/wrong -> 401).
- Look-up by ``email``, ``profile`` (any LinkedIn URL form, matched on the slug) or ``name`` +
  ``company`` (also ``first_name`` + ``last_name`` + ``company``), case-insensitive; the first of
  email, profile, name+company that matches wins. No look-up parameter -> 400.
- 200 ``{"status":200,"likelihood":n,"data":{...}}`` (the feed's ``response`` object);
  ``min_likelihood`` (1..10) turns a weaker match into 404. No match -> 404 ``not_found``.
- Every 200 is a billed match (``matches_billed``). Requests per fixed window
  (``pdl_rate_limit_per_minute`` per ``pdl_window_seconds``) -> 429 + Retry-After.
"""

from __future__ import annotations

import copy
import re
import threading
from typing import Any
from urllib.parse import unquote, urlsplit

from .base import (
    ApiError,
    FixedWindowLimiter,
    Reply,
    Request,
    SampleApiServer,
    load_jsonl,
    same_secret,
)

NOT_FOUND_MESSAGE = "No records were found matching your request"

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "payment_required",
    404: "not_found",
    405: "invalid_request_error",
    429: "rate_limit_error",
}


def linkedin_slug(value: str) -> str:
    """``https://uk.linkedin.com/in/Jane-Doe/?trk=x`` -> ``jane-doe``; other URLs are
    lower-cased without scheme, ``www.``, query and trailing slash."""
    text = value.strip()
    if "://" not in text:
        text = "//" + text if "/" in text else text
    parts = urlsplit(text)
    host = (parts.netloc or "").lower()
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if host.endswith("linkedin.com") and "in" in segments:
        index = segments.index("in")
        if index + 1 < len(segments):
            return segments[index + 1].strip().lower()
    if not host and len(segments) == 1:
        return segments[0].strip().lower()
    host = host.removeprefix("www.")
    return (host + "/" + "/".join(segments)).strip("/").lower()


def _norm_text(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value or "")).strip().casefold()


def _name_company_key(name: Any, company: Any) -> str | None:
    name_key, company_key = _norm_text(name), _norm_text(company)
    if not name_key or not company_key:
        return None
    return f"{name_key}|{company_key}"


class PdlApi(SampleApiServer):
    vendor = "pdl"
    base_path = "/v5"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._index: dict[str, dict[str, dict[str, Any]]] = {
            "email": {},
            "profile": {},
            "name_company": {},
        }
        self._billing_lock = threading.Lock()
        self.matches_billed = 0
        super().__init__(*args, **kwargs)
        self.limiter = FixedWindowLimiter(
            self.settings.pdl_rate_limit_per_minute, self.settings.pdl_window_seconds
        )

    # ----- data

    def load(self) -> None:
        entries = load_jsonl(self.feed_dir / "pdl" / "enrichment.jsonl")
        with self._data_lock:
            self._records["enrichment"] = entries
            self._reindex()

    def set_records(self, entity: str, records: Any) -> None:
        with self._data_lock:
            self._records[entity] = list(records)
            if entity == "enrichment":
                self._reindex()

    def upsert_record(self, entity: str, record: dict[str, Any]) -> None:
        """Add one ``{"keys": {...}, "response": {...}}`` entry."""
        with self._data_lock:
            self.set_records(entity, [*self._records.get(entity, []), record])

    def _reindex(self) -> None:
        index: dict[str, dict[str, dict[str, Any]]] = {
            "email": {},
            "profile": {},
            "name_company": {},
        }
        for entry in self._records.get("enrichment", []):
            response = entry.get("response")
            if not isinstance(response, dict):
                continue
            keys = entry.get("keys")
            if not isinstance(keys, dict):
                keys = _keys_from_data(response.get("data") or {})
            for email in keys.get("email") or []:
                if _norm_text(email):
                    index["email"].setdefault(_norm_text(email), response)
            for profile in keys.get("profile") or []:
                if isinstance(profile, str) and profile.strip():
                    index["profile"].setdefault(linkedin_slug(profile), response)
            for item in keys.get("name_company") or []:
                key = _name_company_item_key(item)
                if key:
                    index["name_company"].setdefault(key, response)
        self._index = index

    # ----- HTTP

    def error_reply(self, status: int, code: str, message: str) -> Reply:
        return Reply(
            status,
            {
                "status": status,
                "error": {"type": _ERROR_TYPES.get(status, "server_error"), "message": message},
            },
        )

    def handle(self, request: Request) -> Reply:
        if not same_secret(request.headers.get("X-Api-Key"), self.settings.api_key):
            raise ApiError(401, "authentication_error", "Invalid or missing API key")
        return self.within_window(request, self.limiter, self._route)

    def _route(self, request: Request) -> Reply:
        if request.path.rstrip("/") != f"{self.base_path}/person/enrich":
            raise ApiError(404, "not_found", "Endpoint not found")
        if request.method != "GET":
            raise ApiError(405, "invalid_request_error", "Use GET")
        min_likelihood = _min_likelihood(request)
        response = self._lookup(request)
        if response is None:
            raise ApiError(404, "not_found", NOT_FOUND_MESSAGE)
        likelihood = response.get("likelihood")
        if min_likelihood is not None and (
            not isinstance(likelihood, int | float) or likelihood < min_likelihood
        ):
            raise ApiError(404, "not_found", NOT_FOUND_MESSAGE)
        with self._billing_lock:
            self.matches_billed += 1
        return Reply(200, copy.deepcopy(response))

    def _lookup(self, request: Request) -> dict[str, Any] | None:
        email = request.arg("email")
        profile = request.arg("profile")
        company = request.arg("company")
        name = request.arg("name")
        if not name and (request.arg("first_name") or request.arg("last_name")):
            name = f"{request.arg('first_name') or ''} {request.arg('last_name') or ''}"
        name_key = _name_company_key(name, company)
        if not (email and email.strip()) and not (profile and profile.strip()) and not name_key:
            raise ApiError(
                400,
                "invalid_request_error",
                "Provide email, profile, or name and company",
            )
        with self._data_lock:
            index = self._index
        if email and _norm_text(email) in index["email"]:
            return index["email"][_norm_text(email)]
        if profile and profile.strip() and linkedin_slug(profile) in index["profile"]:
            return index["profile"][linkedin_slug(profile)]
        if name_key and name_key in index["name_company"]:
            return index["name_company"][name_key]
        return None


def _min_likelihood(request: Request) -> int | None:
    raw = request.arg("min_likelihood")
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError as exc:
        raise ApiError(400, "invalid_request_error", "min_likelihood must be 1..10") from exc
    if not 1 <= value <= 10:
        raise ApiError(400, "invalid_request_error", "min_likelihood must be 1..10")
    return value


def _name_company_item_key(item: Any) -> str | None:
    """A ``name_company`` key given as ``[name, company]``, ``{"name","company"}`` or
    ``"name|company"``."""
    if isinstance(item, list | tuple) and len(item) == 2:
        return _name_company_key(item[0], item[1])
    if isinstance(item, dict):
        return _name_company_key(item.get("name"), item.get("company"))
    if isinstance(item, str) and "|" in item:
        name, _, company = item.partition("|")
        return _name_company_key(name, company)
    return None


def _keys_from_data(data: dict[str, Any]) -> dict[str, list[Any]]:
    """Look-up keys derived from the person record when an entry carries no ``keys``."""
    emails = [data.get("work_email")] + [
        e.get("address") for e in data.get("emails") or [] if isinstance(e, dict)
    ]
    return {
        "email": [e for e in emails if e],
        "profile": [data["linkedin_url"]] if data.get("linkedin_url") else [],
        "name_company": [[data.get("full_name"), data.get("job_company_name")]],
    }
