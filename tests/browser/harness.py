"""
The browser tests' harness: Debian's headless Chromium driven by Selenium (with Debian's chromedriver), sign-in
through the host's real ``/login/`` form, axe-core injected into each page, and screenshots for ``docs/``.

Shared by the LMS browser tests (``tests/browser``) and the Studio one (``tests/cms/browser``, run with
``--ds=tests.host.cms_settings``); each folder's ``conftest.py`` imports the fixtures from here.

They run only with ``CITIES_NETWORK_BROWSER=1`` (the tier "browser / chromium" of ``scripts/test_tiers.sh``, after
``scripts/install_browser.sh``). Without it a plain ``pytest tests`` does not collect them, and asking for the folder
by path reports them skipped with the reason. Without Chromium, chromedriver, Selenium or axe-core they skip on a
developer's machine and fail under ``CI=true`` (``require_service``).

Nothing here imports Selenium at module level, so the fast tiers never need it.
"""
from __future__ import annotations

import base64
import io
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.core.management import call_command

from tests.conftest import require_service

REPO_ROOT = Path(__file__).resolve().parents[2]
ENABLED = os.environ.get("CITIES_NETWORK_BROWSER") == "1"
SKIP_REASON = ("browser tests (headless Chromium) run only with CITIES_NETWORK_BROWSER=1, after "
               "scripts/install_browser.sh; see the tier 'browser / chromium' in scripts/test_tiers.sh")
AXE_JS = REPO_ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
VIEWPORT = (1280, 800)
MAX_SCREENSHOT_HEIGHT = 4000
WAIT_SECONDS = 15
DEMO_PASSWORD = "demo-password"  # noqa: S105 - the demo's printed password (cities_network_plugin.demo.tenancy)
# WCAG 2.0, 2.1 and 2.2, levels A and AA; only "serious" and "critical" violations fail a test.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}
# The machine has no network but the package registries: keep Chromium from calling home.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--force-device-scale-factor=1", "--hide-scrollbars",
                  f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}"]

# Every violation axe reported (any impact), for the summary at the end of the run.
AXE_FINDINGS: list[tuple[str, dict]] = []


def asked_for(folder: Path, config) -> bool:
    """Whether the run names this folder (or something in it) on the command line."""
    for arg in config.args:
        target = (config.invocation_params.dir / str(arg).split("::", 1)[0]).resolve()
        if target == folder or folder in target.parents:
            return True
    return False


def ignore_unless_enabled(folder: Path, collection_path: Path, config) -> bool | None:
    """``pytest_ignore_collect`` of a browser folder: collected only when enabled or asked for by path."""
    if ENABLED or asked_for(folder, config):
        return None
    return True


def skip_unless_enabled() -> None:
    if not ENABLED:
        pytest.skip(SKIP_REASON)


def _missing() -> list[str]:
    missing = [name for name in ("chromium", "chromedriver") if shutil.which(name) is None]
    try:
        import selenium  # noqa: F401 pylint: disable=import-outside-toplevel,unused-import
    except ImportError:
        missing.append("selenium (Python)")
    if not AXE_JS.is_file():
        missing.append(f"axe-core ({AXE_JS.relative_to(REPO_ROOT)})")
    return missing


# --- Fixtures -------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser(live_server):  # pylint: disable=unused-argument
    """
    One headless Chromium for the run, with a fresh profile; cookies are cleared between tests. It depends on the
    live server so that it quits first: a keep-alive connection closed after the server stopped would touch the
    shared in-memory database from a request thread.
    """
    missing = _missing()
    require_service(not missing, f"the browser tests need {', '.join(missing)}: run scripts/install_browser.sh")
    from selenium import webdriver  # pylint: disable=import-outside-toplevel
    from selenium.webdriver.chrome.service import Service  # pylint: disable=import-outside-toplevel

    profile = tempfile.mkdtemp(prefix="cities-network-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    # Both paths given, so Selenium Manager never runs (it would try to download a driver).
    driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)
    driver.set_page_load_timeout(WAIT_SECONDS * 2)
    driver.set_script_timeout(WAIT_SECONDS * 4)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser, live_server):
    """The browser, signed out, on a live server of the host this run uses (with a transactional database)."""
    skip_unless_enabled()
    browser.get(f"{live_server.url}/login/")
    browser.delete_all_cookies()
    return Page(browser, live_server.url)


@pytest.fixture
def demo_network(live_server):  # pylint: disable=unused-argument
    """
    The demo network, seeded by its own command into the live server's database. The catalogue comes first: a
    transactional test's flush removes what the data migration put there.
    """
    call_command("cities_network_ensure_catalogue", stdout=io.StringIO())
    call_command("cities_network_demo", "--force", stdout=io.StringIO())


# --- The page object ------------------------------------------------------------------------------------------------

class Page:
    """The browser on the live server: navigation, sign-in, form filling, axe checks and screenshots."""

    def __init__(self, driver, base_url: str):
        self.driver = driver
        self.base_url = base_url

    # Navigation
    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    @property
    def path(self) -> str:
        return urlsplit(self.driver.current_url).path

    def wait(self, condition, message: str = ""):
        from selenium.webdriver.support.ui import WebDriverWait  # pylint: disable=import-outside-toplevel

        return WebDriverWait(self.driver, WAIT_SECONDS).until(condition, message)

    def click_and_wait(self, element) -> None:
        """Click a link or submit button and wait for the next page to load."""
        from selenium.webdriver.support import expected_conditions  # pylint: disable=import-outside-toplevel

        old = self.find("html")
        element.click()
        self.wait(expected_conditions.staleness_of(old), "the form did not lead to a new page")
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete")

    def find(self, css: str):
        from selenium.webdriver.common.by import By  # pylint: disable=import-outside-toplevel

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list:
        from selenium.webdriver.common.by import By  # pylint: disable=import-outside-toplevel

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, css: str = "body") -> str:
        return self.find(css).text

    def link(self, text: str):
        from selenium.webdriver.common.by import By  # pylint: disable=import-outside-toplevel

        return self.driver.find_element(By.LINK_TEXT, text)

    # Forms
    def fill(self, css: str, value: str) -> None:
        field = self.find(css)
        field.clear()
        field.send_keys(value)

    def choose(self, css: str, *, value: str | None = None, label: str | None = None) -> None:
        from selenium.webdriver.support.ui import Select  # pylint: disable=import-outside-toplevel

        select = Select(self.find(css))
        if value is not None:
            select.select_by_value(value)
        else:
            select.select_by_visible_text(label)

    # Sign-in
    def log_in(self, username: str, next_path: str, *, check_accessibility: bool = False) -> None:
        """Sign in through the host's real form, as a person does, and land on ``next_path``."""
        self.open(f"/login/?next={quote(next_path)}")
        if check_accessibility:
            self.check_accessibility("login page")
        self.fill("#id_username", username)
        self.fill("#id_password", DEMO_PASSWORD)
        self.click_and_wait(self.find("form button[type=submit]"))
        assert self.path == urlsplit(next_path).path, f"after signing in as {username}: {self.driver.current_url}"

    # Accessibility
    def check_accessibility(self, name: str, context: str | None = None) -> list[dict]:
        """
        Run axe-core on the page (or within ``context``, a CSS selector) for WCAG 2 A and AA, and fail on any
        serious or critical violation with its rule, help and failing elements. Returns every violation.
        """
        if not self.driver.execute_script("return typeof window.axe !== 'undefined'"):
            self.driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
        result = self.driver.execute_async_script("""
            const [context, tags, done] = arguments;
            axe.run(context ? {include: [context]} : document, {runOnly: {type: "tag", values: tags},
                                                               resultTypes: ["violations"]})
              .then(r => done({violations: r.violations.map(v => ({
                  id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                  nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary}))}))}))
              .catch(e => done({error: String(e)}));
        """, context, AXE_TAGS)
        assert "error" not in result, f"axe-core failed on the {name}: {result.get('error')}"
        violations = result["violations"]
        AXE_FINDINGS.extend((name, v) for v in violations)
        failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
        assert not failing, f"accessibility violations on the {name} ({self.driver.current_url}):\n" + "\n".join(
            describe_violation(v) for v in failing)
        return violations

    # Screenshots
    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        """Save ``docs/screenshots/<name>.png`` at 1280 px wide: the whole page, or the 1280×800 viewport."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.driver.execute_script("document.activeElement && document.activeElement.blur()")
        path = SCREENSHOTS / f"{name}.png"
        height = VIEWPORT[1]
        if full_page:
            content = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
            height = min(max(int(content["height"]), VIEWPORT[1]), MAX_SCREENSHOT_HEIGHT)
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": full_page,
            "clip": {"x": 0, "y": 0, "width": VIEWPORT[0], "height": height, "scale": 1}})
        path.write_bytes(base64.b64decode(shot["data"]))
        return path


def describe_violation(violation: dict) -> str:
    targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:10])
    more = f" (and {len(violation['nodes']) - 10} more)" if len(violation["nodes"]) > 10 else ""
    return f"  [{violation['impact']}] {violation['id']}: {violation['help']} — {targets}{more}"


def terminal_summary(terminalreporter) -> None:
    """Every axe finding of the run, failing or not, so that the moderate ones are seen too."""
    if not AXE_FINDINGS:
        return
    terminalreporter.section("axe-core findings (only serious and critical fail)")
    for name, violation in AXE_FINDINGS:
        terminalreporter.write_line(f"{name}:\n{describe_violation(violation)}")
