"""The operator's and the analyst's view in a real browser (headless Debian Chromium): the
Dagster asset graph shows every area's group, a job launched from the UI succeeds, and the HTML
report's charts render. Screenshots land in tests/artifacts/ (`make screenshots` copies the
README ones to docs/images/)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from orchestration.reporting.talent_report import CHART_BUILDERS

pytestmark = pytest.mark.slow

# The job an operator launches from the UI in this test (an operator must be able to launch
# the hygiene job from the UI and see it succeed): hygiene + GDPR marts, suppression gate,
# retention purge and the summary, on the test's own copy of the market (a purge there harms
# nothing).
JOB_TO_LAUNCH = "nightly_hygiene"
CODE_LOCATION = "orchestration.definitions"
GROUPS_EXPECTED = (
    "ingest",
    "reference",
    "staging",
    "identity",
    "crm",
    "segments",
    "matching",
    "hygiene",
    "gdpr",
    "published",
    "analytics",
)
# A hang guard, not a speed target: nightly_hygiene rebuilds the hygiene and GDPR marts with dbt,
# ~1.5 min on an idle 2-core machine and ~3 min when other jobs share it.
RUN_TIMEOUT_SECONDS = 600
# One plotly div per chart the report builds.
REPORT_CHARTS = len(CHART_BUILDERS)


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def dismiss_welcome_dialog(driver) -> None:
    """Dagster greets a new browser with a newsletter dialog covering the page."""
    from selenium.webdriver.common.by import By

    for button in driver.find_elements(By.XPATH, "//button[normalize-space()='Skip']"):
        if button.is_displayed():
            button.click()


def click_past_dialogs(driver, element, timeout: float = 30) -> None:
    """Click `element`; when a dialog that opened meanwhile (Dagster's welcome dialog appears
    asynchronously, sometimes after the first check) intercepts the click, close it and retry."""
    from selenium.common.exceptions import ElementClickInterceptedException
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    deadline = time.monotonic() + timeout
    while True:
        dismiss_welcome_dialog(driver)
        try:
            element.click()
            return
        except ElementClickInterceptedException:
            if time.monotonic() > deadline:
                raise
            ActionChains(driver).send_keys(Keys.ESCAPE).perform()
            time.sleep(0.5)


def body_lines(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    return [line.strip() for line in driver.find_element(By.TAG_NAME, "body").text.splitlines()]


def test_asset_graph_renders_every_area_group(dagster_ui, browser, artifacts: Path):
    browser.get(f"{dagster_ui.url}/asset-groups")
    # Each group shows twice once rendered: in the sidebar tree and as a node of the graph.
    wait_for(
        lambda: all(body_lines(browser).count(group) >= 2 for group in GROUPS_EXPECTED),
        60,
        f"groups {GROUPS_EXPECTED} in the asset graph",
    )
    time.sleep(1)
    dismiss_welcome_dialog(browser)
    wait_for(
        lambda: all(body_lines(browser).count(group) >= 2 for group in GROUPS_EXPECTED),
        10,
        "the graph after closing the welcome dialog",
    )
    time.sleep(1)  # let the graph's zoom-to-fit settle before the picture
    browser.save_screenshot(str(artifacts / "asset_graph.png"))


def test_job_launched_from_the_ui_succeeds(dagster_ui, browser, artifacts: Path):
    from selenium.webdriver.common.by import By

    browser.get(f"{dagster_ui.url}/locations/{CODE_LOCATION}/jobs/{JOB_TO_LAUNCH}")
    launch = wait_for(
        lambda: [
            b
            for b in browser.find_elements(
                By.XPATH, "//button[normalize-space()='Materialize all']"
            )
            if b.is_displayed() and b.is_enabled()
        ],
        60,
        f"the Materialize all button of job {JOB_TO_LAUNCH}",
    )
    click_past_dialogs(browser, launch[0])
    # A fresh Dagster instance has no record of the upstream marts: the UI asks to confirm.
    time.sleep(1)
    for button in browser.find_elements(By.XPATH, "//button[normalize-space()='Confirm']"):
        if button.is_displayed():
            click_past_dialogs(browser, button)
    run_link = wait_for(
        lambda: [
            a.get_attribute("href")
            for a in browser.find_elements(By.TAG_NAME, "a")
            if "/runs/" in (a.get_attribute("href") or "")
        ],
        30,
        "the 'Launched run' toast with its link",
    )[0]
    browser.get(run_link)

    def finished() -> str | None:
        title = browser.title
        for status in ("[SUCCESS]", "[FAILURE]", "[CANCELED]"):
            if status in title:
                return status
        return None

    status = wait_for(finished, RUN_TIMEOUT_SECONDS, f"run {run_link} to finish")
    browser.save_screenshot(str(artifacts / "job_run.png"))
    assert status == "[SUCCESS]", f"{JOB_TO_LAUNCH} ended {status}; see {dagster_ui.log}"
    assert JOB_TO_LAUNCH in browser.title


def test_report_charts_render(dagster_ui, browser, artifacts: Path):
    from selenium.webdriver.common.by import By

    reports = sorted((dagster_ui.data_dir / "exports" / "reports").glob("talent_crm_report_*.html"))
    assert reports, "no report in data/exports/reports"
    browser.set_window_size(1400, 2000)
    try:
        browser.get(reports[-1].as_uri())

        def rendered_charts() -> int:
            charts = browser.find_elements(By.CSS_SELECTOR, "div.plotly-graph-div")
            drawn = [c for c in charts if c.find_elements(By.CSS_SELECTOR, "svg.main-svg")]
            return len(drawn) if len(drawn) == REPORT_CHARTS else 0

        assert wait_for(rendered_charts, 30, "every plotly chart to draw its svg") == REPORT_CHARTS
        # Bars/lines were drawn, not just empty axes.
        traces = browser.find_elements(By.CSS_SELECTOR, "div.plotly-graph-div g.trace")
        assert len(traces) >= REPORT_CHARTS
        tiles = browser.find_elements(By.CSS_SELECTOR, ".tile .value")
        assert tiles and all(t.text.strip() for t in tiles)
        # The whole page in one picture (every chart, not just the first screen).
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(1400, int(height) + 120)
        time.sleep(1)
        browser.save_screenshot(str(artifacts / "report.png"))
    finally:
        browser.set_window_size(1600, 1000)
