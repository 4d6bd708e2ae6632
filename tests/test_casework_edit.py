"""Correcting a request (`request edit`), requesters as people, handlers from accounts, and the
smaller items of issue 21 (numbering not doubled, `|` address lines, the handler defaults to
the acting user, `request answer --today`)."""

from __future__ import annotations

import json

import pytest
from lifecycle_support import OFFICER, TODAY, add, fresh_register

from foikit.casework.edit import edit_request
from foikit.casework.lifecycle import (
    answer_question,
    close_request,
    history,
    requester_of,
    show_request,
)
from foikit.casework.requesters import merge_requesters
from foikit.errors import InvalidDate, InvalidRequest, QuestionNotFound, StaleRecord


@pytest.fixture
def reg(db_path):
    with fresh_register(db_path) as r:
        yield r


@pytest.fixture
def ok(invoke):
    def run(*args):
        result = invoke(*args)
        assert result.exit_code == 0, result.output
        return result.stdout

    return run


# -- edit: the clock recomputed, the history kept --------------------------------------------

# received, due, why
RECEIVED = [
    ("2024-05-31", "2024-06-28", "a Friday receipt: day one Monday 3 June (FOIA s.10(1))"),
    ("2024-05-24", "2024-06-24",
     "the late May bank holiday (27 May) is not a working day (s.10(6))"),
]  # fmt: skip


@pytest.mark.parametrize("received,due,why", RECEIVED, ids=[r[0] for r in RECEIVED])
def test_correcting_the_received_date_recomputes_the_due_date(reg, ok, received, due, why):
    ref = add(reg)
    before = show_request(reg, ref, today=TODAY)["due"]
    assert before == "2024-07-01"
    out = ok("request", "edit", ref, "--received", received, "--today", "2024-07-31")
    assert f"due 2024-07-01 -> {due}" in out, why
    shown = show_request(reg, ref, today=TODAY)
    assert (shown["received"], shown["due"]) == (received, due), why
    events = [h for h in history(reg, ref) if h["action"] in ("edit", "clock")]
    assert events, "the correction and the clock's recomputation are in the history"
    row = reg.one(
        "SELECT old, new FROM audit WHERE action = 'edit' AND table_name = 'requests'"
        " AND old IS NOT NULL ORDER BY id DESC LIMIT 1"
    )
    assert json.loads(row["old"])["received"] == "2024-06-03"
    assert json.loads(row["new"])["received"] == received


def test_edit_of_every_field_is_audited_before_and_after(reg, ok):
    ref = add(reg)
    ok(
        "request", "edit", ref, "--subject", "DHRs 2019-20", "--requester-name", "A. Requestor",
        "--requester-address", "1 High Street|Birmingham B1 1AA", "--question", "2",
        "Which ones were published?", "--add-question", "3. Who chairs the panel?",
        "--no-publish",
    )  # fmt: skip
    shown = show_request(reg, ref, today=TODAY)
    assert shown["subject"] == "DHRs 2019-20" and not shown["publish"]
    assert [q["text"] for q in shown["questions"]] == [
        "How many?",
        "Which ones were published?",
        "Who chairs the panel?",
    ], "a pasted `3.` is not kept: letters number questions themselves"
    person = requester_of(reg, ref)
    assert person["name"] == "A. Requestor"
    assert person["address"] == ["1 High Street", "Birmingham B1 1AA"]
    actions = {h["action"] for h in history(reg, ref)}
    assert {"edit", "edit-question", "add-question", "edit-requester"} <= actions
    q = reg.one("SELECT old, new FROM audit WHERE action = 'edit-question'")
    assert json.loads(q["old"]) == {"text": "Which ones?"}
    assert json.loads(q["new"]) == {"text": "Which ones were published?"}
    personal = reg.one("SELECT old, new FROM audit WHERE action = 'edit-requester'")
    assert "A. Requester" not in personal["old"], "personal data stays out of the audit trail"


def test_remove_question_unanswered_only_and_renumbers(reg):
    ref = add(reg, questions=["One?", "Two?", "Three?"])
    answer_question(reg, OFFICER, ref, 1, text="Yes.")
    with pytest.raises(InvalidRequest, match="has an answer"):
        edit_request(reg, OFFICER, ref, remove_questions=[1])
    edit_request(reg, OFFICER, ref, remove_questions=[2])
    assert [(q["number"], q["text"]) for q in show_request(reg, ref)["questions"]] == [
        (1, "One?"),
        (2, "Three?"),
    ]


# changes, error, why
REFUSED = [
    ({"received": "2024-08-01"}, "in the future", "a receipt after today (s.10(1))"),
    ({"subject": "  "}, "subject is empty", "a register entry needs a subject"),
    ({"questions": {9: "x"}}, "no question 9", "no such question"),
    ({"requester_email": "not-an-email"}, "is not valid", "an address for correspondence (s.8)"),
    ({"remove_questions": [1, 2]}, "no questions left", "a request is of something"),
]  # fmt: skip


@pytest.mark.parametrize("changes,error,why", REFUSED, ids=[r[1] for r in REFUSED])
def test_refused_edits_write_nothing(reg, changes, error, why):
    ref = add(reg)
    before = reg.scalar("SELECT COUNT(*) FROM audit")
    with pytest.raises((InvalidRequest, InvalidDate, QuestionNotFound), match=error):
        edit_request(reg, OFFICER, ref, today=TODAY, **changes)
    assert reg.scalar("SELECT COUNT(*) FROM audit") == before, why


def test_closed_request_needs_a_reason(reg, ok, invoke):
    ref = add(reg)
    answer_question(reg, OFFICER, ref, 1, text="Seven.")
    answer_question(reg, OFFICER, ref, 2, text="All.")
    close_request(reg, OFFICER, ref, responded="2024-06-20", outcome="granted-in-full",
                  today=TODAY)  # fmt: skip
    result = invoke("request", "edit", ref, "--requester-name", "B. Requester")
    assert result.exit_code == 1 and "needs --reason" in result.output
    ok("request", "edit", ref, "--requester-name", "B. Requester", "--reason", "misspelt")
    reason = reg.one("SELECT new FROM audit WHERE action = 'edit' AND old IS NULL")
    assert json.loads(reason["new"])["reason"] == "misspelt"


def test_stale_edit_is_refused(reg):
    ref = add(reg)
    version = show_request(reg, ref)["version"]
    edit_request(reg, OFFICER, ref, subject="New", expected_version=version)
    with pytest.raises(StaleRecord):
        edit_request(reg, OFFICER, ref, subject="Other", expected_version=version)


# -- requesters as people ---------------------------------------------------------------------


def test_two_spellings_one_email_are_one_requester(reg, ok):
    a = add(reg, requester_name="Daniel Okafor", requester_email="D.Okafor@Example.org")
    b = add(reg, requester_name="Dan Okafor", requester_email="d.okafor@example.org")
    ids = {r["requester_id"] for r in reg.query("SELECT requester_id FROM requests")}
    assert len(ids) == 1, "matched by email, case ignored"
    shown = json.loads(ok("requesters", "show", a, "--json"))
    assert [r["reference"] for r in shown["requests"]] == [a, b]
    assert reg.one("SELECT actor FROM audit WHERE action = 'read'")["actor"] == "test.officer"


# first, second, same, why
POST = [
    (("Ann Lee", ["1 High St", "Dudley DY1 1AA"]), ("ann lee", ["1 High St.", "DUDLEY DY1 1AA"]),
     True, "post: name and address with case and punctuation ignored"),
    (("Ann Lee", ["1 High St", "Dudley DY1 1AA"]), ("Ann Lee", ["9 Low Rd", "Walsall WS1 1AA"]),
     False, "same name, another address: another person (never matched by name alone)"),
]  # fmt: skip


@pytest.mark.parametrize("first,second,same,why", POST, ids=[p[3][:20] for p in POST])
def test_postal_requesters_match_on_name_and_address(reg, first, second, same, why):
    for name, address in (first, second):
        add(reg, requester_name=name, requester_email=None, requester_address=address)
    ids = {r["requester_id"] for r in reg.query("SELECT requester_id FROM requests")}
    assert (len(ids) == 1) is same, why


def test_merge_moves_requests_and_is_audited(reg, ok):
    a = add(reg, requester_name="Jo Bloggs", requester_email="jo@example.org")
    b = add(reg, requester_name="Joanne Bloggs", requester_email="joanne@example.net")
    keep = reg.scalar("SELECT requester_id FROM requests WHERE reference = ?", (a,))
    other = reg.scalar("SELECT requester_id FROM requests WHERE reference = ?", (b,))
    out = ok("requesters", "merge", str(keep), str(other))
    assert "1 request(s) moved" in out
    assert reg.scalar("SELECT COUNT(DISTINCT requester_id) FROM requests") == 1
    assert reg.scalar("SELECT COUNT(*) FROM requesters") == 1
    assert any(h["action"] == "merge-requester" for h in history(reg, b))
    with pytest.raises(InvalidRequest, match="same record"):
        merge_requesters(reg, OFFICER, keep, keep)


def test_requesters_list_json(reg, ok, invoke):
    add(reg, requester_name="Jo Bloggs", requester_email="jo@example.org")
    rows = json.loads(ok("requesters", "list", "--json"))
    assert rows[0]["name"] == "Jo Bloggs" and rows[0]["requests"] == 1
    result = invoke("requesters", "show", "999")
    assert result.exit_code == 1 and result.output.startswith("Error: no requester '999'")


# -- handlers and reviewers from accounts -----------------------------------------------------

# handler, accounts, ok, why
HANDLERS = [
    ("anyone", False, "anyone", "a CLI-only register without accounts takes names as given"),
    ("J.Smith", True, "j.smith", "an account, matched without case, stored as spelt"),
    ("j.smiht", True, None, "a misspelling is refused once there are accounts"),
    ("gone.away", True, None, "a disabled account cannot be given work"),
]  # fmt: skip


@pytest.mark.parametrize("handler,accounts,stored,why", HANDLERS, ids=[h[3][:24] for h in HANDLERS])
def test_handlers_are_active_accounts(reg, handler, accounts, stored, why):
    from foikit.register.users import add_user, set_active

    if accounts:
        add_user(reg, "j.smith", "officer", "a long enough password 1", actor="admin")
        add_user(reg, "gone.away", "officer", "a long enough password 2", actor="admin")
        set_active(reg, "gone.away", False, actor="admin")
    if stored is None:
        with pytest.raises(InvalidRequest, match="active account"):
            add(reg, handler=handler)
    else:
        assert show_request(reg, add(reg, handler=handler))["handler"] == stored, why


# -- the smaller items ------------------------------------------------------------------------


def test_pasted_numbering_is_not_doubled(reg, ok):
    ref = add(reg, questions=["1. How many DHRs?", "2) Which CSPs?"])
    assert [q["text"] for q in show_request(reg, ref)["questions"]] == [
        "How many DHRs?",
        "Which CSPs?",
    ]


def test_address_with_pipes_is_lines(reg, ok):
    ref = ok(
        "request", "add", "--received", "2024-06-03", "--subject", "DHRs", "--requester-name",
        "A Person", "--requester-address", "1 High Street | Birmingham | B1 1AA",
        "--question", "How many?", "--today", "2024-07-31",
    ).strip()  # fmt: skip
    assert requester_of(reg, ref)["address"] == ["1 High Street", "Birmingham", "B1 1AA"]


def test_handler_defaults_to_the_acting_user(reg, ok):
    ref = ok(
        "request", "add", "--received", "2024-06-03", "--subject", "DHRs", "--requester-name",
        "A Person", "--requester-email", "a@example.org", "--question", "How many?",
        "--by", "k.officer", "--today", "2024-07-31",
    ).strip()  # fmt: skip
    assert show_request(reg, ref)["handler"] == "k.officer"


def test_answer_today_records_the_date(reg, ok):
    ref = add(reg)
    ok("request", "answer", ref, "1", "--text", "Seven.", "--today", "2024-06-10")
    assert show_request(reg, ref)["questions"][0]["answered_at"][:10] == "2024-06-10"


def test_imports_check_handlers_against_accounts(reg, tmp_path):
    """Once the register has accounts, an imported handler must be one (issue 17)."""
    import csv

    from foikit.records.importer import RowsRejected, import_csv
    from foikit.register.users import add_user

    add_user(reg, "j.smith", "officer", "a long enough password 1", actor="admin")
    row = {"received": "2024-06-05", "subject": "A subject", "requester_name": "A Person",
           "requester_email": "a@example.org", "question_1": "A question?"}  # fmt: skip
    path = tmp_path / "old.csv"
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=[*row, "handler"])
        writer.writeheader()
        writer.writerow({**row, "handler": "J.SMITH"})
        writer.writerow({**row, "subject": "Another subject", "handler": "left.years.ago"})
    with pytest.raises(RowsRejected) as info:
        import_csv(reg, "importer", path, today=TODAY)
    assert [p.row for p in info.value.report.problems] == [3]
    assert "is not an account" in info.value.report.problems[0].message


def test_a_letter_as_received_is_kept_and_shown(reg, ok, invoke, tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text("Dear Sir,\n1. How many DHRs?\nYours faithfully,\nA Person\n", "utf-8")
    ref = ok(
        "request", "add", "--received", "2024-06-03", "--subject", "DHRs", "--requester-name",
        "A Person", "--requester-address", "1 High St|Dudley", "--question", "1. How many DHRs?",
        "--as-received", letter, "--channel", "post", "--today", "2024-07-31",
    ).strip()  # fmt: skip
    shown = json.loads(ok("request", "show", ref, "--json"))
    assert shown["as_received"] == {"text": letter.read_text(), "source": "letter"}
    assert shown["questions"][0]["text"] == "How many DHRs?"
    bad = invoke("request", "add", "--received", "2024-06-03", "--subject", "x",
                 "--requester-name", "A", "--requester-email", "a@example.org",
                 "--question", "q", "--as-received", tmp_path / "missing.txt")  # fmt: skip
    assert bad.exit_code == 1 and bad.output.startswith("Error: no file")
