"""Reviewers' answers through the identity store on a real DuckDB file: judged once against the
records as shown, honoured on every later run (also when a new record would bridge a pair kept
apart), reversible by a later answer, and quarantined when the records changed since shown."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from orchestration.identity.decisions import record_fingerprint
from orchestration.identity.schema import PERSON_RECORD_SCHEMA
from orchestration.identity.store import (
    PAIR_DECISIONS_VIEW,
    PERSON_RECORDS_TABLE,
    resolve_and_store,
)
from tests.test_identity_matching import _rec

A = "greenhouse:candidates:1"
B = "lever:opportunities:2"
BRIDGE = "ashby:candidates:3"


def _records() -> list[dict[str, Any]]:
    # Two people sharing a family mailbox: the engine alone merges them.
    return [
        _rec(A, first_name="Alex", last_name="Moreau", emails=["moreau.family@gmail.com"]),
        _rec(
            B,
            full_name="Alex Moreau",
            emails=["moreau.family@gmail.com"],
            phones=["+33 6 12 34 56 78"],
        ),
    ]


def _write_records(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> None:
    con.execute("create schema if not exists intermediate")
    frame = pl.DataFrame(rows, schema=PERSON_RECORD_SCHEMA)
    con.register("_rows", frame)
    con.execute(f"create or replace table {PERSON_RECORDS_TABLE} as select * from _rows")
    con.unregister("_rows")


def _fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    cursor = con.execute(f"select * from {PERSON_RECORDS_TABLE}")
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    return {r["record_key"]: record_fingerprint(r) for r in rows}


def _answer(con, decision_id: str, decision: str, decided_at: datetime, fp: dict[str, str]):
    con.execute("create schema if not exists staging")
    con.execute(
        f"""create table if not exists {PAIR_DECISIONS_VIEW} (decision_id varchar,
            record_key_a varchar, record_key_b varchar, decision varchar, reviewer varchar,
            decided_at timestamp, fingerprint_a varchar, fingerprint_b varchar)"""
    )
    con.execute(
        f"insert into {PAIR_DECISIONS_VIEW} values (?, ?, ?, ?, 'reviewer-1', ?, ?, ?)",
        [decision_id, A, B, decision, decided_at, fp[A], fp[B]],
    )


def _contacts(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(
        con.execute("select record_key, contact_id from identity.record_contacts").fetchall()
    )


def _answers(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "select decision_id, status, reason from identity.review_answers order by decision_id"
    ).fetchall()


def test_answers_are_judged_once_honoured_on_every_run_and_reversible(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "crm.duckdb"))
    _write_records(con, _records())
    resolve_and_store(con, datetime(2026, 11, 1))
    assert len(set(_contacts(con).values())) == 1

    _answer(con, "d1", "different_people", datetime(2026, 11, 2), _fingerprints(con))
    summary = resolve_and_store(con, datetime(2026, 11, 2))
    assert summary.answers_in_force == 1
    c = _contacts(con)
    assert c[A] != c[B]
    assert _answers(con) == [("d1", "accepted", None)]

    # Later runs: a new record shares the mailbox with A and the phone with B; the answer
    # still holds, and so does it after B's record changes (it was judged when shown).
    bridge = _rec(
        BRIDGE, full_name="Alex Moreau", emails=["moreau.family@gmail.com"], phones=["+33612345678"]
    )
    changed_b = {**_records()[1], "location": "Lyon, France"}
    for rows in ([*_records(), bridge], [_records()[0], changed_b, bridge], [*_records(), bridge]):
        _write_records(con, rows)
        resolve_and_store(con, datetime(2026, 11, 3))
        c = _contacts(con)
        assert c[A] != c[B]
        assert c[BRIDGE] in (c[A], c[B])
    evidence = con.execute(
        "select count(*) from identity.match_edges where evidence = 'reviewed_apart'"
    ).fetchone()
    assert evidence[0] >= 1
    assert _answers(con) == [("d1", "accepted", None)]  # judged once, not again

    # A later "same person" answer reverses it.
    _write_records(con, _records())
    _answer(con, "d2", "same_person", datetime(2026, 11, 4), _fingerprints(con))
    resolve_and_store(con, datetime(2026, 11, 4))
    c = _contacts(con)
    assert c[A] == c[B]
    rule = con.execute(
        "select count(*) from identity.match_edges where rule = 'reviewed_same_person'"
    ).fetchone()
    assert rule == (1,)
    con.close()


def test_an_answer_about_records_that_changed_since_shown_is_quarantined(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "crm.duckdb"))
    _write_records(con, _records())
    shown = _fingerprints(con)
    # B's record changes between the page showing it and the pipeline seeing the answer.
    _write_records(con, [_records()[0], {**_records()[1], "location": "Lyon, France"}])
    _answer(con, "d1", "different_people", datetime(2026, 11, 2), shown)
    summary = resolve_and_store(con, datetime(2026, 11, 2))
    assert summary.answers_quarantined_now == 1 and summary.answers_in_force == 0
    c = _contacts(con)
    assert c[A] == c[B]  # not applied
    assert _answers(con) == [("d1", "quarantined", "record_b changed since the pair was shown")]
    # A fresh answer on the records as they are now is accepted.
    _answer(con, "d2", "different_people", datetime(2026, 11, 3), _fingerprints(con))
    resolve_and_store(con, datetime(2026, 11, 3))
    c = _contacts(con)
    assert c[A] != c[B]
    # "Not sure" withdraws the answer: the engine decides alone again (the shared mailbox).
    _answer(con, "d3", "not_sure", datetime(2026, 11, 4), _fingerprints(con))
    resolve_and_store(con, datetime(2026, 11, 4))
    c = _contacts(con)
    assert c[A] == c[B]
    con.close()
