"""End to end in headless Chromium: load the log, search, open a request, and find no requester
data on any page. Skipped when /usr/bin/chromium is missing (CI installs Debian's package)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, free_port, needs_chromium
from test_disclosure import PERSONAL, seeded  # noqa: F401  (seeded is a fixture)

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]


@pytest.fixture
def server(seeded, register, tmp_path):  # noqa: F811
    """`foikit serve` on a log published from the seeded register, in a subprocess."""
    from foikit.publishing.build import publish

    log = tmp_path / "disclosure.db"
    publish(register, log)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "foikit", "serve", str(log), "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"foikit serve did not start: {proc.stderr.read()!r}") from None
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def assert_no_personal_data(text: str, where: str) -> None:
    lowered = text.lower()
    for item in PERSONAL:
        assert item.lower() not in lowered, (where, item)


def test_search_and_open_a_request_in_chromium(server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(server + "/")
        assert "Freedom of Information disclosure log" in page.inner_text("h1")
        assert_no_personal_data(page.content(), "home")
        page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

        page.fill("#log-search-input", "funding")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert "funding" in page.inner_text("h1")
        results = page.locator(".log-result__title")
        assert results.count() == 2, "both requests about funding"
        assert_no_personal_data(page.content(), "search results")
        page.screenshot(path=str(tmp_path / "search.png"), full_page=True)

        results.first.click()
        page.wait_for_load_state()
        assert "Questions and answers" in page.content()
        assert "[redacted]" in page.content(), "the requester's details were taken out"
        assert_no_personal_data(page.content(), "request page")
        page.screenshot(path=str(tmp_path / "request.png"), full_page=True)

        page.goto(server + "/disclosure/disclosures")
        for facet in ("year", "outcome"):
            assert page.locator(f".log-facet[data-facet={facet}]").count() == 1, facet
        assert_no_personal_data(page.content(), "all disclosures")
        page.screenshot(path=str(tmp_path / "all.png"), full_page=True)
        browser.close()
    shots = os.environ.get("FOIKIT_SCREENSHOTS")
    if shots:  # keep the pictures for a person to look at
        for png in tmp_path.glob("*.png"):
            Path(shots, png.name).write_bytes(png.read_bytes())
