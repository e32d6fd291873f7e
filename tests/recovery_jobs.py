"""A tiny code location for the crash-recovery tests: one job whose only step takes a slot of
the `duckdb_write` pool and holds it until told to stop (or killed). `python -m
tests.recovery_jobs <marker> <release>` runs it in-process on the instance in DAGSTER_HOME, as
`talent-crm materialize` runs its jobs (tagged with this host); a third argument `untagged`
runs it as `dagster job execute` would, without the tag."""

import sys
import time
from pathlib import Path

import dagster as dg

from orchestration import settings


class HoldConfig(dg.Config):
    marker: str  # written once the step holds its slot
    release: str  # the step ends when this file appears


@dg.op(pool=settings.DUCKDB_WRITE_POOL)
def hold_the_slot(config: HoldConfig) -> None:
    Path(config.marker).write_text("holding")
    deadline = time.monotonic() + 600
    while not Path(config.release).exists() and time.monotonic() < deadline:
        time.sleep(0.1)


@dg.job
def hold_slot() -> None:
    hold_the_slot()


defs = dg.Definitions(jobs=[hold_slot])


def run(marker: str, release: str, tagged: bool = True) -> bool:
    from orchestration.recovery import run_tags

    with dg.DagsterInstance.get() as instance:
        result = hold_slot.execute_in_process(
            instance=instance,
            run_config={
                "ops": {"hold_the_slot": {"config": {"marker": marker, "release": release}}}
            },
            tags=run_tags() if tagged else None,
            raise_on_error=False,
        )
    return result.success


if __name__ == "__main__":
    sys.exit(0 if run(sys.argv[1], sys.argv[2], tagged=sys.argv[3:] != ["untagged"]) else 1)
