"""CSV drop folders: read every `*.csv` in `<data dir>/landing/<feed>/` into `raw`, once.

The feed modules (`event_csv`, `sourcing_csv`, `outreach_csv`, `hris_csv`) only declare a
`CsvFeedSpec` — header aliases, required columns, which fields are timestamps/dates/booleans —
and this module does the rest identically for every feed.

Files
- A file is identified by the SHA-256 of its bytes, recorded in `raw.processed_files`
  (feed, file name, hash, size, encoding, delimiter, row counts, status landed|rejected|empty,
  reason). A file whose bytes were already landed (or found empty) is skipped, under any name.
  Rejected files are looked at again on every run: the usual fix is a new header alias in a
  code update, and the file should then land without anyone re-dropping it.
- Files are never deleted, moved or renamed: the drop folder stays the customer's evidence.
- Decoding: UTF-8 (with or without BOM); when that fails, Windows-1252 (what Excel writes on
  German/French Windows). Both strict — a byte neither can decode rejects the file instead of
  silently turning characters into "?". UTF-16 with BOM ("Unicode text" exports) also works.
  A file whose lines mix both (UTF-8 lines with accents AND lines that are not UTF-8: rows
  pasted together from two exports) is decoded line by line (`MIXED_ENCODING`): decoding it
  all as Windows-1252 would turn every UTF-8 "José" into "JosÃ©" without a warning. The lines
  that needed Windows-1252 are counted in the file's outcome and the run metadata.
- Delimiter: comma, semicolon or tab, sniffed from the header line (outside quotes).
- Header mapping: case, spaces, punctuation and accents are ignored ("E-mail Address",
  "email_address", "EMAIL ADDRESS" are one key); a feed's alias table maps keys to canonical
  fields. A file missing a required canonical column is rejected whole, with a message naming
  the file, the missing canonical column(s) and the headers it did see. Unknown columns are kept.
- Empty files (0 bytes, or a header and no data) are recorded as `empty`, not as errors.

Rows
- Record id = `<file name>:<1-based data row number>` (header excluded; blank lines count as
  rows so ids match what a spreadsheet shows minus the header — blank rows are not landed).
- Landed record JSON (`_record`), chosen so nothing of the original is lost and staging needs
  no per-tool logic::

      {"file": "luma_2025-08-04_platform-meetup.csv", "row": 17,
       "fields":   {<every canonical field of the feed, normalised text or null>},
       "original": {<the row exactly as in the file: original header -> cell text>}}

  `fields` values are trimmed, empty -> null, timestamps `YYYY-MM-DDTHH:MM:SSZ` (UTC; naive
  times are taken as UTC, as the exporting tools document), dates `YYYY-MM-DD`, booleans
  `true`/`false`, enumerations lower-cased. A canonical field the file lacks is null (or, for
  event name/date/platform, derived from the file name).
- Rows with a wrong number of cells, or values the feed's contract (`checks.csv_feeds`) rejects
  (bad email, unparseable date, unknown enumeration value …), go to `raw.quarantine` with field
  and reason; the rest of the file lands.

Transactions and throughput
- Rows are read, validated and inserted in batches (default 5,000); consecutive batches (of
  one or more files) share a transaction of up to one DuckDB row group
  (`ingest.landing.DEFAULT_TRANSACTION_RECORDS`). The file's `processed_files` row commits in
  the SAME transaction as its last batch, so a crash mid-file leaves the file unrecorded and
  the next run re-reads it; landing is idempotent on (record id, content hash), so the re-run
  adds exactly the rows that were missing.
- Per-row Python work is kept to the csv module and a cell-count check. Normalisation and
  validation run per batch in polars/pandera; the JSON document and its content hash are built
  by polars (`struct.json_encode`) and hashed with hashlib (SHA-256, as `ingest.landing`).
  `ingest.landing.land_page` starts from parsed JSON records (the API feeds); rows of a file
  are already columns, so this module builds the same `raw` table shapes column-wise itself,
  with the same idempotency (INSERT OR IGNORE on the primary key) and quarantine rules.
- The hash recorded for a file is taken by a first pass (`scan_file`); the rows are read by
  later passes. A file whose size or modification time changed in between (an exporter still
  writing it) is not recorded, and is read again on the next run.
- While a folder lands, DuckDB's memory and checkpoint rhythm are bounded
  (`ingest.landing.bounded_landing`), so memory follows the batch, not the folder.
"""

from __future__ import annotations

import codecs
import collections
import contextlib
import csv
import hashlib
import io
import itertools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from checks.csv_feeds import FieldsBatch
from checks.validation import FeedContract, validate_records
from ingest.landing import (
    DEFAULT_TRANSACTION_RECORDS,
    RAW_SCHEMA,
    BatchCounts,
    LandingTransaction,
    bounded_landing,
    ensure_landing_table,
    ensure_raw_schema,
    insert_new_rows,
    landing_memory_limit_bytes,
    new_batch_id,
    record_batch,
    record_hash,
    transaction,
    with_content_hashes,
)

PROCESSED_FILES_TABLE = f"{RAW_SCHEMA}.processed_files"
DEFAULT_BATCH_ROWS = 5_000

STATUS_LANDED = "landed"
STATUS_REJECTED = "rejected"
STATUS_EMPTY = "empty"
STATUS_SKIPPED = "skipped"  # outcome of a run only; never stored
STATUS_CHANGED = "changed_while_read"  # outcome of a run only; the file is read again next run

_DELIMITERS = (",", ";", "\t")
_TIMESTAMP_OUT = "%Y-%m-%dT%H:%M:%SZ"
_DATE_OUT = "%Y-%m-%d"

# Token -> canonical boolean. Covers the exporting tools we know (Yes/No, TRUE/FALSE, 1/0,
# ja/nein) and their French/Spanish/Dutch cousins; anything else is quarantined, because
# guessing a consent answer is worse than asking someone to look at the row.
BOOLEAN_TOKENS = {
    **dict.fromkeys(("yes", "y", "true", "t", "1", "x", "ja", "j", "oui", "si", "sí"), "true"),
    **dict.fromkeys(("no", "n", "false", "f", "0", "nein", "non", "nee"), "false"),
}


@dataclass(frozen=True)
class CsvFeedSpec:
    """Everything feed-specific about one drop folder."""

    feed: str  # drop folder name under landing/
    contract: FeedContract  # source/entity name the landing table raw.<source>_<entity>
    fields: Sequence[str]  # canonical fields, in the order they appear in `fields`
    aliases: Mapping[str, Sequence[str]]  # canonical field -> header spellings seen in the wild
    required: Sequence[Sequence[str]]  # each entry: alternatives, at least one must be a column
    timestamp_fields: Sequence[str] = ()
    date_fields: Sequence[str] = ()
    boolean_fields: Sequence[str] = ()
    integer_fields: Sequence[str] = ()
    value_maps: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    from_file_name: Callable[[str], Mapping[str, str | None]] | None = None
    description: str = ""

    @property
    def source(self) -> str:
        return self.contract.source

    @property
    def entity(self) -> str:
        return self.contract.entity

    @property
    def table(self) -> str:
        return f"{RAW_SCHEMA}.{self.source}_{self.entity}"

    def header_lookup(self) -> dict[str, str]:
        """Normalised header key -> canonical field (the canonical name is its own alias)."""
        lookup: dict[str, str] = {}
        for canonical in self.fields:
            for spelling in (canonical, *self.aliases.get(canonical, ())):
                key = header_key(spelling)
                other = lookup.setdefault(key, canonical)
                if other != canonical:
                    raise ValueError(
                        f"{self.feed}: header {spelling!r} is an alias of both "
                        f"{other} and {canonical}"
                    )
        return lookup


@dataclass
class FileOutcome:
    """What happened to one file in one run (counts only: safe for logs and metadata)."""

    file_name: str
    status: str
    sha256: str
    size_bytes: int
    reason: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    rows: int = 0  # data rows (header excluded), blank rows included
    landed: int = 0  # new rows inserted into the landing table
    unchanged: int = 0  # valid rows already landed earlier (same id and content)
    quarantined: int = 0
    blank: int = 0
    windows_1252_lines: int = 0  # lines of a mixed-encoding file read as Windows-1252


@dataclass
class FolderResult:
    feed: str
    folder: Path
    batch_id: str
    outcomes: list[FileOutcome] = field(default_factory=list)
    quarantine_reasons: dict[str, int] = field(default_factory=dict)

    def files(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def rows_landed(self) -> int:
        return sum(o.landed for o in self.outcomes)

    @property
    def rows_unchanged(self) -> int:
        return sum(o.unchanged for o in self.outcomes)

    @property
    def rows_quarantined(self) -> int:
        return sum(o.quarantined for o in self.outcomes)

    @property
    def rows_read(self) -> int:
        return sum(o.rows for o in self.outcomes if o.status != STATUS_SKIPPED)

    def counts(self) -> BatchCounts:
        return BatchCounts(
            fetched=sum(o.landed + o.unchanged + o.quarantined for o in self.outcomes),
            landed=self.rows_landed,
            duplicates=self.rows_unchanged,
            quarantined=self.rows_quarantined,
        )


class FileRejected(Exception):
    """The whole file cannot be landed; the message names file and cause, never values."""


# --- header handling -------------------------------------------------------------------------


def header_key(header: str) -> str:
    """Case/space/punctuation/accent-insensitive key: "E-Mail Adresse" -> "emailadresse"."""
    decomposed = unicodedata.normalize("NFKD", header.replace("\ufeff", ""))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", "", stripped.casefold())


@dataclass(frozen=True)
class HeaderMap:
    originals: list[str]  # unique original header names, in file order
    columns: dict[str, int]  # canonical field -> column index (first matching column wins)


def map_header(spec: CsvFeedSpec, header: Sequence[str], file_name: str) -> HeaderMap:
    lookup = spec.header_lookup()
    originals: list[str] = []
    seen: set[str] = set()
    columns: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = raw.replace("\ufeff", "").strip() or f"column_{index + 1}"
        unique, n = name, 2
        while unique in seen:  # two "Email" columns must not overwrite each other in `original`
            unique, n = f"{name} ({n})", n + 1
        seen.add(unique)
        originals.append(unique)
        canonical = lookup.get(header_key(name))
        if canonical is not None and canonical not in columns:
            columns[canonical] = index
    missing = [alts for alts in spec.required if not any(a in columns for a in alts)]
    if missing:
        names = ", ".join(" or ".join(alts) for alts in missing)
        raise FileRejected(
            f"{file_name}: missing required column(s) {names} (canonical names; see "
            f"docs/csv_header_aliases.md for accepted headers); headers seen: "
            f"{json.dumps(originals, ensure_ascii=False)}"
        )
    return HeaderMap(originals, columns)


# --- decoding and parsing --------------------------------------------------------------------


MIXED_ENCODING = "utf-8+cp1252"
_CP1252_FALLBACK = "talent_crm_cp1252_fallback"


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 are read as Windows-1252 (strictly: a
    byte undefined there still fails). Only used for files `scan_file` found to mix both."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("cp1252"), error.end


codecs.register_error(_CP1252_FALLBACK, _cp1252_fallback)


def _line_kinds(lines: Iterable[bytes]) -> tuple[int, int]:
    """(lines that are UTF-8 with non-ASCII text, lines that are not UTF-8)."""
    utf8_non_ascii = not_utf8 = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            not_utf8 += 1
        else:
            utf8_non_ascii += 1
    return utf8_non_ascii, not_utf8


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding). Strict: raises FileRejected rather than replace any character."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16"), "utf-16"
    except UnicodeDecodeError as error:
        raise FileRejected(
            f"not valid Unicode despite its byte-order mark ({error.reason})"
        ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        utf8_lines, other_lines = _line_kinds(data.split(b"\n"))
        if utf8_lines and other_lines:
            return data.decode("utf-8", errors=_CP1252_FALLBACK), MIXED_ENCODING
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        raise FileRejected(
            f"neither UTF-8 nor Windows-1252: undecodable byte at offset {error.start}"
        ) from None


def sniff_delimiter(text: str) -> str:
    """The delimiter used most often in the header line, outside quotes (comma on ties)."""
    end = text.find("\n")
    line = text if end < 0 else text[:end]
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(_DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def parse_rows(text: str, delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as error:
        # csv's messages describe the syntax problem, not the cell content.
        raise FileRejected(f"not a readable CSV file ({error})") from None


# --- streaming a file in bounded memory ------------------------------------------------------

# Bytes read at a time when hashing, checking the encoding and sniffing: memory per file stays
# at a batch of rows plus this, whatever the file's size.
_READ_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class ScannedFile:
    """What one streaming pass over a file's bytes tells: its identity and its encoding."""

    sha256: str
    size_bytes: int
    encoding: str | None  # None for an empty file
    problem: str | None = None  # why the bytes cannot be decoded (the file is then rejected)
    # (size, mtime) when the scan began: the rows are read in later passes, so a file still
    # being written meanwhile is caught by comparing (`changed_since_scan`).
    stat_key: tuple[int, int] | None = None
    # MIXED_ENCODING only: how many lines needed the Windows-1252 fallback.
    fallback_lines: int = 0


def _stat_key(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def changed_since_scan(path: Path, scanned: ScannedFile) -> bool:
    """Did the file change after `scan_file` hashed it (an exporter still writing it)?"""
    return scanned.stat_key is not None and _stat_key(path) != scanned.stat_key


def scan_file(path: Path) -> ScannedFile:
    """Content hash, size and encoding of `path` in one bounded-memory pass.

    Same rules as `decode_bytes`: a UTF-8 or UTF-16 byte-order mark decides (and must then
    decode), else UTF-8 if every byte sequence is valid, else Windows-1252 if every byte is
    defined there, else the file is rejected naming the first undecodable offset.
    """
    stat_key = _stat_key(path)
    digest = hashlib.sha256()
    size = 0
    utf8 = codecs.getincrementaldecoder("utf-8")("strict")
    utf8_ok = True
    bom: str | None = None
    with path.open("rb") as handle:
        while chunk := handle.read(_READ_CHUNK_BYTES):
            if size == 0:
                if chunk.startswith(codecs.BOM_UTF8):
                    bom = "utf-8-sig"
                elif chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    bom = "utf-16"
            digest.update(chunk)
            size += len(chunk)
            if utf8_ok and bom is None:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    utf8_ok = False
    if size == 0:
        return ScannedFile(digest.hexdigest(), 0, None, stat_key=stat_key)
    if utf8_ok and bom is None:
        try:
            utf8.decode(b"", final=True)  # a sequence cut off by the end of the file
        except UnicodeDecodeError:
            utf8_ok = False
    sha = digest.hexdigest()
    if bom is not None:
        problem = _undecodable(path, bom)
        if problem is not None:
            problem = f"not valid Unicode despite its byte-order mark ({problem})"
        return ScannedFile(sha, size, bom, problem, stat_key)
    if utf8_ok:
        return ScannedFile(sha, size, "utf-8", stat_key=stat_key)
    with path.open("rb") as handle:
        utf8_lines, other_lines = _line_kinds(handle)
    if utf8_lines and other_lines:
        problem = _undecodable(path, MIXED_ENCODING)
        if problem is not None:
            problem = f"lines in UTF-8 and lines in neither UTF-8 nor Windows-1252: {problem}"
        return ScannedFile(sha, size, MIXED_ENCODING, problem, stat_key, fallback_lines=other_lines)
    problem = _undecodable(path, "cp1252")
    if problem is not None:
        problem = f"neither UTF-8 nor Windows-1252: {problem}"
    return ScannedFile(sha, size, "cp1252", problem, stat_key)


def _undecodable(path: Path, encoding: str) -> str | None:
    """None when all of `path` decodes as `encoding`, else the decoder's complaint."""
    if encoding == MIXED_ENCODING:
        decoder = codecs.getincrementaldecoder("utf-8")(_CP1252_FALLBACK)
    else:
        decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_READ_CHUNK_BYTES):
                decoder.decode(chunk)
                offset += len(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        if encoding == "cp1252":  # single-byte: the position in the chunk is the file offset
            return f"undecodable byte at offset {offset + error.start}"
        return str(error.reason)
    return None


def open_text(path: Path, encoding: str) -> io.TextIOWrapper:
    """The file as text for csv.reader (`newline=""`: quoted newlines stay in their cell).
    The utf-8-sig / utf-16 codecs drop the byte-order mark."""
    if encoding == MIXED_ENCODING:
        return io.TextIOWrapper(
            path.open("rb"), encoding="utf-8", errors=_CP1252_FALLBACK, newline=""
        )
    return io.TextIOWrapper(path.open("rb"), encoding=encoding, errors="strict", newline="")


def sniff_file_delimiter(path: Path, encoding: str) -> str:
    """`sniff_delimiter` on the start of the file (the header line is all it looks at)."""
    with open_text(path, encoding) as text:
        return sniff_delimiter(text.read(64 * 1024))


def _not_readable(error: csv.Error) -> FileRejected:
    # csv's messages describe the syntax problem, not the cell content.
    return FileRejected(f"not a readable CSV file ({error})")


def check_csv_syntax(path: Path, encoding: str, delimiter: str) -> None:
    """Parse the whole file once, keeping nothing: a syntax error anywhere rejects the file
    BEFORE any of its rows land (a file is landed whole or rejected whole)."""
    with open_text(path, encoding) as text:
        try:
            collections.deque(csv.reader(text, delimiter=delimiter, strict=True), maxlen=0)
        except csv.Error as error:
            raise _not_readable(error) from None


def data_row_batches(
    rows: Iterator[list[str]], batch_rows: int
) -> Iterator[tuple[list[list[str]], bool]]:
    """`(rows, is_last)` batches of the data rows after the header, `batch_rows` each (the
    last one may be shorter).

    Blank rows inside the data are kept (they are counted as blank); blank rows at the END are
    layout, not rows — so a run of blank rows is held back until a non-blank row follows it.
    Rows are pulled `batch_rows` at a time (itertools.islice: no Python work per row), and a
    batch is handed out once a row after it is known to exist, so the last batch is marked.
    """
    pending: list[list[str]] = []  # data rows not handed out yet
    held_blank: list[list[str]] = []  # blank rows that may turn out to be trailing
    while chunk := list(itertools.islice(rows, batch_rows)):
        last = len(chunk) - 1
        while last >= 0 and not any(chunk[last]):
            last -= 1
        if last < 0:
            held_blank.extend(chunk)
            continue
        pending.extend(held_blank)
        pending.extend(chunk[: last + 1])
        held_blank = chunk[last + 1 :]
        while len(pending) > batch_rows:
            yield pending[:batch_rows], False
            pending = pending[batch_rows:]
    if pending:  # at most batch_rows rows here
        yield pending, True


# --- normalisation (vectorised, per batch) ---------------------------------------------------


def _blank_to_null(expr: pl.Expr) -> pl.Expr:
    trimmed = expr.str.strip_chars()
    return pl.when(trimmed.str.len_bytes() == 0).then(None).otherwise(trimmed)


def _naive(fmt: str) -> Callable[[pl.Series], pl.Series]:
    return lambda s: s.str.to_datetime(fmt, strict=False, time_unit="us")


def _zoned(fmt: str) -> Callable[[pl.Series], pl.Series]:
    def parse(s: pl.Series) -> pl.Series:
        return s.str.to_datetime(
            fmt, strict=False, time_unit="us", time_zone="UTC"
        ).dt.replace_time_zone(None)

    return parse


def _day(fmt: str) -> Callable[[pl.Series], pl.Series]:
    return lambda s: s.str.to_date(fmt, strict=False).cast(pl.Datetime("us"))


# Every timestamp style an exporting tool in our drop folders writes, most common first. Naive
# values are UTC (what the tools document). Tried in order on what is still unparsed, so the
# usual batch — one tool, one style — costs one parse.
TIMESTAMP_PARSERS: tuple[Callable[[pl.Series], pl.Series], ...] = (
    lambda s: _naive("%Y-%m-%dT%H:%M:%S%.f")(s.str.strip_suffix("Z")),
    _naive("%Y-%m-%d %H:%M:%S%.f"),
    _naive("%d.%m.%Y %H:%M"),
    _naive("%d.%m.%Y %H:%M:%S"),
    _zoned("%Y-%m-%dT%H:%M:%S%.f%:z"),
    _zoned("%Y-%m-%dT%H:%M:%S%.f%z"),
    _zoned("%Y-%m-%d %H:%M:%S%.f%:z"),
    _naive("%Y-%m-%dT%H:%M"),
    _naive("%Y-%m-%d %H:%M"),
    _day("%Y-%m-%d"),
    _day("%d.%m.%Y"),
)
DATE_PARSERS: tuple[Callable[[pl.Series], pl.Series], ...] = (
    _day("%Y-%m-%d"),
    _day("%d.%m.%Y"),
    _day("%Y/%m/%d"),
    *TIMESTAMP_PARSERS,
)


def _parse_in_order(
    values: pl.Series, parsers: Sequence[Callable[[pl.Series], pl.Series]], out_format: str
) -> pl.Series:
    """Normalised text for every value some parser understands; others stay as they were.

    Failed parses are the slow path in polars, so each parser only sees what earlier ones
    could not read, and the loop stops as soon as everything is parsed.
    """
    parsed: pl.Series | None = None
    remaining = values
    for parser in parsers:
        attempt = parser(remaining)
        parsed = attempt if parsed is None else parsed.fill_null(attempt)
        unparsed = parsed.is_null() & values.is_not_null()
        if not unparsed.any():
            break
        remaining = values.zip_with(unparsed, pl.Series([None] * len(values), dtype=pl.String))
    if parsed is None:
        return values
    text = parsed.dt.strftime(out_format)
    return text.zip_with(text.is_not_null(), values).alias(values.name)


def normalise_batch(
    spec: CsvFeedSpec,
    header: HeaderMap,
    file_values: Mapping[str, str | None],
    raw: pl.DataFrame,
) -> pl.DataFrame:
    """Turn the raw `o<i>` text columns of a batch into the feed's normalised canonical fields."""
    exprs = []
    for name in spec.fields:
        index = header.columns.get(name)
        derived = file_values.get(name)
        if index is None:
            expr = pl.lit(derived, dtype=pl.String)
        else:
            expr = _blank_to_null(pl.col(f"o{index}"))
            if derived is not None:
                expr = pl.coalesce(expr, pl.lit(derived, dtype=pl.String))
        if name in spec.boolean_fields:
            expr = expr.str.to_lowercase().replace(BOOLEAN_TOKENS)
        elif name in spec.integer_fields:
            expr = expr.str.replace(r"^(\d+)\.0+$", "${1}")  # Excel turns 2024 into 2024.0
        if name in spec.value_maps:
            expr = expr.str.to_lowercase().replace(dict(spec.value_maps[name]))
        exprs.append(expr.alias(name))
    fields = raw.select(exprs)
    temporal = [(name, TIMESTAMP_PARSERS, _TIMESTAMP_OUT) for name in spec.timestamp_fields] + [
        (name, DATE_PARSERS, _DATE_OUT) for name in spec.date_fields
    ]
    return fields.with_columns(
        [
            _parse_in_order(fields[name], parsers, out)
            for name, parsers, out in temporal
            if fields[name].null_count() < fields.height
        ]
    )


# --- landing ---------------------------------------------------------------------------------


def ensure_processed_files_table(con: duckdb.DuckDBPyConnection) -> None:
    ensure_raw_schema(con)
    con.execute(
        f"""
        create table if not exists {PROCESSED_FILES_TABLE} (
            feed varchar not null,
            file_name varchar not null,
            content_sha256 varchar not null,
            size_bytes bigint not null,
            encoding varchar,
            delimiter varchar,
            rows bigint not null,
            landed bigint not null,
            unchanged bigint not null,
            quarantined bigint not null,
            blank_rows bigint not null,
            status varchar not null,
            reason varchar,
            batch_id varchar not null,
            processed_at timestamp not null,
            primary key (feed, content_sha256)
        )"""
    )


def _record_processed(
    con: duckdb.DuckDBPyConnection, feed: str, outcome: FileOutcome, batch_id: str
) -> None:
    """Record `outcome` for its content hash (replacing an earlier record of the same bytes),
    inside the caller's transaction. DELETE + INSERT: DuckDB's INSERT OR REPLACE measured ~3 ms
    more per file."""
    con.execute(
        f"delete from {PROCESSED_FILES_TABLE} where feed = ? and content_sha256 = ?",
        [feed, outcome.sha256],
    )
    con.execute(
        f"insert into {PROCESSED_FILES_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            feed,
            outcome.file_name,
            outcome.sha256,
            outcome.size_bytes,
            outcome.encoding,
            outcome.delimiter,
            outcome.rows,
            outcome.landed,
            outcome.unchanged,
            outcome.quarantined,
            outcome.blank,
            outcome.status,
            outcome.reason,
            batch_id,
            _now(),
        ],
    )


def record_expression(spec: CsvFeedSpec, header: HeaderMap, file_name: str) -> pl.Expr:
    """The landed JSON document of a row, built by polars for a whole batch at once."""
    return pl.struct(
        pl.lit(file_name, dtype=pl.String).alias("file"),
        pl.col("_row").alias("row"),
        pl.struct([pl.col(name) for name in spec.fields]).alias("fields"),
        pl.struct([pl.col(f"o{i}").alias(name) for i, name in enumerate(header.originals)]).alias(
            "original"
        ),
    ).struct.json_encode()


@dataclass
class _Batch:
    """One transaction's worth of a file: valid rows ready to insert, quarantined payloads."""

    valid: pl.DataFrame  # _source_record_id, _record (JSON text), _record_hash
    quarantined: list[tuple[str, str, str, dict[str, Any]]]  # (record id, field, reason, payload)


def land_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    spec: CsvFeedSpec,
    batch: _Batch,
    batch_id: str,
    fetched_at: datetime,
    outcome: FileOutcome,
    last_batch: bool,
    txn: LandingTransaction | None = None,
) -> int:
    """Land one batch and add its counts to `outcome`; with `last_batch`, record the file in
    raw.processed_files in the same transaction. The batch is its own transaction, or joins
    `txn` (several batches and files per transaction, committed when due; a failure rolls the
    whole transaction back, so a file's row never commits without all of its batches).

    Returns the number of new rows (rows already landed with the same content are ignored).
    """
    own = txn is None
    if txn is None:
        txn = LandingTransaction(con, max_records=0, max_bytes=0)  # due at once
    landed = 0
    txn.begin()
    try:
        if batch.valid.height:
            con.register("_csv_batch", batch.valid)
            # Same idempotency as ingest.landing (unique landing key over record id + content
            # hash): a re-read file adds only rows that are new or changed.
            landed = insert_new_rows(
                con,
                spec.table,
                "_csv_batch",
                source=spec.source,
                batch_id=batch_id,
                fetched_at=fetched_at,
            )
            con.unregister("_csv_batch")
        if batch.quarantined:
            _quarantine(con, spec, batch.quarantined, batch_id, fetched_at)
        outcome.landed += landed
        outcome.unchanged += batch.valid.height - landed
        if last_batch:
            _record_processed(con, spec.feed, outcome, batch_id)
        txn.add(batch.valid.height, batch.valid["_record"].str.len_bytes().sum() or 0)
        if own or txn.is_due:
            txn.commit()
    except BaseException:
        txn.rollback()
        raise
    return landed


def _quarantine(
    con: duckdb.DuckDBPyConnection,
    spec: CsvFeedSpec,
    rows: Sequence[tuple[str, str, str, dict[str, Any]]],
    batch_id: str,
    fetched_at: datetime,
) -> None:
    frame = pl.DataFrame(
        {
            "rid": [r[0] for r in rows],
            "field": [r[1] for r in rows],
            "reason": [r[2] for r in rows],
            "hash": [record_hash(r[3]) for r in rows],
            "payload": [json.dumps(r[3], ensure_ascii=False, default=str) for r in rows],
        },
        schema=dict.fromkeys(("rid", "field", "reason", "hash", "payload"), pl.String),
    ).unique(subset=["hash"], keep="first", maintain_order=True)
    con.register("_csv_quarantine", frame)
    # Same rule as ingest.landing: the same bad row seen again (file re-read) is recorded once.
    con.execute(
        f"""
        insert into {RAW_SCHEMA}.quarantine
        select $source, $entity, q.rid, q.field, q.reason, q.hash, q.payload::json,
               $batch_id, $at
        from _csv_quarantine q
        where not exists (
            select 1 from {RAW_SCHEMA}.quarantine x
            where x._source = $source and x._entity = $entity and x._record_hash = q.hash)
        """,
        {"source": spec.source, "entity": spec.entity, "batch_id": batch_id, "at": fetched_at},
    )
    con.unregister("_csv_quarantine")


# --- one file --------------------------------------------------------------------------------


def _prepare_batch(
    spec: CsvFeedSpec,
    header: HeaderMap,
    file_name: str,
    file_values: Mapping[str, str | None],
    record: pl.Expr,
    rows: Sequence[list[str]],
    first_row_number: int,
    outcome: FileOutcome,
    reasons: dict[str, int],
) -> _Batch:
    width = len(header.originals)
    good: list[list[str]] = []
    numbers: list[int] = []
    quarantined: list[tuple[str, str, str, dict[str, Any]]] = []
    for offset, cells in enumerate(rows):
        number = first_row_number + offset
        if len(cells) != width:
            if not any(cells):
                outcome.blank += 1
                continue
            if len(cells) > width and not any(cells[width:]):
                cells = cells[:width]  # trailing empty cells: a spreadsheet artefact
            else:
                reason = f"row has {len(cells)} cells, header has {width}"
                quarantined.append(
                    (
                        f"{file_name}:{number}",
                        "record",
                        reason,
                        {"file": file_name, "row": number, "cells": cells},
                    )
                )
                reasons["wrong number of cells"] = reasons.get("wrong number of cells", 0) + 1
                continue
        elif not any(cells):
            outcome.blank += 1
            continue
        good.append(cells)
        numbers.append(number)

    # Column-wise construction (zip is C-level) is faster than polars' row orientation.
    columns = list(zip(*good, strict=True)) if good else [() for _ in range(width)]
    raw = pl.DataFrame(
        {f"o{i}": pl.Series(f"o{i}", col, dtype=pl.String) for i, col in enumerate(columns)}
    ).with_columns(pl.Series("_row", numbers, dtype=pl.Int64))
    fields = normalise_batch(spec, header, file_values, raw)
    valid_idx, rejections = validate_records(spec.contract, FieldsBatch(fields))
    for rejection in rejections:
        i = rejection.row
        quarantined.append(
            (
                f"{file_name}:{numbers[i]}",
                rejection.field,
                rejection.reason,
                {
                    "file": file_name,
                    "row": numbers[i],
                    "fields": fields.row(i, named=True),
                    "original": dict(zip(header.originals, good[i], strict=True)),
                },
            )
        )
        reasons[rejection.reason] = reasons.get(rejection.reason, 0) + 1
    combined = pl.concat([raw, fields], how="horizontal")
    if rejections:
        combined = combined[valid_idx]
    documents = with_content_hashes(
        combined.select(
            (pl.lit(f"{file_name}:") + pl.col("_row").cast(pl.String)).alias("_source_record_id"),
            record.alias("_record"),
        )
    )
    outcome.quarantined += len(quarantined)
    return _Batch(documents, quarantined)


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    spec: CsvFeedSpec,
    path: Path,
    scanned: ScannedFile,
    *,
    batch_id: str,
    batch_rows: int,
    reasons: dict[str, int],
    txn: LandingTransaction | None = None,
) -> FileOutcome:
    """Read, validate and land one file, streaming it `batch_rows` rows at a time; record it in
    raw.processed_files (in the transaction of its last batch). With `txn`, batches join that
    transaction (see `land_batch`); otherwise each batch is its own."""
    outcome = FileOutcome(path.name, STATUS_LANDED, scanned.sha256, scanned.size_bytes)
    if scanned.encoding is None:
        return _finish_without_rows(con, spec, outcome, STATUS_EMPTY, "0 bytes", batch_id, txn)
    outcome.encoding = scanned.encoding
    outcome.windows_1252_lines = scanned.fallback_lines
    with contextlib.ExitStack() as stack:
        try:
            if scanned.problem is not None:
                raise FileRejected(scanned.problem)
            outcome.delimiter = sniff_file_delimiter(path, scanned.encoding)
            rows = csv.reader(
                stack.enter_context(open_text(path, scanned.encoding)),
                delimiter=outcome.delimiter,
                strict=True,
            )
            header_row = next((r for r in rows if any(c.strip() for c in r)), None)
            if header_row is None:  # nothing but blank lines
                return _finish_without_rows(
                    con, spec, outcome, STATUS_EMPTY, "no header", batch_id, txn
                )
            header = map_header(spec, header_row, path.name)
            batches = data_row_batches(rows, batch_rows)
            first = next(batches, None)
            if first is not None and not first[1]:
                # More than one batch: rows land batch by batch, so the syntax of the whole
                # file is checked first (one extra parse, keeping nothing).
                check_csv_syntax(path, scanned.encoding, outcome.delimiter)
        except (FileRejected, csv.Error) as rejected:
            if isinstance(rejected, csv.Error):
                rejected = _not_readable(rejected)
            reason = str(rejected)
            if not reason.startswith(path.name):
                reason = f"{path.name}: {reason}"
            return _finish_without_rows(con, spec, outcome, STATUS_REJECTED, reason, batch_id, txn)
        if first is None:
            return _finish_without_rows(
                con, spec, outcome, STATUS_EMPTY, "header only", batch_id, txn
            )

        file_values = spec.from_file_name(path.name) if spec.from_file_name else {}
        record = record_expression(spec, header, path.name)
        fetched_at = _now()
        start = 0
        for chunk, is_last in itertools.chain([first], batches):
            outcome.rows += len(chunk)
            batch = _prepare_batch(
                spec, header, path.name, file_values, record, chunk, start + 1, outcome, reasons
            )
            # The hash recorded for the file must be the content that landed: a file rewritten
            # while it was read is not recorded, so the next run reads it again (whatever of
            # it landed is kept; landing is idempotent, the re-read adds only what is new).
            changed = is_last and changed_since_scan(path, scanned)
            land_batch(
                con,
                spec=spec,
                batch=batch,
                batch_id=batch_id,
                fetched_at=fetched_at,
                outcome=outcome,
                last_batch=is_last and not changed,
                txn=txn,
            )
            start += len(chunk)
            if changed:
                outcome.status = STATUS_CHANGED
                outcome.reason = (
                    f"{path.name}: changed while it was being read; the rows read so far "
                    "landed and the file will be read again on the next run"
                )
    return outcome


def _finish_without_rows(
    con: duckdb.DuckDBPyConnection,
    spec: CsvFeedSpec,
    outcome: FileOutcome,
    status: str,
    reason: str,
    batch_id: str,
    txn: LandingTransaction | None = None,
) -> FileOutcome:
    outcome.status, outcome.reason = status, reason
    if txn is not None and txn.is_open:
        _record_processed(con, spec.feed, outcome, batch_id)
    else:
        with transaction(con):
            _record_processed(con, spec.feed, outcome, batch_id)
    return outcome


# --- one folder ------------------------------------------------------------------------------


def list_drop_files(folder: Path) -> list[Path]:
    """`*.csv` files (any case), sorted; hidden files and Office lock files are not exports."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() == ".csv" and not p.name.startswith((".", "~$"))
    )


def known_files(con: duckdb.DuckDBPyConnection, feed: str) -> dict[str, str]:
    """Content hash -> file name, for files of `feed` needing no further work (landed/empty)."""
    rows = con.execute(
        f"select content_sha256, file_name from {PROCESSED_FILES_TABLE} "
        "where feed = ? and status in (?, ?)",
        [feed, STATUS_LANDED, STATUS_EMPTY],
    ).fetchall()
    return {sha: name for sha, name in rows}


def ingest_folder(
    con: duckdb.DuckDBPyConnection,
    spec: CsvFeedSpec,
    folder: Path,
    *,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    reprocess: bool = False,
    transaction_rows: int = DEFAULT_TRANSACTION_RECORDS,
) -> FolderResult:
    """Land every new file of one drop folder. `reprocess=True` re-reads files already landed
    (adds no duplicates: useful after a fix to normalisation).

    Batches of consecutive files share a transaction until it holds `transaction_rows` rows or
    the landing memory limit in JSON (`ingest.landing.DEFAULT_TRANSACTION_RECORDS` says why);
    each file's processed row commits with its last batch, so a crash re-reads exactly the
    files whose rows did not commit."""
    if batch_rows < 1:
        raise ValueError("batch_rows must be at least 1")
    ensure_processed_files_table(con)
    ensure_landing_table(con, spec.source, spec.entity)
    result = FolderResult(spec.feed, folder, new_batch_id())
    started_at = _now()
    known = known_files(con, spec.feed)
    status = "failed"
    txn = LandingTransaction(con, transaction_rows, landing_memory_limit_bytes())
    with bounded_landing(con):
        try:
            for path in list_drop_files(folder):
                scanned = scan_file(path)  # bounded memory: the file is streamed, never held whole
                sha256 = scanned.sha256
                recorded_as = known.get(sha256)
                # Same bytes under another name are a re-delivery, never new records — even
                # when re-reading everything (the ids would otherwise be minted again under
                # the new name).
                if recorded_as is not None and (not reprocess or recorded_as != path.name):
                    result.outcomes.append(
                        FileOutcome(path.name, STATUS_SKIPPED, sha256, scanned.size_bytes)
                    )
                    continue
                outcome = ingest_file(
                    con,
                    spec,
                    path,
                    scanned,
                    batch_id=result.batch_id,
                    batch_rows=batch_rows,
                    reasons=result.quarantine_reasons,
                    txn=txn,
                )
                result.outcomes.append(outcome)
                if outcome.status not in (STATUS_REJECTED, STATUS_CHANGED):
                    known[sha256] = path.name  # the same bytes under a second name in this run
            txn.commit()
            status = "succeeded"
            return result
        finally:
            txn.rollback()  # a failed run's open transaction (no-op once committed)
            record_batch(
                con,
                batch_id=result.batch_id,
                source=spec.source,
                entity=spec.entity,
                started_at=started_at,
                status=status,
                counts=result.counts(),
                full_resync=reprocess,
            )


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# --- documentation ---------------------------------------------------------------------------


def alias_table_markdown(specs: Iterable[CsvFeedSpec]) -> str:
    """docs/csv_header_aliases.md, generated from the specs so the doc cannot drift."""
    lines = [
        "# CSV drop folders: accepted headers",
        "",
        "Generated from the feed specs in `ingest/*_csv.py` by "
        "`python -m ingest.csv_drop --aliases` (a test fails when this file is stale).",
        "",
        "Headers are matched ignoring case, spaces, punctuation and accents: `E-mail Address`,",
        "`email_address` and `EMAIL ADDRESS` are the same header. A file missing a required",
        "column is rejected whole (`raw.processed_files.status = 'rejected'`, reason names the",
        "missing canonical column and the headers seen). Columns not listed here are kept in",
        "the landed record's `original` object. Timestamps accept ISO-8601 (`Z`/offset/naive),",
        "`YYYY-MM-DD HH:MM[:SS]`, `DD.MM.YYYY HH:MM[:SS]` and plain dates (naive = UTC);",
        "booleans accept " + ", ".join(f"`{t}`" for t in BOOLEAN_TOKENS) + ".",
        "",
    ]
    for spec in specs:
        required = {name for alts in spec.required for name in alts}
        lines += [
            f"## `{spec.feed}` → `{spec.table}`",
            "",
            spec.description,
            "",
            "Required: "
            + "; ".join(" or ".join(f"`{a}`" for a in alts) for alts in spec.required)
            + ".",
            "",
            "| canonical field | required | type | accepted headers |",
            "| --- | --- | --- | --- |",
        ]
        for name in spec.fields:
            kind = (
                "timestamp"
                if name in spec.timestamp_fields
                else "date"
                if name in spec.date_fields
                else "boolean"
                if name in spec.boolean_fields
                else "integer"
                if name in spec.integer_fields
                else "enum"
                if name in spec.value_maps
                else "text"
            )
            spellings = [name, *spec.aliases.get(name, ())]
            derived = (
                " (else from the file name)"
                if spec.from_file_name and name.startswith("event_")
                else ""
            )
            lines.append(
                f"| `{name}` | {'yes' if name in required else ''} | {kind}{derived} | "
                + ", ".join(f"`{s}`" for s in spellings)
                + " |"
            )
        lines.append("")
    return "\n".join(lines)


def all_specs() -> list[CsvFeedSpec]:
    from ingest import event_csv, hris_csv, outreach_csv, sourcing_csv

    return [event_csv.SPEC, sourcing_csv.SPEC, outreach_csv.SPEC, hris_csv.SPEC]


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--aliases"]:
        sys.stdout.write(alias_table_markdown(all_specs()))
    else:
        sys.exit("usage: python -m ingest.csv_drop --aliases > docs/csv_header_aliases.md")
