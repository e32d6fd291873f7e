"""`talent-crm review import <file.csv>`: the spreadsheet round trip.

A team that works in spreadsheets opens the outreach export
(`data/exports/reqs/<req>/outreach_<ts>.csv`), adds a `decision` column (approved / skipped /
not_a_fit), optionally `reason` and an edited `message` (else the `draft_message` is what gets
approved), and imports the file. Each decided row becomes the same decision file the review
page writes (`recording.py`: one code path). A bad row is reported by line and column and
skipped; the rest are recorded. Rows with an empty decision are left undecided.

The req is the export folder's name (the req's partition key), looked up in the read copy, or
`--req` when the file was moved or renamed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ingest import review_decisions as rd
from orchestration.review import queries
from orchestration.review.recording import record_match_decision
from orchestration.spreadsheet_csv import unescape_formula

REQUIRED_COLUMNS = ("contact_id", "decision")
# Spreadsheet users type what they see: "Not a fit", "approve", "skip".
DECISION_WORDS = {
    "approved": "approved",
    "approve": "approved",
    "yes": "approved",
    "skipped": "skipped",
    "skip": "skipped",
    "not_a_fit": "not_a_fit",
    "not a fit": "not_a_fit",
    "not-a-fit": "not_a_fit",
    "no": "not_a_fit",
}


class CsvImportError(ValueError):
    """The file as a whole cannot be imported (names the file-level problem)."""


@dataclass(frozen=True)
class RowProblem:
    line: int  # the file's line number (1 = header), as a spreadsheet shows it
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.reason}"


@dataclass
class ImportResult:
    req_id: str
    recorded: int = 0
    undecided: int = 0
    problems: list[RowProblem] = field(default_factory=list)


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")  # Excel writes a BOM when it saves "CSV UTF-8"
    except UnicodeDecodeError:
        # Excel's plain "CSV" on Windows is Windows-1252: decodable, and every byte maps.
        return raw.decode("cp1252", errors="strict")


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    """Comma, or the semicolon/tab a spreadsheet in another locale saves with."""
    header = text.splitlines()[0] if text else ""
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def req_for_export(con, path: Path) -> str | None:
    """The req whose partition key is the export folder's name (None when none matches)."""
    from orchestration.matching.openings import req_partition_key

    if not queries.has_table(con, "matching", "req_profiles"):
        return None
    for (req_id,) in con.execute("select req_id from matching.req_profiles").fetchall():
        try:
            if req_partition_key(req_id) == path.parent.name:
                return req_id
        except ValueError:
            continue
    return None


def import_decisions(
    path: Path,
    *,
    spool: rd.DecisionSpool,
    read_db: Path,
    reviewer: str,
    req_id: str | None = None,
) -> ImportResult:
    """Record the decided rows of `path`; returns counts and the rows refused (by line)."""
    text = _read_text(path)
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=_dialect(text))
    columns = [c.strip().lower() for c in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise CsvImportError(f"{path.name}: missing column(s) {', '.join(missing)}")
    reader.fieldnames = columns
    with queries.read_copy(read_db) as con:
        req_id = req_id or req_for_export(con, path)
        if req_id is None:
            raise CsvImportError(
                f"{path.name}: cannot tell which req this export is for (its folder is not a "
                "req's key in the read copy); pass --req <source>:<id>"
            )
        if queries.req_profile(con, req_id) is None:
            raise CsvImportError(f"req {req_id} is not in the read copy")
        scores = {row["contact_id"]: row["score"] for row in queries.req_matches(con, req_id)}
    result = ImportResult(req_id=req_id)
    for line, row in enumerate(reader, start=2):
        cells = {k: unescape_formula((v or "").strip()) for k, v in row.items() if k}
        word = (cells.get("decision") or "").lower()
        if not word:
            result.undecided += 1
            continue
        decision = DECISION_WORDS.get(word)
        if decision is None:
            result.problems.append(
                RowProblem(line, "decision", "must be approved, skipped or not_a_fit")
            )
            continue
        contact_id = cells.get("contact_id") or ""
        if contact_id not in scores:
            result.problems.append(
                RowProblem(line, "contact_id", f"not a match of {req_id} in the read copy")
            )
            continue
        message = cells.get("message") or cells.get("draft_message")
        if decision == "approved" and not message:
            result.problems.append(
                RowProblem(line, "message", "an approval needs a message (or the draft)")
            )
            continue
        try:
            record_match_decision(
                spool,
                req_id=req_id,
                contact_id=contact_id,
                decision=decision,
                reviewer=reviewer,
                score=float(scores[contact_id]),
                export=path.name,
                reason=cells.get("reason"),
                message=message,
            )
        except rd.DecisionError as exc:
            column = exc.field.removesuffix("_ok")
            result.problems.append(RowProblem(line, column, exc.reason))
            continue
        result.recorded += 1
    return result
