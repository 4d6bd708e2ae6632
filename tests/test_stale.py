"""Two officers at once: a change made from an older copy of a request is refused, not written.

Every lifecycle function takes `expected_version`, checked inside the transaction that writes
(BEGIN IMMEDIATE), so nothing can change the request between the check and the write: not
another officer's form, not the CLI, not another process. The staff forms pass their version.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lifecycle_support import OFFICER, TODAY, add, fresh_register

from foikit.casework import ico, reviews
from foikit.casework import lifecycle as R
from foikit.errors import StaleRecord
from foikit.register import Register
from foikit.register.users import add_user
from foikit.staff import actions as staff_actions

D = dt.date
OTHER = "o.other"  # the colleague whose change makes the form stale
REVIEWER = "r.reviewer"

TABLES = (
    "audit",
    "requesters",
    "requests",
    "questions",
    "answers",
    "answer_exemptions",
    "clock_events",
    "reviews",
    "ico_cases",
)


def everything(reg: Register) -> dict[str, list[tuple]]:
    """Every row of every table a lifecycle change could write, to prove nothing was."""
    return {
        t: [tuple(r.values()) for r in reg.query(f"SELECT * FROM [{t}] ORDER BY rowid")]
        for t in TABLES
    }


def version(reg: Register, ref: str) -> int:
    return int(reg.scalar("SELECT version FROM requests WHERE reference = ?", (ref,)))


# -- the states each change starts from ------------------------------------------------------


def open_request(reg: Register) -> str:
    return add(reg)


def answered(reg: Register) -> str:
    ref = add(reg)
    R.answer_all(reg, OFFICER, ref, text="Seven.")
    return ref


def clarifying(reg: Register) -> str:
    ref = add(reg)
    R.clarify(reg, OFFICER, ref, sent=D(2024, 6, 4), today=TODAY)
    return ref


def subject_access(reg: Register) -> str:
    return add(reg, regime="sar")


def identity_asked(reg: Register) -> str:
    ref = add(reg, regime="sar")
    R.identity_requested(reg, OFFICER, ref, sent=D(2024, 6, 4), today=TODAY)
    return ref


def fee_asked(reg: Register) -> str:
    ref = add(reg)
    R.fee(reg, OFFICER, ref, sent=D(2024, 6, 4), amount="25.00", today=TODAY)
    return ref


def closed(reg: Register) -> str:
    ref = answered(reg)
    R.close_request(
        reg, OFFICER, ref, responded=D(2024, 6, 20), outcome="granted-in-full", today=TODAY
    )
    return ref


def in_review(reg: Register) -> str:
    ref = closed(reg)
    reviews.open_review(reg, OFFICER, ref, received=D(2024, 6, 25), reviewer=REVIEWER, today=TODAY)
    return ref


def at_the_ico(reg: Register) -> str:
    ref = closed(reg)
    ico.open_complaint(
        reg, OFFICER, ref, case_reference="IC-123456", complained=D(2024, 7, 1), today=TODAY
    )
    return ref


Change = Callable[[Register, str, int], Any]

CASES: list[tuple[str, Callable[[Register], str], Change]] = [
    (
        "add_question",
        open_request,
        lambda reg, ref, v: R.add_question(reg, OFFICER, ref, "And when?", expected_version=v),
    ),
    (
        "answer_question",
        open_request,
        lambda reg, ref, v: R.answer_question(
            reg, OFFICER, ref, 1, text="Six.", expected_version=v
        ),
    ),
    (
        "answer_all",
        open_request,
        lambda reg, ref, v: R.answer_all(reg, OFFICER, ref, not_held=True, expected_version=v),
    ),
    (
        "close_request",
        answered,
        lambda reg, ref, v: R.close_request(
            reg,
            OFFICER,
            ref,
            responded=D(2024, 6, 20),
            outcome="granted-in-full",
            today=TODAY,
            expected_version=v,
        ),  # fmt: skip
    ),
    (
        "clarify",
        open_request,
        lambda reg, ref, v: R.clarify(
            reg, OFFICER, ref, sent=D(2024, 6, 4), today=TODAY, expected_version=v
        ),
    ),
    (
        "clarified",
        clarifying,
        lambda reg, ref, v: R.clarified(
            reg, OFFICER, ref, received=D(2024, 6, 10), today=TODAY, expected_version=v
        ),
    ),
    (
        "fee",
        open_request,
        lambda reg, ref, v: R.fee(
            reg, OFFICER, ref, sent=D(2024, 6, 4), amount="25.00", today=TODAY, expected_version=v
        ),
    ),
    (
        "fee_paid",
        fee_asked,
        lambda reg, ref, v: R.fee_paid(
            reg, OFFICER, ref, paid=D(2024, 6, 10), today=TODAY, expected_version=v
        ),
    ),
    (
        "extend",
        open_request,
        lambda reg, ref, v: R.extend(
            reg, OFFICER, ref, reason="public-interest", today=TODAY, expected_version=v
        ),
    ),
    (
        "set_publish",
        open_request,
        lambda reg, ref, v: R.set_publish(reg, OFFICER, ref, False, expected_version=v),
    ),
    (
        "update_request",
        open_request,
        lambda reg, ref, v: R.update_request(reg, OFFICER, ref, subject="DHRs", expected_version=v),
    ),
    (
        "open_review",
        closed,
        lambda reg, ref, v: reviews.open_review(
            reg,
            OFFICER,
            ref,
            received=D(2024, 6, 25),
            reviewer=REVIEWER,
            today=TODAY,
            expected_version=v,
        ),  # fmt: skip
    ),
    (
        "extend_review",
        in_review,
        lambda reg, ref, v: reviews.extend_review(
            reg, REVIEWER, ref, reason="complex", expected_version=v
        ),
    ),
    (
        "close_review",
        in_review,
        lambda reg, ref, v: reviews.close_review(
            reg,
            REVIEWER,
            ref,
            decided=D(2024, 7, 10),
            outcome="upheld",
            today=TODAY,
            expected_version=v,
        ),  # fmt: skip
    ),
    (
        "open_complaint",
        closed,
        lambda reg, ref, v: ico.open_complaint(
            reg,
            OFFICER,
            ref,
            case_reference="IC-123456",
            complained=D(2024, 7, 1),
            today=TODAY,
            expected_version=v,
        ),  # fmt: skip
    ),
    (
        "decide",
        at_the_ico,
        lambda reg, ref, v: ico.decide(
            reg,
            OFFICER,
            ref,
            decided=D(2024, 7, 20),
            decision="not-upheld",
            today=TODAY,
            expected_version=v,
        ),  # fmt: skip
    ),
]
IDS = [name for name, _, _ in CASES]


@pytest.fixture
def reg(db_path: Path):
    with fresh_register(db_path) as r:
        yield r


def made_stale(reg: Register, ref: str) -> int:
    """The version an officer's form was made from, before a colleague changed the request."""
    before = version(reg, ref)
    R.update_request(reg, OTHER, ref, notes="Checked with the requester by phone.")
    assert version(reg, ref) > before
    return before


@pytest.mark.parametrize("name, start, change", CASES, ids=IDS)
def test_a_stale_version_is_refused_and_nothing_is_written(reg, name, start, change):
    ref = start(reg)
    stale = made_stale(reg, ref)
    before = everything(reg)
    with pytest.raises(StaleRecord) as refused:
        change(reg, ref, stale)
    message = str(refused.value)
    assert re.search(rf"{ref} was changed by {OTHER} at \d\d:\d\d UTC on \d{{4}}-", message), (
        f"{name}: the refusal names who changed it and when"
    )
    assert "not saved" in message, name
    assert everything(reg) == before, f"{name}: no row changed, no audit row written"


@pytest.mark.parametrize("name, start, change", CASES, ids=IDS)
def test_the_current_version_is_accepted(reg, name, start, change):
    ref = start(reg)
    made_stale(reg, ref)
    current = version(reg, ref)
    audit_rows = reg.scalar("SELECT count(*) FROM audit")
    change(reg, ref, current)
    assert version(reg, ref) > current, f"{name}: the change bumps the version"
    assert reg.scalar("SELECT count(*) FROM audit") > audit_rows, f"{name}: and is audited"


def test_no_expected_version_means_no_check(reg):
    """The CLI works on the register as it is, so it passes none."""
    ref = add(reg)
    made_stale(reg, ref)
    R.answer_question(reg, OFFICER, ref, 1, text="Seven.")
    assert reg.scalar("SELECT text FROM answers") == "Seven."


# -- two officers, two connections to the same file ------------------------------------------


def test_two_officers_on_two_connections(db_path):
    """Both open the request at the same version; the first to save wins, the second is
    refused while the first officer's transaction still holds the write lock, and sees why."""
    with fresh_register(db_path) as setup:
        ref = add(setup)
    with Register(db_path) as olive, Register(db_path) as oscar:
        seen = version(olive, ref)
        assert version(oscar, ref) == seen

        outcome: dict[str, Any] = {}
        with oscar.transaction("oscar") as tx:
            # Oscar is mid-save (holding the write lock) when Olive presses Save.
            row = R.get_request_row(oscar, ref)
            R.check_version(oscar, row, seen)
            tx.insert(
                "questions",
                {"request_id": row["id"], "number": 3, "text": "Oscar's question."},
                request_id=row["id"],
                action="add-question",
            )
            R.touch(tx, row["id"])

            def olive_saves() -> None:
                # sqlite3 connections belong to their thread: Olive's browser opens her own.
                with Register(db_path) as mine:
                    try:
                        R.answer_question(
                            mine, "olive", ref, 1, text="Olive's answer.", expected_version=seen
                        )
                        outcome["saved"] = True
                    except StaleRecord as e:
                        outcome["refused"] = str(e)

            olive_thread = threading.Thread(target=olive_saves)
            olive_thread.start()
            olive_thread.join(0.3)
            assert olive_thread.is_alive(), "Olive's save waits for Oscar's transaction"
        olive_thread.join(10)

        assert "saved" not in outcome
        assert "changed by oscar" in outcome["refused"]
        assert olive.scalar("SELECT count(*) FROM answers") == 0, "Olive's answer not written"
        assert olive.scalar("SELECT text FROM questions WHERE number = 3") == "Oscar's question."
        assert olive.scalar("SELECT count(*) FROM audit WHERE actor = 'olive'") == 0

        # Olive reloads, sees Oscar's change, and saves against the version she now has.
        R.answer_question(
            olive, "olive", ref, 1, text="Olive's answer.", expected_version=version(olive, ref)
        )
        assert oscar.scalar("SELECT text FROM answers") == "Olive's answer."


# -- the staff forms pass their version through ----------------------------------------------

STAFF_CASES: list[tuple[str, Callable[[Register], str], dict[str, str], str]] = [
    ("answer", open_request, {"number": "1", "text": "Six."}, OFFICER),
    ("clarify", open_request, {"sent": "2024-06-04"}, OFFICER),
    ("clarified", clarifying, {"received": "2024-06-10"}, OFFICER),
    ("fee", open_request, {"sent": "2024-06-04", "amount": "25.00"}, OFFICER),
    ("fee-paid", fee_asked, {"paid": "2024-06-10"}, OFFICER),
    ("extend", open_request, {"reason": "public-interest"}, OFFICER),
    ("close", answered, {"responded": "2024-06-20", "outcome": "granted-in-full"}, OFFICER),
    ("review-open", closed, {"received": "2024-06-25", "reviewer": REVIEWER}, OFFICER),
    ("review-close", in_review, {"decided": "2024-07-10", "outcome": "upheld"}, REVIEWER),
    ("review-extend", in_review, {"reasons": "complex"}, REVIEWER),
    ("redact", closed, {"phrase": "PC Davies", "do": "redact"}, OFFICER),
    ("edit", open_request, {"subject": "Corrected subject"}, OFFICER),
    ("id-requested", subject_access, {"sent": "2024-06-04"}, OFFICER),
    ("id-received", identity_asked, {"received": "2024-06-10"}, OFFICER),
]


def test_every_staff_action_is_in_the_table():
    assert sorted(name for name, *_ in STAFF_CASES) == sorted(staff_actions.ACTIONS)


def form(fields: dict[str, str], token: str) -> dict[str, list[str]]:
    return {**{k: [v] for k, v in fields.items()}, "version": [token]}


@pytest.mark.parametrize("name, start, fields, actor", STAFF_CASES, ids=[c[0] for c in STAFF_CASES])
def test_each_staff_form_is_checked_in_the_transaction(reg, name, start, fields, actor):
    """No freshness check before the call: the library's own transaction refuses it."""
    add_user(reg, REVIEWER, "reviewer", "a long enough password", actor="test.setup")
    # handlers are accounts once the register has any (issue 17)
    add_user(reg, OFFICER, "officer", "a long enough password", actor="test.setup")
    ref = start(reg)
    stale = made_stale(reg, ref)
    before = everything(reg)
    action = staff_actions.ACTIONS[name]
    with pytest.raises(StaleRecord, match=f"changed by {OTHER}"):
        action.run(reg, ref, form(fields, str(stale)), actor, TODAY)
    assert everything(reg) == before, name

    current = version(reg, ref)
    action.run(reg, ref, form(fields, str(current)), actor, TODAY)
    assert version(reg, ref) > current, name


@pytest.mark.parametrize(
    "token, why",
    [
        ("", "no version at all"),
        ("latest", "not a number"),
        ("-1", "not a version the register gives"),
    ],
)
def test_a_staff_form_without_a_usable_version_is_refused(reg, token, why):
    ref = add(reg)
    before = everything(reg)
    with pytest.raises(StaleRecord, match="which version"):
        staff_actions.ACTIONS["answer"].run(
            reg, ref, form({"number": "1", "text": "x"}, token), OFFICER, TODAY
        )
    assert everything(reg) == before, why
