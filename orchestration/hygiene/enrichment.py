"""Monthly enrichment of stale contacts through the existing PDL client.

Stale contacts (hygiene.stale_contacts, most recently active first, `can_contact` only — an
opted-out person is not someone to spend money on) become PDL look-ups: e-mail and LinkedIn
profile when known, name + company otherwise. The PDL module does the rest as for ATS
look-ups: per-run budget (`max_calls`), rate limiting, `min_likelihood`, remembered misses,
provenance (`lookup_id`, `enriched_at`) in raw.pdl_person_enrichments.

Fresher ATS data is never overwritten: enrichment lands as its own source records, and
crm.contacts takes title/company from ATS records first (seed `source_priority`).
hygiene.job_changes flags where a newer enrichment says the person moved on.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb

from ingest.pdl import query_for_person


def stale_contact_lookups(limit: int):
    """A PDL look-up source over hygiene.stale_contacts (at most `limit` contacts)."""

    def lookups(con: duckdb.DuckDBPyConnection) -> Iterator[dict[str, str]]:
        exists = con.execute(
            "select 1 from information_schema.tables "
            "where table_schema = 'hygiene' and table_name = 'stale_contacts'"
        ).fetchall()
        if not exists:
            return
        rows = con.execute(
            """
            select s.primary_email, c.linkedin_url,
                s.full_name, s.current_company
            from hygiene.stale_contacts s
            inner join crm.contacts c on c.contact_id = s.contact_id
            where s.can_contact
            order by s.last_activity_at desc nulls last, s.contact_id
            limit ?""",
            [limit],
        ).fetchall()
        for email, linkedin, name, company in rows:
            query = query_for_person(
                [email] if email else [], [linkedin] if linkedin else [], name, company
            )
            if query:
                yield query

    return lookups
