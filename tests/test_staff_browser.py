"""End to end in headless Chromium: `foikit staff` running for real, driven like an officer.

Log in, log a request, answer it, close it, download the response letter and read it back;
screenshots of the board and the request page are kept (set FOIKIT_SCREENSHOTS=DIR to keep
them outside tmp_path).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, free_port, needs_chromium

from foikit.letters.folders import PACKAGE_TEMPLATES

ROOT = Path(__file__).parent.parent
PASSWORD = "a long enough password"

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]


def wait_for(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"foikit staff exited: {process.stderr.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("foikit staff did not start")


@pytest.fixture
def staff_server(db_path, tmp_path):
    """A register with a few requests already in it, served by `foikit staff` on a free port."""
    from foikit.casework.lifecycle import add_request, clarify
    from foikit.register import Register
    from foikit.register.init import init_register
    from foikit.register.users import add_user

    init_register(db_path, load_facts=True, actor="test.setup")
    with Register(db_path) as reg:
        add_user(reg, "olive", "officer", PASSWORD, actor="test.setup")
        # handlers are accounts once the register has any (issue 17)
        add_user(reg, "oscar", "officer", PASSWORD + " 2", actor="test.setup")
        seeds = [
            ("2021-05-10", "Police and Crime Plan consultation responses", None),
            ("2021-05-24", "Funding for Community Safety Partnerships 2019-20", None),
            ("2021-06-01", "MARAC referrals in Birmingham East", "2021-06-03"),
            ("2021-06-15", "Commissioner's diary for March 2021", None),
        ]
        for received, subject, clarify_on in seeds:
            ref = add_request(
                reg,
                "oscar",
                received=received,
                subject=subject,
                questions=["Please provide the information."],
                requester_name="B Requester",
                requester_email="b@example.org",
                handler="oscar",
                today="2021-06-21",
            )
            if clarify_on:
                clarify(reg, "oscar", ref, sent=clarify_on, today="2021-06-21")
    port = free_port()
    env = {
        **os.environ,
        "FOIKIT_DB": str(db_path),
        "FOIKIT_RESPONSES": str(tmp_path / "responses"),
        "FOIKIT_TEMPLATES": str(PACKAGE_TEMPLATES),
        "FOIKIT_STAFF_SECRET": "browser-test-secret",
    }
    command = [sys.executable, "-m", "foikit", "staff", "--port", str(port), "--today"]
    process = subprocess.Popen(
        [*command, "2021-06-21"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def keep(path: Path) -> None:
    folder = os.environ.get("FOIKIT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / path.name)


def test_an_officer_works_a_request_in_the_browser(staff_server, tmp_path, db_path):
    playwright_api = pytest.importorskip("playwright.sync_api")
    import docx

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(
                viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="en-GB"
            )
            page.set_default_timeout(15000)

            page.goto(staff_server + "/")
            assert page.url.startswith(staff_server + "/login"), "the board needs a login"
            page.fill("#name", "olive")
            page.fill("#password", PASSWORD)
            page.click("button:has-text('Log in')")
            page.wait_for_selector("h1:has-text('Open requests')")

            page.click("a.button:has-text('Log a new request')")
            page.fill("#received", "2021-06-14")
            page.fill("#subject", "Domestic Homicide Reviews by CSP")
            page.fill(
                "#questions",
                "How many CSPs are there in the West Midlands?\nHow many DHRs did each conduct?",
            )
            page.fill("#requester_name", "A Person")
            page.fill("#requester_email", "a.person@example.org")
            page.select_option("#channel", "email")
            page.click("button:has-text('Log the request')")
            page.wait_for_selector("text=Logged FOI-2021-0005")
            reference = "FOI-2021-0005"

            page.click("summary:has-text('Answer question 1')")
            page.fill("#text-1", "There are seven Community Safety Partnerships.")
            page.click("button:has-text('Save answer 1')")
            page.wait_for_selector("text=Question 1 answered")
            page.click("summary:has-text('Answer question 2')")
            page.check("#q2 input[value='not-held']")
            page.click("button:has-text('Save answer 2')")
            page.wait_for_selector("text=Question 2 answered")

            page.goto(staff_server + "/")
            page.wait_for_selector(f"a:has-text('{reference}')")
            board_png = tmp_path / "staff-board.png"
            page.screenshot(path=str(board_png), full_page=True)
            keep(board_png)

            page.click(f"a:has-text('{reference}')")
            page.click("summary:has-text('Close with the response')")
            page.fill("#responded", "2021-06-18")
            page.select_option("#outcome", "granted-in-full")
            page.click("button:has-text('Close the request')")
            page.wait_for_selector("text=Request closed")
            request_png = tmp_path / "staff-request.png"
            page.screenshot(path=str(request_png), full_page=True)
            keep(request_png)

            page.select_option("#letter-kind", "response")
            with page.expect_download() as download_info:
                page.click("button:has-text('Download .docx')")
            download = download_info.value
            letter = tmp_path / download.suggested_filename
            download.save_as(str(letter))
        finally:
            browser.close()

    assert letter.suffix == ".docx" and reference in letter.name
    document = docx.Document(str(letter))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert reference in text
    assert "There are seven Community Safety Partnerships." in text
    assert "A Person" in text
    assert board_png.stat().st_size > 10_000 and request_png.stat().st_size > 10_000

    from foikit.register import Register

    with Register(db_path) as reg:
        row = reg.one("SELECT status, outcome FROM requests WHERE reference = ?", (reference,))
        actors = {
            r["actor"]
            for r in reg.query(
                "SELECT a.actor FROM audit a JOIN requests r ON r.id = a.request_id"
                " WHERE r.reference = ?",
                (reference,),
            )
        }
    assert row == {"status": "closed", "outcome": "granted-in-full"}
    assert actors == {"olive"}, "the audit trail names the officer who logged in"


def test_a_manager_reads_the_weekly_list_in_the_browser(staff_server, tmp_path):
    """Friday's list in the staff interface: each bucket a section, each request in its own."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-GB")
            page.set_default_timeout(15000)
            page.goto(staff_server + "/weekly")
            assert page.url.startswith(staff_server + "/login"), "the list needs a login"
            page.fill("#name", "olive")
            page.fill("#password", PASSWORD)
            page.click("button:has-text('Log in')")
            page.wait_for_selector("h1:has-text('Weekly list')")  # back to the page asked for
            page.click("nav >> text=Open requests")
            page.wait_for_selector("h1:has-text('Open requests')")
            page.click("nav >> text=Weekly list")
            page.wait_for_selector("h1:has-text('Weekly list')")
            headings = page.locator("h2").all_inner_texts()
            overdue = page.locator("section:has(h2#overdue)").inner_text()
            waiting = page.locator("section:has(h2#waiting)").inner_text()
            text = page.locator("main").inner_text()
            weekly_png = tmp_path / "staff-weekly.png"
            page.screenshot(path=str(weekly_png), full_page=True)
            keep(weekly_png)
        finally:
            browser.close()
    assert [h.split(" (")[0] for h in headings] == [
        "Overdue",
        "Due next week",
        "Internal reviews",
        "ICO cases",
        "Waiting for the requester",
        "Commitments from reviews",
    ]
    # Received 10 May 2021: 20 working days end on 8 June, before the server's 21 June.
    assert "FOI-2021-0001" in overdue and "Police and Crime Plan" in overdue
    assert "FOI-2021-0003" in waiting and "clarification asked for on 2021-06-03" in waiting
    assert "FOI-2021-0003" not in overdue, "a stopped clock is waiting, not overdue"
    assert "Monday 28 June to Friday 2 July 2021" in text
