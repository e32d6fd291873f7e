"""CSV drop-folder ingestion over real files in tmp_path and a real DuckDB file.

Covers the bad-input matrix for files: encodings (BOM, Windows-1252), delimiters, header
aliases, missing required columns, empty files, re-delivered and renamed files, changed files,
malformed rows, a crash mid-file, and the generated sample market's drop folders end to end.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingest import csv_drop, event_csv, hris_csv, outreach_csv, sourcing_csv
from ingest.csv_drop import CsvFeedSpec, header_key, ingest_folder

EVENTS = event_csv.SPEC
OUTREACH = outreach_csv.SPEC
HRIS = hris_csv.SPEC
SOURCING = sourcing_csv.SPEC
REPO = Path(__file__).resolve().parents[1]

LUMA_HEADER = [
    "First Name",
    "Last Name",
    "Email",
    "Company",
    "Job Title",
    "Registered At",
    "Attended",
    "Marketing Consent",
]
OUTREACH_HEADER = [
    "message_id",
    "contact_email",
    "campaign",
    "step",
    "event",
    "bounce_type",
    "occurred_at",
]


def write_csv(
    path: Path,
    header: list[str],
    rows: list[list[str]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    """Write a CSV exactly as an exporting tool would (CRLF, minimal quoting)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def luma_rows(n: int, start: int = 1) -> list[list[str]]:
    return [
        [
            f"First{i}",
            f"Last{i}",
            f"person{i}@example.com",
            "Acme",
            "Engineer",
            f"2026-03-{1 + i % 28:02d}T10:00:00Z",
            "Yes" if i % 2 else "No",
            "No" if i % 3 == 0 else "Yes",
        ]
        for i in range(start, start + n)
    ]


def outreach_rows(n: int) -> list[list[str]]:
    return [
        [
            f"msg_{i:04d}",
            f"p{i}@example.com",
            "Nurture 2026",
            "1",
            "sent",
            "",
            "2026-01-02T03:04:05Z",
        ]
        for i in range(1, n + 1)
    ]


@pytest.fixture
def con(tmp_path: Path):
    connection = duckdb.connect(str(tmp_path / "talent_crm.duckdb"))
    yield connection
    connection.close()


def landed(con, spec: CsvFeedSpec) -> dict[str, dict]:
    rows = con.execute(f"select _source_record_id, _record from {spec.table}").fetchall()
    return {rid: json.loads(rec) for rid, rec in rows}


def landed_versions(con, spec: CsvFeedSpec) -> set[tuple[str, str]]:
    rows = con.execute(f"select _source_record_id, _record_hash from {spec.table}").fetchall()
    return set(rows)


def quarantined(con, spec: CsvFeedSpec) -> list[tuple[str, str, str]]:
    return con.execute(
        "select _source_record_id, field, reason from raw.quarantine "
        "where _source = ? and _entity = ? order by 1",
        [spec.source, spec.entity],
    ).fetchall()


def processed(con, feed: str) -> list[tuple]:
    return con.execute(
        "select file_name, status, rows, landed, unchanged, quarantined, reason "
        "from raw.processed_files where feed = ? order by file_name",
        [feed],
    ).fetchall()


# --- decoding, delimiters, aliases ----------------------------------------------------------


def test_utf8_bom_and_hopin_aliases_land_with_clean_headers(tmp_path, con):
    folder = tmp_path / "events"
    header = [
        "First Name",
        "Surname",
        "E-mail Address",
        "Organisation",
        "Role",
        "Grad year",
        "Signed Up",
        "Attended",
        "Opt-In",
    ]
    rows = [
        ["Katherine", "Martin", "K.Martin@Orange.fr", "École Polytechnique", "Student", "2023",
         "2025-11-25 12:29:36", "TRUE", "FALSE"],
        ["Uwe", "Richter", "uwer1995@gmail.com", "Solstice", "Director", "", "2025-12-06 12:55:40",
         "TRUE", "TRUE"],
    ]  # fmt: skip
    write_csv(folder / "hopin_2025-12-13_sales-forum.csv", header, rows, encoding="utf-8-sig")

    result = ingest_folder(con, EVENTS, folder)

    assert result.rows_landed == 2 and result.rows_quarantined == 0
    record = landed(con, EVENTS)["hopin_2025-12-13_sales-forum.csv:1"]
    assert record["file"] == "hopin_2025-12-13_sales-forum.csv" and record["row"] == 1
    fields = record["fields"]
    assert fields["first_name"] == "Katherine" and fields["last_name"] == "Martin"
    assert fields["email"] == "K.Martin@Orange.fr"
    assert fields["company"] == "École Polytechnique"
    assert fields["grad_year"] == "2023"
    assert fields["registered_at"] == "2025-11-25T12:29:36Z"  # naive export time is UTC
    assert fields["attended"] == "true" and fields["consent"] == "false"
    # Event identity comes from the file name when the export has no event columns.
    assert fields["event_platform"] == "hopin" and fields["event_date"] == "2025-12-13"
    assert fields["event_name"] == "sales-forum"
    # The BOM never leaks into a header name; the original row is kept verbatim.
    assert list(record["original"])[0] == "First Name"
    assert record["original"]["E-mail Address"] == "K.Martin@Orange.fr"
    assert [o.encoding for o in result.outcomes] == ["utf-8-sig"]


def test_windows_1252_semicolon_file_round_trips_accents(tmp_path, con):
    folder = tmp_path / "events"
    header = [
        "Vorname",
        "Nachname",
        "E-Mail",
        "Hochschule / Firma",
        "Position",
        "Abschlussjahr",
        "Anmeldedatum",
        "Teilgenommen",
        "Einwilligung Kontaktaufnahme",
    ]
    rows = [
        ["Jürgen", "Größe", "j.groesse@example.de", "TU München", "Student", "2026",
         "16.05.2026 04:08", "ja", "nein"],
        ["Zoë", "Müller; Schmidt", "zoe@example.de", "Société Lumière", "Ingénieure", "",
         "26.05.2026 18:35", "nein", "ja"],
    ]  # fmt: skip
    path = write_csv(
        folder / "karrieremesse_2026-06-14_muenchen.csv",
        header,
        rows,
        encoding="cp1252",
        delimiter=";",
    )
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # really not UTF-8

    result = ingest_folder(con, EVENTS, folder)

    assert result.rows_landed == 2
    assert (result.outcomes[0].encoding, result.outcomes[0].delimiter) == ("cp1252", ";")
    records = landed(con, EVENTS)
    first = records["karrieremesse_2026-06-14_muenchen.csv:1"]["fields"]
    second = records["karrieremesse_2026-06-14_muenchen.csv:2"]["fields"]
    assert (first["first_name"], first["last_name"], first["company"]) == (
        "Jürgen",
        "Größe",
        "TU München",
    )
    assert first["registered_at"] == "2026-05-16T04:08:00Z"
    assert (first["attended"], first["consent"]) == ("true", "false")
    # A quoted delimiter inside a cell is data, not a column break.
    assert second["last_name"] == "Müller; Schmidt"
    assert (second["first_name"], second["company"], second["job_title"]) == (
        "Zoë",
        "Société Lumière",
        "Ingénieure",
    )
    assert second["grad_year"] is None


def test_bytes_neither_utf8_nor_windows_1252_reject_the_file_instead_of_replacing(tmp_path, con):
    folder = tmp_path / "events"
    folder.mkdir()
    # 0x81 is undefined in Windows-1252 and invalid UTF-8: never silently turned into "?".
    (folder / "broken.csv").write_bytes(
        b"First Name,Last Name,Email\r\nJ\x81rgen,X,j@example.de\r\n"
    )
    result = ingest_folder(con, EVENTS, folder)
    [outcome] = result.outcomes
    assert outcome.status == "rejected"
    assert "broken.csv" in outcome.reason and "Windows-1252" in outcome.reason


def test_header_keys_ignore_case_spaces_punctuation_and_accents():
    assert header_key("E-mail Address") == header_key("email_address") == "emailaddress"
    assert header_key(" E-Mail ") == header_key("EMAIL") == "email"
    assert header_key("\ufeffFirst Name") == header_key("first_name") == "firstname"
    assert header_key("Prénom") == "prenom"
    lookup = EVENTS.header_lookup()
    for spelling in ("Email", "E-mail Address", "email_address", "E-Mail", "Mail"):
        assert lookup[header_key(spelling)] == "email", spelling
    for spelling in ("First Name", "Vorname", "first_name", "FIRSTNAME"):
        assert lookup[header_key(spelling)] == "first_name", spelling
    for spelling in ("Graduation Year", "Grad year", "Abschlussjahr", "Class of"):
        assert lookup[header_key(spelling)] == "grad_year", spelling
    for spelling in ("Hochschule / Firma", "Organisation", "Company"):
        assert lookup[header_key(spelling)] == "company", spelling
    # Every feed's alias table is unambiguous (building it raises on a clash).
    for spec in csv_drop.all_specs():
        assert spec.header_lookup()


def test_form_export_semicolons_with_different_column_order(tmp_path, con):
    folder = tmp_path / "events"
    header = [
        "email_address", "first_name", "last_name", "company", "job_title", "Graduation Year",
        "registered_at", "attended", "marketing_opt_in", "How did you hear about us?",
    ]  # fmt: skip
    rows = [["  sarah@uni.edu\t", " Sarah ", "Murphy", "UC Berkeley", "Student", "2024.0",
             "2025-11-05T11:25:03Z", "1", "0", "Friend"]]  # fmt: skip
    write_csv(folder / "formexport_2025-11-22_campus-career-day.csv", header, rows, delimiter=";")
    ingest_folder(con, EVENTS, folder)
    record = landed(con, EVENTS)["formexport_2025-11-22_campus-career-day.csv:1"]
    fields = record["fields"]
    assert fields["email"] == "sarah@uni.edu" and fields["first_name"] == "Sarah"
    assert fields["grad_year"] == "2024"  # Excel's 2024.0
    assert (fields["attended"], fields["consent"]) == ("true", "false")
    # Unknown extra columns are kept in the original row; original values are untouched.
    assert record["original"]["How did you hear about us?"] == "Friend"
    assert record["original"]["first_name"] == " Sarah "


# --- whole-file outcomes ---------------------------------------------------------------------


def test_missing_required_column_rejects_whole_file_and_other_files_still_land(tmp_path, con):
    folder = tmp_path / "events"
    no_email = [h for h in LUMA_HEADER if h != "Email"]
    write_csv(folder / "luma_2026-01-01_a.csv", no_email, [r[:2] + r[3:] for r in luma_rows(3)])
    write_csv(folder / "luma_2026-01-02_b.csv", LUMA_HEADER, luma_rows(4))

    result = ingest_folder(con, EVENTS, folder)

    by_name = {o.file_name: o for o in result.outcomes}
    rejected = by_name["luma_2026-01-01_a.csv"]
    assert rejected.status == "rejected"
    assert rejected.reason.startswith("luma_2026-01-01_a.csv: missing required column(s) email")
    assert '"First Name"' in rejected.reason  # the headers it did see
    assert by_name["luma_2026-01-02_b.csv"].status == "landed"
    assert {rid.split(":")[0] for rid in landed(con, EVENTS)} == {"luma_2026-01-02_b.csv"}
    assert len(landed(con, EVENTS)) == 4
    statuses = {row[0]: row[1] for row in processed(con, "events")}
    assert statuses == {"luma_2026-01-01_a.csv": "rejected", "luma_2026-01-02_b.csv": "landed"}
    # HRIS without an end-date column would turn alumni into employees: rejected too.
    hris_folder = tmp_path / "hris"
    write_csv(
        hris_folder / "hris_export.csv",
        ["Employee ID", "First Name", "Last Name", "Start Date"],
        [["NW-1", "A", "B", "2020-01-01"]],
    )
    [hris_outcome] = ingest_folder(con, HRIS, hris_folder).outcomes
    assert hris_outcome.status == "rejected" and "end_date" in hris_outcome.reason


def test_rejected_file_is_retried_and_lands_once_the_header_is_understood(tmp_path, con):
    folder = tmp_path / "events"
    write_csv(folder / "x.csv", ["Vorname", "Nachname", "Kontakt"], [["A", "B", "a@b.de"]])
    assert ingest_folder(con, EVENTS, folder).outcomes[0].status == "rejected"
    assert ingest_folder(con, EVENTS, folder).outcomes[0].status == "rejected"  # re-checked
    extended = CsvFeedSpec(
        **{**EVENTS.__dict__, "aliases": {**EVENTS.aliases, "email": ("Kontakt",)}}
    )
    assert ingest_folder(con, extended, folder).outcomes[0].status == "landed"
    assert processed(con, "events")[0][1] == "landed"


def test_empty_files_are_recorded_as_empty_not_errors(tmp_path, con):
    folder = tmp_path / "outreach"
    folder.mkdir()
    (folder / "zero.csv").write_bytes(b"")
    write_csv(folder / "header_only.csv", OUTREACH_HEADER, [])
    (folder / "blank_lines.csv").write_bytes(
        b",".join(h.encode() for h in OUTREACH_HEADER) + b"\r\n\r\n\r\n"
    )
    (folder / "notes.txt").write_text("not a csv")

    result = ingest_folder(con, OUTREACH, folder)

    assert {o.file_name: (o.status, o.reason) for o in result.outcomes} == {
        "blank_lines.csv": ("empty", "header only"),
        "header_only.csv": ("empty", "header only"),
        "zero.csv": ("empty", "0 bytes"),
    }
    assert [row[1] for row in processed(con, "outreach")] == ["empty"] * 3
    assert ingest_folder(con, OUTREACH, folder).files("skipped")  # not re-read


def test_same_file_twice_and_same_bytes_under_new_name_add_nothing(tmp_path, con):
    folder = tmp_path / "outreach"
    path = write_csv(folder / "outreach_2026-q1.csv", OUTREACH_HEADER, outreach_rows(7))
    first = ingest_folder(con, OUTREACH, folder)
    assert first.rows_landed == 7

    second = ingest_folder(con, OUTREACH, folder)
    assert second.rows_landed == 0 and [o.status for o in second.outcomes] == ["skipped"]

    shutil.copy(path, folder / "outreach_2026-q1 (copy).csv")
    third = ingest_folder(con, OUTREACH, folder)
    assert sorted(o.status for o in third.outcomes) == ["skipped", "skipped"]
    assert len(landed(con, OUTREACH)) == 7
    assert len(processed(con, "outreach")) == 1
    # Files are never deleted, moved or renamed.
    assert sorted(p.name for p in folder.iterdir()) == [
        "outreach_2026-q1 (copy).csv",
        "outreach_2026-q1.csv",
    ]
    # A full re-read lands nothing new either.
    again = ingest_folder(con, OUTREACH, folder, reprocess=True)
    assert again.rows_landed == 0 and again.rows_unchanged == 7


def test_changed_file_lands_new_and_changed_rows_only(tmp_path, con):
    folder = tmp_path / "outreach"
    rows = outreach_rows(5)
    write_csv(folder / "outreach_2026-q1.csv", OUTREACH_HEADER, rows)
    ingest_folder(con, OUTREACH, folder)
    before = landed_versions(con, OUTREACH)

    rows[1][4] = "delivered"  # row 2 changed
    rows.append(
        ["msg_0099", "new@example.com", "Nurture 2026", "2", "opened", "", "2026-01-03T00:00:00Z"]
    )
    write_csv(folder / "outreach_2026-q1.csv", OUTREACH_HEADER, rows)
    result = ingest_folder(con, OUTREACH, folder)

    [outcome] = result.outcomes
    assert (outcome.status, outcome.rows, outcome.landed, outcome.unchanged) == ("landed", 6, 2, 4)
    after = landed_versions(con, OUTREACH)
    assert before < after and len(after) == 7  # 5 + changed version of row 2 + row 6
    new_ids = sorted(rid for rid, _ in after - before)
    assert new_ids == ["outreach_2026-q1.csv:2", "outreach_2026-q1.csv:6"]
    assert len(processed(con, "outreach")) == 2  # one row per content hash


# --- rows ------------------------------------------------------------------------------------


def test_malformed_rows_are_quarantined_with_field_and_reason_while_the_rest_lands(tmp_path, con):
    folder = tmp_path / "outreach"
    rows = outreach_rows(8)
    rows[1][1] = "not-an-email"  # row 2
    rows[2][6] = "yesterday at noon"  # row 3
    rows[3] = rows[3][:5]  # row 4: wrong cell count
    rows[4][4] = "teleported"  # row 5
    rows[5][1] = ""  # row 6: no address
    rows[6][6] = "2026-02-30T00:00:00Z"  # row 7: impossible date
    write_csv(folder / "outreach_2026-q2.csv", OUTREACH_HEADER, rows)

    result = ingest_folder(con, OUTREACH, folder)

    [outcome] = result.outcomes
    assert (outcome.rows, outcome.landed, outcome.quarantined) == (8, 2, 6)
    assert sorted(landed(con, OUTREACH)) == ["outreach_2026-q2.csv:1", "outreach_2026-q2.csv:8"]
    assert quarantined(con, OUTREACH) == [
        ("outreach_2026-q2.csv:2", "email", "email does not have the expected format"),
        ("outreach_2026-q2.csv:3", "occurred_at", "occurred_at does not have the expected format"),
        ("outreach_2026-q2.csv:4", "record", "row has 5 cells, header has 7"),
        ("outreach_2026-q2.csv:5", "event", "event has a value outside the allowed set"),
        ("outreach_2026-q2.csv:6", "email", "email is missing or not of the expected type"),
        ("outreach_2026-q2.csv:7", "occurred_at", "occurred_at failed check valid_utc_timestamp"),
    ]
    # Reasons and metadata never carry the offending values.
    assert "not-an-email" not in json.dumps(result.quarantine_reasons)
    # Re-reading the same file (full resync) records each bad row once.
    ingest_folder(con, OUTREACH, folder, reprocess=True)
    assert len(quarantined(con, OUTREACH)) == 6


def test_event_rows_with_bad_email_date_or_consent_are_quarantined(tmp_path, con):
    folder = tmp_path / "events"
    rows = luma_rows(5)
    rows[0][2] = "jane at acme"
    rows[1][5] = "31.02.2026 10:00"
    rows[2][7] = "maybe"
    rows[3][2] = ""  # empty email is allowed for sign-ups
    write_csv(folder / "luma_2026-03-01_meetup.csv", LUMA_HEADER, rows)
    ingest_folder(con, EVENTS, folder)
    assert [(r[0].split(":")[1], r[1]) for r in quarantined(con, EVENTS)] == [
        ("1", "email"),
        ("2", "registered_at"),
        ("3", "consent"),
    ]
    assert sorted(landed(con, EVENTS)) == [
        "luma_2026-03-01_meetup.csv:4",
        "luma_2026-03-01_meetup.csv:5",
    ]


@pytest.mark.parametrize(
    "transaction_rows",
    [3, csv_drop.DEFAULT_TRANSACTION_RECORDS],
    ids=["a-transaction-per-batch", "batches-share-a-transaction"],
)
def test_crash_mid_file_then_rerun_equals_an_uninterrupted_run(
    tmp_path, monkeypatch, transaction_rows
):
    folder = tmp_path / "events"
    write_csv(folder / "luma_2026-04-01_big.csv", LUMA_HEADER, luma_rows(10))
    write_csv(folder / "luma_2026-04-02_small.csv", LUMA_HEADER, luma_rows(2, start=50))

    clean = duckdb.connect(str(tmp_path / "clean.duckdb"))
    ingest_folder(clean, EVENTS, folder, batch_rows=3)

    crashed = duckdb.connect(str(tmp_path / "crashed.duckdb"))
    real_land_batch = csv_drop.land_batch
    calls = {"n": 0}

    def failing_land_batch(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full (simulated)")
        return real_land_batch(*args, **kwargs)

    monkeypatch.setattr(csv_drop, "land_batch", failing_land_batch)
    with pytest.raises(OSError):
        ingest_folder(crashed, EVENTS, folder, batch_rows=3, transaction_rows=transaction_rows)
    # With a transaction per batch the first batch committed; sharing one, the crash rolled it
    # back. Either way the file is not recorded as processed.
    committed = 3 if transaction_rows == 3 else 0
    assert len(landed(crashed, EVENTS)) == committed
    assert processed(crashed, "events") == []
    failed = crashed.execute("select status from raw.batches").fetchall()
    assert failed == [("failed",)]

    monkeypatch.setattr(csv_drop, "land_batch", real_land_batch)
    rerun = ingest_folder(crashed, EVENTS, folder, batch_rows=3)
    assert rerun.rows_landed == 12 - committed and rerun.rows_unchanged == committed

    assert landed_versions(crashed, EVENTS) == landed_versions(clean, EVENTS)
    assert len(landed_versions(clean, EVENTS)) == 12

    def file_rows(c):
        return [(r[0], r[1], r[2], r[3] + r[4], r[5]) for r in processed(c, "events")]

    assert file_rows(crashed) == file_rows(clean)
    clean.close()
    crashed.close()


def test_syntax_error_past_the_first_batch_rejects_the_whole_file_before_any_row_lands(
    tmp_path, con
):
    # Files are streamed batch by batch; a broken quote in a LATER batch must still reject the
    # whole file (nothing of it lands), exactly as when files were parsed whole.
    folder = tmp_path / "events"
    path = write_csv(folder / "luma_2026-05-01_big.csv", LUMA_HEADER, luma_rows(10))
    path.write_bytes(path.read_bytes() + b'"Broken"x,Y,b@example.com,,,,,\r\n')
    write_csv(folder / "luma_2026-05-02_ok.csv", LUMA_HEADER, luma_rows(2, start=50))
    result = ingest_folder(con, EVENTS, folder, batch_rows=3)
    by_name = {o.file_name: o for o in result.outcomes}
    big = by_name["luma_2026-05-01_big.csv"]
    assert big.status == "rejected" and "not a readable CSV file" in big.reason
    assert big.landed == 0
    assert sorted(landed(con, EVENTS)) == [
        "luma_2026-05-02_ok.csv:1",
        "luma_2026-05-02_ok.csv:2",
    ]


def test_file_rewritten_while_read_is_not_recorded_and_is_read_again(tmp_path, con):
    # An exporter still writing the file: the hash taken by the scan no longer describes what
    # the later passes read, so the file must not be recorded under it.
    folder = tmp_path / "events"
    path = write_csv(folder / "luma_2026-07-01_live.csv", LUMA_HEADER, luma_rows(4))
    scanned = csv_drop.scan_file(path)
    write_csv(path, LUMA_HEADER, luma_rows(6))  # rewritten after the scan, before the read
    csv_drop.ensure_processed_files_table(con)
    csv_drop.ensure_landing_table(con, EVENTS.source, EVENTS.entity)
    outcome = csv_drop.ingest_file(
        con, EVENTS, path, scanned, batch_id="b1", batch_rows=2, reasons={}
    )
    assert outcome.status == csv_drop.STATUS_CHANGED and "read again" in outcome.reason
    assert processed(con, "events") == []
    assert len(landed(con, EVENTS)) == 6  # what was read landed; nothing is lost
    rerun = ingest_folder(con, EVENTS, folder, batch_rows=2)
    [again] = rerun.outcomes
    assert again.status == "landed" and again.landed == 0 and again.unchanged == 6
    assert [row[0] for row in processed(con, "events")] == ["luma_2026-07-01_live.csv"]


def test_streamed_batches_keep_inner_blank_rows_and_drop_trailing_ones():
    rows = [["a"], [], ["b"], ["", ""], [], ["c"], [], [""]]
    batches = list(csv_drop.data_row_batches(iter(rows), 2))
    assert batches == [
        ([["a"], []], False),
        ([["b"], ["", ""]], False),
        ([[], ["c"]], True),
    ]
    assert list(csv_drop.data_row_batches(iter([[], [""]]), 2)) == []
    assert list(csv_drop.data_row_batches(iter([["a"], ["b"]]), 2)) == [([["a"], ["b"]], True)]


def test_multi_batch_file_lands_like_a_single_batch_read(tmp_path):
    folder = tmp_path / "events"
    rows = luma_rows(7)
    rows.insert(3, ["", "", "", "", "", "", "", ""])  # an inner blank row
    write_csv(folder / "luma_2026-06-01_x.csv", LUMA_HEADER, rows, encoding="utf-8-sig")
    with (folder / "luma_2026-06-01_x.csv").open("ab") as handle:
        handle.write(b"\r\n,,,,,,,\r\n\r\n")  # trailing blank rows: layout, not rows
    outcomes = {}
    for batch_rows in (2, 1000):
        con = duckdb.connect(str(tmp_path / f"b{batch_rows}.duckdb"))
        [outcome] = ingest_folder(con, EVENTS, folder, batch_rows=batch_rows).outcomes
        outcomes[batch_rows] = (
            outcome.status,
            outcome.rows,
            outcome.blank,
            outcome.encoding,
            landed_versions(con, EVENTS),
            processed(con, "events"),
        )
        con.close()
    assert outcomes[2] == outcomes[1000]
    assert outcomes[2][:4] == ("landed", 8, 1, "utf-8-sig")
    assert len(outcomes[2][4]) == 7


# --- the generated market, end to end --------------------------------------------------------


@pytest.fixture(scope="module")
def market(tmp_path_factory) -> Path:
    from ingest.sample.market import generate_market

    out = tmp_path_factory.mktemp("market")
    generate_market(out, contacts=300, seed=1)
    return out


def test_generated_market_drop_folders_land_every_row_with_ground_truth_ids(market, tmp_path):
    landing = tmp_path / "landing"
    for spec in csv_drop.all_specs():
        shutil.copytree(market / "drop" / spec.feed, landing / spec.feed)
    con = duckdb.connect(str(tmp_path / "market.duckdb"))

    ids: dict[str, set[str]] = {}
    for spec in csv_drop.all_specs():
        result = ingest_folder(con, spec, landing / spec.feed)
        assert result.files("rejected") == [] and result.outcomes
        for outcome in result.outcomes:
            with (landing / spec.feed / outcome.file_name).open("rb") as fh:
                data_rows = fh.read().count(b"\r\n") - 1  # the generator quotes no newlines
            assert outcome.status == "landed", outcome.file_name
            assert outcome.rows == data_rows
            assert outcome.landed + outcome.quarantined == data_rows, outcome.file_name
        ids[spec.feed] = set(landed(con, spec)) | {q[0] for q in quarantined(con, spec)}

    truth: dict[str, set[str]] = {}
    gt_source = {"events": "events", "sourcing": "sourcing", "outreach": "outreach", "hris": "hris"}
    with (market / "ground_truth.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["source"] in gt_source:
                truth.setdefault(row["source"], set()).add(row["source_record_id"])
    assert ids == truth

    # The generator writes clean values: nothing of it may be quarantined.
    assert con.execute("select count(*) from raw.quarantine").fetchone() == (0,)
    accents = con.execute(
        "select count(*) from raw.event_csv_registrations "
        "where json_extract_string(_record, '$.fields.company') like '%ü%' "
        "or json_extract_string(_record, '$.fields.last_name') like '%ü%' "
        "or json_extract_string(_record, '$.fields.first_name') like '%ü%'"
    ).fetchone()[0]
    karriere = (landing / "events").glob("karrieremesse_*.csv")
    if any("ü".encode("cp1252") in p.read_bytes() for p in karriere):
        assert accents > 0
    con.close()


# --- Dagster assets and docs -----------------------------------------------------------------


def test_dagster_assets_report_counts_and_tolerate_a_missing_folder(tmp_path, isolated_env):
    from orchestration.defs.ingest.assets import DROP_FOLDER_ASSETS
    from orchestration.resources import DropFolders, DuckDBWarehouse

    landing = isolated_env / "landing"
    write_csv(landing / "events" / "luma_2026-05-01_night.csv", LUMA_HEADER, luma_rows(3))
    write_csv(landing / "events" / "bad.csv", ["Name", "Company"], [["A B", "Acme"]])
    (landing / "outreach").mkdir()
    (landing / "outreach" / "empty.csv").write_bytes(b"")
    # no sourcing/ or hris/ folder at all

    keys = {a.key.to_user_string() for a in DROP_FOLDER_ASSETS}
    assert keys == {
        "raw/event_csv_registrations",
        "raw/sourcing_profiles",
        "raw/outreach_events",
        "raw/hris_employees",
    }
    result = dg.materialize(
        DROP_FOLDER_ASSETS,
        resources={
            "warehouse": DuckDBWarehouse(path=str(isolated_env / "talent_crm.duckdb")),
            "drop_folders": DropFolders(root=str(landing)),
        },
    )
    assert result.success
    meta = {
        m.asset_key.to_user_string(): m.metadata
        for m in result.get_asset_materialization_events()
        for m in [m.materialization]
    }
    events = meta["raw/event_csv_registrations"]
    assert events["files_seen"].value == 2 and events["files_landed"].value == 1
    assert events["files_rejected"].value == 1 and events["rows_landed"].value == 3
    assert "missing required column(s) email" in events["rejected_files"].value["bad.csv"]
    assert meta["raw/outreach_events"]["files_empty"].value == 1
    assert "does not exist" in meta["raw/sourcing_profiles"]["nothing_to_do"].value
    # No personal data in metadata: names/emails of the landed rows never appear.
    assert "person1@example.com" not in json.dumps({k: str(v) for k, v in meta.items()})
    with duckdb.connect(str(isolated_env / "talent_crm.duckdb")) as con:
        assert con.execute("select count(*) from raw.hris_employees").fetchone() == (0,)


def test_alias_documentation_matches_the_code():
    doc = (REPO / "docs" / "csv_header_aliases.md").read_text(encoding="utf-8")
    assert doc == csv_drop.alias_table_markdown(csv_drop.all_specs()), (
        "regenerate: python -m ingest.csv_drop --aliases > docs/csv_header_aliases.md"
    )
