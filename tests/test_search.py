"""`foikit search`, closed requests and `request similar`: FTS5 with porter stemming and
prefixes, bm25 over subject and questions, and the reg 5 / s.14(2) warnings."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from lifecycle_support import OFFICER, add, fresh_register

from foikit.casework.edit import edit_request
from foikit.casework.lifecycle import answer_question, close_request
from foikit.casework.search import InvalidSearch, closed_requests, search, similar

TODAY = dt.date(2025, 3, 31)


@pytest.fixture
def reg(db_path):
    with fresh_register(db_path) as r:
        yield r


def _closed(reg, received, subject, questions, answer, responded, **kw):
    ref = add(reg, received=received, subject=subject, questions=questions, today=TODAY, **kw)
    for n in range(1, len(questions) + 1):
        answer_question(reg, OFFICER, ref, n, text=answer)
    close_request(reg, OFFICER, ref, responded=responded, outcome="granted-in-full", today=TODAY)
    return ref


@pytest.fixture
def casebook(reg):
    """Earlier requests: two on DHRs (one by Daniel), one on MARAC, one on funding."""
    return {
        "dhr": _closed(reg, "2024-01-08", "Domestic Homicide Reviews",
                       ["How many domestic homicide reviews were commissioned in 2019?"],
                       "Seven reviews were commissioned.", "2024-01-20",
                       requester_name="Daniel Okafor", requester_email="d.okafor@example.org"),
        "marac": _closed(reg, "2024-02-05", "MARAC referrals",
                         ["How many MARAC referrals were there in Birmingham?"],
                         "There were 2,000 referrals.", "2024-02-20"),
        "fund": _closed(reg, "2024-03-04", "Community safety funding",
                        ["What was the community safety budget in 2019-20?"],
                        "The budget was set out in the board paper.", "2024-03-15"),
    }  # fmt: skip


# query, found, why
SEARCHES = [
    ("homicide review", "dhr", "porter stemming: `review` finds `reviews`"),
    ("homic", "dhr", "the last word matches as a prefix (half typed)"),
    ("domestic homic", "dhr", "earlier words whole (stemmed), the last a prefix"),
    ("referral", "marac", "stemmed: `referral` finds `referrals`"),
    ("board paper", "fund", "answers are searched too"),
    ('"marac* (referr', "marac", "FTS5 syntax typed in the box is text, never a query error"),
]  # fmt: skip


@pytest.mark.parametrize("query,found,why", SEARCHES, ids=[s[0] for s in SEARCHES])
def test_search_finds(reg, casebook, query, found, why):
    hits = search(reg, query)
    assert hits and hits[0]["reference"] == casebook[found], why
    assert hits[0]["outcome"] == "granted-in-full" and hits[0]["link"].startswith("/requests/")


def test_search_index_follows_corrections(reg, casebook):
    ref = add(reg, subject="Knife crime", questions=["How many knife crimes?"], today=TODAY)
    assert [h["reference"] for h in search(reg, "knife")] == [ref]
    edit_request(reg, OFFICER, ref, subject="Bladed articles", questions={1: "Bladed articles?"})
    assert search(reg, "knife") == []
    assert [h["reference"] for h in search(reg, "bladed")] == [ref]


def test_empty_search_is_refused(reg):
    with pytest.raises(InvalidSearch):
        search(reg, "  !! ")


def test_search_cli_json(reg, casebook, invoke):
    out = json.loads(invoke("search", "homicide", "--json").stdout)
    assert out[0]["reference"] == casebook["dhr"] and "[" in out[0]["snippet"]
    bad = invoke("search", "--", "  ")
    assert bad.exit_code == 1 and bad.output.startswith("Error: nothing to search for")


def test_closed_list_filters(reg, casebook):
    add(reg, subject="Open one about homicide", today=TODAY)
    refs = [r["reference"] for r in closed_requests(reg)]
    assert refs == [casebook["fund"], casebook["marac"], casebook["dhr"]], "newest answer first"
    assert [r["reference"] for r in closed_requests(reg, text="homicide")] == [casebook["dhr"]]
    assert closed_requests(reg, responded_from="2024-03-01")[0]["reference"] == casebook["fund"]


def test_similar_ranks_the_earlier_answer_first(reg, casebook):
    ref = add(reg, received="2025-03-03", subject="DHRs", today=TODAY,
              questions=["Please list the domestic homicide reviews commissioned since 2019."],
              requester_name="Someone Else", requester_email="else@example.org")  # fmt: skip
    found = similar(reg, ref)
    assert found["similar"][0]["reference"] == casebook["dhr"], "s.21: point to the answer"
    assert found["similar"][0]["outcome"] == "granted-in-full"
    assert casebook["fund"] not in [m["reference"] for m in found["similar"]]
    assert found["warnings"] == [], "another requester: no reg 5 or s.14(2) warning"


# received, kinds, why
WARNINGS = [
    ("2024-02-01", ["aggregation", "repeat"],
     "Daniel asked much the same 9 working days after the first was answered: within 60 "
     "working days (reg 5) and a repeat (s.14(2))"),
    ("2024-09-02", ["repeat"],
     "months later: too far apart to aggregate (reg 5: 60 working days), still a repeat"),
]  # fmt: skip


@pytest.mark.parametrize("received,kinds,why", WARNINGS, ids=[w[0] for w in WARNINGS])
def test_same_requester_warnings(reg, casebook, received, kinds, why):
    ref = add(reg, received=received, subject="Domestic Homicide Reviews", today=TODAY,
              questions=["How many domestic homicide reviews were commissioned in 2019?"],
              requester_name="Dan Okafor", requester_email="D.OKAFOR@example.org")  # fmt: skip
    found = similar(reg, ref)
    assert [w["kind"] for w in found["warnings"]] == kinds, why
    assert all(w["reference"] == casebook["dhr"] for w in found["warnings"])


def test_similar_cli(reg, casebook, invoke):
    ref = add(reg, received="2024-02-01", subject="Domestic Homicide Reviews", today=TODAY,
              questions=["How many domestic homicide reviews were commissioned in 2019?"],
              requester_name="Dan Okafor", requester_email="d.okafor@example.org")  # fmt: skip
    out = invoke("request", "similar", ref).stdout
    assert "Warning: Fees Regulations 2004 reg 5:" in out and "Warning: FOIA s.14(2):" in out
    assert f"{casebook['dhr']}\tgranted-in-full\tDomestic Homicide Reviews (same requester)" in out
