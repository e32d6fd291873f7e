"""Reports rendered from the marts (plain Python, no Dagster): see `talent_report.py`."""
