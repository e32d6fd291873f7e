"""Ingest assets for drop_folders (placeholder until its connector lands)."""

import dagster as dg

assets: list[dg.AssetsDefinition] = []
