"""The recruiter review page (`talent-crm review serve`) and the CSV round trip
(`talent-crm review import`).

- `queries.py`: what the page reads from the PUBLISHED read copy (never the pipeline's file);
- `recording.py`: the one code path that turns a recruiter's answer into a spooled decision
  file (the page and the CSV import both call it; nothing here writes DuckDB);
- `csv_import.py`: an outreach export with a `decision` column → decisions;
- `pages.py`: server-rendered HTML, every value escaped;
- `app.py`: the Starlette app and the uvicorn server around it.

Plain Python, no Dagster: the decisions reach DuckDB through the asset `raw/review_decisions`.
"""
