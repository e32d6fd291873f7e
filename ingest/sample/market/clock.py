"""Time for the synthetic market: everything is an integer of epoch seconds before `as_of`.

The wall clock is never read, so output depends only on seed, size and `as_of`. Formatting goes
through `time.gmtime`, which is cheap and has no locale or timezone state.
"""

from __future__ import annotations

import calendar
import random
import time
from datetime import date

DAY = 86_400


class Clock:
    """Converts epoch seconds to each vendor's timestamp spelling, relative to `as_of`."""

    __slots__ = ("as_of", "now")

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        # "Now" is the start of the as_of day; every generated timestamp is strictly earlier.
        self.now = calendar.timegm(as_of.timetuple())

    def past(self, rng: random.Random, lo: int, ts: int) -> int:
        """`ts` if it lies before now; else a random instant in [lo, now) so that events that
        "would have happened after as_of" do not all pile up on the same last second."""
        limit = self.now - 60
        if ts <= limit:
            return ts
        return rng.randint(min(lo, limit), limit)

    @staticmethod
    def iso_ms(ts: int, millis: int = 0) -> str:
        """Greenhouse and Ashby style: 2026-03-01T12:00:00.123Z."""
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{millis:03d}Z"

    @staticmethod
    def iso_s(ts: int) -> str:
        """Eventbrite and CSV style: 2026-03-01T12:00:00Z."""
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))

    @staticmethod
    def epoch_ms(ts: int, millis: int = 0) -> int:
        """Lever style: integer epoch milliseconds."""
        return ts * 1000 + millis

    @staticmethod
    def ymd(ts: int) -> str:
        return time.strftime("%Y-%m-%d", time.gmtime(ts))

    @staticmethod
    def ym(ts: int) -> str:
        """PDL style job_start_date: 2024-03."""
        return time.strftime("%Y-%m", time.gmtime(ts))

    @staticmethod
    def year(ts: int) -> int:
        return time.gmtime(ts).tm_year

    @staticmethod
    def german(ts: int) -> str:
        """German Excel style: 01.03.2026 12:00."""
        return time.strftime("%d.%m.%Y %H:%M", time.gmtime(ts))

    @staticmethod
    def local_naive(ts: int) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts))
