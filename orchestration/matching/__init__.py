"""Req matching: req profiles in, ranked and explained consent-safe outreach lists out.

`scoring` = plain polars functions (exclusions, components, reasons, drafts); `store` = reading
the pool from DuckDB and writing `matching.req_matches`; `exports` = the recruiter files;
`backtest` = how well the match ranks real historical hires.
"""
