"""The web-hook receiver under hostile load, over real loopback sockets: a burst of valid
deliveries above the connection bound, slow-loris clients, an oversized body, odd headers and
deeply nested JSON. Asserted: what each client is answered, what is spooled — never timing."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.greenhouse_webhooks import WebhookServer, WebhookSpool, sign

SECRET = b"load-secret"


def start(tmp_path: Path, **options) -> WebhookServer:
    server = WebhookServer(("127.0.0.1", 0), WebhookSpool(tmp_path / "spool"), SECRET, **options)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def receiver(request, tmp_path: Path) -> Iterator[WebhookServer]:
    server = start(tmp_path, **getattr(request, "param", {}))
    yield server
    server.shutdown()
    server.server_close()


def delivery(n: int) -> bytes:
    body = json.dumps(
        {"action": "job_updated", "payload": {"job": {"id": 4100000 + n, "status": "open"}}}
    ).encode()
    head = (
        f"POST /greenhouse HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Signature: {sign(body, SECRET)}\r\nGreenhouse-Event-ID: evt-{n}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    return head + body


async def send(port: int, raw: bytes) -> tuple[int | str, dict[str, str]]:
    """(status or "reset", headers) of one raw request on its own connection."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(raw)
        await writer.drain()
        reply = await asyncio.wait_for(reader.read(), 60)
        writer.close()
    except (ConnectionResetError, BrokenPipeError):
        return "reset", {}
    if not reply:
        return "closed without reply", {}
    head = reply.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in head[1:] if ": " in line)
    return int(head[0].split()[1]), {k.lower(): v for k, v in headers.items()}


def raw_status(port: int, raw: bytes) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as con:
        con.sendall(raw)
        reply = con.recv(65536)
    return int(reply.split(b" ", 2)[1])


@pytest.mark.parametrize("receiver", [{"max_connections": 100}], indirect=True)
def test_a_burst_above_the_bound_is_answered_200_or_503_never_reset(receiver) -> None:
    port = receiver.server_address[1]

    async def burst():
        return await asyncio.gather(*(send(port, delivery(n)) for n in range(500)))

    replies = asyncio.run(burst())
    statuses = [status for status, _ in replies]
    assert set(statuses) <= {200, 503}, sorted(set(map(str, statuses)))
    assert all(headers.get("retry-after") for status, headers in replies if status == 503)
    # Every 200 is spooled exactly once (one file per delivery id), and nothing else is.
    spooled = {e.event_id for e in receiver.spool.pending()}
    ok = {f"evt-{n}" for n, (status, _) in enumerate(replies) if status == 200}
    assert spooled == ok and len(ok) > 0


@pytest.mark.parametrize("receiver", [{"header_timeout": 1.0}], indirect=True)
def test_slow_loris_clients_are_closed_while_deliveries_are_answered(receiver) -> None:
    port = receiver.server_address[1]
    loris = []
    for _ in range(300):
        con = socket.create_connection(("127.0.0.1", port), timeout=30)
        con.sendall(b"POST /greenhouse HTTP/1.1\r\nHost: x\r\n")  # ...and never the rest
        loris.append(con)
    try:
        assert raw_status(port, delivery(1)) == 200  # answered while 300 clients hang
        closed = 0
        for con in loris:
            try:
                con.sendall(b"X-Slow: 1\r\n")  # a byte now and then does not keep it open
            except OSError:
                closed += 1
                continue
        for con in loris:
            try:
                if con.recv(1024) == b"":
                    closed += 1
            except (ConnectionResetError, TimeoutError):
                closed += 1
        assert closed >= 300
    finally:
        for con in loris:
            con.close()
    assert raw_status(port, delivery(2)) == 200


def test_a_10_mb_body_is_refused_before_it_is_sent(receiver) -> None:
    port = receiver.server_address[1]
    head = (
        b"POST /greenhouse HTTP/1.1\r\nHost: x\r\nSignature: sha256 00\r\n"
        b"Greenhouse-Event-ID: big\r\nContent-Length: 10000000\r\n\r\n"
    )
    # Only the headers are sent: the answer comes without the server waiting for the body.
    assert raw_status(port, head) == 413
    assert list(receiver.spool.pending()) == []


def test_odd_headers_and_deep_json_are_4xx_not_500(receiver) -> None:
    port = receiver.server_address[1]
    body = b'{"action":"job_created"}'
    non_ascii = (
        b"POST / HTTP/1.1\r\nHost: x\r\nSignature: sha256 \xc3\xa9\xff\r\n"
        b"Greenhouse-Event-ID: e\r\nContent-Length: 24\r\n\r\n" + body
    )
    assert raw_status(port, non_ascii) == 401
    deep = b"[" * 100_000 + b"]" * 100_000
    head = (
        f"POST / HTTP/1.1\r\nHost: x\r\nSignature: {sign(deep, SECRET)}\r\n"
        f"Greenhouse-Event-ID: deep\r\nContent-Length: {len(deep)}\r\n\r\n"
    ).encode()
    assert raw_status(port, head + deep) == 400
    assert raw_status(port, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n") == 400
    assert raw_status(port, b"GARBAGE\r\n\r\n") == 400
    assert 500 not in receiver.status_counts
