"""Deterministic synthetic talent market: vendor-format feeds plus ground truth.

`generate_market(out_dir, contacts, seed, as_of)` writes the layout documented in
docs/sample_feeds.md. Same arguments, byte-identical files.
"""

from .market import DEFAULT_AS_OF, GENERATOR_VERSION, generate_market

__all__ = ["DEFAULT_AS_OF", "GENERATOR_VERSION", "generate_market"]
