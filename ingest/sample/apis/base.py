"""Shared plumbing for the loopback fake vendor APIs.

Each vendor server is a :class:`SampleApiServer` subclass that owns a stdlib
``ThreadingHTTPServer`` running in a daemon thread. The request handler turns the raw HTTP
request into a :class:`Request`, applies any injected fault, otherwise asks the vendor's
``handle`` for a :class:`Reply` and writes it as JSON.

Privacy: nothing here logs request bodies, query values or record contents. The optional
verbose log line names the vendor, method, path (without query string) and status only.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import contextlib
import hashlib
import hmac
import json
import socket
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

FAULT_KINDS: tuple[str, ...] = ("429", "500", "502", "503", "truncated", "401", "reset")
"""Faults accepted by :meth:`SampleApiServer.inject_faults`."""

STATUS_RESET = 0
"""Status recorded in ``request_log`` for a connection closed without a reply."""


@dataclass(frozen=True)
class SampleApiSettings:
    """Knobs of the sample API servers. Defaults mirror the vendors' documented behaviour."""

    api_key: str = "sample-api-key"
    # Greenhouse Harvest v3: X-RateLimit-Limit requests per fixed 30-second window.
    greenhouse_rate_limit: int = 150
    greenhouse_window_seconds: float = 30.0
    # Greenhouse OAuth client credentials (the client secret is `api_key`), the Site Admin
    # user calls run on behalf of, and how long a minted token lives.
    greenhouse_client_id: str = "sample-client-id"
    greenhouse_user_id: str = "900001"
    greenhouse_token_ttl_seconds: float = 3600.0
    # Lever: token bucket, about 10 requests/s with bursts.
    lever_rate_per_second: float = 10.0
    lever_burst: int = 20
    # PDL: requests per fixed window (a minute on the real API).
    pdl_rate_limit_per_minute: int = 100
    pdl_window_seconds: float = 60.0
    # Seconds announced in Retry-After on every 429 (rate limit or injected fault).
    retry_after: int = 1
    # Ashby: a syncToken older than this is answered with sync_token_expired.
    ashby_sync_token_max_age_seconds: float = 7 * 24 * 3600.0
    # Ashby: an incremental (syncToken) sync matching more records than this fails with
    # incremental_sync_too_large.
    ashby_incremental_sync_max_records: int = 100_000
    # Eventbrite: attendees per page (the real API uses 50).
    eventbrite_page_size: int = 50
    # Fixed ports (0 = any free port chosen by the OS).
    greenhouse_port: int = 0
    lever_port: int = 0
    ashby_port: int = 0
    eventbrite_port: int = 0
    pdl_port: int = 0
    # One line per request on stderr (vendor, method, path without query, status).
    verbose: bool = False


# --------------------------------------------------------------------------------------------
# Requests and replies


@dataclass
class Request:
    method: str
    path: str  # without query string, e.g. "/v1/candidates"
    raw_query: str
    query_pairs: list[tuple[str, str]]
    headers: Message
    body: bytes
    origin: str  # "http://host:port" as addressed by the client (Host header)

    @property
    def path_with_query(self) -> str:
        return f"{self.path}?{self.raw_query}" if self.raw_query else self.path

    def arg(self, name: str) -> str | None:
        """First value of query parameter ``name`` (None when absent)."""
        for key, value in self.query_pairs:
            if key == name:
                return value
        return None

    def json_body(self) -> Any:
        """Parsed JSON body ({} when empty). Raises ValueError on malformed JSON."""
        if not self.body.strip():
            return {}
        return json.loads(self.body.decode("utf-8"))


class EncodedJsonArray(list):
    """A reply body that is a JSON array of records already encoded as bytes.

    Why: serving large feeds, re-encoding every record on every page request made the fake
    server (not the connector under test) the bottleneck of throughput benchmarks.
    """


class EncodedJson(bytes):
    """A reply body already encoded as JSON bytes (sent as is)."""


def object_with_records(
    fields: dict[str, Any], list_key: str, records: EncodedJsonArray
) -> EncodedJson:
    """`{list_key: [records...], **fields}` as JSON bytes, splicing pre-encoded records."""
    head = b'{"' + list_key.encode() + b'":[' + b",".join(records) + b"]"
    rest = json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return EncodedJson(head + (b"," + rest[1:] if fields else b"}"))


def _encode_record(record: Any) -> bytes:
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode()


def records_after(records: list[dict[str, Any]], after: Any) -> list[dict[str, Any]]:
    """The id-ordered `records` strictly after id `after` (binary search, not a scan)."""
    if after is None:
        return records
    bound = id_sort_key(after)
    start = bisect.bisect_right(records, bound, key=lambda r: id_sort_key(r.get("id")))
    return records[start:]


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, EncodedJson):
            return bytes(self.body)
        if isinstance(self.body, EncodedJsonArray):
            return b"[" + b",".join(self.body) + b"]"
        return json.dumps(self.body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class ApiError(Exception):
    """Raised inside a vendor handler to answer with the vendor's error format."""

    def __init__(
        self, status: int, code: str, message: str, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra or {}


# --------------------------------------------------------------------------------------------
# Auth helpers


def basic_auth_credentials(headers: Message) -> tuple[str, str] | None:
    """(user, password) from an ``Authorization: Basic`` header, or None."""
    value = headers.get("Authorization") or ""
    scheme, _, encoded = value.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    user, sep, password = decoded.partition(":")
    if not sep:
        return None
    return user, password


def bearer_token(headers: Message) -> str | None:
    value = headers.get("Authorization") or ""
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def same_secret(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


# --------------------------------------------------------------------------------------------
# Faults and rate limits


class FaultQueue:
    """Thread-safe FIFO of injected faults; each request consumes at most one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[str] = deque()

    def push(self, faults: Iterable[str]) -> None:
        items = [str(f) for f in faults]
        unknown = [f for f in items if f not in FAULT_KINDS]
        if unknown:
            raise ValueError(f"unknown fault kind(s) {unknown}; expected one of {FAULT_KINDS}")
        with self._lock:
            self._queue.extend(items)

    def pop(self) -> str | None:
        with self._lock:
            return self._queue.popleft() if self._queue else None

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    def pending(self) -> list[str]:
        with self._lock:
            return list(self._queue)


class FixedWindowLimiter:
    """``limit`` requests per fixed window of ``window_seconds``; a window opens with the first
    request after the previous one ended (so the budget is fully restored after a quiet window).
    """

    def __init__(
        self, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._window_start = clock()
        self._used = 0

    def _roll(self, now: float) -> None:
        if now - self._window_start >= self.window_seconds:
            self._window_start = now
            self._used = 0

    def acquire(self) -> tuple[bool, int]:
        """Count one request. Returns (allowed, remaining after this request)."""
        with self._lock:
            self._roll(self._clock())
            if self._used >= self.limit:
                return False, 0
            self._used += 1
            return True, self.limit - self._used

    def remaining(self) -> int:
        with self._lock:
            self._roll(self._clock())
            return max(0, self.limit - self._used)

    def headers(self, remaining: int) -> dict[str, str]:
        """The X-RateLimit-* pair that announces this window (Greenhouse and PDL send it)."""
        return {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": str(remaining)}

    def seconds_to_reset(self) -> float:
        """Seconds until the current window ends (Greenhouse's X-RateLimit-Reset)."""
        with self._lock:
            return max(0.0, self.window_seconds - (self._clock() - self._window_start))


class TokenBucketLimiter:
    """``rate`` tokens per second, at most ``burst`` saved up."""

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens = float(self.burst)
        self._last = clock()

    def acquire(self) -> tuple[bool, int]:
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
            self._last = now
            if self._tokens < 1.0:
                return False, 0
            self._tokens -= 1.0
            return True, int(self._tokens)


# --------------------------------------------------------------------------------------------
# Opaque signed tokens (cursors, continuation, sync tokens)


class TokenSigner:
    """Encodes small JSON states as URL-safe opaque tokens with an HMAC tag.

    The key derives from the vendor name and API key, so tokens survive a server restart
    (a connector may store a sync token between runs) but cannot be forged by editing.
    """

    def __init__(self, purpose: str, secret: str) -> None:
        self._key = hashlib.sha256(f"sample-apis:{purpose}:{secret}".encode()).digest()

    def dumps(self, state: dict[str, Any]) -> str:
        payload = json.dumps(state, separators=(",", ":"), sort_keys=True).encode()
        tag = hmac.new(self._key, payload, hashlib.sha256).digest()[:12]
        return base64.urlsafe_b64encode(tag + payload).decode().rstrip("=")

    def loads(self, token: str | None) -> dict[str, Any] | None:
        """The state, or None when the token is malformed or was not signed by us."""
        if not token or not isinstance(token, str):
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            return None
        tag, payload = raw[:12], raw[12:]
        expected = hmac.new(self._key, payload, hashlib.sha256).digest()[:12]
        if len(tag) != 12 or not hmac.compare_digest(tag, expected):
            return None
        try:
            state = json.loads(payload)
        except ValueError:
            return None
        return state if isinstance(state, dict) else None


# --------------------------------------------------------------------------------------------
# Records


def id_sort_key(value: Any) -> tuple[int, int, str]:
    """Numeric ids sort numerically, others as strings, numerics first."""
    text = str(value)
    if text.isdigit():
        return (0, int(text), "")
    return (1, 0, text)


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    """Objects of a JSONL file ([] when the file does not exist)."""
    if not path.exists():
        return []
    records: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise ValueError(f"{path.name}: line {line_number} is not valid JSON") from exc
            if not isinstance(record, dict):
                raise ValueError(f"{path.name}: line {line_number} is not a JSON object")
            records.append(record)
    return records


def parse_iso(value: Any) -> datetime | None:
    """Aware datetime from an ISO-8601 string (naive values are taken as UTC); None if unusable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def iso_z(moment: datetime) -> str:
    """``2026-11-01T12:00:00.000Z`` style UTC string."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# --------------------------------------------------------------------------------------------
# Server


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    api: SampleApiServer

    def __init__(self, address: tuple[str, int], api: SampleApiServer) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.api = api
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_open_connections(self) -> None:
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SampleVendorAPI/1.0"
    sys_version = ""
    server: _HttpServer

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: the stdlib line would contain the query string (personal data)."""

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size_line = self.rfile.readline(1024).split(b";", 1)[0].strip()
                size = int(size_line or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024).strip():
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(8)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self) -> None:
        api = self.server.api
        parts = urlsplit(self.path)
        host = self.headers.get("Host") or api.netloc
        request = Request(
            method=self.command,
            path=parts.path or "/",
            raw_query=parts.query,
            query_pairs=parse_qsl(parts.query, keep_blank_values=True),
            headers=self.headers,
            body=self._read_body(),
            origin=f"http://{host}",
        )
        fault = api.faults.pop()
        if fault == "reset":
            api.record(request, STATUS_RESET)
            self._reset()
            return
        if fault == "truncated":
            api.record(request, 200)
            self._send_truncated(api)
            return
        reply = api.fault_reply(fault) if fault is not None else api.dispatch(request)
        api.record(request, reply.status)
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        body = reply.encoded()
        self.send_response(reply.status)
        if reply.body is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_truncated(self, api: SampleApiServer) -> None:
        """200 with a Content-Length of the full JSON body, then half of it, then close."""
        body = Reply(200, api.truncated_payload()).encoded()
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        for name, value in api.fault_headers().items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()

    def _reset(self) -> None:
        """Close the TCP connection with an RST and no HTTP reply at all."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        with contextlib.suppress(OSError):
            self.connection.close()


class SampleApiServer:
    """A vendor server: feed data in memory, fault queue, request log, HTTP thread."""

    vendor: str = "vendor"
    base_path: str = ""  # path prefix of the vendor's base URL, e.g. "/v1"

    def __init__(
        self, feed_dir: Path, settings: SampleApiSettings, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.settings = settings
        self.feed_dir = Path(feed_dir)
        self.faults = FaultQueue()
        self.request_log: list[tuple[str, str, int]] = []
        self._log_lock = threading.Lock()
        self._data_lock = threading.RLock()
        self._records: dict[str, list[dict[str, Any]]] = {}
        # Caches for big feeds: filtered lists per (entity, filter key) and encoded records,
        # both dropped whenever an entity's records change.
        self._versions: dict[str, int] = {}
        self._filtered: dict[tuple[str, Any], tuple[int, list[dict[str, Any]]]] = {}
        self._encoded: dict[int, bytes] = {}
        self.load()
        self._httpd = _HttpServer((host, port), self)
        self._thread: threading.Thread | None = None
        bound_host = self._httpd.server_address[0]
        display = "127.0.0.1" if bound_host in ("0.0.0.0", "") else bound_host
        if display == "::":
            display = "::1"
        display = f"[{display}]" if ":" in display else display
        self.netloc = f"{display}:{self.port}"

    # ----- lifecycle

    def start(self) -> SampleApiServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.1},
                name=f"sample-api-{self.vendor}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.close_open_connections()
        self._httpd.server_close()

    def __enter__(self) -> SampleApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def root_url(self) -> str:
        return f"http://{self.netloc}"

    @property
    def base_url(self) -> str:
        return self.root_url + self.base_path

    # ----- data

    def load(self) -> None:
        """Load the vendor's JSONL files (override; call ``set_records`` per entity)."""

    def set_records(self, entity: str, records: Iterable[dict[str, Any]]) -> None:
        with self._data_lock:
            for old in self._records.get(entity, ()):
                self._encoded.pop(id(old), None)
            self._records[entity] = sorted(records, key=lambda r: id_sort_key(r.get("id")))
            self._versions[entity] = self._versions.get(entity, 0) + 1
            self._filtered = {k: v for k, v in self._filtered.items() if k[0] != entity}
            # Encode every record now rather than on its first request: a real vendor serves
            # pages fast, and lazily encoding here made the fake server's first pass through a
            # big feed (what a throughput benchmark measures) slower than the connector.
            # Keyed by id(): valid because the stored list keeps each record alive.
            for record in self._records[entity]:
                self._encoded[id(record)] = _encode_record(record)

    def filtered_records(self, entity: str, key: Any, predicate: Any) -> list[dict[str, Any]]:
        """Records matching `predicate`, cached per filter `key` (pages of one listing share
        it, so paging through N records costs O(N) once, not once per page)."""
        with self._data_lock:
            version = self._versions.get(entity, 0)
            cached = self._filtered.get((entity, key))
            if cached is not None and cached[0] == version:
                return cached[1]
            result = [r for r in self._records.get(entity, []) if predicate(r)]
            self._filtered[(entity, key)] = (version, result)
            return result

    def encode_records(self, records: Iterable[dict[str, Any]]) -> EncodedJsonArray:
        """Records as JSON bytes (stored records were encoded once, when they were set)."""
        out = EncodedJsonArray()
        with self._data_lock:
            for record in records:
                blob = self._encoded.get(id(record))
                # A record built by a handler (not a stored one) is encoded every time: caching
                # it by id() could serve a stale blob once the object is freed and id reused.
                out.append(blob if blob is not None else _encode_record(record))
        return out

    def records(self, entity: str) -> list[dict[str, Any]]:
        """Snapshot (shallow copy of the list) of an entity's records, in id order."""
        with self._data_lock:
            return list(self._records.get(entity, []))

    def upsert_record(self, entity: str, record: dict[str, Any]) -> None:
        """Insert or replace (by ``id``) one record, e.g. to simulate a change between syncs."""
        with self._data_lock:
            current = [r for r in self._records.get(entity, []) if r.get("id") != record.get("id")]
            current.append(record)
            self.set_records(entity, current)

    # ----- faults and log

    def inject_faults(self, faults: Iterable[str]) -> None:
        """Queue faults applied to the next requests, one per request, in order."""
        self.faults.push(faults)

    def clear_faults(self) -> None:
        self.faults.clear()

    def record(self, request: Request, status: int) -> None:
        with self._log_lock:
            self.request_log.append((request.method, request.path_with_query, status))
        if self.settings.verbose:
            print(
                f"[sample-api {self.vendor}] {request.method} {request.path} -> {status}",
                file=sys.stderr,
                flush=True,
            )

    def clear_request_log(self) -> None:
        with self._log_lock:
            self.request_log.clear()

    # ----- replies

    def dispatch(self, request: Request) -> Reply:
        try:
            return self.handle(request)
        except ApiError as exc:
            return self.api_error_reply(exc)
        except Exception as exc:  # a fake server must answer, not die
            if self.settings.verbose:
                print(
                    f"[sample-api {self.vendor}] internal error {type(exc).__name__}",
                    file=sys.stderr,
                    flush=True,
                )
            return self.error_reply(500, "internal_error", "Internal server error")

    def handle(self, request: Request) -> Reply:
        raise ApiError(404, "not_found", "Not found")

    def error_reply(self, status: int, code: str, message: str) -> Reply:
        """The vendor's error body (override)."""
        return Reply(status, {"error": code, "message": message})

    def api_error_reply(self, exc: ApiError) -> Reply:
        reply = self.error_reply(exc.status, exc.code, exc.message)
        if exc.extra and isinstance(reply.body, dict):
            reply.body.update(exc.extra)
        return reply

    def rate_limited_reply(self, extra_headers: dict[str, str] | None = None) -> Reply:
        reply = self.error_reply(429, "rate_limited", "Rate limit exceeded")
        reply.headers["Retry-After"] = str(self.settings.retry_after)
        reply.headers.update(extra_headers or {})
        return reply

    def fault_headers(self) -> dict[str, str]:
        """Headers every reply carries, also injected-fault replies (override)."""
        return {}

    def within_window(
        self, request: Request, limiter: FixedWindowLimiter, route: Callable[[Request], Reply]
    ) -> Reply:
        """Count the request against a fixed window, then route it; every reply, the 429 and
        vendor errors included, announces the window in its X-RateLimit-* headers."""
        allowed, remaining = limiter.acquire()
        headers = limiter.headers(remaining)
        if not allowed:
            return self.rate_limited_reply(headers)
        try:
            reply = route(request)
        except ApiError as exc:
            reply = self.api_error_reply(exc)
        reply.headers.update(headers)
        return reply

    def fault_reply(self, fault: str) -> Reply:
        if fault == "429":
            return self.rate_limited_reply(self.fault_headers())
        if fault == "401":
            reply = self.error_reply(401, "unauthorized", "Invalid credentials")
        else:
            reply = self.error_reply(int(fault), "server_error", f"Injected HTTP {fault}")
        reply.headers.update(self.fault_headers())
        return reply

    def truncated_payload(self) -> Any:
        """JSON document whose first half is sent by the "truncated" fault."""
        return {"data": [{"id": i, "note": "sample truncated reply"} for i in range(20)]}
