"""Render dbt macros from Python, for SQL that Python runs itself.

A rule that a dbt model and a Python query both evaluate (the engagement formula, the GDPR
Art. 14 deadline) is written once, as a dbt macro; the backtest's point-in-time pool renders the
same macro here instead of keeping a second copy. dbt is not needed for that: the macros listed
in `MACRO_FILES` are plain Jinja, and the few dbt context functions they use are provided here
with dbt's meaning for this project:

- `adapter.dispatch(name, package)` -> the `duckdb__<name>` macro, else `default__<name>` (the
  point-in-time SQL runs on DuckDB);
- `var(name, default)` -> `vars:` of dbt_project.yml (the pipeline passes no `--vars`);
- `return(value)` -> the value (these macros only return rendered SQL).

Anything else (ref, source, run_query, env_var ...) is undefined and fails loudly: a macro that
needs dbt's graph or a connection cannot be rendered outside dbt.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import jinja2
import yaml

from orchestration.settings import DBT_PROJECT_DIR

# The macro files Python renders (and those they call), relative to dbt_project/macros/.
MACRO_FILES = ("as_of_date.sql", "engagement.sql", "art14.sql")


class _Adapter:
    """`adapter.dispatch` as dbt resolves it for the duckdb adapter."""

    def __init__(self, macros: Mapping[str, Any]) -> None:
        self._macros = macros

    def dispatch(self, name: str, macro_namespace: str | None = None) -> Any:
        for candidate in (f"duckdb__{name}", f"default__{name}"):
            if candidate in self._macros:
                return self._macros[candidate]
        raise LookupError(f"no duckdb implementation of dbt macro {name!r}")


def _project_vars() -> dict[str, Any]:
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return dict(project.get("vars") or {})


@cache
def _macros() -> dict[str, Any]:
    source = "\n".join(
        (DBT_PROJECT_DIR / "macros" / name).read_text(encoding="utf-8") for name in MACRO_FILES
    )
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],
    )
    macros: dict[str, Any] = {}
    project_vars = _project_vars()

    def var(name: str, default: Any = None) -> Any:
        if name in project_vars:
            return project_vars[name]
        if default is None:
            raise KeyError(f"dbt var {name!r} is not set in dbt_project.yml")
        return default

    module = env.from_string(source).make_module(
        {"adapter": _Adapter(macros), "var": var, "return": lambda value: value}
    )
    macros.update(
        (name, getattr(module, name))
        for name in dir(module)
        if isinstance(getattr(module, name), jinja2.runtime.Macro)
    )
    return macros


def render_macro(name: str, *args: Any, **kwargs: Any) -> str:
    """The SQL that `{{ name(*args, **kwargs) }}` renders to in a dbt model."""
    try:
        macro = _macros()[name]
    except KeyError:
        raise LookupError(f"dbt macro {name!r} is not in {', '.join(MACRO_FILES)}") from None
    return str(macro(*args, **kwargs)).strip()
