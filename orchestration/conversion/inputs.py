"""What a push reads from the warehouse, at push time (never from the export it follows):

- the approved rows: `matching.match_decisions` (latest decision per req × contact) where
  `decision = 'approved'` — or a frame with the same columns handed in;
- the req: `crm.reqs` (`source` = the ATS it lives in, `source_job_id` = its id there, status);
- each person: `crm.contacts` (name, primary e-mail, LinkedIn, company/title), retired ids
  resolved through `crm.contact_merges`, eligibility from `gdpr.outreach_eligibility`, and the
  ids the person already has in that ATS from `crm.contact_sources`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import polars as pl

from ingest.ats_writeback import Person

DECISIONS_TABLE = "matching.match_decisions"
APPROVED_COLUMNS = ("contact_id", "reviewer", "decided_at")
# The entity of a person's record in each ATS (crm.contact_sources.source_entity).
PERSON_ENTITY = {"greenhouse": "candidates", "lever": "opportunities", "ashby": "candidates"}
SUPPORTED_SYSTEMS = tuple(PERSON_ENTITY)


class ConversionInputError(RuntimeError):
    """A table or column the push needs is missing; names what to build, never data."""


@dataclass(frozen=True)
class ReqTarget:
    req_id: str
    system: str
    job_id: str
    status: str


@dataclass(frozen=True)
class Approved:
    contact_id: str  # as decided (may since have been merged into another contact)
    reviewer: str | None
    decided_at: datetime | None


@dataclass
class PersonAtPush:
    contact_id: str  # resolved through crm.contact_merges
    person: Person | None  # None: no usable e-mail
    can_contact: bool
    block_reasons: list[str] = field(default_factory=list)
    known_ids: list[str] = field(default_factory=list)


def _table_exists(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, name = qualified.split(".")
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? "
            "and table_name = ?",
            [schema, name],
        ).fetchone()[0]
    )


def require_tables(con: duckdb.DuckDBPyConnection, *tables: str) -> None:
    missing = [t for t in tables if not _table_exists(con, t)]
    if missing:
        raise ConversionInputError(
            f"the ATS push needs {', '.join(missing)}: run the pipeline (dbt build) first."
        )


def read_req(con: duckdb.DuckDBPyConnection, req_id: str) -> ReqTarget | None:
    require_tables(con, "crm.reqs")
    row = con.execute(
        "select req_id, source, source_job_id, status from crm.reqs where req_id = ?", [req_id]
    ).fetchone()
    return ReqTarget(*[str(v) if v is not None else "" for v in row]) if row else None


def read_approved(con: duckdb.DuckDBPyConnection, req_id: str) -> pl.DataFrame:
    """The req's approved rows from the decisions mart (latest decision per contact)."""
    require_tables(con, DECISIONS_TABLE)
    rows = con.execute(
        f"""select contact_id, reviewer, decided_at from {DECISIONS_TABLE}
            where req_id = ? and decision = 'approved'
            order by decided_at, contact_id""",
        [req_id],
    ).fetchall()
    return pl.DataFrame(
        rows,
        schema={"contact_id": pl.String, "reviewer": pl.String, "decided_at": pl.Datetime("us")},
        orient="row",
    )


def approved_rows(frame: pl.DataFrame) -> list[Approved]:
    missing = [c for c in APPROVED_COLUMNS if c not in frame.columns]
    if missing:
        raise ConversionInputError(
            f"approved rows lack column(s) {', '.join(missing)} (contract of {DECISIONS_TABLE})"
        )
    rows = []
    for record in frame.select(APPROVED_COLUMNS).iter_rows(named=True):
        if record["contact_id"] is None:
            continue
        decided = record["decided_at"]
        if isinstance(decided, str):
            decided = datetime.fromisoformat(decided.replace("Z", "+00:00"))
        if isinstance(decided, datetime) and decided.tzinfo is not None:
            decided = decided.astimezone(UTC).replace(tzinfo=None)
        rows.append(Approved(str(record["contact_id"]), record["reviewer"], decided))
    return rows


def resolve_merges(con: duckdb.DuckDBPyConnection, contact_ids: list[str]) -> dict[str, str]:
    """Each id → today's contact id (follow retired → surviving until no longer retired)."""
    resolved = {c: c for c in contact_ids}
    if not _table_exists(con, "crm.contact_merges"):
        return resolved
    merges = dict(con.execute("select retired_id, surviving_id from crm.contact_merges").fetchall())
    for original in contact_ids:
        current, seen = original, {original}
        while current in merges and merges[current] not in seen:
            current = merges[current]
            seen.add(current)
        resolved[original] = current
    return resolved


def read_people(
    con: duckdb.DuckDBPyConnection, contact_ids: list[str], system: str
) -> dict[str, PersonAtPush]:
    """Today's state of each (resolved) contact; a contact no longer in crm.contacts is absent."""
    require_tables(con, "crm.contacts", "crm.contact_sources", "gdpr.outreach_eligibility")
    if not contact_ids:
        return {}
    con.execute("create or replace temp table _push_ids (contact_id varchar)")
    con.executemany("insert into _push_ids values (?)", [[c] for c in contact_ids])
    people: dict[str, PersonAtPush] = {}
    rows = con.execute(
        """select contacts.contact_id, contacts.first_name, contacts.last_name,
                  contacts.primary_email, contacts.linkedin_url, contacts.current_company,
                  contacts.current_title,
                  coalesce(eligibility.can_contact, false),
                  coalesce(eligibility.block_reasons, ['not_in_outreach_eligibility'])
           from crm.contacts as contacts
           inner join _push_ids on _push_ids.contact_id = contacts.contact_id
           left join gdpr.outreach_eligibility as eligibility
               on eligibility.contact_id = contacts.contact_id"""
    ).fetchall()
    for contact_id, first, last, email, linkedin, company, title, can, reasons in rows:
        person = (
            Person(
                first, last, str(email).strip(), linkedin_url=linkedin, company=company, title=title
            )
            if email and str(email).strip()
            else None
        )
        people[contact_id] = PersonAtPush(contact_id, person, bool(can), list(reasons or []))
    entity = PERSON_ENTITY.get(system)
    known = con.execute(
        """select contact_sources.contact_id, contact_sources.source_record_id
           from crm.contact_sources as contact_sources
           inner join _push_ids on _push_ids.contact_id = contact_sources.contact_id
           where contact_sources.source = ? and contact_sources.source_entity = ?
           order by contact_sources.record_updated_at desc nulls last,
                    contact_sources.source_record_id""",
        [system, entity],
    ).fetchall()
    for contact_id, record_id in known:
        if contact_id in people and record_id is not None:
            people[contact_id].known_ids.append(str(record_id))
    con.execute("drop table if exists _push_ids")
    return people


def req_for_partition(con: duckdb.DuckDBPyConnection, partition_key: str) -> str | None:
    """The crm.reqs id whose partition key is `partition_key` (the req-open sensor's mapping)."""
    from orchestration.matching.openings import req_partition_key

    require_tables(con, "crm.reqs")
    for (req_id,) in con.execute("select req_id from crm.reqs").fetchall():
        if req_id and req_partition_key(req_id) == partition_key:
            return str(req_id)
    return None
