"""Loopback fake vendor APIs (Greenhouse, Lever, Ashby, Eventbrite, PDL) serving sample feeds.

Stdlib ``http.server`` in threads; each vendor reproduces its paging, auth errors, rate limits
(429 + Retry-After) and injectable faults (5xx, truncated bodies, connection resets) so the
connectors can be tested over real HTTP.
"""

from .base import FAULT_KINDS, STATUS_RESET, SampleApiServer, SampleApiSettings
from .servers import VENDORS, SampleApis, serve_forever, start_sample_apis

__all__ = [
    "FAULT_KINDS",
    "STATUS_RESET",
    "VENDORS",
    "SampleApiServer",
    "SampleApiSettings",
    "SampleApis",
    "serve_forever",
    "start_sample_apis",
]
