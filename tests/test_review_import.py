"""`talent-crm review import`: an outreach export (written by the real export writer) with a
`decision` column added in a spreadsheet becomes the same decision files the page writes; bad
rows are named by line and column, the rest recorded."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from ingest.review_decisions import DecisionSpool
from orchestration import settings
from orchestration.cli import main
from tests import review_fixtures as fx


@pytest.fixture
def export_csv(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(settings.REVIEWER_ENV, raising=False)
    monkeypatch.delenv(settings.READ_DB_ENV, raising=False)  # the copy beside the test's db
    fx.build_read_copy(settings.read_db_path(), settings.exports_dir())
    [path] = (settings.exports_dir() / "reqs" / fx.PARTITION_KEY).glob("outreach_*.csv")
    return path


def edit(path: Path, decisions: dict[str, dict[str, str]], *, delimiter: str = ",") -> None:
    """What a recruiter does in a spreadsheet: add columns, fill some cells, save."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = [*rows[0].keys(), "decision", "reason", "message"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=delimiter)
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, **decisions.get(row["contact_id"], {})})
    path.write_text(out.getvalue(), encoding="utf-8-sig")  # Excel's "CSV UTF-8" adds a BOM


def spooled() -> dict[str, dict]:
    spool = DecisionSpool(settings.review_decisions_spool_dir())
    return {item.record["contact_id"]: item.record for item in spool.pending()}


def test_import_records_decided_rows_and_names_bad_ones(export_csv, capsys) -> None:
    # The formula-looking name was escaped by the export writer; the import reads it back.
    assert "'=HYPERLINK" in export_csv.read_text(encoding="utf-8")
    edit(
        export_csv,
        {
            "ct_a": {"decision": "Approved", "message": "Hi Ana,\nedited in the sheet."},
            "ct_b": {"decision": "maybe"},
            "ct_c": {"decision": "not a fit", "reason": "wants remote"},
        },
    )
    code = main(["review", "import", str(export_csv), "--reviewer", "Sam Sheets"])
    out, err = capsys.readouterr()
    assert code == 1  # some rows were refused
    assert (
        f"{export_csv.name}: line 3, column decision: must be approved, skipped or not_a_fit" in err
    )
    assert "greenhouse:4100: 2 decisions recorded, 1 rows refused, 0 rows without a decision" in out
    records = spooled()
    assert set(records) == {"ct_a", "ct_c"}
    assert records["ct_a"]["message"] == "Hi Ana,\nedited in the sheet."
    assert records["ct_a"]["reviewer"] == "Sam Sheets"
    assert records["ct_a"]["shown"] == {"score": 0.91, "export": export_csv.name}
    assert (
        records["ct_c"]["decision"] == "not_a_fit" and records["ct_c"]["reason"] == "wants remote"
    )
    assert records["ct_c"]["message"] is None


def test_an_approval_without_an_edit_sends_the_draft_and_semicolons_work(
    export_csv, monkeypatch, capsys
) -> None:
    monkeypatch.setenv(settings.REVIEWER_ENV, "Env Reviewer")
    edit(export_csv, {"ct_a": {"decision": "approve"}}, delimiter=";")
    assert main(["review", "import", str(export_csv)]) == 0
    record = spooled()["ct_a"]
    assert record["message"] == "Hi Ana, we have just opened a new position: Data Engineer."
    assert record["reviewer"] == "Env Reviewer"
    assert (
        "1 decisions recorded, 0 rows refused, 2 rows without a decision" in capsys.readouterr().out
    )


def test_unknown_contacts_and_moved_files(export_csv, tmp_path, capsys) -> None:
    edit(export_csv, {"ct_a": {"decision": "skipped", "reason": "later"}})
    text = export_csv.read_text(encoding="utf-8-sig").replace("ct_a", "ct_nobody")
    moved = tmp_path / "my sheet.csv"
    moved.write_text(text, encoding="utf-8")
    assert main(["review", "import", str(moved), "--reviewer", "Sam"]) == 2
    assert "pass --req <source>:<id>" in capsys.readouterr().err
    assert main(["review", "import", str(moved), "--reviewer", "Sam", "--req", fx.REQ_ID]) == 1
    assert "line 2, column contact_id: not a match of greenhouse:4100" in capsys.readouterr().err
    assert spooled() == {}


def test_a_file_without_a_decision_column_or_reviewer_is_refused(export_csv, capsys) -> None:
    assert main(["review", "import", str(export_csv), "--reviewer", "Sam"]) == 2
    assert "missing column(s) decision" in capsys.readouterr().err
    assert main(["review", "import", str(export_csv)]) == 2
    assert "TALENT_CRM_REVIEWER" in capsys.readouterr().err
    assert spooled() == {}


def test_imported_files_are_the_pages_format(export_csv) -> None:
    edit(export_csv, {"ct_b": {"decision": "skip", "reason": "on leave"}})
    assert main(["review", "import", str(export_csv), "--reviewer", "Sam"]) == 0
    [path] = list((settings.review_decisions_spool_dir() / "incoming").glob("*.json"))
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["kind"] == "match" and record["decision"] == "skipped"
    assert path.stem == record["decision_id"]
