"""A second sample market, written apart from `ingest.sample.market`, for measuring identity.

Its own pools, assumptions and variation rules (see `market.py`); the same on-disk layout.
"""

from .market import generate_independent_market

__all__ = ["generate_independent_market"]
