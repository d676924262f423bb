"""Playwright on Debian's chromium against pytest-django's live server."""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around
# it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path():
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Debian's chromium is not installed: run ./test, or apt-get install chromium")
    return path


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# What chromium prints in the console when the Content-Security-Policy blocks something.
CSP_MARKERS = ("Content Security Policy", "Content-Security-Policy")


def watched_page(context):
    """A new page of context; the CSP violations chromium reports in the console of any page of
    the context are collected in page.csp_violations."""
    violations = []
    context.on(  # the context's console: popups (the image picker) are watched too
        "console",
        lambda message: (
            any(marker in message.text for marker in CSP_MARKERS)
            and violations.append(f"{message.page.url if message.page else '?'}: {message.text}")
        ),
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.csp_violations = violations
    return page


def close_checked(page, context):
    """Close the context, then fail the test if the policy blocked anything on its pages."""
    violations = list(page.csp_violations)
    context.close()
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def page(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = watched_page(context)
    yield page
    close_checked(page, context)


@pytest.fixture
def phone_page(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, base_url=live_server.url
    )
    page = watched_page(context)
    yield page
    close_checked(page, context)


def screenshot(page, name):
    """Save a full-page PNG under tests/browser/screenshots/ (git-ignored) for people to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, username, password="pw-123-secret"):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


@pytest.fixture(autouse=True)
def task_queue():
    """The real Postgres-backed queue: the in-memory one cannot run beside Playwright's loop."""
    from procrastinate.contrib.django import app

    return app
