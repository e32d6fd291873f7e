"""No run can wedge the CRM, shown with real processes: `talent-crm` subprocesses running the
real pipeline on a generated market served by the sample APIs, analysts and lock holders in
processes of their own, `kill -9`.

- An analyst holds a read connection on the published copy through a whole crm_pipeline: the
  run succeeds, the analyst's queries keep answering from the copy it opened, and after
  reconnecting it sees the new data.
- A foreign process holds the pipeline's own file: the step waits, says so at INFO naming the
  holder, then fails with one line naming the holder and the read copy.
- A run killed with SIGKILL during landing, then `talent-crm materialize` at once, killed
  during dbt, then another killed during identity resolution, then one more: each proceeds
  past the dead run before it, no process of a killed run is left, no run is left STARTED,
  and the raw, identity and crm tables hold as many rows as after an uninterrupted run.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingest.sample.apis import SampleApiSettings
from ingest.sample.market import generate_market
from orchestration import settings
from orchestration.processes import process_alive
from tests.sample_pipeline import FAST_APIS, isolate_env, serving_market

pytestmark = pytest.mark.slow

AS_OF = "2026-11-01"
PEPPER = "no-wedge-test-pepper-not-a-secret"
# Greenhouse allowing 1 request per 5 s window: its landing steps take seconds, so a kill
# "during landing" lands inside a sync, with pages landed and more to come.
SLOW_GREENHOUSE = SampleApiSettings(
    lever_rate_per_second=1e6,
    lever_burst=10**6,
    retry_after=1,
    greenhouse_rate_limit=1,
    greenhouse_window_seconds=5.0,
)
# Tables whose row counts must match an uninterrupted run. raw.batches is left out on
# purpose: it records every sync attempt, the killed one included.
COMPARED_SCHEMAS = ("raw", "identity", "crm")
NOT_COMPARED = {"raw.batches"}


# -- helpers ---------------------------------------------------------------------------------


def use_market(env: pytest.MonkeyPatch, data: Path) -> None:
    isolate_env(env, data)
    env.setenv("TALENT_CRM_AS_OF", AS_OF)
    env.setenv("TALENT_CRM_PEPPER", PEPPER)


def without_pdl(env: pytest.MonkeyPatch) -> None:
    """PDL asks a budget of new questions every run, so two runs land more enrichments than
    one: leave it out where runs are counted against each other (it is then skipped)."""
    env.delenv("PDL_API_KEY", raising=False)
    env.delenv("PDL_BASE_URL", raising=False)


class Cli:
    """`python -m orchestration.cli ...` as a child process, output in a file."""

    def __init__(self, args: list[str], log: Path, extra_env: dict[str, str] | None = None):
        self.log = log
        self._out = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "orchestration.cli", *args],
            cwd=settings.PROJECT_ROOT,
            env={**os.environ, **(extra_env or {})},
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait(self, timeout: float = 1800) -> int:
        try:
            return self.process.wait(timeout)
        finally:
            self._out.close()

    def started(self, step: str) -> bool:
        return f'Started execution of step "{step}"' in self.text()

    def finished(self, step: str) -> bool:
        text = self.text()
        return f'Finished execution of step "{step}"' in text or (
            f'Execution of step "{step}" failed' in text
        )


def run_cli(args: list[str], log: Path, extra_env: dict[str, str] | None = None) -> Cli:
    cli = Cli(args, log, extra_env)
    cli.wait()
    return cli


def children() -> dict[int, int]:
    """pid → parent pid of every process (from /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                raw = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(raw[raw.rindex(")") + 2 :].split()[1])
    return parents


def descendants(pid: int) -> set[int]:
    parents = children()
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def has_open(pid: int, path: Path) -> bool:
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(fd) == str(path):
                return True
        except OSError:
            continue
    return False


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def wait_for(condition, what: str, timeout: float = 600, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(every)


def row_counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and table_schema in (select unnest(?)) order by 1",
            [list(COMPARED_SCHEMAS)],
        ).fetchall()
        return {
            name: con.execute(f"select count(*) from {name}").fetchall()[0][0]
            for (name,) in tables
            if name not in NOT_COMPARED
        }
    finally:
        con.close()


def unfinished_runs() -> list[str]:
    """Runs of the instance in DAGSTER_HOME that never recorded an end."""
    from dagster._core.storage.dagster_run import DagsterRunStatus, RunsFilter

    with dg.DagsterInstance.get() as instance:
        records = instance.get_run_records(
            filters=RunsFilter(
                statuses=[
                    DagsterRunStatus.STARTED,
                    DagsterRunStatus.STARTING,
                    DagsterRunStatus.CANCELING,
                ]
            )
        )
        return [r.dagster_run.run_id for r in records]


# -- the market and an uninterrupted run -------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    data: Path  # data dir after one uninterrupted crm_pipeline (database, read copy, instance)
    counts: dict[str, int]


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("no_wedge_market")
    generate_market(root, contacts=300, seed=23, as_of=AS_OF)
    return root


@pytest.fixture(scope="module")
def reference(market: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reference]:
    data = tmp_path_factory.mktemp("no_wedge_reference") / "data"
    with pytest.MonkeyPatch.context() as env:
        use_market(env, data)
        with serving_market(env, market):
            without_pdl(env)
            cli = run_cli(["materialize"], data.parent / "reference.log")
        assert cli.process.returncode == 0, cli.text()[-3000:]
        yield Reference(data, row_counts(data / "talent_crm.duckdb"))


def copy_data(reference: Reference, data: Path) -> None:
    shutil.copytree(reference.data, data)
    # The copied instance keeps the reference's run history: fine, those runs all ended.


# -- an analyst reading all night --------------------------------------------------------------


def _analyst(path: str, stop, reconnect, answers) -> None:
    """A notebook left open on the read copy, querying over and over while the pipeline runs;
    on `reconnect` it closes and opens the file again, queries once more and ends."""
    con = duckdb.connect(path, read_only=True)
    query = (
        "select (select count(*) from crm.contacts), (select max(published_at) from meta), "
        "(select count(*) from crm.contacts where full_name = 'Zed Nightowl')"
    )
    try:
        while not stop.is_set():
            answers.put(("during", con.execute(query).fetchall()[0]))
            time.sleep(0.2)
        reconnect.wait(60)
        con.close()
        con = duckdb.connect(path, read_only=True)
        answers.put(("after", con.execute(query).fetchall()[0]))
    except Exception as exc:  # reported to the test, which fails on it
        answers.put(("error", repr(exc)))
    finally:
        con.close()
        answers.put(("done", None))


def test_an_analyst_holding_the_read_copy_never_blocks_the_nightly_run(
    market: Path, reference: Reference, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    copy_data(reference, data)
    use_market(monkeypatch, data)
    read_copy = data / "talent_crm_read.duckdb"
    ctx = multiprocessing.get_context("spawn")
    stop, reconnect, answers = ctx.Event(), ctx.Event(), ctx.Queue()
    analyst = ctx.Process(target=_analyst, args=(str(read_copy), stop, reconnect, answers))
    analyst.start()
    first = answers.get(timeout=120)
    assert first[0] == "during", first
    # New data for tonight's run: a sourcing export with one new person.
    (data / "landing" / "sourcing" / "sourcing_tonight.csv").write_text(
        "First Name,Last Name,Current Title,Current Company,Public Profile URL,Email,Sourced At\n"
        "Zed,Nightowl,Data Engineer,Acme,,zed.nightowl@example.org,2026-10-30\n"
    )
    with serving_market(monkeypatch, market):
        without_pdl(monkeypatch)
        cli = run_cli(["materialize"], tmp_path / "night.log")
    stop.set()
    reconnect.set()
    seen = []
    while (item := answers.get(timeout=120))[0] != "done":
        seen.append(item)
    analyst.join(60)
    assert cli.process.returncode == 0, cli.text()[-3000:]
    assert "succeeded" in cli.text()
    assert not [s for s in seen if s[0] == "error"], seen
    during = [answer for kind, answer in seen if kind == "during"]
    after = [answer for kind, answer in seen if kind == "after"]
    # It kept answering the whole run, always from the copy it had open: one view.
    assert len(during) >= 5
    assert set(during) == {first[1]}
    contacts_before, published_before, zed_before = first[1]
    assert zed_before == 0
    # After reconnecting: tonight's copy, with tonight's person.
    contacts_after, published_after, zed_after = after[0]
    assert published_after > published_before
    assert zed_after == 1 and contacts_after == contacts_before + 1


# -- a foreign process on the pipeline's own file -----------------------------------------------


def _hold_pipeline_file(path: str, ready, release) -> None:
    con = duckdb.connect(path, read_only=True)  # a notebook pointed at the wrong file
    ready.set()
    release.wait(600)
    con.close()


FAILED_LINE = re.compile(
    r"^FAILED (?P<step>\S+): DatabaseBusy: talent_crm\.duckdb is held by PID (?P<pid>\d+) "
    r"\((?P<program>[^)/]+)\): gave up, (?P<how>[^(]+) \(limit "
    r"TALENT_CRM_LOCK_WAIT_SECONDS=3\); analysts: use (?P<copy>\S+)$",
    re.MULTILINE,
)


@pytest.mark.parametrize(
    ("job", "steps"),
    [
        # a dbt step: the wait happens before dbt starts, not as a dbt traceback
        ("analytics_report", {"dbt_after_identity"}),
        # Python landing steps: the first waits the limit, the others share its deadline
        ("ingest_all", None),
    ],
)
def test_a_foreign_lock_on_the_pipeline_file_is_waited_for_then_fails_in_one_line(
    job: str,
    steps: set[str] | None,
    reference: Reference,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = tmp_path / "data"
    copy_data(reference, data)
    use_market(monkeypatch, data)
    without_pdl(monkeypatch)
    db = data / "talent_crm.duckdb"
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_pipeline_file, args=(str(db), ready, release))
    holder.start()
    try:
        assert ready.wait(60)
        cli = run_cli(
            ["materialize", "--job", job],
            tmp_path / "busy.log",
            {settings.LOCK_WAIT_ENV: "3"},
        )
        # Analysts are not affected meanwhile: the read copy opens and answers.
        con = duckdb.connect(str(data / "talent_crm_read.duckdb"), read_only=True)
        assert con.execute("select count(*) from crm.contacts").fetchall()[0][0] > 0
        con.close()
    finally:
        release.set()
        holder.join(60)
    text = cli.text()
    assert cli.process.returncode == 1
    failures = list(FAILED_LINE.finditer(text))
    assert failures, text[-4000:]
    assert {int(f["pid"]) for f in failures} == {holder.pid}
    assert all(f["program"].startswith("python") for f in failures)
    assert {f["copy"] for f in failures} == {str(data / "talent_crm_read.duckdb")}
    # Every FAILED line of the run is one of these one-liners.
    assert len(failures) == len(re.findall(r"^FAILED ", text, re.MULTILINE))
    # While waiting it said so at INFO, naming the holder.
    assert re.search(rf" - INFO - .* is locked by PID {holder.pid} \(python", text)
    if steps is not None:
        assert {f["step"] for f in failures} == steps
        assert "Running dbt command" not in text  # dbt never started: no dbt traceback
    else:
        assert len(failures) > 1
        # One wait per holder, not one per step.
        assert sum("an earlier step already waited" in f["how"] for f in failures) == (
            len(failures) - 1
        )


# -- kill -9 at any moment ---------------------------------------------------------------------


def running_steps(cli: Cli) -> list[str]:
    """Steps the run's log shows started and not yet finished."""
    text = cli.text()
    started = re.findall(r'Started execution of step "([^"]+)"', text)
    return [step for step in started if not cli.finished(step)]


PHASE_STEPS = {
    "landing": ("raw__greenhouse_candidates", "raw__greenhouse_applications"),
    "dbt": ("dbt_before_identity",),
    "identity": ("identity_resolution",),
}


def kill_during(phase: str, cli: Cli, db: Path) -> set[int]:
    """Wait until the run is inside `phase` (one of its steps running, with the database open
    by whoever writes it, for long enough to be past the start), freeze the run, check it is
    still inside, note its processes, then SIGKILL the run's process. Returns the processes
    the run had (the dbt child)."""
    min_age = {"landing": 1.0, "dbt": 2.0, "identity": 0.0}[phase]
    first_seen: dict[str, float] = {}
    deadline = time.monotonic() + 900
    while True:
        assert time.monotonic() < deadline, f"never inside {phase}"
        assert cli.process.poll() is None, f"the run ended before {phase}: {cli.text()[-2000:]}"
        running = [step for step in running_steps(cli) if step in PHASE_STEPS[phase]]
        writer_ready = False
        if running:
            step = running[0]
            first_seen.setdefault(step, time.monotonic())
            if phase == "dbt":
                writer_ready = any(
                    "dbt" in cmdline(kid) and "build" in cmdline(kid) and has_open(kid, db)
                    for kid in descendants(cli.pid)
                )
            else:
                writer_ready = has_open(cli.pid, db)
        if writer_ready and time.monotonic() - first_seen[step] >= min_age:
            os.kill(cli.pid, signal.SIGSTOP)
            if step in running_steps(cli):  # still inside it, now frozen
                break
            os.kill(cli.pid, signal.SIGCONT)  # it ended meanwhile: wait for the next chance
        time.sleep(0.002 if phase == "identity" else 0.05)
    kids = descendants(cli.pid)
    if phase == "dbt":
        assert any("dbt" in cmdline(kid) for kid in kids)
    os.kill(cli.pid, signal.SIGKILL)
    cli.wait()
    return kids


def test_runs_killed_during_landing_dbt_and_identity_never_block_the_next_one(
    market: Path, reference: Reference, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bad night: the nightly run is killed during landing; the next `talent-crm
    materialize`, started at once, gets past the dead run and is killed during dbt; the next
    gets past that one and is killed during identity; the next finishes. Each kill leaves no
    process behind, each next run proceeds, and the end state is the uninterrupted run's."""
    data = tmp_path / "data"
    use_market(monkeypatch, data)
    db = data / "talent_crm.duckdb"
    dead: list[str] = []  # run ids left STARTED by a kill
    for attempt, phase in enumerate(["landing", "dbt", "identity", None]):
        api = SLOW_GREENHOUSE if phase == "landing" else FAST_APIS
        with serving_market(monkeypatch, market, api):
            without_pdl(monkeypatch)
            cli = Cli(["materialize"], tmp_path / f"run{attempt}_{phase or 'last'}.log")
            if phase is None:
                cli.wait()
            else:
                kids = kill_during(phase, cli, db)
        text = cli.text()
        if dead:  # it proceeded past the run killed before it, freeing its slot
            assert f"run {dead[-1][:8]} (crm_pipeline) was left STARTED" in text, text[:3000]
            assert "its pool slots are freed" in text
        if phase is None:
            assert cli.process.returncode == 0, text[-4000:]
            break
        # No orphan: every process of the killed run ends with it (dbt within a moment).
        orphans = kids
        wait_for(
            lambda orphans=orphans: not [k for k in orphans if process_alive(k)],
            f"{phase}: children gone",
            30,
        )
        left = unfinished_runs()
        assert len(left) == 1, left  # the killed run, STARTED and holding its slot
        dead.append(left[0])
    assert unfinished_runs() == []
    assert row_counts(db) == reference.counts
