"""Ingest assets (group `ingest`): one asset per source entity, landing into `raw`.

Each source module exposes `assets`; this list is what the code location loads.
"""

from orchestration.assets.ingest import ashby, drop_folders, eventbrite, greenhouse, lever, pdl

INGEST_ASSETS = [
    *greenhouse.assets,
    *lever.assets,
    *ashby.assets,
    *eventbrite.assets,
    *pdl.assets,
    *drop_folders.assets,
]
