"""Ingest assets (group `ingest`): one asset per source entity, landing into `raw`.

Each source module exposes `assets`; this list is what the code location loads.
"""

from orchestration.assets.ingest import greenhouse

INGEST_ASSETS = [*greenhouse.assets]
