"""The review page over real HTTP (uvicorn on loopback) against a published read copy: every
route, decisions spooled (never DuckDB), output escaped, foreign Host headers refused."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import requests

from ingest.review_decisions import DecisionSpool
from orchestration.identity.decisions import record_fingerprint
from orchestration.review.app import ReviewConfig, ReviewServer, allowed_hosts_for
from tests import review_fixtures as fx


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, ReviewConfig]]:
    config = ReviewConfig(
        read_db=tmp_path / "talent_crm_read.duckdb",
        spool_root=tmp_path / "landing" / "review_decisions",
        exports_root=tmp_path / "exports",
        reviewer="Rita Recruiter",
    )
    fx.build_read_copy(config.read_db, config.exports_root, with_decisions=True)
    server = ReviewServer(("127.0.0.1", 0), config)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.url, config
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def spooled(config: ReviewConfig) -> list[dict]:
    return [item.record for item in DecisionSpool(config.spool_root).pending()]


def post(url: str, data: dict) -> requests.Response:
    return requests.post(url, data=data, allow_redirects=False, timeout=10)


def test_home_lists_open_reqs_with_their_counts(site) -> None:
    url, _ = site
    page = requests.get(url + "/", timeout=10)
    assert page.status_code == 200
    assert "Data Engineer" in page.text and "Closed Role" not in page.text
    assert '<td class="matches">3</td>' in page.text
    assert '<td class="decided">1</td>' in page.text  # ct_c in matching.match_decisions
    assert "Reviewer: Rita Recruiter" in page.text


def test_req_page_shows_ranked_matches_escaped_with_the_draft(site) -> None:
    url, _ = site
    page = requests.get(url + "/req", params={"req_id": fx.REQ_ID}, timeout=10)
    assert page.status_code == 200
    text = page.text
    assert text.index('id="match-1"') < text.index('id="match-2"') < text.index('id="match-3"')
    # A name is data: it shows as text, never as markup.
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Bo" in text
    assert "reason &lt;b&gt;1&lt;/b&gt;" in text
    # The draft from the newest export, without the review marker, ready to edit.
    assert ">Hi Ana, we have just opened a new position: Data Engineer.</textarea>" in text
    assert "skill overlap 0.50" in text
    assert "outreach_20261120T100000000000Z.csv" in text
    # The published decision shows as recorded.
    assert 'data-decision="not_a_fit"' in text and "Earlier Reviewer" in text
    assert requests.get(url + "/req", params={"req_id": "nope:1"}, timeout=10).status_code == 404


def test_approve_skip_and_not_a_fit_are_spooled_and_shown(site) -> None:
    url, config = site
    edited = "Hi Ana — edited by Rita: the Data Engineer role fits you."
    answer = post(
        url + "/req/decide",
        {"req_id": fx.REQ_ID, "contact_id": "ct_a", "decision": "approved", "message": edited},
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/req?req_id=greenhouse%3A4100&flash=approved"
    post(
        url + "/req/decide",
        {"req_id": fx.REQ_ID, "contact_id": "ct_b", "decision": "skipped", "reason": "on leave"},
    )
    post(
        url + "/req/decide",
        {
            "req_id": fx.REQ_ID,
            "contact_id": "ct_c",
            "decision": "approved",
            "message": fx.draft_for("Cy"),
        },
    )
    records = {r["contact_id"]: r for r in spooled(config)}
    assert records["ct_a"]["message"] == edited
    assert records["ct_a"]["reviewer"] == "Rita Recruiter"
    assert records["ct_a"]["shown"] == {
        "score": 0.91,
        "export": "outreach_20261120T100000000000Z.csv",
    }
    assert records["ct_b"]["decision"] == "skipped" and records["ct_b"]["message"] is None
    assert records["ct_b"]["reason"] == "on leave"
    # An unedited draft is approved without the review marker.
    assert records["ct_c"]["message"].startswith("Hi Cy,")
    page = requests.get(url + answer.headers["location"], timeout=10).text
    assert "Approved: the message is recorded" in page
    row_a = page[page.index('id="match-1"') : page.index('id="match-2"')]
    assert 'data-decision="approved"' in row_a and "pending: lands with the next run" in row_a
    assert ">Hi Ana — edited by Rita: the Data Engineer role fits you.</textarea>" in row_a
    # The later spooled approval of ct_c wins over the older published not-a-fit.
    row_c = page[page.index('id="match-3"') :]
    assert 'data-decision="approved"' in row_c
    # Nothing was written to a database: the read copy is unchanged.
    con = duckdb.connect(str(config.read_db), read_only=True)
    assert con.execute("select count(*) from matching.match_decisions").fetchone() == (1,)
    con.close()


def test_refused_decisions_write_nothing_and_say_why(site) -> None:
    url, config = site
    unknown = post(
        url + "/req/decide", {"req_id": fx.REQ_ID, "contact_id": "ct_zz", "decision": "skipped"}
    )
    assert "error=unknown_match" in unknown.headers["location"]
    bad = post(url + "/req/decide", {"req_id": fx.REQ_ID, "contact_id": "ct_a", "decision": "yes"})
    assert "error=decision_ok" in bad.headers["location"]
    page = requests.get(url + bad.headers["location"], timeout=10).text
    assert "Not recorded" in page
    huge = post(
        url + "/req/decide",
        {
            "req_id": fx.REQ_ID,
            "contact_id": "ct_a",
            "decision": "approved",
            "message": "x" * 300_000,
        },
    )
    assert "error=too_large" in huge.headers["location"]
    assert spooled(config) == []


def test_duplicates_show_both_records_and_answers_carry_their_fingerprints(site) -> None:
    url, config = site
    page = requests.get(url + "/duplicates", timeout=10)
    assert page.status_code == 200
    text = page.text
    assert "common name: other people in the market would match this well" in text
    assert "Ana &lt;i&gt;Lima&lt;/i&gt;" in text and "<i>Lima</i>" not in text
    assert "a.lima@acme.example" in text and "+49301234" in text
    con = duckdb.connect(str(config.read_db), read_only=True)
    cursor = con.execute("select * from hygiene.duplicate_review_records order by record_key")
    names = [d[0] for d in cursor.description]
    rec_a, rec_b = (dict(zip(names, row, strict=True)) for row in cursor.fetchall())
    con.close()
    form = {
        "record_key_a": fx.RECORD_A,
        "record_key_b": fx.RECORD_B,
        "fingerprint_a": record_fingerprint(rec_a),
        "fingerprint_b": record_fingerprint(rec_b),
    }
    assert f'value="{form["fingerprint_a"]}"' in text
    answer = post(url + "/duplicates/decide", {**form, "decision": "different_people"})
    assert answer.headers["location"] == "/duplicates?flash=different_people"
    [record] = spooled(config)
    assert record["kind"] == "pair" and record["decision"] == "different_people"
    assert record["shown"] == {
        "fingerprint_a": form["fingerprint_a"],
        "fingerprint_b": form["fingerprint_b"],
    }
    after = requests.get(url + answer.headers["location"], timeout=10).text
    assert "Recorded: different people." in after and 'data-decision="different_people"' in after
    unknown = post(
        url + "/duplicates/decide", {**form, "record_key_b": "x:y:z", "decision": "not_sure"}
    )
    assert "error=unknown_pair" in unknown.headers["location"]
    forged = post(
        url + "/duplicates/decide", {**form, "fingerprint_a": "zz", "decision": "not_sure"}
    )
    assert "error=fingerprints_ok" in forged.headers["location"]
    assert len(spooled(config)) == 1


def test_foreign_host_headers_are_refused(site) -> None:
    url, config = site
    rebinding = requests.get(url + "/", headers={"Host": "evil.example"}, timeout=10)
    assert rebinding.status_code == 400
    sneaky = requests.post(
        url + "/req/decide",
        headers={"Host": "evil.example:8765"},
        data={"req_id": fx.REQ_ID, "contact_id": "ct_a", "decision": "skipped"},
        timeout=10,
    )
    assert sneaky.status_code == 400 and spooled(config) == []
    assert requests.get(url + "/healthz", headers={"Host": "localhost:8765"}, timeout=10).ok
    assert allowed_hosts_for("10.0.0.5")[-1] == "10.0.0.5"
    assert "0.0.0.0" not in allowed_hosts_for("0.0.0.0")


def test_without_a_read_copy_the_page_says_how_to_make_one(tmp_path: Path) -> None:
    config = ReviewConfig(
        read_db=tmp_path / "missing.duckdb",
        spool_root=tmp_path / "spool",
        exports_root=tmp_path / "exports",
        reviewer="Rita",
    )
    server = ReviewServer(("127.0.0.1", 0), config)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page = requests.get(server.url + "/", timeout=10)
        assert page.status_code == 503 and "talent-crm materialize" in page.text
    finally:
        server.shutdown()
        server.server_close()


def test_spooled_files_are_plain_contract_json(site) -> None:
    url, config = site
    post(url + "/req/decide", {"req_id": fx.REQ_ID, "contact_id": "ct_a", "decision": "not_a_fit"})
    [path] = list(Path(config.spool_root, "incoming").glob("*.json"))
    record = json.loads(path.read_text(encoding="utf-8"))
    assert path.stem == record["decision_id"]
    assert record["decided_at"].endswith("Z") and record["reason"] is None
