"""Test fixtures shared by every app: a real SMTP server, a real browser, data factories."""

import os

import pytest

from parvis.testing.browser import CHROMIUM_ARGS, browser_unavailable_reason, find_chromium
from parvis.testing.smtp import SMTPServer

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by tests around it
# are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def smtp_server():
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def mailbox(smtp_server, settings):
    """Every test sends its emails through a real SMTP server; `mailbox.messages` lists them."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    smtp_server.clear()
    yield smtp_server
    smtp_server.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests hash many passwords. The accounts tests check argon2 itself."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    """Background tasks run in-process unless a test asks for the database backend."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


_browser_skip_reason = browser_unavailable_reason()


def pytest_collection_modifyitems(config, items):
    if not _browser_skip_reason:
        return
    if os.environ.get("PARVIS_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"PARVIS_REQUIRE_BROWSER=1 mais {_browser_skip_reason}")
    marker = pytest.mark.skip(reason=_browser_skip_reason)
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(marker)


def pytest_report_header(config):
    if _browser_skip_reason:
        return f"Parvis: {_browser_skip_reason}"
    return f"Parvis: tests navigateur avec {find_chromium()}"


def pytest_terminal_summary(terminalreporter):
    if _browser_skip_reason:
        terminalreporter.write_line(f"ATTENTION : {_browser_skip_reason}", yellow=True, bold=True)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _forget_process_caches():
    """Process-level caches (the commune shown on every page, the lists of free times) must not outlive a test's
    rolled-back data."""
    from parvis.appointments.memory import forget_all
    from parvis.organisation.models import Commune

    Commune.forget_current()
    forget_all()
    yield
    Commune.forget_current()
    forget_all()
