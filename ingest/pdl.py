"""People Data Labs person enrichment: client, look-up picking and landing.

PDL is not a feed to sync but a paid question per person: every 200 is a billed match, a 404
is "no match" (a normal answer, not an error), and the key has a per-minute request limit. So:
- `PdlClient.enrich(...)` asks one question, throttles itself to the configured requests per
  minute (so we rarely meet a 429; the shared `ApiClient` still honours 429 + Retry-After), and
  counts billed matches;
- every question has a stable `lookup_id` (sha256 of the normalised query), and both answers
  are landed — matches in `raw.pdl_person_enrichments`, misses in `raw.pdl_no_matches` — so the
  same question is not asked (and paid for) again within `reask_after_days`;
- `enrich_pending(...)` picks questions from already-landed raw ATS records (SQL over the raw
  JSON, not dbt models: enrichment runs before dbt and must not form a cycle in the asset graph),
  skipping opted-out people and shared role mailboxes, within a per-run `max_calls` budget.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

import duckdb

from checks.email_address import is_role_mailbox, is_well_formed_email
from checks.pdl import NO_MATCHES, PERSON_ENRICHMENTS
from checks.validation import FeedContract, validate_records
from ingest.http_client import ApiClient, RetryPolicy, SourceError, VendorApi, x_api_key
from ingest.landing import (
    BatchCounts,
    QuarantinedRecord,
    ensure_landing_table,
    ensure_raw_schema,
    land_page,
    new_batch_id,
    record_batch,
    table_exists,
)
from ingest.sync import safe_record_id

SOURCE = "pdl"
DEFAULT_BASE_URL = "https://api.peopledatalabs.com/v5"
API_KEY_ENV = "PDL_API_KEY"
BASE_URL_ENV = "PDL_BASE_URL"
ENRICHMENTS_ENTITY = "person_enrichments"
NO_MATCHES_ENTITY = "no_matches"
DEFAULT_REQUESTS_PER_MINUTE = 100  # PDL's free tier; paid keys get 1,000
DEFAULT_MIN_LIKELIHOOD = 6
DEFAULT_MAX_CALLS = 50
DEFAULT_REASK_AFTER_DAYS = 90


# -- client ---------------------------------------------------------------------------------


class SlidingWindowRateLimiter:
    """At most `limit` requests in any `window_seconds` (client side, before the vendor says no).

    A sliding window is at least as strict as PDL's per-minute window wherever that window
    starts, so one process alone never trips the vendor's limit.
    """

    def __init__(
        self,
        limit: int,
        window_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if limit < 1:
            raise ValueError("requests per window must be at least 1")
        self.limit = limit
        self.window_seconds = window_seconds
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self.waited_seconds = 0.0

    def acquire(self) -> None:
        now = self._clock()
        while self._sent and now - self._sent[0] >= self.window_seconds:
            self._sent.popleft()
        if len(self._sent) >= self.limit:
            wait = self.window_seconds - (now - self._sent[0])
            if wait > 0:
                self.waited_seconds += wait
                self._sleep(wait)
            now = self._clock()
            self._sent.popleft()
        self._sent.append(now)


@dataclass
class PdlStats:
    calls: int = 0  # questions asked (HTTP retries of one question count once)
    matches_billed: int = 0  # every 200 is billed, even one below our min_likelihood
    no_matches: int = 0
    below_min_likelihood: int = 0


@dataclass(frozen=True)
class EnrichmentMatch:
    lookup_id: str
    query: dict[str, str]
    likelihood: Any  # PDL promises 1..10; the landing contract quarantines anything else
    data: dict[str, Any]


class PdlClient:
    """`enrich(...)` over the shared ApiClient, with client-side per-minute throttling."""

    def __init__(
        self,
        api: ApiClient,
        requests_per_minute: int = DEFAULT_REQUESTS_PER_MINUTE,
        window_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.api = api
        self.limiter = SlidingWindowRateLimiter(
            requests_per_minute, window_seconds, clock, sleep or api.sleep
        )
        self.stats = PdlStats()

    def enrich(
        self,
        *,
        email: str | None = None,
        profile: str | None = None,
        name: str | None = None,
        company: str | None = None,
        min_likelihood: int | None = None,
    ) -> EnrichmentMatch | None:
        """One person look-up: the match, or None when PDL has none (404, not an error)."""
        query = normalise_query(email=email, profile=profile, name=name, company=company)
        return self.enrich_query(query, min_likelihood=min_likelihood)

    def enrich_query(
        self, query: Mapping[str, str], min_likelihood: int | None = None
    ) -> EnrichmentMatch | None:
        if min_likelihood is not None and not 1 <= min_likelihood <= 10:
            raise ValueError("min_likelihood must be 1..10")
        params: dict[str, Any] = dict(query)
        if min_likelihood is not None:
            params["min_likelihood"] = min_likelihood
        self.limiter.acquire()
        self.stats.calls += 1
        payload, response = self.api.request_json(
            "GET", "person/enrich", params=params, ok_statuses=frozenset({200, 404})
        )
        if response.status_code == 404:
            if not isinstance(payload, dict):
                raise SourceError(
                    f"{SOURCE}: HTTP 404 without PDL's error body; is {BASE_URL_ENV} pointing "
                    "at the v5 API?"
                )
            self.stats.no_matches += 1
            return None
        self.stats.matches_billed += 1
        likelihood = payload.get("likelihood") if isinstance(payload, dict) else None
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, dict):
            raise SourceError(f"{SOURCE}: a 200 reply without a `data` object; cannot use it.")
        if (
            min_likelihood is not None
            and isinstance(likelihood, int | float)
            and likelihood < min_likelihood
        ):
            # The vendor ignored min_likelihood: still billed, but not good enough to keep.
            self.stats.below_min_likelihood += 1
            return None
        return EnrichmentMatch(lookup_id(query), dict(query), likelihood, data)


# The key goes in the `X-Api-Key` header. The per-minute limit is client-side (`PdlClient`),
# not the shared client's rate-limit window.
API = VendorApi(
    source=SOURCE,
    default_base_url=DEFAULT_BASE_URL,
    base_url_env=BASE_URL_ENV,
    credentials_env=API_KEY_ENV,
    authorize=x_api_key,
)


def make_client(
    api_key: str | None = None,
    base_url: str | None = None,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] | None = None,
    requests_per_minute: int = DEFAULT_REQUESTS_PER_MINUTE,
    window_seconds: float = 60.0,
    clock: Callable[[], float] = time.monotonic,
) -> PdlClient:
    """The rate-limited PDL client, over `API.make_client` (arguments, else the environment)."""
    return PdlClient(
        API.make_client(api_key, base_url, retry, sleep), requests_per_minute, window_seconds, clock
    )


# -- queries and lookup ids -----------------------------------------------------------------


def _collapse(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip().casefold()


def normalise_profile_url(value: str) -> str:
    """LinkedIn URLs in any spelling → `linkedin.com/in/<slug>` (the slug is the identity);
    other URLs lower-cased without scheme, `www.`, query and trailing slash."""
    text = value.strip()
    if "://" not in text:
        text = "//" + text
    parts = urlsplit(text)
    host = (parts.hostname or "").lower().removeprefix("www.")
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if host.endswith("linkedin.com") and "in" in segments:
        index = segments.index("in")
        if index + 1 < len(segments):
            return f"linkedin.com/in/{segments[index + 1].strip().lower()}"
    return "/".join([host, *segments]).strip("/").lower()


def normalise_query(
    *,
    email: str | None = None,
    profile: str | None = None,
    name: str | None = None,
    company: str | None = None,
) -> dict[str, str]:
    """The question as PDL will receive it, normalised so spelling variants share one id."""
    query: dict[str, str] = {}
    if email and email.strip():
        query["email"] = email.strip().lower()
    if profile and profile.strip():
        query["profile"] = normalise_profile_url(profile)
    if name and name.strip() and company and company.strip():
        query["name"] = _collapse(name)
        query["company"] = _collapse(company)
    if not query:
        raise ValueError("a PDL look-up needs an email, a profile URL, or a name and a company")
    return query


def lookup_id(query: Mapping[str, str]) -> str:
    canonical = json.dumps(dict(query), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# -- picking look-ups from raw ATS records --------------------------------------------------


@dataclass(frozen=True)
class PendingLookup:
    lookup_id: str
    query: dict[str, str]


def _json_list(raw: str | None) -> list[Any]:
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def query_for_person(
    emails: list[Any], links: list[Any], name: str | None, company: str | None
) -> dict[str, str] | None:
    """The question to ask about one ATS person: the best personal-ish email and a LinkedIn
    profile when known (PDL matches better with both); name + company only as the fallback."""
    email: str | None = None
    for preferred in ("personal", None):
        for item in emails:
            value = item.get("value") if isinstance(item, dict) else item
            kind = (item.get("type") if isinstance(item, dict) else None) or ""
            if (
                isinstance(value, str)
                and is_well_formed_email(value.strip())
                # Shared mailboxes reach whoever reads them: enriching one returns a random
                # person and bills us.
                and not is_role_mailbox(value)
                and (preferred is None or kind.lower() == preferred)
            ):
                email = value
                break
        if email:
            break
    profile: str | None = None
    for item in links:
        value = item.get("value") if isinstance(item, dict) else item
        if isinstance(value, str) and "linkedin.com/" in value.lower():
            profile = value
            break
    try:
        if email or profile:
            return normalise_query(email=email, profile=profile)
        return normalise_query(name=name, company=company)
    except ValueError:
        return None


def greenhouse_candidate_lookups(con: duckdb.DuckDBPyConnection) -> Iterator[dict[str, str]]:
    """Queries for the latest version of each landed Greenhouse candidate, newest first.

    Opted-out candidates (`can_email = false`) are not enriched: buying more data about someone
    who objected is not data minimisation.
    """
    if not table_exists(con, "raw.greenhouse_candidates"):
        return
    rows = con.execute(
        """
        with latest as (
            select
                _source_record_id,
                _record,
                row_number() over (
                    partition by _source_record_id
                    order by json_extract_string(_record, '$.updated_at') desc, _fetched_at desc
                ) as version_rank
            from raw.greenhouse_candidates
        )
        select
            cast(json_extract(_record, '$.email_addresses') as varchar),
            cast(json_extract(_record, '$.social_media_addresses') as varchar),
            trim(concat_ws(' ', json_extract_string(_record, '$.first_name'),
                                json_extract_string(_record, '$.last_name'))),
            json_extract_string(_record, '$.company')
        from latest
        where version_rank = 1
          and coalesce(json_extract_string(_record, '$.can_email'), 'true') <> 'false'
        order by json_extract_string(_record, '$.updated_at') desc nulls last, _source_record_id
        """
    ).fetchall()
    for emails, links, name, company in rows:
        query = query_for_person(_json_list(emails), _json_list(links), name, company)
        if query is not None:
            yield query


# Where look-ups come from; more raw sources (Lever, Ashby) can be appended here.
LookupSource = Callable[[duckdb.DuckDBPyConnection], Iterator[dict[str, str]]]
LOOKUP_SOURCES: tuple[LookupSource, ...] = (greenhouse_candidate_lookups,)


def recently_asked(con: duckdb.DuckDBPyConnection, since: datetime) -> set[str]:
    """Lookup ids answered (match or no match) at or after `since`."""
    ensure_raw_schema(con)
    ensure_landing_table(con, SOURCE, ENRICHMENTS_ENTITY)
    ensure_landing_table(con, SOURCE, NO_MATCHES_ENTITY)
    rows = con.execute(
        f"""
        select _source_record_id from raw.{SOURCE}_{ENRICHMENTS_ENTITY}
        where try_cast(json_extract_string(_record, '$.enriched_at') as timestamptz) >= ?
        union
        select _source_record_id from raw.{SOURCE}_{NO_MATCHES_ENTITY}
        where try_cast(json_extract_string(_record, '$.asked_at') as timestamptz) >= ?
        """,
        [since, since],
    ).fetchall()
    return {r[0] for r in rows}


def pending_lookups(
    con: duckdb.DuckDBPyConnection,
    *,
    now: datetime,
    reask_after_days: int,
    limit: int,
    lookup_sources: Sequence[LookupSource] | None = None,
) -> tuple[list[PendingLookup], int, int]:
    """Up to `limit` distinct look-ups not asked within the window.

    Returns (pending, distinct look-ups considered, skipped as recently asked).
    """
    asked = recently_asked(con, now - timedelta(days=reask_after_days))
    seen: set[str] = set()
    pending: list[PendingLookup] = []
    skipped = 0
    for source in LOOKUP_SOURCES if lookup_sources is None else lookup_sources:
        for query in source(con):
            lid = lookup_id(query)
            if lid in seen:
                continue
            seen.add(lid)
            if lid in asked:
                skipped += 1
            elif len(pending) < limit:
                pending.append(PendingLookup(lid, query))
    return pending, len(seen), skipped


# -- one enrichment run ---------------------------------------------------------------------


@dataclass
class EnrichmentRunResult:
    batch_id: str
    considered: int = 0
    skipped_recently_asked: int = 0
    asked: int = 0
    matched: int = 0
    no_match: int = 0
    below_min_likelihood: int = 0
    matches_billed: int = 0
    enrichments: BatchCounts = field(default_factory=BatchCounts)
    no_matches: BatchCounts = field(default_factory=BatchCounts)
    quarantine_reasons: dict[str, int] = field(default_factory=dict)


def format_timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def enrich_pending(
    con: duckdb.DuckDBPyConnection,
    client: PdlClient,
    *,
    max_calls: int = DEFAULT_MAX_CALLS,
    min_likelihood: int = DEFAULT_MIN_LIKELIHOOD,
    reask_after_days: int = DEFAULT_REASK_AFTER_DAYS,
    now: datetime | None = None,
    land_every: int = 10,
    lookup_sources: Sequence[LookupSource] | None = None,
) -> EnrichmentRunResult:
    """Ask PDL about up to `max_calls` people not asked within `reask_after_days`; land answers.

    Answers land every `land_every` questions and again if the run fails, so a crash or a
    vendor outage loses at most the answers of one unlanded chunk (and billed matches are not
    thrown away on an error).
    """
    if max_calls < 0:
        raise ValueError("max_calls must be >= 0")
    now = (now or datetime.now(UTC)).astimezone(UTC)
    stamp = format_timestamp(now)
    result = EnrichmentRunResult(batch_id=new_batch_id())
    started_at = datetime.now(UTC).replace(tzinfo=None)
    pending, result.considered, result.skipped_recently_asked = pending_lookups(
        con,
        now=now,
        reask_after_days=reask_after_days,
        limit=max_calls,
        lookup_sources=lookup_sources,  # default: landed ATS candidates (LOOKUP_SOURCES)
    )
    matches: list[dict[str, Any]] = []
    misses: list[dict[str, Any]] = []
    billed_before = client.stats.matches_billed
    below_before = client.stats.below_min_likelihood

    def flush() -> None:
        _land(con, PERSON_ENRICHMENTS, result, result.enrichments, matches)
        _land(con, NO_MATCHES, result, result.no_matches, misses)
        matches.clear()
        misses.clear()

    status = "failed"
    try:
        for lookup in pending:
            result.asked += 1
            match = client.enrich_query(lookup.query, min_likelihood=min_likelihood)
            if match is None:
                result.no_match += 1
                misses.append(
                    {
                        "lookup_id": lookup.lookup_id,
                        "query": lookup.query,
                        "asked_at": stamp,
                        "min_likelihood": min_likelihood,
                    }
                )
            else:
                result.matched += 1
                matches.append(
                    {
                        "lookup_id": lookup.lookup_id,
                        "query": lookup.query,
                        "likelihood": match.likelihood,
                        "data": match.data,
                        "enriched_at": stamp,
                        "min_likelihood": min_likelihood,
                    }
                )
            if len(matches) + len(misses) >= land_every:
                flush()
        status = "succeeded"
    finally:
        flush()
        result.matches_billed = client.stats.matches_billed - billed_before
        result.below_min_likelihood = client.stats.below_min_likelihood - below_before
        for entity, counts in (
            (ENRICHMENTS_ENTITY, result.enrichments),
            (NO_MATCHES_ENTITY, result.no_matches),
        ):
            record_batch(
                con,
                batch_id=result.batch_id,
                source=SOURCE,
                entity=entity,
                started_at=started_at,
                status=status,
                counts=counts,
                full_resync=False,
            )
    return result


def _land(
    con: duckdb.DuckDBPyConnection,
    contract: FeedContract,
    result: EnrichmentRunResult,
    counts: BatchCounts,
    records: list[dict[str, Any]],
) -> None:
    ensure_raw_schema(con)
    ensure_landing_table(con, contract.source, contract.entity)
    if not records:
        return
    valid_idx, rejections = validate_records(contract, records)
    quarantined = [
        QuarantinedRecord(
            safe_record_id(contract, records[r.row]), r.field, r.reason, records[r.row]
        )
        for r in rejections
    ]
    for r in rejections:
        result.quarantine_reasons[r.reason] = result.quarantine_reasons.get(r.reason, 0) + 1
    counts.add(
        land_page(
            con,
            source=contract.source,
            entity=contract.entity,
            batch_id=result.batch_id,
            records=[(contract.record_id(records[i]), records[i]) for i in valid_idx],
            quarantined=quarantined,
        )
    )
