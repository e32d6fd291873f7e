"""GDPR building blocks on real files and a real DuckDB database (no pipeline run)."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime

import duckdb
import pytest

from ingest.csv_drop import decode_bytes, parse_rows, sniff_delimiter
from orchestration.gdpr import hashing
from orchestration.gdpr.access import add_months
from orchestration.gdpr.erasure import (
    ErasureSubject,
    Needles,
    file_contains_any,
    rewrite_database,
    scrub_drop_file,
    scrub_exports,
)
from orchestration.gdpr.suppression import (
    REASON_OBJECTION,
    SUPPRESSION_TABLE,
    add_hashes,
    identifier_hashes,
    refresh_suppressed_records,
)


def test_hashes_use_the_identity_normalisers_and_the_pepper(monkeypatch):
    monkeypatch.setenv(hashing.PEPPER_ENV, "pepper-one")
    a = hashing.email_hash(" Jane.Doe+cv@GMAIL.com ")
    b = hashing.email_hash("janedoe@gmail.com")
    assert a == b and re.fullmatch(r"[0-9a-f]{64}", a)
    assert hashing.profile_hash("https://uk.linkedin.com/in/Jane-Doe/?trk=x") == (
        hashing.profile_hash("linkedin.com/in/jane-doe")
    )
    # Keyed: the plain SHA-256 of the identifier is not what is stored, and another pepper
    # gives another hash.
    assert a != hashlib.sha256(b"email:janedoe@gmail.com").hexdigest()
    monkeypatch.setenv(hashing.PEPPER_ENV, "pepper-two")
    assert hashing.email_hash("janedoe@gmail.com") != a
    assert hashing.email_hash("not an email") is None


def test_missing_pepper_names_the_env_var(monkeypatch):
    monkeypatch.delenv(hashing.PEPPER_ENV, raising=False)
    with pytest.raises(hashing.MissingPepperError, match="TALENT_CRM_PEPPER"):
        identifier_hashes(["a@example.org"], [])


def test_gate_without_pepper_skips_when_empty_and_fails_when_entries_exist(tmp_path, monkeypatch):
    con = duckdb.connect(str(tmp_path / "g.duckdb"))
    monkeypatch.delenv(hashing.PEPPER_ENV, raising=False)
    result = refresh_suppressed_records(con, datetime(2026, 1, 1))
    assert result.skipped_reason and "TALENT_CRM_PEPPER" in result.skipped_reason
    monkeypatch.setenv(hashing.PEPPER_ENV, "p")
    hashes = identifier_hashes(["a@example.org"], ["linkedin.com/in/a-b"])
    assert add_hashes(con, hashes, REASON_OBJECTION, datetime(2026, 1, 1)) == 2
    assert add_hashes(con, hashes, REASON_OBJECTION, datetime(2026, 1, 2)) == 0  # idempotent
    stored = con.execute(f"select * from {SUPPRESSION_TABLE}").fetchall()
    assert all("example" not in str(row) and "a-b" not in str(row) for row in stored)
    monkeypatch.delenv(hashing.PEPPER_ENV)
    with pytest.raises(hashing.MissingPepperError, match="TALENT_CRM_PEPPER"):
        refresh_suppressed_records(con, datetime(2026, 1, 1))
    con.close()


def test_needles_match_whole_identifiers_only():
    regex = Needles(["ann@x.io", "linkedin.com/in/ann-lee"])
    assert regex.search('{"email":"ann@x.io"}')
    assert regex.search("ann@x.io,Ann,Lee")
    assert regex.search("https://www.linkedin.com/in/ann-lee/")
    assert regex.search("ann@x.io.")  # end of a sentence
    assert not regex.search("joann@x.io")  # another person's address
    assert not regex.search("ann@x.io.evil.com")
    assert not regex.search("linkedin.com/in/ann-leeds")


def test_drop_file_rows_are_blanked_keeping_every_other_row_number(tmp_path):
    path = tmp_path / "sourcing.csv"
    original = (
        "\ufeffFirst Name;Last Name;Email;Profile URL\r\n"
        "Ann;Lee;ann@x.io;\r\n"
        "Bob;Ray;bob@y.io;\r\n"
        'Cat;"Row, Three";;https://linkedin.com/in/cat-three\r\n'
        "Dan;Nomail;;\r\n"
    )
    path.write_bytes(original.encode("utf-8"))
    regex = Needles(["ann@x.io", "linkedin.com/in/cat-three"])
    new = scrub_drop_file(path, rows_to_blank={4}, regex=regex)  # row 4: Dan, by record id
    assert new is not None and new.startswith(b"\xef\xbb\xbf")
    text, _ = decode_bytes(new)
    rows = parse_rows(text, sniff_delimiter(text))
    assert rows[0] == ["First Name", "Last Name", "Email", "Profile URL"]
    assert rows[1] == [] and rows[3] == [] and rows[4] == []
    assert rows[2] == ["Bob", "Ray", "bob@y.io", ""]  # still data row 2 → same record id
    for gone in (b"Ann", b"ann@x.io", b"cat-three", b"Dan"):
        assert gone not in new
    assert scrub_drop_file(path, set(), Needles(["zed@z.io"])) is None


def test_exports_lose_the_persons_rows(tmp_path):
    import polars as pl

    exports = tmp_path / "exports"
    (exports / "lists").mkdir(parents=True)
    pl.DataFrame({"contact_id": ["ct_1", "ct_2"], "email": ["ann@x.io", "bob@y.io"]}).write_parquet(
        exports / "lists" / "due.parquet"
    )
    (exports / "lists" / "due.csv").write_text("contact_id,email\nct_1,ann@x.io\nct_2,bob@y.io\n")
    (exports / "note.json").write_text('{"who": "ANN@x.io"}')
    regex = Needles(["ann@x.io"])
    changed = scrub_exports(exports, regex, {"ct_1"})
    assert len(changed) == 3
    assert pl.read_parquet(exports / "lists" / "due.parquet")["contact_id"].to_list() == ["ct_2"]
    assert "ann" not in (exports / "lists" / "due.csv").read_text()
    assert not (exports / "note.json").exists()


def test_deleted_bytes_survive_a_checkpoint_but_not_a_rewrite(tmp_path):
    """Why erasure verifies the file: DuckDB does not zero freed blocks."""
    db = tmp_path / "talent_crm.duckdb"
    con = duckdb.connect(str(db))
    con.execute("pragma force_compression='uncompressed'")  # make the bytes findable at all
    con.execute(
        "create table t as "
        "select i, 'person' || i || '@example.org' as email from range(50000) r(i)"
    )
    con.execute("create view v as select * from t")
    con.execute("checkpoint")
    assert file_contains_any(db, ["person4242@example.org"])
    con.execute("delete from t where i = 4242")
    con.execute("checkpoint")
    con.close()
    assert file_contains_any(db, ["person4242@example.org"])  # still there: freed, not zeroed
    rewrite_database(db)
    assert not file_contains_any(db, ["person4242@example.org"])
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from v").fetchall()[0][0] == 49_999  # views survive
    con.close()


def test_subject_needles_and_month_arithmetic():
    subject = ErasureSubject(emails={"ann@x.io"}, profile_slugs={"linkedin:ann-lee"})
    assert subject.needles == ["ann@x.io", "linkedin.com/in/ann-lee"]
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 11, 30), 24) == date(2026, 11, 30)


@pytest.mark.parametrize("extra_needles", [0, 50])  # substring pre-filter path and bulk path
def test_sql_deletion_matches_whole_identifiers_in_any_table(tmp_path, extra_needles):
    from orchestration.gdpr.erasure import delete_rows

    con = duckdb.connect(str(tmp_path / "d.duckdb"))
    con.execute("create schema raw")
    con.execute("create table raw.quarantine (_source varchar, _record json)")
    con.execute(
        """insert into raw.quarantine values
        ('x', '{"email":"ann@x.io","name":"Ann Lee"}'),
        ('x', '{"email":"joann@x.io","name":"Jo Ann"}'),
        ('x', '{"url":"https://uk.linkedin.com/in/ann-lee/?trk=1"}'),
        ('x', '{"url":"https://linkedin.com/in/ann-leeds"}')"""
    )
    subject = ErasureSubject(
        emails={"ann@x.io"} | {f"other{i}@y.io" for i in range(extra_needles)},
        profile_slugs={"linkedin:ann-lee"},
    )
    removed, _ = delete_rows(con, subject)
    assert removed == {"raw.quarantine": 2}
    left = [r[0] for r in con.execute("select _record::varchar from raw.quarantine").fetchall()]
    assert any("joann" in r for r in left) and any("ann-leeds" in r for r in left)
    con.close()


def test_sql_deletion_finds_copies_in_any_letter_case(tmp_path):
    """The letter-free pre-filter (`4711@`) and the case-insensitive search miss no copy."""
    from orchestration.gdpr.erasure import delete_rows

    con = duckdb.connect(str(tmp_path / "d.duckdb"))
    con.execute("create schema raw")
    con.execute("create table raw.quarantine (_source varchar, _record json)")
    con.execute(
        """insert into raw.quarantine values
        ('x', '{"email":"ANN.Lee4711@X.io"}'),
        ('x', '{"url":"https://LinkedIn.com/in/Ann-1987"}'),
        ('x', '{"email":"ann.lee47111@x.io"}'),
        ('x', '{"email":"ann.lee@x.io"}')"""
    )
    subject = ErasureSubject(emails={"ann.lee4711@x.io"}, profile_slugs={"linkedin:ann-1987"})
    removed, _ = delete_rows(con, subject)
    assert removed == {"raw.quarantine": 2}
    left = sorted(
        r[0] for r in con.execute("select _record->>'email' from raw.quarantine").fetchall()
    )
    assert left == ["ann.lee47111@x.io", "ann.lee@x.io"]
    con.close()


def test_drop_file_mentions_in_any_encoding_and_case():
    from orchestration.gdpr.erasure import bytes_mention

    needles = Needles(["ann@x.io"])
    assert bytes_mention(b"name,email\nAnn,ANN@X.IO\n", needles)
    assert not bytes_mention(b"name,email\nJo,joann@x.io\n", needles)
    assert bytes_mention("name,email\nAnn,ann@x.io\n".encode("utf-16"), needles)
    assert bytes_mention("name,email\nAnnë,Ann@x.io\n".encode("cp1252"), needles)
    assert not bytes_mention("name,email\nJoë,joann@x.io\n".encode(), needles)


def test_file_search_agrees_with_and_without_grep(tmp_path, monkeypatch):
    import orchestration.gdpr.erasure as erasure

    path = tmp_path / "blob.bin"
    path.write_bytes(b"\x00" * 1000 + b"xx Ann Lee\x00 ann@x.io" + b"\x00\n" * 1000)
    cases = [["Ann Lee"], ["ANN@X.IO"], ["Bob Roe", "ann@x.io"], ["joann@x.io"], ["Bob"]]
    with_grep = [file_contains_any(path, c) for c in cases]
    monkeypatch.setattr(erasure.shutil, "which", lambda name: None)
    assert (
        with_grep
        == [file_contains_any(path, c) for c in cases]
        == [
            True,
            True,
            True,
            False,
            False,
        ]
    )
