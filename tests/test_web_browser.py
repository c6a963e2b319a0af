"""The review page in a real browser: headless Chromium (the system's own,
/usr/bin/chromium) driven by Playwright, against the server running
in-process on a free loopback port.

In CI (CI=true) a missing browser fails these tests; elsewhere they are
skipped with the reason.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backlogdesk.store.database import Store
from backlogdesk.web.app import WebConfig, create_app
from test_web import (
    PASSWORDS,
    PROMISE_TIME,
    XSS_NAME,
    build_review_store,
    review_users,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A report rebuild after each recorded action takes a few seconds.
WAIT_MS = 60_000


def _browser_missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the browser tests: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """The system Chromium, launched headless once for this module."""
    if not CHROMIUM.exists():
        _browser_missing(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _browser_missing("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The review server on 127.0.0.1 and a free port; yields its base URL."""
    import uvicorn

    store = Store(build_review_store(tmp_path_factory.mktemp("browser-store")))
    config = WebConfig(store=store, users=review_users(), clock=lambda: PROMISE_TIME)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = uvicorn.Server(
        uvicorn.Config(
            create_app(config), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=30)
    store.close()


def signed_in_page(chromium: Any, server: str, name: str, **context: Any) -> Any:
    """A page in a fresh browser context, signed in as ``name``."""
    page = chromium.new_context(**context).new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{server}/login?next=/review")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORDS[name])
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"{server}/review")
    return page


def line_row(page: Any, section: str, line_key: str) -> Any:
    """The table row of a line in one triage section."""
    return page.locator(f'#{section} tr.line-row[data-line-key="{line_key}"]')


def fill_action(row: Any, owner: str, next_update: str, decision: str) -> None:
    """Open the row's form, fill it in and save."""
    row.locator("summary").click()
    row.locator("input[name=owner]").fill(owner)
    row.locator("input[name=next_update]").fill(next_update)
    row.locator("select[name=decision]").select_option(decision)
    row.locator("button[type=submit]").click()


def test_assigned_owner_and_date_persist_after_reload(chromium, server):
    page = signed_in_page(chromium, server, "anna")
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    row = line_row(page, "blocked", "1001/10")
    assert "unassigned" in row.inner_text()

    fill_action(row, "Dana Whitfield", "2026-12-11", "unblock")
    page.locator("#flash", has_text="Saved 1001/10").wait_for()
    page.reload()

    row = line_row(page, "blocked", "1001/10")
    text = row.inner_text()
    assert "Dana Whitfield" in text
    assert "2026-12-11" in text
    assert "unblock" in text
    assert "unassigned" not in text
    assert "unassigned" not in (row.get_attribute("class") or "")
    assert problems == []  # no script error, no blocked resource


def test_the_plain_form_post_works_without_javascript(chromium, server):
    page = signed_in_page(chromium, server, "anna", java_script_enabled=False)
    row = line_row(page, "pending", "1004/10")

    fill_action(row, "Oliver Pembroke", "2026-12-09", "confirm")
    page.wait_for_url(f"{server}/review#pending")

    text = line_row(page, "pending", "1004/10").inner_text()
    assert "Oliver Pembroke" in text and "2026-12-09" in text


def test_second_browser_editing_the_same_line_sees_the_conflict(chromium, server):
    anna = signed_in_page(chromium, server, "anna")
    bob = signed_in_page(chromium, server, "bob")

    fill_action(line_row(anna, "blocked", "1002/10"), "Dana", "2026-12-10", "unblock")
    anna.locator("#flash", has_text="Saved 1002/10").wait_for()
    bob_row = line_row(bob, "blocked", "1002/10")
    fill_action(bob_row, "Erik", "2026-12-18", "reschedule")

    conflict = bob.locator("#blocked .conflict")
    conflict.wait_for()
    assert "someone else recorded this line first" in conflict.inner_text()
    assert "Dana" in conflict.inner_text()
    assert "anna" in conflict.inner_text()
    bob_row = line_row(bob, "blocked", "1002/10")
    assert bob_row.locator("input[name=owner]").input_value() == "Erik"
    history = bob.request.get(f"{server}/line/1002/10.json").json()["history"]
    assert [(entry["version"], entry["owner"]) for entry in history] == [(1, "Dana")]


def test_a_script_in_a_customer_name_shows_as_text(chromium, server):
    page = chromium.new_context().new_page()
    page.set_default_timeout(WAIT_MS)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    for path in ("/review", "/line/1002/10"):
        page.goto(f"{server}{path}")
        assert page.get_by_text(XSS_NAME).first.is_visible()

    assert dialogs == []
