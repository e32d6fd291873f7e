"""Recruiter review decisions: the contract, the spool, the landing asset and the dbt models
that make them `matching.match_decisions` (real DuckDB file, real dbt build)."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from ingest import review_decisions as rd
from orchestration import settings
from orchestration.identity.decisions import FINGERPRINT_FIELDS, record_fingerprint
from orchestration.identity.schema import PERSON_RECORD_SCHEMA

FP_A, FP_B = "a" * 32, "b" * 32


def approve(contact_id: str = "ct_1", **overrides) -> dict:
    values = dict(
        req_id="greenhouse:4100",
        contact_id=contact_id,
        decision="approved",
        reviewer="Rita Recruiter",
        score=0.81,
        message="Hi Ana, a Staff Data Engineer role opened ...",
    )
    values.update(overrides)
    return rd.match_decision(**values)


# -- contract and builders ------------------------------------------------------------------


def test_a_match_decision_has_the_contract_shape() -> None:
    at = datetime(2026, 11, 20, 10, 0, 0, 123456, tzinfo=UTC)
    record = approve(reason="  strong silver medalist ", decided_at=at)
    assert set(record) == {
        "decision_id",
        "kind",
        "req_id",
        "contact_id",
        "decision",
        "reason",
        "message",
        "reviewer",
        "decided_at",
        "shown",
    }
    assert len(record["decision_id"]) == 32 and record["kind"] == "match"
    assert record["decided_at"] == "2026-11-20T10:00:00.123Z"
    assert record["reason"] == "strong silver medalist"
    assert record["shown"] == {"score": 0.81, "export": None}
    assert rd.problems(record) == []


def test_only_an_approval_keeps_its_message() -> None:
    skipped = approve(decision="skipped", reason="on leave")
    assert skipped["message"] is None and skipped["reason"] == "on leave"
    # A hand-made file that carries a message on a skip is refused: a message is what is sent.
    assert "message_ok" in {f for f, _ in rd.problems({**skipped, "message": "Hi"})}


def test_a_pair_decision_is_stored_in_canonical_order() -> None:
    record = rd.pair_decision(
        record_key_a="lever:opportunities:9",
        record_key_b="greenhouse:candidates:3",
        decision="same_person",
        reviewer="Rita",
        fingerprint_a=FP_A,
        fingerprint_b=FP_B,
    )
    assert (record["record_key_a"], record["record_key_b"]) == (
        "greenhouse:candidates:3",
        "lever:opportunities:9",
    )
    # The fingerprints travel with their records.
    assert record["shown"] == {"fingerprint_a": FP_B, "fingerprint_b": FP_A}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"decision": "maybe"}, "decision_ok"),
        ({"decision": "same_person"}, "decision_ok"),  # a pair answer on a match
        ({"kind": "vote"}, "kind_ok"),
        ({"reviewer": "  "}, "reviewer_ok"),
        ({"decided_at": "2026-11-20 10:00"}, "decided_at_ok"),
        ({"decided_at": "2026-11-20T10:00:00+01:00"}, "decided_at_ok"),
        ({"req_id": None}, "req_id_ok"),
        ({"contact_id": 17}, "contact_id_ok"),
        ({"reason": ["x"]}, "reason_ok"),
        ({"message": "x" * 10_001}, "message_ok"),
        ({"shown": {"score": "high"}}, "shown_score_ok"),
        ({"shown": {"score": float("nan")}}, "shown_score_ok"),
        ({"decision_id": "../../etc/passwd"}, "decision_id"),
    ],
)
def test_the_contract_names_the_field_that_breaks(change: dict, field: str) -> None:
    record = {**approve(), **change}
    found = rd.problems(record)
    assert [f for f, _ in found] == [field]
    with pytest.raises(rd.DecisionError) as raised:
        rd.check(record)
    assert raised.value.field == field
    assert "Ana" not in str(raised.value)  # the field and the rule, never the value


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"record_key_b": "a"}, "record_keys_ok"),  # b < a: not canonical
        ({"shown": {"fingerprint_a": FP_A, "fingerprint_b": "nope"}}, "fingerprints_ok"),
        ({"decision": "approved"}, "decision_ok"),
    ],
)
def test_pair_contract(change: dict, field: str) -> None:
    record = rd.pair_decision(
        record_key_a="k1",
        record_key_b="k2",
        decision="not_sure",
        reviewer="Rita",
        fingerprint_a=FP_A,
        fingerprint_b=FP_B,
    )
    assert [f for f, _ in rd.problems({**record, **change})] == [field]


def test_builders_refuse_what_the_contract_refuses() -> None:
    with pytest.raises(rd.DecisionError) as raised:
        approve(decision="approve")
    assert raised.value.field == "decision_ok"
    with pytest.raises(rd.DecisionError):
        approve(reviewer="")


# -- the spool ------------------------------------------------------------------------------


def test_spool_writes_one_file_per_decision_and_never_overwrites(tmp_path: Path) -> None:
    spool = rd.DecisionSpool(tmp_path / "review_decisions")
    record = approve()
    path = spool.write(record)
    assert path == spool.incoming / f"{record['decision_id']}.json"
    assert json.loads(path.read_text(encoding="utf-8")) == record
    with pytest.raises(FileExistsError):
        spool.write(record)
    assert [p.name for p in spool.incoming.iterdir()] == [path.name]  # no temp files left
    with pytest.raises(rd.DecisionError):
        spool.write({**record, "decision_id": "0" * 32, "decision": "nope"})


def test_concurrent_writes_of_one_id_make_one_file(tmp_path: Path) -> None:
    spool = rd.DecisionSpool(tmp_path)
    record = approve()
    outcomes: list[str] = []

    def write() -> None:
        try:
            spool.write(record)
            outcomes.append("written")
        except FileExistsError:
            outcomes.append("exists")

    threads = [threading.Thread(target=write) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["exists"] * 7 + ["written"]
    assert len(list(spool.incoming.glob("*.json"))) == 1


def test_latest_by_subject_spans_incoming_and_landed(tmp_path: Path) -> None:
    spool = rd.DecisionSpool(tmp_path)
    first = approve(decided_at=datetime(2026, 11, 20, 9, tzinfo=UTC))
    later = approve(
        decision="skipped",
        reason="asked to wait",
        decided_at=datetime(2026, 11, 20, 11, tzinfo=UTC),
    )
    other = approve(contact_id="ct_2")
    spool.write(later)
    spool.write(first)  # written after, decided before: decided_at orders, not the file
    spool.write(other)
    [landed] = [i for i in spool.pending() if i.decision_id == later["decision_id"]]
    spool.mark_landed(landed)
    (spool.incoming / "broken.json").write_text("{not json", encoding="utf-8")
    latest = rd.latest_by_subject(spool)
    assert latest[("match", "greenhouse:4100", "ct_1")]["decision"] == "skipped"
    assert latest[("match", "greenhouse:4100", "ct_2")]["decision_id"] == other["decision_id"]
    assert len(latest) == 2


def test_unreadable_and_renamed_files_are_landing_problems(tmp_path: Path) -> None:
    spool = rd.DecisionSpool(tmp_path)
    spool.ensure()
    (spool.incoming / "junk.json").write_bytes(b"\xff\xfe not text")
    (spool.incoming / "array.json").write_text("[1, 2]", encoding="utf-8")
    record = approve()
    (spool.incoming / ("f" * 32 + ".json")).write_text(json.dumps(record), encoding="utf-8")
    problems = {i.path.name: rd.landing_problem(i) for i in spool.pending()}
    assert problems["junk.json"] == ("record", "the file could not be read as UTF-8 text")
    assert problems["array.json"] == ("record", "the file does not hold a JSON object")
    assert problems["f" * 32 + ".json"] == (
        "decision_id",
        "decision_id does not match the file name",
    )


# -- record fingerprints ----------------------------------------------------------------------


def person_row(**overrides) -> dict:
    row = {name: None for name in PERSON_RECORD_SCHEMA}
    row.update(
        record_key="greenhouse:candidates:3",
        source="greenhouse",
        entity="candidates",
        source_record_id="3",
        first_name="Ana",
        last_name="Müller",
        emails=["ana@example.org"],
        phones=[],
        record_updated_at=datetime(2026, 1, 1),
        is_buyer_profile_copy=False,
    )
    row.update(overrides)
    return row


def test_fingerprint_ignores_update_time_and_extra_keys_but_not_identity_inputs() -> None:
    base = record_fingerprint(person_row())
    assert len(base) == 32 and int(base, 16) >= 0
    assert record_fingerprint(person_row(record_updated_at=datetime(2027, 5, 5))) == base
    assert record_fingerprint({**person_row(), "contact_id": "ct_9"}) == base
    assert record_fingerprint(person_row(emails=["ana@example.org", "a@b.org"])) != base
    assert record_fingerprint(person_row(last_name="Muller")) != base
    assert record_fingerprint(person_row(is_buyer_profile_copy=None)) != base
    assert "record_updated_at" not in FINGERPRINT_FIELDS


def test_fingerprint_is_the_same_from_duckdb_and_polars(tmp_path: Path) -> None:
    row = person_row()
    frame = pl.DataFrame([row], schema=PERSON_RECORD_SCHEMA)
    con = duckdb.connect(str(tmp_path / "f.duckdb"))
    con.register("records", frame)
    cursor = con.execute("select * from records")
    names = [d[0] for d in cursor.description]
    from_duckdb = dict(zip(names, cursor.fetchone(), strict=True))
    from_polars = frame.row(0, named=True)
    assert record_fingerprint(from_duckdb) == record_fingerprint(from_polars)
    assert record_fingerprint(from_duckdb) == record_fingerprint(row)


# -- landing and dbt --------------------------------------------------------------------------


def land(warehouse_instance=None) -> dg.ExecuteInProcessResult:
    from orchestration.defs.ingest.assets import review_decisions_landing
    from orchestration.resources import DuckDBWarehouse

    with dg.DagsterInstance.ephemeral() as instance:
        return dg.materialize(
            [review_decisions_landing],
            instance=instance,
            resources={"warehouse": DuckDBWarehouse()},
        )


def test_landing_lands_valid_decisions_and_quarantines_the_rest(isolated_env: Path) -> None:
    spool = rd.DecisionSpool(settings.review_decisions_spool_dir())
    good = approve()
    spool.write(good)
    bad = {**approve(contact_id="ct_2"), "decision": "yes please"}
    (spool.incoming / f"{bad['decision_id']}.json").write_text(json.dumps(bad), encoding="utf-8")
    (spool.incoming / ("e" * 32 + ".json")).write_text("{", encoding="utf-8")
    result = land()
    assert result.success
    [event] = result.get_asset_materialization_events()
    meta = event.materialization.metadata
    assert meta["landed_decisions"].value == 1 and meta["quarantined"].value == 2
    assert list(spool.pending()) == []
    assert len(list(spool.landed.glob("*.json"))) == 3
    con = duckdb.connect(os.environ["TALENT_CRM_DB"], read_only=True)
    try:
        assert con.execute(
            "select _source, _source_record_id, _record ->> 'decision' from raw.review_decisions"
        ).fetchall() == [("review", good["decision_id"], "approved")]
        assert sorted(
            con.execute(
                "select _source_record_id, field from raw.quarantine where _entity = 'decisions'"
            ).fetchall()
        ) == sorted([(bad["decision_id"], "decision_ok"), ("e" * 32, "record")])
    finally:
        con.close()
    # Nothing new: a second run lands nothing and still succeeds (the table stays).
    again = land()
    assert again.success
    [event] = again.get_asset_materialization_events()
    assert event.materialization.metadata["landed_decisions"].value == 0


def dbt_build(select: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            settings.dbt_executable(),
            "build",
            "--profiles-dir",
            ".",
            "--target-path",
            str(tmp_path / "dbt-target"),
            "--log-path",
            str(tmp_path / "dbt-logs"),
            "--select",
            select,
        ],
        cwd=settings.DBT_PROJECT_DIR,
        env={**os.environ, "DO_NOT_TRACK": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow  # a real dbt build (~15 s of dbt start-up and parsing)
def test_match_decisions_keeps_the_latest_per_req_and_contact(
    isolated_env: Path, tmp_path: Path
) -> None:
    spool = rd.DecisionSpool(settings.review_decisions_spool_dir())

    def at(hour: int) -> datetime:
        return datetime(2026, 11, 20, hour, tzinfo=UTC)

    spool.write(approve("ct_1", decided_at=at(9)))
    changed_mind = approve("ct_1", decision="not_a_fit", reason="relocating", decided_at=at(10))
    spool.write(changed_mind)
    approved = approve("ct_retired", message="Hi Bo, edited by hand", decided_at=at(9))
    spool.write(approved)
    spool.write(approve("ct_erased", decided_at=at(9)))
    pair = rd.pair_decision(
        record_key_a="k1",
        record_key_b="k2",
        decision="different_people",
        reviewer="Rita",
        fingerprint_a=FP_A,
        fingerprint_b=FP_B,
        decided_at=at(12),
    )
    spool.write(pair)
    assert land().success

    # The upstream marts the mart joins, as the pipeline leaves them: ct_retired was merged
    # into ct_mid, then ct_mid into ct_survivor; ct_erased is no longer a contact.
    con = duckdb.connect(os.environ["TALENT_CRM_DB"])
    con.execute("create schema crm")
    con.execute("create table crm.contacts (contact_id varchar)")
    con.execute("insert into crm.contacts values ('ct_1'), ('ct_survivor')")
    con.execute(
        "create table crm.contact_merges (retired_id varchar, surviving_id varchar, "
        "merged_at timestamp, evidence varchar)"
    )
    con.execute(
        "insert into crm.contact_merges values ('ct_retired', 'ct_mid', now(), 'x'), "
        "('ct_mid', 'ct_survivor', now(), 'y')"
    )
    con.close()

    built = dbt_build(
        "stg_review__match_decisions stg_review__pair_decisions match_decisions", tmp_path
    )
    assert built.returncode == 0, built.stdout[-3000:]

    con = duckdb.connect(os.environ["TALENT_CRM_DB"], read_only=True)
    try:
        assert con.execute(
            "select count(*), count(distinct decision_id) from staging.stg_review__match_decisions"
        ).fetchone() == (4, 4)
        mart = con.execute(
            "select contact_id, decided_contact_id, decision, reason, message, reviewer, "
            "decided_at, decisions_made from matching.match_decisions order by contact_id"
        ).fetchall()
        assert mart == [
            (
                "ct_1",
                "ct_1",
                "not_a_fit",
                "relocating",
                None,
                "Rita Recruiter",
                at(10).replace(tzinfo=None),
                2,
            ),
            (
                "ct_survivor",
                "ct_retired",
                "approved",
                None,
                "Hi Bo, edited by hand",
                "Rita Recruiter",
                at(9).replace(tzinfo=None),
                1,
            ),
        ]
        assert con.execute(
            "select record_key_a, record_key_b, decision, fingerprint_a, fingerprint_b, "
            "decided_at from staging.stg_review__pair_decisions"
        ).fetchall() == [("k1", "k2", "different_people", FP_A, FP_B, at(12).replace(tzinfo=None))]
    finally:
        con.close()
