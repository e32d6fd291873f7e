"""Data hygiene in plain Python (no Dagster): the nightly summary and the monthly enrichment
of stale contacts. The SQL side is dbt_project/models/marts/hygiene/."""
