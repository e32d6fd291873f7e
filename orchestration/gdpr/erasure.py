"""Erasure (GDPR Art. 17) that reaches every copy.

One path for every reason a person's data must go — `talent-crm gdpr erase`, the nightly
retention purge, deletion/anonymisation signals from a source, and suppressed people
re-delivered by a feed:

1. `find_subject` resolves the person: contact ids (with every retired id that merged into
   them), every source record ever mapped to them (`identity.identity_map`), and the strings
   that identify them (raw and normalised e-mails, profile URLs; names only to verify).
2. `erase_subject` deletes, in ONE transaction, every row about them from every base table of
   every schema (raw landing tables including `raw.quarantine` and the JSON payloads,
   intermediate, identity and all marts; staging is views): rows keyed by their contact ids or
   record keys, raw rows by source record id, and any row whose text (JSON included) contains
   one of their identifiers — which also catches copies no key points at (a ticket bought for
   someone else, a quarantined row, an enrichment payload). Identifiers match on boundaries
   (`ann@x.io` never matches `joann@x.io`); shared mailboxes are never used.
3. Files: every CSV in the landing drop folders has the person's rows blanked (a blank line —
   record ids are `<file>:<row>`, so the other rows keep their ids) and the rewritten bytes are
   recorded in `raw.processed_files`, so the changed file is not landed again as new; every
   file under `data/exports` loses the person's rows (CSV/Parquet) or is deleted (other
   formats) when it mentions them.
4. The keyed hashes of their identifiers go on the suppression list (re-ingesting the same
   feeds does not bring them back: see suppression.py), and `gdpr.audit_log` records the
   subject hash, action, time and rows removed per table — no personal data.
5. `CHECKPOINT`, then the database file is searched for the person's identifiers and names.
   DuckDB reuses freed blocks but does not zero them, so deleted bytes can survive a
   checkpoint; if any are found the database is rewritten into a fresh file (`COPY FROM
   DATABASE`) that replaces the old one, and searched again.
6. The read copy people query (orchestration/publish.py) is republished from the erased file
   before the erasure returns: a fresh file swapped in, so no copy on disk still holds the
   person. If that fails, the old copy is deleted rather than left behind, and the error is
   raised.
7. Upstream (upstream.py): the ATS records the person came from (Greenhouse, Lever, Ashby) are
   read before step 2 deletes them and recorded as pending requests in the same transaction;
   after steps 2-6 are done, the requests are carried to the ATSs (anonymise or delete where the
   API allows it, a manual action where it does not), and what stays open is retried by later
   runs. The report and the audit row say, per system and record id, what happened.
"""

from __future__ import annotations

import csv
import io
import json
import mmap
import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from checks.email_address import is_role_mailbox
from ingest.landing import table_exists
from orchestration import database, settings
from orchestration.gdpr import hashing, upstream
from orchestration.gdpr.suppression import (
    AUDIT_TABLE,
    SUPPRESSION_TABLE,
    add_hashes,
    ensure_gdpr_tables,
)
from orchestration.identity.normalise import normalise_email, profile_slug
from orchestration.publish import publish_read_copy, withdraw_read_copy

# Bookkeeping tables that hold no personal data, and the suppression/audit tables that must
# survive an erasure (they hold only hashes and counts).
PROTECTED_TABLES = frozenset(
    {
        SUPPRESSION_TABLE,
        AUDIT_TABLE,
        upstream.REQUESTS_TABLE,
        "raw.sync_cursors",
        "raw.batches",
        "raw.processed_files",
    }
)
CONTACT_ID_COLUMNS = (
    "contact_id",
    "contact_id_a",
    "contact_id_b",
    "retired_id",
    "surviving_id",
    "previous_id",
    "new_id",
)
RECORD_KEY_COLUMNS = ("record_key", "record_key_a", "record_key_b", "basis_record_key")
# Raw payloads that name a contact or a record by its key rather than by an identifier: a
# recruiter's decision about a match (and the message drafted to the person) or about a pair.
JSON_KEYED_RAW_TABLES = {
    "raw.review_decisions": (
        ("contact_id", "_erase_contacts"),
        ("record_key_a", "_erase_records"),
        ("record_key_b", "_erase_records"),
    ),
}
TEXT_TYPES = ("VARCHAR", "JSON", "VARCHAR[]", "JSON[]")
# Landing bookkeeping columns: ids, hashes and batch ids, never personal data.
NON_IDENTIFYING_COLUMNS = frozenset(
    {"_source", "_entity", "_source_record_id", "_record_hash", "_batch_id"}
    | set(CONTACT_ID_COLUMNS)
    | set(RECORD_KEY_COLUMNS)
)
# record_key prefix (`<source>:<entity>`) → the raw tables keyed by that record's id.
RAW_TABLES_BY_PREFIX = {
    "greenhouse:candidates": ("raw.greenhouse_candidates",),
    "lever:opportunities": ("raw.lever_opportunities", "raw.lever_deleted_opportunities"),
    "ashby:candidates": ("raw.ashby_candidates",),
    "eventbrite:attendees": ("raw.eventbrite_attendees",),
    "events:signups": ("raw.event_csv_registrations",),
    "sourcing:profiles": ("raw.sourcing_profiles",),
    "hris:employees": ("raw.hris_employees",),
    "outreach:events": ("raw.outreach_events",),
}


@dataclass
class ErasureSubject:
    contact_ids: set[str] = field(default_factory=set)
    record_keys: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)  # lower-cased raw and normalised forms
    profile_slugs: set[str] = field(default_factory=set)  # `linkedin:<slug>` / `github:<h>`
    names: set[str] = field(default_factory=set)  # full names, for the byte verification only

    @property
    def needles(self) -> list[str]:
        """Lower-case strings that identify the person inside any text."""
        out = set(self.emails)
        for slug in self.profile_slugs:
            site, _, handle = slug.partition(":")
            out.add(f"linkedin.com/in/{handle}" if site == "linkedin" else f"github.com/{handle}")
        return sorted(n for n in out if n)

    def is_empty(self) -> bool:
        return not (self.contact_ids or self.record_keys or self.emails or self.profile_slugs)


@dataclass
class ErasureReport:
    audit_id: str
    action: str
    contacts_removed: int
    rows_removed: dict[str, int]
    files_rewritten: list[str]
    hashes_added: int
    residual_bytes_found: bool
    database_rewritten: bool
    seconds: float
    read_copy_published: bool = False
    read_copy_seconds: float = 0.0  # of `seconds`, the republishing of the read copy
    # The ATS records the person came from and what happened to each (upstream.py).
    upstream: list[upstream.UpstreamResult] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows_removed.values())


# -- finding the person ------------------------------------------------------------------


def _column(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> set[str]:
    return {row[0] for row in con.execute(sql, params).fetchall() if row[0] is not None}


def add_email(subject: ErasureSubject, raw: str | None) -> None:
    if not raw:
        return
    normalised = normalise_email(raw)
    if normalised is None or is_role_mailbox(normalised):
        return  # shared mailboxes are not the person's: never erase or suppress by them
    subject.emails.add(raw.strip().lower())
    subject.emails.add(normalised)


def add_profile(subject: ErasureSubject, raw: str | None) -> None:
    slug = profile_slug(raw)
    if slug:
        subject.profile_slugs.add(slug)


def find_subject(
    con: duckdb.DuckDBPyConnection,
    *,
    emails: Iterable[str] = (),
    profile_urls: Iterable[str] = (),
    contact_ids: Iterable[str] = (),
    record_keys: Iterable[str] = (),
    whole_contacts: bool = True,
) -> ErasureSubject:
    """Everything that identifies the person, from any of their identifiers.

    `whole_contacts=False` erases only the given records (and copies of their identifiers),
    not the contacts they belong to — used for source deletion signals and re-delivered
    records of suppressed people.
    """
    subject = ErasureSubject()
    for email in emails:
        add_email(subject, email)
    for url in profile_urls:
        add_profile(subject, url)
    subject.record_keys.update(record_keys)
    subject.contact_ids.update(contact_ids)

    has_identifiers = table_exists(con, "identity.record_identifiers")
    has_map = table_exists(con, "identity.identity_map")
    if has_identifiers and (subject.emails or subject.profile_slugs):
        values = sorted(subject.emails | subject.profile_slugs)
        subject.record_keys |= _column(
            con,
            "select record_key from identity.record_identifiers "
            "where kind in ('email', 'linkedin', 'github') and value in (select unnest(?))",
            [values],
        )
    if whole_contacts and has_map:
        if subject.record_keys:
            subject.contact_ids |= _column(
                con,
                "select contact_id from identity.identity_map "
                "where record_key in (select unnest(?))",
                [sorted(subject.record_keys)],
            )
        if subject.contact_ids and table_exists(con, "identity.contact_merges"):
            # Ids that merged into the person (and what they merged into): exports may hold
            # any of them.
            for _ in range(3):
                more = _column(
                    con,
                    "select retired_id from identity.contact_merges "
                    "where surviving_id in (select unnest(?)) "
                    "union select surviving_id from identity.contact_merges "
                    "where retired_id in (select unnest(?))",
                    [sorted(subject.contact_ids)] * 2,
                )
                if more <= subject.contact_ids:
                    break
                subject.contact_ids |= more
        if subject.contact_ids:
            subject.record_keys |= _column(
                con,
                "select record_key from identity.identity_map "
                "where contact_id in (select unnest(?))",
                [sorted(subject.contact_ids)],
            )
    if subject.record_keys and table_exists(con, "intermediate.int_person_records"):
        rows = con.execute(
            "select emails, profile_urls, first_name, last_name, full_name, "
            "is_buyer_profile_copy from intermediate.int_person_records "
            "where record_key in (select unnest(?))",
            [sorted(subject.record_keys)],
        ).fetchall()
        for emails_, urls, first, last, full, buyer_copy in rows:
            if buyer_copy:
                continue  # the buyer's profile on someone else's seat: not this person's
            for email in emails_ or []:
                add_email(subject, email)
            for url in urls or []:
                add_profile(subject, url)
            name = full or " ".join(p for p in (first, last) if p)
            if name and len(name) >= 5 and " " in name.strip():
                subject.names.add(name.strip())
    if has_identifiers and subject.record_keys:
        rows = con.execute(
            "select kind, value from identity.record_identifiers "
            "where record_key in (select unnest(?)) and is_evidence "
            "and kind in ('email', 'linkedin', 'github')",
            [sorted(subject.record_keys)],
        ).fetchall()
        for kind, value in rows:
            (subject.emails if kind == "email" else subject.profile_slugs).add(value)
    return subject


def subject_hashes(subject: ErasureSubject, key: bytes) -> set[tuple[str, str]]:
    out = {
        (hashing.keyed_hash(hashing.KIND_EMAIL, e, key), hashing.KIND_EMAIL)
        for e in {normalise_email(e) for e in subject.emails}
        if e
    }
    out |= {
        (hashing.keyed_hash(hashing.KIND_PROFILE, s, key), hashing.KIND_PROFILE)
        for s in subject.profile_slugs
    }
    out |= {
        (hashing.keyed_hash(hashing.KIND_RECORD, k, key), hashing.KIND_RECORD)
        for k in subject.record_keys
    }
    return out


# -- matching text -------------------------------------------------------------------------


# Identifier-shaped tokens: e-mail addresses and profile URLs, read whole (greedy), so
# `joann@x.io` is one token and never equals the needle `ann@x.io`. The same pattern runs in
# Python `re` and DuckDB (RE2).
TOKEN_PATTERN = (
    r"[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+"
    r"|linkedin\.com/(?:in|pub)/[a-z0-9_%-]+"
    r"|github\.com/[a-z0-9_-]+"
)
# Up to this many needles a plain substring pre-filter (memmem / contains) runs first; beyond
# it (a nightly purge of thousands of people) only the token extraction + set look-up.
PREFILTER_LIMIT = 20


class Needles:
    """The person's identifiers, matched as whole tokens in any text (lower-cased)."""

    def __init__(self, needles: Iterable[str]):
        self.values = frozenset(n.lower() for n in needles if n)
        self._tokens = re.compile(TOKEN_PATTERN)

    def __bool__(self) -> bool:
        return bool(self.values)

    def search(self, lowered: str) -> bool:
        if not self.values:
            return False
        if len(self.values) <= PREFILTER_LIMIT and not any(n in lowered for n in self.values):
            return False
        return not self.values.isdisjoint(self._tokens.findall(lowered))


def _text_condition(column: str, needles: list[str]) -> str:
    """SQL: the column's text holds one of the needles as a whole token (see TOKEN_PATTERN);
    the needles are the registered relation `_erase_needles`. For one person a
    case-insensitive literal search per needle (RE2 `(?i)`, no per-row lower-casing or
    copying; measured 3x cheaper than `ilike` over a million JSON payloads) picks candidate
    rows first; only those are tokenised."""
    raw_text = f'cast("{column}" as varchar)'
    tokens = f"regexp_extract_all(lower({raw_text}), {_sql_literal(TOKEN_PATTERN)})"
    exact = f"list_has_any({tokens}, (select list(n) from _erase_needles))"
    if len(needles) > PREFILTER_LIMIT:
        return f"({exact})"
    # One regexp per needle: an alternation of several literals defeats RE2's literal
    # search and costs more than the separate passes.
    quick = " or ".join(_needle_prefilter(raw_text, n) for n in needles)
    return f"(({quick}) and {exact})"


# A case-insensitive search costs several times a plain substring search; a run of the needle
# without letters (`4711@`, `-1987`) is the same in every letter case, so a row lacking it
# cannot hold the needle in any case. Shorter runs are too common to filter anything.
MIN_CASELESS_RUN = 4


def _needle_prefilter(raw_text: str, needle: str) -> str:
    """SQL: the text may hold the needle in any letter case (exact, never misses a row)."""
    caseless = max(re.findall(r"[^a-zA-Z]+", needle), key=len, default="")
    quick = f"regexp_matches({raw_text}, {_sql_literal('(?i)' + _re2_literal(needle))})"
    if len(caseless) >= MIN_CASELESS_RUN and caseless.isascii():
        return f"(contains({raw_text}, {_sql_literal(caseless)}) and {quick})"
    return quick


def _re2_literal(text: str) -> str:
    """The text as an RE2 pattern matching it literally (every ASCII punctuation escaped)."""
    return "".join(
        "\\" + c if c.isascii() and not c.isalnum() and not c.isspace() else c for c in text
    )


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# -- deleting rows ---------------------------------------------------------------------------


def base_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """`schema.table` → [(column, type)] of every base table of the database."""
    rows = con.execute(
        """
        select c.table_schema, c.table_name, c.column_name, c.data_type
        from information_schema.columns c
        inner join information_schema.tables t
            on t.table_schema = c.table_schema and t.table_name = c.table_name
            and t.table_catalog = c.table_catalog
        where t.table_type = 'BASE TABLE' and t.table_catalog = current_database()
        order by c.table_schema, c.table_name, c.ordinal_position"""
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for schema, table, column, dtype in rows:
        tables.setdefault(f"{schema}.{table}", []).append((column, dtype))
    return tables


def raw_ids_by_table(record_keys: Iterable[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for key in record_keys:
        source, entity, record_id = (key.split(":", 2) + ["", ""])[:3]
        for table in RAW_TABLES_BY_PREFIX.get(f"{source}:{entity}", ()):
            out.setdefault(table, set()).add(record_id)
    return out


def row_conditions(
    table: str,
    columns: list[tuple[str, str]],
    subject: ErasureSubject,
    raw_ids: dict[str, set[str]],
) -> list[str]:
    """SQL conditions (any of them) selecting the subject's rows of one table."""
    names = {c for c, _ in columns}
    conds = []
    if subject.contact_ids:
        conds += [
            f'"{c}" in (select id from _erase_contacts)' for c in CONTACT_ID_COLUMNS if c in names
        ]
    if subject.record_keys:
        conds += [
            f'"{c}" in (select id from _erase_records)' for c in RECORD_KEY_COLUMNS if c in names
        ]
    if table in raw_ids and "_source_record_id" in names:
        conds.append(
            "_source_record_id in "
            f"(select id from _erase_raw_ids where tbl = {_sql_literal(table)})"
        )
    if table in JSON_KEYED_RAW_TABLES and "_record" in names:
        for field_name, ids_table in JSON_KEYED_RAW_TABLES[table]:
            if (ids_table == "_erase_contacts" and subject.contact_ids) or (
                ids_table == "_erase_records" and subject.record_keys
            ):
                conds.append(
                    f"json_extract_string(_record, '$.{field_name}') in "
                    f"(select id from {ids_table})"
                )
    if table == "raw.greenhouse_applications" and "raw.greenhouse_candidates" in raw_ids:
        conds.append(
            "json_extract_string(_record, '$.candidate_id') in "
            "(select id from _erase_raw_ids where tbl = 'raw.greenhouse_candidates')"
        )
    needles = subject.needles
    # Content search where keys cannot reach: raw payloads (JSON, quarantine) and tables
    # without a contact/record key. Keyed tables are cleaned by key: their rows about other
    # contacts never hold this person's identifiers except through a record the person does
    # not own, and those records were added to the subject (see delete_rows).
    keyed = bool(names & set(CONTACT_ID_COLUMNS + RECORD_KEY_COLUMNS))
    if needles and (table.startswith("raw.") or not keyed):
        conds += [
            _text_condition(column, needles)
            for column, dtype in columns
            if dtype.upper() in TEXT_TYPES and column not in NON_IDENTIFYING_COLUMNS
        ]
    return conds


def delete_rows(
    con: duckdb.DuckDBPyConnection, subject: ErasureSubject
) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """Delete every row about the subject (caller holds the transaction)."""
    tables = base_tables(con)
    con.register("_erase_needles", pl.DataFrame({"n": subject.needles}, schema={"n": pl.String}))
    # Records that carry the person's identifiers without being theirs (a seat on a ticket
    # order they bought carries their profile) go whole: deleting only the text-matching row
    # of one table would leave the record half-present in the others.
    person_records = "intermediate.int_person_records"
    if subject.needles and person_records in tables:
        # The identity input carries identifiers only in these two lists.
        text_columns = [c for c, _ in tables[person_records] if c in ("emails", "profile_urls")]
        if text_columns:
            condition = " or ".join(_text_condition(c, subject.needles) for c in text_columns)
            # Only seats on someone else's order carry another person's profile by design;
            # every other record holding the person's identifiers was found by identity.
            subject.record_keys |= _column(
                con,
                f"select record_key from {person_records} "
                f"where is_buyer_profile_copy and ({condition})",
                [],
            )
    raw_ids = raw_ids_by_table(subject.record_keys)
    con.register(
        "_erase_contacts",
        pl.DataFrame({"id": sorted(subject.contact_ids)}, schema={"id": pl.String}),
    )
    con.register(
        "_erase_records",
        pl.DataFrame({"id": sorted(subject.record_keys)}, schema={"id": pl.String}),
    )
    con.register(
        "_erase_raw_ids",
        pl.DataFrame(
            [(t, i) for t, ids in raw_ids.items() for i in sorted(ids)],
            schema={"tbl": pl.String, "id": pl.String},
            orient="row",
        ),
    )
    removed: dict[str, int] = {}
    csv_rows: list[tuple[str, int]] = []
    try:
        for table, columns in tables.items():
            if table in PROTECTED_TABLES:
                continue
            conditions = row_conditions(table, columns, subject, raw_ids)
            if not conditions:
                continue
            if table.startswith("raw.") and "_record" in {c for c, _ in columns}:
                # The payload search reads every row anyway: one scan for all conditions
                # collects the matching rows' ids and drop-file positions, then delete by id.
                con.execute(
                    "create or replace temp table _erase_hits as select rowid as rid, "
                    "json_extract_string(_record, '$.file') as file, "
                    "try_cast(json_extract_string(_record, '$.row') as bigint) as row "
                    f"from {table} where {' or '.join(conditions)}"
                )
                csv_rows += [
                    (f, int(r))
                    for f, r in con.execute(
                        "select distinct file, row from _erase_hits "
                        "where file is not null and row is not null"
                    ).fetchall()
                ]
                conditions = ["rowid in (select rid from _erase_hits)"]
            # One statement per key column: a single-column look-up prunes row groups by the
            # column's min/max and the join filter, an OR of several columns reads them all.
            count = sum(
                con.execute(f"delete from {table} where {condition}").fetchall()[0][0]
                for condition in conditions
            )
            if count:
                removed[table] = int(count)
    finally:
        for name in ("_erase_contacts", "_erase_records", "_erase_raw_ids", "_erase_needles"):
            con.unregister(name)
    return removed, csv_rows


# -- files -----------------------------------------------------------------------------------


def _matches(text: str, regex: Needles | None, ids: set[str]) -> bool:
    lowered = text.lower()
    if regex is not None and regex.search(lowered):
        return True
    return bool(ids) and any(i in text for i in ids)


def bytes_mention(data: bytes, regex: Needles | None) -> bool:
    """Whether the bytes hold one of the needles (as a whole token), read as UTF-8.

    An ASCII file searched for ASCII needles needs no decoding: `bytes.lower` + `find` run
    at memory speed, and a file without any needle as a substring is settled there (the
    usual case: most drop files never mention the person)."""
    if regex is None or not data:
        return False
    if data.isascii() and all(n.isascii() for n in regex.values):
        lowered = data.lower()
        few = len(regex.values) <= PREFILTER_LIMIT  # a batch purge: tokenise once instead
        if few and not any(n.encode("ascii") in lowered for n in regex.values):
            return False
        return regex.search(lowered.decode("ascii"))
    from ingest.csv_drop import FileRejected, decode_bytes

    if regex.search(data.decode("utf-8", "ignore").lower()):
        return True
    try:
        text, encoding = decode_bytes(data)  # UTF-8, UTF-16 with BOM, or Windows-1252
    except FileRejected:
        return False
    return encoding != "utf-8" and regex.search(text.lower())


def landing_mentions(landing: Path, regex: Needles | None) -> set[Path]:
    """Files under the drop folders whose bytes mention the person. Pure file reading: it
    runs in a thread while the database deletes run (DuckDB releases the GIL)."""
    if regex is None or not landing.is_dir():
        return set()
    return {
        path
        for path in landing.rglob("*")
        if path.is_file() and bytes_mention(path.read_bytes(), regex)
    }


def scrub_drop_file(
    path: Path,
    rows_to_blank: set[int],
    regex: Needles | None,
    data: bytes | None = None,
) -> bytes | None:
    """New bytes of a drop-folder CSV with the person's rows blanked; None if unchanged.
    `data` is the file's content when the caller has read it already."""
    from ingest.csv_drop import FileRejected, decode_bytes, parse_rows, sniff_delimiter

    if data is None:
        data = path.read_bytes()
    if not data:
        return None
    mentioned = bytes_mention(data, regex)
    if not rows_to_blank and not mentioned:
        return None  # nothing about the person in this file: leave its bytes alone
    if not mentioned:
        regex = None  # blank by record id only: no row text to search
    try:
        text, encoding = decode_bytes(data)
        delimiter = sniff_delimiter(text)
        rows = parse_rows(text, delimiter)
    except FileRejected:
        # Unreadable as CSV (the pipeline rejected it too): drop every line that names them.
        if regex is None:
            return None
        lines = data.decode("utf-8", errors="replace").splitlines(keepends=True)
        kept = ["\n" if regex.search(line.lower()) else line for line in lines]
        new = "".join(kept).encode("utf-8")
        return new if new != data else None
    leading = 0
    while leading < len(rows) and not any(c.strip() for c in rows[leading]):
        leading += 1  # blank lines above the header (csv_drop skips them too)
    changed = False
    for index in range(leading + 1, len(rows)):
        data_row_number = index - leading  # 1-based, header excluded (the record id)
        cells = rows[index]
        if not cells:
            continue
        if data_row_number in rows_to_blank or (
            regex is not None and regex.search(delimiter.join(cells).lower())
        ):
            rows[index] = []
            changed = True
    if not changed:
        return None
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    encoded = out.getvalue()
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + encoded.encode("utf-8")
    return encoded.encode(encoding)


def scrub_landing(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    csv_rows: list[tuple[str, int]],
    regex: Needles | None,
    audit_id: str,
    mentioned: set[Path] | None = None,
    keys: set[str] | None = None,
) -> list[str]:
    """Blank the person's rows in every drop-folder CSV; record the new bytes as processed.
    `mentioned`: the files `landing_mentions` found, when it ran already (other files are
    then only opened when a deleted raw row points into them). `keys`: the person's contact
    ids and record keys: a spooled JSON file naming one of them as a value (a recruiter's
    decision about the person) is deleted too."""
    import hashlib

    by_file: dict[str, set[int]] = {}
    for file_name, row in csv_rows:
        by_file.setdefault(file_name, set()).add(row)
    has_processed = table_exists(con, "raw.processed_files")
    rewritten = []
    if not landing.is_dir():
        return rewritten
    for path in sorted(p for p in landing.rglob("*") if p.is_file()):
        names_key = path.suffix.lower() == ".json" and _json_names_key(path, keys or set())
        if (
            mentioned is not None
            and path not in mentioned
            and path.name not in by_file
            and not names_key
        ):
            continue
        if path.suffix.lower() != ".csv":
            if names_key or (regex is not None and _file_mentions(path, regex)):
                path.unlink()
                rewritten.append(str(path.relative_to(landing.parent)))
            continue
        old = path.read_bytes()
        new = scrub_drop_file(path, by_file.get(path.name, set()), regex, data=old)
        if new is None:
            continue
        _atomic_write(path, new)
        rewritten.append(str(path.relative_to(landing.parent)))
        if has_processed:
            # The rewritten file is the same delivery: record its new bytes as processed so
            # the next sync neither lands it as new nor re-mints its remaining rows.
            con.execute(
                """
                insert or ignore into raw.processed_files
                select feed, file_name, ?, ?, encoding, delimiter, rows, landed, unchanged,
                    quarantined, blank_rows, status, ?, batch_id, processed_at
                from raw.processed_files
                where content_sha256 = ? and file_name = ?""",
                [
                    hashlib.sha256(new).hexdigest(),
                    len(new),
                    f"rows blanked by erasure {audit_id}",
                    hashlib.sha256(old).hexdigest(),
                    path.name,
                ],
            )
    return rewritten


def _json_names_key(path: Path, keys: set[str]) -> bool:
    """Whether a JSON file holds one of `keys` as a whole string value."""
    if not keys:
        return False
    try:
        text = path.read_text(encoding="utf-8", errors="ignore")
    except OSError:
        return False
    return any(f'"{key}"' in text for key in keys)


def _file_mentions(path: Path, regex: Needles) -> bool:
    try:
        text = path.read_bytes().decode("utf-8", errors="ignore").lower()
    except OSError:
        return False
    return bool(regex.search(text))


def scrub_exports(exports: Path, regex: Needles | None, contact_ids: set[str]) -> list[str]:
    """Remove the person's rows from every export (CSV/Parquet); delete other files naming them."""
    rewritten: list[str] = []
    if not exports.is_dir():
        return rewritten
    for path in sorted(p for p in exports.rglob("*") if p.is_file()):
        suffix = path.suffix.lower()
        if suffix == ".parquet":
            frame = pl.read_parquet(path)
            keep = _frame_keep_mask(frame, regex, contact_ids)
            if keep is not None and not keep.all():
                tmp = path.with_name(path.name + ".tmp")
                frame.filter(keep).write_parquet(tmp)
                os.replace(tmp, path)
                rewritten.append(str(path.relative_to(exports.parent)))
            continue
        if suffix == ".csv":
            data = path.read_bytes()
            text = data.decode("utf-8", errors="replace")
            if not _matches(text, regex, contact_ids):
                continue
            lines = list(csv.reader(io.StringIO(text, newline="")))
            kept = (
                [lines[0]]
                + [row for row in lines[1:] if not _matches(",".join(row), regex, contact_ids)]
                if lines
                else []
            )
            if len(kept) != len(lines):
                out = io.StringIO(newline="")
                csv.writer(out, lineterminator="\n").writerows(kept)
                _atomic_write(path, out.getvalue().encode("utf-8"))
                rewritten.append(str(path.relative_to(exports.parent)))
            continue
        try:
            text = path.read_bytes().decode("utf-8", errors="ignore")
        except OSError:
            continue
        if _matches(text, regex, contact_ids):
            path.unlink()
            rewritten.append(str(path.relative_to(exports.parent)))
    return rewritten


def _frame_keep_mask(
    frame: pl.DataFrame, regex: Needles | None, contact_ids: set[str]
) -> pl.Series | None:
    text_columns = [c for c, t in frame.schema.items() if t == pl.String]
    if not text_columns or frame.height == 0:
        return None
    hit = pl.lit(False)
    for column in text_columns:
        lowered = pl.col(column).str.to_lowercase()
        if regex is not None:
            hit = hit | (
                lowered.str.extract_all(TOKEN_PATTERN)
                .list.eval(pl.element().is_in(sorted(regex.values)))
                .list.any()
                .fill_null(False)
            )
        if contact_ids:
            hit = hit | pl.col(column).is_in(sorted(contact_ids)).fill_null(False)
    return frame.select((~hit).alias("keep"))["keep"]


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.erasing")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# -- bytes left in the database file ------------------------------------------------------------


def file_contains_any(path: Path, needles: Iterable[str]) -> bool:
    """Byte search of a file for any needle as given and lower-cased (UTF-8).

    GNU/BSD `grep -F` finds all the terms in ONE pass (Aho-Corasick / Commentz-Walter),
    several times cheaper than one `mmap.find` pass per term over a database of a gigabyte;
    the terms go through stdin, never on a command line other users can list. Without a
    usable grep, `mmap.find` (memmem over the mapped file, no copy) per term.
    """
    terms = {variant.encode("utf-8") for n in needles if n for variant in (n, n.lower())}
    if not terms or not path.exists() or path.stat().st_size == 0:
        return False
    found = _grep_contains_any(path, terms)
    if found is not None:
        return found
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as m:
        return any(m.find(term) >= 0 for term in terms)


def _grep_contains_any(path: Path, terms: set[bytes]) -> bool | None:
    """True/False from `grep -F`, or None when grep is missing or failed (then search in
    Python). `-z`: NUL-separated "lines" (a database file has long runs without a newline;
    no term holds a NUL byte), `-a`: binary as text, C locale: plain bytes."""
    grep = shutil.which("grep")
    if grep is None or any(b"\n" in t or b"\0" in t for t in terms):
        return None
    try:
        result = subprocess.run(
            [grep, "-a", "-z", "-F", "-q", "-f", "-", "--", str(path)],
            input=b"\n".join(sorted(terms)) + b"\n",
            capture_output=True,
            env={**os.environ, "LC_ALL": "C"},
            check=False,
        )
    except OSError:
        return None
    return {0: True, 1: False}.get(result.returncode)


def rewrite_database(db_path: Path) -> None:
    """Copy every live row into a fresh file and replace the old one (freed blocks gone).

    The copy keeps the file name (DuckDB names the catalog after it, and dbt's views refer to
    it), in a sibling folder, then atomically replaces the original.
    """
    work = db_path.parent / ".erasure_rewrite"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    fresh = work / db_path.name
    con = database.connect(fresh)
    try:
        catalog = con.execute("select current_database()").fetchall()[0][0]
        con.execute(f"attach '{db_path}' as erasure_source (read_only)")
        con.execute(f'copy from database erasure_source to "{catalog}"')
        con.execute("detach erasure_source")
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(fresh, db_path)
    wal = Path(str(db_path) + ".wal")
    if wal.exists():
        wal.unlink()
    shutil.rmtree(work, ignore_errors=True)


# -- the whole erasure ---------------------------------------------------------------------------


def erase(
    db_path: Path,
    data_dir: Path,
    *,
    action: str,
    now: datetime,
    suppress: bool = True,
    **finder: Iterable[str],
) -> ErasureReport:
    """Find one person (by emails / profile_urls / contact_ids / record_keys) and erase them
    everywhere, then make sure no deleted byte survives in the database file, then carry the
    erasure to the ATSs they came from."""
    return erase_many(db_path, data_dir, [finder], action=action, now=now, suppress=suppress)[0]


def erase_many(
    db_path: Path,
    data_dir: Path,
    finders: list[dict],
    *,
    action: str,
    now: datetime,
    suppress: bool = True,
    whole_contacts: bool = True,
    upstream_pass: bool = True,
) -> list[ErasureReport]:
    """Erase several people (one audit row each), then verify/compact the file once; then,
    unless `upstream_pass` is False (the caller runs it), work through the open upstream
    requests — this erasure's and any earlier ones still pending."""
    started = time.perf_counter()
    reports: list[ErasureReport] = []
    probes: set[str] = set()
    con = database.connect(db_path)
    try:
        for finder in finders:
            subject = find_subject(con, whole_contacts=whole_contacts, **finder)
            if subject.is_empty():
                continue
            probes.update(subject.needles)
            probes.update(subject.names)
            reports.append(
                erase_subject(con, data_dir, subject, action=action, now=now, suppress=suppress)
            )
    finally:
        con.close()
    if reports:
        residual, rewritten = verify_and_compact(db_path, sorted(probes))
        con = database.connect(db_path)
        try:
            con.execute(
                f"update {AUDIT_TABLE} set residual_bytes_found = ?, database_rewritten = ?, "
                "seconds = seconds + ? where audit_id in (select unnest(?))",
                [residual, rewritten, time.perf_counter() - started, [r.audit_id for r in reports]],
            )
            con.execute("checkpoint")
        finally:
            con.close()
        for report in reports:
            report.residual_bytes_found = residual
            report.database_rewritten = rewritten
        publish_started = time.perf_counter()
        republish_read_copy(db_path, reports[0].action)
        for report in reports:
            report.read_copy_published = True
            report.read_copy_seconds = time.perf_counter() - publish_started
    elapsed = time.perf_counter() - started
    for report in reports:
        report.seconds = elapsed
    if upstream_pass:
        attach_upstream(reports, upstream.process_pending(db_path, now))
    return reports


def attach_upstream(reports: list[ErasureReport], results: list[upstream.UpstreamResult]) -> None:
    """Give each report the upstream state of its own audit row."""
    by_audit: dict[str, list[upstream.UpstreamResult]] = {}
    for result in results:
        by_audit.setdefault(result.audit_id, []).append(result)
    for report in reports:
        report.upstream = by_audit.get(report.audit_id, [])


def republish_read_copy(db_path: Path, action: str) -> None:
    """Replace the read copy with one taken after the erasure; on failure delete it (it may
    still hold the person) and raise."""
    read_path = settings.read_db_path(db_path)
    try:
        publish_read_copy(db_path, read_path, reason=action)
    except BaseException:
        withdraw_read_copy(read_path)
        raise


def erase_subject(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    subject: ErasureSubject,
    *,
    action: str,
    now: datetime,
    suppress: bool = True,
) -> ErasureReport:
    """Delete the subject's rows everywhere, add their hashes and the audit row (one
    transaction), then scrub files. The byte verification is `verify_and_compact`."""
    started = time.perf_counter()
    audit_id = uuid.uuid4().hex
    key = hashing.pepper() if suppress else None  # fail before deleting anything
    ensure_gdpr_tables(con)
    hashes = subject_hashes(subject, key) if key is not None else set()
    # One person: the smallest of their identifier hashes names them in the audit log (a
    # batch purge of many people has no single subject).
    subject_hash = (
        min((h for h, kind in hashes if kind != hashing.KIND_RECORD), default=None)
        if len(subject.contact_ids) <= 1
        else None
    )
    regex = Needles(subject.needles) if subject.needles else None

    landing = settings.landing_dir(data_dir)
    if action in upstream.UPSTREAM_ACTIONS:
        upstream.ensure_requests_table(con)
    # Reading the drop folders overlaps the deletes (a thread: file reads and byte searches
    # while DuckDB works without the GIL).
    with ThreadPoolExecutor(max_workers=1) as pool:
        mentions = pool.submit(landing_mentions, landing, regex)
        con.begin()
        try:
            # The ATS ids come from the copies about to be deleted: read them first.
            targets = (
                upstream.collect_targets(con, subject.record_keys, subject.contact_ids)
                if action in upstream.UPSTREAM_ACTIONS
                else []
            )
            removed, csv_rows = delete_rows(con, subject)
            mentioned = mentions.result()
        except BaseException:
            con.rollback()
            raise
    try:
        upstream.record_requests(con, audit_id, action, targets, now)
        added = add_hashes(con, hashes, action, now) if hashes else 0
        files = scrub_landing(
            con,
            landing,
            csv_rows,
            regex,
            audit_id,
            mentioned,
            keys=subject.contact_ids | subject.record_keys,
        )
        files += scrub_exports(settings.exports_dir(data_dir), regex, subject.contact_ids)
        report = ErasureReport(
            audit_id=audit_id,
            action=action,
            contacts_removed=len(subject.contact_ids),
            rows_removed=removed,
            files_rewritten=files,
            hashes_added=added,
            residual_bytes_found=False,
            database_rewritten=False,
            seconds=time.perf_counter() - started,
        )
        con.execute(
            f"insert into {AUDIT_TABLE} (audit_id, action, subject_hash, performed_at, "
            "contacts_removed, rows_removed, files_rewritten, residual_bytes_found, "
            "database_rewritten, seconds, upstream) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                audit_id,
                action,
                subject_hash,
                now,
                report.contacts_removed,
                json.dumps(removed, sort_keys=True),
                len(files),
                False,
                False,
                report.seconds,
                upstream.audit_summary(con, audit_id) if targets else "[]",
            ],
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return report


def verify_and_compact(db_path: Path, probes: list[str]) -> tuple[bool, bool]:
    """CHECKPOINT, search the file for the probes; rewrite it when any survived.

    Returns (residual bytes still found after everything, database rewritten).
    """
    con = database.connect(db_path)
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    if not file_contains_any(db_path, probes):
        return False, False
    rewrite_database(db_path)
    return file_contains_any(db_path, probes), True
