"""Build the identity engine's `person_records` frame straight from a generated market directory.

Development and measurement only: in the pipeline the same frame comes from dbt staging models.
Reading the files directly lets the quality report and the benchmarks run without a warehouse.
`read_ground_truth` exists for measuring; the engine itself never sees it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from orchestration.identity.schema import PERSON_RECORD_SCHEMA

_COUNTRY_NAMES = {
    "united states": "US",
    "united kingdom": "GB",
    "germany": "DE",
    "france": "FR",
    "netherlands": "NL",
    "india": "IN",
}


def _country_from_location(location: str | None) -> str | None:
    if not location:
        return None
    last = location.rsplit(",", 1)[-1].strip().lower()
    return _COUNTRY_NAMES.get(last)


def _iso(ts: str | None) -> datetime | None:
    if not ts:
        return None
    return datetime.fromisoformat(ts.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)


def _ms(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC).replace(tzinfo=None)


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        return
    with path.open("rb") as fh:
        for line in fh:
            if line.strip():
                yield orjson.loads(line)


def _row(
    source: str,
    entity: str,
    rid: str,
    *,
    first: str | None = None,
    last: str | None = None,
    full: str | None = None,
    company: str | None = None,
    title: str | None = None,
    location: str | None = None,
    emails: list[str] | None = None,
    phones: list[str] | None = None,
    urls: list[str] | None = None,
    person_key: str | None = None,
    country: str | None = None,
    updated: datetime | None = None,
    buyer_copy: bool = False,
) -> dict[str, Any]:
    return {
        "record_key": f"{source}:{entity}:{rid}",
        "source": source,
        "entity": entity,
        "source_record_id": rid,
        "first_name": first or None,
        "last_name": last or None,
        "full_name": full or None,
        "company": company or None,
        "title": title or None,
        "location": location or None,
        "emails": [e for e in (emails or []) if e],
        "phones": [p for p in (phones or []) if p],
        "profile_urls": [u for u in (urls or []) if u],
        "source_person_key": person_key,
        "country_hint": country or _country_from_location(location),
        "record_updated_at": updated,
        "is_buyer_profile_copy": buyer_copy,
    }


def _greenhouse(root: Path) -> Iterator[dict[str, Any]]:
    for c in _jsonl(root / "greenhouse" / "candidates.jsonl"):
        addresses = c.get("addresses") or []
        location = addresses[0]["value"] if addresses else None
        cid = str(c["id"])
        yield _row(
            "greenhouse",
            "candidates",
            cid,
            first=c.get("first_name"),
            last=c.get("last_name"),
            company=c.get("company"),
            title=c.get("title"),
            location=location,
            emails=[e["value"] for e in c.get("email_addresses") or []],
            phones=[p["value"] for p in c.get("phone_numbers") or []],
            urls=[s["value"] for s in c.get("social_media_addresses") or []]
            + [w["value"] for w in c.get("website_addresses") or []],
            person_key=cid,
            updated=_iso(c.get("updated_at")),
        )
    for a in _jsonl(root / "greenhouse" / "applications.jsonl"):
        yield _row(
            "greenhouse",
            "applications",
            str(a["id"]),
            person_key=str(a["candidate_id"]),
            updated=_iso(a.get("last_activity_at") or a.get("created_at")),
        )


def _lever(root: Path) -> Iterator[dict[str, Any]]:
    for o in _jsonl(root / "lever" / "opportunities.jsonl"):
        # Lever has no company or title field; `headline` is free text (past companies,
        # schools, sometimes a title: docs/sources.md), so it is not read as either.
        yield _row(
            "lever",
            "opportunities",
            o["id"],
            full=o.get("name"),
            location=o.get("location"),
            emails=list(o.get("emails") or []),
            phones=[p["value"] for p in o.get("phones") or []],
            urls=list(o.get("links") or []),
            person_key=o.get("contact"),
            updated=_ms(o.get("updatedAt")),
        )


def _ashby(root: Path) -> Iterator[dict[str, Any]]:
    for c in _jsonl(root / "ashby" / "candidates.jsonl"):
        loc = (c.get("location") or {}).get("locationSummary")
        yield _row(
            "ashby",
            "candidates",
            c["id"],
            full=c.get("name"),
            company=c.get("company"),
            title=c.get("position"),
            location=loc,
            emails=[e["value"] for e in c.get("emailAddresses") or []],
            phones=[p["value"] for p in c.get("phoneNumbers") or []],
            urls=[s["url"] for s in c.get("socialLinks") or []],
            updated=_iso(c.get("updatedAt")),
        )


def _eventbrite(root: Path) -> Iterator[dict[str, Any]]:
    attendees = list(_jsonl(root / "eventbrite" / "attendees.jsonl"))
    # Every row of a multi-ticket order carries the buyer's profile; only the order's first
    # attendee row is the buyer's own seat, the others are copies of the buyer's details.
    first_of_order: dict[str, str] = {}
    for a in sorted(attendees, key=lambda r: (r.get("created") or "", int(r["id"]))):
        first_of_order.setdefault(a["order_id"], a["id"])
    for a in attendees:
        p = a.get("profile") or {}
        yield _row(
            "eventbrite",
            "attendees",
            a["id"],
            first=p.get("first_name"),
            last=p.get("last_name"),
            full=p.get("name"),
            company=p.get("company"),
            title=p.get("job_title"),
            emails=[p.get("email") or ""],
            updated=_iso(a.get("changed")),
            buyer_copy=first_of_order[a["order_id"]] != a["id"],
        )


def _pdl(root: Path) -> Iterator[dict[str, Any]]:
    for line in _jsonl(root / "pdl" / "enrichment.jsonl"):
        d = (line.get("response") or {}).get("data")
        if not d:
            continue
        emails = [e["address"] for e in d.get("emails") or []]
        emails += list(d.get("personal_emails") or []) + [d.get("work_email") or ""]
        phones = list(d.get("phone_numbers") or []) + [d.get("mobile_phone") or ""]
        yield _row(
            "pdl",
            "enrichment",
            d["id"],
            first=d.get("first_name"),
            last=d.get("last_name"),
            full=d.get("full_name"),
            company=d.get("job_company_name"),
            title=d.get("job_title"),
            location=d.get("location_name"),
            emails=sorted(set(emails) - {""}),
            phones=sorted(set(phones) - {""}),
            urls=[d.get("linkedin_url") or "", d.get("github_url") or ""],
        )


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding=encoding, newline="") as fh:
        yield from enumerate(csv.DictReader(fh, delimiter=delimiter), start=1)


_EVENT_COLUMNS = {
    "first": ("First Name", "Vorname", "first_name"),
    "last": ("Last Name", "Surname", "Nachname", "last_name"),
    "email": ("Email", "E-mail Address", "E-Mail", "email_address"),
    "company": ("Company", "Organisation", "Hochschule / Firma", "company"),
    "title": ("Job Title", "Role", "Position", "job_title"),
}


def _pick(row: dict[str, str], names: tuple[str, ...]) -> str | None:
    for n in names:
        if n in row:
            return row[n]
    return None


def _drop(root: Path) -> Iterator[dict[str, Any]]:
    manifest = json.loads((root / "manifest.json").read_text())
    for f in manifest.get("files", []):
        rel = f["path"]
        if not rel.startswith("drop/"):
            continue
        path = root / rel
        name = path.name
        enc, delim = f.get("encoding", "utf-8"), f.get("delimiter", ",")
        folder = rel.split("/")[1]
        for i, r in _csv_rows(path, enc, delim):
            rid = f"{name}:{i}"
            if folder == "events":
                yield _row(
                    "events",
                    "signups",
                    rid,
                    first=(_pick(r, _EVENT_COLUMNS["first"]) or "").strip(),
                    last=(_pick(r, _EVENT_COLUMNS["last"]) or "").strip(),
                    company=_pick(r, _EVENT_COLUMNS["company"]),
                    title=_pick(r, _EVENT_COLUMNS["title"]),
                    emails=[_pick(r, _EVENT_COLUMNS["email"]) or ""],
                )
            elif folder == "sourcing":
                yield _row(
                    "sourcing",
                    "profiles",
                    rid,
                    first=r["First Name"],
                    last=r["Last Name"],
                    company=r["Current Company"],
                    title=r["Current Title"],
                    location=r["Location"],
                    emails=[r["Email"]],
                    urls=[r["Public Profile URL"]],
                )
            elif folder == "outreach":
                yield _row("outreach", "events", rid, emails=[r["contact_email"]])
            elif folder == "hris":
                yield _row(
                    "hris",
                    "employees",
                    rid,
                    first=r["First Name"],
                    last=r["Last Name"],
                    company="Northwind Labs",
                    title=r["Job Title"],
                    emails=[r["Personal Email"], r["Work Email"]],
                    person_key=r["Employee ID"],
                )


def build_person_records(market_dir: str | Path) -> pl.DataFrame:
    """All person-bearing records of a generated market in the engine's input contract."""
    root = Path(market_dir)
    rows: list[dict[str, Any]] = []
    for gen in (_greenhouse, _lever, _ashby, _eventbrite, _pdl, _drop):
        rows.extend(gen(root))
    return pl.DataFrame(rows, schema=PERSON_RECORD_SCHEMA)


def read_ground_truth(market_dir: str | Path) -> pl.DataFrame:
    """`record_key -> person_id` for measuring only (never an input of the engine)."""
    gt = pl.read_csv(Path(market_dir) / "ground_truth.csv", infer_schema=False)
    return gt.select(
        record_key=pl.concat_str(["source", "entity", "source_record_id"], separator=":"),
        person_id=pl.col("person_id"),
    )
