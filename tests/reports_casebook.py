"""The hand-counted casebook behind the statistics and report tests.

Ten requests received from January to April 2024, each chosen for one counting rule, made
through the real lifecycle (foikit.casework.lifecycle, reviews, ico). The expected figures in
test_stats.py were counted by hand from this table, not computed by foikit.
Responses are placed relative to the due date the clock gives (well before it, on it, or after
it), so the cases stay right whatever the bank holidays of 2024 do to the due dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

TODAY = dt.date(2024, 5, 1)
ACTOR = "casebook.officer"


@dataclass(frozen=True)
class Case:
    key: str
    why: str
    received: str
    handler: str
    outcome: str | None = None  # None: still open on TODAY
    respond: str = ""  # early | on-due | late | late-without-extension
    answers: tuple[tuple, ...] = ()  # ("text", ...) | ("not-held",) | ("exempt", section)
    extend: bool = False  # s.10(3) public interest extension
    review: tuple[str, str, str] | None = None  # (received, decided, outcome)
    ico: str | None = None  # date of the ICO complaint
    second_response: str | None = None  # after an overturned review: granted in full that day


CASES = (
    Case(
        "A",
        "answered well inside 20 working days",
        "2024-01-08",
        "alex",
        "granted-in-full",
        "early",
        (("text", "Yes."),),
    ),
    Case(
        "B",
        "answered after the due date: late",
        "2024-01-15",
        "alex",
        "partially-withheld",
        "late",
        (("text", "Some."), ("exempt", "40(2)")),
    ),
    Case(
        "J",
        "withheld, the review (decided late) overturns it; answered again in time",
        "2024-01-22",
        "bea",
        "withheld-in-full",
        "early",
        (("exempt", "21"),),
        review=("2024-02-05", "2024-03-06", "overturned"),
        second_response="2024-03-27",
    ),
    Case(
        "C",
        "late against 20 days but in time with a public interest extension",
        "2024-02-05",
        "bea",
        "withheld-in-full",
        "late-without-extension",
        (("exempt", "31(1)(a)"),),
        extend=True,
    ),
    Case("D", "withdrawn: no response to time", "2024-02-12", "bea", "withdrawn", "early"),
    Case(
        "E",
        "s.12 refusal in time; the review upholds it in time",
        "2024-03-04",
        "alex",
        "withheld-in-full",
        "early",
        (("exempt", "12"),),
        review=("2024-04-10", "2024-04-24", "upheld"),
    ),
    Case(
        "F",
        "s.14 refusal sent late; the review partly upholds it; the requester goes to the ICO",
        "2024-03-05",
        "bea",
        "withheld-in-full",
        "late",
        (("exempt", "14(1)"),),
        review=("2024-04-22", "2024-04-30", "partly-upheld"),
        ico="2024-04-29",
    ),
    Case(
        "G",
        "answered on the due date itself: in time",
        "2024-03-11",
        "alex",
        "not-held",
        "on-due",
        (("not-held",),),
    ),
    Case("H", "still open and already overdue on 1 May 2024", "2024-03-25", "bea"),
    Case("I", "still open, not yet due", "2024-04-22", "alex", answers=(("text", "-"),)),
)


def _due(reg, reference: str) -> dt.date:
    return dt.date.fromisoformat(
        reg.scalar("SELECT due FROM requests WHERE reference = ?", (reference,))
    )


def _respond_on(case: Case, due: dt.date, received: dt.date, original_due: dt.date) -> dt.date:
    if case.respond == "early":
        return received + dt.timedelta(days=7)
    if case.respond == "on-due":
        return due
    if case.respond == "late":
        return due + dt.timedelta(days=6)
    if case.respond == "late-without-extension":
        return original_due + dt.timedelta(days=6)
    raise ValueError(case.respond)


def _answer(reg, reference: str, number: int, answer: tuple) -> None:
    from foikit.casework.lifecycle import answer_question

    if answer[0] == "text":
        answer_question(reg, ACTOR, reference, number, text=answer[1])
    elif answer[0] == "not-held":
        answer_question(reg, ACTOR, reference, number, not_held=True)
    else:
        # Only a qualified exemption carries the public interest test (FOIA s.2, s.17(3)).
        public_interest = (
            "For: openness. Against: prejudice to the prevention of crime. Balance: withhold."
            if answer[1] == "31(1)(a)"
            else None
        )
        answer_question(
            reg,
            ACTOR,
            reference,
            number,
            exemptions=((answer[1], "Why it applies.", public_interest),),
        )


def build_casebook(reg) -> dict[str, str]:
    """Log, answer, extend, close, review and complain, as officers would; returns the refs."""
    from foikit.casework.ico import open_complaint
    from foikit.casework.lifecycle import add_request, close_request, extend
    from foikit.casework.reviews import close_review, open_review

    refs: dict[str, str] = {}
    for case in CASES:
        received = dt.date.fromisoformat(case.received)
        ref = add_request(
            reg,
            ACTOR,
            received=received,
            subject=f"Case {case.key}: {case.why}",
            questions=[f"Question {n}" for n in range(1, len(case.answers) + 1)],
            requester_name=f"Requester {case.key}",
            requester_email=f"{case.key.lower()}@example.org",
            handler=case.handler,
            channel="email",
            today=TODAY,
        )
        refs[case.key] = ref
        original_due = _due(reg, ref)
        if case.extend:
            extend(reg, ACTOR, ref, reason="public-interest", on=received, today=TODAY)
        for number, answer in enumerate(case.answers, start=1):
            _answer(reg, ref, number, answer)
        if case.outcome is None:
            continue
        responded = _respond_on(case, _due(reg, ref), received, original_due)
        close_request(reg, ACTOR, ref, responded=responded, outcome=case.outcome, today=TODAY)
        if case.review:
            rv_received, decided, outcome = case.review
            open_review(reg, ACTOR, ref, received=rv_received, reviewer="rev.iewer", today=TODAY)
            promise = (
                {"release": "the rest", "release_by": decided} if outcome == "partly-upheld" else {}
            )
            close_review(
                reg, "rev.iewer", ref, decided=decided, outcome=outcome, today=TODAY, **promise
            )
        if case.second_response:
            for number in range(1, len(case.answers) + 1):
                _answer(reg, ref, number, ("text", "Released after review."))
            close_request(
                reg,
                ACTOR,
                ref,
                responded=case.second_response,
                outcome="granted-in-full",
                today=TODAY,
            )
        if case.ico:
            open_complaint(
                reg,
                ACTOR,
                ref,
                case_reference=f"IC-{case.key}-0001",
                complained=case.ico,
                today=TODAY,
            )
    return refs


def make_casebook_db(path) -> None:
    """A register file holding the casebook (built once per test module: it only gets read)."""
    from foikit.register import Register
    from foikit.register.init import init_register

    init_register(path, load_facts=True, actor="test.setup")
    with Register(path) as reg:
        build_casebook(reg)
