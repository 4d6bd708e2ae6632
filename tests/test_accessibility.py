"""Every page a person sees, public and staff, in headless Chromium with axe-core (shipped by
axe-playwright-python): zero WCAG 2.0, 2.1 and 2.2 A and AA violations, at a desktop width and
at 390 px (a phone), with no sideways scroll. And the public search form, typed into as a
reader would: a plural, part of a word, "40(2)" and a lone quote.

Set FOIKIT_SCREENSHOTS=DIR to keep a picture of every page checked."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, free_port, needs_chromium
from test_disclosure import seeded  # noqa: F401  (a fixture)
from test_staff_browser import PASSWORD, staff_server  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser, needs_chromium]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
WIDTHS = {"desktop": 1280, "phone": 390}

# Every kind of public page: (name, path or a step that gets there).
PUBLIC_PAGES = [
    ("home", "/"),
    ("database", "/disclosure"),
    ("all-disclosures", "/disclosure/disclosures"),
    ("search-results", "/disclosure/disclosures?_search=funding"),
    ("no-results", "/disclosure/disclosures?_search=zzzzzz"),
    ("filtered", "/disclosure/disclosures?year=2024"),
    ("paged", "/disclosure/disclosures?_size=1"),
    ("request", "REQUEST"),
    ("new-disclosures", "/disclosure/new_disclosures"),
    ("accessibility-statement", "/accessibility"),
    ("not-found", "/no/such/page"),
    ("search-problem", "/disclosure/disclosures?_search=%22&_searchmode=raw"),
    ("sort-problem", "/disclosure/disclosures?_sort=letter_text"),
]


def axe_check(page, where: str) -> None:
    """axe-core's WCAG A and AA rules find nothing; the page is no wider than the window."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": []}
    )
    violations = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
    ]
    assert violations == [], (where, violations)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, (where, f"{overflow}px of sideways scroll")


def keep(page, name: str) -> None:
    folder = os.environ.get("FOIKIT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def log_server(seeded, register, tmp_path):  # noqa: F811
    """`foikit serve` on a log published from the seeded register, with an s.40(2) answer and
    an s.12 refusal added."""
    from foikit.casework.lifecycle import add_request, answer_question, close_request
    from foikit.publishing.build import publish

    for subject, section, text, outcome in [
        ("Names of officers on the panel", "40(2)", None, "withheld-in-full"),
        ("Every email since 2010", "12", "Ask for one month of emails.", "withheld-in-full"),
    ]:
        ref = add_request(
            register,
            "test.officer",
            received="2024-06-03",
            subject=subject,
            questions=["Please send it all."],
            requester_name="Someone Else",
            requester_email="someone@example.net",
        )
        answer_question(
            register, "test.officer", ref, 1, text=text, exemptions=[(section, "Reasons.", None)]
        )
        close_request(register, "test.officer", ref, responded="2024-06-21", outcome=outcome)
    log = tmp_path / "disclosure.db"
    publish(register, log)
    yield from serve(log)


def serve(log: Path):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "foikit", "serve", str(log), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=1)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    error = proc.stderr.read() if proc.stderr else b""
                    raise RuntimeError(f"foikit serve did not start: {error!r}") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
def test_every_public_page_passes_axe(log_server, browser, width):
    page = browser.new_page(viewport={"width": WIDTHS[width], "height": 900}, locale="en-GB")
    page.goto(log_server + "/disclosure/disclosures")
    requests = {
        t: page.locator(f".log-result__title:has-text('{t}')").get_attribute("href")
        for t in ("Air quality", "Names of officers", "Every email")
    }
    checked = []
    for name, path in PUBLIC_PAGES:
        paths = requests.values() if path == "REQUEST" else [path]
        for one in paths:
            page.goto(log_server + one)
            axe_check(page, f"{name} {one} at {width}")
            keep(page, f"public-{name}-{width}")
        checked.append(name)
        if name == "paged":  # the middle page has both previous and next
            page.click("a[rel=next]")
            assert page.locator("a[rel=prev]").count() == 1
            axe_check(page, f"page 2 at {width}")
    assert len(checked) == len(PUBLIC_PAGES)
    page.close()


# What a reader types in the search box, and the subjects of what it finds.
SEARCHES = [
    ("fundings", ["Funding question from [redacted]"] * 2, "a plural finds the singular"),
    ("fund", ["Funding question from [redacted]"] * 2, "part of a word is a prefix"),
    ("40(2)", ["Names of officers on the panel"], "an exemption as the law writes it"),
    ("section 40", ["Names of officers on the panel"], "an exemption as a reader says it"),
    ("section 12", ["Every email since 2010"], "a refusal ground"),
    ('"', [], "a lone quote: a page saying no results, never an error"),
    ("funding question", ["Funding question from [redacted]"] * 2, "every word must match"),
]


def test_the_search_form_forgives(log_server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 800}, locale="en-GB")
    for typed, expected, why in SEARCHES:
        page.goto(log_server + "/")
        page.fill("#log-search-input", typed)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        titles = page.locator(".log-result__title").all_inner_texts()
        assert titles == expected, (typed, why)
        main = page.inner_text("main")
        assert "fts5" not in main and "Sorry, there is a problem" not in main, (typed, why)
        if not expected:
            assert "No results for" in main, (typed, why)
        assert page.input_value("#log-search-input") == typed, "what was typed is kept"
    page.goto(log_server + "/")
    page.fill("#log-search-input", "40(2)")
    page.click("button[type=submit]")
    page.click(".log-result__title")
    assert "Exempt under s.40(2)" in page.inner_text("main"), "the exemption named on the answer"
    page.goto(log_server + "/disclosure/disclosures?_search=section+12")
    page.click(".log-result__title")
    main = page.inner_text("main")
    assert "Refused under s.12" in main and "The refusal notice" in main, "a ground, its letter"
    page.close()


def staff_pages(page, base: str) -> list[str]:
    """Log in as an administrator (who sees every page) and list the pages to check."""
    page.goto(base + "/")
    refs = sorted(set(re.findall(r"/requests/(FOI-\d{4}-\d{4})", page.content())))
    return [
        "/",
        "/requests/new",
        *(f"/requests/{r}" for r in refs[:2]),
        "/publish",
        "/users",
        "/requests/FOI-1999-0001",
        "/foikit-static/accessibility.html",
    ]


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
def test_every_staff_page_passes_axe(staff_server, browser, db_path, width):  # noqa: F811
    from foikit.register import Register
    from foikit.register.users import add_user

    with Register(db_path) as reg:
        add_user(reg, "ada", "administrator", PASSWORD, actor="test.setup")
    page = browser.new_page(viewport={"width": WIDTHS[width], "height": 900}, locale="en-GB")
    page.goto(staff_server + "/login")
    axe_check(page, f"login at {width}")
    keep(page, f"staff-login-{width}")
    page.fill("#name", "ada")
    page.fill("#password", "wrong password")
    page.click("button:has-text('Log in')")
    axe_check(page, f"failed login at {width}")
    page.fill("#name", "ada")
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_selector("h1")
    paths = staff_pages(page, staff_server)
    for path in paths:
        page.goto(staff_server + path)
        # Every form on the page, not only the open ones.
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        axe_check(page, f"{path} at {width}")
        name = path.strip("/").replace("/", "-") or "board"
        keep(page, f"staff-{name}-{width}")
    assert len(paths) >= 6
    page.close()
