"""Issue 21: subject access identity verification as a clock event (UK GDPR Art 12(3), Art 12A).

While identity evidence is awaited the request waits (like clarification); when it arrives, the
"relevant time", the one-month time limit RESTARTS from that day: to the corresponding date (the
last day of the month where there is none), then off a non-working day of the authority's own
nation. A clarification instead pauses the month and adds the days paused. FOI and EIR requests
are refused: they do not depend on who asks.

Dates are worked by hand; the calendar is the `holidays` package's (England for subject access).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from test_staff import PASSWORD, STAFF, TEMPLATES, Session, text_of

from foikit.clock.rules import ClockEvent, ClockEventError, request_deadline
from foikit.clock.workdays import Calendar
from foikit.register import Register
from foikit.register.users import add_user


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return Calendar.from_package(range(2023, 2028))


def _events(*pairs: tuple[str, str]) -> list[ClockEvent]:
    return [ClockEvent(kind, d(day)) for kind, day in pairs]


CLOCK = [
    ("month-end", "2025-01-10", [("id-requested", "2025-01-13"), ("id-received", "2025-01-31")],
     "2025-02-28", None,
     "Art 12A: the month runs from the relevant time, 31 January; Art 12(3) read with the "
     "corresponding date rule: no 31 February, so the last day of February"),
    ("month-end-leap-year", "2024-01-10",
     [("id-requested", "2024-01-12"), ("id-received", "2024-01-31")], "2024-02-29", None,
     "as above in a leap year: 29 February"),
    ("bank-holiday", "2025-04-01", [("id-requested", "2025-04-02"), ("id-received", "2025-04-05")],
     "2025-05-06", None,
     "Art 12(3), ICO SAR guidance: 5 May 2025 is the Early May bank holiday, so the next "
     "working day"),
    ("christmas", "2025-11-03", [("id-requested", "2025-11-04"), ("id-received", "2025-11-25")],
     "2025-12-29", None,
     "25 December: Christmas Day, Boxing Day and a weekend, so Monday 29 December"),
    ("own-nation", "2025-10-01", [("id-requested", "2025-10-02"), ("id-received", "2025-10-30")],
     "2025-12-01", None,
     "30 November 2025 is a Sunday; St Andrew's Day's substitute (1 December) is Scotland's, "
     "not the authority's own nation, so Monday 1 December stands"),
    ("restarts-not-pauses", "2025-01-10",
     [("id-requested", "2025-01-12"), ("id-received", "2025-01-31")], "2025-02-28", None,
     "Art 12A: identity evidence restarts the month from its receipt..."),
    ("clarification-pauses", "2025-01-10", [("clarify", "2025-01-12"), ("clarified", "2025-01-31")],
     "2025-03-03", None,
     "...while a clarification (Art 12A) adds the 20 days paused to the original month "
     "(10 February + 20 = 2 March, a Sunday)"),
    ("waiting", "2025-01-10", [("id-requested", "2025-01-13")], None, "identity evidence",
     "Art 12A: until the evidence arrives there is no relevant time, so no due date"),
    ("asked-twice", "2025-01-10",
     [("id-requested", "2025-01-13"), ("id-requested", "2025-01-20"),
      ("id-received", "2025-02-03")], "2025-03-03", None,
     "asking again while waiting changes nothing; 3 March from 3 February"),
    ("received-unasked", "2025-01-10",
     [("id-received", "2025-01-10")], None, "error",
     "evidence received when none was asked for is refused"),
    ("clarify-while-waiting", "2025-01-10",
     [("id-requested", "2025-01-13"), ("clarify", "2025-01-14")], None, "error",
     "the clock is already stopped for the identity evidence"),
]  # fmt: skip


@pytest.mark.parametrize(
    "received, events, due, stopped, why",
    [c[1:] for c in CLOCK],
    ids=[c[0] for c in CLOCK],
)
def test_identity_evidence_sets_the_relevant_time(cal, received, events, due, stopped, why):
    if stopped == "error":
        with pytest.raises(ClockEventError):
            request_deadline(d(received), "sar", _events(*events), cal)
        return
    deadline = request_deadline(d(received), "sar", _events(*events), cal)
    assert (deadline.due.isoformat() if deadline.due else None) == due, why
    assert deadline.stopped == stopped, why


@pytest.mark.parametrize(
    "regime, why",
    [("foi", "FOIA: a request is answered whoever makes it (applicant-blind)"),
     ("eir", "EIR: the same"),
     ("sar-extended", "an extended subject access request is still subject access")],
)  # fmt: skip
def test_identity_evidence_belongs_to_subject_access(cal, regime, why):
    events = _events(("id-requested", "2025-01-13"))
    if regime.startswith("sar"):
        assert request_deadline(d("2025-01-10"), regime, events, cal).stopped, why
        return
    with pytest.raises(ClockEventError, match="subject access requests only"):
        request_deadline(d("2025-01-10"), regime, events, cal)


def _add(invoke, regime: str) -> str:
    result = invoke(
        "request", "add", "--received", "2025-01-10", "--regime", regime, "--subject",
        "My records", "--requester-name", "A Person", "--requester-email",
        "a.person@example.org", "--question", "All you hold about me.", "--today", "2025-01-10",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def test_the_commands_wait_then_restart_the_month(register, invoke):
    ref = _add(invoke, "sar")
    result = invoke(
        "request", "id-requested", ref, "--sent", "2025-01-13", "--detail", "Photo ID",
        "--today", "2025-01-13", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert (shown["due"], shown["clock_stopped"]) == (None, "identity evidence")
    weekly = json.loads(invoke("weekly", "--today", "2025-01-24", "--json").output)
    waiting = [w for w in weekly["waiting"] if w["reference"] == ref]
    assert len(waiting) == 1 and "identity evidence asked for on 2025-01-13" in waiting[0]["detail"]
    assert "UK GDPR Art 12A" in waiting[0]["detail"]
    result = invoke("request", "id-received", ref, "--received", "2025-01-31", "--today",
                    "2025-01-31")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"{ref}: due 2025-02-28"
    weekly = json.loads(invoke("weekly", "--today", "2025-02-21", "--json").output)
    assert [w["due"] for w in weekly["due_next_week"] if w["reference"] == ref] == ["2025-02-28"]


@pytest.mark.parametrize(
    "regime, command, why",
    [("foi", "id-requested", "FOIA is applicant-blind: no identity step"),
     ("eir", "id-requested", "the EIR likewise"),
     ("foi", "id-received", "nor evidence received for an FOI request")],
)  # fmt: skip
def test_refused_for_foi_and_eir_with_one_error_line(register, invoke, regime, command, why):
    ref = _add(invoke, regime)
    before = register.one("SELECT due, version FROM requests WHERE reference = ?", (ref,))
    option = "--sent" if command == "id-requested" else "--received"
    result = invoke("request", command, ref, option, "2025-01-13", "--today", "2025-01-13")
    assert result.exit_code == 1, why
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "subject access" in lines[0], why
    assert register.one("SELECT due, version FROM requests WHERE reference = ?", (ref,)) == before
    events = register.scalar(
        "SELECT COUNT(*) FROM clock_events e JOIN requests r ON r.id = e.request_id"
        " WHERE r.reference = ?",
        (ref,),
    )
    assert events == 0, "nothing half-written"


async def test_the_staff_request_page_records_identity_evidence(db_path, tmp_path):
    from foikit.register.init import init_register
    from foikit.staff import make_staff_datasette

    init_register(db_path, load_facts=True, actor="test.setup")  # with the bank holidays
    with Register(db_path) as reg:
        for name, role in STAFF.items():
            add_user(reg, name, role, PASSWORD, actor="test.setup")
    shutil.rmtree(tmp_path / "responses", ignore_errors=True)
    ds = make_staff_datasette(
        db_path,
        secret="test-secret",
        responses_dir=tmp_path / "responses",
        disclosure_path=tmp_path / "disclosure.db",
        templates_dir=TEMPLATES,
        today=dt.date(2025, 2, 3),
    )
    await ds.invoke_startup()
    s = Session(ds.app())
    try:
        assert (await s.login("olive")).status_code == 302
        form = {"received": "2025-01-10", "regime": "sar", "subject": "My records",
                "questions": "All you hold about me.", "requester_name": "A Person",
                "requester_email": "a.person@example.org"}  # fmt: skip
        created = await s.post("/requests/new", form)
        assert created.status_code == 302, text_of(created)
        ref = created.headers["location"].rsplit("/", 1)[1]
        page = text_of(await s.get(f"/requests/{ref}"))
        assert "Ask for identity evidence" in page and "Identity evidence received" not in page
        asked = await s.act(ref, "id-requested", {"sent": "2025-01-13", "detail": "Photo ID"})
        assert asked.status_code == 302, text_of(asked)
        page = text_of(await s.get(f"/requests/{ref}"))
        assert "Awaiting identity evidence" in page and "Identity evidence received" in page
        got = await s.act(ref, "id-received", {"received": "2025-01-31"})
        assert got.status_code == 302, text_of(got)
        with Register(db_path) as reg:
            row = reg.one("SELECT due, clock_stopped FROM requests WHERE reference = ?", (ref,))
        assert row == {"due": "2025-02-28", "clock_stopped": None}, "Art 12A: from 31 January"
        foi = await s.post("/requests/new", {**form, "regime": "foi"})
        foi_ref = foi.headers["location"].rsplit("/", 1)[1]
        assert "Ask for identity evidence" not in text_of(await s.get(f"/requests/{foi_ref}"))
        refused = await s.act(foi_ref, "id-requested", {"sent": "2025-01-13"})
        assert refused.status_code == 400 and "subject access requests only" in text_of(refused)
    finally:
        await s.close()
