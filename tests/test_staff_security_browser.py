"""Issue 14's happy path in headless Chromium, against `foikit staff` running for real.

An officer follows a link to a request while logged out, logs in through the form (with its CSRF
token) and lands on that request (`next`); the session cookie is HttpOnly and SameSite=Lax and
invisible to the page's scripts; a letter Preview downloads as a draft and is not counted as sent;
logging out ends the session, so the same cookie put back into a fresh browser opens nothing.
"""

from __future__ import annotations

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, needs_chromium
from test_staff_browser import PASSWORD, staff_server  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser, needs_chromium]


def test_log_in_work_preview_and_log_out(staff_server, db_path):  # noqa: F811
    playwright_api = pytest.importorskip("playwright.sync_api")
    from foikit.register import Register

    with Register(db_path) as reg:
        reference = reg.scalar("SELECT reference FROM requests ORDER BY id LIMIT 1")

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(accept_downloads=True, locale="en-GB")
            page = context.new_page()
            page.set_default_timeout(15000)
            page.goto(f"{staff_server}/requests/{reference}")
            assert "/login?next=" in page.url, "a request page needs a login"
            page.fill("#name", "olive")
            page.fill("#password", PASSWORD)
            page.click("button:has-text('Log in')")
            page.wait_for_url(f"{staff_server}/requests/{reference}")  # back where she was going
            page.wait_for_selector("h2:has-text('Letters')")

            cookie = next(c for c in context.cookies() if c["name"] == "foikit_session")
            assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
            script_sees = page.evaluate("document.cookie")
            assert "foikit_session" not in script_sees, "scripts cannot read it"

            page.select_option("#letter-kind", "acknowledgement")
            with page.expect_download() as download_info:
                page.click("button:has-text('Preview')")
            assert "-draft" in download_info.value.suggested_filename

            page.click("button:has-text('Log out')")
            page.wait_for_selector("h1:has-text('Log in')")

            thief = browser.new_context()
            thief.add_cookies([{**cookie}])
            stolen = thief.new_page()
            stolen.goto(staff_server + "/")
            assert "/login" in stolen.url, "the cookie copied before logout opens nothing"
        finally:
            browser.close()

    with Register(db_path) as reg:
        assert reg.one("SELECT draft FROM letters") == {"draft": 1}, "the preview is a draft"
        ended = reg.scalar("SELECT ended_why FROM sessions WHERE user_name = 'olive'")
        assert ended == "logout"
        actions = {r["action"] for r in reg.query("SELECT action FROM audit WHERE actor = 'olive'")}
        assert {"login", "logout", "read-requester", "letter-draft"} <= actions
