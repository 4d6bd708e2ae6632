"""Late notices on the command line: refused with one Error line and nothing written, or
recorded with --late and no effect on the clock (FOIA s.9(1), s.17(2); EIR regs 8, 9(2))."""

from __future__ import annotations

import json

import pytest


def _add(invoke, regime="foi"):
    result = invoke(
        "request", "add", "--received", "2021-06-07", "--subject", "S", "--regime", regime,
        "--requester-name", "A Person", "--requester-email", "a@example.org",
        "--question", "Q?", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["reference"]


LATE = [
    ("foi", ["fee", "--sent", "2021-07-06", "--amount", "10"], "s.9(1)",
     "s.9(1): a fees notice after the time for compliance (due 5 July 2021)"),
    ("eir", ["fee", "--sent", "2021-07-06", "--amount", "10"], "EIR reg 8",
     "EIR reg 8: a charge after 20 working days"),
    ("eir", ["clarify", "--sent", "2021-07-06"], "EIR reg 9(2)",
     "EIR reg 9(2): particulars after 20 working days"),
    ("foi", ["extend", "--reason", "public-interest", "--on", "2021-07-06"], "s.17(2)",
     "s.17(2): an extension notice after the original due date"),
]  # fmt: skip


@pytest.mark.parametrize("regime, args, law, why", LATE, ids=[c[3] for c in LATE])
def test_a_late_notice_is_refused_or_recorded_without_effect(
    register, invoke, regime, args, law, why
):
    ref = _add(invoke, regime)
    refused = invoke("request", *args[:1], ref, *args[1:])
    assert refused.exit_code == 1, why
    assert refused.stderr.startswith("Error: ") and len(refused.stderr.splitlines()) == 1, why
    assert law in refused.stderr and "--late" in refused.stderr, why
    assert register.scalar("SELECT count(*) FROM clock_events") == 0, "nothing half-written"
    recorded = invoke("request", *args[:1], ref, *args[1:], "--late", "--json")
    assert recorded.exit_code == 0, recorded.output
    assert register.scalar("SELECT late FROM clock_events") == 1, why
    row = register.one("SELECT due, clock_stopped FROM requests")
    assert row == {"due": "2021-07-05", "clock_stopped": None}, f"{why}: no effect on the clock"


@pytest.mark.parametrize(
    "args, words, why",
    [
        (["fee", "--sent", "2021-06-10"], "states the fee", "s.9(1): the notice states the fee"),
        (["extend", "--reason", "public-interest", "--days", "60"], "more than the 20",
         "s.10(3): 60 extra working days is not reasonable (ICO guidance)"),
        (["extend", "--reason", "public-interest", "--detail", "s.40(2) names"], "absolute",
         "s.2(3): no public interest extension for an absolute exemption"),
    ],
)  # fmt: skip
def test_notices_the_law_does_not_allow_are_refused(register, invoke, args, words, why):
    ref = _add(invoke)
    result = invoke("request", *args[:1], ref, *args[1:])
    assert result.exit_code == 1 and result.stderr.startswith("Error: "), why
    assert words in result.stderr, why
    assert register.scalar("SELECT count(*) FROM clock_events") == 0, why
