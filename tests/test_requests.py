"""The request lifecycle against a real register: log, answer, clock events, close, read back."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lifecycle_support import OFFICER, TODAY, add, answered_and_closed, fresh_register, snapshot

from foikit.casework import lifecycle as R
from foikit.casework.lifecycle import MissingPublicInterest
from foikit.casework.requesters import InvalidRequester
from foikit.errors import (
    FoikitError,
    InvalidDate,
    InvalidRequest,
    MissingAnswer,
    QuestionNotFound,
    RequestNotFound,
    StaleRecord,
    UnknownExemption,
    UnknownOutcome,
    UnknownRegime,
)

D = dt.date


@pytest.fixture
def reg(db_path):
    with fresh_register(db_path) as r:
        yield r


# -- logging a request ------------------------------------------------------------------------


def test_references_carry_regime_and_year_and_count_up_per_regime_and_year(reg):
    refs = [
        add(reg),
        add(reg),
        add(reg, regime="eir"),
        add(reg, received=D(2023, 12, 29)),
        add(reg),
        add(reg, regime="sar"),
    ]
    assert refs == [
        "FOI-2024-0001",
        "FOI-2024-0002",
        "EIR-2024-0001",
        "FOI-2023-0001",
        "FOI-2024-0003",
        "SAR-2024-0001",
    ]


def test_a_new_request_gets_its_due_date_from_the_clock(reg):
    # Received Saturday 1 June 2024: day one is Monday 3 June, day 20 is Friday 28 June.
    ref = add(reg, received=D(2024, 6, 1))
    shown = R.show_request(reg, ref, today=D(2024, 6, 3))
    assert (shown["due"], shown["status"], shown["overdue"]) == ("2024-06-28", "open", False)
    assert shown["deadline"][0] == "received 2024-06-01 (Saturday): day one is 2024-06-03"


def test_the_contract_show_shape(reg):
    ref = add(reg)
    shown = R.show_request(reg, ref, today=TODAY)
    for key in ["reference", "regime", "status", "subject", "received", "due", "responded",
                "outcome", "handler", "questions", "events", "review"]:  # fmt: skip
        assert key in shown, key
    assert shown["questions"][0] == {
        "number": 1,
        "text": "How many?",
        "status": "unanswered",
        "answer": None,
        "exemptions": [],
        "answered_by": None,
        "answered_at": None,
    }
    assert shown["review"] is None and shown["events"] == [] and shown["ico"] == []


EXOTIC = [
    ("Smith & Sons <ltd>", "ampersand and angle brackets"),
    ("He said \"no\" and 'yes'", "both kinds of quote"),
    ("Ms 😀 Emoji 🚓", "emoji"),
    ("مرحبا بالعالم", "right-to-left Arabic"),
    ("שלום עולם", "right-to-left Hebrew"),
    ("{{ 7*7 }} {% if %}", "template syntax is only text here"),
    ("Line one\nLine two", "a newline inside a question"),
    ("  leading and trailing spaces  ", "spaces kept"),
    ("Q" * 10_000, "a 10,000-character question"),
]


@pytest.mark.parametrize("text, why", EXOTIC, ids=[w for _, w in EXOTIC])
def test_requester_text_is_stored_exactly_as_given(reg, text, why):
    ref = add(reg, subject=text, questions=[text], requester_name=text)
    shown = R.show_request(reg, ref, today=TODAY)
    assert shown["subject"] == text, why
    assert shown["questions"][0]["text"] == text, why
    assert R.requester_of(reg, ref)["name"] == text, why


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        min_size=1,
        max_size=300,
    ).filter(str.strip)
)
def test_any_text_round_trips_unchanged(reg, text):
    ref = add(reg, subject=text, questions=[text], requester_name=text)
    shown = R.show_request(reg, ref, today=TODAY)
    assert (shown["subject"], shown["questions"][0]["text"]) == (text, text)
    assert R.requester_of(reg, ref)["name"] == text


def test_a_nul_byte_is_refused_not_stored(reg):
    before = snapshot(reg)
    with pytest.raises(InvalidRequest, match="NUL byte"):
        add(reg, subject="Grants\x00 to CSPs")  # issue 15: was silently accepted
    assert snapshot(reg) == before


def test_undecodable_bytes_are_refused_not_a_crash(reg):
    before = snapshot(reg)
    with pytest.raises(InvalidRequest, match="not UTF-8"):
        add(reg, subject="Caf\udce9")  # b"Caf\xe9" read as UTF-8 with surrogateescape
    assert snapshot(reg) == before


@pytest.mark.parametrize(
    "given, stored, why",
    [
        ("a.person@example.org", "a.person@example.org", "already normal"),
        ("A.Person@EXAMPLE.ORG", "A.Person@example.org", "domain lower-cased, local part kept"),
        ("  a@example.org  ", "a@example.org", "surrounding spaces dropped"),
        ("someone@bücher.example", "someone@bücher.example", "internationalised domain"),
    ],
)
def test_emails_are_validated_and_normalised_without_dns(reg, given, stored, why):
    ref = add(reg, requester_email=given)
    assert R.requester_of(reg, ref)["email"] == stored, why


def test_a_postal_address_alone_will_do(reg):
    ref = add(reg, requester_email=None, requester_address="1 High Street\nBirmingham\nB1 1AA")
    assert R.requester_of(reg, ref) == {
        "name": "A. Requester",
        "email": None,
        "address": ["1 High Street", "Birmingham", "B1 1AA"],
    }


REFUSED_ADDS = [
    ({"requester_email": "not-an-email"}, InvalidRequester, "not valid", "invalid email"),
    ({"requester_email": "a@b@example.org"}, InvalidRequester, "not valid", "two @ signs"),
    ({"requester_email": "a@example"}, InvalidRequester, "not valid", "no dot in the domain"),
    ({"requester_name": None}, InvalidRequester, "name", "s.8 needs a name"),
    ({"requester_name": "   "}, InvalidRequester, "name", "a blank name is no name"),
    ({"requester_email": None}, InvalidRequester, "address for correspondence",
     "s.8 needs an address for correspondence"),
    ({"received": D(2024, 8, 1)}, InvalidDate, "future", "received after today"),
    ({"received": "2024-02-30"}, InvalidDate, "2024-02-30", "no 30 February"),
    ({"received": "yesterday"}, InvalidDate, "YYYY-MM-DD", "not a date"),
    ({"regime": "foia"}, UnknownRegime, "foia", "unknown regime"),
    ({"regime": "eir-extended"}, UnknownRegime, "clock events", "extensions are events"),
    ({"subject": "  "}, InvalidRequest, "subject", "a subject is needed"),
    ({"questions": ["fine", ""]}, InvalidRequest, "question 2", "an empty question"),
    ({"channel": "pigeon"}, InvalidRequest, "channel", "unknown channel"),
    ({"reference": "EIR-2024-0009"}, InvalidRequest, "FOI-", "reference prefix must fit"),
]  # fmt: skip


@pytest.mark.parametrize(
    "change, error, words, why", REFUSED_ADDS, ids=[c[3] for c in REFUSED_ADDS]
)
def test_bad_requests_are_refused_and_nothing_is_written(reg, change, error, words, why):
    before = snapshot(reg)
    with pytest.raises(error) as info:
        add(reg, **change)
    assert words in str(info.value), why
    assert snapshot(reg) == before


def test_an_imported_reference_is_kept_and_numbering_continues_after_it(reg):
    assert add(reg, reference="foi-2024-41") == "FOI-2024-0041"
    assert add(reg) == "FOI-2024-0042"
    with pytest.raises(InvalidRequest, match="already in the register"):
        add(reg, reference="FOI-2024-0041")


def test_unknown_references_are_refused(reg):
    with pytest.raises(RequestNotFound, match="FOI-2024-9999"):
        R.show_request(reg, "FOI-2024-9999")


def test_references_are_found_whatever_their_case(reg):
    ref = add(reg)
    assert R.show_request(reg, ref.lower(), today=TODAY)["reference"] == ref


# -- answers ----------------------------------------------------------------------------------


def test_answers_of_each_kind(reg):
    ref = add(reg, questions=["a", "b", "c", "d"])
    R.answer_question(reg, OFFICER, ref, 1, text="Seven.")
    R.answer_question(reg, OFFICER, ref, 2, not_held=True)
    R.answer_question(
        reg, OFFICER, ref, 3, text="Part released.", exemptions=[("s.40(2)", "Names.", None)]
    )
    R.answer_question(
        reg,
        OFFICER,
        ref,
        4,
        exemptions=[("section 31(1)(a)", "Tactics.", "For: x. Against: y. Balance: withhold.")],
        ncnd=False,
    )
    qs = R.show_request(reg, ref, today=TODAY)["questions"]
    assert [(q["status"], q["answer"]) for q in qs] == [
        ("answered", "Seven."),
        ("not-held", None),
        ("exempt", "Part released."),
        ("exempt", None),
    ]
    assert qs[2]["exemptions"] == [
        {
            "section": "40(2)",
            "name": "Personal data of third parties",
            "reason": "Names.",
            "public_interest": None,
            "ncnd": False,
        }
    ]
    assert qs[3]["exemptions"][0]["section"] == "31(1)(a)"
    assert qs[3]["exemptions"][0]["name"] == "Law enforcement"


def test_answering_again_replaces_the_answer_and_its_exemptions(reg):
    ref = add(reg)
    R.answer_question(reg, OFFICER, ref, 1, exemptions=[("40(2)", "Names.", None)])
    R.answer_question(reg, OFFICER, ref, 1, text="Released after all.")
    q = R.show_request(reg, ref, today=TODAY)["questions"][0]
    assert (q["status"], q["answer"], q["exemptions"]) == ("answered", "Released after all.", [])


def test_neither_confirm_nor_deny_is_recorded_on_the_exemption(reg):
    ref = add(reg)
    R.answer_question(
        reg, OFFICER, ref, 1, exemptions=[("40(2)", "Would reveal.", None)], ncnd=True
    )
    q = R.show_request(reg, ref, today=TODAY)["questions"][0]
    assert q["exemptions"][0]["ncnd"] is True and q["status"] == "exempt"


def test_not_held_under_the_eir_cites_reg_12_4_a(reg):
    ref = add(reg, regime="eir")
    R.answer_question(reg, OFFICER, ref, 1, not_held=True)
    q = R.show_request(reg, ref, today=TODAY)["questions"][0]
    assert q["status"] == "not-held"
    assert [e["section"] for e in q["exemptions"]] == ["reg 12(4)(a)"]


PI = "For: openness. Against: harm. Balance: withhold."
REFUSED_ANSWERS = [
    (1, {"exemptions": [("31(1)(a)", "Tactics.", None)]}, MissingPublicInterest,
     "public interest", "qualified exemption without public interest reasons"),
    (1, {"exemptions": [("reg 12(5)(b)", "Justice.", "  ")]}, InvalidRequest,
     "(s.39)", "s.39: an EIR exception on an FOI request; environmental information is EIR"),
    (1, {"exemptions": [("31(1)(a)", "Tactics.", "  ")]}, MissingPublicInterest,
     "public interest", "qualified: blank public interest reasons are none"),
    (1, {"exemptions": [("40(2)", None, None)]}, InvalidRequest,
     "s.17(1)(c)", "s.17(1)(c): the notice says why the exemption applies"),
    (1, {"exemptions": [("25", "x", None)]}, UnknownExemption, "25", "unknown exemption"),
    (1, {"exemptions": [("forty", "x", None)]}, UnknownExemption, "forty", "not a section"),
    (9, {"text": "x"}, QuestionNotFound, "its questions: 1, 2", "unknown question number"),
    (1, {}, InvalidRequest, "give the answer", "nothing given"),
    (1, {"text": "   "}, InvalidRequest, "give the answer", "blank text is no answer"),
    (1, {"not_held": True, "exemptions": [("40(2)", "x", None)]}, InvalidRequest,
     "not both", "not held and exempt at once"),
    (1, {"ncnd": True, "text": "x"}, InvalidRequest, "exemption", "NCND needs an exemption"),
    (1, {"ncnd": True, "exemptions": [("21", "x", None)]}, InvalidRequest,
     "neither confirm nor deny", "s.21 has no NCND provision"),
    (1, {"exemptions": [("40(2)", "x", None), ("s40(2)", "y", None)]}, InvalidRequest,
     "twice", "the same exemption twice"),
]  # fmt: skip


@pytest.mark.parametrize(
    "number, kw, error, words, why", REFUSED_ANSWERS, ids=[c[4] for c in REFUSED_ANSWERS]
)
def test_bad_answers_are_refused_and_nothing_is_written(reg, number, kw, error, words, why):
    ref = add(reg)
    before = snapshot(reg)
    with pytest.raises(error) as info:
        R.answer_question(reg, OFFICER, ref, number, **kw)
    assert words in str(info.value), why
    assert snapshot(reg) == before


def test_a_whole_request_refused_under_s12_in_one_go(reg):
    ref = add(reg, questions=["a", "b", "c"])
    R.answer_question(reg, OFFICER, ref, 2, text="This one we can answer.")
    numbers = R.answer_all(reg, OFFICER, ref, exemptions=[("12", "About 40 hours.", None)])
    assert numbers == [1, 3]
    qs = R.show_request(reg, ref, today=TODAY)["questions"]
    assert [(q["status"], [e["section"] for e in q["exemptions"]]) for q in qs] == [
        ("exempt", ["12"]),
        ("answered", []),
        ("exempt", ["12"]),
    ]
    with pytest.raises(QuestionNotFound, match="no unanswered questions"):
        R.answer_all(reg, OFFICER, ref, not_held=True)


def test_foia_sections_are_refused_on_an_eir_request(reg):
    ref = add(reg, regime="eir")
    with pytest.raises(InvalidRequest, match="EIR"):
        R.answer_question(reg, OFFICER, ref, 1, exemptions=[("s.43(2)", "x", PI)])


# -- closing ----------------------------------------------------------------------------------


def test_closing_with_unanswered_questions_lists_them(reg):
    ref = add(reg, questions=["a", "b", "c", "d"])
    R.answer_question(reg, OFFICER, ref, 1, text="x")
    R.answer_question(reg, OFFICER, ref, 3, text="x")
    before = snapshot(reg)
    with pytest.raises(MissingAnswer, match="questions 2, 4 have no answer"):
        R.close_request(reg, OFFICER, ref, responded=D(2024, 6, 20), outcome="granted-in-full",
                        today=TODAY)  # fmt: skip
    assert snapshot(reg) == before


@pytest.mark.parametrize(
    "outcome, why",
    [
        ("withdrawn", "the requester withdrew"),
        ("lapsed", "clarification or fee never came"),
        ("transferred", "another authority holds it"),
    ],
)
def test_some_outcomes_need_no_answers(reg, outcome, why):
    ref = add(reg)
    R.close_request(reg, OFFICER, ref, responded=D(2024, 6, 20), outcome=outcome, today=TODAY)
    shown = R.show_request(reg, ref, today=TODAY)
    assert (shown["status"], shown["outcome"], shown["responded"]) == (
        "closed",
        outcome,
        "2024-06-20",
    ), why


REFUSED_CLOSES = [
    ({"responded": D(2024, 5, 31)}, InvalidDate, "before the request was received",
     "response before receipt"),
    ({"responded": D(2024, 8, 1)}, InvalidDate, "future", "response in the future"),
    ({"responded": "2024-06-31"}, InvalidDate, "2024-06-31", "no 31 June"),
    ({"outcome": "granted"}, UnknownOutcome, "granted", "unknown outcome"),
    ({"outcome": "withheld-in-full"}, InvalidRequest, "no answer relies on an exemption",
     "withheld without an exemption"),
]  # fmt: skip


@pytest.mark.parametrize(
    "change, error, words, why", REFUSED_CLOSES, ids=[c[3] for c in REFUSED_CLOSES]
)
def test_bad_closes_are_refused_and_nothing_is_written(reg, change, error, words, why):
    ref = add(reg)
    R.answer_question(reg, OFFICER, ref, 1, text="x")
    R.answer_question(reg, OFFICER, ref, 2, text="y")
    before = snapshot(reg)
    args = {"responded": D(2024, 6, 20), "outcome": "granted-in-full", "today": TODAY, **change}
    with pytest.raises(error) as info:
        R.close_request(reg, OFFICER, ref, **args)
    assert words in str(info.value), why
    assert snapshot(reg) == before


def test_granted_in_full_cannot_carry_an_exemption(reg):
    ref = add(reg)
    R.answer_question(reg, OFFICER, ref, 1, text="x")
    R.answer_question(reg, OFFICER, ref, 2, exemptions=[("40(2)", "Names.", None)])
    with pytest.raises(InvalidRequest, match="partially-withheld"):
        R.close_request(reg, OFFICER, ref, responded=D(2024, 6, 20), outcome="granted-in-full",
                        today=TODAY)  # fmt: skip


def test_a_closed_request_cannot_be_answered_or_closed_again(reg):
    ref = answered_and_closed(reg)
    with pytest.raises(R.RequestClosed):
        R.answer_question(reg, OFFICER, ref, 1, text="changed my mind")
    with pytest.raises(R.RequestClosed):
        R.close_request(reg, OFFICER, ref, responded=D(2024, 6, 21), outcome="granted-in-full",
                        today=TODAY)  # fmt: skip


def test_in_time_is_derived_from_the_due_date(reg):
    on_time = answered_and_closed(reg, responded=D(2024, 7, 1))  # due Monday 1 July
    late = answered_and_closed(reg, responded=D(2024, 7, 2))
    assert R.show_request(reg, on_time, today=TODAY)["in_time"] is True
    assert R.show_request(reg, late, today=TODAY)["in_time"] is False


# -- the clock --------------------------------------------------------------------------------


def test_clarification_stops_the_clock_and_restarts_it_from_receipt(reg):
    ref = add(reg)  # received Monday 3 June 2024, due 1 July
    R.clarify(reg, OFFICER, ref, sent=D(2024, 6, 4), detail="Which years?", today=TODAY)
    stopped = R.show_request(reg, ref, today=TODAY)
    assert (stopped["due"], stopped["clock_stopped"]) == (None, "clarification")
    R.clarified(reg, OFFICER, ref, received=D(2024, 6, 10), today=TODAY)
    running = R.show_request(reg, ref, today=TODAY)
    # 20 working days from Monday 10 June: Monday 8 July.
    assert (running["due"], running["clock_stopped"]) == ("2024-07-08", None)
    assert [e["kind"] for e in running["events"]] == ["clarify", "clarified"]
    assert running["events"][0]["detail"] == "Which years?"


def test_fee_days_are_disregarded(reg):
    ref = add(reg)
    R.fee(reg, OFFICER, ref, sent=D(2024, 6, 5), amount="12.50", today=TODAY)
    assert R.show_request(reg, ref, today=TODAY)["clock_stopped"] == "fee"
    R.fee_paid(reg, OFFICER, ref, paid=D(2024, 6, 7), today=TODAY)
    shown = R.show_request(reg, ref, today=TODAY)
    # Wed 5 to Fri 7 June inclusive: three working days on top of 1 July.
    assert shown["due"] == "2024-07-04"
    assert shown["events"][0]["amount"] == 12.5


def test_public_interest_extension_keeps_the_notice_date(reg):
    ref = add(reg)
    R.extend(reg, OFFICER, ref, reason="public-interest", detail="s.31", today=TODAY)
    shown = R.show_request(reg, ref, today=TODAY)
    # 20 further working days from 1 July, skipping 12 July (a bank holiday in Northern Ireland).
    assert (shown["notice_due"], shown["due"]) == ("2024-07-01", "2024-07-30")


REFUSED_EVENTS = [
    ("clarified", {"received": D(2024, 6, 5)}, "none was asked for", "clarified without clarify"),
    ("fee_paid", {"paid": D(2024, 6, 5)}, "no fees notice", "paid without a fee"),
    ("clarify", {"sent": D(2024, 5, 1)}, "before the request was received", "before receipt"),
    ("clarify", {"sent": D(2024, 8, 2)}, "future", "in the future"),
    ("fee", {"sent": D(2024, 6, 5), "amount": "-3"}, "more than £0", "negative fee"),
    ("fee", {"sent": D(2024, 6, 5), "amount": "1.234"}, "penny", "fractions of a penny"),
    ("fee", {"sent": D(2024, 6, 5), "amount": "lots"}, "not an amount", "not a number"),
    ("extend", {"reason": "busy"}, "public-interest or complex", "unknown extension reason"),
    ("extend", {"reason": "complex"}, "complex extension applies", "complex is not for FOI"),
    ("extend", {"reason": "public-interest", "days": 0}, "at least one", "zero days"),
]  # fmt: skip


@pytest.mark.parametrize("func, kw, words, why", REFUSED_EVENTS, ids=[c[3] for c in REFUSED_EVENTS])
def test_impossible_clock_events_are_refused_and_nothing_is_written(reg, func, kw, words, why):
    ref = add(reg)
    before = snapshot(reg)
    with pytest.raises(FoikitError) as info:
        getattr(R, func)(reg, OFFICER, ref, today=TODAY, **kw)
    assert words in str(info.value), why
    assert snapshot(reg) == before


def test_a_subject_access_request_runs_in_calendar_months(reg):
    ref = add(reg, regime="sar", questions=[])
    assert R.show_request(reg, ref, today=TODAY)["due"] == "2024-07-03"  # one month
    R.extend(reg, OFFICER, ref, reason="complex", today=TODAY)
    assert R.show_request(reg, ref, today=TODAY)["due"] == "2024-09-03"  # three months


def test_an_eir_request_may_be_extended_as_complex(reg):
    ref = add(reg, regime="eir")
    R.extend(reg, OFFICER, ref, reason="complex", today=TODAY)
    # 40 working days from 3 June 2024, skipping 12 July (Northern Ireland).
    assert R.show_request(reg, ref, today=TODAY)["due"] == "2024-07-30"


# -- listing ----------------------------------------------------------------------------------


@pytest.fixture
def listed(reg):
    """Four requests seen on Friday 28 June 2024."""
    refs = {
        "overdue": add(reg, received=D(2024, 5, 1), handler="a.one"),  # due 30 May
        "due-monday": add(reg, received=D(2024, 6, 3), handler="b.two"),  # due 1 July
        "later": add(reg, received=D(2024, 6, 20), handler="a.one", regime="eir"),  # due 19 July
        "closed": answered_and_closed(reg, responded=D(2024, 6, 20)),
    }
    return refs


@pytest.mark.parametrize(
    "filters, expected, why",
    [
        ({}, ["overdue", "due-monday", "later", "closed"], "everything, in the order logged"),
        ({"open_only": True}, ["overdue", "due-monday", "later"], "open ones"),
        ({"overdue": True}, ["overdue"], "due before today"),
        ({"due_within": 1}, ["overdue", "due-monday"], "Monday is one working day away"),
        ({"due_within": 0}, ["overdue"], "nothing due today"),
        ({"handler": "a.one"}, ["overdue", "later"], "one officer's"),
        ({"regime": "eir"}, ["later"], "one regime"),
        ({"handler": "a.one", "open_only": True, "regime": "foi"}, ["overdue"], "combined"),
    ],
)
def test_list_filters(reg, listed, filters, expected, why):
    by_ref = {v: k for k, v in listed.items()}
    rows = R.list_requests(reg, today=D(2024, 6, 28), **filters)
    assert [by_ref[r["reference"]] for r in rows] == expected, why


def test_list_marks_overdue_and_due_soon(reg, listed):
    rows = {r["reference"]: r for r in R.list_requests(reg, open_only=True, today=D(2024, 6, 28))}
    assert rows[listed["overdue"]]["overdue"] is True
    assert rows[listed["due-monday"]]["due_soon"] is True
    assert rows[listed["due-monday"]]["working_days_left"] == 1
    assert rows[listed["later"]]["due_soon"] is False


def test_list_refuses_an_unknown_regime(reg):
    with pytest.raises(UnknownRegime):
        R.list_requests(reg, regime="nope")


def test_list_queries_use_the_indexes(reg):
    """The filters are index-backed SQL, not a Python loop over every row."""
    for sql, index in [
        ("SELECT * FROM requests WHERE status = 'open' AND due < ? ORDER BY due, id",
         "requests_open_due"),
        ("SELECT * FROM requests WHERE status = 'open' AND handler = ? ORDER BY id",
         "requests_handler"),
        ("SELECT * FROM requests WHERE status = 'open' AND regime = ? ORDER BY id",
         "requests_regime"),
    ]:  # fmt: skip
        plan = " ".join(r["detail"] for r in reg.query(f"EXPLAIN QUERY PLAN {sql}", ("x",)))
        assert index in plan, plan


# -- changes, publication, stale forms --------------------------------------------------------


def test_not_for_publication_flag(reg):
    ref = add(reg)
    R.set_publish(reg, OFFICER, ref, False)
    assert R.show_request(reg, ref, today=TODAY)["publish"] is False
    R.set_publish(reg, OFFICER, ref, True)
    assert R.show_request(reg, ref, today=TODAY)["publish"] is True


def test_every_change_bumps_the_version_and_a_stale_form_is_refused(reg):
    ref = add(reg)
    v1 = R.show_request(reg, ref, today=TODAY)["version"]
    R.answer_question(reg, OFFICER, ref, 1, text="x")
    v2 = R.show_request(reg, ref, today=TODAY)["version"]
    assert v2 > v1
    with pytest.raises(StaleRecord):
        R.update_request(reg, OFFICER, ref, handler="someone", expected_version=v1)
    assert R.update_request(reg, OFFICER, ref, handler="someone", expected_version=v2) == {
        "handler": "someone"
    }


def test_questions_can_be_added_while_open(reg):
    ref = add(reg)
    assert R.add_question(reg, OFFICER, ref, "And for 2020?") == 3


# -- the audit trail --------------------------------------------------------------------------


def test_every_change_is_audited_with_its_actor(reg):
    ref = add(reg, actor="logger")
    R.answer_question(reg, "answerer", ref, 1, text="x")
    R.answer_question(reg, "answerer", ref, 2, exemptions=[("40(2)", "Names.", None)])
    R.close_request(reg, "closer", ref, responded=D(2024, 6, 20), outcome="partially-withheld",
                    today=TODAY)  # fmt: skip
    rows = R.history(reg, ref)
    summary = [(h["actor"], h["summary"]) for h in rows]
    assert ("logger", "logged the request (foi, received 2024-06-03)") in summary
    assert ("logger", "the clock moved: due None → 2024-07-01") in summary
    assert ("answerer", "answered question 1: answered") in summary
    assert ("answerer", "relied on Personal data of third parties [40(2)]") in summary
    assert ("closer", "closed the request: partially-withheld, responded 2024-06-20") in summary
    assert [h["at"] for h in rows] == sorted(h["at"] for h in rows)


def test_history_does_not_repeat_the_requesters_personal_data(reg):
    ref = add(reg, requester_name="Private Person")
    text = repr(R.history(reg, ref))
    assert "Private Person" not in text and "a.requester@example.org" not in text
