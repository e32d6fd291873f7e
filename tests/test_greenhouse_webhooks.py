"""The Greenhouse web-hook receiver over real loopback HTTP."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.greenhouse_webhooks import WebhookServer, WebhookSpool, sign, signature_is_valid

SECRET = b"test-secret"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[WebhookServer]:
    srv = WebhookServer(("127.0.0.1", 0), WebhookSpool(tmp_path / "spool"), SECRET, 10_000)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def job_event(job_id: int = 4100123, action: str = "job_created") -> bytes:
    return json.dumps(
        {
            "action": action,
            "payload": {
                "job": {
                    "id": job_id,
                    "name": "Senior Data Engineer",
                    "status": "open",
                    "opened_at": "2026-11-20T10:00:00.000Z",
                    "updated_at": "2026-11-20T10:00:00.000Z",
                }
            },
        }
    ).encode()


def post(
    srv: WebhookServer, body: bytes, headers: dict[str, str] | None = None
) -> tuple[int, dict]:
    host, port = srv.server_address[:2]
    con = http.client.HTTPConnection(host, port, timeout=10)
    try:
        con.request("POST", "/greenhouse", body=body, headers=headers or {})
        resp = con.getresponse()
        return resp.status, json.loads(resp.read() or b"{}")
    finally:
        con.close()


def signed(body: bytes, event_id: str = "evt-1") -> dict[str, str]:
    return {"Signature": sign(body, SECRET), "Greenhouse-Event-ID": event_id}


def spooled(srv: WebhookServer) -> list[Path]:
    return sorted(srv.spool.incoming.glob("*.json"))


def test_good_signature_is_spooled_with_the_job(server):
    body = job_event()
    status, reply = post(server, body, signed(body))
    assert status == 200 and reply["message"] == "spooled"
    [event] = list(server.spool.pending())
    assert event.action == "job_created"
    assert event.body["payload"]["job"]["id"] == 4100123
    assert event.event_id == "evt-1"


def test_bad_signature_is_401_and_nothing_spooled(server):
    body = job_event()
    wrong = {"Signature": sign(body, b"other-secret"), "Greenhouse-Event-ID": "evt-2"}
    assert post(server, body, wrong)[0] == 401
    assert post(server, body, {"Greenhouse-Event-ID": "evt-3"})[0] == 401  # no header
    # Signature over a different body (tampered payload).
    tampered = {"Signature": sign(job_event(1), SECRET), "Greenhouse-Event-ID": "evt-4"}
    assert post(server, job_event(2), tampered)[0] == 401
    assert spooled(server) == []


def test_replayed_event_id_is_acknowledged_once(server):
    body = job_event()
    assert post(server, body, signed(body, "evt-9"))[1]["message"] == "spooled"
    status, reply = post(server, body, signed(body, "evt-9"))
    assert status == 200 and reply["message"] == "duplicate delivery ignored"
    assert len(spooled(server)) == 1
    # Still a duplicate once the event has been landed (moved to landed/).
    server.spool.mark_landed(next(server.spool.pending()))
    assert post(server, body, signed(body, "evt-9"))[1]["message"] == "duplicate delivery ignored"
    assert spooled(server) == []


def test_malformed_json_is_400_and_server_keeps_serving(server):
    for body in (b"{not json", b"[1, 2]", b'{"payload": {}}', b"\xff\xfe"):
        assert post(server, body, signed(body, "evt-x"))[0] == 400
    no_job = json.dumps({"action": "job_updated", "payload": {}}).encode()
    assert post(server, no_job, signed(no_job, "evt-y"))[0] == 400
    body = job_event()
    assert post(server, body, signed(body, "evt-after"))[0] == 200


def test_huge_body_is_413_without_reading_it(server):
    body = b"x" * 50_000
    assert post(server, body, signed(body, "evt-big"))[0] == 413
    body = job_event()
    assert post(server, body, signed(body, "evt-ok"))[0] == 200


def test_other_actions_are_accepted_but_not_spooled(server):
    body = json.dumps({"action": "hire_candidate", "payload": {"application": {}}}).encode()
    assert post(server, body, signed(body, "evt-h"))[0] == 202
    assert spooled(server) == []


def test_deletion_merge_and_anonymize_are_spooled_as_ids_only(server):
    deliveries = {
        "evt-d": {
            "action": "delete_candidate",
            "payload": {
                "person": {
                    "id": 37031511,
                    "first_name": "Jack",
                    "last_name": "Sparrow",
                    "deleted_application_ids": [46196263],
                }
            },
        },
        "evt-m": {
            "action": "merge_candidate",
            "payload": {"person": {"id": 11, "first_name": "Jack", "new_candidate_id": 12}},
        },
        "evt-a": {
            "action": "candidate_anonymized",
            "payload": {"candidate_id": 13, "anonymized_fields": ["full_name"]},
        },
    }
    for event_id, delivery in deliveries.items():
        body = json.dumps(delivery).encode()
        assert post(server, body, signed(body, event_id)) == (
            200,
            {"status": 200, "message": "spooled"},
        )
    events = {e.event_id: e.body for e in server.spool.pending()}
    assert events["evt-d"] == {
        "action": "delete_candidate",
        "payload": {"candidate_id": 37031511, "deleted_application_ids": [46196263]},
    }
    assert events["evt-m"]["payload"] == {
        "candidate_id": 11,
        "deleted_application_ids": [],
        "merged_into_candidate_id": 12,
    }
    assert events["evt-a"]["payload"]["candidate_id"] == 13
    on_disk = "".join(p.read_text() for p in spooled(server))
    assert "Sparrow" not in on_disk and "Jack" not in on_disk  # no personal data kept


def test_erasure_event_without_its_ids_is_400(server):
    body = json.dumps({"action": "merge_candidate", "payload": {"person": {"id": 11}}}).encode()
    assert post(server, body, signed(body, "evt-x"))[0] == 400
    assert spooled(server) == []


def test_signature_check_is_strict():
    body = b'{"a":1}'
    good = sign(body, SECRET)
    assert signature_is_valid(body, good, SECRET)
    assert signature_is_valid(body, good.upper().replace("SHA256", "sha256"), SECRET)
    assert not signature_is_valid(body, good.replace("sha256", "md5"), SECRET)
    assert not signature_is_valid(body, "sha256", SECRET)
    assert not signature_is_valid(body, None, SECRET)


def test_open_sample_req_opens_it_in_the_sample_server_and_delivers_the_hook(
    server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`talent-crm webhooks open-sample-req` (the `make dev` helper): the sample Greenhouse
    server lists the new open job, and the receiver spools its signed job_created event."""
    from ingest import greenhouse
    from ingest.sample.apis import SampleApiSettings, start_sample_apis
    from ingest.sample.market import generate_market
    from orchestration.cli import main

    generate_market(tmp_path / "market", contacts=60, seed=5)
    monkeypatch.setenv("GREENHOUSE_WEBHOOK_SECRET", SECRET.decode())
    monkeypatch.delenv("GREENHOUSE_API_KEY", raising=False)
    settings = SampleApiSettings()
    with start_sample_apis(tmp_path / "market", settings) as apis:
        url = apis.env()["GREENHOUSE_BASE_URL"]
        code = main(
            [
                "webhooks", "open-sample-req", "--greenhouse-url", url,
                "--webhook-url", server.url + "/greenhouse",
                "--name", "Staff Data Engineer", "--skills", "python, dbt",
            ]
        )  # fmt: skip
        assert code == 0
        client = greenhouse.make_client(
            **{k.removeprefix("GREENHOUSE_").lower(): v for k, v in apis.greenhouse.env().items()}
        )
        jobs, _ = client.get_json("jobs", params={"status": "open", "per_page": 500})
    [event] = list(server.spool.pending())
    job = event.body["payload"]["job"]
    assert event.action == "job_created" and job["name"] == "Staff Data Engineer"
    # Web-hook job objects carry custom fields as {name, type, value}, like v3 jobs.
    assert job["custom_fields"]["required_skills"]["value"] == ["python", "dbt"]
    assert job["id"] in {j["id"] for j in jobs} and job["status"] == "open"
