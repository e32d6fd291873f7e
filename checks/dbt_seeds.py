"""Read the dbt project's seed CSVs from Python.

A rule that both the SQL and the Python apply (shared mailboxes, the seniority ladder) lives in
one seed under `dbt_project/seeds/`: dbt loads it into the `reference` schema for the models
and for analysts, and Python reads the same file here. Editing the CSV changes both sides.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds"


@cache
def read_seed(name: str) -> tuple[dict[str, str], ...]:
    """The rows of seed `name` (a path under seeds/ without `.csv`, e.g.
    `taxonomy/seniority_levels`), as text keyed by header, in file order."""
    path = SEEDS_DIR / f"{name}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return tuple(dict(row) for row in csv.DictReader(handle))
