"""A raw table of the old layout (primary key on record id + content hash) is migrated in place
to the `_landing_key` layout, keeping every row, and stays idempotent afterwards."""

from __future__ import annotations

import duckdb

from ingest.landing import canonical_json, ensure_raw_schema, land_page, record_hash


def test_old_landing_table_is_migrated_and_stays_idempotent(tmp_path):
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    ensure_raw_schema(con)
    con.execute(
        """
        create table raw.greenhouse_candidates (
            _source varchar not null, _source_record_id varchar not null,
            _record_hash varchar not null, _batch_id varchar not null,
            _fetched_at timestamp not null, _record json not null,
            primary key (_source_record_id, _record_hash))"""
    )
    old = {"id": 1, "first_name": "A", "updated_at": "2025-01-01T00:00:00Z"}
    con.execute(
        "insert into raw.greenhouse_candidates values ('greenhouse', '1', ?, 'b0', now(), ?)",
        [record_hash(old), canonical_json(old).decode()],
    )

    changed = {**old, "updated_at": "2025-02-01T00:00:00Z"}
    counts = land_page(
        con,
        source="greenhouse",
        entity="candidates",
        batch_id="b1",
        records=[("1", old), ("1", changed)],
    )
    assert (counts.landed, counts.duplicates) == (1, 1)  # the old row counts as landed already
    rows = con.execute(
        "select _batch_id, _record_hash from raw.greenhouse_candidates order by _batch_id"
    ).fetchall()
    assert rows == [("b0", record_hash(old)), ("b1", record_hash(changed))]
    columns = [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'raw' and table_name = 'greenhouse_candidates'"
        ).fetchall()
    ]
    assert columns[-1] == "_landing_key"
    # Landing both again adds nothing.
    again = land_page(
        con,
        source="greenhouse",
        entity="candidates",
        batch_id="b2",
        records=[("1", old), ("1", changed)],
    )
    assert (again.landed, again.duplicates) == (0, 2)


def test_content_hash_taken_in_python_equals_duckdb_sha256_of_the_stored_text(tmp_path):
    # The hash is computed from the document's bytes before the INSERT (OpenSSL); it must be
    # exactly what DuckDB computes over the stored JSON text, non-ASCII text included.
    from ingest import event_csv
    from ingest.csv_drop import ingest_folder

    con = duckdb.connect(str(tmp_path / "hash.duckdb"))
    ensure_raw_schema(con)
    records = [("1", {"id": 1, "name": "Jürgen Ørsted 😀", "n": None}), ("2", {"id": 2})]
    land_page(con, source="greenhouse", entity="candidates", batch_id="b", records=records)
    folder = tmp_path / "events"
    folder.mkdir()
    (folder / "luma_2026-01-01_x.csv").write_text(
        "First Name,Last Name,Email\r\nJosé,Müller,jose@example.com\r\n", encoding="cp1252"
    )
    assert ingest_folder(con, event_csv.SPEC, folder).rows_landed == 1
    for table in ("raw.greenhouse_candidates", event_csv.SPEC.table):
        mismatched, total = con.execute(
            f"select count(*) filter (where _record_hash <> sha256(_record)), count(*) from {table}"
        ).fetchall()[0]
        assert (mismatched, total > 0) == (0, True), table
    con.close()
