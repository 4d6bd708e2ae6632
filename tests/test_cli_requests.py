"""`foikit request`, `review` and `ico` on the command line: docs/contract.md shapes and errors."""

from __future__ import annotations

import json

import pytest
from lifecycle_support import fresh_register, snapshot

TODAY = "2024-07-31"
REQUESTER = ["--requester-name", "A Person", "--requester-email", "a.person@example.org"]


@pytest.fixture
def reg(db_path):
    with fresh_register(db_path) as r:
        yield r


@pytest.fixture
def ok(invoke):
    """Run a command that must succeed; returns its stdout."""

    def run(*args):
        result = invoke(*args)
        assert result.exit_code == 0, result.output
        return result.stdout

    return run


def _add(ok, *extra):
    return ok(
        "request", "add", "--received", "2024-06-03", "--subject", "DHRs", *REQUESTER,
        "--question", "How many?", "--question", "Which?", "--today", TODAY, *extra,
    ).strip()  # fmt: skip


def test_add_prints_the_reference_alone(reg, ok):
    assert ok(
        "request", "add", "--received", "2024-06-03", "--subject", "DHRs", *REQUESTER,
        "--today", TODAY,
    ) == "FOI-2024-0001\n"  # fmt: skip


def test_add_json_gives_reference_and_due(reg, ok):
    out = json.loads(_add(ok, "--json", "--handler", "j.smith", "--channel", "email"))
    assert (out["reference"], out["due"], out["handler"], out["channel"]) == (
        "FOI-2024-0001",
        "2024-07-01",
        "j.smith",
        "email",
    )


def test_add_takes_a_postal_address_one_line_an_option(reg, ok):
    ref = ok(
        "request", "add", "--received", "2024-06-03", "--subject", "DHRs",
        "--requester-name", "A Person", "--requester-address", "1 High Street",
        "--requester-address", "Birmingham B1 1AA", "--today", TODAY,
    ).strip()  # fmt: skip
    from foikit.casework.lifecycle import requester_of

    assert requester_of(reg, ref)["address"] == ["1 High Street", "Birmingham B1 1AA"]


def test_show_json_has_the_contract_shape(reg, ok):
    ref = _add(ok)
    ok("request", "answer", ref, "1", "--text", "Seven.")
    ok("request", "answer", ref, "2", "--exempt", "s.40(2)", "--reason", "Names.")
    ok("request", "close", ref, "--responded", "2024-06-20", "--outcome", "partially-withheld",
       "--today", TODAY)  # fmt: skip
    shown = json.loads(ok("request", "show", ref, "--json"))
    assert {k: shown[k] for k in ("reference", "regime", "status", "subject", "received", "due",
                                  "responded", "outcome", "handler", "review")} == {
        "reference": ref, "regime": "foi", "status": "closed", "subject": "DHRs",
        "received": "2024-06-03", "due": "2024-07-01", "responded": "2024-06-20",
        "outcome": "partially-withheld", "handler": "test.officer", "review": None,
    }  # fmt: skip
    q2 = shown["questions"][1]
    assert (q2["number"], q2["text"], q2["status"], q2["answer"]) == (2, "Which?", "exempt", None)
    assert q2["exemptions"][0] == {
        "section": "40(2)",
        "name": "Personal data of third parties",
        "reason": "Names.",
        "public_interest": None,
        "ncnd": False,
    }
    assert shown["events"] == []


def test_show_text_names_the_requester_and_answers(reg, ok):
    ref = _add(ok)
    out = ok("request", "show", ref, "--today", "2024-06-28")
    assert "A Person <a.person@example.org>" in out
    assert "Q1. How many?" in out and "due soon" in out


def test_several_exemptions_with_their_own_reasons(reg, ok):
    ref = _add(ok)
    ok("request", "answer", ref, "1", "--exempt", "31(1)(a)", "--reason", "Tactics.",
       "--public-interest", "For: x. Against: y. Balance: withhold.",
       "--exempt", "40(2)", "--reason", "Names.")  # fmt: skip
    shown = json.loads(ok("request", "show", ref, "--json"))
    exemptions = shown["questions"][0]["exemptions"]
    assert [(e["section"], e["reason"]) for e in exemptions] == [
        ("31(1)(a)", "Tactics."),
        ("40(2)", "Names."),
    ]
    assert exemptions[0]["public_interest"].startswith("For:")


def test_answer_all_refuses_a_whole_request(reg, ok, invoke):
    ref = _add(ok)
    out = json.loads(
        ok("request", "answer", ref, "all", "--exempt", "14(1)", "--reason", "Vexatious.", "--json")
    )
    assert [(q["number"], q["status"]) for q in out] == [(1, "exempt"), (2, "exempt")]
    line = _fail_line(invoke("request", "answer", ref, "first", "--text", "x"))
    assert "question number or `all`" in line


def _fail_line(result):
    """The one `Error:` line a refusal prints; asserts there is nothing else."""
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


REFUSALS = [
    (["request", "add", "--received", "2024-02-30", "--subject", "x", *REQUESTER, "--today", TODAY],
     "2024-02-30", "impossible date"),
    (["request", "add", "--received", "2024-08-01", "--subject", "x", *REQUESTER, "--today", TODAY],
     "future", "future date"),
    (["request", "add", "--received", "2024-06-03", "--subject", "x",
      "--requester-name", "A", "--requester-email", "nope"], "not valid", "invalid email"),
    (["request", "add", "--received", "2024-06-03", "--subject", "x",
      "--requester-name", "A"], "address for correspondence", "no address (s.8)"),
    (["request", "add", "--received", "2024-06-03", "--subject", "x", *REQUESTER,
      "--regime", "gdpr"], "gdpr", "unknown regime"),
    (["request", "add", "--received", "2024-06-03", "--subject", "x", *REQUESTER,
      "--channel", "pigeon"], "unknown channel", "unknown channel"),
    (["request", "add", "--received", "2024-06-03", "--subject", "Caf\udce9", *REQUESTER],
     "not UTF-8", "undecodable bytes"),
    (["request", "show", "FOI-2024-0999"], "FOI-2024-0999", "unknown reference"),
    (["request", "list", "--due-within", "soon"], "whole number", "due-within not a number"),
    (["request", "extend", "FOI-2024-0001", "--reason", "public-interest", "--days", "0"],
     "1 or more", "an extension of no days"),
    (["request", "answer", "FOI-2024-0001", "7", "--text", "x"], "no question 7",
     "unknown question number"),
    (["request", "answer", "FOI-2024-0001", "1", "--exempt", "99"], "unknown exemption",
     "unknown exemption"),
    (["request", "answer", "FOI-2024-0001", "1", "--exempt", "31(1)(a)", "--reason", "x"],
     "public interest", "qualified without public interest"),
    (["request", "close", "FOI-2024-0001", "--responded", "2024-06-20", "--outcome",
      "granted-in-full"], "questions 1, 2 have no answer", "unanswered questions"),
    (["request", "close", "FOI-2024-0001", "--responded", "2024-06-20", "--outcome", "done"],
     "unknown outcome", "unknown outcome"),
    (["request", "close", "FOI-2024-0001", "--responded", "2024-05-20", "--outcome",
      "withdrawn"], "before the request was received", "response before receipt"),
    (["request", "clarified", "FOI-2024-0001", "--received", "2024-06-05"],
     "none was asked for", "clarified without clarify"),
    (["request", "extend", "FOI-2024-0001", "--reason", "busy"], "busy", "unknown reason"),
    (["review", "open", "FOI-2024-0001", "--received", "2024-06-05", "--reviewer", "x"],
     "no response yet", "review before response"),
    (["ico", "decide", "FOI-2024-0001", "--decided", "2024-06-05", "--decision", "upheld"],
     "no undecided ICO case", "no ICO case"),
]  # fmt: skip


@pytest.mark.parametrize("args, words, why", REFUSALS, ids=[r[2] for r in REFUSALS])
def test_refusals_are_one_error_line_exit_1_and_write_nothing(reg, ok, invoke, args, words, why):
    _add(ok)
    before = snapshot(reg)
    line = _fail_line(invoke(*args))
    assert words in line, why
    assert snapshot(reg) == before


def test_list_filters_and_json(reg, ok):
    a = _add(ok, "--handler", "a.one")
    b = ok("request", "add", "--received", "2024-07-01", "--subject", "Later", *REQUESTER,
           "--regime", "eir", "--handler", "b.two", "--today", TODAY).strip()  # fmt: skip

    def refs(*args):
        return [r["reference"] for r in json.loads(ok("request", "list", "--json", *args))]

    assert refs() == [a, b]
    assert refs("--overdue", "--today", "2024-07-02") == [a]
    assert refs("--due-within", "3", "--today", "2024-06-26") == [a]
    assert refs("--handler", "b.two") == [b]
    assert refs("--regime", "eir") == [b]
    assert refs("--open", "--limit", "1") == [a]
    text = ok("request", "list", "--open")
    assert a in text and "a.one" in text


def test_the_clock_commands(reg, ok):
    ref = _add(ok)
    assert "clock stopped" in ok("request", "clarify", ref, "--sent", "2024-06-04",
                                 "--today", TODAY)  # fmt: skip
    assert "due 2024-07-08" in ok("request", "clarified", ref, "--received", "2024-06-10",
                                  "--today", TODAY)  # fmt: skip
    ok("request", "fee", ref, "--sent", "2024-06-11", "--amount", "10", "--today", TODAY)
    out = json.loads(ok("request", "fee-paid", ref, "--paid", "2024-06-11", "--json",
                        "--today", TODAY))  # fmt: skip
    assert out["due"] == "2024-07-09"  # one working day disregarded
    out = ok("request", "extend", ref, "--reason", "public-interest", "--days", "10")
    assert "refusal notice due 2024-07-09" in out


def test_set_publish_and_handler(reg, ok):
    ref = _add(ok)
    ok("request", "set", ref, "--no-publish", "--handler", "c.three")
    shown = json.loads(ok("request", "show", ref, "--json"))
    assert (shown["publish"], shown["handler"]) == (False, "c.three")


def test_by_names_the_actor_in_the_audit_trail(reg, ok):
    ref = _add(ok, "--by", "someone.else")
    ok("request", "answer", ref, "1", "--text", "x")  # FOIKIT_USER=test.officer (conftest)
    actors = [h["actor"] for h in json.loads(ok("request", "history", ref, "--json"))]
    assert actors[0] == "someone.else" and "test.officer" in actors


def test_review_and_ico_through_the_cli(reg, ok, invoke):
    ref = _add(ok, "--handler", "j.smith")
    ok("request", "answer", ref, "1", "--text", "x")
    ok("request", "answer", ref, "2", "--not-held")
    ok("request", "close", ref, "--responded", "2024-06-20", "--outcome", "granted-in-full",
       "--today", TODAY)  # fmt: skip
    line = _fail_line(invoke("review", "open", ref, "--received", "2024-06-24",
                             "--reviewer", "j.smith", "--today", TODAY))  # fmt: skip
    assert "not involved" in line
    out = ok("review", "open", ref, "--received", "2024-06-24", "--reviewer", "a.senior",
             "--today", TODAY)  # fmt: skip
    assert "due 2024-07-23" in out
    out = ok("review", "close", ref, "--decided", "2024-07-05", "--outcome", "upheld",
             "--by", "a.senior", "--today", TODAY)  # fmt: skip
    assert "upheld" in out
    ok("ico", "open", ref, "--case-reference", "IC-1", "--complained", "2024-07-10",
       "--today", TODAY)  # fmt: skip
    ok("ico", "decide", ref, "--decided", "2024-07-30", "--decision", "not-upheld",
       "--notice", "IC-1-X", "--today", TODAY)  # fmt: skip
    history = ok("request", "history", ref)
    for words in ["logged the request", "opened an internal review",
                  "decided the internal review: upheld", "recorded an ICO complaint",
                  "recorded the ICO decision: not-upheld"]:  # fmt: skip
        assert words in history, words


def test_a_late_review_request_warns_on_stderr(reg, ok, invoke):
    ref = _add(ok)
    ok("request", "close", ref, "--responded", "2024-06-03", "--outcome", "withdrawn",
       "--today", TODAY)  # fmt: skip
    result = invoke("review", "open", ref, "--received", "2024-07-31", "--reviewer", "a.b",
                    "--today", TODAY)  # fmt: skip
    assert result.exit_code == 0
    assert result.stderr.startswith("Warning: ") and "40 working days" in result.stderr


def test_questions_added_later_and_a_review_extended(reg, ok, invoke):
    ref = _add(ok)
    assert ok("request", "question", ref, "--text", "And for 2020?") == "3\n"
    for n in ("1", "2", "3"):
        ok("request", "answer", ref, n, "--text", "x")
    ok("request", "close", ref, "--responded", "2024-06-20", "--outcome", "granted-in-full",
       "--today", TODAY)  # fmt: skip
    ok("review", "open", ref, "--received", "2024-06-24", "--reviewer", "a.senior",
       "--today", TODAY)  # fmt: skip
    # 40 working days from 24 June 2024, skipping 12 July (NI) and 5 August (Scotland).
    extend = ("review", "extend", ref, "--reason", "Voluminous.", "--by", "a.senior")
    assert ok(*extend) == "review due 2024-08-21\n", "by the named reviewer (issue 14)"
    line = _fail_line(invoke("request", "set", ref))
    assert "nothing to set" in line
