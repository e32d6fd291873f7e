"""ground_truth.csv: the true person behind every person-bearing source record.

The pipeline never reads this file; it exists to measure deduplication (precision/recall of
the contact clusters). Columns: source,entity,source_record_id,person_id.

Record id conventions (`source,entity,source_record_id`):
- greenhouse,candidates,<candidate id>         greenhouse,applications,<application id>
- lever,opportunities,<opportunity uuid>       ashby,candidates,<candidate uuid>
- eventbrite,attendees,<attendee id>           pdl,enrichment,<response.data.id>
- events,signups,<file name>:<row>             sourcing,profiles,<file name>:<row>
- outreach,events,<file name>:<row>            hris,employees,<file name>:<row>
CSV rows are 1-based data rows (the header line is not counted); file names are bare names
inside their drop/<feed>/ folder.

Reference entities that describe no person (greenhouse jobs, lever postings and
archive_reasons, ashby jobs, eventbrite events) are not listed.

Eventbrite multi-ticket orders: every attendee row of the order carries the buyer's profile,
but each row is mapped to the person who actually holds that ticket (not the buyer).
"""

from __future__ import annotations

import csv
from pathlib import Path

_BUFFER = 1 << 20


class GroundTruth:
    """ground_truth.csv: source,entity,source_record_id,person_id for every person record."""

    __slots__ = ("path", "count", "_file", "_write")

    HEADER = "source,entity,source_record_id,person_id\n"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._file = open(path, "w", encoding="utf-8", newline="\n", buffering=_BUFFER)  # noqa: SIM115
        self._write = self._file.write
        self._write(self.HEADER)

    def add(self, source: str, entity: str, record_id: object, person_id: str) -> None:
        # Record ids never contain commas or quotes (vendor ids, "<file>:<row>"), so no quoting.
        self._write(f"{source},{entity},{record_id},{person_id}\n")
        self.count += 1

    def close(self) -> None:
        self._file.close()


def read_ground_truth(path: Path) -> list[tuple[str, str, str, str]]:
    """All rows as (source, entity, source_record_id, person_id); for tests and dedup scoring."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        return [(r[0], r[1], r[2], r[3]) for r in reader]
