"""Swagger UI in a real browser, with no internet: log in through Authorize, then try it out.

Drives Debian's Chromium (`apt-get install chromium`) through Playwright; never downloads a
browser. Every request that leaves the app's origin is refused and recorded, so the test proves
that /docs needs nothing but the app. It leaves a screenshot in test-artifacts/.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI

from tests.e2e.conftest import live_server
from tests.helpers import PASSWORD, register

pytest.importorskip("playwright", reason="playwright is in the dev extra: pip install -e '.[dev]'")

from playwright.async_api import (
    Browser,
    ConsoleMessage,
    Locator,
    Page,
    Request,
    Route,
    async_playwright,
    expect,
)

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOT = ARTIFACTS / "swagger-ui.png"
FAILURE_SCREENSHOT = ARTIFACTS / "swagger-ui-failure.png"
# As a browser on a closed network must be started: no background calls home, no QUIC.
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
TIMEOUT_MS = 15_000
# The Authorize button's class once logged in ("unlocked" before).
LOCKED = re.compile(r"(^|\s)locked(\s|$)")

pytestmark = pytest.mark.skipif(
    not CHROMIUM.is_file(),
    reason=f"no {CHROMIUM}: install Debian's Chromium (apt-get install chromium) to run it",
)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        # launch() gives the browser a new, empty profile (user-data dir) of its own.
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            await browser.close()


def same_origin(url: str, base_url: str) -> bool:
    here, there = urlsplit(url), urlsplit(base_url)
    return (here.scheme, here.netloc) == (there.scheme, there.netloc)


def find_operation(page: Page, operation_id: str) -> Locator:
    return page.locator(f"[id$='-{operation_id}'].opblock")


async def try_it_out(page: Page, operation_id: str, body: str | None = None) -> Locator:
    """Expand an operation, press "Try it out" (editing the body), "Execute"; its response."""
    operation = find_operation(page, operation_id)
    await operation.locator(".opblock-summary").first.click()
    await operation.get_by_role("button", name="Try it out").click()
    if body is not None:
        await operation.locator("textarea.body-param__text").fill(body)
    await operation.get_by_role("button", name="Execute").click()
    response = operation.locator(".live-responses-table .response").first
    await expect(response).to_be_visible(timeout=TIMEOUT_MS)
    return response


async def log_in(page: Page, username: str) -> None:
    """Authorize: the OAuth2 password flow against /login, from the page's dialog."""
    await page.locator(".auth-wrapper button.authorize").click()
    dialog = page.locator(".dialog-ux .modal-ux")
    # Only what the password flow of /login takes: no client id, secret or where to send them.
    await expect(dialog.locator("#oauth_username")).to_be_visible()
    for field in ("#client_id_password", "#client_secret_password", "#password_type"):
        await expect(dialog.locator(field)).to_be_hidden()
    await dialog.screenshot(path=ARTIFACTS / "swagger-ui-authorize.png")
    await dialog.locator("#oauth_username").fill(username)
    await dialog.locator("#oauth_password").fill(PASSWORD)
    await dialog.locator(".auth-btn-wrapper button.authorize").click()
    await expect(dialog.locator("h6")).to_have_text("Authorized")
    await expect(dialog.locator("button.authorize")).to_have_text("Logout")
    await dialog.locator("button.btn-done").click()
    await expect(dialog).to_be_hidden()
    await expect(page.locator(".auth-wrapper button.authorize")).to_have_class(LOCKED)


async def use_the_docs(page: Page, base_url: str, username: str) -> None:
    await page.goto(f"{base_url}/docs")
    await expect(page.locator(".swagger-ui .info .title")).to_contain_text("spotify-api")
    await log_in(page, username)

    me = await try_it_out(page, "getCurrentUser")
    await expect(me.locator(".response-col_status")).to_have_text("200")
    await expect(me.locator(".response-col_description")).to_contain_text(
        f'"username": "{username}"'
    )

    name = "Made in Swagger UI"
    created = await try_it_out(
        page, "createPlaylist", json.dumps({"name": name, "description": "No internet needed."})
    )
    await expect(created.locator(".response-col_status")).to_have_text("201")
    await expect(created.locator(".response-col_description")).to_contain_text(f'"name": "{name}"')
    # The artifacts: the operation, the request and what the service answered, on one screen;
    # and what GET /me answered.
    await page.set_viewport_size({"width": 1280, "height": 1800})
    await find_operation(page, "createPlaylist").scroll_into_view_if_needed()
    await created.evaluate("element => element.scrollIntoView({block: 'end'})")
    await page.screenshot(path=SCREENSHOT)
    await (
        find_operation(page, "getCurrentUser")
        .locator(".live-responses-table")
        .screenshot(path=ARTIFACTS / "swagger-ui-me.png")
    )

    # persistAuthorization: the login outlives a reload of the page.
    await page.reload()
    await expect(page.locator(".auth-wrapper button.authorize")).to_have_class(LOCKED)


async def test_log_in_and_try_it_out_with_no_internet(app: FastAPI, browser: Browser) -> None:
    username = "swagger_ada"
    elsewhere: list[str] = []
    problems: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)
    SCREENSHOT.unlink(missing_ok=True)
    FAILURE_SCREENSHOT.unlink(missing_ok=True)
    async with live_server(app) as base_url:
        async with httpx.AsyncClient(base_url=base_url, trust_env=False) as client:
            await register(client, username)

        async def only_the_app(route: Route, request: Request) -> None:
            if same_origin(request.url, base_url):
                await route.continue_()
            else:
                elsewhere.append(request.url)
                await route.abort("blockedbyclient")

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                problems.append(f"console: {message.text}")

        context = await browser.new_context(viewport={"width": 1280, "height": 1000})
        try:
            await context.route("**/*", only_the_app)
            page = await context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.on("console", on_console)
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            try:
                await use_the_docs(page, base_url, username)
            except Exception:
                with contextlib.suppress(Exception):  # the failure, not the screenshot's, matters
                    await page.screenshot(path=FAILURE_SCREENSHOT, full_page=True)
                raise
        finally:
            await context.close()

    assert elsewhere == [], f"/docs tried to reach past the app: {elsewhere}"
    assert problems == [], problems
