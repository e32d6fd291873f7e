"""Vendor time is bounded: hostile servers over real loopback sockets (a server that accepts
and never answers, one that drips its body a byte at a time, one that answers HTML, one that
is down) against the one HTTP client. Limits are shrunk so the tests are quick; what is
asserted is how the client gives up and what it says, never how long it took."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from ingest.http_client import (
    REQUEST_DEADLINE_ENV,
    RETRY_BUDGET_ENV,
    ApiClient,
    RetryPolicy,
    SourceConfigError,
    SourceError,
    TimeLimits,
)

TINY = TimeLimits(
    connect_seconds=1.0,
    read_seconds=0.5,
    request_deadline_seconds=2.0,
    sync_deadline_seconds=30.0,
    retry_budget=30,
)
NO_SLEEP = RetryPolicy(max_attempts=6, backoff_base_seconds=0.01, backoff_max_seconds=0.05)


@dataclass
class Hostile:
    """A raw-socket server that misbehaves in one way; counts connections and bytes sent."""

    mode: str
    connections: int = 0
    body_bytes_sent: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def serve(self, listener: socket.socket) -> None:
        listener.settimeout(0.1)
        while not self.stop.is_set():
            try:
                con, _ = listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            threading.Thread(target=self.handle, args=(con,), daemon=True).start()

    def handle(self, con: socket.socket) -> None:
        try:
            con.recv(65536)
            if self.mode == "hang":
                self.stop.wait(10)
            elif self.mode == "trickle":
                body = b'{"data": [' + b"1," * 500 + b"1]}"
                con.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                )
                for byte in body:
                    if self.stop.is_set():
                        break
                    con.sendall(bytes([byte]))
                    self.body_bytes_sent += 1
                    time.sleep(0.2)  # each read is well within the read timeout
            elif self.mode == "html":
                body = b"<!DOCTYPE html><html><body>Sign in</body></html>"
                con.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )
            elif self.mode == "503":
                con.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
        except OSError:
            pass
        finally:
            con.close()


@pytest.fixture
def hostile(request) -> Iterator[tuple[Hostile, str]]:
    server = Hostile(request.param)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    thread = threading.Thread(target=server.serve, args=(listener,), daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{listener.getsockname()[1]}"
    server.stop.set()
    thread.join(5)
    listener.close()


def client(base_url: str, limits: TimeLimits = TINY) -> ApiClient:
    return ApiClient(
        source="greenhouse",
        base_url=base_url,
        credentials_env="GREENHOUSE_API_KEY",
        limits=limits,
        retry=NO_SLEEP,
    )


@pytest.mark.parametrize("hostile", ["hang"], indirect=True)
def test_a_server_that_never_answers_fails_at_the_request_deadline(hostile):
    server, url = hostile
    with pytest.raises(SourceError) as failure:
        client(url).get_json("/jobs")
    message = str(failure.value)
    assert "request deadline of 2s passed" in message
    assert "read timeout" in message
    # Read timeouts of 0.5 s within a 2 s deadline: a few attempts, never all six.
    assert 1 <= server.connections < 6


@pytest.mark.parametrize("hostile", ["trickle"], indirect=True)
def test_a_body_dripped_a_byte_at_a_time_is_abandoned_at_the_deadline(hostile):
    server, url = hostile
    with pytest.raises(SourceError, match="request deadline of 2s passed"):
        client(url).get_json("/jobs")
    # Every single read was within the read timeout; only the deadline ended it.
    assert 0 < server.body_bytes_sent < 1000


@pytest.mark.parametrize("hostile", ["html"], indirect=True)
def test_html_instead_of_json_names_the_base_url_variable(hostile):
    server, url = hostile
    with pytest.raises(SourceConfigError) as failure:
        client(url).get_json("/jobs")
    assert "HTML page, not JSON: check GREENHOUSE_BASE_URL" in str(failure.value)
    assert server.connections == 1  # a wrong URL is not retried


@pytest.mark.parametrize("hostile", ["503"], indirect=True)
def test_the_retry_budget_is_shared_by_every_request_of_a_sync(hostile):
    server, url = hostile
    limits = TimeLimits(
        connect_seconds=1.0,
        read_seconds=1.0,
        request_deadline_seconds=30.0,
        sync_deadline_seconds=30.0,
        retry_budget=7,
    )
    api = client(url, limits)
    with pytest.raises(SourceError, match="6 attempts"):
        api.get_json("/jobs")  # 5 retries spent
    with pytest.raises(SourceError, match="budget of 7 retries"):
        api.get_json("/jobs")  # 2 more, then the budget is gone
    assert server.connections == 6 + 3


@pytest.mark.parametrize("hostile", ["503"], indirect=True)
def test_the_sync_deadline_stops_every_later_request(hostile):
    server, url = hostile
    now = [0.0]
    limits = TimeLimits(1.0, 1.0, 30.0, 100.0, 30)
    api = ApiClient(
        source="lever",
        base_url=url,
        credentials_env="LEVER_API_KEY",
        limits=limits,
        retry=RetryPolicy(max_attempts=2, backoff_base_seconds=0.0),
        clock=lambda: now[0],
    )
    with pytest.raises(SourceError, match="2 attempts"):
        api.get_json("/opportunities")
    now[0] = 101.0
    with pytest.raises(SourceError, match="sync deadline of 100s passed"):
        api.get_json("/opportunities")
    assert server.connections == 2


def test_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv(REQUEST_DEADLINE_ENV, "12.5")
    monkeypatch.setenv(RETRY_BUDGET_ENV, "4")
    limits = TimeLimits.from_env()
    assert (limits.request_deadline_seconds, limits.retry_budget) == (12.5, 4)
    monkeypatch.setenv(REQUEST_DEADLINE_ENV, "soon")
    with pytest.raises(SourceConfigError, match=REQUEST_DEADLINE_ENV):
        TimeLimits.from_env()
