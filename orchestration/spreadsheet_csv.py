"""The one CSV writer for files a person opens (outreach lists, touchpoint due-lists).

Why: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets. Names, titles and companies come from sourcing exports
and sign-up forms anyone can fill in, so `=HYPERLINK("http://…"&B2,"Open profile")` typed as a
name would run in the recruiter's spreadsheet (OWASP "CSV injection"). Such a cell is written
with a leading `'`, which spreadsheets show as text and do not evaluate. Only text cells are
escaped (a negative score stays a number); Parquet files and the database keep raw values.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = r"^[=+\-@\t\r]"


def escape_formula(value: str | None) -> str | None:
    """One cell as a spreadsheet will read it safely (the rule the frame writer applies)."""
    if value is not None and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape_formula(value: str | None) -> str | None:
    """A cell read back from a file this module wrote: the protective `'` removed again (only
    where `escape_formula` would have added it, so a name that starts with `'` stays)."""
    if value is not None and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def escape_formula_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with every text cell that a spreadsheet would evaluate prefixed by `'`."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(_FORMULA_START))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text
    )


def write_spreadsheet_csv(frame: pl.DataFrame, path: Path) -> None:
    """Write `frame` as CSV for people: formula cells escaped, lists joined with "; ",
    atomically (a reader never sees half a file)."""
    lists = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.List)]
    frame = frame.with_columns(
        pl.col(name).cast(pl.List(pl.String)).list.join("; ") for name in lists
    )
    tmp = path.with_name(f".{path.name}.tmp")
    escape_formula_cells(frame).write_csv(tmp)
    tmp.replace(path)
