"""Identity resolution engine: plain Python + polars (no Dagster, no dbt).

Entry points: `engine.resolve_identities`, `stable_ids.assign_contact_ids`,
`stable_ids.resolve_contact_id`, `quality.pairwise_quality`.
"""
