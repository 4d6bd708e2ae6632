"""End to end in headless Chromium (issue 18): an officer adds a PDF to a request on its
staff page with a phrase to redact, sees it listed, previews the redacted copy and removes it
(`foikit staff` running for real)."""

from __future__ import annotations

import os
import subprocess
import sys

import pymupdf
import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, free_port, needs_chromium
from test_staff_browser import PASSWORD, ROOT, wait_for

from foikit.documents.pdf import pdf_text

pytestmark = [pytest.mark.browser, needs_chromium]
NAME = "Jane Quartermaine"


@pytest.fixture
def server(db_path, tmp_path):
    from lifecycle_support import answered_and_closed

    from foikit.register import Register
    from foikit.register.init import init_register
    from foikit.register.users import add_user

    init_register(db_path, load_facts=True, actor="test.setup")
    with Register(db_path) as reg:
        answered_and_closed(reg, requester_name=NAME, requester_email="jq@example.org")
        add_user(reg, "olive", "officer", PASSWORD, actor="test.setup")
    port = free_port()
    env = {
        **os.environ,
        "FOIKIT_DB": str(db_path),
        "FOIKIT_RESPONSES": str(tmp_path / "responses"),
        "FOIKIT_TEMPLATES": str(ROOT / "foikit" / "letters" / "templates"),
        "FOIKIT_STAFF_SECRET": "browser-test-secret",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "foikit", "staff", "--port", str(port), "--today", "2024-07-31"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_add_preview_and_remove_a_document_in_the_browser(server, tmp_path):
    playwright_api = pytest.importorskip("playwright.sync_api")
    source = tmp_path / "figures.pdf"
    doc = pymupdf.open()
    page_ = doc.new_page()
    for i, line in enumerate([f"Prepared for {NAME}", "Operation Bluebell", "Reviews: 17"]):
        page_.insert_text((72, 72 + 20 * i), line)
    doc.save(source)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-GB")
            page.set_default_timeout(20000)
            page.goto(server + "/login")
            page.fill("#name", "olive")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.goto(server + "/requests/FOI-2024-0001")
            page.set_input_files("#document-file", str(source))
            page.fill("#document-title", "DHR figures")
            page.fill("#document-redact", "Operation Bluebell")
            page.click("text=Add the document")
            page.wait_for_selector("text=Added document 1")
            row = page.locator("table.documents tbody tr").first
            assert "DHR figures" in row.inner_text() and "yes" in row.inner_text()
            preview = page.request.get(
                server + "/requests/FOI-2024-0001/documents/1/redacted?inline=1"
            )
            assert preview.ok and preview.headers["content-type"] == "application/pdf"
            text = pdf_text(preview.body())
            assert "Reviews: 17" in text
            assert NAME not in text and "Operation Bluebell" not in text
            with page.expect_download() as download:
                page.click("table.documents a:text-is('Redacted copy')")
            assert download.value.suggested_filename == "FOI-2024-0001-1.pdf"
            page.click("table.documents button:has-text('Remove')")
            page.wait_for_selector("text=Removed document 1")
            assert page.locator("table.documents").count() == 0
        finally:
            browser.close()
