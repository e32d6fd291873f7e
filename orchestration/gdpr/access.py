"""Access (GDPR Art. 15): one JSON document with everything we hold about a person.

For each source record: where it came from (source, entity, record id), when we obtained it,
the lawful basis (consent evidence and time, or the legitimate-interest assessment), purposes,
whether it was obtained from the person (Art. 14), and every landed version of the original
record. Plus the golden contact, identifiers, interactions, suppression state, Art. 14 notice
state and the date the data is due to be purged under the retention policy.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from ingest.landing import table_exists
from orchestration import database, settings
from orchestration.gdpr.erasure import RAW_TABLES_BY_PREFIX, ErasureSubject, find_subject


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _by_ids(con, table: str, column: str, ids: list[str]) -> list[dict[str, Any]]:
    if not ids or not table_exists(con, table):
        return []
    return _rows(con, f"select * from {table} where {column} in (select unnest(?))", [ids])


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError("unreachable")


def retention_date(
    con: duckdb.DuckDBPyConnection, contact: dict[str, Any]
) -> dict[str, Any] | None:
    """The contact's retention policy and purge date (same rule as gdpr.retention_due)."""
    if not table_exists(con, "reference.retention_policies"):
        return None
    policies = _rows(con, "select * from reference.retention_policies", [])
    location = (contact.get("location") or "").lower()
    chosen = next((p for p in policies if p["jurisdiction"] == "default"), None)
    for policy in sorted(policies, key=lambda p: p["jurisdiction"]):
        pattern = (policy.get("location_pattern") or "").lower().strip("%")
        if policy["jurisdiction"] != "default" and pattern and pattern in location:
            chosen = policy
            break
    start = contact.get("last_meaningful_action_at") or contact.get("first_seen_at")
    if chosen is None or start is None:
        return None
    return {
        "jurisdiction": chosen["jurisdiction"],
        "retention_months": chosen["retention_months"],
        "counted_from": start,
        "purge_on": add_months(
            start.date() if isinstance(start, datetime) else start, int(chosen["retention_months"])
        ),
    }


def collect(con: duckdb.DuckDBPyConnection, subject: ErasureSubject) -> dict[str, Any]:
    contact_ids = sorted(subject.contact_ids)
    record_keys = sorted(subject.record_keys)
    contacts = _by_ids(con, "crm.contacts", "contact_id", contact_ids)
    basis = {
        r["record_key"]: r
        for r in _by_ids(con, "gdpr.record_lawful_basis", "record_key", record_keys)
    }
    suppressed = {
        r["record_key"]: r["reasons"]
        for r in _by_ids(con, "gdpr.suppressed_records", "record_key", record_keys)
    }
    records = []
    for key in record_keys:
        source, entity, record_id = (key.split(":", 2) + ["", ""])[:3]
        item_basis = basis.get(key, {})
        versions = []
        for table in RAW_TABLES_BY_PREFIX.get(f"{source}:{entity}", ()):
            if table_exists(con, table):
                versions += [
                    {
                        "table": table,
                        "fetched_at": r["_fetched_at"],
                        "record": json.loads(r["_record"]),
                    }
                    for r in _rows(
                        con,
                        f"select _fetched_at, _record from {table} "
                        "where _source_record_id = ? order by _fetched_at",
                        [record_id],
                    )
                ]
        records.append(
            {
                "record_key": key,
                "source": source,
                "entity": entity,
                "source_record_id": record_id,
                "obtained_at": item_basis.get("obtained_at"),
                "obtained_from_person": item_basis.get("obtained_from_person"),
                "lawful_basis": item_basis.get("lawful_basis"),
                "consent_at": item_basis.get("consent_at"),
                "consent_evidence": item_basis.get("consent_evidence"),
                "legitimate_interest_assessment": item_basis.get("assessment_reference"),
                "purposes": item_basis.get("purposes"),
                "suppression_reasons": suppressed.get(key, []),
                "landed_versions": versions,
            }
        )
    return {
        "request_id": uuid.uuid4().hex,
        "generated_at": datetime.now().isoformat(timespec="seconds"),
        "legal_basis_of_this_document": "GDPR Art. 15 (right of access)",
        "contacts": [
            {
                **contact,
                "lawful_basis": _by_ids(
                    con, "gdpr.contact_lawful_basis", "contact_id", [contact["contact_id"]]
                ),
                "retention": retention_date(con, contact),
                "outreach_eligibility": _by_ids(
                    con, "gdpr.outreach_eligibility", "contact_id", [contact["contact_id"]]
                ),
                "art14_notice": _by_ids(
                    con, "gdpr.art14_notices_due", "contact_id", [contact["contact_id"]]
                ),
            }
            for contact in contacts
        ],
        "source_records": records,
        "identifiers": _by_ids(con, "crm.contact_identifiers", "contact_id", contact_ids),
        "interactions": _by_ids(con, "crm.interactions", "contact_id", contact_ids),
        "merged_contact_ids": _by_ids(con, "crm.contact_merges", "surviving_id", contact_ids),
    }


def write_access_export(
    db_path: Path, data_dir: Path, **finder: list[str]
) -> tuple[Path, dict[str, int]]:
    """Write the access document; returns its path (named by a random request id, never by
    personal data) and counts for the operator."""
    con = database.connect(db_path, read_only=True)
    try:
        subject = find_subject(con, **finder)
        document = collect(con, subject)
    finally:
        con.close()
    out_dir = settings.gdpr_access_dir(data_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"access_{document['request_id']}.json"
    path.write_text(json.dumps(document, indent=2, default=str, ensure_ascii=False))
    return path, {
        "contacts": len(document["contacts"]),
        "source_records": len(document["source_records"]),
        "interactions": len(document["interactions"]),
    }
