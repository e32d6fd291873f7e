"""GDPR enforcement in plain Python (no Dagster): keyed hashes of identifiers, the suppression
list, erasure that reaches every copy, access exports and retention purges.

The Dagster assets in `orchestration/defs/hygiene_gdpr/assets.py` and the `talent-crm gdpr ...`
commands are thin wrappers around these functions.
"""
