"""Browser fixtures: Debian's headless Chromium driven by selenium, and the Dagster UI
(`dagster dev`: webserver + daemon) on a free loopback port over a copy of the generated
market's database (tests/analytics_market.py).

Chromium comes from Debian packages (`chromium`, `chromium-driver`, installed by `make setup` and
.ci/run); nothing here downloads a browser. Where they are missing, the tests skip and say so.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.analytics_market import MARKET_AS_OF, MARKET_PEPPER, copy_market_into, shared_market

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
UI_START_TIMEOUT_SECONDS = 180


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # One Dagster UI per test session: keep every browser test on the same xdist worker
    # (`--dist loadgroup` in the Makefile).
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.xdist_group("browser"))


def require_chromium() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.skip(
            "browser tests need Debian's chromium and chromium-driver (missing: "
            + ", ".join(missing)
            + "); install them with `apt-get install chromium chromium-driver` or `make setup`"
        )


def free_loopback_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class DagsterUi:
    url: str
    data_dir: Path
    log: Path


def _wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + UI_START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dagster dev exited early; see {log}")
        try:
            with urllib.request.urlopen(f"{url}/server_info", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise RuntimeError(f"Dagster UI not serving after {UI_START_TIMEOUT_SECONDS}s; see {log}")


@pytest.fixture(scope="session")
def dagster_ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DagsterUi]:
    require_chromium()
    root, build = shared_market(tmp_path_factory)
    assert build["success"], "the generated market did not build; see tests/test_analytics_marts"
    home = tmp_path_factory.mktemp("browser_ui")
    data = home / "data"
    db = copy_market_into(root, data)
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_BASE_URL"))}
    env.update(
        TALENT_CRM_DATA_DIR=str(data),
        TALENT_CRM_DB=str(db),
        TALENT_CRM_AS_OF=MARKET_AS_OF,
        TALENT_CRM_PEPPER=MARKET_PEPPER,  # the same key the market's hashes were made with
        DAGSTER_HOME=str(data / "dagster_home"),
        DO_NOT_TRACK="1",
        DAGSTER_DISABLE_TELEMETRY="1",
    )
    from orchestration import settings

    (data / "dagster_home").mkdir(parents=True)
    shutil.copy(settings.DAGSTER_YAML_TEMPLATE, data / "dagster_home" / "dagster.yaml")
    port = free_loopback_port()
    url = f"http://127.0.0.1:{port}"
    log = home / "dagster_dev.log"
    dagster = Path(sys.executable).parent / "dagster"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                str(dagster),
                "dev",
                "-m",
                "orchestration.definitions",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
            ],
            cwd=settings.PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as a whole below
        )
    try:
        _wait_until_serving(url, process, log)
        yield DagsterUi(url=url, data_dir=data, log=log)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # the group we started (daemon, code server)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1600,1000",
        "--hide-scrollbars",
    ):
        options.add_argument(argument)
    # An explicit driver path: selenium never looks for (or downloads) a driver itself.
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
