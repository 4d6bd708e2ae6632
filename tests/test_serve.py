"""The public log through Datasette's own test client: what is shown, and what is refused."""

from __future__ import annotations

import pytest
from test_disclosure import PERSONAL, record, seeded  # noqa: F401  (seeded is a fixture)

from foikit.publishing.build import PublicExemption, PublicQuestion, build_public_db, publish
from foikit.publishing.serve import NotADisclosureLog, make_datasette

RECORDS = [
    record("FOI-2023-0001", subject="Domestic Homicide Reviews", responded="2023-02-01",
           exemptions=(PublicExemption("40(2)", "Personal information"),)),
    record("FOI-2024-0001", subject="MARAC referrals in Dudley", responded="2024-04-01",
           outcome="granted-in-full", exemptions=()),
    record("FOI-2024-0002", subject="Contracts for victim services", responded="2024-05-01",
           exemptions=(PublicExemption("43(2)", "Commercial interests"),
                       PublicExemption("40(2)", "Personal information"))),
    record("EIR-2024-0001", regime="eir", subject="Air quality at Lloyd House",
           responded="2024-06-01", outcome="not-held", exemptions=(),
           questions=(PublicQuestion(1, "What was measured?", "not-held", None),)),
]  # fmt: skip


@pytest.fixture
def log(tmp_path):
    out = tmp_path / "disclosure.db"
    build_public_db(RECORDS, out, about={"office": "Test Office", "log_url": "https://log.test"})
    return out


@pytest.fixture
def ds(log):
    return make_datasette(log)


async def get_json(ds, path):
    response = await ds.client.get(path)
    assert response.status_code == 200, (path, response.text[:300])
    return response.json()


@pytest.mark.parametrize(
    "path, status, reason",
    [
        ("/disclosure?sql=select+*+from+disclosures", 403, "arbitrary SQL is refused"),
        ("/disclosure.json?sql=select+1", 403, "arbitrary SQL through JSON too"),
        ("/disclosure/disclosures?_where=1%3D1", 403, "_where is SQL by another door"),
        ("/disclosure.db", 403, "the database download is refused"),
        ("/disclosure/disclosures.csv?_stream=on", 400, "streaming every row as CSV is off"),
        ("/disclosure/disclosures?_facet=letter_text", 400, "ad-hoc facets over every row are off"),
        ("/-/databases.json", 404, "would show the file's path on the server"),
        ("/-/versions.json", 404, "server software versions"),
        ("/-/plugins.json", 404, "installed plugins"),
        ("/-/threads.json", 404, "server threads"),
        ("/-/actor.json", 404, "no accounts on the public log"),
        ("/_internal", 403, "Datasette's internal database"),
        ("/disclosure/publication", 404, "a table behind the pages, not a page for the public"),
        ("/disclosure/facet_counts.json", 404, "the counts behind the facets"),
        ("/disclosure/disclosure_exemptions", 404, "the table behind the exemption facet"),
        ("/disclosure/questions", 404, "raw Datasette table: each request's page shows them"),
        ("/-/metadata", 404, "Datasette's settings as a page (the JSON stays)"),
        ("/disclosure/disclosures_fts_data.json", 403, "the search index's blobs"),
        ("/disclosure/disclosures_fts.json", 403, "the search index itself"),
        ("/disclosure/sqlite_stat1.json", 403, "the query planner's statistics"),
    ],
)
async def test_what_is_refused(ds, path, status, reason):
    response = await ds.client.get(path)
    assert response.status_code == status, reason


@pytest.mark.parametrize(
    "path, absent",
    [
        ("/-/metadata.json", ["requesters", "register.db", "handler"]),
        ("/-/settings.json", ["register"]),
    ],
)
async def test_what_is_shown_is_harmless(ds, log, path, absent):
    text = (await ds.client.get(path)).text
    assert str(log.parent) not in text, "no path on the server"
    for word in absent:
        assert word not in text


async def test_settings_turn_off_sql_and_download(ds):
    settings = await get_json(ds, "/-/settings.json")
    assert settings["default_allow_sql"] is False
    assert settings["allow_download"] is False
    assert settings["allow_csv_stream"] is False
    metadata = await get_json(ds, "/-/metadata.json")
    assert metadata["allow_sql"] is False
    assert metadata["license"] == "Open Government Licence v3.0"
    assert metadata["license_url"].startswith("https://www.nationalarchives.gov.uk/")
    assert metadata["source"] == "Test Office", "the office's name comes from the file"


@pytest.mark.parametrize(
    "query, expected, reason",
    [
        ("homicide", ["FOI-2023-0001"], "a word of a subject"),
        ("MARAC", ["FOI-2024-0001"], "an acronym in a subject"),
        ("measured", ["EIR-2024-0001"], "a word of a question"),
        ("victim services", ["FOI-2024-0002"], "two words"),
        ('"select', [], "search text is escaped, never FTS syntax"),
    ],
)
async def test_search_finds_a_request(ds, query, expected, reason):
    data = await get_json(ds, f"/disclosure/disclosures.json?_shape=objects&_search={query}")
    assert [r["reference"] for r in data["rows"]] == expected, reason


async def test_newest_first(ds):
    data = await get_json(ds, "/disclosure/disclosures.json?_shape=objects")
    assert [r["responded"] for r in data["rows"]] == [
        "2024-06-01",
        "2024-05-01",
        "2024-04-01",
        "2023-02-01",
    ]


async def test_facets_year_outcome_exemption(ds):
    data = await get_json(ds, "/disclosure/disclosures.json")
    facets = data["facet_results"]
    counts = {
        name: {r["value"]: r["count"] for r in facets[name]["results"]}
        for name in ("year", "outcome", "exemption")
    }
    assert counts["year"] == {2024: 3, 2023: 1}
    assert counts["outcome"] == {
        "Partially withheld": 2,
        "Granted in full": 1,
        "Information not held": 1,
    }
    assert counts["exemption"] == {
        "s.40(2) Personal information": 2,
        "s.43(2) Commercial interests": 1,
    }


@pytest.mark.parametrize(
    "query, expected, in_memory, reason",
    [
        (
            "_search=Contracts+OR+homicide&_searchmode=raw",
            {
                "year": {2024: 1, 2023: 1},
                "outcome": {"Partially withheld": 2},
                "exemption": {"s.40(2) Personal information": 2, "s.43(2) Commercial interests": 1},
            },
            True,
            "a search alone: counted in memory from the matching seqs",
        ),
        (
            "_search=commissioned",
            {
                "year": {2024: 2, 2023: 1},
                "outcome": {"Partially withheld": 2, "Granted in full": 1},
                "exemption": {"s.40(2) Personal information": 2, "s.43(2) Commercial interests": 1},
            },
            True,
            "escaped search (the default)",
        ),
        (
            "_search=commissioned&year=2024",
            {
                "year": {2024: 2},
                "outcome": {"Partially withheld": 1, "Granted in full": 1},
                "exemption": {"s.40(2) Personal information": 1, "s.43(2) Commercial interests": 1},
            },
            False,
            "a search and a filter: counted in SQL",
        ),
    ],
)
async def test_facets_of_a_search(ds, query, expected, in_memory, reason):
    data = await get_json(ds, f"/disclosure/disclosures.json?{query}")
    counts = {
        name: {r["value"]: r["count"] for r in facet["results"]}
        for name, facet in data["facet_results"].items()
    }
    assert counts == expected, reason
    assert data["filtered_table_rows_count"] == sum(expected["year"].values())
    ways = {facet["counted"] for facet in data["facet_results"].values()}
    assert ways == {"search" if in_memory else "sql"}, "which way the facets were counted"


async def test_the_exemption_facet_filters_and_counts_within_a_filter(ds):
    data = await get_json(
        ds,
        "/disclosure/disclosures.json?_shape=objects&year=2024"
        "&_exemption=s.40(2)+Personal+information",
    )
    assert [r["reference"] for r in data["rows"]] == ["FOI-2024-0002"]
    page = await get_json(ds, "/disclosure/disclosures.json?year=2024")
    exemption = {r["value"]: r["count"] for r in page["facet_results"]["exemption"]["results"]}
    assert exemption == {"s.43(2) Commercial interests": 1, "s.40(2) Personal information": 1}


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/", ["Freedom of Information disclosure log", "Open Government Licence v3.0"]),
        ("/disclosure/disclosures", ["All disclosures", "Year of response", "Exemption applied"]),
        ("/disclosure/disclosures?_search=homicide", ["Domestic Homicide Reviews"]),
        (
            "/disclosure/disclosures/FOI-2023-0001",
            ["How many DHRs were commissioned?", "Four.", "1 February 2023", "1 March 2024"],
        ),
        ("/disclosure/new_disclosures", ["Atom feed", "Air quality at Lloyd House"]),
    ],
)
async def test_pages_read_like_a_public_service(ds, path, expected):
    response = await ds.client.get(path)
    assert response.status_code == 200
    for text in expected:
        assert text in response.text, text
    assert "Powered by" not in response.text, "our footer, not Datasette's"


async def test_the_atom_feed_lists_new_disclosures(ds):
    response = await ds.client.get("/disclosure/new_disclosures.atom")
    assert response.status_code == 200
    assert "xml" in response.headers["content-type"]
    assert "<title>New disclosures: Test Office</title>" in response.text
    assert "https://log.test/disclosure/disclosures/EIR-2024-0001" in response.text
    assert response.text.index("EIR-2024-0001") < response.text.index("FOI-2023-0001")


def test_the_register_is_never_served(register):
    with pytest.raises(NotADisclosureLog, match="register"):
        make_datasette(register.path)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: None, "no disclosure log"),
        (lambda p: p.write_bytes(b"not a database at all, just text" * 10), "not a disclosure log"),
    ],
)
def test_something_else_is_refused(tmp_path, make, message):
    path = tmp_path / "x.db"
    make(path)
    with pytest.raises(NotADisclosureLog, match=message):
        make_datasette(path)


def test_serve_refuses_the_register_with_one_error_line(register, invoke, db_path):
    result = invoke("serve", db_path)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "register" in result.output


async def test_no_requester_data_on_any_page(seeded, register, tmp_path):  # noqa: F811
    """Done when: every page and JSON API of a log published from a seeded register is free of
    the requesters' names, emails and addresses."""
    out = tmp_path / "disclosure.db"
    publish(register, out)
    ds = make_datasette(out)
    references = [r["reference"] for r in (await get_json(
        ds, "/disclosure/disclosures.json?_shape=objects"))["rows"]]  # fmt: skip
    assert references
    paths = ["/", "/disclosure", "/disclosure/disclosures", "/accessibility",
             "/disclosure/disclosures.json", "/disclosure/questions.json",
             "/disclosure/disclosures.csv", "/disclosure/new_disclosures",
             "/disclosure/new_disclosures.atom",
             "/disclosure/disclosures?_search=funding"]  # fmt: skip
    for ref in references:
        paths += [f"/disclosure/disclosures/{ref}", f"/disclosure/disclosures/{ref}.json"]
    for path in paths:
        response = await ds.client.get(path)
        assert response.status_code == 200, path
        text = response.text.lower()
        for item in PERSONAL:
            assert item.lower() not in text, (path, item)
