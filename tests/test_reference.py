"""The reference register: the seed documents' facts, with their sources."""

from __future__ import annotations

import json

import pytest

from foikit.errors import AmbiguousFigure, FigureNotFound
from foikit.register.facts import check, csps_context, facts, figure, read_files

CSPS = ["Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall", "Wolverhampton"]


def test_the_seven_west_midlands_csps(register):
    assert [c["name"] for c in csps_context(register)] == CSPS


@pytest.mark.parametrize(
    "name, email, withheld",
    [
        ("Birmingham", "cspenquiries@birmingham.gov.uk", False),
        ("Coventry", "PCB@coventry.gov.uk", False),
        ("Dudley", None, True),
        ("Sandwell", "Community_SafetyTeam@sandwell.gov.uk", False),
        ("Solihull", "safersolihull@solihull.gov.uk", False),
        ("Walsall", None, True),
        ("Wolverhampton", None, True),
    ],
)
def test_csp_contacts_with_the_withheld_ones_marked(register, name, email, withheld):
    csp = next(c for c in csps_context(register) if c["name"] == name)
    assert csp["email"] == email
    assert csp["email_withheld"] is withheld
    if withheld:
        assert "40(2)" in csp["withheld_reason"]
    assert csp["website"] is None  # no source gives a website: never invented


@pytest.mark.parametrize(
    "topic, measure, area, period, value, why",
    [
        (
            "dhr",
            "claimed",
            "Sandwell",
            "2019-20",
            3,
            "the claim, child-friendly report in the note",
        ),
        ("dhr", "claimed", "Wolves", "2019-20", 1, "the source's 'Wolves' is Wolverhampton"),
        ("dhr", "claimed", "Coventry", None, 0, "one figure fits without a period"),
        ("dhr", "commenced", "Birmingham", None, 13, "2013 table"),
        ("dhr", "commenced", "Walsall", None, 3, "qualifications in the note"),
        ("dhr", "completed", "West Midlands", None, 6, "stated total"),
        ("dhr", "budget", "Dudley", None, 15000, "£15k a year for six CSPs"),
        ("dhr", "allocation", None, "2019-20", 330000, "force-wide DHR allocation"),
        ("dhr", "cost-low", None, None, 17000, "£17k-£28k range"),
        ("dhr", "cost-high", None, None, 28000, "£17k-£28k range"),
        ("funding", "eiyf", "Sandwell", "2019-20", 128000, "EIYF by CSP"),
        ("funding", "eiyf", "Walsall", "2018-19", 33000, "EIYF by CSP"),
        ("funding", "community-safety-fund", None, "2013-14", 6969000, "CSF 2013-14"),
        ("marac", "received", "Birmingham East", None, 189, "MARAC Q1 2019-20"),
        ("marac", "accepted", "West Midlands", None, 1208, "stated total"),
    ],
)
def test_figure_lookup(register, topic, measure, area, period, value, why):
    assert figure(register, topic, measure, area=area, period=period) == value


def test_sandwells_child_friendly_report_is_kept_in_the_note(register):
    fig = next(f for f in facts(register)["figures"] if f["id"] == "dhr-claimed-2019-20-sandwell")
    assert fig["note"] == "+1 child friendly report"
    assert "2021" in fig["source"]


def test_a_missing_figure_is_an_error_naming_what_was_asked_for(register):
    with pytest.raises(FigureNotFound, match="measure='claimed', area='Birmingham'"):
        figure(register, "dhr", "claimed", area="Birmingham")


def test_several_fitting_figures_is_an_error_not_a_guess(register):
    with pytest.raises(AmbiguousFigure, match="6 figures fit"):
        figure(register, "dhr", "claimed", period="2019-20")


def test_a_figure_stated_twice_with_different_values_cannot_be_used_unqualified(register):
    with pytest.raises(AmbiguousFigure, match="3,863,303.*3,863,308"):
        figure(register, "funding", "community-safety-budget", period="2019-20")
    # Both come from the same report, so naming the source does not settle it either...
    with pytest.raises(AmbiguousFigure):
        figure(
            register,
            "funding",
            "community-safety-budget",
            period="2019-20",
            source="spcb-wmcsp-2019-20",
        )
    # ...but a single-source year can be pinned to its document.
    assert (
        figure(
            register,
            "funding",
            "community-safety-budget",
            period="2018-19",
            source="spcb-wmcsp-establishing",
        )
        == 3863308
    )


def test_every_figure_carries_its_source_document_date_and_locator():
    data = read_files()
    sources = {s["id"]: s for s in data.sources}
    for f in data.figures:
        assert f["locator"], f["id"]
        assert sources[f["source_id"]]["file"].endswith(".txt")


def test_facts_check_reports_the_sources_real_inconsistencies(register):
    findings, checks = check(register)
    messages = "\n".join(f.message for f in findings)
    assert checks > 30
    # The 2019-20 EIYF CSP lines add up to £988,000, not the stated £908,000.
    assert "stated £908,000 but the parts add up to £988,000" in messages
    # The community safety budget is given as £3,863,303 and as £3,863,308.
    assert "community-safety-budget for West Midlands, 2019-20" in messages
    # The 2020-21 force-wide sub-total is £370,000 short of its lines.
    assert "stated £2,101,256 but the parts add up to £2,471,256" in messages
    # 2013: the CSP lines of DHRs commenced make 23, the stated total 25.
    assert "stated 25 but the parts add up to 23" in messages
    # Consistent tables are not reported: the MARAC totals add up.
    assert "MARAC referrals received in Q1 2019-20 against" not in messages
    for f in findings:
        assert f.sources, f.message


def test_facts_check_cli_names_both_sources(register, invoke):
    result = invoke("facts", "check", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    eiyf = next(m for m in data["mismatches"] if "908,000" in m["message"])
    assert eiyf["stated"] == 908000 and eiyf["computed"] == 988000
    budget = next(
        m
        for m in data["mismatches"]
        if m["kind"] == "conflict" and "community-safety-budget" in m["message"]
    )
    assert len(budget["sources"]) == 2


def test_facts_json_shows_csps_contacts_and_figures_with_sources(register, invoke):
    result = invoke("facts", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [c["name"] for c in data["csps"]] == CSPS
    dudley = next(c for c in data["csps"] if c["name"] == "Dudley")
    assert any(c["withheld"] and c["value"] is None for c in dudley["contacts"])
    measures = {(f["topic"], f["measure"]) for f in data["figures"]}
    for needed in [
        ("dhr", "commenced"),
        ("dhr", "completed"),
        ("dhr", "claimed"),
        ("dhr", "budget"),
        ("dhr", "allocation"),
        ("dhr", "cost-low"),
        ("funding", "community-safety-fund"),
        ("funding", "community-safety-budget"),
        ("funding", "eiyf"),
        ("marac", "received"),
    ]:
        assert needed in measures
    assert all(f["source"] for f in data["figures"])


def test_facts_prints_a_figure_call_that_picks_each_figure(register, invoke):
    """Issue 21: `foikit facts` gives the ready-to-paste figure(...) for every figure, and each
    one, pasted into an answer, gives exactly that figure's value."""
    import json as json_

    from foikit.letters import answer_context_for, render_answer

    data = json_.loads(invoke("facts", "--json").output)
    from letters_support import june_2021

    context = answer_context_for(register, june_2021(register))
    unique = [f for f in data["figures"] if f["call"]]
    assert len(unique) >= len(data["figures"]) - 6, "only the source's own doubles lack one"
    for f in unique:
        assert float(render_answer(f["call"], context, "it")) == float(f["value"]), f["call"]
    for f in data["figures"]:
        if not f["call"]:
            same = [
                g
                for g in data["figures"]
                if (g["topic"], g["measure"], g["area"], g["period"], g["source_id"])
                == (f["topic"], f["measure"], f["area"], f["period"], f["source_id"])
            ]
            assert len(same) > 1, "None only where one source gives two values"
    assert "in an answer: {{ figure('dhr', 'claimed', area='Sandwell', period='2019-20') }}" in (
        invoke("facts").output
    )
