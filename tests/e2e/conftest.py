"""Browser tests: the real app served by a real WSGI server on loopback, driven by Playwright
with Debian's Chromium (``/usr/bin/chromium``, installed by ``.ci/run``).

The served app is a second instance of the app on the test database (the
``app`` fixture empties its tables before each test), with CSRF protection ON,
as in production, so every form is the real one. Screenshots go to
``test-output/screenshots/<database>/`` (kept by CI as artifacts, not committed).

Without Chromium or Playwright the tests are skipped on a workstation, but
fail under CI (``CI=true``): there the browser is part of the suite.
"""
from __future__ import annotations

import os
import re
import threading
import traceback
from pathlib import Path

import pytest
from flask import got_request_exception, request
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db

CHROMIUM = os.environ.get("ELOKAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
ACTION_TIMEOUT_MS = 15_000      # every click, fill and expectation
NAVIGATION_TIMEOUT_MS = 30_000  # every page load
DOWNLOAD_TIMEOUT_MS = 60_000    # a PDF rendered by WeasyPrint on a slow CI machine
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: end-to-end tests in a real browser (Chromium)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so a fixture can tell that the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def _unavailable(reason: str):
    """Skip on a workstation; under CI the browser tests must run, so fail instead."""
    if IN_CI:
        pytest.fail(f"{reason}: CI=true, the browser tests cannot be skipped", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module, closed before the rest of the suite runs."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium chromium-driver)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                                              timeout=NAVIGATION_TIMEOUT_MS)
        yield chromium
        chromium.close()


class LiveServer:
    """The served app: its base URL, and the exceptions its requests raised (which should be none)."""

    def __init__(self, app, url: str):
        self.app = app
        self.url = url
        self.errors: list[str] = []


@pytest.fixture(scope="module")
def live_server(_app, database_url):
    """The app with CSRF on, served by werkzeug's threaded server on a free loopback port."""
    served = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, UPLOAD_DIR=_app.config["UPLOAD_DIR"],
                        WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    live = LiveServer(served, f"http://127.0.0.1:{server.server_port}")

    def record(_sender, exception, **_extra):
        live.errors.append(f"{request.method} {request.full_path}\n"
                           + "".join(traceback.format_exception(exception)))

    got_request_exception.connect(record, served)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              name="e2e-server", daemon=True)
    thread.start()
    yield live
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    got_request_exception.disconnect(record, served)
    with served.app_context():
        db.engine.dispose()


@pytest.fixture
def server(app, live_server):
    """The live server for one test, on the tables ``app`` just emptied; no request may fail."""
    live_server.errors.clear()
    yield live_server
    assert not live_server.errors, "the server raised:\n" + "\n".join(live_server.errors)


class Browsing:
    """Browser contexts (one per person), their console errors, and numbered step screenshots."""

    def __init__(self, browser, base_url: str, folder: Path):
        self.browser = browser
        self.base_url = base_url
        self.folder = folder
        self.step = 0
        self.contexts = []
        self.console_errors: list[str] = []

    def open(self, phone: bool = False):
        """A fresh page in its own context (own cookies): a desktop, or a phone 390×844."""
        options = {"viewport": PHONE, "is_mobile": True, "has_touch": True} if phone else {"viewport": DESKTOP}
        context = self.browser.new_context(base_url=self.base_url, locale="id-ID", timezone_id="Asia/Jakarta",
                                           accept_downloads=True, **options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.console_errors.append(f"{page.url}: {error}"))
        return page

    def _console(self, page, message) -> None:
        if message.type == "error" and "favicon.ico" not in (message.location or {}).get("url", ""):
            self.console_errors.append(f"{page.url}: {message.text}")

    def shot(self, page, name: str) -> Path:
        """Save a full-page screenshot of this step, numbered in journey order; on a phone the page
        must fit the screen's width (tables may scroll inside their own box)."""
        self.step += 1
        if page.viewport_size == PHONE:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{name}: the page is {width} px wide on a {PHONE['width']} px phone"
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        path = self.folder / f"{self.step:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True, timeout=ACTION_TIMEOUT_MS)
        return path

    def keep_failure(self) -> None:
        """After a failure: a screenshot and the HTML of every person's page as it was."""
        for number, context in enumerate(self.contexts, 1):
            for page in context.pages:
                try:
                    page.screenshot(path=str(self.folder / f"failed-{number:02d}.png"), full_page=True,
                                    timeout=ACTION_TIMEOUT_MS)
                    (self.folder / f"failed-{number:02d}.html").write_text(page.content(), encoding="utf-8")
                except Exception as exc:  # noqa: BLE001  (keep what can be kept)
                    (self.folder / f"failed-{number:02d}.txt").write_text(f"{page.url}: {exc}", encoding="utf-8")

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsing(browser, server, request):
    """Pages for the people of one test; screenshots in test-output/screenshots/<database>/<test>/."""
    dialect = server.app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0].split("+", 1)[0]
    folder = SCREENSHOTS / dialect / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.*"):
        old.unlink()
    session = Browsing(browser, server.url, folder)
    yield session
    report = getattr(request.node, "report_call", None)
    if report is None or report.failed:
        session.keep_failure()
    session.close()
    assert not session.console_errors, f"errors in the browser console: {session.console_errors}"
