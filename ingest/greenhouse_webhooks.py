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

import contextlib
import hashlib
import hmac
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

SECRET_ENV = "GREENHOUSE_WEBHOOK_SECRET"
JOB_ACTIONS = frozenset({"job_created", "job_updated", "job_approved"})
# Harvest v3 has no deleted list: deletions, merges and anonymisation reach us only here. They
# are spooled as ids only (the delivery's names and details are dropped on receipt).
ERASURE_ACTIONS = frozenset(
    {"delete_candidate", "merge_candidate", "candidate_anonymized", "delete_application"}
)
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
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode("ascii"), digest.strip().lower().encode("ascii"))


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
    """The folder pair `incoming/` (not yet in DuckDB) and `landed/` (in raw, kept for dedupe)."""

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
        """Events not yet landed, oldest file first; unreadable files are skipped (reported by
        the landing asset, which quarantines them)."""
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
            except (OSError, ValueError, KeyError, TypeError):
                continue

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


class _Handler(BaseHTTPRequestHandler):
    server: WebhookServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        # The default logs the client address and path to stderr; deliveries carry candidate
        # data, so we log nothing per request (counts are on the server object).
        return

    def _reply(self, status: HTTPStatus, message: str) -> None:
        body = json.dumps({"status": status.value, "message": message}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if status >= 400:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)
        self.server.count(status)

    def do_POST(self) -> None:
        try:
            self._handle()
        except Exception:  # never let one delivery take the receiver down
            with contextlib.suppress(OSError):
                self._reply(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error")

    def _handle(self) -> None:
        raw_length = self.headers.get("Content-Length")
        try:
            length = int(raw_length) if raw_length is not None else -1
        except ValueError:
            length = -1
        if length < 0:
            self._reply(HTTPStatus.LENGTH_REQUIRED, "Content-Length header required")
            return
        if length > self.server.max_body_bytes:
            # Do not read it: answer and close the connection.
            self._reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body too large")
            return
        body = self.rfile.read(length)
        if not signature_is_valid(body, self.headers.get(SIGNATURE_HEADER), self.server.secret):
            self._reply(HTTPStatus.UNAUTHORIZED, "bad or missing Signature header")
            return
        event_id = (self.headers.get(EVENT_ID_HEADER) or "").strip()
        if not event_id:
            self._reply(HTTPStatus.BAD_REQUEST, f"missing {EVENT_ID_HEADER} header")
            return
        try:
            parsed = json.loads(body)
        except (UnicodeDecodeError, ValueError):
            self._reply(HTTPStatus.BAD_REQUEST, "body is not valid JSON")
            return
        if not isinstance(parsed, dict) or not isinstance(parsed.get("action"), str):
            self._reply(HTTPStatus.BAD_REQUEST, "body must be an object with an 'action'")
            return
        action = parsed["action"]
        if action not in SPOOLED_ACTIONS:
            self._reply(HTTPStatus.ACCEPTED, f"action {action!r} ignored")
            return
        if action in ERASURE_ACTIONS:
            erasure = erasure_from_event(action, parsed)
            if erasure is None:
                self._reply(HTTPStatus.BAD_REQUEST, f"{action} event without its ids")
                return
            parsed = {"action": action, "payload": erasure}  # ids only: nothing personal kept
        elif job_from_event(parsed) is None:
            self._reply(HTTPStatus.BAD_REQUEST, "job event without payload.job.id")
            return
        if self.server.spool.write(event_id, action, parsed):
            self._reply(HTTPStatus.OK, "spooled")
        else:
            self._reply(HTTPStatus.OK, "duplicate delivery ignored")


class WebhookServer(ThreadingHTTPServer):
    """The receiver: `WebhookServer(("127.0.0.1", 0), spool, secret).serve_forever()`."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        spool: WebhookSpool,
        secret: bytes,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        if not secret:
            raise WebhookConfigError(f"{SECRET_ENV} is empty")
        super().__init__(address, _Handler)
        self.spool = spool
        self.secret = secret
        self.max_body_bytes = max_body_bytes
        self.status_counts: dict[int, int] = {}
        self._lock = threading.Lock()
        spool.ensure()

    def count(self, status: int) -> None:
        with self._lock:
            self.status_counts[int(status)] = self.status_counts.get(int(status), 0) + 1

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"
