"""One HTTP client for every vendor connector.

Why one client: every source needs the same hard parts done right — timeouts, retries with
backoff on connection errors / 5xx / truncated bodies, honouring 429 + Retry-After and
rate-limit headers, and error messages that name the source and the env var to fix without
echoing secrets or personal data. Vendor modules only describe paging and mapping.

Vendor time is bounded three ways (`TimeLimits`, configurable through env vars): a connect and
a per-read timeout; a deadline per request (all attempts, waits and body reads of one call,
so a server that drips a byte every few seconds still fails); and per client — one sync — a
deadline and a budget of retries, so a dead vendor fails its sync in about a minute instead of
every page retrying to exhaustion.
"""

from __future__ import annotations

import json
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import orjson
import requests
import requests.auth
import urllib3

log = logging.getLogger(__name__)

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_BODY_READ_BYTES = 1 << 20


class SourceError(RuntimeError):
    """A source could not be read. Messages name the source and the fix, never data values."""


class SourceAuthError(SourceError):
    """The vendor rejected the credentials (401/403)."""


class SourceConfigError(SourceError):
    """The connector is misconfigured (missing env var, unsafe URL...)."""


class SourceRequestRefused(SourceError):
    """The vendor refused this request with a 4xx other than 401/403/429: retrying the same
    request will not help. `status` and `body` (the decoded JSON error body, or None) let a
    caller keep the vendor's reason; the message never holds more than `_short_error`."""

    def __init__(self, message: str, status: int, body: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class WriteOutcomeUnknown(SourceError):
    """A request that is not safe to repeat (a create) was sent, and no clear answer came back
    (5xx, timeout, cut connection, truncated body): the vendor may or may not have applied it.
    The caller must look the result up before trying again, never simply resend."""


CONNECT_TIMEOUT_ENV = "TALENT_CRM_HTTP_CONNECT_TIMEOUT_SECONDS"
READ_TIMEOUT_ENV = "TALENT_CRM_HTTP_READ_TIMEOUT_SECONDS"
REQUEST_DEADLINE_ENV = "TALENT_CRM_HTTP_REQUEST_DEADLINE_SECONDS"
SYNC_DEADLINE_ENV = "TALENT_CRM_HTTP_SYNC_DEADLINE_SECONDS"
RETRY_BUDGET_ENV = "TALENT_CRM_HTTP_RETRY_BUDGET"


@dataclass(frozen=True)
class TimeLimits:
    """How long one vendor may take. Defaults fail a dead or hanging vendor in about a minute
    per sync; a healthy sync of a large account stays far inside them."""

    connect_seconds: float = 5.0
    # One socket read: a server that accepts and never answers fails after this.
    read_seconds: float = 20.0
    # Everything one request may take: attempts, backoff, Retry-After waits and body reads.
    # A body read is checked between reads, so it can overrun by at most one read timeout.
    request_deadline_seconds: float = 60.0
    # Everything one client (= one sync of one entity) may take.
    sync_deadline_seconds: float = 3 * 3600.0
    # Retries one client may spend over its whole sync: a flaky vendor is retried, a dead one
    # does not get six attempts on every page.
    retry_budget: int = 30

    @classmethod
    def from_env(cls) -> TimeLimits:
        defaults = cls()

        def number(name: str, default: float) -> float:
            raw = os.environ.get(name, "").strip()
            if not raw:
                return default
            try:
                value = float(raw)
            except ValueError:
                raise SourceConfigError(f"{name} must be a number of seconds") from None
            if value <= 0:
                raise SourceConfigError(f"{name} must be positive")
            return value

        return cls(
            connect_seconds=number(CONNECT_TIMEOUT_ENV, defaults.connect_seconds),
            read_seconds=number(READ_TIMEOUT_ENV, defaults.read_seconds),
            request_deadline_seconds=number(
                REQUEST_DEADLINE_ENV, defaults.request_deadline_seconds
            ),
            sync_deadline_seconds=number(SYNC_DEADLINE_ENV, defaults.sync_deadline_seconds),
            retry_budget=int(number(RETRY_BUDGET_ENV, defaults.retry_budget)),
        )


class _DeadlinePassed(Exception):
    """Internal: the request or sync deadline passed while reading or before a retry."""


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try before giving up on one request."""

    max_attempts: int = 6
    backoff_base_seconds: float = 0.5
    backoff_max_seconds: float = 30.0
    # A vendor asking us to wait longer than this is treated as an outage, not a rate limit.
    max_retry_after_seconds: float = 300.0


@dataclass
class ClientStats:
    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    waited_seconds: float = 0.0


@dataclass
class ApiClient:
    """A `requests.Session` wrapper with auth, timeouts, retries and rate-limit handling.

    `source` names the vendor in errors; `credentials_env` is the env var an operator must fix
    on 401. `auth` is whatever `requests` accepts (a (user, password) tuple for Basic auth, or
    an `AuthBase`); `headers` are extra headers sent on every request.
    """

    source: str
    base_url: str
    credentials_env: str
    # Not in the repr: both may hold the secret, and a repr ends up in logs and tracebacks.
    auth: Any = field(default=None, repr=False)
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    limits: TimeLimits = field(default_factory=TimeLimits.from_env)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Callable[[float], None] = time.sleep
    stats: ClientStats = field(default_factory=ClientStats)
    # Proactively pause when the vendor says the window is exhausted (Greenhouse: 10 s windows).
    rate_limit_window_seconds: float | None = None
    # The env var that sets base_url, named when the vendor answers with something that is not
    # its API (default `<SOURCE>_BASE_URL`).
    base_url_env: str | None = None
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self.base_url_env = self.base_url_env or f"{self.source.upper()}_BASE_URL"
        self._sync_deadline = self.clock() + self.limits.sync_deadline_seconds
        require_https_unless_loopback(self.source, self.base_url)
        self.session = requests.Session()
        self.session.auth = self.auth
        self.session.headers.update({"Accept": "application/json", **self.headers})
        self.session.headers.setdefault("User-Agent", "talent-crm/0.1 (+ingest)")
        # requests re-reads the proxy and CA-bundle env vars (walking all of os.environ) on
        # EVERY request while `trust_env` is on: ~6% of a sync's CPU. Read them once, for this
        # client's vendor host (paging URLs stay on it), and keep them on the session.
        env = self.session.merge_environment_settings(self.base_url, {}, None, None, None)
        self.session.proxies.update(env["proxies"])
        self.session.verify = env["verify"]
        self.session.trust_env = False

    def url(self, path_or_url: str) -> str:
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        return f"{self.base_url}/{path_or_url.lstrip('/')}"

    def get_json(
        self, path_or_url: str, params: Mapping[str, Any] | None = None
    ) -> tuple[Any, requests.Response]:
        return self.request_json("GET", path_or_url, params=params)

    def post_json(self, path_or_url: str, body: Mapping[str, Any]) -> tuple[Any, requests.Response]:
        return self.request_json("POST", path_or_url, json_body=body)

    def request_json(
        self,
        method: str,
        path_or_url: str,
        params: Mapping[str, Any] | None = None,
        json_body: Mapping[str, Any] | None = None,
        ok_statuses: frozenset[int] = frozenset({200}),
        idempotent: bool = True,
    ) -> tuple[Any, requests.Response]:
        """Send one request; return (decoded JSON, response). Retries what is worth retrying,
        within the request deadline, the sync deadline and the client's retry budget.

        `idempotent=False` (creates): a 429 or a refused connection is still retried (the vendor
        did not process the request), but a 5xx, a timeout after connecting, a cut connection
        or a truncated body raises WriteOutcomeUnknown instead of sending the create again."""
        url = self.url(path_or_url)
        endpoint = urlsplit(url).path  # for messages: never the query (may hold emails)
        deadline = min(self.clock() + self.limits.request_deadline_seconds, self._sync_deadline)
        timeout = (self.limits.connect_seconds, self.limits.read_seconds)
        last_problem = "no attempt made"
        attempt = 0
        reminted = False
        try:
            for attempt in range(1, self.retry.max_attempts + 1):
                self._check_deadline(deadline)
                self.stats.requests += 1
                try:
                    response = self.session.request(
                        method, url, params=params, json=json_body, timeout=timeout, stream=True
                    )
                    if response.status_code in ok_statuses:
                        body = self._read_body(response, deadline)
                        if response.status_code == 204 and not body:
                            # No Content (a delete): there is nothing to decode.
                            self._respect_rate_limit_headers(response)
                            return None, response
                        if _looks_like_html(response, body):
                            # A login page, a proxy's error page, the vendor's web site: not
                            # an outage, a wrong URL. Retrying would only hide it.
                            raise SourceConfigError(
                                f"{self.source}: {method} {endpoint} answered with an HTML "
                                f"page, not JSON: check {self.base_url_env} (it should be the "
                                "API's base URL)."
                            )
                        # orjson: decoding is the hottest step of a sync; raises on a
                        # truncated body
                        payload = orjson.loads(body)
                        self._respect_rate_limit_headers(response)
                        return payload, response
                    # Read the (small) error body now: it frees the keep-alive connection for
                    # the retry, and a broken body is retried like any other network error.
                    self._read_body(response, deadline)
                except (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError) as exc:
                    kind = "connect" if isinstance(exc, requests.ConnectTimeout) else "read"
                    limit = (
                        self.limits.connect_seconds
                        if kind == "connect"
                        else self.limits.read_seconds
                    )
                    last_problem = f"no answer within the {kind} timeout of {limit:g}s"
                    if not idempotent and kind == "read":
                        raise self._outcome_unknown(method, endpoint, last_problem) from None
                    self._backoff(attempt, endpoint, last_problem, deadline)
                    continue
                except (
                    requests.ConnectionError,
                    requests.exceptions.ChunkedEncodingError,
                    urllib3.exceptions.HTTPError,
                ) as exc:
                    last_problem = f"{type(exc).__name__} (connection failed or was cut)"
                    if not idempotent and not _never_sent(exc):
                        raise self._outcome_unknown(method, endpoint, last_problem) from None
                    self._backoff(attempt, endpoint, last_problem, deadline)
                    continue
                except (
                    json.JSONDecodeError,
                    orjson.JSONDecodeError,
                    requests.exceptions.JSONDecodeError,
                ):
                    last_problem = "the body was not complete JSON (truncated or cut off)"
                    if not idempotent:
                        raise self._outcome_unknown(method, endpoint, last_problem) from None
                    self._backoff(attempt, endpoint, last_problem, deadline)
                    continue

                status = response.status_code
                if status == 401 and not reminted and _can_remint(self.auth):
                    # An expired or revoked OAuth token: mint a new one once, then retry; a
                    # second 401 means the credential itself is bad.
                    reminted = True
                    self.auth.invalidate()
                    continue
                if status in (401, 403) and hasattr(self.auth, "explain_refusal"):
                    raise SourceAuthError(
                        f"{self.source}: {method} {endpoint} was refused with HTTP {status}. "
                        + self.auth.explain_refusal(status, endpoint)
                    )
                if status in (401, 403):
                    raise SourceAuthError(
                        f"{self.source}: {method} {endpoint} was refused with HTTP {status}. "
                        f"Check the credentials in env var {self.credentials_env} "
                        "(and their permissions)."
                    )
                if status == 429:
                    self.stats.rate_limited += 1
                    wait = self._retry_after(response)
                    last_problem = f"HTTP 429 rate limited (Retry-After {wait:g}s)"
                    if attempt < self.retry.max_attempts:
                        self._spend_retry(last_problem)
                        # A wait the vendor asks for is not vendor slowness: it extends this
                        # request's deadline (it is bounded by max_retry_after_seconds and
                        # still counts against the sync deadline).
                        self._wait(wait)
                        deadline += wait
                    continue
                if status >= 500:
                    last_problem = f"HTTP {status} server error"
                    if not idempotent:
                        raise self._outcome_unknown(method, endpoint, last_problem)
                    self._backoff(attempt, endpoint, last_problem, deadline)
                    continue
                # Other 4xx: our request is wrong; retrying will not help.
                raise SourceRequestRefused(
                    f"{self.source}: {method} {endpoint} failed with HTTP {status}: "
                    f"{_short_error(response, self.base_url_env)}",
                    status,
                    _json_or_none(response),
                )
        except _DeadlinePassed as passed:
            raise SourceError(
                f"{self.source}: {method} {endpoint} gave up after {attempt} attempt(s): "
                f"{passed} (last problem: {last_problem}). The vendor may be down or slow; "
                "re-run later — nothing past the last landed page was recorded as synced."
            ) from None
        raise SourceError(
            f"{self.source}: {method} {endpoint} still failing after "
            f"{self.retry.max_attempts} attempts ({last_problem}). The vendor may be down; "
            f"re-run later — nothing past the last landed page was recorded as synced."
        )

    # -- helpers -------------------------------------------------------------------------

    def _outcome_unknown(self, method: str, endpoint: str, problem: str) -> WriteOutcomeUnknown:
        return WriteOutcomeUnknown(
            f"{self.source}: {method} {endpoint} may or may not have been applied ({problem}); "
            "look the record up before trying again."
        )

    def _check_deadline(self, deadline: float) -> None:
        now = self.clock()
        if now >= self._sync_deadline:
            raise _DeadlinePassed(
                f"the sync deadline of {self.limits.sync_deadline_seconds:g}s passed "
                f"({SYNC_DEADLINE_ENV})"
            )
        if now >= deadline:
            raise _DeadlinePassed(
                f"the request deadline of {self.limits.request_deadline_seconds:g}s passed "
                f"({REQUEST_DEADLINE_ENV})"
            )

    def _read_body(self, response: requests.Response, deadline: float) -> bytes:
        """The whole body, checking the deadline between socket reads: the read timeout
        applies to one read, so a server sending a byte every few seconds would otherwise
        never time out.

        `read1` returns what one socket read delivered (up to 1 MB): large reads, so in a
        sync's fetch thread the GIL is not handed back and forth with the landing thread on
        every 10 KB (requests' default chunk), and a slow body is noticed between reads.
        """
        if getattr(response, "_content_consumed", False) and isinstance(response._content, bytes):
            return response._content  # a response hook (session.hooks) already read it
        raw = response.raw
        chunks: list[bytes] = []
        try:
            while True:
                chunk = raw.read1(_BODY_READ_BYTES, decode_content=True)
                if not chunk:
                    break
                chunks.append(chunk)
                if self.clock() >= deadline:
                    raw.close()  # the rest of the body is abandoned with the connection
                    self._check_deadline(deadline)
        finally:
            response._content_consumed = True  # type: ignore[attr-defined]
        body = b"".join(chunks)
        response._content = body  # type: ignore[attr-defined]
        return body

    def _spend_retry(self, problem: str) -> None:
        if self.stats.retries >= self.limits.retry_budget:
            raise _DeadlinePassed(
                f"this sync spent its budget of {self.limits.retry_budget} retries "
                f"({RETRY_BUDGET_ENV})"
            )
        self.stats.retries += 1

    def _backoff(self, attempt: int, endpoint: str, problem: str, deadline: float) -> None:
        if attempt >= self.retry.max_attempts:
            return
        self._spend_retry(problem)
        delay = min(
            self.retry.backoff_max_seconds, self.retry.backoff_base_seconds * 2 ** (attempt - 1)
        )
        delay *= 0.5 + random.random() / 2  # jitter: many workers must not retry in lock-step
        log.warning(
            "%s: %s on %s; retry %d in %.1fs", self.source, problem, endpoint, attempt, delay
        )
        self._wait(delay, deadline)

    def _retry_after(self, response: requests.Response) -> float:
        raw = response.headers.get("Retry-After", "")
        try:
            seconds = float(raw)
        except ValueError:
            seconds = self.rate_limit_window_seconds or 10.0
        if seconds > self.retry.max_retry_after_seconds:
            raise SourceError(
                f"{self.source}: rate limited with Retry-After {seconds:g}s, above the "
                f"{self.retry.max_retry_after_seconds:g}s this connector waits; re-run later."
            )
        return max(seconds, 0.0)

    def _respect_rate_limit_headers(self, response: requests.Response) -> None:
        remaining = response.headers.get("X-RateLimit-Remaining")
        if remaining is not None and self.rate_limit_window_seconds:
            try:
                if int(remaining) <= 0:
                    self._wait(self._window_reset_seconds(response))
            except ValueError:
                pass

    def _window_reset_seconds(self, response: requests.Response) -> float:
        """How long until the vendor's window resets: `X-RateLimit-Reset` when it says so
        (seconds to go, or an epoch second), else a whole window. Limits differ per
        integration, so the headers decide, never a hard-coded budget."""
        window = float(self.rate_limit_window_seconds or 0.0)
        raw = response.headers.get("X-RateLimit-Reset")
        try:
            value = float(raw) if raw is not None else None
        except ValueError:
            value = None
        if value is None:
            return window
        if value > 1_000_000_000:  # an epoch timestamp
            value -= time.time()
        return min(max(value, 0.0), window) if window else max(value, 0.0)

    def _wait(self, seconds: float, deadline: float | None = None) -> None:
        limit = self._sync_deadline if deadline is None else min(deadline, self._sync_deadline)
        if self.clock() + seconds >= limit:
            # Waiting would end past the deadline: give up now rather than sleep for nothing.
            self._check_deadline(self.clock())
        self.stats.waited_seconds += seconds
        self.sleep(seconds)


def require_https_unless_loopback(source: str, base_url: str) -> None:
    """Refuse to send credentials over plain HTTP, except to loopback test servers."""
    parts = urlsplit(base_url)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS:
        return
    raise SourceConfigError(
        f"{source}: base URL must be https:// (plain http is only allowed for loopback test "
        f"servers); got scheme {parts.scheme!r} for host {parts.hostname!r}."
    )


def _looks_like_html(response: requests.Response, body: bytes) -> bool:
    content_type = response.headers.get("Content-Type", "").lower()
    return "html" in content_type or body.lstrip()[:1] == b"<"


def _never_sent(exc: BaseException) -> bool:
    """True when the connection failed before the request could reach the vendor (refused or
    unresolvable), so resending a create cannot duplicate it."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, urllib3.exceptions.NewConnectionError | ConnectionRefusedError):
            return True
        if isinstance(current, urllib3.exceptions.MaxRetryError) and current.reason is not None:
            current = current.reason
            continue
        current = (
            current.__cause__
            or current.__context__
            or (
                current.args[0]
                if current.args and isinstance(current.args[0], BaseException)
                else None
            )
        )
    return False


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _can_remint(auth: Any) -> bool:
    return callable(getattr(auth, "invalidate", None))


def _short_error(response: requests.Response, base_url_env: str | None = None) -> str:
    """The vendor's error type/message, truncated; vendors do not echo personal data here."""
    if _looks_like_html(response, response.content or b""):
        return f"an HTML page, not the API: check {base_url_env or 'the base URL'}"
    try:
        body = response.json()
    except ValueError:
        return response.reason or "no body"
    if isinstance(body, dict):
        for key in ("message", "error", "errors"):
            if key in body:
                return str(body[key])[:200]
    return response.reason or "error"


class HeaderAuth(requests.auth.AuthBase):
    """Sends a secret in one request header (`Authorization: Bearer …`, `X-Api-Key: …`).

    A plain class, not a dataclass: its repr must never show the secret."""

    def __init__(self, header: str, value: str) -> None:
        self._header = header
        self._value = value

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers[self._header] = self._value
        return request


class OAuthClientCredentials(requests.auth.AuthBase):
    """OAuth 2.0 client credentials: mint a bearer token, cache it in memory, mint anew
    shortly before it expires and whenever the client reports a 401 (`invalidate`).

    The token request uses HTTP Basic `client_id:client_secret` and the form
    `grant_type=client_credentials` (plus `sub=<user id>` when the vendor acts on behalf of a
    user). The reply's `expires_at` (ISO-8601) wins, else `expires_in` (seconds), else one
    hour. A plain class, not a dataclass: neither the secret nor the token may show in a repr.
    `env_names` names the variables an operator fixes, for messages that never show values.
    """

    def __init__(
        self,
        source: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        subject: str | None = None,
        *,
        env_names: str = "the client id and secret",
        refresh_margin_seconds: float = 120.0,
        timeout: tuple[float, float] = (5.0, 30.0),
        clock: Callable[[], float] = time.time,
        scope_hint: Callable[[str], str] | None = None,
    ) -> None:
        require_https_unless_loopback(source, token_url)
        self._source = source
        self._token_url = token_url
        self._client = (client_id, client_secret)
        self._subject = subject
        self._env_names = env_names
        self._margin = refresh_margin_seconds
        self._timeout = timeout
        self._clock = clock
        self._scope_hint = scope_hint
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()
        self._session = requests.Session()
        self._session.trust_env = False
        env = self._session.merge_environment_settings(token_url, {}, None, None, None)
        self._session.proxies.update(env["proxies"])
        self._session.verify = env["verify"]
        self.minted = 0  # tokens minted (a count for metadata and tests)

    def __repr__(self) -> str:
        return f"OAuthClientCredentials(source={self._source!r})"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token()}"
        return request

    def invalidate(self) -> None:
        with self._lock:
            self._token = None
            self._expires_at = 0.0

    def token(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at - self._margin:
                self._token, self._expires_at = self._mint()
            return self._token

    def explain_refusal(self, status: int, endpoint: str) -> str:
        if status == 401:
            return (
                "The access token was refused even after minting a new one: check "
                f"{self._env_names} (the credential may have been revoked or deleted)."
            )
        hint = self._scope_hint(endpoint) if self._scope_hint else "the scope for this endpoint"
        return (
            f"Likely cause: the credential lacks {hint}, or the user it acts for is not a Site "
            f"Admin. Fix the credential's scopes or the user in {self._env_names}."
        )

    def _mint(self) -> tuple[str, float]:
        form = {"grant_type": "client_credentials"}
        if self._subject:
            form["sub"] = self._subject
        problem = "no attempt made"
        for attempt in range(3):
            try:
                response = self._session.post(
                    self._token_url, data=form, auth=self._client, timeout=self._timeout
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                problem = type(exc).__name__
                time.sleep(0.2 * (attempt + 1))
                continue
            if response.status_code >= 500 or response.status_code == 429:
                problem = f"HTTP {response.status_code}"
                time.sleep(0.2 * (attempt + 1))
                continue
            if response.status_code != 200:
                # The token endpoint's body may echo the client id; never put it in messages.
                raise SourceAuthError(
                    f"{self._source}: the token endpoint refused the client credentials with "
                    f"HTTP {response.status_code}. Check {self._env_names}."
                )
            try:
                body = response.json()
                token = body["access_token"]
            except (ValueError, KeyError, TypeError):
                problem = "a reply without access_token"
                continue
            if not isinstance(token, str) or not token:
                problem = "an empty access_token"
                continue
            self.minted += 1
            return token, self._expiry(body)
        raise SourceError(
            f"{self._source}: could not mint an access token ({problem}); the token endpoint may "
            "be down, re-run later."
        )

    def _expiry(self, body: Mapping[str, Any]) -> float:
        now = self._clock()
        raw = body.get("expires_at")
        if isinstance(raw, str) and raw:
            try:
                moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=UTC)
                return moment.timestamp()
            except ValueError:
                pass
        seconds = body.get("expires_in")
        if isinstance(seconds, int | float) and not isinstance(seconds, bool) and seconds > 0:
            return now + float(seconds)
        return now + 3600.0


def basic_key_as_user(secret: str) -> tuple[str, str]:
    """HTTP Basic auth with the key as user name and an empty password."""
    return (secret, "")


def bearer_token(secret: str) -> HeaderAuth:
    return HeaderAuth("Authorization", f"Bearer {secret}")


def x_api_key(secret: str) -> HeaderAuth:
    return HeaderAuth("X-Api-Key", secret)


@dataclass(frozen=True)
class VendorApi:
    """Everything that differs between the vendors' HTTP clients, as data.

    `authorize` turns the secret read from `credentials_env` into whatever `requests` accepts
    as `auth`: a (user, password) tuple or any `requests.auth.AuthBase`. An OAuth
    client-credentials flow is such an `AuthBase` (it swaps the client secret for a token
    and refreshes it), so it plugs in here without touching `ApiClient` or the connectors.
    """

    source: str
    default_base_url: str
    base_url_env: str
    credentials_env: str
    authorize: Callable[[str], Any]
    # Greenhouse-style fixed windows: pause for this long when the vendor reports none left.
    rate_limit_window_seconds: float | None = None

    def make_client(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> ApiClient:
        """The vendor's client from explicit arguments, else its env vars, else the vendor's
        real base URL. `api_key` is the secret `authorize` receives (key, token or client
        secret)."""
        secret = api_key if api_key is not None else os.environ.get(self.credentials_env)
        if not secret:
            raise SourceConfigError(
                f"{self.source}: no credentials — set env var {self.credentials_env}."
            )
        optional: dict[str, Any] = {}
        if retry is not None:
            optional["retry"] = retry
        if sleep is not None:
            optional["sleep"] = sleep
        return ApiClient(
            source=self.source,
            base_url=base_url or os.environ.get(self.base_url_env) or self.default_base_url,
            credentials_env=self.credentials_env,
            auth=self.authorize(secret),
            rate_limit_window_seconds=self.rate_limit_window_seconds,
            **optional,
        )
