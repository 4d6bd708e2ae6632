"""End to end in headless Chromium: an officer uploads an Outlook email on "Log a request",
checks the filled form, logs it, and sees the message as received, its attachment and the
earlier similar request on the request page (`foikit staff` running for real)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import intake_messages as M
import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, free_port, needs_chromium
from test_staff_browser import PASSWORD, ROOT, wait_for

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture
def server(db_path, tmp_path):
    from foikit.casework.lifecycle import add_request
    from foikit.register import Register
    from foikit.register.init import init_register
    from foikit.register.users import add_user

    init_register(db_path, load_facts=True, actor="test.setup")
    with Register(db_path) as reg:
        add_user(reg, "olive", "officer", PASSWORD, actor="test.setup")
        add_request(
            reg, "olive", received="2024-03-04", subject="MARAC referrals in Birmingham",
            questions=["How many MARAC referrals were there in Birmingham?"],
            requester_name="C Requester", requester_email="c@example.org", today="2024-07-01",
        )  # fmt: skip
    port = free_port()
    env = {
        **os.environ,
        "FOIKIT_DB": str(db_path),
        "FOIKIT_RESPONSES": str(tmp_path / "responses"),
        "FOIKIT_TEMPLATES": str(ROOT / "foikit" / "letters" / "templates"),
        "FOIKIT_STAFF_SECRET": "browser-test-secret",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "foikit", "staff", "--port", str(port), "--today", "2024-07-01"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_upload_then_log_in_the_browser(server, tmp_path, db_path):
    playwright_api = pytest.importorskip("playwright.sync_api")
    message = tmp_path / "request.msg"
    message.write_bytes(M.outlook_msg_bytes())
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-GB")
            page.set_default_timeout(15000)
            page.goto(server + "/login")
            page.fill("#name", "olive")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.goto(server + "/requests/new")
            page.set_input_files("#message", str(message))
            page.click("text=Read the email")
            page.wait_for_selector("text=Filled from the email")
            assert page.input_value("#received") == "2024-06-05"
            assert page.input_value("#requester_email") == "priya.shah@example-charity.org.uk"
            assert page.input_value("#questions").splitlines() == [
                "1. The total MARAC referrals in Birmingham for 2018-19.",
                "2. The number of those referrals that were repeat referrals.",
            ]
            page.fill("#subject", "MARAC referrals 2018-19")  # the officer's check
            page.click("text=Log the request")
            page.wait_for_selector("h1:has-text('MARAC referrals 2018-19')")
            body = page.inner_text("main")
            assert "The total MARAC referrals in Birmingham for 2018-19." in body
            assert "1. 1." not in body and "1) 1." not in body
            assert "earlier-letter.pdf" in body
            assert "Similar earlier requests" in body and "FOI-2024-0001" in body
            page.click("text=The request as received (msg)")
            assert "Research Officer" in page.inner_text("#as-received")
            shot = tmp_path / "intake.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    from foikit.register import Register

    with Register(db_path) as reg:
        row = reg.one("SELECT handler, received FROM requests WHERE reference = 'FOI-2024-0002'")
    assert row == {"handler": "olive", "received": "2024-06-05"}
    assert not any(Path(db_path.parent / "attachments" / "intake").glob("*")), "staged copy gone"
