"""The public log finished: search that forgives, friendly pages for a search or sort that cannot
run, previous and next with a count, the exemption named on each exempt answer, s.12 and s.14
shown as refusal grounds, and a feed built from the configured address, never the Host header."""

from __future__ import annotations

import re

import pytest

from foikit.publishing.build import (
    PublicExemption,
    PublicQuestion,
    PublicRecord,
    build_public_db,
)
from foikit.publishing.public import release_record
from foikit.publishing.search import NOTHING, forgiving_match
from foikit.publishing.serve import make_datasette

S40 = PublicExemption("40(2)", "Personal information")
S12 = PublicExemption("12", "Cost of compliance exceeds the appropriate limit")

RECORDS = [
    PublicRecord("FOI-2024-0001", "foi", "Knives seized in Walsall", "2024-01-02", "2024-01-20",
                 "granted-in-full", True,
                 questions=(PublicQuestion(1, "How many knives were seized?", "answered", "12."),)),
    PublicRecord("FOI-2024-0002", "foi", "Domestic homicide reviews", "2024-02-01", "2024-02-20",
                 "partially-withheld", True, exemptions=(S40,),
                 questions=(PublicQuestion(1, "How many reviews?", "answered", "Four."),
                            PublicQuestion(2, "Who chaired them?", "exempt", None, (S40,)))),
    PublicRecord("FOI-2024-0003", "foi", "Every email since 2010", "2024-03-01", "2024-03-20",
                 "withheld-in-full", True, exemptions=(S12,),
                 questions=(PublicQuestion(1, "All emails.", "exempt", None, (S12,)),),
                 letter_text="Dear Applicant, this letter is our refusal notice under section 17."),
]  # fmt: skip


@pytest.fixture
def ds(tmp_path):
    out = tmp_path / "disclosure.db"
    build_public_db(
        [release_record(r) for r in RECORDS],
        out,
        about={"office": "Test Office", "log_url": "https://log.test/"},
    )
    return make_datasette(out)


async def found(ds, query: str) -> list[str]:
    response = await ds.client.get(
        "/disclosure/disclosures.json", params={"_search": query, "_shape": "objects"}
    )
    assert response.status_code == 200, (query, response.text[:300])
    return sorted(r["reference"] for r in response.json()["rows"])


@pytest.mark.parametrize(
    "query, expected, why",
    [
        ("knife", ["FOI-2024-0001"], "singular finds the plural (knife/knives)"),
        ("knives", ["FOI-2024-0001"], "the plural as written"),
        ("review", ["FOI-2024-0002"], "Porter stemming: review/reviews"),
        ("homic", ["FOI-2024-0002"], "a partial word is a prefix"),
        ("40(2)", ["FOI-2024-0002"], "an exemption as the law writes it"),
        ("s.40(2)", ["FOI-2024-0002"], "with its s."),
        ("section 40", ["FOI-2024-0002"], "as a reader says it"),
        ("s40", ["FOI-2024-0002"], "run together"),
        ("section 12", ["FOI-2024-0003"], "a refusal ground is searchable too"),
        ('"', [], "a lone quote: no results, not an error"),
        ('knives"', ["FOI-2024-0001"], "a stray quote is ignored"),
        ('knives* "seized', ["FOI-2024-0001"], "FTS5 syntax typed is read as words"),
        ("(((", [], "brackets alone"),
        ("walsall knives", ["FOI-2024-0001"], "every word must match"),
        ("walsall homicide", [], "not any word"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 30 else None,
)
async def test_search_forgives(ds, query, expected, why):
    assert await found(ds, query) == expected, why


@pytest.mark.parametrize(
    "text, expected",
    [
        ("homic", '"homic"*'),
        ("40(2)", '"40 2"*'),
        ("knives", '("knives"* OR "knif"*)'),
        ('"', NOTHING),
        (None, NOTHING),
    ],
)
def test_the_query_always_parses(text, expected):
    assert forgiving_match(text) == expected


@pytest.mark.parametrize(
    "path, status, says, why",
    [
        ("/disclosure/disclosures?_search=%22", 200, "No results for", "a lone quote"),
        (
            "/disclosure/disclosures?_search=%22&_searchmode=raw",
            200,
            "No results for",
            "raw FTS5 syntax that fails is a friendly page, not fts5: syntax error",
        ),
        (
            "/disclosure/disclosures?_sort=letter_text",
            400,
            "cannot be sorted that way",
            "a 400 page, not a 500",
        ),
        (
            "/disclosure/disclosures?_sort_desc=exemptions",
            400,
            "cannot be sorted that way",
            "descending too",
        ),
    ],
    ids=["quote", "raw", "sort", "sort-desc"],
)
async def test_a_search_or_sort_that_cannot_run(ds, path, status, says, why):
    response = await ds.client.get(path)
    assert response.status_code == status, why
    assert says in response.text, why
    assert "fts5" not in response.text and "Traceback" not in response.text
    assert 'href="/accessibility"' in response.text, "the footer links the statement"


async def test_previous_and_next_with_a_count(tmp_path):
    records = [
        PublicRecord(f"FOI-2024-{n:04d}", "foi", f"Request {n}", "2024-01-01",
                     f"2024-{1 + n // 28:02d}-{1 + n % 28:02d}", "granted-in-full")
        for n in range(1, 46)
    ]  # fmt: skip
    out = tmp_path / "disclosure.db"
    build_public_db([release_record(r) for r in records], out)
    ds = make_datasette(out)
    path = "/disclosure/disclosures"
    seen: list[str] = []
    pages = []
    while path:
        html = (await ds.client.get(path)).text
        refs = re.findall(r">(FOI-2024-\d{4})<", html)
        seen += refs
        pages.append((path, refs, html))
        found_next = re.search(r'href="([^"]+)" rel="next"', html)
        path = found_next.group(1).replace("&amp;", "&") if found_next else None
    assert len(seen) == 45 and len(set(seen)) == 45, "every request once"
    assert "Showing <strong>1</strong> to <strong>20</strong> of <strong>45</strong>" in pages[0][2]
    assert (
        "Showing <strong>41</strong> to <strong>45</strong> of <strong>45</strong>" in pages[2][2]
    )
    assert "Page 3 of 3" in pages[2][2]
    assert 'rel="prev"' not in pages[0][2], "no previous on the first page"
    for (_, earlier, _), (_, _, html) in zip(pages, pages[1:], strict=False):
        back = re.search(r'href="([^"]+)" rel="prev"', html).group(1).replace("&amp;", "&")
        again = (await ds.client.get(back)).text
        assert re.findall(r">(FOI-2024-\d{4})<", again) == earlier, "previous goes back one page"


async def test_each_exempt_answer_names_its_exemption_and_refusals_are_grounds(ds):
    page = (await ds.client.get("/disclosure/disclosures/FOI-2024-0002")).text
    assert "Exempt under s.40(2) Personal information" in page
    refused = (await ds.client.get("/disclosure/disclosures/FOI-2024-0003")).text
    assert "Refused under s.12 Cost of compliance" in refused
    assert "refusal notice under section 17" in refused, "the letter is shown"
    facets = (await ds.client.get("/disclosure/disclosures.json")).json()["facet_results"]
    exemptions = [r["value"] for r in facets["exemption"]["results"]]
    assert exemptions == ["s.40(2) Personal information"], "s.12 is a refusal ground"


async def test_the_feed_names_its_author_and_ignores_the_host_header(ds):
    response = await ds.client.get(
        "/disclosure/new_disclosures.atom", headers={"host": "evil.example"}
    )
    assert response.status_code == 200
    text = response.text
    assert "evil.example" not in text, "never the Host header"
    assert "<author><name>Test Office</name></author>" in text
    assert "<id>https://log.test/disclosure/new_disclosures.atom</id>" in text
    assert 'href="https://log.test/disclosure/disclosures/FOI-2024-0003"' in text
    assert 'rel="self"' in text and 'xml:lang="en-GB"' in text


async def test_the_accessibility_statement(ds):
    response = await ds.client.get("/accessibility")
    assert response.status_code == 200
    for part in (
        "Accessibility statement for the disclosure log",
        "Feedback and contact information",
        "Enforcement procedure",
        "Compliance status",
        "WCAG 2.2",
        "Preparation of this accessibility statement",
    ):
        assert part in response.text, part
