"""Nurture due-list export (plain Python, no Dagster): segments.touchpoints_due → CSV + Parquet."""
