"""Perturbed copies of a market directory: same record ids, same ground truth, one change each.

Measuring only. Identity quality measured on one generator's output can hide rules that lean
on that generator's habits; each perturbation here changes one thing real feeds do change
(a field a source stops filling, a field another source fills with something else, case,
accents, people changing jobs, a mailbox known to one system turning up in another) and
leaves everything else byte-identical, so any drop in quality has one cause.

Generic over the on-disk layout (`greenhouse/candidates.jsonl`, `lever/opportunities.jsonl`,
`ashby/candidates.jsonl`, `eventbrite/attendees.jsonl`, `pdl/enrichment.jsonl`, the `drop/`
CSVs listed in `manifest.json` with their encoding and delimiter, `ground_truth.csv`): any
market written in it, by either generator, can be perturbed. A feed the market does not have
is skipped. Ground truth is read to find a person's records in several systems (the engine
never sees it); the perturbed market's ground truth is the original file, unchanged.

    perturbed = perturb_market("upper_case_names", market_dir, out_dir)
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import shutil
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GREENHOUSE = "greenhouse/candidates.jsonl"
LEVER = "lever/opportunities.jsonl"
ASHBY = "ashby/candidates.jsonl"
EVENTBRITE = "eventbrite/attendees.jsonl"
PDL = "pdl/enrichment.jsonl"

# Name columns of the CSV drops, by the header spellings the layout uses (identity_records).
_CSV_NAME_COLUMNS = frozenset(
    {"First Name", "Last Name", "Vorname", "Nachname", "Surname", "first_name", "last_name"}
)
_CSV_TEXT_COLUMNS = _CSV_NAME_COLUMNS | {
    "Company",
    "Organisation",
    "Hochschule / Firma",
    "company",
    "Current Company",
    "Location",
}

Record = dict[str, Any]


@dataclass(slots=True)
class Perturbed:
    """What a perturbation wrote: the market directory, and per file the records it changed
    and the fields (dotted paths; CSV column names) it was allowed to change."""

    name: str
    market: Path
    changed_records: dict[str, int] = field(default_factory=dict)
    fields: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def total_changed(self) -> int:
        return sum(self.changed_records.values())


# ---------------------------------------------------------------- file helpers
def _dumps(record: Record) -> bytes:
    # The layout's JSONL is compact UTF-8 JSON, one object a line (what orjson writes).
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()


def rewrite_jsonl(path: Path, change: Callable[[Record], Record | None]) -> int:
    """Rewrite `path` in place; `change` returns a new record or None for "unchanged".

    Unchanged lines are written back byte for byte. Returns the number of changed records.
    """
    if not path.exists():
        return 0
    out = io.BytesIO()
    changed = 0
    with path.open("rb") as fh:
        for line in fh:
            body = line.rstrip(b"\r\n")
            if not body.strip():
                out.write(line)
                continue
            new = change(json.loads(body))
            if new is None:
                out.write(line)
                continue
            changed += 1
            out.write(_dumps(new) + line[len(body) :])
    path.write_bytes(out.getvalue())
    return changed


def read_jsonl(path: Path) -> Iterator[Record]:
    if not path.exists():
        return
    with path.open("rb") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


@dataclass(frozen=True, slots=True)
class CsvDrop:
    path: Path
    encoding: str
    delimiter: str


def csv_drops(market: Path) -> list[CsvDrop]:
    """The `drop/` CSV files the manifest lists, with the encoding and delimiter it gives."""
    manifest = json.loads((market / "manifest.json").read_text())
    return [
        CsvDrop(market / f["path"], f.get("encoding", "utf-8"), f.get("delimiter", ","))
        for f in manifest.get("files", [])
        if f["path"].startswith("drop/") and (market / f["path"]).exists()
    ]


def rewrite_csv(drop: CsvDrop, change: Callable[[dict[str, str]], dict[str, str] | None]) -> int:
    """Rewrite a CSV drop in place with the same encoding, delimiter, header and line ends."""
    raw = drop.path.read_bytes()
    text = raw.decode(drop.encoding)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=drop.delimiter)
    rows = list(reader)
    header = reader.fieldnames or []
    changed = 0
    out_rows = []
    for row in rows:
        new = change(dict(row))
        if new is not None and new != row:
            changed += 1
            row = new
        out_rows.append(row)
    if not changed:
        return 0
    ending = "\r\n" if b"\r\n" in raw else "\n"
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=header, delimiter=drop.delimiter, lineterminator=ending)
    writer.writeheader()
    writer.writerows(out_rows)
    drop.path.write_bytes(buf.getvalue().encode(drop.encoding))
    return changed


# ---------------------------------------------------------------- ground truth
def person_of(market: Path) -> dict[tuple[str, str, str], str]:
    """(source, entity, source_record_id) -> person_id, from `ground_truth.csv`."""
    with (market / "ground_truth.csv").open(encoding="utf-8", newline="") as fh:
        return {
            (r["source"], r["entity"], r["source_record_id"]): r["person_id"]
            for r in csv.DictReader(fh)
        }


def _chosen(rng_key: str, person: str, share: float) -> bool:
    """A stable per-person draw: the same people are chosen whatever the file order."""
    return random.Random(f"{rng_key}:{person}").random() < share


# ---------------------------------------------------------------- text changes
def strip_accents(text: str) -> str:
    """José -> Jose, Müller -> Muller: combining marks dropped (letters like ø stay)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def _upper(text: str) -> str:
    return text.upper()


def _map_fields(record: Record, paths: tuple[str, ...], fn: Callable[[str], str]) -> bool:
    """Apply `fn` to the string at each dotted path that exists; True if anything changed."""
    changed = False
    for path in paths:
        *parents, leaf = path.split(".")
        node: Any = record
        for p in parents:
            node = node.get(p) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get(leaf), str):
            new = fn(node[leaf])
            if new != node[leaf]:
                node[leaf] = new
                changed = True
    return changed


_NAME_PATHS = {
    GREENHOUSE: ("first_name", "last_name"),
    LEVER: ("name",),
    ASHBY: ("name",),
    EVENTBRITE: ("profile.first_name", "profile.last_name", "profile.name"),
    PDL: ("response.data.first_name", "response.data.last_name", "response.data.full_name"),
}
_TEXT_PATHS = {
    GREENHOUSE: ("first_name", "last_name", "company", "title"),
    LEVER: ("name", "location", "headline"),
    ASHBY: ("name", "company", "position", "location.locationSummary"),
    EVENTBRITE: (
        "profile.first_name",
        "profile.last_name",
        "profile.name",
        "profile.company",
        "profile.job_title",
    ),
    PDL: (
        "response.data.first_name",
        "response.data.last_name",
        "response.data.full_name",
        "response.data.job_company_name",
        "response.data.location_name",
    ),
}


def _text_everywhere(
    market: Path,
    result: Perturbed,
    paths: dict[str, tuple[str, ...]],
    csv_columns: frozenset[str],
    fn: Callable[[str], str],
) -> None:
    for rel, fields in paths.items():

        def change(r: Record, fields: tuple[str, ...] = fields) -> Record | None:
            return r if _map_fields(r, fields, fn) else None

        n = rewrite_jsonl(market / rel, change)
        if n:
            result.changed_records[rel] = n
            result.fields[rel] = frozenset(fields)
    for drop in csv_drops(market):

        def change_row(row: dict[str, str]) -> dict[str, str] | None:
            new = {k: fn(v) if k in csv_columns and v else v for k, v in row.items()}
            return new if new != row else None

        n = rewrite_csv(drop, change_row)
        if n:
            rel = drop.path.relative_to(market).as_posix()
            result.changed_records[rel] = n
            result.fields[rel] = csv_columns


# ---------------------------------------------------------------- the perturbations
def _drop_field(rel: str, fields: dict[str, Any]) -> Callable[[Path, Perturbed], None]:
    """A source stops filling `fields` (set to the given empty value)."""

    def apply(market: Path, result: Perturbed) -> None:
        def change(r: Record) -> Record | None:
            if all(r.get(k) == empty for k, empty in fields.items()):
                return None
            r.update(fields)
            return r

        n = rewrite_jsonl(market / rel, change)
        if n:
            result.changed_records[rel] = n
            result.fields[rel] = frozenset(fields)

    return apply


def upper_case_names(market: Path, result: Perturbed) -> None:
    """Every source sends names in capitals (legacy exports, badge scanners)."""
    _text_everywhere(market, result, _NAME_PATHS, _CSV_NAME_COLUMNS, _upper)


def strip_accents_everywhere(market: Path, result: Perturbed) -> None:
    """Every source drops diacritics from names, companies and places (ASCII-only systems)."""
    _text_everywhere(market, result, _TEXT_PATHS, _CSV_TEXT_COLUMNS, strip_accents)


def _companies_and_titles(market: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Per person, the companies and titles their records carry (first seen first)."""
    who = person_of(market)
    companies: dict[str, list[str]] = {}
    titles: dict[str, list[str]] = {}

    def add(table: dict[str, list[str]], person: str | None, value: Any) -> None:
        if person and isinstance(value, str) and value.strip():
            seen = table.setdefault(person, [])
            if value.strip() not in seen:
                seen.append(value.strip())

    for r in read_jsonl(market / GREENHOUSE):
        p = who.get(("greenhouse", "candidates", str(r["id"])))
        add(companies, p, r.get("company"))
        add(titles, p, r.get("title"))
    for r in read_jsonl(market / ASHBY):
        p = who.get(("ashby", "candidates", str(r["id"])))
        add(companies, p, r.get("company"))
        add(titles, p, r.get("position"))
    for r in read_jsonl(market / EVENTBRITE):
        p = who.get(("eventbrite", "attendees", str(r["id"])))
        add(companies, p, (r.get("profile") or {}).get("company"))
        add(titles, p, (r.get("profile") or {}).get("job_title"))
    for line in read_jsonl(market / PDL):
        d = (line.get("response") or {}).get("data") or {}
        p = who.get(("pdl", "enrichment", str(d.get("id"))))
        for job in d.get("experience") or []:
            add(companies, p, ((job or {}).get("company") or {}).get("name"))
        add(companies, p, d.get("job_company_name"))
        add(titles, p, d.get("job_title"))
    return companies, titles


def swap_title_headline(market: Path, result: Perturbed) -> None:
    """Greenhouse `title` and Lever `headline` swap meanings.

    Lever's headline is free text (usually past companies or schools); Greenhouse's title is
    the current title. Here a Greenhouse title holds the person's companies ("Acme / Globex",
    as a Lever headline would; nothing when no record of the person names a company) and a
    Lever headline holds the person's title from another system (empty when none has one).
    """
    who = person_of(market)
    companies, titles = _companies_and_titles(market)

    def greenhouse(r: Record) -> Record | None:
        person = who.get(("greenhouse", "candidates", str(r["id"])))
        past = companies.get(person or "", [])
        if not past and not r.get("title"):
            return None
        r["title"] = " / ".join(past) if past else None
        return r

    def lever(r: Record) -> Record | None:
        person = who.get(("lever", "opportunities", str(r["id"])))
        known = titles.get(person or "", [])
        headline = known[0] if known else ""
        if headline == r.get("headline"):
            return None
        r["headline"] = headline
        return r

    for rel, fn, fields in (
        (GREENHOUSE, greenhouse, frozenset({"title"})),
        (LEVER, lever, frozenset({"headline"})),
    ):
        n = rewrite_jsonl(market / rel, fn)
        if n:
            result.changed_records[rel] = n
            result.fields[rel] = fields


JOB_CHANGE_SHARE = 0.25


def _domain(company: str) -> str:
    words = re.sub(r"[^a-z0-9 ]+", "", strip_accents(company).lower()).split()
    return ("".join(words[:2]) or "example") + ".com"


def change_jobs(market: Path, result: Perturbed, share: float = JOB_CHANGE_SHARE) -> None:
    """A share of people moved to a new company that only Greenhouse knows about.

    Their Greenhouse candidates get the new company and a work address at it (a new
    identifier no other record carries); every other system still has the old job.
    """
    who = person_of(market)
    pool = sorted(
        {
            r["company"].strip()
            for r in read_jsonl(market / GREENHOUSE)
            if isinstance(r.get("company"), str) and r["company"].strip()
        }
    )
    if len(pool) < 2:
        return

    def change(r: Record) -> Record | None:
        person = who.get(("greenhouse", "candidates", str(r["id"])))
        if person is None or not _chosen("change_jobs", person, share):
            return None
        rng = random.Random(f"change_jobs:new:{person}")
        new = rng.choice([c for c in pool if c != r.get("company")])
        first = (r.get("first_name") or "").strip().lower()
        last = (r.get("last_name") or "").strip().lower()
        local = re.sub(r"[^a-z0-9.]+", "", strip_accents(f"{first}.{last}")).strip(".")
        r["company"] = new
        if local:
            r["email_addresses"] = [
                *(r.get("email_addresses") or []),
                {"value": f"{local}@{_domain(new)}", "type": "work"},
            ]
        return r

    n = rewrite_jsonl(market / GREENHOUSE, change)
    if n:
        result.changed_records[GREENHOUSE] = n
        result.fields[GREENHOUSE] = frozenset({"company", "email_addresses"})


MAILBOX_MOVE_SHARE = 0.5


def move_mailbox(market: Path, result: Perturbed, share: float = MAILBOX_MOVE_SHARE) -> None:
    """For a share of people in both Greenhouse and Lever, one address Greenhouse had for
    them is on their Lever opportunities instead (and no longer in Greenhouse)."""
    who = person_of(market)
    lever_people: dict[str, list[str]] = {}
    for r in read_jsonl(market / LEVER):
        person = who.get(("lever", "opportunities", str(r["id"])))
        if person:
            lever_people.setdefault(person, []).extend(e.lower() for e in r.get("emails") or [])
    moved: dict[str, str] = {}  # person -> address
    moved_from: set[str] = set()  # Greenhouse candidate ids that lose the address

    for r in read_jsonl(market / GREENHOUSE):
        person = who.get(("greenhouse", "candidates", str(r["id"])))
        if person is None or person not in lever_people or person in moved:
            continue
        if not _chosen("move_mailbox", person, share):
            continue
        for e in r.get("email_addresses") or []:
            value = (e.get("value") or "").strip()
            if value and value.lower() not in lever_people[person]:
                moved[person] = value
                break

    def greenhouse(r: Record) -> Record | None:
        person = who.get(("greenhouse", "candidates", str(r["id"])))
        address = moved.get(person or "")
        emails = r.get("email_addresses") or []
        if address is None or not any(e.get("value") == address for e in emails):
            return None
        r["email_addresses"] = [e for e in emails if e.get("value") != address]
        moved_from.add(str(r["id"]))
        return r

    def lever(r: Record) -> Record | None:
        person = who.get(("lever", "opportunities", str(r["id"])))
        address = moved.get(person or "")
        if address is None:
            return None
        r["emails"] = [*(r.get("emails") or []), address]
        return r

    for rel, fn, fields in (
        (GREENHOUSE, greenhouse, frozenset({"email_addresses"})),
        (LEVER, lever, frozenset({"emails"})),
    ):
        n = rewrite_jsonl(market / rel, fn)
        if n:
            result.changed_records[rel] = n
            result.fields[rel] = fields


PERTURBATIONS: dict[str, Callable[[Path, Perturbed], None]] = {
    "drop_greenhouse_company": _drop_field(GREENHOUSE, {"company": None}),
    "drop_lever_location": _drop_field(LEVER, {"location": None}),
    "drop_ashby_phones": _drop_field(ASHBY, {"phoneNumbers": [], "primaryPhoneNumber": None}),
    "swap_title_headline": swap_title_headline,
    "upper_case_names": upper_case_names,
    "strip_accents": strip_accents_everywhere,
    "change_jobs": change_jobs,
    "move_mailbox": move_mailbox,
}


def perturb_market(name: str, market: str | Path, out_dir: str | Path) -> Perturbed:
    """Copy `market` to `out_dir` (replaced if present) and apply perturbation `name`."""
    if name not in PERTURBATIONS:
        raise ValueError(f"unknown perturbation {name!r}; known: {', '.join(PERTURBATIONS)}")
    src, dst = Path(market), Path(out_dir)
    if not (src / "ground_truth.csv").exists():
        raise FileNotFoundError(f"{src} holds no market (ground_truth.csv missing)")
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst)
    result = Perturbed(name=name, market=dst)
    PERTURBATIONS[name](dst, result)
    return result
