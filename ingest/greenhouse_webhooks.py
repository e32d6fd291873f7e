"""Greenhouse web-hook receiver: verify, dedupe and spool job events to disk (no database).

Why a spool folder and not a DuckDB insert: DuckDB allows ONE writing process. A receiver that
opened the database would either hold the write lock against the nightly pipeline or fail its
deliveries while the pipeline runs. Instead each verified delivery becomes one small JSON file,
written atomically (temp file + hard link, which fails if the name exists) into
`<spool>/incoming/`; the Dagster asset `raw/greenhouse_webhook_events` lands the files into
DuckDB inside the `duckdb_write` pool and moves them to `<spool>/landed/`. The req-open sensor
also reads `incoming/` directly, so an opened job triggers a run without waiting for a sync.

Wire format (SOURCES.md): POST `{"action": "...", "payload": {...}}`, header
`Signature: sha256 <hex>` = HMAC-SHA256 of the raw body with the hook's secret, verified BEFORE
parsing; `Greenhouse-Event-ID` identifies a delivery and Greenhouse retries failed deliveries,
so the file name is derived from it and a replay is acknowledged without a second file.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any

from checks import greenhouse_webhooks as webhook_contract

SECRET_ENV = "GREENHOUSE_WEBHOOK_SECRET"

# The actions we spool (the landing contract owns the lists): job events open and update reqs;
# Harvest v3 has no deleted list, so deletions, merges and anonymisation reach us only here,
# spooled as ids only (the delivery's names and details are dropped on receipt).
JOB_ACTIONS = frozenset(webhook_contract.JOB_ACTIONS)
ERASURE_ACTIONS = frozenset(webhook_contract.ERASURE_ACTIONS)
SPOOLED_ACTIONS = JOB_ACTIONS | ERASURE_ACTIONS
DEFAULT_MAX_BODY_BYTES = 1_000_000  # a job payload is a few KB; anything near 1 MB is abuse
SIGNATURE_HEADER = "Signature"
EVENT_ID_HEADER = "Greenhouse-Event-ID"


class WebhookConfigError(RuntimeError):
    """The receiver cannot start (names the missing env var)."""


def secret_from_env() -> bytes:
    secret = os.environ.get(SECRET_ENV, "")
    if not secret:
        raise WebhookConfigError(f"set {SECRET_ENV} to the secret configured on the web hook")
    return secret.encode("utf-8")


def sign(body: bytes, secret: bytes) -> str:
    """The header value Greenhouse sends for `body` (used by tests and the demo sender)."""
    return "sha256 " + hmac.new(secret, body, hashlib.sha256).hexdigest()


def signature_is_valid(body: bytes, header: str | None, secret: bytes) -> bool:
    """Constant-time check of `Signature: sha256 <hex>` over the raw body bytes."""
    if not header:
        return False
    scheme, _, digest = header.strip().partition(" ")
    if scheme.lower() != "sha256" or not digest:
        return False
    digest = digest.strip().lower()
    if not digest.isascii():  # a header is attacker-controlled text: no 500 on odd bytes
        return False
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode("ascii"), digest.encode("ascii"))


def event_file_name(event_id: str) -> str:
    """A safe, fixed-length file name for a delivery id (ids are vendor-controlled text)."""
    return hashlib.sha256(event_id.encode("utf-8")).hexdigest()[:40] + ".json"


@dataclass(frozen=True)
class SpooledEvent:
    event_id: str
    action: str
    received_at: str
    body: dict[str, Any]
    path: Path


class WebhookSpool:
    """The folder pair `incoming/` (not yet in DuckDB) and `landed/` (in raw, kept for dedupe),
    plus `unreadable/` for files the landing could not read (quarantined with the reason)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.incoming = root / "incoming"
        self.landed = root / "landed"

    def ensure(self) -> None:
        self.incoming.mkdir(parents=True, exist_ok=True)
        self.landed.mkdir(parents=True, exist_ok=True)

    def seen(self, event_id: str) -> bool:
        name = event_file_name(event_id)
        return (self.incoming / name).exists() or (self.landed / name).exists()

    def write(self, event_id: str, action: str, body: dict[str, Any]) -> bool:
        """Spool one event atomically; False if this event id was already spooled."""
        self.ensure()
        if self.seen(event_id):
            return False
        envelope = {
            "event_id": event_id,
            "action": action,
            "received_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "body": body,
        }
        final = self.incoming / event_file_name(event_id)
        tmp = self.incoming / f".{final.name}.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_text(json.dumps(envelope, ensure_ascii=False), encoding="utf-8")
        try:
            os.link(tmp, final)  # atomic and exclusive: two concurrent replays → one file
        except FileExistsError:
            return False
        finally:
            tmp.unlink(missing_ok=True)
        return True

    def pending(self) -> Iterator[SpooledEvent]:
        """Events not yet landed, oldest file first; unreadable files are left out (see
        `unreadable`: the landing asset quarantines them)."""
        for item in self._scan():
            if isinstance(item, SpooledEvent):
                yield item

    def unreadable(self) -> list[tuple[Path, str]]:
        """(file, why) for spooled files that are not an envelope this spool wrote: a
        truncated write from a full disk, a file copied in by hand, another encoding."""
        return [item for item in self._scan() if not isinstance(item, SpooledEvent)]

    def _scan(self) -> Iterator[SpooledEvent | tuple[Path, str]]:
        if not self.incoming.is_dir():
            return
        for path in sorted(self.incoming.glob("*.json"), key=lambda p: (p.stat().st_mtime, p)):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                yield SpooledEvent(
                    event_id=str(data["event_id"]),
                    action=str(data["action"]),
                    received_at=str(data["received_at"]),
                    body=data["body"],
                    path=path,
                )
            except UnicodeDecodeError:
                yield path, "not UTF-8"
            except ValueError:
                yield path, "not JSON (truncated or not written by the receiver)"
            except (KeyError, TypeError):
                yield path, "JSON without event_id, action, received_at and body"
            except OSError as error:
                yield path, f"cannot be read ({type(error).__name__})"

    def set_aside(self, path: Path) -> Path:
        """Move an unreadable file to `unreadable/` (kept for a person to inspect, never
        retried)."""
        aside = self.root / "unreadable"
        aside.mkdir(parents=True, exist_ok=True)
        target = aside / path.name
        os.replace(path, target)
        return target

    def mark_landed(self, event: SpooledEvent) -> None:
        self.ensure()
        os.replace(event.path, self.landed / event.path.name)


def job_from_event(body: dict[str, Any]) -> dict[str, Any] | None:
    """The Greenhouse job object inside a job_* delivery (`payload.job`), if present."""
    payload = body.get("payload")
    if not isinstance(payload, dict):
        return None
    job = payload.get("job", payload)
    if not isinstance(job, dict) or job.get("id") is None:
        return None
    return job


def erasure_from_event(action: str, body: dict[str, Any]) -> dict[str, Any] | None:
    """The ids an erasure-type delivery carries, or None when they are missing.

    Web-hook payloads keep Greenhouse's older nested shape (not the v3 REST objects):
    `delete_candidate` / `merge_candidate` carry `payload.person` (`id`, `new_candidate_id` on a
    merge, `deleted_application_ids`), `candidate_anonymized` carries `payload.candidate_id` and
    `anonymized_fields`, `delete_application` `payload.application` (*unverified* shape: `id`
    and `candidate_id`, also accepted at the payload's top level)."""
    payload = body.get("payload")
    if not isinstance(payload, dict):
        return None
    if action in ("delete_candidate", "merge_candidate"):
        person = payload.get("person")
        if not isinstance(person, dict) or not _is_id(person.get("id")):
            return None
        found: dict[str, Any] = {
            "candidate_id": int(person["id"]),
            "deleted_application_ids": [
                int(a) for a in person.get("deleted_application_ids") or [] if _is_id(a)
            ],
        }
        if action == "merge_candidate":
            if not _is_id(person.get("new_candidate_id")):
                return None
            found["merged_into_candidate_id"] = int(person["new_candidate_id"])
        return found
    if action == "candidate_anonymized":
        if not _is_id(payload.get("candidate_id")):
            return None
        fields = payload.get("anonymized_fields") or []
        return {
            "candidate_id": int(payload["candidate_id"]),
            "anonymized_fields": [str(f) for f in fields if isinstance(f, str)],
        }
    if action == "delete_application":
        application = payload.get("application", payload)
        if not isinstance(application, dict) or not _is_id(application.get("id")):
            return None
        return {
            "application_id": int(application["id"]),
            "candidate_id": int(application["candidate_id"])
            if _is_id(application.get("candidate_id"))
            else None,
        }
    return None


def _is_id(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool) and value > 0) or (
        isinstance(value, str) and value.isdigit()
    )


# -- the receiver: uvicorn + Starlette ---------------------------------------------------------
#
# Why not the stdlib `http.server`: one thread per connection, no socket timeout and a listen
# backlog of 5 meant a slow client was never closed, idle connections each cost a thread and a
# burst of deliveries got connection resets, which a sender may not retry. Here one event loop
# serves every connection, and each way a client can hold the server is bounded:
# - headers: a connection must complete its request headers within `header_timeout` (uvicorn
#   itself only times out idle keep-alive connections, not a request dripped byte by byte);
# - body: the body must arrive within `body_timeout` (408), and a declared or streamed body
#   over `max_body_bytes` is refused before it is buffered (413);
# - connections: above `max_connections` a new connection is answered at once with
#   `503 Service Unavailable` and `Retry-After`, so Greenhouse retries the delivery later —
#   never a reset, which it could count as a failed delivery of a different kind;
# - anything malformed is a 4xx (a header that is not ASCII, JSON nested too deep), never 500.

DEFAULT_HEADER_TIMEOUT_SECONDS = 10.0
DEFAULT_BODY_TIMEOUT_SECONDS = 30.0
DEFAULT_MAX_CONNECTIONS = 512
DEFAULT_BACKLOG = 2048
RETRY_AFTER_SECONDS = 5
_OVERLOADED_BODY = b'{"status": 503, "message": "overloaded, retry later"}'
_OVERLOADED = (
    b"HTTP/1.1 503 Service Unavailable\r\n"
    + f"Retry-After: {RETRY_AFTER_SECONDS}\r\n".encode()
    + b"Content-Type: application/json\r\n"
    + f"Content-Length: {len(_OVERLOADED_BODY)}\r\n".encode()
    + b"Connection: close\r\n\r\n"
    + _OVERLOADED_BODY
)


class _BodyTooLarge(Exception):
    pass


def _reply(server: WebhookServer, status: HTTPStatus, message: str) -> Any:
    from starlette.responses import JSONResponse

    server.count(status)
    headers = {"Connection": "close"} if status >= 400 else {}
    if status == HTTPStatus.SERVICE_UNAVAILABLE:
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return JSONResponse({"status": status.value, "message": message}, status, headers)


async def _read_body(request: Any, limit: int) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def build_app(server: WebhookServer) -> Any:
    """The Starlette app: verify, dedupe, spool (the same rules as before, over ASGI)."""
    import asyncio

    from starlette.applications import Starlette
    from starlette.routing import Route

    async def receive(request: Any) -> Any:
        raw_length = request.headers.get("content-length")
        if raw_length is not None:
            if not raw_length.isdigit():
                return _reply(server, HTTPStatus.BAD_REQUEST, "bad Content-Length header")
            if int(raw_length) > server.max_body_bytes:
                # Refused before a byte of the body is read.
                return _reply(server, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body too large")
        try:
            body = await asyncio.wait_for(
                _read_body(request, server.max_body_bytes), server.body_timeout
            )
        except _BodyTooLarge:
            return _reply(server, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body too large")
        except TimeoutError:
            return _reply(server, HTTPStatus.REQUEST_TIMEOUT, "body not received in time")
        status, message = handle_delivery(
            server.spool,
            server.secret,
            body,
            request.headers.get(SIGNATURE_HEADER),
            request.headers.get(EVENT_ID_HEADER),
        )
        return _reply(server, status, message)

    return Starlette(routes=[Route("/{path:path}", receive, methods=["POST"])])


def handle_delivery(
    spool: WebhookSpool,
    secret: bytes,
    body: bytes,
    signature: str | None,
    event_id: str | None,
) -> tuple[HTTPStatus, str]:
    """What one delivery gets: verify the signature over the raw bytes BEFORE parsing, then
    dedupe on the event id and spool job and erasure events. Every outcome is a status, never
    an error."""
    if not signature_is_valid(body, signature, secret):
        return HTTPStatus.UNAUTHORIZED, "bad or missing Signature header"
    event_id = (event_id or "").strip()
    if not event_id:
        return HTTPStatus.BAD_REQUEST, f"missing {EVENT_ID_HEADER} header"
    try:
        parsed = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return HTTPStatus.BAD_REQUEST, "body is not valid JSON"
    if not isinstance(parsed, dict) or not isinstance(parsed.get("action"), str):
        return HTTPStatus.BAD_REQUEST, "body must be an object with an 'action'"
    action = parsed["action"]
    if action not in SPOOLED_ACTIONS:
        return HTTPStatus.ACCEPTED, "action ignored"
    if action in ERASURE_ACTIONS:
        erasure = erasure_from_event(action, parsed)
        if erasure is None:
            return HTTPStatus.BAD_REQUEST, f"{action} event without its ids"
        parsed = {"action": action, "payload": erasure}  # ids only: nothing personal kept
    elif job_from_event(parsed) is None:
        return HTTPStatus.BAD_REQUEST, "job event without payload.job.id"
    # The shape of the job itself is checked by the landing contract, which quarantines a bad
    # delivery with the reason: answering 400 here would only make Greenhouse retry it.
    if spool.write(event_id, action, parsed):
        return HTTPStatus.OK, "spooled"
    return HTTPStatus.OK, "duplicate delivery ignored"


def _protocol_class(server: WebhookServer) -> type:
    """uvicorn's h11 protocol with a header deadline per request and a connection bound."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class WebhookProtocol(H11Protocol):
        _rejected = False
        _header_timer: Any = None

        def connection_made(self, transport: Any) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if len(self.connections) > server.max_connections:
                # Answer before reading: the sender learns to come back, nothing is reset.
                self._rejected = True
                server.count(HTTPStatus.SERVICE_UNAVAILABLE)
                transport.write(_OVERLOADED)
                self._linger_then_close()
                return
            self._start_header_deadline()

        def data_received(self, data: bytes) -> None:
            if self._rejected:
                return  # discarded: closing with unread data would reset the connection
            super().data_received(data)

        def eof_received(self) -> None:
            if self._rejected:
                self.transport.close()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._start_header_deadline()  # the next request on this connection

        def connection_lost(self, exc: Exception | None) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
            super().connection_lost(exc)

        def _linger_then_close(self) -> None:
            self.loop.call_later(server.header_timeout, self.transport.close)

        def _start_header_deadline(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
            cycle = self.cycle
            self._header_timer = self.loop.call_later(
                server.header_timeout, self._header_deadline_passed, cycle
            )

        def _header_deadline_passed(self, cycle_at_start: Any) -> None:
            # No new request began since the deadline started: a slow or idle client.
            if self.cycle is cycle_at_start and not self.transport.is_closing():
                server.count(HTTPStatus.REQUEST_TIMEOUT)
                self.transport.close()

    return WebhookProtocol


class WebhookServer:
    """The receiver: `WebhookServer(("127.0.0.1", 0), spool, secret).serve_forever()`;
    `shutdown()` from another thread stops it."""

    def __init__(
        self,
        address: tuple[str, int],
        spool: WebhookSpool,
        secret: bytes,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        *,
        header_timeout: float = DEFAULT_HEADER_TIMEOUT_SECONDS,
        body_timeout: float = DEFAULT_BODY_TIMEOUT_SECONDS,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        backlog: int = DEFAULT_BACKLOG,
    ) -> None:
        import socket

        import uvicorn

        if not secret:
            raise WebhookConfigError(f"{SECRET_ENV} is empty")
        self.spool = spool
        self.secret = secret
        self.max_body_bytes = max_body_bytes
        self.header_timeout = header_timeout
        self.body_timeout = body_timeout
        self.max_connections = max_connections
        self.status_counts: dict[int, int] = {}
        self._lock = threading.Lock()
        spool.ensure()
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(address)
        self.socket.listen(backlog)
        self.server_address = self.socket.getsockname()
        config = uvicorn.Config(
            build_app(self),
            http=_protocol_class(self),
            lifespan="off",
            # Deliveries carry candidate data: no access log (counts are on this object).
            access_log=False,
            log_level="warning",
            timeout_keep_alive=int(max(1, header_timeout)),
            backlog=backlog,
            # Header block limit of h11 (bytes): far above what Greenhouse sends.
            h11_max_incomplete_event_size=16 * 1024,
        )
        self._uvicorn = uvicorn.Server(config)
        self._stopped = threading.Event()

    def serve_forever(self) -> None:
        import asyncio

        try:
            asyncio.run(self._uvicorn.serve(sockets=[self.socket]))
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        self._uvicorn.should_exit = True
        self._stopped.wait(30)

    def server_close(self) -> None:
        self.socket.close()

    def count(self, status: int) -> None:
        with self._lock:
            self.status_counts[int(status)] = self.status_counts.get(int(status), 0) + 1

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"
