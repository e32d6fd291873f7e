"""Ingest assets for eventbrite (placeholder until its connector lands)."""

import dagster as dg

assets: list[dg.AssetsDefinition] = []
