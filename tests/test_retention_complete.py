"""Retention leaves nothing behind (issue 15): every free-text column and its audit copies, the
published letter, files left by an interrupted run, and temporary files of a killed writer."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from foikit.records import retention
from foikit.records.retention import apply_retention

TODAY = dt.date(2024, 5, 1)
ACTOR = "records.manager"
NAME, PHONE, STREET = "Alice Example", "0121 496 0123", "1 Acacia Avenue"
TEMPLATES = Path(__file__).resolve().parent.parent / "foikit" / "letters" / "templates"


@pytest.fixture
def old_case(register, tmp_path, monkeypatch):
    """A case closed in 2021 whose requester's details got into every free-text column."""
    from foikit.casework.ico import decide, open_complaint
    from foikit.casework.lifecycle import (
        add_request,
        answer_question,
        clarified,
        clarify,
        close_request,
    )
    from foikit.casework.reviews import close_review, open_review

    monkeypatch.setenv("FOIKIT_RESPONSES", str(tmp_path / "responses"))
    said = f"I, {NAME} of {STREET}, phone {PHONE}"
    ref = add_request(
        register,
        ACTOR,
        received="2021-03-01",
        subject="Grants",
        questions=[f"{said}, ask how much was granted", "And to whom?"],
        requester_name=NAME,
        requester_email="alice@example.org",
        requester_address=[STREET, "Birmingham", "B1 1AA"],
        today=TODAY,
    )
    with register.transaction(ACTOR) as tx:  # a phone number taken down in a call
        rid = tx.execute("SELECT requester_id FROM requests WHERE reference = ?", (ref,))
        tx.update("requesters", rid.fetchone()[0], {"phone": PHONE})
    clarify(register, ACTOR, ref, sent="2021-03-02", detail=f"asked {NAME} on {PHONE}", today=TODAY)
    clarified(register, ACTOR, ref, received="2021-03-03", detail=f"{NAME} rang back", today=TODAY)
    answer_question(register, ACTOR, ref, 1, text="£15,000 to each CSP.")
    answer_question(
        register, ACTOR, ref, 2, exemptions=[("40(2)", f"names people other than {NAME}", None)]
    )
    close_request(
        register, ACTOR, ref, responded="2021-03-20", outcome="partially-withheld", today=TODAY
    )
    open_review(register, ACTOR, ref, received="2021-03-25", reviewer="rev.iewer", today=TODAY)
    close_review(
        register,
        "rev.iewer",
        ref,
        decided="2021-04-10",
        outcome="upheld",
        reasons=f"{NAME} says the reply was late",
        today=TODAY,
    )
    open_complaint(
        register,
        ACTOR,
        ref,
        case_reference="IC-1-A",
        complained="2021-04-20",
        notes=f"{NAME} complained by phone from {PHONE}",
        today=TODAY,
    )
    decide(register, ACTOR, ref, decided="2021-06-01", decision="not-upheld", today=TODAY)
    from foikit.letters import render_letter

    letters = [
        render_letter(register, ref, "response", template_dir=TEMPLATES, actor=ACTOR),
        render_letter(
            register, ref, "response", template_dir=TEMPLATES, published=True, actor=ACTOR
        ),
    ]
    return ref, letters


def everything(reg):
    """Every row of every table, the audit trail included, as one string."""
    tables = [
        r["name"]
        for r in reg.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return repr({t: reg.query(f"SELECT * FROM [{t}]") for t in tables})


# (what, why)
TRACES = [
    (NAME, "their name, in clock details, exemption reasons, review reasons and ICO notes"),
    (PHONE, "their phone number"),
    (STREET, "their address"),
    ("alice@example.org", "their email"),
]


@pytest.mark.parametrize("trace, why", TRACES, ids=[t[0] for t in TRACES])
def test_no_trace_of_the_requester_is_left_anywhere(register, old_case, trace, why):
    assert trace in everything(register), "the set-up put it there"
    apply_retention(register, ACTOR, older_than="2y", today=TODAY)
    assert trace not in everything(register), why


def test_the_published_copy_is_deleted_too(register, old_case):
    from foikit.letters import letter_text

    _, (sent, published) = old_case
    # The published copy goes through the one redaction path (issue 13), so it no longer names
    # the requester; it is deleted all the same, as a copy of a letter to them.
    assert NAME in letter_text(sent) and NAME not in letter_text(published)
    report = apply_retention(register, ACTOR, older_than="2y", today=TODAY)
    assert sorted(report.deleted) == sorted([str(sent), str(published)])
    assert not sent.exists() and not published.exists()


def test_dry_run_lists_the_columns_it_will_touch(register, old_case):
    before = everything(register)
    report = apply_retention(register, ACTOR, older_than="2y", today=TODAY, dry_run=True)
    tables = {c.split(".")[0] for c in report.columns}
    assert {
        "questions",
        "clock_events",
        "answer_exemptions",
        "reviews",
        "ico_cases",
        "requesters",
    } <= tables
    assert everything(register) == before, "a dry run changes nothing"


def test_an_interrupted_run_is_finished_by_the_next(register, old_case, monkeypatch):
    """Killed (here: Ctrl-C) after the commit that marks the letters, before their deletion."""
    _, (sent, published) = old_case

    def interrupted(report):
        raise KeyboardInterrupt

    monkeypatch.setattr(retention, "_delete_files", interrupted)
    with pytest.raises(KeyboardInterrupt):
        apply_retention(register, ACTOR, older_than="2y", today=TODAY)
    assert sent.exists() and published.exists(), "marked deleted, still on disk"
    monkeypatch.undo()
    dry = apply_retention(register, ACTOR, older_than="2y", today=TODAY, dry_run=True)
    assert sorted(dry.retried) == sorted([str(sent), str(published)]), "listed first"
    report = apply_retention(register, ACTOR, older_than="2y", today=TODAY)
    assert report.cases == [], "nobody is anonymised twice"
    assert sorted(report.deleted) == sorted([str(sent), str(published)])
    assert not sent.exists() and not published.exists()
    rows = register.query("SELECT old FROM audit WHERE action = 'delete-file'")
    assert sorted(json.loads(r["old"])["path"] for r in rows).count(str(sent)) == 2


# (file name, its writer alive?, deleted?, why)
TEMPS = [
    (".FOI-2021-0001-response.docx.999999999.0badc0de.tmp", False, True, "writer killed"),
    (f".FOI-2021-0001-response.docx.{os.getpid()}.0badc0de.tmp", True, False, "still writing"),
    ("notes.tmp", False, False, "not one of foikit's"),
]


@pytest.mark.parametrize("name, alive, deleted, why", TEMPS, ids=[t[3] for t in TEMPS])
def test_temporary_files_of_killed_writers_are_cleaned(
    register, tmp_path, monkeypatch, name, alive, deleted, why
):
    folder = tmp_path / "responses"
    folder.mkdir()
    monkeypatch.setenv("FOIKIT_RESPONSES", str(folder))
    path = folder / name
    path.write_bytes(b"PK half a letter to Alice Example")
    report = apply_retention(register, ACTOR, older_than="2y", today=TODAY)
    assert path.exists() != deleted, why
    assert (str(path) in report.temporary) == deleted
