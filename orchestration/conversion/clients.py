"""The ATS write-back client of each system, from the same environment variables as the
read connectors (plus LEVER_PERFORM_AS). A missing credential raises SourceConfigError, which
the engine reports as the reason the batch stopped."""

from __future__ import annotations

from collections.abc import Callable

from ingest import ashby_writeback, greenhouse_writeback, lever_writeback
from ingest.ats_writeback import AtsWriteback
from ingest.http_client import RetryPolicy

FACTORIES: dict[str, Callable[..., AtsWriteback]] = {
    "greenhouse": greenhouse_writeback.make_writeback,
    "lever": lever_writeback.make_writeback,
    "ashby": ashby_writeback.make_writeback,
}


def writeback_for(
    system: str, retry: RetryPolicy | None = None, sleep: Callable[[float], None] | None = None
) -> AtsWriteback:
    return FACTORIES[system](retry=retry, sleep=sleep)
