"""One HTTP client for every vendor connector.

Why one client: every source needs the same hard parts done right — timeouts, retries with
backoff on connection errors / 5xx / truncated bodies, honouring 429 + Retry-After and
rate-limit headers, and error messages that name the source and the env var to fix without
echoing secrets or personal data. Vendor modules only describe paging and mapping.
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

log = logging.getLogger(__name__)

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_BODY_READ_BYTES = 1 << 20


class SourceError(RuntimeError):
    """A source could not be read. Messages name the source and the fix, never data values."""


class SourceAuthError(SourceError):
    """The vendor rejected the credentials (401/403)."""


class SourceConfigError(SourceError):
    """The connector is misconfigured (missing env var, unsafe URL...)."""


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
    timeout: tuple[float, float] = (5.0, 60.0)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Callable[[float], None] = time.sleep
    stats: ClientStats = field(default_factory=ClientStats)
    # Proactively pause when the vendor says the window is exhausted (Greenhouse: 10 s windows).
    rate_limit_window_seconds: float | None = None

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
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
    ) -> tuple[Any, requests.Response]:
        """Send one request; return (decoded JSON, response). Retries what is worth retrying."""
        url = self.url(path_or_url)
        endpoint = urlsplit(url).path  # for messages: never the query (may hold emails)
        last_problem = "no attempt made"
        reminted = False
        for attempt in range(1, self.retry.max_attempts + 1):
            self.stats.requests += 1
            try:
                response = self.session.request(
                    method, url, params=params, json=json_body, timeout=self.timeout, stream=True
                )
                if response.status_code in ok_statuses:
                    # Read the body in large reads: requests reads 10 KB at a time, and in a
                    # sync's fetch thread every read hands the GIL back and forth with the
                    # landing thread (~100 waits per 1 MB page).
                    # The body is consumed here: callers get the decoded payload and use the
                    # response only for its status and headers (Link, rate limits).
                    body = b"".join(response.iter_content(_BODY_READ_BYTES))
                    # orjson: decoding is the hottest step of a sync; raises on a truncated body
                    payload = orjson.loads(body)
                    self._respect_rate_limit_headers(response)
                    return payload, response
                # Read the (small) error body now: it frees the keep-alive connection for the
                # retry, and a broken body is retried like any other network error.
                response.content  # noqa: B018
            except (
                requests.ConnectionError,
                requests.Timeout,
                requests.exceptions.ChunkedEncodingError,
                json.JSONDecodeError,
                orjson.JSONDecodeError,
                requests.exceptions.JSONDecodeError,
            ) as exc:
                last_problem = f"{type(exc).__name__} (network error or truncated body)"
                self._backoff(attempt, endpoint, last_problem)
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
                    self._wait(wait)
                    self.stats.retries += 1
                continue
            if status >= 500:
                last_problem = f"HTTP {status} server error"
                self._backoff(attempt, endpoint, last_problem)
                continue
            # Other 4xx: our request is wrong; retrying will not help.
            raise SourceError(
                f"{self.source}: {method} {endpoint} failed with HTTP {status}: "
                f"{_short_error(response)}"
            )
        raise SourceError(
            f"{self.source}: {method} {endpoint} still failing after "
            f"{self.retry.max_attempts} attempts ({last_problem}). The vendor may be down; "
            f"re-run later — nothing past the last landed page was recorded as synced."
        )

    # -- helpers -------------------------------------------------------------------------

    def _backoff(self, attempt: int, endpoint: str, problem: str) -> None:
        if attempt >= self.retry.max_attempts:
            return
        delay = min(
            self.retry.backoff_max_seconds, self.retry.backoff_base_seconds * 2 ** (attempt - 1)
        )
        delay *= 0.5 + random.random() / 2  # jitter: many workers must not retry in lock-step
        log.warning(
            "%s: %s on %s; retry %d in %.1fs", self.source, problem, endpoint, attempt, delay
        )
        self.stats.retries += 1
        self._wait(delay)

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

    def _wait(self, seconds: float) -> None:
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


def _can_remint(auth: Any) -> bool:
    return callable(getattr(auth, "invalidate", None))


def _short_error(response: requests.Response) -> str:
    """The vendor's error type/message, truncated; vendors do not echo personal data here."""
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
