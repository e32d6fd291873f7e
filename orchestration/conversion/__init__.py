"""Conversion: recruiter-approved matches pushed into the ATS their req lives in (plain
Python, no Dagster). `engine.convert_req` is the entry point; `ledger` is the idempotent push
ledger (`raw.ats_pushes`); `inputs` reads the approved rows, the req, the people and their
eligibility at push time."""
